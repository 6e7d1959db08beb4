//! The simulation's configuration, by Flink's own option names.
//!
//! A configuration file is a flat JSON object whose keys are Flink options
//! (`execution.checkpointing.interval`, `restart-strategy.type`, …) plus `simulation.*` keys for
//! what a real cluster gets from its hardware and job code (source rate, latencies, snapshot
//! durations). Missing keys keep the defaults of the study talk's job. Every value is validated:
//! a bad one yields a [`ConfigError`] naming the key, the value and the allowed range, never a
//! panic. Durations are Flink duration strings (`"10 s"`, `"500 ms"`); ratios are decimals.
//!
//! Every option — key, kind, range, default, labels, how it is read and written — is one entry
//! of [`options::OPTIONS`]; this module holds the typed configuration and the rules between
//! options.

pub mod options;

pub use crate::sim::state_backend::StateBackend;

use crate::sim::rng::Ratio;
use crate::sim::time::SimDuration;

/// `execution.checkpointing.mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckpointingMode {
    /// Barriers are aligned (or unaligned); keyed state sees every record exactly once.
    ExactlyOnce,
    /// No alignment; records after an early barrier may enter the snapshot and be replayed.
    AtLeastOnce,
}

impl CheckpointingMode {
    /// The option value, as Flink spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckpointingMode::ExactlyOnce => "EXACTLY_ONCE",
            CheckpointingMode::AtLeastOnce => "AT_LEAST_ONCE",
        }
    }
}

/// How slots are chosen on TaskManagers (`taskmanager.load-balance.mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// `SLOTS`: spread evenly; pipeline *i* lands on TaskManager *i*, as the talk draws it.
    Spread,
    /// `NONE`: Flink's default; fill the first TaskManager's slots first.
    Packed,
}

/// `restart-strategy.type` and its options, with Flink's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartStrategyConfig {
    /// `exponential-delay`, Flink's default when checkpointing is enabled.
    ExponentialDelay {
        /// `initial-backoff`.
        initial_backoff: SimDuration,
        /// `max-backoff`.
        max_backoff: SimDuration,
        /// `backoff-multiplier`, in thousandths (1.5 is 1500).
        multiplier_milli: u32,
        /// `reset-backoff-threshold`.
        reset_threshold: SimDuration,
        /// `jitter-factor`, in thousandths (0.1 is 100).
        jitter_milli: u32,
        /// `attempts-before-reset-backoff` (`i32::MAX` means unlimited, as in Flink).
        attempts_before_reset: u32,
    },
    /// `fixed-delay`.
    FixedDelay {
        /// `attempts`.
        attempts: u32,
        /// `delay`.
        delay: SimDuration,
    },
    /// `failure-rate`.
    FailureRate {
        /// `max-failures-per-interval`.
        max_failures_per_interval: u32,
        /// `failure-rate-interval`.
        interval: SimDuration,
        /// `delay`.
        delay: SimDuration,
    },
    /// `none`: the first failure fails the job.
    None,
}

impl RestartStrategyConfig {
    /// Flink's exponential-delay defaults (1.19+, FLIP-364).
    pub const fn exponential_default() -> Self {
        RestartStrategyConfig::ExponentialDelay {
            initial_backoff: SimDuration::from_secs(1),
            max_backoff: SimDuration::from_secs(60),
            multiplier_milli: 1_500,
            reset_threshold: SimDuration::from_secs(3_600),
            jitter_milli: 100,
            attempts_before_reset: i32::MAX as u32,
        }
    }

    /// The option value of `restart-strategy.type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            RestartStrategyConfig::ExponentialDelay { .. } => "exponential-delay",
            RestartStrategyConfig::FixedDelay { .. } => "fixed-delay",
            RestartStrategyConfig::FailureRate { .. } => "failure-rate",
            RestartStrategyConfig::None => "none",
        }
    }
}

/// The whole configuration of a simulated run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimConfig {
    /// `pipeline.name`.
    pub job_name: String,
    /// `parallelism.default`: the parallelism of every vertex.
    pub parallelism: u32,
    /// `pipeline.max-parallelism`; 0 applies Flink's default rule (128 for p = 3).
    pub max_parallelism: u32,
    /// `pipeline.operator-chaining.enabled`: 2 vertices when on, 3 when off.
    pub chaining: bool,
    /// `simulation.operator-uids`: whether the job's code gives each operator a `uid(…)` (then
    /// its operator id survives a change of chaining; Flink's default is none).
    pub operator_uids: bool,
    /// `simulation.taskmanagers`: TaskManagers started with the cluster.
    pub task_managers: u32,
    /// `taskmanager.numberOfTaskSlots`.
    pub slots_per_task_manager: u32,
    /// `taskmanager.load-balance.mode`.
    pub placement: Placement,
    /// `execution.checkpointing.interval`.
    pub checkpoint_interval: SimDuration,
    /// `execution.checkpointing.mode`.
    pub checkpointing_mode: CheckpointingMode,
    /// `execution.checkpointing.min-pause`.
    pub min_pause: SimDuration,
    /// `execution.checkpointing.timeout`.
    pub checkpoint_timeout: SimDuration,
    /// `execution.checkpointing.max-concurrent-checkpoints`.
    pub max_concurrent_checkpoints: u32,
    /// `execution.checkpointing.tolerable-failed-checkpoints`.
    pub tolerable_failed_checkpoints: u32,
    /// `execution.checkpointing.unaligned.enabled`.
    pub unaligned: bool,
    /// `execution.checkpointing.aligned-checkpoint-timeout` (0: unaligned from the start).
    pub aligned_checkpoint_timeout: SimDuration,
    /// `execution.checkpointing.num-retained`.
    pub num_retained: u32,
    /// `execution.checkpointing.dir`.
    pub checkpoint_dir: String,
    /// `execution.checkpointing.savepoint-dir`: where savepoints go.
    pub savepoint_dir: String,
    /// `restart-strategy.type` and its options.
    pub restart_strategy: RestartStrategyConfig,
    /// `heartbeat.interval`.
    pub heartbeat_interval: SimDuration,
    /// `heartbeat.timeout`.
    pub heartbeat_timeout: SimDuration,
    /// `heartbeat.rpc-failure-threshold` (0 disables RPC-failure detection).
    pub heartbeat_rpc_failure_threshold: u32,
    /// `slot.request.timeout`.
    pub slot_request_timeout: SimDuration,
    /// `web.checkpoints.history`: checkpoints kept with full details.
    pub checkpoint_history_size: u32,
    /// `web.exception-history-size`.
    pub exception_history_size: u32,
    /// `taskmanager.network.memory.buffers-per-channel` (receiver side).
    pub buffers_per_channel: u32,
    /// `taskmanager.network.memory.max-buffers-per-channel` (sender side).
    pub max_buffers_per_channel: u32,
    /// `taskmanager.memory.segment-size`, in bytes.
    pub segment_size_bytes: u32,
    /// `simulation.source.interval`: time between two events of one source subtask.
    pub source_interval: SimDuration,
    /// `simulation.source.abnormal-ratio`.
    pub abnormal_ratio: Ratio,
    /// `simulation.source.users-per-subtask`: source subtask *i* emits for users
    /// `user{i+1}`, `user{i+1+p}`, ….
    pub users_per_subtask: u32,
    /// `simulation.record.size`: serialized bytes of one event.
    pub record_bytes: u32,
    /// `simulation.network.latency-min` / `-max`: one channel hop.
    pub channel_latency_min: SimDuration,
    /// See `channel_latency_min`.
    pub channel_latency_max: SimDuration,
    /// `simulation.rpc.latency-min` / `-max`: one JobManager ↔ TaskManager message.
    pub rpc_latency_min: SimDuration,
    /// See `rpc_latency_min`.
    pub rpc_latency_max: SimDuration,
    /// `simulation.process.record-cost`: keyed processing time of one event.
    pub record_cost: SimDuration,
    /// `simulation.snapshot.sync-min` / `-max`.
    pub snapshot_sync_min: SimDuration,
    /// See `snapshot_sync_min`.
    pub snapshot_sync_max: SimDuration,
    /// `simulation.snapshot.async-min` / `-max`.
    pub snapshot_async_min: SimDuration,
    /// See `snapshot_async_min`.
    pub snapshot_async_max: SimDuration,
    /// `simulation.snapshot.first-extra`: the first snapshot of an attempt is slower.
    pub snapshot_first_extra: SimDuration,
    /// `simulation.deploy.duration`: DEPLOYING.
    pub deploy_duration: SimDuration,
    /// `simulation.initialize.duration`: INITIALIZING (state restore).
    pub initialize_duration: SimDuration,
    /// `simulation.cancel.duration`: CANCELING.
    pub cancel_duration: SimDuration,
    /// `simulation.failure-detection.connection-loss`: a peer notices a dead TaskManager's
    /// closed connection.
    pub connection_loss_detection: SimDuration,
    /// `simulation.taskmanager.startup`: a restarted TaskManager registers after this.
    pub task_manager_startup: SimDuration,
    /// `simulation.epoch`: epoch milliseconds at simulated time zero (REST timestamps).
    pub epoch_ms: u64,
    /// `state.backend.type`.
    pub state_backend: StateBackend,
    /// `execution.checkpointing.incremental` (RocksDB only, as in Flink).
    pub incremental: bool,
    /// `execution.checkpointing.data-inline-threshold`, in bytes.
    pub inline_threshold_bytes: u32,
    /// `simulation.state.keys`: keys with state besides the named users, present from the
    /// job's start.
    pub state_keys: u32,
    /// `simulation.state.bytes-per-key`: serialized bytes of one key's state.
    pub state_bytes_per_key: u32,
    /// `simulation.storage.bandwidth`: bytes per second one subtask writes to (and reads from)
    /// checkpoint storage.
    pub storage_bandwidth: u32,
    /// `simulation.sink`: the job's sink.
    pub sink: crate::sim::sink::SinkKind,
    /// `simulation.sink.transaction-timeout`: Kafka's `transaction.timeout.ms`.
    pub transaction_timeout: SimDuration,
    /// `simulation.sink.broker-max-transaction-timeout`: the broker's
    /// `transaction.max.timeout.ms`.
    pub transaction_max_timeout: SimDuration,
}

impl Default for SimConfig {
    /// The study talk's job: p = 3, 3 TaskManagers × 3 slots, a checkpoint every 10 s,
    /// exactly-once, min pause 5 s, timeout 60 s, one at a time (each value is the default of
    /// its entry in [`options::OPTIONS`]).
    fn default() -> Self {
        SimConfig::from_defaults()
    }
}

/// A configuration value that is not acceptable: names the key, the value and what is allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {value} is not allowed; {allowed}")]
pub struct ConfigError {
    /// The Flink option (or `simulation.*` key).
    pub key: String,
    /// The offending value, as given.
    pub value: String,
    /// What is allowed instead.
    pub allowed: String,
}

impl ConfigError {
    fn new(key: &str, value: impl std::fmt::Display, allowed: impl Into<String>) -> ConfigError {
        ConfigError {
            key: key.to_string(),
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }
}

impl SimConfig {
    /// Records one channel holds before its sender is back-pressured: the receiver's exclusive
    /// buffers plus the sender's buffers for that subpartition, each a memory segment full of
    /// records.
    pub fn channel_capacity_records(&self) -> u32 {
        let buffers = u64::from(self.buffers_per_channel + self.max_buffers_per_channel);
        let per_buffer = u64::from(self.segment_size_bytes) / u64::from(self.record_bytes);
        (buffers * per_buffer.max(1)).clamp(1, u64::from(crate::sim::limits::CHANNEL_RECORDS_MAX))
            as u32
    }

    /// The effective max parallelism (Flink's default rule when not set).
    pub fn effective_max_parallelism(&self) -> u32 {
        if self.max_parallelism == 0 {
            crate::sim::key_group::default_max_parallelism(self.parallelism)
        } else {
            self.max_parallelism
        }
    }

    /// Every field zero or empty: what the table's defaults are written onto.
    fn blank() -> SimConfig {
        let zero = SimDuration::ZERO;
        SimConfig {
            job_name: String::new(),
            parallelism: 0,
            max_parallelism: 0,
            chaining: false,
            operator_uids: false,
            task_managers: 0,
            slots_per_task_manager: 0,
            placement: Placement::Spread,
            checkpoint_interval: zero,
            checkpointing_mode: CheckpointingMode::ExactlyOnce,
            min_pause: zero,
            checkpoint_timeout: zero,
            max_concurrent_checkpoints: 0,
            tolerable_failed_checkpoints: 0,
            unaligned: false,
            aligned_checkpoint_timeout: zero,
            num_retained: 0,
            checkpoint_dir: String::new(),
            savepoint_dir: String::new(),
            restart_strategy: RestartStrategyConfig::None,
            heartbeat_interval: zero,
            heartbeat_timeout: zero,
            heartbeat_rpc_failure_threshold: 0,
            slot_request_timeout: zero,
            checkpoint_history_size: 0,
            exception_history_size: 0,
            buffers_per_channel: 0,
            max_buffers_per_channel: 0,
            segment_size_bytes: 0,
            source_interval: zero,
            abnormal_ratio: Ratio {
                numerator: 0,
                denominator: 1_000,
            },
            users_per_subtask: 0,
            record_bytes: 0,
            channel_latency_min: zero,
            channel_latency_max: zero,
            rpc_latency_min: zero,
            rpc_latency_max: zero,
            record_cost: zero,
            snapshot_sync_min: zero,
            snapshot_sync_max: zero,
            snapshot_async_min: zero,
            snapshot_async_max: zero,
            snapshot_first_extra: zero,
            deploy_duration: zero,
            initialize_duration: zero,
            cancel_duration: zero,
            connection_loss_detection: zero,
            task_manager_startup: zero,
            epoch_ms: 0,
            state_backend: StateBackend::Heap,
            incremental: false,
            inline_threshold_bytes: 0,
            state_keys: 0,
            state_bytes_per_key: 0,
            storage_bandwidth: 0,
            sink: crate::sim::sink::SinkKind::Print,
            transaction_timeout: zero,
            transaction_max_timeout: zero,
        }
    }

    /// Checks every option against its range (from the table), then the rules between
    /// options.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.check_options()?;
        if self.max_parallelism != 0 && self.max_parallelism < self.parallelism {
            return Err(ConfigError::new(
                "pipeline.max-parallelism",
                self.max_parallelism,
                format!(
                    "allowed: -1 or parallelism.default ({}) ..= {}",
                    self.parallelism,
                    crate::sim::key_group::UPPER_BOUND_MAX_PARALLELISM
                ),
            ));
        }
        if self.unaligned && self.checkpointing_mode != CheckpointingMode::ExactlyOnce {
            return Err(ConfigError::new(
                "execution.checkpointing.unaligned.enabled",
                true,
                "unaligned checkpoints need execution.checkpointing.mode EXACTLY_ONCE",
            ));
        }
        if !crate::sim::sink::OTHER_SINKS && self.sink != crate::sim::sink::SinkKind::Print {
            return Err(ConfigError::new(
                "simulation.sink",
                self.sink.as_str(),
                "this page runs the print sink only for now (the two-phase-commit and upsert \
                 sinks would take it past its 400 KiB budget); `flinkscope run --set \
                 simulation.sink=…` runs them",
            ));
        }
        if self.sink == crate::sim::sink::SinkKind::TwoPhaseCommit {
            if !self.chaining {
                return Err(ConfigError::new(
                    "simulation.sink",
                    "two-phase-commit",
                    "the simulator runs Sink: Writer and Sink: Committer chained; with \
                     pipeline.operator-chaining.enabled false Flink would run them as two \
                     tasks, which is not simulated",
                ));
            }
            if self.transaction_timeout > self.transaction_max_timeout {
                return Err(ConfigError::new(
                    "simulation.sink.transaction-timeout",
                    self.transaction_timeout,
                    format!(
                        "InvalidTxnTimeoutException: The transaction timeout is larger than the \
                         maximum value allowed by the broker (as configured by \
                         transaction.max.timeout.ms = {})",
                        self.transaction_max_timeout
                    ),
                ));
            }
        }
        if self.unaligned && self.max_concurrent_checkpoints != 1 {
            return Err(ConfigError::new(
                "execution.checkpointing.unaligned.enabled",
                true,
                "unaligned checkpoints need max-concurrent-checkpoints = 1",
            ));
        }
        if let RestartStrategyConfig::ExponentialDelay {
            initial_backoff,
            max_backoff,
            ..
        } = self.restart_strategy
        {
            at_least(
                "restart-strategy.exponential-delay.max-backoff",
                max_backoff,
                "restart-strategy.exponential-delay.initial-backoff",
                initial_backoff,
            )?;
        }
        at_least(
            "heartbeat.timeout",
            self.heartbeat_timeout,
            "heartbeat.interval",
            self.heartbeat_interval,
        )?;
        for (key, high, low) in [
            (
                "simulation.network.latency",
                self.channel_latency_max,
                self.channel_latency_min,
            ),
            (
                "simulation.rpc.latency",
                self.rpc_latency_max,
                self.rpc_latency_min,
            ),
            (
                "simulation.snapshot.sync",
                self.snapshot_sync_max,
                self.snapshot_sync_min,
            ),
            (
                "simulation.snapshot.async",
                self.snapshot_async_max,
                self.snapshot_async_min,
            ),
        ] {
            at_least(&format!("{key}-max"), high, &format!("{key}-min"), low)?;
        }
        Ok(())
    }
}

/// `high` (the option `key`) may not be below `low` (the option `low_key`).
fn at_least(
    key: &str,
    high: SimDuration,
    low_key: &str,
    low: SimDuration,
) -> Result<(), ConfigError> {
    if high >= low {
        Ok(())
    } else {
        Err(ConfigError::new(
            key,
            high,
            format!("allowed: at least {low_key} ({low})"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::time::SimDuration;

    #[test]
    fn defaults_round_trip_through_the_file_format() {
        let config = SimConfig::default();
        config.validate().expect("defaults are valid");
        let text = serde_json::to_string(&config.to_json()).unwrap();
        assert_eq!(SimConfig::from_json(&text), Ok(config));
    }

    #[test]
    fn seed_java_configuration_reads() {
        let text = r#"{
            "execution.checkpointing.interval": "10 s",
            "execution.checkpointing.mode": "EXACTLY_ONCE",
            "execution.checkpointing.min-pause": 5000,
            "execution.checkpointing.timeout": "60000 ms",
            "execution.checkpointing.max-concurrent-checkpoints": 1,
            "execution.checkpointing.unaligned.enabled": true,
            "restart-strategy.type": "fixed-delay",
            "restart-strategy.fixed-delay.attempts": 3
        }"#;
        let config = SimConfig::from_json(text).unwrap();
        assert!(config.unaligned);
        assert_eq!(config.min_pause, SimDuration::from_secs(5));
        assert_eq!(
            config.restart_strategy,
            RestartStrategyConfig::FixedDelay {
                attempts: 3,
                delay: SimDuration::from_secs(1)
            }
        );
    }

    #[test]
    fn errors_name_key_value_and_range() {
        let error =
            SimConfig::from_json(r#"{"execution.checkpointing.interval": "5 ms"}"#).unwrap_err();
        assert_eq!(error.key, "execution.checkpointing.interval");
        assert_eq!(error.value, "5 ms");
        assert!(error.allowed.contains("10 ms"), "{error}");
        let error = SimConfig::from_json(r#"{"parallelism.default": 0}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "parallelism.default: 0 is not allowed; allowed: 1 ..= 128"
        );
        let error =
            SimConfig::from_json(r#"{"execution.checkpointng.interval": "5 s"}"#).unwrap_err();
        assert!(error.to_string().contains("unknown option"));
        let error = SimConfig::from_json("[1, 2]").unwrap_err();
        assert_eq!(error.key, "(file)");
        let error = SimConfig::from_json("{\"parallelism.default\": ").unwrap_err();
        assert!(error.value.contains("invalid JSON"));
        let error =
            SimConfig::from_json(r#"{"simulation.source.abnormal-ratio": 1.5}"#).unwrap_err();
        assert!(error.allowed.contains("0.0 and 1.0"));
    }

    #[test]
    fn unaligned_needs_exactly_once_and_one_concurrent() {
        let text = r#"{"execution.checkpointing.unaligned.enabled": true,
                       "execution.checkpointing.mode": "AT_LEAST_ONCE"}"#;
        let error = SimConfig::from_json(text).unwrap_err();
        assert!(error.allowed.contains("EXACTLY_ONCE"));
        let text = r#"{"execution.checkpointing.unaligned.enabled": true,
                       "execution.checkpointing.max-concurrent-checkpoints": 2}"#;
        assert!(SimConfig::from_json(text).is_err());
    }

    #[test]
    fn restart_options_must_match_the_type() {
        let text = r#"{"restart-strategy.type": "none",
                       "restart-strategy.fixed-delay.attempts": 2}"#;
        let error = SimConfig::from_json(text).unwrap_err();
        assert!(error.allowed.contains("(none)"), "{error}");
        let mut config = SimConfig::default();
        config
            .apply_text("restart-strategy.exponential-delay.jitter-factor", "0.25")
            .unwrap();
        assert!(matches!(
            config.restart_strategy,
            RestartStrategyConfig::ExponentialDelay {
                jitter_milli: 250,
                ..
            }
        ));
    }

    #[test]
    fn channel_capacity_follows_network_buffers() {
        let config = SimConfig::default();
        // (2 + 10) buffers of 32 KiB, 40-byte records.
        assert_eq!(config.channel_capacity_records(), 12 * 819);
    }
}
