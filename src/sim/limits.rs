//! Every limit the engine enforces, in one place, so a page left running for a day stays fast
//! and small and a stored or shared run is refused for the same reason everywhere.
//!
//! The edges (run files, links, the page) check their inputs against these same constants
//! rather than keeping copies: a run that reaches a limit is still a run the engine resumes.

use crate::sim::time::SimDuration;

// ---- A run ----

/// The longest run: a week of simulated time (run files, links, a resumed job's instant).
pub const RUN_LENGTH_MAX: SimDuration = SimDuration::from_secs(7 * 86_400);
/// Commands accepted per run; the command log of a run holds at most this many.
pub const COMMAND_LOG_MAX: usize = 10_000;
/// The largest slowdown factor of a subtask (`Command::SlowDownSubtask`).
pub const SLOWDOWN_FACTOR_MAX: u32 = 1_000_000;

// ---- Histories and queues the engine keeps ----

/// Events kept in the outbox when the caller does not drain it.
pub const OUTBOX_MAX: usize = 100_000;
/// Notable events kept for the live log.
pub const JOURNAL_MAX: usize = 1_000;
/// Print-sink lines kept for the view.
pub const SINK_LINES_MAX: usize = 500;
/// Resolved transactions of the two-phase-commit sink the broker view keeps (unresolved ones
/// are always kept: they are bounded by the checkpoints that can fail in a row before the job
/// fails over, and by `simulation.sink.transaction-timeout`, after which the broker aborts them).
pub const TRANSACTIONS_KEPT_MAX: usize = 256;
/// Records a resolved transaction keeps for the page.
pub const TRANSACTION_RECORDS_KEPT: usize = 64;
/// Rows per key the upsert table keeps (older rows are kept as counts).
pub const TABLE_ROWS_PER_KEY_MAX: usize = 4_096;
/// Metric samples kept (one per simulated second).
pub const METRIC_SAMPLES_MAX: usize = 300;
/// Checkpoint plot points kept.
pub const POINTS_MAX: usize = 2_000;
/// Checkpoints an input gate tracks at once during alignment.
pub const TRACKED_CHECKPOINTS_MAX: usize = 16;
/// Completed checkpoints the summary statistics look back over.
pub const SUMMARY_WINDOW_MAX: usize = 10_000;

// ---- The configuration ----

/// Largest `parallelism.default`.
pub const PARALLELISM_MAX: u32 = 128;
/// Largest `simulation.taskmanagers`.
pub const TASK_MANAGERS_MAX: u32 = 32;
/// Largest `taskmanager.numberOfTaskSlots`.
pub const SLOTS_MAX: u32 = 32;
/// Largest `simulation.source.users-per-subtask`.
pub const USERS_PER_SUBTASK_MAX: u32 = 64;
/// Modeled keys with state (`simulation.state.keys`).
pub const STATE_KEYS_MAX: u32 = 10_000_000;
/// Largest `execution.checkpointing.max-concurrent-checkpoints`.
pub const CONCURRENT_CHECKPOINTS_MAX: u32 = 8;
/// Largest `execution.checkpointing.num-retained`.
pub const RETAINED_MAX: u32 = 100;
/// Savepoint requests waiting for a pending checkpoint to end (Flink queues up to 1,000).
pub const SAVEPOINT_REQUESTS_MAX: usize = 8;
/// Savepoints the simulated storage keeps (Flink never deletes one; the simulation forgets the
/// oldest beyond this, so a day-long run stays small).
pub const SAVEPOINTS_KEPT_MAX: usize = 16;
/// Largest `web.checkpoints.history` and `web.exception-history-size`.
pub const HISTORY_MAX: u32 = 1_000;
/// Most records one channel buffers (network buffers × records per buffer, capped).
pub const CHANNEL_RECORDS_MAX: u32 = 100_000;
