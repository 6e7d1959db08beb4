//! The page's checkpoint archive: where completed checkpoints and the job's surviving
//! JobManager state are persisted (IndexedDB in the browser, memory elsewhere), laid out like
//! Flink's checkpoint directory: `{job-id}/chk-{id}` holding `_metadata`, plus the job record.
//!
//! The engine never waits for this: the app mirrors completed checkpoints write-behind. Records
//! are stored as JSON text, versioned, and decoded defensively: a record with an unknown
//! version, truncated or hand-edited JSON, or a checkpoint whose job is missing is reported and
//! skipped, never a panic.

pub mod memory;
pub mod records;

#[cfg(target_arch = "wasm32")]
pub mod indexed_db;

pub use memory::MemoryArchive;
pub use records::{Listing, RecordProblem, StoredCheckpoint, StoredJob};

/// Why an archive operation failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    /// The browser offers no IndexedDB (some private windows), or opening the database failed.
    #[error("IndexedDB is unavailable: {0}")]
    Unavailable(String),
    /// The origin's storage quota is exhausted.
    #[error("the browser's storage quota is exhausted: {0}")]
    QuotaExceeded(String),
    /// Another tab holds an older version of the database open.
    #[error("the database upgrade is blocked by another tab: {0}")]
    Blocked(String),
    /// Any other failed request.
    #[error("IndexedDB request failed: {0}")]
    Failed(String),
}

/// A small async archive (the storage edge). Implemented by [`MemoryArchive`] and, in the
/// browser, `indexed_db::IndexedDbArchive`; [`Archive`] dispatches between them.
#[allow(async_fn_in_trait)]
pub trait CheckpointArchive {
    /// Writes a completed checkpoint (`{job-id}/chk-{id}`).
    async fn put_checkpoint(&self, record: &StoredCheckpoint) -> Result<(), ArchiveError>;
    /// Writes the job record (its JobManager state).
    async fn put_job(&self, record: &StoredJob) -> Result<(), ArchiveError>;
    /// Deletes one checkpoint (subsumed, or deleted by the user).
    async fn discard(&self, key: &str) -> Result<(), ArchiveError>;
    /// Deletes a job record.
    async fn discard_job(&self, job_id: &str) -> Result<(), ArchiveError>;
    /// Every record, decoded; broken ones are reported in the listing, not returned.
    async fn list(&self) -> Result<Listing, ArchiveError>;
    /// Deletes everything.
    async fn clear(&self) -> Result<(), ArchiveError>;
}

/// The archive the app uses: IndexedDB when it works, memory otherwise.
#[derive(Clone)]
pub enum Archive {
    /// The in-memory fallback (or tests).
    Memory(MemoryArchive),
    /// The browser's IndexedDB.
    #[cfg(target_arch = "wasm32")]
    IndexedDb(indexed_db::IndexedDbArchive),
}

impl Archive {
    /// Whether this is the in-memory fallback.
    pub fn is_memory(&self) -> bool {
        matches!(self, Archive::Memory(_))
    }
}

macro_rules! dispatch {
    ($self:ident, $archive:ident => $call:expr) => {
        match $self {
            Archive::Memory($archive) => $call,
            #[cfg(target_arch = "wasm32")]
            Archive::IndexedDb($archive) => $call,
        }
    };
}

impl CheckpointArchive for Archive {
    async fn put_checkpoint(&self, record: &StoredCheckpoint) -> Result<(), ArchiveError> {
        dispatch!(self, a => a.put_checkpoint(record).await)
    }
    async fn put_job(&self, record: &StoredJob) -> Result<(), ArchiveError> {
        dispatch!(self, a => a.put_job(record).await)
    }
    async fn discard(&self, key: &str) -> Result<(), ArchiveError> {
        dispatch!(self, a => a.discard(key).await)
    }
    async fn discard_job(&self, job_id: &str) -> Result<(), ArchiveError> {
        dispatch!(self, a => a.discard_job(job_id).await)
    }
    async fn list(&self) -> Result<Listing, ArchiveError> {
        dispatch!(self, a => a.list().await)
    }
    async fn clear(&self) -> Result<(), ArchiveError> {
        dispatch!(self, a => a.clear().await)
    }
}
