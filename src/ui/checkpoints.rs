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
use super::{format, tr, Lang, PanelProps};
use crate::sim::ids::{CheckpointId, VertexIndex};
use crate::sim::rest::{
    build, CheckpointConfigInfo, CheckpointStatistics, CheckpointStatisticsBase,
    CheckpointStatsStatus, CheckpointSummary, CheckpointType, CheckpointingCounts,
    CheckpointingStatistics, CompletedCheckpointStatistics, FailedCheckpointStatistics, JsonDouble,
    ProcessingMode, RestoredCheckpointStatistics, StatsSummaryDto, SubtaskCheckpointStatistics,
    TaskCheckpointStatistics, TaskCheckpointSummary,
};
use crate::sim::storage::CheckpointStorage;
use crate::sim::view::SimView;
use wasm_bindgen::JsCast;
use yew::prelude::*;

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
            CpTab::Overview => tr(lang, "Overview", "개요"),
            CpTab::History => tr(lang, "History", "기록"),
            CpTab::Summary => tr(lang, "Summary", "요약"),
            CpTab::Config => tr(lang, "Configuration", "설정"),
        }
    }
}

/// An expanded part: a checkpoint's detail, or one operator of a checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Open {
    Checkpoint(i64),
    Operator(i64, u32),
}

/// What the render helpers share while the model is borrowed.
struct Ctx<'a> {
    view: &'a SimView<'a>,
    lang: Lang,
    open: UseReducerHandle<Toggles<Open>>,
}

impl Ctx<'_, S> {
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
    let model = props.model.borrow();
    let view = model.sim.view();
    let ctx = Ctx {
        view: &view,
        lang,
        open,
    };
    let body = match *tab {
        CpTab::Overview => overview_tab(&ctx, &build::checkpoints(&view)),
        CpTab::History => history_tab(&ctx, &build::checkpoints(&view)),
        CpTab::Summary => {
            let stats = build::checkpoints(&view);
            html! { <SummaryTab summary={stats.summary} completed={stats.counts.completed} lang={lang} /> }
        }
        CpTab::Config => html! {
            <ConfigTab config={build::checkpoint_config(&view)}
                retained={view.config().num_retained} history={view.config().checkpoint_history_size}
                lang={lang} />
        },
    };
    html! {
        <section class="cp" aria-label={tr(lang, "Checkpoints", "체크포인트")}>
            { tab_bar(*tab, lang, tab.setter()) }
            <div class="cp-body" role="tabpanel" id={format!("cp-panel-{}", tab.id())}
                aria-labelledby={format!("cp-tab-btn-{}", tab.id())}>
                { body }
            </div>
        </section>
    }
}

/// The sub-tab bar: arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern).
fn tab_bar(current: CpTab, lang: Lang, set: UseStateSetter<CpTab>) -> Html {
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
            focus_by_id(&format!("cp-tab-btn-{}", CpTab::ALL[next].id()));
        })
    };
    let buttons = CpTab::ALL.iter().map(|&t| {
        let selected = t == current;
        let set = set.clone();
        html! {
            <button type="button" role="tab" id={format!("cp-tab-btn-{}", t.id())}
                class={classes!("cp-tab", selected.then_some("cp-tab-selected"))}
                aria-selected={selected.to_string()} aria-controls={format!("cp-panel-{}", t.id())}
                tabindex={if selected { "0" } else { "-1" }}
                data-testid={format!("cp-tab-{}", t.id())}
                onclick={Callback::from(move |_: MouseEvent| set.set(t))}>
                { t.label(lang) }
            </button>
        }
    });
    html! {
        <div class="cp-tabs" role="tablist" aria-label={tr(lang, "Checkpoint views", "체크포인트 보기")} {onkeydown}>
            { for buttons }
            <span class="cp-live-dot" title={tr(lang, "Live: follows the simulation (Flink's UI polls every 3 s)", "실시간: 시뮬레이션을 바로 따라갑니다 (Flink UI는 3초마다 갱신)")}>
                { tr(lang, "live", "실시간") }
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

// ---------------------------------------------------------------------------------------------
// Overview
// ---------------------------------------------------------------------------------------------

fn overview_tab(ctx: &Ctx<'_, S>, stats: &CheckpointingStatistics) -> Html {
    let lang = ctx.lang;
    let latest = &stats.latest;
    html! {
        <div class="cp-overview">
            <dl class="cp-kv">
                { counts_row(&stats.counts, lang) }
                { latest_completed(ctx, latest.completed.as_ref()) }
                { latest_failed(ctx, latest.failed.as_ref()) }
                { latest_savepoint(lang, latest.savepoint.as_ref()) }
                { latest_restore(lang, latest.restored.as_ref()) }
            </dl>
            { live_section(ctx, stats) }
        </div>
    }
}

fn kv_row(label: &'static str, value: Html) -> Html {
    html! {
        <div class="cp-kv-row">
            <dt>{ label }</dt>
            <dd>{ value }</dd>
        </div>
    }
}

/// `Label: value`, separated from its neighbours by a pipe (CSS).
fn field(label: &'static str, value: Html) -> Html {
    html! { <span class="cp-field"><b>{ label }{ ": " }</b>{ value }</span> }
}

fn none(lang: Lang) -> Html {
    html! { <span class="cp-none">{ tr(lang, "None", "없음") }</span> }
}

fn counts_row(c: &CheckpointingCounts, lang: Lang) -> Html {
    let count = |n: i64, id: &'static str| html! { <span data-testid={id}>{ n }</span> };
    kv_row(
        tr(lang, "Checkpoint Counts", "체크포인트 개수"),
        html! {
            <span class="cp-fields">
                { field(tr(lang, "Triggered", "트리거됨"), count(c.total, "cp-count-triggered")) }
                { field(tr(lang, "In Progress", "진행 중"), count(i64::from(c.in_progress), "cp-count-in-progress")) }
                { field(tr(lang, "Completed", "완료"), count(c.completed, "cp-count-completed")) }
                { field(tr(lang, "Failed", "실패"), count(c.failed, "cp-count-failed")) }
                { field(tr(lang, "Restored", "복원"), count(c.restored, "cp-count-restored")) }
            </span>
        },
    )
}

fn latest_completed(ctx: &Ctx<'_, S>, completed: Option<&CompletedCheckpointStatistics>) -> Html {
    let lang = ctx.lang;
    let label = tr(
        lang,
        "Latest Completed Checkpoint",
        "최근 완료된 체크포인트",
    );
    let Some(c) = completed else {
        return kv_row(label, none(lang));
    };
    let b = &c.base;
    kv_row(
        label,
        html! {
            <div data-testid="cp-latest-completed">
                <span class="cp-fields">
                    { field("ID", html! { <span data-testid="cp-latest-completed-id">{ b.id }</span> }) }
                    { field(tr(lang, "Completion Time", "완료 시각"), html! { { ack_time(b.latest_ack_timestamp_ms) } }) }
                    { field(tr(lang, "End to End Duration", "종단 간 소요 시간"), html! { { ms_or_na(b.end_to_end_duration_ms) } }) }
                    { field(tr(lang, "Checkpointed Data Size", "체크포인트 데이터 크기"), html! { { bytes(b.checkpointed_size_bytes) } }) }
                    { field(tr(lang, "Full Checkpoint Data Size", "전체 체크포인트 데이터 크기"), html! { { bytes(b.state_size_bytes) } }) }
                </span>
                { detail_box(lang, &CheckpointStatistics::Completed(c.clone())) }
                { operators(ctx, b.id) }
            </div>
        },
    )
}

fn latest_failed(ctx: &Ctx<'_, S>, failed: Option<&FailedCheckpointStatistics>) -> Html {
    let lang = ctx.lang;
    let label = tr(lang, "Latest Failed Checkpoint", "최근 실패한 체크포인트");
    let Some(f) = failed else {
        return kv_row(label, none(lang));
    };
    let cause = f.failure_message.clone().unwrap_or_default();
    kv_row(
        label,
        html! {
            <div data-testid="cp-latest-failed">
                <span class="cp-fields">
                    { field("ID", html! { { f.base.id } }) }
                    { field(tr(lang, "Failure Time", "실패 시각"), html! { { timestamp(f.failure_timestamp_ms) } }) }
                    { field(tr(lang, "Cause", "원인"), html! { <span class="cp-cause">{ cause }</span> }) }
                </span>
                { detail_box(lang, &CheckpointStatistics::Failed(f.clone())) }
                { operators(ctx, f.base.id) }
            </div>
        },
    )
}

fn latest_savepoint(lang: Lang, savepoint: Option<&CompletedCheckpointStatistics>) -> Html {
    let label = tr(lang, "Latest Savepoint", "최근 세이브포인트");
    let Some(s) = savepoint else {
        return kv_row(label, none(lang));
    };
    kv_row(
        label,
        html! {
            <span class="cp-fields">
                { field("ID", html! { { s.base.id } }) }
                { field(tr(lang, "Completion Time", "완료 시각"), html! { { ack_time(s.base.latest_ack_timestamp_ms) } }) }
                { field(tr(lang, "Size", "크기"), html! { { bytes(s.base.checkpointed_size_bytes) } }) }
                { field(tr(lang, "Path", "경로"), html! { { s.external_path.clone().unwrap_or_else(|| "-".into()) } }) }
            </span>
        },
    )
}

fn latest_restore(lang: Lang, restored: Option<&RestoredCheckpointStatistics>) -> Html {
    let label = tr(lang, "Latest Restore", "최근 복원");
    let Some(r) = restored else {
        return kv_row(label, none(lang));
    };
    let kind = if r.is_savepoint {
        tr(lang, "Savepoint", "세이브포인트")
    } else {
        tr(lang, "Checkpoint", "체크포인트")
    };
    kv_row(
        label,
        html! {
            <span class="cp-fields" data-testid="cp-latest-restore">
                { field("ID", html! { { r.id } }) }
                { field(tr(lang, "Restore Time", "복원 시각"), html! { { timestamp(r.restore_timestamp_ms) } }) }
                { field(tr(lang, "Type", "유형"), html! { { kind } }) }
                { field(tr(lang, "Path", "경로"), html! { <code>{ r.external_path.clone().unwrap_or_else(|| "-".into()) }</code> }) }
            </span>
        },
    )
}

/// What Flink's UI cannot show: acknowledgements arriving subtask by subtask, the next
/// periodic trigger and the continuous-failure counter.
fn live_section(ctx: &Ctx<'_, S>, stats: &CheckpointingStatistics) -> Html {
    let (view, lang) = (ctx.view, ctx.lang);
    let coordinator = view.coordinator();
    let pending: Vec<&CheckpointStatisticsBase> = stats
        .history
        .iter()
        .map(CheckpointStatistics::base)
        .filter(|b| b.status == CheckpointStatsStatus::InProgress)
        .collect();
    let next = coordinator
        .periodic_next
        .map(|at| duration(at.saturating_since(view.now()).as_ms() as i64));
    html! {
        <div class="cp-live" data-testid="cp-live">
            <h3 class="cp-live-title">{ tr(lang, "Live (not in Flink's UI)", "실시간 (Flink UI에는 없음)") }</h3>
            if pending.is_empty() {
                <p class="cp-none">{ tr(lang, "No checkpoint in progress.", "진행 중인 체크포인트가 없습니다.") }</p>
            }
            { for pending.iter().map(|b| pending_acks(ctx, b)) }
            <p class="cp-fields">
                { field(tr(lang, "Next periodic trigger in", "다음 주기 트리거까지"), html! { { next.unwrap_or_else(|| "-".into()) } }) }
                { field(tr(lang, "Consecutive failed checkpoints", "연속 실패 체크포인트"), html! {
                    { format!("{} / {} {}", coordinator.continuous_failures, view.config().tolerable_failed_checkpoints, tr(lang, "tolerable", "허용")) }
                }) }
            </p>
        </div>
    }
}

/// One pending checkpoint: n/total, a bar, and one square per subtask per vertex.
fn pending_acks(ctx: &Ctx<'_, S>, b: &CheckpointStatisticsBase) -> Html {
    let (view, lang) = (ctx.view, ctx.lang);
    let now = view.epoch_ms(view.now()) as i64;
    let pct = percent(b.num_acknowledged_subtasks, b.num_subtasks);
    let vertices = view.graph().vertices.iter().enumerate().map(|(v, vertex)| {
        let Some(d) = build::checkpoint_subtasks(
            view,
            CheckpointId(b.id as u32),
            VertexIndex::from_index(v),
        ) else {
            return html! {};
        };
        let squares = d.subtasks.iter().map(|s| {
            let (index, acked) = match s {
                SubtaskCheckpointStatistics::Completed(c) => (c.index, true),
                SubtaskCheckpointStatistics::Pending(p) => (p.index, false),
            };
            let state = if acked { tr(lang, "acknowledged", "확인됨") } else { tr(lang, "pending", "대기 중") };
            html! {
                <span class={classes!("cp-square", acked.then_some("cp-square-acked"))}
                    title={format!("{} ({}/{}): {state}", vertex.name, index + 1, vertex.parallelism)}>
                    { index }
                </span>
            }
        });
        html! { <span class="cp-vertex-acks"><span class="cp-vertex-name">{ &vertex.name }</span>{ for squares }</span> }
    });
    html! {
        <div class="cp-pending" data-testid={format!("cp-pending-{}", b.id)}>
            <span class="cp-fields">
                { field("ID", html! { { b.id } }) }
                { field(tr(lang, "Acknowledged", "확인(ack)"), html! {
                    <span data-testid={format!("cp-pending-acks-{}", b.id)}>
                        { format!("{}/{}", b.num_acknowledged_subtasks, b.num_subtasks) }
                    </span>
                }) }
                { field(tr(lang, "Since trigger", "트리거 후"), html! { { duration(now - b.trigger_timestamp_ms) } }) }
            </span>
            { progress(pct) }
            <div class="cp-acks">{ for vertices }</div>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// History
// ---------------------------------------------------------------------------------------------

const HISTORY_COLUMNS: usize = 11;

fn history_tab(ctx: &Ctx<'_, S>, stats: &CheckpointingStatistics) -> Html {
    let lang = ctx.lang;
    let limit = ctx.view.config().checkpoint_history_size;
    html! {
        <div class="cp-history">
            <div class="cp-scroll cp-scroll-tall">
                <table class="cp-table" data-testid="cp-history">
                    <caption class="dash-sr">{ tr(lang, "Checkpoint history, newest first", "체크포인트 기록 (최신순)") }</caption>
                    { history_head(lang) }
                    if stats.history.is_empty() {
                        <tbody><tr><td colspan={HISTORY_COLUMNS.to_string()} class="cp-empty">
                            { tr(lang, "No checkpoint has been triggered yet.", "아직 트리거된 체크포인트가 없습니다.") }
                        </td></tr></tbody>
                    }
                    { for stats.history.iter().map(|c| history_group(ctx, c)) }
                </table>
            </div>
            <p class="cp-note">
                { format!("{} {limit} ", tr(lang, "The history keeps the", "기록은 최근")) }
                { tr(lang, "most recent checkpoints (", "개의 체크포인트만 보관합니다 (") }
                <code>{ "web.checkpoints.history" }</code>{ ")." }
            </p>
        </div>
    }
}

fn history_head(lang: Lang) -> Html {
    let cols = [
        "ID",
        tr(lang, "Status", "상태"),
        tr(lang, "Acknowledged", "확인(ack)"),
        tr(lang, "Trigger Time", "트리거 시각"),
        tr(lang, "Latest Acknowledgement", "마지막 확인 시각"),
        tr(lang, "End to End Duration", "종단 간 소요 시간"),
        tr(lang, "Checkpointed Data Size", "체크포인트 데이터 크기"),
        tr(
            lang,
            "Full Checkpoint Data Size",
            "전체 체크포인트 데이터 크기",
        ),
        tr(
            lang,
            "Processed (persisted) in-flight data",
            "처리된(저장된) in-flight 데이터",
        ),
        tr(lang, "Unaligned", "비정렬"),
    ];
    html! {
        <thead>
            <tr>
                <th scope="col" class="dash-narrow"><span class="dash-sr">{ tr(lang, "Expand", "펼치기") }</span></th>
                { for cols.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }
            </tr>
        </thead>
    }
}

/// One checkpoint: its row, its failure message, and its detail when expanded.
fn history_group(ctx: &Ctx<'_, S>, c: &CheckpointStatistics) -> Html {
    let (b, lang) = (c.base(), ctx.lang);
    let id = b.id;
    let open = ctx.is_open(Open::Checkpoint(id));
    let label = format!(
        "{} {id}",
        tr(lang, "Details of checkpoint", "체크포인트 상세:")
    );
    let button = expand_button(
        open,
        format!("cp-detail-{id}"),
        label,
        format!("cp-expand-{id}"),
        ctx.toggle(Open::Checkpoint(id)),
    );
    html! {
        <tbody key={id.to_string()} class={classes!("cp-group", open.then_some("cp-group-open"))}>
            { history_row(b, button) }
            if let CheckpointStatistics::Failed(f) = c {
                <tr class="cp-fail-row" data-testid={format!("cp-fail-{id}")}>
                    <td></td>
                    <td colspan={(HISTORY_COLUMNS - 1).to_string()}>
                        <b>{ tr(lang, "Failure Message", "실패 메시지") }{ ": " }</b>
                        { f.failure_message.clone().unwrap_or_default() }
                        <span class="cp-muted">{ format!(" ({})", timestamp(f.failure_timestamp_ms)) }</span>
                    </td>
                </tr>
            }
            if open {
                <tr id={format!("cp-detail-{id}")} class="cp-detail-row">
                    <td colspan={HISTORY_COLUMNS.to_string()}>
                        { detail_box(lang, c) }
                        { operators(ctx, id) }
                    </td>
                </tr>
            }
        </tbody>
    }
}

fn history_row(b: &CheckpointStatisticsBase, button: Html) -> Html {
    let status = status_str(b.status);
    let in_progress = b.status == CheckpointStatsStatus::InProgress;
    let acks = format!("{}/{}", b.num_acknowledged_subtasks, b.num_subtasks);
    let pct = percent(b.num_acknowledged_subtasks, b.num_subtasks);
    let unaligned = b.checkpoint_type == CheckpointType::UnalignedCheckpoint;
    html! {
        <tr data-testid={format!("cp-row-{}", b.id)} class="cp-row">
            <td>{ button }</td>
            <th scope="row" class="dash-num">{ b.id }</th>
            <td><span class={badge_class(status)}>{ status }</span></td>
            <td class="cp-acked">
                { acks }
                if in_progress {
                    { format!(" ({pct}%)") }
                    { progress(pct) }
                }
            </td>
            <td>{ timestamp(b.trigger_timestamp_ms) }</td>
            <td>{ ack_time(b.latest_ack_timestamp_ms) }</td>
            <td>{ ms_or_na(b.end_to_end_duration_ms) }</td>
            <td class="dash-num">{ bytes(b.checkpointed_size_bytes) }</td>
            <td class="dash-num">{ bytes(b.state_size_bytes) }</td>
            <td class="dash-num">{ processed_persisted(b.processed_data_bytes, b.persisted_data_bytes) }</td>
            <td><span class={classes!("cp-tag", unaligned.then_some("cp-tag-unaligned"))}>{ unaligned.to_string() }</span></td>
        </tr>
    }
}

/// "Checkpoint Detail: Path … | Discarded … | Checkpoint Type … (| Failure Message …)".
fn detail_box(lang: Lang, c: &CheckpointStatistics) -> Html {
    let b = c.base();
    let (path, discarded) = match c {
        CheckpointStatistics::Completed(done) => (
            done.external_path.clone().unwrap_or_else(|| "-".into()),
            if done.discarded { "true" } else { "-" },
        ),
        _ => ("-".to_string(), "-"),
    };
    let kind = match b.checkpoint_type {
        CheckpointType::Checkpoint => tr(lang, "aligned checkpoint", "aligned checkpoint (정렬)"),
        CheckpointType::UnalignedCheckpoint => tr(
            lang,
            "unaligned checkpoint",
            "unaligned checkpoint (비정렬)",
        ),
        CheckpointType::Savepoint => tr(lang, "savepoint", "savepoint (세이브포인트)"),
        CheckpointType::SyncSavepoint => {
            tr(lang, "sync savepoint", "sync savepoint (동기 세이브포인트)")
        }
    };
    html! {
        <div class="cp-inset cp-detail-box">
            <b class="cp-inset-title">{ tr(lang, "Checkpoint Detail:", "체크포인트 상세:") }</b>
            <span class="cp-fields">
                { field(tr(lang, "Path", "경로"), html! { <code class="cp-path">{ path }</code> }) }
                { field(tr(lang, "Discarded", "폐기됨"), html! { { discarded } }) }
                { field(tr(lang, "Checkpoint Type", "체크포인트 유형"), html! { { kind } }) }
                if let CheckpointStatistics::Failed(f) = c {
                    { field(tr(lang, "Failure Message", "실패 메시지"), html! { { f.failure_message.clone().unwrap_or_default() } }) }
                }
            </span>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// Operators and subtasks of one checkpoint
// ---------------------------------------------------------------------------------------------

const OPERATOR_COLUMNS: usize = 8;

/// The "Operators:" table: one row per job vertex (in the job's order, as Flink's UI lists
/// them), each expandable to its subtasks.
fn operators(ctx: &Ctx<'_, S>, id: i64) -> Html {
    let lang = ctx.lang;
    let Some(details) = build::checkpoint_details(ctx.view, CheckpointId(id as u32)) else {
        return html! {
            <p class="cp-note">{ tr(lang, "The details of this checkpoint have left the history.", "이 체크포인트의 상세 정보는 기록에서 빠졌습니다.") }</p>
        };
    };
    let tasks = &details.base().tasks;
    let rows = ctx
        .view
        .graph()
        .vertices
        .iter()
        .enumerate()
        .filter_map(|(v, vertex)| {
            let stats = tasks.get(&vertex.id)?;
            Some(operator_group(ctx, id, v as u32, &vertex.name, stats))
        });
    html! {
        <div class="cp-inset">
            <b class="cp-inset-title">{ tr(lang, "Operators:", "연산자:") }</b>
            <div class="cp-scroll">
                <table class="cp-table cp-ops" data-testid={format!("cp-ops-{id}")}>
                    { operator_head(lang) }
                    { for rows }
                </table>
            </div>
        </div>
    }
}

fn operator_head(lang: Lang) -> Html {
    let cols = [
        tr(lang, "Name", "이름"),
        tr(lang, "Acknowledged", "확인(ack)"),
        tr(lang, "Latest Acknowledgment", "마지막 확인 시각"),
        tr(lang, "End to End Duration", "종단 간 소요 시간"),
        tr(lang, "Checkpointed Data Size", "체크포인트 데이터 크기"),
        tr(
            lang,
            "Full Checkpoint Data Size",
            "전체 체크포인트 데이터 크기",
        ),
        tr(
            lang,
            "Processed (persisted) in-flight data",
            "처리된(저장된) in-flight 데이터",
        ),
    ];
    html! {
        <thead>
            <tr>
                <th scope="col" class="dash-narrow"><span class="dash-sr">{ tr(lang, "Expand", "펼치기") }</span></th>
                { for cols.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }
            </tr>
        </thead>
    }
}

fn operator_group(
    ctx: &Ctx<'_, S>,
    id: i64,
    vertex: u32,
    name: &str,
    t: &TaskCheckpointStatistics,
) -> Html {
    let key = Open::Operator(id, vertex);
    let open = ctx.is_open(key);
    let region = format!("cp-subtasks-{id}-{vertex}");
    let label = format!("{} {name}", tr(ctx.lang, "Subtasks of", "서브태스크:"));
    let button = expand_button(
        open,
        region.clone(),
        label,
        format!("cp-op-expand-{id}-{vertex}"),
        ctx.toggle(key),
    );
    let pct = percent(t.num_acknowledged_subtasks, t.num_subtasks);
    html! {
        <tbody key={vertex.to_string()} class="cp-group">
            <tr data-testid={format!("cp-op-{id}-{vertex}")} class="cp-op-row">
                <td>{ button }</td>
                <th scope="row">{ name.to_string() }</th>
                <td>{ format!("{}/{} ({pct}%)", t.num_acknowledged_subtasks, t.num_subtasks) }</td>
                <td>{ ack_time(t.latest_ack_timestamp_ms) }</td>
                <td>{ ms_or_na(t.end_to_end_duration_ms) }</td>
                <td class="dash-num">{ bytes(t.checkpointed_size_bytes) }</td>
                <td class="dash-num">{ bytes(t.state_size_bytes) }</td>
                <td class="dash-num">{ processed_persisted(t.processed_data_bytes, t.persisted_data_bytes) }</td>
            </tr>
            if open {
                <tr id={region} class="cp-detail-row">
                    <td colspan={OPERATOR_COLUMNS.to_string()}>{ subtasks_panel(ctx, id, vertex) }</td>
                </tr>
            }
        </tbody>
    }
}

/// "SubTasks:": the Min/Average/Maximum summary and one row per subtask.
fn subtasks_panel(ctx: &Ctx<'_, S>, id: i64, vertex: u32) -> Html {
    let lang = ctx.lang;
    let Some(d) =
        build::checkpoint_subtasks(ctx.view, CheckpointId(id as u32), VertexIndex(vertex))
    else {
        return html! {};
    };
    let any = d.task.num_acknowledged_subtasks > 0;
    html! {
        <div class="cp-inset cp-subtasks">
            <b class="cp-inset-title">{ tr(lang, "SubTasks:", "서브태스크:") }</b>
            <div class="cp-scroll" tabindex="0" role="group" aria-label={tr(lang, "Subtask summary", "서브태스크 요약")}>
                <table class="cp-table" data-testid={format!("cp-subsummary-{id}-{vertex}")}>
                    { subtask_head(lang, false) }
                    <tbody>{ for min_avg_max(lang).iter().map(|(label, pick)| subtask_summary_row(label, *pick, &d.summary, any)) }</tbody>
                </table>
            </div>
            <div class="cp-scroll" tabindex="0" role="group" aria-label={tr(lang, "Subtask details", "서브태스크별 상세")}>
                <table class="cp-table" data-testid={format!("cp-subtasks-table-{id}-{vertex}")}>
                    { subtask_head(lang, true) }
                    <tbody>{ for d.subtasks.iter().map(|s| subtask_row(id, vertex, s)) }</tbody>
                </table>
            </div>
        </div>
    }
}

/// Columns of both subtask tables; the per-subtask one adds ID, Acknowledged and Unaligned.
fn subtask_head(lang: Lang, per_subtask: bool) -> Html {
    let middle = [
        tr(lang, "End to End Duration", "종단 간 소요 시간"),
        tr(lang, "Checkpointed Data Size", "체크포인트 데이터 크기"),
        tr(
            lang,
            "Full Checkpoint Data Size",
            "전체 체크포인트 데이터 크기",
        ),
        tr(lang, "Sync Duration", "동기 소요 시간"),
        tr(lang, "Async Duration", "비동기 소요 시간"),
        tr(lang, "Processed (persisted) Data", "처리된(저장된) 데이터"),
        tr(lang, "Alignment Duration", "정렬 소요 시간"),
        tr(lang, "Start Delay", "시작 지연"),
    ];
    html! {
        <thead>
            <tr>
                if per_subtask {
                    <th scope="col">{ "ID" }</th>
                    <th scope="col">{ tr(lang, "Acknowledged", "확인 시각") }</th>
                } else {
                    <th scope="col"><span class="dash-sr">{ tr(lang, "Statistic", "통계") }</span></th>
                }
                { for middle.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }
                if per_subtask {
                    <th scope="col">{ tr(lang, "Unaligned Checkpoint", "비정렬 체크포인트") }</th>
                }
            </tr>
        </thead>
    }
}

type Pick = fn(&StatsSummaryDto) -> i64;

fn min_avg_max(lang: Lang) -> [(&'static str, Pick); 3] {
    [
        (tr(lang, "Minimum", "최소"), |s| s.min),
        (tr(lang, "Average", "평균"), |s| s.avg),
        (tr(lang, "Maximum", "최대"), |s| s.max),
    ]
}

fn subtask_summary_row(label: &str, pick: Pick, s: &TaskCheckpointSummary, any: bool) -> Html {
    let cells: [String; 8] = if any {
        [
            duration(pick(&s.end_to_end_duration_ms)),
            bytes(pick(&s.checkpointed_size_bytes)),
            bytes(pick(&s.state_size_bytes)),
            duration(pick(&s.checkpoint_duration.sync_ms)),
            duration(pick(&s.checkpoint_duration.async_ms)),
            processed_persisted(
                pick(&s.alignment.processed_bytes),
                pick(&s.alignment.persisted_bytes),
            ),
            duration(pick(&s.alignment.duration_ms)),
            duration(pick(&s.start_delay_ms)),
        ]
    } else {
        std::array::from_fn(|_| "n/a".to_string())
    };
    html! {
        <tr>
            <th scope="row">{ label.to_string() }</th>
            { for cells.into_iter().map(|c| html! { <td>{ c }</td> }) }
        </tr>
    }
}

fn subtask_row(id: i64, vertex: u32, s: &SubtaskCheckpointStatistics) -> Html {
    match s {
        SubtaskCheckpointStatistics::Completed(c) => html! {
            <tr data-testid={format!("cp-sub-{id}-{vertex}-{}", c.index)}>
                <th scope="row">{ c.index }</th>
                <td>{ timestamp(c.ack_timestamp_ms) }</td>
                <td>{ duration(c.end_to_end_duration_ms) }</td>
                <td class="dash-num">{ bytes(c.checkpointed_size_bytes) }</td>
                <td class="dash-num">{ bytes(c.state_size_bytes) }</td>
                <td>{ duration(c.checkpoint.sync_ms) }</td>
                <td>{ duration(c.checkpoint.async_ms) }</td>
                <td class="dash-num">{ processed_persisted(c.alignment.processed_bytes, c.alignment.persisted_bytes) }</td>
                <td>{ duration(c.alignment.duration_ms) }</td>
                <td>{ duration(c.start_delay_ms) }</td>
                <td><span class={classes!("cp-tag", c.unaligned_checkpoint.then_some("cp-tag-unaligned"))}>{ c.unaligned_checkpoint.to_string() }</span></td>
            </tr>
        },
        SubtaskCheckpointStatistics::Pending(p) => html! {
            <tr data-testid={format!("cp-sub-{id}-{vertex}-{}", p.index)} class="cp-pending-row">
                <th scope="row">{ p.index }</th>
                { for (0..10).map(|_| html! { <td class="cp-muted">{ "n/a" }</td> }) }
            </tr>
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
struct SummaryProps {
    summary: CheckpointSummary,
    completed: i64,
    lang: Lang,
}

/// Minimum / Average / Maximum over completed checkpoints, and the collapsible percentiles.
#[component]
fn SummaryTab(props: &SummaryProps) -> Html {
    let lang = props.lang;
    let percentiles = use_state_eq(|| false);
    let toggle = {
        let percentiles = percentiles.clone();
        Callback::from(move |_: MouseEvent| percentiles.set(!*percentiles))
    };
    if props.completed == 0 {
        return html! {
            <p class="cp-empty" data-testid="cp-summary-empty">{ tr(lang, "No checkpoint has completed yet.", "아직 완료된 체크포인트가 없습니다.") }</p>
        };
    }
    let s = &props.summary;
    let rows = min_avg_max(lang).map(|(label, pick)| {
        let cells = [
            duration(pick(&s.end_to_end_duration_ms)),
            bytes(pick(&s.checkpointed_size_bytes)),
            bytes(pick(&s.state_size_bytes)),
            processed_persisted(pick(&s.processed_data_bytes), pick(&s.persisted_data_bytes)),
        ];
        summary_row(label, cells)
    });
    html! {
        <div class="cp-summary">
            <div class="cp-scroll">
                <table class="cp-table" data-testid="cp-summary">
                    { summary_head(lang) }
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <p class="cp-note">{ format!("{} {}", tr(lang, "Completed checkpoints:", "완료된 체크포인트 수:"), thousands(props.completed)) }</p>
            <button type="button" class="cp-collapse" aria-expanded={percentiles.to_string()}
                aria-controls="cp-percentiles" data-testid="cp-percentiles-toggle" onclick={toggle}>
                <span class="cp-chevron" aria-hidden="true">{ "›" }</span>
                { tr(lang, "Percentiles", "백분위수") }
            </button>
            if *percentiles {
                { percentile_table(s, lang) }
            }
        </div>
    }
}

fn summary_head(lang: Lang) -> Html {
    html! {
        <thead>
            <tr>
                <th scope="col"><span class="dash-sr">{ tr(lang, "Statistic", "통계") }</span></th>
                <th scope="col">{ tr(lang, "End to End Duration", "종단 간 소요 시간") }</th>
                <th scope="col">{ tr(lang, "Checkpointed Data Size", "체크포인트 데이터 크기") }</th>
                <th scope="col">{ tr(lang, "Full Checkpoint Data Size", "전체 체크포인트 데이터 크기") }</th>
                <th scope="col">{ tr(lang, "Processed (persisted) in-flight data", "처리된(저장된) in-flight 데이터") }</th>
            </tr>
        </thead>
    }
}

fn summary_row(label: &str, cells: [String; 4]) -> Html {
    html! {
        <tr>
            <th scope="row">{ label.to_string() }</th>
            { for cells.into_iter().map(|c| html! { <td>{ c }</td> }) }
        </tr>
    }
}

type PickDouble = fn(&StatsSummaryDto) -> JsonDouble;

fn percentile_table(s: &CheckpointSummary, lang: Lang) -> Html {
    let quantiles: [(&str, PickDouble); 5] = [
        ("50%", |d| d.p50),
        ("90%", |d| d.p90),
        ("95%", |d| d.p95),
        ("99%", |d| d.p99),
        ("99.9%", |d| d.p999),
    ];
    let rows = quantiles.map(|(label, pick)| {
        let cells = [
            duration_f(pick(&s.end_to_end_duration_ms)),
            bytes_f(pick(&s.checkpointed_size_bytes)),
            bytes_f(pick(&s.state_size_bytes)),
            format!(
                "{} ({})",
                bytes_f(pick(&s.processed_data_bytes)),
                bytes_f(pick(&s.persisted_data_bytes))
            ),
        ];
        summary_row(label, cells)
    });
    html! {
        <div class="cp-scroll" id="cp-percentiles">
            <table class="cp-table" data-testid="cp-percentiles">
                { summary_head(lang) }
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
struct ConfigProps {
    config: CheckpointConfigInfo,
    retained: u32,
    history: u32,
    lang: Lang,
}

/// The Option / Value table of Flink's Configuration sub-tab.
#[component]
fn ConfigTab(props: &ConfigProps) -> Html {
    let lang = props.lang;
    let rows = config_rows(&props.config, lang);
    let extra = [
        (
            tr(
                lang,
                "Retained checkpoints (state.checkpoints.num-retained)",
                "보관 체크포인트 수 (state.checkpoints.num-retained)",
            ),
            props.retained.to_string(),
            "cp-config-retained",
        ),
        (
            tr(
                lang,
                "History size (web.checkpoints.history)",
                "기록 크기 (web.checkpoints.history)",
            ),
            props.history.to_string(),
            "cp-config-history",
        ),
    ];
    html! {
        <div class="cp-config">
            <div class="cp-scroll">
                <table class="cp-table cp-kv-table" data-testid="cp-config">
                    { option_head(lang) }
                    <tbody>{ for rows.into_iter().map(|(k, v, id)| option_row(k, v, id)) }</tbody>
                </table>
            </div>
            <h3 class="cp-subtitle">{ tr(lang, "Also in effect (not in Flink's table)", "함께 적용되는 설정 (Flink 표에는 없음)") }</h3>
            <div class="cp-scroll">
                <table class="cp-table cp-kv-table">
                    { option_head(lang) }
                    <tbody>{ for extra.into_iter().map(|(k, v, id)| option_row(k, v, id)) }</tbody>
                </table>
            </div>
        </div>
    }
}

fn option_head(lang: Lang) -> Html {
    html! {
        <thead><tr>
            <th scope="col">{ tr(lang, "Option", "옵션") }</th>
            <th scope="col">{ tr(lang, "Value", "값") }</th>
        </tr></thead>
    }
}

fn option_row(label: &'static str, value: String, id: &'static str) -> Html {
    html! {
        <tr><th scope="row">{ label }</th><td data-testid={id}>{ value }</td></tr>
    }
}

/// Flink's option labels (English, Korean) and the test id of each value cell.
const CONFIG_LABELS: [(&str, &str, &str); 13] = [
    ("Checkpointing Mode", "체크포인팅 모드", "cp-config-mode"),
    (
        "Checkpoint Storage",
        "체크포인트 저장소",
        "cp-config-storage",
    ),
    ("State Backend", "상태 백엔드", "cp-config-backend"),
    ("Interval", "간격", "cp-config-interval"),
    ("Timeout", "타임아웃", "cp-config-timeout"),
    (
        "Minimum Pause Between Checkpoints",
        "체크포인트 사이 최소 간격",
        "cp-config-min-pause",
    ),
    (
        "Maximum Concurrent Checkpoints",
        "최대 동시 체크포인트",
        "cp-config-max-concurrent",
    ),
    (
        "Unaligned Checkpoints",
        "비정렬 체크포인트",
        "cp-config-unaligned",
    ),
    (
        "Aligned checkpoint timeout",
        "정렬 체크포인트 타임아웃",
        "cp-config-aligned-timeout",
    ),
    (
        "Persist Checkpoints Externally",
        "체크포인트 외부 보존",
        "cp-config-external",
    ),
    (
        "Tolerable Failed Checkpoints",
        "허용 실패 체크포인트 수",
        "cp-config-tolerable",
    ),
    (
        "Checkpoints With Finished Tasks",
        "종료된 태스크 포함 체크포인트",
        "cp-config-finished-tasks",
    ),
    ("State Changelog", "상태 변경 로그", "cp-config-changelog"),
];

fn config_rows(c: &CheckpointConfigInfo, lang: Lang) -> Vec<(&'static str, String, &'static str)> {
    CONFIG_LABELS
        .iter()
        .zip(config_values(c, lang))
        .map(|(&(en, ko, id), value)| (tr(lang, en, ko), value, id))
        .collect()
}

/// The values in `CONFIG_LABELS` order, formatted as Flink's UI does (`5s 0ms`, `Enabled`).
fn config_values(c: &CheckpointConfigInfo, lang: Lang) -> [String; 13] {
    let on_off = |on: bool| {
        let text = if on {
            tr(lang, "Enabled", "사용")
        } else {
            tr(lang, "Disabled", "사용 안 함")
        };
        text.to_string()
    };
    let mode = match c.mode {
        ProcessingMode::ExactlyOnce => tr(lang, "Exactly Once", "Exactly Once (정확히 한 번)"),
        ProcessingMode::AtLeastOnce => tr(lang, "At Least Once", "At Least Once (최소 한 번)"),
    };
    let interval = if c.interval_ms == i64::MAX {
        tr(
            lang,
            "Periodic checkpoints disabled",
            "주기적 체크포인트 꺼짐",
        )
        .to_string()
    } else {
        duration(c.interval_ms)
    };
    let external = match (
        c.externalization.enabled,
        c.externalization.delete_on_cancellation,
    ) {
        (false, _) => on_off(false),
        (true, true) => tr(
            lang,
            "Enabled (delete on cancellation)",
            "사용 (취소 시 삭제)",
        )
        .to_string(),
        (true, false) => tr(
            lang,
            "Enabled (retain on cancellation)",
            "사용 (취소 시 보존)",
        )
        .to_string(),
    };
    [
        mode.to_string(),
        c.checkpoint_storage.clone(),
        c.state_backend.clone(),
        interval,
        duration(c.timeout_ms),
        duration(c.min_pause_ms),
        c.max_concurrent.to_string(),
        on_off(c.unaligned_checkpoints),
        duration(c.aligned_checkpoint_timeout_ms),
        external,
        c.tolerable_failed_checkpoints.to_string(),
        on_off(c.checkpoints_after_tasks_finish),
        on_off(c.state_changelog_enabled),
    ]
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

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
            aria-valuenow={pct.to_string()}>
            <span style={format!("width:{}%", pct.min(100))}></span>
        </span>
    }
}
