//! The checkpoint archive against real IndexedDB in headless Chromium.
#![cfg(target_arch = "wasm32")]

use flinkscope::app::records::{StoredCheckpoint, StoredJob};
use flinkscope::sim::{Sim, SimConfig, SimTime};
use flinkscope::web::archive::{ArchiveError, CheckpointArchive, Write};
use flinkscope::web::indexed_db::IndexedDbArchive;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn unique(name: &str) -> String {
    format!(
        "flinkscope-test-{name}-{}",
        js_sys::Math::random().to_bits()
    )
}

fn records(retained: u32) -> (StoredJob, Vec<StoredCheckpoint>) {
    let config = SimConfig {
        num_retained: retained,
        ..SimConfig::default()
    };
    let mut sim = Sim::new(config, 4).unwrap();
    sim.advance_to(SimTime::from_ms(60_000));
    let checkpoints = sim
        .view()
        .retained_checkpoints()
        .iter()
        .map(|m| StoredCheckpoint::new(m.clone(), 1))
        .collect();
    (StoredJob::new(sim.jobmanager_state(), 1), checkpoints)
}

/// A job and its checkpoints written to IndexedDB read back identical, under Flink's keys.
#[wasm_bindgen_test]
async fn round_trip_of_a_checkpoint() {
    let archive = IndexedDbArchive::open(&unique("round-trip"), 1)
        .await
        .unwrap();
    let (job, checkpoints) = records(1);
    archive.put_job(&job).await.unwrap();
    archive.put_checkpoint(&checkpoints[0]).await.unwrap();
    let listing = archive.list().await.unwrap();
    assert_eq!(listing.jobs, vec![job.clone()]);
    assert_eq!(listing.checkpoints, checkpoints);
    assert!(listing.problems.is_empty());
    assert_eq!(
        checkpoints[0].key(),
        format!("{}/chk-{}", job.job_id, checkpoints[0].checkpoint_id)
    );
}

/// A batch is one transaction performed in order: what the write-behind mirror sends when
/// checkpoints complete faster than IndexedDB writes them.
#[wasm_bindgen_test]
async fn a_batch_of_writes_applies_in_order() {
    let archive = IndexedDbArchive::open(&unique("batch"), 1).await.unwrap();
    let (job, checkpoints) = records(3);
    let [a, b, c] = [&checkpoints[0], &checkpoints[1], &checkpoints[2]];
    let (key_a, key_c) = (a.key(), c.key());
    archive
        .apply(&[
            Write::PutCheckpoint(a),
            Write::PutJob(&job),
            Write::Discard(&key_c), // not there yet: nothing to delete
            Write::PutCheckpoint(b),
            Write::PutCheckpoint(c),
            Write::Discard(&key_a), // after its put: gone
        ])
        .await
        .unwrap();
    let listing = archive.list().await.unwrap();
    let ids: Vec<u32> = listing
        .checkpoints
        .iter()
        .map(|c| c.checkpoint_id)
        .collect();
    assert_eq!(ids, vec![b.checkpoint_id, c.checkpoint_id]);
    assert_eq!(listing.jobs, vec![job.clone()]);
    archive
        .apply(&[Write::DiscardJob(&job.job_id)])
        .await
        .unwrap();
    let listing = archive.list().await.unwrap();
    assert!(listing.jobs.is_empty());
    assert_eq!(
        listing.problems.len(),
        2,
        "checkpoints whose job is gone are reported: {:?}",
        listing.problems
    );
}

/// Discarding a subsumed checkpoint removes it from IndexedDB; clear empties both stores.
#[wasm_bindgen_test]
async fn discarded_checkpoints_leave_the_database() {
    let archive = IndexedDbArchive::open(&unique("retention"), 1)
        .await
        .unwrap();
    let (job, checkpoints) = records(3);
    assert_eq!(checkpoints.len(), 3);
    archive.put_job(&job).await.unwrap();
    for checkpoint in &checkpoints {
        archive.put_checkpoint(checkpoint).await.unwrap();
    }
    archive.discard(&checkpoints[0].key()).await.unwrap();
    let ids: Vec<u32> = archive
        .list()
        .await
        .unwrap()
        .checkpoints
        .iter()
        .map(|c| c.checkpoint_id)
        .collect();
    assert_eq!(
        ids,
        vec![checkpoints[1].checkpoint_id, checkpoints[2].checkpoint_id]
    );
    archive.clear().await.unwrap();
    let listing = archive.list().await.unwrap();
    assert!(listing.jobs.is_empty() && listing.checkpoints.is_empty());
}

/// Truncated JSON, an unknown version and an orphan are reported and skipped, the good record
/// still listed.
#[wasm_bindgen_test]
async fn corrupt_records_are_reported_and_skipped() {
    let archive = IndexedDbArchive::open(&unique("corrupt"), 1).await.unwrap();
    let (job, checkpoints) = records(1);
    archive.put_job(&job).await.unwrap();
    archive.put_checkpoint(&checkpoints[0]).await.unwrap();
    let text = serde_json::to_string(&checkpoints[0]).unwrap();
    archive
        .put_raw_checkpoint(&format!("{}/chk-900", job.job_id), &text[..text.len() / 3])
        .await
        .unwrap();
    let future = text.replacen("\"version\":1", "\"version\":42", 1);
    archive
        .put_raw_checkpoint(&format!("{}/chk-901", job.job_id), &future)
        .await
        .unwrap();
    let orphan = text.replace(&job.job_id, "ffffffffffffffffffffffffffffffff");
    archive
        .put_raw_checkpoint(
            &format!(
                "ffffffffffffffffffffffffffffffff/chk-{}",
                checkpoints[0].checkpoint_id
            ),
            &orphan,
        )
        .await
        .unwrap();
    let listing = archive.list().await.unwrap();
    assert_eq!(listing.checkpoints, checkpoints);
    let reasons: Vec<&str> = listing.problems.iter().map(|p| p.reason.as_str()).collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(reasons
        .iter()
        .any(|r| r.contains("truncated or invalid JSON")));
    assert!(reasons
        .iter()
        .any(|r| r.contains("unknown record version 42")));
    assert!(reasons.iter().any(|r| r.contains("has no job record")));
}

/// Opening fails cleanly (a newer version exists): the error says why, so the app can fall back
/// to memory.
#[wasm_bindgen_test]
async fn opening_an_older_version_fails_with_a_reason() {
    let name = unique("version");
    let newer = IndexedDbArchive::open(&name, 2).await.unwrap();
    drop(newer);
    match IndexedDbArchive::open(&name, 1).await {
        Err(ArchiveError::Unavailable(reason)) => {
            assert!(reason.contains("VersionError"), "{reason}")
        }
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("opening an older version must fail"),
    }
}

/// The storage browser lists what the archive holds, job by job, marks the running job's
/// entries persisted, and shows unreadable records with their reason.
#[wasm_bindgen_test]
async fn storage_browser_reads_the_archive() {
    use flinkscope::app::mirror::ArchiveState;
    use flinkscope::app::{Action, Session, SessionOwner};
    use flinkscope::run::RunScript;
    use flinkscope::ui::{storage::StorageBrowser, Lang, PanelProps};
    use flinkscope::web::memory::MemoryArchive;
    use yew::Callback;
    let wall = || js_sys::Date::now();
    let config = SimConfig {
        num_retained: 2,
        ..SimConfig::default()
    };
    let owner = SessionOwner::new(Session::new(config.clone(), 4));
    let script = RunScript {
        seed: 4,
        config,
        commands: Vec::new(),
        until: SimTime::from_ms(60_000),
        from: None,
    };
    owner.apply(
        Action::Import(Ok(serde_json::to_string(&script.to_file()).unwrap())),
        &wall,
    );
    let archive = MemoryArchive::default();
    let (state, retained) = {
        let session = owner.read();
        (
            session.sim().jobmanager_state(),
            session.sim().view().retained_checkpoints().to_vec(),
        )
    };
    archive.put_job(&StoredJob::new(state, 1)).await.unwrap();
    for m in retained {
        archive
            .put_checkpoint(&StoredCheckpoint::new(m, 1))
            .await
            .unwrap();
    }
    archive.put_raw_checkpoint("0123456789abcdef0123456789abcdef/chk-3", "{\"record\":");
    owner.apply(
        Action::ArchiveOpened {
            state: ArchiveState::IndexedDb,
            listing: Ok(archive.list().await.unwrap()),
        },
        &wall,
    );
    let props = PanelProps {
        session: owner.reader(),
        lang: Lang::En,
        tick: 1,
        on_command: Callback::noop(),
        dispatch: Callback::noop(),
        side: 0,
    };
    let root = container();
    yew::Renderer::<StorageBrowser>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    let entries = root
        .query_selector_all("[data-testid=\"storage-entry\"]")
        .unwrap();
    assert_eq!(entries.length(), 2);
    let first: web_sys::Element = wasm_bindgen::JsCast::dyn_into(entries.get(0).unwrap()).unwrap();
    assert_eq!(
        first.get_attribute("data-status").as_deref(),
        Some("persisted")
    );
    let problems = root
        .query_selector("[data-testid=\"storage-problems\"]")
        .unwrap()
        .expect("problems listed");
    assert!(problems
        .text_content()
        .unwrap()
        .contains("truncated or invalid JSON"));
}

fn container() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let element = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    element
}
