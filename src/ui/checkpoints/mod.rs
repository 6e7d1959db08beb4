//! The Checkpoints tab of Flink's web UI (Overview | History | Summary | Configuration), built
//! field by field from the REST DTOs Flink would serve for the simulated job:
//! `/jobs/:jobid/checkpoints`, `…/checkpoints/details/:id`, `…/details/:id/subtasks/:vid` and
//! `…/checkpoints/config`.
//!
//! Flink's UI polls every 3 s; this one follows the simulation live, and adds what Flink cannot
//! show: the pending checkpoint's acknowledgements subtask by subtask as they arrive, the next
//! periodic trigger, and the failure counter that `tolerable-failed-checkpoints` is checked
//! against.

use super::dashboard::{badge_class, duration, expand_button, thousands, timestamp, Toggles};
use super::{format, tr, tr_dyn, Lang, PanelProps};
use crate::sim::ids::{CheckpointId, VertexIndex};
use crate::sim::rest::{
    build, CheckpointConfigInfo, CheckpointStatistics, CheckpointStatisticsBase,
    CheckpointStatsStatus, CheckpointSummary, CheckpointType, CheckpointingCounts,
    CheckpointingStatistics, CompletedCheckpointStatistics, FailedCheckpointStatistics, JsonDouble,
    ProcessingMode, RestoredCheckpointStatistics, StatsSummaryDto, SubtaskCheckpointStatistics,
    TaskCheckpointStatistics, TaskCheckpointSummary,
};
use crate::sim::view::SimView;
use wasm_bindgen::JsCast;
use yew::prelude::*;

mod configuration;
mod history;
mod overview;
mod summary;

use configuration::*;
use history::*;
use overview::*;
use summary::*;

/// The sub-tabs, in Flink's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CpTab {
    Overview,
    History,
    Summary,
    Config,
}

impl CpTab {
    const ALL: [CpTab; 4] = [
        CpTab::Overview,
        CpTab::History,
        CpTab::Summary,
        CpTab::Config,
    ];

    fn id(self) -> &'static str {
        match self {
            CpTab::Overview => "overview",
            CpTab::History => "history",
            CpTab::Summary => "summary",
            CpTab::Config => "config",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match self {
            CpTab::Overview => tr!(lang, "Overview", "개요"),
            CpTab::History => tr!(lang, "History", "기록"),
            CpTab::Summary => tr!(lang, "Summary", "요약"),
            CpTab::Config => tr!(lang, "Configuration", "설정"),
        }
    }
}

/// An expanded part: a checkpoint's detail, or one operator of a checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Open {
    Checkpoint(i64),
    Operator(i64, u32),
}

/// What the render helpers share while the session is read.
struct Ctx<'a> {
    view: &'a SimView<'a>,
    lang: Lang,
    open: UseReducerHandle<Toggles<Open>>,
    /// A comparison's side: the overview gives the figures without the per-operator tables and
    /// detail boxes (the History sub-tab still expands every checkpoint). Two full overviews
    /// side by side cost two frames at 100x on every table refresh.
    compact: bool,
}

impl Ctx<'_> {
    fn is_open(&self, key: Open) -> bool {
        self.open.contains(&key)
    }

    fn toggle(&self, key: Open) -> Callback<MouseEvent> {
        let open = self.open.clone();
        Callback::from(move |_: MouseEvent| open.dispatch(key))
    }
}

/// The Checkpoints tab.
#[component]
pub fn CheckpointsPanel(props: &PanelProps) -> Html {
    let lang = props.lang;
    let tab = use_state_eq(|| CpTab::Overview);
    let open = use_reducer(Toggles::<Open>::default);
    let session = props.session.read();
    let view = session.side_sim(props.side).view();
    let sfx = super::side_suffix(props.side);
    let ctx = Ctx {
        view: &view,
        lang,
        open,
        compact: props.side != 0,
    };
    let body = match *tab {
        CpTab::Overview => overview_tab(&ctx, &build::checkpoints(&view)),
        CpTab::History => history_tab(&ctx, &build::checkpoints(&view)),
        CpTab::Summary => {
            let stats = build::checkpoints(&view);
            html! { <SummaryTab summary={stats.summary} completed={stats.counts.completed} lang={lang} /> }
        }
        CpTab::Config => config_tab(&ConfigProps {
            config: build::checkpoint_config(&view),
            retained: view.config().num_retained,
            history: view.config().checkpoint_history_size,
            lang,
        }),
    };
    html! {
        <section class="cp" aria-label={tr!(lang, "Checkpoints", "체크포인트")}>
            { tab_bar(*tab, lang, tab.setter(), sfx) }
            <div class="cp-body" role="tabpanel" id={format!("cp-panel-{}{sfx}", tab.id())}
                aria-labelledby={format!("cp-tab-btn-{}{sfx}", tab.id())}>
                { body }
            </div>
        </section>
    }
}

/// The sub-tab bar: arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern).
fn tab_bar(current: CpTab, lang: Lang, set: UseStateSetter<CpTab>, sfx: &'static str) -> Html {
    let onkeydown = {
        let set = set.clone();
        Callback::from(move |event: KeyboardEvent| {
            let index = CpTab::ALL.iter().position(|t| *t == current).unwrap_or(0);
            let next = match event.key().as_str() {
                "ArrowRight" => (index + 1) % CpTab::ALL.len(),
                "ArrowLeft" => (index + CpTab::ALL.len() - 1) % CpTab::ALL.len(),
                "Home" => 0,
                "End" => CpTab::ALL.len() - 1,
                _ => return,
            };
            event.prevent_default();
            event.stop_propagation();
            set.set(CpTab::ALL[next]);
            focus_by_id(&format!("cp-tab-btn-{}{sfx}", CpTab::ALL[next].id()));
        })
    };
    let buttons = CpTab::ALL.iter().map(|&t| {
        let selected = t == current;
        let set = set.clone();
        html! {
            <button type="button" role="tab" id={format!("cp-tab-btn-{}{sfx}", t.id())}
                class={classes!("cp-tab", selected.then_some("cp-tab-selected"))}
                aria-selected={selected.to_string()} aria-controls={format!("cp-panel-{}{sfx}", t.id())}
                tabindex={if selected { "0" } else { "-1" }}
                data-testid={format!("cp-tab-{}", t.id())}
                onclick={Callback::from(move |_: MouseEvent| set.set(t))}>
                { t.label(lang) }
            </button>
        }
    });
    html! {
        <div class="cp-tabs" role="tablist" aria-label={tr!(lang, "Checkpoint views", "체크포인트 보기")} {onkeydown}>
            { for buttons }
            <span class="cp-live-dot" title={tr!(lang, "Live: follows the simulation (Flink's UI polls every 3 s)", "실시간: 시뮬레이션을 바로 따라갑니다 (Flink UI는 3초마다 갱신)")}>
                { tr!(lang, "live", "실시간") }
            </span>
        </div>
    }
}

fn focus_by_id(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

// ---- Formatting shared by the sub-tabs

fn status_str(status: CheckpointStatsStatus) -> &'static str {
    match status {
        CheckpointStatsStatus::InProgress => "IN_PROGRESS",
        CheckpointStatsStatus::Completed => "COMPLETED",
        CheckpointStatsStatus::Failed => "FAILED",
    }
}

fn bytes(value: i64) -> String {
    format::bytes(value.max(0) as u64)
}

/// Flink's "Processed (persisted)" cell: `0 B (102 B)`.
fn processed_persisted(processed: i64, persisted: i64) -> String {
    format!("{} ({})", bytes(processed), bytes(persisted))
}

/// A timestamp that is -1 before the first acknowledgement ("n/a", as Flink).
fn ack_time(epoch_ms: i64) -> String {
    if epoch_ms < 0 {
        "n/a".to_string()
    } else {
        timestamp(epoch_ms)
    }
}

/// A duration that is -1 before the first acknowledgement ("n/a", as Flink).
fn ms_or_na(ms: i64) -> String {
    if ms < 0 {
        "n/a".to_string()
    } else {
        duration(ms)
    }
}

fn duration_f(value: JsonDouble) -> String {
    if value.is_nan() {
        "n/a".to_string()
    } else {
        duration(value.value().round() as i64)
    }
}

fn bytes_f(value: JsonDouble) -> String {
    if value.is_nan() {
        "n/a".to_string()
    } else {
        bytes(value.value().round() as i64)
    }
}

/// `acked / total` as a whole percentage (Flink's `percent` pipe).
fn percent(acked: i32, total: i32) -> u32 {
    if total <= 0 {
        0
    } else {
        ((f64::from(acked) * 100.0 / f64::from(total)).round()) as u32
    }
}

fn progress(pct: u32) -> Html {
    html! {
        <span class="cp-progress" role="progressbar" aria-valuemin="0" aria-valuemax="100"
            aria-valuenow={pct.to_string()} aria-label={format!("{pct}% acknowledged")}>
            <span style={format!("width:{}%", pct.min(100))}></span>
        </span>
    }
}
