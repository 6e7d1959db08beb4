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

/// Retained checkpoints, oldest first.
#[derive(Clone, Debug, Default)]
pub struct CheckpointStorage {
    retained: Vec<CheckpointMetadata>,
}

impl CheckpointStorage {
    /// Writes a completed checkpoint's metadata.
    ///
    /// # Panics
    /// If `metadata` is not newer than every retained checkpoint (ids only grow).
    pub fn persist(&mut self, metadata: &CheckpointMetadata) {
        if let Some(last) = self.retained.last() {
            assert!(
                last.checkpoint_id < metadata.checkpoint_id,
                "checkpoints persisted out of order"
            );
        }
        self.retained.push(metadata.clone());
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
