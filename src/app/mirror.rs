//! The persistence mirror, as a value: engine events in, archive operations out.
//!
//! Completed checkpoints and the job's JobManager state are mirrored write-behind to the page's
//! archive (IndexedDB, or memory when IndexedDB is unavailable). The engine never waits: the
//! mirror queues operations as events arrive; the browser edge takes one [`Batch`] at a time,
//! performs it and reports the outcome back ([`Mirror::batch_done`]). [`Mirror::push`] is the
//! only way onto the queue, so its bound and its order hold on every path:
//!
//! - at most [`PENDING_OPS_MAX`] operations wait (older job-state saves go first, and the user
//!   is told);
//! - a new checkpoint is written before older ones are deleted (Flink subsumes after the new
//!   checkpoint completed), so storage never holds none once it held one;
//! - a checkpoint discarded before it was written is never written.

use super::records::{checkpoint_key, Listing, StoredCheckpoint, StoredJob};
use crate::sim::event::{Event, TimedEvent};
use crate::sim::Sim;
use std::collections::VecDeque;

/// Archive operations queued at most (older job-state saves are coalesced first).
pub const PENDING_OPS_MAX: usize = 256;
/// Operations written in one transaction at most (a few MB at the largest checkpoints).
pub const BATCH_MAX: usize = 64;
/// Wall milliseconds between job-state saves while playing.
pub const JOB_SAVE_INTERVAL_MS: f64 = 2_000.0;

/// One archive operation.
#[derive(Clone, Debug, PartialEq)]
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
    /// Whether it runs in a batch of its own (it reads the archive first, or clears it).
    pub fn alone(&self) -> bool {
        matches!(self, ArchiveOp::Clear | ArchiveOp::ForgetJob(_))
    }
}

/// Operations to perform together: either one operation that runs alone, or puts and
/// discards in order, all-or-nothing (one IndexedDB transaction).
pub type Batch = Vec<ArchiveOp>;

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

/// Where the archive stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArchiveState {
    /// Not opened yet: nothing is written.
    Opening,
    /// IndexedDB is open.
    IndexedDb,
    /// IndexedDB could not be opened; records live in memory and a reload loses them.
    Memory {
        /// Why IndexedDB is unavailable.
        reason: String,
    },
}

/// The mirror.
#[derive(Clone, Debug)]
pub struct Mirror {
    state: ArchiveState,
    /// Checkpoint ids of the current job written to the archive, ascending. A sorted `Vec`: it
    /// holds the retained checkpoints and savepoints of one job (a few), and a `BTreeSet<u32>`
    /// would bring the page its own B-tree code.
    persisted: Vec<u32>,
    pending: VecDeque<ArchiveOp>,
    busy: bool,
    last_error: Option<String>,
    listing: Option<Listing>,
    offer: Option<ResumeOffer>,
    last_job_save_ms: f64,
}

impl Default for Mirror {
    fn default() -> Self {
        Mirror {
            state: ArchiveState::Opening,
            persisted: Vec::new(),
            pending: VecDeque::new(),
            busy: false,
            last_error: None,
            listing: None,
            offer: None,
            last_job_save_ms: f64::NEG_INFINITY,
        }
    }
}

impl Mirror {
    /// Where the archive stands.
    pub fn state(&self) -> &ArchiveState {
        &self.state
    }

    /// Whether the archive is open (IndexedDB or the memory fallback).
    pub fn is_open(&self) -> bool {
        self.state != ArchiveState::Opening
    }

    /// Checkpoint ids of the current job known to be written.
    pub fn persisted(&self) -> &[u32] {
        &self.persisted
    }

    /// Notes `id` as written, keeping the list ascending and free of duplicates.
    fn persist(&mut self, id: u32) {
        if let Err(index) = self.persisted.binary_search(&id) {
            self.persisted.insert(index, id);
        }
    }

    /// Operations waiting.
    pub fn pending(&self) -> &VecDeque<ArchiveOp> {
        &self.pending
    }

    /// Whether a batch is being performed.
    pub fn busy(&self) -> bool {
        self.busy
    }

    /// The last failure, shown to the user.
    pub fn last_error(&self) -> Option<&str> {
        self.last_error.as_deref()
    }

    /// The last read of the archive (the storage browser shows it).
    pub fn listing(&self) -> Option<&Listing> {
        self.listing.as_ref()
    }

    /// The offer to resume a stored job, until the user chose.
    pub fn offer(&self) -> Option<&ResumeOffer> {
        self.offer.as_ref()
    }

    /// The archive opened (or fell back to memory) and was read.
    pub fn opened(&mut self, state: ArchiveState, listing: Result<Listing, String>) {
        debug_assert!(state != ArchiveState::Opening);
        self.state = state;
        match listing {
            Ok(listing) => {
                self.offer = offer_from(&listing);
                self.listing = Some(listing);
            }
            Err(error) => self.last_error = Some(error),
        }
    }

    /// Takes the offer (the user chose to resume or to start fresh).
    pub fn take_offer(&mut self) -> Option<ResumeOffer> {
        self.offer.take()
    }

    /// Queues what the engine's new events require. Nothing is written before the archive is
    /// open or while the resume offer waits for the user.
    pub fn observe(&mut self, sim: &Sim, events: &[TimedEvent], now_ms: f64) {
        if !self.is_open() || self.offer.is_some() {
            return;
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
                // A savepoint is stored like a checkpoint (its `_metadata` says which it is), so a
                // reload finds it where it was written.
                Event::SavepointCompleted { checkpoint, .. } => {
                    if let Some(metadata) = sim.view().storage().savepoint(checkpoint) {
                        self.push(ArchiveOp::PutCheckpoint(Box::new(StoredCheckpoint::new(
                            metadata.clone(),
                            now_ms as u64,
                        ))));
                    }
                    save_job = true;
                }
                Event::CheckpointDiscarded { checkpoint } => {
                    let key = checkpoint_key(sim.view().job_id(), checkpoint.0);
                    if let Ok(index) = self.persisted.binary_search(&checkpoint.0) {
                        self.persisted.remove(index);
                    }
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
        if !self.is_open() || self.offer.is_some() {
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

    /// Saves the job state if [`JOB_SAVE_INTERVAL_MS`] passed since the last save.
    pub fn save_job_if_due(&mut self, sim: &Sim, now_ms: f64) {
        if now_ms - self.last_job_save_ms >= JOB_SAVE_INTERVAL_MS {
            self.save_job(sim, now_ms);
        }
    }

    /// After a fork the stored job is replaced by the new timeline's: its records are deleted
    /// and the retained checkpoints and job state written again.
    pub fn rewrite(&mut self, sim: &Sim, now_ms: f64) {
        if !self.is_open() || self.offer.is_some() {
            return;
        }
        self.pending.clear();
        self.persisted.clear();
        self.push(ArchiveOp::ForgetJob(sim.view().job_id().to_string()));
        let view = sim.view();
        let stored = view.retained_checkpoints().iter();
        for metadata in stored.chain(view.storage().savepoints()) {
            self.push(ArchiveOp::PutCheckpoint(Box::new(StoredCheckpoint::new(
                metadata.clone(),
                now_ms as u64,
            ))));
        }
        self.save_job(sim, now_ms);
    }

    /// The run `job_id` was abandoned for a new one (a reset): its queued writes are dropped
    /// and its records deleted (a new run with the same seed reuses the job id). Returns
    /// whether it had records.
    pub fn forget_run(&mut self, job_id: &str) -> bool {
        let had_records = !self.persisted.is_empty();
        self.persisted.clear();
        self.pending
            .retain(|op| !matches!(op, ArchiveOp::PutCheckpoint(_) | ArchiveOp::PutJob(_)));
        if self.is_open() {
            self.push(ArchiveOp::ForgetJob(job_id.to_string()));
        }
        had_records
    }

    /// A new run starts beside the stored records (start fresh, or a resume): what the archive
    /// holds of it is `retained`.
    pub fn start_run(&mut self, retained: impl IntoIterator<Item = u32>) {
        self.persisted.clear();
        for id in retained {
            self.persist(id);
        }
    }

    /// Queues an operation the user asked for (delete an entry, clear everything).
    pub fn request(&mut self, op: ArchiveOp) {
        self.push(op);
    }

    /// The only way onto the queue.
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
        // A new checkpoint is written before older ones are deleted.
        if matches!(op, ArchiveOp::PutCheckpoint(_)) {
            let fence = self
                .pending
                .iter()
                .rposition(ArchiveOp::alone)
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

    /// The next batch to perform, if the archive is open, idle and has work: the puts and
    /// discards that queued up while the last batch ran (at most [`BATCH_MAX`]), or one
    /// operation that runs alone. The mirror is busy until [`Mirror::batch_done`].
    pub fn take_batch(&mut self) -> Option<Batch> {
        if self.busy || !self.is_open() {
            return None;
        }
        let mut batch = Vec::new();
        while let Some(op) = self.pending.front() {
            let alone = op.alone();
            if batch.len() == BATCH_MAX || (alone && !batch.is_empty()) {
                break;
            }
            batch.extend(self.pending.pop_front());
            if alone {
                break;
            }
        }
        if batch.is_empty() {
            return None;
        }
        self.busy = true;
        Some(batch)
    }

    /// The batch was performed with `outcome`; `listing` is a fresh read of the archive when
    /// the edge made one (after the queue drained). `current_job` is the running job's id.
    pub fn batch_done(
        &mut self,
        batch: &Batch,
        outcome: Result<(), String>,
        listing: Option<Listing>,
        current_job: &str,
    ) {
        self.busy = false;
        match outcome {
            Ok(()) => {
                for op in batch {
                    match op {
                        ArchiveOp::PutCheckpoint(record) if record.job_id == current_job => {
                            self.persist(record.checkpoint_id);
                        }
                        ArchiveOp::Clear => self.persisted.clear(),
                        _ => {}
                    }
                }
            }
            Err(error) => self.last_error = Some(error),
        }
        if let Some(listing) = listing {
            self.listing = Some(listing);
        }
    }
}

fn offer_from(listing: &Listing) -> Option<ResumeOffer> {
    let job = listing.jobs.first()?.clone();
    let mut checkpoints: Vec<StoredCheckpoint> =
        listing.checkpoints_of(&job.job_id).cloned().collect();
    // A job started from a snapshot of an earlier job keeps it among its checkpoints (its
    // fallback until a checkpoint of its own completes); it is stored under the earlier job.
    if let Some(from) = &job.state.restored_from {
        checkpoints.extend(
            listing
                .checkpoints_of(&from.job_id)
                .filter(|c| c.metadata.checkpoint_id == from.checkpoint)
                .cloned(),
        );
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SimConfig, SimTime};
    use std::collections::BTreeSet;

    fn open_mirror() -> Mirror {
        let mut mirror = Mirror::default();
        mirror.opened(ArchiveState::IndexedDb, Ok(Listing::default()));
        mirror
    }

    /// The archive as a map of keys, performing batches as the browser edge does.
    #[derive(Default)]
    struct Store {
        checkpoints: BTreeSet<String>,
        jobs: BTreeSet<String>,
        /// Whether the store ever went from holding a checkpoint to holding none.
        emptied: bool,
    }

    impl Store {
        fn perform(&mut self, batch: &Batch) {
            for op in batch {
                let had = !self.checkpoints.is_empty();
                match op {
                    ArchiveOp::PutCheckpoint(c) => {
                        self.checkpoints.insert(c.key());
                    }
                    ArchiveOp::Discard(key) => {
                        self.checkpoints.remove(key);
                    }
                    ArchiveOp::PutJob(j) => {
                        self.jobs.insert(j.job_id.clone());
                    }
                    ArchiveOp::Clear => {
                        self.checkpoints.clear();
                        self.jobs.clear();
                    }
                    ArchiveOp::ForgetJob(job) => {
                        self.checkpoints.retain(|k| !k.starts_with(job.as_str()));
                        self.jobs.remove(job);
                    }
                }
                if had && self.checkpoints.is_empty() && !op.alone() {
                    self.emptied = true;
                }
            }
        }
    }

    fn drain(mirror: &mut Mirror, store: &mut Store, job: &str) {
        while let Some(batch) = mirror.take_batch() {
            store.perform(&batch);
            mirror.batch_done(&batch, Ok(()), None, job);
        }
    }

    #[test]
    fn the_archive_ends_holding_exactly_the_retained_checkpoints() {
        let config = SimConfig {
            num_retained: 2,
            ..SimConfig::default()
        };
        let mut sim = Sim::new(config, 3).unwrap();
        let mut mirror = open_mirror();
        let mut store = Store::default();
        let mut events = Vec::new();
        let job = sim.view().job_id().to_string();
        for second in 1..=300 {
            sim.advance_to(SimTime::from_ms(second * 1_000));
            sim.drain_events(&mut events);
            mirror.observe(&sim, &events, second as f64 * 1_000.0);
            events.clear();
            // The edge performs a batch only every few seconds: operations queue up meanwhile.
            if second % 7 == 0 {
                drain(&mut mirror, &mut store, &job);
            }
        }
        drain(&mut mirror, &mut store, &job);
        let retained: BTreeSet<String> = sim
            .view()
            .retained_checkpoints()
            .iter()
            .map(|m| checkpoint_key(&job, m.checkpoint_id.0))
            .collect();
        assert_eq!(store.checkpoints, retained);
        assert!(!store.emptied, "a put goes before the discards it subsumes");
        assert_eq!(mirror.persisted().len(), 2);
        assert!(store.jobs.contains(&job));
    }

    #[test]
    fn savepoints_are_archived_beside_the_retained_checkpoints() {
        let mut sim = Sim::new(SimConfig::default(), 3).unwrap();
        let mut mirror = open_mirror();
        let mut store = Store::default();
        let mut events = Vec::new();
        let job = sim.view().job_id().to_string();
        for second in 1..=60 {
            sim.advance_to(SimTime::from_ms(second * 1_000));
            if second == 25 {
                let format = crate::sim::checkpoint::SavepointFormatType::Canonical;
                sim.handle(crate::sim::Command::TriggerSavepoint { format })
                    .unwrap();
            }
            sim.drain_events(&mut events);
            mirror.observe(&sim, &events, second as f64 * 1_000.0);
            events.clear();
            drain(&mut mirror, &mut store, &job);
        }
        let view = sim.view();
        let savepoint = &view.storage().savepoints()[0];
        let expected: BTreeSet<String> = view
            .retained_checkpoints()
            .iter()
            .chain([savepoint])
            .map(|m| checkpoint_key(&job, m.checkpoint_id.0))
            .collect();
        assert_eq!(expected.len(), 2);
        assert_eq!(
            store.checkpoints, expected,
            "subsuming chk-N keeps the savepoint"
        );
    }

    #[test]
    fn the_queue_is_bounded_and_says_so() {
        let sim = Sim::new(SimConfig::default(), 1).unwrap();
        let mut mirror = open_mirror();
        for i in 0..(PENDING_OPS_MAX as u32 + 50) {
            mirror.request(ArchiveOp::Discard(format!("job/chk-{i}")));
        }
        mirror.save_job(&sim, 0.0);
        assert_eq!(mirror.pending().len(), PENDING_OPS_MAX);
        assert!(mirror
            .last_error()
            .unwrap()
            .contains("some writes were skipped"));
        assert!(
            matches!(mirror.pending().back(), Some(ArchiveOp::PutJob(_))),
            "the newest work is kept"
        );
    }

    #[test]
    fn nothing_is_written_before_the_archive_opens_or_while_the_offer_waits() {
        let mut sim = Sim::new(SimConfig::default(), 2).unwrap();
        sim.advance_to(SimTime::from_ms(60_000));
        let mut events = Vec::new();
        sim.drain_events(&mut events);
        let mut mirror = Mirror::default();
        mirror.observe(&sim, &events, 1.0);
        assert!(mirror.pending().is_empty() && mirror.take_batch().is_none());
        // A stored job: the offer waits for the user.
        let job = StoredJob::new(sim.jobmanager_state(), 5);
        let listing = Listing {
            jobs: vec![job],
            ..Listing::default()
        };
        mirror.opened(ArchiveState::IndexedDb, Ok(listing));
        assert!(mirror.offer().is_some());
        mirror.observe(&sim, &events, 2.0);
        assert!(mirror.pending().is_empty());
        mirror.take_offer();
        mirror.observe(&sim, &events, 3.0);
        assert!(!mirror.pending().is_empty());
    }

    #[test]
    fn batches_hold_writes_together_and_clearing_alone() {
        let mut mirror = open_mirror();
        mirror.request(ArchiveOp::Discard("a/chk-1".into()));
        mirror.request(ArchiveOp::Discard("a/chk-2".into()));
        mirror.request(ArchiveOp::Clear);
        mirror.request(ArchiveOp::Discard("a/chk-3".into()));
        assert_eq!(mirror.take_batch().unwrap().len(), 2);
        assert!(
            mirror.take_batch().is_none(),
            "busy until the batch is done"
        );
        mirror.batch_done(&vec![], Ok(()), None, "a");
        assert_eq!(mirror.take_batch().unwrap(), vec![ArchiveOp::Clear]);
        mirror.batch_done(&vec![ArchiveOp::Clear], Err("quota".into()), None, "a");
        assert_eq!(mirror.last_error(), Some("quota"));
        assert_eq!(mirror.take_batch().unwrap().len(), 1);
    }
}
