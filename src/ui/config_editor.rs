//! The configuration editor: the talk's Java configuration as a form (by Flink's option
//! names), a validation message beside each field, and the equivalent Java code, live.

use super::{tr, Lang};
use crate::sim::config::{CheckpointingMode, ConfigError, Placement, RestartStrategyConfig};
use crate::sim::time::decimal_milli;
use crate::sim::SimConfig;
use serde_json::Value;
use std::collections::BTreeMap;
use yew::prelude::*;

/// Props.
#[derive(Properties, PartialEq)]
pub struct ConfigEditorProps {
    /// Language.
    pub lang: Lang,
    /// The configuration of the current run.
    pub config: SimConfig,
    /// Starts a new run with a validated configuration.
    pub on_apply: Callback<SimConfig>,
}

/// How a field is edited.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Flag,
    Choice(&'static [&'static str]),
}

/// One editable option.
struct Field {
    key: &'static str,
    en: &'static str,
    ko: &'static str,
    kind: Kind,
}

const FIELDS: [Field; 20] = [
    Field {
        key: "execution.checkpointing.interval",
        en: "Checkpoint interval",
        ko: "체크포인트 간격",
        kind: Kind::Text,
    },
    Field {
        key: "execution.checkpointing.mode",
        en: "Checkpointing mode",
        ko: "체크포인트 모드",
        kind: Kind::Choice(&["EXACTLY_ONCE", "AT_LEAST_ONCE"]),
    },
    Field {
        key: "execution.checkpointing.min-pause",
        en: "Min pause between checkpoints",
        ko: "체크포인트 사이 최소 대기",
        kind: Kind::Text,
    },
    Field {
        key: "execution.checkpointing.timeout",
        en: "Checkpoint timeout",
        ko: "체크포인트 타임아웃",
        kind: Kind::Text,
    },
    Field {
        key: "execution.checkpointing.max-concurrent-checkpoints",
        en: "Max concurrent checkpoints",
        ko: "최대 동시 체크포인트",
        kind: Kind::Text,
    },
    Field {
        key: "execution.checkpointing.unaligned.enabled",
        en: "Unaligned checkpoints",
        ko: "비정렬 체크포인트",
        kind: Kind::Flag,
    },
    Field {
        key: "execution.checkpointing.aligned-checkpoint-timeout",
        en: "Aligned checkpoint timeout",
        ko: "정렬 체크포인트 타임아웃",
        kind: Kind::Text,
    },
    Field {
        key: "execution.checkpointing.tolerable-failed-checkpoints",
        en: "Tolerable failed checkpoints",
        ko: "허용 실패 체크포인트 수",
        kind: Kind::Text,
    },
    Field {
        key: "execution.checkpointing.num-retained",
        en: "Retained checkpoints",
        ko: "보관 체크포인트 수",
        kind: Kind::Text,
    },
    Field {
        key: "execution.checkpointing.dir",
        en: "Checkpoint storage path",
        ko: "체크포인트 저장 경로",
        kind: Kind::Text,
    },
    Field {
        key: "restart-strategy.type",
        en: "Restart strategy",
        ko: "재시작 전략",
        kind: Kind::Choice(&["exponential-delay", "fixed-delay", "failure-rate", "none"]),
    },
    Field {
        key: "parallelism.default",
        en: "Parallelism",
        ko: "병렬도",
        kind: Kind::Text,
    },
    Field {
        key: "simulation.taskmanagers",
        en: "TaskManagers",
        ko: "TaskManager 수",
        kind: Kind::Text,
    },
    Field {
        key: "taskmanager.numberOfTaskSlots",
        en: "Slots per TaskManager",
        ko: "TaskManager당 슬롯",
        kind: Kind::Text,
    },
    Field {
        key: "taskmanager.load-balance.mode",
        en: "Slot placement (SLOTS = spread, NONE = packed)",
        ko: "슬롯 배치 (SLOTS = 분산, NONE = 몰아넣기)",
        kind: Kind::Choice(&["SLOTS", "NONE"]),
    },
    Field {
        key: "pipeline.operator-chaining.enabled",
        en: "Operator chaining",
        ko: "연산자 체이닝",
        kind: Kind::Flag,
    },
    Field {
        key: "simulation.source.interval",
        en: "Source: time between events per subtask",
        ko: "소스: 서브태스크당 이벤트 간격",
        kind: Kind::Text,
    },
    Field {
        key: "simulation.source.abnormal-ratio",
        en: "Source: abnormal ratio",
        ko: "소스: 이상행동 비율",
        kind: Kind::Text,
    },
    Field {
        key: "simulation.source.users-per-subtask",
        en: "Source: users per subtask",
        ko: "소스: 서브태스크당 사용자 수",
        kind: Kind::Text,
    },
    Field {
        key: "simulation.process.record-cost",
        en: "Keyed function: time per event",
        ko: "키 함수: 이벤트당 처리 시간",
        kind: Kind::Text,
    },
];

fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The draft values of every field, from a configuration.
fn draft_of(config: &SimConfig) -> BTreeMap<&'static str, String> {
    let json = config.to_json();
    FIELDS
        .iter()
        .map(|f| (f.key, json.get(f.key).map(value_text).unwrap_or_default()))
        .collect()
}

/// The configuration the draft describes, or the problem of each field (keyed by option).
fn evaluate(
    base: &SimConfig,
    draft: &BTreeMap<&'static str, String>,
) -> Result<SimConfig, BTreeMap<String, String>> {
    let mut config = base.clone();
    let mut errors = BTreeMap::new();
    // The strategy type first: it resets the strategy's own options to Flink's defaults.
    let ordered = draft
        .iter()
        .filter(|(k, _)| **k == "restart-strategy.type")
        .chain(draft.iter().filter(|(k, _)| **k != "restart-strategy.type"));
    for (key, text) in ordered {
        let same_type =
            *key == "restart-strategy.type" && text.as_str() == base.restart_strategy.type_name();
        if same_type {
            continue;
        }
        if let Err(error) = config.apply_text(key, text) {
            errors.insert(error.key.clone(), describe(&error));
        }
    }
    if errors.is_empty() {
        if let Err(error) = config.validate() {
            errors.insert(error.key.clone(), describe(&error));
        }
    }
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

fn describe(error: &ConfigError) -> String {
    format!("{} — {}", error.value, error.allowed)
}

fn ms(duration: crate::sim::SimDuration) -> u64 {
    duration.as_ms()
}

/// The Java the talk would write for this configuration (Flink's DataStream API).
pub fn java_snippet(config: &SimConfig) -> String {
    let mode = match config.checkpointing_mode {
        CheckpointingMode::ExactlyOnce => "EXACTLY_ONCE",
        CheckpointingMode::AtLeastOnce => "AT_LEAST_ONCE",
    };
    let mut lines = vec![
        "StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();"
            .to_string(),
        format!("env.setParallelism({});", config.parallelism),
        format!(
            "env.enableCheckpointing({}L, CheckpointingMode.{mode});",
            ms(config.checkpoint_interval)
        ),
        "CheckpointConfig checkpoints = env.getCheckpointConfig();".to_string(),
        format!(
            "checkpoints.setMinPauseBetweenCheckpoints({}L);",
            ms(config.min_pause)
        ),
        format!(
            "checkpoints.setCheckpointTimeout({}L);",
            ms(config.checkpoint_timeout)
        ),
        format!(
            "checkpoints.setMaxConcurrentCheckpoints({});",
            config.max_concurrent_checkpoints
        ),
        format!(
            "checkpoints.setTolerableCheckpointFailureNumber({});",
            config.tolerable_failed_checkpoints
        ),
        format!(
            "checkpoints.enableUnalignedCheckpoints({});",
            config.unaligned
        ),
    ];
    if config.unaligned {
        lines.push(format!(
            "checkpoints.setAlignedCheckpointTimeout(Duration.ofMillis({}));",
            ms(config.aligned_checkpoint_timeout)
        ));
    }
    lines.push(format!(
        "checkpoints.setCheckpointStorage(\"{}\");",
        config.checkpoint_dir
    ));
    lines.push("env.setStateBackend(new HashMapStateBackend());".to_string());
    if !config.chaining {
        lines.push("env.disableOperatorChaining();".to_string());
    }
    lines.push(restart_line(&config.restart_strategy));
    lines.push(String::new());
    lines.push("// config.yaml of the cluster".to_string());
    lines.push(format!(
        "// taskmanager.numberOfTaskSlots: {}",
        config.slots_per_task_manager
    ));
    lines.push(format!(
        "// execution.checkpointing.num-retained: {}",
        config.num_retained
    ));
    let balance = match config.placement {
        Placement::Spread => "SLOTS",
        Placement::Packed => "NONE",
    };
    lines.push(format!("// taskmanager.load-balance.mode: {balance}"));
    lines.join("\n")
}

/// Thousandths as an exact Java `double` literal: `1.5`, `2.0`, `0.125`.
fn java_double(milli: u32) -> String {
    let text = decimal_milli(u64::from(milli));
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

fn restart_line(strategy: &RestartStrategyConfig) -> String {
    match strategy {
        RestartStrategyConfig::ExponentialDelay { initial_backoff, max_backoff, multiplier_milli, reset_threshold, jitter_milli, .. } => format!(
            "env.setRestartStrategy(RestartStrategies.exponentialDelayRestart(Duration.ofMillis({}), Duration.ofMillis({}), {}, Duration.ofMillis({}), {}));",
            ms(*initial_backoff),
            ms(*max_backoff),
            java_double(*multiplier_milli),
            ms(*reset_threshold),
            java_double(*jitter_milli)
        ),
        RestartStrategyConfig::FixedDelay { attempts, delay } => {
            format!("env.setRestartStrategy(RestartStrategies.fixedDelayRestart({attempts}, Duration.ofMillis({})));", ms(*delay))
        }
        RestartStrategyConfig::FailureRate { max_failures_per_interval, interval, delay } => format!(
            "env.setRestartStrategy(RestartStrategies.failureRateRestart({max_failures_per_interval}, Duration.ofMillis({}), Duration.ofMillis({})));",
            ms(*interval),
            ms(*delay)
        ),
        RestartStrategyConfig::None => "env.setRestartStrategy(RestartStrategies.noRestart());".to_string(),
    }
}

fn field_input(
    field: &Field,
    value: &str,
    lang: Lang,
    on_change: Callback<(&'static str, String)>,
) -> Html {
    let key = field.key;
    let id = format!("cfg-{}", key.replace('.', "-"));
    match field.kind {
        Kind::Text => html! {
            <input id={id} type="text" value={value.to_string()} data-testid={format!("cfg-{key}")}
                oninput={Callback::from(move |e: InputEvent| {
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    on_change.emit((key, input.value()));
                })} />
        },
        Kind::Flag => html! {
            <input id={id} type="checkbox" checked={value == "true"} data-testid={format!("cfg-{key}")}
                onchange={Callback::from(move |e: yew::events::Event| {
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    on_change.emit((key, input.checked().to_string()));
                })} />
        },
        Kind::Choice(options) => html! {
            <select id={id} data-testid={format!("cfg-{key}")} aria-label={tr(lang, field.en, field.ko)}
                onchange={Callback::from(move |e: yew::events::Event| {
                    let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                    on_change.emit((key, select.value()));
                })}>
                { for options.iter().map(|o| html! { <option value={*o} selected={*o == value}>{ *o }</option> }) }
            </select>
        },
    }
}

/// The editor.
#[component]
pub fn ConfigEditor(props: &ConfigEditorProps) -> Html {
    let lang = props.lang;
    let base = &props.config;
    let draft = use_state(|| draft_of(base));
    {
        // A new run (applied here or reset elsewhere) starts a fresh draft.
        let draft = draft.clone();
        use_effect_with(props.config.clone(), move |config| {
            draft.set(draft_of(config))
        });
    }
    let result = evaluate(base, &draft);
    let on_change = {
        let draft = draft.clone();
        Callback::from(move |(key, value): (&'static str, String)| {
            let mut next = (*draft).clone();
            next.insert(key, value);
            draft.set(next);
        })
    };
    let on_apply = {
        let (result, apply) = (result.clone(), props.on_apply.clone());
        Callback::from(move |_: MouseEvent| {
            if let Ok(config) = &result {
                apply.emit(config.clone());
            }
        })
    };
    let on_defaults = {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| draft.set(draft_of(&SimConfig::default())))
    };
    let errors = result.as_ref().err().cloned().unwrap_or_default();
    let snippet = java_snippet(result.as_ref().unwrap_or(base));
    html! {
        <section class="panel config-editor" aria-label={tr(lang, "Configuration", "설정")}>
            <h2>{ tr(lang, "Configuration", "설정") }</h2>
            <p class="hint">{ tr(lang,
                "Flink option names; durations like 500 ms, 10 s, 2 min. Applying starts a new run with the same seed.",
                "Flink 옵션 이름을 사용합니다. 기간은 500 ms, 10 s, 2 min 처럼 씁니다. 적용하면 같은 시드로 새 실행을 시작합니다.") }</p>
            <form class="config-form" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                { for FIELDS.iter().map(|field| {
                    let value = draft.get(field.key).cloned().unwrap_or_default();
                    let error = errors.get(field.key).cloned();
                    html! {
                        <div class={classes!("config-field", error.is_some().then_some("invalid"))}>
                            <label for={format!("cfg-{}", field.key.replace('.', "-"))}>
                                <span class="label">{ tr(lang, field.en, field.ko) }</span>
                                <code class="key">{ field.key }</code>
                            </label>
                            { field_input(field, &value, lang, on_change.clone()) }
                            if let Some(error) = error {
                                <span class="error" role="alert" data-testid={format!("cfg-error-{}", field.key)}>{ error }</span>
                            }
                        </div>
                    }
                }) }
                { for errors.iter().filter(|(k, _)| !FIELDS.iter().any(|f| f.key == k.as_str())).map(|(key, error)| html! {
                    <p class="error" role="alert">{ format!("{key}: {error}") }</p>
                }) }
                <div class="config-actions">
                    <button type="button" class="primary" data-testid="cfg-apply" disabled={result.is_err()} onclick={on_apply}>
                        { tr(lang, "Apply and restart the run", "적용하고 새로 실행") }
                    </button>
                    <button type="button" onclick={on_defaults}>{ tr(lang, "The talk's defaults", "발표 기본값") }</button>
                </div>
            </form>
            <h3>{ tr(lang, "Equivalent Java", "동등한 Java 코드") }</h3>
            <pre class="java" data-testid="java-snippet" tabindex="0" role="region" aria-label={tr(lang, "Equivalent Java", "동등한 Java 코드")}><code>{ snippet }</code></pre>
        </section>
    }
}
