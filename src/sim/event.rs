//! What goes in (commands, imperative) and what comes out (events, past tense).

use crate::sim::checkpoint::{CheckpointFailureReason, SavepointFormatType};
use crate::sim::ids::{CheckpointId, KeyIndex, TaskIndex, TaskManagerId, VertexIndex};
use crate::sim::lifecycle::{ExecutionState, JobStatus};
use crate::sim::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

/// A user's intent, applied at the current simulated time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// Kill a TaskManager's process (kill -9).
    KillTaskManager {
        /// Which one.
        task_manager: TaskManagerId,
    },
    /// Start a killed TaskManager again; it registers after `simulation.taskmanager.startup`.
    RestartTaskManager {
        /// Which one.
        task_manager: TaskManagerId,
    },
    /// Throw an exception in one task's user code.
    FailTask {
        /// The vertex.
        vertex: VertexIndex,
        /// The subtask.
        subtask: u32,
    },
    /// Make checkpoint storage fail (or work again): snapshot writes and `_metadata` fail.
    SetCheckpointStorageFailing {
        /// Whether writes fail.
        failing: bool,
    },
    /// Multiply a subtask's per-record processing time by `factor` (1 restores it).
    SlowDownSubtask {
        /// The vertex.
        vertex: VertexIndex,
        /// The subtask.
        subtask: u32,
        /// Slowdown factor, 1 ..= 1,000,000.
        factor: u32,
    },
    /// Trigger a checkpoint now (`POST /jobs/:jid/checkpoints`), subject to max-concurrent.
    TriggerCheckpoint,
    /// Trigger a savepoint (`POST /jobs/:jid/savepoints`, `flink savepoint <jid>`): always
    /// aligned, into `execution.checkpointing.savepoint-dir`; the job keeps running.
    TriggerSavepoint {
        /// Canonical or native.
        format: SavepointFormatType,
    },
    /// Stop the job with a savepoint (`POST /jobs/:jid/stop`, `flink stop <jid>`): a
    /// synchronous savepoint, after which every task and the job are FINISHED.
    StopWithSavepoint {
        /// Canonical or native.
        format: SavepointFormatType,
    },
    /// The JobManager process dies and a new leader takes over (high availability): in-memory
    /// statistics are lost, the job is recovered from the latest retained checkpoint, checkpoint
    /// ids continue. A page reload is this command at the instant the page last saved.
    FailOverJobManager,
}

/// Read in serde's external tagging (`"trigger_checkpoint"`, `{"kill_task_manager":
/// {"task_manager": 1}}`), as the derived writer writes it, through `serde_json::Value`, the
/// reader every stored record uses: the derived reader's visitors were 4.8 KB of the page.
impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        use serde_json::Value;
        let value = Value::deserialize(deserializer)?;
        let (tag, fields) = match &value {
            Value::String(tag) => (tag.as_str(), None),
            Value::Object(map) if map.len() == 1 => {
                let (tag, fields) = map.iter().next().expect("one entry");
                (tag.as_str(), Some(fields))
            }
            _ => return Err(D::Error::custom("a command is a name or {name: fields}")),
        };
        let number = |name: &'static str| -> Result<u32, D::Error> {
            fields
                .and_then(|f| f.get(name))
                .ok_or_else(|| D::Error::missing_field(name))?
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| D::Error::custom(format!("{tag}.{name}: expected 0 to 4294967295")))
        };
        let format = || -> Result<SavepointFormatType, D::Error> {
            let field = fields
                .and_then(|f| f.get("format"))
                .ok_or_else(|| D::Error::missing_field("format"))?;
            SavepointFormatType::deserialize(field)
                .map_err(|e| D::Error::custom(format!("{tag}.{e}")))
        };
        Ok(match tag {
            "kill_task_manager" => Command::KillTaskManager {
                task_manager: TaskManagerId(number("task_manager")?),
            },
            "restart_task_manager" => Command::RestartTaskManager {
                task_manager: TaskManagerId(number("task_manager")?),
            },
            "fail_task" => Command::FailTask {
                vertex: VertexIndex(number("vertex")?),
                subtask: number("subtask")?,
            },
            "set_checkpoint_storage_failing" => Command::SetCheckpointStorageFailing {
                failing: fields
                    .and_then(|f| f.get("failing"))
                    .ok_or_else(|| D::Error::missing_field("failing"))?
                    .as_bool()
                    .ok_or_else(|| {
                        D::Error::custom(format!("{tag}.failing: expected true or false"))
                    })?,
            },
            "slow_down_subtask" => Command::SlowDownSubtask {
                vertex: VertexIndex(number("vertex")?),
                subtask: number("subtask")?,
                factor: number("factor")?,
            },
            "trigger_checkpoint" => Command::TriggerCheckpoint,
            "trigger_savepoint" => Command::TriggerSavepoint { format: format()? },
            "stop_with_savepoint" => Command::StopWithSavepoint { format: format()? },
            "fail_over_job_manager" => Command::FailOverJobManager,
            other => {
                return Err(D::Error::unknown_variant(
                    other,
                    &[
                        "kill_task_manager",
                        "restart_task_manager",
                        "fail_task",
                        "set_checkpoint_storage_failing",
                        "slow_down_subtask",
                        "trigger_checkpoint",
                        "trigger_savepoint",
                        "stop_with_savepoint",
                        "fail_over_job_manager",
                    ],
                ))
            }
        })
    }
}

/// A command with the simulated instant it was applied at (the command log, run files).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledCommand {
    /// Simulated microseconds since the start.
    pub at_us: u64,
    /// The command.
    pub command: Command,
}

/// Why a job failed over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FailureCause {
    /// The JobManager's heartbeat RPCs to a TaskManager failed.
    TaskManagerUnreachable {
        /// The TaskManager.
        task_manager: TaskManagerId,
        /// Its incarnation at the time.
        incarnation: u16,
    },
    /// A task lost its network connection to a dead TaskManager.
    ConnectionLost {
        /// The dead TaskManager.
        task_manager: TaskManagerId,
        /// Its incarnation.
        incarnation: u16,
    },
    /// Deploying a task to a dead TaskManager failed.
    DeployFailed {
        /// The dead TaskManager.
        task_manager: TaskManagerId,
        /// Its incarnation.
        incarnation: u16,
    },
    /// User code threw.
    UserException,
    /// Too many checkpoints failed in a row.
    TolerableCheckpointFailuresExceeded {
        /// The latest checkpoint failure.
        reason: CheckpointFailureReason,
    },
    /// No slot arrived within `slot.request.timeout`.
    NoResourceAvailable,
    /// The two-phase-commit sink's writer sent into a transaction the broker had aborted
    /// (`transaction.timeout.ms`): Kafka fences its producer.
    ProducerFenced {
        /// The writer subtask.
        subtask: u32,
    },
}

/// Something that happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The job switched state.
    JobStatusChanged {
        /// Old.
        from: JobStatus,
        /// New.
        to: JobStatus,
    },
    /// A task attempt switched state.
    TaskStateChanged {
        /// The task.
        task: TaskIndex,
        /// Its attempt number.
        attempt: u32,
        /// Old.
        from: ExecutionState,
        /// New.
        to: ExecutionState,
    },
    /// A TaskManager registered at the ResourceManager.
    TaskManagerRegistered {
        /// Which.
        task_manager: TaskManagerId,
    },
    /// A TaskManager process was killed.
    TaskManagerKilled {
        /// Which.
        task_manager: TaskManagerId,
    },
    /// A TaskManager process started again (it will register soon).
    TaskManagerStarted {
        /// Which.
        task_manager: TaskManagerId,
    },
    /// The JobManager declared a TaskManager lost (heartbeat RPC failures).
    TaskManagerLost {
        /// Which.
        task_manager: TaskManagerId,
    },
    /// A checkpoint was triggered.
    CheckpointTriggered {
        /// The id.
        checkpoint: CheckpointId,
        /// Unaligned barriers.
        unaligned: bool,
    },
    /// A periodic trigger failed before an id was assigned.
    CheckpointTriggerRejected {
        /// Why.
        reason: CheckpointFailureReason,
        /// A task that was not running.
        task: TaskIndex,
    },
    /// A source injected a barrier into its outputs.
    BarrierInjected {
        /// The source task.
        task: TaskIndex,
        /// The checkpoint.
        checkpoint: CheckpointId,
    },
    /// A barrier reached a task on one input.
    BarrierReceived {
        /// The task.
        task: TaskIndex,
        /// The checkpoint.
        checkpoint: CheckpointId,
        /// Input position.
        input: u32,
    },
    /// A task took its (synchronous) snapshot.
    SnapshotTaken {
        /// The task.
        task: TaskIndex,
        /// The checkpoint.
        checkpoint: CheckpointId,
        /// Whether it was unaligned.
        unaligned: bool,
    },
    /// A task's acknowledgement reached the JobManager.
    SnapshotAcknowledged {
        /// The task.
        task: TaskIndex,
        /// The checkpoint.
        checkpoint: CheckpointId,
    },
    /// A checkpoint completed and was written.
    CheckpointCompleted {
        /// The id.
        checkpoint: CheckpointId,
        /// Checkpointed bytes.
        bytes: u64,
        /// Trigger to completion.
        duration: SimDuration,
    },
    /// A checkpoint failed.
    CheckpointFailed {
        /// The id.
        checkpoint: CheckpointId,
        /// Why.
        reason: CheckpointFailureReason,
    },
    /// A retained checkpoint was subsumed and its `chk-N` discarded.
    CheckpointDiscarded {
        /// The id.
        checkpoint: CheckpointId,
    },
    /// The coordinator triggered a savepoint (it takes the next checkpoint id).
    SavepointTriggered {
        /// Its id.
        checkpoint: CheckpointId,
        /// Canonical or native.
        format: SavepointFormatType,
        /// Stop-with-savepoint.
        synchronous: bool,
    },
    /// A savepoint's `_metadata` was written; it is never subsumed or deleted by Flink.
    SavepointCompleted {
        /// Its id.
        checkpoint: CheckpointId,
        /// Bytes written.
        bytes: u64,
        /// Trigger to completion.
        duration: SimDuration,
        /// Stop-with-savepoint (the job finishes now).
        synchronous: bool,
    },
    /// A savepoint request failed before it got an id (the job failed over while it waited,
    /// or too many requests were queued).
    SavepointRequestFailed {
        /// Why.
        reason: CheckpointFailureReason,
        /// Stop-with-savepoint.
        synchronous: bool,
    },
    /// A RocksDB instance compacted L0 and L1 into new L1 files.
    RocksDbCompacted {
        /// The keyed subtask.
        task: TaskIndex,
        /// Files merged.
        inputs: u32,
        /// Files written.
        outputs: u32,
        /// Bytes written.
        bytes: u64,
    },
    /// The shared state registry deleted `shared/` files no retained checkpoint refers to any
    /// more (after `checkpoint` completed, or failed while its snapshots held them).
    SharedStateDiscarded {
        /// The checkpoint whose end made them unused.
        checkpoint: CheckpointId,
        /// Files deleted.
        files: u32,
        /// Their bytes.
        bytes: u64,
    },
    /// The job failed over.
    JobFailed {
        /// Why.
        cause: FailureCause,
        /// The task that failed, if one did.
        task: Option<TaskIndex>,
    },
    /// A restart was scheduled.
    RestartScheduled {
        /// Backoff until the restart.
        backoff: SimDuration,
    },
    /// A source ignored the trigger of a checkpoint older than one it already injected.
    OutOfOrderTriggerIgnored {
        /// The source task.
        task: TaskIndex,
        /// The older checkpoint.
        checkpoint: CheckpointId,
    },
    /// The job was submitted to start from a savepoint or retained checkpoint (`flink run -s`).
    StartedFromSnapshot {
        /// The snapshot's id (the job's checkpoint ids continue after it).
        checkpoint: CheckpointId,
    },
    /// Tasks were given the state of a checkpoint (or none).
    JobRestored {
        /// The checkpoint, if one existed.
        checkpoint: Option<CheckpointId>,
    },
    /// A source emitted an event (only with verbose events).
    RecordEmitted {
        /// The source task.
        task: TaskIndex,
        /// Sequence number.
        seq: u64,
        /// User.
        key: KeyIndex,
        /// Abnormal.
        abnormal: bool,
    },
    /// The keyed function processed an event (only with verbose events).
    RecordProcessed {
        /// The keyed task.
        task: TaskIndex,
        /// Sequence number.
        seq: u64,
        /// User.
        key: KeyIndex,
        /// Abnormal.
        abnormal: bool,
        /// The count after processing.
        count: u32,
    },
    /// The print sink wrote an alarm line.
    AlarmPrinted {
        /// The sink subtask (the line's prefix is this + 1).
        subtask: u32,
        /// User.
        key: KeyIndex,
        /// Count.
        count: u32,
        /// Sequence number of the event that raised it.
        seq: u64,
        /// Whether the same alarm was printed before (a replay after recovery).
        duplicate: bool,
    },
    /// The two-phase-commit sink's writer wrote an alarm into its open transaction.
    AlarmWritten {
        /// The writer subtask.
        subtask: u32,
        /// User.
        key: KeyIndex,
        /// Count.
        count: u32,
        /// Sequence number of the event that raised it.
        seq: u64,
        /// The transaction's offset (`<prefix>-<subtask>-<number>`).
        number: u64,
        /// The transaction's serial in the run.
        serial: u64,
    },
    /// The upsert sink wrote an alarm's row.
    AlarmUpserted {
        /// The writer subtask.
        subtask: u32,
        /// User.
        key: KeyIndex,
        /// Count.
        count: u32,
        /// Sequence number (the row's key with the user).
        seq: u64,
        /// Whether the row existed (a replay).
        overwrite: bool,
    },
    /// `prepareCommit` at a barrier: a transaction with records was flushed and handed to the
    /// committer.
    TransactionPreCommitted {
        /// The writer subtask.
        subtask: u32,
        /// The transaction's offset.
        number: u64,
        /// Its serial in the run.
        serial: u64,
        /// The checkpoint.
        checkpoint: CheckpointId,
        /// Its records.
        records: u64,
    },
    /// The committer committed a transaction: a `read_committed` consumer sees its records.
    TransactionCommitted {
        /// The writer subtask.
        subtask: u32,
        /// The transaction's offset.
        number: u64,
        /// Its serial.
        serial: u64,
        /// The checkpoint that pre-committed it.
        checkpoint: CheckpointId,
        /// Its records.
        records: u64,
        /// Committed from restored committer state (after a failure).
        recovered: bool,
    },
    /// A restored committable's transaction was committed already: the second commit changes
    /// nothing.
    TransactionAlreadyCommitted {
        /// The writer subtask.
        subtask: u32,
        /// The transaction's offset.
        number: u64,
        /// Its producer epoch.
        epoch: u32,
        /// The checkpoint that pre-committed it.
        checkpoint: CheckpointId,
    },
    /// The writer aborted a transaction: its records come again from the replayed sources.
    TransactionAborted {
        /// The writer subtask.
        subtask: u32,
        /// The transaction's offset.
        number: u64,
        /// Its serial.
        serial: u64,
        /// Its records.
        records: u64,
        /// Aborted as lingering after a restore (else: closed on cancellation).
        lingering: bool,
    },
    /// The broker aborted a transaction after `transaction.timeout.ms`.
    TransactionTimedOut {
        /// The writer subtask.
        subtask: u32,
        /// The transaction's offset.
        number: u64,
        /// Its serial.
        serial: u64,
        /// Its records.
        records: u64,
    },
    /// The committer's commit failed with `ProducerFencedException` (the broker had aborted
    /// the transaction): its records are lost and the job continues.
    TransactionCommitFailed {
        /// The writer subtask.
        subtask: u32,
        /// The transaction's offset.
        number: u64,
        /// Its serial.
        serial: u64,
        /// The checkpoint that pre-committed it.
        checkpoint: CheckpointId,
        /// Its records, lost.
        records: u64,
    },
    /// A committer restored committables from the checkpoint and commits them again.
    CommittablesRestored {
        /// The writer subtask.
        subtask: u32,
        /// How many.
        count: u32,
    },
    /// A writer aborted its lingering transactions (`PROBING` from the restored checkpoint + 1)
    /// and began the next one.
    LingeringTransactionsAborted {
        /// The writer subtask.
        subtask: u32,
        /// The first offset probed (and the new transaction's).
        from: u64,
        /// Transactions with records it aborted.
        aborted: u32,
    },
    /// Checkpoint storage started or stopped failing.
    CheckpointStorageChanged {
        /// Whether writes fail now.
        failing: bool,
    },
    /// A subtask's slowdown changed.
    SubtaskSlowed {
        /// The task.
        task: TaskIndex,
        /// The factor.
        factor: u32,
    },
}

impl Event {
    /// Whether this event is one of the per-record events emitted only when verbose.
    pub fn is_record_level(&self) -> bool {
        matches!(
            self,
            Event::RecordEmitted { .. } | Event::RecordProcessed { .. }
        )
    }
}

/// An event with the instant it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimedEvent {
    /// When.
    pub time: SimTime,
    /// What.
    pub event: Event,
}
