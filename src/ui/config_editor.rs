//! The configuration editor: the talk's Java configuration as a form (by Flink's option
//! names), a validation message beside each field, and the equivalent Java code, live. The
//! fields, their widgets, labels and the Java all come from the one option table
//! (`crate::sim::config::options`).

use super::{tr, Lang};
use crate::sim::config::options::{FlinkOption, Kind, OPTIONS};
use crate::sim::config::ConfigError;
use crate::sim::SimConfig;
use std::collections::BTreeMap;

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
}

/// The options the editor offers, in the table's order.
fn fields() -> impl Iterator<Item = &'static FlinkOption> {
    OPTIONS.iter().filter(|o| o.editor)
}

/// The draft values of every field, from a configuration.
fn draft_of(config: &SimConfig) -> BTreeMap<&'static str, String> {
    // Inserted one by one: collecting sorts first, with a sort of its own (`sim::order`).
    let mut draft = BTreeMap::new();
    for o in fields() {
        let text = (o.get)(config).map(|v| o.to_text(&v)).unwrap_or_default();
        draft.insert(o.key, text);
    }
    draft
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
            <select id={id} data-testid={format!("cfg-{key}")} aria-label={field.label(lang == Lang::Ko)}
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
        <section class="panel config-editor" aria-label={tr!(lang, "Configuration", "설정")}>
            <h2>{ tr!(lang, "Configuration", "설정") }</h2>
            <p class="hint">{ tr!(lang,
                "Flink option names; durations like 500 ms, 10 s, 2 min. Applying starts a new run with the same seed.",
                "Flink 옵션 이름을 사용합니다. 기간은 500 ms, 10 s, 2 min 처럼 씁니다. 적용하면 같은 시드로 새 실행을 시작합니다.") }</p>
            <form class="config-form" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                { for fields().map(|field| {
                    let value = draft.get(field.key).cloned().unwrap_or_default();
                    let error = errors.get(field.key).cloned();
                    html! {
                        <div class={classes!("config-field", error.is_some().then_some("invalid"))}>
                            <label for={format!("cfg-{}", field.key.replace('.', "-"))}>
                                <span class="label">{ field.label(lang == Lang::Ko) }</span>
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
                        { tr!(lang, "Apply and restart the run", "적용하고 새로 실행") }
                    </button>
                    <button type="button" onclick={on_defaults}>{ tr!(lang, "The talk's defaults", "발표 기본값") }</button>
                </div>
            </form>
            <h3>{ tr!(lang, "Equivalent Java", "동등한 Java 코드") }</h3>
            <pre class="java" data-testid="java-snippet" tabindex="0" role="region" aria-label={tr!(lang, "Equivalent Java", "동등한 Java 코드")}><code>{ snippet }</code></pre>
        </section>
    }
}
