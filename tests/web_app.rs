//! The page in the browser: the header's hooks, the driver's independence from frame timing,
//! URL parsing, the config editor's validation, and the panic report.
#![cfg(target_arch = "wasm32")]

mod web_common;
use flinkscope::sim::event::Command;
use flinkscope::sim::ids::TaskManagerId;
use flinkscope::sim::{SimConfig, SimTime};
use flinkscope::ui::app::{App, UrlOptions};
use flinkscope::ui::config_editor::{java_snippet, ConfigEditor, ConfigEditorProps};
use flinkscope::ui::{Lang, Model};
use wasm_bindgen_test::*;
use web_common::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The header carries every stable hook, the job starts RUNNING and speeds go up to 1000×.
#[wasm_bindgen_test]
async fn header_has_the_stable_hooks() {
    let root = mount::<App>(()).await;
    for id in [
        "btn-play",
        "btn-step",
        "btn-reset",
        "speed",
        "seed",
        "job-state",
        "lang",
        "tm-1",
        "tm-2",
        "tm-3",
        "kill-tm-2",
        "sink-output",
    ] {
        assert!(by_testid(&root, id).is_some(), "missing data-testid={id}");
    }
    assert_eq!(text(&root, "job-state"), "RUNNING");
    let speed = by_testid(&root, "speed").unwrap();
    let values: Vec<String> = (0..speed.children().length())
        .filter_map(|i| speed.children().item(i))
        .filter_map(|o| o.get_attribute("value"))
        .collect();
    assert!(
        values.contains(&"1000".to_string()) && values.contains(&"0.25".to_string()),
        "{values:?}"
    );
}

/// Same seed, different frame timing (60 fps, a throttled tab, jittery frames) → the same trace
/// hash at the same simulated instant, commands included.
#[wasm_bindgen_test]
fn driver_is_deterministic_across_frame_intervals() {
    // Frames as the page runs them, except that a frame which would pass `until` stops there
    // (so both runs apply the command at the same simulated instant, as a run file replays it).
    fn drive(model: &mut Model, frames: &[u64], i: &mut usize, until: SimTime) {
        while model.sim.now() < until {
            let wall_us = frames[*i % frames.len()];
            *i += 1;
            let delta = model.clock.clone().frame(wall_us);
            if model.sim.now().add(delta) > until {
                model.sim.advance_to(until);
            } else {
                model.frame(wall_us);
            }
        }
    }
    let run = |frames: &[u64]| {
        let mut model = Model::new(SimConfig::default(), 5);
        model.clock.set_speed_milli(100_000);
        model.playing = true;
        let mut i = 0;
        drive(&mut model, frames, &mut i, SimTime::from_ms(40_000));
        model.command(Command::KillTaskManager {
            task_manager: TaskManagerId(1),
        });
        drive(&mut model, frames, &mut i, SimTime::from_ms(130_000));
        assert!(model.sim.view().coordinator().counts.restored >= 1);
        model.sim.view().trace_hash()
    };
    let smooth = run(&[16_667]);
    assert_eq!(
        run(&[1_000_000]),
        smooth,
        "a throttled tab (1 frame per second)"
    );
    assert_eq!(
        run(&[3_000, 40_000, 16_000, 7_500]),
        smooth,
        "jittery frames"
    );
}

/// Malformed URL parameters fall back field by field, each with a message.
#[wasm_bindgen_test]
fn url_parameters_are_validated() {
    let options = UrlOptions::parse("?seed=42&speed=1000&autoplay=1&lang=ko");
    assert_eq!(
        (
            options.seed,
            options.speed_milli,
            options.autoplay,
            options.lang
        ),
        (42, 1_000_000, true, Lang::Ko)
    );
    assert!(options.problems.is_empty());
    let bad = UrlOptions::parse("?seed=-1&speed=fast&lang=de&x=<script>");
    assert_eq!((bad.seed, bad.speed_milli, bad.lang), (1, 1_000, Lang::En));
    assert_eq!(bad.problems.len(), 4, "{:?}", bad.problems);
}

/// An invalid value shows a message beside its field and disables Apply; the Java snippet
/// follows the configuration.
#[wasm_bindgen_test]
async fn config_editor_validates_beside_the_field() {
    let props = ConfigEditorProps {
        lang: Lang::En,
        config: SimConfig::default(),
        on_apply: Callback::noop(),
    };
    let root = mount::<ConfigEditor>(props).await;
    assert!(text(&root, "java-snippet")
        .contains("env.enableCheckpointing(10000L, CheckpointingMode.EXACTLY_ONCE);"));
    let input: web_sys::HtmlInputElement = wasm_bindgen::JsCast::dyn_into(
        by_testid(&root, "cfg-execution.checkpointing.interval").unwrap(),
    )
    .unwrap();
    input.set_value("5 ms");
    let event = web_sys::InputEvent::new("input").unwrap();
    input.dispatch_event(&event).unwrap();
    yew::scheduler::flush().await;
    let error = text(&root, "cfg-error-execution.checkpointing.interval");
    assert!(error.contains("5 ms") && error.contains("10 ms"), "{error}");
    assert!(
        by_testid(&root, "cfg-apply")
            .unwrap()
            .has_attribute("disabled"),
        "Apply is disabled"
    );
    let unaligned = SimConfig {
        unaligned: true,
        ..SimConfig::default()
    };
    assert!(java_snippet(&unaligned).contains("enableUnalignedCheckpoints(true)"));
}

/// The panic report names the failure and where it happened.
#[wasm_bindgen_test]
fn panic_report_is_readable() {
    let text = flinkscope::ui::panic::describe(
        "completing 7 without every acknowledgement",
        Some("src/sim/checkpointing.rs:301"),
    );
    assert!(text.starts_with("flinkscope stopped: completing 7 without every acknowledgement at src/sim/checkpointing.rs:301."));
}

/// A download is a click on a temporary `<a download>` whose blob URL holds the text; the
/// anchor does not stay in the page.
#[wasm_bindgen_test]
async fn download_clicks_a_temporary_anchor_with_the_text() {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    let document = web_sys::window().unwrap().document().unwrap();
    let seen: Rc<RefCell<Option<(String, String)>>> = Rc::default();
    let listener = {
        let seen = seen.clone();
        gloo_events::EventListener::new(&document, "click", move |event| {
            if let Some(anchor) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlAnchorElement>().ok())
            {
                event.prevent_default(); // no real navigation in the test browser
                *seen.borrow_mut() = Some((anchor.download(), anchor.href()));
            }
        })
    };
    flinkscope::ui::download::download_json("run.json", "{\"seed\":7}").unwrap();
    drop(listener);
    let (name, href) = seen.borrow().clone().expect("the anchor was clicked");
    assert_eq!(name, "run.json");
    assert!(href.starts_with("blob:"), "{href}");
    let response =
        wasm_bindgen_futures::JsFuture::from(web_sys::window().unwrap().fetch_with_str(&href))
            .await
            .unwrap();
    let text: js_sys::Function = js_sys::Reflect::get(&response, &"text".into())
        .unwrap()
        .into();
    let text: js_sys::Promise = text.call0(&response).unwrap().into();
    let text = wasm_bindgen_futures::JsFuture::from(text).await.unwrap();
    assert_eq!(text.as_string().as_deref(), Some("{\"seed\":7}"));
    assert_eq!(
        document.query_selector_all("a[download]").unwrap().length(),
        0
    );
}
