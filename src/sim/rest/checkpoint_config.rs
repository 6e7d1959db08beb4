//! `GET /jobs/:jobid/checkpoints/config`: the job's checkpointing configuration.

use serde::{Deserialize, Serialize};

/// Mirrors Flink's `CheckpointConfigInfo`, the body of `GET /jobs/:jobid/checkpoints/config`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointConfigInfo {
    /// `exactly_once` or `at_least_once`.
    pub mode: ProcessingMode,
    /// Trigger interval, ms; `i64::MAX` means periodic checkpoints are disabled.
    #[serde(rename = "interval")]
    pub interval_ms: i64,
    /// A checkpoint not complete after this long expires, ms.
    #[serde(rename = "timeout")]
    pub timeout_ms: i64,
    /// Minimum pause between a completion and the next trigger, ms.
    #[serde(rename = "min_pause")]
    pub min_pause_ms: i64,
    /// Checkpoints allowed in flight at once.
    pub max_concurrent: i32,
    /// Retention of checkpoints after the job ends.
    pub externalization: ExternalizedCheckpointInfo,
    /// e.g. `"HashMapStateBackend"`.
    pub state_backend: String,
    /// e.g. `"FileSystemCheckpointStorage"`.
    pub checkpoint_storage: String,
    /// Whether unaligned checkpoints are enabled.
    pub unaligned_checkpoints: bool,
    /// Failed checkpoints tolerated before the job fails.
    pub tolerable_failed_checkpoints: i32,
    /// Aligned checkpoints switch to unaligned after this long, ms (0: never).
    #[serde(rename = "aligned_checkpoint_timeout")]
    pub aligned_checkpoint_timeout_ms: i64,
    /// Whether checkpoints continue after some tasks finish.
    pub checkpoints_after_tasks_finish: bool,
    /// Whether the changelog state backend is on.
    pub state_changelog_enabled: bool,
    /// Changelog materialization interval, ms.
    #[serde(rename = "changelog_periodic_materialization_interval")]
    pub changelog_periodic_materialization_interval_ms: i64,
    /// Changelog storage kind, e.g. `"memory"`.
    pub changelog_storage: String,
}

/// Mirrors `CheckpointConfigInfo.ProcessingMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessingMode {
    /// Barriers are aligned: state reflects each record exactly once.
    ExactlyOnce,
    /// Barriers are not aligned: records may be reflected more than once after a restore.
    AtLeastOnce,
}

/// Mirrors `CheckpointConfigInfo.ExternalizedCheckpointInfo` (`externalization`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalizedCheckpointInfo {
    /// Whether checkpoints are retained when the job ends.
    pub enabled: bool,
    /// Whether a retained checkpoint is deleted on cancellation.
    pub delete_on_cancellation: bool,
}
