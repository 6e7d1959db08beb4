//! Drawing the scene: the SVG of the job graph, its channels, tasks, storage and what moves,
//! and the text summary beside it for screen readers.

use super::layout::{Rect, VIEW_W};
use super::motion::{persisted_records, GhostKind};
use super::scene::DETAILED_CHANNELS_MAX;
use super::{Scene, View};
use crate::app::fixed::{d0, d1, d2};
use crate::app::motion::DotKind;
use crate::sim::graph::{JobGraph, OperatorKind, ShipStrategy};
use crate::sim::ids::{CheckpointId, TaskIndex, VertexIndex};
use crate::sim::lifecycle::ExecutionState;
use crate::ui::cluster::{short_vertex_name, state_class};
use crate::ui::{bound, tr, trf, Lang};
use yew::prelude::*;

/// Flink's job-graph colouring: blue, blended toward busy red by the busy share, then toward
/// back-pressured grey by the back-pressured share.
pub(super) fn flink_vertex_colour(busy_percent: f64, backpressured_percent: f64) -> String {
    let mix = |a: [f64; 3], b: [f64; 3], t: f64| {
        let t = bound(t / 100.0, 0.0, 1.0);
        [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
    };
    let busy = mix([93.0, 177.0, 255.0], [238.0, 100.0, 100.0], busy_percent);
    let grey = mix(busy, [136.0, 136.0, 136.0], backpressured_percent);
    format!("rgb({},{},{})", d0(grey[0]), d0(grey[1]), d0(grey[2]))
}

pub(super) fn f1(value: f64) -> String {
    d1(value).to_string()
}

/// Where a moving mark is: `translate(x y)`. Marks move by their transform over a fixed shape,
/// so a frame changes one attribute per mark and the browser re-lays out no path or text
/// (moving `cx`/`cy`, a path's `d` or a label's `x`/`y` re-built the shape on every frame).
fn at(x: f64, y: f64) -> String {
    format!("translate({} {})", d1(x), d1(y))
}

/// A record dot: a circle (normal), a triangle (abnormal) or a diamond (alarm).
pub(super) fn dot(x: f64, y: f64, kind: DotKind) -> Html {
    let transform = at(x, y);
    match kind {
        DotKind::Normal => html! { <circle class="df-rec" r="5" {transform} /> },
        DotKind::Abnormal => html! {
            <path class="df-rec-abn" d="M0 -7.5L6.5 5L-6.5 5Z" {transform} />
        },
        DotKind::Alarm => html! {
            <path class="df-rec-alarm" d="M0 -7L7 0L0 7L-7 0Z" {transform} />
        },
    }
}

/// A barrier: a vertical bar labelled with its checkpoint id.
pub(super) fn barrier_mark(
    (x, y): (f64, f64),
    checkpoint: CheckpointId,
    unaligned: bool,
    arrived: bool,
    labelled: bool,
) -> Html {
    let class = classes!(
        "df-barrier",
        unaligned.then_some("df-barrier-unaligned"),
        arrived.then_some("df-barrier-arrived")
    );
    html! {
        <g class={class} transform={at(x, y)}>
            <rect x="-3" y="-13" width="6" height="26" rx="1" />
            if labelled {
                <text y="-16" text-anchor="middle">{ checkpoint.0.to_string() }</text>
            }
        </g>
    }
}

/// A snapshot document flying to storage.
pub(super) fn glyph(x: f64, y: f64) -> Html {
    html! {
        <path class="df-doc" d="M-7.5 -9h10l5 5v13h-15Z" transform={at(x, y)} />
    }
}

pub(super) fn caption(lang: Lang, animate: bool) -> &'static str {
    if animate {
        tr!(
            lang,
            "Motion is slowed for visibility: a record really crosses a channel in about 1 ms; here every move takes 0.9 s, and work downstream is shown one move later. Pause to see the exact state.",
            "잘 보이도록 움직임을 늦췄습니다: 실제로 레코드는 약 1 ms 만에 채널을 건너지만, 여기서는 한 번 이동에 0.9초가 걸리고 하류의 처리는 한 번의 이동만큼 늦게 보입니다. 정확한 상태는 일시정지해서 보세요.",
        )
    } else {
        tr!(
            lang,
            "Exact state (paused or reduced motion): dots are the records queued in each channel, bars the barriers at their place in the queue.",
            "정확한 상태 (일시정지 또는 움직임 줄이기): 점은 각 채널에 대기 중인 레코드, 막대는 큐 안 제자리에 있는 배리어입니다.",
        )
    }
}

pub(super) fn legend(lang: Lang) -> Html {
    html! {
        <ul class="df-legend" aria-label={tr!(lang, "Legend", "범례")}>
            <li><span class="df-key df-key-rec" aria-hidden="true"></span>{ tr!(lang, "normal event", "정상 이벤트") }</li>
            <li><span class="df-key df-key-abn" aria-hidden="true"></span>{ tr!(lang, "abnormal event", "비정상 이벤트") }</li>
            <li><span class="df-key df-key-barrier" aria-hidden="true"></span>{ tr!(lang, "barrier (checkpoint id)", "배리어 (체크포인트 ID)") }</li>
            <li><span class="df-key df-key-unaligned" aria-hidden="true"></span>{ tr!(lang, "unaligned barrier", "비정렬 배리어") }</li>
            <li><span class="df-key df-key-fill" aria-hidden="true"></span>{ tr!(lang, "buffer fill", "버퍼 사용량") }</li>
            <li><span class="df-key df-key-blocked" aria-hidden="true"></span>{ tr!(lang, "blocked (alignment)", "차단됨 (정렬)") }</li>
            <li><span class="df-key df-key-doc" aria-hidden="true"></span>{ tr!(lang, "snapshot", "스냅샷") }</li>
            <li><span class="df-key df-key-busy" aria-hidden="true"></span>{ tr!(lang, "task: blue idle, red busy, grey back-pressured (bp)", "태스크: 파랑 유휴, 빨강 바쁨, 회색 배압(bp)") }</li>
        </ul>
    }
}

pub(super) fn svg(scene: &Scene) -> Html {
    let lang = scene.lang;
    let height = scene
        .layout
        .height
        .max(scene.layout.storage.y + scene.layout.storage.h + 10.0);
    html! {
        <svg class="df-svg" data-testid="dataflow-svg" role="img" viewBox={format!("0 0 {} {}", d0(VIEW_W), d0(height))}
            preserveAspectRatio="xMidYMin meet" aria-labelledby={format!("df-svg-title{0} df-svg-desc{0}", scene.suffix)}>
            <title id={format!("df-svg-title{}", scene.suffix)}>{ tr!(lang, "Job graph with its network channels", "잡 그래프와 네트워크 채널") }</title>
            <desc id={format!("df-svg-desc{}", scene.suffix)}>{ tr!(lang,
                "Source subtasks on the left feed every keyed subtask over the keyBy exchange. Circles are normal events, triangles abnormal ones, vertical bars checkpoint barriers, the thick band on a channel its buffer fill. Snapshots fly to the checkpoint storage box on the right. A text summary follows the picture.",
                "왼쪽의 소스 서브태스크는 keyBy 교환으로 모든 키 서브태스크에 보냅니다. 원은 정상 이벤트, 삼각형은 비정상 이벤트, 세로 막대는 체크포인트 배리어, 채널 위 굵은 띠는 버퍼 사용량입니다. 스냅샷은 오른쪽 체크포인트 저장소로 날아갑니다. 그림 뒤에 글 요약이 있습니다.") }</desc>
            { column_headers(scene) }
            { channels(scene) }
            { for (0..scene.view.tasks().len())
                .filter(|t| scene.view.graph().tasks[*t].subtask.is_multiple_of(scene.layout.band))
                .map(|t| task_box(scene, TaskIndex::from_index(t))) }
            { storage_box(scene) }
            { moving(scene) }
        </svg>
    }
}

pub(super) fn column_headers(scene: &Scene) -> Html {
    let graph = scene.view.graph();
    let storage = &scene.layout.storage;
    html! {
        <g class="df-columns">
            { for graph.vertices.iter().zip(&scene.layout.columns).map(|(v, x)| html! {
                <text x={f1(*x)} y="20" text-anchor="middle">{ format!("{} ×{}", short_vertex_name(v.kind), v.parallelism) }</text>
            }) }
            <text x={f1(storage.x + storage.w / 2.0)} y="20" text-anchor="middle">{ tr!(scene.lang, "checkpoint storage", "체크포인트 저장소") }</text>
        </g>
    }
}

// ---- channels

pub(super) fn channels(scene: &Scene) -> Html {
    if scene.segments.len() > DETAILED_CHANNELS_MAX {
        return aggregate_channels(scene);
    }
    let graph = scene.view.graph();
    html! {
        <g class="df-channels">
            { for (0..scene.segments.len()).map(|c| {
                let strategy = graph.edges.iter()
                    .find(|e| graph.tasks[graph.channels[c].receiver.index()].vertex == e.downstream)
                    .map_or(ShipStrategy::Hash, |e| e.strategy);
                channel(scene, c, strategy)
            }) }
        </g>
    }
}

/// Many channels (high parallelism): one path per class instead of one element per channel,
/// and one line per pair of drawn boxes (a band of subtasks each at p > 32), in the class of the
/// worst channel between them.
pub(super) fn aggregate_channels(scene: &Scene) -> Html {
    let graph = scene.view.graph();
    let rows = graph.vertices[0].parallelism.div_ceil(scene.layout.band) as usize;
    let mut worst = vec![None; graph.vertices.len() * rows * rows];
    for (c, info) in scene.infos.iter().enumerate() {
        let layout = &graph.channels[c];
        let row =
            |task: TaskIndex| (graph.tasks[task.index()].subtask / scene.layout.band) as usize;
        let vertex = graph.tasks[layout.sender.index()].vertex.index();
        let key = (vertex * rows + row(layout.sender)) * rows + row(layout.receiver);
        let class = if info.blocked {
            2
        } else {
            u8::from(info.fill() > 0.5)
        };
        let entry = worst[key].get_or_insert((class, c));
        entry.0 = entry.0.max(class);
    }
    let mut paths = [String::new(), String::new(), String::new()];
    for (class, c) in worst.into_iter().flatten() {
        let seg = scene.segments[c];
        paths[class as usize].push_str(&format!(
            "M{} {}L{} {}",
            d0(seg.x1),
            d0(seg.y1),
            d0(seg.x2),
            d0(seg.y2)
        ));
    }
    html! {
        <g class="df-channels df-aggregate" data-testid="df-channels-aggregate">
            <path class="df-ch" d={paths[0].clone()} />
            <path class="df-ch df-ch-full" d={paths[1].clone()} />
            <path class="df-ch df-ch-blocked" d={paths[2].clone()} />
        </g>
    }
}

pub(super) fn channel(scene: &Scene, c: usize, strategy: ShipStrategy) -> Html {
    let seg = scene.segments[c];
    let info = &scene.infos[c];
    let fill = info.fill();
    let (fx, fy) = seg.at(1.0 - fill);
    let class = classes!(
        "df-ch",
        info.blocked.then_some("df-ch-blocked"),
        (info.overtaken > 0 || info.persisted > 0).then_some("df-ch-persisting")
    );
    let overtaking = scene.motion.overtaking.iter().any(|(o, _)| *o == c);
    let fill_class = classes!(
        "df-fill",
        (fill > 0.8).then_some("df-fill-high"),
        (info.overtaken > 0 || overtaking).then_some("df-fill-overtaken")
    );
    html! {
        <g class="df-channel" data-testid="df-channel" data-strategy={strategy.as_str()}
            data-channel={c.to_string()} data-blocked={info.blocked.to_string()}
            data-queued={info.data.to_string()}>
            <line class={class} x1={f1(seg.x1)} y1={f1(seg.y1)} x2={f1(seg.x2)} y2={f1(seg.y2)} />
            if info.data > 0 {
                <line class={fill_class} x1={f1(fx)} y1={f1(fy)} x2={f1(seg.x2)} y2={f1(seg.y2)} />
            }
            { channel_label(scene, c) }
            { for info.barriers.iter().map(|b| {
                let (x, y) = seg.at(b.position);
                barrier_mark((x, y), b.checkpoint, b.unaligned, false, true)
            }) }
            if let (Some(checkpoint), true) = (info.arrived, info.barriers.is_empty()) {
                { barrier_mark((seg.x2 - 10.0, seg.y2), checkpoint, false, true, true) }
            }
            if !scene.animate {
                { for info.dots.iter().map(|(p, kind)| { let (x, y) = seg.at(*p); dot(x, y, *kind) }) }
            }
        </g>
    }
}

/// The count near the receiver: queued records, blocked, overtaken / persisted.
pub(super) fn channel_label(scene: &Scene, c: usize) -> Html {
    let info = &scene.infos[c];
    let Some(text) = label_text(scene, c) else {
        return html! {};
    };
    let seg = scene.segments[c];
    let (x, y) = seg.at(0.55);
    html! {
        <text class={classes!("df-ch-label", info.blocked.then_some("df-ch-label-blocked"))}
            x={f1(x)} y={f1(y - 8.0)} text-anchor="middle">{ text }</text>
    }
}

/// The label of a channel: blocked, overtaken / persisted, or the queued count.
pub(super) fn label_text(scene: &Scene, c: usize) -> Option<String> {
    let info = &scene.infos[c];
    let lang = scene.lang;
    let overtaking = scene.motion.overtaking.iter().find(|(o, _)| *o == c);
    Some(if info.blocked {
        trf!(
            lang,
            "blocked · {data} waiting",
            "차단 · {data}개 대기",
            data = info.data
        )
    } else if info.overtaken > 0 || info.persisted > 0 {
        trf!(
            lang,
            "{overtaken} overtaken · {persisted} persisted",
            "{overtaken}개 추월됨 · {persisted}개 저장",
            overtaken = info.overtaken,
            persisted = info.persisted
        )
    } else if let Some((_, checkpoint)) = overtaking {
        let persisted = persisted_records(&scene.view, *checkpoint, c)
            .map_or_else(|| "…".to_string(), |n| n.to_string());
        trf!(
            lang,
            "chk-{checkpoint}: {persisted} persisted",
            "chk-{checkpoint}: {persisted}개 저장",
            checkpoint,
            persisted
        )
    } else if info.data as usize > scene.dots_per_channel || (scene.animate && info.data > 0) {
        info.data.to_string()
    } else {
        return None;
    })
}

// ---- tasks

pub(super) fn task_box(scene: &Scene, task: TaskIndex) -> Html {
    let view = &scene.view;
    let graph = view.graph();
    let t = &view.tasks()[task.index()];
    let rect = scene.layout.boxes[task.index()];
    let layout = &graph.tasks[task.index()];
    let vertex = &graph.vertices[layout.vertex.index()];
    // The band of subtasks this box stands for (one subtask up to p = 32): the mean busy and
    // back-pressured shares, crossed out if any member's TaskManager is lost.
    let members = scene.layout.band.min(vertex.parallelism - layout.subtask);
    let (mut busy, mut bp, mut dead) = (None, 0.0, false);
    for m in task.0..task.0 + members {
        let member = TaskIndex(m);
        let (b, p) = busy_and_backpressure(view, member);
        busy = b.map(|b| b / f64::from(members) + busy.unwrap_or(0.0));
        bp += p / f64::from(members);
        dead |= view.tasks()[member.index()]
            .task_manager
            .is_some_and(|tm| !view.task_managers()[tm.index()].is_alive());
    }
    let fill = if t.state == ExecutionState::Running {
        flink_vertex_colour(busy.unwrap_or(0.0), bp)
    } else {
        "rgb(240,240,240)".to_string()
    };
    let class = classes!(
        "df-task",
        state_class(t.state),
        dead.then_some("df-task-dead")
    );
    let name = format!(
        "{} ({}/{})#{}",
        box_name(vertex.kind),
        layout.subtask + 1,
        vertex.parallelism,
        t.attempt
    );
    let (cx, _) = rect.center();
    html! {
        <g class={class} data-testid="df-task" data-task={task.0.to_string()} data-state={t.state.as_str()}>
            if members == 1 {
                <title>{ graph.task_name(task, t.attempt) }</title>
            }
            <rect x={f1(rect.x)} y={f1(rect.y)} width={f1(rect.w)} height={f1(rect.h)} rx="4" style={format!("fill:{fill}")} />
            if scene.layout.detailed {
                <text class="df-task-name" x={f1(cx)} y={f1(rect.y + 19.0)} text-anchor="middle">{ name }</text>
                <text class="df-task-line" x={f1(cx)} y={f1(rect.y + 37.0)} text-anchor="middle">{ task_line(scene, task, busy, bp) }</text>
                { key_group_line(scene, task, rect) }
            } else {
                <text class="df-task-name" x={f1(cx)} y={f1(rect.y + rect.h * 0.7)} text-anchor="middle">{
                    if members > 1 { format!("{}–{}", layout.subtask + 1, layout.subtask + members) } else { (layout.subtask + 1).to_string() }
                }</text>
            }
            if dead {
                <path class="df-cross" d={format!("M{} {}L{} {}M{} {}L{} {}", d1(rect.x), d1(rect.y), d1(rect.x + rect.w), d1(rect.y + rect.h), d1(rect.x + rect.w), d1(rect.y), d1(rect.x), d1(rect.y + rect.h))} />
            }
            { alarm_flash(scene, rect) }
        </g>
    }
}

/// The operator name inside a task box (the column header has the longer one).
pub(super) fn box_name(kind: OperatorKind) -> &'static str {
    match kind {
        OperatorKind::Source => "Source",
        OperatorKind::KeyedProcess { chained_sink: true } => "Alarm → Sink",
        OperatorKind::KeyedProcess {
            chained_sink: false,
        } => "Alarm",
        OperatorKind::Sink => "Sink",
    }
}

/// Busy and back-pressured percent over the last second. A legacy source has no busy time in
/// Flink (its `busyRatio` is NaN and the UI shows N/A), so none is shown for sources.
pub(super) fn busy_and_backpressure(view: &View, task: TaskIndex) -> (Option<f64>, f64) {
    let rates = view.task_rates(task);
    let percent = |ms: f64| (ms / 10.0).round().min(100.0);
    let source = view.graph().vertex_of(task).kind == OperatorKind::Source;
    (
        (!source).then(|| percent(rates.busy_ms_per_second)),
        percent(rates.backpressured_ms_per_second),
    )
}

/// The second line of a task box: busy / back-pressured when running, else the state.
pub(super) fn task_line(scene: &Scene, task: TaskIndex, busy: Option<f64>, bp: f64) -> String {
    let view = &scene.view;
    let t = &view.tasks()[task.index()];
    let slow = view.slowdown(task);
    let slow = if slow > 1 {
        format!(" · ×{slow}")
    } else {
        String::new()
    };
    if t.state != ExecutionState::Running {
        return format!("{}{slow}", t.state.as_str());
    }
    let busy = busy.map_or_else(|| "n/a".to_string(), |b| format!("{}%", d0(b)));
    trf!(
        scene.lang,
        "busy {busy} · bp {bp}%{slow}",
        "바쁨 {busy} · 배압 {bp}%{slow}",
        busy,
        slow,
        bp = d0(bp)
    )
}

/// The key-group range of a keyed subtask (`key groups 86–127`).
pub(super) fn key_group_line(scene: &Scene, task: TaskIndex, rect: Rect) -> Html {
    let graph = scene.view.graph();
    let layout = &graph.tasks[task.index()];
    let vertex = &graph.vertices[layout.vertex.index()];
    if !matches!(vertex.kind, OperatorKind::KeyedProcess { .. }) || rect.h < 56.0 {
        return html! {};
    }
    let (start, end) = crate::sim::key_group::key_group_range(
        vertex.max_parallelism,
        vertex.parallelism,
        layout.subtask,
    );
    let text = trf!(
        scene.lang,
        "key groups {start}–{end}",
        "키 그룹 {start}–{end}",
        end,
        start
    );
    html! {
        <text class="df-task-kg" x={f1(rect.center().0)} y={f1(rect.y + 55.0)} text-anchor="middle">{ text }</text>
    }
}

pub(super) fn alarm_flash(scene: &Scene, rect: Rect) -> Html {
    let Some((_, p)) = scene
        .motion
        .alarms
        .iter()
        .find(|(t, _)| scene.layout.boxes[*t] == rect)
    else {
        return html! {};
    };
    html! {
        <text class="df-alarm" x={f1(rect.x + rect.w - 4.0)} y={f1(rect.y - 3.0)} text-anchor="end"
            style={format!("opacity:{}", d2(1.0 - p))}>{ "ALARM" }</text>
    }
}

// ---- storage

pub(super) fn storage_box(scene: &Scene) -> Html {
    let view = &scene.view;
    let lang = scene.lang;
    let r = scene.layout.storage;
    let retained = view.retained_checkpoints();
    let shown = ((r.h - 66.0) / 19.0).max(1.0) as usize;
    let skip = retained.len().saturating_sub(shown);
    let flash = scene.motion.flash.map_or(0.0, |(_, p)| 1.0 - p);
    let dir = format!("…/{}/", &view.job_id()[..8.min(view.job_id().len())]);
    html! {
        <g class={classes!("df-storage", view.storage_failing().then_some("df-storage-failing"))} data-testid="df-storage">
            <rect x={f1(r.x)} y={f1(r.y)} width={f1(r.w)} height={f1(r.h)} rx="6" />
            <rect class="df-storage-flash" x={f1(r.x)} y={f1(r.y)} width={f1(r.w)} height={f1(r.h)} rx="6" style={format!("opacity:{}", d2(flash))} />
            <text class="df-storage-dir" x={f1(r.x + 8.0)} y={f1(r.y + 20.0)}>{ dir }</text>
            { for retained.iter().skip(skip).enumerate().map(|(i, m)| html! {
                <text class="df-storage-chk" x={f1(r.x + 14.0)} y={f1(r.y + 42.0 + i as f64 * 19.0)}>
                    { format!("chk-{}/_metadata  {}", m.checkpoint_id, crate::ui::format::bytes(m.file_size())) }
                </text>
            }) }
            if retained.is_empty() {
                <text class="df-storage-chk" x={f1(r.x + 14.0)} y={f1(r.y + 38.0)}>{ tr!(lang, "(no checkpoint yet)", "(아직 체크포인트 없음)") }</text>
            }
            <text class="df-storage-note" x={f1(r.x + 8.0)} y={f1(r.y + r.h - 10.0)}>{ storage_note(scene) }</text>
        </g>
    }
}

/// The pending checkpoint's progress, or that storage is failing.
pub(super) fn storage_note(scene: &Scene) -> String {
    let view = &scene.view;
    let lang = scene.lang;
    if view.storage_failing() {
        return tr!(lang, "writes failing", "쓰기 실패 중").to_string();
    }
    match view.coordinator().pending.last() {
        Some(p) => trf!(
            lang,
            "chk-{id}: {acknowledged}/{snapshots} snapshots",
            "chk-{id}: 스냅샷 {acknowledged}/{snapshots}",
            id = p.id,
            acknowledged = p.acknowledged,
            snapshots = p.snapshots.len()
        ),
        None => String::new(),
    }
}

// ---- motion

pub(super) fn moving(scene: &Scene) -> Html {
    if !scene.animate {
        return html! {};
    }
    let storage = scene.layout.storage;
    let (sx, sy) = (storage.x + 20.0, storage.y + storage.h / 2.0);
    html! {
        <g class="df-motion" aria-hidden="true">
            { for scene.motion.ghosts.iter().map(|g| {
                let (x, y) = scene.segments[g.channel].at(g.progress);
                match g.kind {
                    GhostKind::Record(kind) => dot(x, y, kind),
                    GhostKind::Barrier { checkpoint, unaligned, labelled } => barrier_mark((x, y), checkpoint, unaligned, false, labelled),
                }
            }) }
            { for scene.motion.glyphs.iter().map(|(task, p, _)| {
                let rect = scene.layout.boxes[*task];
                let (x0, y0) = (rect.x + rect.w + 10.0, rect.y + rect.h / 2.0);
                glyph(x0 + (sx - x0) * p, y0 + (sy - y0) * p)
            }) }
        </g>
    }
}

// ---- text summary

/// One sentence per notable channel, for screen readers (and the tests).
pub(super) fn summary(scene: &Scene) -> Html {
    let lines = summary_lines(scene);
    html! {
        <div class="df-sr" data-testid="df-summary">
            <p>{ overview_sentence(scene) }</p>
            <ul>{ for lines.into_iter().map(|l| html! { <li>{ l }</li> }) }</ul>
        </div>
    }
}

pub(super) fn overview_sentence(scene: &Scene) -> String {
    let graph = scene.view.graph();
    let hash = scene
        .infos
        .iter()
        .enumerate()
        .filter(|(c, _)| graph.tasks[graph.channels[*c].receiver.index()].vertex == VertexIndex(1))
        .count();
    let forward = scene.infos.len() - hash;
    let queued: u64 = scene.infos.iter().map(|i| u64::from(i.data)).sum();
    trf!(scene.lang, "{vertices} vertices, {hash} keyBy channels and {forward} forward channels; {queued} records queued in the network.", "버텍스 {vertices}개, keyBy 채널 {hash}개, forward 채널 {forward}개; 네트워크에 레코드 {queued}개 대기 중.", forward, hash, queued, vertices = graph.vertices.len())
}

pub(super) fn channel_name(graph: &JobGraph, c: usize) -> String {
    let layout = &graph.channels[c];
    let end = |task: TaskIndex| {
        let t = &graph.tasks[task.index()];
        let v = &graph.vertices[t.vertex.index()];
        format!("{} ({}/{})", box_name(v.kind), t.subtask + 1, v.parallelism)
    };
    format!("{} → {}", end(layout.sender), end(layout.receiver))
}

pub(super) fn summary_lines(scene: &Scene) -> Vec<String> {
    let graph = scene.view.graph();
    let lang = scene.lang;
    let mut lines = Vec::new();
    for (c, info) in scene.infos.iter().enumerate() {
        if lines.len() >= 40 {
            break;
        }
        if !info.blocked && info.barriers.is_empty() && info.persisted == 0 && info.fill() < 0.5 {
            continue;
        }
        let name = channel_name(graph, c);
        if info.blocked {
            lines.push(trf!(
                lang,
                "channel {name} blocked during alignment, {data} records waiting",
                "채널 {name} 정렬 중 차단, 레코드 {data}개 대기",
                name,
                data = info.data
            ));
        }
        for b in &info.barriers {
            lines.push(if b.unaligned {
                trf!(lang, "channel {name}: unaligned barrier of checkpoint {checkpoint} at the head, overtaking {overtaken} records", "채널 {name}: 체크포인트 {checkpoint} 비정렬 배리어가 맨 앞에서 레코드 {overtaken}개를 추월", name, checkpoint = b.checkpoint, overtaken = info.overtaken)
            } else {
                trf!(lang, "channel {name}: barrier of checkpoint {checkpoint} behind {ahead} records", "채널 {name}: 체크포인트 {checkpoint} 배리어가 레코드 {ahead}개 뒤에 있음", name, checkpoint = b.checkpoint, ahead = b.ahead)
            });
        }
        if info.persisted > 0 {
            lines.push(trf!(
                lang,
                "channel {name}: {persisted} in-flight records persisted as channel state",
                "채널 {name}: 전송 중 레코드 {persisted}개를 채널 상태로 저장",
                name,
                persisted = info.persisted
            ));
        }
        if !info.blocked && info.fill() >= 0.5 {
            lines.push(trf!(
                lang,
                "channel {name} {fill}% full: its sender is back-pressured",
                "채널 {name} {fill}% 참: 송신자가 배압을 받음",
                name,
                fill = d0(info.fill() * 100.0)
            ));
        }
    }
    lines
}
