//! The headless runner, as a user calls it.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::{Command, Output};

fn flinkscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flinkscope"))
        .args(args)
        .output()
        .expect("the runner starts")
}

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flinkscope-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn trace_hash(stdout: &[u8]) -> String {
    let text = String::from_utf8_lossy(stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("trace-hash: "))
        .expect("a trace-hash line")
        .to_string()
}

/// `keygroup` prints key, Java hashCode, key group and subtask, as FLINK.md's table.
#[test]
fn keygroup_matches_flink() {
    let output = flinkscope(&[
        "keygroup",
        "--parallelism",
        "3",
        "--max-parallelism",
        "128",
        "user1",
        "user2",
        "user10",
    ]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        text,
        "user1\t111578566\t93\t2\nuser2\t111578567\t2\t0\nuser10\t-836031702\t59\t1\n"
    );
}

/// A run writes the sink, the logs, the REST JSON and the checkpoint folder, and its exported
/// run file replays to the same trace hash.
#[test]
fn run_writes_outputs_and_replays() {
    let dir = out_dir("run");
    let run_file = dir.with_extension("json");
    let out = dir.to_str().unwrap();
    let output = flinkscope(&[
        "run",
        "--seed",
        "4",
        "--until",
        "2m",
        "--out",
        out,
        "--kill-tm",
        "2@45s",
        "--export",
        run_file.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let hash = trace_hash(&output.stdout);
    let jobmanager = std::fs::read_to_string(dir.join("jobmanager.log")).unwrap();
    assert!(jobmanager.contains("switched from state RUNNING to RESTARTING."));
    assert!(jobmanager.contains("Restoring job "));
    assert!(jobmanager.contains("Completed checkpoint 1 for job "));
    let overview = std::fs::read_to_string(dir.join("rest/overview.json")).unwrap();
    assert!(
        overview.contains("\"flink-version\":\"2.3.0\""),
        "{overview}"
    );
    let jobs = std::fs::read_dir(dir.join("checkpoints")).unwrap().count();
    assert_eq!(jobs, 1, "one job folder");
    let job_dir = std::fs::read_dir(dir.join("checkpoints"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let chk: Vec<String> = std::fs::read_dir(&job_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(chk.contains(&"shared".to_string()) && chk.contains(&"taskowned".to_string()));
    assert_eq!(
        chk.iter().filter(|n| n.starts_with("chk-")).count(),
        1,
        "num-retained 1 keeps one chk-N: {chk:?}"
    );
    let replay = flinkscope(&["run", "--replay", run_file.to_str().unwrap(), "--out", out]);
    assert!(replay.status.success());
    assert_eq!(
        trace_hash(&replay.stdout),
        hash,
        "the exported run replays exactly"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&run_file);
}

/// Invalid input names the field, the value and what is allowed, with exit status 2.
#[test]
fn invalid_input_exits_with_status_two() {
    let dir = out_dir("bad");
    let out = dir.to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "run",
                "--seed",
                "1",
                "--until",
                "1m",
                "--out",
                out,
                "--set",
                "parallelism.default=0",
            ],
            "parallelism.default: 0 is not allowed; allowed: 1 ..= 128",
        ),
        (
            &[
                "run",
                "--seed",
                "1",
                "--until",
                "1m",
                "--out",
                out,
                "--set",
                "execution.checkpointing.interval=soon",
            ],
            "execution.checkpointing.interval: 'soon'",
        ),
        (
            &["run", "--seed", "x", "--until", "1m", "--out", out],
            "'--seed <N>': seed 'x' is not a whole number",
        ),
        (
            &[
                "run",
                "--seed",
                "1",
                "--until",
                "1m",
                "--out",
                out,
                "--kill-tm",
                "0@5s",
            ],
            "TaskManagers are numbered from 1",
        ),
        (
            &["keygroup", "--parallelism", "0", "user1"],
            "--parallelism: 0 is not allowed",
        ),
    ];
    for (args, expected) in cases {
        let output = flinkscope(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let config = dir.with_extension("json");
    std::fs::write(&config, "{\"execution.checkpointing.unaligned.enabled\": true, \"execution.checkpointing.mode\": \"AT_LEAST_ONCE\"}").unwrap();
    let output = flinkscope(&[
        "run",
        "--seed",
        "1",
        "--until",
        "1m",
        "--out",
        out,
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("EXACTLY_ONCE"));
    let _ = std::fs::remove_file(&config);
}

/// `--` ends the options: a key may start with a dash. Every command has its own --help.
#[test]
fn double_dash_ends_options_and_commands_have_help() {
    let output = flinkscope(&[
        "keygroup",
        "--parallelism",
        "3",
        "--max-parallelism",
        "128",
        "--",
        "user1",
        "--",
        "-x",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let keys: Vec<&str> = text
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(keys, ["user1", "--", "-x"]);
    for command in ["run", "keygroup", "config", "bench"] {
        let help = flinkscope(&[command, "--help"]);
        assert!(help.status.success());
        let text = String::from_utf8(help.stdout).unwrap();
        assert!(
            text.contains(&format!("Usage: flinkscope {command}")),
            "{text}"
        );
    }
    let run_help = String::from_utf8(flinkscope(&["help", "run"]).stdout).unwrap();
    assert!(
        run_help.contains("kN@T"),
        "the command syntax is documented: {run_help}"
    );
}

/// The command syntax of links and run files (`-c k2@45s`) and the earlier flags
/// (`--kill-tm 2@45s`) give the same run.
#[test]
fn commands_read_in_the_one_syntax_and_the_earlier_flags_alike() {
    let dir = out_dir("syntax");
    let out = dir.to_str().unwrap();
    let new = flinkscope(&[
        "run",
        "--seed",
        "5",
        "--until",
        "100s",
        "--out",
        out,
        "-c",
        "k2@30s,s1.2x10@20s",
        "--command",
        "x1@40s",
        "-c",
        "f0.1@50s",
        "-c",
        "x0@60s",
    ]);
    assert!(
        new.status.success(),
        "{}",
        String::from_utf8_lossy(&new.stderr)
    );
    let old = flinkscope(&[
        "run",
        "--seed",
        "5",
        "--until",
        "100s",
        "--out",
        out,
        "--slow",
        "1/2@20s*10",
        "--kill-tm",
        "2@30s",
        "--storage-fail",
        "40s",
        "--fail-task",
        "0/1@50s",
        "--storage-ok",
        "60s",
    ]);
    assert!(
        old.status.success(),
        "{}",
        String::from_utf8_lossy(&old.stderr)
    );
    assert_eq!(trace_hash(&new.stdout), trace_hash(&old.stdout));
    let bad = flinkscope(&[
        "run", "--seed", "5", "--until", "1m", "--out", out, "-c", "z@1s",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("'z' is not a command code"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--set state.backend.type=rocksdb …`: `shared/` holds the files the registry keeps (the
/// deleted ones really gone) and the REST JSON carries both sizes.
#[test]
fn rocksdb_incremental_run_writes_shared_files_as_the_registry_keeps_them() {
    let dir = out_dir("rocksdb");
    let out = dir.to_str().unwrap();
    let output = flinkscope(&[
        "run",
        "--seed",
        "3",
        "--until",
        "2m",
        "--out",
        out,
        "--set",
        "state.backend.type=rocksdb",
        "--set",
        "execution.checkpointing.incremental=true",
        "--set",
        "simulation.state.keys=100000",
        "--set",
        "simulation.state.bytes-per-key=100",
        "--set",
        "simulation.source.interval=5ms",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let checkpoints = dir.join("checkpoints");
    let job = std::fs::read_dir(&checkpoints)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let shared: Vec<String> = std::fs::read_dir(job.join("shared"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!shared.is_empty(), "incremental RocksDB files in shared/");
    let chk: Vec<PathBuf> = std::fs::read_dir(&job)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("chk-"))
        .collect();
    assert_eq!(chk.len(), 1, "num-retained 1: {chk:?}");
    let metadata = std::fs::read_to_string(chk[0].join("_metadata")).unwrap();
    for name in &shared {
        assert!(
            metadata.contains(name.as_str()),
            "{name} is referred to by the retained checkpoint"
        );
    }
    let referenced = metadata.matches("/shared/").count();
    assert!(referenced >= shared.len());
    let rest = std::fs::read_to_string(
        std::fs::read_dir(dir.join("rest").join("jobs"))
            .unwrap()
            .find(|e| e.as_ref().unwrap().path().is_dir())
            .unwrap()
            .unwrap()
            .path()
            .join("checkpoints.json"),
    )
    .unwrap();
    let value: serde_json::Value = serde_json::from_str(&rest).unwrap();
    let latest = &value["latest"]["completed"];
    let (checkpointed, full) = (
        latest["checkpointed_size"].as_i64().unwrap(),
        latest["state_size"].as_i64().unwrap(),
    );
    assert!(
        checkpointed < full,
        "an incremental checkpoint: {checkpointed} < {full}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn savepoint_flags_write_savepoint_folders_and_stop_finishes_the_job() {
    let dir = out_dir("savepoints");
    let out = dir.to_str().unwrap();
    let output = flinkscope(&[
        "run",
        "--seed",
        "1",
        "--until",
        "90s",
        "--out",
        out,
        "--savepoint",
        "25s",
        "--savepoint-type",
        "native",
        "--stop-with-savepoint",
        "60s",
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains(") is FINISHED at"), "{stdout}");
    assert!(stdout.contains("latest savepoint: 7 "), "{stdout}");
    let mut savepoints: Vec<PathBuf> = std::fs::read_dir(dir.join("savepoints"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    savepoints.sort();
    assert_eq!(savepoints.len(), 2, "{savepoints:?}");
    let mut types = Vec::new();
    for savepoint in &savepoints {
        let name = savepoint
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(name.starts_with("savepoint-") && name.len() == 29, "{name}");
        let metadata = std::fs::read_to_string(savepoint.join("_metadata")).unwrap();
        let value: serde_json::Value = serde_json::from_str(&metadata).unwrap();
        types.push(value["checkpoint_type"].as_str().unwrap().to_string());
    }
    types.sort();
    assert_eq!(types, ["SAVEPOINT", "SYNC_SAVEPOINT"]);
    // A finished job's checkpoints are deleted; its savepoints stay.
    let job = std::fs::read_dir(dir.join("checkpoints"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(!std::fs::read_dir(&job).unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with("chk-")));
    let rest = std::fs::read_to_string(
        dir.join("rest/jobs")
            .join(job.file_name().unwrap())
            .join("checkpoints.json"),
    )
    .unwrap();
    let value: serde_json::Value = serde_json::from_str(&rest).unwrap();
    let latest = &value["latest"]["savepoint"];
    assert_eq!(latest["is_savepoint"], true);
    assert_eq!(latest["checkpoint_type"], "SYNC_SAVEPOINT");
    assert_eq!(latest["savepointFormat"], "NATIVE");
    let history = value["history"].as_array().unwrap();
    assert!(history
        .iter()
        .any(|c| c["checkpoint_type"] == "SAVEPOINT" && c["savepointFormat"] == "NATIVE"));
}

#[test]
fn restore_from_a_savepoint_folder_starts_a_new_rescaled_job_or_says_why_not() {
    let first = out_dir("restore-first");
    let output = flinkscope(&[
        "run",
        "--seed",
        "2",
        "--until",
        "40s",
        "--out",
        first.to_str().unwrap(),
        "--savepoint",
        "25s",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let savepoint = std::fs::read_dir(first.join("savepoints"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let old_job = std::fs::read_dir(first.join("checkpoints"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name();
    let metadata: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(savepoint.join("_metadata")).unwrap())
            .unwrap();
    let id = metadata["checkpoint_id"].as_u64().unwrap();

    let second = out_dir("restore-second");
    let output = flinkscope(&[
        "run",
        "--seed",
        "2",
        "--until",
        "30s",
        "--out",
        second.to_str().unwrap(),
        "--restore-from",
        savepoint.to_str().unwrap(),
        "--set",
        "parallelism.default=4",
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(&format!("started from savepoint chk-{id} of job "))
            && stdout.contains("(NO_CLAIM)"),
        "{stdout}"
    );
    assert!(stdout.contains("rescaled: parallelism 3 -> 4"), "{stdout}");
    let jobs: Vec<_> = std::fs::read_dir(second.join("checkpoints"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(!jobs.contains(&old_job), "a new job id: {jobs:?}");
    let log = std::fs::read_to_string(second.join("jobmanager.log")).unwrap_or_default();
    assert!(
        log.contains(&format!("to {}.", id + 1)) && log.contains("from savepoint"),
        "the JobManager log says where the job started and where its ids continue"
    );

    // Flink's refusal, as a usage error (exit status 2).
    let refused = out_dir("restore-refused");
    let output = flinkscope(&[
        "run",
        "--seed",
        "2",
        "--until",
        "10s",
        "--out",
        refused.to_str().unwrap(),
        "--restore-from",
        savepoint.join("_metadata").to_str().unwrap(),
        "--set",
        "pipeline.max-parallelism=256",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "Max parallelism mismatch between checkpoint/savepoint state and new program"
        ),
        "{stderr}"
    );
    let output = flinkscope(&[
        "run",
        "--seed",
        "2",
        "--until",
        "10s",
        "--out",
        refused.to_str().unwrap(),
        "--restore-from",
        "/nonexistent",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read /nonexistent"));
}

/// A run file whose `from` names an earlier run and its savepoint replays as the restored job
/// (the page's export of a job started from a snapshot), and a broken `from` is a usage error.
#[test]
fn replay_of_a_run_file_with_from_starts_the_restored_job() {
    use flinkscope::run::file::Predecessor;
    use flinkscope::run::RunScript;
    use flinkscope::sim::checkpoint::SavepointFormatType;
    use flinkscope::sim::event::Command as SimCommand;
    use flinkscope::sim::restore::RestoreSettings;
    use flinkscope::sim::{SimConfig, SimTime};
    let earlier = RunScript {
        seed: 2,
        config: SimConfig::default(),
        commands: vec![(
            SimTime::from_ms(25_000),
            SimCommand::TriggerSavepoint {
                format: SavepointFormatType::Canonical,
            },
        )],
        until: SimTime::from_ms(40_000),
        from: None,
    };
    let (earlier_sim, _) = earlier.run(|_| {});
    let savepoint = earlier_sim.view().storage().savepoints()[0].checkpoint_id;
    let mut script = RunScript {
        seed: 2,
        config: SimConfig {
            parallelism: 4,
            ..SimConfig::default()
        },
        commands: Vec::new(),
        until: SimTime::from_ms(30_000),
        from: Some(Box::new(Predecessor {
            run: earlier,
            checkpoint: savepoint,
            settings: RestoreSettings::default(),
        })),
    };
    let expected = script.run(|_| {}).0.view().trace_hash();
    let dir = out_dir("replay-from");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("restored.json");
    std::fs::write(&file, script.to_json()).unwrap();
    let out = dir.join("out");
    let output = flinkscope(&[
        "run",
        "--replay",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "started from savepoint chk-{} of job ",
            savepoint.0
        )),
        "{stdout}"
    );
    assert!(stdout.contains("rescaled: parallelism 3 -> 4"), "{stdout}");
    assert_eq!(trace_hash(&output.stdout), format!("{expected:016x}"));

    // A snapshot the earlier run never took.
    script.from.as_mut().unwrap().checkpoint.0 = 99;
    std::fs::write(&file, script.to_json()).unwrap();
    let output = flinkscope(&[
        "run",
        "--replay",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("holds no retained checkpoint or savepoint 99"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every run writes its run file as `run.json`; a job restored from a snapshot in such a folder
/// exports with its lineage, and the exported file replays the restored job exactly (the same
/// trace hash). Without the earlier run's file, `--export` says why it cannot.
#[test]
fn restore_from_exports_the_restored_run_with_its_lineage() {
    let first = out_dir("lineage-first");
    let output = flinkscope(&[
        "run",
        "--seed",
        "2",
        "--until",
        "40s",
        "--out",
        first.to_str().unwrap(),
        "--savepoint",
        "25s",
    ]);
    assert!(output.status.success());
    assert!(first.join("run.json").is_file(), "the run file is written");
    let savepoint = std::fs::read_dir(first.join("savepoints"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let second = out_dir("lineage-second");
    let exported = second.with_extension("json");
    let output = flinkscope(&[
        "run",
        "--seed",
        "2",
        "--until",
        "30s",
        "--out",
        second.to_str().unwrap(),
        "--restore-from",
        savepoint.to_str().unwrap(),
        "--set",
        "parallelism.default=4",
        "--export",
        exported.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let restored = trace_hash(&output.stdout);
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    assert_eq!(
        file["from"]["run"]["seed"], 2,
        "the earlier run travels along"
    );
    assert_eq!(
        std::fs::read_to_string(&exported).unwrap(),
        std::fs::read_to_string(second.join("run.json")).unwrap(),
        "the folder's run file is the exported one"
    );
    let replayed = out_dir("lineage-replayed");
    let output = flinkscope(&[
        "run",
        "--replay",
        exported.to_str().unwrap(),
        "--out",
        replayed.to_str().unwrap(),
    ]);
    assert!(output.status.success());
    assert_eq!(
        trace_hash(&output.stdout),
        restored,
        "the same restored job"
    );

    std::fs::remove_file(first.join("run.json")).unwrap();
    let output = flinkscope(&[
        "run",
        "--seed",
        "2",
        "--until",
        "30s",
        "--out",
        out_dir("lineage-unknown").to_str().unwrap(),
        "--restore-from",
        savepoint.to_str().unwrap(),
        "--export",
        exported.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("the snapshot's run is unknown"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The two-phase-commit sink's outputs: what a `read_committed` consumer sees, everything
/// written with its transaction and fate, and the upsert sink's table; the summary names
/// duplicates and losses.
#[test]
fn sinks_write_committed_uncommitted_and_table_files() {
    let dir = out_dir("sinks");
    let out = dir.to_str().unwrap();
    let args = |sink: &'static str| {
        vec![
            "run",
            "--seed",
            "21",
            "--until",
            "3m",
            "--out",
            out,
            "--set",
            "simulation.source.interval=500ms",
            "--set",
            sink,
            "-c",
            "k2@95s",
        ]
    };
    let output = flinkscope(&args("simulation.sink=two-phase-commit"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary = stdout
        .lines()
        .find(|l| l.starts_with("two-phase-commit sink:"))
        .expect("a sink summary line");
    assert!(summary.contains(" 0 duplicates, 0 missing"), "{summary}");
    let committed = std::fs::read_to_string(dir.join("sink.committed")).unwrap();
    let uncommitted = std::fs::read_to_string(dir.join("sink.uncommitted")).unwrap();
    let committed_lines: Vec<&str> = committed.lines().collect();
    assert!(!committed_lines.is_empty());
    assert!(committed_lines.iter().all(|l| l.contains("> ALARM user=")));
    let unique: std::collections::BTreeSet<&str> = committed_lines.iter().copied().collect();
    assert_eq!(
        unique.len(),
        committed_lines.len(),
        "no duplicate for read_committed"
    );
    // Every committed line is among the written ones with fate=committed, and the failure
    // aborted some written lines (replayed later).
    let fated = |fate: &str| {
        uncommitted
            .lines()
            .filter(|l| l.contains(&format!("fate={fate}")))
            .count()
    };
    assert_eq!(fated("committed"), committed_lines.len());
    assert!(fated("aborted") > 0, "{uncommitted}");
    assert!(uncommitted
        .lines()
        .all(|l| l.contains(" transaction=abnormal-alarms-")));
    assert!(std::fs::read_to_string(dir.join("sink.out"))
        .unwrap()
        .is_empty());
    let log: String = (1..=3)
        .filter_map(|n| std::fs::read_to_string(dir.join(format!("taskmanager-{n}.log"))).ok())
        .collect();
    assert!(log
        .contains("Aborting lingering transactions with prefixes [abnormal-alarms] using PROBING"));
    assert!(log.contains("Committing Kafka transaction abnormal-alarms-"));

    let output = flinkscope(&args("simulation.sink=idempotent-upsert"));
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary = stdout
        .lines()
        .find(|l| l.starts_with("idempotent-upsert sink:"))
        .expect("a sink summary line");
    assert!(
        summary.contains("duplicates overwritten, 0 missing"),
        "{summary}"
    );
    let table = std::fs::read_to_string(dir.join("sink.table")).unwrap();
    assert!(!table.is_empty());
    assert!(
        !dir.join("sink.committed").exists(),
        "a stale file from the previous run stays"
    );

    let output = flinkscope(&[
        "run",
        "--until",
        "10s",
        "--out",
        out,
        "--set",
        "simulation.sink=exactly-once",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("simulation.sink"));
    let _ = std::fs::remove_dir_all(&dir);
}
