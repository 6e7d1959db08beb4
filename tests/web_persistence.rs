//! Write-behind persistence in the browser: the session's mirror, performed by the page's pump
//! against real IndexedDB, ends holding exactly the engine's retained checkpoints, and a reload
//! resumes from what was written.
#![cfg(target_arch = "wasm32")]

use flinkscope::app::mirror::ArchiveState;
use flinkscope::app::{Action, Session, SessionOwner};
use flinkscope::sim::{SimConfig, SimTime};
use flinkscope::web::archive::{Archive, CheckpointArchive};
use flinkscope::web::indexed_db::IndexedDbArchive;
use flinkscope::web::pump::perform;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn wall() -> f64 {
    js_sys::Date::now()
}

async fn open_archive(name: &str) -> Archive {
    let name = format!(
        "flinkscope-test-{name}-{}",
        js_sys::Math::random().to_bits()
    );
    Archive::IndexedDb(IndexedDbArchive::open(&name, 1).await.unwrap())
}

/// A session whose archive is open (and empty).
async fn session_on(archive: &Archive, config: SimConfig, seed: u64) -> SessionOwner {
    let owner = SessionOwner::new(Session::new(config, seed));
    let listing = archive.list().await.map_err(|e| e.to_string());
    owner.apply(
        Action::ArchiveOpened {
            state: ArchiveState::IndexedDb,
            listing,
        },
        &wall,
    );
    owner
}

/// Performs the mirror's batches until it has none, as the page's pump does.
async fn drain(owner: &SessionOwner, archive: &Archive) -> usize {
    let mut batches = 0;
    while let Some(batch) = owner.take_batch() {
        let outcome = perform(archive, &batch).await.map_err(|e| e.to_string());
        let listing = archive.list().await.ok();
        owner.apply(
            Action::BatchDone {
                batch,
                outcome,
                listing,
            },
            &wall,
        );
        batches += 1;
    }
    batches
}

/// Plays at 100× until `ms`, performing the mirror's batches every few frames (so writes queue
/// up between them, as when IndexedDB is slower than the engine).
async fn play_to(owner: &SessionOwner, archive: &Archive, ms: u64) -> usize {
    owner.apply(Action::SetSpeed("100".into()), &wall);
    owner.apply(Action::Play, &wall);
    let (mut t, mut frames, mut batches) = (0.0, 0, 0);
    while owner.read().sim().now() < SimTime::from_ms(ms) {
        t += 16.0;
        owner.apply(Action::Frame { timestamp_ms: t }, &wall);
        frames += 1;
        if frames % 5 == 0 {
            batches += drain(owner, archive).await;
        }
    }
    owner.apply(Action::Pause, &wall);
    batches + drain(owner, archive).await
}

/// Completed checkpoints land in IndexedDB with the job record; retention deletes subsumed
/// ones, so the archive ends holding exactly the engine's retained checkpoints, each marked
/// persisted.
#[wasm_bindgen_test]
async fn archive_mirrors_the_retained_checkpoints() {
    let archive = open_archive("mirror").await;
    let config = SimConfig {
        num_retained: 2,
        ..SimConfig::default()
    };
    let owner = session_on(&archive, config, 6).await;
    let batches = play_to(&owner, &archive, 120_000).await;
    let listing = archive.list().await.unwrap();
    let retained: Vec<u32> = owner
        .read()
        .sim()
        .view()
        .retained_checkpoints()
        .iter()
        .map(|m| m.checkpoint_id.0)
        .collect();
    let stored: Vec<u32> = listing
        .checkpoints
        .iter()
        .map(|c| c.checkpoint_id)
        .collect();
    assert_eq!(stored, retained);
    assert_eq!(listing.jobs.len(), 1);
    assert!(listing.problems.is_empty());
    let persisted: Vec<u32> = owner.read().mirror().persisted().to_vec();
    assert_eq!(
        persisted, retained,
        "each retained checkpoint is marked persisted"
    );
    assert!(batches > 3, "{batches} batches");
    assert_eq!(owner.read().mirror().last_error(), None);
}

/// A reload resumes from what was written: a new JobManager, the latest checkpoint, ids
/// continuing, restored once.
#[wasm_bindgen_test]
async fn resume_from_the_archive() {
    let archive = open_archive("resume").await;
    let owner = session_on(&archive, SimConfig::default(), 6).await;
    play_to(&owner, &archive, 95_000).await;
    let latest = owner.read().sim().view().retained_checkpoints()[0].checkpoint_id;
    let counter = owner.read().sim().jobmanager_state().next_checkpoint_id;
    // The reload: a new page on the same database.
    let reloaded = session_on(&archive, SimConfig::default(), 1).await;
    assert!(reloaded.read().mirror().offer().is_some());
    reloaded.apply(Action::Resume, &wall);
    let session = reloaded.read();
    assert!(
        session
            .notice()
            .unwrap()
            .contains("recovered the stored job"),
        "{:?}",
        session.notice()
    );
    let view = session.sim().view();
    assert_eq!(view.coordinator().counts.restored, 1);
    assert_eq!(
        view.coordinator().latest_restored.as_ref().map(|r| r.id),
        Some(latest)
    );
    assert_eq!(
        view.coordinator().next_id,
        counter,
        "checkpoint ids continue"
    );
    assert_eq!(view.job_status().as_str(), "RUNNING");
}
