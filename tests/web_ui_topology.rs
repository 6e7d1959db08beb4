//! The topology panels in a real browser: the cluster view (TaskManagers, slots, fault
//! buttons), the dataflow SVG, the keyed-state panel and the checkpoint storage browser, each
//! mounted over an engine driven into a known state.
#![cfg(target_arch = "wasm32")]

mod web_common;

use flinkscope::app::{Action, SessionOwner};
use flinkscope::sim::channel::Element;
use flinkscope::sim::event::Command;
use flinkscope::sim::ids::{TaskManagerId, VertexIndex};
use flinkscope::sim::{SimConfig, SimDuration};
use flinkscope::ui::cluster::ClusterView;
use flinkscope::ui::dataflow::DataflowView;
use flinkscope::ui::state_view::StatePanel;
use flinkscope::ui::storage::StorageBrowser;
use flinkscope::ui::Lang;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_test::*;
use web_common::*;
use web_sys::Element as DomElement;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

fn attr(element: &DomElement, name: &str) -> String {
    element.get_attribute(name).unwrap_or_default()
}

fn tm(root: &DomElement, n: u32) -> DomElement {
    by_testid(root, &format!("tm-{n}")).unwrap_or_else(|| panic!("no tm-{n}"))
}

fn disabled(root: &DomElement, id: &str) -> bool {
    by_testid(root, id)
        .unwrap_or_else(|| panic!("no {id}"))
        .has_attribute("disabled")
}

fn count(root: &DomElement, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn kill_tm2_at_30s() -> Vec<(u64, Command)> {
    vec![(
        30_000,
        Command::KillTaskManager {
            task_manager: TaskManagerId(1),
        },
    )]
}

#[wasm_bindgen_test]
async fn three_task_managers_run_the_job_in_three_of_nine_slots() {
    let model = model_at(SimConfig::default(), 1, 5_000, &[]);
    let root = mount::<ClusterView>(panel_props(&model, Lang::En)).await;
    for n in 1..=3 {
        assert_eq!(attr(&tm(&root, n), "data-state"), "running", "tm-{n}");
        assert!(!disabled(&root, &format!("kill-tm-{n}")));
        assert!(disabled(&root, &format!("restart-tm-{n}")));
    }
    assert_eq!(text(&root, "slots-used"), "3 of 9 slots used");
    // Spread placement: pipeline i on TaskManager i+1, one subtask of each vertex per slot.
    let chips = all_by_testid(&tm(&root, 2), "task-chip");
    let names: Vec<String> = chips.iter().map(|c| c.text_content().unwrap()).collect();
    assert_eq!(chips.len(), 2, "{names:?}");
    assert!(names[0].starts_with("Source (2/3)#0"), "{names:?}");
    assert!(
        names[1].starts_with("AbnormalAlarm → Sink (2/3)#0"),
        "{names:?}"
    );
    assert!(chips.iter().all(|c| attr(c, "data-state") == "RUNNING"));
}

#[wasm_bindgen_test]
async fn killed_task_manager_is_dead_before_it_is_lost() {
    // 100 ms after the kill: the process is dead, the JobManager still counts it registered.
    let model = model_at(SimConfig::default(), 1, 30_100, &kill_tm2_at_30s());
    let root = mount::<ClusterView>(panel_props(&model, Lang::En)).await;
    let tm2 = tm(&root, 2);
    assert_eq!(attr(&tm2, "data-state"), "lost");
    assert_eq!(
        attr(&tm2, "data-registered"),
        "true",
        "the gap: dead but registered"
    );
    assert!(disabled(&root, "kill-tm-2"));
    assert!(!disabled(&root, "restart-tm-2"));
    assert_eq!(attr(&tm(&root, 1), "data-state"), "running");
    assert!(tm2.class_name().contains("cl-tm-zombie"));

    // A minute later heartbeats have detected it: lost at the JobManager too, slots released.
    let model = model_at(SimConfig::default(), 1, 90_000, &kill_tm2_at_30s());
    let root = mount::<ClusterView>(panel_props(&model, Lang::En)).await;
    let tm2 = tm(&root, 2);
    assert_eq!(attr(&tm2, "data-state"), "lost");
    assert_eq!(attr(&tm2, "data-registered"), "false");
    assert!(text(&root, "tm-2-registration").contains("lost"));
    assert_eq!(all_by_testid(&tm2, "task-chip").len(), 0);
    assert!(text(&root, "jm-restored").contains("restored"));
}

#[wasm_bindgen_test]
async fn buttons_send_the_right_commands() {
    let model = model_at(SimConfig::default(), 1, 5_000, &[]);
    let sent: Rc<RefCell<Vec<Command>>> = Rc::default();
    let mut props = panel_props(&model, Lang::En);
    props.on_command = {
        let sent = sent.clone();
        Callback::from(move |c: Command| sent.borrow_mut().push(c))
    };
    let root = mount::<ClusterView>(props).await;
    click(&by_testid(&root, "kill-tm-1").unwrap());
    click(&by_testid(&root, "trigger-checkpoint").unwrap());
    click(&by_testid(&root, "storage-fault").unwrap());
    // Task 4 is the keyed subtask 1 (0-based) of vertex 1.
    click(&by_testid(&root, "fail-task-4").unwrap());
    click(&by_testid(&root, "slow-task-4").unwrap());
    assert_eq!(
        *sent.borrow(),
        vec![
            Command::KillTaskManager {
                task_manager: TaskManagerId(0)
            },
            Command::TriggerCheckpoint,
            Command::SetCheckpointStorageFailing { failing: true },
            Command::FailTask {
                vertex: VertexIndex(1),
                subtask: 1
            },
            Command::SlowDownSubtask {
                vertex: VertexIndex(1),
                subtask: 1,
                factor: 10
            },
        ]
    );
}

#[wasm_bindgen_test]
async fn korean_cluster_view_has_no_english_sentences() {
    let model = model_at(SimConfig::default(), 1, 5_000, &[]);
    let root = mount::<ClusterView>(panel_props(&model, Lang::Ko)).await;
    assert_eq!(text(&root, "slots-used"), "슬롯 9개 중 3개 사용");
    let all = root.text_content().unwrap();
    assert!(
        !all.contains("slots used") && !all.contains("process alive"),
        "{all}"
    );
}

#[wasm_bindgen_test]
async fn dataflow_draws_every_keyby_channel_and_a_forward_column_without_chaining() {
    let model = model_at(SimConfig::default(), 1, 12_000, &[]);
    let root = mount::<DataflowView>(panel_props(&model, Lang::En)).await;
    assert!(by_testid(&root, "dataflow-svg").is_some());
    assert_eq!(
        count(&root, "[data-testid=df-channel][data-strategy=HASH]"),
        9
    );
    assert_eq!(
        count(&root, "[data-testid=df-channel][data-strategy=FORWARD]"),
        0
    );
    assert_eq!(all_by_testid(&root, "df-task").len(), 6);
    assert!(text(&root, "df-summary").contains("9 keyBy channels"));
    assert!(root.text_content().unwrap().contains("key groups 86–127"));

    let config = SimConfig {
        chaining: false,
        ..SimConfig::default()
    };
    let model = model_at(config, 1, 12_000, &[]);
    let root = mount::<DataflowView>(panel_props(&model, Lang::En)).await;
    assert_eq!(
        count(&root, "[data-testid=df-channel][data-strategy=HASH]"),
        9
    );
    assert_eq!(
        count(&root, "[data-testid=df-channel][data-strategy=FORWARD]"),
        3
    );
    assert_eq!(all_by_testid(&root, "df-task").len(), 9);
    let elements = count(&root, "svg *");
    web_sys::console::log_1(
        &format!("dataflow SVG, unchained, paused: {elements} elements").into(),
    );
}

#[wasm_bindgen_test]
async fn dataflow_crosses_out_the_tasks_of_a_dead_task_manager() {
    let model = model_at(SimConfig::default(), 1, 30_100, &kill_tm2_at_30s());
    let root = mount::<DataflowView>(panel_props(&model, Lang::En)).await;
    let dead: Vec<String> = root
        .query_selector_all(".df-task-dead")
        .map(|list| {
            (0..list.length())
                .filter_map(|i| list.get(i))
                .map(|n| attr(&wasm_bindgen::JsCast::unchecked_into(n), "data-task"))
                .collect()
        })
        .unwrap();
    // Pipeline 1 (Source 2/3 and the keyed 2/3) ran on TaskManager 2.
    assert_eq!(dead, vec!["1", "4"]);
}

/// 1,000 events/s per source, keyed subtask 2 slowed 20× at 20 s (as tests/checkpoint_unaligned.rs).
fn backpressured(unaligned: bool) -> (SimConfig, Vec<(u64, Command)>) {
    let config = SimConfig {
        source_interval: SimDuration::from_ms(1),
        record_cost: SimDuration::from_us(100),
        unaligned,
        checkpoint_timeout: SimDuration::from_secs(30),
        ..SimConfig::default()
    };
    let slow = Command::SlowDownSubtask {
        vertex: VertexIndex(1),
        subtask: 2,
        factor: 20,
    };
    (config, vec![(20_000, slow)])
}

/// Plays one frame of `wall_ms` at `speed`, as the page does.
fn play_one_frame(model: &SessionOwner, speed: &str, wall_ms: f64) {
    model.apply(Action::SetSpeed(speed.into()), &wall);
    model.apply(Action::Play, &wall);
    model.apply(
        Action::Frame {
            timestamp_ms: 1_000.0,
        },
        &wall,
    );
    model.apply(
        Action::Frame {
            timestamp_ms: 1_000.0 + wall_ms,
        },
        &wall,
    );
}

/// Steps `model` one event at a time (at most `limit` events) until `found` holds.
fn step_until(model: &SessionOwner, limit: u32, found: impl Fn(&SessionOwner) -> bool) -> bool {
    for _ in 0..limit {
        if found(model) {
            return true;
        }
        model.apply(Action::Step, &wall);
    }
    false
}

#[wasm_bindgen_test]
async fn aligned_backpressure_shows_a_blocked_channel_with_its_waiting_records() {
    let (config, commands) = backpressured(false);
    let model = model_at(config, 4, 40_000, &commands);
    let blocked = |m: &SessionOwner| {
        let model = m.read();
        let view = model.sim().view();
        view.channels()
            .iter()
            .any(|c| c.blocked && c.data_len() > 0)
    };
    assert!(
        step_until(&model, 3_000_000, blocked),
        "no blocked channel found"
    );
    let root = mount::<DataflowView>(panel_props(&model, Lang::En)).await;
    let channel = root
        .query_selector("[data-testid=df-channel][data-blocked=true]")
        .unwrap()
        .expect("a blocked channel is drawn");
    let waiting = attr(&channel, "data-queued");
    assert!(channel
        .text_content()
        .unwrap()
        .contains(&format!("blocked · {waiting} waiting")));
    let summary = text(&root, "df-summary");
    assert!(summary.contains("blocked during alignment"), "{summary}");
    let elements = count(&root, "svg *");
    web_sys::console::log_1(
        &format!("dataflow SVG, aligned backpressure, paused: {elements} elements").into(),
    );
    assert!(elements <= 600, "{elements} SVG elements");
}

#[wasm_bindgen_test]
async fn unaligned_barrier_overtakes_in_flight_records() {
    let (config, commands) = backpressured(true);
    let model = model_at(config, 4, 40_000, &commands);
    let overtaking = |m: &SessionOwner| {
        let model = m.read();
        let view = model.sim().view();
        view.channels().iter().any(|c| {
            c.data_len() > 0
                && matches!(
                    c.iter().next().map(|q| q.element),
                    Some(Element::Barrier {
                        unaligned: true,
                        ..
                    })
                )
        })
    };
    assert!(
        step_until(&model, 3_000_000, overtaking),
        "no overtaking barrier found"
    );
    let root = mount::<DataflowView>(panel_props(&model, Lang::En)).await;
    let summary = text(&root, "df-summary");
    assert!(
        summary.contains("unaligned barrier of checkpoint"),
        "{summary}"
    );
    assert!(count(&root, ".df-barrier-unaligned") >= 1);
    assert!(count(&root, ".df-ch-persisting") >= 1);
}

#[wasm_bindgen_test]
async fn playing_at_high_rate_keeps_the_svg_bounded() {
    let (config, commands) = backpressured(false);
    let model = model_at(config, 4, 30_000, &commands);
    // A frame of 16 ms at 1×, as the page plays it.
    play_one_frame(&model, "1", 16.0);
    let root = mount::<DataflowView>(panel_props(&model, Lang::En)).await;
    let moving = count(&root, ".df-motion > *");
    let elements = count(&root, "svg *");
    web_sys::console::log_1(
        &format!("dataflow SVG, high rate, playing: {elements} elements, {moving} moving").into(),
    );
    assert!(moving > 0, "something moves while playing");
    assert!(
        moving <= 230 && elements <= 600,
        "{moving} moving, {elements} elements"
    );
    assert!(text(&root, "df-caption").contains("slowed for visibility"));
}

#[wasm_bindgen_test]
async fn high_parallelism_stays_under_the_element_budget() {
    for (parallelism, task_managers, slots) in [(6, 3, 3), (8, 3, 3), (32, 4, 8), (128, 32, 4)] {
        let (config, commands) = backpressured(false);
        let config = SimConfig {
            parallelism,
            task_managers,
            slots_per_task_manager: slots,
            users_per_subtask: 4,
            ..config
        };
        for playing in [false, true] {
            let model = model_at(config.clone(), 4, 41_000, &commands);
            if playing {
                // 50 simulated ms at 1000×.
                play_one_frame(&model, "1000", 0.05);
            }
            let root = mount::<DataflowView>(panel_props(&model, Lang::En)).await;
            let elements = count(&root, "svg *");
            web_sys::console::log_1(
                &format!("dataflow SVG, p={parallelism}, playing={playing}: {elements} elements")
                    .into(),
            );
            assert!(
                elements <= 600,
                "p={parallelism} playing={playing}: {elements} elements"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn state_panel_shows_the_skewed_key_assignment() {
    let model = model_at(SimConfig::default(), 1, 60_000, &[]);
    let root = mount::<StatePanel>(panel_props(&model, Lang::En)).await;
    let keys = |subtask: u32| -> Vec<String> {
        let card = by_testid(&root, &format!("keyed-subtask-{subtask}")).unwrap();
        all_by_testid(&card, "st-key")
            .iter()
            .map(|row| attr(row, "data-key"))
            .collect()
    };
    assert_eq!(keys(0), vec!["user2"]);
    assert!(keys(1).is_empty());
    assert_eq!(keys(2), vec!["user1", "user3"]);
    let card = by_testid(&root, "keyed-subtask-2").unwrap();
    assert!(card.text_content().unwrap().contains("[86, 127] of 128"));
    let row = card.query_selector("[data-key=user1]").unwrap().unwrap();
    let row_text = row.text_content().unwrap();
    assert!(
        row_text.contains("111578566") && row_text.contains("93"),
        "{row_text}"
    );
    let explain = text(&root, "st-explain");
    assert!(
        explain.contains("keyed subtask 1 holds nothing"),
        "{explain}"
    );
    assert!(explain.contains("share keyed subtask 2"), "{explain}");
}

fn latest_completed(model: &SessionOwner) -> u32 {
    let model = model.read();
    let view = model.sim().view();
    view.coordinator()
        .latest_completed
        .as_ref()
        .expect("a completed checkpoint")
        .id
        .0
}

#[wasm_bindgen_test]
async fn storage_browser_lists_the_retained_checkpoints() {
    let model = model_at(SimConfig::default(), 1, 60_000, &[]);
    let root = mount::<StorageBrowser>(panel_props(&model, Lang::En)).await;
    let browser = by_testid(&root, "storage-browser").expect("the browser");
    let entries = all_by_testid(&browser, "storage-entry");
    assert_eq!(entries.len(), 1);
    assert_eq!(
        attr(&entries[0], "data-checkpoint-id"),
        latest_completed(&model).to_string()
    );
    let job_id = model.read().sim().view().job_id().to_string();
    assert_eq!(
        text(&root, "sb-dir"),
        format!("file:///tmp/flink-checkpoints/{job_id}/")
    );

    // Opening an entry shows its content per operator and subtask.
    click(&entries[0].query_selector(".sb-toggle").unwrap().unwrap());
    yew::scheduler::flush().await;
    let content = text(&root, "storage-content");
    assert!(content.contains("source offset"), "{content}");
    assert!(content.contains("user1="), "{content}");

    let config = SimConfig {
        num_retained: 3,
        ..SimConfig::default()
    };
    let model = model_at(config, 1, 60_000, &[]);
    let root = mount::<StorageBrowser>(panel_props(&model, Lang::En)).await;
    let ids: Vec<String> = all_by_testid(&root, "storage-entry")
        .iter()
        .map(|e| attr(e, "data-checkpoint-id"))
        .collect();
    let latest = latest_completed(&model);
    assert_eq!(
        ids,
        [latest, latest - 1, latest - 2]
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
    );
}

/// RocksDB with incremental checkpoints at 100,000 keys: the state panel shows each keyed
/// subtask's memtable and levels, the storage browser `shared/` as a files × checkpoints matrix
/// with exactly the registry's files.
#[wasm_bindgen_test]
async fn rocksdb_levels_and_the_shared_matrix_render() {
    let config = SimConfig {
        state_backend: flinkscope::sim::config::StateBackend::RocksDb,
        incremental: true,
        state_keys: 100_000,
        state_bytes_per_key: 100,
        num_retained: 2,
        source_interval: flinkscope::sim::SimDuration::from_ms(5),
        ..SimConfig::default()
    };
    let model = model_at(config, 3, 90_000, &[]);
    let root = mount::<StatePanel>(panel_props(&model, Lang::En)).await;
    let backends = all_by_testid(&root, "st-backend");
    assert_eq!(backends.len(), 3, "one per keyed subtask");
    assert!(backends
        .iter()
        .all(|b| attr(b, "data-backend") == "rocksdb"));
    let l1: Vec<String> = all_by_testid(&root, "st-level-1")
        .iter()
        .map(|l| attr(l, "data-files"))
        .collect();
    assert!(l1.iter().all(|n| n != "0"), "the state is in L1: {l1:?}");
    let storage = mount::<StorageBrowser>(panel_props(&model, Lang::En)).await;
    let matrix = by_testid(&storage, "sb-shared-matrix").expect("the shared/ matrix");
    let rows = all_by_testid(&matrix, "sb-shared-file");
    let registry = model.read().sim().view().storage().shared().len();
    assert_eq!(rows.len(), registry, "the registry's files, no more");
    assert!(
        rows.iter().any(|r| attr(r, "data-refs") == "2"),
        "a file both retained checkpoints refer to"
    );
    assert!(matrix.text_content().unwrap().contains('↑'));
}

#[wasm_bindgen_test]
async fn savepoint_buttons_send_the_chosen_format_and_the_browser_lists_the_savepoint() {
    use flinkscope::sim::checkpoint::SavepointFormatType;
    let model = model_at(
        SimConfig::default(),
        1,
        40_000,
        &[(
            25_000,
            Command::TriggerSavepoint {
                format: SavepointFormatType::Canonical,
            },
        )],
    );
    let sent: Rc<RefCell<Vec<Command>>> = Rc::default();
    let mut props = panel_props(&model, Lang::En);
    props.on_command = {
        let sent = sent.clone();
        Callback::from(move |c: Command| sent.borrow_mut().push(c))
    };
    let root = mount::<ClusterView>(props).await;
    assert!(!disabled(&root, "trigger-savepoint"));
    assert!(
        text(&root, "jm-latest-savepoint").contains("file:/tmp/flink-savepoints/savepoint-"),
        "{}",
        text(&root, "jm-latest-savepoint")
    );
    for id in [
        "trigger-savepoint",
        "trigger-savepoint-native",
        "stop-with-savepoint",
        "stop-with-savepoint-native",
    ] {
        click(&by_testid(&root, id).unwrap());
    }
    use SavepointFormatType::{Canonical, Native};
    assert_eq!(
        *sent.borrow(),
        vec![
            Command::TriggerSavepoint { format: Canonical },
            Command::TriggerSavepoint { format: Native },
            Command::StopWithSavepoint { format: Canonical },
            Command::StopWithSavepoint { format: Native },
        ]
    );

    let root = mount::<StorageBrowser>(panel_props(&model, Lang::En)).await;
    let savepoints = by_testid(&root, "sb-savepoints").expect("the savepoint directory");
    let entries = all_by_testid(&savepoints, "storage-entry");
    assert_eq!(entries.len(), 1);
    assert_eq!(attr(&entries[0], "data-savepoint"), "true");
    let name = entries[0].query_selector(".sb-name").unwrap().unwrap();
    assert!(
        name.text_content().unwrap().starts_with("savepoint-"),
        "{:?}",
        name.text_content()
    );
    assert!(savepoints
        .text_content()
        .unwrap()
        .contains("file:///tmp/flink-savepoints/"));
}

/// A job restored from a savepoint of the talk's job with parallelism 4: the key-group bar
/// draws the old ranges above the new ones, outlines exactly the spans of key groups whose
/// subtask changed (Flink's range rule for 3 and for 4 of 128), and marks the keys in them with
/// their old and new subtask.
#[wasm_bindgen_test]
async fn state_panel_shows_the_rescale_on_the_key_group_bar() {
    use flinkscope::app::Session;
    use flinkscope::run::file::Predecessor;
    use flinkscope::run::RunScript;
    use flinkscope::sim::checkpoint::SavepointFormatType;
    use flinkscope::sim::key_group::subtask_for_key_group;
    use flinkscope::sim::SimTime;
    let earlier = RunScript {
        seed: 4,
        config: SimConfig::default(),
        commands: vec![(
            SimTime::from_ms(25_000),
            Command::TriggerSavepoint {
                format: SavepointFormatType::Canonical,
            },
        )],
        until: SimTime::from_ms(40_000),
        from: None,
    };
    let (sim, _) = earlier.run(|_| {});
    let checkpoint = sim.view().storage().savepoints()[0].checkpoint_id;
    let script = RunScript {
        seed: 4,
        config: SimConfig {
            parallelism: 4,
            ..SimConfig::default()
        },
        commands: vec![],
        until: SimTime::from_ms(20_000),
        from: Some(Box::new(Predecessor {
            run: earlier,
            checkpoint,
            settings: Default::default(),
        })),
    };
    let owner = SessionOwner::new(Session::new(SimConfig::default(), 4));
    owner.apply(
        Action::Import(Ok(serde_json::to_string(&script.to_file()).unwrap())),
        &wall,
    );
    owner.apply(Action::DismissNotice, &wall);
    let root = mount::<StatePanel>(panel_props(&owner, Lang::En)).await;
    let bar = by_testid(&root, "st-bar").expect("the bar");
    assert_eq!(
        bar.query_selector_all("rect:not(.st-bar-move rect)")
            .unwrap()
            .length(),
        3 + 4,
        "a row of 3 ranges above a row of 4"
    );
    let mut expected = Vec::new();
    for kg in 0..128u32 {
        let (from, to) = (
            subtask_for_key_group(128, 3, kg),
            subtask_for_key_group(128, 4, kg),
        );
        if from != to {
            expected.push((kg, from, to));
        }
    }
    let moves = all_by_testid(&bar, "st-bar-move");
    assert!(!moves.is_empty());
    let mut covered = Vec::new();
    for m in &moves {
        let n = |name: &str| m.get_attribute(name).unwrap().parse::<u32>().unwrap();
        for kg in n("data-first")..=n("data-last") {
            covered.push((kg, n("data-from"), n("data-to")));
        }
    }
    assert_eq!(
        covered, expected,
        "exactly the key groups that changed subtask"
    );
    let marks = bar.query_selector_all(".st-keymark-moved").unwrap();
    assert!(marks.length() > 0, "some of the talk's keys moved");
    for i in 0..marks.length() {
        let mark: DomElement = wasm_bindgen::JsCast::dyn_into(marks.get(i).unwrap()).unwrap();
        let moved = mark.get_attribute("data-moved").unwrap();
        let (from, to) = moved.split_once('>').unwrap();
        assert_ne!(from, to);
        assert!(mark
            .text_content()
            .unwrap()
            .contains(&format!("#{from}→#{to}")));
    }
}
