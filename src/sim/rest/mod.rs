//! REST DTOs: the JSON bodies of Flink 2.3.0's JobManager REST API (port 8081), as serde types.
//!
//! Each type mirrors one Flink class (named in its doc line) and serialises to exactly the
//! bytes a real Flink 2.3.0 cluster sends: same keys, same nesting, same key order, same number
//! forms (`0.0` versus `0`, `"NaN"` versus a number). `tests/rest_shapes.rs` proves this by
//! round-tripping every response captured from a real cluster
//! (`tests/fixtures/flink-2.3.0-rest/`) byte for byte.
//!
//! Endpoints covered:
//! - `/overview` [`ClusterOverview`], `/config` [`DashboardConfiguration`], errors
//!   [`ErrorResponseBody`];
//! - `/taskmanagers` [`TaskManagersInfo`];
//! - `/jobs/overview` [`MultipleJobsDetails`], `/jobs/:jobid` [`JobDetailsInfo`],
//!   `/jobs/:jobid/plan` [`JobPlanInfo`], `/jobs/:jobid/exceptions`
//!   [`JobExceptionsInfoWithHistory`];
//! - `/jobs/:jobid/vertices/:vertexid` [`JobVertexDetailsInfo`], `…/backpressure`
//!   [`JobVertexBackPressureInfo`];
//! - `/jobs/:jobid/checkpoints` [`CheckpointingStatistics`], `…/checkpoints/config`
//!   [`CheckpointConfigInfo`], `…/checkpoints/details/:checkpointid` [`CheckpointStatistics`],
//!   `…/details/:checkpointid/subtasks/:vertexid` [`TaskCheckpointStatisticsWithSubtaskDetails`].
//!
//! Rules these types keep:
//! - Key order is field order. Where Flink serialises a Java `HashMap` with fixed keys the
//!   struct pins the order seen on the real cluster (see `states`); where keys vary
//!   (vertex ids, labels) [`OrderedMap`] keeps insertion order. No `HashMap` anywhere.
//! - Every Java `double` is a [`JsonDouble`], so NaN is written `"NaN"` as Jackson does, never
//!   `null`. Java `long`s are `i64` and `int`s are `i32`: Flink uses -1 for "not yet".
//! - Write files with [`to_flink_json`]: it also matches Java's notation for doubles outside
//!   [10^-3, 10^7) (`1.0E7`), where plain `serde_json::to_string` writes `10000000.0`.
//! - Pure data: no I/O, no clock; timestamps arrive as values.

mod backpressure;
pub mod build;
mod checkpoint_config;
mod checkpoint_details;
mod checkpoint_statistics;
mod checkpoint_subtasks;
mod cluster;
mod double;
mod exceptions;
mod jobs;
mod json;
mod ordered_map;
mod plan;
mod states;
mod task_managers;
mod vertex;

pub use backpressure::{
    JobVertexBackPressureInfo, SubtaskBackPressureInfo, VertexBackPressureLevel,
    VertexBackPressureStatus,
};
pub use checkpoint_config::{CheckpointConfigInfo, ExternalizedCheckpointInfo, ProcessingMode};
pub use checkpoint_details::{
    CheckpointStatistics, CheckpointStatisticsBase, CheckpointStatsStatus, CheckpointType,
    CompletedCheckpointStatistics, FailedCheckpointStatistics, PendingCheckpointStatistics,
    SavepointFormatType, TaskCheckpointStatistics,
};
pub use checkpoint_statistics::{
    CheckpointSummary, CheckpointingCounts, CheckpointingStatistics, LatestCheckpoints,
    RestoredCheckpointStatistics, StatsSummaryDto,
};
pub use checkpoint_subtasks::{
    CompletedSubtaskCheckpointStatistics, CompletedSubtaskStatus,
    PendingSubtaskCheckpointStatistics, PendingSubtaskStatus, SubtaskCheckpointAlignment,
    SubtaskCheckpointDuration, SubtaskCheckpointStatistics, TaskCheckpointAlignmentSummary,
    TaskCheckpointDurationSummary, TaskCheckpointStatisticsWithSubtaskDetails,
    TaskCheckpointSummary,
};
pub use cluster::{ClusterOverview, DashboardConfiguration, DashboardFeatures, ErrorResponseBody};
pub use double::JsonDouble;
pub use exceptions::{
    ExceptionInfo, JobExceptionHistory, JobExceptionsInfoWithHistory, RootExceptionInfo,
};
pub use jobs::{
    IoMetricsInfo, JobDetails, JobDetailsInfo, JobDetailsVertexInfo, MultipleJobsDetails,
};
pub use json::{java_double_string, to_flink_json, FlinkFormatter};
pub use ordered_map::OrderedMap;
pub use plan::{JobPlan, JobPlanInfo, JobPlanInput, JobPlanNode};
pub use states::{
    ExecutionState, ExecutionStateCounts, JobStatus, JobStatusTimestamps, JobTaskCounts, JobType,
    SchedulerType,
};
pub use task_managers::{
    HardwareDescription, ResourceProfileInfo, TaskExecutorMemoryConfiguration, TaskManagerInfo,
    TaskManagersInfo,
};
pub use vertex::{
    AggregatedMetrics, AggregatedStatusDurations, AggregatedTaskDetailsInfo, JobVertexDetailsInfo,
    MetricsStatistics, SubtaskExecutionAttemptDetailsInfo, SubtaskStatusDurations,
};
