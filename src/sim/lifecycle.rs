//! Job and task (execution) states, named as Flink names them, with their legal transitions.
//!
//! These are Flink's own enumerations, used by the engine and by the REST API alike (Flink's
//! REST handlers serialise the runtime's `JobStatus` and `ExecutionState` too). The engine
//! reaches a subset of them — [`JobStatus::SIMULATED`], [`ExecutionState::SIMULATED`] — and
//! [`JobStatus::can_become`] / [`ExecutionState::can_become`] allow only the transitions it
//! models; the others exist so REST maps (`timestamps`, `status-counts`) list every state as
//! Flink does.

use serde::{Deserialize, Serialize};

/// Flink's `JobStatus` (`state` in `/jobs/overview` and `/jobs/:jobid`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    /// Submitted, not yet scheduled (before `CREATED`).
    Initializing,
    /// The execution graph exists; no task has been scheduled yet.
    Created,
    /// Running (tasks may still be SCHEDULED or DEPLOYING).
    Running,
    /// A failure is being handled and the job will not restart.
    Failing,
    /// Terminal: the job failed and will not restart.
    Failed,
    /// The job is being cancelled (not simulated).
    Cancelling,
    /// Terminal: the job was cancelled (not simulated).
    Canceled,
    /// Terminal: every task finished (not simulated: the job is unbounded).
    Finished,
    /// Waiting for the restart backoff after a failure.
    Restarting,
    /// The JobManager lost leadership; suspended, not terminal (not simulated).
    Suspended,
    /// Being reconciled after a JobManager failover (not simulated).
    Reconciling,
}

impl JobStatus {
    /// The states the simulation reaches, in lifecycle order.
    pub const SIMULATED: [JobStatus; 7] = [
        JobStatus::Initializing,
        JobStatus::Created,
        JobStatus::Running,
        JobStatus::Failing,
        JobStatus::Failed,
        JobStatus::Restarting,
        JobStatus::Finished,
    ];

    /// Flink's name (`RUNNING`).
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Initializing => "INITIALIZING",
            JobStatus::Created => "CREATED",
            JobStatus::Running => "RUNNING",
            JobStatus::Failing => "FAILING",
            JobStatus::Failed => "FAILED",
            JobStatus::Cancelling => "CANCELLING",
            JobStatus::Canceled => "CANCELED",
            JobStatus::Finished => "FINISHED",
            JobStatus::Restarting => "RESTARTING",
            JobStatus::Suspended => "SUSPENDED",
            JobStatus::Reconciling => "RECONCILING",
        }
    }

    /// Whether the simulation may move from `self` to `to`.
    pub fn can_become(self, to: JobStatus) -> bool {
        use JobStatus::*;
        matches!(
            (self, to),
            (Initializing, Created)
                | (Created, Running)
                | (Running, Finished)
                | (Running, Restarting)
                | (Running, Failing)
                | (Restarting, Running)
                | (Restarting, Failing)
                | (Failing, Failed)
        )
    }
}

/// Flink's `ExecutionState` (a task attempt's `status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExecutionState {
    /// The attempt exists but has not been scheduled.
    Created,
    /// Waiting for a slot.
    Scheduled,
    /// Being deployed to its TaskManager.
    Deploying,
    /// Restoring state before it runs.
    Initializing,
    /// Processing records.
    Running,
    /// Terminal: finished successfully (after stop-with-savepoint; the sources are unbounded).
    Finished,
    /// Being cancelled.
    Canceling,
    /// Terminal: cancelled.
    Canceled,
    /// Terminal: failed.
    Failed,
    /// Being reconciled after a JobManager failover (not simulated).
    Reconciling,
}

impl ExecutionState {
    /// The states the simulation reaches; a task's per-state timestamps are indexed like this.
    pub const SIMULATED: [ExecutionState; 9] = [
        ExecutionState::Created,
        ExecutionState::Scheduled,
        ExecutionState::Deploying,
        ExecutionState::Initializing,
        ExecutionState::Running,
        ExecutionState::Canceling,
        ExecutionState::Canceled,
        ExecutionState::Failed,
        ExecutionState::Finished,
    ];

    /// Flink's name (`RUNNING`).
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionState::Created => "CREATED",
            ExecutionState::Scheduled => "SCHEDULED",
            ExecutionState::Deploying => "DEPLOYING",
            ExecutionState::Initializing => "INITIALIZING",
            ExecutionState::Running => "RUNNING",
            ExecutionState::Finished => "FINISHED",
            ExecutionState::Canceling => "CANCELING",
            ExecutionState::Canceled => "CANCELED",
            ExecutionState::Failed => "FAILED",
            ExecutionState::Reconciling => "RECONCILING",
        }
    }

    /// Whether the attempt has ended.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ExecutionState::Finished | ExecutionState::Canceled | ExecutionState::Failed
        )
    }

    /// Whether the simulation may move from `self` to `to`.
    pub fn can_become(self, to: ExecutionState) -> bool {
        use ExecutionState::*;
        matches!(
            (self, to),
            (Created, Scheduled)
                | (Scheduled, Deploying)
                | (Deploying, Initializing)
                | (Initializing, Running)
                | (Running, Finished)
                | (Created | Scheduled, Canceled)
                | (Deploying | Initializing | Running, Canceling | Failed)
                | (Canceling, Canceled | Failed)
                | (Scheduled, Failed)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_cycle_is_legal_and_shortcuts_are_not() {
        assert!(JobStatus::Running.can_become(JobStatus::Restarting));
        assert!(JobStatus::Restarting.can_become(JobStatus::Running));
        assert!(!JobStatus::Failed.can_become(JobStatus::Running));
        assert!(ExecutionState::Running.can_become(ExecutionState::Canceling));
        assert!(!ExecutionState::Created.can_become(ExecutionState::Running));
        assert!(!ExecutionState::Canceled.can_become(ExecutionState::Running));
    }
}
