//! The three sinks after the talk's failure (TaskManager 2 killed): print duplicates exactly
//! the replay window, the two-phase-commit sink's `read_committed` view equals the failure-free
//! run's, the upsert table ends equal; failed checkpoints leave transactions open until a later
//! one commits them; a transaction timeout loses exactly the alarms of the transactions the
//! broker aborted; a re-commit after recovery changes nothing.
mod common;
use common::*;
use flinkscope::sim::event::{Command, Event};
use flinkscope::sim::ids::CheckpointId;
use flinkscope::sim::sink::{OutputReference, SinkKind, TransactionState};
use flinkscope::sim::{SimConfig, SimDuration, SimTime};
use std::collections::BTreeSet;

/// The talk's failure run: an event every 0.5 s per source, TaskManager 2 killed at 95 s.
fn failure_config(sink: SinkKind) -> SimConfig {
    SimConfig {
        sink,
        source_interval: SimDuration::from_ms(500),
        ..SimConfig::default()
    }
}

const SEED: u64 = 21;

fn kill_tm2() -> Vec<(SimTime, Command)> {
    vec![(secs(95), kill(2))]
}

/// (user, seq) of every alarm a `read_committed` consumer saw, from the events: the records of
/// each committed transaction.
fn committed(run: &Run) -> Vec<(u32, u64)> {
    let mut open: std::collections::BTreeMap<u64, Vec<(u32, u64)>> = Default::default();
    let mut seen = Vec::new();
    for e in &run.events {
        match e.event {
            Event::AlarmWritten {
                key, seq, serial, ..
            } => open.entry(serial).or_default().push((key.0, seq)),
            Event::TransactionCommitted { serial, .. } => {
                seen.extend(open.remove(&serial).unwrap_or_default())
            }
            _ => {}
        }
    }
    seen
}

fn upserted_rows(run: &Run) -> BTreeSet<(u32, u64)> {
    run.events
        .iter()
        .filter_map(|e| match e.event {
            Event::AlarmUpserted { key, seq, .. } => Some((key.0, seq)),
            _ => None,
        })
        .collect()
}

#[test]
fn print_sink_duplicates_exactly_the_replay_window() {
    let run = run_checked(
        failure_config(SinkKind::Print),
        SEED,
        secs(180),
        &kill_tm2(),
    );
    let (alarms, duplicates) = run.sim.view().alarm_counts();
    assert!(duplicates > 0, "the replay prints alarms again");
    // The checker accepted each duplicate only inside a replay window (from the restored
    // checkpoint's offsets to the last alarm printed before the failure).
    assert_eq!(run.checker.duplicates, duplicates);
    let verdict = OutputReference::default().verdict(&run.sim);
    assert_eq!(verdict.duplicates, duplicates);
    assert_eq!(verdict.missing, 0);
    assert_eq!(verdict.seen + duplicates, alarms);
}

#[test]
fn two_phase_commit_sees_the_failure_free_alarms_without_duplicates() {
    let failed = run_checked(
        failure_config(SinkKind::TwoPhaseCommit),
        SEED,
        secs(180),
        &kill_tm2(),
    );
    let clean = run_checked(
        failure_config(SinkKind::TwoPhaseCommit),
        SEED,
        secs(180),
        &[],
    );
    let seen = committed(&failed);
    let distinct: BTreeSet<(u32, u64)> = seen.iter().copied().collect();
    assert_eq!(
        seen.len(),
        distinct.len(),
        "no duplicates for read_committed"
    );
    let kafka = &failed.sim.view().sink().kafka;
    assert!(
        kafka.aborted > 0,
        "the failure aborted transactions with records"
    );
    assert_eq!(kafka.duplicates, 0);
    // Up to the failed run's frontier, its committed alarms are the failure-free run's.
    let frontier = kafka.frontier.clone();
    let graph = failed.sim.view().graph();
    let within = |(key, seq): &(u32, u64)| {
        let layout = &graph.keys[*key as usize];
        let _ = layout;
        *seq < frontier[*key as usize]
    };
    let clean_within: BTreeSet<(u32, u64)> = committed(&clean).into_iter().filter(within).collect();
    let failed_within: BTreeSet<(u32, u64)> = distinct.into_iter().filter(within).collect();
    assert!(!clean_within.is_empty());
    assert_eq!(failed_within, clean_within);
    let verdict = OutputReference::default().verdict(&failed.sim);
    assert_eq!(
        (verdict.missing, verdict.duplicates, verdict.lost),
        (0, 0, 0)
    );
    assert_eq!(verdict.seen, verdict.expected);
    // The output waits for checkpoints: the mean latency is a few seconds (interval 10 s).
    let mean = kafka.latency.mean().expect("alarms were committed");
    assert!(
        mean > SimDuration::from_ms(1_000) && mean < SimDuration::from_ms(11_000),
        "{mean:?}"
    );
}

#[test]
fn the_job_graph_names_writer_and_committer_chained_into_the_keyed_task() {
    let sim = flinkscope::sim::Sim::new(failure_config(SinkKind::TwoPhaseCommit), 1).unwrap();
    let graph = sim.view().graph();
    assert_eq!(graph.vertices.len(), 2);
    assert_eq!(
        graph.vertices[1].name,
        "AbnormalAlarmFunction -> Sink: Writer -> Sink: Committer"
    );
    assert_eq!(
        graph.task_count(),
        6,
        "6 acknowledgements per checkpoint at p = 3"
    );
    let upsert = flinkscope::sim::Sim::new(failure_config(SinkKind::IdempotentUpsert), 1).unwrap();
    assert_eq!(
        upsert.view().graph().vertices[1].name,
        "AbnormalAlarmFunction -> Sink: Writer"
    );
    let unchained = SimConfig {
        chaining: false,
        ..failure_config(SinkKind::TwoPhaseCommit)
    };
    let error = unchained.validate().unwrap_err();
    assert_eq!(error.key, "simulation.sink");
}

#[test]
fn upsert_table_ends_equal_and_replays_overwrite() {
    let failed = run_checked(
        failure_config(SinkKind::IdempotentUpsert),
        SEED,
        secs(180),
        &kill_tm2(),
    );
    let clean = run_checked(
        failure_config(SinkKind::IdempotentUpsert),
        SEED,
        secs(180),
        &[],
    );
    let table = &failed.sim.view().sink().table;
    assert!(table.overwrites > 0, "the replay rewrote rows");
    let (_, printed_duplicates) = run_checked(
        failure_config(SinkKind::Print),
        SEED,
        secs(180),
        &kill_tm2(),
    )
    .sim
    .view()
    .alarm_counts();
    assert_eq!(
        table.overwrites, printed_duplicates,
        "what print duplicates, the table overwrites"
    );
    let failed_rows = upserted_rows(&failed);
    let clean_rows = upserted_rows(&clean);
    let high = table.high.clone();
    let clean_within: BTreeSet<(u32, u64)> = clean_rows
        .iter()
        .copied()
        .filter(|(k, seq)| high[*k as usize].is_some_and(|h| *seq <= h))
        .collect();
    assert_eq!(failed_rows, clean_within);
    let verdict = OutputReference::default().verdict(&failed.sim);
    assert_eq!(verdict.missing, 0);
    assert_eq!(verdict.seen, failed_rows.len() as u64);
}

/// Storage fails from 40 s to 70 s; five failures are tolerated, so the job keeps running and
/// the writers pre-commit at checkpoints that then fail.
fn storage_outage(sink: SinkKind, timeout_s: u64) -> (SimConfig, Vec<(SimTime, Command)>) {
    let config = SimConfig {
        sink,
        source_interval: SimDuration::from_ms(200),
        tolerable_failed_checkpoints: 5,
        transaction_timeout: SimDuration::from_secs(timeout_s),
        ..SimConfig::default()
    };
    let commands = vec![
        (
            secs(40),
            Command::SetCheckpointStorageFailing { failing: true },
        ),
        (
            secs(70),
            Command::SetCheckpointStorageFailing { failing: false },
        ),
    ];
    (config, commands)
}

#[test]
fn failed_checkpoints_leave_transactions_open_until_a_later_one_commits_them() {
    let (config, commands) = storage_outage(SinkKind::TwoPhaseCommit, 900);
    let run = run_checked(config, 3, secs(120), &commands);
    let failed: BTreeSet<CheckpointId> = run
        .events
        .iter()
        .filter_map(|e| match e.event {
            Event::CheckpointFailed { checkpoint, .. } => Some(checkpoint),
            _ => None,
        })
        .collect();
    assert!(
        failed.len() >= 2,
        "checkpoints failed during the outage: {failed:?}"
    );
    let completed_after = run
        .events
        .iter()
        .find_map(|e| match e.event {
            Event::CheckpointCompleted { checkpoint, .. } if e.time > secs(70) => Some(checkpoint),
            _ => None,
        })
        .expect("a checkpoint completes after the outage");
    // Transactions pre-committed by failed checkpoints are committed by the next completed one.
    let late: Vec<_> = run
        .events
        .iter()
        .filter_map(|e| match e.event {
            Event::TransactionCommitted { checkpoint, .. } if failed.contains(&checkpoint) => {
                Some((e.time, checkpoint))
            }
            _ => None,
        })
        .collect();
    assert!(
        !late.is_empty(),
        "a failed checkpoint's transaction was committed later"
    );
    for (at, _) in &late {
        assert!(*at > secs(70), "committed only after storage works again");
    }
    let completed_at = run
        .events
        .iter()
        .find(|e| matches!(e.event, Event::CheckpointCompleted { checkpoint, .. } if checkpoint == completed_after))
        .unwrap()
        .time;
    assert!(late.iter().all(|(at, _)| *at >= completed_at));
    let verdict = OutputReference::default().verdict(&run.sim);
    assert_eq!(
        (verdict.missing, verdict.duplicates, verdict.lost),
        (0, 0, 0)
    );
}

#[test]
fn a_transaction_timeout_loses_exactly_the_alarms_of_the_aborted_transactions() {
    let (config, commands) = storage_outage(SinkKind::TwoPhaseCommit, 20);
    let run = run_checked(config, 3, secs(120), &commands);
    let kafka = &run.sim.view().sink().kafka;
    let fenced: u64 = run
        .events
        .iter()
        .filter_map(|e| match e.event {
            Event::TransactionCommitFailed { records, .. } => Some(records),
            _ => None,
        })
        .sum();
    assert!(
        fenced > 0,
        "the broker aborted pre-committed transactions with alarms"
    );
    assert_eq!(kafka.lost, fenced);
    let timed_out = run
        .events
        .iter()
        .filter(|e| matches!(e.event, Event::TransactionTimedOut { .. }))
        .count();
    assert!(timed_out > 0);
    let lost_states = kafka
        .transactions
        .iter()
        .filter(|t| t.state == TransactionState::Lost)
        .map(|t| t.count)
        .sum::<u64>();
    assert_eq!(lost_states, fenced);
    let verdict = OutputReference::default().verdict(&run.sim);
    assert_eq!(verdict.lost, fenced);
    assert_eq!(verdict.missing, 0, "every other alarm is there");
    assert_eq!(verdict.seen + verdict.lost, verdict.expected);
    // The same outage with a 15 min timeout loses nothing.
    let (config, commands) = storage_outage(SinkKind::TwoPhaseCommit, 900);
    let safe = run_checked(config, 3, secs(120), &commands);
    assert_eq!(safe.sim.view().sink().kafka.lost, 0);
}

#[test]
fn recovery_commits_again_and_a_second_commit_changes_nothing() {
    // Kill TaskManager 2 at the instant a checkpoint with alarms completes: the notification
    // to its committers is lost, so the restored ones commit their transaction now, while the
    // others, committed already, commit again without effect.
    let config = failure_config(SinkKind::TwoPhaseCommit);
    let probe = run_checked(config.clone(), SEED, secs(180), &[]);
    let instant = probe
        .events
        .iter()
        .enumerate()
        .find_map(|(i, e)| match e.event {
            Event::CheckpointCompleted { checkpoint, .. } if e.time > secs(60) => {
                // Checkpoint with a pre-committed transaction on a subtask of TaskManager 2 and
                // one elsewhere.
                let subtasks: BTreeSet<u32> = probe.events[..i]
                    .iter()
                    .filter_map(|p| match p.event {
                        Event::TransactionPreCommitted {
                            subtask,
                            checkpoint: c,
                            ..
                        } if c == checkpoint => Some(subtask),
                        _ => None,
                    })
                    .collect();
                (!subtasks.is_empty()).then_some(e.time)
            }
            _ => None,
        })
        .expect("a checkpoint with alarms completes after 60 s");
    let mut found = None;
    for tm in 1..=3 {
        let run = run_checked(config.clone(), SEED, secs(180), &[(instant, kill(tm))]);
        let recovered = run.events.iter().any(|e| {
            matches!(
                e.event,
                Event::TransactionCommitted {
                    recovered: true,
                    ..
                }
            )
        });
        if recovered {
            found = Some(run);
            break;
        }
    }
    let run = found.expect("killing one TaskManager at the completion loses a notification");
    let kafka = &run.sim.view().sink().kafka;
    assert_eq!(kafka.duplicates, 0);
    let seen = committed(&run);
    let distinct: BTreeSet<_> = seen.iter().collect();
    assert_eq!(seen.len(), distinct.len());
    let verdict = OutputReference::default().verdict(&run.sim);
    assert_eq!((verdict.missing, verdict.duplicates), (0, 0));
    // A JobManager failover at that instant: every committer re-commits from the checkpoint.
    let jm = run_checked(
        config,
        SEED,
        secs(180),
        &[(instant, Command::FailOverJobManager)],
    );
    let again = jm
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                Event::TransactionAlreadyCommitted { .. }
                    | Event::TransactionCommitted {
                        recovered: true,
                        ..
                    }
            )
        })
        .count();
    assert!(again > 0, "restored committables were committed again");
    assert_eq!(jm.sim.view().sink().kafka.duplicates, 0);
    assert_eq!(OutputReference::default().verdict(&jm.sim).missing, 0);
}

#[test]
fn a_two_phase_commit_run_is_deterministic() {
    let a = run_checked(
        failure_config(SinkKind::TwoPhaseCommit),
        SEED,
        secs(120),
        &kill_tm2(),
    );
    let b = run_checked(
        failure_config(SinkKind::TwoPhaseCommit),
        SEED,
        secs(120),
        &kill_tm2(),
    );
    assert_eq!(a.sim.view().trace_hash(), b.sim.view().trace_hash());
    assert_eq!(a.events, b.events);
    let print = run_checked(
        failure_config(SinkKind::Print),
        SEED,
        secs(120),
        &kill_tm2(),
    );
    assert_ne!(
        a.sim.view().trace_hash(),
        print.sim.view().trace_hash(),
        "commit notifications are events"
    );
}

/// `transaction.timeout.ms` below the checkpoint interval: a transaction with an alarm expires
/// before its barrier, the next send is fenced and the task fails, again and again.
#[test]
fn a_timeout_below_the_interval_fences_the_writer_on_every_attempt() {
    let config = SimConfig {
        sink: SinkKind::TwoPhaseCommit,
        source_interval: SimDuration::from_ms(200),
        transaction_timeout: SimDuration::from_secs(3),
        ..SimConfig::default()
    };
    let run = run_checked(config, 3, secs(180), &[]);
    let fenced = run
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                Event::JobFailed {
                    cause: flinkscope::sim::event::FailureCause::ProducerFenced { .. },
                    ..
                }
            )
        })
        .count();
    assert!(fenced >= 3, "fenced {fenced} times");
    let text = flinkscope::sim::rest::build::failure_exception(
        &run.sim.view(),
        run.sim.view().exceptions().next().expect("an exception"),
    );
    assert!(text.1.contains("ProducerFencedException"), "{text:?}");
}
