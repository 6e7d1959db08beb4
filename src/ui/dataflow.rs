//! The dataflow: one SVG of the job graph with every channel of the keyBy exchange, records and
//! barriers travelling through it, channel buffers filling under backpressure, alignment
//! blocking channels, unaligned barriers overtaking in-flight data, and snapshots leaving each
//! task for checkpoint storage.
//!
//! Two layers, drawn together:
//! - **Truth** (always): what the channels' buffers hold now — fill level, queued barriers at
//!   their place behind the records ahead of them, blocked channels with their waiting records,
//!   overtaken and persisted in-flight data — and each task's state and busy/back-pressured
//!   colouring.
//! - **Motion** (while playing, unless reduced motion is asked for): at 1× a record crosses a
//!   channel in about a millisecond, so positions from simulated time alone are invisible.
//!   Motion is derived from the engine's recent events instead (records sampled from the page's
//!   event log across frames, barriers, snapshots and completions from the engine's journal):
//!   each record, barrier and snapshot takes [`TRANSIT_WALL_MS`] of wall time (that much
//!   simulated time at the current speed), and work done by vertex *d* of the graph is shown *d*
//!   transits late, so barriers arrive visually before the snapshot they cause leaves. Markers
//!   are bounded per channel and in total ([`SVG_ELEMENTS_MAX`]); queues beyond that are counts.

use super::cluster::{short_vertex_name, state_class, View};
use super::model::Model;
use super::{bound, tr, Lang, PanelProps};
use crate::fixed::{d0, d1, d2};
use crate::sim::channel::{Channel, Element};
use crate::sim::event::Event;
use crate::sim::graph::{JobGraph, OperatorKind, ShipStrategy};
use crate::sim::ids::{CheckpointId, TaskIndex, VertexIndex};
use crate::sim::lifecycle::ExecutionState;
use crate::sim::SimTime;
use std::collections::VecDeque;
use yew::prelude::*;

/// Wall time of one visual move (a channel crossing, a snapshot flying to storage).
pub const TRANSIT_WALL_MS: u64 = 900;
/// Most moving record dots on one channel.
pub const DOTS_PER_CHANNEL: usize = 12;
/// Most moving record dots in the whole picture.
pub const DOTS_TOTAL: usize = 200;
/// Most barrier markers on one channel.
const BARRIERS_PER_CHANNEL: usize = 3;
/// Most snapshot glyphs in flight.
const GLYPHS_MAX: usize = 24;
/// Above this many channels, channels are drawn as a few aggregate paths.
const DETAILED_CHANNELS_MAX: usize = 36;
/// Queue elements inspected per frame (barrier positions, static dots).
const QUEUE_SCAN_BUDGET: usize = 300_000;
/// Width of the view box.
const VIEW_W: f64 = 1000.0;
/// Height of the column headers.
const TOP: f64 = 34.0;
/// Spacing of queued elements stacked at a receiver, as a fraction of the channel.
const STACK_GAP: f64 = 0.055;
/// SVG elements the picture may use (≈1000 is the 60 fps edge; the rest of the page needs some).
pub const SVG_ELEMENTS_MAX: usize = 600;

/// How many markers this frame may draw, so the SVG stays under [`SVG_ELEMENTS_MAX`] whatever
/// the parallelism: what the fixed picture (boxes, channels, storage) leaves, two thirds for
/// record dots and one third for barriers (three elements each).
#[derive(Clone, Copy, Debug)]
struct Budget {
    /// Queued records drawn per channel in the static picture.
    dots_per_channel: usize,
    /// Moving record dots in total.
    dots: usize,
    /// Barrier markers in total (queued and moving).
    barriers: usize,
    /// Queue elements inspected.
    scan: usize,
}

impl Budget {
    fn for_graph(graph: &JobGraph) -> Budget {
        let channels = graph.channels.len().max(1);
        let detailed = channels <= DETAILED_CHANNELS_MAX;
        let per_task = if detailed { 8 } else { 5 };
        let per_channels = if detailed { channels * 5 } else { 3 };
        let fixed = 40 + GLYPHS_MAX + graph.tasks.len() * per_task + per_channels;
        let left = SVG_ELEMENTS_MAX.saturating_sub(fixed);
        let dots = (left * 2 / 3).min(DOTS_TOTAL);
        Budget {
            dots_per_channel: if detailed {
                (dots / channels).min(DOTS_PER_CHANNEL)
            } else {
                0
            },
            dots,
            barriers: left / 3 / 3,
            scan: QUEUE_SCAN_BUDGET,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Layout

#[derive(Clone, Copy, Debug, PartialEq)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// Where everything goes.
struct Layout {
    height: f64,
    /// One box per task.
    boxes: Vec<Rect>,
    /// Column header positions (x centre) per vertex.
    columns: Vec<f64>,
    storage: Rect,
    /// Whether each task box has room for detail lines.
    detailed: bool,
}

/// Column x and width per vertex, and the storage box's x and width.
fn columns(vertices: usize) -> (Vec<(f64, f64)>, (f64, f64)) {
    if vertices <= 2 {
        (vec![(10.0, 180.0), (420.0, 260.0)], (760.0, 230.0))
    } else {
        (
            vec![(10.0, 160.0), (330.0, 200.0), (610.0, 130.0)],
            (790.0, 200.0),
        )
    }
}

fn layout(graph: &JobGraph) -> Layout {
    let p = graph.vertices[0].parallelism.max(1) as f64;
    let row = bound(560.0 / p, 14.0, 84.0);
    let height = TOP + p * row + 14.0;
    let (cols, (sx, sw)) = columns(graph.vertices.len());
    let box_h = (row * 0.74).min(64.0);
    let boxes = graph
        .tasks
        .iter()
        .map(|t| {
            let (x, w) = cols[t.vertex.index().min(cols.len() - 1)];
            let y = TOP + t.subtask as f64 * row + (row - box_h) / 2.0;
            Rect { x, y, w, h: box_h }
        })
        .collect();
    let storage_h = bound(height - TOP - 10.0, 110.0, 240.0);
    Layout {
        height,
        boxes,
        columns: cols.iter().map(|(x, w)| x + w / 2.0).collect(),
        storage: Rect {
            x: sx,
            y: TOP,
            w: sw,
            h: storage_h,
        },
        detailed: box_h >= 44.0,
    }
}

/// A straight channel from the sender's right edge to the receiver's left edge, endpoints
/// spread by output and input position so the p×p lines stay apart.
#[derive(Clone, Copy, Debug)]
struct Segment {
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
}

impl Segment {
    /// The point at fraction `f` (0 sender, 1 receiver).
    fn at(&self, f: f64) -> (f64, f64) {
        let f = bound(f, 0.0, 1.0);
        (
            self.x1 + (self.x2 - self.x1) * f,
            self.y1 + (self.y2 - self.y1) * f,
        )
    }
}

fn segment(graph: &JobGraph, layout: &Layout, channel: usize) -> Segment {
    let c = &graph.channels[channel];
    let (s, r) = (
        &layout.boxes[c.sender.index()],
        &layout.boxes[c.receiver.index()],
    );
    let outputs = &graph.tasks[c.sender.index()].outputs;
    let out_pos = outputs
        .iter()
        .position(|o| o.index() == channel)
        .unwrap_or(0);
    let inputs = graph.tasks[c.receiver.index()].inputs.len();
    let spread =
        |rect: &Rect, k: usize, n: usize| rect.y + rect.h * (k as f64 + 1.0) / (n as f64 + 1.0);
    Segment {
        x1: s.x + s.w,
        y1: spread(s, out_pos, outputs.len()),
        x2: r.x,
        y2: spread(r, c.input_position as usize, inputs),
    }
}

// ---------------------------------------------------------------------------------------------
// Truth: what each channel holds now

/// What a queued record dot is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum DotKind {
    Normal,
    Abnormal,
    Alarm,
}

impl DotKind {
    fn of(element: &Element) -> Option<DotKind> {
        match element {
            Element::Record { abnormal: true, .. } => Some(DotKind::Abnormal),
            Element::Record { .. } => Some(DotKind::Normal),
            Element::Alarm { .. } => Some(DotKind::Alarm),
            Element::Barrier { .. } => None,
        }
    }
}

/// A barrier marker: its checkpoint, whether unaligned, and its place on the channel.
#[derive(Clone, Copy, Debug)]
struct BarrierMark {
    checkpoint: CheckpointId,
    unaligned: bool,
    position: f64,
    /// Data elements ahead of it in the queue.
    ahead: u32,
}

/// One channel's buffers, now.
#[derive(Clone, Debug, Default)]
struct ChannelInfo {
    data: u32,
    capacity: u32,
    blocked: bool,
    barriers: Vec<BarrierMark>,
    /// A barrier that already reached the receiver on this input while others are awaited.
    arrived: Option<CheckpointId>,
    /// Data behind an unaligned barrier at the head (overtaken in-flight data).
    overtaken: u32,
    /// In-flight elements persisted by snapshots in progress.
    persisted: u32,
    /// Queued data near the head, for the static picture.
    dots: Vec<(f64, DotKind)>,
}

impl ChannelInfo {
    fn fill(&self) -> f64 {
        if self.capacity == 0 {
            0.0
        } else {
            (self.data as f64 / self.capacity as f64).min(1.0)
        }
    }
}

/// Where the queue element at `index` (with `ahead` data elements before it) sits.
fn queue_position(index: usize, ahead: u32, capacity: u32, transit: Option<f64>) -> f64 {
    if index < DOTS_PER_CHANNEL {
        let stack = 0.98 - index as f64 * STACK_GAP;
        transit.map_or(stack, |t| t.min(stack))
    } else {
        let deepest = 0.98 - DOTS_PER_CHANNEL as f64 * STACK_GAP;
        bound(1.0 - ahead as f64 / capacity.max(1) as f64, 0.03, deepest)
    }
}

/// Walks one channel's queue (within the frame's scan budget).
fn scan_queue(channel: &Channel, now: SimTime, budget: &mut Budget, info: &mut ChannelInfo) {
    let mut ahead = 0u32;
    for (index, queued) in channel.iter().enumerate() {
        if budget.scan == 0 {
            break;
        }
        budget.scan -= 1;
        let transit = (queued.available_at > now).then(|| {
            let total = queued
                .available_at
                .saturating_since(queued.sent_at)
                .as_us()
                .max(1);
            now.saturating_since(queued.sent_at).as_us() as f64 / total as f64
        });
        match queued.element {
            Element::Barrier {
                checkpoint,
                unaligned,
            } => {
                if index == 0 && unaligned {
                    info.overtaken = channel.data_len();
                }
                if info.barriers.len() < BARRIERS_PER_CHANNEL && budget.barriers > 0 {
                    budget.barriers -= 1;
                    let position = queue_position(index, ahead, info.capacity, transit);
                    info.barriers.push(BarrierMark {
                        checkpoint,
                        unaligned,
                        position,
                        ahead,
                    });
                }
            }
            element => {
                let drawn = index < budget.dots_per_channel;
                if let (true, Some(kind)) = (drawn, DotKind::of(&element)) {
                    let position = queue_position(index, ahead, info.capacity, transit);
                    info.dots.push((position, kind));
                }
                ahead += 1;
            }
        }
    }
}

/// The truth of every channel.
fn channel_infos(view: &View, budget: &mut Budget) -> Vec<ChannelInfo> {
    let graph = view.graph();
    let now = view.now();
    let mut persisted = vec![0u32; graph.channels.len()];
    for task in view.tasks() {
        for snapshot in &task.snapshots {
            for item in &snapshot.persisted {
                if let Some(count) = persisted.get_mut(item.channel as usize) {
                    *count += 1;
                }
            }
        }
    }
    view.channels()
        .iter()
        .enumerate()
        .map(|(index, channel)| {
            let layout = &graph.channels[index];
            let mut info = ChannelInfo {
                data: channel.data_len(),
                capacity: channel.capacity(),
                blocked: channel.blocked,
                persisted: persisted[index],
                ..ChannelInfo::default()
            };
            scan_queue(channel, now, budget, &mut info);
            let receiver = &view.tasks()[layout.receiver.index()];
            info.arrived = receiver
                .barriers
                .in_progress()
                .iter()
                .find(|p| p.received.get(layout.input_position as usize) == Some(&true))
                .map(|p| p.checkpoint);
            info
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Motion: derived from recent events

/// A moving thing on a channel.
#[derive(Clone, Copy, Debug)]
enum GhostKind {
    Record(DotKind),
    Barrier {
        checkpoint: CheckpointId,
        unaligned: bool,
        /// Only one of a sender's barriers carries the id (they start together).
        labelled: bool,
    },
}

#[derive(Clone, Copy, Debug)]
struct Ghost {
    channel: usize,
    progress: f64,
    kind: GhostKind,
}

/// Everything in motion this frame.
#[derive(Default)]
struct Motion {
    ghosts: Vec<Ghost>,
    /// Snapshot documents flying from a task to storage: task, progress, checkpoint.
    glyphs: Vec<(usize, f64, CheckpointId)>,
    /// Alarms raised in a (chained) keyed task: task, progress.
    alarms: Vec<(usize, f64)>,
    /// The latest completed checkpoint landing in storage: id, progress.
    flash: Option<(CheckpointId, f64)>,
    /// Channels an unaligned barrier is overtaking right now, with its checkpoint.
    overtaking: Vec<(usize, CheckpointId)>,
}

/// Collects motion from `model.events` for transit time `transit_us` (simulated).
struct MotionBuilder<'a> {
    graph: &'a JobGraph,
    infos: &'a [ChannelInfo],
    unaligned_of: &'a dyn Fn(CheckpointId) -> bool,
    transit: f64,
    bins: Vec<u16>,
    barriers: Vec<u8>,
    budget: Budget,
    motion: Motion,
}

impl MotionBuilder<'_> {
    /// Progress of a move that starts `delay` transits after an event `age` µs old.
    fn progress(&self, age: u64, delay: usize) -> Option<f64> {
        let p = age as f64 / self.transit - delay as f64;
        (0.0..1.0).contains(&p).then_some(p)
    }

    fn record(&mut self, channel: usize, progress: f64, kind: DotKind) {
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

    fn barrier(&mut self, task: TaskIndex, checkpoint: CheckpointId, progress: f64) {
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

    fn event(&mut self, event: &Event, age: u64, depth_max: usize) {
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

    fn snapshot(&mut self, task: TaskIndex, checkpoint: CheckpointId, age: u64, depth: usize) {
        if let Some(p) = self.progress(age, depth) {
            if self.motion.glyphs.len() < GLYPHS_MAX {
                self.motion.glyphs.push((task.index(), p, checkpoint));
            }
            if depth > 0 {
                self.barrier(task, checkpoint, p);
            }
        }
    }

    fn alarm(&mut self, subtask: u32, age: u64) {
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

/// The transit time in simulated microseconds at the model's speed.
fn transit_us(model: &Model) -> u64 {
    (TRANSIT_WALL_MS * model.clock.speed_milli()).max(1)
}

/// Recent record emissions per channel, thinned to at most one per [`DOTS_PER_CHANNEL`]th of a
/// transit. The page's event log holds only the last few thousand events, which at high rates
/// is a sliver of one transit; kept here across frames, the dots cover the whole transit.
#[derive(Default)]
pub(crate) struct RecordSampler {
    last: SimTime,
    channels: Vec<VecDeque<(SimTime, DotKind)>>,
}

impl RecordSampler {
    /// Takes in the records emitted since the last frame.
    fn update(&mut self, model: &Model) {
        let view = model.sim.view();
        let graph = view.graph();
        if self.channels.len() != graph.channels.len() || view.now() < self.last {
            self.last = SimTime::ZERO;
            self.channels = vec![VecDeque::new(); graph.channels.len()];
        }
        let slot = transit_us(model) / DOTS_PER_CHANNEL as u64;
        let fresh: Vec<&crate::sim::TimedEvent> = model
            .events
            .iter()
            .rev()
            .take_while(|e| e.time > self.last)
            .collect();
        for timed in fresh.into_iter().rev() {
            let Event::RecordEmitted {
                task,
                key,
                abnormal,
                ..
            } = timed.event
            else {
                continue;
            };
            let target = graph.keys[key.index()].keyed_subtask as usize;
            let Some(channel) = graph.tasks[task.index()].outputs.get(target) else {
                continue;
            };
            let ring = &mut self.channels[channel.index()];
            if ring
                .back()
                .is_some_and(|(t, _)| timed.time.saturating_since(*t).as_us() < slot)
            {
                continue;
            }
            if ring.len() > DOTS_PER_CHANNEL {
                ring.pop_front();
            }
            let kind = if abnormal {
                DotKind::Abnormal
            } else {
                DotKind::Normal
            };
            ring.push_back((timed.time, kind));
        }
        if let Some(newest) = model.events.back() {
            self.last = self.last.max(newest.time);
        }
    }
}

/// The motion of this frame (empty when paused or when reduced motion is asked for).
fn motion(
    model: &Model,
    sampler: &RecordSampler,
    infos: &[ChannelInfo],
    budget: Budget,
    animate: bool,
) -> Motion {
    if !animate {
        return Motion::default();
    }
    let view = model.sim.view();
    let graph = view.graph();
    let now = view.now();
    let transit_us = transit_us(model);
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
    for (channel, ring) in sampler.channels.iter().enumerate() {
        for (time, kind) in ring.iter().rev() {
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
fn persisted_records(view: &View, checkpoint: CheckpointId, channel: usize) -> Option<usize> {
    let graph = view.graph();
    let layout = &graph.channels[channel];
    let (sender, receiver) = (
        &graph.tasks[layout.sender.index()],
        &graph.tasks[layout.receiver.index()],
    );
    let metadata = crate::sim::storage::CheckpointStorage::get(view.storage(), checkpoint)?;
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

// ---------------------------------------------------------------------------------------------
// Colours and small shapes

/// Flink's job-graph colouring: blue, blended toward busy red by the busy share, then toward
/// back-pressured grey by the back-pressured share.
pub(crate) fn flink_vertex_colour(busy_percent: f64, backpressured_percent: f64) -> String {
    let mix = |a: [f64; 3], b: [f64; 3], t: f64| {
        let t = bound(t / 100.0, 0.0, 1.0);
        [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
    };
    let busy = mix([93.0, 177.0, 255.0], [238.0, 100.0, 100.0], busy_percent);
    let grey = mix(busy, [136.0, 136.0, 136.0], backpressured_percent);
    format!("rgb({},{},{})", d0(grey[0]), d0(grey[1]), d0(grey[2]))
}

fn f1(value: f64) -> String {
    d1(value).to_string()
}

/// A record dot: a circle (normal), a triangle (abnormal) or a diamond (alarm).
fn dot(x: f64, y: f64, kind: DotKind) -> Html {
    match kind {
        DotKind::Normal => html! { <circle class="df-rec" cx={f1(x)} cy={f1(y)} r="5" /> },
        DotKind::Abnormal => html! {
            <path class="df-rec-abn" d={format!("M{} {}L{} {}L{} {}Z", d1(x), d1(y - 7.5), d1(x + 6.5), d1(y + 5.0), d1(x - 6.5), d1(y + 5.0))} />
        },
        DotKind::Alarm => html! {
            <path class="df-rec-alarm" d={format!("M{} {}L{} {}L{} {}L{} {}Z", d1(x), d1(y - 7.0), d1(x + 7.0), d1(y), d1(x), d1(y + 7.0), d1(x - 7.0), d1(y))} />
        },
    }
}

/// A barrier: a vertical bar labelled with its checkpoint id.
fn barrier_mark(
    (x, y): (f64, f64),
    checkpoint: CheckpointId,
    unaligned: bool,
    arrived: bool,
    labelled: bool,
) -> Html {
    let class = classes!(
        "df-barrier",
        unaligned.then_some("df-barrier-unaligned"),
        arrived.then_some("df-barrier-arrived")
    );
    html! {
        <g class={class}>
            <rect x={f1(x - 3.0)} y={f1(y - 13.0)} width="6" height="26" rx="1" />
            if labelled {
                <text x={f1(x)} y={f1(y - 16.0)} text-anchor="middle">{ checkpoint.0.to_string() }</text>
            }
        </g>
    }
}

/// A snapshot document flying to storage.
fn glyph(x: f64, y: f64) -> Html {
    html! {
        <path class="df-doc" d={format!("M{} {}h10l5 5v13h-15Z", d1(x - 7.5), d1(y - 9.0))} />
    }
}

// ---------------------------------------------------------------------------------------------
// Drawing

/// Everything one frame draws from.
struct Scene<'a> {
    view: View<'a>,
    lang: Lang,
    layout: Layout,
    infos: Vec<ChannelInfo>,
    segments: Vec<Segment>,
    motion: Motion,
    animate: bool,
    /// Queued records drawn per channel (the label gives the count beyond).
    dots_per_channel: usize,
}

/// The dataflow panel.
#[component]
pub fn DataflowView(props: &PanelProps) -> Html {
    let reduced = use_reduced_motion();
    let sampler = use_mut_ref(RecordSampler::default);
    let model = props.model.borrow();
    sampler.borrow_mut().update(&model);
    let view = model.sim.view();
    let graph = view.graph();
    let animate = model.playing && !reduced;
    let layout = layout(graph);
    let mut budget = Budget::for_graph(graph);
    let infos = channel_infos(&view, &mut budget);
    let segments = (0..graph.channels.len())
        .map(|c| segment(graph, &layout, c))
        .collect();
    let motion = motion(&model, &sampler.borrow(), &infos, budget, animate);
    let scene = Scene {
        dots_per_channel: budget.dots_per_channel,
        view,
        lang: props.lang,
        layout,
        infos,
        segments,
        motion,
        animate,
    };
    let lang = props.lang;
    html! {
        <section class="dataflow df panel" aria-labelledby="df-heading" data-testid="dataflow-view">
            <header class="df-head">
                <h2 id="df-heading">{ tr(lang, "Dataflow", "데이터 흐름") }</h2>
                { legend(lang) }
            </header>
            { svg(&scene) }
            <p class="df-caption" data-testid="df-caption">{ caption(lang, scene.animate) }</p>
            { summary(&scene) }
        </section>
    }
}

fn caption(lang: Lang, animate: bool) -> &'static str {
    if animate {
        tr(
            lang,
            "Motion is slowed for visibility: a record really crosses a channel in about 1 ms; here every move takes 0.9 s, and work downstream is shown one move later. Pause to see the exact state.",
            "잘 보이도록 움직임을 늦췄습니다: 실제로 레코드는 약 1 ms 만에 채널을 건너지만, 여기서는 한 번 이동에 0.9초가 걸리고 하류의 처리는 한 번의 이동만큼 늦게 보입니다. 정확한 상태는 일시정지해서 보세요.",
        )
    } else {
        tr(
            lang,
            "Exact state (paused or reduced motion): dots are the records queued in each channel, bars the barriers at their place in the queue.",
            "정확한 상태 (일시정지 또는 움직임 줄이기): 점은 각 채널에 대기 중인 레코드, 막대는 큐 안 제자리에 있는 배리어입니다.",
        )
    }
}

fn legend(lang: Lang) -> Html {
    html! {
        <ul class="df-legend" aria-label={tr(lang, "Legend", "범례")}>
            <li><span class="df-key df-key-rec" aria-hidden="true"></span>{ tr(lang, "normal event", "정상 이벤트") }</li>
            <li><span class="df-key df-key-abn" aria-hidden="true"></span>{ tr(lang, "abnormal event", "비정상 이벤트") }</li>
            <li><span class="df-key df-key-barrier" aria-hidden="true"></span>{ tr(lang, "barrier (checkpoint id)", "배리어 (체크포인트 ID)") }</li>
            <li><span class="df-key df-key-unaligned" aria-hidden="true"></span>{ tr(lang, "unaligned barrier", "비정렬 배리어") }</li>
            <li><span class="df-key df-key-fill" aria-hidden="true"></span>{ tr(lang, "buffer fill", "버퍼 사용량") }</li>
            <li><span class="df-key df-key-blocked" aria-hidden="true"></span>{ tr(lang, "blocked (alignment)", "차단됨 (정렬)") }</li>
            <li><span class="df-key df-key-doc" aria-hidden="true"></span>{ tr(lang, "snapshot", "스냅샷") }</li>
            <li><span class="df-key df-key-busy" aria-hidden="true"></span>{ tr(lang, "task: blue idle, red busy, grey back-pressured (bp)", "태스크: 파랑 유휴, 빨강 바쁨, 회색 배압(bp)") }</li>
        </ul>
    }
}

fn svg(scene: &Scene) -> Html {
    let lang = scene.lang;
    let height = scene
        .layout
        .height
        .max(scene.layout.storage.y + scene.layout.storage.h + 10.0);
    html! {
        <svg class="df-svg" data-testid="dataflow-svg" role="img" viewBox={format!("0 0 {} {}", d0(VIEW_W), d0(height))}
            preserveAspectRatio="xMidYMin meet" aria-labelledby="df-svg-title df-svg-desc">
            <title id="df-svg-title">{ tr(lang, "Job graph with its network channels", "잡 그래프와 네트워크 채널") }</title>
            <desc id="df-svg-desc">{ tr(lang,
                "Source subtasks on the left feed every keyed subtask over the keyBy exchange. Circles are normal events, triangles abnormal ones, vertical bars checkpoint barriers, the thick band on a channel its buffer fill. Snapshots fly to the checkpoint storage box on the right. A text summary follows the picture.",
                "왼쪽의 소스 서브태스크는 keyBy 교환으로 모든 키 서브태스크에 보냅니다. 원은 정상 이벤트, 삼각형은 비정상 이벤트, 세로 막대는 체크포인트 배리어, 채널 위 굵은 띠는 버퍼 사용량입니다. 스냅샷은 오른쪽 체크포인트 저장소로 날아갑니다. 그림 뒤에 글 요약이 있습니다.") }</desc>
            { column_headers(scene) }
            { channels(scene) }
            { for (0..scene.view.tasks().len()).map(|t| task_box(scene, TaskIndex::from_index(t))) }
            { storage_box(scene) }
            { moving(scene) }
        </svg>
    }
}

fn column_headers(scene: &Scene) -> Html {
    let graph = scene.view.graph();
    let storage = &scene.layout.storage;
    html! {
        <g class="df-columns">
            { for graph.vertices.iter().zip(&scene.layout.columns).map(|(v, x)| html! {
                <text x={f1(*x)} y="20" text-anchor="middle">{ format!("{} ×{}", short_vertex_name(v.kind), v.parallelism) }</text>
            }) }
            <text x={f1(storage.x + storage.w / 2.0)} y="20" text-anchor="middle">{ tr(scene.lang, "checkpoint storage", "체크포인트 저장소") }</text>
        </g>
    }
}

// ---- channels

fn channels(scene: &Scene) -> Html {
    if scene.segments.len() > DETAILED_CHANNELS_MAX {
        return aggregate_channels(scene);
    }
    let graph = scene.view.graph();
    html! {
        <g class="df-channels">
            { for (0..scene.segments.len()).map(|c| {
                let strategy = graph.edges.iter()
                    .find(|e| graph.tasks[graph.channels[c].receiver.index()].vertex == e.downstream)
                    .map_or(ShipStrategy::Hash, |e| e.strategy);
                channel(scene, c, strategy)
            }) }
        </g>
    }
}

/// Many channels (high parallelism): one path per class instead of one element per channel.
fn aggregate_channels(scene: &Scene) -> Html {
    let mut paths = [String::new(), String::new(), String::new()];
    for (c, seg) in scene.segments.iter().enumerate() {
        let info = &scene.infos[c];
        let class = if info.blocked {
            2
        } else if info.fill() > 0.5 {
            1
        } else {
            0
        };
        paths[class].push_str(&format!(
            "M{} {}L{} {}",
            d0(seg.x1),
            d0(seg.y1),
            d0(seg.x2),
            d0(seg.y2)
        ));
    }
    html! {
        <g class="df-channels df-aggregate" data-testid="df-channels-aggregate">
            <path class="df-ch" d={paths[0].clone()} />
            <path class="df-ch df-ch-full" d={paths[1].clone()} />
            <path class="df-ch df-ch-blocked" d={paths[2].clone()} />
        </g>
    }
}

fn channel(scene: &Scene, c: usize, strategy: ShipStrategy) -> Html {
    let seg = scene.segments[c];
    let info = &scene.infos[c];
    let fill = info.fill();
    let (fx, fy) = seg.at(1.0 - fill);
    let class = classes!(
        "df-ch",
        info.blocked.then_some("df-ch-blocked"),
        (info.overtaken > 0 || info.persisted > 0).then_some("df-ch-persisting")
    );
    let overtaking = scene.motion.overtaking.iter().any(|(o, _)| *o == c);
    let fill_class = classes!(
        "df-fill",
        (fill > 0.8).then_some("df-fill-high"),
        (info.overtaken > 0 || overtaking).then_some("df-fill-overtaken")
    );
    html! {
        <g class="df-channel" data-testid="df-channel" data-strategy={strategy.as_str()}
            data-channel={c.to_string()} data-blocked={info.blocked.to_string()}
            data-queued={info.data.to_string()}>
            <line class={class} x1={f1(seg.x1)} y1={f1(seg.y1)} x2={f1(seg.x2)} y2={f1(seg.y2)} />
            if info.data > 0 {
                <line class={fill_class} x1={f1(fx)} y1={f1(fy)} x2={f1(seg.x2)} y2={f1(seg.y2)} />
            }
            { channel_label(scene, c) }
            { for info.barriers.iter().map(|b| {
                let (x, y) = seg.at(b.position);
                barrier_mark((x, y), b.checkpoint, b.unaligned, false, true)
            }) }
            if let (Some(checkpoint), true) = (info.arrived, info.barriers.is_empty()) {
                { barrier_mark((seg.x2 - 10.0, seg.y2), checkpoint, false, true, true) }
            }
            if !scene.animate {
                { for info.dots.iter().map(|(p, kind)| { let (x, y) = seg.at(*p); dot(x, y, *kind) }) }
            }
        </g>
    }
}

/// The count near the receiver: queued records, blocked, overtaken / persisted.
fn channel_label(scene: &Scene, c: usize) -> Html {
    let info = &scene.infos[c];
    let Some(text) = label_text(scene, c) else {
        return html! {};
    };
    let seg = scene.segments[c];
    let (x, y) = seg.at(0.55);
    html! {
        <text class={classes!("df-ch-label", info.blocked.then_some("df-ch-label-blocked"))}
            x={f1(x)} y={f1(y - 8.0)} text-anchor="middle">{ text }</text>
    }
}

/// The label of a channel: blocked, overtaken / persisted, or the queued count.
fn label_text(scene: &Scene, c: usize) -> Option<String> {
    let info = &scene.infos[c];
    let lang = scene.lang;
    let overtaking = scene.motion.overtaking.iter().find(|(o, _)| *o == c);
    Some(if info.blocked {
        match lang {
            Lang::En => format!("blocked · {} waiting", info.data),
            Lang::Ko => format!("차단 · {}개 대기", info.data),
        }
    } else if info.overtaken > 0 || info.persisted > 0 {
        match lang {
            Lang::En => format!(
                "{} overtaken · {} persisted",
                info.overtaken, info.persisted
            ),
            Lang::Ko => format!("{}개 추월됨 · {}개 저장", info.overtaken, info.persisted),
        }
    } else if let Some((_, checkpoint)) = overtaking {
        let persisted = persisted_records(&scene.view, *checkpoint, c)
            .map_or_else(|| "…".to_string(), |n| n.to_string());
        match lang {
            Lang::En => format!("chk-{checkpoint}: {persisted} persisted"),
            Lang::Ko => format!("chk-{checkpoint}: {persisted}개 저장"),
        }
    } else if info.data as usize > scene.dots_per_channel || (scene.animate && info.data > 0) {
        info.data.to_string()
    } else {
        return None;
    })
}

// ---- tasks

fn task_box(scene: &Scene, task: TaskIndex) -> Html {
    let view = &scene.view;
    let graph = view.graph();
    let t = &view.tasks()[task.index()];
    let rect = scene.layout.boxes[task.index()];
    let (busy, bp) = busy_and_backpressure(view, task);
    let dead = t
        .task_manager
        .is_some_and(|tm| !view.task_managers()[tm.index()].is_alive());
    let fill = if t.state == ExecutionState::Running {
        flink_vertex_colour(busy.unwrap_or(0.0), bp)
    } else {
        "rgb(240,240,240)".to_string()
    };
    let class = classes!(
        "df-task",
        state_class(t.state),
        dead.then_some("df-task-dead")
    );
    let layout = &graph.tasks[task.index()];
    let vertex = &graph.vertices[layout.vertex.index()];
    let name = format!(
        "{} ({}/{})#{}",
        box_name(vertex.kind),
        layout.subtask + 1,
        vertex.parallelism,
        t.attempt
    );
    let (cx, _) = rect.center();
    html! {
        <g class={class} data-testid="df-task" data-task={task.0.to_string()} data-state={t.state.as_str()}>
            <title>{ graph.task_name(task, t.attempt) }</title>
            <rect x={f1(rect.x)} y={f1(rect.y)} width={f1(rect.w)} height={f1(rect.h)} rx="4" style={format!("fill:{fill}")} />
            if scene.layout.detailed {
                <text class="df-task-name" x={f1(cx)} y={f1(rect.y + 19.0)} text-anchor="middle">{ name }</text>
                <text class="df-task-line" x={f1(cx)} y={f1(rect.y + 37.0)} text-anchor="middle">{ task_line(scene, task, busy, bp) }</text>
                { key_group_line(scene, task, rect) }
            } else {
                <text class="df-task-name" x={f1(cx)} y={f1(rect.y + rect.h * 0.7)} text-anchor="middle">{ format!("{}", layout.subtask + 1) }</text>
            }
            if dead {
                <path class="df-cross" d={format!("M{} {}L{} {}M{} {}L{} {}", d1(rect.x), d1(rect.y), d1(rect.x + rect.w), d1(rect.y + rect.h), d1(rect.x + rect.w), d1(rect.y), d1(rect.x), d1(rect.y + rect.h))} />
            }
            { alarm_flash(scene, task, rect) }
        </g>
    }
}

/// The operator name inside a task box (the column header has the longer one).
fn box_name(kind: OperatorKind) -> &'static str {
    match kind {
        OperatorKind::Source => "Source",
        OperatorKind::KeyedProcess { chained_sink: true } => "Alarm → Sink",
        OperatorKind::KeyedProcess {
            chained_sink: false,
        } => "Alarm",
        OperatorKind::Sink => "Sink",
    }
}

/// Busy and back-pressured percent over the last second. A legacy source has no busy time in
/// Flink (its `busyRatio` is NaN and the UI shows N/A), so none is shown for sources.
fn busy_and_backpressure(view: &View, task: TaskIndex) -> (Option<f64>, f64) {
    let rates = view.task_rates(task);
    let percent = |ms: f64| (ms / 10.0).round().min(100.0);
    let source = view.graph().vertex_of(task).kind == OperatorKind::Source;
    (
        (!source).then(|| percent(rates.busy_ms_per_second)),
        percent(rates.backpressured_ms_per_second),
    )
}

/// The second line of a task box: busy / back-pressured when running, else the state.
fn task_line(scene: &Scene, task: TaskIndex, busy: Option<f64>, bp: f64) -> String {
    let view = &scene.view;
    let t = &view.tasks()[task.index()];
    let slow = view.slowdown(task);
    let slow = if slow > 1 {
        format!(" · ×{slow}")
    } else {
        String::new()
    };
    if t.state != ExecutionState::Running {
        return format!("{}{slow}", t.state.as_str());
    }
    let busy = busy.map_or_else(|| "n/a".to_string(), |b| format!("{}%", d0(b)));
    match scene.lang {
        Lang::En => format!("busy {busy} · bp {}%{slow}", d0(bp)),
        Lang::Ko => format!("바쁨 {busy} · 배압 {}%{slow}", d0(bp)),
    }
}

/// The key-group range of a keyed subtask (`key groups 86–127`).
fn key_group_line(scene: &Scene, task: TaskIndex, rect: Rect) -> Html {
    let graph = scene.view.graph();
    let layout = &graph.tasks[task.index()];
    let vertex = &graph.vertices[layout.vertex.index()];
    if !matches!(vertex.kind, OperatorKind::KeyedProcess { .. }) || rect.h < 56.0 {
        return html! {};
    }
    let (start, end) = crate::sim::key_group::key_group_range(
        vertex.max_parallelism,
        vertex.parallelism,
        layout.subtask,
    );
    let text = match scene.lang {
        Lang::En => format!("key groups {start}–{end}"),
        Lang::Ko => format!("키 그룹 {start}–{end}"),
    };
    html! {
        <text class="df-task-kg" x={f1(rect.center().0)} y={f1(rect.y + 55.0)} text-anchor="middle">{ text }</text>
    }
}

fn alarm_flash(scene: &Scene, task: TaskIndex, rect: Rect) -> Html {
    let Some((_, p)) = scene.motion.alarms.iter().find(|(t, _)| *t == task.index()) else {
        return html! {};
    };
    html! {
        <text class="df-alarm" x={f1(rect.x + rect.w - 4.0)} y={f1(rect.y - 3.0)} text-anchor="end"
            style={format!("opacity:{}", d2(1.0 - p))}>{ "ALARM" }</text>
    }
}

// ---- storage

fn storage_box(scene: &Scene) -> Html {
    let view = &scene.view;
    let lang = scene.lang;
    let r = scene.layout.storage;
    let retained = view.retained_checkpoints();
    let shown = ((r.h - 66.0) / 19.0).max(1.0) as usize;
    let skip = retained.len().saturating_sub(shown);
    let flash = scene.motion.flash.map_or(0.0, |(_, p)| 1.0 - p);
    let dir = format!("…/{}/", &view.job_id()[..8.min(view.job_id().len())]);
    html! {
        <g class={classes!("df-storage", view.storage_failing().then_some("df-storage-failing"))} data-testid="df-storage">
            <rect x={f1(r.x)} y={f1(r.y)} width={f1(r.w)} height={f1(r.h)} rx="6" />
            <rect class="df-storage-flash" x={f1(r.x)} y={f1(r.y)} width={f1(r.w)} height={f1(r.h)} rx="6" style={format!("opacity:{}", d2(flash))} />
            <text class="df-storage-dir" x={f1(r.x + 8.0)} y={f1(r.y + 20.0)}>{ dir }</text>
            { for retained.iter().skip(skip).enumerate().map(|(i, m)| html! {
                <text class="df-storage-chk" x={f1(r.x + 14.0)} y={f1(r.y + 42.0 + i as f64 * 19.0)}>
                    { format!("chk-{}/_metadata  {}", m.checkpoint_id, super::format::bytes(m.file_size())) }
                </text>
            }) }
            if retained.is_empty() {
                <text class="df-storage-chk" x={f1(r.x + 14.0)} y={f1(r.y + 38.0)}>{ tr(lang, "(no checkpoint yet)", "(아직 체크포인트 없음)") }</text>
            }
            <text class="df-storage-note" x={f1(r.x + 8.0)} y={f1(r.y + r.h - 10.0)}>{ storage_note(scene) }</text>
        </g>
    }
}

/// The pending checkpoint's progress, or that storage is failing.
fn storage_note(scene: &Scene) -> String {
    let view = &scene.view;
    let lang = scene.lang;
    if view.storage_failing() {
        return tr(lang, "writes failing", "쓰기 실패 중").to_string();
    }
    match view.coordinator().pending.last() {
        Some(p) => match lang {
            Lang::En => format!(
                "chk-{}: {}/{} snapshots",
                p.id,
                p.acknowledged,
                p.snapshots.len()
            ),
            Lang::Ko => format!(
                "chk-{}: 스냅샷 {}/{}",
                p.id,
                p.acknowledged,
                p.snapshots.len()
            ),
        },
        None => String::new(),
    }
}

// ---- motion

fn moving(scene: &Scene) -> Html {
    if !scene.animate {
        return html! {};
    }
    let storage = scene.layout.storage;
    let (sx, sy) = (storage.x + 20.0, storage.y + storage.h / 2.0);
    html! {
        <g class="df-motion" aria-hidden="true">
            { for scene.motion.ghosts.iter().map(|g| {
                let (x, y) = scene.segments[g.channel].at(g.progress);
                match g.kind {
                    GhostKind::Record(kind) => dot(x, y, kind),
                    GhostKind::Barrier { checkpoint, unaligned, labelled } => barrier_mark((x, y), checkpoint, unaligned, false, labelled),
                }
            }) }
            { for scene.motion.glyphs.iter().map(|(task, p, _)| {
                let rect = scene.layout.boxes[*task];
                let (x0, y0) = (rect.x + rect.w + 10.0, rect.y + rect.h / 2.0);
                glyph(x0 + (sx - x0) * p, y0 + (sy - y0) * p)
            }) }
        </g>
    }
}

// ---- text summary

/// One sentence per notable channel, for screen readers (and the tests).
fn summary(scene: &Scene) -> Html {
    let lines = summary_lines(scene);
    html! {
        <div class="df-sr" data-testid="df-summary">
            <p>{ overview_sentence(scene) }</p>
            <ul>{ for lines.into_iter().map(|l| html! { <li>{ l }</li> }) }</ul>
        </div>
    }
}

fn overview_sentence(scene: &Scene) -> String {
    let graph = scene.view.graph();
    let hash = scene
        .infos
        .iter()
        .enumerate()
        .filter(|(c, _)| graph.tasks[graph.channels[*c].receiver.index()].vertex == VertexIndex(1))
        .count();
    let forward = scene.infos.len() - hash;
    let queued: u64 = scene.infos.iter().map(|i| u64::from(i.data)).sum();
    match scene.lang {
        Lang::En => format!(
            "{} vertices, {hash} keyBy channels and {forward} forward channels; {queued} records queued in the network.",
            graph.vertices.len()
        ),
        Lang::Ko => format!(
            "버텍스 {}개, keyBy 채널 {hash}개, forward 채널 {forward}개; 네트워크에 레코드 {queued}개 대기 중.",
            graph.vertices.len()
        ),
    }
}

fn channel_name(graph: &JobGraph, c: usize) -> String {
    let layout = &graph.channels[c];
    let end = |task: TaskIndex| {
        let t = &graph.tasks[task.index()];
        let v = &graph.vertices[t.vertex.index()];
        format!("{} ({}/{})", box_name(v.kind), t.subtask + 1, v.parallelism)
    };
    format!("{} → {}", end(layout.sender), end(layout.receiver))
}

fn summary_lines(scene: &Scene) -> Vec<String> {
    let graph = scene.view.graph();
    let lang = scene.lang;
    let mut lines = Vec::new();
    for (c, info) in scene.infos.iter().enumerate() {
        if lines.len() >= 40 {
            break;
        }
        let name = channel_name(graph, c);
        if info.blocked {
            lines.push(match lang {
                Lang::En => format!(
                    "channel {name} blocked during alignment, {} records waiting",
                    info.data
                ),
                Lang::Ko => format!("채널 {name} 정렬 중 차단, 레코드 {}개 대기", info.data),
            });
        }
        for b in &info.barriers {
            lines.push(match (lang, b.unaligned) {
                (Lang::En, false) => format!("channel {name}: barrier of checkpoint {} behind {} records", b.checkpoint, b.ahead),
                (Lang::Ko, false) => format!("채널 {name}: 체크포인트 {} 배리어가 레코드 {}개 뒤에 있음", b.checkpoint, b.ahead),
                (Lang::En, true) => format!("channel {name}: unaligned barrier of checkpoint {} at the head, overtaking {} records", b.checkpoint, info.overtaken),
                (Lang::Ko, true) => format!("채널 {name}: 체크포인트 {} 비정렬 배리어가 맨 앞에서 레코드 {}개를 추월", b.checkpoint, info.overtaken),
            });
        }
        if info.persisted > 0 {
            lines.push(match lang {
                Lang::En => format!(
                    "channel {name}: {} in-flight records persisted as channel state",
                    info.persisted
                ),
                Lang::Ko => format!(
                    "채널 {name}: 전송 중 레코드 {}개를 채널 상태로 저장",
                    info.persisted
                ),
            });
        }
        if !info.blocked && info.fill() >= 0.5 {
            lines.push(match lang {
                Lang::En => format!(
                    "channel {name} {}% full: its sender is back-pressured",
                    d0(info.fill() * 100.0)
                ),
                Lang::Ko => format!(
                    "채널 {name} {}% 참: 송신자가 배압을 받음",
                    d0(info.fill() * 100.0)
                ),
            });
        }
    }
    lines
}

// ---------------------------------------------------------------------------------------------
// Reduced motion

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// Whether the user asked for reduced motion (follows changes of the setting).
#[hook]
pub(crate) fn use_reduced_motion() -> bool {
    let reduced = use_state(prefers_reduced_motion);
    {
        let reduced = reduced.clone();
        use_effect_with((), move |_| {
            let query = web_sys::window().and_then(|w| {
                w.match_media("(prefers-reduced-motion: reduce)")
                    .ok()
                    .flatten()
            });
            let listener = query.map(|query| {
                gloo_events::EventListener::new(&query, "change", move |_| {
                    reduced.set(prefers_reduced_motion());
                })
            });
            move || drop(listener)
        });
    }
    *reduced
}
