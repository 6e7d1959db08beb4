//! The data plane: sources emitting, tasks reading their input gates, the keyed function,
//! the print sink, barriers travelling behind records, alignment, and the task side of a
//! snapshot (sync phase, async phase, acknowledgement).

use crate::sim::alignment::BarrierOutcome;
use crate::sim::channel::{Channel, Element, BARRIER_BYTES};
use crate::sim::checkpoint::{
    element_bytes, keyed_state_bytes, ChannelSide, KeyedStateEntry, KeyedStateHandle,
    PersistedElement, SavepointFormatType, SubtaskState, SOURCE_STATE_BYTES,
};
use crate::sim::config::CheckpointingMode;
use crate::sim::engine::{Sim, SinkLine, Timer};
use crate::sim::event::Event;
use crate::sim::graph::OperatorKind;
use crate::sim::ids::{ChannelIndex, CheckpointId, KeyIndex, TaskIndex};
use crate::sim::limits::SINK_LINES_MAX;
use crate::sim::state_backend::{modeled_keys, SnapshotTarget};
use crate::sim::task::{Activity, TaskSnapshot};
use crate::sim::time::{SimDuration, SimTime};

/// Alarm threshold of `AbnormalAlarmFunction`.
pub const ALARM_THRESHOLD: u32 = 3;

/// A task's copies of its input channels' heads, by input position, and how many of them are
/// priority barriers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GateHeads {
    pub(crate) heads: Vec<InputHead>,
    pub(crate) priority: u32,
}

/// What an input gate needs to know of one input channel: when its head element can be read
/// (`SimTime::MAX` when the channel is empty or blocked by alignment) and whether that head is
/// a priority (unaligned) barrier, which the gate reads first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct InputHead {
    pub(crate) at: SimTime,
    pub(crate) priority: bool,
}

impl InputHead {
    /// Nothing readable.
    pub(crate) const NONE: InputHead = InputHead {
        at: SimTime::MAX,
        priority: false,
    };

    /// The head of `channel` as its receiver's input gate sees it.
    pub(crate) fn of(channel: &Channel) -> InputHead {
        match channel.iter().next() {
            Some(head) if !channel.blocked => InputHead {
                at: head.available_at,
                priority: matches!(
                    head.element,
                    Element::Barrier {
                        unaligned: true,
                        ..
                    }
                ),
            },
            _ => InputHead::NONE,
        }
    }
}

impl Sim {
    /// A source subtask's timer: emit the next event, or wait for a credit.
    pub(crate) fn on_source_emit(&mut self, task: TaskIndex) {
        if !self.is_live(task) {
            return;
        }
        let now = self.now;
        let t = &self.tasks[task.index()];
        if t.busy_until > now {
            let at = t.busy_until;
            self.schedule(at, Timer::SourceEmit { task });
            return;
        }
        if t.emit_due > now || t.blocked_output.is_some() {
            return;
        }
        let subtask = self.graph.tasks[task.index()].subtask;
        let seq = t.next_seq;
        let event = self.workload.event(&self.graph, subtask, seq);
        let target = self.graph.keys[event.key.index()].keyed_subtask;
        let channel = self.graph.tasks[task.index()].outputs[target as usize];
        if !self.channels[channel.index()].has_credit() {
            let t = &mut self.tasks[task.index()];
            t.blocked_output = Some(channel);
            t.set_activity(Activity::BackPressured, now);
            return;
        }
        let record = Element::Record {
            seq,
            key: event.key,
            abnormal: event.abnormal,
        };
        self.send(task, channel, record);
        let interval = self.config.source_interval;
        let t = &mut self.tasks[task.index()];
        t.next_seq += 1;
        t.emit_due = now.add(interval);
        t.set_activity(Activity::Idle, now);
        let due = t.emit_due;
        self.schedule(due, Timer::SourceEmit { task });
        if self.verbose {
            self.emit(Event::RecordEmitted {
                task,
                seq,
                key: event.key,
                abnormal: event.abnormal,
            });
        }
    }

    /// Writes a data element into an output channel (the caller checked the credit) and wakes
    /// the receiver when it will be readable.
    fn send(&mut self, sender: TaskIndex, channel: ChannelIndex, element: Element) {
        let now = self.now;
        let arrives = now.add(self.channel_latency());
        self.channels[channel.index()].push(element, now, arrives);
        self.refresh_head(channel.index());
        let bytes = element_bytes(&element, self.config.record_bytes);
        let metrics = &mut self.tasks[sender.index()].metrics;
        metrics.records_out += 1;
        metrics.bytes_out += bytes;
        let receiver = self.graph.channels[channel.index()].receiver;
        let available = self.channels[channel.index()]
            .iter()
            .last()
            .expect("just pushed")
            .available_at;
        self.wake_at(receiver, available);
    }

    /// Makes sure `task` polls its inputs at `at` (or earlier).
    pub(crate) fn wake_at(&mut self, task: TaskIndex, at: SimTime) {
        let t = &self.tasks[task.index()];
        let at = at.max(t.busy_until).max(self.now);
        if at < t.wake_at {
            self.tasks[task.index()].wake_at = at;
            self.schedule(at, Timer::TaskWake { task });
        }
    }

    pub(crate) fn on_task_wake(&mut self, task: TaskIndex) {
        if self.tasks[task.index()].wake_at != self.now {
            return; // superseded by an earlier wake-up
        }
        self.tasks[task.index()].wake_at = SimTime::MAX;
        self.poll_inputs(task);
    }

    /// Reads input until the task becomes busy, blocked or idle.
    fn poll_inputs(&mut self, task: TaskIndex) {
        if !self.is_live(task) {
            return;
        }
        let now = self.now;
        // Bounded: every iteration consumes an element; barriers cost no time, records end it.
        for _ in 0..=self.graph.tasks[task.index()].inputs.len() * 4 + 4 {
            let t = &self.tasks[task.index()];
            if t.busy_until > now {
                let at = t.busy_until;
                self.wake_at(task, at);
                return;
            }
            if t.blocked_output.is_some() {
                return;
            }
            if let Some(full) = self.full_output(task) {
                let t = &mut self.tasks[task.index()];
                t.blocked_output = Some(full);
                t.set_activity(Activity::BackPressured, now);
                return;
            }
            let input = match self.select_input(task) {
                Ok(input) => input,
                Err(next) => {
                    self.tasks[task.index()].set_activity(Activity::Idle, now);
                    if let Some(next) = next {
                        self.wake_at(task, next);
                    }
                    return;
                }
            };
            let channel = self.graph.tasks[task.index()].inputs[input as usize];
            let queued = self.channels[channel.index()]
                .pop()
                .expect("selected channel has a head");
            self.refresh_head(channel.index());
            if queued.element.is_data() {
                self.return_credit(channel);
                self.process_data(task, input, channel, queued.element);
            } else if let Element::Barrier {
                checkpoint,
                unaligned,
            } = queued.element
            {
                self.tasks[task.index()].metrics.bytes_in += BARRIER_BYTES;
                self.on_barrier(task, input, channel, checkpoint, unaligned);
            }
        }
        panic!("poll loop of {} did not settle", debug_text!(task));
    }

    /// The first output channel without credit (unchained keyed task → sink).
    fn full_output(&self, task: TaskIndex) -> Option<ChannelIndex> {
        if !matches!(
            self.kind_of(task),
            OperatorKind::KeyedProcess {
                chained_sink: false
            }
        ) {
            return None;
        }
        self.graph.tasks[task.index()]
            .outputs
            .iter()
            .copied()
            .find(|c| !self.channels[c.index()].has_credit())
    }

    /// Picks the next input like Flink's input gate: a channel whose head is a priority
    /// (unaligned) barrier first, otherwise round robin over the readable, unblocked channels;
    /// when none is readable, when the next head arrives.
    fn select_input(&mut self, task: TaskIndex) -> Result<u32, Option<SimTime>> {
        let now = self.now;
        let gate = &self.input_heads[task.index()];
        let n = gate.heads.len() as u32;
        let cursor = self.tasks[task.index()].input_cursor;
        let mut first_ready = None;
        let mut next = SimTime::MAX;
        // Round robin from the cursor (without a division per input); the whole gate only
        // while some head is a priority barrier, which goes first wherever it is.
        for position in (cursor..n).chain(0..cursor.min(n)) {
            let head = gate.heads[position as usize];
            if head.at <= now {
                if head.priority {
                    return Ok(position);
                }
                first_ready.get_or_insert(position);
                if gate.priority == 0 {
                    break;
                }
            } else {
                next = next.min(head.at);
            }
        }
        let Some(position) = first_ready else {
            return Err((next != SimTime::MAX).then_some(next));
        };
        self.tasks[task.index()].input_cursor = (position + 1) % n;
        Ok(position)
    }

    /// Copies channel `channel`'s head into its receiver's [`InputHead`]s; called after every
    /// change of a channel's queue or `blocked` flag (the invariants check the copies).
    pub(crate) fn refresh_head(&mut self, channel: usize) {
        let layout = self.graph.channels[channel];
        let gate = &mut self.input_heads[layout.receiver.index()];
        let head = InputHead::of(&self.channels[channel]);
        let old = std::mem::replace(&mut gate.heads[layout.input_position as usize], head);
        gate.priority = gate.priority + u32::from(head.priority) - u32::from(old.priority);
    }

    /// [`Sim::refresh_head`] for every channel (after a failover, a restore or the job's end).
    pub(crate) fn refresh_heads(&mut self) {
        for channel in 0..self.channels.len() {
            self.refresh_head(channel);
        }
    }

    /// A credit went back to the sender of `channel`: a sender blocked on it resumes.
    fn return_credit(&mut self, channel: ChannelIndex) {
        let sender = self.graph.channels[channel.index()].sender;
        if self.tasks[sender.index()].blocked_output != Some(channel) {
            return;
        }
        self.tasks[sender.index()].blocked_output = None;
        // The credit announcement travels back to the sender.
        let at = self.now.add(self.config.channel_latency_min);
        if self.kind_of(sender) == OperatorKind::Source {
            self.tasks[sender.index()].emit_due = self.tasks[sender.index()].emit_due.min(at);
            self.schedule(at, Timer::SourceEmit { task: sender });
        } else {
            self.wake_at(sender, at);
        }
    }

    /// Processes a record or alarm read from input `input`.
    fn process_data(
        &mut self,
        task: TaskIndex,
        input: u32,
        channel: ChannelIndex,
        element: Element,
    ) {
        let now = self.now;
        let bytes = element_bytes(&element, self.config.record_bytes);
        let t = &mut self.tasks[task.index()];
        t.metrics.records_in += 1;
        t.metrics.bytes_in += bytes;
        if !t.barriers.in_progress().is_empty() {
            self.account_during_alignment(task, input, channel, element, bytes);
        }
        match (self.kind_of(task), element) {
            (
                OperatorKind::KeyedProcess { chained_sink },
                Element::Record { seq, key, abnormal },
            ) => {
                let event = crate::sim::workload::UserEvent { key, abnormal };
                self.process_user_event(task, seq, event, chained_sink);
            }
            (OperatorKind::Sink, Element::Alarm { key, count, seq }) => {
                let subtask = self.graph.tasks[task.index()].subtask;
                self.sink_write(subtask, key, u32::from(count), seq);
            }
            (kind, _) => panic!(
                "{} task {} cannot process this element",
                debug_text!(kind),
                debug_text!(task)
            ),
        }
        let cost = SimDuration(
            self.config
                .record_cost
                .0
                .saturating_mul(u64::from(self.slowdowns[task.index()])),
        );
        let t = &mut self.tasks[task.index()];
        t.busy_until = now.add(cost);
        t.set_activity(Activity::Busy, now);
        let at = t.busy_until;
        self.wake_at(task, at);
    }

    /// Alignment bookkeeping for data read while barriers are arriving: bytes processed during
    /// alignment, and (unaligned) records that logically precede a barrier not yet read.
    fn account_during_alignment(
        &mut self,
        task: TaskIndex,
        input: u32,
        channel: ChannelIndex,
        element: Element,
        bytes: u64,
    ) {
        let t = &mut self.tasks[task.index()];
        let mut spilled_for = Vec::new();
        for progress in t.barriers.in_progress().iter() {
            if !progress.received[input as usize] && progress.unaligned {
                spilled_for.push(progress.checkpoint);
            }
        }
        for checkpoint in t
            .barriers
            .in_progress()
            .iter()
            .map(|p| p.checkpoint)
            .collect::<Vec<_>>()
        {
            if let Some(progress) = t.barriers.progress_mut(checkpoint) {
                if !progress.received[input as usize] {
                    progress.processed_bytes += bytes;
                }
            }
        }
        for checkpoint in spilled_for {
            if let Some(snapshot) = t.snapshot_mut(checkpoint) {
                snapshot.persisted.push(PersistedElement {
                    channel: channel.0,
                    side: ChannelSide::Input,
                    element,
                });
            }
        }
    }

    /// `AbnormalAlarmFunction.processElement`: count abnormal events per user; at 3, alarm and
    /// reset.
    fn process_user_event(
        &mut self,
        task: TaskIndex,
        seq: u64,
        event: crate::sim::workload::UserEvent,
        chained_sink: bool,
    ) {
        debug_assert_eq!(
            self.graph.keyed_task_of(event.key),
            task,
            "record routed to the wrong key group"
        );
        let count = &mut self.key_counts[event.key.index()];
        if event.abnormal {
            *count += 1;
            // `ValueState.update`: a write into RocksDB's memtable (the heap table is updated
            // in place).
            if let Some(db) = &mut self.rocks[task.index()] {
                db.write(u64::from(self.config.state_bytes_per_key));
            }
        }
        let reached = *count;
        if reached >= ALARM_THRESHOLD {
            *count = 0;
        }
        if self.verbose {
            let count = self.key_counts[event.key.index()];
            self.emit(Event::RecordProcessed {
                task,
                seq,
                key: event.key,
                abnormal: event.abnormal,
                count,
            });
        }
        if reached < ALARM_THRESHOLD {
            return;
        }
        let subtask = self.graph.tasks[task.index()].subtask;
        if chained_sink {
            self.sink_write(subtask, event.key, reached, seq);
        } else {
            let out = self.graph.tasks[task.index()].outputs[0];
            // The poll loop checked the credit before reading this record.
            assert!(
                self.channels[out.index()].has_credit(),
                "alarm written without credit"
            );
            self.send(
                task,
                out,
                Element::Alarm {
                    key: event.key,
                    count: u8::try_from(reached).expect("the alarm threshold fits a byte"),
                    seq,
                },
            );
        }
    }

    /// `PrintSinkFunction`: `<subtask+1>> ALARM user=… count=… seq=…`.
    pub(crate) fn print_alarm(&mut self, subtask: u32, key: KeyIndex, count: u32, seq: u64) {
        let high = &mut self.printed_high[key.index()];
        let duplicate = high.is_some_and(|h| seq <= h);
        if !duplicate {
            self.sink.printed_by_key[key.index()] += 1;
        }
        *high = Some(high.map_or(seq, |h| h.max(seq)));
        self.alarms_printed += 1;
        if duplicate {
            self.duplicates_printed += 1;
        }
        if self.sink_lines.len() == SINK_LINES_MAX {
            self.sink_lines.pop_front();
        }
        let time = self.now;
        self.sink_lines.push_back(SinkLine {
            time,
            subtask,
            key,
            count,
            seq,
            duplicate,
        });
        self.emit(Event::AlarmPrinted {
            subtask,
            key,
            count,
            seq,
            duplicate,
        });
    }

    /// A barrier read from input `input`.
    fn on_barrier(
        &mut self,
        task: TaskIndex,
        input: u32,
        channel: ChannelIndex,
        checkpoint: CheckpointId,
        unaligned: bool,
    ) {
        let Some(trigger_time) = self.coordinator.pending(checkpoint).map(|p| p.trigger_time)
        else {
            // Aborted at the JobManager: the task was notified and drops its barriers.
            self.tasks[task.index()].barriers.abort(checkpoint);
            return;
        };
        let now = self.now;
        let outcome = self.tasks[task.index()]
            .barriers
            .on_barrier(checkpoint, input, now);
        if outcome == BarrierOutcome::Ignored {
            return;
        }
        self.emit(Event::BarrierReceived {
            task,
            checkpoint,
            input,
        });
        let superseded = match outcome {
            BarrierOutcome::Started { superseded }
            | BarrierOutcome::Complete { superseded, .. } => superseded,
            _ => None,
        };
        if let Some(old) = superseded {
            // The older alignment is abandoned: its blocked channels resume (Flink's barrier
            // handler aborts it before it starts aligning the newer checkpoint).
            self.unblock_inputs(task);
            self.drop_task_checkpoint(task, old);
            let at = now.add(self.rpc_latency());
            self.schedule(
                at,
                Timer::DeclineArrived {
                    task,
                    checkpoint: old,
                    subsumed: true,
                },
            );
        }
        let stash = std::mem::take(&mut self.channels[channel.index()].overtaken_stash);
        match self.config.checkpointing_mode {
            CheckpointingMode::AtLeastOnce => {
                if let BarrierOutcome::Complete {
                    first_barrier_at,
                    processed_bytes,
                    ..
                } = outcome
                {
                    let first = (first_barrier_at, processed_bytes);
                    self.snapshot_after_barriers(
                        task,
                        checkpoint,
                        trigger_time,
                        false,
                        false,
                        first,
                    );
                }
            }
            CheckpointingMode::ExactlyOnce => {
                let switched = self.tasks[task.index()]
                    .barriers
                    .in_progress()
                    .iter()
                    .any(|p| p.checkpoint == checkpoint && p.unaligned);
                if unaligned || switched {
                    self.on_unaligned_barrier(
                        task,
                        checkpoint,
                        trigger_time,
                        outcome,
                        stash,
                        channel,
                    );
                } else {
                    self.on_aligned_barrier(task, channel, checkpoint, trigger_time, outcome);
                }
            }
        }
    }

    fn on_aligned_barrier(
        &mut self,
        task: TaskIndex,
        channel: ChannelIndex,
        checkpoint: CheckpointId,
        trigger_time: SimTime,
        outcome: BarrierOutcome,
    ) {
        match outcome {
            BarrierOutcome::Started { .. } | BarrierOutcome::Progress => {
                self.channels[channel.index()].blocked = true;
                self.refresh_head(channel.index());
            }
            BarrierOutcome::Complete {
                first_barrier_at,
                processed_bytes,
                ..
            } => {
                self.unblock_inputs(task);
                let first = (first_barrier_at, processed_bytes);
                self.snapshot_after_barriers(task, checkpoint, trigger_time, false, false, first);
            }
            BarrierOutcome::Ignored => {}
        }
    }

    fn on_unaligned_barrier(
        &mut self,
        task: TaskIndex,
        checkpoint: CheckpointId,
        trigger_time: SimTime,
        outcome: BarrierOutcome,
        stash: Vec<Element>,
        channel: ChannelIndex,
    ) {
        let already = self.tasks[task.index()].snapshot_mut(checkpoint).is_some();
        let complete = matches!(outcome, BarrierOutcome::Complete { .. });
        if !already {
            // First barrier (or first after the switch): snapshot now, keep reading.
            self.unblock_inputs(task);
            let first = match outcome {
                BarrierOutcome::Complete {
                    first_barrier_at,
                    processed_bytes,
                    ..
                } => (first_barrier_at, processed_bytes),
                _ => {
                    let progress = self.tasks[task.index()]
                        .barriers
                        .progress_mut(checkpoint)
                        .expect("an incomplete checkpoint is in progress");
                    progress.unaligned = true;
                    (progress.first_barrier_at, progress.processed_bytes)
                }
            };
            self.snapshot_after_barriers(task, checkpoint, trigger_time, true, !complete, first);
        }
        let now = self.now;
        let t = &mut self.tasks[task.index()];
        let Some(snapshot) = t.snapshot_mut(checkpoint) else {
            return;
        };
        for element in stash {
            snapshot.persisted.push(PersistedElement {
                channel: channel.0,
                side: ChannelSide::Input,
                element,
            });
        }
        if complete {
            snapshot.awaiting_barriers = false;
            snapshot.alignment_us = now.saturating_since(snapshot.first_barrier_at).0;
            self.maybe_acknowledge(task, checkpoint);
        }
    }

    /// The aligned-checkpoint timeout fired while `task` was aligning: it takes its snapshot
    /// now, releases the blocked channels and persists what still arrives before the missing
    /// barriers.
    pub(crate) fn switch_to_unaligned(&mut self, task: TaskIndex, checkpoint: CheckpointId) {
        let Some(trigger_time) = self.coordinator.pending(checkpoint).map(|p| p.trigger_time)
        else {
            return;
        };
        let progress = self.tasks[task.index()]
            .barriers
            .progress_mut(checkpoint)
            .expect("aligning");
        progress.unaligned = true;
        let first = (progress.first_barrier_at, progress.processed_bytes);
        self.unblock_inputs(task);
        self.snapshot_after_barriers(task, checkpoint, trigger_time, true, true, first);
    }

    fn unblock_inputs(&mut self, task: TaskIndex) {
        let mut any = false;
        for position in 0..self.graph.tasks[task.index()].inputs.len() {
            let channel = self.graph.tasks[task.index()].inputs[position];
            any |= std::mem::replace(&mut self.channels[channel.index()].blocked, false);
            self.refresh_head(channel.index());
        }
        if any {
            let now = self.now;
            self.wake_at(task, now);
        }
    }

    /// Forwards the barrier downstream and takes the snapshot (all barriers arrived, or the
    /// first one in unaligned mode).
    fn snapshot_after_barriers(
        &mut self,
        task: TaskIndex,
        checkpoint: CheckpointId,
        trigger_time: SimTime,
        unaligned: bool,
        awaiting_barriers: bool,
        (first_barrier_at, processed_bytes): (SimTime, u64),
    ) {
        let persisted = self.inject_barrier(task, checkpoint, unaligned);
        self.take_snapshot(
            task,
            checkpoint,
            trigger_time,
            first_barrier_at,
            unaligned,
            awaiting_barriers,
            persisted,
        );
        let now = self.now;
        let snapshot = self.tasks[task.index()]
            .snapshot_mut(checkpoint)
            .expect("just taken");
        snapshot.processed_bytes = processed_bytes;
        if !awaiting_barriers {
            snapshot.alignment_us = now.saturating_since(first_barrier_at).0;
        }
    }

    /// Broadcasts a barrier to every output channel: behind queued data when aligned, at the
    /// head when unaligned (returning the overtaken data, which the sender persists).
    pub(crate) fn inject_barrier(
        &mut self,
        task: TaskIndex,
        checkpoint: CheckpointId,
        unaligned: bool,
    ) -> Vec<PersistedElement> {
        let now = self.now;
        let mut persisted = Vec::new();
        let outputs = self.graph.tasks[task.index()].outputs.clone();
        for channel in outputs {
            let arrives = now.add(self.channel_latency());
            let barrier = Element::Barrier {
                checkpoint,
                unaligned,
            };
            self.tasks[task.index()].metrics.bytes_out += BARRIER_BYTES;
            if unaligned {
                let overtaken = self.channels[channel.index()].push_priority(barrier, now, arrives);
                persisted.extend(overtaken.into_iter().map(|element| PersistedElement {
                    channel: channel.0,
                    side: ChannelSide::Output,
                    element,
                }));
            } else {
                self.channels[channel.index()].push(barrier, now, arrives);
            }
            self.refresh_head(channel.index());
            let receiver = self.graph.channels[channel.index()].receiver;
            let available = if unaligned {
                arrives
            } else {
                self.channels[channel.index()]
                    .iter()
                    .last()
                    .expect("pushed")
                    .available_at
            };
            self.wake_at(receiver, available);
        }
        persisted
    }

    /// The synchronous snapshot: captures operator state now, blocks the task for the sync
    /// phase and schedules the end of the async phase.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn take_snapshot(
        &mut self,
        task: TaskIndex,
        checkpoint: CheckpointId,
        trigger_time: SimTime,
        first_barrier_at: SimTime,
        unaligned: bool,
        awaiting_barriers: bool,
        persisted: Vec<PersistedElement>,
    ) {
        let now = self.now;
        let (state, state_bytes, handle) = self.capture_state(task, checkpoint);
        let committables = if matches!(self.kind_of(task), OperatorKind::KeyedProcess { .. }) {
            self.sink_snapshot(task, checkpoint)
        } else {
            Vec::new()
        };
        let sync_us = self.rng_snapshot.between(
            self.config.snapshot_sync_min.0,
            self.config.snapshot_sync_max.0,
        );
        let mut async_us = self.rng_snapshot.between(
            self.config.snapshot_async_min.0,
            self.config.snapshot_async_max.0,
        );
        // The asynchronous phase writes the state's files at the storage's bandwidth (what is
        // inlined into `_metadata` travels with the acknowledgement).
        if let Some(handle) = &handle {
            async_us += transfer_us(handle.uploaded_file_bytes(), self.config.storage_bandwidth);
        }
        let t = &mut self.tasks[task.index()];
        if t.snapshots_taken == 0 {
            async_us += self.config.snapshot_first_extra.0;
        }
        t.snapshots_taken += 1;
        t.busy_until = t.busy_until.max(now).add(SimDuration(sync_us));
        if sync_us > 0 {
            t.set_activity(Activity::Busy, now);
        }
        t.snapshots.push(TaskSnapshot {
            checkpoint,
            trigger_time,
            first_barrier_at,
            alignment_us: 0,
            sync_us,
            async_us,
            unaligned,
            state,
            state_bytes,
            handle,
            persisted,
            committables,
            processed_bytes: 0,
            async_done: false,
            awaiting_barriers,
            ack_sent: false,
        });
        assert!(t.snapshots.len() <= crate::sim::limits::CONCURRENT_CHECKPOINTS_MAX as usize + 1);
        let busy_until = t.busy_until;
        if self.kind_of(task) != OperatorKind::Source {
            self.wake_at(task, busy_until);
        }
        let done = now.add(SimDuration(sync_us + async_us));
        self.schedule(done, Timer::SnapshotDone { task, checkpoint });
        self.emit(Event::SnapshotTaken {
            task,
            checkpoint,
            unaligned,
        });
    }

    /// The operator state at the synchronous phase, its full size, and for a keyed subtask
    /// where the backend writes it (flushing RocksDB's memtable first for an incremental
    /// snapshot, and compacting afterwards when L0 is full).
    fn capture_state(
        &mut self,
        task: TaskIndex,
        checkpoint: CheckpointId,
    ) -> (SubtaskState, u64, Option<KeyedStateHandle>) {
        let layout = &self.graph.tasks[task.index()];
        match self.kind_of(task) {
            OperatorKind::Source => (
                SubtaskState::Source {
                    offset: self.tasks[task.index()].next_seq,
                },
                SOURCE_STATE_BYTES,
                None,
            ),
            OperatorKind::KeyedProcess { .. } => {
                let subtask = layout.subtask;
                let vertex = self.graph.vertex_of(task);
                let (start, end) = crate::sim::key_group::key_group_range(
                    vertex.max_parallelism,
                    vertex.parallelism,
                    subtask,
                );
                let max_parallelism = vertex.max_parallelism;
                let mut entries: Vec<KeyedStateEntry> = self
                    .graph
                    .keys
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| k.keyed_subtask == subtask)
                    .map(|(i, k)| KeyedStateEntry {
                        key: k.name.clone(),
                        key_group: k.key_group,
                        count: self.key_counts[i],
                    })
                    .collect();
                crate::sim::order::sort_by(&mut entries, |a, b| {
                    (a.key_group, &a.key).cmp(&(b.key_group, &b.key))
                });
                let per_key = u64::from(self.config.state_bytes_per_key);
                let keys = entries.len() as u64
                    + modeled_keys(self.config.state_keys, max_parallelism, (start, end));
                let bytes = keyed_state_bytes(keys, per_key);
                let handle = self.keyed_handle(task, checkpoint, bytes, keys * per_key);
                let state_bytes = handle.state_bytes();
                (
                    SubtaskState::Keyed {
                        key_group_range: [start, end],
                        entries,
                    },
                    state_bytes,
                    Some(handle),
                )
            }
            OperatorKind::Sink => (SubtaskState::Stateless, 0, None),
        }
    }

    /// Where a keyed subtask's snapshot of `bytes` (`live` of them key-value data) is written.
    fn keyed_handle(
        &mut self,
        task: TaskIndex,
        checkpoint: CheckpointId,
        bytes: u64,
        live: u64,
    ) -> KeyedStateHandle {
        let job_dir = self.job_dir();
        let savepoint = self
            .coordinator
            .pending(checkpoint)
            .and_then(|p| p.savepoint.as_ref());
        let checkpoint_dir = match savepoint {
            Some(savepoint) => savepoint.path.clone(),
            None => format!("{job_dir}/chk-{}", checkpoint.0),
        };
        let native = savepoint.map(|s| s.format == SavepointFormatType::Native);
        let target = SnapshotTarget {
            job_dir: &job_dir,
            checkpoint_dir: &checkpoint_dir,
            inline_threshold: u64::from(self.config.inline_threshold_bytes),
            salt: crate::sim::rng::hash3(self.seed, self.generation, task.0 as u64),
        };
        let incremental = self.config.incremental;
        let Some(db) = &mut self.rocks[task.index()] else {
            // The HashMap backend's native format is its canonical one.
            return target.full(checkpoint, bytes);
        };
        let handle = match native {
            // A canonical savepoint iterates over the key-value pairs (no flush).
            Some(false) => return target.full(checkpoint, bytes),
            // A native savepoint copies every SST file into the savepoint's own directory:
            // self-contained, sharing nothing with `shared/`.
            Some(true) => {
                db.flush();
                target.full(checkpoint, db.sst_bytes() + db.private_bytes())
            }
            None if !incremental => return target.full(checkpoint, bytes),
            None => {
                db.flush();
                db.incremental_snapshot(checkpoint, &target)
            }
        };
        if let Some(compaction) = db.maybe_compact(live) {
            let bytes = compaction.outputs.iter().map(|f| f.bytes).sum();
            self.emit(Event::RocksDbCompacted {
                task,
                inputs: compaction.inputs.len() as u32,
                outputs: compaction.outputs.len() as u32,
                bytes,
            });
        }
        handle
    }

    /// `…/{job-id}` in checkpoint storage, as `external_path` spells it.
    pub(crate) fn job_dir(&self) -> String {
        let path = self.external_path(CheckpointId(1));
        path.trim_end_matches("/chk-1").to_string()
    }

    /// Forgets a task's snapshot of an abandoned checkpoint.
    pub(crate) fn drop_task_checkpoint(&mut self, task: TaskIndex, checkpoint: CheckpointId) {
        self.tasks[task.index()]
            .snapshots
            .retain(|s| s.checkpoint != checkpoint);
    }

    pub(crate) fn on_snapshot_done(&mut self, task: TaskIndex, checkpoint: CheckpointId) {
        if !self.is_live(task) {
            return;
        }
        let Some(snapshot) = self.tasks[task.index()].snapshot_mut(checkpoint) else {
            return;
        };
        snapshot.async_done = true;
        if self.storage_failing {
            // The async phase could not write to checkpoint storage: the task declines.
            self.drop_task_checkpoint(task, checkpoint);
            let at = self.now.add(self.rpc_latency());
            self.schedule(
                at,
                Timer::DeclineArrived {
                    task,
                    checkpoint,
                    subsumed: false,
                },
            );
            return;
        }
        self.maybe_acknowledge(task, checkpoint);
    }

    /// Sends the acknowledgement once the async phase is done and every barrier arrived.
    pub(crate) fn maybe_acknowledge(&mut self, task: TaskIndex, checkpoint: CheckpointId) {
        let Some(snapshot) = self.tasks[task.index()].snapshot_mut(checkpoint) else {
            return;
        };
        if !snapshot.async_done || snapshot.awaiting_barriers || snapshot.ack_sent {
            return;
        }
        snapshot.ack_sent = true;
        let at = self.now.add(self.rpc_latency());
        self.schedule(at, Timer::AckArrived { task, checkpoint });
    }

    /// A source received the trigger RPC: inject barriers, then snapshot the offset.
    pub(crate) fn on_trigger_arrived(&mut self, task: TaskIndex, checkpoint: CheckpointId) {
        if !self.is_live(task) {
            return;
        }
        let Some(pending) = self.coordinator.pending(checkpoint) else {
            return;
        };
        let trigger_time = pending.trigger_time;
        // Trigger RPCs can overtake each other (a savepoint right after a periodic checkpoint):
        // barriers must leave a source in checkpoint order, so an older trigger that arrives
        // after a newer one is ignored ("Out of order checkpoint barrier (aborted
        // previously?)"); its checkpoint then waits for its timeout or a subsuming completion.
        if self.tasks[task.index()].last_injected >= checkpoint {
            self.emit(Event::OutOfOrderTriggerIgnored { task, checkpoint });
            return;
        }
        self.tasks[task.index()].last_injected = checkpoint;
        let unaligned = pending.unaligned && self.config.aligned_checkpoint_timeout.0 == 0;
        let persisted = self.inject_barrier(task, checkpoint, unaligned);
        self.emit(Event::BarrierInjected { task, checkpoint });
        let now = self.now;
        self.take_snapshot(
            task,
            checkpoint,
            trigger_time,
            now,
            unaligned,
            false,
            persisted,
        );
    }
}

/// Microseconds to move `bytes` at `bandwidth` bytes per second (rounded up).
pub(crate) fn transfer_us(bytes: u64, bandwidth: u32) -> u64 {
    if bytes == 0 {
        return 0;
    }
    let rate = u128::from(bandwidth.max(1));
    ((u128::from(bytes) * 1_000_000).div_ceil(rate)).min(u128::from(u64::MAX)) as u64
}
