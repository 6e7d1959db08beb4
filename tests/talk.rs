//! Talk mode and compare mode, natively:
//! 1. the study talk reads without a problem, every step resolves its moment, and resolves it
//!    again identically;
//! 2. entering any step — forwards, backwards, or from its link — lands on the identical state
//!    (trace hash, instant, the REST JSON of the job and its checkpoints), and step entry times
//!    are printed (the p95 target is 300 ms);
//! 3. a talk file with each kind of error is reported with its place and the bad step skipped;
//! 4. recorded talks: bookmarks become steps that land where they were taken;
//! 5. compare mode: aligned vs unaligned under backpressure — the aligned run's checkpoints
//!    expire, the unaligned run's complete and persist in-flight data.

#![cfg(not(target_arch = "wasm32"))]

use flinkscope::app::session::TalkMove;
use flinkscope::app::url::UrlOptions;
use flinkscope::app::{Action, Session};
use flinkscope::run::compare::figures;
use flinkscope::run::talk::{self, Talk};
use flinkscope::sim::rest::{build, to_flink_json};
use flinkscope::sim::{Sim, SimTime};
use std::time::Instant;

fn wall() -> impl Fn() -> f64 {
    let start = Instant::now();
    move || start.elapsed().as_secs_f64() * 1_000.0
}

/// What "the identical state" means: the trace, the instant, and what the REST API serves.
fn fingerprint(sim: &Sim) -> (u64, SimTime, u64, String) {
    let view = sim.view();
    let rest = format!(
        "{}\n{}\n{}",
        to_flink_json(&build::job_details(&view)).unwrap(),
        to_flink_json(&build::checkpoints(&view)).unwrap(),
        to_flink_json(&build::task_managers(&view)).unwrap(),
    );
    (view.trace_hash(), view.now(), view.events_processed(), rest)
}

fn p95(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[((values.len() * 95).div_ceil(100)).max(1) - 1]
}

#[test]
fn the_study_talk_reads_and_every_step_resolves_the_same_way_twice() {
    let (talk, problems) = Talk::from_json(talk::STUDY_TALK).expect("the study talk reads");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(talk.id, talk::STUDY_ID);
    let steps = talk.steps.len();
    let started = Instant::now();
    let first = talk::resolve(talk.clone());
    println!(
        "study talk: {steps} steps in {} sections resolved in {:.0} ms",
        talk.sections.len(),
        started.elapsed().as_secs_f64() * 1e3
    );
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    assert_eq!(first.landings.len(), steps, "every step resolved");
    let second = talk::resolve(talk);
    assert_eq!(first.landings, second.landings);
    for (step, landing) in first.talk.steps.iter().zip(&first.landings) {
        assert!(landing.from <= landing.at, "{}", step.id);
        assert!(
            !step.narration.en.is_empty() && !step.narration.ko.is_empty(),
            "{}",
            step.id
        );
    }
}

#[test]
fn entering_any_step_forwards_backwards_or_by_link_lands_on_the_identical_state() {
    let clock = wall();
    let mut session = Session::from_url(&UrlOptions::parse("?talk=study"));
    let count = session.talk().expect("talk mode").talk().steps.len();
    let ids: Vec<String> = session
        .talk()
        .unwrap()
        .talk()
        .steps
        .iter()
        .map(|s| s.id.clone())
        .collect();
    // The talk resolved whole: each step's moment, to compare with where entering it lands.
    let expected = flinkscope::run::talk::resolve(Talk::study());
    let landings: Vec<_> = expected.landings.iter().copied().map(Some).collect();
    // A step that plays a stretch lands on its start; its moment is where the stretch stops.
    let settle = |session: &mut Session, clock: &dyn Fn() -> f64| {
        let mut t = 0.0;
        let mut frames = 0;
        while session.playing() && frames < 200_000 {
            t += 16.7;
            session.apply(Action::Frame { timestamp_ms: t }, clock);
            frames += 1;
        }
        assert!(!session.playing(), "a stretch stops on its moment");
    };
    let mut forwards = Vec::new();
    for index in 0..count {
        if index > 0 {
            session.apply(Action::Talk(TalkMove::Next), &clock);
        }
        assert_eq!(session.talk().unwrap().index(), index);
        settle(&mut session, &clock);
        assert_eq!(
            session.sim().now(),
            landings[index].unwrap().at,
            "step {}",
            ids[index]
        );
        forwards.push(fingerprint(session.sim()));
    }
    for index in (0..count).rev() {
        if index + 1 < count {
            session.apply(Action::Talk(TalkMove::Previous), &clock);
        }
        settle(&mut session, &clock);
        assert!(
            fingerprint(session.sim()) == forwards[index],
            "step {} backwards differs from forwards",
            ids[index]
        );
    }
    let mut by_link = Vec::new();
    for (index, id) in ids.iter().enumerate() {
        let started = Instant::now();
        let mut fresh = Session::from_url(&UrlOptions::parse(&format!(
            "?talk=study&step={id}&lang=ko"
        )));
        by_link.push(started.elapsed().as_secs_f64() * 1e3);
        assert_eq!(fresh.talk().unwrap().index(), index);
        settle(&mut fresh, &clock);
        assert!(
            fingerprint(fresh.sim()) == forwards[index],
            "step {id} by link differs from forwards"
        );
    }
    let entries: Vec<f64> = session.talk().unwrap().entry_ms().iter().copied().collect();
    println!(
        "step entry over {} entries (forwards and backwards): p95 {:.1} ms, max {:.1} ms; \
         a link (read, resolve, enter) p95 {:.0} ms; resolution {:.0} ms",
        entries.len(),
        p95(entries.clone()),
        entries.iter().copied().fold(0.0, f64::max),
        p95(by_link),
        session.talk().unwrap().resolve_ms()
    );
    // Home and End, and a typed step number.
    session.apply(Action::Talk(TalkMove::Last), &clock);
    assert_eq!(session.talk().unwrap().index(), count - 1);
    session.apply(Action::Talk(TalkMove::First), &clock);
    assert_eq!(session.talk().unwrap().index(), 0);
    session.apply(Action::TalkDigit('3'), &clock);
    session.apply(Action::TalkJump, &clock);
    assert_eq!(session.talk().unwrap().index(), 2);
    session.apply(Action::ToggleBlank, &clock);
    assert!(session.talk().unwrap().blank());
    session.apply(Action::Talk(TalkMove::Next), &clock);
    assert!(!session.talk().unwrap().blank(), "moving on unblanks");
}

#[test]
fn leaving_a_talk_brings_back_the_run_shown_before() {
    let clock = wall();
    let mut session = Session::from_url(&UrlOptions::parse("?seed=9&t=20s"));
    let before = fingerprint(session.sim());
    session.apply(
        Action::OpenTalk {
            text: None,
            step: None,
        },
        &clock,
    );
    assert!(session.talk().is_some());
    session.apply(Action::Talk(TalkMove::Last), &clock);
    session.apply(Action::LeaveTalk, &clock);
    assert!(session.talk().is_none());
    assert!(fingerprint(session.sim()) == before);
}

const GOOD_STEP: &str = r#"{"id": "ok", "title": {"en": "t", "ko": "t"}, "narration": {"en": "n", "ko": "n"}, "at": "15s"}"#;

fn talk_with(steps: &[&str]) -> String {
    format!(
        r#"{{"format": "flinkscope-talk", "version": 1, "id": "mine", "title": {{"en": "Mine", "ko": "내 발표"}},
            "runs": {{"main": "seed=3", "bad": "seed=-1"}},
            "sections": [{{"id": "one", "title": {{"en": "One", "ko": "하나"}}, "minutes": 2, "steps": [{}]}},
                         {{"id": "Bad Section", "title": {{"en": "x", "ko": "x"}}, "minutes": 2, "steps": [{GOOD_STEP}]}}]}}"#,
        steps.join(",")
    )
}

#[test]
fn a_talk_file_with_each_kind_of_error_is_reported_in_place_and_the_bad_steps_skipped() {
    let bad = [
        (
            r#"{"id": "no-title", "narration": {"en": "n", "ko": "n"}}"#,
            "'title' is missing",
        ),
        (
            r#"{"id": "no-korean", "title": {"en": "t", "ko": "t"}, "narration": {"en": "n"}}"#,
            "'narration.ko' is missing",
        ),
        (
            r#"{"id": "Bad Id", "title": {"en": "t", "ko": "t"}, "narration": {"en": "n", "ko": "n"}}"#,
            "is not 1–64",
        ),
        (
            r#"{"id": "two-moments", "title": {"en": "t", "ko": "t"}, "narration": {"en": "n", "ko": "n"}, "at": "1s", "until": "alarm"}"#,
            "one of 'at', 'after', 'until'",
        ),
        (
            r#"{"id": "bad-condition", "title": {"en": "t", "ko": "t"}, "narration": {"en": "n", "ko": "n"}, "until": "teleported"}"#,
            "unknown",
        ),
        (
            r#"{"id": "bad-spot", "title": {"en": "t", "ko": "t"}, "narration": {"en": "n", "ko": "n"}, "spotlight": ["panel:kitchen"]}"#,
            "spotlight",
        ),
        (
            r#"{"id": "bad-run", "title": {"en": "t", "ko": "t"}, "narration": {"en": "n", "ko": "n"}, "run": "bad"}"#,
            "not among the talk's runs",
        ),
        (
            r#"{"id": "bad-speed", "title": {"en": "t", "ko": "t"}, "narration": {"en": "n", "ko": "n"}, "play": {"speed": "3", "for": "1s"}}"#,
            "play.speed",
        ),
        (
            r#"{"id": "bad-tab", "title": {"en": "t", "ko": "t"}, "narration": {"en": "n", "ko": "n"}, "tab": "kitchen"}"#,
            "tab 'kitchen'",
        ),
        (
            r#"{"id": "ok", "title": {"en": "dup", "ko": "dup"}, "narration": {"en": "n", "ko": "n"}}"#,
            "used by an earlier step",
        ),
        (r#""not an object""#, "is not an object"),
    ];
    let mut steps = vec![GOOD_STEP];
    steps.extend(bad.iter().map(|(step, _)| *step));
    let (talk, problems) = Talk::from_json(&talk_with(&steps)).expect("the good step survives");
    assert_eq!(talk.steps.len(), 1, "{:?}", talk.steps);
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(text.iter().any(|p| p.starts_with("runs.bad:")), "{text:?}");
    assert!(
        text.iter().any(|p| p.starts_with("sections[1]:")),
        "{text:?}"
    );
    for (k, (_, says)) in bad.iter().enumerate() {
        let place = format!("sections[0].steps[{}]", k + 1);
        assert!(
            problems.iter().any(|p| p.place.starts_with(&place)
                && p.message.contains(says)
                && p.message.ends_with("skipped")),
            "{place} should say '{says}': {text:?}"
        );
    }
    // A moment that is never reached is skipped at resolution, with its place.
    let never = r#"{"id": "never", "title": {"en": "t", "ko": "t"}, "narration": {"en": "n", "ko": "n"}, "until": "lost:2", "within": "1min"}"#;
    let (talk, _) = Talk::from_json(&talk_with(&[GOOD_STEP, never])).unwrap();
    let resolved = talk::resolve(talk);
    assert_eq!(resolved.landings.len(), 1);
    assert!(
        resolved.problems[0].place.contains("never"),
        "{:?}",
        resolved.problems
    );
    // Whole-file problems refuse the talk with a message, never a blank page.
    for (text, says) in [
        ("not json", "is not JSON"),
        (r#"{"format": "other"}"#, "'format'"),
        (
            r#"{"format": "flinkscope-talk", "version": 9}"#,
            "'version'",
        ),
        (&talk_with(&[r#"{"id": "x"}"#]), "no usable step"),
    ] {
        let problems = Talk::from_json(text).unwrap_err();
        assert!(
            problems.iter().any(|p| p.message.contains(says)),
            "{says}: {problems:?}"
        );
    }
    // The page reports them in its notice and keeps the run it showed.
    let clock = wall();
    let mut session = Session::new(Default::default(), 1);
    session.apply(
        Action::OpenTalk {
            text: Some(Ok("not json".into())),
            step: None,
        },
        &clock,
    );
    assert!(session.talk().is_none());
    assert!(
        session.notice().unwrap().starts_with("talk refused"),
        "{:?}",
        session.notice()
    );
}

#[test]
fn bookmarks_become_a_talk_whose_steps_land_where_they_were_taken() {
    let clock = wall();
    let mut session = Session::from_url(&UrlOptions::parse(
        "?seed=21&c.simulation.source.interval=500ms&cmds=k2@30101ms&t=70s",
    ));
    session.apply(Action::Seek(SimTime::from_ms(20_000)), &clock);
    session.apply(Action::Bookmark, &clock);
    let first = fingerprint(session.sim());
    session.apply(Action::Seek(SimTime::from_ms(70_000)), &clock);
    session.apply(Action::Bookmark, &clock);
    let second = fingerprint(session.sim());
    let outcome = session.apply(Action::RecordTalk, &clock);
    assert_eq!(outcome.effects.len(), 1, "the recorded talk is downloaded");
    let mode = session.talk().expect("and presented");
    assert_eq!(mode.talk().steps.len(), 2);
    assert!(
        mode.talk().steps[1].narration.en.contains("TaskManager 2"),
        "{}",
        mode.talk().steps[1].narration.en
    );
    assert!(fingerprint(session.sim()) == first);
    session.apply(Action::Talk(TalkMove::Next), &clock);
    assert!(fingerprint(session.sim()) == second);
}

#[test]
fn compare_aligned_vs_unaligned_under_backpressure() {
    let clock = wall();
    let mut session = Session::from_url(&UrlOptions::parse("?compare=aligned-vs-unaligned"));
    let compare = session.compare().expect("compare mode");
    assert_eq!(compare.comparison().id, "aligned-vs-unaligned");
    session.apply(Action::Seek(SimTime::from_ms(1)), &clock);
    session.apply(Action::Play, &clock);
    session.apply(Action::SetSpeed("1000".into()), &clock);
    let mut t = 0.0;
    while session.sim().now() < SimTime::from_ms(150_000) {
        t += 16.7;
        session.apply(Action::Frame { timestamp_ms: t }, &clock);
    }
    let compare = session.compare().unwrap();
    assert_eq!(
        compare.other().view().now(),
        session.sim().view().now(),
        "lockstep"
    );
    let left = figures(session.sim());
    let right = figures(compare.other());
    let value = |rows: &[flinkscope::run::compare::Figure], id: &str| {
        rows.iter().find(|f| f.id == id).unwrap().value.unwrap_or(0)
    };
    println!(
        "aligned: {} completed, {} failed, persisted {} B; unaligned: {} completed, {} failed, persisted {} B",
        value(&left, "completed"),
        value(&left, "failed"),
        value(&left, "persisted"),
        value(&right, "completed"),
        value(&right, "failed"),
        value(&right, "persisted")
    );
    assert!(
        value(&left, "failed") > 0,
        "the aligned run's checkpoints expire"
    );
    assert!(
        value(&right, "persisted") > 0,
        "the unaligned run persists in-flight data"
    );
    assert!(value(&right, "completed") > value(&left, "completed"));
    // A command goes to both sides.
    session.apply(
        Action::Command(flinkscope::sim::Command::KillTaskManager {
            task_manager: flinkscope::sim::ids::TaskManagerId(1),
        }),
        &clock,
    );
    let compare = session.compare().unwrap();
    assert!(
        compare.other().view().task_managers()[1].process
            != flinkscope::sim::cluster::ProcessState::Alive
    );
    assert!(
        session.sim().view().task_managers()[1].process
            != flinkscope::sim::cluster::ProcessState::Alive
    );
    // Seeking moves both.
    session.apply(Action::Seek(SimTime::from_ms(40_000)), &clock);
    assert_eq!(
        session.compare().unwrap().other().view().now(),
        SimTime::from_ms(40_000)
    );
}

#[test]
fn a_comparison_link_carries_the_commands_given_to_both_and_the_cursor() {
    let clock = wall();
    let mut session = Session::from_url(&UrlOptions::parse("?compare=interval-10s-vs-60s"));
    session.apply(Action::Seek(SimTime::ZERO), &clock);
    session.apply(Action::SetSpeed("100".into()), &clock);
    session.apply(Action::Play, &clock);
    let mut t = 0.0;
    while session.sim().now() < SimTime::from_ms(40_000) {
        t += 16.7;
        session.apply(Action::Frame { timestamp_ms: t }, &clock);
    }
    session.apply(Action::Pause, &clock);
    session.apply(
        Action::Command(flinkscope::sim::Command::KillTaskManager {
            task_manager: flinkscope::sim::ids::TaskManagerId(2),
        }),
        &clock,
    );
    // Acting forked the timelines: the recorded kill of TaskManager 2 at 95 s is replaced.
    assert_eq!(session.machine().commands().len(), 1);
    session.apply(Action::Play, &clock);
    while session.sim().now() < SimTime::from_ms(70_000) {
        t += 16.7;
        session.apply(Action::Frame { timestamp_ms: t }, &clock);
    }
    session.apply(Action::Pause, &clock);
    let left = fingerprint(session.sim());
    let right = fingerprint(session.compare().unwrap().other());
    assert_eq!(left.1, right.1, "one instant");
    let link = session.share_link("http://x/");
    assert!(
        link.contains("compare=interval-10s-vs-60s") && link.contains("k3@"),
        "{link}"
    );
    let query = link.split_once('?').unwrap().1;
    let opened = Session::from_url(&UrlOptions::parse(query));
    assert!(opened.notice().is_none(), "{:?}", opened.notice());
    assert!(fingerprint(opened.sim()) == left, "the left run again");
    assert!(
        fingerprint(opened.compare().unwrap().other()) == right,
        "the right run again"
    );
    // Export writes both runs.
    let mut opened = opened;
    let outcome = opened.apply(Action::ExportRun, &clock);
    assert_eq!(outcome.effects.len(), 2);
}

#[test]
fn a_talk_is_not_mirrored_as_the_users_job_and_a_stored_job_is_not_offered_over_it() {
    use flinkscope::app::mirror::ArchiveState;
    let clock = wall();
    let mut session = Session::from_url(&UrlOptions::parse("?talk=study"));
    // The archive opens with nothing stored; playing the talk's stretches queues nothing.
    session.apply(
        Action::ArchiveOpened {
            state: ArchiveState::IndexedDb,
            listing: Ok(Default::default()),
        },
        &clock,
    );
    for _ in 0..20 {
        session.apply(Action::Talk(TalkMove::Next), &clock);
    }
    assert!(
        session.mirror().pending().is_empty(),
        "nothing of the talk is stored"
    );
    assert!(session.take_batch().is_none());
}

/// The page fetches the comparisons file: its bad entries are noticed and skipped, a failed
/// fetch is noticed, and a comparison that is not in the file does not open.
#[test]
fn a_fetched_comparisons_file_is_read_with_its_problems_noticed() {
    let clock = wall();
    let mut session = Session::new(Default::default(), 1);
    let text = r#"{"format":"flinkscope-comparisons","version":1,"comparisons":{"bad":{"title":{"en":"x","ko":"x"}}}}"#;
    session.apply(Action::ComparisonsLoaded(Ok(text.to_string())), &clock);
    assert!(
        session.notice().unwrap().contains("skipped"),
        "{:?}",
        session.notice()
    );
    assert_eq!(session.comparisons().unwrap().len(), 0);
    session.apply(Action::OpenCompare("aligned-vs-unaligned".into()), &clock);
    assert!(session.compare().is_none());
    session.apply(Action::ComparisonsLoaded(Err("HTTP 404".into())), &clock);
    assert!(session.notice().unwrap().contains("could not be loaded"));
    let built_in = talk::comparisons().unwrap().0;
    assert!(built_in.iter().any(|c| c.id == "hashmap-vs-rocksdb"));
}

/// The state chapter's savepoint and rescale steps: what their prose says (checkpoints 1 and 2,
/// then savepoint 3, the next checkpoint 4; a new job rescaled 3 → 4 whose ids continue) is what
/// their runs do.
#[test]
fn the_savepoint_and_rescale_steps_show_what_their_prose_says() {
    use flinkscope::run::link::decode;
    let file: serde_json::Value = serde_json::from_str(talk::STUDY_TALK).unwrap();
    let run = |id: &str| {
        let shared = decode(file["runs"][id].as_str().unwrap());
        assert!(shared.problems.is_empty(), "{id}: {:?}", shared.problems);
        let until = shared.cursor.unwrap_or(SimTime::from_ms(40_000));
        let mut machine = shared.machine().unwrap();
        machine.advance(until, u64::MAX);
        (shared, machine)
    };
    let (_, savepoint) = run("savepoint");
    let view = savepoint.sim().view();
    let ids: Vec<u32> = view
        .storage()
        .savepoints()
        .iter()
        .map(|m| m.checkpoint_id.0)
        .collect();
    assert_eq!(ids, vec![3], "one savepoint, id 3");
    let history: Vec<u32> = view.checkpoint_history().map(|c| c.id.0).collect();
    assert!(
        history.contains(&4),
        "the next checkpoint is 4: {history:?}"
    );

    let (shared, mut rescaled) = run("rescaled");
    assert_eq!(shared.from.as_ref().map(|f| f.checkpoint.0), Some(3));
    rescaled.advance(SimTime::from_ms(20_000), u64::MAX);
    let view = rescaled.sim().view();
    let from = view.restored_from().expect("started from the savepoint");
    assert_eq!(
        (from.checkpoint.0, from.savepoint, from.rescaled),
        (3, true, Some((3, 4)))
    );
    assert_ne!(from.job_id, view.job_id(), "a new job");
    assert_eq!(view.graph().vertices[1].max_parallelism, 128);
    let own: Vec<u32> = view
        .retained_checkpoints()
        .iter()
        .map(|m| m.checkpoint_id.0)
        .filter(|id| *id != 3)
        .collect();
    assert!(!own.is_empty() && own.iter().all(|id| *id >= 4), "{own:?}");
}
