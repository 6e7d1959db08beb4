//! The cluster as Flink deploys the job: the JobManager with its roles (Dispatcher,
//! ResourceManager, JobMaster with the CheckpointCoordinator) and the TaskManagers side by side
//! with their slots and the subtasks placed in them (slot sharing: one subtask of each vertex per
//! slot), plus the fault buttons.
//!
//! A TaskManager shows two truths at once: its *process* (alive or killed) and what the
//! *JobManager believes* (registered or lost). Between a kill and its detection the two
//! disagree, and restarts get deployed to the dead TaskManager's slots: that gap is what the
//! talk's failure story hides and what this view makes visible.

use super::{tr, trf, Lang, PanelProps};
use crate::app::fixed::d1;
use crate::sim::cluster::{ProcessState, TaskManager};
use crate::sim::event::Command;
use crate::sim::graph::{JobGraph, OperatorKind};
use crate::sim::ids::{TaskIndex, TaskManagerId};
use crate::sim::lifecycle::{ExecutionState, JobStatus};
use crate::sim::view::SimView;
use crate::sim::SimTime;
use crate::ui::dashboard::span;
use crate::ui::dashboard::term;
use yew::prelude::*;

/// The view of the page's engine.
pub(crate) type View<'a> = SimView<'a>;

/// The slowdown factor the "slow down" button applies.
const SLOW_FACTOR: u32 = 10;

/// A short operator name for tight places (`Source`, `AbnormalAlarm → Sink`).
pub(crate) fn short_vertex_name(kind: OperatorKind) -> &'static str {
    match kind {
        OperatorKind::Source => "Source",
        OperatorKind::KeyedProcess { chained_sink: true } => "AbnormalAlarm → Sink",
        OperatorKind::KeyedProcess {
            chained_sink: false,
        } => "AbnormalAlarm",
        OperatorKind::Sink => "Sink",
    }
}

/// `Source (2/3)#1`: the short name, the 1-based subtask and the attempt, as Flink writes it.
pub(crate) fn short_task_name(graph: &JobGraph, task: TaskIndex, attempt: u32) -> String {
    let layout = &graph.tasks[task.index()];
    let vertex = &graph.vertices[layout.vertex.index()];
    format!(
        "{} ({}/{})#{}",
        short_vertex_name(vertex.kind),
        layout.subtask + 1,
        vertex.parallelism,
        attempt
    )
}

/// The CSS class colouring an execution state (Flink's web UI colours).
pub(crate) fn state_class(state: ExecutionState) -> &'static str {
    match state {
        ExecutionState::Created => "cl-st-created",
        ExecutionState::Scheduled => "cl-st-scheduled",
        ExecutionState::Deploying => "cl-st-deploying",
        ExecutionState::Initializing => "cl-st-initializing",
        ExecutionState::Running => "cl-st-running",
        ExecutionState::Canceling => "cl-st-canceling",
        ExecutionState::Canceled => "cl-st-canceled",
        ExecutionState::Failed => "cl-st-failed",
        // Never reached by the simulation (unbounded sources, no reconciliation).
        ExecutionState::Finished => "cl-st-finished",
        ExecutionState::Reconciling => "cl-st-reconciling",
    }
}

/// Seconds from `now` until `at`, as `3.2 s`.
pub(crate) fn countdown(now: SimTime, at: SimTime) -> String {
    format!("{} s", d1(at.saturating_since(now).as_us() as f64 / 1e6))
}

/// Slots held by the job, and slots in the cluster.
fn slot_usage(view: &View) -> (usize, usize) {
    let tms = view.task_managers();
    let used = tms
        .iter()
        .map(|tm| tm.slots.iter().filter(|s| s.is_some()).count())
        .sum();
    (used, tms.iter().map(|tm| tm.slots.len()).sum())
}

/// `3 of 9 slots used`.
pub(crate) fn slots_sentence(lang: Lang, used: usize, total: usize) -> String {
    trf!(
        lang,
        "{used} of {total} slots used",
        "슬롯 {total}개 중 {used}개 사용",
        total,
        used
    )
}

/// The cluster panel.
#[component]
pub fn ClusterView(props: &PanelProps) -> Html {
    let session = props.session.read();
    let view = session.side_sim(props.side).view();
    let lang = props.lang;
    let (used, total) = slot_usage(&view);
    html! {
        <section class="cluster cl panel" aria-labelledby={format!("cl-title{}", super::side_suffix(props.side))} data-testid="cluster-view">
            <header class="cl-head">
                <h2 id={format!("cl-title{}", super::side_suffix(props.side))}>{ tr!(lang, "Cluster", "클러스터") }</h2>
                <span class="cl-slots-used" data-testid="slots-used">{ slots_sentence(lang, used, total) }</span>
            </header>
            <div class="cl-layout">
                { job_manager(&view, lang, &props.on_command) }
                <div class="cl-tms">
                    { for view.task_managers().iter().map(|tm| task_manager(&view, tm, lang, &props.on_command)) }
                </div>
            </div>
        </section>
    }
}

/// A button sending `command`.
fn command_button(on_command: &Callback<Command>, command: Command) -> Callback<MouseEvent> {
    let on_command = on_command.clone();
    Callback::from(move |_: MouseEvent| on_command.emit(command.clone()))
}

/// The JobManager and its roles.
fn job_manager(view: &View, lang: Lang, on_command: &Callback<Command>) -> Html {
    let registered = view
        .task_managers()
        .iter()
        .filter(|tm| tm.registered)
        .count();
    let (used, total) = slot_usage(view);
    let rm = trf!(
        lang,
        "{registered} of {task_managers} TaskManagers registered · {slots_sentence}",
        "TaskManager {task_managers}개 중 {registered}개 등록 · {slots_sentence}",
        registered,
        task_managers = view.task_managers().len(),
        slots_sentence = slots_sentence(lang, used, total)
    );
    html! {
        <article class="cl-jm" data-testid="job-manager" aria-label="JobManager">
            <h3>{ "JobManager" }</h3>
            <dl class="cl-roles">
                <dt>{ "Dispatcher" }</dt>
                <dd>{ format!("{} · {}", view.config().job_name, view.job_status().as_str()) }</dd>
                { term("ResourceManager", rm) }
                { term("JobMaster", job_master(view, lang)) }
                { term("CheckpointCoordinator", coordinator(view, lang)) }
            </dl>
            { coordinator_buttons(view, lang, on_command) }
            { savepoint_buttons(view.job_status() == JobStatus::Running, lang, on_command) }
        </article>
    }
}

/// Job status, restart backoff, restores and pipelines waiting for a slot.
fn job_master(view: &View, lang: Lang) -> Html {
    let now = view.now();
    let restored = view.coordinator().counts.restored;
    let waiting = view.pipeline_slots().iter().filter(|s| s.is_none()).count();
    let backoff = match (view.job_status(), view.restart_due()) {
        (JobStatus::Restarting, Some(due)) => Some(trf!(
            lang,
            "restarting in {countdown}",
            "{countdown} 후 재시작",
            countdown = countdown(now, due)
        )),
        _ => None,
    };
    let restored_text = trf!(lang, "restored {restored}×", "복구 {restored}회", restored);
    // `flink run -s <path>`: the snapshot this job was submitted with.
    let started = view.restored_from().map(|r| {
        trf!(
            lang,
            "started from {path} of job {job} ({mode})",
            "{path}에서 시작 (잡 {job}, {mode})",
            path = r.path,
            job = r.job_id,
            mode = r.settings.claim_mode.as_str()
        )
    });
    html! {
        <ul class="cl-facts">
            <li data-testid="jm-status">{ view.job_status().as_str() }</li>
            if let Some(text) = started {
                <li data-testid="jm-started-from">{ text }</li>
            }
            if let Some(text) = backoff {
                <li class="cl-backoff" data-testid="jm-backoff">{ text }</li>
            }
            <li data-testid="jm-restored">{ restored_text }</li>
            if waiting > 0 && view.job_status() == JobStatus::Running {
                <li class="cl-warn">{ trf!(lang, "{waiting} pipeline(s) waiting for a slot", "파이프라인 {waiting}개가 슬롯을 기다리는 중", waiting) }</li>
            }
        </ul>
    }
}

/// The pending checkpoint with its acknowledgements, and the next periodic trigger.
fn coordinator(view: &View, lang: Lang) -> Html {
    let coordinator = view.coordinator();
    let pending = coordinator.pending.last().map(|p| {
        trf!(
            lang,
            "chk-{id} pending: {acknowledged} of {snapshots} acknowledged",
            "chk-{id} 진행 중: {snapshots}개 중 {acknowledged}개 확인",
            id = p.id,
            acknowledged = p.acknowledged,
            snapshots = p.snapshots.len()
        )
    });
    let next = match coordinator.periodic_next {
        Some(at) => trf!(
            lang,
            "next periodic trigger in {countdown}",
            "다음 주기 트리거까지 {countdown}",
            countdown = countdown(view.now(), at)
        ),
        None => tr!(lang, "periodic trigger stopped", "주기 트리거 멈춤").to_string(),
    };
    let savepoint = coordinator.latest_savepoint.as_ref().map(|s| {
        let path = s.savepoint.as_ref().map_or("", |s| s.path.as_str());
        trf!(
            lang,
            "latest savepoint: chk-{id} at {path}",
            "최근 세이브포인트: chk-{id}, {path}",
            id = s.id,
            path
        )
    });
    html! {
        <ul class="cl-facts">
            <li data-testid="jm-pending">{ pending.unwrap_or_else(|| tr!(lang, "no checkpoint pending", "진행 중인 체크포인트 없음").to_string()) }</li>
            <li data-testid="jm-next-trigger">{ next }</li>
            if let Some(savepoint) = savepoint {
                <li data-testid="jm-latest-savepoint">{ savepoint }</li>
            }
            if view.storage_failing() {
                <li class="cl-warn">{ tr!(lang, "checkpoint storage is failing", "체크포인트 저장소 장애 중") }</li>
            }
        </ul>
    }
}

/// "Trigger checkpoint" and the storage fault toggle.
fn coordinator_buttons(view: &View, lang: Lang, on_command: &Callback<Command>) -> Html {
    let failing = view.storage_failing();
    let running = view.job_status() == JobStatus::Running;
    let trigger = command_button(on_command, Command::TriggerCheckpoint);
    let toggle = command_button(
        on_command,
        Command::SetCheckpointStorageFailing { failing: !failing },
    );
    html! {
        <div class="cl-actions">
            <button type="button" data-testid="trigger-checkpoint" onclick={trigger} disabled={!running}>
                { tr!(lang, "Trigger checkpoint", "체크포인트 트리거") }
            </button>
            <button type="button" data-testid="storage-fault" onclick={toggle}
                class={classes!(failing.then_some("cl-on"))} aria-pressed={failing.to_string()}>
                { if failing { tr!(lang, "Storage: failing (click to repair)", "저장소: 장애 중 (눌러서 복구)") }
                  else { tr!(lang, "Make storage fail", "저장소 장애 주입") } }
            </button>
        </div>
    }
}

/// "Trigger savepoint" (`flink savepoint <jobId>`, `POST /jobs/:jobid/savepoints`) and "Stop
/// with savepoint" (`flink stop`, `POST /jobs/:jobid/stop`), each in canonical format (Flink's
/// default) or native (`--type native`).
fn savepoint_buttons(running: bool, lang: Lang, on_command: &Callback<Command>) -> Html {
    use crate::sim::checkpoint::SavepointFormatType::{Canonical, Native};
    let button = |command: Command, testid: &'static str, label: &'static str| {
        html! {
            <button type="button" data-testid={testid} onclick={command_button(on_command, command)}
                disabled={!running}>{ label }</button>
        }
    };
    html! {
        <div class="cl-actions">
            <span>{ tr!(lang, "Savepoint:", "세이브포인트:") }</span>
            { button(Command::TriggerSavepoint { format: Canonical }, "trigger-savepoint", "canonical") }
            { button(Command::TriggerSavepoint { format: Native }, "trigger-savepoint-native", "native") }
            <span>{ tr!(lang, "Stop with savepoint:", "세이브포인트 후 중지:") }</span>
            { button(Command::StopWithSavepoint { format: Canonical }, "stop-with-savepoint", "canonical") }
            { button(Command::StopWithSavepoint { format: Native }, "stop-with-savepoint-native", "native") }
        </div>
    }
}

/// What the process and the registration say, as text.
fn tm_status(tm: &TaskManager, now: SimTime, lang: Lang) -> (String, &'static str) {
    let process = match tm.process {
        ProcessState::Alive => tr!(lang, "process alive", "프로세스 실행 중").to_string(),
        ProcessState::Dead { since } => trf!(
            lang,
            "process killed {countdown} ago",
            "프로세스 종료됨 ({countdown} 전)",
            countdown = countdown(since, now)
        ),
        ProcessState::Starting { registers_at } => trf!(
            lang,
            "starting, registers in {countdown}",
            "시작 중, {countdown} 후 등록",
            countdown = countdown(now, registers_at)
        ),
    };
    let registration = if tm.registered {
        tr!(lang, "registered", "등록됨")
    } else {
        tr!(lang, "lost at the JobManager", "JobManager에서 유실 처리됨")
    };
    (process, registration)
}

/// One TaskManager with its slots and its kill / restart buttons.
fn task_manager(view: &View, tm: &TaskManager, lang: Lang, on_command: &Callback<Command>) -> Html {
    let n = tm.id.0 + 1;
    let alive = tm.is_alive();
    let (process, registration) = tm_status(tm, view.now(), lang);
    let classes = classes!(
        "cl-tm",
        (!alive).then_some("cl-tm-dead"),
        (!tm.registered).then_some("cl-tm-lost"),
        (!alive && tm.registered).then_some("cl-tm-zombie")
    );
    html! {
        <article class={classes} data-testid={format!("tm-{n}")}
            data-state={if alive { "running" } else { "lost" }}
            data-registered={tm.registered.to_string()}
            aria-label={format!("TaskManager {n}")}>
            <header class="cl-tm-head">
                <h3>{ format!("TaskManager {n}") }</h3>
                { tm_buttons(tm, lang, on_command) }
            </header>
            <p class="cl-tm-res" title={tr!(lang, "Resource id", "리소스 ID")}>{ tm.resource_id.clone() }</p>
            <p class="cl-status">
                <span class={classes!("cl-proc", (!alive).then_some("cl-bad"))} data-testid={format!("tm-{n}-process")}>{ process }</span>
                { " · " }
                <span class={classes!("cl-reg", (!tm.registered).then_some("cl-bad"))} data-testid={format!("tm-{n}-registration")}>{ registration }</span>
            </p>
            if !alive && tm.registered {
                <p class="cl-gap" role="note">{ gap_sentence(tm, lang) }</p>
            }
            <ol class="cl-slots" aria-label={tr!(lang, "Task slots", "태스크 슬롯")}>
                { for tm.slots.iter().enumerate().map(|(i, slot)| slot_item(view, tm, i, *slot, lang, on_command)) }
            </ol>
            { stale_tasks(view, tm, lang) }
        </article>
    }
}

/// Kill (enabled while the process runs) and restart (enabled once it was killed).
fn tm_buttons(tm: &TaskManager, lang: Lang, on_command: &Callback<Command>) -> Html {
    let n = tm.id.0 + 1;
    let alive = tm.is_alive();
    let dead = matches!(tm.process, ProcessState::Dead { .. });
    html! {
        <span class="cl-tm-buttons">
            <button type="button" class="cl-mini cl-kill" data-testid={format!("kill-tm-{n}")} disabled={!alive}
                aria-label={format!("kill -9 TaskManager {n}{}", tr!(lang, "", " 종료"))}
                onclick={command_button(on_command, Command::KillTaskManager { task_manager: tm.id })}>
                { tr!(lang, "kill -9", "kill -9") }
            </button>
            <button type="button" class="cl-mini" data-testid={format!("restart-tm-{n}")} disabled={!dead}
                aria-label={format!("{} {n}", tr!(lang, "Restart TaskManager", "TaskManager 재시작:"))}
                onclick={command_button(on_command, Command::RestartTaskManager { task_manager: tm.id })}>
                { tr!(lang, "restart", "재시작") }
            </button>
        </span>
    }
}

/// Why a dead but still registered TaskManager matters.
fn gap_sentence(tm: &TaskManager, lang: Lang) -> String {
    trf!(lang, "Dead but still registered: the JobManager keeps offering its slots, so restarts can be deployed here and fail, until heartbeats detect the loss ({heartbeat_failures} failed heartbeat RPC(s) so far).", "죽었지만 아직 등록된 상태: 하트비트가 유실을 감지할 때까지 JobManager는 이 슬롯을 계속 내주므로 재시작이 여기로 배포되어 실패할 수 있습니다 (지금까지 하트비트 RPC 실패 {heartbeat_failures}회).", heartbeat_failures = tm.heartbeat_failures)
}

/// One slot: the pipeline's subtasks placed in it, or "free".
fn slot_item(
    view: &View,
    tm: &TaskManager,
    index: usize,
    pipeline: Option<u32>,
    lang: Lang,
    on_command: &Callback<Command>,
) -> Html {
    let graph = view.graph();
    let label = trf!(lang, "slot {index}", "슬롯 {index}", index = index + 1);
    let Some(pipeline) = pipeline else {
        return html! {
            <li class="cl-slot cl-slot-free" data-testid="slot">
                { span("cl-slot-label", label) }
                { span("cl-free", tr!(lang, "free", "비어 있음")) }
            </li>
        };
    };
    let tasks: Vec<TaskIndex> = (0..graph.vertices.len())
        .map(|v| graph.task(crate::sim::ids::VertexIndex::from_index(v), pipeline))
        .collect();
    html! {
        <li class="cl-slot cl-slot-used" data-testid="slot" data-pipeline={pipeline.to_string()}>
            { span("cl-slot-label", label) }
            { for tasks.into_iter().map(|task| task_chip(view, task, tm.is_alive(), lang, on_command)) }
        </li>
    }
}

/// Attempts whose TaskManager is this one but whose slot is gone (failed or cancelled here).
fn stale_tasks(view: &View, tm: &TaskManager, lang: Lang) -> Html {
    let graph = view.graph();
    let held: Vec<u32> = tm.slots.iter().flatten().copied().collect();
    let stale: Vec<TaskIndex> = view
        .tasks()
        .iter()
        .enumerate()
        .filter(|(i, t)| t.task_manager == Some(tm.id) && !held.contains(&graph.tasks[*i].subtask))
        .map(|(i, _)| TaskIndex::from_index(i))
        .collect();
    if stale.is_empty() {
        return html! {};
    }
    html! {
        <div class="cl-stale">
            { span("cl-stale-label", tr!(lang, "last attempts here:", "이곳의 마지막 시도:")) }
            { for stale.into_iter().map(|task| {
                let t = &view.tasks()[task.index()];
                html! {
                    <span class={classes!("cl-chip-mini", state_class(t.state))}>
                        { format!("{} {}", short_task_name(graph, task, t.attempt), t.state.as_str()) }
                    </span>
                }
            }) }
        </div>
    }
}

/// One subtask: name with attempt, state, slowdown, and its fault buttons.
fn task_chip(
    view: &View,
    task: TaskIndex,
    tm_alive: bool,
    lang: Lang,
    on_command: &Callback<Command>,
) -> Html {
    let graph = view.graph();
    let t = &view.tasks()[task.index()];
    let layout = &graph.tasks[task.index()];
    let name = short_task_name(graph, task, t.attempt);
    let full = graph.task_name(task, t.attempt);
    let slowdown = view.slowdown(task);
    let (vertex, subtask) = (layout.vertex, layout.subtask);
    let live = view.is_live(task);
    let fail = command_button(on_command, Command::FailTask { vertex, subtask });
    let factor = if slowdown > 1 { 1 } else { SLOW_FACTOR };
    let slow = command_button(
        on_command,
        Command::SlowDownSubtask {
            vertex,
            subtask,
            factor,
        },
    );
    let classes = classes!(
        "cl-task",
        state_class(t.state),
        (!tm_alive).then_some("cl-task-orphan")
    );
    html! {
        <div class={classes} title={full.clone()} data-testid="task-chip" data-task={task.0.to_string()}
            data-state={t.state.as_str()}>
            { span("cl-task-name", name) }
            { span("cl-task-state", t.state.as_str()) }
            if slowdown > 1 {
                <span class="cl-task-slow">{ format!("×{slowdown}") }</span>
            }
            <span class="cl-task-buttons">
                <button type="button" class="cl-mini" onclick={fail} disabled={!live}
                    data-testid={format!("fail-task-{}", task.0)}
                    aria-label={format!("{}: {full}", tr!(lang, "Throw an exception in", "예외 발생:"))}
                    title={tr!(lang, "Throw an exception in this task", "이 태스크에서 예외 발생")}>
                    { tr!(lang, "throw", "예외") }
                </button>
                <button type="button" class={classes!("cl-mini", (slowdown > 1).then_some("cl-on"))} onclick={slow}
                    data-testid={format!("slow-task-{}", task.0)} aria-pressed={(slowdown > 1).to_string()}
                    aria-label={format!("{}: {full}", if slowdown > 1 { tr!(lang, "Restore normal speed of", "정상 속도로 복원") } else { tr!(lang, "Slow ×10", "느리게 ×10") })}>
                    { if slowdown > 1 { tr!(lang, "restore", "복원") } else { tr!(lang, "slow ×10", "느리게 ×10") } }
                </button>
            </span>
        </div>
    }
}

/// The TaskManager a task is deployed to, 1-based, for captions elsewhere.
pub(crate) fn task_manager_label(view: &View, task: TaskIndex) -> Option<u32> {
    view.tasks()[task.index()]
        .task_manager
        .map(|TaskManagerId(id)| id + 1)
}
