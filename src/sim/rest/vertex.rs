//! `GET /jobs/:jobid/vertices/:vertexid`: one JobVertex with its subtasks and their aggregate.

use serde::{Deserialize, Serialize};

use super::{ExecutionState, IoMetricsInfo};

/// Mirrors Flink's `JobVertexDetailsInfo`, the body of `GET /jobs/:jobid/vertices/:vertexid`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobVertexDetailsInfo {
    /// The JobVertexID (32 hex digits).
    pub id: String,
    /// The chained operator names.
    pub name: String,
    /// Number of subtasks.
    pub parallelism: i32,
    /// The number of key groups (128 by default).
    #[serde(rename = "maxParallelism")]
    pub max_parallelism: i32,
    /// The JobManager's clock when the response was built (epoch ms).
    #[serde(rename = "now")]
    pub now_ms: i64,
    /// The current attempt of each subtask, by subtask index.
    pub subtasks: Vec<SubtaskExecutionAttemptDetailsInfo>,
    /// Statistics over the subtasks.
    pub aggregated: AggregatedTaskDetailsInfo,
}

/// Mirrors Flink's `SubtaskExecutionAttemptDetailsInfo` (one of `subtasks` of a vertex).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubtaskExecutionAttemptDetailsInfo {
    /// The subtask index, from 0.
    pub subtask: i32,
    /// The attempt's state.
    pub status: ExecutionState,
    /// The attempt number, from 0; it rises with every restart.
    pub attempt: i32,
    /// The TaskManager's data endpoint, `host:dataPort`.
    pub endpoint: String,
    /// When the attempt was deployed (epoch ms).
    #[serde(rename = "start-time")]
    pub start_time_ms: i64,
    /// When it ended (epoch ms), -1 while running.
    #[serde(rename = "end-time")]
    pub end_time_ms: i64,
    /// Run time so far or in total, ms.
    #[serde(rename = "duration")]
    pub duration_ms: i64,
    /// The attempt's network I/O.
    pub metrics: IoMetricsInfo,
    /// The resource id of the TaskManager running it.
    #[serde(rename = "taskmanager-id")]
    pub task_manager_id: String,
    /// Time spent in each pre-terminal state.
    #[serde(rename = "status-duration")]
    pub status_duration: SubtaskStatusDurations,
    /// A deprecated duplicate of `start-time`, written last.
    #[serde(rename = "start_time")]
    pub start_time_legacy_ms: i64,
}

/// Mirrors the `Map<ExecutionState, Long>` `status-duration` of a subtask: ms spent in each
/// state (the current state's entry grows until it is left). Java enum-keyed, so its key order
/// is the capture's, see the `states` module.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubtaskStatusDurations {
    /// Time in `CREATED`, ms.
    #[serde(rename = "CREATED")]
    pub created_ms: i64,
    /// Time in `RUNNING`, ms.
    #[serde(rename = "RUNNING")]
    pub running_ms: i64,
    /// Time in `DEPLOYING`, ms.
    #[serde(rename = "DEPLOYING")]
    pub deploying_ms: i64,
    /// Time in `SCHEDULED`, ms.
    #[serde(rename = "SCHEDULED")]
    pub scheduled_ms: i64,
    /// Time in `INITIALIZING`, ms.
    #[serde(rename = "INITIALIZING")]
    pub initializing_ms: i64,
}

/// Mirrors Flink's `AggregatedTaskDetailsInfo` (`aggregated` of a vertex). Both maps are
/// string-keyed Java `HashMap`s with every key always present, so their order is stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AggregatedTaskDetailsInfo {
    /// Statistics of each I/O metric over the subtasks.
    pub metrics: AggregatedMetrics,
    /// Statistics of each state duration over the subtasks.
    #[serde(rename = "status-duration")]
    pub status_duration: AggregatedStatusDurations,
}

/// The `metrics` map of `AggregatedTaskDetailsInfo`. Every value is a Java long: a subtask whose
/// `accumulated-busy-time` is NaN contributes -1 to its statistics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AggregatedMetrics {
    /// Of `write-records`.
    pub write_records: MetricsStatistics,
    /// Of `accumulated-backpressured-time`, ms.
    pub accumulated_backpressured_time: MetricsStatistics,
    /// Of `accumulated-idle-time`, ms.
    pub accumulated_idle_time: MetricsStatistics,
    /// Of `write-bytes`.
    pub write_bytes: MetricsStatistics,
    /// Of `read-bytes`.
    pub read_bytes: MetricsStatistics,
    /// Of `read-records`.
    pub read_records: MetricsStatistics,
    /// Of `accumulated-busy-time`, ms (truncated to a long).
    pub accumulated_busy_time: MetricsStatistics,
}

/// The `status-duration` map of `AggregatedTaskDetailsInfo`, keyed by state name (strings, so
/// in a different order from a subtask's `status-duration`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct AggregatedStatusDurations {
    /// Of time in `CREATED`, ms.
    pub created: MetricsStatistics,
    /// Of time in `RUNNING`, ms.
    pub running: MetricsStatistics,
    /// Of time in `INITIALIZING`, ms.
    pub initializing: MetricsStatistics,
    /// Of time in `SCHEDULED`, ms.
    pub scheduled: MetricsStatistics,
    /// Of time in `DEPLOYING`, ms.
    pub deploying: MetricsStatistics,
}

/// Mirrors `AggregatedTaskDetailsInfo.MetricsStatistics#toMap`: long statistics of one value
/// over the subtasks. `avg` is the truncated mean; the percentiles are Commons Math
/// `Percentile` estimates truncated to longs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricsStatistics {
    /// 25th percentile.
    pub p25: i64,
    /// Minimum.
    pub min: i64,
    /// Mean, truncated.
    pub avg: i64,
    /// 50th percentile.
    pub median: i64,
    /// Maximum.
    pub max: i64,
    /// Sum.
    pub sum: i64,
    /// 95th percentile.
    pub p95: i64,
    /// 75th percentile.
    pub p75: i64,
}
