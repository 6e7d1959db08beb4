//! The live log (filterable by category, in Flink's words) and the print sink's stdout.

use super::{format, tr, Lang, PanelProps};
use crate::sim::event::{Event, TimedEvent};
use crate::sim::log::{self, LogCategory};
use crate::sim::view::SimView;
use crate::ui::dashboard::{para, span};
use yew::prelude::*;

/// Lines shown at most (the page keeps more events; the DOM stays small).
const LOG_LINES_SHOWN: usize = 60;
/// Sink lines shown at most.
const SINK_LINES_SHOWN: usize = 120;

const CATEGORIES: [LogCategory; 6] = [
    LogCategory::SourceEvents,
    LogCategory::Processing,
    LogCategory::Alarms,
    LogCategory::Checkpoints,
    LogCategory::Cluster,
    LogCategory::Faults,
];

fn category_label(category: LogCategory, lang: Lang) -> &'static str {
    match category {
        LogCategory::SourceEvents => tr!(lang, "Source events", "소스 이벤트"),
        LogCategory::Processing => tr!(lang, "Processing", "처리"),
        LogCategory::Alarms => tr!(lang, "Alarms", "알람"),
        LogCategory::Checkpoints => tr!(lang, "Checkpoints", "체크포인트"),
        LogCategory::Cluster => tr!(lang, "JobManager log", "JobManager 로그"),
        LogCategory::Faults => tr!(lang, "Faults", "장애 주입"),
    }
}

fn category_class(category: LogCategory) -> &'static str {
    match category {
        LogCategory::SourceEvents => "cat-source",
        LogCategory::Processing => "cat-processing",
        LogCategory::Alarms => "cat-alarm",
        LogCategory::Checkpoints => "cat-checkpoint",
        LogCategory::Cluster => "cat-cluster",
        LogCategory::Faults => "cat-fault",
    }
}

/// One event as a short line: Flink's log message where Flink logs it, otherwise a plain
/// description of what the simulation did.
fn describe(view: &SimView<'_>, event: &TimedEvent, lang: Lang) -> String {
    let graph = view.graph();
    let user = |key: crate::sim::ids::KeyIndex| graph.keys[key.index()].name.clone();
    let task_name = |task: crate::sim::ids::TaskIndex| {
        graph.task_name(task, view.tasks()[task.index()].attempt)
    };
    match &event.event {
        Event::RecordEmitted {
            task,
            seq,
            key,
            abnormal,
        } => format!(
            "{} → {} seq={seq}{}",
            task_name(*task),
            user(*key),
            if *abnormal {
                tr!(lang, " ABNORMAL", " 이상행동")
            } else {
                ""
            }
        ),
        Event::RecordProcessed {
            task,
            seq,
            key,
            abnormal,
            count,
        } => format!(
            "{}: {} seq={seq}{} → abnormalCount={count}",
            task_name(*task),
            user(*key),
            if *abnormal {
                tr!(lang, " abnormal", " 이상")
            } else {
                ""
            }
        ),
        Event::AlarmPrinted {
            subtask,
            key,
            count,
            seq,
            ..
        } => log::sink_line(graph, *subtask, *key, *count, *seq),
        Event::BarrierInjected { task, checkpoint } => format!(
            "{} {} {checkpoint}",
            task_name(*task),
            tr!(lang, "injected barrier", "배리어 주입")
        ),
        Event::BarrierReceived {
            task,
            checkpoint,
            input,
        } => {
            format!(
                "{} {} {checkpoint} {} {input}",
                task_name(*task),
                tr!(lang, "received barrier", "배리어 수신"),
                tr!(lang, "on input", "입력 채널")
            )
        }
        Event::SnapshotTaken {
            task,
            checkpoint,
            unaligned,
        } => format!(
            "{} {} {checkpoint}{}",
            task_name(*task),
            tr!(
                lang,
                "snapshotted state for checkpoint",
                "체크포인트 상태 스냅샷"
            ),
            if *unaligned {
                tr!(lang, " (unaligned)", " (비정렬)")
            } else {
                ""
            }
        ),
        Event::SnapshotAcknowledged { task, checkpoint } => {
            format!(
                "{} {} {checkpoint}",
                task_name(*task),
                tr!(lang, "acknowledged checkpoint", "체크포인트 확인 응답")
            )
        }
        Event::CheckpointDiscarded { checkpoint } => format!(
            "chk-{checkpoint} {}",
            tr!(lang, "subsumed and discarded", "대체되어 삭제됨")
        ),
        Event::RocksDbCompacted {
            task,
            inputs,
            outputs,
            bytes,
        } => format!(
            "{} {} {inputs} → {outputs} ({})",
            task_name(*task),
            tr!(
                lang,
                "RocksDB compaction: SST files",
                "RocksDB 컴팩션: SST 파일"
            ),
            format::bytes(*bytes)
        ),
        Event::SharedStateDiscarded {
            checkpoint,
            files,
            bytes,
        } => format!(
            "{} {files} ({}) {} {checkpoint}",
            tr!(lang, "shared/: deleted", "shared/: 삭제"),
            format::bytes(*bytes),
            tr!(
                lang,
                "unused since checkpoint",
                "더 이상 참조 없음, 체크포인트"
            )
        ),
        Event::RestartScheduled { backoff } => format!(
            "{} {}",
            tr!(lang, "restart scheduled after backoff", "재시작 예약, 대기"),
            format::duration_ms(backoff.as_ms())
        ),
        Event::TaskManagerKilled { task_manager } => format!(
            "{task_manager} {}",
            tr!(
                lang,
                "process killed (kill -9)",
                "프로세스 강제 종료 (kill -9)"
            )
        ),
        Event::CheckpointStorageChanged { failing } => {
            if *failing {
                tr!(
                    lang,
                    "checkpoint storage now fails every write",
                    "체크포인트 저장소 쓰기 실패 시작",
                )
                .to_string()
            } else {
                tr!(
                    lang,
                    "checkpoint storage works again",
                    "체크포인트 저장소 복구",
                )
                .to_string()
            }
        }
        Event::SubtaskSlowed { task, factor } => format!(
            "{} {} ×{factor}",
            task_name(*task),
            tr!(lang, "processing time", "처리 시간")
        ),
        _ => log::lines(view, event)
            .into_iter()
            .next()
            .map(|(_, line)| {
                line.split_once(" - ")
                    .map_or(line.clone(), |(_, message)| message.to_string())
            })
            .unwrap_or_default(),
    }
}

/// The live log with its filters.
#[component]
pub fn LogPanel(props: &PanelProps) -> Html {
    let lang = props.lang;
    let enabled = use_state(|| CATEGORIES.to_vec());
    let toggle = |category: LogCategory| {
        let enabled = enabled.clone();
        Callback::from(move |_: Event_| {
            let mut next = (*enabled).clone();
            if let Some(position) = next.iter().position(|c| *c == category) {
                next.remove(position);
            } else {
                next.push(category);
            }
            enabled.set(next);
        })
    };
    let session = props.session.read();
    let view = session.sim().view();
    let (events, first_id) = session.events();
    // The newest matching lines only: formatting 60 lines twice a second is cheap.
    let lines: Vec<Html> = events
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, e)| enabled.contains(&log::category(&e.event)))
        .take(LOG_LINES_SHOWN)
        .map(|(index, e)| {
            let id = first_id + index as u64;
            let text = describe(&view, e, lang);
            let category = log::category(&e.event);
            let duplicate = matches!(e.event, Event::AlarmPrinted { duplicate: true, .. });
            html! {
                <li key={id} class={classes!("log-line", category_class(category), duplicate.then_some("duplicate"))}
                    data-duplicate={duplicate.to_string()}>
                    <time>{ format::sim_clock(e.time) }</time>
                    { span("log-text", text) }
                    if duplicate {
                        <span class="dup-badge" title={tr!(lang, "Printed again after the restore: the print sink is not transactional", "복구 후 다시 출력됨: print 싱크는 트랜잭션이 아닙니다")}>
                            { tr!(lang, "duplicate", "중복") }
                        </span>
                    }
                </li>
            }
        })
        .collect();
    html! {
        <section class="panel log-panel" aria-label={tr!(lang, "Live log", "실시간 로그")}>
            <h2>{ tr!(lang, "Live log", "실시간 로그") }</h2>
            <fieldset class="filters">
                <legend>{ tr!(lang, "Show", "표시") }</legend>
                { for CATEGORIES.iter().map(|category| html! {
                    <label class={classes!("filter", category_class(*category))}>
                        <input type="checkbox" checked={enabled.contains(category)} onchange={toggle(*category)} />
                        { category_label(*category, lang) }
                    </label>
                }) }
            </fieldset>
            { para("hint", tr!(lang, "Newest first: the last 60 matching lines of the 3,000 events kept (pause to read).", "최신 순: 보관 중인 이벤트 3,000개 중 조건에 맞는 최근 60줄 (읽으려면 일시정지).")) }
            <ol class="log" data-testid="log" aria-live="off" tabindex="0" aria-label={tr!(lang, "Live log", "실시간 로그")}>{ for lines }</ol>
        </section>
    }
}

type Event_ = yew::events::Event;

/// The print sink's standard output: `<subtask+1>> ALARM user=… count=… seq=…`, duplicates of
/// alarms printed before a restore marked.
#[component]
pub fn SinkOutput(props: &PanelProps) -> Html {
    let lang = props.lang;
    let session = props.session.read();
    let view = session.sim().view();
    let (total, duplicates) = view.alarm_counts();
    let graph = view.graph();
    let lines: Vec<&crate::sim::engine::SinkLine> = view.sink_lines().collect();
    // Newest first, so the latest lines are visible without scrolling.
    let shown = lines.iter().rev().take(SINK_LINES_SHOWN);
    // Simulated instants as attributes, so a test or a presenter's script can relate the output
    // to the latest completed checkpoint.
    let last_checkpoint_ms = view
        .coordinator()
        .latest_completed
        .as_ref()
        .and_then(|c| c.completed_at)
        .map_or(String::new(), |t| t.as_ms().to_string());
    html! {
        <section class="panel sink-panel" aria-label={tr!(lang, "Print sink output", "Print 싱크 출력")}>
            <h2>
                { tr!(lang, "Print sink (stdout)", "Print 싱크 (stdout)") }
                <span class="counts">{ format!(" {total} {} · {duplicates} {}", tr!(lang, "alarms", "알람"), tr!(lang, "duplicates", "중복")) }</span>
            </h2>
            { para("hint", tr!(lang,
                "Newest first. Keyed state is exactly-once; this output is not: alarms printed between the restored checkpoint and the failure are printed again.",
                "최신 순. 키 상태는 정확히 한 번이지만 이 출력은 아닙니다: 복구된 체크포인트와 장애 사이에 출력된 알람은 다시 출력됩니다.")) }
            <div class="sink-output" data-testid="sink-output" role="log" aria-live="polite"
                tabindex="0" aria-label={tr!(lang, "Print sink output", "Print 싱크 출력")}
                data-last-checkpoint-ms={last_checkpoint_ms} data-sim-time-ms={view.now().as_ms().to_string()}>
                { for shown.map(|line| html! {
                    <div key={format!("{}-{}-{}", line.time.as_us(), line.key.0, line.seq)}
                        class={classes!("sink-line", line.duplicate.then_some("duplicate"))} data-duplicate={line.duplicate.to_string()}
                        data-time-ms={line.time.as_ms().to_string()}>
                        <time>{ format::sim_clock(line.time) }</time>
                        <code>{ log::sink_line(graph, line.subtask, line.key, line.count, line.seq) }</code>
                        if line.duplicate {
                            { span("dup-badge", tr!(lang, "duplicate", "중복")) }
                        }
                    </div>
                }) }
            </div>
        </section>
    }
}
