//! The state of the JobManager's `CheckpointCoordinator` and its statistics tracker.
//!
//! Holds pending checkpoints (at most `max-concurrent-checkpoints`), the periodic trigger's
//! generation (a new generation cancels the old timer, as `rescheduleTrigger` does), the
//! failure counter of `CheckpointFailureManager`, and the statistics the REST API serves:
//! counts, summaries, latest completed / failed / restored, and a bounded history. The engine
//! drives it; this module only keeps its books.

use crate::sim::checkpoint::{
    CheckpointPoint, CheckpointRecord, CheckpointStatus, PendingCheckpoint, SavepointFormatType,
    StatsSummary,
};
use crate::sim::ids::CheckpointId;
use crate::sim::limits::POINTS_MAX;
use crate::sim::time::SimTime;
use std::collections::VecDeque;

/// `counts` of `/jobs/:jid/checkpoints`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CheckpointCounts {
    /// Restores since submission.
    pub restored: u64,
    /// Triggers, including ones that failed before getting an id.
    pub total: u64,
    /// Pending now.
    pub in_progress: u64,
    /// Completed.
    pub completed: u64,
    /// Failed (including triggers that failed without an id).
    pub failed: u64,
}

/// `latest.restored` of `/jobs/:jid/checkpoints`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestoredCheckpoint {
    /// The checkpoint restored.
    pub id: CheckpointId,
    /// When.
    pub restore_time: SimTime,
    /// Its `external_path`.
    pub external_path: String,
}

/// The summaries of `/jobs/:jid/checkpoints`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckpointSummaries {
    /// `checkpointed_size`: what each checkpoint wrote.
    pub checkpointed_size: StatsSummary,
    /// `state_size`: the full state each checkpoint represents.
    pub state_size: StatsSummary,
    /// `end_to_end_duration`, in milliseconds.
    pub end_to_end_duration: StatsSummary,
    /// `processed_data`.
    pub processed_data: StatsSummary,
    /// `persisted_data`.
    pub persisted_data: StatsSummary,
}

/// The coordinator's books.
#[derive(Clone, Debug)]
pub struct CheckpointCoordinator {
    /// The id the next trigger takes (ids start at 1 and are never reused).
    pub next_id: u32,
    /// Pending checkpoints, oldest first.
    pub pending: Vec<PendingCheckpoint>,
    /// The newest checkpoints with full details, oldest first.
    pub history: VecDeque<CheckpointRecord>,
    history_max: usize,
    /// Compact points for plots, oldest first.
    pub points: VecDeque<CheckpointPoint>,
    /// Counts.
    pub counts: CheckpointCounts,
    /// Summaries over completed checkpoints.
    pub summaries: CheckpointSummaries,
    /// The latest completed checkpoint.
    pub latest_completed: Option<CheckpointRecord>,
    /// The latest failed checkpoint (with an id).
    pub latest_failed: Option<CheckpointRecord>,
    /// The latest restore.
    pub latest_restored: Option<RestoredCheckpoint>,
    /// Generation of the periodic trigger timer; a timer of another generation is stale.
    pub periodic_generation: u32,
    /// When the periodic trigger fires next, if it runs.
    pub periodic_next: Option<SimTime>,
    /// A trigger request waits for a pending checkpoint to finish.
    pub trigger_queued: bool,
    /// When the last checkpoint completed (for min pause).
    pub last_completion: Option<SimTime>,
    /// `CheckpointFailureManager`'s continuous failure counter.
    pub continuous_failures: u32,
    /// The newest completed checkpoint id (failures of older ones do not count).
    pub last_successful: CheckpointId,
    /// Retained completed checkpoints, oldest first.
    pub retained: VecDeque<CheckpointId>,
    /// The latest completed savepoint (`latest.savepoint`).
    pub latest_savepoint: Option<CheckpointRecord>,
    /// Savepoint requests waiting for a free slot (at most `max-concurrent-checkpoints`
    /// pending), served before a queued periodic trigger as `CheckpointRequestDecider` orders
    /// them.
    pub savepoint_requests: VecDeque<SavepointRequest>,
}

/// A savepoint request that waits for a pending checkpoint to end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SavepointRequest {
    /// Canonical or native.
    pub format: SavepointFormatType,
    /// Stop-with-savepoint.
    pub synchronous: bool,
}

impl CheckpointCoordinator {
    /// A coordinator keeping `history_max` detailed entries.
    pub fn new(history_max: u32) -> CheckpointCoordinator {
        assert!(history_max > 0, "history must hold at least one checkpoint");
        CheckpointCoordinator {
            next_id: 1,
            pending: Vec::new(),
            history: VecDeque::new(),
            history_max: history_max as usize,
            points: VecDeque::new(),
            counts: CheckpointCounts::default(),
            summaries: CheckpointSummaries::default(),
            latest_completed: None,
            latest_failed: None,
            latest_restored: None,
            periodic_generation: 0,
            periodic_next: None,
            trigger_queued: false,
            last_completion: None,
            continuous_failures: 0,
            last_successful: CheckpointId(0),
            retained: VecDeque::new(),
            latest_savepoint: None,
            savepoint_requests: VecDeque::new(),
        }
    }

    /// The pending checkpoint `id`.
    pub fn pending(&self, id: CheckpointId) -> Option<&PendingCheckpoint> {
        self.pending.iter().find(|p| p.id == id)
    }

    /// Removes and returns the pending checkpoint `id`.
    pub fn take_pending(&mut self, id: CheckpointId) -> Option<PendingCheckpoint> {
        let position = self.pending.iter().position(|p| p.id == id)?;
        Some(self.pending.remove(position))
    }

    /// The history entry of `id`, if still in the history.
    pub fn record_mut(&mut self, id: CheckpointId) -> Option<&mut CheckpointRecord> {
        self.history.iter_mut().rev().find(|r| r.id == id)
    }

    /// The history entry of `id`, if still in the history.
    pub fn record(&self, id: CheckpointId) -> Option<&CheckpointRecord> {
        self.history.iter().rev().find(|r| r.id == id)
    }

    /// Adds a new entry, dropping the oldest beyond the limit.
    pub fn push_record(&mut self, record: CheckpointRecord) {
        if let Some(last) = self.history.back() {
            assert!(last.id < record.id, "history ids must increase");
        }
        if self.history.len() == self.history_max {
            self.history.pop_front();
        }
        self.history.push_back(record);
        assert!(self.history.len() <= self.history_max);
    }

    /// Records a finished checkpoint in the plots and the `latest` fields.
    pub fn finish_record(&mut self, id: CheckpointId) {
        let Some(record) = self.record(id).cloned() else {
            return;
        };
        assert!(
            record.status != CheckpointStatus::InProgress,
            "finish of a pending checkpoint"
        );
        if self.points.len() == POINTS_MAX {
            self.points.pop_front();
        }
        self.points.push_back(CheckpointPoint {
            id,
            status: record.status,
            trigger_time: record.trigger_time,
            end_to_end_us: record.end_to_end_us().unwrap_or(0),
            checkpointed_bytes: record.sum(|s| s.checkpointed_bytes),
            persisted_bytes: record.sum(|s| s.persisted_bytes),
        });
        match record.status {
            CheckpointStatus::Completed if record.savepoint.is_some() => {
                self.latest_savepoint = Some(record)
            }
            CheckpointStatus::Completed => self.latest_completed = Some(record),
            CheckpointStatus::Failed => self.latest_failed = Some(record),
            CheckpointStatus::InProgress => unreachable!(),
        }
    }
}
