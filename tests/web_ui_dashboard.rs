//! The dashboard panels in a real browser: for a given engine state, the DOM shows the figures
//! the engine (and the REST DTOs built from it) holds, in Flink's words.
#![cfg(target_arch = "wasm32")]

mod web_common;

use flinkscope::app::SessionOwner;
use flinkscope::sim::event::Command;
use flinkscope::sim::ids::TaskManagerId;
use flinkscope::sim::rest::{build, CheckpointStatistics};
use flinkscope::sim::SimConfig;
use flinkscope::ui::checkpoints::CheckpointsPanel;
use flinkscope::ui::dashboard::OverviewPanel;
use flinkscope::ui::exceptions::ExceptionsPanel;
use flinkscope::ui::Lang;
use wasm_bindgen_test::*;
use web_common::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// The default scenario at 95 s (nine or so checkpoints, no failure).
fn default_95s() -> SessionOwner {
    model_at(SimConfig::default(), 1, 95_000, &[])
}

/// TaskManager 2 killed at 45 s, run to 120 s.
fn tm2_killed() -> SessionOwner {
    let kill = Command::KillTaskManager {
        task_manager: TaskManagerId(1),
    };
    model_at(SimConfig::default(), 1, 120_000, &[(45_000, kill)])
}

async fn click_and_render(root: &Element, testid: &str) {
    let element = by_testid(root, testid).unwrap_or_else(|| panic!("no {testid} to click"));
    click(&element);
    yew::scheduler::flush().await;
}

/// The history ids on screen, in DOM order.
fn history_ids(root: &Element) -> Vec<i64> {
    let rows = root
        .query_selector_all("[data-testid^=\"cp-row-\"]")
        .unwrap();
    (0..rows.length())
        .filter_map(|i| rows.get(i))
        .filter_map(|node| wasm_bindgen::JsCast::dyn_into::<Element>(node).ok())
        .map(|row| {
            let id = row.get_attribute("data-testid").unwrap();
            id.trim_start_matches("cp-row-").parse().unwrap()
        })
        .collect()
}

#[wasm_bindgen_test]
async fn checkpoint_counts_are_the_engines() {
    let model = default_95s();
    let counts = model.read().sim().view().coordinator().counts;
    let root = mount::<CheckpointsPanel>(panel_props(&model, Lang::En)).await;
    assert!(
        counts.completed >= 8,
        "95 s of the default scenario completes at least 8 checkpoints, got {}",
        counts.completed
    );
    assert_eq!(
        text(&root, "cp-count-completed"),
        counts.completed.to_string()
    );
    assert_eq!(text(&root, "cp-count-triggered"), counts.total.to_string());
    assert_eq!(
        text(&root, "cp-count-in-progress"),
        counts.in_progress.to_string()
    );
    assert_eq!(text(&root, "cp-count-failed"), counts.failed.to_string());
    assert_eq!(text(&root, "cp-count-restored"), "0");
    let latest = model
        .read()
        .sim()
        .view()
        .coordinator()
        .latest_completed
        .as_ref()
        .map(|r| r.id.0)
        .unwrap();
    assert_eq!(text(&root, "cp-latest-completed-id"), latest.to_string());
    // The default sub-tab is Overview, and it says so to assistive technology.
    let overview = by_testid(&root, "cp-tab-overview").unwrap();
    assert_eq!(overview.get_attribute("role").as_deref(), Some("tab"));
    assert_eq!(
        overview.get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    assert!(by_testid(&root, "cp-history").is_none());
}

#[wasm_bindgen_test]
async fn history_lists_the_newest_checkpoints_first() {
    let model = default_95s();
    let expected: Vec<i64> = {
        let m = model.read();
        let view = m.sim().view();
        build::checkpoints(&view)
            .history
            .iter()
            .map(|c| c.base().id)
            .collect()
    };
    let newest = model.read().sim().view().coordinator().next_id as i64 - 1;
    let root = mount::<CheckpointsPanel>(panel_props(&model, Lang::En)).await;
    click_and_render(&root, "cp-tab-history").await;
    let table = by_testid(&root, "cp-history").expect("the history table");
    assert_eq!(table.tag_name(), "TABLE");
    assert_eq!(
        by_testid(&root, "cp-tab-history")
            .unwrap()
            .get_attribute("aria-selected")
            .as_deref(),
        Some("true")
    );
    let ids = history_ids(&root);
    assert_eq!(ids, expected, "the rows are the REST history, in its order");
    assert!(!ids.is_empty() && ids.len() <= 10, "{ids:?}");
    assert_eq!(ids[0], newest, "newest first");
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "descending: {ids:?}");
    let row = by_testid(&root, &format!("cp-row-{newest}")).unwrap();
    let cells = row.text_content().unwrap();
    assert!(cells.contains("COMPLETED"), "{cells}");
    assert!(cells.contains("6/6"), "{cells}");
}

#[wasm_bindgen_test]
async fn a_checkpoint_expands_to_operators_and_subtasks() {
    let model = default_95s();
    let id = model
        .read()
        .sim()
        .view()
        .coordinator()
        .latest_completed
        .as_ref()
        .unwrap()
        .id
        .0;
    let root = mount::<CheckpointsPanel>(panel_props(&model, Lang::En)).await;
    click_and_render(&root, "cp-tab-history").await;
    assert!(by_testid(&root, &format!("cp-op-{id}-0")).is_none());
    let expand = format!("cp-expand-{id}");
    assert_eq!(
        by_testid(&root, &expand)
            .unwrap()
            .get_attribute("aria-expanded")
            .as_deref(),
        Some("false")
    );
    click_and_render(&root, &expand).await;
    let button = by_testid(&root, &expand).unwrap();
    assert_eq!(
        button.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    let region = button.get_attribute("aria-controls").unwrap();
    let detail = root
        .query_selector(&format!("#{region}"))
        .unwrap()
        .expect("the controlled region");
    // The chained job has two vertices: Source, and AbnormalAlarmFunction -> Sink.
    let operators = detail.query_selector_all("tr.cp-op-row").unwrap();
    assert_eq!(operators.length(), 2);
    assert!(by_testid(&root, &format!("cp-op-{id}-0")).is_some());
    assert!(by_testid(&root, &format!("cp-op-{id}-1")).is_some());
    assert!(by_testid(&root, &format!("cp-op-{id}-2")).is_none());
    assert!(
        text(&root, &format!("cp-op-{id}-1")).contains("AbnormalAlarmFunction -> Sink: PrintSink")
    );
    assert!(text(&root, &format!("cp-op-{id}-1")).contains("3/3 (100%)"));

    click_and_render(&root, &format!("cp-op-expand-{id}-1")).await;
    for subtask in 0..3 {
        let row = text(&root, &format!("cp-sub-{id}-1-{subtask}"));
        assert!(row.starts_with(&subtask.to_string()), "{row}");
        assert!(row.contains("false"), "an aligned checkpoint: {row}");
    }
    assert!(by_testid(&root, &format!("cp-sub-{id}-1-3")).is_none());
    let summary = text(&root, &format!("cp-subsummary-{id}-1"));
    assert!(
        summary.contains("Minimum") && summary.contains("Maximum"),
        "{summary}"
    );

    // Collapsing the checkpoint hides its operators again.
    click_and_render(&root, &expand).await;
    assert!(by_testid(&root, &format!("cp-op-{id}-0")).is_none());
}

#[wasm_bindgen_test]
async fn summary_and_configuration_tabs() {
    let model = default_95s();
    let root = mount::<CheckpointsPanel>(panel_props(&model, Lang::En)).await;
    click_and_render(&root, "cp-tab-summary").await;
    let summary = text(&root, "cp-summary");
    for label in ["Minimum", "Average", "Maximum", "End to End Duration"] {
        assert!(summary.contains(label), "{label} in {summary}");
    }
    assert!(by_testid(&root, "cp-percentiles").is_none());
    click_and_render(&root, "cp-percentiles-toggle").await;
    let percentiles = text(&root, "cp-percentiles");
    assert!(percentiles.contains("99.9%"), "{percentiles}");

    click_and_render(&root, "cp-tab-config").await;
    assert_eq!(text(&root, "cp-config-mode"), "Exactly Once");
    assert_eq!(text(&root, "cp-config-interval"), "10s 0ms");
    assert_eq!(text(&root, "cp-config-timeout"), "1m 0s 0ms");
    assert_eq!(text(&root, "cp-config-min-pause"), "5s 0ms");
    assert_eq!(text(&root, "cp-config-unaligned"), "Disabled");
    assert_eq!(text(&root, "cp-config-aligned-timeout"), "0ms");
    assert_eq!(text(&root, "cp-config-tolerable"), "0");
    assert_eq!(
        text(&root, "cp-config-storage"),
        "FileSystemCheckpointStorage"
    );
}

#[wasm_bindgen_test]
async fn a_lost_task_manager_shows_restores_and_the_exception() {
    let model = tm2_killed();
    let restored = model.read().sim().view().coordinator().counts.restored;
    assert!(restored >= 1);
    let root = mount::<CheckpointsPanel>(panel_props(&model, Lang::En)).await;
    assert_eq!(text(&root, "cp-count-restored"), restored.to_string());
    let restore = text(&root, "cp-latest-restore");
    assert!(
        restore.contains("Checkpoint") && restore.contains("/chk-"),
        "{restore}"
    );

    let root = mount::<ExceptionsPanel>(panel_props(&model, Lang::En)).await;
    assert!(by_testid(&root, "exc-empty").is_none());
    let entries = model.read().sim().view().exceptions().count();
    let rows = (0..entries)
        .map(|i| text(&root, &format!("exc-class-{i}")))
        .collect::<Vec<_>>();
    let remote = rows
        .iter()
        .position(|class| class.ends_with("RemoteTransportException"))
        .unwrap_or_else(|| panic!("a RemoteTransportException row in {rows:?}"));
    let row = text(&root, &format!("exc-row-{remote}"));
    assert!(
        row.contains("(localhost:"),
        "location is id(endpoint): {row}"
    );
    click_and_render(&root, &format!("exc-expand-{remote}")).await;
    let trace = by_testid(&root, &format!("exc-trace-{remote}")).unwrap();
    assert_eq!(trace.tag_name(), "PRE");
    assert!(trace
        .text_content()
        .unwrap()
        .contains("Connection unexpectedly closed by remote task manager"));
    let timeline = text(&root, "exc-timeline");
    assert!(timeline.contains("RESTARTING"), "{timeline}");
    assert!(timeline.contains("chk-"), "{timeline}");

    click_and_render(&root, "exc-tab-root").await;
    assert!(text(&root, "exc-root").contains("Exception"));
}

#[wasm_bindgen_test]
async fn no_failure_means_an_empty_exception_history() {
    let model = default_95s();
    let root = mount::<ExceptionsPanel>(panel_props(&model, Lang::En)).await;
    assert!(by_testid(&root, "exc-empty").is_some());
    assert!(text(&root, "exc-empty").contains("No exceptions"));
    assert!(root
        .text_content()
        .unwrap()
        .contains("web.exception-history-size"));
}

#[wasm_bindgen_test]
async fn overview_shows_slots_vertices_and_key_group_skew() {
    let model = default_95s();
    let root = mount::<OverviewPanel>(panel_props(&model, Lang::En)).await;
    assert_eq!(text(&root, "dash-slots-total"), "9");
    assert_eq!(text(&root, "dash-task-managers"), "3");
    assert_eq!(text(&root, "dash-slots-available"), "6");
    assert_eq!(text(&root, "dash-job-state"), "RUNNING");
    let jid = model.read().sim().view().job_id().to_string();
    assert_eq!(text(&root, "dash-job-id"), jid);
    assert!(by_testid(&root, "dash-vertex-0").is_some());
    assert!(by_testid(&root, "dash-vertex-1").is_some());
    assert!(by_testid(&root, "dash-vertex-2").is_none());
    assert!(text(&root, "dash-vertex-1").contains("AbnormalAlarmFunction -> Sink: PrintSink"));
    // The keyed vertex starts expanded: subtask 1 owns no key, so it receives nothing.
    assert_eq!(text(&root, "dash-sub-1-1-records-in"), "0");
    let busy: u64 = text(&root, "dash-sub-1-0-records-in")
        .replace(',', "")
        .parse()
        .unwrap();
    let busier: u64 = text(&root, "dash-sub-1-2-records-in")
        .replace(',', "")
        .parse()
        .unwrap();
    assert!(busy > 0 && busier > busy, "skew {busy} / 0 / {busier}");
    // The source reads nothing over the network, as in Flink.
    assert_eq!(text(&root, "dash-vertex-0-records-in"), "0");
    assert!(
        text(&root, "dash-vertex-0").contains("N/A"),
        "a legacy source has no busy time"
    );
    // Expanding the source shows its subtasks; collapsing the keyed vertex hides them.
    assert!(by_testid(&root, "dash-sub-0-0").is_none());
    click_and_render(&root, "dash-vertex-expand-0").await;
    assert!(by_testid(&root, "dash-sub-0-2").is_some());
    click_and_render(&root, "dash-vertex-expand-1").await;
    assert!(by_testid(&root, "dash-sub-1-1").is_none());
    assert_eq!(
        by_testid(&root, "dash-vertex-expand-1")
            .unwrap()
            .get_attribute("aria-expanded")
            .as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn korean_labels() {
    let model = default_95s();
    let root = mount::<CheckpointsPanel>(panel_props(&model, Lang::Ko)).await;
    let all = root.text_content().unwrap();
    assert!(all.contains("체크포인트 개수"), "{all}");
    assert!(all.contains("최근 완료된 체크포인트"), "{all}");
    assert_eq!(text(&root, "cp-tab-history"), "기록");
    click_and_render(&root, "cp-tab-history").await;
    assert!(text(&root, "cp-history").contains("트리거 시각"));

    let root = mount::<OverviewPanel>(panel_props(&model, Lang::Ko)).await;
    let all = root.text_content().unwrap();
    assert!(all.contains("사용 가능한 태스크 슬롯"), "{all}");
    assert!(all.contains("받은 레코드"), "{all}");

    let root = mount::<ExceptionsPanel>(panel_props(&model, Lang::Ko)).await;
    assert!(text(&root, "exc-tab-history").contains("예외 기록"));
}

#[wasm_bindgen_test]
async fn a_pending_checkpoint_shows_live_acknowledgements() {
    // Stop right after a trigger, before every subtask has acknowledged.
    // (The first barrier is injected when the trigger reaches a source.)
    let model = SessionOwner::new(flinkscope::app::Session::new(SimConfig::default(), 1));
    model.apply(
        flinkscope::app::Action::StepUntil(flinkscope::app::Stop::Barrier),
        &wall,
    );
    let pending = {
        let m = model.read();
        let view = m.sim().view();
        build::checkpoints(&view)
            .history
            .iter()
            .find_map(|c| match c {
                CheckpointStatistics::InProgress(p) => Some(p.base.clone()),
                _ => None,
            })
            .expect("a checkpoint in progress right after its trigger")
    };
    let root = mount::<CheckpointsPanel>(panel_props(&model, Lang::En)).await;
    assert_eq!(text(&root, "cp-count-in-progress"), "1");
    assert_eq!(
        text(&root, &format!("cp-pending-acks-{}", pending.id)),
        format!(
            "{}/{}",
            pending.num_acknowledged_subtasks, pending.num_subtasks
        )
    );
    click_and_render(&root, "cp-tab-history").await;
    let row = text(&root, &format!("cp-row-{}", pending.id));
    assert!(row.contains("IN_PROGRESS") && row.contains("%"), "{row}");
}

#[wasm_bindgen_test]
async fn failed_checkpoints_show_their_failure_message() {
    let failing = Command::SetCheckpointStorageFailing { failing: true };
    let model = model_at(SimConfig::default(), 1, 40_000, &[(15_000, failing)]);
    let (failed_id, message) = {
        let m = model.read();
        let view = m.sim().view();
        let stats = build::checkpoints(&view);
        let failed = stats
            .latest
            .failed
            .expect("storage failures fail checkpoints");
        (failed.base.id, failed.failure_message.unwrap())
    };
    let root = mount::<CheckpointsPanel>(panel_props(&model, Lang::En)).await;
    assert!(text(&root, "cp-latest-failed").contains(&message));
    assert_ne!(text(&root, "cp-count-failed"), "0");
    click_and_render(&root, "cp-tab-history").await;
    let row = text(&root, &format!("cp-row-{failed_id}"));
    assert!(row.contains("FAILED"), "{row}");
    let failure = text(&root, &format!("cp-fail-{failed_id}"));
    assert!(failure.contains(&message), "{failure}");
    // The failed checkpoint's operators show what was acknowledged before it failed.
    click_and_render(&root, &format!("cp-expand-{failed_id}")).await;
    assert!(by_testid(&root, &format!("cp-op-{failed_id}-1")).is_some());
}
