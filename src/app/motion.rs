//! What the dataflow animates, sampled across frames: recent record emissions per channel.
//!
//! At 1× a record crosses a channel in about a millisecond, so the dataflow shows motion
//! derived from the engine's events instead: each record takes [`TRANSIT_WALL_MS`] of wall
//! time to cross (that much simulated time at the current speed). The page's event log holds
//! only the last few thousand events, which at high rates is a sliver of one transit; the
//! [`RecordSampler`] keeps, per channel, at most one emission per
//! [`DOTS_PER_CHANNEL`]th of a transit across frames, so the dots cover the whole transit.

use crate::sim::event::{Event, TimedEvent};
use crate::sim::graph::JobGraph;
use crate::sim::SimTime;
use std::collections::VecDeque;

/// Wall time of one visual move (a channel crossing, a snapshot flying to storage).
pub const TRANSIT_WALL_MS: u64 = 900;
/// Most moving record dots on one channel.
pub const DOTS_PER_CHANNEL: usize = 12;

/// What a record dot is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DotKind {
    /// A normal event.
    Normal,
    /// An abnormal event.
    Abnormal,
    /// An alarm on its way to the sink.
    Alarm,
}

/// The transit time in simulated microseconds at `speed_milli`.
pub fn transit_us(speed_milli: u64) -> u64 {
    (TRANSIT_WALL_MS * speed_milli).max(1)
}

/// Recent record emissions per channel, thinned.
#[derive(Clone, Debug, Default)]
pub struct RecordSampler {
    last: SimTime,
    channels: Vec<VecDeque<(SimTime, DotKind)>>,
}

impl RecordSampler {
    /// The sampled emissions of `channel`, oldest first.
    pub fn channel(&self, channel: usize) -> impl DoubleEndedIterator<Item = &(SimTime, DotKind)> {
        self.channels.get(channel).into_iter().flatten()
    }

    /// Forgets everything (a seek, a new run).
    pub fn clear(&mut self) {
        self.last = SimTime::ZERO;
        self.channels.clear();
    }

    /// Takes in the records emitted in `events` (newest last) after the last update.
    pub fn update(&mut self, graph: &JobGraph, events: &[TimedEvent], speed_milli: u64) {
        if self.channels.len() != graph.channels.len() {
            self.clear();
            self.channels = vec![VecDeque::new(); graph.channels.len()];
        }
        let slot = transit_us(speed_milli) / DOTS_PER_CHANNEL as u64;
        for timed in events.iter().filter(|e| e.time > self.last) {
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
        if let Some(newest) = events.last() {
            self.last = self.last.max(newest.time);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Sim, SimConfig, SimDuration};

    #[test]
    fn sampling_is_bounded_and_thinned_per_channel() {
        let config = SimConfig {
            source_interval: SimDuration::from_us(100),
            ..SimConfig::default()
        };
        let mut sim = Sim::new(config, 1).unwrap();
        sim.set_verbose(true);
        let mut sampler = RecordSampler::default();
        let mut events = Vec::new();
        for frame in 1..=60u64 {
            sim.advance_to(SimTime(frame * 16_667));
            events.clear();
            sim.drain_events(&mut events);
            sampler.update(sim.view().graph(), &events, 1_000);
        }
        let slot = transit_us(1_000) / DOTS_PER_CHANNEL as u64;
        let mut sampled = 0;
        for c in 0..sim.view().graph().channels.len() {
            let times: Vec<SimTime> = sampler.channel(c).map(|(t, _)| *t).collect();
            assert!(times.len() <= DOTS_PER_CHANNEL + 1);
            assert!(times
                .windows(2)
                .all(|w| w[1].saturating_since(w[0]).as_us() >= slot));
            sampled += times.len();
        }
        assert!(sampled > 0, "records were sampled");
    }
}
