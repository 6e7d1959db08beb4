//! The in-memory archive: the fallback when IndexedDB is unavailable, and the tests' archive.
//! It keeps records as JSON text, like IndexedDB, so decoding is exercised the same way.

use super::archive::{encoded, ArchiveError, CheckpointArchive, Write};
use crate::app::records::{self, Listing};
use litemap::LiteMap;
use std::cell::RefCell;
use std::rc::Rc;

/// Records kept in memory (lost with the page).
#[derive(Clone, Default)]
pub struct MemoryArchive {
    jobs: Rc<RefCell<LiteMap<String, String>>>,
    checkpoints: Rc<RefCell<LiteMap<String, String>>>,
}

impl MemoryArchive {
    /// Stores raw text under a checkpoint key (tests use it to plant broken records).
    pub fn put_raw_checkpoint(&self, key: &str, text: &str) {
        self.checkpoints
            .borrow_mut()
            .insert(key.to_string(), text.to_string());
    }
}

impl CheckpointArchive for MemoryArchive {
    async fn apply(&self, writes: &[Write<'_>]) -> Result<(), ArchiveError> {
        for (is_job, key, text) in encoded(writes)? {
            let store = if is_job {
                &self.jobs
            } else {
                &self.checkpoints
            };
            match text {
                Some(text) => store.borrow_mut().insert(key, text),
                None => store.borrow_mut().remove(&key),
            };
        }
        Ok(())
    }

    async fn list(&self) -> Result<Listing, ArchiveError> {
        let jobs = self
            .jobs
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let checkpoints = self
            .checkpoints
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(records::listing(jobs, checkpoints))
    }

    async fn clear(&self) -> Result<(), ArchiveError> {
        self.jobs.borrow_mut().clear();
        self.checkpoints.borrow_mut().clear();
        Ok(())
    }
}
