//! Invariants of a run, checked after every event by the scenario and swarm tests.
//!
//! Structural checks read the engine's state; behavioural checks follow its events (verbose
//! events must be on) against an independent reference: the source stream is a pure function,
//! so the exactly-once value of every `ValueState` is known for any source position.

use crate::sim::checkpoint::{ChannelSide, CheckpointStatus};
use crate::sim::config::CheckpointingMode;
use crate::sim::engine::Sim;
use crate::sim::event::{Event, TimedEvent};
use crate::sim::ids::{CheckpointId, KeyIndex};
use crate::sim::limits::{JOURNAL_MAX, OUTBOX_MAX, SINK_LINES_MAX};

/// The independent reference and what the checker has seen so far.
#[derive(Clone, Debug, Default)]
pub struct InvariantChecker {
    /// Per key: cumulative abnormal counts over the key's source sequence numbers.
    prefix: Vec<Vec<u32>>,
    /// Per key: the sequence number of its next record in exactly-once order.
    expected_next: Vec<u64>,
    /// Per key: the highest alarm sequence number printed before the latest restore.
    printed_before_restore: Vec<Option<u64>>,
    /// Per key: the highest alarm sequence number printed so far.
    printed_high: Vec<Option<u64>>,
    /// Per key: where the current replay window starts.
    replay_from: Vec<u64>,
    /// Per key: sequence numbers of the alarms the latest restore put back into the keyed →
    /// sink channels (in-flight data of an unaligned checkpoint with an unchained sink). The
    /// sink prints them again although their records lie before `replay_from`.
    replayed_alarms: Vec<Vec<u64>>,
    /// Per key: what a job started from a snapshot adds to the reference count (mod the alarm
    /// threshold): the restored count minus the failure-free count where its records resume.
    /// 0 for a job started empty, and for a restore of unchanged state.
    shift: Vec<u32>,
    last_triggered: CheckpointId,
    /// Two-phase commit: the alarms of each transaction, by serial, from `AlarmWritten`.
    transactions: std::collections::BTreeMap<u64, Vec<(KeyIndex, u64)>>,
    /// Per key: alarms a consumer saw (committed, or upserted rows).
    output: Vec<std::collections::BTreeSet<u64>>,
    /// Per key: (scanned end, reference alarms before it) of the failure-free output.
    reference_scan: Vec<(u64, u64)>,
    /// Duplicate alarms seen.
    pub duplicates: u64,
    /// Alarms seen.
    pub alarms: u64,
    /// Restores seen.
    pub restores: u64,
}

impl InvariantChecker {
    /// A checker for `sim` (call before the first event).
    pub fn new(sim: &Sim) -> InvariantChecker {
        let keys = sim.graph.keys.len();
        let mut checker = InvariantChecker {
            prefix: vec![vec![0]; keys],
            expected_next: vec![0; keys],
            printed_before_restore: vec![None; keys],
            printed_high: vec![None; keys],
            replay_from: vec![0; keys],
            replayed_alarms: vec![Vec::new(); keys],
            shift: vec![0; keys],
            ..InvariantChecker::default()
        };
        for key in 0..keys {
            if Self::emitted(sim, KeyIndex::from_index(key)) {
                checker.expected_next[key] =
                    checker.first_seq_at_or_after(sim, KeyIndex::from_index(key), 0);
            }
        }
        checker
    }

    /// Whether a source of this job emits `key` (a key only restored state holds has none).
    fn emitted(sim: &Sim, key: KeyIndex) -> bool {
        sim.graph.keys[key.index()].source_subtask != crate::sim::graph::NO_SOURCE
    }

    /// The exactly-once count of `key` after its source's records before `end`.
    fn count_before(&mut self, sim: &Sim, key: KeyIndex, end: u64) -> u32 {
        let shift = self.shift.get(key.index()).copied().unwrap_or(0);
        (self.abnormal_before(sim, key, end) + shift) % crate::sim::dataflow::ALARM_THRESHOLD
    }

    fn key_event(sim: &Sim, key: KeyIndex, seq: u64) -> (bool, bool) {
        let source = sim.graph.keys[key.index()].source_subtask;
        if source == crate::sim::graph::NO_SOURCE {
            return (false, false);
        }
        let event = sim.workload.event(&sim.graph, source, seq);
        (event.key == key, event.abnormal)
    }

    /// Abnormal events of `key` among its source's sequence numbers `< end`.
    fn abnormal_before(&mut self, sim: &Sim, key: KeyIndex, end: u64) -> u32 {
        assert!(
            end < 50_000_000,
            "reference stream too long for the checker"
        );
        while (self.prefix[key.index()].len() as u64) <= end {
            let seq = self.prefix[key.index()].len() as u64 - 1;
            let (mine, abnormal) = Self::key_event(sim, key, seq);
            let last = *self.prefix[key.index()].last().expect("starts with 0");
            self.prefix[key.index()].push(last + u32::from(mine && abnormal));
        }
        self.prefix[key.index()][end as usize]
    }

    /// Makes room for keys a restore adopted after the checker was made.
    fn grow(&mut self, keys: usize) {
        if self.prefix.len() < keys {
            self.prefix.resize(keys, vec![0]);
            self.expected_next.resize(keys, 0);
            self.printed_before_restore.resize(keys, None);
            self.printed_high.resize(keys, None);
            self.replay_from.resize(keys, 0);
            self.replayed_alarms.resize(keys, Vec::new());
            self.shift.resize(keys, 0);
        }
        self.output.resize(keys, std::collections::BTreeSet::new());
    }

    fn first_seq_at_or_after(&self, sim: &Sim, key: KeyIndex, from: u64) -> u64 {
        (from..from + 1_000_000)
            .find(|seq| Self::key_event(sim, key, *seq).0)
            .expect("a key appears in its source's stream")
    }

    /// The exactly-once `ValueState` count of `key` once every event of its source before
    /// sequence number `end` was processed (the reference a failure-free run gives).
    pub fn reference_count(&mut self, sim: &Sim, key: KeyIndex, end: u64) -> u32 {
        self.count_before(sim, key, end)
    }

    /// Whether a failure-free run prints an alarm for `key` at sequence number `seq`.
    pub fn is_reference_alarm(&mut self, sim: &Sim, key: KeyIndex, seq: u64) -> bool {
        let (mine, abnormal) = Self::key_event(sim, key, seq);
        mine && abnormal && self.count_before(sim, key, seq + 1) == 0
    }

    /// Checks the engine's state after an event, then the events it produced.
    pub fn check(&mut self, sim: &Sim, events: &[TimedEvent]) -> Result<(), String> {
        self.check_structure(sim)?;
        for event in events {
            self.check_event(sim, event)?;
        }
        if !events.is_empty() {
            self.check_output(sim)?;
        }
        Ok(())
    }

    fn check_structure(&self, sim: &Sim) -> Result<(), String> {
        let config = &sim.config;
        let coordinator = &sim.coordinator;
        ensure(
            coordinator.pending.len() <= config.max_concurrent_checkpoints as usize,
            || {
                format!(
                    "{} pending checkpoints > max concurrent {}",
                    coordinator.pending.len(),
                    config.max_concurrent_checkpoints
                )
            },
        )?;
        ensure(
            coordinator.pending.windows(2).all(|w| w[0].id < w[1].id),
            || "pending ids out of order".into(),
        )?;
        for (task, gate) in sim.input_heads.iter().enumerate() {
            let priority = gate.heads.iter().filter(|h| h.priority).count() as u32;
            ensure(gate.priority == priority, || {
                format!(
                    "task {task}'s gate counts {} priority heads of {priority}",
                    gate.priority
                )
            })?;
        }
        for (index, channel) in sim.channels.iter().enumerate() {
            let layout = sim.graph.channels[index];
            let cached =
                sim.input_heads[layout.receiver.index()].heads[layout.input_position as usize];
            ensure(
                cached == crate::sim::dataflow::InputHead::of(channel),
                || format!("the input gate's copy of channel {index}'s head is stale"),
            )?;
            ensure(channel.data_len() <= 2 * channel.capacity(), || {
                format!(
                    "channel {index} holds {} > 2×{}",
                    channel.data_len(),
                    channel.capacity()
                )
            })?;
            if channel.blocked {
                let layout = sim.graph.channels[index];
                let handler = &sim.tasks[layout.receiver.index()].barriers;
                let justified = handler
                    .in_progress()
                    .iter()
                    .any(|p| p.received[layout.input_position as usize] && !p.unaligned);
                ensure(justified, || {
                    format!("channel {index} is blocked without an aligned barrier received on it")
                })?;
                ensure(
                    config.checkpointing_mode == CheckpointingMode::ExactlyOnce,
                    || "a channel blocked in at-least-once mode".into(),
                )?;
            }
        }
        let used: usize = sim
            .task_managers
            .iter()
            .map(|tm| tm.slots.iter().filter(|s| s.is_some()).count())
            .sum();
        let total: usize = sim.task_managers.iter().map(|tm| tm.slots.len()).sum();
        ensure(used <= total && used <= config.parallelism as usize, || {
            format!("{used} slots used of {total}")
        })?;
        let queue_bound = 64 * (sim.tasks.len() + sim.channels.len()) + 1_000;
        ensure(sim.queue.len() <= queue_bound, || {
            format!("event queue holds {} > {queue_bound}", sim.queue.len())
        })?;
        ensure(
            sim.outbox.len() <= OUTBOX_MAX && sim.journal.len() <= JOURNAL_MAX,
            || "outbox or journal beyond its bound".into(),
        )?;
        ensure(sim.sink_lines.len() <= SINK_LINES_MAX, || {
            "sink lines beyond their bound".into()
        })?;
        ensure(
            coordinator.history.len() <= config.checkpoint_history_size as usize,
            || "history beyond its bound".into(),
        )?;
        ensure(
            sim.storage.retained().len() <= config.num_retained as usize,
            || "more checkpoints retained than num-retained".into(),
        )?;
        ensure(
            sim.exceptions.len() <= config.exception_history_size as usize,
            || "exception history beyond its bound".into(),
        )?;
        check_savepoints(sim)?;
        check_shared_registry(sim)
    }

    fn check_event(&mut self, sim: &Sim, timed: &TimedEvent) -> Result<(), String> {
        let exactly_once = sim.config.checkpointing_mode == CheckpointingMode::ExactlyOnce;
        match &timed.event {
            Event::CheckpointTriggered { checkpoint, .. }
            | Event::SavepointTriggered { checkpoint, .. } => {
                ensure(*checkpoint > self.last_triggered, || {
                    format!(
                        "checkpoint {checkpoint} triggered after {}",
                        self.last_triggered
                    )
                })?;
                self.last_triggered = *checkpoint;
            }
            Event::CheckpointCompleted { checkpoint, .. } => {
                if let Some(record) = sim.coordinator.record(*checkpoint) {
                    let all = record.subtasks.iter().all(Option::is_some);
                    ensure(
                        record.status == CheckpointStatus::Completed
                            && all
                            && record.acknowledged as usize == sim.tasks.len(),
                        || {
                            format!(
                                "checkpoint {checkpoint} completed with {} of {} acknowledgements",
                                record.acknowledged,
                                sim.tasks.len()
                            )
                        },
                    )?;
                }
            }
            Event::JobRestored { checkpoint } => self.on_restored(sim, *checkpoint)?,
            Event::RecordProcessed {
                key,
                seq,
                abnormal,
                count,
                ..
            } if exactly_once => {
                let expected = self.expected_next[key.index()];
                ensure(*seq == expected, || {
                    format!("user {key:?} processed seq {seq}, expected {expected} (exactly-once order)")
                })?;
                ensure(
                    Self::key_event(sim, *key, *seq) == (true, *abnormal),
                    || format!("record {seq} is not the source's"),
                )?;
                let reference = self.count_before(sim, *key, seq + 1);
                ensure(*count == reference, || {
                    format!("user {key:?} count {count} after seq {seq}, failure-free run has {reference}")
                })?;
                self.expected_next[key.index()] = self.first_seq_at_or_after(sim, *key, seq + 1);
            }
            Event::AlarmPrinted {
                key,
                seq,
                duplicate,
                ..
            } => self.on_alarm(sim, *key, *seq, *duplicate, exactly_once)?,
            Event::AlarmWritten {
                key, seq, serial, ..
            } => {
                self.check_reference_alarm(sim, *key, *seq, exactly_once)?;
                self.transactions
                    .entry(*serial)
                    .or_default()
                    .push((*key, *seq));
            }
            Event::AlarmUpserted {
                key,
                seq,
                overwrite,
                ..
            } => {
                self.check_reference_alarm(sim, *key, *seq, exactly_once)?;
                self.grow(sim.graph.keys.len());
                let new = self.output[key.index()].insert(*seq);
                ensure(new != *overwrite, || {
                    format!("upsert of {key:?}@{seq}: overwrite flag {overwrite} wrong")
                })?;
            }
            Event::TransactionCommitted { serial, .. } => {
                self.grow(sim.graph.keys.len());
                for (key, seq) in self.transactions.remove(serial).unwrap_or_default() {
                    let new = self.output[key.index()].insert(seq);
                    ensure(new || !exactly_once, || {
                        format!("{key:?}@{seq} committed twice (a duplicate for read_committed)")
                    })?;
                }
            }
            Event::TransactionAborted { serial, .. }
            | Event::TransactionCommitFailed { serial, .. } => {
                self.transactions.remove(serial);
            }
            _ => {}
        }
        Ok(())
    }

    fn check_reference_alarm(
        &mut self,
        sim: &Sim,
        key: KeyIndex,
        seq: u64,
        exactly_once: bool,
    ) -> Result<(), String> {
        self.alarms += 1;
        ensure(
            !exactly_once || self.is_reference_alarm(sim, key, seq),
            || format!("sink wrote {key:?}@{seq}, which a failure-free run does not raise"),
        )
    }

    /// The sink's output against the failure-free one: what the consumer sees is the engine's
    /// count, and in exactly-once mode it is every reference alarm of the resolved range, less
    /// the ones a transaction timeout lost.
    fn check_output(&mut self, sim: &Sim) -> Result<(), String> {
        use crate::sim::sink::SinkKind;
        if sim.config.sink == SinkKind::Print {
            return Ok(());
        }
        self.grow(sim.graph.keys.len());
        self.reference_scan
            .resize(sim.graph.keys.len(), (u64::MAX, 0));
        let exactly_once = sim.config.checkpointing_mode == CheckpointingMode::ExactlyOnce;
        for k in 0..sim.graph.keys.len() {
            let key = KeyIndex::from_index(k);
            if !Self::emitted(sim, key) {
                continue;
            }
            let seen = self.output[k].len() as u64;
            let (engine_seen, end, lost) = match sim.config.sink {
                SinkKind::TwoPhaseCommit => (
                    sim.sink.kafka.committed_by_key[k],
                    sim.sink.kafka.frontier[k].max(sim.sink.base[k]),
                    sim.sink.kafka.lost_by_key[k],
                ),
                _ => (
                    sim.sink.table.rows_by_key[k],
                    sim.sink.table.high[k].map_or(sim.sink.base[k], |h| h + 1),
                    0,
                ),
            };
            if !exactly_once {
                // At-least-once double counting moves alarms to other events: the engine counts
                // an alarm below the key's highest committed one as a repeat, which is exact
                // only when replays repeat the same alarms.
                continue;
            }
            ensure(seen == engine_seen, || {
                format!("{key:?}: the consumer saw {seen} alarms, the engine counts {engine_seen}")
            })?;
            let base = sim.sink.base[k];
            let scan = &mut self.reference_scan[k];
            if scan.0 == u64::MAX || scan.0 > end {
                *scan = (base, 0);
            }
            let (mut at, mut alarms) = *scan;
            while at < end {
                if self.is_reference_alarm(sim, key, at) {
                    alarms += 1;
                }
                at += 1;
            }
            self.reference_scan[k] = (at, alarms);
            ensure(seen + lost == alarms, || {
                format!(
                    "{key:?}: the consumer saw {seen} alarms and {lost} were lost, a failure-free \
                     run raises {alarms} before seq {end}"
                )
            })?;
        }
        Ok(())
    }

    fn on_restored(&mut self, sim: &Sim, checkpoint: Option<CheckpointId>) -> Result<(), String> {
        self.restores += 1;
        self.printed_before_restore = self.printed_high.clone();
        let metadata = checkpoint.and_then(|id| sim.storage.get(id).cloned());
        self.grow(sim.graph.keys.len());
        for key in 0..sim.graph.keys.len() {
            let k = KeyIndex::from_index(key);
            if !Self::emitted(sim, k) {
                continue;
            }
            let source = sim.graph.keys[key].source_subtask;
            let offset = match &metadata {
                Some(m) => match &m.operators[0].subtasks[source as usize].state {
                    crate::sim::checkpoint::SubtaskState::Source { offset } => *offset,
                    other => return Err(format!("source subtask state is {other:?}")),
                },
                None => 0,
            };
            // In-flight data of the keyBy edge: the sources' output side and the keyed
            // tasks' input side.
            let in_flight = metadata
                .iter()
                .flat_map(|m| m.operators.iter().take(2).enumerate())
                .flat_map(|(v, o)| o.subtasks.iter().map(move |s| (v, s)))
                .flat_map(|(v, s)| s.channel_state.iter().map(move |c| (v, c)))
                .filter(|(v, c)| {
                    let side = if *v == 0 {
                        ChannelSide::Output
                    } else {
                        ChannelSide::Input
                    };
                    c.side == side && c.sender_subtask == source
                })
                .flat_map(|(_, c)| &c.elements)
                .filter_map(|e| match e {
                    crate::sim::channel::Element::Record { seq, .. } => Some(*seq),
                    _ => None,
                })
                .filter(|seq| Self::key_event(sim, k, *seq).0)
                .min();
            let next = in_flight.unwrap_or_else(|| self.first_seq_at_or_after(sim, k, offset));
            self.expected_next[key] = next;
            self.replay_from[key] = next;
            // In-flight alarms of the keyed → sink edge: the keyed function raised them before
            // its snapshot (its restored count includes them), so their records are not
            // replayed, but the restored channel state hands them to the sink once more.
            self.replayed_alarms[key] = metadata
                .iter()
                .flat_map(|m| &m.operators)
                .flat_map(|o| &o.subtasks)
                .flat_map(|s| &s.channel_state)
                .flat_map(|c| &c.elements)
                .filter_map(|e| match e {
                    crate::sim::channel::Element::Alarm { key, seq, .. } if *key == k => Some(*seq),
                    _ => None,
                })
                .collect();
            if let Some(early) = self.replayed_alarms[key].iter().find(|seq| **seq >= next) {
                return Err(format!(
                    "user {key} restored an in-flight alarm @{early} at or after its replay start {next}"
                ));
            }
            if self.restores == 1 && sim.restored_from.is_some() {
                // A job started from a snapshot counts on from the restored counts: the state
                // a changed job restores (rescaled sources, dropped state) need not be what a
                // failure-free run of this job holds at the restored offsets.
                let threshold = crate::sim::dataflow::ALARM_THRESHOLD;
                let plain = self.abnormal_before(sim, k, next) % threshold;
                self.shift[key] = (sim.key_counts[key] % threshold + threshold - plain) % threshold;
            }
            if sim.config.checkpointing_mode == CheckpointingMode::ExactlyOnce {
                let reference = self.count_before(sim, k, next);
                let restored = sim.key_counts[key];
                ensure(restored == reference, || {
                    format!("user {key} restored count {restored}, failure-free run has {reference} before seq {next}")
                })?;
            }
        }
        Ok(())
    }

    fn on_alarm(
        &mut self,
        sim: &Sim,
        key: KeyIndex,
        seq: u64,
        duplicate: bool,
        exactly_once: bool,
    ) -> Result<(), String> {
        self.alarms += 1;
        let high = self.printed_high[key.index()];
        ensure(duplicate == high.is_some_and(|h| seq <= h), || {
            format!("alarm {key:?}@{seq} duplicate flag {duplicate} wrong")
        })?;
        if duplicate {
            self.duplicates += 1;
            let before = self.printed_before_restore[key.index()];
            let window = self.replay_from[key.index()]..=before.unwrap_or(0);
            let in_flight = &self.replayed_alarms[key.index()];
            let replayed = window.contains(&seq)
                || (in_flight.contains(&seq) && before.is_some_and(|b| seq <= b));
            ensure(self.restores > 0 && replayed, || {
                format!(
                    "duplicate alarm {key:?}@{seq} outside the replay window {window:?} \
                     and not among the restored in-flight alarms {in_flight:?}"
                )
            })?;
        }
        if exactly_once {
            let (mine, abnormal) = Self::key_event(sim, key, seq);
            let count = self.count_before(sim, key, seq + 1);
            ensure(mine && abnormal && count == 0, || {
                format!("alarm {key:?}@{seq} not raised by a failure-free run")
            })?;
        }
        self.printed_high[key.index()] = Some(high.map_or(seq, |h| h.max(seq)));
        Ok(())
    }
}

fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(message())
    }
}

/// The shared state registry's rule: every `shared/` file a retained checkpoint refers to
/// exists, and every file that exists is referred to by a retained checkpoint or by a snapshot
/// of a pending one (the registry deletes the others when a checkpoint completes, and nothing
/// else makes a file unused).
/// Savepoints are self-contained, never retained as checkpoints, and bounded; a finished job
/// keeps no checkpoint and runs no task.
fn check_savepoints(sim: &Sim) -> Result<(), String> {
    let savepoints = sim.storage.savepoints();
    ensure(
        savepoints.len() <= crate::sim::limits::SAVEPOINTS_KEPT_MAX,
        || "more savepoints kept than SAVEPOINTS_KEPT_MAX".into(),
    )?;
    let prefix = format!("/savepoint-{}-", sim.job_id.get(..6).unwrap_or(""));
    for savepoint in savepoints {
        ensure(
            savepoint.is_savepoint() && savepoint.external_path.contains(&prefix),
            || {
                format!(
                    "savepoint {} at {}",
                    savepoint.checkpoint_id, savepoint.external_path
                )
            },
        )?;
        ensure(savepoint.shared_files().next().is_none(), || {
            format!(
                "savepoint {} refers to shared files",
                savepoint.checkpoint_id
            )
        })?;
    }
    // (The savepoint a job was started from joins its completed checkpoints.)
    let started_from = sim.restored_from.as_ref().map(|r| r.checkpoint);
    ensure(
        sim.storage
            .retained()
            .iter()
            .all(|m| !m.is_savepoint() || Some(m.checkpoint_id) == started_from),
        || "a savepoint among the retained checkpoints".into(),
    )?;
    if sim.job_status == crate::sim::lifecycle::JobStatus::Finished {
        ensure(
            sim.storage.retained().is_empty() && sim.coordinator.pending.is_empty(),
            || "a finished job still has checkpoints".into(),
        )?;
        ensure(
            sim.tasks
                .iter()
                .all(|t| t.state != crate::sim::lifecycle::ExecutionState::Running),
            || "a task runs in a finished job".into(),
        )?;
    }
    Ok(())
}

fn check_shared_registry(sim: &Sim) -> Result<(), String> {
    let registry = sim.storage.shared();
    let retained = sim.storage.retained();
    for metadata in retained {
        for (path, _) in metadata.shared_files() {
            ensure(registry.iter().any(|e| e.path == path), || {
                format!(
                    "chk-{} refers to {path}, which the registry deleted",
                    metadata.checkpoint_id
                )
            })?;
        }
    }
    let pending_refers = |path: &str| sim.pending_shared_paths().any(|p| p == path);
    for entry in registry {
        let referred = retained
            .iter()
            .any(|m| m.shared_files().any(|(p, _)| p == entry.path));
        ensure(referred || pending_refers(&entry.path), || {
            format!(
                "{} (uploaded by chk-{}, last used by chk-{}) is referred to by no retained or \
                 pending checkpoint but was not deleted",
                entry.path, entry.created_by, entry.last_used
            )
        })?;
    }
    Ok(())
}
