//! Plots: checkpoint end-to-end duration and size over time, and throughput per task. Plain
//! SVG polylines over bounded series (TOOLCHAIN measured SVG as the better fit below ~10k points).

use super::{format, tr, PanelProps};
use crate::app::fixed::{d0, d1};
use crate::sim::checkpoint::CheckpointStatus;
use yew::prelude::*;

/// Checkpoints plotted at most.
const POINTS_SHOWN: usize = 240;
/// Seconds of throughput plotted.
const SECONDS_SHOWN: usize = 120;
const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 140.0;
const PAD: f64 = 34.0;
const COLORS: [&str; 9] = [
    "#1890ff", "#52c41a", "#fa8c16", "#eb2f96", "#722ed1", "#13c2c2", "#a0d911", "#f5222d",
    "#2f54eb",
];

/// One series of a line chart.
pub(crate) struct Series {
    pub(crate) label: String,
    pub(crate) color: &'static str,
    pub(crate) points: Vec<(f64, f64)>,
}

fn polyline(series: &Series, (x_min, x_max): (f64, f64), y_max: f64) -> Html {
    let sx = |x: f64| PAD + (x - x_min) / (x_max - x_min).max(1e-9) * (WIDTH - PAD - 8.0);
    let sy = |y: f64| HEIGHT - 18.0 - y / y_max.max(1e-9) * (HEIGHT - 30.0);
    let points: String = series
        .points
        .iter()
        .map(|(x, y)| format!("{},{} ", d1(sx(*x)), d1(sy(*y))))
        .collect();
    html! { <polyline points={points} fill="none" stroke={series.color} stroke-width="1.6"><title>{ series.label.clone() }</title></polyline> }
}

pub(crate) fn chart(
    title: &str,
    unit_label: &str,
    series: &[Series],
    format_y: fn(f64) -> String,
    empty: &str,
) -> Html {
    let all = series.iter().flat_map(|s| s.points.iter());
    let (mut x_min, mut x_max, mut y_max) = (f64::MAX, f64::MIN, 0.0f64);
    for (x, y) in all {
        x_min = x_min.min(*x);
        x_max = x_max.max(*x);
        y_max = y_max.max(*y);
    }
    let has_data = series.iter().any(|s| s.points.len() >= 2);
    html! {
        <figure class="plot">
            <figcaption>{ title }</figcaption>
            <svg viewBox={format!("0 0 {} {}", d0(WIDTH), d0(HEIGHT))} role="img" aria-label={title.to_string()} preserveAspectRatio="none">
                <line x1={d0(PAD).to_string()} y1={d0(HEIGHT - 18.0).to_string()} x2={d0(WIDTH - 8.0).to_string()} y2={d0(HEIGHT - 18.0).to_string()} class="axis" />
                <line x1={d0(PAD).to_string()} y1="12" x2={d0(PAD).to_string()} y2={d0(HEIGHT - 18.0).to_string()} class="axis" />
                if has_data {
                    <text x="2" y="16" class="tick">{ format_y(y_max) }</text>
                    <text x="2" y={d0(HEIGHT - 20.0).to_string()} class="tick">{ "0" }</text>
                    <text x={d0(PAD).to_string()} y={d0(HEIGHT - 4.0).to_string()} class="tick">{ format::sim_clock(crate::sim::SimTime((x_min * 1e6) as u64)) }</text>
                    <text x={d0(WIDTH - 70.0).to_string()} y={d0(HEIGHT - 4.0).to_string()} class="tick">{ format::sim_clock(crate::sim::SimTime((x_max * 1e6) as u64)) }</text>
                    { for series.iter().map(|s| polyline(s, (x_min, x_max), y_max)) }
                } else {
                    <text x={d0(WIDTH / 2.0 - 80.0).to_string()} y={d0(HEIGHT / 2.0).to_string()} class="empty">{ empty }</text>
                }
            </svg>
            <ul class="legend">
                { for series.iter().map(|s| html! { <li><span class="swatch" style={format!("background:{}", s.color)}></span>{ s.label.clone() }</li> }) }
                <li class="unit">{ unit_label }</li>
            </ul>
        </figure>
    }
}

/// The plots.
#[component]
pub fn PlotsPanel(props: &PanelProps) -> Html {
    let lang = props.lang;
    let session = props.session.read();
    let view = session.sim().view();
    let points: Vec<_> = view
        .checkpoint_points()
        .filter(|p| p.status == CheckpointStatus::Completed)
        .collect();
    let recent = &points[points.len().saturating_sub(POINTS_SHOWN)..];
    let time = |t: crate::sim::SimTime| t.as_us() as f64 / 1e6;
    let duration = Series {
        label: tr!(lang, "end-to-end duration", "종단 간 소요 시간").to_string(),
        color: COLORS[0],
        points: recent
            .iter()
            .map(|p| (time(p.trigger_time), p.end_to_end_us as f64 / 1_000.0))
            .collect(),
    };
    let size = Series {
        label: tr!(lang, "checkpointed size", "체크포인트 크기").to_string(),
        color: COLORS[1],
        points: recent
            .iter()
            .map(|p| (time(p.trigger_time), p.checkpointed_bytes as f64))
            .collect(),
    };
    let samples: Vec<_> = view.samples().collect();
    let window = &samples[samples.len().saturating_sub(SECONDS_SHOWN + 1)..];
    let graph = view.graph();
    let throughput: Vec<Series> = (0..graph.tasks.len())
        .map(|task| {
            let source = graph.vertices[graph.tasks[task].vertex.index()].kind
                == crate::sim::graph::OperatorKind::Source;
            let points = window
                .windows(2)
                .map(|w| {
                    let (a, b) = (w[0].tasks[task], w[1].tasks[task]);
                    let seconds = w[1].time.saturating_since(w[0].time).as_us() as f64 / 1e6;
                    let count = if source {
                        b.records_out - a.records_out
                    } else {
                        b.records_in - a.records_in
                    };
                    (time(w[1].time), count as f64 / seconds.max(1e-9))
                })
                .collect();
            let name = graph.task_name(
                crate::sim::ids::TaskIndex::from_index(task),
                view.tasks()[task].attempt,
            );
            Series {
                label: name
                    .rsplit_once('#')
                    .map_or(name.clone(), |(n, _)| n.to_string()),
                color: COLORS[task % COLORS.len()],
                points,
            }
        })
        .collect();
    let empty = tr!(lang, "waiting for data…", "데이터를 기다리는 중…");
    html! {
        <section class="panel plots" aria-label={tr!(lang, "Plots", "그래프")}>
            <h2>{ tr!(lang, "Plots", "그래프") }</h2>
            { chart(tr!(lang, "Checkpoint end-to-end duration", "체크포인트 종단 간 소요 시간"), "ms", &[duration], |v| format!("{} ms", d0(v)), empty) }
            { chart(tr!(lang, "Checkpointed data size", "체크포인트 데이터 크기"), "bytes", &[size], |v| format::bytes(v as u64), empty) }
            { chart(tr!(lang, "Throughput per task (records/s: out for sources, in for the others)", "태스크별 처리량 (레코드/초: 소스는 출력, 나머지는 입력)"), "records/s", &throughput, format::rate, empty) }
        </section>
    }
}
