//! Benchmark scenarios shared by the native runner (`flinkscope bench`) and the browser test
//! layer (the same code compiled to wasm). They only count; the caller owns the clock.

use crate::sim::event::Command;
use crate::sim::ids::VertexIndex;
use crate::sim::{Sim, SimConfig, SimDuration, SimTime};

/// A benchmark scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchCase {
    /// The study talk's job (an event every 5 s per source) over 24 simulated hours.
    Seed24h,
    /// 3 sources × 10,000 events/s, keyed subtask 2 slowed 10× (backpressure), 60 simulated s.
    HighRate,
    /// [`BenchCase::HighRate`] with the two-phase-commit sink (native only: the page does not
    /// run it yet, see `sim::sink::OTHER_SINKS`).
    HighRateTwoPhaseCommit,
    /// RocksDB with incremental checkpoints and 100,000 keys, 3 × 1,000 events/s, 120 s.
    RocksDb100k,
    /// Parallelism 32 on 8 TaskManagers × 4 slots (1,024 keyBy channels), 32 × 100
    /// events/s, 60 s.
    Parallelism32,
    /// Parallelism 128 (the limit) on 32 TaskManagers × 4 slots (16,384 keyBy channels), 128 ×
    /// 100 events/s, 60 s.
    Parallelism128,
}

impl BenchCase {
    /// Every scenario this build runs.
    pub const ALL: &'static [BenchCase] = if crate::sim::sink::OTHER_SINKS {
        &[
            BenchCase::Seed24h,
            BenchCase::HighRate,
            BenchCase::HighRateTwoPhaseCommit,
            BenchCase::RocksDb100k,
            BenchCase::Parallelism32,
            BenchCase::Parallelism128,
        ]
    } else {
        &Self::WITHOUT_SINKS
    };

    const WITHOUT_SINKS: [BenchCase; 5] = [
        BenchCase::Seed24h,
        BenchCase::HighRate,
        BenchCase::RocksDb100k,
        BenchCase::Parallelism32,
        BenchCase::Parallelism128,
    ];

    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            BenchCase::Seed24h => "seed-24h",
            BenchCase::HighRate => "high-rate-backpressure",
            BenchCase::HighRateTwoPhaseCommit => "high-rate-two-phase-commit",
            BenchCase::RocksDb100k => "rocksdb-incremental-100k",
            BenchCase::Parallelism32 => "parallelism-32",
            BenchCase::Parallelism128 => "parallelism-128",
        }
    }

    /// The configuration and the simulated duration.
    pub fn setup(self) -> (SimConfig, SimTime) {
        match self {
            BenchCase::Seed24h => (SimConfig::default(), SimTime::from_ms(24 * 3_600_000)),
            BenchCase::HighRate | BenchCase::HighRateTwoPhaseCommit => {
                let config = SimConfig {
                    source_interval: SimDuration::from_us(100),
                    record_cost: SimDuration::from_us(20),
                    sink: if self == BenchCase::HighRate {
                        crate::sim::sink::SinkKind::Print
                    } else {
                        crate::sim::sink::SinkKind::TwoPhaseCommit
                    },
                    ..SimConfig::default()
                };
                (config, SimTime::from_ms(60_000))
            }
            BenchCase::RocksDb100k => {
                let config = SimConfig {
                    state_backend: crate::sim::state_backend::StateBackend::RocksDb,
                    incremental: true,
                    state_keys: 100_000,
                    source_interval: SimDuration::from_ms(1),
                    ..SimConfig::default()
                };
                (config, SimTime::from_ms(120_000))
            }
            BenchCase::Parallelism32 | BenchCase::Parallelism128 => {
                let p = if self == BenchCase::Parallelism32 {
                    32
                } else {
                    128
                };
                let config = SimConfig {
                    parallelism: p,
                    task_managers: p / 4,
                    slots_per_task_manager: 4,
                    source_interval: SimDuration::from_ms(10),
                    ..SimConfig::default()
                };
                (config, SimTime::from_ms(60_000))
            }
        }
    }

    /// A simulation ready to run (high-rate has its slow subtask).
    pub fn start(self, seed: u64) -> (Sim, SimTime) {
        let (config, until) = self.setup();
        let mut sim = Sim::new(config, seed).expect("benchmark configurations are valid");
        if matches!(
            self,
            BenchCase::HighRate | BenchCase::HighRateTwoPhaseCommit
        ) {
            let slow = Command::SlowDownSubtask {
                vertex: VertexIndex(1),
                subtask: 2,
                factor: 10,
            };
            sim.handle(slow).expect("valid command");
        }
        (sim, until)
    }
}

/// What a benchmark run did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BenchOutcome {
    /// Engine events processed.
    pub events: u64,
    /// Simulated time covered.
    pub simulated: SimDuration,
    /// The trace hash (identical natively and in wasm).
    pub trace_hash: u64,
    /// Completed checkpoints.
    pub checkpoints: u64,
}

/// Runs a scenario to its end.
pub fn run(scenario: BenchCase, seed: u64) -> BenchOutcome {
    let (mut sim, until) = scenario.start(seed);
    let events = sim.advance_to(until);
    let view = sim.view();
    BenchOutcome {
        events,
        simulated: SimDuration(until.as_us()),
        trace_hash: view.trace_hash(),
        checkpoints: view.coordinator().counts.completed,
    }
}

/// The default scenario after one simulated hour, for measuring the cost of a clone.
pub fn default_after_one_hour(seed: u64) -> Sim {
    let mut sim = Sim::new(SimConfig::default(), seed).expect("valid");
    sim.advance_to(SimTime::from_ms(3_600_000));
    sim
}
