//! The page's layout: header, resume banner, timeline, the cluster and dataflow views with the
//! print sink, the dashboard tabs, and the keyboard help.

use super::{tr, Lang, PanelProps};
use crate::app::{Action, SessionRef, Tab};
use crate::sim::event::Command;
use yew::prelude::*;

/// Props.
#[derive(Properties, Clone, PartialEq)]
pub struct PageProps {
    /// The session, read-only.
    pub session: SessionRef,
    /// Applies an action (the root's dispatcher).
    pub dispatch: Callback<Action>,
    /// Changes every rendered frame.
    pub tick: u64,
    /// Changes a few times a second (tables and logs).
    pub slow_tick: u64,
}

fn tab_label(tab: Tab, lang: Lang) -> &'static str {
    match tab {
        Tab::Overview => tr!(lang, "Overview", "개요"),
        Tab::Checkpoints => tr!(lang, "Checkpoints", "체크포인트"),
        Tab::State => tr!(lang, "State & storage", "상태 · 저장소"),
        Tab::Log => tr!(lang, "Log & plots", "로그 · 그래프"),
        Tab::Exceptions => tr!(lang, "Exceptions", "예외"),
        Tab::Configuration => tr!(lang, "Configuration", "설정"),
    }
}

/// The page.
#[component]
pub fn Page(props: &PageProps) -> Html {
    let view = props.session.read().view();
    let lang = view.lang;
    // Callbacks are built once: a new Callback on every render would make every panel's props
    // differ and re-render all of them on every frame.
    let on_command = {
        let dispatch = props.dispatch.clone();
        (*use_memo((), move |_| {
            Callback::from(move |command: Command| dispatch.emit(Action::Command(command)))
        }))
        .clone()
    };
    let fast = PanelProps {
        session: props.session.clone(),
        lang,
        tick: props.tick,
        on_command,
        dispatch: props.dispatch.clone(),
        side: 0,
    };
    let slow = PanelProps {
        tick: props.slow_tick,
        ..fast.clone()
    };
    let current_config = props.session.read().machine().config().clone();
    let on_apply_config = {
        let dispatch = props.dispatch.clone();
        (*use_memo((), move |_| {
            dispatch.reform(|config| Action::ApplyConfig(Box::new(config)))
        }))
        .clone()
    };
    let on_restore = {
        let dispatch = props.dispatch.clone();
        (*use_memo((), move |_| {
            dispatch.reform(|request| Action::RestoreJob(Box::new(request)))
        }))
        .clone()
    };
    // The current job's snapshots a new job can start from (only listed on the editor's tab).
    let snapshots: Vec<(u32, String)> = if view.tab == Tab::Configuration {
        let session = props.session.read();
        let sim_view = session.sim().view();
        let storage = sim_view.storage();
        storage
            .retained()
            .iter()
            .chain(storage.savepoints())
            .map(|m| {
                let dir = m.external_path.trim_end_matches("/_metadata");
                let name = dir.rsplit('/').next().unwrap_or(dir);
                let kind = if m.is_savepoint() {
                    tr!(lang, "savepoint", "savepoint (세이브포인트)")
                } else {
                    tr!(lang, "retained checkpoint", "보관 체크포인트")
                };
                // Not in parentheses: the Korean "savepoint (세이브포인트)" has its own.
                (m.checkpoint_id.0, format!("{name} · {kind}"))
            })
            .collect()
    } else {
        Vec::new()
    };
    let tab_button = |tab: Tab| {
        let selected = view.tab == tab;
        let onclick = props
            .dispatch
            .reform(move |_: MouseEvent| Action::SelectTab(tab));
        html! {
            <button role="tab" class={classes!("tab", selected.then_some("selected"))}
                aria-selected={selected.to_string()} aria-controls={format!("panel-{}", tab.id())}
                data-testid={format!("tab-{}", tab.id())} onclick={onclick}>
                { tab_label(tab, lang) }
            </button>
        }
    };
    let (talking, comparing, presenter, spotlit) = {
        let session = props.session.read();
        (
            session.talk().is_some(),
            session.compare().is_some(),
            session.view().presenter && session.talk().is_some(),
            session.talk().is_some_and(|t| !t.spotlight().is_empty()),
        )
    };
    // The spotlight marks elements of other components, so it is applied after each render.
    let selectors = {
        let session = props.session.read();
        session.talk().map_or(Vec::new(), |t| {
            crate::app::spotlight::selectors(t.spotlight(), session.sim()).0
        })
    };
    use_effect(move || super::talk::apply_spotlight(&selectors));
    if presenter {
        return html! {
            <div class="app presenting" lang={lang.code()}>
                { super::talk::presenter_view(&fast) }
                if let Some(notice) = props.session.read().notice().map(str::to_string) {
                    <div class="notice" role="alert" data-testid="notice"><span>{ notice }</span></div>
                }
            </div>
        };
    }
    let views = if comparing {
        html! {
            <section class="views compare" aria-label={tr!(lang, "Two runs side by side", "나란히 놓은 두 실행")}>
                { super::compare::compare_sides(&fast, props.slow_tick) }
                { super::sink_view::sink_panel(&slow) }
            </section>
        }
    } else {
        html! {
            <section class="views" aria-label={tr!(lang, "Cluster and dataflow", "클러스터와 데이터 흐름")}>
                <super::cluster::ClusterView ..fast.clone() />
                <super::dataflow::DataflowView ..fast.clone() />
                { super::sink_view::sink_panel(&slow) }
            </section>
        }
    };
    html! {
        <div class={classes!("app", talking.then_some("talk"), comparing.then_some("comparing"), spotlit.then_some("spotlit"))} lang={lang.code()}>
            { super::header::header(&fast) }
            <super::resume::ResumeBanner ..slow.clone() />
            { super::timeline_bar::timeline_bar(&fast) }
            <main class="layout">
                if talking {
                    { super::talk::talk_panel(&fast) }
                }
                { views }
                <section class="dashboard" aria-label={tr!(lang, "Dashboard", "대시보드")}>
                    if comparing {
                        <super::compare::CompareTable ..slow.clone() />
                    }
                    <nav class="tabs" role="tablist">
                        { for Tab::ALL.iter().map(|tab| tab_button(*tab)) }
                    </nav>
                    <div class="tab-panel" role="tabpanel" id={format!("panel-{}", view.tab.id())}>
                        {
                            match view.tab {
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
                                    <super::config_editor::ConfigEditor lang={lang} config={current_config} on_apply={on_apply_config} snapshots={snapshots} on_restore={on_restore} />
                                },
                            }
                        }
                    </div>
                </section>
            </main>
            if view.help {
                { super::help::help_overlay(&super::help::HelpProps {
                    lang,
                    on_close: props.dispatch.reform(|_| Action::CloseHelp),
                }) }
            }
            if talking {
                { super::talk::handout(&slow) }
                { super::talk::blank_screen(&fast) }
            }
        </div>
    }
}
