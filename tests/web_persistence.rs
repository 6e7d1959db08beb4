//! Write-behind persistence: what the page writes to the archive as the engine runs.
#![cfg(target_arch = "wasm32")]

use flinkscope::sim::{SimConfig, SimTime};
use flinkscope::storage::{Archive, CheckpointArchive, MemoryArchive};
use flinkscope::ui::persistence;
use flinkscope::ui::{Model, ModelRef};
use wasm_bindgen_test::*;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

/// Lets queued async work run (the memory archive completes within microtasks).
async fn settle(model: &ModelRef) {
    for _ in 0..10_000 {
        {
            let m = model.borrow();
            if m.persistence.pending.is_empty() && !m.persistence.busy {
                return;
            }
        }
        let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(
            &wasm_bindgen::JsValue::NULL,
        ))
        .await;
    }
    panic!("archive operations did not settle");
}

fn model_with_archive(config: SimConfig) -> (ModelRef, MemoryArchive) {
    let archive = MemoryArchive::default();
    let mut model = Model::new(config, 6);
    model.persistence.archive = Some(Archive::Memory(archive.clone()));
    (ModelRef::new(model), archive)
}

fn run_to(model: &ModelRef, ms: u64) {
    let mut m = model.borrow_mut();
    m.playing = true;
    m.clock.set_speed_milli(1_000_000);
    while m.sim.now() < SimTime::from_ms(ms) {
        m.frame(16_667);
    }
    m.playing = false;
}

/// Completed checkpoints land in the archive with the job record; retention deletes subsumed
/// ones, so the archive ends holding exactly the engine's retained checkpoints.
#[wasm_bindgen_test]
async fn archive_mirrors_the_retained_checkpoints() {
    let (model, archive) = model_with_archive(SimConfig {
        num_retained: 2,
        ..SimConfig::default()
    });
    run_to(&model, 120_000);
    persistence::pump(model.clone(), Callback::noop());
    settle(&model).await;
    let listing = archive.list().await.unwrap();
    let retained: Vec<u32> = model
        .borrow()
        .sim
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
    let persisted: Vec<u32> = model
        .borrow()
        .persistence
        .persisted
        .iter()
        .copied()
        .collect();
    assert_eq!(
        persisted, retained,
        "each retained checkpoint is marked persisted"
    );
}

/// A reload resumes from what was written: a new JobManager, the latest checkpoint, ids
/// continuing, restored once.
#[wasm_bindgen_test]
async fn resume_from_the_archive() {
    let (model, archive) = model_with_archive(SimConfig::default());
    run_to(&model, 95_000);
    {
        let mut m = model.borrow_mut();
        let m = &mut *m;
        m.persistence.save_job(&m.sim, 0.0);
    }
    persistence::pump(model.clone(), Callback::noop());
    settle(&model).await;
    let latest = model.borrow().sim.view().retained_checkpoints()[0].checkpoint_id;
    let counter = model.borrow().sim.jobmanager_state().next_checkpoint_id;
    // The reload: a new page with the same archive.
    let reloaded = ModelRef::new(Model::new(SimConfig::default(), 1));
    reloaded.borrow_mut().persistence.archive = Some(Archive::Memory(archive.clone()));
    let listing = archive.list().await.unwrap();
    reloaded.borrow_mut().persistence.offer = Some(persistence::ResumeOffer {
        job: listing.jobs[0].clone(),
        checkpoints: listing.checkpoints.clone(),
        problems: Vec::new(),
    });
    let problems = persistence::resume(&reloaded).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let m = reloaded.borrow();
    let view = m.sim.view();
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
