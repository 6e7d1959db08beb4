//! Cluster-wide REST bodies: `GET /overview`, `GET /config`, and the error body every handler
//! returns.

use serde::{Deserialize, Serialize};

/// Mirrors Flink's `ClusterOverviewWithVersion`, the body of `GET /overview`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ClusterOverview {
    /// Registered TaskManagers.
    #[serde(rename = "taskmanagers")]
    pub task_managers: i32,
    /// Slots over all TaskManagers.
    pub slots_total: i32,
    /// Free slots over all TaskManagers.
    pub slots_available: i32,
    /// Jobs not yet in a terminal state.
    pub jobs_running: i32,
    /// Jobs in `FINISHED`.
    pub jobs_finished: i32,
    /// Jobs in `CANCELED` (the key is spelled "cancelled").
    pub jobs_cancelled: i32,
    /// Jobs in `FAILED`.
    pub jobs_failed: i32,
    /// For example `"2.3.0"`.
    pub flink_version: String,
    /// Short git commit of the Flink build, for example `"c0f8d1a"`.
    pub flink_commit: String,
}

/// Mirrors Flink's `DashboardConfiguration`, the body of `GET /config`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DashboardConfiguration {
    /// How often the web UI polls, in ms (`web.refresh-interval`, 3000 by default).
    #[serde(rename = "refresh-interval")]
    pub refresh_interval_ms: i64,
    /// The JobManager's time zone display name, e.g. `"Coordinated Universal Time"`.
    pub timezone_name: String,
    /// The JobManager's raw UTC offset in ms.
    #[serde(rename = "timezone-offset")]
    pub timezone_offset_ms: i32,
    /// For example `"2.3.0"`.
    pub flink_version: String,
    /// Commit and build date, e.g. `"c0f8d1a @ 2026-06-14T16:29:03+02:00"`.
    pub flink_revision: String,
    /// Which optional UI features the JobManager enables.
    pub features: DashboardFeatures,
}

/// Mirrors `DashboardConfiguration.Features` (`features` of `GET /config`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DashboardFeatures {
    /// Job submission from the UI (`web.submit.enable`).
    pub web_submit: bool,
    /// Job cancellation from the UI (`web.cancel.enable`).
    pub web_cancel: bool,
    /// Rescaling from the UI (`web.rescale.enable`).
    pub web_rescale: bool,
    /// Whether this is a HistoryServer rather than a live JobManager.
    pub web_history: bool,
}

/// Mirrors Flink's `ErrorResponseBody`: the body of every non-2xx response, e.g. the 404 for an
/// unknown checkpoint id. Each entry is a message, often with a Java stack trace inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponseBody {
    /// The error messages.
    pub errors: Vec<String>,
}
