//! The header: title, run controls (play, step, next barrier, next checkpoint, reset), speed,
//! seed, language, help, the job state and the simulated time, and the notice.

use super::{tr, Lang, PanelProps};
use crate::app::{Action, Stop};
use crate::run::speed::{speed_label, SPEEDS_MILLI};
use crate::ui::dashboard::span;
use yew::prelude::*;

type Event_ = yew::events::Event;

/// Title, run controls, speed, seed, language, job state and simulated time.
/// (A function the page calls, not a component: it re-renders with the page every frame anyway,
/// and a component costs the bundle ≈3 KB of Yew's generic machinery.)
pub fn header(props: &PanelProps) -> Html {
    let lang = props.lang;
    let dispatch = &props.dispatch;
    let act = |action: Action| dispatch.reform(move |_: MouseEvent| action.clone());
    let on_play = act(Action::Play);
    let on_pause = act(Action::Pause);
    let on_step = act(Action::Step);
    let on_step_barrier = act(Action::StepUntil(Stop::Barrier));
    let on_step_checkpoint = act(Action::StepUntil(Stop::Checkpoint));
    let on_reset = act(Action::Reset);
    let on_speed = dispatch.reform(|event: Event_| {
        let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
        Action::SetSpeed(select.value())
    });
    let m = props.session.read();
    let on_seed = {
        let (dispatch, seed) = (dispatch.clone(), m.machine().seed());
        Callback::from(move |event: Event_| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            let text = input.value();
            if text.trim().parse::<u64>().is_err() {
                // The run keeps its seed; the field shows it again beside the notice.
                input.set_value(&seed.to_string());
            }
            dispatch.emit(Action::SetSeed(text));
        })
    };
    let on_lang = dispatch.reform(|event: Event_| {
        let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
        Action::SetLang(Lang::parse(&select.value()).unwrap_or_default())
    });
    let on_help = act(Action::ToggleHelp);
    let on_dismiss = act(Action::DismissNotice);
    let view = m.sim().view();
    let status = view.job_status().as_str();
    let speed = m.clock().speed_milli();
    html! {
        <header class="header">
            <div class="brand">
                <h1>{ "flinkscope" }</h1>
                { span("subtitle", tr!(lang, "Apache Flink 2.3 cluster, simulated in your browser", "브라우저 안에서 시뮬레이션하는 Apache Flink 2.3 클러스터")) }
            </div>
            <div class="controls" role="toolbar" aria-label={tr!(lang, "Run controls", "실행 제어")}>
                if m.playing() {
                    <button data-testid="btn-pause" onclick={on_pause} aria-keyshortcuts="Space" title={tr!(lang, "Pause (Space)", "일시정지 (Space)")}>{ tr!(lang, "❚❚ Pause", "❚❚ 일시정지") }</button>
                } else {
                    <button data-testid="btn-play" class="primary" onclick={on_play} aria-keyshortcuts="Space" title={tr!(lang, "Play (Space)", "재생 (Space)")}>{ tr!(lang, "▶ Play", "▶ 재생") }</button>
                }
                <button data-testid="btn-step" onclick={on_step} aria-keyshortcuts="ArrowRight" title={tr!(lang, "Process one event (→)", "이벤트 하나 처리 (→)")}>{ tr!(lang, "Step", "한 단계") }</button>
                <button data-testid="btn-step-barrier" onclick={on_step_barrier}>{ tr!(lang, "Next barrier", "다음 배리어") }</button>
                <button data-testid="btn-step-checkpoint" onclick={on_step_checkpoint}>{ tr!(lang, "Next checkpoint", "다음 체크포인트") }</button>
                <button data-testid="btn-reset" onclick={on_reset}>{ tr!(lang, "Reset", "초기화") }</button>
                <label class="field">
                    <span>{ tr!(lang, "Speed", "속도") }</span>
                    <select data-testid="speed" onchange={on_speed} aria-label={tr!(lang, "Simulation speed", "시뮬레이션 속도")}>
                        { for SPEEDS_MILLI.iter().map(|s| {
                            let value = speed_label(*s);
                            html! { <option value={value.clone()} selected={*s == speed}>{ format!("{value}×") }</option> }
                        }) }
                    </select>
                </label>
                <label class="field">
                    <span>{ tr!(lang, "Seed", "시드") }</span>
                    <input data-testid="seed" type="text" inputmode="numeric" size="8" value={m.machine().seed().to_string()} onchange={on_seed}
                        aria-label={tr!(lang, "Random seed", "난수 시드")} />
                </label>
                <label class="field">
                    <span>{ "Language" }</span>
                    <select data-testid="lang" onchange={on_lang} aria-label="Language / 언어">
                        <option value="en" selected={lang == Lang::En}>{ "English" }</option>
                        <option value="ko" selected={lang == Lang::Ko}>{ "한국어" }</option>
                    </select>
                </label>
                <button class="icon" onclick={on_help} aria-keyshortcuts="?" title={tr!(lang, "Keyboard shortcuts (?)", "단축키 (?)")}>{ "?" }</button>
            </div>
            <div class="status" aria-live="polite">
                <span class={classes!("badge", format!("job-{}", status.to_ascii_lowercase()))} data-testid="job-state">{ status }</span>
                <span class="sim-time" title={tr!(lang, "Simulated time since the job was submitted", "잡 제출 후 시뮬레이션 시간")}>
                    { super::format::sim_clock(view.now()) }
                </span>
                if m.behind() {
                    { span("warning", tr!(lang, "behind: the engine cannot keep up with this speed", "지연: 이 속도를 따라가지 못합니다")) }
                }
            </div>
            if let Some(notice) = m.notice().map(str::to_string) {
                <div class="notice" role="alert" data-testid="notice">
                    <span>{ notice }</span>
                    <button class="icon" onclick={on_dismiss} aria-label={tr!(lang, "Dismiss", "닫기")}>{ "×" }</button>
                </div>
            }
        </header>
    }
}
