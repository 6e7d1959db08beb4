//! TaskManager 2 fails; the job recovers from the latest checkpoint, and the print sink
//! repeats exactly the alarms printed after that checkpoint.
mod common;
use common::*;
use flinkscope::sim::checkpoint::SubtaskState;
use flinkscope::sim::event::{Event, FailureCause};
use flinkscope::sim::lifecycle::{ExecutionState, JobStatus};
use flinkscope::sim::{SimConfig, SimDuration};

fn busy_config() -> SimConfig {
    // An event every 500 ms makes alarms frequent enough to land between a checkpoint and
    // the failure.
    SimConfig {
        source_interval: SimDuration::from_ms(500),
        ..SimConfig::default()
    }
}

const SEED: u64 = 21;

/// The instant just after the first alarm that follows a completed checkpoint by at least a
/// second (from a failure-free probe run: the faulty run is identical up to the kill).
fn kill_after_an_alarm() -> flinkscope::sim::SimTime {
    let probe = run_checked(busy_config(), SEED, secs(120), &[]);
    let mut last_completion = None;
    for event in &probe.events {
        match event.event {
            Event::CheckpointCompleted { .. } => last_completion = Some(event.time),
            Event::AlarmPrinted { .. }
                if last_completion.is_some_and(|c| event.time.as_us() > c.as_us() + 1_000_000) =>
            {
                return flinkscope::sim::SimTime(event.time.as_us() + 1_000);
            }
            _ => {}
        }
    }
    panic!("no alarm after a checkpoint in the probe run");
}

/// Kill TaskManager 2 right after an alarm: the peer that reads from it fails within a second,
/// the job goes RESTARTING → RUNNING, attempts restored from the last checkpoint, ids continue,
/// and the duplicates are exactly the alarms printed between that checkpoint and the crash.
#[test]
fn task_manager_2_killed_restores_and_replays_exactly_the_window() {
    let kill_at = kill_after_an_alarm();
    let run = run_checked(busy_config(), SEED, secs(150), &[(kill_at, kill(2))]);
    let statuses: Vec<(JobStatus, JobStatus)> = run
        .events
        .iter()
        .filter_map(|e| match e.event {
            Event::JobStatusChanged { from, to } => Some((from, to)),
            _ => None,
        })
        .collect();
    assert!(statuses.contains(&(JobStatus::Running, JobStatus::Restarting)));
    assert_eq!(run.sim.view().job_status(), JobStatus::Running);
    let first_failure = run
        .events
        .iter()
        .find(|e| matches!(e.event, Event::JobFailed { .. }))
        .expect("a failover");
    assert!(
        first_failure.time.as_us() - kill_at.as_us() <= 1_000_000,
        "peer noticed the closed connection within 1 s"
    );
    assert!(matches!(
        first_failure.event,
        Event::JobFailed {
            cause: FailureCause::ConnectionLost { .. },
            ..
        }
    ));

    // The checkpoint restored is the last one completed before the kill.
    let completed_before: Vec<_> = run
        .events
        .iter()
        .filter(|e| e.time < kill_at)
        .filter_map(|e| match e.event {
            Event::CheckpointCompleted { checkpoint, .. } => Some(checkpoint),
            _ => None,
        })
        .collect();
    let restored = *completed_before
        .last()
        .expect("a checkpoint before the kill");
    let view = run.sim.view();
    let coordinator = view.coordinator();
    assert_eq!(
        coordinator.latest_restored.as_ref().map(|r| r.id),
        Some(restored)
    );
    assert!(coordinator.counts.restored >= 1);
    let last_triggered_before = run
        .events
        .iter()
        .filter(|e| e.time < first_failure.time)
        .filter_map(|e| match e.event {
            Event::CheckpointTriggered { checkpoint, .. } => Some(checkpoint.0),
            _ => None,
        })
        .max()
        .expect("triggered");
    let first_after = run
        .events
        .iter()
        .filter(|e| e.time > first_failure.time)
        .find_map(|e| match e.event {
            Event::CheckpointTriggered { checkpoint, .. } => Some(checkpoint.0),
            _ => None,
        })
        .expect("a checkpoint after recovery");
    assert!(
        first_after > last_triggered_before,
        "ids continue after the restore"
    );
    assert!(view
        .tasks()
        .iter()
        .all(|t| t.attempt >= 1 && t.state == ExecutionState::Running));

    // Expected duplicates: alarms printed before the failure whose event is at or after the
    // restored checkpoint's source offset.
    let restored_offsets = restored_offsets(&run, u64::from(restored.0), kill_at);
    let graph = view.graph();
    let expected: Vec<(u32, u64)> = alarms(&run)
        .into_iter()
        .filter(|(time, _, _, _)| *time < first_failure.time.as_us())
        .filter(|(_, key, seq, _)| {
            *seq >= restored_offsets[graph.keys[*key as usize].source_subtask as usize]
        })
        .map(|(_, key, seq, _)| (key, seq))
        .collect();
    let duplicates: Vec<(u32, u64)> = alarms(&run)
        .into_iter()
        .filter(|a| a.3)
        .map(|(_, key, seq, _)| (key, seq))
        .collect();
    assert!(
        !expected.is_empty(),
        "the scenario must have alarms in the replay window"
    );
    assert_eq!(
        duplicates, expected,
        "exactly the alarms after the restored checkpoint are printed again"
    );
    assert_eq!(run.checker.duplicates, expected.len() as u64);
}

/// The source offsets stored in checkpoint `id`, read from the CheckpointCompleted-era storage
/// through a replay of the same run (the storage retains only the newest checkpoint).
fn restored_offsets(run: &Run, id: u64, kill_at: flinkscope::sim::SimTime) -> Vec<u64> {
    let config = run.sim.view().config().clone();
    let seed = run.sim.view().seed();
    let replay = run_checked(config, seed, kill_at, &[]);
    let view = replay.sim.view();
    let metadata = view
        .retained_checkpoints()
        .iter()
        .find(|m| u64::from(m.checkpoint_id.0) == id)
        .expect("retained at the kill");
    metadata.operators[0]
        .subtasks
        .iter()
        .map(|s| match s.state {
            SubtaskState::Source { offset } => offset,
            _ => panic!("source state"),
        })
        .collect()
}

/// While the JobManager still lists the dead TaskManager, restarts are deployed to its slots and
/// fail again (6 restores in the reference run); heartbeat RPC failures remove it 10-20 s after
/// the kill, and the job then runs on the two survivors with attempt numbers raised.
#[test]
fn restarts_onto_the_dead_task_manager_until_heartbeats_detect_it() {
    let kill_at = secs(45);
    let run = run_checked(SimConfig::default(), 1, secs(120), &[(kill_at, kill(2))]);
    let lost = run
        .events
        .iter()
        .find(|e| matches!(e.event, Event::TaskManagerLost { .. }))
        .expect("detected");
    let delay = lost.time.as_us() - kill_at.as_us();
    assert!(
        (10_000_000..=20_000_000).contains(&delay),
        "heartbeat detection after {delay} µs"
    );
    let deploy_failures = run
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                Event::JobFailed {
                    cause: FailureCause::DeployFailed { .. },
                    ..
                }
            )
        })
        .count();
    assert!(
        deploy_failures >= 3,
        "{deploy_failures} deployments to the dead TaskManager failed"
    );
    let view = run.sim.view();
    assert_eq!(
        view.coordinator().counts.restored,
        deploy_failures as u64 + 1
    );
    let backoffs: Vec<u64> = run
        .events
        .iter()
        .filter_map(|e| match e.event {
            Event::RestartScheduled { backoff } => Some(backoff.as_us()),
            _ => None,
        })
        .collect();
    for (n, backoff) in backoffs.iter().enumerate() {
        let base = 1_000_000.0 * 1.5f64.powi(n as i32);
        assert!(
            (*backoff as f64 - base).abs() <= base * 0.1 + 1.0,
            "backoff {n}: {backoff} vs {base}"
        );
    }
    assert!(view.task_managers()[1].slots.iter().all(Option::is_none));
    assert!(view
        .tasks()
        .iter()
        .all(|t| t.task_manager != Some(flinkscope::sim::ids::TaskManagerId(1))));
    assert_eq!(view.job_status(), JobStatus::Running);
    assert!(completed(&run).len() >= 8);
}

/// A task exception and a checkpoint-storage failure each fail the job over (tolerable 0) and
/// it recovers from the latest checkpoint.
#[test]
fn task_exception_and_storage_failure_fail_over() {
    use flinkscope::sim::event::Command;
    use flinkscope::sim::ids::VertexIndex;
    let commands = [
        (
            secs(33),
            Command::FailTask {
                vertex: VertexIndex(1),
                subtask: 1,
            },
        ),
        (
            secs(70),
            Command::SetCheckpointStorageFailing { failing: true },
        ),
        (
            secs(85),
            Command::SetCheckpointStorageFailing { failing: false },
        ),
    ];
    let run = run_checked(SimConfig::default(), 9, secs(140), &commands);
    let causes: Vec<FailureCause> = run
        .events
        .iter()
        .filter_map(|e| match e.event {
            Event::JobFailed { cause, .. } => Some(cause),
            _ => None,
        })
        .collect();
    assert_eq!(causes[0], FailureCause::UserException);
    assert!(
        causes
            .iter()
            .any(|c| matches!(c, FailureCause::TolerableCheckpointFailuresExceeded { .. })),
        "{causes:?}"
    );
    assert_eq!(run.sim.view().job_status(), JobStatus::Running);
    assert!(run.checker.restores >= 2);
    let last = *completed(&run).last().unwrap();
    assert!(run.events.iter().any(|e| e.time > secs(90) && matches!(e.event, Event::CheckpointCompleted { checkpoint, .. } if u64::from(checkpoint.0) == last)));
}
