//! JobManager failover (high availability): the page's reload. What survives is the job, the
//! checkpoint counter and the retained checkpoints; the new leader recovers from the latest one.
mod common;
use common::*;
use flinkscope::sim::checkpoint::{CheckpointMetadata, SubtaskState};
use flinkscope::sim::event::{Command, Event};
use flinkscope::sim::failover::JobManagerState;
use flinkscope::sim::lifecycle::{ExecutionState, JobStatus};
use flinkscope::sim::{Sim, SimConfig, SimTime};

/// Saves what the page writes to IndexedDB at `at`: the JobManager state and the retained
/// checkpoints, as JSON text (a real round trip through the stored form).
fn saved_at(
    config: SimConfig,
    seed: u64,
    at: SimTime,
    commands: &[(SimTime, Command)],
) -> (String, Vec<String>) {
    let mut sim = Sim::new(config, seed).unwrap();
    for (when, command) in commands {
        sim.advance_to(*when);
        sim.handle(command.clone()).unwrap();
    }
    sim.advance_to(at);
    let state = serde_json::to_string(&sim.jobmanager_state()).unwrap();
    let checkpoints = sim
        .view()
        .retained_checkpoints()
        .iter()
        .map(|m| serde_json::to_string(m).unwrap())
        .collect();
    (state, checkpoints)
}

fn resume(state: &str, checkpoints: &[String]) -> (Sim, Vec<String>) {
    let state: JobManagerState = serde_json::from_str(state).unwrap();
    let records: Vec<CheckpointMetadata> = checkpoints
        .iter()
        .map(|c| serde_json::from_str(c).unwrap())
        .collect();
    Sim::resume(&state, records).unwrap()
}

/// A reload resumed from what was saved behaves exactly like the engine after a JobManager
/// failover at that instant: the same trace hash afterwards.
#[test]
fn resume_equals_in_engine_failover() {
    let kill = (secs(45), kill(2));
    let mut direct = Sim::new(SimConfig::default(), 7).unwrap();
    direct.advance_to(kill.0);
    direct.handle(kill.1.clone()).unwrap();
    direct.advance_to(secs(100));
    direct.handle(Command::FailOverJobManager).unwrap();
    direct.advance_to(secs(160));
    direct.handle(restart(2)).unwrap();
    direct.advance_to(secs(300));

    let (state, checkpoints) = saved_at(SimConfig::default(), 7, secs(100), &[kill]);
    let (mut resumed, skipped) = resume(&state, &checkpoints);
    assert!(skipped.is_empty(), "{skipped:?}");
    resumed.advance_to(secs(160));
    resumed.handle(restart(2)).unwrap();
    resumed.advance_to(secs(300));
    assert_eq!(resumed.view().trace_hash(), direct.view().trace_hash());
    assert_eq!(resumed.view().command_log(), direct.view().command_log());
}

/// After the failover: RUNNING, restored once from the latest checkpoint, ids continue, new
/// attempts start at #0, statistics start empty, a dead TaskManager stays dead.
#[test]
fn new_leader_restores_latest_and_continues_ids() {
    let (state_text, checkpoints) =
        saved_at(SimConfig::default(), 3, secs(100), &[(secs(20), kill(3))]);
    let state: JobManagerState = serde_json::from_str(&state_text).unwrap();
    let latest: CheckpointMetadata = serde_json::from_str(checkpoints.last().unwrap()).unwrap();
    let (mut sim, _) = resume(&state_text, &checkpoints);
    let view = sim.view();
    assert_eq!(view.coordinator().counts.restored, 1);
    assert_eq!(
        view.coordinator().latest_restored.as_ref().map(|r| r.id),
        Some(latest.checkpoint_id)
    );
    assert_eq!(
        view.coordinator().counts.completed,
        0,
        "statistics vanish with the JobManager"
    );
    assert!(view.tasks().iter().all(|t| t.attempt == 0));
    assert!(
        !view.task_managers()[2].is_alive(),
        "TaskManager 3 was killed before the failover"
    );
    let offsets: Vec<u64> = latest.operators[0]
        .subtasks
        .iter()
        .map(|s| match s.state {
            SubtaskState::Source { offset } => offset,
            _ => 0,
        })
        .collect();
    let sources: Vec<u64> = view.tasks()[..3].iter().map(|t| t.next_seq).collect();
    assert_eq!(
        sources, offsets,
        "sources rewind to the checkpoint's offsets"
    );
    let mut events = Vec::new();
    sim.advance_to(secs(160));
    sim.drain_events(&mut events);
    assert_eq!(sim.view().job_status(), JobStatus::Running);
    assert!(sim
        .view()
        .tasks()
        .iter()
        .all(|t| t.state == ExecutionState::Running));
    let first = events.iter().find_map(|e| match e.event {
        Event::CheckpointTriggered { checkpoint, .. } => Some(checkpoint.0),
        _ => None,
    });
    assert_eq!(
        first,
        Some(state.next_checkpoint_id),
        "the id counter survives"
    );
}

/// Invariants hold across a failover in the middle of a run with faults.
#[test]
fn invariants_hold_across_a_failover() {
    let commands = [
        (secs(30), kill(1)),
        (secs(70), Command::FailOverJobManager),
        (secs(90), restart(1)),
        (secs(130), Command::FailOverJobManager),
    ];
    let run = run_checked(SimConfig::default(), 12, secs(220), &commands);
    assert!(run.checker.restores >= 2);
    assert_eq!(run.sim.view().job_status(), JobStatus::Running);
    assert!(completed(&run).len() >= 5);
}

/// The in-engine failover (the swarm's and the page's command) replaces the JobManager, not the
/// observer: events not yet drained survive it and per-record events stay on, so the invariant
/// checker keeps checking exactly-once order against the reference after the new leader's
/// restore.
#[test]
fn in_engine_failover_keeps_the_observers_event_stream() {
    let mut sim = Sim::new(SimConfig::default(), 12).unwrap();
    sim.set_verbose(true);
    sim.advance_to(secs(30));
    sim.handle(Command::FailOverJobManager).unwrap();
    sim.advance_to(secs(60));
    let mut events = Vec::new();
    sim.drain_events(&mut events);
    assert!(events.windows(2).all(|w| w[0].time <= w[1].time));
    let restore = events
        .iter()
        .position(|e| matches!(e.event, Event::JobRestored { .. }))
        .expect("the new leader restores");
    let (before, after) = events.split_at(restore);
    let completed = |events: &[flinkscope::sim::event::TimedEvent]| {
        events
            .iter()
            .any(|e| matches!(e.event, Event::CheckpointCompleted { .. }))
    };
    let processed = |events: &[flinkscope::sim::event::TimedEvent]| {
        events
            .iter()
            .filter(|e| matches!(e.event, Event::RecordProcessed { .. }))
            .count()
    };
    assert!(
        completed(before) && processed(before) > 0,
        "undrained events from before the failover are kept"
    );
    assert!(
        processed(after) > 0,
        "per-record events stay on after the failover"
    );
    assert_eq!(sim.view().outbox_dropped(), 0);
}

/// Stored records that do not fit are reported and skipped, never a panic; a state that cannot
/// be read is an error.
#[test]
fn incompatible_records_are_skipped_with_a_reason() {
    let config = SimConfig {
        num_retained: 3,
        ..SimConfig::default()
    };
    let (state, checkpoints) = saved_at(config, 5, secs(100), &[]);
    let mut records: Vec<CheckpointMetadata> = checkpoints
        .iter()
        .map(|c| serde_json::from_str(c).unwrap())
        .collect();
    assert_eq!(records.len(), 3);
    records[0].job_id = "0123456789abcdef0123456789abcdef".to_string();
    if let SubtaskState::Keyed { entries, .. } = &mut records[1].operators[1].subtasks[2].state {
        entries[0].count = 7;
    }
    let texts: Vec<String> = records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap())
        .collect();
    let (sim, skipped) = resume(&state, &texts);
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped[0].contains("belongs to job"));
    assert!(skipped[1].contains("count 7"));
    assert_eq!(
        sim.view()
            .coordinator()
            .latest_restored
            .as_ref()
            .map(|r| r.id),
        Some(records[2].checkpoint_id)
    );

    let mut bad: JobManagerState = serde_json::from_str(&state).unwrap();
    bad.format_version = 99;
    assert!(Sim::resume(&bad, Vec::new())
        .unwrap_err()
        .0
        .contains("format version 99"));
    let mut bad: JobManagerState = serde_json::from_str(&state).unwrap();
    bad.config
        .insert("parallelism.default".into(), serde_json::json!(0));
    assert!(Sim::resume(&bad, Vec::new())
        .unwrap_err()
        .0
        .contains("parallelism.default"));
}
