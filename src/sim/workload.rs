//! The records of `RandomUserEventSource`: a pure function of (seed, subtask, sequence number).
//!
//! Because no state but the next sequence number is needed to continue the stream, a source
//! restored from a checkpoint's offset re-emits exactly the events it emitted after that
//! checkpoint, as a replayable source (Kafka, a file) would in a real job.

use crate::sim::graph::JobGraph;
use crate::sim::ids::KeyIndex;
use crate::sim::rng::{hash3, Ratio};

/// One user event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserEvent {
    /// The user (the key of the keyed stream).
    pub key: KeyIndex,
    /// Whether the event is abnormal (30% by default).
    pub abnormal: bool,
}

/// The stream definition shared by all sources.
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    seed: u64,
    abnormal_ratio: Ratio,
}

impl Workload {
    /// The workload of a run with `seed`.
    pub fn new(seed: u64, abnormal_ratio: Ratio) -> Workload {
        Workload {
            seed: crate::sim::rng::mix64(seed ^ 0x5E_ED0F_E7E2),
            abnormal_ratio,
        }
    }

    /// The event with sequence number `seq` of source subtask `subtask`.
    pub fn event(&self, graph: &JobGraph, subtask: u32, seq: u64) -> UserEvent {
        let hash = hash3(self.seed, u64::from(subtask), seq);
        let keys = &graph.keys_by_source[subtask as usize];
        let pick = if keys.len() == 1 {
            0
        } else {
            (hash & 0xFFFF) as usize % keys.len()
        };
        UserEvent {
            key: keys[pick],
            abnormal: self.abnormal_ratio.contains((hash >> 32) as u32),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::SimConfig;

    #[test]
    fn stream_is_a_pure_function_and_thirty_percent_abnormal() {
        let config = SimConfig::default();
        let graph = JobGraph::build(&config);
        let workload = Workload::new(7, config.abnormal_ratio);
        let abnormal = (0..10_000)
            .filter(|seq| workload.event(&graph, 1, *seq).abnormal)
            .count();
        assert!(
            (2_800..3_200).contains(&abnormal),
            "{abnormal} abnormal of 10000"
        );
        assert_eq!(workload.event(&graph, 1, 42), workload.event(&graph, 1, 42));
        assert_eq!(
            workload.event(&graph, 1, 42).key,
            KeyIndex(1),
            "subtask 1 emits user2"
        );
        let other = Workload::new(8, config.abnormal_ratio);
        let same = (0..200).filter(|s| workload.event(&graph, 0, *s) == other.event(&graph, 0, *s));
        assert!(same.count() < 200, "different seeds give different streams");
    }
}
