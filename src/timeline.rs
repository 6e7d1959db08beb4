//! Time travel over a deterministic run: retained simulation snapshots plus re-simulation.
//!
//! A run is (seed, configuration, command log). The [`TimeMachine`] keeps that log and clones of
//! the simulation taken as it advances; seeking to any instant clones the latest snapshot at or
//! before it and re-simulates the logged commands up to the instant. Because the engine is
//! deterministic, the result is exactly the state a straight run to that instant reaches.
//! Acting at a past instant forks: the future (later commands and snapshots) is discarded.
//!
//! Memory is bounded: at most [`SNAPSHOTS_MAX`] snapshots; when full, every other one is dropped
//! and the spacing doubles, so any seek re-simulates at most one spacing of events.

use crate::sim::event::Command;
use crate::sim::{Sim, SimConfig, SimDuration, SimTime};

/// Snapshots kept at most.
pub const SNAPSHOTS_MAX: usize = 128;
/// The initial spacing between snapshots, in simulated time.
pub const SPACING_TIME: SimDuration = SimDuration::from_secs(20);
/// The initial spacing between snapshots, in engine events (high-rate runs snapshot by work).
pub const SPACING_EVENTS: u64 = 100_000;

/// A retained clone of the simulation.
#[derive(Clone)]
struct Snapshot {
    at: SimTime,
    events: u64,
    sim: Sim,
}

/// The run's log and its snapshots.
#[derive(Clone)]
pub struct TimeMachine {
    seed: u64,
    config: SimConfig,
    commands: Vec<(SimTime, Command)>,
    snapshots: Vec<Snapshot>,
    spacing_time: SimDuration,
    spacing_events: u64,
    /// The furthest instant simulated on this timeline.
    head: SimTime,
    /// Instants where the timeline was forked (for the scrubber's markers).
    forks: Vec<SimTime>,
}

impl TimeMachine {
    /// A machine for a fresh run of `config` with `seed`, whose simulation at time zero is `sim`.
    pub fn new(config: SimConfig, seed: u64, sim: &Sim) -> TimeMachine {
        TimeMachine {
            seed,
            config,
            commands: Vec::new(),
            snapshots: vec![Snapshot {
                at: sim.now(),
                events: sim.view().events_processed(),
                sim: sim.clone(),
            }],
            spacing_time: SPACING_TIME,
            spacing_events: SPACING_EVENTS,
            head: sim.now(),
            forks: Vec::new(),
        }
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The configuration.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The command log of the timeline (including commands after the cursor).
    pub fn commands(&self) -> &[(SimTime, Command)] {
        &self.commands
    }

    /// The furthest instant reached.
    pub fn head(&self) -> SimTime {
        self.head
    }

    /// Where the timeline was forked.
    pub fn forks(&self) -> &[SimTime] {
        &self.forks
    }

    /// Snapshots retained and an estimate of their memory.
    pub fn memory(&self) -> (usize, usize) {
        let bytes = self
            .snapshots
            .iter()
            .map(|s| s.sim.view().approx_heap_bytes() + std::mem::size_of::<Sim>())
            .sum();
        (self.snapshots.len(), bytes)
    }

    /// The earliest instant the machine can seek to (a resumed run starts later than zero).
    pub fn start(&self) -> SimTime {
        self.snapshots[0].at
    }

    /// Sets the recorded future: commands a link or a run file carries, to be replayed as the
    /// simulation reaches them.
    pub fn set_commands(&mut self, commands: Vec<(SimTime, Command)>) {
        assert!(
            self.head == self.start(),
            "a recorded future is set before the run advances"
        );
        self.commands = commands;
    }

    /// The first logged command after `time`, if any (to replay the recorded future).
    pub fn next_command_after(&self, time: SimTime, applied: usize) -> Option<(usize, SimTime)> {
        self.commands
            .iter()
            .enumerate()
            .skip(applied)
            .find(|(_, (at, _))| *at >= time)
            .map(|(i, (at, _))| (i, *at))
    }

    /// The `index`-th logged command.
    pub fn command(&self, index: usize) -> &Command {
        &self.commands[index].1
    }

    /// Records that the live simulation reached `sim.now()`; takes a snapshot when one spacing
    /// of time or work has passed since the last one.
    pub fn observe(&mut self, sim: &Sim) {
        let now = sim.now();
        self.head = self.head.max(now);
        let last = self.snapshots.last().expect("the start is always kept");
        let events = sim.view().events_processed();
        let due =
            now >= last.at.add(self.spacing_time) || events >= last.events + self.spacing_events;
        if due && now > last.at {
            self.snapshots.push(Snapshot {
                at: now,
                events,
                sim: sim.clone(),
            });
            if self.snapshots.len() > SNAPSHOTS_MAX {
                self.thin();
            }
        }
        assert!(self.snapshots.len() <= SNAPSHOTS_MAX);
    }

    /// Drops every other snapshot (keeping the first) and doubles the spacing.
    fn thin(&mut self) {
        let mut index = 0;
        self.snapshots.retain(|_| {
            index += 1;
            index % 2 == 1
        });
        self.spacing_time = self.spacing_time.mul(2);
        self.spacing_events = self.spacing_events.saturating_mul(2);
    }

    /// Records a command the user applied at `at` (the live simulation's instant). If commands
    /// were logged after `at`, the timeline forks there: they and later snapshots are dropped.
    pub fn act(&mut self, at: SimTime, command: Command) {
        let forked = self.commands.iter().any(|(t, _)| *t > at) || self.head > at;
        if forked {
            self.commands.retain(|(t, _)| *t <= at);
            self.snapshots.retain(|s| s.at <= at);
            self.head = at;
            self.forks.push(at);
        }
        self.commands.push((at, command));
    }

    /// The simulation at `target`: the latest snapshot at or before it, re-simulated with the
    /// logged commands. `on_command_refused` hears about commands the engine refused.
    pub fn seek(&self, target: SimTime) -> Sim {
        let snapshot = self
            .snapshots
            .iter()
            .rev()
            .find(|s| s.at <= target)
            .expect("the start is always kept");
        let mut sim = snapshot.sim.clone();
        let logged = sim.view().command_log().len();
        for (at, command) in self
            .commands
            .iter()
            .skip(logged)
            .filter(|(at, _)| *at <= target)
        {
            sim.advance_to(*at);
            // A refused command was refused on the original timeline too; it is skipped alike.
            let _ = sim.handle(command.clone());
        }
        sim.advance_to(target);
        sim
    }

    /// A run script of the timeline up to `until`.
    pub fn script(&self, until: SimTime) -> crate::script::RunScript {
        crate::script::RunScript {
            seed: self.seed,
            config: self.config.clone(),
            commands: self
                .commands
                .iter()
                .filter(|(at, _)| *at <= until)
                .cloned()
                .collect(),
            until,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ids::TaskManagerId;

    fn kill(n: u32) -> Command {
        Command::KillTaskManager {
            task_manager: TaskManagerId(n - 1),
        }
    }

    /// Drives a live run the way the page does: frames, recording snapshots, applying commands.
    fn live(
        machine: &mut TimeMachine,
        sim: &mut Sim,
        until: SimTime,
        commands: &[(SimTime, Command)],
    ) {
        let mut pending = commands.iter().peekable();
        while sim.now() < until {
            let frame = SimTime(sim.now().as_us() + 1_700_000).min(until);
            if let Some((at, command)) = pending.peek().filter(|(at, _)| *at <= frame) {
                sim.advance_to(*at);
                sim.handle(command.clone()).unwrap();
                machine.act(*at, command.clone());
                pending.next();
            } else {
                sim.advance_to(frame);
            }
            machine.observe(sim);
        }
    }

    #[test]
    fn seeking_anywhere_equals_running_straight_there() {
        let config = SimConfig::default();
        let mut sim = Sim::new(config.clone(), 9).unwrap();
        let mut machine = TimeMachine::new(config.clone(), 9, &sim);
        let commands = [
            (SimTime::from_ms(45_000), kill(2)),
            (
                SimTime::from_ms(95_000),
                Command::RestartTaskManager {
                    task_manager: TaskManagerId(1),
                },
            ),
        ];
        live(&mut machine, &mut sim, SimTime::from_ms(600_000), &commands);
        for target_ms in [0, 44_999, 45_000, 47_123, 100_000, 333_333, 600_000, 30_000] {
            let target = SimTime::from_ms(target_ms);
            let sought = machine.seek(target);
            let straight = machine.script(target).run(|_| {}, |_, _, _| {});
            assert_eq!(
                sought.view().trace_hash(),
                straight.view().trace_hash(),
                "seek to {target_ms} ms"
            );
            assert_eq!(
                sought.view().events_processed(),
                straight.view().events_processed()
            );
        }
    }

    #[test]
    fn acting_in_the_past_forks_and_equals_a_fresh_run() {
        let config = SimConfig::default();
        let mut sim = Sim::new(config.clone(), 4).unwrap();
        let mut machine = TimeMachine::new(config.clone(), 4, &sim);
        live(
            &mut machine,
            &mut sim,
            SimTime::from_ms(300_000),
            &[(SimTime::from_ms(200_000), kill(1))],
        );
        let past = SimTime::from_ms(120_000);
        let mut forked = machine.seek(past);
        forked.handle(kill(3)).unwrap();
        machine.act(past, kill(3));
        assert_eq!(
            machine.commands().len(),
            1,
            "the future kill at 200 s is gone"
        );
        assert_eq!(machine.forks(), &[past]);
        forked.advance_to(SimTime::from_ms(250_000));
        let fresh = machine
            .script(SimTime::from_ms(250_000))
            .run(|_| {}, |_, _, _| {});
        assert_eq!(forked.view().trace_hash(), fresh.view().trace_hash());
    }

    #[test]
    fn snapshots_stay_within_their_bound() {
        let config = SimConfig {
            source_interval: SimDuration::from_ms(10),
            ..SimConfig::default()
        };
        let mut sim = Sim::new(config.clone(), 2).unwrap();
        let mut machine = TimeMachine::new(config, 2, &sim);
        live(&mut machine, &mut sim, SimTime::from_ms(3_600_000), &[]);
        let (count, bytes) = machine.memory();
        assert!(
            count <= SNAPSHOTS_MAX && count > SNAPSHOTS_MAX / 4,
            "{count} snapshots"
        );
        assert!(bytes < 256 * 1024 * 1024, "{bytes} bytes");
        let sought = machine.seek(SimTime::from_ms(1_234_567));
        assert_eq!(sought.now(), SimTime::from_ms(1_234_567));
    }
}
