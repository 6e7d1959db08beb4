//! THE replay: a simulation advancing through a command log, applying each logged command at
//! its instant — after that instant's events, as the command was first given.
//!
//! Everything that moves a simulation through a log goes through [`Replay`]: a run file or a
//! link played to its end, the page playing, stepping and seeking, the time machine
//! re-simulating from a snapshot, the background determinism check. One policy for a command
//! the engine refuses (a restart of a TaskManager that is alive, a command beyond the command
//! log's limit): it is skipped — the simulation does not change — reported to the caller as a
//! [`Refusal`], and stays in the log, so the log still reads back as it was given. A command
//! refused on one replay is refused on every replay of the same log, because the engine is
//! deterministic.

use crate::sim::engine::CommandError;
use crate::sim::event::Command;
use crate::sim::{Sim, SimTime};

/// A logged command the engine refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Its instant.
    pub at: SimTime,
    /// The command.
    pub command: Command,
    /// Why.
    pub reason: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} refused: {}",
            super::command::format(self.at, &self.command),
            self.reason
        )
    }
}

/// How far an advance got.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Whether the target instant was reached (else the event budget ran out first).
    pub reached: bool,
    /// Engine events processed.
    pub events: u64,
    /// Commands refused on the way.
    pub refused: Vec<Refusal>,
}

/// A simulation and its position in a command log (the log itself is the caller's: the time
/// machine keeps one log for its live simulation and its snapshots).
#[derive(Clone, Debug)]
pub struct Replay {
    sim: Sim,
    /// Logged commands before this index have been applied (or refused).
    next: usize,
}

impl Replay {
    /// A replay of `sim` whose first `applied` logged commands are already in it.
    pub fn new(sim: Sim, applied: usize) -> Replay {
        Replay { sim, next: applied }
    }

    /// The simulation.
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// The simulation, to drain its events or set its verbosity (never to advance it past
    /// the log: use [`Replay::advance`]).
    pub fn sim_mut(&mut self) -> &mut Sim {
        &mut self.sim
    }

    /// Logged commands applied so far.
    pub fn applied(&self) -> usize {
        self.next
    }

    /// Applies a command that is not in the log yet, at the current instant; the caller appends
    /// it to the log right after the commands applied so far. A refused command changes
    /// nothing.
    pub fn apply_given(&mut self, command: Command) -> Result<(), CommandError> {
        self.sim.handle(command)?;
        self.next += 1;
        Ok(())
    }

    /// The instant of the next logged command, if it is due at or before `until`.
    fn due(&self, log: &[(SimTime, Command)], until: SimTime) -> Option<SimTime> {
        log.get(self.next)
            .map(|(at, _)| *at)
            .filter(|at| *at <= until)
    }

    /// Applies the next logged command at its instant (the caller advanced there).
    fn apply_next(&mut self, log: &[(SimTime, Command)], progress: &mut Progress) {
        let (at, command) = &log[self.next];
        self.next += 1;
        if let Err(error) = self.sim.handle(command.clone()) {
            progress.refused.push(Refusal {
                at: *at,
                command: command.clone(),
                reason: error.0,
            });
        }
    }

    /// Advances to `until` applying the logged commands due on the way, processing at most
    /// `budget` engine events (`u64::MAX`: no limit). A logged command whose instant already
    /// passed (a log edited behind the simulation's back) is applied at once.
    pub fn advance(&mut self, log: &[(SimTime, Command)], until: SimTime, budget: u64) -> Progress {
        let until = until.max(self.sim.now());
        let mut progress = Progress::default();
        loop {
            let due = self.due(log, until);
            let target = due.unwrap_or(until).max(self.sim.now());
            let (done, reached) = self
                .sim
                .advance_bounded(target, budget.saturating_sub(progress.events));
            progress.events += done;
            if !reached {
                return progress;
            }
            if due.is_none() {
                progress.reached = true;
                return progress;
            }
            self.apply_next(log, &mut progress);
        }
    }

    /// One step: the next logged command if it is due no later than the next event, else the
    /// next event. Returns false when there is nothing left to do.
    pub fn step(&mut self, log: &[(SimTime, Command)]) -> (bool, Progress) {
        let next_event = self.sim.next_event_time();
        match log.get(self.next).map(|(at, _)| *at) {
            Some(at) if next_event.is_none_or(|e| at <= e) => {
                (true, self.advance(log, at, u64::MAX))
            }
            _ => (self.sim.step().is_some(), Progress::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ids::TaskManagerId;
    use crate::sim::SimConfig;

    fn kill(n: u32) -> Command {
        Command::KillTaskManager {
            task_manager: TaskManagerId(n - 1),
        }
    }

    #[test]
    fn commands_apply_at_their_instant_however_time_is_sliced() {
        let log = vec![
            (SimTime::from_ms(45_000), kill(2)),
            (
                SimTime::from_ms(90_000),
                Command::RestartTaskManager {
                    task_manager: TaskManagerId(1),
                },
            ),
        ];
        let until = SimTime::from_ms(200_000);
        let mut straight = Replay::new(Sim::new(SimConfig::default(), 3).unwrap(), 0);
        assert!(straight.advance(&log, until, u64::MAX).reached);
        let mut sliced = Replay::new(Sim::new(SimConfig::default(), 3).unwrap(), 0);
        let mut t = 0;
        while sliced.sim().now() < until {
            t += 16_667;
            sliced.advance(&log, SimTime(t).min(until), 700);
        }
        assert_eq!(sliced.applied(), 2);
        assert_eq!(
            sliced.sim().view().trace_hash(),
            straight.sim().view().trace_hash()
        );
        let mut stepped = Replay::new(Sim::new(SimConfig::default(), 3).unwrap(), 0);
        while stepped.sim().now() < SimTime::from_ms(100_000) {
            assert!(stepped.step(&log).0);
        }
        assert_eq!(stepped.applied(), 2);
    }

    #[test]
    fn a_refused_command_is_skipped_reported_and_kept() {
        let log = vec![
            (
                SimTime::from_ms(10_000),
                Command::RestartTaskManager {
                    task_manager: TaskManagerId(0),
                },
            ),
            (SimTime::from_ms(20_000), kill(1)),
        ];
        let mut replay = Replay::new(Sim::new(SimConfig::default(), 1).unwrap(), 0);
        let progress = replay.advance(&log, SimTime::from_ms(30_000), u64::MAX);
        assert_eq!(progress.refused.len(), 1);
        assert_eq!(progress.refused[0].at, SimTime::from_ms(10_000));
        assert!(progress.refused[0]
            .to_string()
            .starts_with("r1@10000ms refused: "));
        assert_eq!(replay.applied(), 2);
        assert_eq!(replay.sim().view().command_log().len(), 1, "only the kill");
    }
}
