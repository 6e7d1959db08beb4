//! Swarm testing (TigerBeetle's VOPR style): each seed draws a random configuration and fault
//! schedule, runs a safety phase with faults and every invariant checked after every event,
//! then heals every fault and requires a checkpoint to complete (liveness).
//!
//! `SIM_SEEDS=0..1000` (a range) or `SIM_SEED=17` (one seed) choose the seeds; CI runs 0..200
//! and the regressions. `SWARM_DEBUG=1` prints the last events before a violation.
mod common;
use flinkscope::sim::checkpoint::SavepointFormatType;
use flinkscope::sim::config::{CheckpointingMode, Placement, RestartStrategyConfig, StateBackend};
use flinkscope::sim::event::Command;
use flinkscope::sim::ids::{TaskManagerId, VertexIndex};
use flinkscope::sim::invariants::InvariantChecker;
use flinkscope::sim::lifecycle::JobStatus;
use flinkscope::sim::restore::{RecoveryClaimMode, RestoreSettings};
use flinkscope::sim::rng::{RngStream, SimRng};
use flinkscope::sim::{Sim, SimConfig, SimDuration, SimTime};

const SAFETY_PHASE: SimTime = SimTime::from_ms(150_000);
const LIVENESS_BUDGET: SimDuration = SimDuration::from_secs(240);

use flinkscope::sim::sink::SinkKind;

fn pick<T: Copy>(rng: &mut SimRng, options: &[T]) -> T {
    options[rng.below(options.len() as u64) as usize]
}

/// A random but valid configuration.
fn random_config(rng: &mut SimRng) -> SimConfig {
    let ms = SimDuration::from_ms;
    let parallelism = rng.between(1, 4) as u32;
    let mode = pick(
        rng,
        &[
            CheckpointingMode::ExactlyOnce,
            CheckpointingMode::ExactlyOnce,
            CheckpointingMode::AtLeastOnce,
        ],
    );
    let unaligned = mode == CheckpointingMode::ExactlyOnce && rng.below(2) == 0;
    let restart_strategy = pick(
        rng,
        &[
            RestartStrategyConfig::exponential_default(),
            RestartStrategyConfig::exponential_default(),
            RestartStrategyConfig::FixedDelay {
                attempts: 20,
                delay: ms(500),
            },
            RestartStrategyConfig::FailureRate {
                max_failures_per_interval: 8,
                interval: SimDuration::from_secs(60),
                delay: ms(700),
            },
        ],
    );
    let state_keys = pick(rng, &[0, 0, 1_000, 100_000]);
    let mut config = SimConfig {
        parallelism,
        chaining: rng.below(3) != 0,
        task_managers: rng.between(1, 4) as u32,
        slots_per_task_manager: rng.between(1, 3) as u32,
        placement: pick(rng, &[Placement::Spread, Placement::Packed]),
        checkpoint_interval: ms(pick(rng, &[500, 2_000, 5_000, 10_000])),
        checkpointing_mode: mode,
        min_pause: ms(pick(rng, &[0, 200, 1_000, 5_000])),
        checkpoint_timeout: ms(pick(rng, &[1_000, 5_000, 60_000])),
        max_concurrent_checkpoints: if unaligned {
            1
        } else {
            rng.between(1, 3) as u32
        },
        tolerable_failed_checkpoints: rng.between(0, 3) as u32,
        unaligned,
        aligned_checkpoint_timeout: ms(if unaligned {
            pick(rng, &[0, 0, 300, 2_000])
        } else {
            0
        }),
        num_retained: rng.between(1, 3) as u32,
        restart_strategy,
        buffers_per_channel: rng.between(1, 2) as u32,
        max_buffers_per_channel: rng.between(0, 4) as u32,
        segment_size_bytes: pick(rng, &[256, 1_024, 32_768]),
        source_interval: ms(pick(rng, &[5, 20, 100, 1_000, 5_000])),
        users_per_subtask: rng.between(1, 3) as u32,
        record_cost: SimDuration::from_us(pick(rng, &[50, 500, 2_000])),
        state_backend: pick(rng, &[StateBackend::Heap, StateBackend::RocksDb]),
        incremental: rng.below(3) != 0,
        state_keys,
        state_bytes_per_key: pick(rng, &[12, 100]),
        inline_threshold_bytes: pick(rng, &[20 * 1024, 20 * 1024, 0, 1_024]),
        // At most 10 MB of state per subtask, moved in at most 0.1 s: the shortest timeout
        // drawn (1 s) still lets a checkpoint complete after healing.
        storage_bandwidth: if state_keys > 1_000 {
            100 << 20
        } else {
            pick(rng, &[100 << 20, 1 << 20])
        },
        ..SimConfig::default()
    };
    // Every sink; the two-phase-commit one needs chaining. Short transaction timeouts make the
    // broker abort transactions (losses, fenced writers); 15 min never does here.
    config.sink = pick(
        rng,
        &[
            SinkKind::Print,
            SinkKind::TwoPhaseCommit,
            SinkKind::TwoPhaseCommit,
            SinkKind::IdempotentUpsert,
        ],
    );
    if config.sink == SinkKind::TwoPhaseCommit && !config.chaining {
        config.sink = SinkKind::IdempotentUpsert;
    }
    // At least three checkpoint intervals: a timeout below the interval expires every
    // transaction before its barrier and fences the writer on every attempt (a misconfiguration
    // that restarts forever in Flink too, which the liveness check would report).
    let interval = config.checkpoint_interval.as_us() / 1_000;
    config.transaction_timeout =
        ms(pick(rng, &[3 * interval, 20_000, 900_000, 900_000]).max(3 * interval));
    config.validate().expect("swarm configurations are valid");
    config
}

/// A random fault schedule within the safety phase.
fn random_faults(rng: &mut SimRng, config: &SimConfig) -> Vec<(SimTime, Command)> {
    let mut faults = Vec::new();
    for _ in 0..rng.between(0, 5) {
        let at = SimTime(rng.between(5_000_000, SAFETY_PHASE.as_us() - 1));
        let vertices = if config.chaining { 2 } else { 3 };
        let command = match rng.below(10) {
            0 | 1 => Command::KillTaskManager {
                task_manager: TaskManagerId(rng.below(u64::from(config.task_managers)) as u32),
            },
            2 => Command::RestartTaskManager {
                task_manager: TaskManagerId(rng.below(u64::from(config.task_managers)) as u32),
            },
            3 => Command::FailTask {
                vertex: VertexIndex(rng.below(vertices) as u32),
                subtask: rng.below(u64::from(config.parallelism)) as u32,
            },
            6 => Command::FailOverJobManager,
            7 | 8 => Command::TriggerSavepoint {
                format: pick(
                    rng,
                    &[SavepointFormatType::Canonical, SavepointFormatType::Native],
                ),
            },
            9 if rng.below(3) == 0 => Command::StopWithSavepoint {
                format: pick(
                    rng,
                    &[SavepointFormatType::Canonical, SavepointFormatType::Native],
                ),
            },
            4 => Command::SetCheckpointStorageFailing {
                failing: rng.below(2) == 0,
            },
            _ => Command::SlowDownSubtask {
                vertex: VertexIndex(rng.below(vertices) as u32),
                subtask: rng.below(u64::from(config.parallelism)) as u32,
                factor: pick(rng, &[1, 5, 50]),
            },
        };
        faults.push((at, command));
    }
    faults.sort_by_key(|(at, _)| *at);
    faults
}

/// Runs one seed; returns a description of the first violation.
/// A third of the seeds start their job from a snapshot of a predecessor (`flink run -s`): the
/// same job with another parallelism, chaining, uids or backend, its latest savepoint or
/// retained checkpoint restored with a random claim mode and `--allowNonRestoredState`. A
/// restore Flink refuses (an unmapped operator, a backend switch from RocksDB's own files, …)
/// starts the job empty instead; either way every invariant is checked from the first event.
fn start(
    rng: &mut SimRng,
    config: &mut SimConfig,
    seed: u64,
) -> Result<(Sim, &'static str), String> {
    let fresh = |config: &SimConfig| Sim::new(config.clone(), seed).map_err(|e| e.to_string());
    if rng.below(3) != 0 {
        return Ok((fresh(config)?, "fresh"));
    }
    let old = SimConfig {
        parallelism: rng.between(1, 4) as u32,
        operator_uids: rng.below(2) == 0,
        chaining: if rng.below(2) == 0 {
            config.chaining
        } else {
            !config.chaining
        },
        state_backend: pick(rng, &[StateBackend::Heap, StateBackend::RocksDb]),
        ..config.clone()
    };
    let mut old = old;
    if old.sink == SinkKind::TwoPhaseCommit && !old.chaining {
        old.sink = SinkKind::IdempotentUpsert;
    }
    config.operator_uids = if rng.below(4) == 0 {
        !old.operator_uids
    } else {
        old.operator_uids
    };
    let mut before = Sim::new(old, seed).map_err(|e| e.to_string())?;
    let savepoint = rng.below(2) == 0;
    let format = pick(
        rng,
        &[SavepointFormatType::Canonical, SavepointFormatType::Native],
    );
    before.advance_to(SimTime::from_ms(15_000));
    if savepoint {
        let _ = before.handle(Command::TriggerSavepoint { format });
    }
    before.advance_to(SimTime::from_ms(30_000));
    let view = before.view();
    let snapshot = if savepoint {
        view.storage().savepoints().last()
    } else {
        view.retained_checkpoints().last()
    };
    let Some(snapshot) = snapshot.cloned() else {
        return Ok((fresh(config)?, "fresh (no snapshot)"));
    };
    let settings = RestoreSettings {
        claim_mode: pick(rng, &[RecoveryClaimMode::Claim, RecoveryClaimMode::NoClaim]),
        allow_non_restored_state: rng.below(2) == 0,
    };
    match Sim::restore_job(config.clone(), seed, &snapshot, settings) {
        Ok(sim) => Ok((sim, "restored")),
        Err(_) => Ok((fresh(config)?, "fresh (restore refused)")),
    }
}

fn run_seed(seed: u64) -> Result<String, String> {
    let mut rng = SimRng::new(seed, RngStream::Workload);
    let mut config = random_config(&mut rng);
    let faults = random_faults(&mut rng, &config);
    let (mut sim, started) = start(&mut rng, &mut config, seed)?;
    sim.set_verbose(true);
    let mut checker = InvariantChecker::new(&sim);
    let mut batch = Vec::new();
    let mut check = |sim: &mut Sim, checker: &mut InvariantChecker| -> Result<(), String> {
        sim.drain_events(&mut batch);
        let result = checker.check(sim, &batch).map_err(|v| {
            if std::env::var_os("SWARM_DEBUG").is_some() {
                let journal: Vec<_> = sim.view().journal().collect();
                for e in &journal[journal.len().saturating_sub(60)..] {
                    eprintln!("{e:?}");
                }
                for e in &batch {
                    eprintln!("batch {e:?}");
                }
            }
            format!("at {:?}: {v}", sim.now())
        });
        batch.clear();
        result
    };
    let mut faults = faults.into_iter().peekable();
    while let Some(next) = sim.next_event_time().filter(|t| *t <= SAFETY_PHASE) {
        if let Some((at, _)) = faults.peek().filter(|(at, _)| *at <= next) {
            sim.advance_to(*at);
            let (_, command) = faults.next().expect("peeked");
            // Faults that make no sense at this moment (restarting a live TaskManager) are
            // refused by the engine, which is itself behaviour under test.
            let _ = sim.handle(command);
        } else {
            sim.step();
        }
        check(&mut sim, &mut checker)?;
    }
    sim.advance_to(SAFETY_PHASE);
    // Heal every fault, then demand progress.
    let _ = sim.handle(Command::SetCheckpointStorageFailing { failing: false });
    for tm in 0..config.task_managers {
        let _ = sim.handle(Command::RestartTaskManager {
            task_manager: TaskManagerId(tm),
        });
    }
    for v in 0..sim.view().graph().vertices.len() as u32 {
        for s in 0..config.parallelism {
            let _ = sim.handle(Command::SlowDownSubtask {
                vertex: VertexIndex(v),
                subtask: s,
                factor: 1,
            });
        }
    }
    check(&mut sim, &mut checker)?;
    let deadline = SAFETY_PHASE.add(LIVENESS_BUDGET);
    let completed_before = sim.view().coordinator().counts.completed;
    while sim.next_event_time().is_some_and(|t| t <= deadline) {
        sim.step();
        check(&mut sim, &mut checker)?;
        if sim.view().coordinator().counts.completed > completed_before
            && sim.view().job_status() == JobStatus::Running
        {
            break;
        }
    }
    let view = sim.view();
    let enough_slots = config.task_managers * config.slots_per_task_manager >= config.parallelism;
    let gave_up = matches!(view.job_status(), JobStatus::Failed | JobStatus::Finished);
    if enough_slots && !gave_up && view.coordinator().counts.completed == completed_before {
        return Err(format!(
            "liveness: no checkpoint completed within {LIVENESS_BUDGET} after healing ({:?})",
            view.job_status()
        ));
    }
    let kafka = &view.sink().kafka;
    Ok(format!(
        "{started}, {} sink: {} events, {} restores, {} duplicates; {} committed, {} aborted, {} lost",
        config.sink.as_str(),
        view.events_processed(),
        checker.restores,
        checker.duplicates,
        kafka.committed,
        kafka.aborted,
        kafka.lost
    ))
}

/// Seeds beyond CI's range that once failed, run by CI too: 28090 and 82558 (100,000-seed
/// swarm, 2026-12-02) aligned a periodic checkpoint when the barrier of a savepoint triggered
/// right after it superseded the alignment, which left the older checkpoint's channels blocked.
///
/// 29004, 56640, 31327, 36371, 95446 and 97433 (100,000-seed swarm with the sinks, 2026-12-03):
/// the engine's count of an AT_LEAST_ONCE job's committed alarms treats a moved alarm below the
/// key's highest as a repeat (the check now holds only for EXACTLY_ONCE); a job started from an
/// unaligned snapshot writes alarms of in-flight records below the restored source offsets (the
/// sink's output now starts at the first of them). Found while reading the code then, not by a
/// seed: epochs repeated after a JobManager failover could let a committable match an older
/// transaction (the broker's epochs are unique now).
const REGRESSIONS: [u64; 8] = [
    28_090, 82_558, 29_004, 56_640, 31_327, 36_371, 95_446, 97_433,
];

fn seeds() -> Vec<u64> {
    if let Ok(seed) = std::env::var("SIM_SEED") {
        return vec![seed.parse().expect("SIM_SEED is a number")];
    }
    let Ok(range) = std::env::var("SIM_SEEDS") else {
        return (0..200).chain(REGRESSIONS).collect();
    };
    let (start, end) = range
        .split_once("..")
        .expect("SIM_SEEDS is a range like 0..200");
    (start.parse().expect("range start")..end.parse().expect("range end")).collect()
}

/// Every seed's run keeps every invariant and makes progress once faults heal.
#[test]
fn swarm() {
    let seeds = seeds();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let halves: Vec<Vec<u64>> = (0..2)
            .map(|h| seeds.iter().copied().filter(|s| s % 2 == h).collect())
            .collect();
        let handles: Vec<_> = halves
            .into_iter()
            .map(|part| {
                scope.spawn(move || {
                    part.into_iter()
                        .filter_map(|seed| match std::panic::catch_unwind(|| run_seed(seed)) {
                            Ok(Ok(summary)) => {
                                if std::env::var_os("SIM_VERBOSE").is_some() {
                                    println!("seed {seed}: {summary}");
                                }
                                None
                            }
                            Ok(Err(violation)) => Some(format!("seed {seed}: {violation}\n  reproduce: SIM_SEED={seed} cargo test --release --test swarm")),
                            Err(_) => Some(format!("seed {seed}: panicked\n  reproduce: SIM_SEED={seed} cargo test --release --test swarm")),
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("swarm thread"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} seeds failed:\n{}",
        failures.len(),
        seeds.len(),
        failures.join("\n")
    );
}
