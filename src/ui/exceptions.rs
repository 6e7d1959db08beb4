//! The Exceptions tab of Flink's web UI (Root Exception | Exception History), built from the
//! `/jobs/:jobid/exceptions` DTO the simulated JobManager would serve, plus a recovery timeline
//! Flink's UI cannot show: the job statuses (RESTARTING lasts about a second and Flink's 3-second
//! polling skips it), the TaskManager loss and the checkpoint each restart restored.

use super::dashboard::{
    cell, cell_of, col_head, expand_button, heading3, para, span, timestamp, Toggles,
};
use super::{format, tr, Lang, PanelProps};
use crate::sim::event::Event;
use crate::sim::rest::{build, RootExceptionInfo};
use crate::sim::view::SimView;
use crate::sim::{SimDuration, SimTime};
use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ExcTab {
    Root,
    History,
}

impl ExcTab {
    fn id(self) -> &'static str {
        match self {
            ExcTab::Root => "root",
            ExcTab::History => "history",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match self {
            ExcTab::Root => tr!(lang, "Root Exception", "루트 예외"),
            ExcTab::History => tr!(lang, "Exception History", "예외 기록"),
        }
    }
}

/// Timeline entries kept on screen.
const TIMELINE_MAX: usize = 30;

/// The Exceptions tab.
#[component]
pub fn ExceptionsPanel(props: &PanelProps) -> Html {
    let lang = props.lang;
    let tab = use_state_eq(|| ExcTab::History);
    let open = use_reducer(Toggles::<(i64, usize)>::default);
    let session = props.session.read();
    let view = session.sim().view();
    let info = build::exceptions(&view);
    let entries = &info.exception_history.entries;
    let body = if entries.is_empty() {
        html! {
            <p class="exc-empty" data-testid="exc-empty">
                { tr!(lang, "No exceptions: the job has not failed so far.", "예외가 없습니다. 잡이 아직 실패하지 않았습니다.") }
            </p>
        }
    } else {
        match *tab {
            ExcTab::Root => root_exception(&entries[0], lang),
            ExcTab::History => history_table(entries, &open, lang),
        }
    };
    html! {
        <section class="exc" aria-label={tr!(lang, "Exceptions", "예외")}>
            { tab_bar(*tab, lang, tab.setter()) }
            <div class="exc-body" role="tabpanel" id={format!("exc-panel-{}", tab.id())}
                aria-labelledby={format!("exc-tab-btn-{}", tab.id())}>
                { body }
                { history_note(view.config().exception_history_size, lang) }
            </div>
            { timeline(&view, lang) }
        </section>
    }
}

fn tab_bar(current: ExcTab, lang: Lang, set: UseStateSetter<ExcTab>) -> Html {
    let tabs = [ExcTab::Root, ExcTab::History];
    let onkeydown = {
        let set = set.clone();
        Callback::from(move |event: KeyboardEvent| {
            if matches!(
                event.key().as_str(),
                "ArrowLeft" | "ArrowRight" | "Home" | "End"
            ) {
                event.prevent_default();
                event.stop_propagation();
                let other = if current == ExcTab::Root {
                    ExcTab::History
                } else {
                    ExcTab::Root
                };
                set.set(other);
            }
        })
    };
    html! {
        <div class="cp-tabs" role="tablist" aria-label={tr!(lang, "Exception views", "예외 보기")} {onkeydown}>
            { for tabs.iter().map(|&t| {
                let selected = t == current;
                let set = set.clone();
                html! {
                    <button type="button" role="tab" id={format!("exc-tab-btn-{}", t.id())}
                        class={classes!("cp-tab", selected.then_some("cp-tab-selected"))}
                        aria-selected={selected.to_string()} aria-controls={format!("exc-panel-{}", t.id())}
                        tabindex={if selected { "0" } else { "-1" }}
                        data-testid={format!("exc-tab-{}", t.id())}
                        onclick={Callback::from(move |_: MouseEvent| set.set(t))}>
                        { t.label(lang) }
                    </button>
                }
            }) }
        </div>
    }
}

/// The newest failure: its timestamp on the first line, then the stack trace.
fn root_exception(entry: &RootExceptionInfo, lang: Lang) -> Html {
    let e = &entry.exception;
    html! {
        <div class="exc-root">
            <p class="cp-fields">
                <span class="cp-field"><b>{ tr!(lang, "Time", "시각") }{ ": " }</b>{ timestamp(e.timestamp_ms) }</span>
                <span class="cp-field"><b>{ tr!(lang, "Task Name", "태스크 이름") }{ ": " }</b>{ e.task_name.clone().unwrap_or_else(|| "-".into()) }</span>
                <span class="cp-field"><b>{ tr!(lang, "Location", "위치") }{ ": " }</b>{ location(entry) }</span>
            </p>
            <pre class="exc-trace" data-testid="exc-root" tabindex="0">
                { format!("{}\n{}", timestamp(e.timestamp_ms), e.stacktrace) }
            </pre>
        </div>
    }
}

fn history_table(
    entries: &[RootExceptionInfo],
    open: &UseReducerHandle<Toggles<(i64, usize)>>,
    lang: Lang,
) -> Html {
    let count = entries.len();
    let rows = entries.iter().enumerate().map(|(i, entry)| {
        // Keyed by position from the oldest, so a newer failure does not move the expansion.
        let key = (entry.exception.timestamp_ms, count - 1 - i);
        let toggle = {
            let open = open.clone();
            Callback::from(move |_: MouseEvent| open.dispatch(key))
        };
        let row_key = format!("{}-{}", key.0, key.1);
        history_group(i, entry, (open.contains(&key), row_key), toggle, lang)
    });
    html! {
        <div class="cp-scroll cp-scroll-tall">
            <table class="cp-table exc-table" data-testid="exc-history">
                <caption class="dash-sr">{ tr!(lang, "Exception history, newest first", "예외 기록 (최신순)") }</caption>
                <thead>
                    <tr>
                        <th scope="col" class="dash-narrow">{ span("dash-sr", tr!(lang, "Expand", "펼치기")) }</th>
                        { col_head(tr!(lang, "Time", "시각")) }
                        { col_head(tr!(lang, "Exception", "예외")) }
                        { col_head(tr!(lang, "Task Name", "태스크 이름")) }
                        { col_head(tr!(lang, "Location", "위치")) }
                    </tr>
                </thead>
                { for rows }
            </table>
        </div>
    }
}

fn history_group(
    i: usize,
    entry: &RootExceptionInfo,
    (open, key): (bool, String),
    toggle: Callback<MouseEvent>,
    lang: Lang,
) -> Html {
    let e = &entry.exception;
    let region = format!("exc-trace-{i}");
    let label = format!(
        "{} {}",
        tr!(lang, "Stack trace of", "스택 트레이스:"),
        e.exception_name
    );
    let button = expand_button(
        open,
        region.clone(),
        label,
        format!("exc-expand-{i}"),
        toggle,
    );
    html! {
        <tbody key={key} class={classes!("cp-group", open.then_some("cp-group-open"))}>
            <tr data-testid={format!("exc-row-{i}")} class="exc-row">
                { cell(button) }
                { cell_of("exc-time", timestamp(e.timestamp_ms)) }
                <th scope="row" class="exc-class" data-testid={format!("exc-class-{i}")}>{ &e.exception_name }</th>
                { cell_of("exc-task", e.task_name.clone().unwrap_or_else(|| "-".into())) }
                { cell_of("exc-location", location(entry)) }
            </tr>
            if open {
                <tr id={region} class="cp-detail-row">
                    <td colspan="5">
                        <pre class="exc-trace" data-testid={format!("exc-trace-{i}")} tabindex="0">{ &e.stacktrace }</pre>
                    </td>
                </tr>
            }
        </tbody>
    }
}

/// `taskManagerId(endpoint)` as Flink's Location link, `-` for a global failure.
fn location(entry: &RootExceptionInfo) -> String {
    let e = &entry.exception;
    match (&e.task_manager_id, &e.endpoint) {
        (Some(id), Some(endpoint)) => format!("{id}({endpoint})"),
        (Some(id), None) => id.clone(),
        (None, Some(endpoint)) => endpoint.clone(),
        (None, None) => "-".to_string(),
    }
}

fn history_note(size: u32, lang: Lang) -> Html {
    html! {
        <p class="exc-note">
            <span class="exc-info" aria-hidden="true">{ "ⓘ" }</span>
            { tr!(lang,
                "The exception history is limited to the most recent failures that caused parts of the job or the entire job to restart. The maximum history size can be configured via the Flink configuration property ",
                "예외 기록은 잡의 일부 또는 전체를 재시작시킨 최근 실패만 보관합니다. 최대 개수는 Flink 설정 ") }
            <b><code>{ "web.exception-history-size" }</code></b>
            { format!(" ({size}){}", tr!(lang, ".", "로 바꿀 수 있습니다.")) }
        </p>
    }
}

// ---------------------------------------------------------------------------------------------
// Recovery timeline (engine data)
// ---------------------------------------------------------------------------------------------

struct TimelineItem {
    time: SimTime,
    text: String,
    /// How long the job stayed in the status this item entered.
    lasted: Option<SimDuration>,
    kind: &'static str,
}

/// The job statuses, TaskManager losses, restarts and restores, newest first.
fn timeline(view: &SimView<'_>, lang: Lang) -> Html {
    let items = timeline_items(view, lang);
    if items.is_empty() {
        return html! {};
    }
    let rows = items.iter().rev().take(TIMELINE_MAX).map(|item| {
        let lasted = item.lasted.map(|d| {
            format!(
                " — {} {}",
                tr!(lang, "lasted", "지속"),
                format::duration_ms(d.as_ms())
            )
        });
        html! {
            <li class={classes!("exc-tl-item", item.kind)}>
                <span class="exc-tl-time" title={timestamp(view.epoch_ms(item.time) as i64)}>{ format::sim_clock(item.time) }</span>
                <span class="exc-tl-text">{ &item.text }{ lasted.unwrap_or_default() }</span>
            </li>
        }
    });
    html! {
        <div class="exc-timeline" data-testid="exc-timeline">
            { heading3("cp-subtitle", tr!(lang, "Recovery timeline (not in Flink's UI)", "복구 타임라인 (Flink UI에는 없음)")) }
            { para("cp-note", tr!(lang,
                "Simulated time. Flink's UI polls every 3 s, so a RESTARTING of about a second is rarely seen there.",
                "시뮬레이션 시간입니다. Flink UI는 3초마다 갱신하므로 1초 남짓한 RESTARTING은 거의 보이지 않습니다.")) }
            <ol class="exc-tl" tabindex="0" aria-label={tr!(lang, "Recovery timeline", "복구 타임라인")}>{ for rows }</ol>
        </div>
    }
}

/// Recovery-related journal events, oldest first, each status change with how long it lasted.
fn timeline_items(view: &SimView<'_>, lang: Lang) -> Vec<TimelineItem> {
    let mut items: Vec<TimelineItem> = Vec::new();
    let mut last_status: Option<usize> = None;
    for timed in view.journal() {
        let Some((text, kind)) = describe(&timed.event, lang) else {
            continue;
        };
        if let Event::JobStatusChanged { .. } = timed.event {
            if let Some(previous) = last_status {
                items[previous].lasted = Some(timed.time.saturating_since(items[previous].time));
            }
            last_status = Some(items.len());
        }
        items.push(TimelineItem {
            time: timed.time,
            text,
            lasted: None,
            kind,
        });
    }
    items
}

fn describe(event: &Event, lang: Lang) -> Option<(String, &'static str)> {
    let described = match event {
        Event::JobStatusChanged { from, to } => (
            format!(
                "{} {} → {}",
                tr!(lang, "Job", "잡"),
                from.as_str(),
                to.as_str()
            ),
            "exc-tl-status",
        ),
        Event::RestartScheduled { backoff } => (
            format!(
                "{} {}",
                tr!(
                    lang,
                    "Restart scheduled after a backoff of",
                    "재시작 예약, 대기 시간"
                ),
                format::duration_ms(backoff.as_ms())
            ),
            "exc-tl-info",
        ),
        Event::JobRestored { checkpoint } => (
            match checkpoint {
                Some(id) => format!(
                    "{} chk-{id}",
                    tr!(lang, "State restored from", "상태 복원:")
                ),
                None => tr!(
                    lang,
                    "Restarted without a checkpoint (empty state)",
                    "체크포인트 없이 재시작 (빈 상태)",
                )
                .to_string(),
            },
            "exc-tl-restore",
        ),
        _ => return describe_task_manager(event, lang),
    };
    Some(described)
}

/// TaskManager lifecycle events.
fn describe_task_manager(event: &Event, lang: Lang) -> Option<(String, &'static str)> {
    let (tm, what, kind) = match event {
        Event::TaskManagerKilled { task_manager } => (
            task_manager,
            tr!(lang, "killed (kill -9)", "강제 종료 (kill -9)"),
            "exc-tl-fault",
        ),
        Event::TaskManagerLost { task_manager } => (
            task_manager,
            tr!(
                lang,
                "declared lost by the JobManager",
                "JobManager가 잃은 것으로 판단",
            ),
            "exc-tl-fault",
        ),
        Event::TaskManagerStarted { task_manager } => (
            task_manager,
            tr!(lang, "started again", "다시 시작"),
            "exc-tl-info",
        ),
        Event::TaskManagerRegistered { task_manager } => (
            task_manager,
            tr!(lang, "registered", "등록됨"),
            "exc-tl-info",
        ),
        _ => return None,
    };
    let name = tr!(lang, "TaskManager", "태스크 매니저");
    Some((format!("{name} {} {what}", tm.0 + 1), kind))
}
