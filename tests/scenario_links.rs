//! The ready-made scenarios of the page's menu show what they promise.
mod common;
use common::*;
use flinkscope::run::link::{decode, SCENARIOS};
use flinkscope::sim::checkpoint::{CheckpointFailureReason, CheckpointStatus};
use flinkscope::sim::event::Event;
use flinkscope::sim::lifecycle::ExecutionState;
use flinkscope::sim::SimTime;

fn run_scenario(id: &str, until: SimTime) -> Run {
    let scenario = SCENARIOS.iter().find(|s| s.id == id).expect("listed");
    let shared = decode(scenario.query);
    assert!(shared.problems.is_empty(), "{:?}", shared.problems);
    run_checked(shared.config, shared.seed, until, &shared.commands)
}

/// The steady state completes a checkpoint every 10 s without failures.
#[test]
fn steady_state() {
    let run = run_scenario("steady", secs(120));
    assert!(completed(&run).len() >= 10);
    assert_eq!(run.sim.view().coordinator().counts.failed, 0);
}

/// TaskManager 2 fails right after an alarm: the job recovers and prints that alarm again.
#[test]
fn task_manager_2_failure_prints_duplicates() {
    let run = run_scenario("tm2-failure", secs(150));
    assert!(run.checker.restores >= 1);
    assert!(run.checker.duplicates >= 1, "no duplicate alarm");
}

/// Backpressure with aligned checkpoints: one expires; with unaligned ones none does and
/// in-flight data is persisted.
#[test]
fn backpressure_aligned_versus_unaligned() {
    let aligned = run_scenario("backpressure-aligned", secs(90));
    let expired = aligned.events.iter().any(|e| {
        matches!(
            e.event,
            Event::CheckpointFailed {
                reason: CheckpointFailureReason::Expired,
                ..
            }
        )
    });
    assert!(expired, "an aligned checkpoint expires");
    let unaligned = run_scenario("backpressure-unaligned", secs(90));
    let failed = unaligned
        .sim
        .view()
        .checkpoint_history()
        .filter(|r| r.status == CheckpointStatus::Failed)
        .count();
    assert_eq!(failed, 0);
    let persisted: u64 = unaligned
        .sim
        .view()
        .checkpoint_points()
        .map(|p| p.persisted_bytes)
        .sum();
    assert!(persisted > 100_000, "persisted {persisted} bytes");
}

/// AT_LEAST_ONCE: the restored checkpoint contains records past the barrier.
#[test]
fn at_least_once_restores_records_past_the_barrier() {
    let run = run_scenario("at-least-once", secs(110));
    let restored = run
        .sim
        .view()
        .coordinator()
        .latest_restored
        .clone()
        .expect("restored")
        .id;
    let record = run
        .sim
        .view()
        .coordinator()
        .record(restored)
        .cloned()
        .expect("in the history");
    assert!(record.sum(|s| s.processed_bytes) > 0);
}

/// One slot per TaskManager: after the loss, tasks wait SCHEDULED until TaskManager 2 returns.
#[test]
fn not_enough_slots_until_the_task_manager_returns() {
    let waiting = run_scenario("not-enough-slots", secs(100));
    assert!(waiting
        .sim
        .view()
        .tasks()
        .iter()
        .any(|t| t.state == ExecutionState::Scheduled));
    let back = run_scenario("not-enough-slots", secs(160));
    assert!(back
        .sim
        .view()
        .tasks()
        .iter()
        .all(|t| t.state == ExecutionState::Running));
}
