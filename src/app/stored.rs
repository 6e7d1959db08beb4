//! What the checkpoint storage browser lists, laid out like Flink's checkpoint directory:
//! `file:///tmp/flink-checkpoints/{job-id}/` with one `chk-{id}/_metadata` per retained
//! checkpoint. It is what the archive really holds, job by job, with each entry of the current
//! run marked persisted or still being written, and the stored records that could not be read.
//! Before the archive is open it lists the engine's retained checkpoints.

use super::mirror::Mirror;
use super::records::checkpoint_key;
use crate::sim::checkpoint::CheckpointMetadata;
use crate::sim::{Sim, SimTime};
use std::rc::Rc;

/// Where an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryStatus {
    /// Written to the archive.
    Persisted,
    /// Retained by the engine, being written.
    Writing,
    /// Retained by the engine (the archive is not open yet).
    InEngine,
}

/// One checkpoint or savepoint as the browser lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct StorageEntry {
    /// The checkpoint id.
    pub id: u32,
    /// `{job-id}/chk-{id}` (the archive's key; a savepoint's too).
    pub key: String,
    /// Its directory: `chk-{id}/`, or `savepoint-<6 hex>-<12 hex>/`.
    pub name: String,
    /// `…/{job-id}/chk-{id}/_metadata`, or `…/savepoint-…/_metadata`.
    pub path: String,
    /// Whether it is a savepoint (in `execution.checkpointing.savepoint-dir`).
    pub savepoint: bool,
    /// Size of `_metadata`.
    pub file_size: u64,
    /// Simulated completion time.
    pub completed_at: SimTime,
    /// Whether it is persisted.
    pub status: EntryStatus,
    /// The content.
    pub metadata: Rc<CheckpointMetadata>,
}

/// One job folder.
#[derive(Clone, Debug, PartialEq)]
pub struct JobFolder {
    /// `file:///tmp/flink-checkpoints/{job-id}/`.
    pub dir: String,
    /// Whether it is the running job.
    pub current: bool,
    /// Its checkpoints, oldest first.
    pub entries: Vec<StorageEntry>,
    /// Its savepoints, oldest first (they live in the savepoint directory, not in this folder).
    pub savepoints: Vec<StorageEntry>,
}

/// One file of a job folder's `shared/`: a row of the files × checkpoints matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedRow {
    /// The file name (`<uuid>`).
    pub name: String,
    /// Its full path.
    pub path: String,
    /// Its size.
    pub bytes: u64,
    /// The listed checkpoint that uploaded it (`None`: one that is not listed any more).
    pub uploaded_by: Option<u32>,
    /// The listed checkpoints that refer to it, oldest first.
    pub referenced_by: Vec<u32>,
}

/// Rows of `shared/` shown at most (the rest is counted).
pub const SHARED_ROWS_MAX: usize = 60;

impl JobFolder {
    /// What `shared/` holds, as the folder's checkpoints refer to it: the files in upload
    /// order, each with the checkpoint that uploaded it and every listed checkpoint that
    /// refers to it. A file no listed checkpoint refers to is not there: the registry deleted
    /// it.
    pub fn shared_rows(&self) -> Vec<SharedRow> {
        let mut rows: Vec<SharedRow> = Vec::new();
        for entry in &self.entries {
            for subtask in entry.metadata.subtasks() {
                let Some(crate::sim::checkpoint::KeyedStateHandle::Incremental { shared, .. }) =
                    &subtask.handle
                else {
                    continue;
                };
                for file in shared {
                    let Some(path) = &file.path else { continue };
                    let row = match rows.iter_mut().position(|r| &r.path == path) {
                        Some(i) => &mut rows[i],
                        None => {
                            rows.push(SharedRow {
                                name: path.rsplit('/').next().unwrap_or(path).to_string(),
                                path: path.clone(),
                                bytes: file.bytes,
                                uploaded_by: None,
                                referenced_by: Vec::new(),
                            });
                            rows.last_mut().expect("pushed")
                        }
                    };
                    if file.uploaded {
                        row.uploaded_by = Some(entry.id);
                    }
                    if row.referenced_by.last() != Some(&entry.id) {
                        row.referenced_by.push(entry.id);
                    }
                }
            }
        }
        rows
    }

    /// The files in a checkpoint's own `chk-{id}/` besides `_metadata` (full snapshots above
    /// the inline threshold): (name, bytes).
    pub fn exclusive_files(entry: &StorageEntry) -> Vec<(String, u64)> {
        entry
            .metadata
            .exclusive_files()
            .map(|(path, bytes)| (path.rsplit('/').next().unwrap_or(path).to_string(), bytes))
            .collect()
    }
}

/// Everything the browser shows.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct StorageListing {
    /// Job folders, the running job first.
    pub folders: Vec<JobFolder>,
    /// Records that could not be read: key and reason.
    pub problems: Vec<(String, String)>,
    /// Whether the archive is open (else the engine's retained checkpoints are shown).
    pub archive_open: bool,
}

fn entry(m: &CheckpointMetadata, dir: &str, epoch: u64, status: EntryStatus) -> StorageEntry {
    let savepoint = m.is_savepoint();
    let (name, path) = if savepoint {
        // `file:/tmp/flink-savepoints/savepoint-…` as Flink prints it, listed as a URI.
        let external = m.external_path.trim_end_matches('/');
        let uri = match external.strip_prefix("file:") {
            Some(rest) if !rest.starts_with("//") => format!("file://{rest}"),
            _ => external.to_string(),
        };
        let name = external.rsplit('/').next().unwrap_or(external);
        (format!("{name}/"), format!("{uri}/_metadata"))
    } else {
        let name = format!("chk-{}/", m.checkpoint_id);
        let path = format!("{dir}{name}_metadata");
        (name, path)
    };
    StorageEntry {
        id: m.checkpoint_id.0,
        key: checkpoint_key(&m.job_id, m.checkpoint_id.0),
        name,
        path,
        savepoint,
        file_size: m.file_size(),
        completed_at: SimTime::from_ms(m.completion_timestamp.saturating_sub(epoch)),
        status,
        metadata: Rc::new(m.clone()),
    }
}

/// `file:///tmp/flink-checkpoints/{job-id}/`.
pub fn job_directory(base: &str, job_id: &str) -> String {
    format!("{}/{job_id}/", base.trim_end_matches('/'))
}

/// The browser's content: the archive's listing, plus the running job's retained checkpoints
/// not written yet.
pub fn storage_listing(sim: &Sim, mirror: &Mirror) -> StorageListing {
    let view = sim.view();
    let base = view.config().checkpoint_dir.as_str();
    let epoch = view.config().epoch_ms;
    let current = view.job_id();
    let current_dir = job_directory(base, current);
    let engine = view
        .retained_checkpoints()
        .iter()
        .chain(view.storage().savepoints());
    let Some(listing) = mirror.listing() else {
        let (savepoints, entries) = engine
            .map(|m| entry(m, &current_dir, epoch, EntryStatus::InEngine))
            .partition(|e| e.savepoint);
        return StorageListing {
            folders: vec![JobFolder {
                dir: current_dir,
                current: true,
                entries,
                savepoints,
            }],
            problems: Vec::new(),
            archive_open: false,
        };
    };
    let mut jobs: Vec<String> = vec![current.to_string()];
    jobs.extend(
        listing
            .jobs
            .iter()
            .map(|j| j.job_id.clone())
            .filter(|j| j != current),
    );
    let folders = jobs
        .iter()
        .map(|job| {
            let dir = job_directory(base, job);
            let mut all: Vec<StorageEntry> = listing
                .checkpoints_of(job)
                .map(|c| entry(&c.metadata, &dir, epoch, EntryStatus::Persisted))
                .collect();
            if job == current {
                for m in engine.clone() {
                    if !all.iter().any(|e| e.id == m.checkpoint_id.0) {
                        all.push(entry(m, &dir, epoch, EntryStatus::Writing));
                    }
                }
                crate::sim::order::sort_by_key(&mut all, |e| e.id);
            }
            let (savepoints, entries) = all.into_iter().partition(|e| e.savepoint);
            JobFolder {
                dir,
                current: job == current,
                entries,
                savepoints,
            }
        })
        .collect();
    let problems = listing
        .problems
        .iter()
        .map(|p| (p.key.clone(), p.reason.clone()))
        .collect();
    StorageListing {
        folders,
        problems,
        archive_open: true,
    }
}
