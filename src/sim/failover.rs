//! JobManager failover with high availability: what survives a JobManager crash, and how a new
//! leader recovers the job from it.
//!
//! Flink's HA services keep the job (graph and configuration), the checkpoint id counter and the
//! pointers to the retained completed checkpoints; the TaskManager processes keep running. A new
//! JobManager builds a fresh execution graph (attempts start again at #0, statistics start empty:
//! "stats vanish on JobManager failover"), restores every task from the latest retained
//! checkpoint and continues the checkpoint ids. [`JobManagerState`] is that surviving part plus
//! what makes the run reproducible (seed, command log, trace hash so far). The page saves it
//! beside the checkpoints in IndexedDB; a reload is a failover at the instant of the last save.

use crate::sim::channel::Element;
use crate::sim::checkpoint::{CheckpointMetadata, SubtaskState};
use crate::sim::cluster::ProcessState;
use crate::sim::config::SimConfig;
use crate::sim::engine::{Sim, Timer, ANY_EPOCH};
use crate::sim::event::{Command, ScheduledCommand};
use crate::sim::graph::{JobGraph, OperatorKind};
use crate::sim::ids::TaskManagerId;
use crate::sim::lifecycle::JobStatus;
use crate::sim::limits::{COMMAND_LOG_MAX, RUN_LENGTH_MAX, SLOWDOWN_FACTOR_MAX};
use crate::sim::storage::CheckpointStorage;
use crate::sim::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The format version of [`JobManagerState`].
pub const JOBMANAGER_STATE_VERSION: u32 = 1;

/// A TaskManager as the new leader finds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskManagerRecord {
    /// Whether the process runs (a killed TaskManager stays dead until restarted).
    pub alive: bool,
    /// Its incarnation.
    pub incarnation: u16,
    /// Its resource id.
    pub resource_id: String,
    /// RPC port.
    pub rpc_port: u32,
    /// Data port.
    pub data_port: u32,
}

/// What survives a JobManager crash, plus what makes the run reproducible.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JobManagerState {
    /// [`JOBMANAGER_STATE_VERSION`].
    pub format_version: u32,
    /// The job id (kept by HA).
    pub job_id: String,
    /// The run's seed.
    pub seed: u64,
    /// The configuration, by Flink option names.
    pub config: Map<String, Value>,
    /// The instant of the failover (simulated microseconds).
    pub at_us: u64,
    /// JobManager failovers before this one.
    pub generation: u64,
    /// The checkpoint id counter (HA's `CheckpointIDCounter`).
    pub next_checkpoint_id: u32,
    /// The trace hash up to the failover.
    pub trace_hash: u64,
    /// Events processed up to the failover.
    pub events_processed: u64,
    /// The TaskManagers.
    pub task_managers: Vec<TaskManagerRecord>,
    /// Slowdown factor of each task (an injected fault outlives the JobManager).
    pub slowdowns: Vec<u32>,
    /// Whether checkpoint storage fails (an injected fault).
    pub storage_failing: bool,
    /// Per key, the highest alarm sequence number printed so far (what an observer of stdout
    /// knows, so replays after the failover are still marked as duplicates).
    pub printed_high: Vec<Option<u64>>,
    /// The command log.
    pub commands: Vec<ScheduledCommand>,
    /// The snapshot the job was started from (in HA's job graph; its `_metadata` is among the
    /// job's completed checkpoints though it names the job it was taken of).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restored_from: Option<crate::sim::restore::RestoredSnapshot>,
    /// The job had FINISHED (stop-with-savepoint): a new leader does not recover it (Flink's
    /// `JobResultStore` records it as done), so the page replays its run instead.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub finished: bool,
    /// The sink's external system (Kafka, the upsert table) and its observer's counts (absent
    /// in records from before the sinks).
    #[cfg_attr(
        not(target_arch = "wasm32"),
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    #[cfg_attr(target_arch = "wasm32", serde(skip))]
    pub sink: Option<crate::sim::sink::StoredSink>,
}

/// Read through `serde_json::Value` field by field: the derived reader (a field visitor, a map
/// and a sequence visitor for 15 fields) was 7 KB of the page, which reads this record on every
/// reload.
impl<'de> Deserialize<'de> for JobManagerState {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use crate::sim::json::{field, object, optional};
        let v = Value::deserialize(deserializer)?;
        let v = object(&v, "a JobManager state")?;
        Ok(JobManagerState {
            format_version: field(v, "format_version")?,
            job_id: field(v, "job_id")?,
            seed: field(v, "seed")?,
            config: field(v, "config")?,
            at_us: field(v, "at_us")?,
            generation: field(v, "generation")?,
            next_checkpoint_id: field(v, "next_checkpoint_id")?,
            trace_hash: field(v, "trace_hash")?,
            events_processed: field(v, "events_processed")?,
            task_managers: field(v, "task_managers")?,
            slowdowns: field(v, "slowdowns")?,
            storage_failing: field(v, "storage_failing")?,
            printed_high: field(v, "printed_high")?,
            commands: field(v, "commands")?,
            restored_from: optional(v, "restored_from")?,
            finished: optional(v, "finished")?.unwrap_or(false),
            #[cfg(not(target_arch = "wasm32"))]
            sink: optional(v, "sink")?,
            #[cfg(target_arch = "wasm32")]
            sink: None,
        })
    }
}

/// Why a saved JobManager state cannot be resumed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot resume the stored job: {0}")]
pub struct ResumeError(pub String);

impl Sim {
    /// Gives the job another id, derived from `taken` (a stored job with the same seed keeps its
    /// records). Refused once a checkpoint was triggered: ids are part of every checkpoint's path.
    pub fn rename_job(&mut self, taken: &str) -> Result<(), String> {
        if self.coordinator.next_id != 1 {
            return Err("the job id is fixed once checkpoints exist".to_string());
        }
        let hash = crate::sim::trace::fnv1a64(taken.as_bytes());
        self.job_id = format!(
            "{:016x}{:016x}",
            crate::sim::rng::mix64(hash),
            crate::sim::rng::mix64(hash ^ 1)
        );
        Ok(())
    }

    /// The state a new JobManager leader would find now.
    pub fn jobmanager_state(&self) -> JobManagerState {
        JobManagerState {
            format_version: JOBMANAGER_STATE_VERSION,
            job_id: self.job_id.clone(),
            seed: self.seed,
            config: self.config.to_json(),
            at_us: self.now.as_us(),
            generation: self.generation,
            next_checkpoint_id: self.coordinator.next_id,
            trace_hash: self.trace.value(),
            events_processed: self.events_processed,
            task_managers: self
                .task_managers
                .iter()
                .map(|tm| TaskManagerRecord {
                    alive: tm.is_alive(),
                    incarnation: tm.incarnation,
                    resource_id: tm.resource_id.clone(),
                    rpc_port: tm.rpc_port,
                    data_port: tm.data_port,
                })
                .collect(),
            slowdowns: self.slowdowns.clone(),
            storage_failing: self.storage_failing,
            printed_high: self.printed_high.clone(),
            commands: self
                .command_log
                .iter()
                .map(|(at, command)| ScheduledCommand {
                    at_us: at.as_us(),
                    command: command.clone(),
                })
                .collect(),
            restored_from: self.restored_from.clone(),
            finished: self.job_status == JobStatus::Finished,
            sink: crate::sim::sink::OTHER_SINKS.then(|| self.sink.stored()),
        }
    }

    /// The run a stored state is the end of — its configuration and command log from the
    /// start — when replaying it reproduces the job (a job started fresh, not from a snapshot,
    /// whose state is valid).
    pub fn replayable(state: &JobManagerState) -> Option<(SimConfig, Vec<(SimTime, Command)>)> {
        if state.restored_from.is_some() {
            return None;
        }
        let config = check_state(state).ok()?;
        let log = state
            .commands
            .iter()
            .map(|c| (SimTime(c.at_us), c.command.clone()))
            .collect();
        Some((config, log))
    }

    /// A new JobManager leader recovers the job described by `state` from `checkpoints` (the
    /// retained `chk-N` folders it finds, in any order), at the instant of `state`. Checkpoints
    /// that do not fit the job (another job, another topology, inconsistent content, an id found
    /// twice) are left out and reported.
    pub fn resume(
        state: &JobManagerState,
        mut checkpoints: Vec<CheckpointMetadata>,
    ) -> Result<(Sim, Vec<String>), ResumeError> {
        let config = check_state(state)?;
        let mut graph = JobGraph::build(&config);
        // Keys that restored state holds but no source emits (a rescaled job) are the job's too.
        if state.restored_from.is_some() {
            let names: Vec<String> = checkpoints
                .iter()
                .flat_map(|m| m.subtasks())
                .flat_map(|s| match &s.state {
                    crate::sim::checkpoint::SubtaskState::Keyed { entries, .. } => {
                        entries.as_slice()
                    }
                    _ => &[],
                })
                .map(|e| e.key.clone())
                .collect();
            graph.adopt_keys(names.iter().map(String::as_str));
        }
        let mut skipped = Vec::new();
        crate::sim::order::sort_by_key(&mut checkpoints, |m| m.checkpoint_id);
        let mut storage = CheckpointStorage::default();
        for metadata in checkpoints {
            let id = metadata.checkpoint_id;
            let found_twice = storage.latest().is_some_and(|m| m.checkpoint_id == id)
                || storage.savepoint(id).is_some();
            // The snapshot the job started from names the job it was taken of.
            let started_from = state.restored_from.as_ref().filter(|r| {
                r.checkpoint == id && r.job_id == metadata.job_id && !r.job_id.is_empty()
            });
            let problem = if found_twice {
                Err("found twice".to_string())
            } else {
                let job_id = if started_from.is_some() {
                    metadata.job_id.as_str()
                } else {
                    state.job_id.as_str()
                };
                check_compatible(&graph, &config, job_id, state.next_checkpoint_id, &metadata)
            };
            match problem {
                // Among the job's completed checkpoints, as on its first start.
                Ok(()) if started_from.is_some() => {
                    let claimed = started_from.is_some_and(|r| {
                        r.settings.claim_mode == crate::sim::restore::RecoveryClaimMode::Claim
                    });
                    storage.persist_restored(&metadata, claimed);
                }
                // Savepoints are files of the user's, found where they were written; the new
                // leader never restores one on its own.
                Ok(()) if metadata.is_savepoint() => {
                    storage.persist_savepoint(&metadata);
                }
                Ok(()) => storage.persist(&metadata),
                Err(problem) => skipped.push(format!("chk-{}: {problem}", id.0)),
            }
        }
        let at = SimTime(state.at_us);
        let mut sim = Sim::assemble(config, state.seed, storage, at, state.generation + 1);
        sim.adopt(state);
        sim.log_command(&Command::FailOverJobManager);
        sim.recover_job();
        Ok((sim, skipped))
    }

    /// Takes over what survived from `state` (the caller checked it).
    fn adopt(&mut self, state: &JobManagerState) {
        self.job_id = state.job_id.clone();
        self.generation = state.generation + 1;
        self.trace = crate::sim::trace::TraceHash::from_value(state.trace_hash);
        self.events_processed = state.events_processed;
        self.coordinator.next_id = state.next_checkpoint_id;
        self.slowdowns = state.slowdowns.clone();
        self.storage_failing = state.storage_failing;
        self.printed_high = state.printed_high.clone();
        self.sink.forgotten =
            state.sink.is_none() && self.config.sink != crate::sim::sink::SinkKind::Print;
        if let Some(sink) = state
            .sink
            .as_ref()
            .filter(|_| crate::sim::sink::OTHER_SINKS)
        {
            self.sink.adopt(sink);
            // The broker's timers of unresolved transactions run on.
            let timeout = self.config.transaction_timeout;
            let now = self.now;
            let timers: Vec<(u32, u64, SimTime)> = self
                .sink
                .kafka
                .transactions
                .iter()
                .filter(|t| {
                    matches!(
                        t.state,
                        crate::sim::sink::TransactionState::Open
                            | crate::sim::sink::TransactionState::PreCommitted
                    )
                })
                .filter_map(|t| t.first_write.map(|w| (t.subtask, t.number, w.add(timeout))))
                .collect();
            for (subtask, number, at) in timers {
                self.schedule_at(
                    at.max(now),
                    ANY_EPOCH,
                    Timer::TransactionTimeout {
                        subtask,
                        number: u32::try_from(number).unwrap_or(u32::MAX),
                    },
                );
            }
        }
        self.restored_from = state.restored_from.clone();
        self.command_log = state
            .commands
            .iter()
            .map(|c| (SimTime(c.at_us), c.command.clone()))
            .collect();
        let at = self.now;
        for (tm, record) in self.task_managers.iter_mut().zip(&state.task_managers) {
            tm.incarnation = record.incarnation;
            tm.resource_id = record.resource_id.clone();
            tm.rpc_port = record.rpc_port;
            tm.data_port = record.data_port;
            if !record.alive {
                tm.process = ProcessState::Dead { since: at };
                tm.registered = false;
            }
        }
        let retained: Vec<_> = self
            .storage
            .retained()
            .iter()
            .map(|m| m.checkpoint_id)
            .collect();
        let keep = self.config.num_retained as usize;
        for old in &retained[..retained.len().saturating_sub(keep)] {
            self.storage.discard(*old);
        }
        self.coordinator.retained = retained[retained.len().saturating_sub(keep)..]
            .iter()
            .copied()
            .collect();
    }

    /// The new leader: heartbeats, job submission from HA, restore, scheduling, checkpointing.
    fn recover_job(&mut self) {
        let at = self.now;
        for index in 0..self.task_managers.len() {
            let phase = self.task_managers[index].heartbeat_phase_us;
            let task_manager = TaskManagerId::from_index(index);
            self.schedule_at(
                at.add(SimDuration(phase)),
                ANY_EPOCH,
                Timer::Heartbeat { task_manager },
            );
        }
        self.schedule_at(
            at.add(SimDuration::from_secs(1)),
            ANY_EPOCH,
            Timer::MetricsTick,
        );
        self.set_job_status(JobStatus::Created);
        self.set_job_status(JobStatus::Running);
        self.restore_latest();
        self.schedule_all_tasks();
        self.start_periodic_trigger();
    }
}

/// Checks a stored state and returns its configuration.
fn check_state(state: &JobManagerState) -> Result<SimConfig, ResumeError> {
    let fail = |message: String| Err(ResumeError(message));
    if state.format_version != JOBMANAGER_STATE_VERSION {
        return fail(format!(
            "format version {} is unknown (this build reads {JOBMANAGER_STATE_VERSION})",
            state.format_version
        ));
    }
    let is_hex = state.job_id.len() == 32 && state.job_id.chars().all(|c| c.is_ascii_hexdigit());
    if !is_hex {
        return fail(format!("job id '{}' is not 32 hex digits", state.job_id));
    }
    let config = SimConfig::from_map(&state.config)
        .map_err(|e| ResumeError(format!("configuration: {e}")))?;
    let graph = JobGraph::build(&config);
    if state.task_managers.len() != config.task_managers as usize {
        return fail(format!(
            "{} TaskManagers stored for a cluster of {}",
            state.task_managers.len(),
            config.task_managers
        ));
    }
    if state.slowdowns.len() != graph.tasks.len()
        || state
            .slowdowns
            .iter()
            .any(|f| !(1..=SLOWDOWN_FACTOR_MAX).contains(f))
    {
        return fail("slowdown factors do not fit the job".to_string());
    }
    if state.printed_high.len() != graph.keys.len() {
        return fail("printed-alarm marks do not fit the job's keys".to_string());
    }
    if state.commands.len() > COMMAND_LOG_MAX
        || state.commands.iter().any(|c| c.at_us > state.at_us)
    {
        return fail("the command log is too long or lies after the failover instant".to_string());
    }
    if state.next_checkpoint_id == 0 || state.at_us > RUN_LENGTH_MAX.as_us() {
        return fail("checkpoint counter or failover instant out of range".to_string());
    }
    Ok(config)
}

/// Whether a checkpoint can be restored into this job.
pub fn check_compatible(
    graph: &JobGraph,
    config: &SimConfig,
    job_id: &str,
    next_checkpoint_id: u32,
    metadata: &CheckpointMetadata,
) -> Result<(), String> {
    metadata.check()?;
    if metadata.job_id != job_id {
        return Err(format!("belongs to job {}, not {job_id}", metadata.job_id));
    }
    if metadata.checkpoint_id.0 >= next_checkpoint_id {
        return Err(format!(
            "id {} was never issued (the counter is at {next_checkpoint_id})",
            metadata.checkpoint_id.0
        ));
    }
    if metadata.operators.len() != graph.vertices.len() {
        return Err(format!(
            "{} operators for a job of {}",
            metadata.operators.len(),
            graph.vertices.len()
        ));
    }
    for (v, (operator, vertex)) in metadata.operators.iter().zip(&graph.vertices).enumerate() {
        if operator.vertex_id != vertex.id
            || operator.parallelism != vertex.parallelism
            || operator.max_parallelism != vertex.max_parallelism
        {
            return Err(format!(
                "operator {} does not match vertex {} ({})",
                operator.name, vertex.name, vertex.id
            ));
        }
        for subtask in &operator.subtasks {
            check_subtask_state(graph, config, v, vertex.kind, subtask)?;
        }
    }
    Ok(())
}

fn check_subtask_state(
    graph: &JobGraph,
    config: &SimConfig,
    v: usize,
    kind: OperatorKind,
    subtask: &crate::sim::checkpoint::SubtaskSnapshot,
) -> Result<(), String> {
    let p = config.parallelism;
    match (&subtask.state, kind) {
        (SubtaskState::Source { .. }, OperatorKind::Source)
        | (SubtaskState::Stateless, OperatorKind::Sink) => {}
        (
            SubtaskState::Keyed {
                key_group_range,
                entries,
            },
            OperatorKind::KeyedProcess { .. },
        ) => {
            let max_p = graph.vertices[v].max_parallelism;
            let range = crate::sim::key_group::key_group_range(max_p, p, subtask.subtask);
            if *key_group_range != [range.0, range.1] {
                return Err(format!(
                    "keyed subtask {} holds key groups [{}, {}], expected [{}, {}]",
                    subtask.subtask, key_group_range[0], key_group_range[1], range.0, range.1
                ));
            }
            for entry in entries {
                let key = crate::sim::checkpoint::key_by_name(&graph.keys, &entry.key)
                    .ok_or_else(|| format!("unknown key '{}'", entry.key))?;
                let layout = &graph.keys[key.index()];
                if layout.key_group != entry.key_group || layout.keyed_subtask != subtask.subtask {
                    return Err(format!(
                        "key {} is in the wrong key group or subtask",
                        entry.key
                    ));
                }
                if entry.count >= crate::sim::dataflow::ALARM_THRESHOLD {
                    return Err(format!(
                        "key {} has count {}, which the function never keeps",
                        entry.key, entry.count
                    ));
                }
            }
        }
        // Named, not `Debug`-printed: that would carry every state type's printer into the page.
        (state, kind) => {
            let held = match state {
                SubtaskState::Source { .. } => "source offsets",
                SubtaskState::Keyed { .. } => "keyed state",
                SubtaskState::Stateless => "no state",
            };
            return Err(format!(
                "subtask {} of a {} vertex holds {held}",
                subtask.subtask,
                match kind {
                    OperatorKind::Source => "source",
                    OperatorKind::KeyedProcess { .. } => "keyed",
                    OperatorKind::Sink => "sink",
                }
            ));
        }
    }
    for channel in &subtask.channel_state {
        if channel.sender_subtask >= p || channel.receiver_subtask >= p {
            return Err("channel state names a subtask out of range".to_string());
        }
        for element in &channel.elements {
            let fits = match element {
                Element::Record { key, .. } => {
                    key.index() < graph.keys.len()
                        && graph.keys[key.index()].source_subtask == channel.sender_subtask
                        && graph.keys[key.index()].keyed_subtask == channel.receiver_subtask
                }
                Element::Alarm { key, .. } => key.index() < graph.keys.len(),
                Element::Barrier { .. } => false,
            };
            if !fits {
                let what = match element {
                    Element::Record { seq, .. } => format!("record seq {seq}"),
                    Element::Alarm { seq, .. } => format!("alarm seq {seq}"),
                    Element::Barrier { .. } => "a barrier".to_string(),
                };
                return Err(format!(
                    "in-flight {what} does not fit channel {}→{}",
                    channel.sender_subtask, channel.receiver_subtask
                ));
            }
        }
    }
    Ok(())
}
