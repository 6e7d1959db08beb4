//! The page: header with the run controls, the cluster and dataflow views, the dashboard tabs,
//! keyboard shortcuts, and the animation-frame driver.

use super::frame::AnimationLoop;
use super::model::{Model, ModelRef};
use super::{tr, Lang, PanelProps};
use crate::driver::{speed_label, Clock, SPEEDS_MILLI};
use crate::sim::event::{Command, Event};
use crate::sim::{SimConfig, SimDuration};
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// Dashboard tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Cluster overview and vertex table.
    Overview,
    /// Checkpoint statistics.
    Checkpoints,
    /// Keyed state, key groups and checkpoint storage.
    State,
    /// Live log and plots.
    Log,
    /// Exception history.
    Exceptions,
    /// Configuration editor.
    Configuration,
}

impl Tab {
    const ALL: [Tab; 6] = [
        Tab::Overview,
        Tab::Checkpoints,
        Tab::State,
        Tab::Log,
        Tab::Exceptions,
        Tab::Configuration,
    ];

    fn label(self, lang: Lang) -> &'static str {
        match self {
            Tab::Overview => tr(lang, "Overview", "개요"),
            Tab::Checkpoints => tr(lang, "Checkpoints", "체크포인트"),
            Tab::State => tr(lang, "State & storage", "상태 · 저장소"),
            Tab::Log => tr(lang, "Log & plots", "로그 · 그래프"),
            Tab::Exceptions => tr(lang, "Exceptions", "예외"),
            Tab::Configuration => tr(lang, "Configuration", "설정"),
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Overview => "overview",
            Tab::Checkpoints => "checkpoints",
            Tab::State => "state",
            Tab::Log => "log",
            Tab::Exceptions => "exceptions",
            Tab::Configuration => "configuration",
        }
    }
}

/// The page's UI state (pure reducer; the simulation lives in the model).
#[derive(Clone, Debug, PartialEq)]
pub struct UiState {
    /// Changes every rendered frame.
    pub tick: u64,
    /// Changes a few times per second (tables).
    pub slow_tick: u64,
    /// Interface language.
    pub lang: Lang,
    /// The open dashboard tab.
    pub tab: Tab,
    /// Whether the keyboard help is open.
    pub help: bool,
}

/// Reducer actions (UI only; distinct from simulation commands).
pub enum UiAction {
    /// A frame was simulated; `slow` when tables should refresh too.
    Tick {
        /// Refresh the slow panels too.
        slow: bool,
    },
    /// Something changed outside the frame loop (a command, a reset): refresh everything.
    Refresh,
    /// Switch language.
    SetLang(Lang),
    /// Open a tab.
    SelectTab(Tab),
    /// Show or hide the keyboard help.
    ToggleHelp,
}

impl Reducible for UiState {
    type Action = UiAction;

    fn reduce(self: Rc<Self>, action: UiAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            UiAction::Tick { slow } => {
                next.tick += 1;
                if slow {
                    next.slow_tick += 1;
                }
            }
            UiAction::Refresh => {
                next.tick += 1;
                next.slow_tick += 1;
            }
            UiAction::SetLang(lang) => next.lang = lang,
            UiAction::SelectTab(tab) => next.tab = tab,
            UiAction::ToggleHelp => next.help = !next.help,
        }
        Rc::new(next)
    }
}

/// What the URL asked for (`?seed=7&speed=1000&autoplay=1&lang=ko`), with messages for the
/// parts that were not understood. Nothing is executed from the URL.
#[derive(Clone, Debug, PartialEq)]
pub struct UrlOptions {
    /// The seed.
    pub seed: u64,
    /// Speed in thousandths.
    pub speed_milli: u64,
    /// Start playing at once.
    pub autoplay: bool,
    /// Interface language.
    pub lang: Lang,
    /// One message per rejected parameter.
    pub problems: Vec<String>,
}

impl UrlOptions {
    /// Parses a query string; unknown or invalid values fall back to defaults with a message
    /// (the run-describing parameters are read by `share::decode`).
    pub fn parse(query: &str) -> UrlOptions {
        let shared = crate::share::decode(query);
        UrlOptions {
            seed: shared.seed,
            speed_milli: shared.speed_milli,
            autoplay: shared.autoplay,
            lang: shared
                .lang
                .as_deref()
                .and_then(Lang::parse)
                .unwrap_or_default(),
            problems: shared.problems,
        }
    }
}

fn query_string() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The wall-clock interval between refreshes of the tables and logs (Flink's own UI refreshes
/// every 3 s; twice a second keeps the page live while frames stay within budget).
const SLOW_REFRESH_MS: f64 = 500.0;

/// The page.
#[component]
pub fn App() -> Html {
    let options = use_memo((), |_| UrlOptions::parse(&query_string()));
    let model = use_memo((), move |_| {
        // A link describes a run: seed, options, commands (replayed as the recorded future) and
        // a cursor. Each part was validated on its own; nothing else is taken from the URL.
        let shared = crate::share::decode(&query_string());
        let mut model = Model::new(shared.config.clone(), shared.seed);
        model.load(
            shared.config.clone(),
            shared.seed,
            shared.commands.clone(),
            shared.cursor,
        );
        model.clock.set_speed_milli(shared.speed_milli);
        model.playing = shared.autoplay;
        if !shared.problems.is_empty() {
            model.notice = Some(shared.problems.join("; "));
        }
        ModelRef::new(model)
    });
    let model: ModelRef = (*model).clone();
    let ui = use_reducer(|| UiState {
        tick: 0,
        slow_tick: 0,
        lang: options.lang,
        tab: Tab::Overview,
        help: false,
    });

    use_frame_loop(model.clone(), ui.dispatcher());
    use_keyboard(model.clone(), ui.dispatcher());
    {
        // Open the archive once: IndexedDB, or memory with a notice.
        let (model, dispatch) = (model.clone(), ui.dispatcher());
        use_effect_with((), move |_| {
            let refresh = Callback::from(move |()| dispatch.dispatch(UiAction::Refresh));
            wasm_bindgen_futures::spawn_local(super::persistence::open(model, refresh));
        });
    }
    {
        let lang = ui.lang;
        use_effect_with(lang, move |lang| {
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("lang", lang.code());
            }
        });
    }

    // Callbacks are built once: a new Callback on every render would make every panel's props
    // differ and re-render all of them on every frame.
    let on_command = {
        let (model, dispatch) = (model.clone(), ui.dispatcher());
        (*use_memo((), move |_| {
            Callback::from(move |command: Command| {
                {
                    let mut m = model.borrow_mut();
                    m.command(command);
                    if m.persistence.archive.is_some() {
                        let now = js_sys::Date::now();
                        let m = &mut *m;
                        m.persistence.save_job(&m.sim, now);
                    }
                }
                let refresh = {
                    let dispatch = dispatch.clone();
                    Callback::from(move |()| dispatch.dispatch(UiAction::Refresh))
                };
                super::persistence::pump(model.clone(), refresh);
                dispatch.dispatch(UiAction::Refresh);
            })
        }))
        .clone()
    };
    let lang = ui.lang;
    let fast = PanelProps {
        model: model.clone(),
        lang,
        tick: ui.tick,
        on_command: on_command.clone(),
    };
    let slow = PanelProps {
        tick: ui.slow_tick,
        ..fast.clone()
    };
    let on_apply_config = {
        let (model, dispatch) = (model.clone(), ui.dispatcher());
        (*use_memo((), move |_| {
            Callback::from(move |config: SimConfig| {
                let seed = model.borrow().seed;
                model.borrow_mut().reset(config, seed);
                dispatch.dispatch(UiAction::Refresh);
            })
        }))
        .clone()
    };
    let on_storage_changed = {
        let dispatch = ui.dispatcher();
        (*use_memo((), move |_| {
            Callback::from(move |()| dispatch.dispatch(UiAction::Refresh))
        }))
        .clone()
    };
    let current_config = model.borrow().config.clone();

    html! {
        <div class="app" lang={lang.code()}>
            <Header model={model.clone()} ui={ui.clone()} />
            <super::resume::ResumeBanner model={model.clone()} lang={lang} tick={ui.slow_tick} on_changed={on_storage_changed.clone()} />
            <super::timeline_bar::TimelineBar model={model.clone()} lang={lang} tick={ui.tick} on_changed={on_storage_changed} />
            <main class="layout">
                <section class="views" aria-label={tr(lang, "Cluster and dataflow", "클러스터와 데이터 흐름")}>
                    <super::cluster::ClusterView ..fast.clone() />
                    <super::dataflow::DataflowView ..fast.clone() />
                    <super::log_panel::SinkOutput ..slow.clone() />
                </section>
                <section class="dashboard" aria-label={tr(lang, "Dashboard", "대시보드")}>
                    <nav class="tabs" role="tablist">
                        { for Tab::ALL.iter().map(|tab| tab_button(*tab, &ui)) }
                    </nav>
                    <div class="tab-panel" role="tabpanel" id={format!("panel-{}", ui.tab.id())}>
                        {
                            match ui.tab {
                                Tab::Overview => html! { <super::dashboard::OverviewPanel ..slow.clone() /> },
                                Tab::Checkpoints => html! { <super::checkpoints::CheckpointsPanel ..slow.clone() /> },
                                Tab::State => html! {
                                    <>
                                        <super::state_view::StatePanel ..slow.clone() />
                                        <super::storage::StorageBrowser ..slow.clone() />
                                    </>
                                },
                                Tab::Log => html! {
                                    <>
                                        <super::log_panel::LogPanel ..slow.clone() />
                                        <super::plots::PlotsPanel ..slow.clone() />
                                    </>
                                },
                                Tab::Exceptions => html! { <super::exceptions::ExceptionsPanel ..slow.clone() /> },
                                Tab::Configuration => html! {
                                    <super::config_editor::ConfigEditor lang={lang} config={current_config} on_apply={on_apply_config} />
                                },
                            }
                        }
                    </div>
                </section>
            </main>
            if ui.help {
                <super::help::HelpOverlay lang={lang} on_close={
                    let dispatch = ui.dispatcher();
                    Callback::from(move |_| dispatch.dispatch(UiAction::ToggleHelp))
                } />
            }
        </div>
    }
}

fn tab_button(tab: Tab, ui: &UseReducerHandle<UiState>) -> Html {
    let selected = ui.tab == tab;
    let dispatch = ui.dispatcher();
    html! {
        <button role="tab" class={classes!("tab", selected.then_some("selected"))}
            aria-selected={selected.to_string()} aria-controls={format!("panel-{}", tab.id())}
            data-testid={format!("tab-{}", tab.id())}
            onclick={Callback::from(move |_| dispatch.dispatch(UiAction::SelectTab(tab)))}>
            { tab.label(ui.lang) }
        </button>
    }
}

/// Drives the simulation from animation frames while the page is mounted.
#[hook]
fn use_frame_loop(model: ModelRef, dispatch: UseReducerDispatcher<UiState>) {
    use_effect_with((), move |_| {
        let last = Rc::new(Cell::new(None::<f64>));
        let last_slow = Rc::new(Cell::new(0.0f64));
        let animation = AnimationLoop::start(move |timestamp| {
            let previous = last.replace(Some(timestamp));
            let Some(previous) = previous else { return };
            let wall_us = ((timestamp - previous).max(0.0) * 1_000.0) as u64;
            let (playing, storage_work) = {
                let mut m = model.borrow_mut();
                m.record_frame_time(timestamp - previous);
                let verifying = m.verification.as_ref().is_some_and(|v| v.result.is_none());
                m.frame(wall_us);
                let m = &mut *m;
                let wall_now = js_sys::Date::now();
                let due = wall_now - m.persistence.last_job_save_ms
                    >= super::persistence::JOB_SAVE_INTERVAL_MS;
                if m.playing && m.persistence.archive.is_some() && due {
                    m.persistence.save_job(&m.sim, wall_now);
                }
                (
                    // A running determinism check needs the page redrawn too.
                    m.playing || verifying,
                    !m.persistence.pending.is_empty() && !m.persistence.busy,
                )
            };
            if storage_work {
                let dispatch = dispatch.clone();
                super::persistence::pump(
                    model.clone(),
                    Callback::from(move |()| dispatch.dispatch(UiAction::Refresh)),
                );
            }
            if playing {
                let slow = timestamp - last_slow.get() >= SLOW_REFRESH_MS;
                if slow {
                    last_slow.set(timestamp);
                }
                dispatch.dispatch(UiAction::Tick { slow });
            }
        });
        move || drop(animation)
    });
}

/// Space plays or pauses, → steps one event, ? opens the help, Esc closes it.
#[hook]
fn use_keyboard(model: ModelRef, dispatch: UseReducerDispatcher<UiState>) {
    use_effect_with((), move |_| {
        let document = web_sys::window().and_then(|w| w.document());
        let listener = document.map(|document| {
            gloo_events::EventListener::new(&document, "keydown", move |event| {
                let Some(event) = wasm_bindgen::JsCast::dyn_ref::<web_sys::KeyboardEvent>(event)
                else {
                    return;
                };
                let typing = event
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .is_some_and(|e| {
                        matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                    });
                if typing || event.ctrl_key() || event.meta_key() || event.alt_key() {
                    return;
                }
                match event.key().as_str() {
                    " " => {
                        event.prevent_default();
                        let mut model = model.borrow_mut();
                        model.playing = !model.playing;
                    }
                    "ArrowRight" => {
                        event.prevent_default();
                        let mut model = model.borrow_mut();
                        model.playing = false;
                        model.step();
                    }
                    "?" => dispatch.dispatch(UiAction::ToggleHelp),
                    "Escape" => dispatch.dispatch(UiAction::ToggleHelp),
                    _ => return,
                }
                dispatch.dispatch(UiAction::Refresh);
            })
        });
        move || drop(listener)
    });
}

#[derive(Properties, PartialEq)]
struct HeaderProps {
    model: ModelRef,
    ui: UseReducerHandle<UiState>,
}

/// Title, run controls, speed, seed, language, job state and simulated time.
#[component]
fn Header(props: &HeaderProps) -> Html {
    let ui = &props.ui;
    let lang = ui.lang;
    let model = props.model.clone();
    let refresh = {
        let dispatch = ui.dispatcher();
        move || dispatch.dispatch(UiAction::Refresh)
    };
    let act = |f: fn(&mut Model)| {
        let (model, refresh) = (model.clone(), refresh.clone());
        Callback::from(move |_: MouseEvent| {
            f(&mut model.borrow_mut());
            refresh();
        })
    };
    let on_play = act(|m| m.playing = true);
    let on_pause = act(|m| m.playing = false);
    let on_step = act(|m| {
        m.playing = false;
        m.step();
    });
    let on_step_barrier = act(|m| {
        m.playing = false;
        let limit = m.sim.now().add(SimDuration::from_secs(3_600));
        m.step_until(limit, |e| {
            matches!(
                e.event,
                Event::BarrierInjected { .. } | Event::BarrierReceived { .. }
            )
        });
    });
    let on_step_checkpoint = act(|m| {
        m.playing = false;
        let limit = m.sim.now().add(SimDuration::from_secs(3_600));
        m.step_until(limit, |e| {
            matches!(e.event, Event::CheckpointCompleted { .. })
        });
    });
    let on_reset = act(|m| {
        let (config, seed) = (m.config.clone(), m.seed);
        m.reset(config, seed);
    });
    let on_speed = {
        let (model, refresh) = (model.clone(), refresh.clone());
        Callback::from(move |event: Event_| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            match Clock::parse_speed(&select.value()) {
                Ok(speed) => model.borrow_mut().clock.set_speed_milli(speed),
                Err(problem) => model.borrow_mut().notice = Some(problem),
            }
            refresh();
        })
    };
    let on_seed = {
        let (model, refresh) = (model.clone(), refresh.clone());
        Callback::from(move |event: Event_| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            let text = input.value();
            match text.trim().parse::<u64>() {
                Ok(seed) => {
                    let config = model.borrow().config.clone();
                    model.borrow_mut().reset(config, seed);
                }
                Err(_) => {
                    let mut m = model.borrow_mut();
                    m.notice = Some(format!("seed '{text}' is not a whole number between 0 and 18446744073709551615; the run keeps seed {}", m.seed));
                    input.set_value(&m.seed.to_string());
                }
            }
            refresh();
        })
    };
    let on_lang = {
        let dispatch = ui.dispatcher();
        Callback::from(move |event: Event_| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            dispatch.dispatch(UiAction::SetLang(
                Lang::parse(&select.value()).unwrap_or_default(),
            ));
        })
    };
    let on_help = {
        let dispatch = ui.dispatcher();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(UiAction::ToggleHelp))
    };
    let on_dismiss = act(|m| m.notice = None);
    let m = props.model.borrow();
    let view = m.sim.view();
    let status = view.job_status().as_str();
    let speed = m.clock.speed_milli();
    html! {
        <header class="header">
            <div class="brand">
                <h1>{ "flinkscope" }</h1>
                <span class="subtitle">{ tr(lang, "Apache Flink 2.3 cluster, simulated in your browser", "브라우저 안에서 시뮬레이션하는 Apache Flink 2.3 클러스터") }</span>
            </div>
            <div class="controls" role="toolbar" aria-label={tr(lang, "Run controls", "실행 제어")}>
                if m.playing {
                    <button data-testid="btn-pause" onclick={on_pause} aria-keyshortcuts="Space" title={tr(lang, "Pause (Space)", "일시정지 (Space)")}>{ tr(lang, "❚❚ Pause", "❚❚ 일시정지") }</button>
                } else {
                    <button data-testid="btn-play" class="primary" onclick={on_play} aria-keyshortcuts="Space" title={tr(lang, "Play (Space)", "재생 (Space)")}>{ tr(lang, "▶ Play", "▶ 재생") }</button>
                }
                <button data-testid="btn-step" onclick={on_step} aria-keyshortcuts="ArrowRight" title={tr(lang, "Process one event (→)", "이벤트 하나 처리 (→)")}>{ tr(lang, "Step", "한 단계") }</button>
                <button data-testid="btn-step-barrier" onclick={on_step_barrier}>{ tr(lang, "Next barrier", "다음 배리어") }</button>
                <button data-testid="btn-step-checkpoint" onclick={on_step_checkpoint}>{ tr(lang, "Next checkpoint", "다음 체크포인트") }</button>
                <button data-testid="btn-reset" onclick={on_reset}>{ tr(lang, "Reset", "초기화") }</button>
                <label class="field">
                    <span>{ tr(lang, "Speed", "속도") }</span>
                    <select data-testid="speed" onchange={on_speed} aria-label={tr(lang, "Simulation speed", "시뮬레이션 속도")}>
                        { for SPEEDS_MILLI.iter().map(|s| {
                            let value = speed_label(*s);
                            html! { <option value={value.clone()} selected={*s == speed}>{ format!("{value}×") }</option> }
                        }) }
                    </select>
                </label>
                <label class="field">
                    <span>{ tr(lang, "Seed", "시드") }</span>
                    <input data-testid="seed" type="text" inputmode="numeric" size="8" value={m.seed.to_string()} onchange={on_seed}
                        aria-label={tr(lang, "Random seed", "난수 시드")} />
                </label>
                <label class="field">
                    <span>{ "Language" }</span>
                    <select data-testid="lang" onchange={on_lang} aria-label="Language / 언어">
                        <option value="en" selected={lang == Lang::En}>{ "English" }</option>
                        <option value="ko" selected={lang == Lang::Ko}>{ "한국어" }</option>
                    </select>
                </label>
                <button class="icon" onclick={on_help} aria-keyshortcuts="?" title={tr(lang, "Keyboard shortcuts (?)", "단축키 (?)")}>{ "?" }</button>
            </div>
            <div class="status" aria-live="polite">
                <span class={classes!("badge", format!("job-{}", status.to_ascii_lowercase()))} data-testid="job-state">{ status }</span>
                <span class="sim-time" title={tr(lang, "Simulated time since the job was submitted", "잡 제출 후 시뮬레이션 시간")}>
                    { super::format::sim_clock(view.now()) }
                </span>
                if m.behind {
                    <span class="warning">{ tr(lang, "behind: the engine cannot keep up with this speed", "지연: 이 속도를 따라가지 못합니다") }</span>
                }
            </div>
            if let Some(notice) = m.notice.clone() {
                <div class="notice" role="alert" data-testid="notice">
                    <span>{ notice }</span>
                    <button class="icon" onclick={on_dismiss} aria-label={tr(lang, "Dismiss", "닫기")}>{ "×" }</button>
                </div>
            }
        </header>
    }
}

type Event_ = yew::events::Event;
