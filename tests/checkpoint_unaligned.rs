//! Checkpoints under backpressure: aligned barriers wait behind full buffers, unaligned ones
//! overtake them and persist the in-flight data.
mod common;
use common::*;
use flinkscope::sim::checkpoint::ChannelSide;
use flinkscope::sim::event::Event;
use flinkscope::sim::SimDuration;

/// Aligned: the barrier queues behind ~10k records per channel, so end-to-end duration and
/// alignment at the slow subtask explode and nothing in-flight is persisted. Unaligned: the
/// same checkpoints complete in milliseconds with hundreds of KB of persisted in-flight data.
#[test]
fn unaligned_checkpoints_complete_under_backpressure() {
    let (config, commands) = backpressured(false);
    let aligned = run_checked(config, 4, secs(80), &commands);
    let (config, commands) = backpressured(true);
    let unaligned = run_checked(config, 4, secs(80), &commands);

    let slow_points = |run: &Run| {
        run.sim
            .view()
            .checkpoint_points()
            .filter(|p| p.trigger_time > secs(25))
            .cloned()
            .collect::<Vec<_>>()
    };
    let aligned_points = slow_points(&aligned);
    let unaligned_points = slow_points(&unaligned);
    assert!(!aligned_points.is_empty() && unaligned_points.len() >= 4);
    assert!(
        aligned_points
            .iter()
            .all(|p| p.end_to_end_us > 10_000_000 && p.persisted_bytes == 0),
        "{aligned_points:?}"
    );
    assert!(
        unaligned_points
            .iter()
            .all(|p| p.end_to_end_us < 1_000_000 && p.persisted_bytes > 100_000),
        "{unaligned_points:?}"
    );

    let aligned_latest = aligned
        .sim
        .view()
        .coordinator()
        .history
        .iter()
        .rev()
        .find(|r| {
            r.trigger_time > secs(25)
                && r.status == flinkscope::sim::checkpoint::CheckpointStatus::Completed
        })
        .cloned()
        .expect("a slow aligned checkpoint completed");
    let slow_task = 5;
    let alignment = aligned_latest.subtasks[slow_task]
        .map(|s| s.alignment_us)
        .unwrap_or(0);
    assert!(
        alignment > 5_000_000,
        "the slow subtask aligned for {alignment} µs"
    );

    let view = unaligned.sim.view();
    let metadata = &view.retained_checkpoints()[0];
    assert_eq!(metadata.checkpoint_type, "UNALIGNED_CHECKPOINT");
    let outputs: usize = metadata.operators[0]
        .subtasks
        .iter()
        .flat_map(|s| &s.channel_state)
        .filter(|c| c.side == ChannelSide::Output)
        .map(|c| c.elements.len())
        .sum();
    assert!(
        outputs > 1_000,
        "sources persisted {outputs} overtaken records"
    );
}

/// A failure while unaligned checkpoints carry in-flight data: the restore replays that data
/// before new input, and keyed state stays exactly-once (checked per record by the invariant
/// checker against the failure-free reference).
#[test]
fn restore_from_unaligned_checkpoint_replays_in_flight_data_first() {
    let (config, mut commands) = backpressured(true);
    commands.push((secs(48), kill(3)));
    let run = run_checked(config, 8, secs(100), &commands);
    assert!(run.checker.restores >= 1);
    let restored = run
        .sim
        .view()
        .coordinator()
        .latest_restored
        .clone()
        .expect("restored");
    let persisted = run.events.iter().any(|e| matches!(e.event, Event::CheckpointCompleted { checkpoint, .. } if checkpoint == restored.id));
    assert!(persisted);
    assert!(completed(&run).len() >= 6);
}

/// With an aligned-checkpoint timeout, checkpoints start aligned and switch to unaligned when
/// alignment exceeds it, completing shortly after the timeout.
#[test]
fn aligned_checkpoint_timeout_switches_to_unaligned() {
    let (mut config, commands) = backpressured(true);
    config.aligned_checkpoint_timeout = SimDuration::from_secs(2);
    let run = run_checked(config, 4, secs(80), &commands);
    let points: Vec<_> = run
        .sim
        .view()
        .checkpoint_points()
        .filter(|p| p.trigger_time > secs(25))
        .cloned()
        .collect();
    assert!(points.len() >= 4, "{points:?}");
    for point in &points {
        assert!(
            (2_000_000..3_000_000).contains(&point.end_to_end_us),
            "switched after 2 s: {point:?}"
        );
        assert!(point.persisted_bytes > 0);
    }
    let latest = run
        .sim
        .view()
        .coordinator()
        .latest_completed
        .clone()
        .unwrap();
    let flags: Vec<bool> = latest
        .subtasks
        .iter()
        .flatten()
        .map(|s| s.unaligned)
        .collect();
    assert!(flags.iter().any(|f| *f), "{flags:?}");
}
