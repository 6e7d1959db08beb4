//! The page in the browser: the header's hooks, the frame loop's independence from frame timing
//! in wasm, the config editor's validation, downloads and the panic report. (The session's own
//! logic — actions, URL options, the mirror — is tested natively in `src/app`.)
#![cfg(target_arch = "wasm32")]

mod web_common;
use flinkscope::app::{Action, Session};
use flinkscope::run::RunScript;
use flinkscope::sim::event::Command;
use flinkscope::sim::ids::TaskManagerId;
use flinkscope::sim::{SimConfig, SimTime};
use flinkscope::ui::config_editor::{java_snippet, ConfigEditor, ConfigEditorProps};
use flinkscope::ui::Lang;
use flinkscope::web::host::App;
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
/// hash at the same simulated instant, with a command on the way, in wasm.
#[wasm_bindgen_test]
fn frames_are_deterministic_across_frame_intervals() {
    let kill = Command::KillTaskManager {
        task_manager: TaskManagerId(1),
    };
    let script = RunScript {
        seed: 5,
        config: SimConfig::default(),
        commands: vec![(SimTime::from_ms(40_000), kill)],
        until: SimTime::from_ms(130_000),
        from: None,
    };
    let straight = script.run(|_| {}).0.view().trace_hash();
    let run = |frames_ms: &[f64]| {
        let mut session = Session::new(SimConfig::default(), 5);
        // The kill as the recorded future of a run at time zero: it applies at its instant
        // however the frames slice time.
        let mut future = script.clone();
        future.until = SimTime::ZERO;
        let text = serde_json::to_string(&future.to_file()).unwrap();
        session.apply(Action::Import(Ok(text)), &wall);
        session.apply(Action::SetSpeed("100".into()), &wall);
        session.apply(Action::Play, &wall);
        let (mut t, mut i) = (0.0, 0);
        while session.sim().now() < script.until {
            t += frames_ms[i % frames_ms.len()];
            i += 1;
            session.apply(Action::Frame { timestamp_ms: t }, &wall);
        }
        assert!(session.sim().view().coordinator().counts.restored >= 1);
        session.apply(Action::Seek(script.until), &wall);
        session.sim().view().trace_hash()
    };
    assert_eq!(run(&[16.667]), straight, "60 fps");
    assert_eq!(
        run(&[1_000.0]),
        straight,
        "a throttled tab (1 frame per second)"
    );
    assert_eq!(run(&[3.0, 40.0, 16.0, 7.5]), straight, "jittery frames");
}

/// An invalid value shows a message beside its field and disables Apply; the Java snippet
/// follows the configuration.
#[wasm_bindgen_test]
async fn config_editor_validates_beside_the_field() {
    let props = ConfigEditorProps {
        lang: Lang::En,
        config: SimConfig::default(),
        on_apply: Callback::noop(),
        snapshots: Vec::new(),
        on_restore: Callback::noop(),
    };
    let root = mount::<ConfigEditor>(props).await;
    assert!(text(&root, "java-snippet").contains(
        "conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(10000));"
    ));
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
    assert!(
        java_snippet(&unaligned).contains("conf.set(CheckpointingOptions.ENABLE_UNALIGNED, true);")
    );
}

/// Choosing a snapshot in "Start from" shows Flink's restore options and turns Apply into a
/// restore request carrying the edited configuration, the snapshot and the options.
#[wasm_bindgen_test]
async fn config_editor_starts_a_new_job_from_a_chosen_snapshot() {
    use flinkscope::app::RestoreRequest;
    use flinkscope::sim::restore::RecoveryClaimMode;
    use std::cell::RefCell;
    use std::rc::Rc;
    let requests: Rc<RefCell<Vec<RestoreRequest>>> = Rc::default();
    let applied: Rc<RefCell<u32>> = Rc::default();
    let props = ConfigEditorProps {
        lang: Lang::En,
        config: SimConfig::default(),
        on_apply: {
            let applied = applied.clone();
            Callback::from(move |_| *applied.borrow_mut() += 1)
        },
        snapshots: vec![
            (3, "chk-3 · retained checkpoint".to_string()),
            (4, "savepoint-a1b2c3-0123456789ab · savepoint".to_string()),
        ],
        on_restore: {
            let requests = requests.clone();
            Callback::from(move |r| requests.borrow_mut().push(r))
        },
    };
    let root = mount::<ConfigEditor>(props).await;
    assert!(by_testid(&root, "cfg-execution.state-recovery.claim-mode").is_none());
    let choose = |id: &str, value: &str| {
        let select: web_sys::HtmlSelectElement =
            wasm_bindgen::JsCast::dyn_into(by_testid(&root, id).unwrap()).unwrap();
        select.set_value(value);
        select
            .dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
    };
    choose("cfg-execution.state-recovery.path", "4");
    yew::scheduler::flush().await;
    choose("cfg-execution.state-recovery.claim-mode", "CLAIM");
    let parallelism: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::dyn_into(by_testid(&root, "cfg-parallelism.default").unwrap())
            .unwrap();
    parallelism.set_value("4");
    parallelism
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    let apply: web_sys::HtmlElement =
        wasm_bindgen::JsCast::dyn_into(by_testid(&root, "cfg-apply").unwrap()).unwrap();
    assert_eq!(
        apply.text_content().unwrap().trim(),
        "Start the new job from the snapshot"
    );
    apply.click();
    yew::scheduler::flush().await;
    let requests = requests.borrow();
    assert_eq!(requests.len(), 1, "one restore request");
    assert_eq!(*applied.borrow(), 0, "not a fresh run");
    let request = &requests[0];
    assert_eq!(request.checkpoint.0, 4);
    assert_eq!(request.settings.claim_mode, RecoveryClaimMode::Claim);
    assert!(!request.settings.allow_non_restored_state);
    assert_eq!(request.config.parallelism, 4);
}

/// The panic report names the failure and where it happened.
#[wasm_bindgen_test]
fn panic_report_is_readable() {
    let text = flinkscope::web::panic::describe(
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
    flinkscope::web::download::download_json("run.json", "{\"seed\":7}").unwrap();
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
