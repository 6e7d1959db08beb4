//! The page's root: owns the session and is the only place that changes it.
//!
//! One user action flows: a component emits an [`Action`] → [`Edge::dispatch`] applies it to
//! the session → performs the [`Effect`]s it returned (downloads, the clipboard) → re-renders
//! what [`Redraw`] says → starts the mirror's next archive batch ([`super::pump`]), whose
//! outcome comes back as another action. Animation frames and key presses are actions too.

use super::archive::{Archive, CheckpointArchive};
use super::frame::AnimationLoop;
use super::indexed_db::{IndexedDbArchive, DB_NAME, DB_VERSION};
use super::memory::MemoryArchive;
use crate::app::action::{shortcut, KeyPress};
use crate::app::mirror::ArchiveState;
use crate::app::url::UrlOptions;
use crate::app::{Action, Effect, Redraw, Session, SessionOwner};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Wall-clock epoch milliseconds (stored records' stamps, the resume time).
fn wall_ms() -> f64 {
    js_sys::Date::now()
}

/// Re-render counters: `fast` changes every animated frame, `slow` when tables should refresh.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Ticks {
    fast: u64,
    slow: u64,
}

impl Reducible for Ticks {
    type Action = Redraw;

    fn reduce(self: Rc<Self>, redraw: Redraw) -> Rc<Self> {
        let mut next = *self;
        match redraw {
            Redraw::Nothing => return self,
            Redraw::Animation => next.fast += 1,
            Redraw::All => {
                next.fast += 1;
                next.slow += 1;
            }
        }
        Rc::new(next)
    }
}

/// The session's owner and what it needs to act on the browser.
struct Edge {
    owner: SessionOwner,
    archive: RefCell<Option<Archive>>,
    redraw: UseReducerDispatcher<Ticks>,
    sync: RefCell<Option<Rc<super::talk_sync::TalkSync>>>,
    /// The pending print of the handout (dropping it cancels it; the root drops it on unmount).
    print: RefCell<Option<gloo_timers::callback::Timeout>>,
    /// Whether the Korean texts were requested (they are fetched once, on choosing Korean).
    catalog_requested: std::cell::Cell<bool>,
}

impl Edge {
    /// Applies `action`, performs its effects, re-renders, and pumps the archive.
    fn dispatch(self: &Rc<Self>, action: Action) {
        if let Action::OpenTalk { text: None, step } = action {
            // The study talk is a separate asset, fetched on entering talk mode.
            self.fetch_talk(crate::run::talk::STUDY_TALK_URL.to_string(), step);
            return;
        }
        let followed = matches!(action, Action::TalkFollow { .. });
        let frame = matches!(action, Action::Frame { .. });
        let outcome = self.owner.apply(action, &wall_ms);
        if !frame {
            let sync = self.sync.borrow().clone();
            if let Some(sync) = sync {
                if followed {
                    sync.received(&self.owner);
                } else {
                    sync.publish(&self.owner);
                }
            }
        }
        let mut redraw = outcome.redraw;
        for effect in outcome.effects {
            if effect == Effect::Print {
                // After the handout has rendered with every step's facts.
                let print = gloo_timers::callback::Timeout::new(50, || {
                    if let Some(window) = web_sys::window() {
                        let _ = window.print();
                    }
                });
                *self.print.borrow_mut() = Some(print);
                continue;
            }
            if let Err(problem) = perform(effect) {
                self.owner.apply(Action::Notify(problem), &wall_ms);
                redraw = Redraw::All;
            }
        }
        self.redraw.dispatch(redraw);
        self.pump();
    }

    /// Fetches a talk file and opens it (or reports why it could not be fetched).
    fn fetch_talk(self: &Rc<Self>, url: String, step: Option<String>) {
        let edge = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let text = fetch_text(&url).await;
            edge.dispatch(Action::OpenTalk {
                text: Some(text),
                step,
            });
        });
    }

    /// Fetches the ready-made comparisons (a separate asset, like the study talk).
    fn fetch_comparisons(self: &Rc<Self>) {
        let edge = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let text = fetch_text(crate::run::talk::COMPARISONS_URL).await;
            edge.dispatch(Action::ComparisonsLoaded(text));
        });
    }

    /// Fetches the Korean interface texts, once; English shows until they arrive, and stays
    /// (with a notice saying why) if they cannot be fetched or read.
    fn fetch_catalog(self: &Rc<Self>) {
        if self.catalog_requested.replace(true) || crate::ui::shared::i18n::installed() {
            return;
        }
        let edge = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let read = fetch_text(crate::app::lang::KO_CATALOG_URL)
                .await
                .and_then(|text| crate::app::lang::Catalog::parse(&text));
            match read {
                Ok(catalog) => {
                    crate::ui::shared::i18n::install(catalog);
                    edge.dispatch(Action::TextLoaded);
                }
                Err(reason) => edge.dispatch(Action::Notify(format!(
                    "The Korean texts could not be loaded ({reason}); the interface stays in English."
                ))),
            }
        });
    }

    /// A callback that dispatches (for components and async work).
    fn callback(self: &Rc<Self>) -> Callback<Action> {
        let edge = self.clone();
        Callback::from(move |action| edge.dispatch(action))
    }

    fn pump(self: &Rc<Self>) {
        if let Some(archive) = self.archive.borrow().as_ref() {
            super::pump::pump(&self.owner, archive, &self.callback());
        }
    }

    /// Opens IndexedDB, or falls back to memory with the reason; then reads what is stored.
    async fn open_archive(self: Rc<Self>) {
        let (archive, state) = match IndexedDbArchive::open(DB_NAME, DB_VERSION).await {
            Ok(db) => (Archive::IndexedDb(db), ArchiveState::IndexedDb),
            Err(error) => (
                Archive::Memory(MemoryArchive::default()),
                ArchiveState::Memory {
                    reason: error.to_string(),
                },
            ),
        };
        let listing = archive.list().await.map_err(|e| e.to_string());
        *self.archive.borrow_mut() = Some(archive);
        self.dispatch(Action::ArchiveOpened { state, listing });
    }
}

/// Performs one effect; a failure is described for the notice.
fn perform(effect: Effect) -> Result<(), String> {
    match effect {
        Effect::Download { file_name, json } => {
            super::download::download_json(&file_name, &super::download::indented(&json))
                .map_err(|e| format!("the download of {file_name} failed: {e:?}"))
        }
        // Scheduled by the edge itself (it holds the timer).
        Effect::Print => Ok(()),
        Effect::CopyText(text) => {
            let clipboard = web_sys::window()
                .map(|w| w.navigator().clipboard())
                .ok_or("no clipboard in this browser")?;
            // The promise settles later; the link is shown on the page either way.
            let _ = clipboard.write_text(&text);
            Ok(())
        }
    }
}

/// The text at `url` (a talk file, the comparisons, the Korean texts), or why it could not be
/// fetched.
async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window().ok_or("no window")?;
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| {
            format!("{url} could not be fetched (offline, refused, or blocked by CORS)")
        })?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("{url} answered HTTP {}", response.status()));
    }
    let text = response
        .text()
        .map_err(|_| "the answer has no text".to_string())?;
    wasm_bindgen_futures::JsFuture::from(text)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| format!("{url} is not text"))
}

fn query_string() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The page.
#[component]
pub fn App() -> Html {
    let ticks = use_reducer(Ticks::default);
    let edge = {
        let redraw = ticks.dispatcher();
        use_memo((), move |_| {
            // A link describes a run: seed, options, commands (replayed as the recorded future)
            // and a cursor. Each part was validated on its own; nothing else is taken from it.
            let session = Session::from_url(&UrlOptions::parse(&query_string()));
            Rc::new(Edge {
                owner: SessionOwner::new(session),
                archive: RefCell::new(None),
                redraw,
                sync: RefCell::new(None),
                print: RefCell::new(None),
                catalog_requested: std::cell::Cell::new(false),
            })
        })
    };
    let edge: Rc<Edge> = (*edge).clone();
    let dispatch = {
        let edge = edge.clone();
        (*use_memo((), move |_| edge.callback())).clone()
    };
    {
        let edge = edge.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(edge.clone().open_archive());
            {
                let follower = edge.clone();
                *edge.sync.borrow_mut() =
                    super::talk_sync::TalkSync::open(move |action| follower.dispatch(action));
            }
            let options = UrlOptions::parse(&query_string());
            if let Some(url) = options.talk_url {
                edge.fetch_talk(url, options.step);
            } else if options.talk.as_deref() == Some(crate::run::talk::STUDY_ID) {
                edge.fetch_talk(crate::run::talk::STUDY_TALK_URL.to_string(), options.step);
            }
            edge.fetch_comparisons();
            let frames = {
                let edge = edge.clone();
                AnimationLoop::start(move |timestamp_ms| {
                    edge.dispatch(Action::Frame { timestamp_ms });
                })
            };
            let keys = keyboard(edge.clone());
            move || {
                drop(frames);
                drop(keys);
                // A pending print and the talk's channel end with the page.
                edge.print.borrow_mut().take();
                edge.sync.borrow_mut().take();
            }
        });
    }
    let lang = edge.owner.read().view().lang;
    let fetcher = edge.clone();
    use_effect_with(lang, move |lang| {
        if *lang == crate::app::Lang::Ko {
            fetcher.fetch_catalog();
        }
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang.code());
        }
    });
    html! {
        <crate::ui::page::Page session={edge.owner.reader()} dispatch={dispatch}
            tick={ticks.fast} slow_tick={ticks.slow} />
    }
}

/// Space plays or pauses, → steps one event, ? opens the help, Esc closes it (see
/// [`shortcut`]); keys typed into fields are left alone.
fn keyboard(edge: Rc<Edge>) -> Option<gloo_events::EventListener> {
    let document = web_sys::window().and_then(|w| w.document())?;
    // Not passive: Space, PageDown and the arrows must not also scroll the page.
    Some(gloo_events::EventListener::new_with_options(
        &document,
        "keydown",
        gloo_events::EventListenerOptions::enable_prevent_default(),
        move |event| {
            let Some(event) = wasm_bindgen::JsCast::dyn_ref::<web_sys::KeyboardEvent>(event) else {
                return;
            };
            let typing = event
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
            let key = event.key();
            let press = KeyPress {
                key: &key,
                typing,
                modifier: event.ctrl_key() || event.meta_key() || event.alt_key(),
                talk: edge.owner.read().talk().is_some(),
            };
            if let Some(action) = shortcut(press) {
                if matches!(
                    action,
                    Action::TogglePlay | Action::Step | Action::Talk(_) | Action::TalkJump
                ) {
                    event.prevent_default();
                }
                edge.dispatch(action);
            }
        },
    ))
}
