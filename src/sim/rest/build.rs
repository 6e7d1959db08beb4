//! Builders: every REST response DTO of this module, computed from a [`SimView`] as a real
//! Flink 2.3.0 JobManager would compute it for the simulated cluster.
//!
//! Each `pub fn` names its endpoint. The rules come from Flink's handlers (cited per function)
//! and from the capture in `tests/fixtures/flink-2.3.0-rest/`; `tests/rest_build.rs` proves
//! the built JSON has the capture's exact key paths and value types.
//!
//! Where the engine lacks a figure, the builder does not invent one silently; the choice is
//! documented where it is made:
//! - TaskManager identities (resource id, ports) of earlier incarnations are not kept by the
//!   engine; [`identities`] re-derives them by replaying the seeded identity stream over the
//!   command log and checks the replay against the live identities (falling back to the
//!   current identity if they ever disagree).
//! - Java stack-trace frames below the first line are representative Flink 2.x frames; only
//!   the heartbeat one is copied from the capture.
//! - Read/write bytes count records only (the engine does not size barriers and buffer
//!   headers, which real Flink includes).
//! - The engine's `idle` rate is not sampled; a subtask's `idleRatio` is the rest of the
//!   second after busy and back-pressured time (Flink derives busy the same way, reversed).
//! - A `ConnectionLost` failure is reported for the task the engine chose as the watcher. Real
//!   Flink fails the *consumer* whose input channel reads from the lost TaskManager; the
//!   engine may pick the producer side (e.g. `Source (1/3)` on TaskManager 1 when keyed
//!   subtask 1 lived on the dead TaskManager 2).
//! - History entries compute durations from epoch milliseconds, as Flink does; the engine's
//!   `end_to_end_duration` summary truncates microseconds instead, so the two may differ by
//!   1 ms.

use crate::sim::checkpoint::{
    CheckpointRecord, CheckpointStatus, StatsSummary, SubtaskCheckpointStats,
};
use crate::sim::cluster::TaskManager;
use crate::sim::config::CheckpointingMode;
use crate::sim::engine::ExceptionEntry;
use crate::sim::event::{Command, FailureCause};
use crate::sim::graph::{JobVertex, OperatorKind};
use crate::sim::ids::{CheckpointId, TaskIndex, TaskManagerId, VertexIndex};
use crate::sim::rng::{RngStream, SimRng};
use crate::sim::task::Task;
use crate::sim::time::SimTime;
use crate::sim::view::SimView;

use super::{
    AggregatedMetrics, AggregatedStatusDurations, AggregatedTaskDetailsInfo, CheckpointConfigInfo,
    CheckpointStatistics, CheckpointStatisticsBase, CheckpointStatsStatus, CheckpointSummary,
    CheckpointType, CheckpointingCounts, CheckpointingStatistics, ClusterOverview,
    CompletedCheckpointStatistics, CompletedSubtaskCheckpointStatistics, CompletedSubtaskStatus,
    DashboardConfiguration, DashboardFeatures, ErrorResponseBody, ExceptionInfo, ExecutionState,
    ExecutionStateCounts, ExternalizedCheckpointInfo, FailedCheckpointStatistics,
    HardwareDescription, IoMetricsInfo, JobDetails, JobDetailsInfo, JobDetailsVertexInfo,
    JobExceptionHistory, JobExceptionsInfoWithHistory, JobPlan, JobPlanInfo, JobPlanInput,
    JobPlanNode, JobStatus, JobStatusTimestamps, JobTaskCounts, JobType, JobVertexBackPressureInfo,
    JobVertexDetailsInfo, JsonDouble, LatestCheckpoints, MetricsStatistics, MultipleJobsDetails,
    OrderedMap, PendingCheckpointStatistics, PendingSubtaskCheckpointStatistics,
    PendingSubtaskStatus, ProcessingMode, ResourceProfileInfo, RestoredCheckpointStatistics,
    RootExceptionInfo, SchedulerType, StatsSummaryDto, SubtaskBackPressureInfo,
    SubtaskCheckpointAlignment, SubtaskCheckpointDuration, SubtaskCheckpointStatistics,
    SubtaskExecutionAttemptDetailsInfo, SubtaskStatusDurations, TaskCheckpointAlignmentSummary,
    TaskCheckpointDurationSummary, TaskCheckpointStatistics,
    TaskCheckpointStatisticsWithSubtaskDetails, TaskCheckpointSummary,
    TaskExecutorMemoryConfiguration, TaskManagerInfo, TaskManagersInfo, VertexBackPressureLevel,
    VertexBackPressureStatus,
};

/// `flink-version` of the captured cluster.
pub const FLINK_VERSION: &str = "2.3.0";
/// `flink-commit` of the captured cluster.
pub const FLINK_COMMIT: &str = "c0f8d1a";
/// `flink-revision` of `/config` on the captured cluster.
pub const FLINK_REVISION: &str = "c0f8d1a @ 2026-06-14T16:29:03+02:00";
/// The host every simulated TaskManager runs on (`endpoint` is `localhost:<dataPort>`).
const HOST: &str = "localhost";

// Memory model of the captured TaskManagers (1 GiB process size), in bytes.
const TASK_HEAP: i64 = 208_037_478;
const MANAGED: i64 = 60_397_978;
const NETWORK: i64 = 67_108_864;
const MIB_SHIFT: u32 = 20;

// ---------------------------------------------------------------------------------------------
// Cluster
// ---------------------------------------------------------------------------------------------

/// `GET /overview`: registered TaskManagers and their slots, jobs by state (Flink counts a job
/// that is not globally terminal as running).
pub fn overview(view: &SimView<'_>) -> ClusterOverview {
    let registered = view.task_managers().iter().filter(|tm| tm.registered);
    let (count, total, free) = registered.fold((0, 0, 0), |(c, t, f), tm| {
        (c + 1, t + tm.slots.len() as i32, f + tm.free_slots() as i32)
    });
    let failed = view.job_status() == JobStatus::Failed;
    ClusterOverview {
        task_managers: count,
        slots_total: total,
        slots_available: free,
        jobs_running: i32::from(!failed),
        jobs_finished: 0,
        jobs_cancelled: 0,
        jobs_failed: i32::from(failed),
        flink_version: FLINK_VERSION.to_string(),
        flink_commit: FLINK_COMMIT.to_string(),
    }
}

/// `GET /config`: the dashboard configuration of the captured cluster (UTC, 3 s refresh).
pub fn dashboard_config(_view: &SimView<'_>) -> DashboardConfiguration {
    DashboardConfiguration {
        refresh_interval_ms: 3_000,
        timezone_name: "Coordinated Universal Time".to_string(),
        timezone_offset_ms: 0,
        flink_version: FLINK_VERSION.to_string(),
        flink_revision: FLINK_REVISION.to_string(),
        features: DashboardFeatures {
            web_submit: true,
            web_cancel: true,
            web_rescale: false,
            web_history: false,
        },
    }
}

/// `GET /taskmanagers`: the TaskManagers the ResourceManager has registered (a killed one
/// stays listed until its loss is detected). Resources follow the captured 1 GiB TaskManager;
/// `cpuCores` is the slot count (Flink's default) and `freeResource` is the total minus one
/// default slot profile (total / slots, in bytes) per allocated slot.
pub fn task_managers(view: &SimView<'_>) -> TaskManagersInfo {
    let task_managers = view
        .task_managers()
        .iter()
        .filter(|tm| tm.registered)
        .map(|tm| {
            let slots = tm.slots.len() as i64;
            let free = i64::from(tm.free_slots());
            TaskManagerInfo {
                id: tm.resource_id.clone(),
                path: tm.path(),
                data_port: tm.data_port as i32,
                jmx_port: -1,
                last_heartbeat_timestamp_ms: epoch(view, tm.last_heartbeat),
                slots_number: slots as i32,
                free_slots: free as i32,
                assigned_tasks: assigned_tasks(view, tm.id),
                total_resource: resource_profile(slots, slots),
                free_resource: resource_profile(slots, free),
                hardware: HardwareDescription {
                    cpu_cores: 2,
                    physical_memory_bytes: 25_276_502_016,
                    free_memory_bytes: 343_932_928,
                    managed_memory_bytes: MANAGED,
                },
                memory_configuration: memory_configuration(),
                blocked: false,
            }
        })
        .collect();
    TaskManagersInfo { task_managers }
}

/// Task attempts deployed on a TaskManager and not yet terminal.
fn assigned_tasks(view: &SimView<'_>, tm: TaskManagerId) -> i32 {
    let deployed = |t: &&Task| {
        t.task_manager == Some(tm)
            && matches!(
                t.state,
                ExecutionState::Deploying
                    | ExecutionState::Initializing
                    | ExecutionState::Running
                    | ExecutionState::Canceling
            )
    };
    view.tasks().iter().filter(deployed).count() as i32
}

/// The resources of `free` of `slots` default slots (MiB truncated, as `getMebiBytes`).
fn resource_profile(slots: i64, free: i64) -> ResourceProfileInfo {
    let slots = slots.max(1);
    let part = |total: i64| {
        let used = (slots - free) * (total / slots);
        ((total - used) >> MIB_SHIFT) as i32
    };
    ResourceProfileInfo {
        cpu_cores: JsonDouble::new(free as f64),
        task_heap_memory_mb: part(TASK_HEAP),
        task_off_heap_memory_mb: 0,
        managed_memory_mb: part(MANAGED),
        network_memory_mb: part(NETWORK),
        extended_resources: OrderedMap::new(),
    }
}

/// The captured TaskManager memory model.
fn memory_configuration() -> TaskExecutorMemoryConfiguration {
    TaskExecutorMemoryConfiguration {
        framework_heap_bytes: 134_217_728,
        task_heap_bytes: TASK_HEAP,
        framework_off_heap_bytes: 134_217_728,
        task_off_heap_bytes: 0,
        network_memory_bytes: NETWORK,
        managed_memory_bytes: MANAGED,
        jvm_metaspace_bytes: 268_435_456,
        jvm_overhead_bytes: 201_326_592,
        total_flink_memory_bytes: 603_979_776,
        total_process_memory_bytes: 1_073_741_824,
    }
}

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

/// `GET /jobs/overview`: the one simulated job (Flink's `JobDetails.createDetailsForJob`:
/// `last-modification` is the latest state change of any task).
pub fn jobs_overview(view: &SimView<'_>) -> MultipleJobsDetails {
    let (start, end, duration) = job_times(view);
    let mut tasks = JobTaskCounts::default();
    for task in view.tasks() {
        tasks.total += 1;
        match task.state {
            ExecutionState::Created => tasks.created += 1,
            ExecutionState::Scheduled => tasks.scheduled += 1,
            ExecutionState::Deploying => tasks.deploying += 1,
            ExecutionState::Initializing => tasks.initializing += 1,
            ExecutionState::Running => tasks.running += 1,
            ExecutionState::Finished => tasks.finished += 1,
            ExecutionState::Canceling => tasks.canceling += 1,
            ExecutionState::Canceled => tasks.canceled += 1,
            ExecutionState::Failed => tasks.failed += 1,
            ExecutionState::Reconciling => tasks.reconciling += 1,
        }
    }
    let last_change = view.tasks().iter().map(|t| t.state_since).max();
    let last_modification = last_change.map_or(0, |t| epoch(view, t)).max(end);
    MultipleJobsDetails {
        jobs: vec![JobDetails {
            jid: view.job_id().to_string(),
            name: view.config().job_name.clone(),
            job_type: JobType::Streaming,
            scheduler_type: SchedulerType::Default,
            start_time_ms: start,
            end_time_ms: end,
            duration_ms: duration,
            state: view.job_status(),
            last_modification_ms: last_modification,
            tasks,
            pending_operators: 0,
        }],
    }
}

/// `GET /jobs/:jobid`: the job with its vertices (status aggregated by Flink's
/// `ExecutionJobVertex.getAggregateJobVertexState`), per-state counts and the plan.
pub fn job_details(view: &SimView<'_>) -> JobDetailsInfo {
    let (start, end, duration) = job_times(view);
    let vertices: Vec<JobDetailsVertexInfo> = (0..view.graph().vertices.len())
        .map(|v| job_vertex_info(view, VertexIndex::from_index(v)))
        .collect();
    let mut status_counts = ExecutionStateCounts::default();
    for vertex in &vertices {
        add_count(&mut status_counts, vertex.status);
    }
    JobDetailsInfo {
        jid: view.job_id().to_string(),
        application_id: view.job_id().to_string(),
        name: view.config().job_name.clone(),
        is_stoppable: false,
        state: view.job_status(),
        job_type: JobType::Streaming,
        scheduler_type: SchedulerType::Default,
        start_time_ms: start,
        end_time_ms: end,
        duration_ms: duration,
        max_parallelism: -1,
        now_ms: epoch(view, view.now()),
        timestamps: job_timestamps(view),
        vertices,
        status_counts,
        plan: plan(view),
        pending_operators: 0,
    }
}

/// (`start-time`, `end-time`, `duration`) of the job: INITIALIZING to now, or to FAILED.
fn job_times(view: &SimView<'_>) -> (i64, i64, i64) {
    let entered = |status: JobStatus| {
        let mut times = view.job_status_times().iter().rev();
        times.find(|(s, _)| *s == status).map(|(_, t)| *t)
    };
    let start = entered(JobStatus::Initializing).map_or(0, |t| epoch(view, t));
    let end = match view.job_status() {
        JobStatus::Failed => entered(JobStatus::Failed).map_or(-1, |t| epoch(view, t)),
        _ => -1,
    };
    let until = if end >= 0 {
        end
    } else {
        epoch(view, view.now())
    };
    (start, end, until - start)
}

/// `timestamps` of `/jobs/:jobid`: the last entry into each state, 0 for never.
fn job_timestamps(view: &SimView<'_>) -> JobStatusTimestamps {
    let mut stamps = JobStatusTimestamps::default();
    for (status, time) in view.job_status_times() {
        let ms = epoch(view, *time);
        match status {
            JobStatus::Initializing => stamps.initializing_ms = ms,
            JobStatus::Created => stamps.created_ms = ms,
            JobStatus::Running => stamps.running_ms = ms,
            JobStatus::Failing => stamps.failing_ms = ms,
            JobStatus::Failed => stamps.failed_ms = ms,
            JobStatus::Restarting => stamps.restarting_ms = ms,
            JobStatus::Cancelling => stamps.cancelling_ms = ms,
            JobStatus::Canceled => stamps.canceled_ms = ms,
            JobStatus::Finished => stamps.finished_ms = ms,
            JobStatus::Suspended => stamps.suspended_ms = ms,
            JobStatus::Reconciling => stamps.reconciling_ms = ms,
        }
    }
    stamps
}

/// One entry of `vertices` in `/jobs/:jobid` (Flink's `JobDetailsHandler`).
fn job_vertex_info(view: &SimView<'_>, vertex: VertexIndex) -> JobDetailsVertexInfo {
    let v = &view.graph().vertices[vertex.index()];
    let tasks: Vec<TaskIndex> = vertex_tasks(v).collect();
    let mut counts = ExecutionStateCounts::default();
    let mut start = i64::MAX;
    let mut end = -1;
    let mut all_terminal = true;
    for task in &tasks {
        let t = &view.tasks()[task.index()];
        add_count(&mut counts, t.state);
        if let Some(deployed) = entered(t, ExecutionState::Deploying) {
            start = start.min(epoch(view, deployed));
        }
        all_terminal &= t.state.is_terminal();
        end = end.max(epoch(view, t.state_since));
    }
    let (start, end, duration) = if start == i64::MAX {
        (-1, -1, -1)
    } else if all_terminal {
        (start, end, end - start)
    } else {
        (start, -1, epoch(view, view.now()) - start)
    };
    let metrics = tasks.iter().map(|t| task_io(view, *t)).collect::<Vec<_>>();
    JobDetailsVertexInfo {
        id: v.id.clone(),
        slot_sharing_group_id: slot_sharing_group_id(view),
        name: v.name.clone(),
        max_parallelism: v.max_parallelism as i32,
        parallelism: v.parallelism as i32,
        status: aggregate_state(&counts, v.parallelism as i32),
        start_time_ms: start,
        end_time_ms: end,
        duration_ms: duration,
        tasks: counts,
        metrics: sum_io(&metrics),
    }
}

/// Flink's `ExecutionJobVertex.getAggregateJobVertexState`.
fn aggregate_state(counts: &ExecutionStateCounts, parallelism: i32) -> ExecutionState {
    if counts.failed > 0 {
        ExecutionState::Failed
    } else if counts.canceling > 0 {
        ExecutionState::Canceling
    } else if counts.canceled > 0 {
        ExecutionState::Canceled
    } else if counts.initializing > 0 {
        ExecutionState::Initializing
    } else if counts.running > 0 {
        ExecutionState::Running
    } else if counts.finished > 0 {
        if counts.finished == parallelism {
            ExecutionState::Finished
        } else {
            ExecutionState::Running
        }
    } else {
        ExecutionState::Created
    }
}

/// The slot sharing group id: random per job in Flink, here derived from the job id.
fn slot_sharing_group_id(view: &SimView<'_>) -> String {
    let hash = crate::sim::trace::fnv1a64(view.job_id().as_bytes());
    let other = crate::sim::rng::mix64(hash ^ 0x5107_5AA2_1A6E_6209);
    format!("{hash:016x}{other:016x}")
}

/// `GET /jobs/:jobid/plan`.
pub fn job_plan(view: &SimView<'_>) -> JobPlanInfo {
    JobPlanInfo { plan: plan(view) }
}

/// The plan. Nodes come in the order `StreamingJobGraphGenerator.createChain` creates the
/// vertices: it recurses into a vertex's non-chainable outputs before creating the vertex, so
/// downstream vertices come first (the capture lists the keyed vertex before the source).
/// Descriptions are the TREE vertex description mode (`A<br/>+- B<br/>`).
fn plan(view: &SimView<'_>) -> JobPlan {
    let graph = view.graph();
    let mut order = Vec::new();
    let sources = (0..graph.vertices.len())
        .filter(|v| !graph.edges.iter().any(|e| e.downstream.index() == *v));
    for source in sources {
        post_order(view, source, &mut order);
    }
    let nodes = order
        .into_iter()
        .map(|v| {
            let vertex = &graph.vertices[v];
            let inputs = graph
                .edges
                .iter()
                .filter(|e| e.downstream.index() == v)
                .enumerate()
                .map(|(num, e)| JobPlanInput {
                    id: graph.vertices[e.upstream.index()].id.clone(),
                    num: num as i32,
                    exchange: "pipelined_bounded".to_string(),
                    ship_strategy: e.strategy.as_str().to_string(),
                })
                .collect();
            JobPlanNode {
                id: vertex.id.clone(),
                operator: String::new(),
                parallelism: vertex.parallelism as i32,
                operator_strategy: String::new(),
                description: tree_description(vertex),
                optimizer_properties: OrderedMap::new(),
                inputs,
            }
        })
        .collect();
    JobPlan {
        jid: view.job_id().to_string(),
        name: view.config().job_name.clone(),
        job_type: JobType::Streaming,
        nodes,
    }
}

/// Depth-first: a vertex's downstream vertices, then the vertex itself.
fn post_order(view: &SimView<'_>, vertex: usize, order: &mut Vec<usize>) {
    if order.contains(&vertex) {
        return;
    }
    let downstream: Vec<usize> = view
        .graph()
        .edges
        .iter()
        .filter(|e| e.upstream.index() == vertex)
        .map(|e| e.downstream.index())
        .collect();
    for next in downstream {
        post_order(view, next, order);
    }
    order.push(vertex);
}

/// `buildTreeDescription` for a linear chain, HTML-escaped as the plan writes it.
fn tree_description(vertex: &JobVertex) -> String {
    let mut text = String::new();
    for (depth, name) in vertex.operator_names.iter().enumerate() {
        if depth > 0 {
            text.push_str(&"   ".repeat(depth - 1));
            text.push_str("+- ");
        }
        text.push_str(&html_escape(name));
        text.push_str("<br/>");
    }
    text
}

/// The characters `StringEscapeUtils.escapeHtml4` changes in operator names.
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

// ---------------------------------------------------------------------------------------------
// Vertices
// ---------------------------------------------------------------------------------------------

/// The vertex with the REST id `vertex_id` (a router's `:vertexid`).
pub fn vertex_index(view: &SimView<'_>, vertex_id: &str) -> Option<VertexIndex> {
    let vertices = &view.graph().vertices;
    vertices
        .iter()
        .position(|v| v.id == vertex_id)
        .map(VertexIndex::from_index)
}

/// `GET /jobs/:jobid/vertices/:vertexid`: the current attempt of each subtask
/// (`SubtaskExecutionAttemptDetailsInfo.create`) and their aggregate.
///
/// # Panics
/// If `vertex` is not a vertex of the job (see [`vertex_index`]).
pub fn vertex_details(view: &SimView<'_>, vertex: VertexIndex) -> JobVertexDetailsInfo {
    let v = &view.graph().vertices[vertex.index()];
    let now = epoch(view, view.now());
    let subtasks: Vec<SubtaskExecutionAttemptDetailsInfo> = vertex_tasks(v)
        .map(|task| subtask_attempt(view, task, now))
        .collect();
    JobVertexDetailsInfo {
        id: v.id.clone(),
        name: v.name.clone(),
        parallelism: v.parallelism as i32,
        max_parallelism: v.max_parallelism as i32,
        now_ms: now,
        aggregated: aggregated(&subtasks),
        subtasks,
    }
}

/// One subtask of `/jobs/:jobid/vertices/:vertexid`.
fn subtask_attempt(
    view: &SimView<'_>,
    task: TaskIndex,
    now: i64,
) -> SubtaskExecutionAttemptDetailsInfo {
    let t = &view.tasks()[task.index()];
    let start = entered(t, ExecutionState::Deploying).map_or(0, |at| epoch(view, at));
    let end = if t.state.is_terminal() {
        epoch(view, t.state_since)
    } else {
        -1
    };
    let duration = if start > 0 {
        (if end > 0 { end } else { now }) - start
    } else {
        -1
    };
    let (endpoint, task_manager_id) = match t.task_manager {
        Some(tm) => {
            let identity = identity_at(
                view,
                tm,
                entered(t, ExecutionState::Deploying).unwrap_or(view.now()),
            );
            (endpoint_of(&identity), identity.resource_id)
        }
        None => ("(unassigned)".to_string(), "(unassigned)".to_string()),
    };
    SubtaskExecutionAttemptDetailsInfo {
        subtask: view.graph().tasks[task.index()].subtask as i32,
        status: t.state,
        attempt: t.attempt as i32,
        endpoint,
        start_time_ms: start,
        end_time_ms: end,
        duration_ms: duration,
        metrics: task_io(view, task),
        task_manager_id,
        status_duration: status_durations(t, view.now()),
        start_time_legacy_ms: start,
    }
}

/// `status-duration` (`StatusDurationUtils`): -1 for a state the attempt never entered.
fn status_durations(task: &Task, now: SimTime) -> SubtaskStatusDurations {
    let durations = task.state_durations_ms(now);
    let of = |state: ExecutionState| {
        let slot = ExecutionState::SIMULATED
            .iter()
            .position(|s| *s == state)
            .unwrap_or(0);
        match task.state_entered[slot] {
            Some(_) => durations[slot] as i64,
            None => -1,
        }
    };
    SubtaskStatusDurations {
        created_ms: of(ExecutionState::Created),
        running_ms: of(ExecutionState::Running),
        deploying_ms: of(ExecutionState::Deploying),
        scheduled_ms: of(ExecutionState::Scheduled),
        initializing_ms: of(ExecutionState::Initializing),
    }
}

/// `aggregated` of a vertex (`AggregatedTaskDetailsInfo.create`).
fn aggregated(subtasks: &[SubtaskExecutionAttemptDetailsInfo]) -> AggregatedTaskDetailsInfo {
    let stats = |value: &dyn Fn(&SubtaskExecutionAttemptDetailsInfo) -> i64| {
        metrics_statistics(&subtasks.iter().map(value).collect::<Vec<_>>())
    };
    let busy = |s: &SubtaskExecutionAttemptDetailsInfo| {
        let busy = s.metrics.accumulated_busy_time_ms;
        if busy.is_nan() {
            -1
        } else {
            busy.value() as i64
        }
    };
    AggregatedTaskDetailsInfo {
        metrics: AggregatedMetrics {
            write_records: stats(&|s| s.metrics.write_records),
            accumulated_backpressured_time: stats(&|s| s.metrics.accumulated_backpressured_time_ms),
            accumulated_idle_time: stats(&|s| s.metrics.accumulated_idle_time_ms),
            write_bytes: stats(&|s| s.metrics.write_bytes),
            read_bytes: stats(&|s| s.metrics.read_bytes),
            read_records: stats(&|s| s.metrics.read_records),
            accumulated_busy_time: stats(&busy),
        },
        status_duration: AggregatedStatusDurations {
            created: stats(&|s| s.status_duration.created_ms),
            running: stats(&|s| s.status_duration.running_ms),
            initializing: stats(&|s| s.status_duration.initializing_ms),
            scheduled: stats(&|s| s.status_duration.scheduled_ms),
            deploying: stats(&|s| s.status_duration.deploying_ms),
        },
    }
}

/// `MetricsStatistics.toMap`: long statistics with commons-math percentiles, truncated.
fn metrics_statistics(values: &[i64]) -> MetricsStatistics {
    let mut sorted = values.to_vec();
    crate::sim::order::sort(&mut sorted);
    let sum: i64 = values.iter().sum();
    let percentile = |p: f64| {
        let as_f64: Vec<f64> = sorted.iter().map(|v| *v as f64).collect();
        let value = legacy_percentile(&as_f64, p);
        // Java's `(long) NaN` is 0.
        if value.is_nan() {
            0
        } else {
            value as i64
        }
    };
    MetricsStatistics {
        p25: percentile(25.0),
        min: sorted.first().copied().unwrap_or(0),
        avg: if values.is_empty() {
            0
        } else {
            sum / values.len() as i64
        },
        median: percentile(50.0),
        max: sorted.last().copied().unwrap_or(0),
        sum,
        p95: percentile(95.0),
        p75: percentile(75.0),
    }
}

/// commons-math `Percentile` (LEGACY estimation) over sorted values, as
/// [`crate::sim::checkpoint::percentile_of_sorted`] but for signed values (-1 stands for a NaN busy time).
fn legacy_percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let position = p * (n as f64 + 1.0) / 100.0;
    if n == 1 || position < 1.0 {
        return sorted[0];
    }
    if position >= n as f64 {
        return sorted[n - 1];
    }
    let floor = position.floor();
    let (lower, upper) = (sorted[floor as usize - 1], sorted[floor as usize]);
    lower + (position - floor) * (upper - lower)
}

/// The current attempt's network I/O (`IOMetricsInfo`). A legacy source has no busy-time
/// metric (`"NaN"`) and reports no idle time, as captured.
fn task_io(view: &SimView<'_>, task: TaskIndex) -> IoMetricsInfo {
    let t = &view.tasks()[task.index()];
    let source = view.graph().vertex_of(task).kind == OperatorKind::Source;
    let (busy_us, backpressured_us, idle_us) = t.time_split(view.now());
    let complete = t.running_since.is_some();
    let m = t.metrics;
    IoMetricsInfo {
        read_bytes: m.bytes_in as i64,
        read_bytes_complete: complete,
        write_bytes: m.bytes_out as i64,
        write_bytes_complete: complete,
        read_records: m.records_in as i64,
        read_records_complete: complete,
        write_records: m.records_out as i64,
        write_records_complete: complete,
        accumulated_backpressured_time_ms: (backpressured_us / 1_000) as i64,
        accumulated_idle_time_ms: if source { 0 } else { (idle_us / 1_000) as i64 },
        accumulated_busy_time_ms: if source {
            JsonDouble::NAN
        } else {
            JsonDouble::new((busy_us / 1_000) as f64)
        },
    }
}

/// A vertex's `metrics`: sums over its subtasks (NaN busy time stays NaN).
fn sum_io(all: &[IoMetricsInfo]) -> IoMetricsInfo {
    let sum = |f: fn(&IoMetricsInfo) -> i64| all.iter().map(f).sum::<i64>();
    let every = |f: fn(&IoMetricsInfo) -> bool| all.iter().all(f);
    let busy: f64 = all.iter().map(|m| m.accumulated_busy_time_ms.value()).sum();
    IoMetricsInfo {
        read_bytes: sum(|m| m.read_bytes),
        read_bytes_complete: every(|m| m.read_bytes_complete),
        write_bytes: sum(|m| m.write_bytes),
        write_bytes_complete: every(|m| m.write_bytes_complete),
        read_records: sum(|m| m.read_records),
        read_records_complete: every(|m| m.read_records_complete),
        write_records: sum(|m| m.write_records),
        write_records_complete: every(|m| m.write_records_complete),
        accumulated_backpressured_time_ms: sum(|m| m.accumulated_backpressured_time_ms),
        accumulated_idle_time_ms: sum(|m| m.accumulated_idle_time_ms),
        accumulated_busy_time_ms: JsonDouble::new(busy),
    }
}

/// `GET /jobs/:jobid/vertices/:vertexid/backpressure` (`JobVertexBackPressureHandler`): each
/// subtask's ms-per-second gauges over the last sampled second as ratios; level `ok` up to
/// 0.10, `low` up to 0.5, `high` above; the vertex level is that of the worst subtask.
/// `deprecated` (no statistics) until two metric samples exist. Gauges are whole ms, as
/// Flink's `TimerGauge`s; a legacy source's busy ratio is `"NaN"` and its idle ratio 0.
///
/// # Panics
/// If `vertex` is not a vertex of the job.
pub fn backpressure(view: &SimView<'_>, vertex: VertexIndex) -> JobVertexBackPressureInfo {
    let v = &view.graph().vertices[vertex.index()];
    let samples: Vec<_> = view.samples().collect();
    let Some(last) = samples.last().filter(|_| samples.len() >= 2) else {
        return JobVertexBackPressureInfo {
            status: VertexBackPressureStatus::Deprecated,
            backpressure_level: None,
            end_timestamp_ms: None,
            subtasks: None,
        };
    };
    let subtasks: Vec<SubtaskBackPressureInfo> = vertex_tasks(v)
        .map(|task| {
            let rates = view.task_rates(task);
            let backpressured = rates.backpressured_ms_per_second.round().min(1_000.0);
            let busy = rates
                .busy_ms_per_second
                .round()
                .min(1_000.0 - backpressured);
            let idle = 1_000.0 - busy - backpressured;
            let source = v.kind == OperatorKind::Source;
            let ratio = backpressured / 1_000.0;
            SubtaskBackPressureInfo {
                subtask: view.graph().tasks[task.index()].subtask as i32,
                backpressure_level: level(ratio),
                backpressured_ratio: JsonDouble::new(ratio),
                idle_ratio: JsonDouble::new(if source { 0.0 } else { idle / 1_000.0 }),
                busy_ratio: if source {
                    JsonDouble::NAN
                } else {
                    JsonDouble::new(busy / 1_000.0)
                },
            }
        })
        .collect();
    let worst = subtasks.iter().map(|s| s.backpressured_ratio.value());
    JobVertexBackPressureInfo {
        status: VertexBackPressureStatus::Ok,
        backpressure_level: Some(level(worst.fold(0.0, f64::max))),
        end_timestamp_ms: Some(epoch(view, last.time)),
        subtasks: Some(subtasks),
    }
}

/// `getBackPressureLevel`.
fn level(ratio: f64) -> VertexBackPressureLevel {
    if ratio <= 0.10 {
        VertexBackPressureLevel::Ok
    } else if ratio <= 0.5 {
        VertexBackPressureLevel::Low
    } else {
        VertexBackPressureLevel::High
    }
}

// ---------------------------------------------------------------------------------------------
// Checkpoints
// ---------------------------------------------------------------------------------------------

/// `GET /jobs/:jobid/checkpoints` (`CheckpointingStatisticsHandler`): counts, summaries over
/// completed checkpoints (`state_size` = `checkpointed_size`; `alignment_buffered` is Flink's
/// constant zero summary), the latest of each kind, and the history newest first (at most
/// `web.checkpoints.history` entries) with empty `tasks`.
pub fn checkpoints(view: &SimView<'_>) -> CheckpointingStatistics {
    let coordinator = view.coordinator();
    let c = coordinator.counts;
    let s = &coordinator.summaries;
    let completed = |r: &CheckpointRecord| match statistics(view, r, false) {
        CheckpointStatistics::Completed(stats) => Some(stats),
        _ => None,
    };
    let failed = |r: &CheckpointRecord| match statistics(view, r, false) {
        CheckpointStatistics::Failed(stats) => Some(stats),
        _ => None,
    };
    let limit = view.config().checkpoint_history_size as usize;
    CheckpointingStatistics {
        counts: CheckpointingCounts {
            restored: c.restored as i64,
            total: c.total as i64,
            in_progress: c.in_progress as i32,
            completed: c.completed as i64,
            failed: c.failed as i64,
        },
        summary: CheckpointSummary {
            checkpointed_size_bytes: summary_dto(&s.checkpointed_size),
            state_size_bytes: summary_dto(&s.state_size),
            end_to_end_duration_ms: summary_dto(&s.end_to_end_duration),
            alignment_buffered_bytes: zero_summary(),
            processed_data_bytes: summary_dto(&s.processed_data),
            persisted_data_bytes: summary_dto(&s.persisted_data),
        },
        latest: LatestCheckpoints {
            completed: coordinator.latest_completed.as_ref().and_then(completed),
            savepoint: coordinator.latest_savepoint.as_ref().and_then(completed),
            failed: coordinator.latest_failed.as_ref().and_then(failed),
            restored: coordinator
                .latest_restored
                .as_ref()
                .map(|r| RestoredCheckpointStatistics {
                    id: r.id.0 as i64,
                    restore_timestamp_ms: epoch(view, r.restore_time),
                    is_savepoint: false,
                    external_path: Some(r.external_path.clone()),
                }),
        },
        history: coordinator
            .history
            .iter()
            .rev()
            .take(limit)
            .map(|r| statistics(view, r, false))
            .collect(),
    }
}

/// `GET /jobs/:jobid/checkpoints/details/:checkpointid`: the history entry with `tasks`
/// filled in per vertex, in Java `HashMap` order. `None` when the id is no longer (or not
/// yet) in the history; serve [`not_found_checkpoint`] then.
pub fn checkpoint_details(view: &SimView<'_>, id: CheckpointId) -> Option<CheckpointStatistics> {
    let record = view.coordinator().record(id)?;
    Some(statistics(view, record, true))
}

/// The 404 body of an unknown checkpoint id (`AbstractCheckpointHandler`).
pub fn not_found_checkpoint(id: CheckpointId) -> ErrorResponseBody {
    let frames = [
        "org.apache.flink.runtime.rest.handler.job.checkpoints.AbstractCheckpointHandler.handleCheckpointStatsRequest(AbstractCheckpointHandler.java:91)",
        "org.apache.flink.runtime.rest.handler.job.checkpoints.AbstractCheckpointStatsHandler.lambda$handleRequest$0(AbstractCheckpointStatsHandler.java:110)",
        "java.base/java.util.concurrent.CompletableFuture$UniApply.tryFire(CompletableFuture.java:646)",
        "java.base/java.util.concurrent.CompletableFuture.postComplete(CompletableFuture.java:510)",
        "java.base/java.util.concurrent.CompletableFuture.complete(CompletableFuture.java:2179)",
    ];
    ErrorResponseBody {
        errors: vec![stack_trace(
            "org.apache.flink.runtime.rest.handler.RestHandlerException",
            &format!(
                "Could not find checkpointing statistics for checkpoint {}.",
                id.0
            ),
            &frames,
        )],
    }
}

/// One checkpoint as `CheckpointStatistics.generateCheckpointStatistics` writes it.
fn statistics(
    view: &SimView<'_>,
    record: &CheckpointRecord,
    with_tasks: bool,
) -> CheckpointStatistics {
    let trigger = epoch(view, record.trigger_time);
    let latest_ack = record.latest_ack().map_or(-1, |t| epoch(view, t));
    let failure = record.failure.map(|(at, reason)| (epoch(view, at), reason));
    let duration = match (record.status, failure) {
        (CheckpointStatus::Failed, Some((at, _))) => at - trigger,
        _ if latest_ack >= 0 => latest_ack - trigger,
        _ => -1,
    };
    let size = record.sum(|s| s.checkpointed_bytes) as i64;
    let full = record.sum(|s| s.state_bytes) as i64;
    let base = CheckpointStatisticsBase {
        id: record.id.0 as i64,
        status: stats_status(record.status),
        is_savepoint: record.savepoint.is_some(),
        savepoint_format: record.savepoint.as_ref().map(|s| s.format),
        trigger_timestamp_ms: trigger,
        latest_ack_timestamp_ms: latest_ack,
        checkpointed_size_bytes: size,
        state_size_bytes: full,
        end_to_end_duration_ms: duration,
        alignment_buffered_bytes: 0,
        processed_data_bytes: record.sum(|s| s.processed_bytes) as i64,
        persisted_data_bytes: record.sum(|s| s.persisted_bytes) as i64,
        num_subtasks: record.subtasks.len() as i32,
        num_acknowledged_subtasks: record.acknowledged as i32,
        checkpoint_type: match &record.savepoint {
            Some(s) if s.synchronous => CheckpointType::SyncSavepoint,
            Some(_) => CheckpointType::Savepoint,
            None if record.unaligned => CheckpointType::UnalignedCheckpoint,
            None => CheckpointType::Checkpoint,
        },
        tasks: if with_tasks {
            task_statistics(view, record)
        } else {
            OrderedMap::new()
        },
    };
    match (record.status, failure) {
        (CheckpointStatus::Completed, _) => {
            CheckpointStatistics::Completed(CompletedCheckpointStatistics {
                base,
                external_path: record.external_path.clone(),
                discarded: record.discarded,
            })
        }
        (CheckpointStatus::Failed, Some((at, reason))) => {
            CheckpointStatistics::Failed(FailedCheckpointStatistics {
                base,
                failure_timestamp_ms: at,
                failure_message: Some(reason.message().to_string()),
            })
        }
        _ => CheckpointStatistics::InProgress(PendingCheckpointStatistics { base }),
    }
}

/// `tasks` of a checkpoint: one `TaskCheckpointStatistics` per vertex, keyed by vertex id in
/// the iteration order of the Java `HashMap` Flink builds (`new HashMap<>(n)`).
fn task_statistics(
    view: &SimView<'_>,
    record: &CheckpointRecord,
) -> OrderedMap<TaskCheckpointStatistics> {
    let vertices = &view.graph().vertices;
    let ids: Vec<&str> = vertices.iter().map(|v| v.id.as_str()).collect();
    java_hash_map_order(&ids)
        .into_iter()
        .map(|v| {
            let stats = vertex_checkpoint(view, record, VertexIndex::from_index(v));
            (vertices[v].id.clone(), stats)
        })
        .collect()
}

/// One vertex's part of a checkpoint (`TaskStateStats`).
fn vertex_checkpoint(
    view: &SimView<'_>,
    record: &CheckpointRecord,
    vertex: VertexIndex,
) -> TaskCheckpointStatistics {
    let v = &view.graph().vertices[vertex.index()];
    let acked: Vec<&SubtaskCheckpointStats> = vertex_tasks(v)
        .filter_map(|t| record.subtasks.get(t.index()).and_then(Option::as_ref))
        .collect();
    let sum =
        |f: fn(&SubtaskCheckpointStats) -> u64| acked.iter().map(|s| f(s)).sum::<u64>() as i64;
    let latest_ack = acked.iter().map(|s| s.ack_time).max();
    let latest_ack_ms = latest_ack.map_or(-1, |t| epoch(view, t));
    let trigger = epoch(view, record.trigger_time);
    TaskCheckpointStatistics {
        id: record.id.0 as i64,
        status: stats_status(record.status),
        latest_ack_timestamp_ms: latest_ack_ms,
        checkpointed_size_bytes: sum(|s| s.checkpointed_bytes),
        state_size_bytes: sum(|s| s.state_bytes),
        end_to_end_duration_ms: if latest_ack_ms < 0 {
            -1
        } else {
            (latest_ack_ms - trigger).max(0)
        },
        alignment_buffered_bytes: 0,
        processed_data_bytes: sum(|s| s.processed_bytes),
        persisted_data_bytes: sum(|s| s.persisted_bytes),
        num_subtasks: v.parallelism as i32,
        num_acknowledged_subtasks: acked.len() as i32,
    }
}

/// `GET /jobs/:jobid/checkpoints/details/:checkpointid/subtasks/:vertexid`: the vertex's
/// totals, a summary over its acknowledged subtasks (min/max/avg; percentiles `"NaN"` as Flink
/// keeps no histogram here, `alignment.buffered` Flink's constant zeros) and every subtask:
/// `completed` with its figures or `pending_or_failed`. `None` if the checkpoint is not in
/// the history or `vertex` is not a vertex of the job.
pub fn checkpoint_subtasks(
    view: &SimView<'_>,
    id: CheckpointId,
    vertex: VertexIndex,
) -> Option<TaskCheckpointStatisticsWithSubtaskDetails> {
    let record = view.coordinator().record(id)?;
    let v = view.graph().vertices.get(vertex.index())?;
    let trigger = epoch(view, record.trigger_time);
    let mut completed = Vec::new();
    let subtasks = vertex_tasks(v)
        .enumerate()
        .map(|(index, task)| match &record.subtasks[task.index()] {
            Some(stats) => {
                let entry = completed_subtask(view, index as i32, trigger, stats);
                completed.push(entry.clone());
                SubtaskCheckpointStatistics::Completed(entry)
            }
            None => SubtaskCheckpointStatistics::Pending(PendingSubtaskCheckpointStatistics {
                index: index as i32,
                status: PendingSubtaskStatus::PendingOrFailed,
            }),
        })
        .collect();
    Some(TaskCheckpointStatisticsWithSubtaskDetails {
        task: vertex_checkpoint(view, record, vertex),
        summary: subtask_summary(&completed),
        subtasks,
    })
}

/// One acknowledged subtask (`CompletedSubtaskCheckpointStatistics`).
fn completed_subtask(
    view: &SimView<'_>,
    index: i32,
    trigger_ms: i64,
    stats: &SubtaskCheckpointStats,
) -> CompletedSubtaskCheckpointStatistics {
    let ack = epoch(view, stats.ack_time);
    let ms = |us: u64| (us / 1_000) as i64;
    CompletedSubtaskCheckpointStatistics {
        index,
        ack_timestamp_ms: ack,
        end_to_end_duration_ms: (ack - trigger_ms).max(0),
        checkpointed_size_bytes: stats.checkpointed_bytes as i64,
        state_size_bytes: stats.state_bytes as i64,
        checkpoint: SubtaskCheckpointDuration {
            sync_ms: ms(stats.sync_us),
            async_ms: ms(stats.async_us),
        },
        alignment: SubtaskCheckpointAlignment {
            buffered_bytes: 0,
            processed_bytes: stats.processed_bytes as i64,
            persisted_bytes: stats.persisted_bytes as i64,
            duration_ms: ms(stats.alignment_us),
        },
        start_delay_ms: ms(stats.start_delay_us),
        unaligned_checkpoint: stats.unaligned,
        aborted: false,
        status: CompletedSubtaskStatus::Completed,
    }
}

/// The `summary` of the subtask endpoint (`TaskCheckpointStatisticsWithSubtaskDetails`).
fn subtask_summary(completed: &[CompletedSubtaskCheckpointStatistics]) -> TaskCheckpointSummary {
    let of = |f: fn(&CompletedSubtaskCheckpointStatistics) -> i64| {
        let values: Vec<i64> = completed.iter().map(f).collect();
        let (min, max) = (values.iter().min(), values.iter().max());
        let avg = if values.is_empty() {
            0
        } else {
            values.iter().sum::<i64>() / values.len() as i64
        };
        StatsSummaryDto::without_percentiles(
            min.copied().unwrap_or(0),
            max.copied().unwrap_or(0),
            avg,
        )
    };
    TaskCheckpointSummary {
        checkpointed_size_bytes: of(|s| s.checkpointed_size_bytes),
        state_size_bytes: of(|s| s.state_size_bytes),
        end_to_end_duration_ms: of(|s| s.end_to_end_duration_ms),
        checkpoint_duration: TaskCheckpointDurationSummary {
            sync_ms: of(|s| s.checkpoint.sync_ms),
            async_ms: of(|s| s.checkpoint.async_ms),
        },
        alignment: TaskCheckpointAlignmentSummary {
            buffered_bytes: zero_summary(),
            processed_bytes: of(|s| s.alignment.processed_bytes),
            persisted_bytes: of(|s| s.alignment.persisted_bytes),
            duration_ms: of(|s| s.alignment.duration_ms),
        },
        start_delay_ms: of(|s| s.start_delay_ms),
    }
}

/// `GET /jobs/:jobid/checkpoints/config` (`CheckpointConfigHandler`), with Flink 2.3's
/// defaults for what the simulation does not configure (no externalized retention, no
/// changelog).
pub fn checkpoint_config(view: &SimView<'_>) -> CheckpointConfigInfo {
    let config = view.config();
    let ms = |d: crate::sim::time::SimDuration| d.as_ms() as i64;
    CheckpointConfigInfo {
        mode: match config.checkpointing_mode {
            CheckpointingMode::ExactlyOnce => ProcessingMode::ExactlyOnce,
            CheckpointingMode::AtLeastOnce => ProcessingMode::AtLeastOnce,
        },
        interval_ms: ms(config.checkpoint_interval),
        timeout_ms: ms(config.checkpoint_timeout),
        min_pause_ms: ms(config.min_pause),
        max_concurrent: config.max_concurrent_checkpoints as i32,
        externalization: ExternalizedCheckpointInfo {
            enabled: false,
            delete_on_cancellation: true,
        },
        state_backend: "HashMapStateBackend".to_string(),
        checkpoint_storage: "FileSystemCheckpointStorage".to_string(),
        unaligned_checkpoints: config.unaligned,
        tolerable_failed_checkpoints: config.tolerable_failed_checkpoints as i32,
        aligned_checkpoint_timeout_ms: ms(config.aligned_checkpoint_timeout),
        checkpoints_after_tasks_finish: true,
        state_changelog_enabled: false,
        changelog_periodic_materialization_interval_ms: 600_000,
        changelog_storage: "memory".to_string(),
    }
}

/// A `StatsSummaryDto` from the coordinator's summary (percentiles over its window).
fn summary_dto(summary: &StatsSummary) -> StatsSummaryDto {
    let p = |q: f64| JsonDouble::new(summary.percentile(q));
    StatsSummaryDto {
        min: summary.min() as i64,
        max: summary.max() as i64,
        avg: summary.avg() as i64,
        p50: p(50.0),
        p90: p(90.0),
        p95: p(95.0),
        p99: p(99.0),
        p999: p(99.9),
    }
}

/// Flink's `new StatsSummaryDto(0, 0, 0, 0, 0, 0, 0, 0)`.
fn zero_summary() -> StatsSummaryDto {
    let zero = JsonDouble::new(0.0);
    StatsSummaryDto {
        min: 0,
        max: 0,
        avg: 0,
        p50: zero,
        p90: zero,
        p95: zero,
        p99: zero,
        p999: zero,
    }
}

fn stats_status(status: CheckpointStatus) -> CheckpointStatsStatus {
    match status {
        CheckpointStatus::InProgress => CheckpointStatsStatus::InProgress,
        CheckpointStatus::Completed => CheckpointStatsStatus::Completed,
        CheckpointStatus::Failed => CheckpointStatsStatus::Failed,
    }
}

/// Indices into `ids` (32-hex `AbstractID`s) in the iteration order of a Java
/// `new HashMap<>(ids.len())` filled in this order: by bucket of the spread `hashCode` (the
/// XOR of the id's four 32-bit words), ties in insertion order.
fn java_hash_map_order(ids: &[&str]) -> Vec<usize> {
    let mut capacity = ids.len().max(1).next_power_of_two();
    while ids.len() > capacity * 3 / 4 {
        capacity *= 2;
    }
    let bucket = |id: &str| {
        let word = |range: std::ops::Range<usize>| {
            id.get(range)
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .unwrap_or(0)
        };
        let hash = word(0..8) ^ word(8..16) ^ word(16..24) ^ word(24..32);
        ((hash ^ (hash >> 16)) as usize) & (capacity - 1)
    };
    let mut order: Vec<usize> = (0..ids.len()).collect();
    crate::sim::order::sort_by_key(&mut order, |i| bucket(ids[*i]));
    order
}

// ---------------------------------------------------------------------------------------------
// Exceptions
// ---------------------------------------------------------------------------------------------

/// `GET /jobs/:jobid/exceptions` (`JobExceptionsHandler`, Flink 2.x): the exception history,
/// newest first. A task failure carries `taskName` (`Name (i/p) - execution #attempt`), the
/// TaskManager `endpoint` and id; a global failure has none of them. The history never exceeds
/// `web.exception-history-size` (16) and the handler reports up to 20, so it is never
/// `truncated`.
pub fn exceptions(view: &SimView<'_>) -> JobExceptionsInfoWithHistory {
    let entries = view
        .exceptions()
        .map(|entry| {
            let (class, message) = failure_exception(view, entry);
            let frames = frames_for(view, entry);
            let location = entry.task_manager.map(|tm| {
                let identity = failure_identity(view, entry, tm);
                (endpoint_of(&identity), identity.resource_id)
            });
            let task_name = entry.task.map(|(task, attempt)| {
                let layout = &view.graph().tasks[task.index()];
                let v = view.graph().vertex_of(task);
                let (i, p) = (layout.subtask + 1, v.parallelism);
                format!("{} ({i}/{p}) - execution #{attempt}", v.name)
            });
            RootExceptionInfo {
                exception: ExceptionInfo {
                    exception_name: class.clone(),
                    stacktrace: stack_trace(&class, &message, &frames),
                    timestamp_ms: epoch(view, entry.time),
                    failure_labels: OrderedMap::new(),
                    task_name,
                    endpoint: location.as_ref().map(|(endpoint, _)| endpoint.clone()),
                    task_manager_id: location.map(|(_, id)| id),
                },
                concurrent_exceptions: Vec::new(),
            }
        })
        .collect();
    JobExceptionsInfoWithHistory {
        exception_history: JobExceptionHistory {
            entries,
            truncated: false,
        },
    }
}

/// The Java exception class and message real Flink reports for a failure (also used by the
/// runner and the UI log). Heartbeat loss is `JobMasterException` "… is no longer reachable."
/// when `heartbeat.rpc-failure-threshold` detects it first, else the heartbeat timeout's
/// `TimeoutException`; slot timeout is the default scheduler's `NoResourceAvailableException`
/// (`DefaultExecutionDeployer`).
pub fn failure_exception(view: &SimView<'_>, entry: &ExceptionEntry) -> (String, String) {
    let (class, message) = match entry.cause {
        FailureCause::TaskManagerUnreachable {
            task_manager,
            incarnation,
        } => {
            let id = identity(view, task_manager, incarnation).resource_id;
            if heartbeat_rpc_detects_first(view) {
                (
                    "org.apache.flink.runtime.jobmaster.JobMasterException",
                    format!("TaskManager with id {id} is no longer reachable."),
                )
            } else {
                (
                    "java.util.concurrent.TimeoutException",
                    format!("Heartbeat of TaskManager with id {id} timed out."),
                )
            }
        }
        FailureCause::ConnectionLost {
            task_manager,
            incarnation,
        } => {
            let port = identity(view, task_manager, incarnation).data_port;
            (
                "org.apache.flink.runtime.io.network.netty.exception.RemoteTransportException",
                format!(
                    "Connection unexpectedly closed by remote task manager '{HOST}/127.0.0.1:{port}'. This might indicate that the remote task manager was lost."
                ),
            )
        }
        FailureCause::DeployFailed {
            task_manager,
            incarnation,
        } => (
            "org.apache.flink.runtime.rpc.exceptions.RecipientUnreachableException",
            unreachable_message(&identity(view, task_manager, incarnation)),
        ),
        FailureCause::UserException => {
            let name = entry.task.map_or_else(String::new, |(task, attempt)| {
                view.graph().task_name(task, attempt)
            });
            (
                "java.lang.RuntimeException",
                format!("Exception injected into {name} by flinkscope"),
            )
        }
        FailureCause::TolerableCheckpointFailuresExceeded { reason } => (
            "org.apache.flink.util.FlinkRuntimeException",
            format!(
                "Exceeded checkpoint tolerable failure threshold. The latest checkpoint failed due to {}, view the Checkpoint History tab or the Job Manager log to find out why continuous checkpoints failed.",
                reason.message()
            ),
        ),
        FailureCause::NoResourceAvailable => (
            "org.apache.flink.runtime.jobmanager.scheduler.NoResourceAvailableException",
            "Could not allocate the required slot within slot request timeout. Please make sure that the cluster has enough resources.".to_string(),
        ),
        // The page never runs the two-phase-commit sink (`OTHER_SINKS`).
        FailureCause::ProducerFenced { .. } if !crate::sim::sink::OTHER_SINKS => ("", String::new()),
        FailureCause::ProducerFenced { subtask } => (
            "org.apache.flink.util.FlinkRuntimeException",
            format!(
                "Failed to send data to Kafka abnormal-alarms-{subtask}-* with FlinkKafkaInternalProducer: org.apache.kafka.common.errors.ProducerFencedException: There is a newer producer with the same transactionalId which fences the current one."
            ),
        ),
    };
    (class.to_string(), message)
}

/// Whether `heartbeat.rpc-failure-threshold` consecutive failed heartbeats come before
/// `heartbeat.timeout` (the engine checks both at each heartbeat).
fn heartbeat_rpc_detects_first(view: &SimView<'_>) -> bool {
    let config = view.config();
    let interval = config.heartbeat_interval.as_us().max(1);
    let to_timeout = config.heartbeat_timeout.as_us().div_ceil(interval);
    let threshold = u64::from(config.heartbeat_rpc_failure_threshold);
    threshold > 0 && threshold <= to_timeout
}

/// `RecipientUnreachableException`'s message for the `submitTask` RPC to a dead TaskManager
/// (sender: the JobManager's temporary ask actor; names derived from the resource id).
fn unreachable_message(identity: &Identity) -> String {
    let hash = crate::sim::trace::fnv1a64(identity.resource_id.as_bytes());
    let uid = hash as u32 as i32;
    format!(
        "Could not send message [RemoteRpcInvocation(TaskExecutorGateway.submitTask(TaskDeploymentDescriptor, JobMasterId, Duration))] from sender [Actor[pekko.tcp://flink@{HOST}:6123/temp/taskmanager_0${}]] to recipient [Actor[pekko.tcp://flink@127.0.0.1:{}/user/rpc/taskmanager_0#{uid}]], because the recipient is unreachable. This can either mean that the recipient has been terminated or that the remote RpcService is currently not reachable.",
        pekko_temp_name(hash >> 32),
        identity.rpc_port
    )
}

/// A Pekko temporary actor name suffix (`Helpers.base64` of a counter).
fn pekko_temp_name(mut n: u64) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+~";
    n %= 4_096;
    let mut name = String::new();
    loop {
        name.push(ALPHABET[(n % 64) as usize] as char);
        n /= 64;
        if n == 0 {
            return name;
        }
    }
}

/// `<class>: <message>` and `\tat <frame>` lines, each ending in a newline, as Java prints.
fn stack_trace(class: &str, message: &str, frames: &[&str]) -> String {
    let mut text = format!("{class}: {message}\n");
    for frame in frames {
        text.push_str("\tat ");
        text.push_str(frame);
        text.push('\n');
    }
    text
}

/// Representative frames for the failure (the heartbeat ones are the capture's).
fn frames_for(view: &SimView<'_>, entry: &ExceptionEntry) -> Vec<&'static str> {
    let frames: &[&str] = match entry.cause {
        FailureCause::TaskManagerUnreachable { .. } if heartbeat_rpc_detects_first(view) => {
            &FRAMES_UNREACHABLE
        }
        FailureCause::TaskManagerUnreachable { .. } => &FRAMES_HEARTBEAT_TIMEOUT,
        FailureCause::ConnectionLost { .. } => &FRAMES_CONNECTION,
        FailureCause::DeployFailed { .. } => &FRAMES_DEPLOY,
        FailureCause::UserException => {
            match entry.task.map(|(t, _)| view.graph().vertex_of(t).kind) {
                Some(OperatorKind::Source) => &FRAMES_USER_SOURCE,
                _ => &FRAMES_USER_PROCESS,
            }
        }
        FailureCause::TolerableCheckpointFailuresExceeded { .. } => &FRAMES_TOLERABLE,
        FailureCause::NoResourceAvailable => &FRAMES_NO_RESOURCE,
        FailureCause::ProducerFenced { .. } if crate::sim::sink::OTHER_SINKS => {
            &FRAMES_PRODUCER_FENCED
        }
        FailureCause::ProducerFenced { .. } => &[],
    };
    frames.to_vec()
}

const FRAMES_PRODUCER_FENCED: [&str; 5] = [
    "org.apache.flink.connector.kafka.sink.KafkaWriter$WriterCallback.onCompletion(KafkaWriter.java)",
    "org.apache.kafka.clients.producer.KafkaProducer.doSend(KafkaProducer.java)",
    "org.apache.flink.connector.kafka.sink.KafkaWriter.write(KafkaWriter.java)",
    "org.apache.flink.streaming.runtime.operators.sink.SinkWriterOperator.processElement(SinkWriterOperator.java)",
    "org.apache.flink.streaming.runtime.tasks.OneInputStreamTask$StreamTaskNetworkOutput.emitRecord(OneInputStreamTask.java)",
];

const FRAMES_UNREACHABLE: [&str; 8] = [
    "org.apache.flink.runtime.jobmaster.JobMaster$TaskManagerHeartbeatListener.notifyTargetUnreachable(JobMaster.java:1680)",
    "org.apache.flink.runtime.heartbeat.DefaultHeartbeatMonitor.reportHeartbeatRpcFailure(DefaultHeartbeatMonitor.java:126)",
    "org.apache.flink.runtime.heartbeat.HeartbeatManagerImpl.runIfHeartbeatMonitorExists(HeartbeatManagerImpl.java:275)",
    "org.apache.flink.runtime.heartbeat.HeartbeatManagerImpl.reportHeartbeatTargetUnreachable(HeartbeatManagerImpl.java:267)",
    "org.apache.flink.runtime.heartbeat.HeartbeatManagerImpl.handleHeartbeatRpcFailure(HeartbeatManagerImpl.java:262)",
    "org.apache.flink.runtime.heartbeat.HeartbeatManagerImpl.lambda$handleHeartbeatRpc$0(HeartbeatManagerImpl.java:248)",
    "java.base/java.util.concurrent.CompletableFuture.uniWhenComplete(CompletableFuture.java:863)",
    "org.apache.flink.runtime.rpc.pekko.PekkoRpcActor.handleRunAsync(PekkoRpcActor.java:460)",
];

const FRAMES_HEARTBEAT_TIMEOUT: [&str; 5] = [
    "org.apache.flink.runtime.jobmaster.JobMaster$TaskManagerHeartbeatListener.notifyHeartbeatTimeout(JobMaster.java:1670)",
    "org.apache.flink.runtime.heartbeat.DefaultHeartbeatMonitor.run(DefaultHeartbeatMonitor.java:158)",
    "java.base/java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:539)",
    "java.base/java.util.concurrent.FutureTask.run(FutureTask.java:264)",
    "org.apache.flink.runtime.rpc.pekko.PekkoRpcActor.handleRunAsync(PekkoRpcActor.java:460)",
];

const FRAMES_CONNECTION: [&str; 7] = [
    "org.apache.flink.runtime.io.network.netty.CreditBasedPartitionRequestClientHandler.channelInactive(CreditBasedPartitionRequestClientHandler.java:134)",
    "org.apache.flink.shaded.netty4.io.netty.channel.AbstractChannelHandlerContext.invokeChannelInactive(AbstractChannelHandlerContext.java:303)",
    "org.apache.flink.shaded.netty4.io.netty.channel.AbstractChannelHandlerContext.fireChannelInactive(AbstractChannelHandlerContext.java:274)",
    "org.apache.flink.runtime.io.network.netty.NettyMessageClientDecoderDelegate.channelInactive(NettyMessageClientDecoderDelegate.java:94)",
    "org.apache.flink.shaded.netty4.io.netty.channel.epoll.AbstractEpollChannel$AbstractEpollUnsafe$7.run(AbstractEpollChannel.java:425)",
    "org.apache.flink.shaded.netty4.io.netty.channel.epoll.EpollEventLoop.run(EpollEventLoop.java:416)",
    "java.base/java.lang.Thread.run(Thread.java:840)",
];

const FRAMES_DEPLOY: [&str; 5] = [
    "org.apache.flink.runtime.rpc.pekko.DeadLettersActor.handleDeadLetter(DeadLettersActor.java:61)",
    "org.apache.pekko.japi.pf.UnitCaseStatement.apply(CaseStatements.scala:37)",
    "org.apache.pekko.actor.AbstractActor.aroundReceive(AbstractActor.scala:229)",
    "org.apache.pekko.actor.ActorCell.invoke(ActorCell.scala:557)",
    "org.apache.pekko.dispatch.Mailbox.run(Mailbox.scala:234)",
];

const FRAMES_USER_PROCESS: [&str; 8] = [
    "AbnormalEventAlarmJob$AbnormalAlarmFunction.processElement(AbnormalEventAlarmJob.java:88)",
    "org.apache.flink.streaming.api.operators.KeyedProcessOperator.processElement(KeyedProcessOperator.java:83)",
    "org.apache.flink.streaming.runtime.tasks.OneInputStreamTask$StreamTaskNetworkOutput.emitRecord(OneInputStreamTask.java:238)",
    "org.apache.flink.streaming.runtime.io.AbstractStreamTaskNetworkInput.processElement(AbstractStreamTaskNetworkInput.java:157)",
    "org.apache.flink.streaming.runtime.io.StreamOneInputProcessor.processInput(StreamOneInputProcessor.java:65)",
    "org.apache.flink.streaming.runtime.tasks.StreamTask.processInput(StreamTask.java:638)",
    "org.apache.flink.runtime.taskmanager.Task.doRun(Task.java:763)",
    "java.base/java.lang.Thread.run(Thread.java:840)",
];

const FRAMES_USER_SOURCE: [&str; 4] = [
    "AbnormalEventAlarmJob$RandomUserEventSource.run(AbnormalEventAlarmJob.java:61)",
    "org.apache.flink.streaming.api.operators.StreamSource.run(StreamSource.java:114)",
    "org.apache.flink.streaming.api.operators.StreamSource.run(StreamSource.java:71)",
    "org.apache.flink.streaming.runtime.tasks.SourceStreamTask$LegacySourceFunctionThread.run(SourceStreamTask.java:338)",
];

const FRAMES_TOLERABLE: [&str; 5] = [
    "org.apache.flink.runtime.checkpoint.CheckpointFailureManager.checkFailureAgainstCounter(CheckpointFailureManager.java:212)",
    "org.apache.flink.runtime.checkpoint.CheckpointFailureManager.handleJobLevelCheckpointException(CheckpointFailureManager.java:169)",
    "org.apache.flink.runtime.checkpoint.CheckpointFailureManager.handleCheckpointException(CheckpointFailureManager.java:122)",
    "org.apache.flink.runtime.checkpoint.CheckpointCoordinator.abortPendingCheckpoint(CheckpointCoordinator.java:2155)",
    "java.base/java.lang.Thread.run(Thread.java:840)",
];

const FRAMES_NO_RESOURCE: [&str; 5] = [
    "org.apache.flink.runtime.scheduler.DefaultExecutionDeployer.maybeWrapWithNoResourceAvailableException(DefaultExecutionDeployer.java:284)",
    "org.apache.flink.runtime.scheduler.DefaultExecutionDeployer.lambda$assignResource$4(DefaultExecutionDeployer.java:251)",
    "java.base/java.util.concurrent.CompletableFuture.uniHandle(CompletableFuture.java:934)",
    "org.apache.flink.runtime.jobmaster.slotpool.PhysicalSlotRequestBulkCheckerImpl.lambda$schedulePendingRequestBulkWithTimestampCheck$0(PhysicalSlotRequestBulkCheckerImpl.java:91)",
    "org.apache.flink.runtime.rpc.pekko.PekkoRpcActor.handleRunAsync(PekkoRpcActor.java:460)",
];

// ---------------------------------------------------------------------------------------------
// TaskManager identities
// ---------------------------------------------------------------------------------------------

/// One incarnation's identity of a TaskManager.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// `127.0.0.1:<rpc port>-<6 hex>`.
    pub resource_id: String,
    /// RPC port.
    pub rpc_port: u32,
    /// Netty data port.
    pub data_port: u32,
}

impl Identity {
    fn of(tm: &TaskManager) -> Identity {
        Identity {
            resource_id: tm.resource_id.clone(),
            rpc_port: tm.rpc_port,
            data_port: tm.data_port,
        }
    }
}

/// Every identity each TaskManager has had, oldest first (index = incarnation), re-derived by
/// replaying the engine's identity stream (two draws for the job id, one identity per
/// TaskManager at start, one per accepted `RestartTaskManager` command). The engine keeps only
/// the current identity; a TaskManager whose replayed identity disagrees with its live one is
/// given its live identity only.
pub fn identities(view: &SimView<'_>) -> Vec<Vec<Identity>> {
    let mut rng = SimRng::new(view.seed(), RngStream::Identity);
    rng.next_u64();
    rng.next_u64();
    let slots = view.config().slots_per_task_manager;
    let mut scratch: Vec<TaskManager> = (0..view.task_managers().len())
        .map(|i| TaskManager::new(TaskManagerId::from_index(i), slots, &mut rng, SimTime::ZERO))
        .collect();
    let mut all: Vec<Vec<Identity>> = scratch.iter().map(|tm| vec![Identity::of(tm)]).collect();
    for (_, command) in view.command_log() {
        if let Command::RestartTaskManager { task_manager } = command {
            if let Some(tm) = scratch.get_mut(task_manager.index()) {
                tm.new_identity(&mut rng);
                all[task_manager.index()].push(Identity::of(tm));
            }
        }
    }
    for (known, live) in all.iter_mut().zip(view.task_managers()) {
        if known.last().map(|i| &i.resource_id) != Some(&live.resource_id) {
            *known = vec![Identity::of(live)];
        }
    }
    all
}

/// The identity of incarnation `incarnation` of a TaskManager.
fn identity(view: &SimView<'_>, tm: TaskManagerId, incarnation: u16) -> Identity {
    let all = identities(view);
    let known = &all[tm.index()];
    known
        .get(incarnation as usize)
        .or(known.last())
        .cloned()
        .unwrap_or_else(|| Identity::of(&view.task_managers()[tm.index()]))
}

/// The identity a TaskManager's running process had at `time`: one new identity per
/// `RestartTaskManager` command issued up to then.
fn identity_at(view: &SimView<'_>, tm: TaskManagerId, time: SimTime) -> Identity {
    let restarts = view
        .command_log()
        .iter()
        .filter(|(at, c)| {
            *at <= time
                && matches!(c, Command::RestartTaskManager { task_manager } if *task_manager == tm)
        })
        .count();
    identity(view, tm, restarts as u16)
}

/// Where a failed task ran: the incarnation named by the cause if it is that TaskManager, else
/// the identity its process had when the failure was handled.
fn failure_identity(view: &SimView<'_>, entry: &ExceptionEntry, tm: TaskManagerId) -> Identity {
    match entry.cause {
        FailureCause::TaskManagerUnreachable {
            task_manager,
            incarnation,
        }
        | FailureCause::DeployFailed {
            task_manager,
            incarnation,
        } if task_manager == tm => identity(view, tm, incarnation),
        _ => identity_at(view, tm, entry.time),
    }
}

fn endpoint_of(identity: &Identity) -> String {
    format!("{HOST}:{}", identity.data_port)
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/// Epoch milliseconds of a simulated instant, as a Java long.
fn epoch(view: &SimView<'_>, time: SimTime) -> i64 {
    view.epoch_ms(time) as i64
}

/// The tasks of a vertex, by subtask.
fn vertex_tasks(vertex: &JobVertex) -> impl Iterator<Item = TaskIndex> {
    let first = vertex.first_task.0;
    (first..first + vertex.parallelism).map(TaskIndex)
}

/// When the attempt entered `state`, if it did.
fn entered(task: &Task, state: ExecutionState) -> Option<SimTime> {
    let slot = ExecutionState::SIMULATED.iter().position(|s| *s == state)?;
    task.state_entered[slot]
}

fn add_count(counts: &mut ExecutionStateCounts, state: ExecutionState) {
    let slot = match state {
        ExecutionState::Created => &mut counts.created,
        ExecutionState::Scheduled => &mut counts.scheduled,
        ExecutionState::Deploying => &mut counts.deploying,
        ExecutionState::Initializing => &mut counts.initializing,
        ExecutionState::Running => &mut counts.running,
        ExecutionState::Finished => &mut counts.finished,
        ExecutionState::Canceling => &mut counts.canceling,
        ExecutionState::Canceled => &mut counts.canceled,
        ExecutionState::Failed => &mut counts.failed,
        ExecutionState::Reconciling => &mut counts.reconciling,
    };
    *slot += 1;
}
