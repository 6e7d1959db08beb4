//! The simulation's configuration, by Flink's own option names.
//!
//! A configuration file is a flat JSON object whose keys are Flink options
//! (`execution.checkpointing.interval`, `restart-strategy.type`, …) plus `simulation.*` keys for
//! what a real cluster gets from its hardware and job code (source rate, latencies, snapshot
//! durations). Missing keys keep the defaults of the study talk's job. Every value is validated:
//! a bad one yields a [`ConfigError`] naming the key, the value and the allowed range, never a
//! panic. Durations are Flink duration strings (`"10 s"`, `"500 ms"`); ratios are decimals.

use crate::sim::rng::Ratio;
use crate::sim::time::{decimal_milli, SimDuration};
use std::fmt;

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
}

impl Default for SimConfig {
    /// The study talk's job: p = 3, 3 TaskManagers × 3 slots, a checkpoint every 10 s,
    /// exactly-once, min pause 5 s, timeout 60 s, one at a time.
    fn default() -> Self {
        SimConfig {
            job_name: "AbnormalEventAlarmJob".to_string(),
            parallelism: 3,
            max_parallelism: 0,
            chaining: true,
            task_managers: 3,
            slots_per_task_manager: 3,
            placement: Placement::Spread,
            checkpoint_interval: SimDuration::from_secs(10),
            checkpointing_mode: CheckpointingMode::ExactlyOnce,
            min_pause: SimDuration::from_secs(5),
            checkpoint_timeout: SimDuration::from_secs(60),
            max_concurrent_checkpoints: 1,
            tolerable_failed_checkpoints: 0,
            unaligned: false,
            aligned_checkpoint_timeout: SimDuration::ZERO,
            num_retained: 1,
            checkpoint_dir: "file:///tmp/flink-checkpoints".to_string(),
            restart_strategy: RestartStrategyConfig::exponential_default(),
            heartbeat_interval: SimDuration::from_secs(10),
            heartbeat_timeout: SimDuration::from_secs(50),
            heartbeat_rpc_failure_threshold: 2,
            slot_request_timeout: SimDuration::from_secs(300),
            checkpoint_history_size: 10,
            exception_history_size: 16,
            buffers_per_channel: 2,
            max_buffers_per_channel: 10,
            segment_size_bytes: 32 * 1024,
            source_interval: SimDuration::from_secs(5),
            abnormal_ratio: Ratio {
                numerator: 300,
                denominator: 1_000,
            },
            users_per_subtask: 1,
            record_bytes: 40,
            channel_latency_min: SimDuration::from_us(200),
            channel_latency_max: SimDuration::from_ms(2),
            rpc_latency_min: SimDuration::from_ms(1),
            rpc_latency_max: SimDuration::from_ms(5),
            record_cost: SimDuration::from_ms(1),
            snapshot_sync_min: SimDuration::ZERO,
            snapshot_sync_max: SimDuration::from_ms(2),
            snapshot_async_min: SimDuration::from_ms(2),
            snapshot_async_max: SimDuration::from_ms(25),
            snapshot_first_extra: SimDuration::from_ms(300),
            deploy_duration: SimDuration::from_ms(70),
            initialize_duration: SimDuration::from_ms(30),
            cancel_duration: SimDuration::from_ms(20),
            connection_loss_detection: SimDuration::from_ms(500),
            task_manager_startup: SimDuration::from_secs(3),
            epoch_ms: 1_795_608_343_117,
        }
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
    fn new(key: &str, value: impl fmt::Display, allowed: impl Into<String>) -> ConfigError {
        ConfigError {
            key: key.to_string(),
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }
}

/// Upper bounds that keep every table and queue of the engine small.
pub mod limits {
    /// Largest parallelism (channels grow with its square).
    pub const PARALLELISM_MAX: u32 = 32;
    /// Most TaskManagers.
    pub const TASK_MANAGERS_MAX: u32 = 32;
    /// Most slots per TaskManager.
    pub const SLOTS_MAX: u32 = 32;
    /// Most users per source subtask.
    pub const USERS_PER_SUBTASK_MAX: u32 = 64;
    /// Most concurrent checkpoints.
    pub const CONCURRENT_CHECKPOINTS_MAX: u32 = 8;
    /// Most retained checkpoints.
    pub const RETAINED_MAX: u32 = 100;
    /// Most checkpoints with full details in the history.
    pub const HISTORY_MAX: u32 = 1_000;
    /// Largest channel, in records.
    pub const CHANNEL_RECORDS_MAX: u32 = 100_000;
}

/// Checks one `u32` option against an inclusive range.
fn check_range(key: &str, value: u32, low: u32, high: u32) -> Result<(), ConfigError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::new(
            key,
            value,
            format!("allowed: {low} ..= {high}"),
        ))
    }
}

/// Checks one duration option against an inclusive range.
fn check_duration(
    key: &str,
    value: SimDuration,
    low: SimDuration,
    high: SimDuration,
) -> Result<(), ConfigError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::new(
            key,
            value,
            format!("allowed: {low} ..= {high}"),
        ))
    }
}

impl SimConfig {
    /// Records one channel holds before its sender is back-pressured: the receiver's exclusive
    /// buffers plus the sender's buffers for that subpartition, each a memory segment full of
    /// records.
    pub fn channel_capacity_records(&self) -> u32 {
        let buffers = u64::from(self.buffers_per_channel + self.max_buffers_per_channel);
        let per_buffer = u64::from(self.segment_size_bytes) / u64::from(self.record_bytes);
        (buffers * per_buffer.max(1)).clamp(1, u64::from(limits::CHANNEL_RECORDS_MAX)) as u32
    }

    /// The effective max parallelism (Flink's default rule when not set).
    pub fn effective_max_parallelism(&self) -> u32 {
        if self.max_parallelism == 0 {
            crate::sim::key_group::default_max_parallelism(self.parallelism)
        } else {
            self.max_parallelism
        }
    }

    /// Checks every value and the rules between values; the first problem is returned.
    pub fn validate(&self) -> Result<(), ConfigError> {
        use limits::*;
        let ms = SimDuration::from_ms;
        let day = SimDuration::from_secs(86_400);
        if self.job_name.trim().is_empty() || self.job_name.chars().count() > 100 {
            return Err(ConfigError::new(
                "pipeline.name",
                &self.job_name,
                "1 to 100 characters",
            ));
        }
        check_range("parallelism.default", self.parallelism, 1, PARALLELISM_MAX)?;
        if self.max_parallelism != 0 {
            check_range(
                "pipeline.max-parallelism",
                self.max_parallelism,
                self.parallelism,
                crate::sim::key_group::UPPER_BOUND_MAX_PARALLELISM,
            )?;
        }
        check_range(
            "simulation.taskmanagers",
            self.task_managers,
            1,
            TASK_MANAGERS_MAX,
        )?;
        check_range(
            "taskmanager.numberOfTaskSlots",
            self.slots_per_task_manager,
            1,
            SLOTS_MAX,
        )?;
        // Flink's MINIMAL_CHECKPOINT_TIME is 10 ms for both interval and timeout.
        check_duration(
            "execution.checkpointing.interval",
            self.checkpoint_interval,
            ms(10),
            day,
        )?;
        check_duration(
            "execution.checkpointing.min-pause",
            self.min_pause,
            SimDuration::ZERO,
            day,
        )?;
        check_duration(
            "execution.checkpointing.timeout",
            self.checkpoint_timeout,
            ms(10),
            day,
        )?;
        check_range(
            "execution.checkpointing.max-concurrent-checkpoints",
            self.max_concurrent_checkpoints,
            1,
            CONCURRENT_CHECKPOINTS_MAX,
        )?;
        check_range(
            "execution.checkpointing.tolerable-failed-checkpoints",
            self.tolerable_failed_checkpoints,
            0,
            1_000,
        )?;
        check_duration(
            "execution.checkpointing.aligned-checkpoint-timeout",
            self.aligned_checkpoint_timeout,
            SimDuration::ZERO,
            day,
        )?;
        check_range(
            "execution.checkpointing.num-retained",
            self.num_retained,
            1,
            RETAINED_MAX,
        )?;
        self.validate_unaligned()?;
        if self.checkpoint_dir.trim().is_empty() || self.checkpoint_dir.len() > 200 {
            return Err(ConfigError::new(
                "execution.checkpointing.dir",
                format!("'{}'", self.checkpoint_dir),
                "a path or URI of 1 to 200 characters, e.g. file:///tmp/flink-checkpoints",
            ));
        }
        self.validate_restart_strategy()?;
        self.validate_cluster_timing()?;
        self.validate_workload()
    }

    fn validate_unaligned(&self) -> Result<(), ConfigError> {
        if !self.unaligned {
            return Ok(());
        }
        if self.checkpointing_mode != CheckpointingMode::ExactlyOnce {
            return Err(ConfigError::new(
                "execution.checkpointing.unaligned.enabled",
                true,
                "unaligned checkpoints need execution.checkpointing.mode EXACTLY_ONCE",
            ));
        }
        if self.max_concurrent_checkpoints != 1 {
            return Err(ConfigError::new(
                "execution.checkpointing.unaligned.enabled",
                true,
                "unaligned checkpoints need max-concurrent-checkpoints = 1",
            ));
        }
        Ok(())
    }

    fn validate_restart_strategy(&self) -> Result<(), ConfigError> {
        let hour = SimDuration::from_secs(3_600);
        let ms = SimDuration::from_ms;
        let prefix = "restart-strategy";
        match self.restart_strategy {
            RestartStrategyConfig::ExponentialDelay {
                initial_backoff,
                max_backoff,
                multiplier_milli,
                reset_threshold,
                jitter_milli,
                attempts_before_reset,
            } => {
                let key = format!("{prefix}.exponential-delay.initial-backoff");
                check_duration(&key, initial_backoff, ms(1), hour)?;
                let key = format!("{prefix}.exponential-delay.max-backoff");
                check_duration(&key, max_backoff, initial_backoff, hour)?;
                if !(1_000..=10_000).contains(&multiplier_milli) {
                    return Err(ConfigError::new(
                        &format!("{prefix}.exponential-delay.backoff-multiplier"),
                        decimal_milli(u64::from(multiplier_milli)),
                        "allowed: 1.0 ..= 10.0",
                    ));
                }
                let key = format!("{prefix}.exponential-delay.reset-backoff-threshold");
                check_duration(&key, reset_threshold, ms(1), SimDuration::from_secs(86_400))?;
                if jitter_milli > 1_000 {
                    return Err(ConfigError::new(
                        &format!("{prefix}.exponential-delay.jitter-factor"),
                        decimal_milli(u64::from(jitter_milli)),
                        "allowed: 0.0 ..= 1.0",
                    ));
                }
                let key = format!("{prefix}.exponential-delay.attempts-before-reset-backoff");
                check_range(&key, attempts_before_reset, 1, i32::MAX as u32)
            }
            RestartStrategyConfig::FixedDelay { attempts, delay } => {
                check_range(
                    &format!("{prefix}.fixed-delay.attempts"),
                    attempts,
                    0,
                    1_000_000,
                )?;
                check_duration(
                    &format!("{prefix}.fixed-delay.delay"),
                    delay,
                    SimDuration::ZERO,
                    hour,
                )
            }
            RestartStrategyConfig::FailureRate {
                max_failures_per_interval,
                interval,
                delay,
            } => {
                let key = format!("{prefix}.failure-rate.max-failures-per-interval");
                check_range(&key, max_failures_per_interval, 1, 1_000)?;
                let key = format!("{prefix}.failure-rate.failure-rate-interval");
                check_duration(&key, interval, ms(1), SimDuration::from_secs(86_400))?;
                check_duration(
                    &format!("{prefix}.failure-rate.delay"),
                    delay,
                    SimDuration::ZERO,
                    hour,
                )
            }
            RestartStrategyConfig::None => Ok(()),
        }
    }

    fn validate_cluster_timing(&self) -> Result<(), ConfigError> {
        let ms = SimDuration::from_ms;
        let hour = SimDuration::from_secs(3_600);
        check_duration("heartbeat.interval", self.heartbeat_interval, ms(100), hour)?;
        check_duration(
            "heartbeat.timeout",
            self.heartbeat_timeout,
            self.heartbeat_interval,
            hour,
        )?;
        check_range(
            "heartbeat.rpc-failure-threshold",
            self.heartbeat_rpc_failure_threshold,
            0,
            100,
        )?;
        check_duration(
            "slot.request.timeout",
            self.slot_request_timeout,
            ms(10),
            hour,
        )?;
        check_range(
            "web.checkpoints.history",
            self.checkpoint_history_size,
            1,
            limits::HISTORY_MAX,
        )?;
        check_range(
            "web.exception-history-size",
            self.exception_history_size,
            1,
            1_000,
        )?;
        check_range(
            "taskmanager.network.memory.buffers-per-channel",
            self.buffers_per_channel,
            1,
            1_000,
        )?;
        check_range(
            "taskmanager.network.memory.max-buffers-per-channel",
            self.max_buffers_per_channel,
            0,
            1_000,
        )?;
        check_range(
            "taskmanager.memory.segment-size",
            self.segment_size_bytes,
            256,
            1 << 24,
        )?;
        for (key, low, high) in [
            (
                "simulation.network.latency",
                self.channel_latency_min,
                self.channel_latency_max,
            ),
            (
                "simulation.rpc.latency",
                self.rpc_latency_min,
                self.rpc_latency_max,
            ),
            (
                "simulation.snapshot.sync",
                self.snapshot_sync_min,
                self.snapshot_sync_max,
            ),
            (
                "simulation.snapshot.async",
                self.snapshot_async_min,
                self.snapshot_async_max,
            ),
        ] {
            check_duration(
                &format!("{key}-max"),
                high,
                low,
                SimDuration::from_secs(600),
            )?;
        }
        check_duration(
            "simulation.snapshot.first-extra",
            self.snapshot_first_extra,
            SimDuration::ZERO,
            hour,
        )?;
        for (key, value) in [
            ("simulation.deploy.duration", self.deploy_duration),
            ("simulation.initialize.duration", self.initialize_duration),
            ("simulation.cancel.duration", self.cancel_duration),
            (
                "simulation.failure-detection.connection-loss",
                self.connection_loss_detection,
            ),
            ("simulation.taskmanager.startup", self.task_manager_startup),
        ] {
            check_duration(key, value, SimDuration::ZERO, SimDuration::from_secs(600))?;
        }
        Ok(())
    }

    fn validate_workload(&self) -> Result<(), ConfigError> {
        let second = SimDuration::from_secs(1);
        check_duration(
            "simulation.source.interval",
            self.source_interval,
            SimDuration::from_us(10),
            SimDuration::from_secs(3_600),
        )?;
        if self.abnormal_ratio.numerator > self.abnormal_ratio.denominator {
            return Err(ConfigError::new(
                "simulation.source.abnormal-ratio",
                ratio_text(self.abnormal_ratio),
                "allowed: 0.0 ..= 1.0",
            ));
        }
        check_range(
            "simulation.source.users-per-subtask",
            self.users_per_subtask,
            1,
            limits::USERS_PER_SUBTASK_MAX,
        )?;
        check_range("simulation.record.size", self.record_bytes, 8, 1 << 20)?;
        check_duration(
            "simulation.process.record-cost",
            self.record_cost,
            SimDuration::ZERO,
            second,
        )?;
        check_range(
            "simulation.epoch",
            (self.epoch_ms / 1_000 / 86_400) as u32,
            0,
            2_932_896,
        )
    }
}

/// A ratio as a decimal when it is a whole number of thousandths (`0.3`), else as a fraction.
fn ratio_text(ratio: Ratio) -> String {
    match 1_000u32.checked_rem(ratio.denominator) {
        Some(0) => decimal_milli(u64::from(ratio.numerator) * u64::from(1_000 / ratio.denominator)),
        _ => format!("{}/{}", ratio.numerator, ratio.denominator),
    }
}
