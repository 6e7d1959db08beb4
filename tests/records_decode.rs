//! Stored records and run files are read with serde's derived readers. Every document the
//! engine writes — including unaligned checkpoints with in-flight records, barriers and alarms,
//! and a command log with every kind of command — reads back as the value written, and
//! thousands of corrupted variants of them (what a truncated write, another build or a hand edit
//! leaves) are rejected with a reason or read as a value that passes the same checks; none
//! panics.
mod common;
use common::*;
use flinkscope::app::records::{decode_checkpoint, decode_job, StoredCheckpoint, StoredJob};
use flinkscope::run::{RunFile, RunScript};
use flinkscope::sim::channel::Element;
use flinkscope::sim::checkpoint::{CheckpointMetadata, SubtaskState};
use flinkscope::sim::event::Command;
use flinkscope::sim::failover::JobManagerState;
use flinkscope::sim::ids::VertexIndex;
use flinkscope::sim::{Sim, SimConfig, SimTime};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Debug;

/// Runs a scenario and returns its run file, its JobManager state and its retained checkpoints.
fn scenario(
    config: SimConfig,
    seed: u64,
    commands: &[(SimTime, Command)],
    until: SimTime,
) -> (RunFile, JobManagerState, Vec<CheckpointMetadata>) {
    let mut sim = Sim::new(config.clone(), seed).unwrap();
    for (at, command) in commands {
        sim.advance_to(*at);
        sim.handle(command.clone()).unwrap();
    }
    sim.advance_to(until);
    let script = RunScript {
        seed,
        config,
        commands: commands.to_vec(),
        until,
        from: None,
    };
    let retained = sim.view().retained_checkpoints().to_vec();
    (script.to_file(), sim.jobmanager_state(), retained)
}

/// Every kind of document, from two runs: the study job with every command kind, and an
/// unchained, back-pressured job with unaligned checkpoints (in-flight records and alarms).
fn documents() -> Vec<(&'static str, Value)> {
    let every_command = vec![
        (secs(12), Command::TriggerCheckpoint),
        (
            secs(15),
            Command::SlowDownSubtask {
                vertex: VertexIndex(1),
                subtask: 2,
                factor: 3,
            },
        ),
        (secs(25), kill(2)),
        (secs(40), restart(2)),
        (
            secs(50),
            Command::FailTask {
                vertex: VertexIndex(1),
                subtask: 0,
            },
        ),
        (
            secs(60),
            Command::SetCheckpointStorageFailing { failing: true },
        ),
        (
            secs(70),
            Command::SetCheckpointStorageFailing { failing: false },
        ),
        (secs(80), Command::FailOverJobManager),
    ];
    let (file, state, retained) = scenario(SimConfig::default(), 7, &every_command, secs(100));
    // The back-pressured unaligned job, unchained so alarms travel on channels too.
    let (mut unaligned, slow) = backpressured(true);
    unaligned.chaining = false;
    let (_, _, backpressured) = scenario(unaligned, 4, &slow, secs(60));
    let in_flight = backpressured
        .iter()
        .rev()
        .find(|m| {
            m.operators
                .iter()
                .any(|o| o.subtasks.iter().any(|s| !s.channel_state.is_empty()))
        })
        .expect("an unaligned checkpoint persisted in-flight data")
        .clone();
    assert!(retained.iter().any(|m| m.operators.iter().any(|o| o
        .subtasks
        .iter()
        .any(|s| matches!(s.state, SubtaskState::Keyed { .. })))));
    fn value<T: serde::Serialize>(document: &T) -> Value {
        serde_json::to_value(document).unwrap()
    }
    let mut documents = vec![
        ("run file", value(&file)),
        ("job record", value(&StoredJob::new(state.clone(), 5))),
        ("checkpoint", value(retained.last().unwrap())),
        (
            "checkpoint record",
            value(&StoredCheckpoint::new(retained[0].clone(), 9)),
        ),
        ("unaligned checkpoint", shortened(value(&in_flight))),
    ];
    // Small hand-made documents that reach every variant directly.
    documents.push(("unit variants", json!(["stateless", { "stateless": null }])));
    documents.push((
        "elements",
        json!([
            { "record": { "seq": 4, "key": 1, "abnormal": true } },
            { "alarm": { "key": 2, "count": 3, "seq": 9 } },
            { "barrier": { "checkpoint": 7, "unaligned": true } },
        ]),
    ));
    documents
}

/// The same checkpoint with at most 4 in-flight elements per channel: corrupting every element
/// of thousands would only repeat the same cases, slowly.
fn shortened(mut checkpoint: Value) -> Value {
    for operator in checkpoint["operators"].as_array_mut().unwrap() {
        for subtask in operator["subtasks"].as_array_mut().unwrap() {
            for channel in subtask["channel_state"].as_array_mut().unwrap() {
                channel["elements"].as_array_mut().unwrap().truncate(4);
            }
        }
    }
    checkpoint
}

/// Reads `value` as a `T`; a value read must write back to what was read (nothing is lost).
fn reads<T: DeserializeOwned + Serialize + PartialEq + Debug>(value: &Value) -> bool {
    match T::deserialize(value) {
        Ok(read) => {
            let again: T = serde_json::from_value(serde_json::to_value(&read).unwrap()).unwrap();
            assert_eq!(again, read, "a document read does not write back the same");
            true
        }
        Err(_) => false,
    }
}

/// Reads `value` as every record type it could be, through the decoders the page and the
/// runner use (records are checked against their key and their content's own rules).
fn read_all(kind: &str, value: &Value) -> bool {
    let text = value.to_string();
    match kind {
        "run file" => {
            let file = reads::<RunFile>(value);
            file && RunScript::from_json(&text).is_ok()
        }
        "job record" => {
            let job_id = value["job_id"].as_str().unwrap_or("none");
            let whole = decode_job(job_id, &text).is_ok();
            let state = value.get("state").is_some_and(reads::<JobManagerState>);
            whole || state
        }
        "checkpoint" | "unaligned checkpoint" => {
            let read = reads::<CheckpointMetadata>(value);
            read && CheckpointMetadata::deserialize(value)
                .unwrap()
                .check()
                .is_ok()
        }
        "checkpoint record" => {
            let key = format!(
                "{}/chk-{}",
                value["job_id"].as_str().unwrap_or("none"),
                value["checkpoint_id"]
            );
            decode_checkpoint(&key, &text).is_ok()
        }
        "unit variants" => reads::<Vec<SubtaskState>>(value),
        "elements" => reads::<Vec<Element>>(value),
        other => panic!("unknown kind {other}"),
    }
}

/// Paths to every node of `value` (object keys and array indices), breadth first.
fn paths(value: &Value) -> Vec<Vec<Step>> {
    let mut all = vec![vec![]];
    let mut index = 0;
    while index < all.len() {
        let path = all[index].clone();
        match node(value, &path) {
            Value::Object(map) => {
                for key in map.keys() {
                    let mut next = path.clone();
                    next.push(Step::Key(key.clone()));
                    all.push(next);
                }
            }
            Value::Array(items) => {
                for i in 0..items.len() {
                    let mut next = path.clone();
                    next.push(Step::Index(i));
                    all.push(next);
                }
            }
            _ => {}
        }
        index += 1;
    }
    all
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn node<'a>(value: &'a Value, path: &[Step]) -> &'a Value {
    path.iter().fold(value, |v, step| match step {
        Step::Key(k) => &v[k.as_str()],
        Step::Index(i) => &v[*i],
    })
}

fn node_mut<'a>(value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(value, |v, step| match step {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// The corruptions applied at a node: what a truncated write, an older or newer build, or a
/// hand-edited file could leave there.
fn corrupted(value: &Value, path: &[Step]) -> Vec<Value> {
    let replacements = [
        Value::Null,
        json!("x"),
        json!(-1),
        json!(1.5),
        json!(4_294_967_296u64),
        json!(65_536),
        json!(256),
        json!(true),
        json!([]),
        json!({}),
        json!({ "unknown_variant": {} }),
        json!("unknown_variant"),
    ];
    let mut out: Vec<Value> = replacements
        .iter()
        .map(|r| {
            let mut copy = value.clone();
            *node_mut(&mut copy, path) = r.clone();
            copy
        })
        .collect();
    // A missing field.
    if let Some((Step::Key(last), parent)) = path.split_last() {
        let mut copy = value.clone();
        if let Value::Object(map) = node_mut(&mut copy, parent) {
            map.remove(last);
        }
        out.push(copy);
        // An unknown extra field next to it (ignored by both).
        let mut copy = value.clone();
        if let Value::Object(map) = node_mut(&mut copy, parent) {
            map.insert("added_by_a_newer_build".to_string(), json!(1));
        }
        out.push(copy);
    }
    out
}

#[test]
fn written_documents_read_back() {
    for (kind, value) in documents() {
        assert!(read_all(kind, &value), "{kind} did not read");
    }
}

#[test]
fn corrupted_documents_are_rejected_or_read_whole() {
    let (mut rejected, mut read) = (0, 0);
    for (kind, value) in documents() {
        let all = paths(&value);
        // Every node of the small documents; an even spread over the large ones.
        let stride = (all.len() / 250).max(1);
        for path in all.iter().step_by(stride) {
            for variant in corrupted(&value, path) {
                if read_all(kind, &variant) {
                    read += 1;
                } else {
                    rejected += 1;
                }
            }
        }
    }
    println!("corrupted documents: {rejected} rejected, {read} read whole");
    assert!(rejected > 5_000 && read > 500, "{rejected} / {read}");
}

#[test]
fn errors_say_what_is_wrong() {
    let (_, state, _) = scenario(SimConfig::default(), 3, &[], secs(30));
    let mut value = serde_json::to_value(StoredJob::new(state, 1)).unwrap();
    let key = value["job_id"].as_str().unwrap().to_string();
    value["state"]["task_managers"][1]["incarnation"] = json!(70_000);
    let error = decode_job(&key, &value.to_string()).unwrap_err().reason;
    assert!(error.contains("70000") && error.contains("u16"), "{error}");
    value["state"]["commands"] = json!([{ "at_us": 1, "command": "self_destruct" }]);
    value["state"]["task_managers"][1]["incarnation"] = json!(1);
    let error = decode_job(&key, &value.to_string()).unwrap_err().reason;
    assert!(error.contains("unknown variant `self_destruct`"), "{error}");
    value["state"]["commands"] = json!([]);
    value["state"].as_object_mut().unwrap().remove("seed");
    let error = decode_job(&key, &value.to_string()).unwrap_err().reason;
    assert!(error.contains("missing field `seed`"), "{error}");
}

/// A damaged field deep inside a stored checkpoint is named with the fields around it.
#[test]
fn a_checkpoint_error_names_the_path_to_the_damaged_field() {
    let (_, _, retained) = scenario(SimConfig::default(), 3, &[], secs(30));
    let record = StoredCheckpoint::new(retained[0].clone(), 1);
    let mut value = serde_json::to_value(&record).unwrap();
    let key = format!(
        "{}/chk-{}",
        value["job_id"].as_str().unwrap(),
        value["checkpoint_id"]
    );
    let text = value.to_string();
    assert!(
        decode_checkpoint(&key, &text).is_ok(),
        "the record reads whole"
    );
    let source = &mut value["metadata"]["operators"][0]["subtasks"][0]["state"]["source"];
    source.as_object_mut().unwrap().remove("offset");
    let reason = decode_checkpoint(&key, &value.to_string())
        .unwrap_err()
        .reason;
    assert!(
        reason.contains("operators: subtasks: state: missing field `offset`"),
        "{reason}"
    );
}
