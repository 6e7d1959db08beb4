//! Trigger cadence: interval, min pause, max concurrent, manual triggers and retention.
mod common;
use common::*;
use flinkscope::sim::event::{Command, Event};
use flinkscope::sim::{SimConfig, SimDuration};

fn times(run: &Run, pick: impl Fn(&Event) -> bool) -> Vec<u64> {
    run.events
        .iter()
        .filter(|e| pick(&e.event))
        .map(|e| e.time.as_us())
        .collect()
}

/// Interval 2 s with min pause 5 s: the cadence becomes completion + 5 s (observed 5.01-5.05 s
/// between triggers on a real cluster).
#[test]
fn min_pause_longer_than_interval_sets_the_cadence() {
    let config = SimConfig {
        checkpoint_interval: SimDuration::from_secs(2),
        min_pause: SimDuration::from_secs(5),
        ..SimConfig::default()
    };
    let run = run_checked(config, 12, secs(90), &[]);
    let triggers = times(&run, |e| matches!(e, Event::CheckpointTriggered { .. }));
    let completions = times(&run, |e| matches!(e, Event::CheckpointCompleted { .. }));
    assert!(triggers.len() >= 12);
    for (n, trigger) in triggers.iter().enumerate().skip(1) {
        assert_eq!(
            *trigger,
            completions[n - 1] + 5_000_000,
            "trigger {n} = completion {} + min pause",
            n - 1
        );
    }
}

/// Retention 3: storage holds the three newest checkpoints; older history entries are marked
/// discarded, and every discard follows a completion.
#[test]
fn retention_keeps_the_newest_checkpoints() {
    let config = SimConfig {
        num_retained: 3,
        ..SimConfig::default()
    };
    let run = run_checked(config, 13, secs(100), &[]);
    let ids = completed(&run);
    let view = run.sim.view();
    let retained: Vec<u64> = view
        .retained_checkpoints()
        .iter()
        .map(|m| u64::from(m.checkpoint_id.0))
        .collect();
    assert_eq!(retained, ids[ids.len() - 3..].to_vec());
    for record in view.checkpoint_history() {
        let kept = retained.contains(&u64::from(record.id.0));
        assert_eq!(record.discarded, !kept, "checkpoint {}", record.id);
    }
    let discarded = times(&run, |e| matches!(e, Event::CheckpointDiscarded { .. }));
    assert_eq!(discarded.len(), ids.len() - 3);
}

/// A manual trigger while one checkpoint is pending waits (max concurrent 1); with max
/// concurrent 2 and no min pause it starts at once.
#[test]
fn manual_trigger_respects_max_concurrent() {
    let config = SimConfig {
        min_pause: SimDuration::ZERO,
        max_concurrent_checkpoints: 2,
        ..SimConfig::default()
    };
    let run = run_checked(
        config,
        14,
        secs(30),
        &[(secs(12), Command::TriggerCheckpoint)],
    );
    let triggers = times(&run, |e| matches!(e, Event::CheckpointTriggered { .. }));
    assert!(triggers.contains(&secs(12).as_us()), "{triggers:?}");
}
