//! Write-behind persistence: completed checkpoints and the job's JobManager state mirrored to
//! IndexedDB (or the in-memory fallback), and the resume offer after a reload.
//!
//! The engine never waits: the model queues archive operations as events arrive, and one async
//! task at a time performs them. A checkpoint discarded before it was written is never written.
//! Every failure is shown; when IndexedDB cannot be opened the page continues on memory with a
//! visible notice.

use super::model::ModelRef;
use crate::sim::event::{Event, TimedEvent};
use crate::sim::storage::{CheckpointStorage, MemoryCheckpointStorage};
use crate::sim::Sim;
use crate::storage::indexed_db::{IndexedDbArchive, DB_NAME, DB_VERSION};
use crate::storage::records::checkpoint_key;
use crate::storage::{
    Archive, CheckpointArchive, Listing, MemoryArchive, StoredCheckpoint, StoredJob, Write,
};
use std::collections::{BTreeSet, VecDeque};
use yew::Callback;

/// Archive operations queued at most (older job-state saves are coalesced first).
pub const PENDING_OPS_MAX: usize = 256;
/// Operations written in one transaction at most (a few MB at the largest checkpoints).
pub const BATCH_MAX: usize = 64;
/// Wall milliseconds between job-state saves while playing.
pub const JOB_SAVE_INTERVAL_MS: f64 = 2_000.0;

/// One archive operation.
#[derive(Clone, Debug)]
pub enum ArchiveOp {
    /// Write a completed checkpoint.
    PutCheckpoint(Box<StoredCheckpoint>),
    /// Delete a checkpoint by key.
    Discard(String),
    /// Write the job record.
    PutJob(Box<StoredJob>),
    /// Delete every record.
    Clear,
    /// Delete a job's record and all its checkpoints.
    ForgetJob(String),
}

impl ArchiveOp {
    /// The archive write this is, for the ops that batch.
    fn write(&self) -> Option<Write<'_>> {
        match self {
            ArchiveOp::PutCheckpoint(record) => Some(Write::PutCheckpoint(record)),
            ArchiveOp::Discard(key) => Some(Write::Discard(key)),
            ArchiveOp::PutJob(record) => Some(Write::PutJob(record)),
            ArchiveOp::Clear | ArchiveOp::ForgetJob(_) => None,
        }
    }
}

/// What the page offers after a reload when a stored job exists.
#[derive(Clone, Debug, PartialEq)]
pub struct ResumeOffer {
    /// The stored job.
    pub job: StoredJob,
    /// Its readable checkpoints, oldest first.
    pub checkpoints: Vec<StoredCheckpoint>,
    /// Records that were skipped, with reasons.
    pub problems: Vec<String>,
}

/// The persistence state of the page.
#[derive(Default)]
pub struct Persistence {
    /// The archive, once opened.
    pub archive: Option<Archive>,
    /// Why the in-memory fallback is active (the `storage-notice`).
    pub fallback_reason: Option<String>,
    /// Checkpoint ids of the current job written to the archive.
    pub persisted: BTreeSet<u32>,
    /// Operations waiting.
    pub pending: VecDeque<ArchiveOp>,
    /// Whether an operation is running.
    pub busy: bool,
    /// The last failed operation, shown to the user.
    pub last_error: Option<String>,
    /// The last read of the archive (the storage browser shows it).
    pub listing: Option<Listing>,
    /// The offer to resume a stored job.
    pub offer: Option<ResumeOffer>,
    /// When the job state was last queued (wall ms).
    pub last_job_save_ms: f64,
    /// How long the last resume took (wall ms).
    pub resume_ms: Option<f64>,
}

impl Persistence {
    /// Queues what the engine's new events require.
    pub fn observe(&mut self, sim: &Sim, events: &[TimedEvent], now_ms: f64) {
        if self.offer.is_some() {
            return; // nothing is written until the user chose to resume or start fresh
        }
        let mut save_job = false;
        for event in events {
            match event.event {
                Event::CheckpointCompleted { checkpoint, .. } => {
                    if let Some(metadata) = sim.view().storage().get(checkpoint) {
                        self.push(ArchiveOp::PutCheckpoint(Box::new(StoredCheckpoint::new(
                            metadata.clone(),
                            now_ms as u64,
                        ))));
                    }
                    save_job = true;
                }
                Event::CheckpointDiscarded { checkpoint } => {
                    let key = checkpoint_key(sim.view().job_id(), checkpoint.0);
                    self.persisted.remove(&checkpoint.0);
                    let before = self.pending.len();
                    self.pending
                        .retain(|op| !matches!(op, ArchiveOp::PutCheckpoint(c) if c.key() == key));
                    if self.pending.len() == before {
                        self.push(ArchiveOp::Discard(key));
                    }
                }
                Event::JobRestored { .. } => save_job = true,
                _ => {}
            }
        }
        if save_job {
            self.save_job(sim, now_ms);
        }
    }

    /// Queues the job state (replacing an older queued one).
    pub fn save_job(&mut self, sim: &Sim, now_ms: f64) {
        if self.offer.is_some() {
            return;
        }
        self.pending
            .retain(|op| !matches!(op, ArchiveOp::PutJob(_)));
        self.push(ArchiveOp::PutJob(Box::new(StoredJob::new(
            sim.jobmanager_state(),
            now_ms as u64,
        ))));
        self.last_job_save_ms = now_ms;
    }

    /// After a fork the stored job is replaced by the new timeline's: its records are deleted
    /// and the retained checkpoints and job state written again.
    pub fn rewrite(&mut self, sim: &Sim, now_ms: f64) {
        if self.archive.is_none() || self.offer.is_some() {
            return;
        }
        self.pending.clear();
        self.persisted.clear();
        self.push(ArchiveOp::ForgetJob(sim.view().job_id().to_string()));
        for metadata in sim.view().retained_checkpoints() {
            self.push(ArchiveOp::PutCheckpoint(Box::new(StoredCheckpoint::new(
                metadata.clone(),
                now_ms as u64,
            ))));
        }
        self.save_job(sim, now_ms);
    }

    fn push(&mut self, op: ArchiveOp) {
        if self.pending.len() >= PENDING_OPS_MAX {
            // Keep the newest work: drop the oldest queued job-state save, else the oldest op,
            // and say so.
            let position = self
                .pending
                .iter()
                .position(|o| matches!(o, ArchiveOp::PutJob(_)))
                .unwrap_or(0);
            self.pending.remove(position);
            self.last_error = Some(
                "IndexedDB is slower than the simulation: some writes were skipped".to_string(),
            );
        }
        // A new checkpoint is written before older ones are deleted (Flink subsumes after the
        // new checkpoint completed), so storage never holds none once it held one.
        if matches!(op, ArchiveOp::PutCheckpoint(_)) {
            let fence = self
                .pending
                .iter()
                .rposition(|o| matches!(o, ArchiveOp::ForgetJob(_) | ArchiveOp::Clear))
                .map_or(0, |i| i + 1);
            if let Some(offset) = self
                .pending
                .iter()
                .skip(fence)
                .position(|o| matches!(o, ArchiveOp::Discard(_)))
            {
                self.pending.insert(fence + offset, op);
                return;
            }
        }
        self.pending.push_back(op);
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Opens IndexedDB, or falls back to memory with a reason; then reads what is stored.
pub async fn open(model: ModelRef, refresh: Callback<()>) {
    let archive = match IndexedDbArchive::open(DB_NAME, DB_VERSION).await {
        Ok(db) => Archive::IndexedDb(db),
        Err(error) => {
            model.borrow_mut().persistence.fallback_reason = Some(error.to_string());
            Archive::Memory(MemoryArchive::default())
        }
    };
    let listing = archive.list().await;
    {
        let mut m = model.borrow_mut();
        m.persistence.archive = Some(archive);
        match listing {
            Ok(listing) => {
                m.persistence.offer = offer_from(&listing);
                if m.persistence.offer.is_some() {
                    m.playing = false; // the user chooses first
                }
                m.persistence.listing = Some(listing);
            }
            Err(error) => m.persistence.last_error = Some(error.to_string()),
        }
    }
    refresh.emit(());
    pump(model, refresh);
}

fn offer_from(listing: &Listing) -> Option<ResumeOffer> {
    let job = listing.jobs.first()?.clone();
    let checkpoints = listing.checkpoints_of(&job.job_id).cloned().collect();
    let problems = listing
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.key, p.reason))
        .collect();
    Some(ResumeOffer {
        job,
        checkpoints,
        problems,
    })
}

/// Runs queued operations: the puts and discards that queued up while the last write ran go
/// together in one transaction (at most [`BATCH_MAX`]), so the archive keeps up with the engine
/// at any speed; clearing and forgetting a job run alone.
pub fn pump(model: ModelRef, refresh: Callback<()>) {
    let (archive, batch) = {
        let mut m = model.borrow_mut();
        let p = &mut m.persistence;
        if p.busy {
            return;
        }
        let Some(archive) = p.archive.clone() else {
            return;
        };
        let mut batch = Vec::new();
        while let Some(op) = p.pending.front() {
            let alone = matches!(op, ArchiveOp::Clear | ArchiveOp::ForgetJob(_));
            if batch.len() == BATCH_MAX || (alone && !batch.is_empty()) {
                break;
            }
            batch.extend(p.pending.pop_front());
            if alone {
                break;
            }
        }
        if batch.is_empty() {
            return;
        }
        p.busy = true;
        (archive, batch)
    };
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = match batch.as_slice() {
            [ArchiveOp::Clear] => archive.clear().await,
            [ArchiveOp::ForgetJob(job_id)] => forget_job(&archive, job_id).await,
            writes => {
                let writes: Vec<Write<'_>> = writes.iter().filter_map(ArchiveOp::write).collect();
                archive.apply(&writes).await
            }
        };
        let listing = if model.borrow().persistence.pending.is_empty() {
            archive.list().await.ok()
        } else {
            None
        };
        let failed = outcome.is_err();
        {
            let mut m = model.borrow_mut();
            let current_job = m.sim.view().job_id().to_string();
            let p = &mut m.persistence;
            p.busy = false;
            match outcome {
                Ok(()) => {
                    for op in &batch {
                        match op {
                            ArchiveOp::PutCheckpoint(record) if record.job_id == current_job => {
                                p.persisted.insert(record.checkpoint_id);
                            }
                            ArchiveOp::Clear => p.persisted.clear(),
                            _ => {}
                        }
                    }
                }
                Err(error) => p.last_error = Some(error.to_string()),
            }
            if let Some(listing) = listing {
                p.listing = Some(listing);
            }
        }
        // Re-render when something failed, or when the queue drained while paused. While
        // playing, the periodic refresh of the tables (twice a second) shows the new marks: a
        // refresh per drained batch re-rendered every table about ten times a second at 100x
        // and pushed the frame time p95 from 16.7 to 33 ms.
        let (drained, playing) = {
            let m = model.borrow();
            (m.persistence.pending.is_empty(), m.playing)
        };
        if failed || (drained && !playing) {
            refresh.emit(());
        }
        pump(model, refresh);
    });
}

async fn forget_job(archive: &Archive, job_id: &str) -> Result<(), crate::storage::ArchiveError> {
    let listing = archive.list().await?;
    let keys: Vec<String> = listing.checkpoints_of(job_id).map(|c| c.key()).collect();
    let mut writes: Vec<Write<'_>> = keys.iter().map(|key| Write::Discard(key)).collect();
    writes.push(Write::DiscardJob(job_id));
    archive.apply(&writes).await
}

/// Resumes the offered job: a JobManager failover at the instant it was saved.
pub fn resume(model: &ModelRef) -> Result<Vec<String>, String> {
    let started = now_ms();
    let mut m = model.borrow_mut();
    let offer = m
        .persistence
        .offer
        .take()
        .ok_or("no stored job to resume")?;
    let mut storage = MemoryCheckpointStorage::default();
    for record in &offer.checkpoints {
        storage
            .persist(&record.metadata)
            .map_err(|e| e.to_string())?;
    }
    let (mut sim, skipped) = Sim::resume(&offer.job.state, storage).map_err(|e| e.to_string())?;
    sim.set_verbose(true);
    let config = sim.view().config().clone();
    let seed = offer.job.state.seed;
    m.replace_sim(sim, config, seed);
    let retained: Vec<u32> = m
        .sim
        .view()
        .retained_checkpoints()
        .iter()
        .map(|c| c.checkpoint_id.0)
        .collect();
    m.persistence.persisted = retained.into_iter().collect();
    m.persistence.resume_ms = Some(now_ms() - started);
    let mut problems = offer.problems;
    problems.extend(skipped);
    Ok(problems)
}
