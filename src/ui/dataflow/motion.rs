//! Motion, derived from recent events: records sampled across frames by the session
//! ([`crate::app::motion::RecordSampler`]), barriers, snapshots, alarms and completions from the
//! engine's journal. Each move takes one transit of wall time; work done by vertex *d* of the
//! graph is shown *d* transits late, so barriers arrive visually before the snapshot they cause
//! leaves.

use super::scene::{Budget, ChannelInfo, BARRIERS_PER_CHANNEL, GLYPHS_MAX};
use super::View;
use crate::app::motion::{transit_us, DotKind, RecordSampler, DOTS_PER_CHANNEL};
use crate::sim::event::Event;
use crate::sim::graph::{JobGraph, OperatorKind};
use crate::sim::ids::{CheckpointId, TaskIndex, VertexIndex};

/// A moving thing on a channel.
#[derive(Clone, Copy, Debug)]
pub(super) enum GhostKind {
    Record(DotKind),
    Barrier {
        checkpoint: CheckpointId,
        unaligned: bool,
        /// Only one of a sender's barriers carries the id (they start together).
        labelled: bool,
    },
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Ghost {
    pub(super) channel: usize,
    pub(super) progress: f64,
    pub(super) kind: GhostKind,
}

/// Everything in motion this frame.
#[derive(Default)]
pub(super) struct Motion {
    pub(super) ghosts: Vec<Ghost>,
    /// Snapshot documents flying from a task to storage: task, progress, checkpoint.
    pub(super) glyphs: Vec<(usize, f64, CheckpointId)>,
    /// Alarms raised in a (chained) keyed task: task, progress.
    pub(super) alarms: Vec<(usize, f64)>,
    /// The latest completed checkpoint landing in storage: id, progress.
    pub(super) flash: Option<(CheckpointId, f64)>,
    /// Channels an unaligned barrier is overtaking right now, with its checkpoint.
    pub(super) overtaking: Vec<(usize, CheckpointId)>,
}

/// Collects motion from the sampled records and the journal for transit time `transit_us` (simulated).
pub(super) struct MotionBuilder<'a> {
    pub(super) graph: &'a JobGraph,
    pub(super) infos: &'a [ChannelInfo],
    pub(super) unaligned_of: &'a dyn Fn(CheckpointId) -> bool,
    pub(super) transit: f64,
    pub(super) bins: Vec<u16>,
    pub(super) barriers: Vec<u8>,
    pub(super) budget: Budget,
    pub(super) motion: Motion,
}

impl MotionBuilder<'_> {
    /// Progress of a move that starts `delay` transits after an event `age` µs old.
    pub(super) fn progress(&self, age: u64, delay: usize) -> Option<f64> {
        let p = age as f64 / self.transit - delay as f64;
        (0.0..1.0).contains(&p).then_some(p)
    }

    pub(super) fn record(&mut self, channel: usize, progress: f64, kind: DotKind) {
        let cap = 1.0 - self.infos[channel].fill();
        let bin = ((progress * DOTS_PER_CHANNEL as f64) as usize).min(DOTS_PER_CHANNEL - 1);
        let taken = self.bins[channel] & (1 << bin) != 0;
        if progress >= cap || taken || self.budget.dots == 0 {
            return;
        }
        self.bins[channel] |= 1 << bin;
        self.budget.dots -= 1;
        self.motion.ghosts.push(Ghost {
            channel,
            progress,
            kind: GhostKind::Record(kind),
        });
    }

    pub(super) fn barrier(&mut self, task: TaskIndex, checkpoint: CheckpointId, progress: f64) {
        let unaligned = (self.unaligned_of)(checkpoint);
        for (position, channel) in self.graph.tasks[task.index()].outputs.iter().enumerate() {
            let c = channel.index();
            let queued = self.infos[c]
                .barriers
                .iter()
                .any(|b| b.checkpoint == checkpoint);
            if queued
                || self.barriers[c] as usize >= BARRIERS_PER_CHANNEL
                || self.budget.barriers == 0
            {
                continue;
            }
            self.barriers[c] += 1;
            self.budget.barriers -= 1;
            if unaligned && self.infos[c].data > 0 {
                self.motion.overtaking.push((c, checkpoint));
            }
            self.motion.ghosts.push(Ghost {
                channel: c,
                progress,
                kind: GhostKind::Barrier {
                    checkpoint,
                    unaligned,
                    labelled: position == 0,
                },
            });
        }
    }

    pub(super) fn event(&mut self, event: &Event, age: u64, depth_max: usize) {
        let graph = self.graph;
        let depth = |task: TaskIndex| graph.tasks[task.index()].vertex.index();
        match *event {
            Event::BarrierInjected { task, checkpoint } => {
                if let Some(p) = self.progress(age, 0) {
                    self.barrier(task, checkpoint, p);
                }
            }
            Event::SnapshotTaken {
                task, checkpoint, ..
            } => self.snapshot(task, checkpoint, age, depth(task)),
            Event::AlarmPrinted { subtask, .. } => self.alarm(subtask, age),
            Event::CheckpointCompleted { checkpoint, .. } if self.motion.flash.is_none() => {
                self.motion.flash = self.progress(age, depth_max + 1).map(|p| (checkpoint, p));
            }
            _ => {}
        }
    }

    pub(super) fn snapshot(
        &mut self,
        task: TaskIndex,
        checkpoint: CheckpointId,
        age: u64,
        depth: usize,
    ) {
        if let Some(p) = self.progress(age, depth) {
            if self.motion.glyphs.len() < GLYPHS_MAX {
                self.motion.glyphs.push((task.index(), p, checkpoint));
            }
            if depth > 0 {
                self.barrier(task, checkpoint, p);
            }
        }
    }

    pub(super) fn alarm(&mut self, subtask: u32, age: u64) {
        let graph = self.graph;
        let Some(p) = self.progress(age, 1) else {
            return;
        };
        match graph.vertices.get(2) {
            Some(sink) if sink.kind == OperatorKind::Sink => {
                let sink_task = graph.task(VertexIndex(2), subtask);
                if let Some(channel) = graph.tasks[sink_task.index()].inputs.first() {
                    self.record(channel.index(), p, DotKind::Alarm);
                }
            }
            _ => {
                let keyed = graph.task(VertexIndex(1), subtask);
                self.motion.alarms.push((keyed.index(), p));
            }
        }
    }
}

/// The motion of this frame (empty when paused or when reduced motion is asked for).
pub(super) fn motion(
    view: &View,
    sampler: &RecordSampler,
    speed_milli: u64,
    infos: &[ChannelInfo],
    budget: Budget,
    animate: bool,
) -> Motion {
    if !animate {
        return Motion::default();
    }
    let graph = view.graph();
    let now = view.now();
    let transit_us = transit_us(speed_milli);
    let depth_max = graph.vertices.len() - 1;
    let horizon = transit_us * (depth_max as u64 + 3);
    let coordinator = view.coordinator();
    let unaligned_of = |id: CheckpointId| {
        coordinator
            .pending(id)
            .map(|p| p.unaligned)
            .or_else(|| coordinator.record(id).map(|r| r.unaligned))
            .unwrap_or(view.config().unaligned)
    };
    let mut builder = MotionBuilder {
        graph,
        infos,
        unaligned_of: &unaligned_of,
        transit: transit_us as f64,
        bins: vec![0; infos.len()],
        barriers: vec![0; infos.len()],
        budget,
        motion: Motion::default(),
    };
    for channel in 0..infos.len() {
        for (time, kind) in sampler.channel(channel).rev() {
            match builder.progress(now.saturating_since(*time).as_us(), 0) {
                Some(p) => builder.record(channel, p, *kind),
                None => break,
            }
        }
    }
    // Barriers, snapshots, alarms and completions from the engine's journal, which a flood of
    // records cannot push out.
    let journal: Vec<&crate::sim::TimedEvent> = view.journal().collect();
    for timed in journal.into_iter().rev() {
        let age = now.saturating_since(timed.time).as_us();
        if age > horizon {
            break;
        }
        builder.event(&timed.event, age, depth_max);
    }
    builder.motion
}

/// In-flight records checkpoint `checkpoint` persisted for `channel`: from its `_metadata` once
/// retained, else from the snapshots still in progress.
pub(super) fn persisted_records(
    view: &View,
    checkpoint: CheckpointId,
    channel: usize,
) -> Option<usize> {
    let graph = view.graph();
    let layout = &graph.channels[channel];
    let (sender, receiver) = (
        &graph.tasks[layout.sender.index()],
        &graph.tasks[layout.receiver.index()],
    );
    let metadata = view.storage().get(checkpoint)?;
    let count = metadata
        .operators
        .iter()
        .enumerate()
        .filter(|(v, _)| *v == sender.vertex.index() || *v == receiver.vertex.index())
        .flat_map(|(v, op)| op.subtasks.iter().map(move |s| (v, s)))
        .flat_map(|(v, s)| s.channel_state.iter().map(move |c| (v, c)))
        .filter(|(v, c)| {
            let owner_is_sender = c.side == crate::sim::checkpoint::ChannelSide::Output;
            let owner = if owner_is_sender { sender } else { receiver };
            *v == owner.vertex.index()
                && c.sender_subtask == sender.subtask
                && c.receiver_subtask == receiver.subtask
        })
        .map(|(_, c)| c.elements.len())
        .sum();
    Some(count)
}
