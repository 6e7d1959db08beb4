//! The page's checkpoint archive: where completed checkpoints and the job's surviving
//! JobManager state are persisted (IndexedDB, or memory when it is unavailable), laid out like
//! Flink's checkpoint directory: `{job-id}/chk-{id}` holding `_metadata`, plus the job record.
//!
//! The engine never waits for this: the session's mirror hands out batches write-behind
//! (`crate::app::mirror`) and [`super::pump`] performs them here. Records are stored as JSON
//! text, versioned, and decoded defensively by `crate::app::records`: a record with an unknown
//! version, truncated or hand-edited JSON, or a checkpoint whose job is missing is reported and
//! skipped, never a panic.

use super::indexed_db;
use super::memory::MemoryArchive;
use crate::app::records::{Listing, StoredCheckpoint, StoredJob};

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

/// One write of a batch (see [`CheckpointArchive::apply`]).
#[derive(Clone, Copy, Debug)]
pub enum Write<'a> {
    /// Write a completed checkpoint (`{job-id}/chk-{id}`).
    PutCheckpoint(&'a StoredCheckpoint),
    /// Write the job record (its JobManager state).
    PutJob(&'a StoredJob),
    /// Delete one checkpoint by key.
    Discard(&'a str),
    /// Delete a job record.
    DiscardJob(&'a str),
}

/// A small async archive (the storage edge). Implemented by [`MemoryArchive`] and, in the
/// browser, `indexed_db::IndexedDbArchive`; [`Archive`] dispatches between them.
#[allow(async_fn_in_trait)]
pub trait CheckpointArchive {
    /// Performs `writes` in order and all-or-nothing (one IndexedDB transaction): the
    /// write-behind mirror sends what queued up while the last batch was being written.
    async fn apply(&self, writes: &[Write<'_>]) -> Result<(), ArchiveError>;
    /// Every record, decoded; broken ones are reported in the listing, not returned.
    async fn list(&self) -> Result<Listing, ArchiveError>;
    /// Deletes everything.
    async fn clear(&self) -> Result<(), ArchiveError>;

    /// Writes a completed checkpoint (`{job-id}/chk-{id}`).
    async fn put_checkpoint(&self, record: &StoredCheckpoint) -> Result<(), ArchiveError> {
        self.apply(&[Write::PutCheckpoint(record)]).await
    }
    /// Writes the job record (its JobManager state).
    async fn put_job(&self, record: &StoredJob) -> Result<(), ArchiveError> {
        self.apply(&[Write::PutJob(record)]).await
    }
    /// Deletes one checkpoint (subsumed, or deleted by the user).
    async fn discard(&self, key: &str) -> Result<(), ArchiveError> {
        self.apply(&[Write::Discard(key)]).await
    }
}

/// A write with its record already encoded: `(store is jobs, key, Some(text) to put | None to
/// delete)`. Encoding everything before touching storage keeps a batch all-or-nothing.
pub(crate) fn encoded(
    writes: &[Write<'_>],
) -> Result<Vec<(bool, String, Option<String>)>, ArchiveError> {
    let json = |result: serde_json::Result<String>| {
        result.map_err(|e| ArchiveError::Failed(e.to_string()))
    };
    writes
        .iter()
        .map(|write| {
            Ok(match *write {
                Write::PutCheckpoint(record) => (
                    false,
                    record.key(),
                    Some(json(serde_json::to_string(record))?),
                ),
                Write::PutJob(record) => (
                    true,
                    record.job_id.clone(),
                    Some(json(serde_json::to_string(record))?),
                ),
                Write::Discard(key) => (false, key.to_string(), None),
                Write::DiscardJob(job_id) => (true, job_id.to_string(), None),
            })
        })
        .collect()
}

/// The archive the app uses: IndexedDB when it works, memory otherwise.
#[derive(Clone)]
pub enum Archive {
    /// The in-memory fallback (or tests).
    Memory(MemoryArchive),
    /// The browser's IndexedDB.
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
            Archive::IndexedDb($archive) => $call,
        }
    };
}

impl CheckpointArchive for Archive {
    async fn apply(&self, writes: &[Write<'_>]) -> Result<(), ArchiveError> {
        dispatch!(self, a => a.apply(writes).await)
    }
    async fn list(&self) -> Result<Listing, ArchiveError> {
        dispatch!(self, a => a.list().await)
    }
    async fn clear(&self) -> Result<(), ArchiveError> {
        dispatch!(self, a => a.clear().await)
    }
}
