//! Not enough slots after a TaskManager loss: the job stays RUNNING with tasks SCHEDULED until
//! a TaskManager registers again.
mod common;
use common::*;
use flinkscope::sim::event::Event;
use flinkscope::sim::lifecycle::{ExecutionState, JobStatus};
use flinkscope::sim::SimConfig;

/// 3 TaskManagers × 1 slot for parallelism 3: after TaskManager 2 is lost, one pipeline has no
/// slot; the job is RUNNING, its tasks SCHEDULED and checkpoints are rejected without an id;
/// when TaskManager 2 comes back every task runs and checkpoints complete again.
#[test]
fn scheduled_until_a_task_manager_registers() {
    let config = SimConfig {
        slots_per_task_manager: 1,
        ..SimConfig::default()
    };
    let run_until_lost = run_checked(config.clone(), 3, secs(110), &[(secs(40), kill(2))]);
    let view = run_until_lost.sim.view();
    assert_eq!(view.job_status(), JobStatus::Running);
    let scheduled = view
        .tasks()
        .iter()
        .filter(|t| t.state == ExecutionState::Scheduled)
        .count();
    assert_eq!(
        scheduled, 2,
        "pipeline 2 (a source and a keyed task) waits for a slot"
    );
    assert!(view.pipeline_slots().iter().filter(|s| s.is_none()).count() == 1);
    let rejected = run_until_lost
        .events
        .iter()
        .filter(|e| matches!(e.event, Event::CheckpointTriggerRejected { .. }))
        .count();
    assert!(
        rejected >= 3,
        "periodic triggers fail without an id while tasks are not running"
    );
    let counts = view.coordinator().counts;
    assert!(
        counts.total > counts.completed + counts.in_progress,
        "rejected triggers count as failed"
    );

    let run = run_checked(
        config,
        3,
        secs(160),
        &[(secs(40), kill(2)), (secs(110), restart(2))],
    );
    let view = run.sim.view();
    assert!(view
        .tasks()
        .iter()
        .all(|t| t.state == ExecutionState::Running));
    let after_restart = run
        .events
        .iter()
        .filter(|e| e.time > secs(113) && matches!(e.event, Event::CheckpointCompleted { .. }))
        .count();
    assert!(after_restart >= 3);
    assert!(view.task_managers()[1].registered && view.task_managers()[1].incarnation == 1);
}
