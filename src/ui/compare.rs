//! Compare mode: two runs side by side at one simulated instant — each side's cluster,
//! dataflow and checkpoints — the table of figures that differ, and both runs' checkpoint
//! durations overlaid on one plot.

use super::{format, tr, Lang, PanelProps};
use crate::app::fixed::d1;
use crate::app::session::CommandTarget;
use crate::app::Action;
use crate::run::compare::{winner, Figure, Unit};
use crate::sim::checkpoint::CheckpointStatus;
use crate::sim::Sim;
use crate::ui::dashboard::{col_head, para};
use yew::prelude::*;

fn value_text(figure: &Figure) -> String {
    let Some(v) = figure.value else {
        return "–".to_string();
    };
    match figure.unit {
        Unit::Micros => format::duration_ms(v / 1_000),
        Unit::Bytes => format::bytes(v),
        Unit::Count => v.to_string(),
        Unit::MilliPerSecond => format!("{}/s", crate::app::fixed::d1(v as f64 / 1_000.0)),
        Unit::MilliMsPerSecond => format!("{} ms/s", crate::app::fixed::d1(v as f64 / 1_000.0)),
    }
}

/// The two sides.
pub fn compare_sides(props: &PanelProps, slow_tick: u64) -> Html {
    let lang = props.lang;
    let session = props.session.read();
    let Some(compare) = session.compare() else {
        return html! {};
    };
    let labels = &compare.comparison().labels;
    let side = |index: usize| {
        let side_props = PanelProps {
            side: index + 1,
            ..props.clone()
        };
        let label = labels[index].get(lang == Lang::Ko).to_string();
        html! {
            <section class="compare-side" data-testid="compare-side" data-side={index.to_string()}
                aria-label={label.clone()}>
                <h2 class="compare-label">{ label }</h2>
                // The clusters change rarely: they refresh with the tables, the dataflows every frame.
                <super::cluster::ClusterView tick={slow_tick} ..side_props.clone() />
                <super::dataflow::DataflowView ..side_props.clone() />
                <super::checkpoints::CheckpointsPanel tick={slow_tick} ..side_props />
            </section>
        }
    };
    html! {
        <div class="compare-sides">
            { side(0) }
            { side(1) }
        </div>
    }
}

/// The durations of completed (and failed) checkpoints, oldest first: (id, ms, completed).
fn durations(sim: &Sim) -> Vec<(u32, f64, bool)> {
    sim.view()
        .checkpoint_history()
        .filter(|r| r.status != CheckpointStatus::InProgress)
        .filter_map(|r| {
            r.end_to_end_us().map(|us| {
                (
                    r.id.0,
                    us as f64 / 1_000.0,
                    r.status == CheckpointStatus::Completed,
                )
            })
        })
        .collect()
}

fn overlay(left: &Sim, right: &Sim, lang: Lang) -> Html {
    let series = [durations(left), durations(right)];
    let max_id = series
        .iter()
        .flatten()
        .map(|p| p.0)
        .max()
        .unwrap_or(1)
        .max(1);
    let max_ms = series.iter().flatten().map(|p| p.1).fold(1.0, f64::max);
    // The plot's box: 560 × 180, 36 px of margin (the axis at y = 154). Coordinates print
    // through `d1` (the page has no float formatting).
    let (w, h, pad) = (560.0, 180.0, 36.0);
    let x = |id: u32| pad + (f64::from(id) / f64::from(max_id)) * (w - 2.0 * pad);
    let y = |ms: f64| h - pad + 10.0 - (ms / max_ms) * (h - 2.0 * pad);
    let line = |points: &[(u32, f64, bool)]| {
        points
            .iter()
            .map(|p| format!("{},{}", d1(x(p.0)), d1(y(p.1))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let failed = |points: &[(u32, f64, bool)], class: &'static str| {
        html! { <>{ for points.iter().filter(|p| !p.2).map(|p| html! {
            <circle class={class} cx={d1(x(p.0)).to_string()} cy={d1(y(p.1)).to_string()} r="3.5" />
        }) }</> }
    };
    html! {
        <figure class="compare-plot" data-testid="compare-plot">
            <svg viewBox="0 0 560 180" role="img"
                aria-label={tr!(lang, "End-to-end duration of each checkpoint, both runs", "체크포인트별 종단 간 소요 시간, 두 실행")}>
                <line class="axis" x1="36" y1="154" x2="524" y2="154" />
                <text class="axis-label" x="36" y="14">{ format!("{} ms", d1(max_ms)) }</text>
                <text class="axis-label" x="524" y="176" text-anchor="end">{ format!("chk-{max_id}") }</text>
                <polyline class="series-left" points={line(&series[0])} />
                <polyline class="series-right" points={line(&series[1])} />
                { failed(&series[0], "failed-left") }
                { failed(&series[1], "failed-right") }
            </svg>
            <figcaption>{ tr!(lang, "End-to-end duration per checkpoint (dots: failed or expired). Solid: left run, dashed: right run.",
                "체크포인트별 종단 간 소요 시간 (점: 실패·만료). 실선: 왼쪽 실행, 점선: 오른쪽 실행.") }</figcaption>
        </figure>
    }
}

/// The table of figures, the overlaid plot, and where commands go.
/// (A component of its own: it refreshes on the slow tick, not with every frame.)
#[component]
pub fn CompareTable(props: &PanelProps) -> Html {
    let lang = props.lang;
    let session = props.session.read();
    let Some(compare) = session.compare() else {
        return html! {};
    };
    let korean = lang == Lang::Ko;
    let labels = &compare.comparison().labels;
    let rows = compare.figures(session.sim());
    let target = compare.target();
    let pick = |t: CommandTarget| {
        props
            .dispatch
            .reform(move |_: MouseEvent| Action::SetCommandTarget(t))
    };
    let target_button = |t: CommandTarget, label: String| {
        html! {
            <button aria-pressed={(target == t).to_string()} class={classes!((target == t).then_some("selected"))}
                data-testid={format!("compare-target-{}", match t { CommandTarget::Both => "both", CommandTarget::Left => "left", CommandTarget::Right => "right" })}
                onclick={pick(t)}>{ label }</button>
        }
    };
    let in_talk = session.talk().is_some();
    html! {
        <section class="compare-table panel" data-testid="compare-table" aria-labelledby="compare-title">
            <h2 id="compare-title">{ compare.comparison().title.get(korean) }</h2>
            { para("compare-description", compare.comparison().description.get(korean)) }
            <div class="compare-target" role="group" aria-label={tr!(lang, "Faults and commands go to", "장애·명령 대상")}>
                <span>{ tr!(lang, "Faults and commands go to:", "장애·명령 대상:") }</span>
                { target_button(CommandTarget::Both, tr!(lang, "both runs", "두 실행 모두").to_string()) }
                { target_button(CommandTarget::Left, labels[0].get(korean).to_string()) }
                { target_button(CommandTarget::Right, labels[1].get(korean).to_string()) }
            </div>
            <table class="cp-table">
                <thead><tr>
                    { col_head(tr!(lang, "At the same instant", "같은 시각")) }
                    { col_head(labels[0].get(korean)) }
                    { col_head(labels[1].get(korean)) }
                </tr></thead>
                <tbody>
                    { for rows.iter().map(|(l, r)| {
                        let win = winner(l.better, l.value, r.value);
                        let cell = |f: &Figure, side: usize| html! {
                            <td class={classes!((win == Some(side)).then_some("better"))} data-better={(win == Some(side)).to_string()}>
                                { value_text(f) }
                                if win == Some(side) { <span class="better-mark" aria-label={tr!(lang, "better", "더 좋음")}>{ " ✓" }</span> }
                            </td>
                        };
                        html! {
                            <tr data-testid={format!("compare-row-{}", l.id)} data-differs={(l.value != r.value).to_string()}>
                                <th scope="row">{ super::tr_dyn(lang, l.en) }</th>
                                { cell(l, 0) }
                                { cell(r, 1) }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            { overlay(session.sim(), compare.other(), lang) }
            if !in_talk {
                <button data-testid="compare-leave" onclick={props.dispatch.reform(|_| Action::LeaveCompare)}>
                    { tr!(lang, "Leave compare mode", "비교 모드 끝내기") }
                </button>
            }
        </section>
    }
}

/// The menu of ready-made comparisons (the timeline bar's Compare button).
pub fn compare_menu(props: &PanelProps) -> Html {
    let lang = props.lang;
    let session = props.session.read();
    let list: Vec<(String, crate::run::talk::Text)> = session
        .comparisons()
        .unwrap_or_default()
        .iter()
        .map(|c| (c.id.clone(), c.title.clone()))
        .collect();
    drop(session);
    html! {
        <details class="compare-menu scenarios">
            <summary data-testid="btn-compare">{ tr!(lang, "Compare", "비교") }</summary>
            <ul>
                { for list.iter().map(|(id, title)| {
                    let test_id = format!("compare-{id}");
                    let id = id.clone();
                    let onclick = props.dispatch.reform(move |event: MouseEvent| {
                        close_menu(&event);
                        Action::OpenCompare(id.clone())
                    });
                    html! { <li><button data-testid={test_id} onclick={onclick}>{ title.get(lang == Lang::Ko) }</button></li> }
                }) }
            </ul>
        </details>
    }
}

/// Closes the `<details>` menu a click came from.
fn close_menu(event: &MouseEvent) {
    use wasm_bindgen::JsCast;
    if let Some(details) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("details").ok().flatten())
    {
        let _ = details.remove_attribute("open");
    }
}
