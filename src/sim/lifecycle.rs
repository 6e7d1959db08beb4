//! Job and task (execution) states, named as Flink names them, with their legal transitions.

use serde::{Deserialize, Serialize};

/// `JobStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum JobStatus {
    /// Submitted, not yet scheduled.
    Initializing,
    /// Created.
    Created,
    /// Running (tasks may still be SCHEDULED or DEPLOYING).
    Running,
    /// A failure is being handled and the job will not restart.
    Failing,
    /// Terminally failed.
    Failed,
    /// Waiting for the restart backoff after a failure.
    Restarting,
}

impl JobStatus {
    /// Every status in the order Flink's REST `timestamps` lists the ones we use.
    pub const ALL: [JobStatus; 6] = [
        JobStatus::Initializing,
        JobStatus::Created,
        JobStatus::Running,
        JobStatus::Failing,
        JobStatus::Failed,
        JobStatus::Restarting,
    ];

    /// The REST / log spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Initializing => "INITIALIZING",
            JobStatus::Created => "CREATED",
            JobStatus::Running => "RUNNING",
            JobStatus::Failing => "FAILING",
            JobStatus::Failed => "FAILED",
            JobStatus::Restarting => "RESTARTING",
        }
    }

    /// Whether `self → to` is a transition Flink makes.
    pub fn can_become(self, to: JobStatus) -> bool {
        use JobStatus::*;
        matches!(
            (self, to),
            (Initializing, Created)
                | (Created, Running)
                | (Running, Restarting)
                | (Running, Failing)
                | (Restarting, Running)
                | (Restarting, Failing)
                | (Failing, Failed)
        )
    }
}

/// `ExecutionState` of one task attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ExecutionState {
    /// Created, no slot requested yet.
    Created,
    /// Waiting for a slot.
    Scheduled,
    /// Being deployed to its TaskManager.
    Deploying,
    /// Restoring state.
    Initializing,
    /// Processing.
    Running,
    /// Being cancelled by a failover.
    Canceling,
    /// Cancelled.
    Canceled,
    /// Failed.
    Failed,
}

impl ExecutionState {
    /// Every state, in the order of Flink's REST `tasks` maps.
    pub const ALL: [ExecutionState; 8] = [
        ExecutionState::Created,
        ExecutionState::Scheduled,
        ExecutionState::Deploying,
        ExecutionState::Initializing,
        ExecutionState::Running,
        ExecutionState::Canceling,
        ExecutionState::Canceled,
        ExecutionState::Failed,
    ];

    /// The REST / log spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionState::Created => "CREATED",
            ExecutionState::Scheduled => "SCHEDULED",
            ExecutionState::Deploying => "DEPLOYING",
            ExecutionState::Initializing => "INITIALIZING",
            ExecutionState::Running => "RUNNING",
            ExecutionState::Canceling => "CANCELING",
            ExecutionState::Canceled => "CANCELED",
            ExecutionState::Failed => "FAILED",
        }
    }

    /// Whether the attempt is over.
    pub fn is_terminal(self) -> bool {
        matches!(self, ExecutionState::Canceled | ExecutionState::Failed)
    }

    /// Whether `self → to` is a transition Flink makes.
    pub fn can_become(self, to: ExecutionState) -> bool {
        use ExecutionState::*;
        matches!(
            (self, to),
            (Created, Scheduled)
                | (Scheduled, Deploying)
                | (Deploying, Initializing)
                | (Initializing, Running)
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
