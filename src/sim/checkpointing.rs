//! The JobManager side of checkpointing: periodic triggering under interval, min pause and
//! max concurrent; trigger RPCs to the sources; acknowledgements; completion with `_metadata`,
//! retention and subsumption; expiry, declines and aborts; and `CheckpointFailureManager`'s
//! tolerable-failure rule.

use crate::sim::checkpoint::{
    element_bytes, ChannelSide, ChannelState, CheckpointFailureReason, CheckpointMetadata,
    CheckpointRecord, CheckpointStatus, KeyedStateHandle, OperatorSnapshot, PendingCheckpoint,
    Savepoint, SavepointFormatType, SubtaskCheckpointStats, SubtaskSnapshot,
    METADATA_FORMAT_VERSION, METADATA_MAGIC,
};
use crate::sim::coordinator::{RestoredCheckpoint, SavepointRequest};
use crate::sim::engine::{Sim, Timer, ANY_EPOCH};
use crate::sim::event::{Event, FailureCause};
use crate::sim::graph::OperatorKind;
use crate::sim::ids::{CheckpointId, TaskIndex};
use crate::sim::lifecycle::{ExecutionState, JobStatus};
use crate::sim::limits::SAVEPOINT_REQUESTS_MAX;
use crate::sim::time::{SimDuration, SimTime};

impl Sim {
    /// Starts the periodic trigger (the job switched to RUNNING): the first trigger comes after
    /// a random initial delay in [min pause, interval], as `getRandomInitDelay` draws it.
    pub(crate) fn start_periodic_trigger(&mut self) {
        let interval = self.config.checkpoint_interval.0;
        let low = self.config.min_pause.0.min(interval);
        let delay = self.rng_coordination.between(low, interval);
        self.reschedule_periodic(self.now.add(SimDuration(delay)));
    }

    /// Stops the periodic trigger (the job left RUNNING).
    pub(crate) fn stop_periodic_trigger(&mut self) {
        self.coordinator.periodic_generation += 1;
        self.coordinator.periodic_next = None;
        self.coordinator.trigger_queued = false;
    }

    fn reschedule_periodic(&mut self, at: SimTime) {
        self.coordinator.periodic_generation += 1;
        self.coordinator.periodic_next = Some(at);
        let generation = self.coordinator.periodic_generation;
        self.schedule_at(at, ANY_EPOCH, Timer::PeriodicTrigger { generation });
    }

    pub(crate) fn on_periodic_trigger(&mut self, generation: u32) {
        if generation != self.coordinator.periodic_generation {
            return;
        }
        let next = self.now.add(self.config.checkpoint_interval);
        self.coordinator.periodic_next = Some(next);
        let generation = self.coordinator.periodic_generation;
        self.schedule_at(next, ANY_EPOCH, Timer::PeriodicTrigger { generation });
        self.try_trigger();
    }

    /// `CheckpointRequestDecider` + `startTriggeringCheckpoint`.
    pub(crate) fn try_trigger(&mut self) {
        if self.job_status != JobStatus::Running {
            return;
        }
        let max = self.config.max_concurrent_checkpoints as usize;
        let savepoint_first = !self.coordinator.savepoint_requests.is_empty()
            || self
                .coordinator
                .pending
                .iter()
                .any(|p| p.savepoint.is_some());
        if self.coordinator.pending.len() >= max || savepoint_first {
            self.coordinator.trigger_queued = true;
            return;
        }
        if let Some(last) = self.coordinator.last_completion {
            let earliest = last.add(self.config.min_pause);
            if self.now < earliest {
                // `rescheduleTrigger`: the periodic timer restarts after the min pause.
                self.coordinator.trigger_queued = false;
                self.reschedule_periodic(earliest);
                return;
            }
        }
        self.coordinator.trigger_queued = false;
        if let Some(task) = self.task_not_running() {
            let reason = CheckpointFailureReason::NotAllRequiredTasksRunning;
            self.coordinator.counts.total += 1;
            self.coordinator.counts.failed += 1;
            self.emit(Event::CheckpointTriggerRejected { reason, task });
            return;
        }
        self.trigger_checkpoint(None);
    }

    fn task_not_running(&self) -> Option<TaskIndex> {
        (0..self.tasks.len())
            .map(TaskIndex::from_index)
            .find(|t| self.tasks[t.index()].state != ExecutionState::Running)
    }

    /// A savepoint request (`triggerSavepoint`, `stopWithSavepoint`): it waits while
    /// `max-concurrent-checkpoints` are pending, and goes before a queued periodic trigger.
    pub(crate) fn request_savepoint(&mut self, format: SavepointFormatType, synchronous: bool) {
        if self.coordinator.savepoint_requests.len() >= SAVEPOINT_REQUESTS_MAX {
            let reason = CheckpointFailureReason::TooManyCheckpointRequests;
            self.emit(Event::SavepointRequestFailed {
                reason,
                synchronous,
            });
            return;
        }
        self.coordinator
            .savepoint_requests
            .push_back(SavepointRequest {
                format,
                synchronous,
            });
        self.serve_savepoint_requests();
    }

    /// Triggers the first queued savepoint if a slot is free. Returns whether one waits or was
    /// triggered (a periodic trigger must wait then).
    fn serve_savepoint_requests(&mut self) -> bool {
        if self.coordinator.savepoint_requests.is_empty() {
            return false;
        }
        let max = self.config.max_concurrent_checkpoints as usize;
        if self.job_status != JobStatus::Running || self.coordinator.pending.len() >= max {
            return true;
        }
        let request = self
            .coordinator
            .savepoint_requests
            .pop_front()
            .expect("checked above");
        if self.task_not_running().is_some() {
            // The trigger fails before an id is taken, as a checkpoint's does; a savepoint's
            // failure is not counted against tolerable-failed-checkpoints.
            self.coordinator.counts.total += 1;
            self.coordinator.counts.failed += 1;
            self.emit(Event::SavepointRequestFailed {
                reason: CheckpointFailureReason::NotAllRequiredTasksRunning,
                synchronous: request.synchronous,
            });
            return self.serve_savepoint_requests();
        }
        let id = CheckpointId(self.coordinator.next_id);
        let path = self.savepoint_path(id);
        self.trigger_checkpoint(Some(Savepoint {
            format: request.format,
            synchronous: request.synchronous,
            path,
        }));
        true
    }

    /// Fails the queued savepoint requests (the job left RUNNING).
    pub(crate) fn fail_savepoint_requests(&mut self, reason: CheckpointFailureReason) {
        while let Some(request) = self.coordinator.savepoint_requests.pop_front() {
            self.emit(Event::SavepointRequestFailed {
                reason,
                synchronous: request.synchronous,
            });
        }
    }

    /// After a pending checkpoint ended: a queued savepoint first, then a queued trigger.
    fn serve_queued_requests(&mut self) {
        if self.serve_savepoint_requests() {
            return;
        }
        if self.coordinator.trigger_queued {
            self.try_trigger();
        }
    }

    /// `savepoint-<first 6 hex of the job id>-<12 hex>` in `execution.checkpointing.savepoint-dir`
    /// (`FileUtils.getRandomFilename`; the 12 hex digits derive from the run, not a clock).
    fn savepoint_path(&self, checkpoint: CheckpointId) -> String {
        let dir = self.config.savepoint_dir.trim_end_matches('/');
        let dir = dir
            .strip_prefix("file://")
            .map_or(dir.to_string(), |rest| format!("file:{rest}"));
        let random = crate::sim::rng::hash3(self.seed, self.generation, u64::from(checkpoint.0));
        let prefix = self.job_id.get(..6).unwrap_or(&self.job_id);
        format!(
            "{dir}/savepoint-{prefix}-{:012x}",
            random & 0xFFFF_FFFF_FFFF
        )
    }

    fn trigger_checkpoint(&mut self, savepoint: Option<Savepoint>) {
        let id = CheckpointId(self.coordinator.next_id);
        self.coordinator.next_id += 1;
        let now = self.now;
        // "Savepoints will always be aligned."
        let unaligned = savepoint.is_none() && self.config.unaligned;
        let task_count = self.tasks.len();
        self.coordinator.pending.push(PendingCheckpoint {
            id,
            trigger_time: now,
            unaligned,
            savepoint: savepoint.clone(),
            snapshots: vec![None; task_count],
            acknowledged: 0,
        });
        assert!(self.coordinator.pending.len() <= self.config.max_concurrent_checkpoints as usize);
        self.coordinator.push_record(CheckpointRecord {
            id,
            status: CheckpointStatus::InProgress,
            trigger_time: now,
            unaligned,
            savepoint: savepoint.clone(),
            subtasks: vec![None; task_count],
            acknowledged: 0,
            completed_at: None,
            external_path: None,
            discarded: false,
            failure: None,
        });
        self.coordinator.counts.total += 1;
        self.coordinator.counts.in_progress += 1;
        match &savepoint {
            Some(s) => self.emit(Event::SavepointTriggered {
                checkpoint: id,
                format: s.format,
                synchronous: s.synchronous,
            }),
            None => self.emit(Event::CheckpointTriggered {
                checkpoint: id,
                unaligned,
            }),
        }
        self.schedule_at(
            now.add(self.config.checkpoint_timeout),
            ANY_EPOCH,
            Timer::CheckpointTimeout { checkpoint: id },
        );
        if unaligned && self.config.aligned_checkpoint_timeout.0 > 0 {
            let at = now.add(self.config.aligned_checkpoint_timeout);
            self.schedule(at, Timer::AlignedTimeout { checkpoint: id });
        }
        let sources = self.graph.vertices[0].first_task.0..self.graph.vertices[0].parallelism;
        let mut rpc_failed = false;
        for task in sources.map(TaskIndex) {
            let latency = self.rpc_latency();
            let tm = self.tasks[task.index()]
                .task_manager
                .expect("a running task has a slot");
            if self.task_managers[tm.index()].is_alive() {
                self.schedule(
                    now.add(latency),
                    Timer::TriggerArrived {
                        task,
                        checkpoint: id,
                    },
                );
            } else if !rpc_failed {
                // The RPC to a dead TaskManager fails (connection refused): the checkpoint has
                // an id and fails as "Trigger checkpoint failure.".
                rpc_failed = true;
                self.schedule_at(
                    now.add(latency),
                    ANY_EPOCH,
                    Timer::TriggerRpcFailed { checkpoint: id },
                );
            }
        }
    }

    pub(crate) fn on_trigger_rpc_failed(&mut self, checkpoint: CheckpointId) {
        self.abort_checkpoint(checkpoint, CheckpointFailureReason::TriggerFailure);
    }

    pub(crate) fn on_checkpoint_timeout(&mut self, checkpoint: CheckpointId) {
        self.abort_checkpoint(checkpoint, CheckpointFailureReason::Expired);
    }

    pub(crate) fn on_decline_arrived(
        &mut self,
        _task: TaskIndex,
        checkpoint: CheckpointId,
        subsumed: bool,
    ) {
        let reason = if subsumed {
            CheckpointFailureReason::DeclinedSubsumed
        } else {
            CheckpointFailureReason::AsyncException
        };
        self.abort_checkpoint(checkpoint, reason);
    }

    /// The aligned-checkpoint timeout fired: every barrier of the checkpoint still queued
    /// becomes a priority barrier, and every task still aligning switches to unaligned.
    pub(crate) fn on_aligned_timeout(&mut self, checkpoint: CheckpointId) {
        if self.coordinator.pending(checkpoint).is_none() {
            return;
        }
        let now = self.now;
        for index in 0..self.channels.len() {
            if let Some(overtaken) = self.channels[index].promote_barrier(checkpoint, now) {
                self.channels[index].overtaken_stash = overtaken;
                self.refresh_head(index);
                let receiver = self.graph.channels[index].receiver;
                self.wake_at(receiver, now);
            }
        }
        for index in 0..self.tasks.len() {
            let task = TaskIndex::from_index(index);
            let aligning = self.tasks[index]
                .barriers
                .in_progress()
                .iter()
                .any(|p| p.checkpoint == checkpoint && !p.unaligned);
            if aligning && self.tasks[index].snapshot_mut(checkpoint).is_none() {
                self.switch_to_unaligned(task, checkpoint);
            }
        }
    }

    pub(crate) fn on_ack_arrived(&mut self, task: TaskIndex, checkpoint: CheckpointId) {
        let position = self.tasks[task.index()]
            .snapshots
            .iter()
            .position(|s| s.checkpoint == checkpoint);
        let Some(position) = position else { return };
        let snapshot = self.tasks[task.index()].snapshots.remove(position);
        if self.coordinator.pending(checkpoint).is_none() {
            return; // a late message for an expired checkpoint: its state is discarded
        }
        let record_bytes = self.config.record_bytes;
        let persisted_bytes: u64 = snapshot
            .persisted
            .iter()
            .map(|p| element_bytes(&p.element, record_bytes))
            .sum();
        let written = snapshot
            .handle
            .as_ref()
            .map_or(snapshot.state_bytes, |h| h.checkpointed_bytes());
        let stats = SubtaskCheckpointStats {
            ack_time: self.now,
            checkpointed_bytes: written + persisted_bytes,
            state_bytes: snapshot.state_bytes + persisted_bytes,
            sync_us: snapshot.sync_us,
            async_us: snapshot.async_us,
            alignment_us: snapshot.alignment_us,
            start_delay_us: snapshot
                .first_barrier_at
                .saturating_since(snapshot.trigger_time)
                .0,
            processed_bytes: snapshot.processed_bytes,
            persisted_bytes,
            unaligned: snapshot.unaligned,
        };
        let channel_state = self.group_channel_state(&snapshot.persisted);
        let subtask = self.graph.tasks[task.index()].subtask;
        let stored = SubtaskSnapshot {
            subtask,
            state: snapshot.state,
            channel_state,
            state_bytes: snapshot.state_bytes,
            channel_state_bytes: persisted_bytes,
            handle: snapshot.handle,
            committables: snapshot.committables,
        };
        let pending = self
            .coordinator
            .pending
            .iter_mut()
            .find(|p| p.id == checkpoint)
            .expect("checked above");
        assert!(
            pending.snapshots[task.index()].is_none(),
            "{} acknowledged {checkpoint} twice",
            debug_text!(task)
        );
        pending.snapshots[task.index()] = Some(stored);
        pending.acknowledged += 1;
        let complete = pending.is_fully_acknowledged();
        if let Some(record) = self.coordinator.record_mut(checkpoint) {
            record.subtasks[task.index()] = Some(stats);
            record.acknowledged += 1;
        }
        self.emit(Event::SnapshotAcknowledged { task, checkpoint });
        if complete {
            self.complete_checkpoint(checkpoint);
        }
    }

    fn group_channel_state(
        &self,
        persisted: &[crate::sim::checkpoint::PersistedElement],
    ) -> Vec<ChannelState> {
        let mut states: Vec<ChannelState> = Vec::new();
        for item in persisted {
            let layout = self.graph.channels[item.channel as usize];
            let sender_subtask = self.graph.tasks[layout.sender.index()].subtask;
            let receiver_subtask = self.graph.tasks[layout.receiver.index()].subtask;
            let existing = states.iter_mut().find(|s| {
                s.sender_subtask == sender_subtask
                    && s.receiver_subtask == receiver_subtask
                    && s.side == item.side
            });
            match existing {
                Some(state) => state.elements.push(item.element),
                None => states.push(ChannelState {
                    sender_subtask,
                    receiver_subtask,
                    side: item.side,
                    elements: vec![item.element],
                }),
            }
        }
        states
    }

    /// The external path of `chk-{id}` (`file:/tmp/...`, one slash, as Flink prints it).
    pub fn external_path(&self, checkpoint: CheckpointId) -> String {
        let dir = self.config.checkpoint_dir.trim_end_matches('/');
        let dir = dir
            .strip_prefix("file://")
            .map_or(dir.to_string(), |rest| format!("file:{rest}"));
        format!("{dir}/{}/chk-{}", self.job_id, checkpoint.0)
    }

    /// Epoch milliseconds of a simulated instant.
    pub fn epoch_ms(&self, time: SimTime) -> u64 {
        self.config.epoch_ms + time.as_ms()
    }

    fn complete_checkpoint(&mut self, checkpoint: CheckpointId) {
        let pending = self
            .coordinator
            .take_pending(checkpoint)
            .expect("completing a pending checkpoint");
        assert!(
            pending.is_fully_acknowledged(),
            "completing {checkpoint} without every acknowledgement"
        );
        self.coordinator.counts.in_progress -= 1;
        let metadata = self.build_metadata(&pending);
        if self.storage_failing {
            self.record_failure(checkpoint, CheckpointFailureReason::FinalizeFailure);
            return;
        }
        if let Some(savepoint) = &pending.savepoint {
            self.complete_savepoint(&pending, savepoint.synchronous, metadata);
            return;
        }
        self.storage.persist(&metadata);
        let now = self.now;
        let bytes = metadata.state_size();
        let path = metadata.external_path.clone();
        if let Some(record) = self.coordinator.record_mut(checkpoint) {
            record.status = CheckpointStatus::Completed;
            record.completed_at = Some(now);
            record.external_path = Some(path);
        }
        self.add_summaries(checkpoint);
        self.coordinator.counts.completed += 1;
        self.coordinator.last_completion = Some(now);
        self.coordinator.continuous_failures = 0;
        self.coordinator.last_successful = checkpoint;
        self.coordinator.finish_record(checkpoint);
        let duration = now.since(pending.trigger_time);
        self.emit(Event::CheckpointCompleted {
            checkpoint,
            bytes,
            duration,
        });
        self.sink_checkpoint_completed(checkpoint);
        // notifyCheckpointComplete: each RocksDB instance takes this checkpoint as its base.
        for db in self.rocks.iter_mut().flatten() {
            db.checkpoint_complete(checkpoint);
        }
        self.retain(checkpoint);
        self.discard_unused_shared_state(checkpoint);
        // Older pending checkpoints are subsumed by this one.
        let older: Vec<CheckpointId> = self
            .coordinator
            .pending
            .iter()
            .map(|p| p.id)
            .filter(|id| *id < checkpoint)
            .collect();
        for old in older {
            self.abort_checkpoint(old, CheckpointFailureReason::DeclinedSubsumed);
        }
        self.serve_queued_requests();
    }

    /// A savepoint is not added to the completed checkpoint store: not retained, never
    /// subsumed, no base for incremental checkpoints, and a failover never restores it. Only
    /// stop-with-savepoint notifies the tasks, which then finish.
    fn complete_savepoint(
        &mut self,
        pending: &PendingCheckpoint,
        synchronous: bool,
        metadata: CheckpointMetadata,
    ) {
        let checkpoint = pending.id;
        let now = self.now;
        let bytes = metadata.state_size();
        let forgotten = self.storage.persist_savepoint(&metadata);
        if let Some(record) = self.coordinator.record_mut(checkpoint) {
            record.status = CheckpointStatus::Completed;
            record.completed_at = Some(now);
            record.external_path = Some(metadata.external_path.clone());
        }
        self.add_summaries(checkpoint);
        self.coordinator.counts.completed += 1;
        self.coordinator.last_completion = Some(now);
        self.coordinator.continuous_failures = 0;
        self.coordinator.last_successful = self.coordinator.last_successful.max(checkpoint);
        self.coordinator.finish_record(checkpoint);
        self.emit(Event::SavepointCompleted {
            checkpoint,
            bytes,
            duration: now.since(pending.trigger_time),
            synchronous,
        });
        if let Some(old) = forgotten {
            self.emit(Event::CheckpointDiscarded { checkpoint: old });
        }
        if synchronous {
            self.sink_finishing(checkpoint);
            self.finish_job();
        } else {
            self.serve_queued_requests();
        }
    }

    /// After stop-with-savepoint: every task and the job are FINISHED. A finished job's
    /// completed checkpoints are discarded (`shouldBeDiscardedOnShutdown`: every retention
    /// policy discards on FINISHED); its savepoints stay.
    fn finish_job(&mut self) {
        self.epoch += 1;
        self.stop_periodic_trigger();
        self.fail_savepoint_requests(CheckpointFailureReason::CoordinatorSuspend);
        let pending: Vec<_> = self.coordinator.pending.iter().map(|p| p.id).collect();
        for checkpoint in pending {
            self.abort_checkpoint(checkpoint, CheckpointFailureReason::CoordinatorSuspend);
        }
        for index in 0..self.tasks.len() {
            let task = TaskIndex::from_index(index);
            let t = &mut self.tasks[index];
            t.wake_at = SimTime::MAX;
            t.blocked_output = None;
            t.snapshots.clear();
            if t.state == ExecutionState::Running {
                self.set_task_state(task, ExecutionState::Finished);
            }
        }
        for channel in &mut self.channels {
            channel.clear();
        }
        self.refresh_heads();
        self.set_job_status(JobStatus::Finished);
        while let Some(old) = self.coordinator.retained.pop_front() {
            self.storage.discard(old);
            if let Some(record) = self.coordinator.record_mut(old) {
                record.discarded = true;
            }
            if let Some(latest) = self
                .coordinator
                .latest_completed
                .as_mut()
                .filter(|r| r.id == old)
            {
                latest.discarded = true;
            }
            self.emit(Event::CheckpointDiscarded { checkpoint: old });
        }
        let last = self.coordinator.last_successful;
        let (files, bytes) = self.storage.unregister_unused(CheckpointId(u32::MAX), &[]);
        if files > 0 {
            self.emit(Event::SharedStateDiscarded {
                checkpoint: last,
                files,
                bytes,
            });
        }
    }

    fn add_summaries(&mut self, checkpoint: CheckpointId) {
        let Some(record) = self.coordinator.record(checkpoint) else {
            return;
        };
        let size = record.sum(|s| s.checkpointed_bytes);
        let full = record.sum(|s| s.state_bytes);
        // Flink subtracts epoch milliseconds (latest acknowledgement − trigger).
        let latest_ack = record.latest_ack().unwrap_or(record.trigger_time);
        let duration_ms = self.epoch_ms(latest_ack) - self.epoch_ms(record.trigger_time);
        let processed = record.sum(|s| s.processed_bytes);
        let persisted = record.sum(|s| s.persisted_bytes);
        let summaries = &mut self.coordinator.summaries;
        summaries.checkpointed_size.add(size);
        summaries.state_size.add(full);
        summaries.end_to_end_duration.add(duration_ms);
        summaries.processed_data.add(processed);
        summaries.persisted_data.add(persisted);
    }

    /// `num-retained`: keeps the newest checkpoints, discarding the subsumed ones.
    fn retain(&mut self, checkpoint: CheckpointId) {
        self.coordinator.retained.push_back(checkpoint);
        while self.coordinator.retained.len() > self.config.num_retained as usize {
            let old = self.coordinator.retained.pop_front().expect("non-empty");
            self.storage.discard(old);
            if let Some(record) = self.coordinator.record_mut(old) {
                record.discarded = true;
            }
            if let Some(latest) = self
                .coordinator
                .latest_completed
                .as_mut()
                .filter(|r| r.id == old)
            {
                latest.discarded = true;
            }
            self.emit(Event::CheckpointDiscarded { checkpoint: old });
        }
        assert!(self.coordinator.retained.len() <= self.config.num_retained as usize);
    }

    /// The shared state registry deletes what neither a retained checkpoint nor a pending one
    /// (whose uploads are registered only when it completes) can refer to.
    fn discard_unused_shared_state(&mut self, checkpoint: CheckpointId) {
        let lowest = self
            .coordinator
            .retained
            .iter()
            .copied()
            .min()
            .unwrap_or(checkpoint);
        // A pending checkpoint's snapshots may refer to files the retained ones no longer use
        // (with more than one concurrent checkpoint): those stay until it ends.
        let in_use: Vec<String> = self.pending_shared_paths().map(str::to_string).collect();
        let (files, bytes) = self.storage.unregister_unused(lowest, &in_use);
        if files > 0 {
            self.emit(Event::SharedStateDiscarded {
                checkpoint,
                files,
                bytes,
            });
        }
    }

    /// The `shared/` files that snapshots of pending checkpoints refer to (acknowledged, or
    /// still being taken by a task).
    pub(crate) fn pending_shared_paths(&self) -> impl Iterator<Item = &str> {
        let acknowledged = self
            .coordinator
            .pending
            .iter()
            .flat_map(|p| p.snapshots.iter().flatten())
            .filter_map(|s| s.handle.as_ref());
        let taking = self
            .tasks
            .iter()
            .flat_map(|t| &t.snapshots)
            .filter_map(|s| s.handle.as_ref());
        acknowledged.chain(taking).flat_map(|h| {
            match h {
                KeyedStateHandle::Incremental { shared, .. } => shared.as_slice(),
                KeyedStateHandle::Full { .. } => &[],
            }
            .iter()
            .filter_map(|f| f.path.as_deref())
        })
    }

    fn build_metadata(&self, pending: &PendingCheckpoint) -> CheckpointMetadata {
        let operators = self
            .graph
            .vertices
            .iter()
            .map(|vertex| OperatorSnapshot {
                vertex_id: vertex.id.clone(),
                name: vertex.name.clone(),
                parallelism: vertex.parallelism,
                max_parallelism: vertex.max_parallelism,
                subtasks: (0..vertex.parallelism)
                    .map(|s| {
                        let task = TaskIndex(vertex.first_task.0 + s);
                        pending.snapshots[task.index()]
                            .clone()
                            .expect("fully acknowledged")
                    })
                    .collect(),
            })
            .collect();
        let checkpoint_type = match &pending.savepoint {
            Some(savepoint) => savepoint.checkpoint_type(),
            None if pending.unaligned => "UNALIGNED_CHECKPOINT",
            None => "CHECKPOINT",
        };
        let external_path = match &pending.savepoint {
            Some(savepoint) => savepoint.path.clone(),
            None => self.external_path(pending.id),
        };
        CheckpointMetadata {
            format_version: METADATA_FORMAT_VERSION,
            magic: METADATA_MAGIC,
            job_id: self.job_id.clone(),
            checkpoint_id: pending.id,
            checkpoint_type: checkpoint_type.to_string(),
            trigger_timestamp: self.epoch_ms(pending.trigger_time),
            completion_timestamp: self.epoch_ms(self.now),
            external_path,
            savepoint_format: pending.savepoint.as_ref().map(|s| match s.format {
                SavepointFormatType::Native
                    if self.config.state_backend
                        == crate::sim::state_backend::StateBackend::RocksDb =>
                {
                    SavepointFormatType::Native
                }
                _ => SavepointFormatType::Canonical,
            }),
            operators,
        }
    }

    /// Aborts a pending checkpoint (no-op if it is not pending any more).
    pub(crate) fn abort_checkpoint(
        &mut self,
        checkpoint: CheckpointId,
        reason: CheckpointFailureReason,
    ) {
        if self.coordinator.take_pending(checkpoint).is_none() {
            return;
        }
        self.coordinator.counts.in_progress -= 1;
        // notifyCheckpointAborted: its uploads are no base for the next incremental snapshot.
        for db in self.rocks.iter_mut().flatten() {
            db.checkpoint_aborted(checkpoint);
        }
        for index in 0..self.tasks.len() {
            let task = TaskIndex::from_index(index);
            let was_aligning = self.tasks[index].barriers.abort(checkpoint);
            self.drop_task_checkpoint(task, checkpoint);
            if was_aligning && self.tasks[index].barriers.in_progress().is_empty() {
                // notifyCheckpointAborted: blocked channels are released.
                let inputs = self.graph.tasks[index].inputs.clone();
                for channel in inputs {
                    self.channels[channel.index()].blocked = false;
                    self.channels[channel.index()].overtaken_stash.clear();
                    self.refresh_head(channel.index());
                }
                let now = self.now;
                self.wake_at(task, now);
            }
        }
        // Files kept only for this checkpoint's snapshots are unused now.
        self.discard_unused_shared_state(checkpoint);
        self.record_failure(checkpoint, reason);
    }

    /// Books a failed checkpoint and applies the tolerable-failure rule.
    fn record_failure(&mut self, checkpoint: CheckpointId, reason: CheckpointFailureReason) {
        let now = self.now;
        if let Some(record) = self.coordinator.record_mut(checkpoint) {
            record.status = CheckpointStatus::Failed;
            record.failure = Some((now, reason));
        }
        self.coordinator.counts.failed += 1;
        self.coordinator.finish_record(checkpoint);
        self.emit(Event::CheckpointFailed { checkpoint, reason });
        let savepoint = self
            .coordinator
            .record(checkpoint)
            .is_some_and(|r| r.savepoint.is_some());
        // `handleJobLevelCheckpointException`: a savepoint's failure is not counted.
        if !savepoint
            && reason.counts_against_tolerable()
            && checkpoint > self.coordinator.last_successful
        {
            self.coordinator.continuous_failures += 1;
            if self.coordinator.continuous_failures > self.config.tolerable_failed_checkpoints {
                self.coordinator.continuous_failures = 0;
                self.fail_job(
                    FailureCause::TolerableCheckpointFailuresExceeded { reason },
                    None,
                );
                return;
            }
        }
        self.serve_queued_requests();
    }

    /// Restores every task from the latest retained checkpoint (or from nothing), as the
    /// JobManager does when it restarts the failed region (the whole job here).
    pub(crate) fn restore_latest(&mut self) {
        let latest = self.storage.latest().cloned();
        for count in &mut self.key_counts {
            *count = 0;
        }
        for channel in &mut self.channels {
            channel.clear();
        }
        self.refresh_heads();
        self.open_state_backends(latest.as_ref());
        let Some(metadata) = latest else {
            for index in 0..self.tasks.len() {
                self.tasks[index].next_seq = 0;
            }
            self.emit(Event::JobRestored { checkpoint: None });
            return;
        };
        self.apply_metadata(&metadata);
        self.coordinator.counts.restored += 1;
        self.coordinator.latest_restored = Some(RestoredCheckpoint {
            id: metadata.checkpoint_id,
            restore_time: self.now,
            external_path: metadata.external_path.clone(),
        });
        self.emit(Event::JobRestored {
            checkpoint: Some(metadata.checkpoint_id),
        });
    }

    /// Opens each keyed subtask's RocksDB instance (none with the HashMap backend): from its
    /// handle in the restored checkpoint, or with the state present from the job's start.
    pub(crate) fn open_state_backends(&mut self, restored: Option<&CheckpointMetadata>) {
        let rocksdb = self.config.state_backend == crate::sim::state_backend::StateBackend::RocksDb;
        for index in 0..self.tasks.len() {
            let task = TaskIndex::from_index(index);
            self.rocks[index] = None;
            if !rocksdb || !matches!(self.kind_of(task), OperatorKind::KeyedProcess { .. }) {
                continue;
            }
            let layout = &self.graph.tasks[index];
            let vertex = &self.graph.vertices[layout.vertex.index()];
            let handle = restored.and_then(|m| {
                m.operators
                    .get(layout.vertex.index())
                    .and_then(|o| o.subtasks.get(layout.subtask as usize))
                    .and_then(|s| s.handle.clone())
                    .map(|h| (h, m.checkpoint_id))
            });
            self.rocks[index] = Some(match handle {
                Some((handle, id)) => crate::sim::state_backend::RocksDb::restored(&handle, id),
                None => {
                    let range = crate::sim::key_group::key_group_range(
                        vertex.max_parallelism,
                        vertex.parallelism,
                        layout.subtask,
                    );
                    let keys = crate::sim::state_backend::modeled_keys(
                        self.config.state_keys,
                        vertex.max_parallelism,
                        range,
                    );
                    crate::sim::state_backend::RocksDb::with_state(
                        keys * u64::from(self.config.state_bytes_per_key),
                    )
                }
            });
        }
    }

    /// Bytes a task downloads to restore its state (files only; inline state comes with the
    /// task's deployment).
    pub(crate) fn restore_download_bytes(&self, task: TaskIndex) -> u64 {
        let Some(restored) = &self.coordinator.latest_restored else {
            return 0;
        };
        let Some(metadata) = self.storage.get(restored.id) else {
            return 0;
        };
        let layout = &self.graph.tasks[task.index()];
        metadata
            .operators
            .get(layout.vertex.index())
            .and_then(|o| o.subtasks.get(layout.subtask as usize))
            .and_then(|s| s.handle.as_ref())
            .map_or(0, |h| h.file_bytes())
    }

    /// Gives the tasks the state in `metadata`: source offsets, keyed counts by key group, and
    /// in-flight data back into the channels (input side first, then output side).
    pub(crate) fn apply_metadata(&mut self, metadata: &CheckpointMetadata) {
        let now = self.now;
        // Keys with state that no source of this job emits (the job was rescaled) keep it.
        let names: Vec<String> = metadata
            .subtasks()
            .flat_map(|s| match &s.state {
                crate::sim::checkpoint::SubtaskState::Keyed { entries, .. } => entries.as_slice(),
                _ => &[],
            })
            .map(|e| e.key.clone())
            .collect();
        self.graph.adopt_keys(names.iter().map(String::as_str));
        self.key_counts.resize(self.graph.keys.len(), 0);
        self.printed_high.resize(self.graph.keys.len(), None);
        self.sink.grow(self.graph.keys.len());
        for (v, operator) in metadata.operators.iter().enumerate() {
            for subtask in &operator.subtasks {
                let task = TaskIndex(self.graph.vertices[v].first_task.0 + subtask.subtask);
                match &subtask.state {
                    crate::sim::checkpoint::SubtaskState::Source { offset } => {
                        self.tasks[task.index()].next_seq = *offset
                    }
                    crate::sim::checkpoint::SubtaskState::Keyed { entries, .. } => {
                        for entry in entries {
                            if let Some(key) =
                                crate::sim::checkpoint::key_by_name(&self.graph.keys, &entry.key)
                            {
                                self.key_counts[key.index()] = entry.count;
                            }
                        }
                    }
                    crate::sim::checkpoint::SubtaskState::Stateless => {}
                }
            }
        }
        for side in [ChannelSide::Input, ChannelSide::Output] {
            for (v, operator) in metadata.operators.iter().enumerate() {
                for subtask in &operator.subtasks {
                    for state in subtask.channel_state.iter().filter(|s| s.side == side) {
                        let Some(channel) = self.find_channel(v, state) else {
                            continue;
                        };
                        for element in &state.elements {
                            self.channels[channel].push(*element, now, now);
                        }
                        self.refresh_head(channel);
                    }
                }
            }
        }
    }

    /// The channel a persisted channel state belongs to (the state's owner is vertex `v`).
    fn find_channel(&self, v: usize, state: &ChannelState) -> Option<usize> {
        let (upstream, downstream) = match state.side {
            ChannelSide::Output => (v, v + 1),
            ChannelSide::Input => (v.checked_sub(1)?, v),
        };
        let sender = self.graph.task(
            crate::sim::ids::VertexIndex(upstream as u32),
            state.sender_subtask,
        );
        let receiver_vertex = self.graph.vertices.get(downstream)?;
        let receiver = TaskIndex(receiver_vertex.first_task.0 + state.receiver_subtask);
        self.graph
            .channels
            .iter()
            .position(|c| c.sender == sender && c.receiver == receiver)
    }
}
