//! Proves the REST builders (`flinkscope::sim::rest::build`) produce what a real Flink 2.3.0
//! would serve for the simulated cluster:
//! 1. shape: every response, written with `to_flink_json`, has exactly the key paths (array
//!    elements merged) and value types (int, float, `"NaN"`, other string, bool, null, object,
//!    array) of the response captured from a real cluster (`tests/fixtures/flink-2.3.0-rest/`);
//! 2. values: the figures the default scenario and a TaskManager loss must produce.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;

use flinkscope::sim::engine::ExceptionEntry;
use flinkscope::sim::event::FailureCause;
use flinkscope::sim::graph::{KEYED_VERTEX, SOURCE_VERTEX};
use flinkscope::sim::ids::{CheckpointId, TaskIndex, TaskManagerId};
use flinkscope::sim::rest::{
    build, to_flink_json, CheckpointStatistics, ExecutionState, JobStatus, ProcessingMode,
    SubtaskCheckpointStatistics, VertexBackPressureLevel, VertexBackPressureStatus,
};
use flinkscope::sim::{Command, Sim, SimConfig, SimTime};
use serde::Serialize;
use serde_json::Value;

/// Key path → the value types seen there.
type Shape = BTreeMap<String, BTreeSet<&'static str>>;

/// The captured JSON of a fixture (for the error body: its first line up to the last `}`).
fn capture(name: &str) -> Value {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests/fixtures/flink-2.3.0-rest",
        name,
    ]
    .iter()
    .collect();
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let first = text.lines().next().unwrap_or_default();
    let json = &first[..=first.rfind('}').expect("a JSON object")];
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Records the type of `value` at `path` and recurses; array elements share `path[]`.
fn collect(value: &Value, path: &str, shape: &mut Shape) {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(s) if s == "NaN" => "NaN",
        Value::String(_) => "string",
        Value::Array(items) => {
            for item in items {
                collect(item, &format!("{path}[]"), shape);
            }
            "array"
        }
        Value::Object(map) => {
            for (key, item) in map {
                collect(item, &format!("{path}.{key}"), shape);
            }
            "object"
        }
    };
    shape.entry(path.to_string()).or_default().insert(kind);
}

fn shape_of(value: &Value) -> Shape {
    let mut shape = Shape::new();
    collect(value, "$", &mut shape);
    shape
}

/// Asserts the built body has the capture's key paths and value types, naming every
/// difference.
fn assert_flink_shape<T: Serialize>(fixture: &str, built: &T) -> Value {
    let json = to_flink_json(built).expect("serialisable");
    let value: Value = serde_json::from_str(&json).expect("valid JSON");
    let (ours, theirs) = (shape_of(&value), shape_of(&capture(fixture)));
    let differences: Vec<String> = ours
        .keys()
        .chain(theirs.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|path| ours.get(*path) != theirs.get(*path))
        .map(|path| {
            format!(
                "{path}: built {:?}, Flink {:?}",
                ours.get(path),
                theirs.get(path)
            )
        })
        .collect();
    assert!(
        differences.is_empty(),
        "{fixture}: shape differs from the capture:\n{}",
        differences.join("\n")
    );
    value
}

fn at(ms: u64) -> SimTime {
    SimTime::from_ms(ms)
}

/// The default scenario (seed 42) run to `until_ms`.
fn default_run(until_ms: u64) -> Sim {
    let mut sim = Sim::new(SimConfig::default(), 42).expect("valid config");
    sim.advance_to(at(until_ms));
    sim
}

/// What the books said just before TaskManager 2 was killed.
struct BeforeKill {
    last_completed: CheckpointId,
    last_triggered: u64,
}

/// Kills TaskManager 2 (`TaskManagerId(1)`) at 45 s, optionally triggers a checkpoint right
/// away (its RPC to the dead TaskManager fails, as on the real cluster), runs to `until_ms`.
fn kill_run(until_ms: u64, trigger_after_kill: bool) -> (Sim, BeforeKill) {
    let mut sim = default_run(45_000);
    let coordinator = sim.view().coordinator();
    let before = BeforeKill {
        last_completed: coordinator
            .latest_completed
            .as_ref()
            .expect("a checkpoint")
            .id,
        last_triggered: u64::from(coordinator.next_id - 1),
    };
    let kill = Command::KillTaskManager {
        task_manager: TaskManagerId(1),
    };
    sim.handle(kill).expect("TaskManager 2 runs");
    if trigger_after_kill {
        sim.handle(Command::TriggerCheckpoint).expect("job running");
    }
    sim.advance_to(at(until_ms));
    (sim, before)
}

fn id_of(statistics: &CheckpointStatistics) -> i64 {
    statistics.base().id
}

#[test]
fn shape_check_catches_a_wrong_type_or_key() {
    let mut value = capture("jobs_JID.json");
    let busy = "accumulated-busy-time";
    value["vertices"][0]["metrics"][busy] = Value::from(0.0);
    let original = shape_of(&capture("jobs_JID.json"));
    assert_ne!(shape_of(&value), original, "NaN replaced by a float");
    let mut value = capture("jobs_JID.json");
    value["vertices"][1]["metrics"][busy] = Value::from(1243);
    assert_ne!(shape_of(&value), original, "a float written as an int");
    let mut value = capture("jobs_JID.json");
    value["plan"]["extra"] = Value::Null;
    assert_ne!(shape_of(&value), original, "an extra key");
}

#[test]
fn cluster_endpoints_match_flink() {
    let sim = default_run(95_000);
    let view = sim.view();
    let overview = build::overview(&view);
    assert_flink_shape("overview.json", &overview);
    assert_eq!(
        (overview.task_managers, overview.slots_total),
        (3, 9),
        "3 TaskManagers × 3 slots"
    );
    assert_eq!(overview.slots_available, 6, "the job uses 3 of 9 slots");
    assert_eq!((overview.jobs_running, overview.jobs_failed), (1, 0));
    assert_eq!(overview.flink_commit, "c0f8d1a");

    let config = build::dashboard_config(&view);
    let written = assert_flink_shape("config.json", &config);
    assert_eq!(
        written,
        capture("config.json"),
        "/config is the captured one"
    );

    let tms = build::task_managers(&view);
    assert_flink_shape("taskmanagers.json", &tms);
    assert_eq!(tms.task_managers.len(), 3);
    for (info, tm) in tms.task_managers.iter().zip(view.task_managers()) {
        assert_eq!(info.id, tm.resource_id);
        assert_eq!(
            (info.free_slots, info.assigned_tasks),
            (2, 2),
            "one pipeline each"
        );
        assert_eq!(info.free_resource.cpu_cores.value(), 2.0);
        assert_eq!(info.total_resource.task_heap_memory_mb, 198);
        assert_eq!(info.free_resource.task_heap_memory_mb, 132);
        assert_eq!(
            info.last_heartbeat_timestamp_ms as u64,
            view.epoch_ms(tm.last_heartbeat)
        );
    }
}

#[test]
fn job_endpoints_match_flink() {
    let sim = default_run(95_000);
    let view = sim.view();
    let jobs = build::jobs_overview(&view);
    assert_flink_shape("jobs_overview.json", &jobs);
    let job = &jobs.jobs[0];
    assert_eq!(
        (job.state, job.tasks.running, job.tasks.total),
        (JobStatus::Running, 6, 6)
    );
    assert_eq!(job.duration_ms, 95_000);

    let details = build::job_details(&view);
    assert_flink_shape("jobs_JID.json", &details);
    assert_eq!(details.now_ms as u64, view.epoch_ms(view.now()));
    assert_eq!(details.vertices.len(), 2, "the print sink is chained");
    assert_eq!(details.status_counts.running, 2);
    assert_eq!(details.timestamps.restarting_ms, 0, "never restarted");
    assert_eq!(
        details.timestamps.running_ms as u64,
        view.epoch_ms(SimTime::ZERO)
    );
    let (source, keyed) = (&details.vertices[0], &details.vertices[1]);
    assert_eq!(keyed.name, "AbnormalAlarmFunction -> Sink: PrintSink");
    assert_eq!(
        (source.status, keyed.status),
        (ExecutionState::Running, ExecutionState::Running)
    );
    assert!(
        source.metrics.accumulated_busy_time_ms.is_nan(),
        "legacy source"
    );
    assert!(!keyed.metrics.accumulated_busy_time_ms.is_nan());
    assert_eq!(source.metrics.read_records, 0, "network input only");
    assert_eq!(keyed.metrics.write_records, 0, "the sink is chained");
    assert!(source.metrics.write_records > 0);
    assert!(keyed.metrics.read_records <= source.metrics.write_records);
    assert!(
        source.metrics.write_records - keyed.metrics.read_records <= 3,
        "in flight"
    );

    let plan = build::job_plan(&view);
    assert_flink_shape("jobs_JID_plan.json", &plan);
    assert_eq!(plan.plan, details.plan);
    let nodes = &plan.plan.nodes;
    assert_eq!(
        nodes[0].id, keyed.id,
        "downstream vertex first, as createChain makes it"
    );
    assert_eq!(
        nodes[0].description,
        "AbnormalAlarmFunction<br/>+- Sink: PrintSink<br/>"
    );
    assert_eq!(nodes[0].inputs[0].id, source.id);
    assert_eq!(nodes[0].inputs[0].ship_strategy, "HASH");
    assert_eq!(nodes[0].inputs[0].exchange, "pipelined_bounded");
    assert!(nodes[1].inputs.is_empty());
}

#[test]
fn vertex_details_show_the_key_group_skew() {
    let sim = default_run(95_000);
    let view = sim.view();
    let details = build::vertex_details(&view, KEYED_VERTEX);
    assert_flink_shape("jobs_JID_vertices_VID.json", &details);
    let reads: Vec<i64> = details
        .subtasks
        .iter()
        .map(|s| s.metrics.read_records)
        .collect();
    assert_eq!(reads[1], 0, "no key lands on keyed subtask 1");
    assert!(
        reads[0] > 0 && reads[2] > reads[0],
        "user1 and user3 on 2, user2 on 0: {reads:?}"
    );
    assert_eq!(
        details.aggregated.metrics.read_records.sum,
        reads.iter().sum::<i64>()
    );
    for (subtask, info) in details.subtasks.iter().enumerate() {
        let tm = &view.task_managers()[subtask];
        assert_eq!(
            info.endpoint,
            format!("localhost:{}", tm.data_port),
            "spread placement"
        );
        assert_eq!(info.task_manager_id, tm.resource_id);
        assert_eq!((info.attempt, info.status), (0, ExecutionState::Running));
        assert_eq!(info.end_time_ms, -1);
        assert!(info.status_duration.running_ms > 90_000);
    }
    let source = build::vertex_details(&view, SOURCE_VERTEX);
    assert!(source
        .subtasks
        .iter()
        .all(|s| s.metrics.accumulated_busy_time_ms.is_nan()));
    assert_eq!(
        source.aggregated.metrics.accumulated_busy_time.sum, -3,
        "NaN counts as -1"
    );
    assert_eq!(build::vertex_index(&view, &details.id), Some(KEYED_VERTEX));
    assert_eq!(build::vertex_index(&view, "0123"), None);
}

#[test]
fn backpressure_is_ok_and_source_busy_is_nan() {
    let sim = default_run(95_000);
    let view = sim.view();
    let keyed = build::backpressure(&view, KEYED_VERTEX);
    assert_flink_shape("jobs_JID_vertices_VID_backpressure.json", &keyed);
    assert_eq!(keyed.status, VertexBackPressureStatus::Ok);
    assert_eq!(keyed.backpressure_level, Some(VertexBackPressureLevel::Ok));
    for subtask in keyed.subtasks.as_ref().expect("statistics") {
        let sum = subtask.backpressured_ratio.value()
            + subtask.idle_ratio.value()
            + subtask.busy_ratio.value();
        assert!(
            (sum - 1.0).abs() < 1e-9,
            "ratios add up to one second: {sum}"
        );
    }
    let source = build::backpressure(&view, SOURCE_VERTEX);
    let subtasks = source.subtasks.expect("statistics");
    assert!(
        subtasks.iter().all(|s| s.busy_ratio.is_nan()),
        "legacy source"
    );
    let early = default_run(500);
    let none = build::backpressure(&early.view(), KEYED_VERTEX);
    assert_eq!(
        none.status,
        VertexBackPressureStatus::Deprecated,
        "no samples yet"
    );
}

#[test]
fn checkpoint_statistics_follow_the_coordinator() {
    let sim = default_run(95_000);
    let view = sim.view();
    let stats = build::checkpoints(&view);
    assert!(stats.counts.completed >= 8, "{:?}", stats.counts);
    assert_eq!(stats.counts.restored, 0);
    assert!(stats.history.len() <= 10);
    let ids: Vec<i64> = stats.history.iter().map(id_of).collect();
    assert!(
        ids.windows(2).all(|w| w[0] == w[1] + 1),
        "newest first, contiguous: {ids:?}"
    );
    assert_eq!(ids[0], stats.counts.total, "ids are contiguous from 1");
    assert_eq!(ids.last(), Some(&1));
    for entry in &stats.history {
        let base = entry.base();
        assert!(matches!(entry, CheckpointStatistics::Completed(_)));
        assert!(
            (6_500..=6_900).contains(&base.checkpointed_size_bytes),
            "{base:?}"
        );
        assert_eq!(base.num_subtasks, 6);
        assert!(base.tasks.is_empty(), "tasks only in the details");
        assert_eq!(
            base.end_to_end_duration_ms,
            base.latest_ack_timestamp_ms - base.trigger_timestamp_ms
        );
    }
    let size = &stats.summary.checkpointed_size_bytes;
    assert!((6_500..=6_900).contains(&size.min) && size.p50.value() >= size.min as f64);
    assert_eq!(stats.summary.state_size_bytes, *size);
    let latest = stats.latest.completed.as_ref().expect("completed");
    assert_eq!(latest.base.id, ids[0]);
    assert!(!latest.discarded && stats.latest.failed.is_none() && stats.latest.restored.is_none());

    let config = build::checkpoint_config(&view);
    assert_flink_shape("jobs_JID_checkpoints_config.json", &config);
    assert_eq!(config.mode, ProcessingMode::ExactlyOnce);
    assert_eq!(
        (config.interval_ms, config.timeout_ms, config.min_pause_ms),
        (10_000, 60_000, 5_000)
    );
    assert_eq!(config.state_backend, "HashMapStateBackend");
    assert!(!config.unaligned_checkpoints);
}

#[test]
fn checkpoint_statistics_after_a_failover_have_flinks_shape() {
    // A trigger right after the kill fails on the dead TaskManager with an id (as captured);
    // by 200 s the history holds only completed checkpoints again, as in the capture.
    let (sim, before) = kill_run(200_000, true);
    let view = sim.view();
    let stats = build::checkpoints(&view);
    assert_flink_shape("jobs_JID_checkpoints.json", &stats);
    let failed = stats.latest.failed.as_ref().expect("the trigger failed");
    assert_eq!(failed.base.id as u64, before.last_triggered + 1);
    assert_eq!(
        failed.failure_message.as_deref(),
        Some("Trigger checkpoint failure.")
    );
    assert_eq!(failed.base.latest_ack_timestamp_ms, -1);
    assert_eq!(
        failed.base.end_to_end_duration_ms,
        failed.failure_timestamp_ms - failed.base.trigger_timestamp_ms
    );
}

#[test]
fn checkpoint_details_match_flink() {
    let sim = default_run(95_000);
    let view = sim.view();
    let latest = view
        .coordinator()
        .latest_completed
        .as_ref()
        .expect("completed")
        .id;
    let details = build::checkpoint_details(&view, latest).expect("in the history");
    assert_flink_shape("jobs_JID_checkpoints_details_CID.json", &details);
    let base = details.base();
    let keys: Vec<&str> = base.tasks.keys().collect();
    let graph = view.graph();
    assert_eq!(
        keys,
        [graph.vertices[1].id.as_str(), graph.vertices[0].id.as_str()],
        "Java HashMap order"
    );
    let per_vertex: i64 = base
        .tasks
        .iter()
        .map(|(_, t)| t.checkpointed_size_bytes)
        .sum();
    assert_eq!(per_vertex, base.checkpointed_size_bytes);
    let acks: i32 = base
        .tasks
        .iter()
        .map(|(_, t)| t.num_acknowledged_subtasks)
        .sum();
    assert_eq!(acks, 6);
    let latest_ack = base
        .tasks
        .iter()
        .map(|(_, t)| t.latest_ack_timestamp_ms)
        .max();
    assert_eq!(latest_ack, Some(base.latest_ack_timestamp_ms));

    assert!(build::checkpoint_details(&view, CheckpointId(99)).is_none());
    let error = build::not_found_checkpoint(CheckpointId(99));
    assert_flink_shape("error_404_unknown_checkpoint.txt", &error);
    assert!(error.errors[0].starts_with(
        "org.apache.flink.runtime.rest.handler.RestHandlerException: Could not find checkpointing statistics for checkpoint 99.\n\tat "
    ));
}

#[test]
fn checkpoint_subtasks_match_flink() {
    let sim = default_run(95_000);
    let view = sim.view();
    let graph = view.graph();
    let latest = view
        .coordinator()
        .latest_completed
        .as_ref()
        .expect("completed")
        .id;
    let details = build::checkpoint_details(&view, latest).expect("in the history");
    let base = details.base();
    let keyed = build::checkpoint_subtasks(&view, latest, KEYED_VERTEX).expect("present");
    assert_flink_shape(
        "jobs_JID_checkpoints_details_CID_subtasks_KEYEDVERTEX.json",
        &keyed,
    );
    let completed: Vec<_> = keyed
        .subtasks
        .iter()
        .filter_map(|s| match s {
            SubtaskCheckpointStatistics::Completed(c) => Some(c),
            SubtaskCheckpointStatistics::Pending(_) => None,
        })
        .collect();
    assert_eq!(completed.len(), 3);
    let trigger = base.trigger_timestamp_ms;
    for subtask in &completed {
        assert_eq!(
            subtask.end_to_end_duration_ms,
            subtask.ack_timestamp_ms - trigger
        );
        assert!((1_900..=2_200).contains(&subtask.checkpointed_size_bytes));
    }
    assert_eq!(
        keyed.task,
        base.tasks
            .get(&graph.vertices[1].id)
            .cloned()
            .expect("keyed")
    );
    let sizes = &keyed.summary.checkpointed_size_bytes;
    assert!(sizes.min <= sizes.avg && sizes.avg <= sizes.max && sizes.p50.is_nan());
    let source = build::checkpoint_subtasks(&view, latest, SOURCE_VERTEX).expect("present");
    assert_flink_shape(
        "jobs_JID_checkpoints_details_CID_subtasks_SOURCEVERTEX.json",
        &source,
    );
    assert_eq!(source.task.checkpointed_size_bytes, 633, "3 × 211 B");
    assert!(build::checkpoint_subtasks(&view, CheckpointId(99), KEYED_VERTEX).is_none());
}

#[test]
fn losing_task_manager_2_restores_and_records_exceptions() {
    let (sim, before) = kill_run(120_000, false);
    let view = sim.view();
    let stats = build::checkpoints(&view);
    assert!(stats.counts.restored >= 1);
    let restored = stats.latest.restored.as_ref().expect("restored");
    assert_eq!(restored.id as u64, u64::from(before.last_completed.0));
    assert!(restored
        .external_path
        .as_deref()
        .unwrap_or("")
        .ends_with(&format!("/chk-{}", restored.id)));
    let after_restore = stats
        .history
        .iter()
        .filter(|c| c.base().trigger_timestamp_ms > restored.restore_timestamp_ms)
        .map(id_of)
        .min()
        .expect("a checkpoint after the restore");
    assert_eq!(
        after_restore as u64,
        before.last_triggered + 1,
        "ids continue"
    );

    let exceptions = build::exceptions(&view);
    assert_flink_shape("jobs_JID_exceptions.json", &exceptions);
    let entries = &exceptions.exception_history.entries;
    assert!(!entries.is_empty() && !exceptions.exception_history.truncated);
    let stamps: Vec<i64> = entries.iter().map(|e| e.exception.timestamp_ms).collect();
    assert!(stamps.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let tm2 = &view.task_managers()[1];
    let first = &entries.last().expect("an entry").exception;
    assert_eq!(
        first.exception_name,
        "org.apache.flink.runtime.io.network.netty.exception.RemoteTransportException"
    );
    assert!(first.stacktrace.starts_with(&format!(
        "org.apache.flink.runtime.io.network.netty.exception.RemoteTransportException: Connection unexpectedly closed by remote task manager 'localhost/127.0.0.1:{}'. This might indicate that the remote task manager was lost.\n\tat org.apache.flink.",
        tm2.data_port
    )));
    for entry in entries {
        let e = &entry.exception;
        let name = e.task_name.as_deref().expect("a task failed");
        assert!(name.contains(" - execution #"), "{name}");
        assert!(e.stacktrace.starts_with(&format!("{}: ", e.exception_name)));
        if e.exception_name.ends_with("RecipientUnreachableException") {
            assert_eq!(e.task_manager_id.as_deref(), Some(tm2.resource_id.as_str()));
            assert_eq!(e.endpoint, Some(format!("localhost:{}", tm2.data_port)));
        }
    }
    let job = build::job_details(&view);
    assert_eq!(job.state, JobStatus::Running);
    assert!(
        job.timestamps.restarting_ms > 0
            && job.timestamps.running_ms > job.timestamps.restarting_ms
    );
    let overview = build::overview(&view);
    assert_eq!(
        (overview.task_managers, overview.slots_total),
        (2, 6),
        "TaskManager 2 is gone"
    );
}

#[test]
fn failure_causes_map_to_flinks_exceptions() {
    let sim = default_run(20_000);
    let view = sim.view();
    let tm = &view.task_managers()[1];
    let entry = |cause| ExceptionEntry {
        time: view.now(),
        cause,
        task: Some((TaskIndex(1), 0)),
        task_manager: Some(TaskManagerId(1)),
    };
    let (tm_id, incarnation) = (TaskManagerId(1), 0);
    let unreachable = FailureCause::TaskManagerUnreachable {
        task_manager: tm_id,
        incarnation,
    };
    assert_eq!(
        build::failure_exception(&view, &entry(unreachable)),
        (
            "org.apache.flink.runtime.jobmaster.JobMasterException".to_string(),
            format!(
                "TaskManager with id {} is no longer reachable.",
                tm.resource_id
            )
        )
    );
    let deploy = FailureCause::DeployFailed {
        task_manager: tm_id,
        incarnation,
    };
    let (class, message) = build::failure_exception(&view, &entry(deploy));
    assert_eq!(
        class,
        "org.apache.flink.runtime.rpc.exceptions.RecipientUnreachableException"
    );
    assert!(message.starts_with(
        "Could not send message [RemoteRpcInvocation(TaskExecutorGateway.submitTask("
    ));
    assert!(message.contains(&format!(
        "flink@127.0.0.1:{}/user/rpc/taskmanager_0",
        tm.rpc_port
    )));
    assert!(message.ends_with("because the recipient is unreachable. This can either mean that the recipient has been terminated or that the remote RpcService is currently not reachable."));
    let (class, message) = build::failure_exception(&view, &entry(FailureCause::UserException));
    assert_eq!(class, "java.lang.RuntimeException");
    assert_eq!(
        message,
        "Exception injected into Source: RandomUserEventSource (2/3)#0 by flinkscope"
    );
    let reason = flinkscope::sim::checkpoint::CheckpointFailureReason::Expired;
    let tolerable = FailureCause::TolerableCheckpointFailuresExceeded { reason };
    let (class, message) = build::failure_exception(&view, &entry(tolerable));
    assert_eq!(class, "org.apache.flink.util.FlinkRuntimeException");
    assert_eq!(message, "Exceeded checkpoint tolerable failure threshold. The latest checkpoint failed due to Checkpoint expired before completing., view the Checkpoint History tab or the Job Manager log to find out why continuous checkpoints failed.");
    let (class, _) = build::failure_exception(&view, &entry(FailureCause::NoResourceAvailable));
    assert_eq!(
        class,
        "org.apache.flink.runtime.jobmanager.scheduler.NoResourceAvailableException"
    );
}

#[test]
fn exceptions_name_the_incarnation_that_failed() {
    // TaskManager 2 is killed, then restarted (a new resource id); deployments to the dead
    // process failed before that and must keep naming the old id.
    let mut sim = default_run(45_000);
    let old = sim.view().task_managers()[1].resource_id.clone();
    let tm = TaskManagerId(1);
    sim.handle(Command::KillTaskManager { task_manager: tm })
        .expect("alive");
    sim.advance_to(at(60_000));
    sim.handle(Command::RestartTaskManager { task_manager: tm })
        .expect("dead");
    sim.advance_to(at(120_000));
    let view = sim.view();
    let current = view.task_managers()[1].resource_id.clone();
    assert_ne!(
        old, current,
        "a restarted TaskManager is a new one to Flink"
    );
    let identities = build::identities(&view);
    let names: Vec<&str> = identities[1]
        .iter()
        .map(|i| i.resource_id.as_str())
        .collect();
    assert_eq!(names, [old.as_str(), current.as_str()]);
    let exceptions = build::exceptions(&view);
    let deploys: Vec<_> = exceptions
        .exception_history
        .entries
        .iter()
        .filter(|e| {
            e.exception
                .exception_name
                .ends_with("RecipientUnreachableException")
        })
        .collect();
    assert!(!deploys.is_empty());
    for entry in deploys {
        assert_eq!(
            entry.exception.task_manager_id.as_deref(),
            Some(old.as_str())
        );
    }
    let tms = build::task_managers(&view);
    assert!(
        tms.task_managers.iter().any(|t| t.id == current),
        "registered again"
    );
}

#[test]
fn user_exception_is_a_task_failure_with_its_attempt() {
    let mut sim = default_run(30_000);
    let fail = Command::FailTask {
        vertex: KEYED_VERTEX,
        subtask: 1,
    };
    sim.handle(fail).expect("running");
    sim.advance_to(at(31_000));
    let view = sim.view();
    let exceptions = build::exceptions(&view);
    let entry = &exceptions.exception_history.entries[0].exception;
    assert_eq!(entry.exception_name, "java.lang.RuntimeException");
    assert_eq!(
        entry.task_name.as_deref(),
        Some("AbnormalAlarmFunction -> Sink: PrintSink (2/3) - execution #0")
    );
    assert_eq!(
        entry.task_manager_id.as_deref(),
        Some(view.task_managers()[1].resource_id.as_str())
    );
    assert!(entry.stacktrace.starts_with("java.lang.RuntimeException: Exception injected into AbnormalAlarmFunction -> Sink: PrintSink (2/3)#0 by flinkscope\n\tat "));
}
