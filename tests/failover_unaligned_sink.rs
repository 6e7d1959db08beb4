//! An unaligned checkpoint with the print sink unchained: the barrier overtakes alarms queued on
//! the keyed → sink edge and the checkpoint persists them as in-flight data. A restore hands them
//! to the sink again, so they are printed a second time although their records lie before the
//! restored source offset (swarm seeds 6422 and 3219).
mod common;
use common::*;
use flinkscope::sim::channel::Element;
use flinkscope::sim::checkpoint::{CheckpointMetadata, SubtaskState};
use flinkscope::sim::event::{Command, Event, TimedEvent};
use flinkscope::sim::ids::{KeyIndex, TaskIndex, VertexIndex};
use flinkscope::sim::{SimConfig, SimDuration, SimTime};

const SEED: u64 = 6422;
/// Source → keyed → sink, one subtask each: tasks 0, 1 and 2.
const SINK: TaskIndex = TaskIndex(2);

/// One user, an event every 5 ms (an alarm every ~50 ms), unaligned checkpoints every 5 s.
fn config() -> SimConfig {
    SimConfig {
        parallelism: 1,
        chaining: false,
        task_managers: 1,
        slots_per_task_manager: 1,
        checkpoint_interval: SimDuration::from_secs(5),
        unaligned: true,
        source_interval: SimDuration::from_ms(5),
        users_per_subtask: 1,
        record_cost: SimDuration::from_ms(2),
        ..SimConfig::default()
    }
}

/// The sink slowed by `factor` at `at` (50: 100 ms per alarm, so alarms queue in front of it).
fn sink_speed(at: SimTime, factor: u32) -> (SimTime, Command) {
    (
        at,
        Command::SlowDownSubtask {
            vertex: VertexIndex(2),
            subtask: 0,
            factor,
        },
    )
}

fn slow_sink() -> (SimTime, Command) {
    sink_speed(secs(8), 50)
}

/// The latest checkpoint retained at `at` in a fault-free run (identical up to the fault).
fn latest_checkpoint_at(at: SimTime) -> CheckpointMetadata {
    let probe = run_checked(config(), SEED, at, &[slow_sink()]);
    let view = probe.sim.view();
    (*view
        .retained_checkpoints()
        .last()
        .expect("a checkpoint before the fault"))
    .clone()
}

/// Sequence numbers of the alarms persisted as in-flight data, in channel order.
fn in_flight_alarms(metadata: &CheckpointMetadata) -> Vec<u64> {
    metadata
        .operators
        .iter()
        .flat_map(|o| &o.subtasks)
        .flat_map(|s| &s.channel_state)
        .flat_map(|c| &c.elements)
        .filter_map(|e| match e {
            Element::Alarm { seq, .. } => Some(*seq),
            _ => None,
        })
        .collect()
}

/// Runs the scenario with `fault` at `at` and checks the replay of the sink's in-flight alarms.
fn check_replay(at: SimTime, fault: Command) {
    let restored = latest_checkpoint_at(at);
    let in_flight = in_flight_alarms(&restored);
    assert!(
        !in_flight.is_empty(),
        "the scenario needs alarms in flight to the sink in chk-{}",
        restored.checkpoint_id.0
    );
    let offset = match restored.operators[0].subtasks[0].state {
        SubtaskState::Source { offset } => offset,
        ref other => panic!("source state {other:?}"),
    };
    assert!(
        in_flight.iter().all(|seq| *seq < offset),
        "in-flight alarms were raised before the source's snapshot"
    );

    // The invariant checker runs after every event: it must accept these duplicates. The sink
    // is fast again from the fault on, so the replay catches up within the run.
    let commands = [slow_sink(), (at, fault), sink_speed(at, 1)];
    let run = run_checked(config(), SEED, secs(60), &commands);
    let restore = run
        .events
        .iter()
        .find(|e| matches!(e.event, Event::JobRestored { .. }))
        .expect("a restore");
    assert_eq!(
        restore.event,
        Event::JobRestored {
            checkpoint: Some(restored.checkpoint_id)
        }
    );
    let sink_snapshot = run
        .events
        .iter()
        .find(|e| {
            matches!(e.event, Event::SnapshotTaken { task, checkpoint, .. }
                if task == SINK && checkpoint == restored.checkpoint_id)
        })
        .expect("the sink took its snapshot of the restored checkpoint")
        .time;
    let printed = alarms(&run);

    // After the restore the sink prints the persisted alarms first, in channel order.
    let after: Vec<(u64, bool)> = printed
        .iter()
        .filter(|(time, ..)| *time >= restore.time.as_us())
        .map(|(_, _, seq, duplicate)| (*seq, *duplicate))
        .collect();
    let replayed: Vec<u64> = after.iter().take(in_flight.len()).map(|a| a.0).collect();
    assert_eq!(replayed, in_flight, "in-flight alarms come back first");

    // Duplicates are exactly the alarms printed between the sink's snapshot and the fault:
    // the in-flight ones (before the source offset) and those of replayed records.
    let expected: Vec<u64> = printed
        .iter()
        .filter(|(time, ..)| *time >= sink_snapshot.as_us() && *time < at.as_us())
        .map(|(_, _, seq, _)| *seq)
        .collect();
    let duplicates: Vec<u64> = after.iter().filter(|a| a.1).map(|a| a.0).collect();
    assert_eq!(duplicates, expected);
    assert!(
        duplicates.iter().any(|seq| *seq < offset),
        "a duplicate comes from the persisted channel state, not from the source replay"
    );
    assert_eq!(run.checker.duplicates, expected.len() as u64);

    // The checker still rejects a duplicate of an alarm that was neither in flight nor after the
    // restored offset: the last one the sink printed before its snapshot.
    let before_snapshot = printed
        .iter()
        .rev()
        .find(|(time, ..)| *time < sink_snapshot.as_us())
        .expect("alarms before the snapshot")
        .2;
    let wrong = [TimedEvent {
        time: run.sim.now(),
        event: Event::AlarmPrinted {
            subtask: 0,
            key: KeyIndex(0),
            count: 3,
            seq: before_snapshot,
            duplicate: true,
        },
    }];
    let mut run = run;
    let violation = run
        .checker
        .check(&run.sim, &wrong)
        .expect_err("a duplicate outside the replay window is caught");
    assert!(
        violation.contains("outside the replay window"),
        "{violation}"
    );
}

/// A task failure restores the latest unaligned checkpoint; the sink prints its persisted
/// in-flight alarms again (seed 6422).
#[test]
fn task_failure_reprints_alarms_in_flight_to_an_unchained_sink() {
    check_replay(
        secs(36),
        Command::FailTask {
            vertex: VertexIndex(1),
            subtask: 0,
        },
    );
}

/// The same through a JobManager failover: the new leader restores the same checkpoint and the
/// surviving printed-alarm marks flag the replayed in-flight alarms as duplicates (seed 3219).
#[test]
fn jobmanager_failover_reprints_alarms_in_flight_to_an_unchained_sink() {
    check_replay(secs(36), Command::FailOverJobManager);
}
