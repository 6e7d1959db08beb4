//! Failure and recovery: TaskManager loss and its detection (a peer's broken connection, or
//! heartbeat RPC failures), task exceptions, failover of the region (the whole job: the keyBy
//! edge is all-to-all), the restart strategy's backoff, restore from the latest checkpoint,
//! slot allocation with slot sharing, and deployment. Also the user commands.

use crate::sim::cluster::{ProcessState, SlotRef};
use crate::sim::config::Placement;
use crate::sim::engine::{CommandError, ExceptionEntry, Sim, Timer, ANY_EPOCH};
use crate::sim::event::{Command, Event, FailureCause};
use crate::sim::graph::OperatorKind;
use crate::sim::ids::{TaskIndex, TaskManagerId};
use crate::sim::lifecycle::{ExecutionState, JobStatus};
use crate::sim::limits::SLOWDOWN_FACTOR_MAX;
use crate::sim::task::{Activity, Task};
use crate::sim::time::{SimDuration, SimTime};

impl Sim {
    /// Creates a new attempt of every task and asks for slots.
    pub(crate) fn schedule_all_tasks(&mut self) {
        let concurrent =
            self.config.checkpointing_mode == crate::sim::config::CheckpointingMode::AtLeastOnce;
        for index in 0..self.tasks.len() {
            let task = TaskIndex::from_index(index);
            let old = &self.tasks[index];
            let attempt = if old.state == ExecutionState::Created {
                old.attempt
            } else {
                old.attempt + 1
            };
            let next_seq = old.next_seq;
            let inputs = self.graph.tasks[index].inputs.len() as u32;
            let mut fresh = Task::new(inputs, concurrent);
            fresh.attempt = attempt;
            fresh.next_seq = next_seq;
            fresh.state_since = self.now;
            fresh.state_entered[0] = Some(self.now);
            self.tasks[index] = fresh;
            self.set_task_state(task, ExecutionState::Scheduled);
        }
        self.allocate_slots();
    }

    /// Slot sharing: pipeline *i* (subtask *i* of every vertex) needs one slot. A pipeline
    /// keeps its previous slot while the JobManager believes that TaskManager is registered.
    pub(crate) fn allocate_slots(&mut self) {
        let p = self.config.parallelism as usize;
        for pipeline in 0..p {
            if let Some(slot) = self.pipeline_slots[pipeline] {
                if self.task_managers[slot.task_manager.index()].registered {
                    continue;
                }
                self.pipeline_slots[pipeline] = None;
            }
            if let Some(slot) = self.choose_slot(pipeline as u32) {
                self.task_managers[slot.task_manager.index()].slots[slot.slot as usize] =
                    Some(pipeline as u32);
                self.pipeline_slots[pipeline] = Some(slot);
            }
        }
        let used: usize = self
            .task_managers
            .iter()
            .map(|tm| tm.slots.iter().filter(|s| s.is_some()).count())
            .sum();
        assert!(used <= p, "more slots allocated than pipelines");
        self.deploy_scheduled();
        let waiting = self.pipeline_slots.iter().any(Option::is_none);
        if waiting && self.unassigned_since.is_none() {
            self.unassigned_since = Some(self.now);
            let at = self.now.add(self.config.slot_request_timeout);
            self.schedule(at, Timer::SlotRequestTimeout);
        } else if !waiting {
            self.unassigned_since = None;
        }
    }

    fn choose_slot(&self, pipeline: u32) -> Option<SlotRef> {
        let candidates = self.task_managers.iter().filter(|tm| tm.free_slots() > 0);
        let chosen = match self.config.placement {
            Placement::Packed => candidates.min_by_key(|tm| tm.id),
            Placement::Spread => {
                let preferred = TaskManagerId(pipeline % self.config.task_managers);
                let tm = &self.task_managers[preferred.index()];
                if tm.free_slots() > 0 {
                    Some(tm)
                } else {
                    candidates.max_by_key(|tm| (tm.free_slots(), std::cmp::Reverse(tm.id)))
                }
            }
        }?;
        let slot = chosen.slots.iter().position(Option::is_none)? as u32;
        Some(SlotRef {
            task_manager: chosen.id,
            slot,
        })
    }

    fn deploy_scheduled(&mut self) {
        for index in 0..self.tasks.len() {
            let task = TaskIndex::from_index(index);
            if self.tasks[index].state != ExecutionState::Scheduled {
                continue;
            }
            let pipeline = self.graph.tasks[index].subtask as usize;
            let Some(slot) = self.pipeline_slots[pipeline] else {
                continue;
            };
            self.tasks[index].task_manager = Some(slot.task_manager);
            self.set_task_state(task, ExecutionState::Deploying);
            let tm = &self.task_managers[slot.task_manager.index()];
            if tm.is_alive() {
                let at = self.now.add(self.config.deploy_duration);
                self.schedule(at, Timer::TaskTransition { task });
            } else {
                let incarnation = tm.incarnation;
                let at = self.now.add(self.rpc_latency());
                self.schedule(
                    at,
                    Timer::DeployFailed {
                        task,
                        task_manager: slot.task_manager,
                        incarnation,
                    },
                );
            }
        }
    }

    pub(crate) fn on_task_transition(&mut self, task: TaskIndex) {
        let state = self.tasks[task.index()].state;
        let alive = self.tasks[task.index()]
            .task_manager
            .is_some_and(|tm| self.task_managers[tm.index()].is_alive());
        match state {
            ExecutionState::Canceling => self.set_task_state(task, ExecutionState::Canceled),
            _ if !alive => {} // the process died: the JobManager learns it later
            ExecutionState::Deploying => {
                self.set_task_state(task, ExecutionState::Initializing);
                // Restoring downloads every file the restored checkpoint refers to.
                let download = crate::sim::dataflow::transfer_us(
                    self.restore_download_bytes(task),
                    self.config.storage_bandwidth,
                );
                let at = self
                    .now
                    .add(self.config.initialize_duration)
                    .add(SimDuration(download));
                self.schedule(at, Timer::TaskTransition { task });
            }
            ExecutionState::Initializing => self.start_running(task),
            _ => {}
        }
    }

    fn start_running(&mut self, task: TaskIndex) {
        self.set_task_state(task, ExecutionState::Running);
        self.sink_task_started(task);
        let now = self.now;
        let t = &mut self.tasks[task.index()];
        t.running_since = Some(now);
        t.activity = Activity::Idle;
        t.activity_since = now;
        if self.kind_of(task) == OperatorKind::Source {
            self.tasks[task.index()].emit_due = now;
            self.schedule(now, Timer::SourceEmit { task });
        } else {
            self.wake_at(task, now);
        }
    }

    pub(crate) fn on_deploy_failed(
        &mut self,
        task: TaskIndex,
        task_manager: TaskManagerId,
        incarnation: u16,
    ) {
        if self.tasks[task.index()].state != ExecutionState::Deploying {
            return;
        }
        self.set_task_state(task, ExecutionState::Failed);
        self.fail_job(
            FailureCause::DeployFailed {
                task_manager,
                incarnation,
            },
            Some(task),
        );
    }

    /// Fails over the whole job: cancel every task, abort pending checkpoints, drop in-flight
    /// data, and restart after the strategy's backoff (or fail the job).
    pub(crate) fn fail_job(&mut self, cause: FailureCause, failed: Option<TaskIndex>) {
        if self.job_status != JobStatus::Running {
            return; // a concurrent failure while already restarting
        }
        let task_manager = failed.and_then(|t| self.tasks[t.index()].task_manager);
        let entry = ExceptionEntry {
            time: self.now,
            cause,
            task: failed.map(|t| (t, self.tasks[t.index()].attempt)),
            task_manager,
        };
        if self.exceptions.len() == self.config.exception_history_size as usize {
            self.exceptions.pop_back();
        }
        self.exceptions.push_front(entry);
        self.emit(Event::JobFailed {
            cause,
            task: failed,
        });
        self.epoch += 1;
        self.stop_periodic_trigger();
        self.fail_savepoint_requests(
            crate::sim::checkpoint::CheckpointFailureReason::CoordinatorSuspend,
        );
        let pending: Vec<_> = self.coordinator.pending.iter().map(|p| p.id).collect();
        for checkpoint in pending {
            self.abort_checkpoint(
                checkpoint,
                crate::sim::checkpoint::CheckpointFailureReason::JobFailoverRegion,
            );
        }
        self.cancel_all_tasks(failed);
        for channel in &mut self.channels {
            channel.clear();
        }
        self.refresh_heads();
        match self
            .restart
            .on_failure(self.now, &mut self.rng_coordination)
        {
            Some(backoff) => {
                self.set_job_status(JobStatus::Restarting);
                let at = self.now.add(backoff);
                self.restart_due = Some(at);
                self.schedule(at, Timer::RestartJob);
                self.emit(Event::RestartScheduled { backoff });
            }
            None => {
                self.set_job_status(JobStatus::Failing);
                self.set_job_status(JobStatus::Failed);
            }
        }
    }

    fn cancel_all_tasks(&mut self, failed: Option<TaskIndex>) {
        for index in 0..self.tasks.len() {
            let task = TaskIndex::from_index(index);
            let alive = self.tasks[index]
                .task_manager
                .is_some_and(|tm| self.task_managers[tm.index()].is_alive());
            self.sink_task_stopped(task, alive);
            let state = self.tasks[index].state;
            let t = &mut self.tasks[index];
            t.wake_at = SimTime::MAX;
            t.blocked_output = None;
            t.snapshots.clear();
            match state {
                _ if Some(task) == failed && state != ExecutionState::Failed => {
                    self.set_task_state(task, ExecutionState::Failed);
                }
                ExecutionState::Created | ExecutionState::Scheduled => {
                    self.set_task_state(task, ExecutionState::Canceled);
                }
                ExecutionState::Deploying
                | ExecutionState::Initializing
                | ExecutionState::Running => {
                    self.set_task_state(task, ExecutionState::Canceling);
                    let at = self.now.add(self.config.cancel_duration);
                    self.schedule(at, Timer::TaskTransition { task });
                }
                _ => {}
            }
        }
    }

    pub(crate) fn on_restart_job(&mut self) {
        if self.job_status != JobStatus::Restarting {
            return;
        }
        self.restart_due = None;
        for index in 0..self.tasks.len() {
            let task = TaskIndex::from_index(index);
            if self.tasks[index].state == ExecutionState::Canceling {
                self.set_task_state(task, ExecutionState::Canceled);
            }
            self.retire_attempt_metrics(task);
        }
        self.set_job_status(JobStatus::Running);
        self.restore_latest();
        let offsets: Vec<u64> = self.tasks.iter().map(|t| t.next_seq).collect();
        self.schedule_all_tasks();
        for (task, offset) in self.tasks.iter_mut().zip(offsets) {
            task.next_seq = offset;
        }
        self.start_periodic_trigger();
    }

    pub(crate) fn on_slot_request_timeout(&mut self) {
        if self.job_status == JobStatus::Running && self.pipeline_slots.iter().any(Option::is_none)
        {
            self.unassigned_since = None;
            self.fail_job(FailureCause::NoResourceAvailable, None);
        }
    }

    /// A JobManager → TaskManager heartbeat. Two failed RPCs in a row (the default
    /// `heartbeat.rpc-failure-threshold`) or the heartbeat timeout mark the TaskManager lost.
    pub(crate) fn on_heartbeat(&mut self, task_manager: TaskManagerId) {
        let now = self.now;
        let next = now.add(self.config.heartbeat_interval);
        self.schedule_at(next, ANY_EPOCH, Timer::Heartbeat { task_manager });
        let threshold = self.config.heartbeat_rpc_failure_threshold;
        let timeout = self.config.heartbeat_timeout;
        let tm = &mut self.task_managers[task_manager.index()];
        if !tm.registered {
            return;
        }
        if tm.is_alive() {
            tm.heartbeat_failures = 0;
            tm.last_heartbeat = now;
            return;
        }
        tm.heartbeat_failures += 1;
        let by_rpc = threshold > 0 && tm.heartbeat_failures >= threshold;
        let by_timeout = now.saturating_since(tm.last_heartbeat) >= timeout;
        if by_rpc || by_timeout {
            let incarnation = tm.incarnation;
            self.declare_lost(task_manager, incarnation);
        }
    }

    /// The JobManager and ResourceManager forget a TaskManager; its tasks fail.
    fn declare_lost(&mut self, task_manager: TaskManagerId, incarnation: u16) {
        let tm = &mut self.task_managers[task_manager.index()];
        if !tm.registered || tm.incarnation != incarnation {
            return;
        }
        tm.registered = false;
        tm.heartbeat_failures = 0;
        for slot in &mut tm.slots {
            *slot = None;
        }
        for slot in &mut self.pipeline_slots {
            if slot.is_some_and(|s| s.task_manager == task_manager) {
                *slot = None;
            }
        }
        self.emit(Event::TaskManagerLost { task_manager });
        let victim = (0..self.tasks.len()).map(TaskIndex::from_index).find(|t| {
            let task = &self.tasks[t.index()];
            task.task_manager == Some(task_manager)
                && matches!(
                    task.state,
                    ExecutionState::Deploying
                        | ExecutionState::Initializing
                        | ExecutionState::Running
                )
        });
        if let Some(task) = victim {
            self.set_task_state(task, ExecutionState::Failed);
            self.fail_job(
                FailureCause::TaskManagerUnreachable {
                    task_manager,
                    incarnation,
                },
                Some(task),
            );
        }
    }

    pub(crate) fn on_connection_loss(
        &mut self,
        task: TaskIndex,
        task_manager: TaskManagerId,
        incarnation: u16,
    ) {
        if !self.is_live(task)
            || self.task_managers[task_manager.index()].incarnation != incarnation
        {
            return;
        }
        self.set_task_state(task, ExecutionState::Failed);
        self.fail_job(
            FailureCause::ConnectionLost {
                task_manager,
                incarnation,
            },
            Some(task),
        );
    }

    pub(crate) fn on_task_manager_registers(&mut self, task_manager: TaskManagerId) {
        let old_incarnation = self.task_managers[task_manager.index()].incarnation;
        // The old process's registration ends when the new one registers.
        self.declare_lost(task_manager, old_incarnation);
        let now = self.now;
        let tm = &mut self.task_managers[task_manager.index()];
        // At most COMMAND_LOG_MAX (10,000) restarts fit in a run.
        tm.incarnation = tm
            .incarnation
            .checked_add(1)
            .expect("fewer than 65,536 restarts");
        tm.process = ProcessState::Alive;
        tm.registered = true;
        tm.heartbeat_failures = 0;
        tm.last_heartbeat = now;
        self.emit(Event::TaskManagerRegistered { task_manager });
        if self.job_status == JobStatus::Running && self.pipeline_slots.iter().any(Option::is_none)
        {
            self.allocate_slots();
        }
    }

    pub(crate) fn check_command(&self, command: &Command) -> Result<(), CommandError> {
        let tm_ok = |tm: TaskManagerId| {
            if tm.index() < self.task_managers.len() {
                Ok(&self.task_managers[tm.index()])
            } else {
                Err(CommandError(format!(
                    "there is no {tm}; the cluster has {}",
                    self.task_managers.len()
                )))
            }
        };
        match command {
            Command::KillTaskManager { task_manager } => {
                let tm = tm_ok(*task_manager)?;
                if !tm.is_alive() {
                    return Err(CommandError(format!("{task_manager} is not running")));
                }
            }
            Command::RestartTaskManager { task_manager } => {
                let tm = tm_ok(*task_manager)?;
                if !matches!(tm.process, ProcessState::Dead { .. }) {
                    return Err(CommandError(format!("{task_manager} was not killed")));
                }
            }
            Command::FailTask { vertex, subtask }
            | Command::SlowDownSubtask {
                vertex, subtask, ..
            } => {
                let v = self.graph.vertices.get(vertex.index()).ok_or_else(|| {
                    CommandError(format!(
                        "there is no vertex {}; the job has {}",
                        vertex.0,
                        self.graph.vertices.len()
                    ))
                })?;
                if *subtask >= v.parallelism {
                    return Err(CommandError(format!(
                        "{} has subtasks 0..{}",
                        v.name, v.parallelism
                    )));
                }
                if let Command::SlowDownSubtask { factor, .. } = command {
                    if !(1..=SLOWDOWN_FACTOR_MAX).contains(factor) {
                        return Err(CommandError(format!(
                            "slowdown factor {factor} outside 1 ..= {SLOWDOWN_FACTOR_MAX}"
                        )));
                    }
                }
                if matches!(command, Command::FailTask { .. }) {
                    let task = self.graph.task(*vertex, *subtask);
                    if !self.is_live(task) {
                        return Err(CommandError(format!(
                            "{} is not running",
                            self.graph.task_name(task, self.tasks[task.index()].attempt)
                        )));
                    }
                }
            }
            Command::SetCheckpointStorageFailing { .. } => {}
            // A finished job is gone from high availability: no leader recovers it.
            Command::FailOverJobManager if self.job_status == JobStatus::Finished => {
                return Err(CommandError("the job is FINISHED".to_string()));
            }
            Command::FailOverJobManager => {}
            Command::TriggerCheckpoint
            | Command::TriggerSavepoint { .. }
            | Command::StopWithSavepoint { .. } => {
                if self.job_status != JobStatus::Running {
                    return Err(CommandError(format!(
                        "the job is {}",
                        self.job_status.as_str()
                    )));
                }
            }
        }
        Ok(())
    }

    pub(crate) fn apply_command(&mut self, command: Command) {
        match command {
            Command::KillTaskManager { task_manager } => self.kill_task_manager(task_manager),
            Command::RestartTaskManager { task_manager } => {
                let at = self.now.add(self.config.task_manager_startup);
                let tm = &mut self.task_managers[task_manager.index()];
                tm.process = ProcessState::Starting { registers_at: at };
                tm.new_identity(&mut self.rng_identity);
                self.schedule_at(at, ANY_EPOCH, Timer::TaskManagerRegisters { task_manager });
                self.emit(Event::TaskManagerStarted { task_manager });
            }
            Command::FailTask { vertex, subtask } => {
                let task = self.graph.task(vertex, subtask);
                self.set_task_state(task, ExecutionState::Failed);
                self.fail_job(FailureCause::UserException, Some(task));
            }
            Command::SetCheckpointStorageFailing { failing } => {
                self.storage_failing = failing;
                self.emit(Event::CheckpointStorageChanged { failing });
            }
            Command::SlowDownSubtask {
                vertex,
                subtask,
                factor,
            } => {
                let task = self.graph.task(vertex, subtask);
                self.slowdowns[task.index()] = factor;
                self.emit(Event::SubtaskSlowed { task, factor });
            }
            Command::TriggerCheckpoint => self.try_trigger(),
            Command::TriggerSavepoint { format } => self.request_savepoint(format, false),
            Command::StopWithSavepoint { format } => self.request_savepoint(format, true),
            Command::FailOverJobManager => unreachable!("handled by Sim::handle"),
        }
    }

    fn kill_task_manager(&mut self, task_manager: TaskManagerId) {
        let now = self.now;
        let tm = &mut self.task_managers[task_manager.index()];
        tm.process = ProcessState::Dead { since: now };
        let incarnation = tm.incarnation;
        self.emit(Event::TaskManagerKilled { task_manager });
        for index in 0..self.tasks.len() {
            if self.tasks[index].task_manager == Some(task_manager)
                && self.tasks[index].state == ExecutionState::Running
            {
                let activity = self.tasks[index].activity;
                self.tasks[index].set_activity(activity, now);
            }
        }
        // A live task exchanging data with the dead TaskManager notices the closed connection.
        // The consumer reading from the lost TaskManager fails first (its netty connection
        // closes); a producer writing to it is the fallback.
        let on_dead = |t: TaskIndex| self.tasks[t.index()].task_manager == Some(task_manager);
        let running = |t: TaskIndex| self.tasks[t.index()].state == ExecutionState::Running;
        let consumer = self.graph.channels.iter().find_map(|c| {
            (on_dead(c.sender)
                && running(c.sender)
                && !on_dead(c.receiver)
                && self.is_live(c.receiver))
            .then_some(c.receiver)
        });
        let producer = || {
            self.graph.channels.iter().find_map(|c| {
                (on_dead(c.receiver)
                    && running(c.receiver)
                    && !on_dead(c.sender)
                    && self.is_live(c.sender))
                .then_some(c.sender)
            })
        };
        let peer = consumer.or_else(producer);
        if let Some(task) = peer {
            let at = now.add(self.config.connection_loss_detection);
            self.schedule(
                at,
                Timer::ConnectionLoss {
                    task,
                    task_manager,
                    incarnation,
                },
            );
        }
    }
}
