//! `GET /jobs/:jobid/exceptions`: the job's failure history, newest first.
//!
//! Flink 2.x writes only `exceptionHistory`; the 1.x top-level `root-exception`, `timestamp`,
//! `all-exceptions` and `truncated` keys are gone.

use serde::{Deserialize, Serialize};

use super::OrderedMap;

/// Mirrors Flink's `JobExceptionsInfoWithHistory`, the body of `GET /jobs/:jobid/exceptions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobExceptionsInfoWithHistory {
    /// The failures, newest first.
    #[serde(rename = "exceptionHistory")]
    pub exception_history: JobExceptionHistory,
}

/// Mirrors `JobExceptionsInfoWithHistory.JobExceptionHistory`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobExceptionHistory {
    /// One entry per failure that caused a restart (or the final failure), newest first.
    pub entries: Vec<RootExceptionInfo>,
    /// Whether older entries were dropped (`web.exception-history-size`, 16 by default).
    pub truncated: bool,
}

/// Mirrors `JobExceptionsInfoWithHistory.RootExceptionInfo`: a failure and the failures that
/// happened concurrently with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootExceptionInfo {
    /// The failure itself (Flink's subclass inherits these fields, and writes them first).
    #[serde(flatten)]
    pub exception: ExceptionInfo,
    /// Failures of other tasks in the same failover.
    #[serde(rename = "concurrentExceptions")]
    pub concurrent_exceptions: Vec<ExceptionInfo>,
}

/// Mirrors `JobExceptionsInfoWithHistory.ExceptionInfo`: one failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionInfo {
    /// The exception's class name.
    #[serde(rename = "exceptionName")]
    pub exception_name: String,
    /// The full Java stack trace, lines joined by `\n\tat `.
    pub stacktrace: String,
    /// When it was recorded (epoch ms).
    #[serde(rename = "timestamp")]
    pub timestamp_ms: i64,
    /// Labels from failure enrichers; empty by default.
    #[serde(rename = "failureLabels")]
    pub failure_labels: OrderedMap<String>,
    /// The failed task, e.g. `"Source: RandomUserEventSource (3/3) - execution #0"`; absent for
    /// a global failure.
    #[serde(rename = "taskName", default, skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// The failed task's TaskManager endpoint, `host:port`; absent for a global failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The failed task's TaskManager resource id; absent for a global failure.
    #[serde(
        rename = "taskManagerId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub task_manager_id: Option<String>,
}
