//! The keyed state backends and what their snapshots write.
//!
//! - `hashmap` (`HashMapStateBackend`): the state lives in heap tables; every checkpoint writes
//!   one stream of all key groups (a `KeyGroupsStateHandle`), so `checkpointed_size` equals
//!   `state_size`.
//! - `rocksdb` (`EmbeddedRocksDBStateBackend`): per keyed subtask a memtable and SST files in
//!   levels. State updates go to the memtable; the synchronous phase of a snapshot flushes it
//!   into a new L0 file; when L0 holds [`L0_COMPACTION_TRIGGER`] files, compaction merges them
//!   with L1 into new L1 files and drops the inputs. A full snapshot
//!   (`execution.checkpointing.incremental: false`) writes the whole state as one stream; an
//!   incremental one (`RocksIncrementalSnapshotStrategy`) uploads only the SST files that the
//!   last completed checkpoint (or a later pending one) did not upload, refers to the others by
//!   handle, and uploads the small private files (MANIFEST, CURRENT, OPTIONS and the state's meta
//!   data) every time.
//!
//! Flink's inline rule (`execution.checkpointing.data-inline-threshold`, 20 KB): a stream below
//! the threshold becomes a `ByteStreamStateHandle` stored inside `_metadata` instead of a file.
//! That is why the talk's three users leave `shared/` empty.
//!
//! The keyed state's logical content (each named user's count) is [`SubtaskState::Keyed`]; this
//! module models its physical size and files. Besides the named users, `simulation.state.keys`
//! keys with state exist from the job's start (as if it had been running a while), spread over
//! the key groups evenly, each of `simulation.state.bytes-per-key` bytes.
//!
//! [`SubtaskState::Keyed`]: crate::sim::checkpoint::SubtaskState::Keyed

use crate::sim::checkpoint::{KeyedStateHandle, SharedStateFile};
use crate::sim::ids::CheckpointId;

/// RocksDB's `level0_file_num_compaction_trigger` default: L0 files that start a compaction.
pub const L0_COMPACTION_TRIGGER: usize = 4;
/// `state.backend.rocksdb.compaction.level.target-file-size-base` (64 MB): compaction splits
/// its output into files of at most this size.
pub const TARGET_FILE_SIZE_BYTES: u64 = 64 << 20;
/// `state.backend.rocksdb.writebuffer.size` (64 MB): a memtable this full is flushed without
/// waiting for a checkpoint.
pub const WRITE_BUFFER_BYTES: u64 = 64 << 20;
/// What an SST file adds to its key-value data: index and filter blocks, properties, footer
/// (a model figure, about what RocksDB writes for a small file).
pub const SST_OVERHEAD_BYTES: u64 = 1_100;
/// The private files an incremental snapshot uploads each time: `OPTIONS-…` (≈7.4 KB),
/// `CURRENT` (16 B), and `MANIFEST-…` (this base plus [`MANIFEST_PER_FILE_BYTES`] per live
/// SST file), plus the state's meta data (serializer snapshots). Model figures.
pub const PRIVATE_BASE_BYTES: u64 = 7_400 + 16 + 600 + 1_990;
/// `MANIFEST` bytes per live SST file.
pub const MANIFEST_PER_FILE_BYTES: u64 = 60;

/// `state.backend.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateBackend {
    /// `hashmap` (`HashMapStateBackend`: the state on the JVM heap).
    Heap,
    /// `rocksdb`.
    RocksDb,
}

impl StateBackend {
    /// The option value.
    pub fn as_str(self) -> &'static str {
        match self {
            StateBackend::Heap => "hashmap",
            StateBackend::RocksDb => "rocksdb",
        }
    }
}

/// Keys with state in key groups `start..=end` when `total` keys are spread evenly over
/// `max_parallelism` key groups (key group `g` holds `total / max_p`, one more when
/// `g < total % max_p`). Exact for any split of the key groups, so a rescale keeps every key.
pub fn modeled_keys(total: u32, max_parallelism: u32, (start, end): (u32, u32)) -> u64 {
    let max_p = u64::from(max_parallelism.max(1));
    let (total, start, end) = (u64::from(total), u64::from(start), u64::from(end));
    let (per, extra) = (total / max_p, total % max_p);
    let groups = end + 1 - start;
    let with_extra = extra.min(end + 1).saturating_sub(start.min(extra));
    per * groups + with_extra
}

/// One SST file of a RocksDB instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SstFile {
    /// RocksDB's file number (`000042.sst`).
    pub number: u32,
    /// Its level (0 for flushed files).
    pub level: u8,
    /// Its size.
    pub bytes: u64,
}

impl SstFile {
    /// The local file name (`000042.sst`).
    pub fn name(&self) -> String {
        format!("{:06}.sst", self.number)
    }
}

/// What one compaction did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compaction {
    /// The input files (all of L0 and L1).
    pub inputs: Vec<SstFile>,
    /// The new L1 files.
    pub outputs: Vec<SstFile>,
}

/// Where a snapshot's files go: `{dir}/{job-id}` and the checkpoint's `chk-{id}`.
#[derive(Clone, Copy, Debug)]
pub struct SnapshotTarget<'a> {
    /// `…/{job-id}` (without a trailing slash).
    pub job_dir: &'a str,
    /// `…/{job-id}/chk-{id}`.
    pub checkpoint_dir: &'a str,
    /// `execution.checkpointing.data-inline-threshold`.
    pub inline_threshold: u64,
    /// A value that makes file names unique to the job and subtask.
    pub salt: u64,
}

impl SnapshotTarget<'_> {
    /// Where a stream of `bytes` goes: `None` (inline in `_metadata`) below the threshold.
    fn place(&self, dir: &str, bytes: u64, id: u64) -> Option<String> {
        (bytes >= self.inline_threshold).then(|| format!("{dir}/{}", file_uuid(self.salt, id)))
    }

    /// A full snapshot's stream: one exclusive file in `chk-{id}/` (or inline).
    pub fn full(&self, checkpoint: CheckpointId, bytes: u64) -> KeyedStateHandle {
        KeyedStateHandle::Full {
            bytes,
            path: self.place(self.checkpoint_dir, bytes, u64::from(checkpoint.0) << 32),
        }
    }
}

/// A file name like Flink's random UUIDs, derived from the job, the subtask and the file.
fn file_uuid(salt: u64, id: u64) -> String {
    let a = crate::sim::rng::hash3(salt, id, 0x5348);
    let b = crate::sim::rng::mix64(a ^ 0x5555_AAAA);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

/// One keyed subtask's RocksDB instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RocksDb {
    /// Bytes written to the memtable since the last flush.
    pub memtable_bytes: u64,
    /// Live SST files: L0 oldest first, then L1.
    pub files: Vec<SstFile>,
    /// The next file number.
    pub next_number: u32,
    /// `uploadedSstFiles`: the shared files each checkpoint's snapshot referred to, for the
    /// last completed checkpoint and later ones (older entries are dropped on completion).
    pub uploaded: Vec<(CheckpointId, Vec<SharedStateFile>)>,
    /// `lastCompletedCheckpointId`.
    pub last_completed: CheckpointId,
    /// Flushes so far.
    pub flushes: u32,
    /// Compactions so far.
    pub compactions: u32,
}

impl RocksDb {
    /// An instance holding `live_bytes` of state from before the job's start, in L1.
    pub fn with_state(live_bytes: u64) -> RocksDb {
        let mut db = RocksDb {
            memtable_bytes: 0,
            files: Vec::new(),
            next_number: 8,
            uploaded: Vec::new(),
            last_completed: CheckpointId(0),
            flushes: 0,
            compactions: 0,
        };
        db.files = db.level_one(live_bytes);
        db
    }

    /// New L1 files for `data` bytes of key-value data, split at the target file size.
    fn level_one(&mut self, data: u64) -> Vec<SstFile> {
        let mut out = Vec::new();
        let mut left = data;
        while left > 0 {
            let chunk = left.min(TARGET_FILE_SIZE_BYTES);
            left -= chunk;
            out.push(SstFile {
                number: self.next_number,
                level: 1,
                bytes: chunk + SST_OVERHEAD_BYTES,
            });
            self.next_number += 1;
        }
        out
    }

    /// A state update of `bytes` (a `ValueState.update`): into the memtable, flushed when the
    /// write buffer is full.
    pub fn write(&mut self, bytes: u64) {
        self.memtable_bytes += bytes;
        if self.memtable_bytes >= WRITE_BUFFER_BYTES {
            self.flush();
        }
    }

    /// Flushes the memtable into a new L0 file (nothing when it is empty).
    pub fn flush(&mut self) -> Option<SstFile> {
        if self.memtable_bytes == 0 {
            return None;
        }
        let file = SstFile {
            number: self.next_number,
            level: 0,
            bytes: self.memtable_bytes + SST_OVERHEAD_BYTES,
        };
        self.next_number += 1;
        self.memtable_bytes = 0;
        self.flushes += 1;
        let at = self.files.iter().take_while(|f| f.level == 0).count();
        self.files.insert(at, file);
        Some(file)
    }

    /// Runs a compaction when L0 has reached the trigger: L0 and L1 merge into new L1 files
    /// holding at most `live_bytes` of data (overwritten values are dropped).
    pub fn maybe_compact(&mut self, live_bytes: u64) -> Option<Compaction> {
        let l0 = self.files.iter().filter(|f| f.level == 0).count();
        if l0 < L0_COMPACTION_TRIGGER {
            return None;
        }
        let inputs = std::mem::take(&mut self.files);
        let data: u64 = inputs
            .iter()
            .map(|f| f.bytes.saturating_sub(SST_OVERHEAD_BYTES))
            .sum();
        let outputs = self.level_one(data.min(live_bytes.max(1)));
        self.files = outputs.clone();
        self.compactions += 1;
        Some(Compaction { inputs, outputs })
    }

    /// Bytes of the live SST files.
    pub fn sst_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }

    /// The private files' bytes of a snapshot.
    pub fn private_bytes(&self) -> u64 {
        PRIVATE_BASE_BYTES + MANIFEST_PER_FILE_BYTES * self.files.len() as u64
    }

    /// The incremental snapshot of the live files (after the flush of the synchronous phase):
    /// files the previous snapshot uploaded are referred to, the others uploaded.
    pub fn incremental_snapshot(
        &mut self,
        checkpoint: CheckpointId,
        target: &SnapshotTarget<'_>,
    ) -> KeyedStateHandle {
        let previous: Vec<&SharedStateFile> = self
            .uploaded
            .iter()
            .filter(|(id, _)| *id >= self.last_completed)
            .flat_map(|(_, files)| files)
            .collect();
        let shared_dir = format!("{}/shared", target.job_dir);
        let shared: Vec<SharedStateFile> = self
            .files
            .iter()
            .map(|file| {
                let name = file.name();
                match previous.iter().rev().find(|p| p.local == name) {
                    Some(p) => SharedStateFile {
                        uploaded: false,
                        ..(*p).clone()
                    },
                    None => SharedStateFile {
                        path: target.place(&shared_dir, file.bytes, u64::from(file.number)),
                        local: name,
                        level: file.level,
                        bytes: file.bytes,
                        uploaded: true,
                    },
                }
            })
            .collect();
        self.uploaded.retain(|(id, _)| *id != checkpoint);
        self.uploaded.push((checkpoint, shared.clone()));
        KeyedStateHandle::Incremental {
            shared,
            private_bytes: self.private_bytes(),
        }
    }

    /// `notifyCheckpointComplete`: the checkpoint becomes the base of the next snapshots.
    pub fn checkpoint_complete(&mut self, checkpoint: CheckpointId) {
        if checkpoint > self.last_completed && self.uploaded.iter().any(|(id, _)| *id == checkpoint)
        {
            self.uploaded.retain(|(id, _)| *id >= checkpoint);
            self.last_completed = checkpoint;
        }
    }

    /// `notifyCheckpointAborted`: its uploads are not a base any more.
    pub fn checkpoint_aborted(&mut self, checkpoint: CheckpointId) {
        self.uploaded.retain(|(id, _)| *id != checkpoint);
    }

    /// The instance a restore from `handle` (of `checkpoint`) opens: an incremental snapshot's
    /// files are downloaded and used as they are (and are the base of the next snapshot); a
    /// full snapshot's stream is re-inserted and compacted into L1.
    pub fn restored(handle: &KeyedStateHandle, checkpoint: CheckpointId) -> RocksDb {
        match handle {
            KeyedStateHandle::Incremental { shared, .. } => {
                let files: Vec<SstFile> = shared
                    .iter()
                    .map(|f| SstFile {
                        number: f.local.trim_end_matches(".sst").parse().unwrap_or_default(),
                        level: f.level,
                        bytes: f.bytes,
                    })
                    .collect();
                let next_number = files.iter().map(|f| f.number + 1).max().unwrap_or(8);
                RocksDb {
                    memtable_bytes: 0,
                    files,
                    next_number,
                    uploaded: vec![(checkpoint, shared.clone())],
                    last_completed: checkpoint,
                    flushes: 0,
                    compactions: 0,
                }
            }
            KeyedStateHandle::Full { bytes, .. } => {
                let data = bytes.saturating_sub(crate::sim::checkpoint::KEYED_STATE_BASE_BYTES);
                let mut db = RocksDb::with_state(data);
                db.last_completed = checkpoint;
                db
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modeled_keys_add_up_over_any_split_of_the_key_groups() {
        for (total, max_p) in [(100_000u32, 128u32), (7, 128), (0, 128), (1_000_003, 4_096)] {
            for p in [1u32, 2, 3, 4, 7, 32] {
                let sum: u64 = (0..p)
                    .map(|i| {
                        let range = crate::sim::key_group::key_group_range(max_p, p, i);
                        modeled_keys(total, max_p, range)
                    })
                    .sum();
                assert_eq!(sum, u64::from(total), "total {total}, max_p {max_p}, p {p}");
            }
        }
    }

    fn target() -> SnapshotTarget<'static> {
        SnapshotTarget {
            job_dir: "file:/tmp/flink-checkpoints/j",
            checkpoint_dir: "file:/tmp/flink-checkpoints/j/chk-1",
            inline_threshold: 20 * 1024,
            salt: 9,
        }
    }

    #[test]
    fn an_incremental_snapshot_uploads_only_new_files_and_compaction_replaces_them() {
        let mut db = RocksDb::with_state(1_000_000);
        let first = db.incremental_snapshot(CheckpointId(1), &target());
        assert_eq!(first.checkpointed_bytes(), first.state_bytes());
        db.checkpoint_complete(CheckpointId(1));
        db.write(30_000);
        db.flush();
        let second = db.incremental_snapshot(CheckpointId(2), &target());
        assert!(second.checkpointed_bytes() < second.state_bytes());
        assert_eq!(
            second.checkpointed_bytes(),
            30_000 + SST_OVERHEAD_BYTES + db.private_bytes()
        );
        db.checkpoint_complete(CheckpointId(2));
        for _ in 0..3 {
            db.write(100);
            db.flush();
        }
        let compaction = db.maybe_compact(1_000_000).expect("four L0 files");
        assert_eq!(compaction.inputs.len(), 5);
        assert_eq!(db.files.len(), 1);
        let third = db.incremental_snapshot(CheckpointId(3), &target());
        assert!(
            third.checkpointed_bytes() >= 1_000_000,
            "the new L1 file is uploaded"
        );
    }

    #[test]
    fn small_files_are_inlined_and_an_aborted_upload_is_not_a_base() {
        let mut db = RocksDb::with_state(1_000);
        let KeyedStateHandle::Incremental { shared, .. } =
            db.incremental_snapshot(CheckpointId(1), &target())
        else {
            unreachable!()
        };
        assert!(
            shared.iter().all(|f| f.path.is_none()),
            "below 20 KB: inline"
        );
        db.checkpoint_aborted(CheckpointId(1));
        let again = db.incremental_snapshot(CheckpointId(2), &target());
        assert_eq!(again.checkpointed_bytes(), again.state_bytes());
    }
}
