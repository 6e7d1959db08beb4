//! The simulation: state, the timed-event queue, and the sans-IO driving API.
//!
//! The loop is always: `handle` commands at the current instant → `advance_to(t)` (or `step`)
//! → `drain_events` → read the view. Handlers for the data plane, checkpointing and recovery
//! live in `dataflow.rs`, `checkpointing.rs` and `recovery.rs`; this file owns the queue and
//! dispatch.

use crate::sim::channel::Channel;
use crate::sim::cluster::{SlotRef, TaskManager};
use crate::sim::config::{CheckpointingMode, ConfigError, SimConfig};
use crate::sim::coordinator::CheckpointCoordinator;
use crate::sim::event::{Command, Event, FailureCause, TimedEvent};
use crate::sim::graph::{JobGraph, OperatorKind};
use crate::sim::ids::{CheckpointId, KeyIndex, TaskIndex, TaskManagerId};
use crate::sim::lifecycle::{ExecutionState, JobStatus};
use crate::sim::limits::{COMMAND_LOG_MAX, JOURNAL_MAX, METRIC_SAMPLES_MAX, OUTBOX_MAX};
use crate::sim::queue::{EventQueue, Keyed};
use crate::sim::restart::RestartBackoff;
use crate::sim::rng::{RngStream, SimRng};
use crate::sim::storage::CheckpointStorage;
use crate::sim::task::Task;
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::trace::TraceHash;
use crate::sim::workload::Workload;
use std::cmp::Ordering;
use std::collections::VecDeque;

/// A timer in the queue. Small and `Copy`: the hot path pushes and pops millions of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Timer {
    SourceEmit {
        task: TaskIndex,
    },
    TaskWake {
        task: TaskIndex,
    },
    TriggerArrived {
        task: TaskIndex,
        checkpoint: CheckpointId,
    },
    TriggerRpcFailed {
        checkpoint: CheckpointId,
    },
    SnapshotDone {
        task: TaskIndex,
        checkpoint: CheckpointId,
    },
    AckArrived {
        task: TaskIndex,
        checkpoint: CheckpointId,
    },
    DeclineArrived {
        task: TaskIndex,
        checkpoint: CheckpointId,
        subsumed: bool,
    },
    CheckpointTimeout {
        checkpoint: CheckpointId,
    },
    AlignedTimeout {
        checkpoint: CheckpointId,
    },
    PeriodicTrigger {
        generation: u32,
    },
    TaskTransition {
        task: TaskIndex,
    },
    DeployFailed {
        task: TaskIndex,
        task_manager: TaskManagerId,
        incarnation: u16,
    },
    RestartJob,
    Heartbeat {
        task_manager: TaskManagerId,
    },
    TaskManagerRegisters {
        task_manager: TaskManagerId,
    },
    ConnectionLoss {
        task: TaskIndex,
        task_manager: TaskManagerId,
        incarnation: u16,
    },
    SlotRequestTimeout,
    MetricsTick,
    CommitNotified {
        task: TaskIndex,
        checkpoint: CheckpointId,
    },
    TransactionTimeout {
        subtask: u32,
        number: u32,
    },
    ProducerFenced {
        task: TaskIndex,
    },
}

impl Timer {
    /// Two words that identify the timer in the trace hash.
    fn words(self) -> (u64, u64) {
        let pair = |tag: u64, a: u32, b: u32| ((tag << 32) | u64::from(a), u64::from(b));
        match self {
            Timer::SourceEmit { task } => pair(1, task.0, 0),
            Timer::TaskWake { task } => pair(2, task.0, 0),
            Timer::TriggerArrived { task, checkpoint } => pair(3, task.0, checkpoint.0),
            Timer::TriggerRpcFailed { checkpoint } => pair(4, 0, checkpoint.0),
            Timer::SnapshotDone { task, checkpoint } => pair(5, task.0, checkpoint.0),
            Timer::AckArrived { task, checkpoint } => pair(6, task.0, checkpoint.0),
            Timer::DeclineArrived {
                task,
                checkpoint,
                subsumed,
            } => pair(7 + 100 * u64::from(subsumed), task.0, checkpoint.0),
            Timer::CheckpointTimeout { checkpoint } => pair(8, 0, checkpoint.0),
            Timer::AlignedTimeout { checkpoint } => pair(9, 0, checkpoint.0),
            Timer::PeriodicTrigger { generation } => pair(10, generation, 0),
            Timer::TaskTransition { task } => pair(11, task.0, 0),
            Timer::DeployFailed {
                task,
                task_manager,
                incarnation,
            } => pair(12, task.0, (task_manager.0 << 16) | u32::from(incarnation)),
            Timer::RestartJob => pair(13, 0, 0),
            Timer::Heartbeat { task_manager } => pair(14, task_manager.0, 0),
            Timer::TaskManagerRegisters { task_manager } => pair(15, task_manager.0, 0),
            Timer::ConnectionLoss {
                task,
                task_manager,
                incarnation,
            } => pair(16, task.0, (task_manager.0 << 16) | u32::from(incarnation)),
            Timer::SlotRequestTimeout => pair(17, 0, 0),
            Timer::MetricsTick => pair(18, 0, 0),
            Timer::CommitNotified { task, checkpoint } => pair(19, task.0, checkpoint.0),
            Timer::TransactionTimeout { subtask, number } => pair(20, subtask, number),
            Timer::ProducerFenced { task } => pair(21, task.0, 0),
        }
    }
}

/// Timers of this epoch are always valid (cluster-level timers).
pub(crate) const ANY_EPOCH: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Scheduled {
    pub time: SimTime,
    pub seq: u64,
    pub epoch: u32,
    pub timer: Timer,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.seq == other.seq
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.time, self.seq).cmp(&(other.time, other.seq))
    }
}
impl Keyed for Scheduled {
    #[inline]
    fn key(&self) -> (u64, u64) {
        (self.time.0, self.seq)
    }
}

/// A line of the print sink.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SinkLine {
    /// When it was printed.
    pub time: SimTime,
    /// The sink subtask (prefix `subtask + 1`).
    pub subtask: u32,
    /// The user.
    pub key: KeyIndex,
    /// The count.
    pub count: u32,
    /// The event's sequence number.
    pub seq: u64,
    /// Whether it repeats an alarm printed before (replay after recovery).
    pub duplicate: bool,
}

/// An entry of the exception history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionEntry {
    /// When the failure was handled.
    pub time: SimTime,
    /// Why.
    pub cause: FailureCause,
    /// The failed task and its attempt, if a task failed.
    pub task: Option<(TaskIndex, u32)>,
    /// Where that task ran.
    pub task_manager: Option<TaskManagerId>,
}

/// Cumulative counters of one task at one instant (for rates and plots).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskSample {
    /// Records read, all attempts.
    pub records_in: u64,
    /// Records written, all attempts.
    pub records_out: u64,
    /// Busy time, all attempts.
    pub busy_us: u64,
    /// Back-pressured time, all attempts.
    pub backpressured_us: u64,
}

/// Samples of every task at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricSample {
    /// When.
    pub time: SimTime,
    /// By task.
    pub tasks: Vec<TaskSample>,
}

/// Why a command was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CommandError(pub String);

/// The whole simulated cluster and job. `Clone` is the time-travel snapshot.
#[derive(Clone, Debug)]
pub struct Sim {
    pub(crate) config: SimConfig,
    pub(crate) seed: u64,
    pub(crate) graph: JobGraph,
    pub(crate) now: SimTime,
    pub(crate) queue: EventQueue<Scheduled>,
    pub(crate) next_seq: u64,
    pub(crate) epoch: u32,
    pub(crate) job_id: String,
    pub(crate) job_status: JobStatus,
    pub(crate) job_status_times: Vec<(JobStatus, SimTime)>,
    pub(crate) tasks: Vec<Task>,
    pub(crate) slowdowns: Vec<u32>,
    pub(crate) totals: Vec<TaskSample>,
    pub(crate) channels: Vec<Channel>,
    /// Each task's input gate's view of its channels' heads, by input position: a copy of
    /// [`InputHead::of`] for every channel, kept beside the task so that choosing an input and
    /// finding the next arrival scan a few contiguous words rather than every channel's queue
    /// (p = 128 has 128 inputs per keyed task; see `Sim::refresh_head`).
    pub(crate) input_heads: Vec<crate::sim::dataflow::GateHeads>,
    pub(crate) key_counts: Vec<u32>,
    /// Keyed subtasks' RocksDB instances (by task index; `None` for other tasks and with the
    /// HashMap backend), opened by each restore.
    pub(crate) rocks: Vec<Option<crate::sim::state_backend::RocksDb>>,
    pub(crate) task_managers: Vec<TaskManager>,
    pub(crate) pipeline_slots: Vec<Option<SlotRef>>,
    pub(crate) coordinator: CheckpointCoordinator,
    pub(crate) storage: CheckpointStorage,
    pub(crate) storage_failing: bool,
    pub(crate) restart: RestartBackoff,
    pub(crate) restart_due: Option<SimTime>,
    pub(crate) rng_network: SimRng,
    pub(crate) rng_snapshot: SimRng,
    pub(crate) rng_coordination: SimRng,
    pub(crate) rng_identity: SimRng,
    pub(crate) workload: Workload,
    pub(crate) trace: TraceHash,
    pub(crate) events_processed: u64,
    pub(crate) outbox: VecDeque<TimedEvent>,
    pub(crate) outbox_dropped: u64,
    pub(crate) verbose: bool,
    pub(crate) journal: VecDeque<TimedEvent>,
    pub(crate) sink_lines: VecDeque<SinkLine>,
    pub(crate) printed_high: Vec<Option<u64>>,
    pub(crate) alarms_printed: u64,
    pub(crate) duplicates_printed: u64,
    pub(crate) exceptions: VecDeque<ExceptionEntry>,
    pub(crate) samples: VecDeque<MetricSample>,
    pub(crate) command_log: Vec<(SimTime, Command)>,
    pub(crate) unassigned_since: Option<SimTime>,
    /// JobManager failovers so far (0 for the first leader).
    pub(crate) generation: u64,
    /// The snapshot this job was started from (`flink run -s`), if any.
    pub(crate) restored_from: Option<crate::sim::restore::RestoredSnapshot>,
    /// The sink's writers and the external system it writes to.
    pub(crate) sink: crate::sim::sink::SinkState,
}

impl Sim {
    /// A new cluster running the job of `config`, seeded with `seed`, at simulated time zero.
    pub fn new(config: SimConfig, seed: u64) -> Result<Self, ConfigError> {
        config.validate()?;
        let mut sim = Sim::assemble(config, seed, CheckpointStorage::default(), SimTime::ZERO, 0);
        sim.start_cluster();
        Ok(sim)
    }

    /// Builds every component at `start` without starting anything. `generation` counts
    /// JobManager failovers: the random streams of generation 0 derive from the seed alone, later
    /// ones from the seed and the generation (a new JobManager process), while the workload
    /// always derives from the seed (sources replay the same events).
    pub(crate) fn assemble(
        config: SimConfig,
        seed: u64,
        storage: CheckpointStorage,
        start: SimTime,
        generation: u64,
    ) -> Self {
        let graph = JobGraph::build(&config);
        let stream_seed = if generation == 0 {
            seed
        } else {
            crate::sim::rng::hash3(seed, generation, 0x4A4D)
        };
        let mut rng_identity = SimRng::new(seed, RngStream::Identity);
        let job_id = format!(
            "{:016x}{:016x}",
            rng_identity.next_u64(),
            rng_identity.next_u64()
        );
        let concurrent = config.checkpointing_mode == CheckpointingMode::AtLeastOnce;
        let tasks = graph
            .tasks
            .iter()
            .map(|t| Task::new(t.inputs.len() as u32, concurrent))
            .collect();
        let capacity = config.channel_capacity_records();
        let mut coordination = SimRng::new(stream_seed, RngStream::Coordination);
        let task_managers = (0..config.task_managers)
            .map(|i| {
                let mut tm = TaskManager::new(
                    TaskManagerId(i),
                    config.slots_per_task_manager,
                    &mut rng_identity,
                    start,
                );
                tm.heartbeat_phase_us = coordination.below(config.heartbeat_interval.0.max(1));
                tm
            })
            .collect();
        let task_count = graph.tasks.len();
        Sim {
            seed,
            now: start,
            queue: EventQueue::default(),
            next_seq: 0,
            epoch: 0,
            job_id,
            job_status: JobStatus::Initializing,
            job_status_times: vec![(JobStatus::Initializing, start)],
            tasks,
            slowdowns: vec![1; task_count],
            totals: vec![TaskSample::default(); task_count],
            channels: graph
                .channels
                .iter()
                .map(|_| Channel::new(capacity))
                .collect(),
            input_heads: graph
                .tasks
                .iter()
                .map(|t| crate::sim::dataflow::GateHeads {
                    heads: vec![crate::sim::dataflow::InputHead::NONE; t.inputs.len()],
                    priority: 0,
                })
                .collect(),
            key_counts: vec![0; graph.keys.len()],
            rocks: vec![None; task_count],
            task_managers,
            pipeline_slots: vec![None; config.parallelism as usize],
            coordinator: CheckpointCoordinator::new(config.checkpoint_history_size),
            storage,
            storage_failing: false,
            restart: RestartBackoff::new(config.restart_strategy),
            restart_due: None,
            rng_network: SimRng::new(stream_seed, RngStream::Network),
            rng_snapshot: SimRng::new(stream_seed, RngStream::Snapshot),
            rng_coordination: coordination,
            rng_identity,
            workload: Workload::new(seed, config.abnormal_ratio),
            trace: TraceHash::default(),
            events_processed: 0,
            outbox: VecDeque::new(),
            outbox_dropped: 0,
            verbose: false,
            journal: VecDeque::new(),
            sink_lines: VecDeque::new(),
            printed_high: vec![None; graph.keys.len()],
            alarms_printed: 0,
            duplicates_printed: 0,
            exceptions: VecDeque::new(),
            samples: VecDeque::new(),
            command_log: Vec::new(),
            unassigned_since: None,
            generation: 0,
            restored_from: None,
            sink: crate::sim::sink::SinkState::new(graph.keys.len(), config.parallelism as usize),
            graph,
            config,
        }
    }

    /// Starts the cluster of a job submitted with a snapshot to restore (the caller put it in
    /// the job's storage, assigned to its subtasks).
    pub(crate) fn start_restored_cluster(
        &mut self,
        settings: crate::sim::restore::RestoreSettings,
    ) {
        self.start_heartbeats_and_metrics();
        let checkpoint = self
            .restored_from
            .as_ref()
            .map(|r| r.checkpoint)
            .expect("a restored job knows its snapshot");
        self.emit(Event::StartedFromSnapshot { checkpoint });
        self.set_job_status(JobStatus::Created);
        self.set_job_status(JobStatus::Running);
        self.restore_latest();
        // The sink's output starts where the restored sources resume, or earlier where an
        // unaligned snapshot holds a key's records in flight (processed after the restore).
        // Only the output verifier reads it, which the page's build leaves out (`OTHER_SINKS`).
        if crate::sim::sink::OTHER_SINKS {
            // Per key, the lowest sequence number among the snapshot's in-flight records.
            let mut first = vec![u64::MAX; self.graph.keys.len()];
            let elements = self
                .storage
                .latest()
                .into_iter()
                .flat_map(|m| m.operators.iter().flat_map(|o| &o.subtasks))
                .flat_map(|s| s.channel_state.iter().flat_map(|c| &c.elements));
            for element in elements {
                if let crate::sim::channel::Element::Record { seq, key, .. } = element {
                    first[key.index()] = first[key.index()].min(*seq);
                }
            }
            for (k, key) in self.graph.keys.iter().enumerate() {
                if key.source_subtask != crate::sim::graph::NO_SOURCE {
                    let source = self
                        .graph
                        .task(crate::sim::graph::SOURCE_VERTEX, key.source_subtask);
                    self.sink.base[k] = first[k].min(self.tasks[source.index()].next_seq);
                }
                self.sink.base_counts[k] = self.key_counts[k];
            }
        }
        if settings.claim_mode == crate::sim::restore::RecoveryClaimMode::NoClaim {
            // NO_CLAIM: the first checkpoint is a full one (`forceFullSnapshot`), referring to
            // none of the snapshot's files.
            for db in self.rocks.iter_mut().flatten() {
                db.uploaded.clear();
            }
        }
        self.schedule_all_tasks();
        self.start_periodic_trigger();
    }

    fn start_heartbeats_and_metrics(&mut self) {
        for tm in 0..self.task_managers.len() {
            let phase = self.task_managers[tm].heartbeat_phase_us;
            let at = SimTime::ZERO.add(SimDuration(phase));
            self.schedule_at(
                at,
                ANY_EPOCH,
                Timer::Heartbeat {
                    task_manager: TaskManagerId::from_index(tm),
                },
            );
        }
        self.schedule_at(SimTime::from_ms(1_000), ANY_EPOCH, Timer::MetricsTick);
    }

    fn start_cluster(&mut self) {
        self.start_heartbeats_and_metrics();
        self.set_job_status(JobStatus::Created);
        self.set_job_status(JobStatus::Running);
        self.open_state_backends(None);
        self.schedule_all_tasks();
        self.start_periodic_trigger();
    }

    /// Whether per-record events (`RecordEmitted`, `RecordProcessed`) go to the outbox.
    pub fn set_verbose(&mut self, verbose: bool) {
        self.verbose = verbose;
    }

    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The instant of the next queued event.
    pub fn next_event_time(&self) -> Option<SimTime> {
        self.queue.peek().map(|s| s.time)
    }

    /// Processes every event up to and including `until`, then sets the clock to `until`.
    /// Returns the number of events processed.
    ///
    /// # Panics
    /// If `until` is in the past.
    pub fn advance_to(&mut self, until: SimTime) -> u64 {
        assert!(
            until >= self.now,
            "advance_to({}) is before now ({})",
            debug_text!(until),
            debug_text!(self.now)
        );
        let mut processed = 0;
        while self.queue.peek().is_some_and(|s| s.time <= until) {
            self.process_next();
            processed += 1;
        }
        self.now = until;
        processed
    }

    /// Like [`Sim::advance_to`] but stops after `max_events`; returns the events processed and
    /// whether `until` was reached (the clock stays at the last event otherwise).
    pub fn advance_bounded(&mut self, until: SimTime, max_events: u64) -> (u64, bool) {
        assert!(
            until >= self.now,
            "advance_bounded({}) is before now ({})",
            debug_text!(until),
            debug_text!(self.now)
        );
        let mut processed = 0;
        while self.queue.peek().is_some_and(|s| s.time <= until) {
            if processed == max_events {
                return (processed, false);
            }
            self.process_next();
            processed += 1;
        }
        self.now = until;
        (processed, true)
    }

    /// Processes exactly one event, if there is one; returns its instant.
    pub fn step(&mut self) -> Option<SimTime> {
        self.queue.peek()?;
        self.process_next();
        Some(self.now)
    }

    /// Moves events out of the outbox into `into` (oldest first).
    pub fn drain_events(&mut self, into: &mut Vec<TimedEvent>) {
        into.extend(self.outbox.drain(..));
    }

    /// Applies a command at the current instant. A command that makes no sense now (an unknown
    /// TaskManager, killing a dead one) is refused with a reason and changes nothing.
    pub fn handle(&mut self, command: Command) -> Result<(), CommandError> {
        if self.command_log.len() >= COMMAND_LOG_MAX {
            return Err(CommandError(format!(
                "at most {COMMAND_LOG_MAX} commands per run"
            )));
        }
        self.check_command(&command)?;
        if command == Command::FailOverJobManager {
            let state = self.jobmanager_state();
            let found: Vec<crate::sim::checkpoint::CheckpointMetadata> = self
                .storage
                .retained()
                .iter()
                .chain(self.storage.savepoints())
                .cloned()
                .collect();
            let (resumed, skipped) =
                Sim::resume(&state, found).map_err(|e| CommandError(e.to_string()))?;
            debug_assert!(
                skipped.is_empty(),
                "the engine's own checkpoints are compatible: {skipped:?}"
            );
            // The new leader replaces the engine, not its observer: per-record events stay on,
            // and events not yet drained stay ahead of the new leader's.
            let verbose = self.verbose;
            let mut outbox = std::mem::take(&mut self.outbox);
            let mut dropped = self.outbox_dropped;
            *self = resumed;
            self.verbose = verbose;
            outbox.extend(self.outbox.drain(..));
            while outbox.len() > OUTBOX_MAX {
                outbox.pop_front();
                dropped += 1;
            }
            self.outbox = outbox;
            self.outbox_dropped += dropped;
            return Ok(());
        }
        self.log_command(&command);
        self.apply_command(command);
        Ok(())
    }

    /// Appends a command to the log and the trace.
    pub(crate) fn log_command(&mut self, command: &Command) {
        self.trace.word(0xC0DE);
        self.trace.word(self.now.0);
        // `expect` would print serde_json's error with Debug, carrying its message table into
        // the page; this cannot fail (plain fields, no maps, writing to memory).
        let Ok(encoded) = serde_json::to_vec(command) else {
            unreachable!("a command always serialises");
        };
        self.trace.word(crate::sim::trace::fnv1a64(&encoded));
        self.command_log.push((self.now, command.clone()));
    }

    fn process_next(&mut self) {
        let scheduled = self.queue.pop().expect("caller checked the queue");
        debug_assert!(scheduled.time >= self.now, "event in the past");
        self.now = scheduled.time;
        self.events_processed += 1;
        let (a, b) = scheduled.timer.words();
        self.trace.word(scheduled.time.0);
        self.trace.word(a);
        self.trace.word(b);
        if scheduled.epoch != ANY_EPOCH && scheduled.epoch != self.epoch {
            return;
        }
        self.dispatch(scheduled.timer);
    }

    fn dispatch(&mut self, timer: Timer) {
        match timer {
            Timer::SourceEmit { task } => self.on_source_emit(task),
            Timer::TaskWake { task } => self.on_task_wake(task),
            Timer::TriggerArrived { task, checkpoint } => self.on_trigger_arrived(task, checkpoint),
            Timer::TriggerRpcFailed { checkpoint } => self.on_trigger_rpc_failed(checkpoint),
            Timer::SnapshotDone { task, checkpoint } => self.on_snapshot_done(task, checkpoint),
            Timer::AckArrived { task, checkpoint } => self.on_ack_arrived(task, checkpoint),
            Timer::DeclineArrived {
                task,
                checkpoint,
                subsumed,
            } => {
                self.on_decline_arrived(task, checkpoint, subsumed);
            }
            Timer::CheckpointTimeout { checkpoint } => self.on_checkpoint_timeout(checkpoint),
            Timer::AlignedTimeout { checkpoint } => self.on_aligned_timeout(checkpoint),
            Timer::PeriodicTrigger { generation } => self.on_periodic_trigger(generation),
            Timer::TaskTransition { task } => self.on_task_transition(task),
            Timer::DeployFailed {
                task,
                task_manager,
                incarnation,
            } => {
                self.on_deploy_failed(task, task_manager, incarnation);
            }
            Timer::RestartJob => self.on_restart_job(),
            Timer::Heartbeat { task_manager } => self.on_heartbeat(task_manager),
            Timer::TaskManagerRegisters { task_manager } => {
                self.on_task_manager_registers(task_manager)
            }
            Timer::ConnectionLoss {
                task,
                task_manager,
                incarnation,
            } => {
                self.on_connection_loss(task, task_manager, incarnation);
            }
            Timer::SlotRequestTimeout => self.on_slot_request_timeout(),
            Timer::MetricsTick => self.on_metrics_tick(),
            Timer::CommitNotified { task, checkpoint } => self.on_commit_notified(task, checkpoint),
            Timer::TransactionTimeout { subtask, number } => {
                self.on_transaction_timeout(subtask, u64::from(number));
            }
            Timer::ProducerFenced { task } => {
                if self.tasks[task.index()].state == crate::sim::lifecycle::ExecutionState::Running
                {
                    let subtask = self.graph.tasks[task.index()].subtask;
                    self.fail_job(FailureCause::ProducerFenced { subtask }, Some(task));
                }
            }
        }
    }

    pub(crate) fn schedule_at(&mut self, time: SimTime, epoch: u32, timer: Timer) {
        assert!(
            time >= self.now,
            "timer {} scheduled in the past",
            debug_text!(timer)
        );
        let seq = self.next_seq;
        self.next_seq += 1;
        self.queue.push(Scheduled {
            time,
            seq,
            epoch,
            timer,
        });
    }

    /// Schedules a timer of the current job epoch.
    pub(crate) fn schedule(&mut self, time: SimTime, timer: Timer) {
        self.schedule_at(time, self.epoch, timer);
    }

    pub(crate) fn emit(&mut self, event: Event) {
        let timed = TimedEvent {
            time: self.now,
            event,
        };
        if !timed.event.is_record_level() {
            if self.journal.len() == JOURNAL_MAX {
                self.journal.pop_front();
            }
            self.journal.push_back(timed);
        }
        if self.outbox.len() == OUTBOX_MAX {
            self.outbox.pop_front();
            self.outbox_dropped += 1;
        }
        self.outbox.push_back(timed);
    }

    pub(crate) fn rpc_latency(&mut self) -> SimDuration {
        let (low, high) = (self.config.rpc_latency_min.0, self.config.rpc_latency_max.0);
        SimDuration(self.rng_network.between(low, high))
    }

    pub(crate) fn channel_latency(&mut self) -> SimDuration {
        let (low, high) = (
            self.config.channel_latency_min.0,
            self.config.channel_latency_max.0,
        );
        SimDuration(self.rng_network.between(low, high))
    }

    pub(crate) fn set_job_status(&mut self, to: JobStatus) {
        let from = self.job_status;
        assert!(
            from.can_become(to),
            "illegal job transition {} -> {}",
            from.as_str(),
            to.as_str()
        );
        self.job_status = to;
        self.job_status_times.retain(|(status, _)| *status != to);
        self.job_status_times.push((to, self.now));
        self.emit(Event::JobStatusChanged { from, to });
    }

    pub(crate) fn set_task_state(&mut self, task: TaskIndex, to: ExecutionState) {
        let now = self.now;
        let t = &mut self.tasks[task.index()];
        let from = t.state;
        assert!(
            from.can_become(to),
            "illegal task transition {} -> {} for {}",
            debug_text!(from),
            debug_text!(to),
            debug_text!(task)
        );
        if from == ExecutionState::Running {
            let activity = t.activity;
            t.set_activity(activity, now);
        }
        t.state = to;
        t.state_since = now;
        let slot = ExecutionState::SIMULATED
            .iter()
            .position(|s| *s == to)
            .expect("every state is listed");
        t.state_entered[slot] = Some(now);
        let attempt = t.attempt;
        self.emit(Event::TaskStateChanged {
            task,
            attempt,
            from,
            to,
        });
    }

    /// Whether `task` is really running: RUNNING and its TaskManager's process alive.
    pub(crate) fn is_live(&self, task: TaskIndex) -> bool {
        let t = &self.tasks[task.index()];
        t.state == ExecutionState::Running
            && t.task_manager
                .is_some_and(|tm| self.task_managers[tm.index()].is_alive())
    }

    pub(crate) fn kind_of(&self, task: TaskIndex) -> OperatorKind {
        self.graph.vertex_of(task).kind
    }

    fn on_metrics_tick(&mut self) {
        let now = self.now;
        // Reuse the oldest sample's allocation once the ring is full.
        let mut tasks = if self.samples.len() == METRIC_SAMPLES_MAX {
            self.samples
                .pop_front()
                .map(|s| s.tasks)
                .unwrap_or_default()
        } else {
            Vec::with_capacity(self.tasks.len())
        };
        tasks.clear();
        tasks.extend((0..self.tasks.len()).map(|i| {
            let (busy, backpressured, _) = self.tasks[i].time_split(now);
            let base = self.totals[i];
            let current = self.tasks[i].metrics;
            TaskSample {
                records_in: base.records_in + current.records_in,
                records_out: base.records_out + current.records_out,
                busy_us: base.busy_us + busy,
                backpressured_us: base.backpressured_us + backpressured,
            }
        }));
        assert!(self.samples.len() < METRIC_SAMPLES_MAX);
        self.samples.push_back(MetricSample { time: now, tasks });
        self.schedule_at(
            now.add(SimDuration::from_secs(1)),
            ANY_EPOCH,
            Timer::MetricsTick,
        );
    }

    /// Folds an ending attempt's metrics into the per-task totals.
    pub(crate) fn retire_attempt_metrics(&mut self, task: TaskIndex) {
        let now = self.now;
        let t = &mut self.tasks[task.index()];
        let (busy, backpressured, _) = t.time_split(now);
        let total = &mut self.totals[task.index()];
        total.records_in += t.metrics.records_in;
        total.records_out += t.metrics.records_out;
        total.busy_us += busy;
        total.backpressured_us += backpressured;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Queue entries and channel elements stay small: the hot path moves millions of them.
    #[test]
    fn hot_path_types_are_small() {
        assert!(
            std::mem::size_of::<Scheduled>() <= 32,
            "{}",
            std::mem::size_of::<Scheduled>()
        );
        assert!(std::mem::size_of::<crate::sim::channel::Element>() <= 16);
        assert!(std::mem::size_of::<crate::sim::channel::Queued>() <= 32);
    }
}
