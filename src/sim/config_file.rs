//! The configuration file: a flat JSON object keyed by Flink option names.
//!
//! Reading applies each key onto the defaults and validates the result; writing produces every
//! key, so a saved file documents the whole run. Unknown keys are errors (a typo must not be
//! silently ignored). Values given as text (`--set key=value`, URL parameters) go through the
//! same path as JSON values.

use crate::sim::config::{
    CheckpointingMode, ConfigError, Placement, RestartStrategyConfig, SimConfig,
};
use crate::sim::rng::Ratio;
use crate::sim::time::{parse_duration, SimDuration};
use serde_json::{Map, Value};

const EXPONENTIAL: &str = "restart-strategy.exponential-delay.";
const FIXED: &str = "restart-strategy.fixed-delay.";
const RATE: &str = "restart-strategy.failure-rate.";

fn bad(key: &str, value: &Value, allowed: &str) -> ConfigError {
    let shown = match value {
        Value::String(text) => format!("'{text}'"),
        other => other.to_string(),
    };
    ConfigError {
        key: key.to_string(),
        value: shown,
        allowed: allowed.to_string(),
    }
}

fn as_u32(key: &str, value: &Value) -> Result<u32, ConfigError> {
    let parsed = match value {
        Value::Number(n) => n.as_u64(),
        Value::String(text) => text.trim().parse::<u64>().ok(),
        _ => None,
    };
    parsed
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| bad(key, value, "a whole number between 0 and 4294967295"))
}

fn as_bool(key: &str, value: &Value) -> Result<bool, ConfigError> {
    match value {
        Value::Bool(flag) => Ok(*flag),
        Value::String(text) if text.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(text) if text.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(bad(key, value, "true or false")),
    }
}

fn as_duration(key: &str, value: &Value) -> Result<SimDuration, ConfigError> {
    match value {
        // A bare number is milliseconds, as in Flink.
        Value::Number(n) => n
            .as_u64()
            .and_then(|ms| ms.checked_mul(1_000))
            .map(SimDuration)
            .ok_or_else(|| bad(key, value, "a duration such as 500 ms, 10 s, 2 min")),
        Value::String(text) => {
            parse_duration(text).map_err(|error| bad(key, value, &error.to_string()))
        }
        _ => Err(bad(key, value, "a duration such as 500 ms, 10 s, 2 min")),
    }
}

fn as_text(key: &str, value: &Value) -> Result<String, ConfigError> {
    match value {
        Value::String(text) => Ok(text.clone()),
        _ => Err(bad(key, value, "a string")),
    }
}

/// A decimal in `[0, max]`, kept in thousandths (no floats in the engine).
fn as_milli(key: &str, value: &Value, max_milli: u32) -> Result<u32, ConfigError> {
    let max = f64::from(max_milli) / 1_000.0;
    let milli = match value {
        Value::Number(n) => n
            .as_f64()
            .filter(|x| x.is_finite() && *x >= 0.0 && *x <= max)
            .map(|x| (x * 1_000.0).round() as u64),
        Value::String(text) => crate::sim::time::parse_decimal_milli(text.trim()),
        _ => None,
    };
    match milli {
        Some(m) if m <= u64::from(max_milli) => Ok(m as u32),
        _ => Err(bad(
            key,
            value,
            &format!(
                "a decimal number between 0.0 and {}.{}",
                max_milli / 1_000,
                max_milli % 1_000 / 100
            ),
        )),
    }
}

fn as_bytes(key: &str, value: &Value) -> Result<u32, ConfigError> {
    let allowed = "a size such as 32 kb, 32768 or 1 mb";
    let text = match value {
        Value::Number(_) => return as_u32(key, value),
        Value::String(text) => text.trim().to_ascii_lowercase(),
        _ => return Err(bad(key, value, allowed)),
    };
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let number: u64 = text[..digits_end]
        .parse()
        .map_err(|_| bad(key, value, allowed))?;
    let unit: u64 = match text[digits_end..].trim() {
        "" | "b" | "bytes" => 1,
        "k" | "kb" | "kibibytes" => 1 << 10,
        "m" | "mb" | "mebibytes" => 1 << 20,
        _ => return Err(bad(key, value, allowed)),
    };
    number
        .checked_mul(unit)
        .and_then(|bytes| u32::try_from(bytes).ok())
        .ok_or_else(|| bad(key, value, allowed))
}

impl SimConfig {
    /// Reads a configuration file's text: defaults, then every key of the object, then
    /// validation.
    pub fn from_json(text: &str) -> Result<SimConfig, ConfigError> {
        let value: Value = serde_json::from_str(text).map_err(|error| ConfigError {
            key: "(file)".to_string(),
            value: format!(
                "invalid JSON ({})",
                crate::sim::json::describe_json_error(&error)
            ),
            allowed: "a JSON object of Flink option names to values".to_string(),
        })?;
        let Value::Object(map) = value else {
            return Err(ConfigError {
                key: "(file)".to_string(),
                value: "not a JSON object".to_string(),
                allowed: "a JSON object of Flink option names to values".to_string(),
            });
        };
        SimConfig::from_map(&map)
    }

    /// Reads a configuration given as a JSON object (as the JobManager state and run files
    /// hold it): defaults, then every key of the object, then validation.
    pub fn from_map(map: &Map<String, Value>) -> Result<SimConfig, ConfigError> {
        let mut config = SimConfig::default();
        // The strategy type first: its options apply to the chosen strategy.
        if let Some(kind) = map.get("restart-strategy.type") {
            config.apply("restart-strategy.type", kind)?;
        }
        for (key, value) in map {
            if key != "restart-strategy.type" {
                config.apply(key, value)?;
            }
        }
        config.validate()?;
        Ok(config)
    }

    /// Applies one option given as text (`--set key=value`, a URL parameter). Numbers and
    /// booleans are recognised; everything else is a string. Does not validate the whole.
    pub fn apply_text(&mut self, key: &str, text: &str) -> Result<(), ConfigError> {
        let value = if let Ok(number) = text.trim().parse::<u64>() {
            Value::from(number)
        } else {
            Value::String(text.to_string())
        };
        self.apply(key, &value)
    }

    /// Applies one option. Does not validate the whole configuration.
    pub fn apply(&mut self, key: &str, value: &Value) -> Result<(), ConfigError> {
        if key.starts_with("restart-strategy.") {
            return self.apply_restart(key, value);
        }
        if key.starts_with("simulation.") {
            return self.apply_simulation(key, value);
        }
        match key {
            "pipeline.name" => self.job_name = as_text(key, value)?,
            "parallelism.default" => self.parallelism = as_u32(key, value)?,
            "pipeline.max-parallelism" => {
                self.max_parallelism = match value {
                    Value::Number(n) if n.as_i64() == Some(-1) => 0,
                    _ => as_u32(key, value)?,
                }
            }
            "pipeline.operator-chaining.enabled" => self.chaining = as_bool(key, value)?,
            "taskmanager.numberOfTaskSlots" => self.slots_per_task_manager = as_u32(key, value)?,
            "taskmanager.load-balance.mode" => {
                self.placement = match as_text(key, value)?.to_ascii_uppercase().as_str() {
                    "SLOTS" => Placement::Spread,
                    "NONE" => Placement::Packed,
                    _ => return Err(bad(key, value, "SLOTS (spread) or NONE (packed)")),
                }
            }
            "execution.checkpointing.interval" => {
                self.checkpoint_interval = as_duration(key, value)?;
            }
            "execution.checkpointing.mode" => {
                self.checkpointing_mode = match as_text(key, value)?.to_ascii_uppercase().as_str() {
                    "EXACTLY_ONCE" => CheckpointingMode::ExactlyOnce,
                    "AT_LEAST_ONCE" => CheckpointingMode::AtLeastOnce,
                    _ => return Err(bad(key, value, "EXACTLY_ONCE or AT_LEAST_ONCE")),
                }
            }
            "execution.checkpointing.min-pause" => self.min_pause = as_duration(key, value)?,
            "execution.checkpointing.timeout" => self.checkpoint_timeout = as_duration(key, value)?,
            "execution.checkpointing.max-concurrent-checkpoints" => {
                self.max_concurrent_checkpoints = as_u32(key, value)?;
            }
            "execution.checkpointing.tolerable-failed-checkpoints" => {
                self.tolerable_failed_checkpoints = as_u32(key, value)?;
            }
            "execution.checkpointing.unaligned.enabled" => self.unaligned = as_bool(key, value)?,
            "execution.checkpointing.aligned-checkpoint-timeout" => {
                self.aligned_checkpoint_timeout = as_duration(key, value)?;
            }
            "execution.checkpointing.num-retained" => self.num_retained = as_u32(key, value)?,
            "execution.checkpointing.dir" => self.checkpoint_dir = as_text(key, value)?,
            "state.backend.type" => {
                if !as_text(key, value)?.eq_ignore_ascii_case("hashmap") {
                    return Err(bad(
                        key,
                        value,
                        "hashmap (the only state backend simulated)",
                    ));
                }
            }
            "heartbeat.interval" => self.heartbeat_interval = as_duration(key, value)?,
            "heartbeat.timeout" => self.heartbeat_timeout = as_duration(key, value)?,
            "heartbeat.rpc-failure-threshold" => {
                self.heartbeat_rpc_failure_threshold = match value {
                    Value::Number(n) if n.as_i64() == Some(-1) => 0,
                    _ => as_u32(key, value)?,
                }
            }
            "slot.request.timeout" => self.slot_request_timeout = as_duration(key, value)?,
            "web.checkpoints.history" => self.checkpoint_history_size = as_u32(key, value)?,
            "web.exception-history-size" => self.exception_history_size = as_u32(key, value)?,
            "taskmanager.network.memory.buffers-per-channel" => {
                self.buffers_per_channel = as_u32(key, value)?;
            }
            "taskmanager.network.memory.max-buffers-per-channel" => {
                self.max_buffers_per_channel = as_u32(key, value)?;
            }
            "taskmanager.memory.segment-size" => self.segment_size_bytes = as_bytes(key, value)?,
            _ => return Err(unknown(key)),
        }
        Ok(())
    }

    fn apply_simulation(&mut self, key: &str, value: &Value) -> Result<(), ConfigError> {
        let field: &mut SimDuration = match key {
            "simulation.taskmanagers" => {
                self.task_managers = as_u32(key, value)?;
                return Ok(());
            }
            "simulation.source.abnormal-ratio" => {
                let numerator = as_milli(key, value, 1_000)?;
                self.abnormal_ratio = Ratio {
                    numerator,
                    denominator: 1_000,
                };
                return Ok(());
            }
            "simulation.source.users-per-subtask" => {
                self.users_per_subtask = as_u32(key, value)?;
                return Ok(());
            }
            "simulation.record.size" => {
                self.record_bytes = as_bytes(key, value)?;
                return Ok(());
            }
            "simulation.epoch" => {
                self.epoch_ms = match value {
                    Value::Number(n) => n.as_u64(),
                    _ => None,
                }
                .ok_or_else(|| bad(key, value, "epoch milliseconds, e.g. 1795608343117"))?;
                return Ok(());
            }
            "simulation.source.interval" => &mut self.source_interval,
            "simulation.network.latency-min" => &mut self.channel_latency_min,
            "simulation.network.latency-max" => &mut self.channel_latency_max,
            "simulation.rpc.latency-min" => &mut self.rpc_latency_min,
            "simulation.rpc.latency-max" => &mut self.rpc_latency_max,
            "simulation.process.record-cost" => &mut self.record_cost,
            "simulation.snapshot.sync-min" => &mut self.snapshot_sync_min,
            "simulation.snapshot.sync-max" => &mut self.snapshot_sync_max,
            "simulation.snapshot.async-min" => &mut self.snapshot_async_min,
            "simulation.snapshot.async-max" => &mut self.snapshot_async_max,
            "simulation.snapshot.first-extra" => &mut self.snapshot_first_extra,
            "simulation.deploy.duration" => &mut self.deploy_duration,
            "simulation.initialize.duration" => &mut self.initialize_duration,
            "simulation.cancel.duration" => &mut self.cancel_duration,
            "simulation.failure-detection.connection-loss" => &mut self.connection_loss_detection,
            "simulation.taskmanager.startup" => &mut self.task_manager_startup,
            _ => return Err(unknown(key)),
        };
        *field = as_duration(key, value)?;
        Ok(())
    }

    fn apply_restart(&mut self, key: &str, value: &Value) -> Result<(), ConfigError> {
        if key == "restart-strategy.type" {
            self.restart_strategy = match as_text(key, value)?.to_ascii_lowercase().as_str() {
                "exponential-delay" | "exponentialdelay" => {
                    RestartStrategyConfig::exponential_default()
                }
                "fixed-delay" | "fixeddelay" => RestartStrategyConfig::FixedDelay {
                    attempts: 1,
                    delay: SimDuration::from_secs(1),
                },
                "failure-rate" | "failurerate" => RestartStrategyConfig::FailureRate {
                    max_failures_per_interval: 1,
                    interval: SimDuration::from_secs(60),
                    delay: SimDuration::from_secs(1),
                },
                "none" | "off" | "disable" => RestartStrategyConfig::None,
                _ => {
                    return Err(bad(
                        key,
                        value,
                        "exponential-delay, fixed-delay, failure-rate or none",
                    ))
                }
            };
            return Ok(());
        }
        let chosen = self.restart_strategy.type_name();
        let wrong_type = || ConfigError {
            key: key.to_string(),
            value: value.to_string(),
            allowed: format!("options of the chosen restart-strategy.type ({chosen})"),
        };
        match &mut self.restart_strategy {
            RestartStrategyConfig::ExponentialDelay {
                initial_backoff,
                max_backoff,
                multiplier_milli,
                reset_threshold,
                jitter_milli,
                attempts_before_reset,
            } => match key.strip_prefix(EXPONENTIAL).ok_or_else(wrong_type)? {
                "initial-backoff" => *initial_backoff = as_duration(key, value)?,
                "max-backoff" => *max_backoff = as_duration(key, value)?,
                "backoff-multiplier" => *multiplier_milli = as_milli(key, value, 10_000)?,
                "reset-backoff-threshold" => *reset_threshold = as_duration(key, value)?,
                "jitter-factor" => *jitter_milli = as_milli(key, value, 1_000)?,
                "attempts-before-reset-backoff" => *attempts_before_reset = as_u32(key, value)?,
                _ => return Err(unknown(key)),
            },
            RestartStrategyConfig::FixedDelay { attempts, delay } => {
                match key.strip_prefix(FIXED).ok_or_else(wrong_type)? {
                    "attempts" => *attempts = as_u32(key, value)?,
                    "delay" => *delay = as_duration(key, value)?,
                    _ => return Err(unknown(key)),
                }
            }
            RestartStrategyConfig::FailureRate {
                max_failures_per_interval,
                interval,
                delay,
            } => match key.strip_prefix(RATE).ok_or_else(wrong_type)? {
                "max-failures-per-interval" => *max_failures_per_interval = as_u32(key, value)?,
                "failure-rate-interval" => *interval = as_duration(key, value)?,
                "delay" => *delay = as_duration(key, value)?,
                _ => return Err(unknown(key)),
            },
            RestartStrategyConfig::None => return Err(wrong_type()),
        }
        Ok(())
    }

    /// Every option of this configuration, as a flat JSON object (the file format).
    pub fn to_json(&self) -> Map<String, Value> {
        let mut map = Map::new();
        let mut put = |key: &str, value: Value| {
            map.insert(key.to_string(), value);
        };
        let duration = |d: SimDuration| Value::String(d.to_string());
        let milli = |m: u32| Value::from(f64::from(m) / 1_000.0);
        put("pipeline.name", Value::from(self.job_name.clone()));
        put("parallelism.default", Value::from(self.parallelism));
        let max_p = if self.max_parallelism == 0 {
            -1
        } else {
            i64::from(self.max_parallelism)
        };
        put("pipeline.max-parallelism", Value::from(max_p));
        put(
            "pipeline.operator-chaining.enabled",
            Value::from(self.chaining),
        );
        put(
            "taskmanager.numberOfTaskSlots",
            Value::from(self.slots_per_task_manager),
        );
        let mode = match self.placement {
            Placement::Spread => "SLOTS",
            Placement::Packed => "NONE",
        };
        put("taskmanager.load-balance.mode", Value::from(mode));
        put(
            "execution.checkpointing.interval",
            duration(self.checkpoint_interval),
        );
        put(
            "execution.checkpointing.mode",
            Value::from(self.checkpointing_mode.as_str()),
        );
        put(
            "execution.checkpointing.min-pause",
            duration(self.min_pause),
        );
        put(
            "execution.checkpointing.timeout",
            duration(self.checkpoint_timeout),
        );
        put(
            "execution.checkpointing.max-concurrent-checkpoints",
            Value::from(self.max_concurrent_checkpoints),
        );
        put(
            "execution.checkpointing.tolerable-failed-checkpoints",
            Value::from(self.tolerable_failed_checkpoints),
        );
        put(
            "execution.checkpointing.unaligned.enabled",
            Value::from(self.unaligned),
        );
        put(
            "execution.checkpointing.aligned-checkpoint-timeout",
            duration(self.aligned_checkpoint_timeout),
        );
        put(
            "execution.checkpointing.num-retained",
            Value::from(self.num_retained),
        );
        put(
            "execution.checkpointing.dir",
            Value::from(self.checkpoint_dir.clone()),
        );
        put("state.backend.type", Value::from("hashmap"));
        put(
            "restart-strategy.type",
            Value::from(self.restart_strategy.type_name()),
        );
        match self.restart_strategy {
            RestartStrategyConfig::ExponentialDelay {
                initial_backoff,
                max_backoff,
                multiplier_milli,
                reset_threshold,
                jitter_milli,
                attempts_before_reset,
            } => {
                put(
                    &format!("{EXPONENTIAL}initial-backoff"),
                    duration(initial_backoff),
                );
                put(&format!("{EXPONENTIAL}max-backoff"), duration(max_backoff));
                put(
                    &format!("{EXPONENTIAL}backoff-multiplier"),
                    milli(multiplier_milli),
                );
                put(
                    &format!("{EXPONENTIAL}reset-backoff-threshold"),
                    duration(reset_threshold),
                );
                put(&format!("{EXPONENTIAL}jitter-factor"), milli(jitter_milli));
                put(
                    &format!("{EXPONENTIAL}attempts-before-reset-backoff"),
                    Value::from(attempts_before_reset),
                );
            }
            RestartStrategyConfig::FixedDelay { attempts, delay } => {
                put(&format!("{FIXED}attempts"), Value::from(attempts));
                put(&format!("{FIXED}delay"), duration(delay));
            }
            RestartStrategyConfig::FailureRate {
                max_failures_per_interval,
                interval,
                delay,
            } => {
                put(
                    &format!("{RATE}max-failures-per-interval"),
                    Value::from(max_failures_per_interval),
                );
                put(&format!("{RATE}failure-rate-interval"), duration(interval));
                put(&format!("{RATE}delay"), duration(delay));
            }
            RestartStrategyConfig::None => {}
        }
        put("heartbeat.interval", duration(self.heartbeat_interval));
        put("heartbeat.timeout", duration(self.heartbeat_timeout));
        put(
            "heartbeat.rpc-failure-threshold",
            Value::from(self.heartbeat_rpc_failure_threshold),
        );
        put("slot.request.timeout", duration(self.slot_request_timeout));
        put(
            "web.checkpoints.history",
            Value::from(self.checkpoint_history_size),
        );
        put(
            "web.exception-history-size",
            Value::from(self.exception_history_size),
        );
        put(
            "taskmanager.network.memory.buffers-per-channel",
            Value::from(self.buffers_per_channel),
        );
        put(
            "taskmanager.network.memory.max-buffers-per-channel",
            Value::from(self.max_buffers_per_channel),
        );
        put(
            "taskmanager.memory.segment-size",
            Value::from(self.segment_size_bytes),
        );
        self.simulation_json(&mut put);
        map
    }

    fn simulation_json(&self, put: &mut impl FnMut(&str, Value)) {
        let duration = |d: SimDuration| Value::String(d.to_string());
        put("simulation.taskmanagers", Value::from(self.task_managers));
        put("simulation.source.interval", duration(self.source_interval));
        let ratio =
            f64::from(self.abnormal_ratio.numerator) / f64::from(self.abnormal_ratio.denominator);
        put("simulation.source.abnormal-ratio", Value::from(ratio));
        put(
            "simulation.source.users-per-subtask",
            Value::from(self.users_per_subtask),
        );
        put("simulation.record.size", Value::from(self.record_bytes));
        put(
            "simulation.network.latency-min",
            duration(self.channel_latency_min),
        );
        put(
            "simulation.network.latency-max",
            duration(self.channel_latency_max),
        );
        put("simulation.rpc.latency-min", duration(self.rpc_latency_min));
        put("simulation.rpc.latency-max", duration(self.rpc_latency_max));
        put("simulation.process.record-cost", duration(self.record_cost));
        put(
            "simulation.snapshot.sync-min",
            duration(self.snapshot_sync_min),
        );
        put(
            "simulation.snapshot.sync-max",
            duration(self.snapshot_sync_max),
        );
        put(
            "simulation.snapshot.async-min",
            duration(self.snapshot_async_min),
        );
        put(
            "simulation.snapshot.async-max",
            duration(self.snapshot_async_max),
        );
        put(
            "simulation.snapshot.first-extra",
            duration(self.snapshot_first_extra),
        );
        put("simulation.deploy.duration", duration(self.deploy_duration));
        put(
            "simulation.initialize.duration",
            duration(self.initialize_duration),
        );
        put("simulation.cancel.duration", duration(self.cancel_duration));
        put(
            "simulation.failure-detection.connection-loss",
            duration(self.connection_loss_detection),
        );
        put(
            "simulation.taskmanager.startup",
            duration(self.task_manager_startup),
        );
        put("simulation.epoch", Value::from(self.epoch_ms));
    }
}

fn unknown(key: &str) -> ConfigError {
    ConfigError {
        key: key.to_string(),
        value: "(unknown option)".to_string(),
        allowed: "one of the options listed by `flinkscope config`".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            "parallelism.default: 0 is not allowed; allowed: 1 ..= 32"
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
