//! The job's sink and the external system it writes to: Flink's print sink (stdout), a
//! two-phase-commit sink modelled on the Kafka sink with `DeliveryGuarantee.EXACTLY_ONCE`
//! (a topic with a transaction coordinator, read by a `read_committed` consumer), or an
//! idempotent upsert sink (a table keyed by `(user, seq)`).
//!
//! # The two-phase-commit sink (Flink 2.3 Sink V2, Kafka connector 4.x)
//! `sinkTo(kafkaSink)` becomes two operators, `Sink: Writer` and `Sink: Committer`, chained
//! into the keyed task (same parallelism, forward edge). Per writer subtask `s`:
//! - the writer writes each alarm into its open transaction `<prefix>-<s>-<n>` (naming
//!   strategy `INCREMENTING`: the first is `-1`; after checkpoint `N` it is `-(N+1)`);
//! - on checkpoint `N`'s barrier (`prepareSnapshotPreBarrier`): flush, `prepareCommit` — a
//!   transaction with records is pre-committed and its committable goes to the committer, whose
//!   state (every committable not yet committed) is in the checkpoint; an empty one is recycled
//!   — then `snapshotState` begins `<prefix>-<s>-(N+1)`;
//! - on `notifyCheckpointComplete(N)` the committer commits every committable up to `N`, in
//!   order: only now does a `read_committed` consumer see the records;
//! - on a restore from checkpoint `C`: the committer commits the restored committables again
//!   (a commit of a committed transaction changes nothing), and the writer aborts the lingering
//!   transactions `<prefix>-<s>-(C+1)…` (`PROBING`), whose records the sources replay;
//! - the broker aborts a transaction `transaction.timeout.ms` after its first record; a commit
//!   of such a transaction fails with `ProducerFencedException`, which the Kafka committer logs
//!   and drops: its records are lost, and the job goes on.
//!
//! Simplifications, said in the README and the sink panel: one partition per writer subtask (so a record is visible
//! exactly when its transaction commits), commits take no time beyond the notification's RPC,
//! and the Writer and Committer are always chained (`simulation.sink=two-phase-commit` needs
//! operator chaining).

use crate::sim::checkpoint::Committable;
use crate::sim::engine::{Sim, Timer, ANY_EPOCH};
use crate::sim::event::Event;
use crate::sim::graph::KEYED_VERTEX;
use crate::sim::ids::{CheckpointId, KeyIndex, TaskIndex};
use crate::sim::lifecycle::ExecutionState;
use crate::sim::limits::{SINK_LINES_MAX, TRANSACTIONS_KEPT_MAX, TRANSACTION_RECORDS_KEPT};
use crate::sim::time::{SimDuration, SimTime};
#[cfg(not(target_arch = "wasm32"))]
use serde::{Deserialize, Serialize};

/// The sink of the study job (`simulation.sink`: in Flink this is code, not configuration).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SinkKind {
    /// `.print()`: at-least-once output; replays print again.
    #[default]
    Print,
    /// A transactional sink (`KafkaSink`, `DeliveryGuarantee.EXACTLY_ONCE`).
    TwoPhaseCommit,
    /// An idempotent writer: each alarm upserted by `(user, seq)` into a table.
    IdempotentUpsert,
}

impl SinkKind {
    /// Every choice, as `simulation.sink` spells it.
    pub const NAMES: [&'static str; 3] = ["print", "two-phase-commit", "idempotent-upsert"];

    /// The option's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SinkKind::Print => Self::NAMES[0],
            SinkKind::TwoPhaseCommit => Self::NAMES[1],
            SinkKind::IdempotentUpsert => Self::NAMES[2],
        }
    }

    /// The choice spelt `name` (one of [`SinkKind::NAMES`]).
    pub fn from_name(name: &str) -> SinkKind {
        match name {
            "two-phase-commit" => SinkKind::TwoPhaseCommit,
            "idempotent-upsert" => SinkKind::IdempotentUpsert,
            _ => SinkKind::Print,
        }
    }
}

/// Whether this build runs the two-phase-commit and upsert sinks. The page's build does not yet:
/// they cost it 15.8 KB of gzip, 5.0 KB past its 400 KiB budget (README, *Sinks*); the page
/// refuses `simulation.sink` other than `print` with a message. The runner, the native tests
/// and the swarm run all three.
pub const OTHER_SINKS: bool = !cfg!(target_arch = "wasm32");

/// `transactionalIdPrefix` of the study job's Kafka sink.
pub const TRANSACTIONAL_ID_PREFIX: &str = "abnormal-alarms";

/// `<prefix>-<subtask>-<offset>` (`TransactionalIdFactory.buildTransactionalId`).
pub fn transactional_id(subtask: u32, number: u64) -> String {
    format!("{TRANSACTIONAL_ID_PREFIX}-{subtask}-{number}")
}

/// Appends to a bounded history of plain values, dropping the oldest quarter when full (a
/// `Vec` of `Copy` values clones as one copy, which keeps time-machine snapshots cheap).
fn push_bounded<T: Copy>(items: &mut Vec<T>, item: T, max: usize) {
    if items.len() >= max {
        items.drain(..max / 4);
    }
    items.push(item);
}

/// The offset of a transactional id (`<prefix>-<subtask>-<offset>`), 0 if it has none.
fn offset_of(transactional_id: &str) -> u64 {
    transactional_id
        .rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The producer id the broker gives `<prefix>-<subtask>-<number>` (one per transactional id).
pub fn producer_id(subtask: u32, number: u64) -> u64 {
    1_000 + (u64::from(subtask) << 32) + number
}

/// Where a transaction is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Serialize, Deserialize))]
#[cfg_attr(not(target_arch = "wasm32"), serde(rename_all = "snake_case"))]
pub enum TransactionState {
    /// The writer writes into it.
    Open,
    /// `prepareCommit` at a checkpoint's barrier: flushed, waiting for the checkpoint.
    PreCommitted,
    /// Committed: `read_committed` consumers see its records.
    Committed,
    /// Aborted by the writer (lingering after a restore, or closed on cancellation): its
    /// records come again from the replayed sources.
    Aborted,
    /// Aborted by the broker after `transaction.timeout.ms`.
    TimedOut,
    /// The committer's commit failed because the broker had aborted it: its records are lost.
    Lost,
}

impl TransactionState {
    /// Whether nothing will change it any more.
    pub fn resolved(self) -> bool {
        !matches!(
            self,
            TransactionState::Open | TransactionState::PreCommitted | TransactionState::TimedOut
        )
    }

    /// The state's name as the page and the runner write it.
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionState::Open => "open",
            TransactionState::PreCommitted => "pre-committed",
            TransactionState::Committed => "committed",
            TransactionState::Aborted => "aborted",
            TransactionState::TimedOut => "timed-out",
            TransactionState::Lost => "lost",
        }
    }
}

/// One alarm a sink wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Serialize, Deserialize))]
pub struct SinkRecord {
    /// When the writer wrote it (the alarm was raised then).
    pub written_at: SimTime,
    /// The user.
    pub key: KeyIndex,
    /// The count.
    pub count: u32,
    /// The event's sequence number.
    pub seq: u64,
}

/// One Kafka transaction of a writer subtask.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Serialize, Deserialize))]
pub struct Transaction {
    /// A serial number unique in the run (the page's and the tests' handle).
    pub serial: u64,
    /// The writer subtask.
    pub subtask: u32,
    /// The offset in its transactional id.
    pub number: u64,
    /// The producer epoch (`initTransactions` bumps it: one per attempt).
    pub epoch: u32,
    /// When the writer began it.
    pub began_at: SimTime,
    /// When its first record reached the broker (the broker's transaction timer starts then).
    pub first_write: Option<SimTime>,
    /// The checkpoint whose barrier pre-committed it.
    pub checkpoint: Option<CheckpointId>,
    /// Where it is.
    pub state: TransactionState,
    /// When it reached its state.
    pub since: SimTime,
    /// Records written into it.
    pub count: u64,
    /// Sum of their write instants (µs), for the mean latency.
    pub written_sum_us: u128,
    /// Its records; once resolved, only the first [`TRANSACTION_RECORDS_KEPT`].
    pub records: Vec<SinkRecord>,
}

impl Transaction {
    /// `<prefix>-<subtask>-<number>`.
    pub fn transactional_id(&self) -> String {
        transactional_id(self.subtask, self.number)
    }
}

/// An alarm as a `read_committed` consumer reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Serialize, Deserialize))]
pub struct ConsumedRecord {
    /// When it became visible (its transaction committed).
    pub visible_at: SimTime,
    /// The writer subtask.
    pub subtask: u32,
    /// The record.
    pub record: SinkRecord,
    /// Its transaction's offset.
    pub number: u64,
    /// Whether the consumer had seen the same alarm before.
    pub duplicate: bool,
}

/// Alarm latency (raised → visible to the consumer) so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Serialize, Deserialize))]
pub struct Latency {
    /// Alarms made visible.
    pub count: u64,
    /// Sum of their latencies (µs).
    pub sum_us: u128,
    /// The largest.
    pub max_us: u64,
    /// One point per commit: (instant, mean latency of its records in µs), bounded.
    pub points: Vec<(SimTime, u64)>,
}

impl Latency {
    fn add(&mut self, at: SimTime, count: u64, sum_us: u128, max_us: u64) {
        if count == 0 {
            return;
        }
        self.count += count;
        self.sum_us += sum_us;
        self.max_us = self.max_us.max(max_us);
        let mean = u64::try_from(sum_us / u128::from(count)).unwrap_or(u64::MAX);
        push_bounded(&mut self.points, (at, mean), crate::sim::limits::POINTS_MAX);
    }

    /// The mean latency, if any alarm was seen.
    pub fn mean(&self) -> Option<SimDuration> {
        (self.count > 0).then(|| {
            SimDuration(u64::try_from(self.sum_us / u128::from(self.count)).unwrap_or(u64::MAX))
        })
    }
}

/// A writer subtask of the two-phase-commit sink (lives with its task attempt).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Writer {
    /// The open transaction (its records may be none).
    pub current: Option<Transaction>,
    /// The committer's `CommittableCollector`: committables not yet committed, oldest first.
    pub collector: Vec<Committable>,
    /// The broker fenced the open transaction: the next write or flush fails.
    pub fenced: bool,
}

/// The Kafka topic the two-phase-commit sink writes and its transaction coordinator: an
/// external system, so it outlives job restarts and JobManager failovers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Serialize, Deserialize))]
pub struct Kafka {
    /// Pre-committed, timed-out and recently resolved transactions with records (open ones are
    /// with their writer), oldest first; resolved ones beyond [`TRANSACTIONS_KEPT_MAX`] are
    /// forgotten.
    pub transactions: Vec<Transaction>,
    /// The last records a `read_committed` consumer read, oldest first.
    pub consumed: Vec<ConsumedRecord>,
    /// Records written (every attempt, every fate).
    pub written: u64,
    /// Records committed (visible to `read_committed`).
    pub committed: u64,
    /// Records of aborted transactions (replayed by the sources).
    pub aborted: u64,
    /// Records lost: their transaction timed out before its commit.
    pub lost: u64,
    /// The last lost records, oldest first.
    pub lost_records: Vec<(u32, SinkRecord)>,
    /// Committed records at or below their key's highest committed sequence number: the
    /// consumer's repeats (0 for an exactly-once pipeline; under AT_LEAST_ONCE double counting
    /// also moves alarms, and those count here too).
    pub duplicates: u64,
    /// Per key: the highest sequence number committed.
    pub committed_high: Vec<Option<u64>>,
    /// Per key: committed records, distinct.
    pub committed_by_key: Vec<u64>,
    /// Per key: lost records.
    pub lost_by_key: Vec<u64>,
    /// Per key: the source offset up to which every alarm is resolved (committed or lost):
    /// the key's source position in the last checkpoint its writer committed.
    pub frontier: Vec<u64>,
    /// Latency of committed records.
    pub latency: Latency,
    /// The next transaction serial.
    pub next_serial: u64,
}

/// The upsert sink's table: one row per `(user, seq)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Serialize, Deserialize))]
pub struct UpsertTable {
    /// Per key, the rows above its pruned floor, by sequence number: (seq, count).
    pub rows: Vec<Vec<(u64, u32)>>,
    /// Per key, rows below this sequence number are kept as counts only.
    pub floor: Vec<u64>,
    /// Per key, the rows ever written (distinct).
    pub rows_by_key: Vec<u64>,
    /// Per key, the highest sequence number written.
    pub high: Vec<Option<u64>>,
    /// Writes in total.
    pub writes: u64,
    /// Writes that overwrote an existing row (replays after a recovery).
    pub overwrites: u64,
    /// Order-independent hash of the rows (`(key, seq, count)`), to compare two tables.
    pub hash: u64,
    /// The last writes, oldest first: (time, key, seq, count, overwrite).
    pub recent: Vec<(SimTime, KeyIndex, u64, u32, bool)>,
    /// Latency (raised → visible): always one write, kept for the comparison.
    pub latency: Latency,
}

/// Everything the sink side of the simulation holds.
#[derive(Debug, Default, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Clone))]
pub struct SinkState {
    /// Writers of the two-phase-commit sink, by subtask.
    pub writers: Vec<Writer>,
    /// The broker.
    pub kafka: Kafka,
    /// The upsert table.
    pub table: UpsertTable,
    /// Per key, the source position the sink's output starts from (0 for a fresh job; the
    /// restored offset for a job started from a snapshot).
    pub base: Vec<u64>,
    /// Per key, the `ValueState` count at `base`.
    pub base_counts: Vec<u32>,
    /// Per key, distinct alarms the print sink printed.
    pub printed_by_key: Vec<u64>,
    /// The job was resumed from a stored state without the external system (a page reload):
    /// the topic and table start empty here.
    pub forgotten: bool,
}

/// The page's build keeps only the print sink's part (`OTHER_SINKS`): the rest is always empty
/// there, and a snapshot need not carry the code to copy it.
#[cfg(target_arch = "wasm32")]
impl Clone for SinkState {
    fn clone(&self) -> SinkState {
        SinkState {
            base: self.base.clone(),
            base_counts: self.base_counts.clone(),
            printed_by_key: self.printed_by_key.clone(),
            forgotten: self.forgotten,
            ..SinkState::default()
        }
    }
}

/// What of the sink side outlives the JobManager: the external systems (the Kafka topic, the
/// table) and what an observer of the output knows. The page does not store it (its readers
/// and writers would cost the page 10 KB): after a reload the simulated topic and table start
/// empty, which the sink panel says; a JobManager failover inside the page keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Serialize, Deserialize))]
pub struct StoredSink {
    /// The broker.
    pub kafka: Kafka,
    /// The table.
    pub table: UpsertTable,
    /// See [`SinkState::base`].
    pub base: Vec<u64>,
    /// See [`SinkState::base_counts`].
    pub base_counts: Vec<u32>,
    /// See [`SinkState::printed_by_key`].
    pub printed_by_key: Vec<u64>,
}

impl SinkState {
    /// The part a new JobManager finds: the writers' open transactions stay on the broker.
    pub(crate) fn stored(&self) -> StoredSink {
        let mut kafka = self.kafka.clone();
        for txn in self.writers.iter().filter_map(|w| w.current.as_ref()) {
            if txn.count > 0 {
                kafka.transactions.push(txn.clone());
            }
        }
        StoredSink {
            kafka,
            table: self.table.clone(),
            base: self.base.clone(),
            base_counts: self.base_counts.clone(),
            printed_by_key: self.printed_by_key.clone(),
        }
    }

    /// Takes over what a stored state kept (the writers start again with their tasks).
    pub(crate) fn adopt(&mut self, stored: &StoredSink) {
        let keys = self.base.len().max(stored.base.len());
        self.kafka = stored.kafka.clone();
        self.table = stored.table.clone();
        self.base = stored.base.clone();
        self.base_counts = stored.base_counts.clone();
        self.printed_by_key = stored.printed_by_key.clone();
        self.grow(keys);
    }
}

/// What the output verifier concludes for one sink at one instant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutputVerdict {
    /// Alarms a failure-free run raises in the resolved range.
    pub expected: u64,
    /// Alarms the consumer sees there (distinct).
    pub seen: u64,
    /// Expected alarms the consumer does not see, not counting lost ones.
    pub missing: u64,
    /// Alarms the consumer saw twice.
    pub duplicates: u64,
    /// Alarms lost to a transaction timeout.
    pub lost: u64,
}

impl SinkState {
    pub(crate) fn new(keys: usize, writers: usize) -> SinkState {
        if !OTHER_SINKS {
            return SinkState {
                printed_by_key: vec![0; keys],
                base: vec![0; keys],
                base_counts: vec![0; keys],
                ..SinkState::default()
            };
        }
        SinkState {
            writers: vec![Writer::default(); writers],
            kafka: Kafka {
                committed_high: vec![None; keys],
                committed_by_key: vec![0; keys],
                lost_by_key: vec![0; keys],
                frontier: vec![0; keys],
                ..Kafka::default()
            },
            table: UpsertTable {
                rows: vec![Vec::new(); keys],
                floor: vec![0; keys],
                rows_by_key: vec![0; keys],
                high: vec![None; keys],
                ..UpsertTable::default()
            },
            base: vec![0; keys],
            base_counts: vec![0; keys],
            printed_by_key: vec![0; keys],
            forgotten: false,
        }
    }

    /// Makes room for keys adopted from restored state.
    pub(crate) fn grow(&mut self, keys: usize) {
        self.base.resize(keys, 0);
        self.base_counts.resize(keys, 0);
        self.printed_by_key.resize(keys, 0);
        if !OTHER_SINKS {
            return;
        }
        let k = &mut self.kafka;
        k.committed_high.resize(keys, None);
        k.committed_by_key.resize(keys, 0);
        k.lost_by_key.resize(keys, 0);
        k.frontier.resize(keys, 0);
        let t = &mut self.table;
        t.rows.resize(keys, Vec::new());
        t.floor.resize(keys, 0);
        t.rows_by_key.resize(keys, 0);
        t.high.resize(keys, None);
    }

    /// Every transaction the page shows: the broker's, then each writer's open one.
    pub fn transactions(&self) -> impl Iterator<Item = &Transaction> {
        self.kafka
            .transactions
            .iter()
            .chain(self.writers.iter().filter_map(|w| w.current.as_ref()))
    }
}

fn row_hash(key: KeyIndex, seq: u64, count: u32) -> u64 {
    crate::sim::rng::hash3(u64::from(key.0), seq, u64::from(count))
}

impl Sim {
    /// The sink of the keyed task (chained) or of the sink task writes an alarm.
    pub(crate) fn sink_write(&mut self, subtask: u32, key: KeyIndex, count: u32, seq: u64) {
        if !OTHER_SINKS {
            return self.print_alarm(subtask, key, count, seq);
        }
        match self.config.sink {
            SinkKind::Print => self.print_alarm(subtask, key, count, seq),
            SinkKind::TwoPhaseCommit => self.write_transactional(subtask, key, count, seq),
            SinkKind::IdempotentUpsert => self.upsert(subtask, key, count, seq),
        }
    }

    fn upsert(&mut self, subtask: u32, key: KeyIndex, count: u32, seq: u64) {
        let now = self.now;
        let table = &mut self.sink.table;
        let k = key.index();
        table.writes += 1;
        let rows = &mut table.rows[k];
        let overwrite = if seq < table.floor[k] {
            true
        } else {
            match rows.binary_search_by_key(&seq, |r| r.0) {
                Ok(at) => {
                    // An upsert: the row takes the new value (the same one, on a replay).
                    let old = rows[at].1;
                    table.hash = table
                        .hash
                        .wrapping_sub(row_hash(key, seq, old))
                        .wrapping_add(row_hash(key, seq, count));
                    rows[at].1 = count;
                    true
                }
                Err(at) => {
                    rows.insert(at, (seq, count));
                    table.rows_by_key[k] += 1;
                    table.hash = table.hash.wrapping_add(row_hash(key, seq, count));
                    table.high[k] = Some(table.high[k].map_or(seq, |h| h.max(seq)));
                    false
                }
            }
        };
        if overwrite {
            table.overwrites += 1;
        } else {
            table.latency.add(now, 1, 0, 0);
        }
        // Rows far below the newest are kept as counts only (a page left running stays small);
        // a replay never reaches that far back in an exactly-once run.
        let max = crate::sim::limits::TABLE_ROWS_PER_KEY_MAX;
        if rows.len() > max + max / 4 {
            let cut = rows.len() - max;
            table.floor[k] = rows[cut - 1].0 + 1;
            rows.drain(..cut);
        }
        push_bounded(
            &mut table.recent,
            (now, key, seq, count, overwrite),
            SINK_LINES_MAX,
        );
        self.emit(Event::AlarmUpserted {
            subtask,
            key,
            count,
            seq,
            overwrite,
        });
    }

    fn write_transactional(&mut self, subtask: u32, key: KeyIndex, count: u32, seq: u64) {
        let now = self.now;
        let timeout = self.config.transaction_timeout;
        let writer = &mut self.sink.writers[subtask as usize];
        if writer.fenced {
            // `KafkaWriter`: the send fails (the alarm comes again from the replay), and the
            // task fails right after this record.
            let task = self.graph.task(KEYED_VERTEX, subtask);
            self.schedule(self.now, Timer::ProducerFenced { task });
            return;
        }
        let txn = writer
            .current
            .as_mut()
            .expect("a running writer has an open transaction");
        let first = txn.first_write.is_none();
        if first {
            txn.first_write = Some(now);
        }
        txn.count += 1;
        txn.written_sum_us += u128::from(now.as_us());
        // Every record is kept while the transaction is unresolved (its fate decides the
        // consumer's view); a resolved one keeps the first few for the page.
        txn.records.push(SinkRecord {
            written_at: now,
            key,
            count,
            seq,
        });
        let (number, serial) = (txn.number, txn.serial);
        self.sink.kafka.written += 1;
        if first {
            // AddPartitionsToTxn: the coordinator's timer for this transaction starts.
            self.schedule_at(
                now.add(timeout),
                ANY_EPOCH,
                Timer::TransactionTimeout {
                    subtask,
                    number: u32::try_from(number).unwrap_or(u32::MAX),
                },
            );
        }
        self.emit(Event::AlarmWritten {
            subtask,
            key,
            count,
            seq,
            number,
            serial,
        });
    }

    /// A new transaction of writer `subtask` (`beginTransaction`).
    fn begin_transaction(&mut self, subtask: u32, number: u64) {
        let serial = self.sink.kafka.next_serial;
        self.sink.kafka.next_serial += 1;
        // `initTransactions` bumps the producer epoch of the id on the broker: an epoch is never
        // given twice (task attempts start at #0 again after a JobManager failover).
        let epoch = u32::try_from(serial).unwrap_or(u32::MAX);
        let now = self.now;
        self.sink.writers[subtask as usize].fenced = false;
        self.sink.writers[subtask as usize].current = Some(Transaction {
            serial,
            subtask,
            number,
            epoch,
            began_at: now,
            first_write: None,
            checkpoint: None,
            state: TransactionState::Open,
            since: now,
            count: 0,
            written_sum_us: 0,
            records: Vec::new(),
        });
    }

    /// `prepareSnapshotPreBarrier(N)` and `snapshotState(N)` of a writer chained into keyed task
    /// `task`: the committer's state for the snapshot (every committable not yet committed).
    pub(crate) fn sink_snapshot(
        &mut self,
        task: TaskIndex,
        checkpoint: CheckpointId,
    ) -> Vec<Committable> {
        if !OTHER_SINKS || self.config.sink != SinkKind::TwoPhaseCommit {
            return Vec::new();
        }
        let subtask = self.graph.tasks[task.index()].subtask;
        let now = self.now;
        let writer = &mut self.sink.writers[subtask as usize];
        if let Some(mut txn) = writer.current.take() {
            if txn.count > 0 {
                // flush() and prepareCommit(): the committable goes to the committer (a
                // transaction the broker already aborted is pre-committed all the same: its
                // records were acknowledged; the commit will fail).
                if txn.state == TransactionState::Open {
                    txn.state = TransactionState::PreCommitted;
                }
                txn.checkpoint = Some(checkpoint);
                txn.since = now;
                writer.collector.push(Committable {
                    transactional_id: txn.transactional_id(),
                    producer_id: producer_id(subtask, txn.number),
                    epoch: txn.epoch,
                    checkpoint_id: checkpoint,
                });
                let (number, serial, records) = (txn.number, txn.serial, txn.count);
                self.push_transaction(txn);
                self.emit(Event::TransactionPreCommitted {
                    subtask,
                    number,
                    serial,
                    checkpoint,
                    records,
                });
            }
            // An empty transaction is recycled: nothing reached the broker.
        }
        let collector = self.sink.writers[subtask as usize].collector.clone();
        self.begin_transaction(subtask, u64::from(checkpoint.0) + 1);
        collector
    }

    fn push_transaction(&mut self, mut txn: Transaction) {
        if txn.state.resolved() {
            txn.records.truncate(TRANSACTION_RECORDS_KEPT);
        }
        let kafka = &mut self.sink.kafka;
        kafka.transactions.push(txn);
        if kafka.transactions.len() > TRANSACTIONS_KEPT_MAX {
            if let Some(old) = kafka.transactions.iter().position(|t| t.state.resolved()) {
                kafka.transactions.remove(old);
            }
        }
    }

    fn find_transaction(&mut self, serial: u64) -> Option<&mut Transaction> {
        self.sink
            .kafka
            .transactions
            .iter_mut()
            .rev()
            .find(|t| t.serial == serial)
    }

    /// A completed checkpoint: the JobManager notifies every writer's committer.
    pub(crate) fn sink_checkpoint_completed(&mut self, checkpoint: CheckpointId) {
        if !OTHER_SINKS {
            return;
        }
        match self.config.sink {
            SinkKind::Print => {}
            SinkKind::IdempotentUpsert => {}
            SinkKind::TwoPhaseCommit => {
                let vertex = &self.graph.vertices[KEYED_VERTEX.index()];
                let (first, p) = (vertex.first_task.0, vertex.parallelism);
                for s in 0..p {
                    let task = TaskIndex(first + s);
                    if self.tasks[task.index()].state != ExecutionState::Running {
                        continue;
                    }
                    let at = self.now.add(self.rpc_latency());
                    self.schedule(at, Timer::CommitNotified { task, checkpoint });
                }
            }
        }
    }

    /// `notifyCheckpointComplete(N)` reached a committer.
    pub(crate) fn on_commit_notified(&mut self, task: TaskIndex, checkpoint: CheckpointId) {
        if !OTHER_SINKS {
            return;
        }
        let t = &self.tasks[task.index()];
        let alive = t
            .task_manager
            .is_some_and(|tm| self.task_managers[tm.index()].is_alive());
        if t.state != ExecutionState::Running || !alive {
            return; // the notification is lost with the task
        }
        let subtask = self.graph.tasks[task.index()].subtask;
        self.commit_up_to(subtask, checkpoint, false);
    }

    /// Commits every committable of `subtask` up to `checkpoint`, oldest first.
    fn commit_up_to(&mut self, subtask: u32, checkpoint: CheckpointId, recovered: bool) {
        let writer = &mut self.sink.writers[subtask as usize];
        let split = writer
            .collector
            .iter()
            .position(|c| c.checkpoint_id > checkpoint)
            .unwrap_or(writer.collector.len());
        let due: Vec<Committable> = writer.collector.drain(..split).collect();
        for committable in due {
            self.commit(subtask, &committable, recovered);
        }
        if !recovered {
            self.advance_frontier(subtask, checkpoint);
        }
    }

    fn commit(&mut self, subtask: u32, committable: &Committable, recovered: bool) {
        let now = self.now;
        let checkpoint = committable.checkpoint_id;
        let position = self.sink.kafka.transactions.iter().rposition(|t| {
            t.subtask == subtask
                && t.checkpoint == Some(checkpoint)
                && t.epoch == committable.epoch
                && t.transactional_id() == committable.transactional_id
        });
        let Some(position) = position else {
            // A transaction the broker no longer lists (forgotten, or another job's): Kafka
            // treats a commit of a finished transaction as done.
            self.emit(Event::TransactionAlreadyCommitted {
                subtask,
                number: offset_of(&committable.transactional_id),
                epoch: committable.epoch,
                checkpoint,
            });
            return;
        };
        let txn = &mut self.sink.kafka.transactions[position];
        let (number, serial, records) = (txn.number, txn.serial, txn.count);
        match txn.state {
            TransactionState::PreCommitted => {
                txn.state = TransactionState::Committed;
                txn.since = now;
                let kept = txn
                    .records
                    .split_off(txn.records.len().min(TRANSACTION_RECORDS_KEPT));
                let mut records_all = txn.records.clone();
                records_all.extend(kept);
                let txn_count = txn.count;
                let txn_sum = txn.written_sum_us;
                let kafka = &mut self.sink.kafka;
                kafka.committed += txn_count;
                // The oldest record waited longest.
                let max_us = records_all.first().map_or(0, |r| now.since(r.written_at).0);
                let sum_us = u128::from(now.as_us()) * u128::from(txn_count) - txn_sum;
                kafka.latency.add(now, txn_count, sum_us, max_us);
                for record in &records_all {
                    let k = record.key.index();
                    let high = kafka.committed_high[k];
                    let duplicate = high.is_some_and(|h| record.seq <= h);
                    if duplicate {
                        kafka.duplicates += 1;
                    } else {
                        kafka.committed_by_key[k] += 1;
                        kafka.committed_high[k] = Some(record.seq);
                    }
                    push_bounded(
                        &mut kafka.consumed,
                        ConsumedRecord {
                            visible_at: now,
                            subtask,
                            record: *record,
                            number,
                            duplicate,
                        },
                        SINK_LINES_MAX,
                    );
                }
                self.emit(Event::TransactionCommitted {
                    subtask,
                    number,
                    serial,
                    checkpoint,
                    records,
                    recovered,
                });
            }
            TransactionState::Committed => {
                // A second commit changes nothing (Kafka: the transaction is complete).
                self.emit(Event::TransactionAlreadyCommitted {
                    subtask,
                    number,
                    epoch: committable.epoch,
                    checkpoint,
                });
            }
            TransactionState::TimedOut => {
                txn.state = TransactionState::Lost;
                txn.since = now;
                let kept = txn
                    .records
                    .split_off(txn.records.len().min(TRANSACTION_RECORDS_KEPT));
                let mut records_all = txn.records.clone();
                records_all.extend(kept);
                let kafka = &mut self.sink.kafka;
                kafka.lost += records;
                for record in &records_all {
                    kafka.lost_by_key[record.key.index()] += 1;
                    push_bounded(&mut kafka.lost_records, (subtask, *record), SINK_LINES_MAX);
                }
                self.emit(Event::TransactionCommitFailed {
                    subtask,
                    number,
                    serial,
                    checkpoint,
                    records,
                });
            }
            // A committable of an aborted transaction is never restored or committed.
            TransactionState::Open | TransactionState::Aborted | TransactionState::Lost => {}
        }
    }

    /// After committing checkpoint `checkpoint` on `subtask`: every alarm of its keys before
    /// that checkpoint's source positions is resolved.
    fn advance_frontier(&mut self, subtask: u32, checkpoint: CheckpointId) {
        let Some(metadata) = self
            .storage
            .get(checkpoint)
            .or_else(|| self.storage.savepoint(checkpoint))
        else {
            return;
        };
        let source = &metadata.operators[crate::sim::graph::SOURCE_VERTEX.index()];
        let offsets: Vec<u64> = source
            .subtasks
            .iter()
            .map(|s| match s.state {
                crate::sim::checkpoint::SubtaskState::Source { offset } => offset,
                _ => 0,
            })
            .collect();
        if offsets.len() != self.graph.vertices[0].parallelism as usize {
            return;
        }
        // An unaligned checkpoint's in-flight records on the keyBy channels into this subtask
        // lie before their source's position but are processed after the snapshot: their
        // alarms go into the next transaction.
        let mut offsets = offsets;
        for operator in metadata.operators.iter().take(2) {
            for channel in operator.subtasks.iter().flat_map(|s| &s.channel_state) {
                if channel.receiver_subtask != subtask {
                    continue;
                }
                for element in &channel.elements {
                    if let crate::sim::channel::Element::Record { seq, .. } = element {
                        if let Some(offset) = offsets.get_mut(channel.sender_subtask as usize) {
                            *offset = (*offset).min(*seq);
                        }
                    }
                }
            }
        }
        for (k, key) in self.graph.keys.iter().enumerate() {
            if key.keyed_subtask != subtask || key.source_subtask == crate::sim::graph::NO_SOURCE {
                continue;
            }
            let offset = offsets[key.source_subtask as usize];
            let frontier = &mut self.sink.kafka.frontier[k];
            *frontier = (*frontier).max(offset);
        }
    }

    /// The broker's transaction timer of `<prefix>-<subtask>-<number>` fired: every unresolved
    /// instance of that id whose first record is `transaction.timeout.ms` old is aborted.
    pub(crate) fn on_transaction_timeout(&mut self, subtask: u32, number: u64) {
        if !OTHER_SINKS {
            return;
        }
        let now = self.now;
        let timeout = self.config.transaction_timeout;
        let expired = |t: &Transaction| {
            t.subtask == subtask
                && t.number == number
                && matches!(
                    t.state,
                    TransactionState::Open | TransactionState::PreCommitted
                )
                && t.first_write.is_some_and(|w| w.add(timeout) <= now)
        };
        let mut timed_out = Vec::new();
        let writer = &mut self.sink.writers[subtask as usize];
        if let Some(txn) = writer.current.as_mut().filter(|t| expired(t)) {
            // The open transaction: its producer is fenced; the writer fails at its next send.
            txn.state = TransactionState::TimedOut;
            txn.since = now;
            writer.fenced = true;
            timed_out.push((txn.serial, txn.count));
        }
        for txn in self
            .sink
            .kafka
            .transactions
            .iter_mut()
            .filter(|t| expired(t))
        {
            txn.state = TransactionState::TimedOut;
            txn.since = now;
            timed_out.push((txn.serial, txn.count));
        }
        for (serial, records) in timed_out {
            self.emit(Event::TransactionTimedOut {
                subtask,
                number,
                serial,
                records,
            });
        }
    }

    fn abort(&mut self, mut txn: Transaction, lingering: bool) {
        let now = self.now;
        let was_timed_out = txn.state == TransactionState::TimedOut;
        txn.state = TransactionState::Aborted;
        txn.since = now;
        self.sink.kafka.aborted += txn.count;
        let (subtask, number, serial, records) = (txn.subtask, txn.number, txn.serial, txn.count);
        if txn.count > 0 {
            if let Some(existing) = self.find_transaction(serial) {
                *existing = txn;
            } else {
                self.push_transaction(txn);
            }
        }
        if records > 0 && !was_timed_out {
            self.emit(Event::TransactionAborted {
                subtask,
                number,
                serial,
                records,
                lingering,
            });
        }
    }

    /// A writer task is cancelled or its TaskManager died: `close()` aborts the open
    /// transaction if the process is alive; otherwise it lingers on the broker.
    pub(crate) fn sink_task_stopped(&mut self, task: TaskIndex, process_alive: bool) {
        if !OTHER_SINKS {
            return;
        }
        if self.config.sink != SinkKind::TwoPhaseCommit
            || self.graph.tasks[task.index()].vertex != KEYED_VERTEX
        {
            return;
        }
        let subtask = self.graph.tasks[task.index()].subtask;
        let writer = &mut self.sink.writers[subtask as usize];
        writer.collector.clear();
        writer.fenced = false;
        let Some(txn) = writer.current.take() else {
            return;
        };
        if txn.count == 0 {
            return;
        }
        if process_alive && txn.state == TransactionState::Open {
            self.abort(txn, false);
        } else {
            // Left open (or timed out) on the broker until a probe or the timeout aborts it.
            self.push_transaction(txn);
        }
    }

    /// A writer task finished initializing (`initializeState`): the committer commits the
    /// restored committables again, the writer aborts lingering transactions after the
    /// restored checkpoint and begins the next one.
    pub(crate) fn sink_task_started(&mut self, task: TaskIndex) {
        if !OTHER_SINKS {
            return;
        }
        if self.config.sink != SinkKind::TwoPhaseCommit
            || self.graph.tasks[task.index()].vertex != KEYED_VERTEX
        {
            return;
        }
        let subtask = self.graph.tasks[task.index()].subtask;
        let restored = self.coordinator.latest_restored.as_ref().map(|r| r.id);
        let committables: Vec<Committable> = restored
            .and_then(|id| self.storage.get(id))
            .and_then(|m| m.operators.get(KEYED_VERTEX.index()))
            .and_then(|o| o.subtasks.get(subtask as usize))
            .map(|s| s.committables.clone())
            .unwrap_or_default();
        let from = restored.map_or(1, |c| u64::from(c.0) + 1);
        self.sink.writers[subtask as usize].collector = committables.clone();
        if !committables.is_empty() {
            self.emit(Event::CommittablesRestored {
                subtask,
                count: committables.len() as u32,
            });
            let last = committables
                .last()
                .map_or(CheckpointId(0), |c| c.checkpoint_id);
            self.commit_up_to(subtask, last, true);
        }
        // Every transaction up to the restored checkpoint is now resolved.
        if let Some(checkpoint) = restored {
            self.advance_frontier(subtask, checkpoint);
        }
        // PROBING: every transaction of this subtask numbered from the restored checkpoint + 1
        // that is still unresolved is aborted by `initTransactions` on its id.
        let lingering: Vec<u64> = self
            .sink
            .kafka
            .transactions
            .iter()
            .filter(|t| {
                t.subtask == subtask
                    && t.number >= from
                    && matches!(
                        t.state,
                        TransactionState::Open
                            | TransactionState::PreCommitted
                            | TransactionState::TimedOut
                    )
            })
            .map(|t| t.serial)
            .collect();
        let aborted = lingering.len() as u32;
        for serial in lingering {
            if let Some(position) = self
                .sink
                .kafka
                .transactions
                .iter()
                .position(|t| t.serial == serial)
            {
                let txn = self.sink.kafka.transactions.remove(position);
                self.abort(txn, true);
            }
        }
        self.emit(Event::LingeringTransactionsAborted {
            subtask,
            from,
            aborted,
        });
        self.begin_transaction(subtask, from);
    }

    /// Stop-with-savepoint: the savepoint's notification commits everything before the tasks
    /// finish.
    pub(crate) fn sink_finishing(&mut self, savepoint: CheckpointId) {
        if !OTHER_SINKS {
            return;
        }
        if self.config.sink != SinkKind::TwoPhaseCommit {
            return;
        }
        for subtask in 0..self.sink.writers.len() as u32 {
            self.commit_up_to(subtask, savepoint, false);
            if let Some(txn) = self.sink.writers[subtask as usize].current.take() {
                if txn.count > 0 {
                    self.abort(txn, false);
                }
            }
        }
    }
}

/// The output verifier: what a consumer of the sink sees against what a failure-free run
/// raises over the range that is resolved (two-phase commit: up to each key's frontier; upsert
/// and print: up to the newest alarm written). The failure-free alarms come from the source's
/// pure stream, scanned once per key and cached here (the caller keeps it beside the engine, so
/// the engine pays nothing for it; a scan backwards — time travel — starts the key again).
#[derive(Clone, Debug, Default)]
pub struct OutputReference {
    /// Per key: (base, scanned end, running count, alarms before the end).
    keys: Vec<(u64, u64, u32, u64)>,
    seed: u64,
}

impl OutputReference {
    /// The verdict for `sim` now.
    pub fn verdict(&mut self, sim: &Sim) -> OutputVerdict {
        if self.seed != sim.seed || self.keys.len() != sim.graph.keys.len() {
            self.keys.clear();
            self.seed = sim.seed;
        }
        self.keys.resize(sim.graph.keys.len(), (u64::MAX, 0, 0, 0));
        let mut verdict = OutputVerdict::default();
        let sink = &sim.sink;
        for (k, key) in sim.graph.keys.iter().enumerate() {
            if key.source_subtask == crate::sim::graph::NO_SOURCE {
                continue;
            }
            let base = sink.base[k];
            let (end, seen, lost) = match sim.config.sink {
                SinkKind::TwoPhaseCommit => (
                    sink.kafka.frontier[k].max(base),
                    sink.kafka.committed_by_key[k],
                    sink.kafka.lost_by_key[k],
                ),
                SinkKind::IdempotentUpsert => (
                    sink.table.high[k].map_or(base, |h| h + 1),
                    sink.table.rows_by_key[k],
                    0,
                ),
                SinkKind::Print => (
                    sim.printed_high[k].map_or(base, |h| h + 1),
                    sink.printed_by_key[k],
                    0,
                ),
            };
            let entry = &mut self.keys[k];
            if entry.0 != base || entry.1 > end {
                *entry = (base, base, sink.base_counts[k], 0);
            }
            let key_index = KeyIndex::from_index(k);
            for seq in entry.1..end {
                let event = sim.workload.event(&sim.graph, key.source_subtask, seq);
                if event.key == key_index && event.abnormal {
                    entry.2 += 1;
                    if entry.2 >= crate::sim::dataflow::ALARM_THRESHOLD {
                        entry.2 = 0;
                        entry.3 += 1;
                    }
                }
            }
            entry.1 = end;
            verdict.expected += entry.3;
            verdict.seen += seen;
            verdict.lost += lost;
            verdict.missing += entry.3.saturating_sub(seen + lost);
        }
        verdict.duplicates = match sim.config.sink {
            SinkKind::TwoPhaseCommit => sink.kafka.duplicates,
            SinkKind::IdempotentUpsert => sink.table.overwrites,
            SinkKind::Print => sim.duplicates_printed,
        };
        verdict
    }
}
