//! Checkpoints as data: what a task acknowledges, what the coordinator tracks while a
//! checkpoint is pending, and the `_metadata`-like record a completed checkpoint writes.
//!
//! Sizes follow what Flink 2.3.0 reported for this job with `HashMapStateBackend` (FLINK.md
//! Part A): ≈211 B per source subtask (its split offset and serializer snapshots), ≈2 KB per
//! keyed subtask even without keys, a few bytes more per key, and the in-flight records of an
//! unaligned checkpoint at their serialized size. All state is small enough to be inlined into
//! `_metadata`, as it is on a real cluster (20 KB inline threshold).

use crate::sim::channel::Element;
use crate::sim::ids::{CheckpointId, KeyIndex};
use crate::sim::limits::SUMMARY_WINDOW_MAX;
use crate::sim::time::SimTime;
use serde::{Deserialize, Serialize};

/// The format version of [`CheckpointMetadata`]; bump it with a migration when the shape changes.
pub const METADATA_FORMAT_VERSION: u32 = 1;
/// Flink's `_metadata` magic number (`0x4960672D`), kept for the storage browser.
pub const METADATA_MAGIC: u32 = 0x4960_672D;
/// Bytes of one source subtask's operator state.
pub const SOURCE_STATE_BYTES: u64 = 211;
/// Bytes of one keyed subtask's state without keys (serializer snapshots, key-group header).
pub const KEYED_STATE_BASE_BYTES: u64 = 1_990;
/// Additional bytes per key in a keyed subtask's state.
pub const KEYED_STATE_PER_KEY_BYTES: u64 = 12;
/// Bytes `_metadata` adds around the inlined state (observed 9,853 B for 6,657 B of state).
pub const METADATA_OVERHEAD_BYTES: u64 = 3_200;

/// `SavepointFormatType`: how a savepoint writes keyed state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SavepointFormatType {
    /// The backend-independent format (key-value pairs): any state backend can read it.
    Canonical,
    /// The state backend's own files (RocksDB's SST files): faster, tied to the backend.
    Native,
}

impl SavepointFormatType {
    /// The name Flink's CLI and REST API use (`--type canonical|native`, `formatType`).
    pub fn as_str(self) -> &'static str {
        match self {
            SavepointFormatType::Canonical => "CANONICAL",
            SavepointFormatType::Native => "NATIVE",
        }
    }
}

/// A savepoint's `SavepointType` and its directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Savepoint {
    /// Canonical or native.
    pub format: SavepointFormatType,
    /// Stop-with-savepoint (`SYNC_SAVEPOINT`): the job finishes once it completes.
    pub synchronous: bool,
    /// `…/savepoint-<first 6 hex of the job id>-<12 hex>`, its `external_path`.
    pub path: String,
}

impl Savepoint {
    /// `checkpoint_type` as `_metadata` and the REST API name it.
    pub fn checkpoint_type(&self) -> &'static str {
        if self.synchronous {
            "SYNC_SAVEPOINT"
        } else {
            "SAVEPOINT"
        }
    }
}

/// One key's `ValueState<Integer>` in a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyedStateEntry {
    /// The key (`user1`).
    pub key: String,
    /// Its key group.
    pub key_group: u32,
    /// The abnormal-event count.
    pub count: u32,
}

/// The operator state of one subtask.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubtaskState {
    /// A source's split position: the next sequence number it will emit.
    Source {
        /// The next sequence number.
        offset: u64,
    },
    /// Keyed state of one key-group range.
    Keyed {
        /// Inclusive key-group range owned by the subtask.
        key_group_range: [u32; 2],
        /// Every key with state, in key-group order.
        entries: Vec<KeyedStateEntry>,
    },
    /// No state (the print sink).
    Stateless,
}

/// In-flight data persisted by an unaligned checkpoint for one channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChannelState {
    /// The sending subtask (of the upstream vertex).
    pub sender_subtask: u32,
    /// The receiving subtask (of the downstream vertex).
    pub receiver_subtask: u32,
    /// Persisted by the sender (`output`, result subpartition state) or the receiver
    /// (`input`, input channel state).
    pub side: ChannelSide,
    /// The elements, in channel order; they are replayed before new input on restore.
    pub elements: Vec<Element>,
}

/// Which end of a channel persisted in-flight data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelSide {
    /// The sender's result subpartition.
    Output,
    /// The receiver's input channel.
    Input,
}

/// One SST file an incremental RocksDB snapshot refers to (an entry of
/// `IncrementalRemoteKeyedStateHandle.sharedState`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SharedStateFile {
    /// The local file name in the RocksDB instance (`000042.sst`).
    pub local: String,
    /// Its level when the snapshot was taken.
    pub level: u8,
    /// Its size.
    pub bytes: u64,
    /// `…/{job-id}/shared/<uuid>`, or `None` when it is stored inline in `_metadata` (below
    /// `execution.checkpointing.data-inline-threshold`).
    pub path: Option<String>,
    /// Whether this checkpoint uploaded it (`false`: a handle to an earlier checkpoint's upload).
    pub uploaded: bool,
}

/// The physical form of a keyed subtask's snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyedStateHandle {
    /// One stream of every key group (`KeyGroupsStateHandle`): the HashMap backend, and RocksDB
    /// with incremental checkpoints off.
    Full {
        /// Its size.
        bytes: u64,
        /// `…/chk-{id}/<uuid>`, or `None` when inline in `_metadata`.
        path: Option<String>,
    },
    /// `IncrementalRemoteKeyedStateHandle`: shared SST files plus private files uploaded
    /// each time (MANIFEST, CURRENT, OPTIONS, meta data), which are small and inline.
    Incremental {
        /// The SST files, uploaded now or referred to.
        shared: Vec<SharedStateFile>,
        /// Bytes of the private files.
        private_bytes: u64,
    },
}

impl KeyedStateHandle {
    /// The full state the handle represents (`state_size`).
    pub fn state_bytes(&self) -> u64 {
        match self {
            KeyedStateHandle::Full { bytes, .. } => *bytes,
            KeyedStateHandle::Incremental {
                shared,
                private_bytes,
            } => shared.iter().map(|f| f.bytes).sum::<u64>() + private_bytes,
        }
    }

    /// What this checkpoint wrote (`checkpointed_size`).
    pub fn checkpointed_bytes(&self) -> u64 {
        match self {
            KeyedStateHandle::Full { bytes, .. } => *bytes,
            KeyedStateHandle::Incremental {
                shared,
                private_bytes,
            } => {
                shared
                    .iter()
                    .filter(|f| f.uploaded)
                    .map(|f| f.bytes)
                    .sum::<u64>()
                    + private_bytes
            }
        }
    }

    /// Bytes stored inside `_metadata`.
    pub fn inline_bytes(&self) -> u64 {
        match self {
            KeyedStateHandle::Full { bytes, path } => {
                if path.is_none() {
                    *bytes
                } else {
                    0
                }
            }
            KeyedStateHandle::Incremental {
                shared,
                private_bytes,
            } => {
                shared
                    .iter()
                    .filter(|f| f.path.is_none())
                    .map(|f| f.bytes)
                    .sum::<u64>()
                    + private_bytes
            }
        }
    }

    /// Bytes this checkpoint wrote as files (not inline): what the asynchronous phase uploads
    /// to checkpoint storage.
    pub fn uploaded_file_bytes(&self) -> u64 {
        match self {
            KeyedStateHandle::Full { bytes, path } => path.as_ref().map_or(0, |_| *bytes),
            KeyedStateHandle::Incremental { shared, .. } => shared
                .iter()
                .filter(|f| f.uploaded && f.path.is_some())
                .map(|f| f.bytes)
                .sum(),
        }
    }

    /// Bytes a restore downloads (every file the handle refers to).
    pub fn file_bytes(&self) -> u64 {
        match self {
            KeyedStateHandle::Full { bytes, path } => path.as_ref().map_or(0, |_| *bytes),
            KeyedStateHandle::Incremental { shared, .. } => shared
                .iter()
                .filter(|f| f.path.is_some())
                .map(|f| f.bytes)
                .sum(),
        }
    }
}

/// One subtask's part of a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubtaskSnapshot {
    /// Subtask index within its vertex.
    pub subtask: u32,
    /// Operator state.
    pub state: SubtaskState,
    /// In-flight data (unaligned checkpoints only).
    pub channel_state: Vec<ChannelState>,
    /// Bytes of operator state (the full state).
    pub state_bytes: u64,
    /// Bytes of in-flight data.
    pub channel_state_bytes: u64,
    /// Keyed subtasks: where their state was written (absent in records from before the state
    /// backends, whose state was all inline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<KeyedStateHandle>,
    /// A two-phase-commit sink's committer state: committables not yet committed at the
    /// snapshot (`streaming_committer_raw_states`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub committables: Vec<Committable>,
}

/// A `KafkaCommittable`: what the committer needs to commit a pre-committed transaction, also
/// after a restore (`resumeTransaction(producerId, epoch)`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Committable {
    /// `<prefix>-<subtask>-<offset>`.
    pub transactional_id: String,
    /// The producer id.
    pub producer_id: u64,
    /// The producer epoch.
    pub epoch: u32,
    /// The checkpoint whose barrier pre-committed it.
    pub checkpoint_id: CheckpointId,
}

impl SubtaskSnapshot {
    /// What this checkpoint wrote for the subtask (`checkpointed_size`): state plus
    /// in-flight data.
    pub fn checkpointed_bytes(&self) -> u64 {
        self.handle
            .as_ref()
            .map_or(self.state_bytes, KeyedStateHandle::checkpointed_bytes)
            + self.channel_state_bytes
    }

    /// Bytes stored inside `_metadata`.
    pub fn inline_bytes(&self) -> u64 {
        self.handle
            .as_ref()
            .map_or(self.state_bytes, KeyedStateHandle::inline_bytes)
            + self.channel_state_bytes
    }
}

/// One vertex's part of a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OperatorSnapshot {
    /// The `JobVertexID`.
    pub vertex_id: String,
    /// The vertex name.
    pub name: String,
    /// Parallelism at checkpoint time.
    pub parallelism: u32,
    /// Max parallelism (number of key groups).
    pub max_parallelism: u32,
    /// Per subtask, by index.
    pub subtasks: Vec<SubtaskSnapshot>,
}

/// The content of `…/{job-id}/chk-{id}/_metadata`, as JSON instead of Flink's binary format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckpointMetadata {
    /// [`METADATA_FORMAT_VERSION`].
    pub format_version: u32,
    /// [`METADATA_MAGIC`].
    pub magic: u32,
    /// The job id (32 hex digits).
    pub job_id: String,
    /// The checkpoint id.
    pub checkpoint_id: CheckpointId,
    /// `CHECKPOINT` or `UNALIGNED_CHECKPOINT`.
    pub checkpoint_type: String,
    /// Epoch milliseconds of the trigger.
    pub trigger_timestamp: u64,
    /// Epoch milliseconds of completion.
    pub completion_timestamp: u64,
    /// `file:/tmp/flink-checkpoints/<jid>/chk-<id>` (one slash, as Flink prints it).
    pub external_path: String,
    /// How a savepoint's keyed state is written (absent for checkpoints, and in records from
    /// before savepoints): `NATIVE` only for RocksDB's own files (an
    /// `IncrementalRemoteKeyedStateHandle`, restorable only into RocksDB); the HashMap backend
    /// writes key groups in either format, so its native savepoints are `CANONICAL` here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savepoint_format: Option<SavepointFormatType>,
    /// Per vertex.
    pub operators: Vec<OperatorSnapshot>,
}

impl CheckpointMetadata {
    /// Bytes of operator state plus in-flight data: the full state (`state_size`).
    pub fn state_size(&self) -> u64 {
        self.subtasks()
            .map(|s| s.state_bytes + s.channel_state_bytes)
            .sum()
    }

    /// What this checkpoint wrote (`checkpointed_size`; below [`state_size`] for an
    /// incremental checkpoint that refers to earlier uploads).
    ///
    /// [`state_size`]: CheckpointMetadata::state_size
    pub fn checkpointed_size(&self) -> u64 {
        self.subtasks()
            .map(SubtaskSnapshot::checkpointed_bytes)
            .sum()
    }

    /// Whether this is a savepoint's `_metadata` (`SAVEPOINT` or `SYNC_SAVEPOINT`).
    pub fn is_savepoint(&self) -> bool {
        self.checkpoint_type.ends_with("SAVEPOINT")
    }

    /// Every subtask's snapshot, vertex by vertex.
    pub fn subtasks(&self) -> impl Iterator<Item = &SubtaskSnapshot> {
        self.operators.iter().flat_map(|o| &o.subtasks)
    }

    /// Approximate size of the `_metadata` file: the inlined state plus its own overhead.
    pub fn file_size(&self) -> u64 {
        self.subtasks()
            .map(SubtaskSnapshot::inline_bytes)
            .sum::<u64>()
            + METADATA_OVERHEAD_BYTES
    }

    /// The shared files (`shared/…`) the checkpoint refers to, with their sizes.
    pub fn shared_files(&self) -> impl Iterator<Item = (&str, u64)> {
        self.subtasks()
            .flat_map(|s| match &s.handle {
                Some(KeyedStateHandle::Incremental { shared, .. }) => shared.as_slice(),
                _ => &[],
            })
            .filter_map(|f| f.path.as_deref().map(|p| (p, f.bytes)))
    }

    /// The exclusive files in `chk-{id}/` besides `_metadata` (full snapshots above the
    /// inline threshold).
    pub fn exclusive_files(&self) -> impl Iterator<Item = (&str, u64)> {
        self.subtasks().filter_map(|s| match &s.handle {
            Some(KeyedStateHandle::Full {
                bytes,
                path: Some(path),
            }) => Some((path.as_str(), *bytes)),
            _ => None,
        })
    }

    /// Checks what a reader must be able to rely on: known version, right magic, consistent
    /// subtask numbering. Used after loading a record from storage.
    pub fn check(&self) -> Result<(), String> {
        if self.format_version != METADATA_FORMAT_VERSION {
            return Err(format!(
                "unknown format version {} (this build reads {METADATA_FORMAT_VERSION})",
                self.format_version
            ));
        }
        if self.magic != METADATA_MAGIC {
            return Err(format!("bad magic number {:#x}", self.magic));
        }
        if self.checkpoint_id.0 == 0 {
            return Err("checkpoint id 0 does not exist (ids start at 1)".to_string());
        }
        for operator in &self.operators {
            if operator.subtasks.len() != operator.parallelism as usize {
                return Err(format!(
                    "{}: {} subtasks for parallelism {}",
                    operator.name,
                    operator.subtasks.len(),
                    operator.parallelism
                ));
            }
            for (index, subtask) in operator.subtasks.iter().enumerate() {
                if subtask.subtask as usize != index {
                    return Err(format!(
                        "{}: subtask {} out of order",
                        operator.name, subtask.subtask
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Size of a keyed subtask's state with `keys` keys of `per_key` bytes each
/// ([`KEYED_STATE_PER_KEY_BYTES`] by default, `simulation.state.bytes-per-key`).
pub fn keyed_state_bytes(keys: u64, per_key: u64) -> u64 {
    KEYED_STATE_BASE_BYTES + per_key * keys
}

/// Why a checkpoint failed, with Flink's `CheckpointFailureReason` messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckpointFailureReason {
    /// `CHECKPOINT_EXPIRED`.
    Expired,
    /// `TRIGGER_CHECKPOINT_FAILURE` (the trigger RPC to a source failed).
    TriggerFailure,
    /// `NOT_ALL_REQUIRED_TASKS_RUNNING` (fails before an id is assigned).
    NotAllRequiredTasksRunning,
    /// `CHECKPOINT_ASYNC_EXCEPTION` (a task could not write its snapshot).
    AsyncException,
    /// `FINALIZE_CHECKPOINT_FAILURE` (the coordinator could not write `_metadata`).
    FinalizeFailure,
    /// `JOB_FAILOVER_REGION` (a failover aborted the pending checkpoint).
    JobFailoverRegion,
    /// `CHECKPOINT_DECLINED_SUBSUMED` (a newer barrier reached a task first).
    DeclinedSubsumed,
    /// `CHECKPOINT_COORDINATOR_SUSPEND` (a queued request when the job failed over).
    CoordinatorSuspend,
    /// `TOO_MANY_CHECKPOINT_REQUESTS` (the request queue is full).
    TooManyCheckpointRequests,
}

impl CheckpointFailureReason {
    /// Flink's message for this reason.
    pub fn message(self) -> &'static str {
        match self {
            Self::Expired => "Checkpoint expired before completing.",
            Self::TriggerFailure => "Trigger checkpoint failure.",
            Self::NotAllRequiredTasksRunning => "Not all required tasks are currently running.",
            Self::AsyncException => "Asynchronous task checkpoint failed.",
            Self::FinalizeFailure => "Failure to finalize checkpoint.",
            Self::JobFailoverRegion => "FailoverRegion is restarting.",
            Self::DeclinedSubsumed => {
                "Checkpoint was canceled because a barrier from newer checkpoint was received."
            }
            Self::CoordinatorSuspend => "Checkpoint Coordinator is suspending.",
            Self::TooManyCheckpointRequests => {
                "The maximum number of queued checkpoint requests exceeded"
            }
        }
    }

    /// Whether `CheckpointFailureManager` counts it against `tolerable-failed-checkpoints`.
    pub fn counts_against_tolerable(self) -> bool {
        matches!(
            self,
            Self::Expired | Self::AsyncException | Self::FinalizeFailure
        )
    }
}

/// The status of a checkpoint in the statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckpointStatus {
    /// Triggered, not all acknowledgements in.
    InProgress,
    /// Completed and written.
    Completed,
    /// Aborted.
    Failed,
}

impl CheckpointStatus {
    /// REST `status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "IN_PROGRESS",
            Self::Completed => "COMPLETED",
            Self::Failed => "FAILED",
        }
    }
}

/// The statistics one subtask reported with its acknowledgement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubtaskCheckpointStats {
    /// When the acknowledgement reached the JobManager.
    pub ack_time: SimTime,
    /// Bytes this checkpoint wrote: state plus in-flight data (`checkpointed_size`).
    pub checkpointed_bytes: u64,
    /// Bytes of the full state plus in-flight data (`state_size`).
    pub state_bytes: u64,
    /// Synchronous phase.
    pub sync_us: u64,
    /// Asynchronous phase.
    pub async_us: u64,
    /// First to last barrier.
    pub alignment_us: u64,
    /// Trigger to first barrier.
    pub start_delay_us: u64,
    /// Bytes read during alignment.
    pub processed_bytes: u64,
    /// Bytes of in-flight data persisted.
    pub persisted_bytes: u64,
    /// Whether this subtask's snapshot was unaligned.
    pub unaligned: bool,
}

/// Everything the dashboard knows about one checkpoint (a history entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointRecord {
    /// The id.
    pub id: CheckpointId,
    /// Status.
    pub status: CheckpointStatus,
    /// Trigger instant.
    pub trigger_time: SimTime,
    /// Whether the checkpoint was triggered as unaligned.
    pub unaligned: bool,
    /// A savepoint's type and directory (`None`: a checkpoint).
    pub savepoint: Option<Savepoint>,
    /// Per task (dense task index), once acknowledged.
    pub subtasks: Vec<Option<SubtaskCheckpointStats>>,
    /// Acknowledgements received.
    pub acknowledged: u32,
    /// Completion instant (completed only).
    pub completed_at: Option<SimTime>,
    /// `external_path` (completed only).
    pub external_path: Option<String>,
    /// Whether `chk-N` was discarded (subsumed beyond `num-retained`).
    pub discarded: bool,
    /// Failure instant and reason (failed only).
    pub failure: Option<(SimTime, CheckpointFailureReason)>,
}

impl CheckpointRecord {
    /// The latest acknowledgement, if any.
    pub fn latest_ack(&self) -> Option<SimTime> {
        self.subtasks.iter().flatten().map(|s| s.ack_time).max()
    }

    /// Sum of a per-subtask figure over acknowledged subtasks.
    pub fn sum(&self, figure: impl Fn(&SubtaskCheckpointStats) -> u64) -> u64 {
        self.subtasks.iter().flatten().map(figure).sum()
    }

    /// Trigger to latest acknowledgement (or to failure), in microseconds.
    pub fn end_to_end_us(&self) -> Option<u64> {
        match (self.status, self.latest_ack(), self.failure) {
            (CheckpointStatus::Failed, _, Some((at, _))) => {
                Some(at.saturating_since(self.trigger_time).0)
            }
            (_, Some(ack), _) => Some(ack.saturating_since(self.trigger_time).0),
            _ => None,
        }
    }
}

/// A point of the checkpoint plots (kept for many more checkpoints than the history).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckpointPoint {
    /// The id.
    pub id: CheckpointId,
    /// Final status.
    pub status: CheckpointStatus,
    /// Trigger instant.
    pub trigger_time: SimTime,
    /// End-to-end duration.
    pub end_to_end_us: u64,
    /// Checkpointed bytes.
    pub checkpointed_bytes: u64,
    /// Persisted in-flight bytes.
    pub persisted_bytes: u64,
}

/// Pending state collected for `_metadata`, by dense task index.
#[derive(Clone, Debug)]
pub struct PendingCheckpoint {
    /// The id.
    pub id: CheckpointId,
    /// Trigger instant.
    pub trigger_time: SimTime,
    /// Whether barriers were injected unaligned.
    pub unaligned: bool,
    /// A savepoint's type and directory (`None`: a checkpoint).
    pub savepoint: Option<Savepoint>,
    /// Acknowledged snapshots by task.
    pub snapshots: Vec<Option<SubtaskSnapshot>>,
    /// Acknowledgements received.
    pub acknowledged: u32,
}

impl PendingCheckpoint {
    /// Whether every task has acknowledged.
    pub fn is_fully_acknowledged(&self) -> bool {
        self.acknowledged as usize == self.snapshots.len()
    }
}

/// An in-flight data element with the channel it belongs to, while a task collects it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PersistedElement {
    /// Index of the channel.
    pub channel: u32,
    /// Which end persisted it.
    pub side: ChannelSide,
    /// The element.
    pub element: Element,
}

/// Bytes of one in-flight element.
pub fn element_bytes(element: &Element, record_bytes: u32) -> u64 {
    match element {
        Element::Record { .. } => u64::from(record_bytes),
        // An alarm line, e.g. "ALARM user=user1 count=3 seq=314", serialized as a String.
        Element::Alarm { .. } => 36,
        Element::Barrier { .. } => 0,
    }
}

/// Running min/max/sum plus a window of recent values for percentiles (Flink's `StatsSummary`
/// with its 10,000-value histogram window).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatsSummary {
    count: u64,
    min: u64,
    max: u64,
    sum: u64,
    window: std::collections::VecDeque<u64>,
}

impl StatsSummary {
    /// Adds a value.
    pub fn add(&mut self, value: u64) {
        if self.count == 0 {
            self.min = value;
            self.max = value;
        }
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        self.sum = self.sum.saturating_add(value);
        self.count += 1;
        if self.window.len() == SUMMARY_WINDOW_MAX {
            self.window.pop_front();
        }
        self.window.push_back(value);
        assert!(self.window.len() <= SUMMARY_WINDOW_MAX);
    }

    /// Number of values added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Minimum (0 when empty, as Flink reports).
    pub fn min(&self) -> u64 {
        self.min
    }

    /// Maximum (0 when empty).
    pub fn max(&self) -> u64 {
        self.max
    }

    /// Average, rounded down (0 when empty).
    pub fn avg(&self) -> u64 {
        self.sum.checked_div(self.count).unwrap_or(0)
    }

    /// The `p`-th percentile (0 < p ≤ 100) over the window, with commons-math's legacy
    /// estimation that Flink uses; NaN when empty.
    pub fn percentile(&self, p: f64) -> f64 {
        let mut sorted: Vec<u64> = self.window.iter().copied().collect();
        crate::sim::order::sort(&mut sorted);
        percentile_of_sorted(&sorted, p)
    }
}

/// commons-math `Percentile` (LEGACY estimation) over sorted values.
pub fn percentile_of_sorted(sorted: &[u64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    if n == 1 {
        return sorted[0] as f64;
    }
    let position = p * (n as f64 + 1.0) / 100.0;
    let floor = position.floor();
    let fraction = position - floor;
    if position < 1.0 {
        return sorted[0] as f64;
    }
    if position >= n as f64 {
        return sorted[n - 1] as f64;
    }
    let lower = sorted[floor as usize - 1] as f64;
    let upper = sorted[floor as usize] as f64;
    lower + fraction * (upper - lower)
}

/// Resolves a key name of a snapshot to the run's key, if the run has it.
pub fn key_by_name(keys: &[crate::sim::graph::KeyLayout], name: &str) -> Option<KeyIndex> {
    keys.iter()
        .position(|k| k.name == name)
        .map(KeyIndex::from_index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_follow_commons_math_legacy() {
        // Flink's /checkpoints summary reported p50 = 18.5 for an even window.
        assert_eq!(percentile_of_sorted(&[10, 17, 20, 30], 50.0), 18.5);
        assert_eq!(percentile_of_sorted(&[5], 99.0), 5.0);
        assert!(percentile_of_sorted(&[], 50.0).is_nan());
        assert_eq!(percentile_of_sorted(&[1, 2, 3], 99.9), 3.0);
        let mut summary = StatsSummary::default();
        for v in [9, 96, 22] {
            summary.add(v);
        }
        assert_eq!((summary.min(), summary.max(), summary.avg()), (9, 96, 42));
    }

    #[test]
    fn failure_reasons_count_as_flink_counts_them() {
        assert!(CheckpointFailureReason::Expired.counts_against_tolerable());
        assert!(!CheckpointFailureReason::TriggerFailure.counts_against_tolerable());
        assert!(!CheckpointFailureReason::JobFailoverRegion.counts_against_tolerable());
        assert_eq!(
            CheckpointFailureReason::TriggerFailure.message(),
            "Trigger checkpoint failure."
        );
    }

    #[test]
    fn sizes_match_the_reference_cluster() {
        // 3 sources × 211 B + keyed subtasks with 1, 0 and 2 keys ≈ 6,645 B (observed 6,623-6,766).
        let total = 3 * SOURCE_STATE_BYTES
            + keyed_state_bytes(1, KEYED_STATE_PER_KEY_BYTES)
            + keyed_state_bytes(0, KEYED_STATE_PER_KEY_BYTES)
            + keyed_state_bytes(2, KEYED_STATE_PER_KEY_BYTES);
        assert!((6_600..=6_800).contains(&total), "{total}");
    }
}

// ---- Readers (through `serde_json::Value`, see `sim::json`) ----

/// One reader per stored type, as the derived writers write them.
macro_rules! read_via_value {
    ($type:ty, |$v:ident| $body:expr) => {
        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[allow(unused_imports)]
                use crate::sim::json::{field, object, optional, tagged};
                let value = serde_json::Value::deserialize(deserializer)?;
                let $v = &value;
                $body
            }
        }
    };
}

read_via_value!(KeyedStateEntry, |v| {
    let v = object(v, "a keyed state entry")?;
    Ok(KeyedStateEntry {
        key: field(v, "key")?,
        key_group: field(v, "key_group")?,
        count: field(v, "count")?,
    })
});

read_via_value!(SubtaskState, |v| {
    let (tag, f) = tagged(v, &["source", "keyed", "stateless"])?;
    Ok(match tag {
        "source" => SubtaskState::Source {
            offset: field(f, "offset")?,
        },
        "keyed" => SubtaskState::Keyed {
            key_group_range: field(f, "key_group_range")?,
            entries: field(f, "entries")?,
        },
        _ => SubtaskState::Stateless,
    })
});

read_via_value!(ChannelState, |v| {
    let v = object(v, "a channel state")?;
    Ok(ChannelState {
        sender_subtask: field(v, "sender_subtask")?,
        receiver_subtask: field(v, "receiver_subtask")?,
        side: field(v, "side")?,
        elements: field(v, "elements")?,
    })
});

read_via_value!(SharedStateFile, |v| {
    let v = object(v, "a shared state file")?;
    Ok(SharedStateFile {
        local: field(v, "local")?,
        level: field(v, "level")?,
        bytes: field(v, "bytes")?,
        path: optional(v, "path")?,
        uploaded: field(v, "uploaded")?,
    })
});

read_via_value!(KeyedStateHandle, |v| {
    let (tag, f) = tagged(v, &["full", "incremental"])?;
    let f = object(f, "a keyed state handle's fields")?;
    Ok(if tag == "full" {
        KeyedStateHandle::Full {
            bytes: field(f, "bytes")?,
            path: optional(f, "path")?,
        }
    } else {
        KeyedStateHandle::Incremental {
            shared: field(f, "shared")?,
            private_bytes: field(f, "private_bytes")?,
        }
    })
});

read_via_value!(SubtaskSnapshot, |v| {
    let v = object(v, "a subtask snapshot")?;
    Ok(SubtaskSnapshot {
        subtask: field(v, "subtask")?,
        state: field(v, "state")?,
        channel_state: field(v, "channel_state")?,
        state_bytes: field(v, "state_bytes")?,
        channel_state_bytes: field(v, "channel_state_bytes")?,
        handle: optional(v, "handle")?,
        // Only the two-phase-commit sink writes them, which the page does not run.
        committables: if crate::sim::sink::OTHER_SINKS {
            optional(v, "committables")?.unwrap_or_default()
        } else {
            Vec::new()
        },
    })
});

read_via_value!(Committable, |v| {
    let v = object(v, "a committable")?;
    Ok(Committable {
        transactional_id: field(v, "transactional_id")?,
        producer_id: field(v, "producer_id")?,
        epoch: field(v, "epoch")?,
        checkpoint_id: field(v, "checkpoint_id")?,
    })
});

read_via_value!(OperatorSnapshot, |v| {
    let v = object(v, "an operator snapshot")?;
    Ok(OperatorSnapshot {
        vertex_id: field(v, "vertex_id")?,
        name: field(v, "name")?,
        parallelism: field(v, "parallelism")?,
        max_parallelism: field(v, "max_parallelism")?,
        subtasks: field(v, "subtasks")?,
    })
});

read_via_value!(CheckpointMetadata, |v| {
    let v = object(v, "a checkpoint's _metadata")?;
    Ok(CheckpointMetadata {
        format_version: field(v, "format_version")?,
        magic: field(v, "magic")?,
        job_id: field(v, "job_id")?,
        checkpoint_id: field(v, "checkpoint_id")?,
        checkpoint_type: field(v, "checkpoint_type")?,
        trigger_timestamp: field(v, "trigger_timestamp")?,
        completion_timestamp: field(v, "completion_timestamp")?,
        external_path: field(v, "external_path")?,
        savepoint_format: optional(v, "savepoint_format")?,
        operators: field(v, "operators")?,
    })
});
