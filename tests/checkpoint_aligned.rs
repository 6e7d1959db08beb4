//! Aligned exactly-once checkpoints of the study job, as real Flink runs them.
mod common;
use common::*;
use flinkscope::sim::checkpoint::{CheckpointStatus, SubtaskState};
use flinkscope::sim::event::Event;
use flinkscope::sim::SimConfig;

/// The default job checkpoints every 10 s after a random initial delay in [5 s, 10 s]; each
/// completes with all 6 acknowledgements, ≈6.6 KB, and only the newest `chk-N` is retained.
#[test]
fn aligned_checkpoints_complete_on_the_interval() {
    let run = run_checked(SimConfig::default(), 11, secs(120), &[]);
    let ids = completed(&run);
    assert!(ids.len() >= 10, "completed {ids:?}");
    assert_eq!(
        ids,
        (1..=ids.len() as u64).collect::<Vec<_>>(),
        "ids start at 1 and are contiguous"
    );
    let triggers: Vec<u64> = run
        .events
        .iter()
        .filter(|e| matches!(e.event, Event::CheckpointTriggered { .. }))
        .map(|e| e.time.as_us())
        .collect();
    assert!(
        (5_000_000..=10_000_000).contains(&triggers[0]),
        "first trigger at {}",
        triggers[0]
    );
    for pair in triggers.windows(2) {
        assert_eq!(
            pair[1] - pair[0],
            10_000_000,
            "triggers exactly one interval apart"
        );
    }
    let view = run.sim.view();
    let latest = view
        .coordinator()
        .latest_completed
        .as_ref()
        .expect("a completed checkpoint");
    assert_eq!(latest.acknowledged, 6, "2 vertices × parallelism 3");
    let size = latest.sum(|s| s.checkpointed_bytes);
    assert!((6_500..=6_900).contains(&size), "checkpointed size {size}");
    assert_eq!(view.retained_checkpoints().len(), 1, "num-retained 1");
    assert!(latest
        .subtasks
        .iter()
        .flatten()
        .all(|s| !s.unaligned && s.persisted_bytes == 0));
    assert!(view
        .checkpoint_history()
        .all(|r| r.status != CheckpointStatus::Failed));
}

/// Keyed state lands where Flink's key groups put it: user1 and user3 on keyed subtask 2,
/// user2 on subtask 0, subtask 1 empty — not the talk's "user i on TaskManager i" picture.
#[test]
fn snapshots_hold_keys_by_key_group() {
    let run = run_checked(SimConfig::default(), 3, secs(60), &[]);
    let view = run.sim.view();
    let metadata = &view.retained_checkpoints()[0];
    let keyed = &metadata.operators[1];
    let keys_of = |subtask: usize| match &keyed.subtasks[subtask].state {
        SubtaskState::Keyed {
            entries,
            key_group_range,
        } => (
            entries.iter().map(|e| e.key.clone()).collect::<Vec<_>>(),
            *key_group_range,
        ),
        other => panic!("keyed subtask holds {other:?}"),
    };
    assert_eq!(keys_of(0), (vec!["user2".to_string()], [0, 42]));
    assert_eq!(keys_of(1), (vec![], [43, 85]));
    assert_eq!(
        keys_of(2),
        (vec!["user1".to_string(), "user3".to_string()], [86, 127])
    );
    assert!(metadata
        .external_path
        .starts_with("file:/tmp/flink-checkpoints/"));
    assert!(metadata
        .external_path
        .ends_with(&format!("/chk-{}", metadata.checkpoint_id.0)));
}

/// With chaining off the job has 3 vertices and every checkpoint waits for 9 acknowledgements.
#[test]
fn unchained_job_acknowledges_nine_subtasks() {
    let config = SimConfig {
        chaining: false,
        ..SimConfig::default()
    };
    let run = run_checked(config, 5, secs(60), &[]);
    let latest = run
        .sim
        .view()
        .coordinator()
        .latest_completed
        .clone()
        .expect("completed");
    assert_eq!(latest.acknowledged, 9);
    assert!(completed(&run).len() >= 4);
}
