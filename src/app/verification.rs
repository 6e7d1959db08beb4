//! The determinism check: the run replayed from its start in the background, a slice per
//! frame, and its trace hash compared with the one the page showed.

use crate::run::replay::Replay;
use crate::run::RunScript;
use crate::sim::event::Command;
use crate::sim::{Sim, SimTime};

/// Engine events a determinism check replays per frame.
pub const VERIFY_EVENTS_PER_FRAME: u64 = 200_000;

/// A running or finished check.
#[derive(Clone, Debug)]
pub struct Verification {
    replay: Replay,
    commands: Vec<(SimTime, Command)>,
    /// The instant checked.
    pub target: SimTime,
    /// The trace hash the page showed at that instant.
    pub expected: u64,
    /// `Some(true)` when the replay reached the same hash.
    pub result: Option<bool>,
    /// The replay's hash.
    pub replayed: u64,
}

impl Verification {
    /// A check that `script` (a fresh job, or one restored from its earlier run, which is
    /// replayed again) reaches `expected` at its `until`.
    pub fn start(script: RunScript, expected: u64) -> Verification {
        // The run started once on this page, so its start is valid; if not, a fresh one
        // reports the mismatch rather than a panic.
        let sim = script.start().unwrap_or_else(|_| {
            Sim::new(script.config.clone(), script.seed).expect("the run's configuration is valid")
        });
        Verification {
            replay: Replay::new(sim, 0),
            commands: script.commands,
            target: script.until,
            expected,
            result: None,
            replayed: 0,
        }
    }

    /// Progress in simulated time, 0 ..= 1.
    pub fn progress(&self) -> f64 {
        self.replay.sim().now().as_us() as f64 / self.target.as_us().max(1) as f64
    }

    /// Whether it is still replaying.
    pub fn running(&self) -> bool {
        self.result.is_none()
    }

    /// Replays at most `budget` more events.
    pub fn step(&mut self, budget: u64) {
        if self.result.is_some() {
            return;
        }
        if self
            .replay
            .advance(&self.commands, self.target, budget)
            .reached
        {
            self.replayed = self.replay.sim().view().trace_hash();
            self.result = Some(self.replayed == self.expected);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ids::TaskManagerId;
    use crate::sim::SimConfig;

    #[test]
    fn a_check_replays_in_slices_and_compares_the_hash() {
        let commands = vec![(
            SimTime::from_ms(40_000),
            Command::KillTaskManager {
                task_manager: TaskManagerId(1),
            },
        )];
        let target = SimTime::from_ms(120_000);
        let mut replay = Replay::new(Sim::new(SimConfig::default(), 8).unwrap(), 0);
        replay.advance(&commands, target, u64::MAX);
        let expected = replay.sim().view().trace_hash();
        let script = RunScript {
            seed: 8,
            config: SimConfig::default(),
            commands,
            until: target,
            from: None,
        };
        let mut check = Verification::start(script.clone(), expected);
        let mut slices = 0;
        while check.running() {
            check.step(50);
            slices += 1;
        }
        assert!(slices > 3, "{slices} slices");
        assert_eq!(check.result, Some(true));
        let mut wrong = Verification::start(script, 1);
        wrong.step(u64::MAX);
        assert_eq!(wrong.result, Some(false));
    }
}
