//! The one table of options: every Flink option (and `simulation.*` knob) the simulation
//! reads, with its key, kind and range, default, English and Korean label, where it belongs
//! (the job's `Configuration`, the cluster's `config.yaml`, or the simulation itself), its
//! Flink `ConfigOption` constant, and how it is read from and written to a [`SimConfig`].
//!
//! Everything else is derived from [`OPTIONS`]: reading a configuration file, `--set`, link
//! parameters and editor fields ([`SimConfig::apply`]); writing the flat JSON file
//! ([`SimConfig::to_json`]); range checks ([`SimConfig::validate`] adds only the rules between
//! options); the defaults ([`SimConfig::default`]); the configuration editor's fields and the
//! equivalent Java ([`java_snippet`]). Adding an option is one entry here plus its engine
//! behaviour.

use crate::sim::checkpoint::KEYED_STATE_PER_KEY_BYTES;
use crate::sim::config::{
    CheckpointingMode, ConfigError, Placement, RestartStrategyConfig, SimConfig, StateBackend,
};
use crate::sim::limits::*;
use crate::sim::rng::Ratio;
use crate::sim::time::{decimal_milli, parse_decimal_milli, parse_duration, SimDuration};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;

/// Where an option belongs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Set on the job (`Configuration` passed to the execution environment).
    Job,
    /// Set in the cluster's `config.yaml`.
    Cluster,
    /// Not a Flink option: what a real cluster gets from hardware and job code.
    Simulation,
}

/// How an option's value is written, and the values it allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A Flink duration (`10 s`; a bare number is milliseconds, as in Flink).
    Duration {
        /// Smallest allowed.
        min: SimDuration,
        /// Largest allowed.
        max: SimDuration,
    },
    /// A whole number. With `unset`, `-1` means "not set" and is kept as 0.
    Count {
        /// Smallest allowed (other than the unset value).
        min: u32,
        /// Largest allowed.
        max: u32,
        /// Whether `-1` is accepted as "not set".
        unset: bool,
    },
    /// `true` or `false`.
    Flag,
    /// One of a few names (matched without regard to case), with aliases Flink also accepts.
    Choice {
        /// The names, as written back.
        values: &'static [&'static str],
        /// Other spellings and the name they mean.
        aliases: &'static [(&'static str, &'static str)],
        /// The Java enum of the `ConfigOption`, if it is not a `String` option.
        java_enum: Option<&'static str>,
    },
    /// Free text of 1 ..= `max_chars` characters (not blank).
    Text {
        /// Longest allowed.
        max_chars: usize,
    },
    /// A decimal kept in thousandths (`1.5` is 1500).
    Decimal {
        /// Smallest allowed, in thousandths.
        min_milli: u32,
        /// Largest allowed, in thousandths.
        max_milli: u32,
    },
    /// A fraction between 0 and 1 (written as a decimal).
    Ratio,
    /// A size in bytes (`32 kb`, `32768`, `1 mb`).
    Bytes {
        /// Smallest allowed.
        min: u32,
        /// Largest allowed.
        max: u32,
    },
    /// Epoch milliseconds.
    EpochMs,
}

/// A typed option value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionValue {
    /// [`Kind::Duration`].
    Duration(SimDuration),
    /// [`Kind::Count`] (0 is "not set" where `unset`).
    Count(u32),
    /// [`Kind::Flag`].
    Flag(bool),
    /// [`Kind::Choice`]: the canonical name.
    Choice(&'static str),
    /// [`Kind::Text`].
    Text(Cow<'static, str>),
    /// [`Kind::Decimal`], in thousandths.
    Decimal(u32),
    /// [`Kind::Ratio`].
    Ratio(Ratio),
    /// [`Kind::Bytes`].
    Bytes(u32),
    /// [`Kind::EpochMs`].
    EpochMs(u64),
}

impl fmt::Display for OptionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionValue::Duration(d) => write!(f, "{d}"),
            OptionValue::Count(n) | OptionValue::Bytes(n) => write!(f, "{n}"),
            OptionValue::Flag(b) => write!(f, "{b}"),
            OptionValue::Choice(name) => f.write_str(name),
            OptionValue::Text(text) => write!(f, "'{text}'"),
            OptionValue::Decimal(milli) => f.write_str(&decimal_milli(u64::from(*milli))),
            OptionValue::Ratio(ratio) => f.write_str(&ratio_text(*ratio)),
            OptionValue::EpochMs(ms) => write!(f, "{ms}"),
        }
    }
}

/// One option.
pub struct FlinkOption {
    /// Flink's key (`execution.checkpointing.interval`).
    pub key: &'static str,
    /// Its kind and range.
    pub kind: Kind,
    /// Its value in the study talk's job.
    pub default: OptionValue,
    /// Where it belongs.
    pub scope: Scope,
    /// Flink's `ConfigOption` constant (`CheckpointingOptions.CHECKPOINTING_INTERVAL`), for
    /// options the job sets in Java.
    pub java: Option<&'static str>,
    /// Whether the configuration editor offers it.
    pub editor: bool,
    /// English label (its Korean text is in the catalog: see `en_ko!`).
    pub en: &'static str,
    /// Reads it from a configuration; `None` where it does not apply (a restart option of
    /// another strategy).
    pub get: fn(&SimConfig) -> Option<OptionValue>,
    /// Writes a value of its kind, where it applies.
    pub set: fn(&mut SimConfig, OptionValue),
}

impl FlinkOption {
    /// The option with this key.
    pub fn find(key: &str) -> Option<&'static FlinkOption> {
        OPTIONS.iter().find(|o| o.key == key)
    }

    /// Reads a JSON value of this option's kind (ranges are checked by `validate`).
    pub fn parse(&self, value: &Value) -> Result<OptionValue, ConfigError> {
        parse(self.key, self.kind, value)
    }

    /// Its value as the configuration file writes it.
    pub fn to_json(&self, value: &OptionValue) -> Value {
        write_json(self.kind, value)
    }

    /// Its value as a form field or a `--set` shows it (`10 s`, `3`, `true`).
    pub fn to_text(&self, value: &OptionValue) -> String {
        match self.to_json(value) {
            Value::String(text) => text,
            other => other.to_string(),
        }
    }

    /// Checks a value against the option's own range.
    pub fn check(&self, value: &OptionValue) -> Result<(), ConfigError> {
        check(self.key, self.kind, value)
    }
}

// ---- The table ----

const fn ms(n: u64) -> SimDuration {
    SimDuration::from_ms(n)
}
const fn secs(n: u64) -> SimDuration {
    SimDuration::from_secs(n)
}
const HOUR: SimDuration = SimDuration::from_secs(3_600);
const DAY: SimDuration = SimDuration::from_secs(86_400);
const TEN_MINUTES: SimDuration = SimDuration::from_secs(600);

const fn duration(min: SimDuration, max: SimDuration) -> Kind {
    Kind::Duration { min, max }
}
const fn count(min: u32, max: u32) -> Kind {
    Kind::Count {
        min,
        max,
        unset: false,
    }
}

/// Accessor pairs for plain fields: `field!(Duration, checkpoint_interval)`.
macro_rules! field {
    ($variant:ident, $field:ident) => {
        (
            |c: &SimConfig| Some(OptionValue::$variant(c.$field.clone().into())),
            |c: &mut SimConfig, v: OptionValue| {
                if let OptionValue::$variant(x) = v {
                    c.$field = x.into();
                }
            },
        )
    };
}

/// An entry whose value is a plain field of [`SimConfig`].
macro_rules! option {
    ($key:literal, $kind:expr, $default:expr, $scope:ident, $java:expr, $editor:expr,
     $en:expr, $variant:ident, $field:ident) => {
        FlinkOption {
            key: $key,
            kind: $kind,
            default: $default,
            scope: Scope::$scope,
            java: $java,
            editor: $editor,
            en: $en,
            get: field!($variant, $field).0,
            set: field!($variant, $field).1,
        }
    };
}

/// An entry for an option of one restart strategy: it applies only while that strategy is
/// chosen.
macro_rules! restart_option {
    ($key:literal, $kind:expr, $default:expr, $java:literal, $en:expr,
     $strategy:ident, $variant:ident, $field:ident) => {
        FlinkOption {
            key: $key,
            kind: $kind,
            default: $default,
            scope: Scope::Job,
            java: Some($java),
            editor: false,
            en: $en,
            get: |c: &SimConfig| match &c.restart_strategy {
                RestartStrategyConfig::$strategy { $field, .. } => {
                    Some(OptionValue::$variant((*$field).into()))
                }
                _ => None,
            },
            set: |c: &mut SimConfig, v: OptionValue| {
                if let (RestartStrategyConfig::$strategy { $field, .. }, OptionValue::$variant(x)) =
                    (&mut c.restart_strategy, v)
                {
                    *$field = x.into();
                }
            },
        }
    };
}

const EXPONENTIAL: &str = "restart-strategy.exponential-delay.";
const FIXED: &str = "restart-strategy.fixed-delay.";
const RATE: &str = "restart-strategy.failure-rate.";

/// Every option, in the order the configuration file and `flinkscope config` list them.
pub static OPTIONS: &[FlinkOption] = &[
    option!(
        "pipeline.name",
        Kind::Text { max_chars: 100 },
        OptionValue::Text(Cow::Borrowed("AbnormalEventAlarmJob")),
        Job,
        Some("PipelineOptions.NAME"),
        false,
        en_ko!("Job name", "잡 이름"),
        Text,
        job_name
    ),
    option!(
        "parallelism.default",
        count(1, PARALLELISM_MAX),
        OptionValue::Count(3),
        Job,
        Some("CoreOptions.DEFAULT_PARALLELISM"),
        true,
        en_ko!("Parallelism", "병렬도"),
        Count,
        parallelism
    ),
    option!(
        "pipeline.max-parallelism",
        Kind::Count {
            min: 1,
            max: crate::sim::key_group::UPPER_BOUND_MAX_PARALLELISM,
            unset: true
        },
        OptionValue::Count(0),
        Job,
        Some("PipelineOptions.MAX_PARALLELISM"),
        false,
        en_ko!(
            "Max parallelism (key groups; -1 = derived from the parallelism)",
            "최대 병렬도 (키 그룹 수, -1 = 병렬도에서 계산)"
        ),
        Count,
        max_parallelism
    ),
    option!(
        "pipeline.operator-chaining.enabled",
        Kind::Flag,
        OptionValue::Flag(true),
        Job,
        Some("PipelineOptions.OPERATOR_CHAINING"),
        true,
        en_ko!("Operator chaining", "연산자 체이닝"),
        Flag,
        chaining
    ),
    option!(
        "simulation.operator-uids",
        Kind::Flag,
        OptionValue::Flag(false),
        Simulation,
        None,
        true,
        en_ko!(
            "Operators have uid(…) (ids survive a chaining change)",
            "연산자에 uid(…) 지정 (체이닝을 바꿔도 ID 유지)"
        ),
        Flag,
        operator_uids
    ),
    // In Flink the sink is code (`.print()`, `.sinkTo(kafkaSink)`); the study job's choice.
    FlinkOption {
        key: "simulation.sink",
        kind: Kind::Choice {
            values: &crate::sim::sink::SinkKind::NAMES,
            aliases: &[],
            java_enum: None,
        },
        default: OptionValue::Choice("print"),
        scope: Scope::Simulation,
        java: None,
        editor: crate::sim::sink::OTHER_SINKS,
        en: en_ko!(
            "Sink: print, two-phase commit (Kafka, exactly-once) or idempotent upsert",
            "싱크: print, 2단계 커밋 (Kafka, exactly-once) 또는 멱등 upsert"
        ),
        get: |c| Some(OptionValue::Choice(c.sink.as_str())),
        set: |c, v| {
            if let OptionValue::Choice(name) = v {
                c.sink = crate::sim::sink::SinkKind::from_name(name);
            }
        },
    },
    // Kafka producer `transaction.timeout.ms`. Flink's KafkaSinkBuilder sets 1 h, which a
    // stock broker refuses (its `transaction.max.timeout.ms` is 15 min): the study job sets
    // 15 min.
    option!(
        "simulation.sink.transaction-timeout",
        duration(secs(1), DAY),
        OptionValue::Duration(secs(900)),
        Simulation,
        None,
        crate::sim::sink::OTHER_SINKS,
        en_ko!(
            "Kafka transaction.timeout.ms (two-phase commit)",
            "Kafka transaction.timeout.ms (2단계 커밋)"
        ),
        Duration,
        transaction_timeout
    ),
    option!(
        "simulation.sink.broker-max-transaction-timeout",
        duration(secs(1), DAY),
        OptionValue::Duration(secs(900)),
        Simulation,
        None,
        false,
        en_ko!(
            "Kafka broker transaction.max.timeout.ms",
            "Kafka 브로커 transaction.max.timeout.ms"
        ),
        Duration,
        transaction_max_timeout
    ),
    option!(
        "taskmanager.numberOfTaskSlots",
        count(1, SLOTS_MAX),
        OptionValue::Count(3),
        Cluster,
        None,
        true,
        en_ko!("Slots per TaskManager", "TaskManager당 슬롯"),
        Count,
        slots_per_task_manager
    ),
    FlinkOption {
        key: "taskmanager.load-balance.mode",
        kind: Kind::Choice {
            values: &["SLOTS", "NONE"],
            aliases: &[],
            java_enum: None,
        },
        default: OptionValue::Choice("SLOTS"),
        scope: Scope::Cluster,
        java: None,
        editor: true,
        en: en_ko!(
            "Slot placement (SLOTS = spread, NONE = packed)",
            "슬롯 배치 (SLOTS = 분산, NONE = 몰아넣기)"
        ),
        get: |c| {
            Some(OptionValue::Choice(match c.placement {
                Placement::Spread => "SLOTS",
                Placement::Packed => "NONE",
            }))
        },
        set: |c, v| {
            if let OptionValue::Choice(name) = v {
                c.placement = if name == "NONE" {
                    Placement::Packed
                } else {
                    Placement::Spread
                };
            }
        },
    },
    option!(
        "execution.checkpointing.interval",
        duration(ms(10), DAY),
        OptionValue::Duration(secs(10)),
        Job,
        Some("CheckpointingOptions.CHECKPOINTING_INTERVAL"),
        true,
        en_ko!("Checkpoint interval", "체크포인트 간격"),
        Duration,
        checkpoint_interval
    ),
    FlinkOption {
        key: "execution.checkpointing.mode",
        kind: Kind::Choice {
            values: &["EXACTLY_ONCE", "AT_LEAST_ONCE"],
            aliases: &[],
            java_enum: Some("CheckpointingMode"),
        },
        default: OptionValue::Choice("EXACTLY_ONCE"),
        scope: Scope::Job,
        java: Some("CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE"),
        editor: true,
        en: en_ko!("Checkpointing mode", "체크포인트 모드"),
        get: |c| Some(OptionValue::Choice(c.checkpointing_mode.as_str())),
        set: |c, v| {
            if let OptionValue::Choice(name) = v {
                c.checkpointing_mode = if name == "AT_LEAST_ONCE" {
                    CheckpointingMode::AtLeastOnce
                } else {
                    CheckpointingMode::ExactlyOnce
                };
            }
        },
    },
    option!(
        "execution.checkpointing.min-pause",
        duration(SimDuration::ZERO, DAY),
        OptionValue::Duration(secs(5)),
        Job,
        Some("CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS"),
        true,
        en_ko!("Min pause between checkpoints", "체크포인트 사이 최소 대기"),
        Duration,
        min_pause
    ),
    option!(
        "execution.checkpointing.timeout",
        duration(ms(10), DAY),
        OptionValue::Duration(secs(60)),
        Job,
        Some("CheckpointingOptions.CHECKPOINTING_TIMEOUT"),
        true,
        en_ko!("Checkpoint timeout", "체크포인트 타임아웃"),
        Duration,
        checkpoint_timeout
    ),
    option!(
        "execution.checkpointing.max-concurrent-checkpoints",
        count(1, CONCURRENT_CHECKPOINTS_MAX),
        OptionValue::Count(1),
        Job,
        Some("CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS"),
        true,
        en_ko!("Max concurrent checkpoints", "최대 동시 체크포인트"),
        Count,
        max_concurrent_checkpoints
    ),
    option!(
        "execution.checkpointing.tolerable-failed-checkpoints",
        count(0, 1_000),
        OptionValue::Count(0),
        Job,
        Some("CheckpointingOptions.TOLERABLE_FAILURE_NUMBER"),
        true,
        en_ko!("Tolerable failed checkpoints", "허용 실패 체크포인트 수"),
        Count,
        tolerable_failed_checkpoints
    ),
    option!(
        "execution.checkpointing.unaligned.enabled",
        Kind::Flag,
        OptionValue::Flag(false),
        Job,
        Some("CheckpointingOptions.ENABLE_UNALIGNED"),
        true,
        en_ko!("Unaligned checkpoints", "비정렬 체크포인트"),
        Flag,
        unaligned
    ),
    option!(
        "execution.checkpointing.aligned-checkpoint-timeout",
        duration(SimDuration::ZERO, DAY),
        OptionValue::Duration(SimDuration::ZERO),
        Job,
        Some("CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT"),
        true,
        en_ko!("Aligned checkpoint timeout", "정렬 체크포인트 타임아웃"),
        Duration,
        aligned_checkpoint_timeout
    ),
    option!(
        "execution.checkpointing.num-retained",
        count(1, RETAINED_MAX),
        OptionValue::Count(1),
        Job,
        Some("CheckpointingOptions.MAX_RETAINED_CHECKPOINTS"),
        true,
        en_ko!("Retained checkpoints", "보관 체크포인트 수"),
        Count,
        num_retained
    ),
    option!(
        "execution.checkpointing.dir",
        Kind::Text { max_chars: 200 },
        OptionValue::Text(Cow::Borrowed("file:///tmp/flink-checkpoints")),
        Job,
        Some("CheckpointingOptions.CHECKPOINTS_DIRECTORY"),
        true,
        en_ko!("Checkpoint storage path", "체크포인트 저장 경로"),
        Text,
        checkpoint_dir
    ),
    // Flink has no default: `flink savepoint` then needs a target directory. The study job
    // sets one so that the page's savepoint button works as its checkpoints do.
    option!(
        "execution.checkpointing.savepoint-dir",
        Kind::Text { max_chars: 200 },
        OptionValue::Text(Cow::Borrowed("file:///tmp/flink-savepoints")),
        Job,
        Some("CheckpointingOptions.SAVEPOINT_DIRECTORY"),
        true,
        en_ko!("Savepoint directory", "세이브포인트 저장 경로"),
        Text,
        savepoint_dir
    ),
    FlinkOption {
        key: "state.backend.type",
        kind: Kind::Choice {
            values: &["hashmap", "rocksdb"],
            aliases: &[],
            java_enum: None,
        },
        default: OptionValue::Choice("hashmap"),
        scope: Scope::Job,
        java: Some("StateBackendOptions.STATE_BACKEND"),
        editor: true,
        en: en_ko!("State backend", "상태 백엔드"),
        get: |c| Some(OptionValue::Choice(c.state_backend.as_str())),
        set: |c, v| {
            if let OptionValue::Choice(name) = v {
                c.state_backend = if name == "rocksdb" {
                    StateBackend::RocksDb
                } else {
                    StateBackend::Heap
                };
            }
        },
    },
    option!(
        "execution.checkpointing.incremental",
        Kind::Flag,
        OptionValue::Flag(false),
        Job,
        Some("CheckpointingOptions.INCREMENTAL_CHECKPOINTS"),
        true,
        en_ko!(
            "Incremental checkpoints (RocksDB)",
            "증분 체크포인트 (RocksDB)"
        ),
        Flag,
        incremental
    ),
    option!(
        "execution.checkpointing.data-inline-threshold",
        Kind::Bytes {
            min: 0,
            max: 1 << 20
        },
        OptionValue::Bytes(20 * 1024),
        Job,
        Some("CheckpointingOptions.FS_SMALL_FILE_THRESHOLD"),
        true,
        en_ko!(
            "State below this size is inlined into _metadata",
            "이 크기보다 작은 상태는 _metadata에 인라인"
        ),
        Bytes,
        inline_threshold_bytes
    ),
    FlinkOption {
        key: "restart-strategy.type",
        kind: Kind::Choice {
            values: &["exponential-delay", "fixed-delay", "failure-rate", "none"],
            aliases: &[
                ("exponentialdelay", "exponential-delay"),
                ("fixeddelay", "fixed-delay"),
                ("failurerate", "failure-rate"),
                ("off", "none"),
                ("disable", "none"),
            ],
            java_enum: None,
        },
        default: OptionValue::Choice("exponential-delay"),
        scope: Scope::Job,
        java: Some("RestartStrategyOptions.RESTART_STRATEGY"),
        editor: true,
        en: en_ko!("Restart strategy", "재시작 전략"),
        get: |c| Some(OptionValue::Choice(c.restart_strategy.type_name())),
        set: set_restart_type,
    },
    restart_option!(
        "restart-strategy.exponential-delay.initial-backoff",
        duration(ms(1), HOUR),
        OptionValue::Duration(secs(1)),
        "RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF",
        en_ko!("Exponential delay: initial backoff", "지수 지연: 첫 대기"),
        ExponentialDelay,
        Duration,
        initial_backoff
    ),
    restart_option!(
        "restart-strategy.exponential-delay.max-backoff",
        duration(ms(1), HOUR),
        OptionValue::Duration(secs(60)),
        "RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF",
        en_ko!("Exponential delay: max backoff", "지수 지연: 최대 대기"),
        ExponentialDelay,
        Duration,
        max_backoff
    ),
    restart_option!(
        "restart-strategy.exponential-delay.backoff-multiplier",
        Kind::Decimal {
            min_milli: 1_000,
            max_milli: 10_000
        },
        OptionValue::Decimal(1_500),
        "RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER",
        en_ko!("Exponential delay: backoff multiplier", "지수 지연: 배수"),
        ExponentialDelay,
        Decimal,
        multiplier_milli
    ),
    restart_option!(
        "restart-strategy.exponential-delay.reset-backoff-threshold",
        duration(ms(1), DAY),
        OptionValue::Duration(HOUR),
        "RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD",
        en_ko!(
            "Exponential delay: reset threshold",
            "지수 지연: 초기화 기준"
        ),
        ExponentialDelay,
        Duration,
        reset_threshold
    ),
    restart_option!(
        "restart-strategy.exponential-delay.jitter-factor",
        Kind::Decimal {
            min_milli: 0,
            max_milli: 1_000
        },
        OptionValue::Decimal(100),
        "RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR",
        en_ko!("Exponential delay: jitter factor", "지수 지연: 지터"),
        ExponentialDelay,
        Decimal,
        jitter_milli
    ),
    restart_option!(
        "restart-strategy.exponential-delay.attempts-before-reset-backoff",
        count(1, i32::MAX as u32),
        OptionValue::Count(i32::MAX as u32),
        "RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS",
        en_ko!(
            "Exponential delay: attempts before reset",
            "지수 지연: 초기화 전 시도"
        ),
        ExponentialDelay,
        Count,
        attempts_before_reset
    ),
    restart_option!(
        "restart-strategy.fixed-delay.attempts",
        count(0, 1_000_000),
        OptionValue::Count(1),
        "RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS",
        en_ko!("Fixed delay: attempts", "고정 지연: 시도 횟수"),
        FixedDelay,
        Count,
        attempts
    ),
    restart_option!(
        "restart-strategy.fixed-delay.delay",
        duration(SimDuration::ZERO, HOUR),
        OptionValue::Duration(secs(1)),
        "RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY",
        en_ko!("Fixed delay: delay", "고정 지연: 대기"),
        FixedDelay,
        Duration,
        delay
    ),
    restart_option!(
        "restart-strategy.failure-rate.max-failures-per-interval",
        count(1, 1_000_000),
        OptionValue::Count(1),
        "RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL",
        en_ko!(
            "Failure rate: max failures per interval",
            "실패율: 구간당 최대 실패"
        ),
        FailureRate,
        Count,
        max_failures_per_interval
    ),
    restart_option!(
        "restart-strategy.failure-rate.failure-rate-interval",
        duration(ms(1), DAY),
        OptionValue::Duration(secs(60)),
        "RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL",
        en_ko!("Failure rate: interval", "실패율: 구간"),
        FailureRate,
        Duration,
        interval
    ),
    restart_option!(
        "restart-strategy.failure-rate.delay",
        duration(SimDuration::ZERO, HOUR),
        OptionValue::Duration(secs(1)),
        "RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY",
        en_ko!("Failure rate: delay", "실패율: 대기"),
        FailureRate,
        Duration,
        delay
    ),
    option!(
        "heartbeat.interval",
        duration(ms(100), HOUR),
        OptionValue::Duration(secs(10)),
        Cluster,
        None,
        false,
        en_ko!("Heartbeat interval", "하트비트 간격"),
        Duration,
        heartbeat_interval
    ),
    option!(
        "heartbeat.timeout",
        duration(ms(100), HOUR),
        OptionValue::Duration(secs(50)),
        Cluster,
        None,
        false,
        en_ko!("Heartbeat timeout", "하트비트 타임아웃"),
        Duration,
        heartbeat_timeout
    ),
    option!(
        "heartbeat.rpc-failure-threshold",
        Kind::Count {
            min: 1,
            max: 100,
            unset: true
        },
        OptionValue::Count(2),
        Cluster,
        None,
        false,
        en_ko!(
            "Heartbeat RPC failures before a TaskManager is lost (-1 = off)",
            "TaskManager 손실 판정 전 하트비트 RPC 실패 수 (-1 = 끔)"
        ),
        Count,
        heartbeat_rpc_failure_threshold
    ),
    option!(
        "slot.request.timeout",
        duration(ms(10), HOUR),
        OptionValue::Duration(secs(300)),
        Cluster,
        None,
        false,
        en_ko!("Slot request timeout", "슬롯 요청 타임아웃"),
        Duration,
        slot_request_timeout
    ),
    option!(
        "web.checkpoints.history",
        count(1, HISTORY_MAX),
        OptionValue::Count(10),
        Cluster,
        None,
        false,
        en_ko!("Checkpoint history size", "체크포인트 기록 수"),
        Count,
        checkpoint_history_size
    ),
    option!(
        "web.exception-history-size",
        count(1, HISTORY_MAX),
        OptionValue::Count(16),
        Cluster,
        None,
        false,
        en_ko!("Exception history size", "예외 기록 수"),
        Count,
        exception_history_size
    ),
    option!(
        "taskmanager.network.memory.buffers-per-channel",
        count(1, 1_000),
        OptionValue::Count(2),
        Cluster,
        None,
        false,
        en_ko!("Network buffers per channel", "채널당 네트워크 버퍼"),
        Count,
        buffers_per_channel
    ),
    option!(
        "taskmanager.network.memory.max-buffers-per-channel",
        count(0, 1_000),
        OptionValue::Count(10),
        Cluster,
        None,
        false,
        en_ko!("Max buffers per channel", "채널당 최대 버퍼"),
        Count,
        max_buffers_per_channel
    ),
    option!(
        "taskmanager.memory.segment-size",
        Kind::Bytes {
            min: 256,
            max: 1 << 24
        },
        OptionValue::Bytes(32 * 1024),
        Cluster,
        None,
        false,
        en_ko!("Network buffer size", "네트워크 버퍼 크기"),
        Bytes,
        segment_size_bytes
    ),
    option!(
        "simulation.taskmanagers",
        count(1, TASK_MANAGERS_MAX),
        OptionValue::Count(3),
        Simulation,
        None,
        true,
        en_ko!("TaskManagers", "TaskManager 수"),
        Count,
        task_managers
    ),
    option!(
        "simulation.source.interval",
        duration(SimDuration::from_us(10), HOUR),
        OptionValue::Duration(secs(5)),
        Simulation,
        None,
        true,
        en_ko!(
            "Source: time between events per subtask",
            "소스: 서브태스크당 이벤트 간격"
        ),
        Duration,
        source_interval
    ),
    option!(
        "simulation.source.abnormal-ratio",
        Kind::Ratio,
        OptionValue::Ratio(Ratio {
            numerator: 300,
            denominator: 1_000
        }),
        Simulation,
        None,
        true,
        en_ko!("Source: abnormal ratio", "소스: 이상행동 비율"),
        Ratio,
        abnormal_ratio
    ),
    option!(
        "simulation.source.users-per-subtask",
        count(1, USERS_PER_SUBTASK_MAX),
        OptionValue::Count(1),
        Simulation,
        None,
        true,
        en_ko!("Source: users per subtask", "소스: 서브태스크당 사용자 수"),
        Count,
        users_per_subtask
    ),
    option!(
        "simulation.state.keys",
        count(0, STATE_KEYS_MAX),
        OptionValue::Count(0),
        Simulation,
        None,
        true,
        en_ko!(
            "Keys with state besides the named users",
            "이름 있는 사용자 외에 상태를 가진 키"
        ),
        Count,
        state_keys
    ),
    option!(
        "simulation.state.bytes-per-key",
        Kind::Bytes {
            min: 1,
            max: 1 << 20
        },
        OptionValue::Bytes(KEYED_STATE_PER_KEY_BYTES as u32),
        Simulation,
        None,
        true,
        en_ko!("Serialized state per key", "키당 직렬화된 상태 크기"),
        Bytes,
        state_bytes_per_key
    ),
    option!(
        "simulation.storage.bandwidth",
        Kind::Bytes {
            min: 1 << 10,
            max: 1 << 31
        },
        OptionValue::Bytes(100 << 20),
        Simulation,
        None,
        false,
        en_ko!(
            "Checkpoint storage bytes per second, per subtask",
            "서브태스크당 초당 체크포인트 저장소 전송량"
        ),
        Bytes,
        storage_bandwidth
    ),
    option!(
        "simulation.record.size",
        Kind::Bytes {
            min: 8,
            max: 1 << 20
        },
        OptionValue::Bytes(40),
        Simulation,
        None,
        false,
        en_ko!("Record size on the wire", "레코드 크기"),
        Bytes,
        record_bytes
    ),
    option!(
        "simulation.network.latency-min",
        duration(SimDuration::ZERO, TEN_MINUTES),
        OptionValue::Duration(SimDuration::from_us(200)),
        Simulation,
        None,
        false,
        en_ko!("Network latency, least", "네트워크 지연 최소"),
        Duration,
        channel_latency_min
    ),
    option!(
        "simulation.network.latency-max",
        duration(SimDuration::ZERO, TEN_MINUTES),
        OptionValue::Duration(ms(2)),
        Simulation,
        None,
        false,
        en_ko!("Network latency, most", "네트워크 지연 최대"),
        Duration,
        channel_latency_max
    ),
    option!(
        "simulation.rpc.latency-min",
        duration(SimDuration::ZERO, TEN_MINUTES),
        OptionValue::Duration(ms(1)),
        Simulation,
        None,
        false,
        en_ko!("RPC latency, least", "RPC 지연 최소"),
        Duration,
        rpc_latency_min
    ),
    option!(
        "simulation.rpc.latency-max",
        duration(SimDuration::ZERO, TEN_MINUTES),
        OptionValue::Duration(ms(5)),
        Simulation,
        None,
        false,
        en_ko!("RPC latency, most", "RPC 지연 최대"),
        Duration,
        rpc_latency_max
    ),
    option!(
        "simulation.process.record-cost",
        duration(SimDuration::ZERO, secs(1)),
        OptionValue::Duration(ms(1)),
        Simulation,
        None,
        true,
        en_ko!(
            "Keyed function: time per event",
            "키 함수: 이벤트당 처리 시간"
        ),
        Duration,
        record_cost
    ),
    option!(
        "simulation.snapshot.sync-min",
        duration(SimDuration::ZERO, TEN_MINUTES),
        OptionValue::Duration(SimDuration::ZERO),
        Simulation,
        None,
        false,
        en_ko!("Snapshot synchronous phase, least", "스냅샷 동기 단계 최소"),
        Duration,
        snapshot_sync_min
    ),
    option!(
        "simulation.snapshot.sync-max",
        duration(SimDuration::ZERO, TEN_MINUTES),
        OptionValue::Duration(ms(2)),
        Simulation,
        None,
        false,
        en_ko!("Snapshot synchronous phase, most", "스냅샷 동기 단계 최대"),
        Duration,
        snapshot_sync_max
    ),
    option!(
        "simulation.snapshot.async-min",
        duration(SimDuration::ZERO, TEN_MINUTES),
        OptionValue::Duration(ms(2)),
        Simulation,
        None,
        false,
        en_ko!(
            "Snapshot asynchronous phase, least",
            "스냅샷 비동기 단계 최소"
        ),
        Duration,
        snapshot_async_min
    ),
    option!(
        "simulation.snapshot.async-max",
        duration(SimDuration::ZERO, TEN_MINUTES),
        OptionValue::Duration(ms(25)),
        Simulation,
        None,
        false,
        en_ko!(
            "Snapshot asynchronous phase, most",
            "스냅샷 비동기 단계 최대"
        ),
        Duration,
        snapshot_async_max
    ),
    option!(
        "simulation.snapshot.first-extra",
        duration(SimDuration::ZERO, HOUR),
        OptionValue::Duration(ms(300)),
        Simulation,
        None,
        false,
        en_ko!(
            "Extra time of a subtask's first snapshot",
            "서브태스크 첫 스냅샷 추가 시간"
        ),
        Duration,
        snapshot_first_extra
    ),
    option!(
        "simulation.deploy.duration",
        duration(SimDuration::ZERO, TEN_MINUTES),
        OptionValue::Duration(ms(70)),
        Simulation,
        None,
        false,
        en_ko!("Task deployment", "태스크 배포 시간"),
        Duration,
        deploy_duration
    ),
    option!(
        "simulation.initialize.duration",
        duration(SimDuration::ZERO, TEN_MINUTES),
        OptionValue::Duration(ms(30)),
        Simulation,
        None,
        false,
        en_ko!("Task initialization (restore)", "태스크 초기화 (복원) 시간"),
        Duration,
        initialize_duration
    ),
    option!(
        "simulation.cancel.duration",
        duration(SimDuration::ZERO, TEN_MINUTES),
        OptionValue::Duration(ms(20)),
        Simulation,
        None,
        false,
        en_ko!("Task cancellation", "태스크 취소 시간"),
        Duration,
        cancel_duration
    ),
    option!(
        "simulation.failure-detection.connection-loss",
        duration(SimDuration::ZERO, TEN_MINUTES),
        OptionValue::Duration(ms(500)),
        Simulation,
        None,
        false,
        en_ko!(
            "Peers notice a lost connection after",
            "연결 끊김 감지 시간"
        ),
        Duration,
        connection_loss_detection
    ),
    option!(
        "simulation.taskmanager.startup",
        duration(SimDuration::ZERO, TEN_MINUTES),
        OptionValue::Duration(secs(3)),
        Simulation,
        None,
        false,
        en_ko!("TaskManager start-up", "TaskManager 기동 시간"),
        Duration,
        task_manager_startup
    ),
    option!(
        "simulation.epoch",
        Kind::EpochMs,
        OptionValue::EpochMs(1_795_608_343_117),
        Simulation,
        None,
        false,
        en_ko!(
            "Wall-clock epoch of simulated time zero (ms)",
            "시뮬레이션 0초의 실제 시각 (ms)"
        ),
        EpochMs,
        epoch_ms
    ),
];

/// Choosing a restart strategy resets its own options to their defaults from the table.
fn set_restart_type(config: &mut SimConfig, value: OptionValue) {
    let OptionValue::Choice(name) = value else {
        return;
    };
    config.restart_strategy = match name {
        "fixed-delay" => RestartStrategyConfig::FixedDelay {
            attempts: 0,
            delay: SimDuration::ZERO,
        },
        "failure-rate" => RestartStrategyConfig::FailureRate {
            max_failures_per_interval: 0,
            interval: SimDuration::ZERO,
            delay: SimDuration::ZERO,
        },
        "none" => RestartStrategyConfig::None,
        _ => RestartStrategyConfig::ExponentialDelay {
            initial_backoff: SimDuration::ZERO,
            max_backoff: SimDuration::ZERO,
            multiplier_milli: 0,
            reset_threshold: SimDuration::ZERO,
            jitter_milli: 0,
            attempts_before_reset: 0,
        },
    };
    let prefix = match name {
        "fixed-delay" => FIXED,
        "failure-rate" => RATE,
        "none" => return,
        _ => EXPONENTIAL,
    };
    for option in OPTIONS.iter().filter(|o| o.key.starts_with(prefix)) {
        (option.set)(config, option.default.clone());
    }
}

// ---- Reading, writing and checking values ----

fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => format!("'{text}'"),
        other => other.to_string(),
    }
}

fn bad(key: &str, value: &Value, allowed: &str) -> ConfigError {
    ConfigError {
        key: key.to_string(),
        value: shown(value),
        allowed: allowed.to_string(),
    }
}

fn parse(key: &str, kind: Kind, value: &Value) -> Result<OptionValue, ConfigError> {
    let text = value.as_str().map(str::trim);
    match kind {
        Kind::Duration { .. } => match value {
            // A bare number is milliseconds, as in Flink.
            Value::Number(n) => n
                .as_u64()
                .and_then(|ms| ms.checked_mul(1_000))
                .map(|us| OptionValue::Duration(SimDuration(us)))
                .ok_or_else(|| bad(key, value, "a duration such as 500 ms, 10 s, 2 min")),
            Value::String(text) => parse_duration(text)
                .map(OptionValue::Duration)
                .map_err(|error| bad(key, value, &error.to_string())),
            _ => Err(bad(key, value, "a duration such as 500 ms, 10 s, 2 min")),
        },
        Kind::Count { unset, .. } => {
            let number = match value {
                Value::Number(n) => n.as_i64(),
                Value::String(_) => text.and_then(|t| t.parse::<i64>().ok()),
                _ => None,
            };
            match number {
                Some(-1) if unset => Ok(OptionValue::Count(0)),
                Some(n) => u32::try_from(n)
                    .map(OptionValue::Count)
                    .map_err(|_| bad(key, value, "a whole number between 0 and 4294967295")),
                None => Err(bad(key, value, "a whole number between 0 and 4294967295")),
            }
        }
        Kind::Flag => match (value, text) {
            (Value::Bool(flag), _) => Ok(OptionValue::Flag(*flag)),
            (_, Some(t)) if t.eq_ignore_ascii_case("true") => Ok(OptionValue::Flag(true)),
            (_, Some(t)) if t.eq_ignore_ascii_case("false") => Ok(OptionValue::Flag(false)),
            _ => Err(bad(key, value, "true or false")),
        },
        Kind::Choice {
            values, aliases, ..
        } => {
            let found = text.and_then(|t| {
                values
                    .iter()
                    .copied()
                    .find(|v| v.eq_ignore_ascii_case(t))
                    .or_else(|| {
                        aliases
                            .iter()
                            .find(|(alias, _)| alias.eq_ignore_ascii_case(t))
                            .map(|(_, name)| *name)
                    })
            });
            found
                .map(OptionValue::Choice)
                .ok_or_else(|| bad(key, value, &one_of(values)))
        }
        Kind::Text { .. } => match value {
            Value::String(text) => Ok(OptionValue::Text(Cow::Owned(text.clone()))),
            _ => Err(bad(key, value, "a string")),
        },
        Kind::Decimal { max_milli, .. } => parse_milli(value)
            .ok_or_else(|| {
                bad(
                    key,
                    value,
                    &format!("a decimal number between 0.0 and {}", milli_text(max_milli)),
                )
            })
            .map(OptionValue::Decimal),
        Kind::Ratio => parse_milli(value)
            .filter(|m| *m <= 1_000)
            .map(|numerator| {
                OptionValue::Ratio(Ratio {
                    numerator,
                    denominator: 1_000,
                })
            })
            .ok_or_else(|| bad(key, value, "a decimal number between 0.0 and 1.0")),
        Kind::Bytes { .. } => parse_bytes(value)
            .map(OptionValue::Bytes)
            .ok_or_else(|| bad(key, value, "a size such as 32 kb, 32768 or 1 mb")),
        Kind::EpochMs => value
            .as_u64()
            .map(OptionValue::EpochMs)
            .ok_or_else(|| bad(key, value, "epoch milliseconds, e.g. 1795608343117")),
    }
}

fn one_of(values: &[&str]) -> String {
    match values {
        [only] => format!("{only} (the only value simulated)"),
        [first @ .., last] => format!("{} or {last}", first.join(", ")),
        [] => String::new(),
    }
}

/// `1.0`, `10.0` (thousandths with at least one decimal).
fn milli_text(milli: u32) -> String {
    format!("{}.{}", milli / 1_000, milli % 1_000 / 100)
}

/// A non-negative decimal read exactly into thousandths (no floats for text).
fn parse_milli(value: &Value) -> Option<u32> {
    let milli = match value {
        Value::Number(n) => n
            .as_f64()
            .filter(|x| x.is_finite() && *x >= 0.0 && *x <= 4_000_000.0)
            .map(|x| (x * 1_000.0).round() as u64),
        Value::String(text) => parse_decimal_milli(text.trim()),
        _ => None,
    };
    milli.and_then(|m| u32::try_from(m).ok())
}

fn parse_bytes(value: &Value) -> Option<u32> {
    let text = match value {
        Value::Number(n) => return n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(text) => text.trim().to_ascii_lowercase(),
        _ => return None,
    };
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let number: u64 = text[..digits_end].parse().ok()?;
    let unit: u64 = match text[digits_end..].trim() {
        "" | "b" | "bytes" => 1,
        "k" | "kb" | "kibibytes" => 1 << 10,
        "m" | "mb" | "mebibytes" => 1 << 20,
        _ => return None,
    };
    number
        .checked_mul(unit)
        .and_then(|bytes| u32::try_from(bytes).ok())
}

fn write_json(kind: Kind, value: &OptionValue) -> Value {
    match value {
        OptionValue::Duration(d) => Value::String(d.to_string()),
        OptionValue::Count(0) if matches!(kind, Kind::Count { unset: true, .. }) => Value::from(-1),
        OptionValue::Count(n) | OptionValue::Bytes(n) => Value::from(*n),
        OptionValue::Flag(flag) => Value::from(*flag),
        OptionValue::Choice(name) => Value::from(*name),
        OptionValue::Text(text) => Value::from(text.as_ref()),
        OptionValue::Decimal(milli) => Value::from(f64::from(*milli) / 1_000.0),
        OptionValue::Ratio(ratio) => {
            Value::from(f64::from(ratio.numerator) / f64::from(ratio.denominator))
        }
        OptionValue::EpochMs(ms) => Value::from(*ms),
    }
}

/// A ratio as a decimal when it is a whole number of thousandths (`0.3`), else as a fraction.
pub(crate) fn ratio_text(ratio: Ratio) -> String {
    match 1_000u32.checked_rem(ratio.denominator) {
        Some(0) => decimal_milli(u64::from(ratio.numerator) * u64::from(1_000 / ratio.denominator)),
        _ => format!("{}/{}", ratio.numerator, ratio.denominator),
    }
}

fn out_of_range(key: &str, value: &OptionValue, allowed: String) -> ConfigError {
    ConfigError {
        key: key.to_string(),
        value: match value {
            OptionValue::Text(text) => text.to_string(),
            other => other.to_string(),
        },
        allowed,
    }
}

fn check(key: &str, kind: Kind, value: &OptionValue) -> Result<(), ConfigError> {
    let range =
        |low: &dyn fmt::Display, high: &dyn fmt::Display| format!("allowed: {low} ..= {high}");
    match (kind, value) {
        (Kind::Duration { min, max }, OptionValue::Duration(d)) if !(min..=max).contains(d) => {
            Err(out_of_range(key, value, range(&min, &max)))
        }
        (Kind::Count { min, max, unset }, OptionValue::Count(n))
            if !((min..=max).contains(n) || unset && *n == 0) =>
        {
            Err(out_of_range(key, value, range(&min, &max)))
        }
        (Kind::Bytes { min, max }, OptionValue::Bytes(n)) if !(min..=max).contains(n) => {
            Err(out_of_range(key, value, range(&min, &max)))
        }
        (
            Kind::Decimal {
                min_milli,
                max_milli,
            },
            OptionValue::Decimal(m),
        ) if !(min_milli..=max_milli).contains(m) => Err(out_of_range(
            key,
            value,
            range(&milli_text(min_milli), &milli_text(max_milli)),
        )),
        (Kind::Ratio, OptionValue::Ratio(ratio))
            if ratio.denominator == 0 || ratio.numerator > ratio.denominator =>
        {
            Err(out_of_range(key, value, "allowed: 0.0 ..= 1.0".to_string()))
        }
        (Kind::Text { max_chars }, OptionValue::Text(text))
            if text.trim().is_empty() || text.chars().count() > max_chars =>
        {
            Err(out_of_range(
                key,
                value,
                format!("1 to {max_chars} characters"),
            ))
        }
        // Days since 1970 that Java's `Instant` and JavaScript's `Date` both represent.
        (Kind::EpochMs, OptionValue::EpochMs(ms)) if *ms / 1_000 / 86_400 > 2_932_896 => {
            Err(out_of_range(key, value, range(&0, &253_402_300_799_999u64)))
        }
        _ => Ok(()),
    }
}

// ---- The configuration as a whole ----

fn unknown(key: &str) -> ConfigError {
    ConfigError {
        key: key.to_string(),
        value: "(unknown option)".to_string(),
        allowed: "one of the options listed by `flinkscope config`".to_string(),
    }
}

impl SimConfig {
    /// Every option at its default: the study talk's job.
    pub(crate) fn from_defaults() -> SimConfig {
        let mut config = SimConfig::blank();
        for option in OPTIONS {
            (option.set)(&mut config, option.default.clone());
        }
        config
    }

    /// Reads a configuration file's text: defaults, then every key of the object, then
    /// validation.
    pub fn from_json(text: &str) -> Result<SimConfig, ConfigError> {
        let file_error = |value: String| ConfigError {
            key: "(file)".to_string(),
            value,
            allowed: "a JSON object of Flink option names to values".to_string(),
        };
        let value: Value = serde_json::from_str(text)
            .map_err(|error| file_error(format!("invalid JSON ({error})")))?;
        let Value::Object(map) = value else {
            return Err(file_error("not a JSON object".to_string()));
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

    /// Applies one option given as text (`--set key=value`, a URL parameter, a form field).
    /// Does not validate the whole.
    pub fn apply_text(&mut self, key: &str, text: &str) -> Result<(), ConfigError> {
        let value = match text.trim().parse::<i64>() {
            Ok(number) => Value::from(number),
            Err(_) => Value::String(text.to_string()),
        };
        self.apply(key, &value)
    }

    /// Applies one option. Does not validate the whole configuration.
    pub fn apply(&mut self, key: &str, value: &Value) -> Result<(), ConfigError> {
        let option = FlinkOption::find(key).ok_or_else(|| unknown(key))?;
        let parsed = option.parse(value)?;
        if (option.get)(self).is_none() {
            return Err(ConfigError {
                key: key.to_string(),
                value: value.to_string(),
                allowed: format!(
                    "options of the chosen restart-strategy.type ({})",
                    self.restart_strategy.type_name()
                ),
            });
        }
        (option.set)(self, parsed);
        Ok(())
    }

    /// Every option that applies to this configuration, as a flat JSON object (the file
    /// format).
    pub fn to_json(&self) -> Map<String, Value> {
        // Inserted one by one: collecting into a map sorts the pairs first, with a copy of the
        // standard library's sort for this one call (`sim::order`).
        let mut map = Map::new();
        for option in OPTIONS {
            if let Some(value) = (option.get)(self) {
                map.insert(option.key.to_string(), option.to_json(&value));
            }
        }
        map
    }

    /// Checks every option against its own range, in table order.
    pub(crate) fn check_options(&self) -> Result<(), ConfigError> {
        for option in OPTIONS {
            if let Some(value) = (option.get)(self) {
                option.check(&value)?;
            }
        }
        Ok(())
    }
}

// ---- Java ----

/// A Java literal for `value`: `Duration.ofMillis(10000)`, `3`, `true`, `"hashmap"`,
/// `CheckpointingMode.EXACTLY_ONCE`, `1.5`.
fn java_literal(kind: Kind, value: &OptionValue) -> String {
    match value {
        OptionValue::Duration(d) => format!("Duration.ofMillis({})", d.as_ms()),
        OptionValue::Count(n) => n.to_string(),
        // Flink's size options are `ConfigOption<MemorySize>`: a bare number does not compile.
        OptionValue::Bytes(n) => format!("new MemorySize({n}L)"),
        OptionValue::Flag(flag) => flag.to_string(),
        OptionValue::Choice(name) => match kind {
            Kind::Choice {
                java_enum: Some(java_enum),
                ..
            } => format!("{java_enum}.{name}"),
            _ => format!("\"{name}\""),
        },
        OptionValue::Text(text) => {
            format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
        }
        OptionValue::Decimal(milli) => {
            let text = decimal_milli(u64::from(*milli));
            if text.contains('.') {
                text
            } else {
                format!("{text}.0")
            }
        }
        OptionValue::Ratio(ratio) => ratio_text(*ratio),
        OptionValue::EpochMs(ms) => format!("{ms}L"),
    }
}

/// The Java a Flink 2.3 job would write for this configuration: the job's options set on a
/// `Configuration` by their `ConfigOption` constants (Flink 2 removed `setStateBackend`,
/// `setCheckpointStorage` and the `RestartStrategies` API the talk's code uses), then the
/// cluster's options as `config.yaml` lines. Checked against Flink 2.3.0's jars: the snippet
/// compiles, and each constant names the key of its table entry (README, *Faithful*).
pub fn java_snippet(config: &SimConfig) -> String {
    let mut lines: Vec<String> = [
        "import java.time.Duration;",
        "import org.apache.flink.configuration.*;",
        "import org.apache.flink.core.execution.CheckpointingMode;",
        "import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;",
        "",
        "Configuration conf = new Configuration();",
    ]
    .map(String::from)
    .to_vec();
    for option in OPTIONS.iter().filter(|o| o.scope == Scope::Job) {
        let (Some(constant), Some(value)) = (option.java, (option.get)(config)) else {
            continue;
        };
        // An unset max parallelism stays unset.
        if value == OptionValue::Count(0) && matches!(option.kind, Kind::Count { unset: true, .. })
        {
            continue;
        }
        lines.push(format!(
            "conf.set({constant}, {});",
            java_literal(option.kind, &value)
        ));
    }
    lines.push(
        "StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);"
            .to_string(),
    );
    lines.push(String::new());
    lines.push("// config.yaml of the cluster".to_string());
    for option in OPTIONS.iter().filter(|o| o.scope == Scope::Cluster) {
        if let Some(value) = (option.get)(config) {
            lines.push(format!("// {}: {}", option.key, option.to_text(&value)));
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_defaults_are_in_range() {
        for (i, option) in OPTIONS.iter().enumerate() {
            assert!(
                OPTIONS[..i].iter().all(|o| o.key != option.key),
                "{} twice",
                option.key
            );
            option.check(&option.default).unwrap();
            // A default written and read back is the same value.
            let written = option.to_json(&option.default);
            assert_eq!(
                option.parse(&written).unwrap(),
                option.default,
                "{}",
                option.key
            );
            assert!(!option.en.is_empty());
        }
    }

    #[test]
    fn every_field_of_the_default_comes_from_the_table() {
        let config = SimConfig::default();
        for option in OPTIONS {
            if let Some(value) = (option.get)(&config) {
                assert_eq!(value, option.default, "{}", option.key);
            }
        }
        // Each option writes its own field: setting one changes the file in that key only.
        for option in OPTIONS.iter().filter(|o| (o.get)(&config).is_some()) {
            let Some(other) = alternative(option) else {
                continue;
            };
            let mut changed = config.clone();
            (option.set)(&mut changed, other.clone());
            let (before, after) = (config.to_json(), changed.to_json());
            let differing: Vec<&String> = after
                .keys()
                .filter(|k| before.get(*k) != after.get(*k))
                .collect();
            assert_eq!(differing, vec![option.key], "{}", option.key);
        }
    }

    /// Another allowed value of the option's kind, if there is one.
    fn alternative(option: &FlinkOption) -> Option<OptionValue> {
        Some(match (&option.default, option.kind) {
            (OptionValue::Duration(d), Kind::Duration { min, max }) => {
                OptionValue::Duration(if *d < max { max } else { min })
            }
            (OptionValue::Count(n), Kind::Count { min, max, .. }) => {
                OptionValue::Count(if *n < max { max } else { min })
            }
            (OptionValue::Flag(b), _) => OptionValue::Flag(!b),
            (OptionValue::Choice(name), Kind::Choice { values, .. }) => {
                // A new restart strategy rewrites its options too; covered elsewhere.
                if option.key == "restart-strategy.type" {
                    return None;
                }
                OptionValue::Choice(values.iter().find(|v| *v != name)?)
            }
            (OptionValue::Text(_), _) => OptionValue::Text(Cow::Borrowed("other")),
            (
                OptionValue::Decimal(m),
                Kind::Decimal {
                    min_milli,
                    max_milli,
                },
            ) => OptionValue::Decimal(if *m < max_milli { max_milli } else { min_milli }),
            (OptionValue::Ratio(_), _) => OptionValue::Ratio(Ratio {
                numerator: 1,
                denominator: 1_000,
            }),
            (OptionValue::Bytes(n), Kind::Bytes { min, max }) => {
                OptionValue::Bytes(if *n < max { max } else { min })
            }
            (OptionValue::EpochMs(ms), _) => OptionValue::EpochMs(ms + 1),
            _ => return None,
        })
    }

    #[test]
    fn a_new_restart_strategy_starts_from_its_defaults() {
        let mut config = SimConfig::default();
        config
            .apply_text("restart-strategy.type", "fixeddelay")
            .unwrap();
        assert_eq!(
            config.restart_strategy,
            RestartStrategyConfig::FixedDelay {
                attempts: 1,
                delay: SimDuration::from_secs(1)
            }
        );
        config
            .apply_text("restart-strategy.type", "exponential-delay")
            .unwrap();
        assert_eq!(
            config.restart_strategy,
            RestartStrategyConfig::exponential_default()
        );
    }

    #[test]
    fn the_java_sets_every_job_option_by_its_constant() {
        let text = java_snippet(&SimConfig::default());
        assert!(text.contains(
            "conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(10000));"
        ));
        assert!(text.contains(
            "conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);"
        ));
        assert!(text.contains("conf.set(StateBackendOptions.STATE_BACKEND, \"hashmap\");"));
        assert!(text.contains(
            "conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 1.5);"
        ));
        // A `ConfigOption<MemorySize>` takes a MemorySize (javac refused the bare 20480 that was
        // here; scripts/live-differential.py --snippets compiles every variant).
        assert!(text.contains(
            "conf.set(CheckpointingOptions.FS_SMALL_FILE_THRESHOLD, new MemorySize(20480L));"
        ));
        assert!(
            !text.contains("MAX_PARALLELISM"),
            "an unset max parallelism stays unset"
        );
        assert!(text.contains("// taskmanager.numberOfTaskSlots: 3"));
        assert!(
            !text.contains("simulation."),
            "simulation knobs are not Flink options"
        );
    }
}
