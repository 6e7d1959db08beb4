//! A cheap read-only view of the simulation for the UI, the REST builders and the runner.
//!
//! Borrowing, never copying: every accessor returns references or small values, so building a
//! view per frame costs nothing. Rates and ratios (the only floats) are derived here.

use crate::sim::channel::Channel;
use crate::sim::checkpoint::{CheckpointMetadata, CheckpointPoint, CheckpointRecord};
use crate::sim::cluster::{SlotRef, TaskManager};
use crate::sim::config::SimConfig;
use crate::sim::coordinator::CheckpointCoordinator;
use crate::sim::engine::{ExceptionEntry, MetricSample, Sim, SinkLine, TaskSample};
use crate::sim::event::{Command, TimedEvent};
use crate::sim::graph::JobGraph;
use crate::sim::ids::{KeyIndex, TaskIndex};
use crate::sim::lifecycle::JobStatus;
use crate::sim::storage::CheckpointStorage;
use crate::sim::task::Task;
use crate::sim::time::SimTime;

/// A read-only view of a [`Sim`].
#[derive(Clone, Copy)]
pub struct SimView<'a> {
    sim: &'a Sim,
}

/// Rates of one task over the last sampled second.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TaskRates {
    /// `numRecordsInPerSecond`.
    pub records_in_per_second: f64,
    /// `numRecordsOutPerSecond`.
    pub records_out_per_second: f64,
    /// `busyTimeMsPerSecond`.
    pub busy_ms_per_second: f64,
    /// `backPressuredTimeMsPerSecond`.
    pub backpressured_ms_per_second: f64,
}

impl Sim {
    /// The read-only view.
    pub fn view(&self) -> SimView<'_> {
        SimView { sim: self }
    }
}

impl<'a> SimView<'a> {
    /// The configuration.
    pub fn config(&self) -> &'a SimConfig {
        &self.sim.config
    }
    /// The seed.
    pub fn seed(&self) -> u64 {
        self.sim.seed
    }
    /// The job graph and layout.
    pub fn graph(&self) -> &'a JobGraph {
        &self.sim.graph
    }
    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.sim.now
    }
    /// Epoch milliseconds of a simulated instant (REST timestamps).
    pub fn epoch_ms(&self, time: SimTime) -> u64 {
        self.sim.epoch_ms(time)
    }
    /// The job id (32 hex digits).
    pub fn job_id(&self) -> &'a str {
        &self.sim.job_id
    }
    /// The job status.
    pub fn job_status(&self) -> JobStatus {
        self.sim.job_status
    }
    /// The last time the job entered each status it has been in.
    pub fn job_status_times(&self) -> &'a [(JobStatus, SimTime)] {
        &self.sim.job_status_times
    }
    /// Every task, by dense index.
    pub fn tasks(&self) -> &'a [Task] {
        &self.sim.tasks
    }
    /// Whether a task is running on a live TaskManager.
    pub fn is_live(&self, task: TaskIndex) -> bool {
        self.sim.is_live(task)
    }
    /// Every channel, by dense index.
    pub fn channels(&self) -> &'a [Channel] {
        &self.sim.channels
    }
    /// Every TaskManager.
    pub fn task_managers(&self) -> &'a [TaskManager] {
        &self.sim.task_managers
    }
    /// The slot of each pipeline (slot sharing group), if allocated.
    pub fn pipeline_slots(&self) -> &'a [Option<SlotRef>] {
        &self.sim.pipeline_slots
    }
    /// The snapshot the job was started from (`flink run -s`), if any.
    pub fn restored_from(&self) -> Option<&'a crate::sim::restore::RestoredSnapshot> {
        self.sim.restored_from.as_ref()
    }

    /// The checkpoint coordinator's books.
    pub fn coordinator(&self) -> &'a CheckpointCoordinator {
        &self.sim.coordinator
    }
    /// Checkpoint history, oldest first.
    pub fn checkpoint_history(&self) -> impl Iterator<Item = &'a CheckpointRecord> {
        self.sim.coordinator.history.iter()
    }
    /// Points for the checkpoint plots, oldest first.
    pub fn checkpoint_points(&self) -> impl Iterator<Item = &'a CheckpointPoint> {
        self.sim.coordinator.points.iter()
    }
    /// Retained checkpoints in storage, oldest first.
    pub fn retained_checkpoints(&self) -> &'a [CheckpointMetadata] {
        self.sim.storage.retained()
    }
    /// A keyed subtask's RocksDB instance (`None` with the HashMap backend).
    pub fn rocks_db(
        &self,
        task: crate::sim::ids::TaskIndex,
    ) -> Option<&'a crate::sim::state_backend::RocksDb> {
        self.sim.rocks.get(task.index()).and_then(Option::as_ref)
    }
    /// The checkpoint storage.
    pub fn storage(&self) -> &'a CheckpointStorage {
        &self.sim.storage
    }
    /// Whether checkpoint storage currently fails.
    pub fn storage_failing(&self) -> bool {
        self.sim.storage_failing
    }
    /// The current `ValueState` count of a key.
    pub fn key_count(&self, key: KeyIndex) -> u32 {
        self.sim.key_counts[key.index()]
    }
    /// The last print-sink lines, oldest first.
    pub fn sink_lines(&self) -> impl Iterator<Item = &'a SinkLine> {
        self.sim.sink_lines.iter()
    }
    /// The sink's writers and the external system it writes to.
    pub fn sink(&self) -> &'a crate::sim::sink::SinkState {
        &self.sim.sink
    }
    /// Alarms printed and how many of them were duplicates.
    pub fn alarm_counts(&self) -> (u64, u64) {
        (self.sim.alarms_printed, self.sim.duplicates_printed)
    }
    /// Exception history, newest first.
    pub fn exceptions(&self) -> impl Iterator<Item = &'a ExceptionEntry> {
        self.sim.exceptions.iter()
    }
    /// Notable events (no per-record ones), oldest first.
    pub fn journal(&self) -> impl Iterator<Item = &'a TimedEvent> {
        self.sim.journal.iter()
    }
    /// When the restart backoff ends, while RESTARTING.
    pub fn restart_due(&self) -> Option<SimTime> {
        self.sim.restart_due
    }
    /// The slowdown factor of each task.
    pub fn slowdown(&self, task: TaskIndex) -> u32 {
        self.sim.slowdowns[task.index()]
    }
    /// Metric samples, oldest first (one per simulated second).
    pub fn samples(&self) -> impl Iterator<Item = &'a MetricSample> {
        self.sim.samples.iter()
    }
    /// The commands applied so far, with their instants.
    pub fn command_log(&self) -> &'a [(SimTime, Command)] {
        &self.sim.command_log
    }
    /// The trace hash so far.
    pub fn trace_hash(&self) -> u64 {
        self.sim.trace.value()
    }
    /// An estimate of the heap the simulation state holds, in bytes (collections' capacities
    /// times their element sizes; strings and small boxes are ignored). Bounded by design:
    /// logs, histories and queues have limits.
    pub fn approx_heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let sim = self.sim;
        let channels: usize = sim
            .channels
            .iter()
            .map(|c| c.len() * size_of::<crate::sim::channel::Queued>())
            .sum();
        let tasks = sim.tasks.len() * size_of::<Task>()
            + sim
                .tasks
                .iter()
                .map(|t| {
                    t.snapshots
                        .iter()
                        .map(|s| s.persisted.capacity() * 16 + 128)
                        .sum::<usize>()
                })
                .sum::<usize>();
        let history =
            sim.coordinator.history.len() * (size_of::<CheckpointRecord>() + sim.tasks.len() * 80);
        let summaries = 4
            * sim
                .coordinator
                .summaries
                .checkpointed_size
                .count()
                .min(10_000) as usize
            * 8;
        let points = sim.coordinator.points.len() * size_of::<CheckpointPoint>();
        let journal = sim.journal.len() * size_of::<TimedEvent>()
            + sim.outbox.len() * size_of::<TimedEvent>();
        let sink = sim.sink_lines.len() * size_of::<SinkLine>();
        let samples = sim.samples.len()
            * (size_of::<MetricSample>() + sim.tasks.len() * size_of::<TaskSample>());
        let queue = sim.queue.capacity() * 40;
        let retained: usize = sim
            .storage
            .retained()
            .iter()
            .map(|m| m.file_size() as usize * 2 + 1_024)
            .sum();
        channels
            + tasks
            + history
            + summaries
            + points
            + journal
            + sink
            + samples
            + queue
            + retained
    }

    /// Events processed so far.
    pub fn events_processed(&self) -> u64 {
        self.sim.events_processed
    }
    /// Events dropped from a full outbox.
    pub fn outbox_dropped(&self) -> u64 {
        self.sim.outbox_dropped
    }
    /// Queued timers.
    pub fn queue_len(&self) -> usize {
        self.sim.queue.len()
    }

    /// Cumulative counters of a task over all attempts, up to now.
    pub fn task_totals(&self, task: TaskIndex) -> TaskSample {
        let t = &self.sim.tasks[task.index()];
        let (busy, backpressured, _) = t.time_split(self.sim.now);
        let base = self.sim.totals[task.index()];
        TaskSample {
            records_in: base.records_in + t.metrics.records_in,
            records_out: base.records_out + t.metrics.records_out,
            busy_us: base.busy_us + busy,
            backpressured_us: base.backpressured_us + backpressured,
        }
    }

    /// Rates of a task over the last sampled second (zero before two samples exist).
    pub fn task_rates(&self, task: TaskIndex) -> TaskRates {
        let samples = &self.sim.samples;
        let (Some(last), Some(previous)) = (
            samples.back(),
            samples.len().checked_sub(2).and_then(|i| samples.get(i)),
        ) else {
            return TaskRates::default();
        };
        let seconds = last.time.saturating_since(previous.time).0 as f64 / 1e6;
        if seconds <= 0.0 {
            return TaskRates::default();
        }
        let (a, b) = (previous.tasks[task.index()], last.tasks[task.index()]);
        let per_second = |x: u64, y: u64| y.saturating_sub(x) as f64 / seconds;
        TaskRates {
            records_in_per_second: per_second(a.records_in, b.records_in),
            records_out_per_second: per_second(a.records_out, b.records_out),
            busy_ms_per_second: (per_second(a.busy_us, b.busy_us) / 1_000.0).min(1_000.0),
            backpressured_ms_per_second: (per_second(a.backpressured_us, b.backpressured_us)
                / 1_000.0)
                .min(1_000.0),
        }
    }
}
