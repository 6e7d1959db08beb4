//! `GET /jobs/:jobid/checkpoints/details/:checkpointid/subtasks/:vertexid`: one vertex's part
//! of a checkpoint, subtask by subtask.

use serde::{Deserialize, Serialize};

use super::{StatsSummaryDto, TaskCheckpointStatistics};

/// Mirrors Flink's `TaskCheckpointStatisticsWithSubtaskDetails`, the body of
/// `GET /jobs/:jobid/checkpoints/details/:checkpointid/subtasks/:vertexid`: the vertex's
/// `TaskCheckpointStatistics` fields, then `summary` and `subtasks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskCheckpointStatisticsWithSubtaskDetails {
    /// The vertex totals, written flat at the top of the body.
    #[serde(flatten)]
    pub task: TaskCheckpointStatistics,
    /// Statistics over the acknowledged subtasks (percentiles are `"NaN"` here).
    pub summary: TaskCheckpointSummary,
    /// One entry per subtask, by index.
    pub subtasks: Vec<SubtaskCheckpointStatistics>,
}

/// Mirrors `TaskCheckpointStatisticsWithSubtaskDetails.Summary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskCheckpointSummary {
    /// Of `checkpointed_size`, bytes.
    #[serde(rename = "checkpointed_size")]
    pub checkpointed_size_bytes: StatsSummaryDto,
    /// Of `state_size`, bytes.
    #[serde(rename = "state_size")]
    pub state_size_bytes: StatsSummaryDto,
    /// Of `end_to_end_duration`, ms.
    #[serde(rename = "end_to_end_duration")]
    pub end_to_end_duration_ms: StatsSummaryDto,
    /// Of the synchronous and asynchronous snapshot phases, ms.
    pub checkpoint_duration: TaskCheckpointDurationSummary,
    /// Of the alignment figures.
    pub alignment: TaskCheckpointAlignmentSummary,
    /// Of `start_delay` (trigger to first barrier at the subtask), ms.
    #[serde(rename = "start_delay")]
    pub start_delay_ms: StatsSummaryDto,
}

/// Mirrors `TaskCheckpointStatisticsWithSubtaskDetails.CheckpointDuration`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskCheckpointDurationSummary {
    /// Of the synchronous part, ms.
    #[serde(rename = "sync")]
    pub sync_ms: StatsSummaryDto,
    /// Of the asynchronous part, ms.
    #[serde(rename = "async")]
    pub async_ms: StatsSummaryDto,
}

/// Mirrors `TaskCheckpointStatisticsWithSubtaskDetails.CheckpointAlignment`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskCheckpointAlignmentSummary {
    /// Of `buffered` (legacy, zero), bytes; Flink does keep a histogram for this one, so its
    /// percentiles are `0.0`, not `"NaN"`.
    #[serde(rename = "buffered")]
    pub buffered_bytes: StatsSummaryDto,
    /// Of `processed`, bytes.
    #[serde(rename = "processed")]
    pub processed_bytes: StatsSummaryDto,
    /// Of `persisted`, bytes.
    #[serde(rename = "persisted")]
    pub persisted_bytes: StatsSummaryDto,
    /// Of the alignment `duration`, ms.
    #[serde(rename = "duration")]
    pub duration_ms: StatsSummaryDto,
}

/// Mirrors Flink's `SubtaskCheckpointStatistics` (polymorphic on `className`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "className")]
pub enum SubtaskCheckpointStatistics {
    /// `"className":"completed"`: the subtask acknowledged.
    #[serde(rename = "completed")]
    Completed(CompletedSubtaskCheckpointStatistics),
    /// `"className":"pending"`: not acknowledged (yet), or the checkpoint failed first.
    #[serde(rename = "pending")]
    Pending(PendingSubtaskCheckpointStatistics),
}

/// Mirrors `SubtaskCheckpointStatistics.CompletedSubtaskCheckpointStatistics`. Flink writes the
/// inherited `status` last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletedSubtaskCheckpointStatistics {
    /// The subtask index, from 0.
    pub index: i32,
    /// When the subtask acknowledged (epoch ms).
    #[serde(rename = "ack_timestamp")]
    pub ack_timestamp_ms: i64,
    /// Trigger to acknowledgement, ms.
    #[serde(rename = "end_to_end_duration")]
    pub end_to_end_duration_ms: i64,
    /// Bytes persisted by the subtask.
    #[serde(rename = "checkpointed_size")]
    pub checkpointed_size_bytes: i64,
    /// Full state size of the subtask, bytes.
    #[serde(rename = "state_size")]
    pub state_size_bytes: i64,
    /// Its snapshot phases.
    pub checkpoint: SubtaskCheckpointDuration,
    /// Its alignment figures.
    pub alignment: SubtaskCheckpointAlignment,
    /// Trigger to the first barrier reaching the subtask, ms.
    #[serde(rename = "start_delay")]
    pub start_delay_ms: i64,
    /// Whether this subtask's snapshot was unaligned.
    pub unaligned_checkpoint: bool,
    /// Whether the subtask aborted its part.
    pub aborted: bool,
    /// Always `"completed"`.
    pub status: CompletedSubtaskStatus,
}

/// Mirrors `SubtaskCheckpointStatistics.PendingSubtaskCheckpointStatistics`: only the index and
/// the status `"pending_or_failed"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSubtaskCheckpointStatistics {
    /// The subtask index, from 0.
    pub index: i32,
    /// Always `"pending_or_failed"`.
    pub status: PendingSubtaskStatus,
}

/// The constant `status` (Flink's `SubtaskCheckpointStatistics.checkpointStatus`) of a
/// `CompletedSubtaskCheckpointStatistics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CompletedSubtaskStatus {
    /// `"completed"`.
    #[default]
    #[serde(rename = "completed")]
    Completed,
}

/// The constant `status` (Flink's `SubtaskCheckpointStatistics.checkpointStatus`) of a
/// `PendingSubtaskCheckpointStatistics`: the subtask has not acknowledged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PendingSubtaskStatus {
    /// `"pending_or_failed"`.
    #[default]
    #[serde(rename = "pending_or_failed")]
    PendingOrFailed,
}

/// Mirrors `CompletedSubtaskCheckpointStatistics.CheckpointDuration` (`checkpoint`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubtaskCheckpointDuration {
    /// The synchronous snapshot phase, ms.
    #[serde(rename = "sync")]
    pub sync_ms: i64,
    /// The asynchronous upload phase, ms.
    #[serde(rename = "async")]
    pub async_ms: i64,
}

/// Mirrors `CompletedSubtaskCheckpointStatistics.CheckpointAlignment` (`alignment`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubtaskCheckpointAlignment {
    /// Legacy, always 0.
    #[serde(rename = "buffered")]
    pub buffered_bytes: i64,
    /// Bytes processed during alignment.
    #[serde(rename = "processed")]
    pub processed_bytes: i64,
    /// In-flight bytes persisted.
    #[serde(rename = "persisted")]
    pub persisted_bytes: i64,
    /// First to last barrier at the subtask, ms.
    #[serde(rename = "duration")]
    pub duration_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A subtask that has not acknowledged is written with its index and status only.
    #[test]
    fn pending_subtask_has_only_index_and_status() {
        let pending = SubtaskCheckpointStatistics::Pending(PendingSubtaskCheckpointStatistics {
            index: 2,
            status: PendingSubtaskStatus::PendingOrFailed,
        });
        let text = serde_json::to_string(&pending).unwrap();
        assert_eq!(
            text,
            r#"{"className":"pending","index":2,"status":"pending_or_failed"}"#
        );
        let back: SubtaskCheckpointStatistics = serde_json::from_str(&text).unwrap();
        assert_eq!(back, pending);
    }

    /// The constant status strings reject anything else.
    #[test]
    fn subtask_status_rejects_wrong_constant() {
        let text = r#"{"className":"pending","index":0,"status":"completed"}"#;
        assert!(serde_json::from_str::<SubtaskCheckpointStatistics>(text).is_err());
    }
}
