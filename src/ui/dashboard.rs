//! The job overview, in the words of Flink's web UI: the cluster cards of `#/overview`, the job
//! header, and the vertex list of the job graph page, each cell taken from the REST DTO Flink
//! would serve (`/overview`, `/jobs/:jobid`, `/jobs/:jobid/vertices/:vid`, `…/backpressure`).
//!
//! Beside Flink's columns it shows what Flink draws only on the graph nodes (records per
//! second, "Busy (max)", "Backpressured (max)", the node colour) and a per-subtask breakdown
//! with the TaskManager each subtask runs on, so the key-group skew (a keyed subtask with no
//! key) is visible without opening a drawer.
//!
//! The small helpers at the end (badges, timestamps, expansion sets) are shared with the
//! checkpoints and exceptions panels.

use super::{bound, format, tr, Lang, PanelProps};
use crate::sim::graph::OperatorKind;
use crate::sim::ids::{TaskIndex, VertexIndex};
use crate::sim::rest::{
    build, ClusterOverview, ExecutionState, ExecutionStateCounts, JobDetailsInfo,
    JobDetailsVertexInfo, JobStatus, VertexBackPressureLevel,
};
use crate::sim::view::SimView;
use std::rc::Rc;
use yew::prelude::*;

/// The job overview tab.
#[component]
pub fn OverviewPanel(props: &PanelProps) -> Html {
    let lang = props.lang;
    let toggled = use_reducer(Toggles::<u32>::default);
    let session = props.session.read();
    let view = session.sim().view();
    let overview = build::overview(&view);
    let job = build::job_details(&view);
    let rows = vertex_rows(&view, &job, &toggled, lang);
    html! {
        <section class="dash" aria-label={tr!(lang, "Job overview", "잡 개요")}>
            { cluster_cards(&ClusterCardsProps { overview, lang }) }
            { job_header(&job, lang) }
            <div class="dash-card dash-vertices">
                { heading3("dash-card-title", tr!(lang, "Vertices", "버텍스")) }
                { para("dash-hint", tr!(lang,
                    "Flink's vertex list, plus the figures Flink draws on its job graph (per-second rates, Busy (max), Backpressured (max), node colour). Expand a vertex for its subtasks.",
                    "Flink의 버텍스 목록에 잡 그래프 노드에만 나오는 값(초당 레코드, Busy (max), Backpressured (max), 노드 색)을 더했습니다. 버텍스를 펼치면 서브태스크가 보입니다.")) }
                <div class="dash-scroll">
                    <table class="dash-table" data-testid="dash-vertices">
                        { vertex_head(lang) }
                        { for rows }
                    </table>
                </div>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ClusterCardsProps {
    overview: ClusterOverview,
    lang: Lang,
}

/// "Available Task Slots" and "Running Jobs", as on Flink's `#/overview`.
fn cluster_cards(props: &ClusterCardsProps) -> Html {
    let (o, lang) = (&props.overview, props.lang);
    html! {
        <div class="dash-cards">
            <div class="dash-card">
                { heading3("dash-card-title", tr!(lang, "Available Task Slots", "사용 가능한 태스크 슬롯")) }
                <div class="dash-big" data-testid="dash-slots-available">{ o.slots_available }</div>
                <div class="dash-card-foot">
                    { tr!(lang, "Total Task Slots", "전체 태스크 슬롯") }{ " " }
                    <b data-testid="dash-slots-total">{ o.slots_total }</b>
                    <span class="dash-sep" aria-hidden="true">{ "|" }</span>
                    { tr!(lang, "Task Managers", "태스크 매니저") }{ " " }
                    <b data-testid="dash-task-managers">{ o.task_managers }</b>
                </div>
            </div>
            <div class="dash-card">
                { heading3("dash-card-title", tr!(lang, "Running Jobs", "실행 중인 잡")) }
                <div class="dash-big">{ o.jobs_running }</div>
                <div class="dash-card-foot">
                    { tr!(lang, "Finished", "완료") }{ " " }<b>{ o.jobs_finished }</b>
                    <span class="dash-sep" aria-hidden="true">{ "|" }</span>
                    { tr!(lang, "Canceled", "취소") }{ " " }<b>{ o.jobs_cancelled }</b>
                    <span class="dash-sep" aria-hidden="true">{ "|" }</span>
                    { tr!(lang, "Failed", "실패") }{ " " }<b>{ o.jobs_failed }</b>
                    <span class="dash-version">{ format!("Flink {}", o.flink_version) }</span>
                </div>
            </div>
        </div>
    }
}

/// The bordered description grid of Flink's job header.
fn job_header(job: &JobDetailsInfo, lang: Lang) -> Html {
    let state = job_status_str(job.state);
    let item = |label: &'static str, value: Html| {
        html! { <div class="dash-desc-item"><dt>{ label }</dt><dd>{ value }</dd></div> }
    };
    html! {
        <div class="dash-card dash-job">
            <h3 class="dash-card-title" data-testid="dash-job-name">{ &job.name }</h3>
            <dl class="dash-desc">
                { item(tr!(lang, "Job ID", "잡 ID"), html! { <code data-testid="dash-job-id">{ &job.jid }</code> }) }
                { item(tr!(lang, "Job State", "잡 상태"), html! {
                    <>
                        <span data-testid="dash-job-state" class={badge_class(state)}>{ state }</span>
                        { task_badges(&job.status_counts) }
                    </>
                }) }
                { item(tr!(lang, "Job Type", "잡 유형"), html! { "STREAMING" }) }
                { item(tr!(lang, "Start Time", "시작 시각"), html! { { timestamp(job.start_time_ms) } }) }
                { item(tr!(lang, "Duration", "실행 시간"), html! {
                    <span data-testid="dash-uptime" title={tr!(lang, "Simulated time since the job started", "잡 시작 후 흐른 시뮬레이션 시간")}>
                        { duration(job.duration_ms) }
                    </span>
                }) }
                { item(tr!(lang, "Last RESTARTING", "마지막 RESTARTING"), html! {
                    <span title={tr!(lang, "Flink's UI polls every 3 s and rarely shows RESTARTING; the simulation keeps the instant", "Flink UI는 3초마다 갱신해서 RESTARTING을 거의 못 보여 줍니다. 시뮬레이터는 그 시각을 기록합니다")}>
                        { timestamp(job.timestamps.restarting_ms) }
                    </span>
                }) }
            </dl>
        </div>
    }
}

fn vertex_head(lang: Lang) -> Html {
    let cols = [
        tr!(lang, "Name", "이름"),
        tr!(lang, "Status", "상태"),
        tr!(lang, "Bytes Received", "받은 바이트"),
        tr!(lang, "Records Received", "받은 레코드"),
        tr!(lang, "Bytes Sent", "보낸 바이트"),
        tr!(lang, "Records Sent", "보낸 레코드"),
        tr!(lang, "Parallelism", "병렬도"),
        tr!(lang, "Start Time", "시작 시각"),
        tr!(lang, "Duration", "실행 시간"),
        tr!(lang, "End Time", "종료 시각"),
        tr!(lang, "Records In/s", "입력 레코드/초"),
        tr!(lang, "Records Out/s", "출력 레코드/초"),
        tr!(lang, "Busy (max)", "Busy (최대)"),
        tr!(lang, "Backpressured (max)", "Backpressured (최대)"),
        tr!(lang, "Tasks", "태스크"),
    ];
    html! {
        <thead>
            <tr>
                <th scope="col" class="dash-narrow">{ span("dash-sr", tr!(lang, "Expand", "펼치기")) }</th>
                { for cols.iter().map(|c| html! { { col_head(*c) } }) }
            </tr>
        </thead>
    }
}

/// Per-second rates and the max busy / back-pressured percentages of a vertex's subtasks,
/// as Flink's job graph labels them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct VertexLoad {
    in_per_second: f64,
    out_per_second: f64,
    /// `None` for a legacy source (Flink shows "N/A": it has no busy-time metric).
    busy_max: Option<u32>,
    backpressured_max: u32,
}

fn vertex_load(view: &SimView<'_>, vertex: usize) -> VertexLoad {
    let v = &view.graph().vertices[vertex];
    let mut load = VertexLoad::default();
    let mut busy = 0;
    for task in vertex_tasks(v.first_task, v.parallelism) {
        let rates = view.task_rates(task);
        load.in_per_second += rates.records_in_per_second;
        load.out_per_second += rates.records_out_per_second;
        busy = busy.max(percent_of_second(rates.busy_ms_per_second));
        load.backpressured_max = load
            .backpressured_max
            .max(percent_of_second(rates.backpressured_ms_per_second));
    }
    load.busy_max = (v.kind != OperatorKind::Source).then_some(busy);
    load
}

fn vertex_rows(
    view: &SimView<'_>,
    job: &JobDetailsInfo,
    toggled: &UseReducerHandle<Toggles<u32>>,
    lang: Lang,
) -> Vec<Html> {
    job.vertices
        .iter()
        .enumerate()
        .map(|(index, vertex)| {
            let keyed = matches!(
                view.graph().vertices[index].kind,
                OperatorKind::KeyedProcess { .. }
            );
            // The keyed vertex starts open, its subtasks showing the key-group skew (up to 32 of
            // them: a 128-row table redrawn every frame would cost the page its frame rate).
            let keyed = keyed && vertex.parallelism <= 32;
            let open = keyed != toggled.contains(&(index as u32));
            let load = vertex_load(view, index);
            let on_toggle = {
                let toggled = toggled.clone();
                Callback::from(move |_: MouseEvent| toggled.dispatch(index as u32))
            };
            let row = VertexRow {
                index,
                vertex,
                load,
                open,
                lang,
            };
            html! {
                <tbody key={vertex.id.clone()} class="dash-group">
                    { row.render(on_toggle) }
                    if open {
                        <tr id={format!("dash-subtasks-{index}")} class="dash-nested-row">
                            <td colspan="16">{ subtask_table(view, index, lang) }</td>
                        </tr>
                    }
                </tbody>
            }
        })
        .collect()
}

struct VertexRow<'a> {
    index: usize,
    vertex: &'a JobDetailsVertexInfo,
    load: VertexLoad,
    open: bool,
    lang: Lang,
}

impl VertexRow<'_> {
    fn render(&self, on_toggle: Callback<MouseEvent>) -> Html {
        let (v, i, load, lang) = (self.vertex, self.index, self.load, self.lang);
        let m = &v.metrics;
        let state = execution_state_str(v.status);
        let (fill, border) = node_colour(load.busy_max.unwrap_or(0), load.backpressured_max);
        let label = format!(
            "{} {}",
            if self.open {
                tr!(lang, "Hide subtasks of", "서브태스크 숨기기:")
            } else {
                tr!(lang, "Show subtasks of", "서브태스크 보기:")
            },
            v.name
        );
        html! {
            <tr data-testid={format!("dash-vertex-{i}")} class="dash-row">
                { cell(expand_button(self.open, format!("dash-subtasks-{i}"), label, format!("dash-vertex-expand-{i}"), on_toggle)) }
                <th scope="row" class="dash-name">
                    <span class="dash-swatch" aria-hidden="true"
                        style={format!("background:{fill};border-color:{border}")}></span>
                    { &v.name }
                </th>
                <td><span class={badge_class(state)}>{ state }</span></td>
                { num_cell(format::bytes(m.read_bytes.max(0) as u64)) }
                <td class="dash-num" data-testid={format!("dash-vertex-{i}-records-in")}>{ thousands(m.read_records) }</td>
                { num_cell(format::bytes(m.write_bytes.max(0) as u64)) }
                <td class="dash-num" data-testid={format!("dash-vertex-{i}-records-out")}>{ thousands(m.write_records) }</td>
                { num_cell(v.parallelism.to_string()) }
                { cell(timestamp(v.start_time_ms)) }
                { cell(duration(v.duration_ms)) }
                { cell(timestamp(v.end_time_ms)) }
                { num_cell(format::rate(load.in_per_second)) }
                { num_cell(format::rate(load.out_per_second)) }
                { cell(busy_cell(load.busy_max)) }
                { cell(ratio_cell(load.backpressured_max, "dash-bp")) }
                { cell(task_badges(&v.tasks)) }
            </tr>
        }
    }
}

fn busy_cell(busy: Option<u32>) -> Html {
    match busy {
        Some(pct) => ratio_cell(pct, "dash-busy"),
        None => html! {
            <span class="dash-na" title="A legacy source has no busyTimeMsPerSecond metric">{ "N/A" }</span>
        },
    }
}

/// A percentage with a small bar (Flink colours: busy red, back-pressured grey).
fn ratio_cell(pct: u32, kind: &'static str) -> Html {
    html! {
        <span class={classes!("dash-ratio", kind)}>
            <span class="dash-ratio-bar" aria-hidden="true">
                <span style={format!("width:{pct}%")}></span>
            </span>
            { format!("{pct}%") }
        </span>
    }
}

fn subtask_head(lang: Lang) -> Html {
    let cols = [
        tr!(lang, "ID", "ID"),
        tr!(lang, "Bytes Received", "받은 바이트"),
        tr!(lang, "Records Received", "받은 레코드"),
        tr!(lang, "Bytes Sent", "보낸 바이트"),
        tr!(lang, "Records Sent", "보낸 레코드"),
        tr!(lang, "Attempt", "시도"),
        tr!(lang, "Endpoint", "엔드포인트"),
        tr!(lang, "TaskManager", "태스크 매니저"),
        tr!(lang, "Start Time", "시작 시각"),
        tr!(lang, "Duration", "실행 시간"),
        tr!(lang, "Records In/s", "입력 레코드/초"),
        tr!(lang, "Records Out/s", "출력 레코드/초"),
        tr!(lang, "Busy", "Busy"),
        tr!(lang, "Backpressured", "Backpressured"),
        tr!(lang, "Backpressure Status", "백프레셔 상태"),
        tr!(lang, "Status", "상태"),
    ];
    html! {
        <thead><tr>{ for cols.iter().map(|c| html! { { col_head(*c) } }) }</tr></thead>
    }
}

/// The SubTasks table of Flink's vertex drawer, with the BackPressure tab's level and the
/// engine's TaskManager number.
fn subtask_table(view: &SimView<'_>, vertex: usize, lang: Lang) -> Html {
    let details = build::vertex_details(view, VertexIndex::from_index(vertex));
    let pressure = build::backpressure(view, VertexIndex::from_index(vertex));
    let levels = pressure.subtasks.unwrap_or_default();
    let first = view.graph().vertices[vertex].first_task;
    let source = view.graph().vertices[vertex].kind == OperatorKind::Source;
    let rows = details.subtasks.iter().map(|s| {
        let task = TaskIndex(first.0 + s.subtask as u32);
        let level = levels
            .iter()
            .find(|l| l.subtask == s.subtask)
            .map(|l| l.backpressure_level);
        let tm = view.tasks()[task.index()].task_manager;
        let cells = SubtaskCells {
            vertex,
            rates: view.task_rates(task),
            tm: tm.map(|tm| tm.0 + 1),
            level,
            source,
        };
        cells.render(s)
    });
    html! {
        <div class="dash-nested">
            <div class="dash-nested-title">{ tr!(lang, "SubTasks:", "서브태스크:") }</div>
            <table class="dash-table dash-subtasks" data-testid={format!("dash-subtasks-{vertex}")}>
                { subtask_head(lang) }
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

struct SubtaskCells {
    vertex: usize,
    rates: crate::sim::view::TaskRates,
    tm: Option<u32>,
    level: Option<VertexBackPressureLevel>,
    source: bool,
}

impl SubtaskCells {
    fn render(&self, s: &crate::sim::rest::SubtaskExecutionAttemptDetailsInfo) -> Html {
        let (v, i, m) = (self.vertex, s.subtask, &s.metrics);
        let state = execution_state_str(s.status);
        let busy = (!self.source).then(|| percent_of_second(self.rates.busy_ms_per_second));
        let bp = percent_of_second(self.rates.backpressured_ms_per_second);
        html! {
            <tr data-testid={format!("dash-sub-{v}-{i}")}>
                <th scope="row">{ i }</th>
                { num_cell(format::bytes(m.read_bytes.max(0) as u64)) }
                <td class="dash-num" data-testid={format!("dash-sub-{v}-{i}-records-in")}>{ thousands(m.read_records) }</td>
                { num_cell(format::bytes(m.write_bytes.max(0) as u64)) }
                <td class="dash-num" data-testid={format!("dash-sub-{v}-{i}-records-out")}>{ thousands(m.write_records) }</td>
                { num_cell(s.attempt.to_string()) }
                <td title={s.task_manager_id.clone()}>{ &s.endpoint }</td>
                <td>{ self.tm.map_or_else(|| "-".to_string(), |n| format!("TM {n}")) }</td>
                { cell(timestamp(s.start_time_ms)) }
                { cell(duration(s.duration_ms)) }
                { num_cell(format::rate(self.rates.records_in_per_second)) }
                { num_cell(format::rate(self.rates.records_out_per_second)) }
                { cell(busy_cell(busy)) }
                { cell(ratio_cell(bp, "dash-bp")) }
                { cell(level_badge(self.level)) }
                <td><span class={badge_class(state)}>{ state }</span></td>
            </tr>
        }
    }
}

fn level_badge(level: Option<VertexBackPressureLevel>) -> Html {
    let (text, class) = match level {
        Some(VertexBackPressureLevel::Ok) => ("OK", "dash-badge dash-bp-ok"),
        Some(VertexBackPressureLevel::Low) => ("LOW", "dash-badge dash-bp-low"),
        Some(VertexBackPressureLevel::High) => ("HIGH", "dash-badge dash-bp-high"),
        None => return html! { { span("dash-na", "-") } },
    };
    html! { <span class={class}>{ text }</span> }
}

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by the checkpoints and exceptions panels)
// ---------------------------------------------------------------------------------------------

/// A set of expanded rows: dispatching a key toggles it. A reducer, so a click always toggles
/// the current set, never a stale copy captured at render time.
#[derive(Clone, Debug, PartialEq)]
/// A `Vec`, not a `BTreeSet`: a handful of rows are open at a time, and every set type costs the
/// page its own B-tree code (about 1.5 KB gzip each, three key types here).
pub(crate) struct Toggles<K: PartialEq>(Vec<K>);

impl<K: PartialEq> Default for Toggles<K> {
    fn default() -> Self {
        Toggles(Vec::new())
    }
}

impl<K: PartialEq> Toggles<K> {
    /// Whether `key` is toggled.
    pub(crate) fn contains(&self, key: &K) -> bool {
        self.0.contains(key)
    }
}

impl<K: PartialEq + Clone> Reducible for Toggles<K> {
    type Action = K;

    fn reduce(self: Rc<Self>, key: K) -> Rc<Self> {
        let mut set = self.0.clone();
        match set.iter().position(|open| *open == key) {
            Some(index) => {
                set.swap_remove(index);
            }
            None => set.push(key),
        }
        Rc::new(Toggles(set))
    }
}

/// A right-aligned number cell of Flink's tables. One function, not a `<td>` per column: each
/// written-out cell is its own copy of the element's construction in the page's code.
pub(crate) fn num_cell(text: String) -> Html {
    html! { { cell_of("dash-num", text) } }
}

/// A plain cell (see [`num_cell`]).
pub(crate) fn cell(content: impl Into<Html>) -> Html {
    html! { <td>{ content.into() }</td> }
}

/// A `<span>` of a class around text (see [`num_cell`]).
pub(crate) fn span(class: &'static str, content: impl Into<Html>) -> Html {
    html! { <span class={class}>{ content.into() }</span> }
}

/// A `<p>` of a class around text (see [`num_cell`]).
pub(crate) fn para(class: &'static str, content: impl Into<Html>) -> Html {
    html! { <p class={class}>{ content.into() }</p> }
}

/// A cell of a class (see [`num_cell`]).
pub(crate) fn cell_of(class: &'static str, content: impl Into<Html>) -> Html {
    html! { <td class={class}>{ content.into() }</td> }
}

/// An `<h3>` of a class (see [`num_cell`]).
pub(crate) fn heading3(class: &'static str, content: impl Into<Html>) -> Html {
    html! { <h3 class={class}>{ content.into() }</h3> }
}

/// A column header cell (see [`num_cell`]).
pub(crate) fn col_head(content: impl Into<Html>) -> Html {
    html! { <th scope="col">{ content.into() }</th> }
}

/// A term and its description in a `<dl>` (see [`num_cell`]).
pub(crate) fn term(label: &str, value: impl Into<Html>) -> Html {
    html! { <><dt>{ label.to_string() }</dt><dd>{ value.into() }</dd></> }
}

/// The "+"/"−" button of Flink's expandable rows, with its ARIA state.
pub(crate) fn expand_button(
    open: bool,
    controls: String,
    label: String,
    testid: String,
    onclick: Callback<MouseEvent>,
) -> Html {
    html! {
        <button type="button" class="dash-expand" aria-expanded={open.to_string()}
            aria-controls={controls} aria-label={label.clone()} title={label}
            data-testid={testid} onclick={onclick}>
            { if open { "−" } else { "+" } }
        </button>
    }
}

/// Epoch milliseconds as Flink's UI prints them (`2026-11-25 12:31:22.975`); `-` for none.
pub(crate) fn timestamp(epoch_ms: i64) -> String {
    if epoch_ms <= 0 {
        return "-".to_string();
    }
    let mut text = crate::sim::log::format_timestamp(epoch_ms as u64);
    if let Some(comma) = text.rfind(',') {
        text.replace_range(comma..=comma, ".");
    }
    text
}

/// Milliseconds as Flink's `humanizeDuration` (`1m 0s 0ms`); `-` for a negative value.
pub(crate) fn duration(ms: i64) -> String {
    if ms < 0 {
        "-".to_string()
    } else {
        format::duration_ms(ms as u64)
    }
}

/// A count with thousands separators, as Flink's tables (`1,071`).
pub(crate) fn thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Flink's `min(round(msPerSecond / 10), 100)`.
pub(crate) fn percent_of_second(ms_per_second: f64) -> u32 {
    bound((ms_per_second / 10.0).round(), 0.0, 100.0) as u32
}

/// Fill and border of a job graph node (Flink's `node.component.ts`): blue, blended toward
/// busy red by the busy percentage, then toward back-pressured grey by that percentage.
pub(crate) fn node_colour(busy: u32, backpressured: u32) -> (String, String) {
    let blend = |from: [u8; 3], to: [u8; 3], pct: u32| {
        let t = f64::from(pct.min(100)) / 100.0;
        let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        [
            mix(from[0], to[0]),
            mix(from[1], to[1]),
            mix(from[2], to[2]),
        ]
    };
    let hex = |c: [u8; 3]| format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
    let fill = blend(
        blend([0x5d, 0xb1, 0xff], [0xee, 0x64, 0x64], busy),
        [0x88, 0x88, 0x88],
        backpressured,
    );
    let border = blend(
        blend([0x18, 0x90, 0xff], [0xee, 0x22, 0x22], busy),
        [0x00, 0x00, 0x00],
        backpressured,
    );
    (hex(fill), hex(border))
}

/// The classes of a Flink status badge (`RUNNING` green, `FAILED` red, …).
pub(crate) fn badge_class(state: &str) -> Classes {
    classes!(
        "dash-badge",
        format!("dash-st-{}", state.to_ascii_lowercase())
    )
}

/// Flink's task-count badges: one coloured square per state with a non-zero count.
pub(crate) fn task_badges(counts: &ExecutionStateCounts) -> Html {
    let all = [
        ("CREATED", counts.created),
        ("SCHEDULED", counts.scheduled),
        ("DEPLOYING", counts.deploying),
        ("INITIALIZING", counts.initializing),
        ("RUNNING", counts.running),
        ("FINISHED", counts.finished),
        ("CANCELING", counts.canceling),
        ("CANCELED", counts.canceled),
        ("FAILED", counts.failed),
        ("RECONCILING", counts.reconciling),
    ];
    html! {
        <span class="dash-counts">
            { for all.iter().filter(|(_, n)| *n > 0).map(|(state, n)| html! {
                <span class={classes!("dash-count", format!("dash-st-{}", state.to_ascii_lowercase()))}
                    title={format!("{state}: {n}")}>{ *n }</span>
            }) }
        </span>
    }
}

/// The REST spelling of an execution state.
pub(crate) fn execution_state_str(state: ExecutionState) -> &'static str {
    match state {
        ExecutionState::Created => "CREATED",
        ExecutionState::Scheduled => "SCHEDULED",
        ExecutionState::Deploying => "DEPLOYING",
        ExecutionState::Initializing => "INITIALIZING",
        ExecutionState::Running => "RUNNING",
        ExecutionState::Finished => "FINISHED",
        ExecutionState::Canceling => "CANCELING",
        ExecutionState::Canceled => "CANCELED",
        ExecutionState::Failed => "FAILED",
        ExecutionState::Reconciling => "RECONCILING",
    }
}

/// The REST spelling of a job status.
pub(crate) fn job_status_str(state: JobStatus) -> &'static str {
    match state {
        JobStatus::Initializing => "INITIALIZING",
        JobStatus::Created => "CREATED",
        JobStatus::Running => "RUNNING",
        JobStatus::Failing => "FAILING",
        JobStatus::Failed => "FAILED",
        JobStatus::Cancelling => "CANCELLING",
        JobStatus::Canceled => "CANCELED",
        JobStatus::Finished => "FINISHED",
        JobStatus::Restarting => "RESTARTING",
        JobStatus::Suspended => "SUSPENDED",
        JobStatus::Reconciling => "RECONCILING",
    }
}

/// The tasks of a vertex, by subtask.
fn vertex_tasks(first: TaskIndex, parallelism: u32) -> impl Iterator<Item = TaskIndex> {
    (first.0..first.0 + parallelism).map(TaskIndex)
}
