//! Checkpoint storage: where completed checkpoints' `_metadata` lands
//! (`execution.checkpointing.dir/{job-id}/chk-{id}/_metadata`).
//!
//! The engine writes synchronously: simulated storage latency and failures are decided by the
//! engine itself, never by the storage. [`CheckpointStorage`] keeps the retained checkpoints in
//! memory; the edges copy them out from there — the command-line runner writes the retained
//! `chk-N/_metadata` files at the end of a run, and the page mirrors completed checkpoints to
//! IndexedDB from the engine's events (write-behind).

use crate::sim::checkpoint::CheckpointMetadata;
use crate::sim::ids::CheckpointId;
use crate::sim::limits::SAVEPOINTS_KEPT_MAX;

/// One file of `{job-id}/shared/` in the shared state registry (`SharedStateRegistryImpl`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedEntry {
    /// Its path.
    pub path: String,
    /// Its size.
    pub bytes: u64,
    /// The checkpoint that uploaded it.
    pub created_by: CheckpointId,
    /// The newest checkpoint that refers to it.
    pub last_used: CheckpointId,
    /// Whether this job owns it (every file it uploaded; a restored snapshot's files only in
    /// CLAIM mode). An unowned file leaves the registry when unused but is never deleted.
    pub owned: bool,
}

/// Retained checkpoints, oldest first, and the registry of the shared files they refer to.
#[derive(Clone, Debug, Default)]
pub struct CheckpointStorage {
    retained: Vec<CheckpointMetadata>,
    /// Savepoints, oldest first: the user's, never subsumed (bounded by
    /// [`SAVEPOINTS_KEPT_MAX`]).
    savepoints: Vec<CheckpointMetadata>,
    shared: Vec<SharedEntry>,
    /// Shared files deleted so far, and their bytes.
    deleted: (u64, u64),
}

impl CheckpointStorage {
    /// Writes a completed checkpoint's metadata and registers the shared files it refers to.
    ///
    /// # Panics
    /// If `metadata` is not newer than every retained checkpoint (ids only grow).
    pub fn persist(&mut self, metadata: &CheckpointMetadata) {
        self.persist_owned(metadata, true);
    }

    /// Adds the snapshot a new job was started from to its completed checkpoints, as Flink's
    /// `restoreSavepoint` does (`addCheckpointAndSubsumeOldestOne`): the job's failovers restore
    /// it until a newer checkpoint subsumes it. In CLAIM mode the job owns its files (they are
    /// deleted once unused); in NO_CLAIM mode it never deletes them.
    pub fn persist_restored(&mut self, metadata: &CheckpointMetadata, claimed: bool) {
        self.persist_owned(metadata, claimed);
    }

    fn persist_owned(&mut self, metadata: &CheckpointMetadata, owned: bool) {
        if let Some(last) = self.retained.last() {
            assert!(
                last.checkpoint_id < metadata.checkpoint_id,
                "checkpoints persisted out of order"
            );
        }
        let id = metadata.checkpoint_id;
        for (path, bytes) in metadata.shared_files() {
            match self.shared.iter_mut().find(|e| e.path == path) {
                Some(entry) => entry.last_used = entry.last_used.max(id),
                None => self.shared.push(SharedEntry {
                    path: path.to_string(),
                    bytes,
                    created_by: id,
                    last_used: id,
                    owned,
                }),
            }
        }
        self.retained.push(metadata.clone());
    }

    /// `unregisterUnusedState`: deletes the shared files whose last use is older than
    /// `lowest`, the oldest retained checkpoint, unless a pending checkpoint refers to them
    /// (`in_use`). Returns how many files and bytes were deleted.
    pub fn unregister_unused(&mut self, lowest: CheckpointId, in_use: &[String]) -> (u32, u64) {
        let before = self.shared.len();
        let mut bytes = 0;
        let mut unowned = 0;
        self.shared.retain(|e| {
            let keep = e.last_used >= lowest || in_use.contains(&e.path);
            if !keep && e.owned {
                bytes += e.bytes;
            } else if !keep {
                unowned += 1;
            }
            keep
        });
        let files = (before - self.shared.len() - unowned) as u32;
        self.deleted.0 += u64::from(files);
        self.deleted.1 += bytes;
        (files, bytes)
    }

    /// The shared files that exist, in upload order.
    pub fn shared(&self) -> &[SharedEntry] {
        &self.shared
    }

    /// Shared files deleted so far, and their bytes.
    pub fn deleted(&self) -> (u64, u64) {
        self.deleted
    }

    /// Writes a savepoint's `_metadata` (self-contained: it shares no file). Returns the oldest
    /// savepoint the simulation forgets to stay within [`SAVEPOINTS_KEPT_MAX`].
    pub fn persist_savepoint(&mut self, metadata: &CheckpointMetadata) -> Option<CheckpointId> {
        assert!(
            metadata.is_savepoint(),
            "a checkpoint stored as a savepoint"
        );
        self.savepoints.push(metadata.clone());
        if self.savepoints.len() > SAVEPOINTS_KEPT_MAX {
            return Some(self.savepoints.remove(0).checkpoint_id);
        }
        None
    }

    /// The savepoints kept, oldest first.
    pub fn savepoints(&self) -> &[CheckpointMetadata] {
        &self.savepoints
    }

    /// One savepoint.
    pub fn savepoint(&self, checkpoint: CheckpointId) -> Option<&CheckpointMetadata> {
        self.savepoints
            .iter()
            .find(|m| m.checkpoint_id == checkpoint)
    }

    /// Deletes `chk-{id}` (subsumed beyond `num-retained`).
    pub fn discard(&mut self, checkpoint: CheckpointId) {
        self.retained.retain(|m| m.checkpoint_id != checkpoint);
    }

    /// The retained checkpoints, oldest first.
    pub fn retained(&self) -> &[CheckpointMetadata] {
        &self.retained
    }

    /// The newest retained checkpoint.
    pub fn latest(&self) -> Option<&CheckpointMetadata> {
        self.retained.last()
    }

    /// One retained checkpoint.
    pub fn get(&self, checkpoint: CheckpointId) -> Option<&CheckpointMetadata> {
        self.retained.iter().find(|m| m.checkpoint_id == checkpoint)
    }
}
