//! Expiring checkpoints and the tolerable-failure threshold.
mod common;
use common::*;
use flinkscope::sim::checkpoint::CheckpointFailureReason;
use flinkscope::sim::event::{Command, Event, FailureCause};
use flinkscope::sim::ids::VertexIndex;
use flinkscope::sim::{SimConfig, SimDuration};

fn slow_config(tolerable: u32) -> (SimConfig, Vec<(flinkscope::sim::SimTime, Command)>) {
    let config = SimConfig {
        source_interval: SimDuration::from_ms(1),
        record_cost: SimDuration::from_us(100),
        checkpoint_timeout: SimDuration::from_secs(8),
        tolerable_failed_checkpoints: tolerable,
        ..SimConfig::default()
    };
    (
        config,
        vec![(
            secs(20),
            Command::SlowDownSubtask {
                vertex: VertexIndex(1),
                subtask: 2,
                factor: 20,
            },
        )],
    )
}

fn failures(run: &Run) -> Vec<(u64, Event)> {
    run.events
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                Event::CheckpointFailed { .. } | Event::JobFailed { .. }
            )
        })
        .map(|e| (e.time.as_us(), e.event))
        .collect()
}

/// Tolerable 0 (the default): the first expired checkpoint fails the job with
/// "Exceeded checkpoint tolerable failure threshold".
#[test]
fn first_expiry_fails_the_job_with_tolerable_zero() {
    let (config, commands) = slow_config(0);
    let run = run_checked(config, 2, secs(60), &commands);
    let list = failures(&run);
    let expired = list
        .iter()
        .position(|(_, e)| {
            matches!(
                e,
                Event::CheckpointFailed {
                    reason: CheckpointFailureReason::Expired,
                    ..
                }
            )
        })
        .expect("an expiry");
    let (at, next) = &list[expired + 1];
    assert_eq!(*at, list[expired].0, "the failover happens at the expiry");
    assert!(matches!(
        next,
        Event::JobFailed {
            cause: FailureCause::TolerableCheckpointFailuresExceeded {
                reason: CheckpointFailureReason::Expired
            },
            ..
        }
    ));
}

/// Tolerable 2: two expiries in a row are tolerated, the third fails the job.
#[test]
fn third_consecutive_expiry_fails_the_job_with_tolerable_two() {
    let (config, commands) = slow_config(2);
    let run = run_checked(config, 2, secs(120), &commands);
    let list = failures(&run);
    let first_failover = list
        .iter()
        .position(|(_, e)| matches!(e, Event::JobFailed { .. }))
        .expect("a failover");
    let expiries_before = list[..first_failover]
        .iter()
        .filter(|(_, e)| {
            matches!(
                e,
                Event::CheckpointFailed {
                    reason: CheckpointFailureReason::Expired,
                    ..
                }
            )
        })
        .count();
    assert_eq!(expiries_before, 3, "{list:?}");
}
