//! Barrier handling at a task with network inputs (Flink's `CheckpointBarrierHandler`).
//!
//! Tracks, per checkpoint, which input channels have delivered their barrier. The engine
//! decides what the outcome means for the checkpointing mode: exactly-once aligned blocks each
//! channel whose barrier arrived until the last one arrives; unaligned snapshots at the first
//! barrier and keeps reading; at-least-once (`CheckpointBarrierTracker`) never blocks and
//! snapshots when the last barrier arrives. Barriers of a checkpoint not newer than the latest
//! one seen or aborted are obsolete and ignored.

use crate::sim::ids::CheckpointId;
use crate::sim::limits::TRACKED_CHECKPOINTS_MAX;
use crate::sim::time::SimTime;

/// The progress of one checkpoint's barriers at one task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlignmentProgress {
    /// The checkpoint.
    pub checkpoint: CheckpointId,
    /// Whether the barrier arrived, per input position.
    pub received: Vec<bool>,
    /// How many barriers arrived.
    pub received_count: u32,
    /// When the first barrier arrived.
    pub first_barrier_at: SimTime,
    /// Whether this checkpoint is (now) unaligned at this task.
    pub unaligned: bool,
    /// Bytes read from channels while waiting for the remaining barriers.
    pub processed_bytes: u64,
}

/// What a barrier meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarrierOutcome {
    /// Obsolete (its checkpoint is older than one already seen or aborted): dropped.
    Ignored,
    /// The first barrier of a checkpoint, and more are needed. `superseded` is an older
    /// checkpoint still in progress here that this one replaces (it must be declined).
    Started {
        /// An older checkpoint abandoned by this barrier.
        superseded: Option<CheckpointId>,
    },
    /// A further barrier; more are needed.
    Progress,
    /// The last barrier: every input delivered it. `started` tells whether it was also the
    /// first (a task with one input).
    Complete {
        /// Whether this barrier also started the checkpoint here.
        started: bool,
        /// An older checkpoint abandoned by this barrier.
        superseded: Option<CheckpointId>,
        /// When the first barrier of this checkpoint arrived.
        first_barrier_at: SimTime,
        /// Bytes read while waiting for the remaining barriers.
        processed_bytes: u64,
    },
}

/// Barrier bookkeeping of one task.
#[derive(Clone, Debug)]
pub struct BarrierHandler {
    inputs: u32,
    in_progress: Vec<AlignmentProgress>,
    latest_seen: CheckpointId,
    /// Whether several checkpoints may be tracked at once (at-least-once); exactly-once keeps
    /// one and lets a newer barrier supersede an older checkpoint.
    concurrent: bool,
}

impl BarrierHandler {
    /// A handler for a task with `inputs` channels.
    pub fn new(inputs: u32, concurrent: bool) -> BarrierHandler {
        BarrierHandler {
            inputs,
            in_progress: Vec::new(),
            latest_seen: CheckpointId(0),
            concurrent,
        }
    }

    /// Checkpoints whose barriers are arriving, oldest first.
    pub fn in_progress(&self) -> &[AlignmentProgress] {
        &self.in_progress
    }

    /// The progress of `checkpoint`, if it is in progress.
    pub fn progress_mut(&mut self, checkpoint: CheckpointId) -> Option<&mut AlignmentProgress> {
        self.in_progress
            .iter_mut()
            .find(|p| p.checkpoint == checkpoint)
    }

    /// Records a barrier of `checkpoint` on input `input` at `now`.
    ///
    /// # Panics
    /// If the same input delivers the same checkpoint's barrier twice (channels are FIFO and a
    /// sender emits one barrier per checkpoint).
    pub fn on_barrier(
        &mut self,
        checkpoint: CheckpointId,
        input: u32,
        now: SimTime,
    ) -> BarrierOutcome {
        assert!(input < self.inputs, "input {input} of {}", self.inputs);
        let known = self
            .in_progress
            .iter()
            .position(|p| p.checkpoint == checkpoint);
        let mut superseded = None;
        let index = match known {
            Some(index) => index,
            None => {
                if checkpoint <= self.latest_seen {
                    return BarrierOutcome::Ignored;
                }
                self.latest_seen = checkpoint;
                if !self.concurrent {
                    superseded = self.in_progress.pop().map(|p| p.checkpoint);
                    assert!(self.in_progress.is_empty());
                }
                assert!(
                    self.in_progress.len() < TRACKED_CHECKPOINTS_MAX,
                    "too many checkpoints tracked"
                );
                self.in_progress.push(AlignmentProgress {
                    checkpoint,
                    received: vec![false; self.inputs as usize],
                    received_count: 0,
                    first_barrier_at: now,
                    unaligned: false,
                    processed_bytes: 0,
                });
                self.in_progress.len() - 1
            }
        };
        let progress = &mut self.in_progress[index];
        assert!(
            !progress.received[input as usize],
            "input {input} delivered barrier {checkpoint} twice"
        );
        progress.received[input as usize] = true;
        progress.received_count += 1;
        let started = progress.received_count == 1;
        if progress.received_count == self.inputs {
            let (first_barrier_at, processed_bytes) =
                (progress.first_barrier_at, progress.processed_bytes);
            // Older checkpoints can no longer complete here: their barriers are behind.
            self.in_progress.retain(|p| p.checkpoint > checkpoint);
            BarrierOutcome::Complete {
                started,
                superseded,
                first_barrier_at,
                processed_bytes,
            }
        } else if started {
            BarrierOutcome::Started { superseded }
        } else {
            BarrierOutcome::Progress
        }
    }

    /// Forgets `checkpoint` (aborted by the coordinator); its later barriers will be ignored.
    /// Returns whether it was in progress.
    pub fn abort(&mut self, checkpoint: CheckpointId) -> bool {
        self.latest_seen = self.latest_seen.max(checkpoint);
        let before = self.in_progress.len();
        self.in_progress.retain(|p| p.checkpoint != checkpoint);
        before != self.in_progress.len()
    }

    /// Whether input `input` still waits for the barrier of an in-progress checkpoint.
    pub fn awaits_barrier(&self, checkpoint: CheckpointId, input: u32) -> bool {
        self.in_progress
            .iter()
            .any(|p| p.checkpoint == checkpoint && !p.received[input as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_inputs_complete_on_the_third_barrier() {
        let mut handler = BarrierHandler::new(3, false);
        let id = CheckpointId(1);
        assert_eq!(
            handler.on_barrier(id, 1, SimTime(5)),
            BarrierOutcome::Started { superseded: None }
        );
        assert_eq!(
            handler.on_barrier(id, 0, SimTime(6)),
            BarrierOutcome::Progress
        );
        assert!(handler.awaits_barrier(id, 2));
        assert_eq!(
            handler.on_barrier(id, 2, SimTime(9)),
            BarrierOutcome::Complete {
                started: false,
                superseded: None,
                first_barrier_at: SimTime(5),
                processed_bytes: 0
            }
        );
        assert!(handler.in_progress().is_empty());
        assert_eq!(
            handler.on_barrier(id, 0, SimTime(10)),
            BarrierOutcome::Ignored
        );
    }

    #[test]
    fn single_input_starts_and_completes_at_once() {
        let mut handler = BarrierHandler::new(1, false);
        assert_eq!(
            handler.on_barrier(CheckpointId(2), 0, SimTime(1)),
            BarrierOutcome::Complete {
                started: true,
                superseded: None,
                first_barrier_at: SimTime(1),
                processed_bytes: 0
            }
        );
    }

    #[test]
    fn newer_barrier_supersedes_in_exactly_once_and_aborted_ones_are_ignored() {
        let mut handler = BarrierHandler::new(2, false);
        handler.on_barrier(CheckpointId(1), 0, SimTime(1));
        assert_eq!(
            handler.on_barrier(CheckpointId(2), 1, SimTime(2)),
            BarrierOutcome::Started {
                superseded: Some(CheckpointId(1))
            }
        );
        assert!(handler.abort(CheckpointId(2)));
        assert_eq!(
            handler.on_barrier(CheckpointId(2), 0, SimTime(3)),
            BarrierOutcome::Ignored
        );
        assert_eq!(
            handler.on_barrier(CheckpointId(1), 1, SimTime(3)),
            BarrierOutcome::Ignored
        );
    }

    #[test]
    fn at_least_once_tracks_several_checkpoints() {
        let mut handler = BarrierHandler::new(2, true);
        handler.on_barrier(CheckpointId(1), 0, SimTime(1));
        assert_eq!(
            handler.on_barrier(CheckpointId(2), 0, SimTime(2)),
            BarrierOutcome::Started { superseded: None }
        );
        assert_eq!(handler.in_progress().len(), 2);
        assert!(matches!(
            handler.on_barrier(CheckpointId(1), 1, SimTime(3)),
            BarrierOutcome::Complete { .. }
        ));
        assert!(matches!(
            handler.on_barrier(CheckpointId(2), 1, SimTime(4)),
            BarrierOutcome::Complete { .. }
        ));
    }

    #[test]
    #[should_panic(expected = "twice")]
    fn a_channel_cannot_deliver_the_same_barrier_twice() {
        let mut handler = BarrierHandler::new(2, false);
        handler.on_barrier(CheckpointId(1), 0, SimTime(1));
        handler.on_barrier(CheckpointId(1), 0, SimTime(2));
    }
}
