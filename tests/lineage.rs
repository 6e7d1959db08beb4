//! A run started from a snapshot of an earlier run: the earlier run (its `from`) travels with it
//! in links, run files and the stored JobManager state, so a shared link, an exported file or a
//! page reload reproduces the restored job exactly.
use flinkscope::run::file::Predecessor;
use flinkscope::run::link::{decode, encode};
use flinkscope::run::RunScript;
use flinkscope::sim::checkpoint::SavepointFormatType;
use flinkscope::sim::event::Command;
use flinkscope::sim::failover::JobManagerState;
use flinkscope::sim::ids::{CheckpointId, TaskManagerId};
use flinkscope::sim::restore::{RecoveryClaimMode, RestoreSettings};
use flinkscope::sim::{Sim, SimConfig, SimTime};

/// The talk's job with a canonical savepoint at 25 s, run to 40 s.
fn earlier() -> RunScript {
    RunScript {
        seed: 4,
        config: SimConfig::default(),
        commands: vec![(
            SimTime::from_ms(25_000),
            Command::TriggerSavepoint {
                format: SavepointFormatType::Canonical,
            },
        )],
        until: SimTime::from_ms(40_000),
        from: None,
    }
}

fn savepoint_id(run: &RunScript) -> CheckpointId {
    let (sim, refusals) = run.run(|_| {});
    assert!(refusals.is_empty(), "{refusals:?}");
    sim.view().storage().savepoints()[0].checkpoint_id
}

/// The new job: parallelism 4 (a rescale from 3), TaskManager 2 killed at 30 s, run to 60 s.
fn restored(settings: RestoreSettings) -> RunScript {
    let earlier = earlier();
    let checkpoint = savepoint_id(&earlier);
    RunScript {
        seed: 4,
        config: SimConfig {
            parallelism: 4,
            ..SimConfig::default()
        },
        commands: vec![(
            SimTime::from_ms(30_000),
            Command::KillTaskManager {
                task_manager: TaskManagerId(2),
            },
        )],
        until: SimTime::from_ms(60_000),
        from: Some(Box::new(Predecessor {
            run: earlier,
            checkpoint,
            settings,
        })),
    }
}

#[test]
fn a_restored_run_starts_a_new_job_from_its_predecessors_snapshot() {
    let script = restored(RestoreSettings::default());
    let checkpoint = script.from.as_ref().unwrap().checkpoint;
    let (earlier_sim, _) = script.from.as_ref().unwrap().run.run(|_| {});
    let (sim, refusals) = script.try_run(|_| {}).expect("the restore is accepted");
    assert!(refusals.is_empty(), "{refusals:?}");
    let view = sim.view();
    assert_ne!(view.job_id(), earlier_sim.view().job_id(), "a new job id");
    let from = view.restored_from().expect("started from the savepoint");
    assert_eq!(from.checkpoint, checkpoint);
    assert!(from.savepoint);
    assert_eq!(from.job_id, earlier_sim.view().job_id());
    assert_eq!(from.rescaled, Some((3, 4)));
    let first = view
        .storage()
        .retained()
        .iter()
        .map(|m| m.checkpoint_id)
        .find(|id| *id != checkpoint)
        .expect("the new job completed checkpoints of its own");
    assert!(
        first > checkpoint,
        "ids continue after the snapshot's: {first:?}"
    );
}

#[test]
fn a_restored_run_round_trips_through_its_link_and_its_file() {
    let script = restored(RestoreSettings {
        claim_mode: RecoveryClaimMode::Claim,
        allow_non_restored_state: true,
    });
    let direct = script.run(|_| {}).0.view().trace_hash();

    let query = encode(
        script.seed,
        &script.config,
        &script.commands,
        Some(script.until),
        1_000,
        script.from.as_deref(),
    );
    assert!(query.contains("from="), "{query}");
    let shared = decode(&query);
    assert!(shared.problems.is_empty(), "{:?}", shared.problems);
    assert_eq!(
        shared.from, script.from,
        "the predecessor survives the link"
    );
    let mut machine = shared.machine().expect("the linked run starts");
    machine.advance(script.until, u64::MAX);
    assert_eq!(
        machine.sim().view().trace_hash(),
        direct,
        "the link replays the same trace"
    );

    let text = script.to_json();
    let read = RunScript::from_json(&text).expect("the exported file reads back");
    assert_eq!(read, script);
    assert_eq!(
        read.run(|_| {}).0.view().trace_hash(),
        direct,
        "the file replays the same trace"
    );
}

#[test]
fn lineage_is_bounded_and_its_faults_are_reported() {
    // Five generations of restores: one more than a run file may hold.
    let mut script = earlier();
    for _ in 0..5 {
        let checkpoint = CheckpointId(1);
        script = RunScript {
            from: Some(Box::new(Predecessor {
                run: script,
                checkpoint,
                settings: RestoreSettings::default(),
            })),
            ..earlier()
        };
    }
    let error = RunScript::from_json(&script.to_json()).unwrap_err();
    assert!(error.0.contains("more than 4 generations"), "{}", error.0);

    // A snapshot the earlier run does not hold.
    let mut missing = restored(RestoreSettings::default());
    missing.from.as_mut().unwrap().checkpoint = CheckpointId(99);
    let error = missing.start().unwrap_err();
    assert!(
        error.contains("holds no retained checkpoint or savepoint 99"),
        "{error}"
    );

    // Restore settings belong to the predecessor, not to the top of a link.
    let shared = decode("seed=1&cp=3&claim=1");
    assert!(
        shared
            .problems
            .iter()
            .any(|p| p.contains("belongs inside from=")),
        "{:?}",
        shared.problems
    );
    assert!(shared.from.is_none());
}

/// What the page stores for a restored job (through `serde_json::Value`, as the page reads its
/// records) keeps the snapshot it started from, and a new JobManager resumes it with it.
#[test]
fn a_stored_restored_job_resumes_with_its_snapshot() {
    let script = restored(RestoreSettings::default());
    let mut sim = script.start().expect("the restore is accepted");
    // Before the new job's first checkpoint: the savepoint is all it can recover from.
    sim.advance_to(SimTime::from_ms(3_000));
    let state = sim.jobmanager_state();
    let value = serde_json::to_value(&state).unwrap();
    let read: JobManagerState = serde_json::from_value(value).unwrap();
    assert_eq!(read.restored_from, state.restored_from);
    assert!(read.restored_from.is_some());
    let stored: Vec<_> = sim.view().retained_checkpoints().to_vec();
    assert!(
        stored
            .iter()
            .any(|m| Some(m.checkpoint_id) == read.restored_from.as_ref().map(|r| r.checkpoint)),
        "the restored savepoint is among the job's completed checkpoints"
    );
    let (mut resumed, skipped) = Sim::resume(&read, stored).expect("resumes");
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(
        resumed.view().restored_from().map(|r| r.checkpoint),
        read.restored_from.as_ref().map(|r| r.checkpoint)
    );
    resumed.advance_to(SimTime::from_ms(40_000));
    assert!(
        resumed.view().restored_from().is_some(),
        "still knows where it came from"
    );
    // A damaged restored_from is a reported error, not a panic.
    let mut value = serde_json::to_value(&state).unwrap();
    value["restored_from"]["rescaled"] = serde_json::json!([3]);
    let error = serde_json::from_value::<JobManagerState>(value).unwrap_err();
    assert!(
        error.to_string().contains("restored_from.rescaled"),
        "{error}"
    );
}
