//! Shared helpers of the browser component tests: mount a component into a fresh element, wait
//! for Yew to render, and query the DOM by `data-testid`.
#![allow(dead_code)]

use flinkscope::app::{Action, Session, SessionOwner};
use flinkscope::run::RunScript;
use flinkscope::sim::event::Command;
use flinkscope::sim::{SimConfig, SimTime};
use flinkscope::ui::{Lang, PanelProps};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

/// A wall clock for actions (stored records' stamps).
pub fn wall() -> f64 {
    js_sys::Date::now()
}

/// A session of `config` and `seed` at `until_ms`, with `commands` applied at their instants
/// (milliseconds): loaded as a run file, as the page imports one.
pub fn model_at(
    config: SimConfig,
    seed: u64,
    until_ms: u64,
    commands: &[(u64, Command)],
) -> SessionOwner {
    let owner = SessionOwner::new(Session::new(config.clone(), seed));
    let script = RunScript {
        seed,
        config,
        commands: commands
            .iter()
            .map(|(at, c)| (SimTime::from_ms(*at), c.clone()))
            .collect(),
        until: SimTime::from_ms(until_ms),
        from: None,
    };
    let text = serde_json::to_string(&script.to_file()).unwrap();
    owner.apply(Action::Import(Ok(text)), &wall);
    owner.apply(Action::DismissNotice, &wall);
    owner
}

/// Props for a panel over the session.
pub fn panel_props(owner: &SessionOwner, lang: Lang) -> PanelProps {
    if lang == Lang::Ko {
        // What the page does on choosing Korean: the texts are a separate asset.
        let catalog = flinkscope::app::lang::Catalog::parse(include_str!("../../i18n/ko.tsv"))
            .expect("the committed catalog reads");
        flinkscope::ui::shared::i18n::install(catalog);
    }
    PanelProps {
        session: owner.reader(),
        lang,
        tick: 1,
        on_command: Callback::noop(),
        dispatch: Callback::noop(),
        side: 0,
    }
}

/// A fresh container attached to the document body.
pub fn container() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let element = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    element
}

/// Mounts component `C` with `props` and waits until it has rendered.
pub async fn mount<C>(props: C::Properties) -> Element
where
    C: BaseComponent,
{
    let root = container();
    yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    root
}

/// The element with `data-testid="{id}"` under `root`.
pub fn by_testid(root: &Element, id: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid=\"{id}\"]"))
        .ok()
        .flatten()
}

/// Every element with `data-testid="{id}"` under `root`.
pub fn all_by_testid(root: &Element, id: &str) -> Vec<Element> {
    let list = root
        .query_selector_all(&format!("[data-testid=\"{id}\"]"))
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

/// The text of the element with `data-testid="{id}"` (panics with the id if absent).
pub fn text(root: &Element, id: &str) -> String {
    by_testid(root, id)
        .unwrap_or_else(|| panic!("no element with data-testid={id}"))
        .text_content()
        .unwrap_or_default()
}

/// Clicks an element.
pub fn click(element: &Element) {
    element.clone().dyn_into::<HtmlElement>().unwrap().click();
}
