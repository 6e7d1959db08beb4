//! `GET /jobs/overview` and `GET /jobs/:jobid`: the job list and one job's details.

use serde::{Deserialize, Serialize};

use super::{
    ExecutionState, ExecutionStateCounts, JobPlan, JobStatus, JobStatusTimestamps, JobTaskCounts,
    JobType, JsonDouble, SchedulerType,
};

/// Mirrors Flink's `MultipleJobsDetails`, the body of `GET /jobs/overview`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultipleJobsDetails {
    /// Every job the JobManager knows, running and archived.
    pub jobs: Vec<JobDetails>,
}

/// Mirrors Flink's `JobDetails` (one entry of `GET /jobs/overview`). Note `jobType` here is
/// camelCase while `GET /jobs/:jobid` spells it `job-type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobDetails {
    /// The job id (32 hex digits).
    pub jid: String,
    /// The job name.
    pub name: String,
    /// `STREAMING` or `BATCH`.
    #[serde(rename = "jobType")]
    pub job_type: JobType,
    /// The scheduler running the job.
    #[serde(rename = "schedulerType")]
    pub scheduler_type: SchedulerType,
    /// When the job entered `INITIALIZING` (epoch ms).
    #[serde(rename = "start-time")]
    pub start_time_ms: i64,
    /// When it reached a terminal state (epoch ms), -1 while not terminal.
    #[serde(rename = "end-time")]
    pub end_time_ms: i64,
    /// Run time so far or in total, ms.
    #[serde(rename = "duration")]
    pub duration_ms: i64,
    /// The job state.
    pub state: JobStatus,
    /// The last time any task of the job changed state (epoch ms).
    #[serde(rename = "last-modification")]
    pub last_modification_ms: i64,
    /// Tasks per state, lowercase keys.
    pub tasks: JobTaskCounts,
    /// Operators not yet part of the JobGraph (incremental job graph generation); 0 here.
    #[serde(rename = "pending-operators")]
    pub pending_operators: i32,
}

/// Mirrors Flink's `JobDetailsInfo`, the body of `GET /jobs/:jobid`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobDetailsInfo {
    /// The job id (32 hex digits).
    pub jid: String,
    /// The application the job belongs to; the job id itself for a plain session job.
    #[serde(rename = "application-id")]
    pub application_id: String,
    /// The job name.
    pub name: String,
    /// Whether the job can be stopped with a savepoint (false for non-stoppable sources).
    #[serde(rename = "isStoppable")]
    pub is_stoppable: bool,
    /// The job state.
    pub state: JobStatus,
    /// `STREAMING` or `BATCH`.
    #[serde(rename = "job-type")]
    pub job_type: JobType,
    /// The scheduler running the job.
    #[serde(rename = "schedulerType")]
    pub scheduler_type: SchedulerType,
    /// When the job entered `INITIALIZING` (epoch ms).
    #[serde(rename = "start-time")]
    pub start_time_ms: i64,
    /// When it reached a terminal state (epoch ms), -1 while not terminal.
    #[serde(rename = "end-time")]
    pub end_time_ms: i64,
    /// Run time so far or in total, ms.
    #[serde(rename = "duration")]
    pub duration_ms: i64,
    /// The job-wide max parallelism, -1 when only set per vertex.
    #[serde(rename = "maxParallelism")]
    pub max_parallelism: i64,
    /// The JobManager's clock when the response was built (epoch ms).
    #[serde(rename = "now")]
    pub now_ms: i64,
    /// The last time each job state was entered.
    pub timestamps: JobStatusTimestamps,
    /// The vertices in topological order (sources first).
    pub vertices: Vec<JobDetailsVertexInfo>,
    /// How many vertices are in each aggregate state.
    #[serde(rename = "status-counts")]
    pub status_counts: ExecutionStateCounts,
    /// The JobGraph, as `GET /jobs/:jobid/plan` returns it.
    pub plan: JobPlan,
    /// Operators not yet part of the JobGraph; 0 here.
    #[serde(rename = "pending-operators")]
    pub pending_operators: i32,
}

/// Mirrors `JobDetailsInfo.JobVertexDetailsInfo` (one of `vertices` in `GET /jobs/:jobid`); not
/// to be confused with the top-level `JobVertexDetailsInfo` of `GET /jobs/:jobid/vertices/:vid`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobDetailsVertexInfo {
    /// The JobVertexID (32 hex digits).
    pub id: String,
    /// The slot sharing group this vertex's tasks share slots in.
    #[serde(rename = "slotSharingGroupId")]
    pub slot_sharing_group_id: String,
    /// The chained operator names, e.g. `"AbnormalAlarmFunction -> Sink: PrintSink"`.
    pub name: String,
    /// The number of key groups (128 by default).
    #[serde(rename = "maxParallelism")]
    pub max_parallelism: i32,
    /// Number of subtasks.
    pub parallelism: i32,
    /// The aggregate state of the vertex's subtasks.
    pub status: ExecutionState,
    /// When the first subtask started (epoch ms), -1 if none has.
    #[serde(rename = "start-time")]
    pub start_time_ms: i64,
    /// When the last subtask ended (epoch ms), -1 while any is running.
    #[serde(rename = "end-time")]
    pub end_time_ms: i64,
    /// Run time so far or in total, ms.
    #[serde(rename = "duration")]
    pub duration_ms: i64,
    /// Subtasks per state.
    pub tasks: ExecutionStateCounts,
    /// Network I/O summed over the subtasks.
    pub metrics: IoMetricsInfo,
}

/// Mirrors Flink's `IOMetricsInfo` (`metrics` of a vertex or subtask). Byte and record counts
/// are network I/O only: a source reads 0 records, a sink writes 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct IoMetricsInfo {
    /// Bytes received over the network.
    pub read_bytes: i64,
    /// Whether every subtask reported `read-bytes`.
    pub read_bytes_complete: bool,
    /// Bytes sent over the network.
    pub write_bytes: i64,
    /// Whether every subtask reported `write-bytes`.
    pub write_bytes_complete: bool,
    /// Records received over the network.
    pub read_records: i64,
    /// Whether every subtask reported `read-records`.
    pub read_records_complete: bool,
    /// Records sent over the network.
    pub write_records: i64,
    /// Whether every subtask reported `write-records`.
    pub write_records_complete: bool,
    /// Time spent back-pressured, ms.
    #[serde(rename = "accumulated-backpressured-time")]
    pub accumulated_backpressured_time_ms: i64,
    /// Time spent idle, ms.
    #[serde(rename = "accumulated-idle-time")]
    pub accumulated_idle_time_ms: i64,
    /// Time spent busy, ms; a Java double, and `"NaN"` for a legacy source (which has no
    /// busy-time metric).
    #[serde(rename = "accumulated-busy-time")]
    pub accumulated_busy_time_ms: JsonDouble,
}
