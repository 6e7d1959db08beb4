//! Checkpoint storage: where completed checkpoints' `_metadata` lands
//! (`execution.checkpointing.dir/{job-id}/chk-{id}/_metadata`).
//!
//! The engine writes through the [`CheckpointStorage`] trait synchronously: simulated storage
//! latency and failures are decided by the engine itself, never by the implementation. The
//! default [`MemoryCheckpointStorage`] keeps the retained checkpoints in memory; the command-line
//! runner wraps it to also write files, and the browser mirrors completed checkpoints to
//! IndexedDB from the engine's events (write-behind).

use crate::sim::checkpoint::CheckpointMetadata;
use crate::sim::ids::CheckpointId;

/// Why a write failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("could not write checkpoint {checkpoint}: {reason}")]
pub struct StorageError {
    /// The checkpoint.
    pub checkpoint: CheckpointId,
    /// What went wrong.
    pub reason: String,
}

/// Where completed checkpoints are written and read back for restore.
pub trait CheckpointStorage: Clone {
    /// Writes a completed checkpoint's metadata.
    fn persist(&mut self, metadata: &CheckpointMetadata) -> Result<(), StorageError>;
    /// Deletes `chk-{id}` (subsumed beyond `num-retained`).
    fn discard(&mut self, checkpoint: CheckpointId);
    /// The retained checkpoints, oldest first.
    fn retained(&self) -> Vec<&CheckpointMetadata>;
    /// The newest retained checkpoint.
    fn latest(&self) -> Option<&CheckpointMetadata> {
        self.retained().into_iter().max_by_key(|m| m.checkpoint_id)
    }
    /// One retained checkpoint.
    fn get(&self, checkpoint: CheckpointId) -> Option<&CheckpointMetadata> {
        self.retained()
            .into_iter()
            .find(|m| m.checkpoint_id == checkpoint)
    }
}

/// Retained checkpoints in memory, oldest first.
#[derive(Clone, Debug, Default)]
pub struct MemoryCheckpointStorage {
    retained: Vec<CheckpointMetadata>,
}

impl CheckpointStorage for MemoryCheckpointStorage {
    fn persist(&mut self, metadata: &CheckpointMetadata) -> Result<(), StorageError> {
        if let Some(last) = self.retained.last() {
            assert!(
                last.checkpoint_id < metadata.checkpoint_id,
                "checkpoints persisted out of order"
            );
        }
        self.retained.push(metadata.clone());
        Ok(())
    }

    fn discard(&mut self, checkpoint: CheckpointId) {
        self.retained.retain(|m| m.checkpoint_id != checkpoint);
    }

    fn retained(&self) -> Vec<&CheckpointMetadata> {
        self.retained.iter().collect()
    }

    fn latest(&self) -> Option<&CheckpointMetadata> {
        self.retained.last()
    }
}
