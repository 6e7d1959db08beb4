//! The runtime state of one task attempt on a TaskManager: its lifecycle, what it is doing
//! (busy, idle, back-pressured), its barrier handling and the snapshots it is taking.

use crate::sim::alignment::BarrierHandler;
use crate::sim::checkpoint::{PersistedElement, SubtaskState};
use crate::sim::ids::{ChannelIndex, CheckpointId, TaskManagerId};
use crate::sim::lifecycle::ExecutionState;
use crate::sim::time::SimTime;

/// What a running task spends its time on (Flink's busy / idle / back-pressured time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    /// Waiting for input.
    Idle,
    /// Processing a record or taking a synchronous snapshot.
    Busy,
    /// Waiting for an output credit.
    BackPressured,
}

/// Counters of one task (reset with each attempt, as Flink's metrics are).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskMetrics {
    /// Records read from the network.
    pub records_in: u64,
    /// Records written to the network.
    pub records_out: u64,
    /// Bytes read from the network.
    pub bytes_in: u64,
    /// Bytes written to the network.
    pub bytes_out: u64,
    /// Accumulated busy time.
    pub busy_us: u64,
    /// Accumulated back-pressured time.
    pub backpressured_us: u64,
    /// Accumulated idle time.
    pub idle_us: u64,
}

/// A snapshot a task is taking for one checkpoint.
#[derive(Clone, Debug)]
pub struct TaskSnapshot {
    /// The checkpoint.
    pub checkpoint: CheckpointId,
    /// When the checkpoint was triggered (the barrier's timestamp).
    pub trigger_time: SimTime,
    /// When the first barrier (or the trigger RPC, for a source) arrived.
    pub first_barrier_at: SimTime,
    /// First to last barrier, once known.
    pub alignment_us: u64,
    /// Synchronous phase.
    pub sync_us: u64,
    /// Asynchronous phase.
    pub async_us: u64,
    /// Whether the snapshot is unaligned.
    pub unaligned: bool,
    /// Operator state at the snapshot instant.
    pub state: SubtaskState,
    /// Bytes of operator state (the full state).
    pub state_bytes: u64,
    /// Keyed subtasks: where the backend writes the state.
    pub handle: Option<crate::sim::checkpoint::KeyedStateHandle>,
    /// In-flight data persisted so far.
    pub persisted: Vec<PersistedElement>,
    /// A chained two-phase-commit sink's committer state.
    pub committables: Vec<crate::sim::checkpoint::Committable>,
    /// Bytes read during alignment.
    pub processed_bytes: u64,
    /// Whether the asynchronous phase finished.
    pub async_done: bool,
    /// Whether some input still has to deliver its barrier (unaligned: its records are
    /// persisted until then).
    pub awaiting_barriers: bool,
    /// Whether the acknowledgement was sent.
    pub ack_sent: bool,
}

/// One task attempt.
#[derive(Clone, Debug)]
pub struct Task {
    /// Execution state.
    pub state: ExecutionState,
    /// Attempt number (`#0`, `#1`, …).
    pub attempt: u32,
    /// When the current state was entered.
    pub state_since: SimTime,
    /// Where the attempt is deployed.
    pub task_manager: Option<TaskManagerId>,
    /// What it is doing.
    pub activity: Activity,
    /// Since when.
    pub activity_since: SimTime,
    /// Busy (processing or sync snapshot) until this instant.
    pub busy_until: SimTime,
    /// The scheduled wake-up, `SimTime::MAX` when none.
    pub wake_at: SimTime,
    /// The output channel it waits on for a credit.
    pub blocked_output: Option<ChannelIndex>,
    /// Sources: the next sequence number (the split offset).
    pub next_seq: u64,
    /// Sources: when the next event is due.
    pub emit_due: SimTime,
    /// Barrier bookkeeping (tasks with inputs).
    pub barriers: BarrierHandler,
    /// Snapshots in progress, oldest first.
    pub snapshots: Vec<TaskSnapshot>,
    /// Processing-time multiplier (slow-subtask fault).
    pub slowdown: u32,
    /// Snapshots taken by this attempt (the first is slower).
    pub snapshots_taken: u32,
    /// Sources: the newest checkpoint whose barrier this task injected (a trigger of an older
    /// one arriving later is out of order and ignored, as Flink's
    /// `SubtaskCheckpointCoordinatorImpl` does).
    pub last_injected: CheckpointId,
    /// Where the next input scan starts (round robin over ready channels).
    pub input_cursor: u32,
    /// Metrics of this attempt.
    pub metrics: TaskMetrics,
    /// When this attempt started running.
    pub running_since: Option<SimTime>,
    /// When this attempt entered each state (indexed like [`ExecutionState::SIMULATED`]).
    pub state_entered: [Option<SimTime>; 9],
}

impl Task {
    /// A task that has not been scheduled yet.
    pub fn new(inputs: u32, concurrent_barriers: bool) -> Task {
        Task {
            state: ExecutionState::Created,
            attempt: 0,
            state_since: SimTime::ZERO,
            task_manager: None,
            activity: Activity::Idle,
            activity_since: SimTime::ZERO,
            busy_until: SimTime::ZERO,
            wake_at: SimTime::MAX,
            blocked_output: None,
            next_seq: 0,
            emit_due: SimTime::ZERO,
            barriers: BarrierHandler::new(inputs, concurrent_barriers),
            snapshots: Vec::new(),
            slowdown: 1,
            snapshots_taken: 0,
            last_injected: CheckpointId(0),
            input_cursor: 0,
            metrics: TaskMetrics::default(),
            running_since: None,
            state_entered: [None; 9],
        }
    }

    /// Switches activity at `now`, accounting the time spent in the previous one.
    pub fn set_activity(&mut self, activity: Activity, now: SimTime) {
        if self.state == ExecutionState::Running {
            let spent = now.saturating_since(self.activity_since).0;
            match self.activity {
                Activity::Idle => self.metrics.idle_us += spent,
                Activity::Busy => self.metrics.busy_us += spent,
                Activity::BackPressured => self.metrics.backpressured_us += spent,
            }
        }
        self.activity = activity;
        self.activity_since = now;
    }

    /// The snapshot in progress for `checkpoint`.
    pub fn snapshot_mut(&mut self, checkpoint: CheckpointId) -> Option<&mut TaskSnapshot> {
        self.snapshots
            .iter_mut()
            .find(|s| s.checkpoint == checkpoint)
    }

    /// Milliseconds spent in each state by this attempt up to `now` (Flink's
    /// `status-duration`), indexed like [`ExecutionState::SIMULATED`].
    pub fn state_durations_ms(&self, now: SimTime) -> [u64; 9] {
        let mut entered: Vec<(SimTime, usize)> = self
            .state_entered
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.map(|t| (t, i)))
            .collect();
        crate::sim::order::sort(&mut entered);
        let mut durations = [0u64; 9];
        for (k, (start, state)) in entered.iter().enumerate() {
            let end = entered.get(k + 1).map_or(now, |(next, _)| *next);
            durations[*state] = end.saturating_since(*start).as_ms();
        }
        durations
    }

    /// Accumulated (busy, back-pressured, idle) time up to `now`, in microseconds.
    pub fn time_split(&self, now: SimTime) -> (u64, u64, u64) {
        let m = self.metrics;
        let (mut busy, mut backpressured, mut idle) = (m.busy_us, m.backpressured_us, m.idle_us);
        if self.state == ExecutionState::Running {
            let spent = now.saturating_since(self.activity_since).0;
            match self.activity {
                Activity::Idle => idle += spent,
                Activity::Busy => busy += spent,
                Activity::BackPressured => backpressured += spent,
            }
        }
        (busy, backpressured, idle)
    }
}
