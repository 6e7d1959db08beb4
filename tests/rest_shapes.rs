//! Proves the REST DTOs have Flink 2.3.0's exact shapes: every response captured from a real
//! Flink 2.3.0 cluster (`tests/fixtures/flink-2.3.0-rest/`, copied from the shared reference so
//! the repository is self-contained) is parsed into its DTO and written back, and the result
//! must equal the captured bytes. Any missing, extra, renamed or reordered key, or a number in
//! the wrong form (`0` for `0.0`, a number for `"NaN"`), fails the comparison.

use std::fmt::Debug;
use std::fs;
use std::path::PathBuf;

use flinkscope::sim::rest::{
    CheckpointConfigInfo, CheckpointStatistics, CheckpointingStatistics, ClusterOverview,
    DashboardConfiguration, ErrorResponseBody, JobDetailsInfo, JobExceptionsInfoWithHistory,
    JobPlanInfo, JobVertexBackPressureInfo, JobVertexDetailsInfo, MultipleJobsDetails,
    TaskCheckpointStatisticsWithSubtaskDetails, TaskManagersInfo,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Reads a fixture file as text.
fn fixture(name: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests/fixtures/flink-2.3.0-rest",
        name,
    ]
    .iter()
    .collect();
    fs::read_to_string(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

/// The JSON of a plain `.json` fixture: the whole file, minus a trailing newline if any.
fn json_fixture(name: &str) -> String {
    let text = fixture(name);
    let json = text.strip_suffix('\n').unwrap_or(&text).to_string();
    assert!(
        json.starts_with('{'),
        "{name} does not start with a JSON object"
    );
    json
}

/// Parses `json` as `T`, writes it back both ways, and asserts both equal `json` byte for byte;
/// also checks the parsed value survives a second round trip unchanged.
fn assert_round_trip<T>(name: &str, json: &str) -> T
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let value: T = serde_json::from_str(json).unwrap_or_else(|error| panic!("{name}: {error}"));
    let written = serde_json::to_string(&value).unwrap();
    assert_eq!(
        written, json,
        "{name}: serde_json output differs from the capture"
    );
    let flink_written = flinkscope::sim::rest::to_flink_json(&value).unwrap();
    assert_eq!(
        flink_written, json,
        "{name}: to_flink_json output differs from the capture"
    );
    let again: T = serde_json::from_str(&written).unwrap();
    assert_eq!(again, value, "{name}: value changed on a second round trip");
    value
}

/// `/overview` round-trips exactly.
#[test]
fn overview_round_trips_exactly() {
    let overview: ClusterOverview =
        assert_round_trip("overview.json", &json_fixture("overview.json"));
    assert_eq!(overview.flink_version, "2.3.0");
}

/// The `/overview` body captured with its HTTP headers round-trips exactly, and its
/// `content-length` header matches the body.
#[test]
fn overview_with_headers_round_trips_exactly() {
    let text = fixture("headers_overview.txt");
    let (headers, body) = text
        .split_once("\r\n\r\n")
        .or_else(|| text.split_once("\n\n"))
        .unwrap();
    let body = body.strip_suffix('\n').unwrap_or(body);
    assert!(headers.contains("access-control-allow-origin: *"));
    assert!(headers.contains(&format!("content-length: {}", body.len())));
    let overview: ClusterOverview = assert_round_trip("headers_overview.txt", body);
    assert_eq!((overview.task_managers, overview.slots_total), (3, 9));
}

/// `/config` round-trips exactly.
#[test]
fn config_round_trips_exactly() {
    let config: DashboardConfiguration =
        assert_round_trip("config.json", &json_fixture("config.json"));
    assert_eq!(config.refresh_interval_ms, 3000);
}

/// `/taskmanagers` round-trips exactly (`cpuCores` 3.0 is a double, `taskHeapMemory` an int).
#[test]
fn taskmanagers_round_trips_exactly() {
    let info: TaskManagersInfo =
        assert_round_trip("taskmanagers.json", &json_fixture("taskmanagers.json"));
    assert_eq!(info.task_managers.len(), 2);
    assert_eq!(info.task_managers[0].total_resource.cpu_cores.value(), 3.0);
}

/// `/jobs/overview` round-trips exactly, with its lowercase `tasks` counts.
#[test]
fn jobs_overview_round_trips_exactly() {
    let jobs: MultipleJobsDetails =
        assert_round_trip("jobs_overview.json", &json_fixture("jobs_overview.json"));
    assert_eq!(jobs.jobs[1].tasks.canceled, 12);
}

/// `/jobs/:jid` round-trips exactly: the `timestamps` key order, a `"NaN"` and a float
/// `accumulated-busy-time`, and a plan node without `inputs`.
#[test]
fn job_details_round_trips_exactly() {
    let job: JobDetailsInfo = assert_round_trip("jobs_JID.json", &json_fixture("jobs_JID.json"));
    assert!(job.vertices[0].metrics.accumulated_busy_time_ms.is_nan());
    assert_eq!(
        job.vertices[1].metrics.accumulated_busy_time_ms.value(),
        1243.0
    );
    assert!(job.plan.nodes[1].inputs.is_empty());
}

/// `/jobs/:jid/plan` round-trips exactly.
#[test]
fn job_plan_round_trips_exactly() {
    let plan: JobPlanInfo =
        assert_round_trip("jobs_JID_plan.json", &json_fixture("jobs_JID_plan.json"));
    assert_eq!(plan.plan.nodes[0].inputs[0].ship_strategy, "HASH");
}

/// `/jobs/:jid/vertices/:vid` round-trips exactly, with both `status-duration` orders.
#[test]
fn vertex_details_round_trips_exactly() {
    let name = "jobs_JID_vertices_VID.json";
    let vertex: JobVertexDetailsInfo = assert_round_trip(name, &json_fixture(name));
    assert_eq!(vertex.aggregated.metrics.accumulated_busy_time.sum, 1243);
}

/// `/jobs/:jid/vertices/:vid/backpressure` round-trips exactly, with both level keys.
#[test]
fn backpressure_round_trips_exactly() {
    let name = "jobs_JID_vertices_VID_backpressure.json";
    let info: JobVertexBackPressureInfo = assert_round_trip(name, &json_fixture(name));
    assert_eq!(info.subtasks.unwrap()[0].idle_ratio.value(), 0.998);
}

/// `/jobs/:jid/checkpoints` round-trips exactly: double percentiles, `latest` with a `null`
/// savepoint, a failed entry and the completed history.
#[test]
fn checkpointing_statistics_round_trips_exactly() {
    let name = "jobs_JID_checkpoints.json";
    let stats: CheckpointingStatistics = assert_round_trip(name, &json_fixture(name));
    assert_eq!(stats.summary.end_to_end_duration_ms.p50.value(), 18.5);
    assert!(stats.latest.savepoint.is_none());
    let failed = stats.latest.failed.unwrap();
    assert_eq!(
        failed.failure_message.as_deref(),
        Some("Trigger checkpoint failure.")
    );
    assert_eq!(stats.history.len(), 10);
}

/// `/jobs/:jid/checkpoints/config` round-trips exactly.
#[test]
fn checkpoint_config_round_trips_exactly() {
    let name = "jobs_JID_checkpoints_config.json";
    let config: CheckpointConfigInfo = assert_round_trip(name, &json_fixture(name));
    assert!(config.unaligned_checkpoints);
}

/// `/jobs/:jid/checkpoints/details/:cid` round-trips exactly, `tasks` in the captured order.
#[test]
fn checkpoint_details_round_trips_exactly() {
    let name = "jobs_JID_checkpoints_details_CID.json";
    let details: CheckpointStatistics = assert_round_trip(name, &json_fixture(name));
    let keys: Vec<&str> = details.base().tasks.keys().collect();
    assert_eq!(
        keys,
        [
            "20ba6b65f97481d5570070de90e4e791",
            "bc764cd8ddf7a0cff126f51c16239658"
        ]
    );
}

/// The keyed vertex's subtask details round-trip exactly, with `"NaN"` percentiles.
#[test]
fn checkpoint_subtasks_keyed_round_trips_exactly() {
    let name = "jobs_JID_checkpoints_details_CID_subtasks_KEYEDVERTEX.json";
    let details: TaskCheckpointStatisticsWithSubtaskDetails =
        assert_round_trip(name, &json_fixture(name));
    assert!(details.summary.start_delay_ms.p50.is_nan());
    assert_eq!(details.summary.alignment.buffered_bytes.p50.value(), 0.0);
}

/// The source vertex's subtask details round-trip exactly.
#[test]
fn checkpoint_subtasks_source_round_trips_exactly() {
    let name = "jobs_JID_checkpoints_details_CID_subtasks_SOURCEVERTEX.json";
    let details: TaskCheckpointStatisticsWithSubtaskDetails =
        assert_round_trip(name, &json_fixture(name));
    assert_eq!(details.subtasks.len(), 3);
}

/// `/jobs/:jid/exceptions` round-trips exactly, stack trace escapes included.
#[test]
fn exceptions_round_trips_exactly() {
    let name = "jobs_JID_exceptions.json";
    let info: JobExceptionsInfoWithHistory = assert_round_trip(name, &json_fixture(name));
    let entry = &info.exception_history.entries[0].exception;
    assert_eq!(
        entry.task_manager_id.as_deref(),
        Some("127.0.0.1:34915-999ee8")
    );
}

/// The 404 body for an unknown checkpoint round-trips exactly (the annotation after the JSON
/// in the capture file is not part of the body).
#[test]
fn error_404_round_trips_exactly() {
    let text = fixture("error_404_unknown_checkpoint.txt");
    let end = text.find("]}").expect("the error body ends with ]}") + 2;
    let body: ErrorResponseBody =
        assert_round_trip("error_404_unknown_checkpoint.txt", &text[..end]);
    assert!(body.errors[0].contains("Could not find checkpointing statistics for checkpoint 99."));
}

/// Every JSON capture in the fixture folder is covered by one of the tests above, so a newly
/// captured endpoint cannot be added without a shape test.
#[test]
fn every_fixture_is_covered() {
    let covered = [
        "config.json",
        "error_404_unknown_checkpoint.txt",
        "headers_overview.txt",
        "jobs_JID.json",
        "jobs_JID_checkpoints.json",
        "jobs_JID_checkpoints_config.json",
        "jobs_JID_checkpoints_details_CID.json",
        "jobs_JID_checkpoints_details_CID_subtasks_KEYEDVERTEX.json",
        "jobs_JID_checkpoints_details_CID_subtasks_SOURCEVERTEX.json",
        "jobs_JID_exceptions.json",
        "jobs_JID_plan.json",
        "jobs_JID_vertices_VID.json",
        "jobs_JID_vertices_VID_backpressure.json",
        "jobs_overview.json",
        "overview.json",
        "taskmanagers.json",
        // Not a REST body: a hex dump of a checkpoint's `_metadata` file, kept for reference.
        "_metadata_hexdump.txt",
    ];
    let dir: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests/fixtures/flink-2.3.0-rest",
    ]
    .iter()
    .collect();
    let mut present: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    present.sort();
    let mut expected: Vec<String> = covered.iter().map(ToString::to_string).collect();
    expected.sort();
    assert_eq!(present, expected);
}
