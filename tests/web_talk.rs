//! Talk mode in a real browser: a step's spotlight lands on the elements it names (and only
//! those), and two windows of one talk stay in step through `BroadcastChannel`.
#![cfg(target_arch = "wasm32")]

mod web_common;

use flinkscope::app::session::TalkMove;
use flinkscope::app::{Action, Session, SessionOwner};
use flinkscope::ui::page::{Page, PageProps};
use flinkscope::web::talk_sync::TalkSync;
use std::rc::Rc;
use wasm_bindgen_test::*;
use web_common::*;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

/// A talk of two steps on one run: the first spotlights TaskManager 2 and keyed subtask 1,
/// the second the dataflow panel.
const TALK: &str = r#"{"format": "flinkscope-talk", "version": 1, "id": "browser-test",
  "title": {"en": "Test", "ko": "시험"}, "runs": {"main": "seed=1"},
  "sections": [{"id": "one", "title": {"en": "One", "ko": "하나"}, "minutes": 1, "steps": [
    {"id": "first", "title": {"en": "First", "ko": "첫째"}, "narration": {"en": "Look at TaskManager 2.", "ko": "TaskManager 2를 보세요."},
     "at": "12s", "spotlight": ["tm:2", "task:1.1"]},
    {"id": "second", "title": {"en": "Second", "ko": "둘째"}, "narration": {"en": "Now the dataflow.", "ko": "이제 데이터 흐름."},
     "until": "completed:1", "spotlight": ["panel:dataflow"]}]}]}"#;

fn talk_session() -> SessionOwner {
    let owner = SessionOwner::new(Session::new(Default::default(), 1));
    owner.apply(
        Action::OpenTalk {
            text: Some(Ok(TALK.to_string())),
            step: None,
        },
        &wall,
    );
    owner
}

async fn next_frame() {
    gloo_timers::future::TimeoutFuture::new(0).await;
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn the_spotlight_marks_what_the_step_names_and_only_that() {
    let owner = talk_session();
    assert!(owner.read().talk().is_some(), "{:?}", owner.read().notice());
    let props = PageProps {
        session: owner.reader(),
        dispatch: Callback::noop(),
        tick: 1,
        slow_tick: 1,
    };
    let root = mount::<Page>(props).await;
    next_frame().await;
    let step = by_testid(&root, "talk-step").expect("the talk panel");
    assert_eq!(step.get_attribute("data-step-id").as_deref(), Some("first"));
    assert_eq!(step.get_attribute("data-step-count").as_deref(), Some("2"));
    assert!(text(&root, "talk-narration").contains("TaskManager 2"));
    let lit = |id: &str| {
        by_testid(&root, id)
            .unwrap_or_else(|| panic!("no {id}"))
            .get_attribute("data-spotlight")
    };
    assert_eq!(lit("tm-2").as_deref(), Some("true"));
    assert_eq!(lit("tm-1"), None, "TaskManager 1 is not named");
    assert_eq!(lit("tm-3"), None);
    // Keyed subtask 1 is task 4: its dataflow node and its slot chip.
    let task = root
        .query_selector("[data-testid=\"df-task\"][data-task=\"4\"]")
        .unwrap()
        .unwrap();
    assert_eq!(
        task.get_attribute("data-spotlight").as_deref(),
        Some("true")
    );
    let other = root
        .query_selector("[data-testid=\"df-task\"][data-task=\"3\"]")
        .unwrap()
        .unwrap();
    assert_eq!(other.get_attribute("data-spotlight"), None);
    assert!(
        root.query_selector(".app.spotlit").unwrap().is_some(),
        "the rest dims"
    );
}

#[wasm_bindgen_test]
async fn two_windows_of_one_talk_stay_in_step_through_broadcast_channel() {
    let audience = talk_session();
    let presenter = talk_session();
    let into = |owner: &SessionOwner| {
        let owner = owner.clone();
        move |action: Action| {
            owner.apply(action, &wall);
        }
    };
    let audience_end: Rc<TalkSync> = TalkSync::open(into(&audience)).expect("BroadcastChannel");
    let presenter_end: Rc<TalkSync> = TalkSync::open(into(&presenter)).expect("BroadcastChannel");
    audience.apply(Action::Talk(TalkMove::Next), &wall);
    audience_end.publish(&audience);
    // Delivery is a browser task; wait for it (bounded), not for a fixed time.
    for _ in 0..200 {
        if presenter.read().talk().unwrap().index() == 1 {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(5).await;
    }
    assert_eq!(
        presenter.read().talk().unwrap().index(),
        1,
        "the presenter followed"
    );
    presenter_end.received(&presenter);
    presenter.apply(Action::ToggleBlank, &wall);
    presenter.apply(Action::Talk(TalkMove::Previous), &wall);
    presenter_end.publish(&presenter);
    for _ in 0..200 {
        if audience.read().talk().unwrap().index() == 0 {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(5).await;
    }
    assert_eq!(
        audience.read().talk().unwrap().index(),
        0,
        "the audience followed back"
    );
    // The same state published again is not sent twice.
    audience_end.received(&audience);
    let same = presenter.read().talk().unwrap().index();
    audience_end.publish(&audience);
    assert_eq!(presenter.read().talk().unwrap().index(), same);
}
