//! One checkpoint's statistics: each `history` entry and `latest.*` of
//! `GET /jobs/:jobid/checkpoints`, and the whole body of
//! `GET /jobs/:jobid/checkpoints/details/:checkpointid`.
//!
//! Flink models these as a class hierarchy with a Jackson type discriminator: the key
//! `className` comes first and is `completed`, `failed` or `in_progress`; the base class's
//! fields follow, then the subclass's own (`external_path`, `discarded` for completed;
//! `failure_timestamp`, `failure_message` for failed). Here the discriminator is the variant of
//! [`CheckpointStatistics`], the base fields are [`CheckpointStatisticsBase`] flattened into each
//! variant struct, so the key order matches Flink's.

use serde::{Deserialize, Serialize};

use super::OrderedMap;

/// Mirrors Flink's `CheckpointStatistics` (polymorphic on `className`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "className")]
pub enum CheckpointStatistics {
    /// `"className":"completed"`.
    #[serde(rename = "completed")]
    Completed(CompletedCheckpointStatistics),
    /// `"className":"failed"`.
    #[serde(rename = "failed")]
    Failed(FailedCheckpointStatistics),
    /// `"className":"in_progress"`.
    #[serde(rename = "in_progress")]
    InProgress(PendingCheckpointStatistics),
}

impl CheckpointStatistics {
    /// The fields every kind of checkpoint has.
    #[must_use]
    pub fn base(&self) -> &CheckpointStatisticsBase {
        match self {
            CheckpointStatistics::Completed(completed) => &completed.base,
            CheckpointStatistics::Failed(failed) => &failed.base,
            CheckpointStatistics::InProgress(pending) => &pending.base,
        }
    }
}

/// The fields of Flink's base class `CheckpointStatistics`, in Flink's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointStatisticsBase {
    /// The checkpoint id; ids keep rising across restores.
    pub id: i64,
    /// Agrees with the `className`.
    pub status: CheckpointStatsStatus,
    /// Whether this is a savepoint.
    pub is_savepoint: bool,
    /// The savepoint format, `null` for a checkpoint.
    #[serde(rename = "savepointFormat")]
    pub savepoint_format: Option<SavepointFormatType>,
    /// When the coordinator triggered it (epoch ms).
    #[serde(rename = "trigger_timestamp")]
    pub trigger_timestamp_ms: i64,
    /// When the last acknowledgement arrived (epoch ms), -1 before the first.
    #[serde(rename = "latest_ack_timestamp")]
    pub latest_ack_timestamp_ms: i64,
    /// Bytes persisted by this checkpoint (the incremental size).
    #[serde(rename = "checkpointed_size")]
    pub checkpointed_size_bytes: i64,
    /// Full state size, bytes; the key name is kept for the old UI (FLINK-13390).
    #[serde(rename = "state_size")]
    pub state_size_bytes: i64,
    /// Trigger to last acknowledgement, ms; -1 before the first acknowledgement.
    #[serde(rename = "end_to_end_duration")]
    pub end_to_end_duration_ms: i64,
    /// Legacy, always 0 since unaligned checkpoints replaced alignment buffering.
    #[serde(rename = "alignment_buffered")]
    pub alignment_buffered_bytes: i64,
    /// Bytes processed during alignment.
    #[serde(rename = "processed_data")]
    pub processed_data_bytes: i64,
    /// In-flight bytes persisted (unaligned checkpoints).
    #[serde(rename = "persisted_data")]
    pub persisted_data_bytes: i64,
    /// Subtasks that must acknowledge (all tasks of the job).
    pub num_subtasks: i32,
    /// Subtasks that have acknowledged.
    pub num_acknowledged_subtasks: i32,
    /// Aligned, unaligned, or a savepoint kind.
    pub checkpoint_type: CheckpointType,
    /// Per-vertex statistics keyed by JobVertexID: empty in `/checkpoints`, filled in
    /// `/checkpoints/details/:checkpointid`, in the order Flink's `HashMap` iterates.
    pub tasks: OrderedMap<TaskCheckpointStatistics>,
}

/// Mirrors `CheckpointStatistics.CompletedCheckpointStatistics`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompletedCheckpointStatistics {
    /// The common fields.
    #[serde(flatten)]
    pub base: CheckpointStatisticsBase,
    /// Where `_metadata` was written, e.g. `file:/tmp/flink-checkpoints/<jid>/chk-46`.
    pub external_path: Option<String>,
    /// Whether the checkpoint's files were deleted (subsumed under the retention limit).
    pub discarded: bool,
}

/// Mirrors `CheckpointStatistics.FailedCheckpointStatistics`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedCheckpointStatistics {
    /// The common fields.
    #[serde(flatten)]
    pub base: CheckpointStatisticsBase,
    /// When it failed (epoch ms).
    #[serde(rename = "failure_timestamp")]
    pub failure_timestamp_ms: i64,
    /// Why, e.g. `"Trigger checkpoint failure."` or `"Checkpoint expired before completing."`.
    pub failure_message: Option<String>,
}

/// Mirrors `CheckpointStatistics.PendingCheckpointStatistics` (`className` `in_progress`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingCheckpointStatistics {
    /// The common fields; an in-progress checkpoint has no others.
    #[serde(flatten)]
    pub base: CheckpointStatisticsBase,
}

/// Mirrors Flink's `TaskCheckpointStatistics`: one vertex's part of a checkpoint (a value of
/// `tasks`, and the head of `/checkpoints/details/:checkpointid/subtasks/:vertexid`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskCheckpointStatistics {
    /// The checkpoint id.
    pub id: i64,
    /// The checkpoint's status (not the vertex's).
    pub status: CheckpointStatsStatus,
    /// The vertex's last acknowledgement (epoch ms), -1 before the first.
    #[serde(rename = "latest_ack_timestamp")]
    pub latest_ack_timestamp_ms: i64,
    /// Bytes persisted by the vertex.
    #[serde(rename = "checkpointed_size")]
    pub checkpointed_size_bytes: i64,
    /// Full state size of the vertex, bytes.
    #[serde(rename = "state_size")]
    pub state_size_bytes: i64,
    /// Trigger to the vertex's last acknowledgement, ms.
    #[serde(rename = "end_to_end_duration")]
    pub end_to_end_duration_ms: i64,
    /// Legacy, always 0.
    #[serde(rename = "alignment_buffered")]
    pub alignment_buffered_bytes: i64,
    /// Bytes processed during alignment.
    #[serde(rename = "processed_data")]
    pub processed_data_bytes: i64,
    /// In-flight bytes persisted.
    #[serde(rename = "persisted_data")]
    pub persisted_data_bytes: i64,
    /// The vertex's parallelism.
    pub num_subtasks: i32,
    /// Its subtasks that have acknowledged.
    pub num_acknowledged_subtasks: i32,
}

/// Mirrors Flink's `CheckpointStatsStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CheckpointStatsStatus {
    /// Triggered, not every acknowledgement in yet.
    InProgress,
    /// Every subtask acknowledged and the metadata was written.
    Completed,
    /// Aborted, expired or declined.
    Failed,
}

/// Mirrors Flink's `RestAPICheckpointType` (`checkpoint_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CheckpointType {
    /// An aligned checkpoint.
    Checkpoint,
    /// An unaligned checkpoint (barriers overtake in-flight data).
    UnalignedCheckpoint,
    /// A savepoint.
    Savepoint,
    /// A synchronous savepoint (stop-with-savepoint).
    SyncSavepoint,
}

pub use crate::sim::checkpoint::SavepointFormatType;
