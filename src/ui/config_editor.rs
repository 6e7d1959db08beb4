//! The configuration editor: the talk's Java configuration as a form (by Flink's option
//! names), a validation message beside each field, and the equivalent Java code, live. The
//! fields, their widgets, labels and the Java all come from the one option table
//! (`crate::sim::config::options`).

use super::{tr, Lang};
use crate::app::RestoreRequest;
use crate::sim::config::options::{FlinkOption, Kind, OPTIONS};
use crate::sim::config::ConfigError;
use crate::sim::ids::CheckpointId;
use crate::sim::restore::{RecoveryClaimMode, RestoreSettings};
use crate::sim::SimConfig;
use crate::ui::dashboard::{para, span};
use litemap::LiteMap;

pub use crate::sim::config::options::java_snippet;
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
    /// The current job's retained checkpoints and savepoints: id and name (`chk-7`,
    /// `savepoint-…`), savepoints marked.
    pub snapshots: Vec<(u32, String)>,
    /// Starts a new job from one of them with the configuration (`flink run -s`).
    pub on_restore: Callback<RestoreRequest>,
}

/// The options the editor offers, in the table's order.
fn fields() -> impl Iterator<Item = &'static FlinkOption> {
    OPTIONS.iter().filter(|o| o.editor)
}

/// The draft values of every field, from a configuration.
fn draft_of(config: &SimConfig) -> LiteMap<&'static str, String> {
    // Inserted one by one: collecting sorts first, with a sort of its own (`sim::order`).
    let mut draft = LiteMap::new();
    for o in fields() {
        let text = (o.get)(config).map(|v| o.to_text(&v)).unwrap_or_default();
        draft.insert(o.key, text);
    }
    draft
}

/// The configuration the draft describes, or the problem of each field (keyed by option).
fn evaluate(
    base: &SimConfig,
    draft: &LiteMap<&'static str, String>,
) -> Result<SimConfig, LiteMap<String, String>> {
    let mut config = base.clone();
    let mut errors = LiteMap::new();
    // The strategy type first: it resets the strategy's own options to Flink's defaults.
    let ordered = draft
        .iter()
        .filter(|(k, _)| **k == "restart-strategy.type")
        .chain(draft.iter().filter(|(k, _)| **k != "restart-strategy.type"));
    for (key, text) in ordered {
        // The restore options are the submission's, not the job configuration's.
        if key.starts_with("execution.state-recovery.") {
            continue;
        }
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

/// `execution.state-recovery.path`: the snapshot a new job starts from (its checkpoint id here).
const PATH: &str = "execution.state-recovery.path";
/// `execution.state-recovery.claim-mode`.
const CLAIM: &str = "execution.state-recovery.claim-mode";
/// `execution.state-recovery.ignore-unclaimed-state` (`--allowNonRestoredState`).
const NRS: &str = "execution.state-recovery.ignore-unclaimed-state";

fn field_id(key: &str) -> String {
    format!("cfg-{}", key.replace('.', "-"))
}

/// A labelled field of the restore options.
fn restore_field(key: &'static str, label: &str, input: Html) -> Html {
    html! {
        <div class="config-field">
            <label for={field_id(key)}>
                { span("label", label.to_string()) }
                <code class="key">{ key }</code>
            </label>
            { input }
        </div>
    }
}

/// A select over `(value, label)` pairs whose choice goes into the draft as `key`.
fn select(
    key: &'static str,
    options: &[(String, String)],
    current: &str,
    on_change: &Callback<(&'static str, String)>,
) -> Html {
    let onchange = on_change.reform(move |e: yew::events::Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        (key, select.value())
    });
    html! {
        <select id={field_id(key)} data-testid={format!("cfg-{key}")} onchange={onchange}>
            { for options.iter().map(|(value, label)| html! { <option value={value.clone()} selected={value == current}>{ label.clone() }</option> }) }
        </select>
    }
}

fn describe(error: &ConfigError) -> String {
    format!("{} — {}", error.value, error.allowed)
}

fn field_input(
    field: &'static FlinkOption,
    value: &str,
    lang: Lang,
    on_change: Callback<(&'static str, String)>,
) -> Html {
    let key = field.key;
    let id = format!("cfg-{}", key.replace('.', "-"));
    match field.kind {
        Kind::Flag => html! {
            <input id={id} type="checkbox" checked={value == "true"} data-testid={format!("cfg-{key}")}
                onchange={Callback::from(move |e: yew::events::Event| {
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    on_change.emit((key, input.checked().to_string()));
                })} />
        },
        Kind::Choice { values, .. } => html! {
            <select id={id} data-testid={format!("cfg-{key}")} aria-label={super::tr_dyn(lang, field.en)}
                onchange={Callback::from(move |e: yew::events::Event| {
                    let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                    on_change.emit((key, select.value()));
                })}>
                { for values.iter().map(|o| html! { <option value={*o} selected={*o == value}>{ *o }</option> }) }
            </select>
        },
        _ => html! {
            <input id={id} type="text" value={value.to_string()} data-testid={format!("cfg-{key}")}
                oninput={Callback::from(move |e: InputEvent| {
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    on_change.emit((key, input.value()));
                })} />
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
    let on_defaults = {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| draft.set(draft_of(&SimConfig::default())))
    };
    // "Start from": a fresh run, or a new job from a snapshot (`flink run -s <path>`), by
    // Flink's `execution.state-recovery.*` options, kept in the draft beside the others.
    let chosen = draft
        .get(PATH)
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|id| props.snapshots.iter().any(|(s, _)| s == id));
    let claim = draft.get(CLAIM).map_or("NO_CLAIM", String::as_str);
    let nrs = draft.get(NRS).is_some_and(|v| v == "true");
    let restore_fields = chosen.map(|_| {
        let modes = ["NO_CLAIM", "CLAIM"].map(|m| (m.to_string(), m.to_string()));
        let on_nrs = on_change.reform(|e: yew::events::Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            (NRS, input.checked().to_string())
        });
        html! {
            <>
                { restore_field(CLAIM, tr!(lang, "Restore mode", "복구 모드"), select(CLAIM, &modes, claim, &on_change)) }
                { restore_field(NRS, tr!(lang, "Skip state no operator takes (--allowNonRestoredState)", "받을 연산자가 없는 상태는 건너뛰기 (--allowNonRestoredState)"), html! {
                    <input id={field_id(NRS)} type="checkbox" data-testid={format!("cfg-{NRS}")} checked={nrs} onchange={on_nrs} />
                }) }
                { para("hint", tr!(lang,
                    "flink run -s with the options below: another parallelism rescales by key group; another max parallelism, or chaining switched without uids, is refused as Flink refuses it.",
                    "아래 옵션으로 flink run -s: 병렬도를 바꾸면 키 그룹 단위로 재분배되고, 최대 병렬도를 바꾸거나 uid 없이 체이닝을 바꾸면 Flink처럼 거부됩니다.")) }
            </>
        }
    });
    let on_apply = {
        let (result, apply, restore) = (
            result.clone(),
            props.on_apply.clone(),
            props.on_restore.clone(),
        );
        let settings = RestoreSettings {
            claim_mode: if claim == "CLAIM" {
                RecoveryClaimMode::Claim
            } else {
                RecoveryClaimMode::NoClaim
            },
            allow_non_restored_state: nrs,
        };
        Callback::from(move |_: MouseEvent| {
            let Ok(config) = &result else { return };
            match chosen {
                Some(id) => restore.emit(RestoreRequest {
                    config: config.clone(),
                    checkpoint: CheckpointId(id),
                    settings,
                }),
                None => apply.emit(config.clone()),
            }
        })
    };
    let mut sources = vec![(
        String::new(),
        tr!(lang, "a fresh job (no snapshot)", "새 잡 (스냅샷 없음)").to_string(),
    )];
    sources.extend(
        props
            .snapshots
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone())),
    );
    let current = chosen.map(|id| id.to_string()).unwrap_or_default();
    let errors = result.as_ref().err().cloned().unwrap_or_default();
    let snippet = java_snippet(result.as_ref().unwrap_or(base));
    html! {
        <section class="panel config-editor" aria-label={tr!(lang, "Configuration", "설정")}>
            <h2>{ tr!(lang, "Configuration", "설정") }</h2>
            { para("hint", tr!(lang,
                "Flink option names; durations like 500 ms, 10 s, 2 min. Applying starts a new run with the same seed.",
                "Flink 옵션 이름을 사용합니다. 기간은 500 ms, 10 s, 2 min 처럼 씁니다. 적용하면 같은 시드로 새 실행을 시작합니다.")) }
            <form class="config-form" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                { restore_field(PATH, tr!(lang, "Start from", "시작 지점"), select(PATH, &sources, &current, &on_change)) }
                { for restore_fields }
                { for fields().map(|field| {
                    let value = draft.get(field.key).cloned().unwrap_or_default();
                    let error = errors.get(field.key).cloned();
                    html! {
                        <div class={classes!("config-field", error.is_some().then_some("invalid"))}>
                            <label for={format!("cfg-{}", field.key.replace('.', "-"))}>
                                { span("label", super::tr_dyn(lang, field.en)) }
                                <code class="key">{ field.key }</code>
                            </label>
                            { field_input(field, &value, lang, on_change.clone()) }
                            if let Some(error) = error {
                                <span class="error" role="alert" data-testid={format!("cfg-error-{}", field.key)}>{ error }</span>
                            }
                        </div>
                    }
                }) }
                { for errors.iter().filter(|(k, _)| !fields().any(|f| f.key == k.as_str())).map(|(key, error)| html! {
                    <p class="error" role="alert">{ format!("{key}: {error}") }</p>
                }) }
                <div class="config-actions">
                    <button type="button" class="primary" data-testid="cfg-apply" disabled={result.is_err()} onclick={on_apply}>
                        { if chosen.is_some() { tr!(lang, "Start the new job from the snapshot", "스냅샷에서 새 잡 시작") }
                          else { tr!(lang, "Apply and restart the run", "적용하고 새로 실행") } }
                    </button>
                    <button type="button" onclick={on_defaults}>{ tr!(lang, "The talk's defaults", "발표 기본값") }</button>
                </div>
            </form>
            <h3>{ tr!(lang, "Equivalent Java", "동등한 Java 코드") }</h3>
            <pre class="java" data-testid="java-snippet" tabindex="0" role="region" aria-label={tr!(lang, "Equivalent Java", "동등한 Java 코드")}><code>{ snippet }</code></pre>
        </section>
    }
}
