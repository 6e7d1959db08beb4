//! Job and task lifecycle names as the REST API writes them, and the per-state maps built
//! from them.
//!
//! Flink keys `timestamps`, `tasks`, `status-counts` and a subtask's `status-duration` by Java
//! enums in a `HashMap`, so their key order is the enum constants' identity-hash order: fixed
//! for the life of one JobManager JVM but not across JVMs. The structs here pin the order seen
//! in the Flink 2.3.0 capture (`tests/fixtures/flink-2.3.0-rest/jobs_JID.json`), which is
//! consistent across every map of that capture.

use serde::{Deserialize, Serialize};

pub use crate::sim::lifecycle::{ExecutionState, JobStatus};

/// Mirrors Flink's `JobType` (`job-type` / `jobType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobType {
    /// A bounded batch job.
    Batch,
    /// An unbounded streaming job (the simulated job).
    Streaming,
}

/// Mirrors Flink's `JobManagerOptions.SchedulerType` (`schedulerType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SchedulerType {
    /// The default pipelined-region scheduler.
    Default,
    /// The adaptive (reactive) scheduler.
    Adaptive,
    /// The adaptive batch scheduler.
    AdaptiveBatch,
}

/// Mirrors the `Map<JobStatus, Long>` `timestamps` of `JobDetailsInfo` (`/jobs/:jobid`): the
/// epoch milliseconds each job state was last entered, 0 for states never entered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobStatusTimestamps {
    /// `CANCELED` entered at (epoch ms).
    #[serde(rename = "CANCELED")]
    pub canceled_ms: i64,
    /// `CANCELLING` entered at (epoch ms).
    #[serde(rename = "CANCELLING")]
    pub cancelling_ms: i64,
    /// `SUSPENDED` entered at (epoch ms).
    #[serde(rename = "SUSPENDED")]
    pub suspended_ms: i64,
    /// `RESTARTING` entered at (epoch ms).
    #[serde(rename = "RESTARTING")]
    pub restarting_ms: i64,
    /// `FINISHED` entered at (epoch ms).
    #[serde(rename = "FINISHED")]
    pub finished_ms: i64,
    /// `FAILING` entered at (epoch ms).
    #[serde(rename = "FAILING")]
    pub failing_ms: i64,
    /// `RECONCILING` entered at (epoch ms).
    #[serde(rename = "RECONCILING")]
    pub reconciling_ms: i64,
    /// `INITIALIZING` entered at (epoch ms).
    #[serde(rename = "INITIALIZING")]
    pub initializing_ms: i64,
    /// `CREATED` entered at (epoch ms).
    #[serde(rename = "CREATED")]
    pub created_ms: i64,
    /// `RUNNING` entered at (epoch ms).
    #[serde(rename = "RUNNING")]
    pub running_ms: i64,
    /// `FAILED` entered at (epoch ms).
    #[serde(rename = "FAILED")]
    pub failed_ms: i64,
}

/// Mirrors the `Map<ExecutionState, Integer>` of `JobDetailsInfo`: a vertex's `tasks` (subtasks
/// per state) and the job's `status-counts` (vertices per state).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct ExecutionStateCounts {
    /// Count in `CREATED`.
    pub created: i32,
    /// Count in `RUNNING`.
    pub running: i32,
    /// Count in `FAILED`.
    pub failed: i32,
    /// Count in `DEPLOYING`.
    pub deploying: i32,
    /// Count in `SCHEDULED`.
    pub scheduled: i32,
    /// Count in `CANCELING`.
    pub canceling: i32,
    /// Count in `CANCELED`.
    pub canceled: i32,
    /// Count in `INITIALIZING`.
    pub initializing: i32,
    /// Count in `RECONCILING`.
    pub reconciling: i32,
    /// Count in `FINISHED`.
    pub finished: i32,
}

/// Mirrors the `Map<String, Integer>` `tasks` of `JobDetails` (`/jobs/overview`): lowercase
/// state names plus `total`. Its keys are strings, so Java's order is stable across JVMs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobTaskCounts {
    /// Tasks in `RUNNING`.
    pub running: i32,
    /// Tasks in `CANCELING`.
    pub canceling: i32,
    /// Tasks in `CANCELED`.
    pub canceled: i32,
    /// All tasks of the job (sum of the job's vertex parallelisms).
    pub total: i32,
    /// Tasks in `CREATED`.
    pub created: i32,
    /// Tasks in `SCHEDULED`.
    pub scheduled: i32,
    /// Tasks in `DEPLOYING`.
    pub deploying: i32,
    /// Tasks in `RECONCILING`.
    pub reconciling: i32,
    /// Tasks in `FINISHED`.
    pub finished: i32,
    /// Tasks in `INITIALIZING`.
    pub initializing: i32,
    /// Tasks in `FAILED`.
    pub failed: i32,
}
