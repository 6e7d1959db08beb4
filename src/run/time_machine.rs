//! Time travel over a deterministic run: the live simulation, its command log, and retained
//! snapshots.
//!
//! A run is (seed, configuration, command log). The [`TimeMachine`] owns the live
//! [`Replay`] and clones of it taken as it advances; seeking to any instant clones the latest
//! snapshot at or before it and replays the log up to the instant. Because the engine is
//! deterministic, the result is exactly the state a straight run to that instant reaches.
//! Acting at a past instant forks: the future (later commands and snapshots) is discarded.
//!
//! Memory is bounded: at most [`SNAPSHOTS_MAX`] snapshots; when full, every other one is dropped
//! and the spacing doubles, so any seek re-simulates at most one spacing of events.

use super::file::{Predecessor, RunScript};
use super::replay::{Progress, Replay};
use crate::sim::engine::CommandError;
use crate::sim::event::{Command, TimedEvent};
use crate::sim::{Sim, SimConfig, SimDuration, SimTime};

/// Snapshots kept at most.
pub const SNAPSHOTS_MAX: usize = 128;
/// The initial spacing between snapshots, in simulated time.
pub const SPACING_TIME: SimDuration = SimDuration::from_secs(20);
/// The initial spacing between snapshots, in engine events (high-rate runs snapshot by work).
pub const SPACING_EVENTS: u64 = 100_000;

/// A retained clone of the live replay.
#[derive(Clone)]
struct Snapshot {
    at: SimTime,
    events: u64,
    replay: Replay,
    /// Its approximate size, measured once when taken (walking every channel of a p = 128 job
    /// on every frame cost the page more than the engine did).
    bytes: usize,
}

impl Snapshot {
    fn of(at: SimTime, events: u64, replay: Replay) -> Snapshot {
        let bytes = replay.sim().view().approx_heap_bytes() + std::mem::size_of::<Sim>();
        Snapshot {
            at,
            events,
            replay,
            bytes,
        }
    }
}

/// The run's live simulation, log and snapshots.
#[derive(Clone)]
pub struct TimeMachine {
    seed: u64,
    config: SimConfig,
    log: Vec<(SimTime, Command)>,
    live: Replay,
    snapshots: Vec<Snapshot>,
    spacing_time: SimDuration,
    spacing_events: u64,
    /// The furthest instant simulated on this timeline.
    head: SimTime,
    /// Instants where the timeline was forked (for the scrubber's markers).
    forks: Vec<SimTime>,
    /// The earlier run whose snapshot the job was started from.
    from: Option<Box<Predecessor>>,
}

impl TimeMachine {
    /// A fresh run of `config` with `seed` at time zero, whose recorded future is `log`
    /// (commands a link or a run file carries, replayed as the simulation reaches them).
    pub fn new(
        config: SimConfig,
        seed: u64,
        log: Vec<(SimTime, Command)>,
    ) -> Result<TimeMachine, crate::sim::config::ConfigError> {
        let sim = Sim::new(config.clone(), seed)?;
        Ok(TimeMachine::starting_from(sim, seed, log))
    }

    /// A run that starts from `sim` (a resumed job starts later than zero).
    pub fn starting_from(sim: Sim, seed: u64, mut log: Vec<(SimTime, Command)>) -> TimeMachine {
        crate::sim::order::sort_by_key(&mut log, |(at, _)| *at);
        let config = sim.view().config().clone();
        let start = sim.now();
        let live = Replay::new(sim, 0);
        TimeMachine {
            seed,
            config,
            log,
            snapshots: vec![Snapshot::of(
                start,
                live.sim().view().events_processed(),
                live.clone(),
            )],
            live,
            spacing_time: SPACING_TIME,
            spacing_events: SPACING_EVENTS,
            head: start,
            forks: Vec::new(),
            from: None,
        }
    }

    /// The run of `script` (fresh or restored from its earlier run's snapshot) at its start,
    /// with its commands as the recorded future, or why it cannot start.
    pub fn of_script(script: &RunScript) -> Result<TimeMachine, String> {
        let mut machine =
            TimeMachine::starting_from(script.start()?, script.seed, script.commands.clone());
        machine.from = script.from.clone();
        Ok(machine)
    }

    /// Records the earlier run whose snapshot the job (already restored) was started from.
    pub fn set_from(&mut self, from: Box<Predecessor>) {
        self.from = Some(from);
    }

    /// The earlier run whose snapshot the job was started from.
    pub fn from(&self) -> Option<&Predecessor> {
        self.from.as_deref()
    }

    /// The live simulation.
    pub fn sim(&self) -> &Sim {
        self.live.sim()
    }

    /// Moves the live simulation's new events into `into`.
    pub fn drain_events(&mut self, into: &mut Vec<TimedEvent>) {
        self.live.sim_mut().drain_events(into);
    }

    /// Whether per-record events reach the outbox (the page animates them).
    pub fn set_verbose(&mut self, verbose: bool) {
        self.live.sim_mut().set_verbose(verbose);
        for snapshot in &mut self.snapshots {
            snapshot.replay.sim_mut().set_verbose(verbose);
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
        &self.log
    }

    /// The furthest instant reached.
    pub fn head(&self) -> SimTime {
        self.head
    }

    /// Where the timeline was forked.
    pub fn forks(&self) -> &[SimTime] {
        &self.forks
    }

    /// The earliest instant the machine can seek to.
    pub fn start(&self) -> SimTime {
        self.snapshots[0].at
    }

    /// Whether the live simulation is at the furthest instant of its timeline with every
    /// logged command applied (not replaying the recorded future).
    pub fn at_head(&self) -> bool {
        self.sim().now() >= self.head && self.live.applied() >= self.log.len()
    }

    /// Snapshots retained and an estimate of their memory.
    pub fn memory(&self) -> (usize, usize) {
        let bytes = self.snapshots.iter().map(|s| s.bytes).sum();
        (self.snapshots.len(), bytes)
    }

    /// Advances the live simulation to `until` (at most `budget` events), replaying the logged
    /// commands due on the way.
    pub fn advance(&mut self, until: SimTime, budget: u64) -> Progress {
        let progress = self.live.advance(&self.log, until, budget);
        self.observe();
        progress
    }

    /// The next instant anything happens: the next event or the next logged command.
    pub fn next_instant(&self) -> Option<SimTime> {
        let event = self.sim().next_event_time();
        let command = self.log.get(self.live.applied()).map(|(at, _)| *at);
        match (event, command) {
            (Some(e), Some(c)) => Some(e.min(c)),
            (e, c) => e.or(c),
        }
    }

    /// One step: the next due logged command or the next event.
    pub fn step(&mut self) -> Progress {
        let (_, progress) = self.live.step(&self.log);
        self.observe();
        progress
    }

    /// Steps until `stop` accepts one of the events a step produced, or the next event lies
    /// beyond `limit`. The events go to `into`.
    pub fn step_until(
        &mut self,
        limit: SimTime,
        into: &mut Vec<TimedEvent>,
        mut stop: impl FnMut(&TimedEvent) -> bool,
    ) -> Progress {
        let mut progress = Progress::default();
        while self.sim().next_event_time().is_some_and(|t| t <= limit) {
            let from = into.len();
            let (_, step) = self.live.step(&self.log);
            progress.events += step.events;
            progress.refused.extend(step.refused);
            self.live.sim_mut().drain_events(into);
            if into[from..].iter().any(&mut stop) {
                break;
            }
        }
        progress.reached = true;
        self.observe();
        progress
    }

    /// Records that the live simulation moved; takes a snapshot when one spacing of time or
    /// work has passed since the last one.
    fn observe(&mut self) {
        let now = self.sim().now();
        self.head = self.head.max(now);
        let last = self.snapshots.last().expect("the start is always kept");
        let events = self.sim().view().events_processed();
        let due =
            now >= last.at.add(self.spacing_time) || events >= last.events + self.spacing_events;
        if due && now > last.at {
            self.snapshots
                .push(Snapshot::of(now, events, self.live.clone()));
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

    /// Applies a user's command at the live instant: the instant's events and due logged
    /// commands first, so the log means "at this instant, after its events" and replays
    /// exactly. Acting before the head forks the timeline: later logged commands and
    /// snapshots are dropped. Returns whether it forked; a refused command changes nothing.
    pub fn act(&mut self, command: Command) -> Result<bool, CommandError> {
        let now = self.sim().now();
        self.live.advance(&self.log, now, u64::MAX);
        let forked = !self.at_head();
        let position = self.live.applied();
        // A refused command changes nothing (the engine refuses before it acts).
        self.live.apply_given(command.clone())?;
        if forked {
            self.log.truncate(position);
            self.snapshots.retain(|s| s.at <= now);
            self.head = now;
            self.forks.push(now);
        }
        self.log.push((now, command));
        self.observe();
        Ok(forked)
    }

    /// Moves the live simulation to `target` (clamped to the timeline): the latest snapshot at
    /// or before it, replayed with the log.
    pub fn seek(&mut self, target: SimTime) -> Progress {
        let target = target.clamp(self.start(), self.head);
        let snapshot = self
            .snapshots
            .iter()
            .rev()
            .find(|s| s.at <= target)
            .expect("the start is always kept");
        let mut replay = snapshot.replay.clone();
        let progress = replay.advance(&self.log, target, u64::MAX);
        self.live = replay;
        progress
    }

    /// A run script of the timeline up to `until`.
    pub fn script(&self, until: SimTime) -> RunScript {
        RunScript {
            seed: self.seed,
            config: self.config.clone(),
            commands: self
                .log
                .iter()
                .filter(|(at, _)| *at <= until)
                .cloned()
                .collect(),
            until,
            from: self.from.clone(),
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

    /// Drives a live run the way the page does: frames, applying commands at their instants.
    fn live(machine: &mut TimeMachine, until: SimTime, commands: &[(SimTime, Command)]) {
        let mut pending = commands.iter().peekable();
        while machine.sim().now() < until {
            let frame = SimTime(machine.sim().now().as_us() + 1_700_000).min(until);
            if let Some((at, command)) = pending.peek().filter(|(at, _)| *at <= frame) {
                machine.advance(*at, u64::MAX);
                machine.act(command.clone()).unwrap();
                pending.next();
            } else {
                machine.advance(frame, u64::MAX);
            }
        }
    }

    fn straight(machine: &TimeMachine, target: SimTime) -> Sim {
        machine.script(target).run(|_| {}).0
    }

    #[test]
    fn seeking_anywhere_equals_running_straight_there() {
        let mut machine = TimeMachine::new(SimConfig::default(), 9, Vec::new()).unwrap();
        let commands = [
            (SimTime::from_ms(45_000), kill(2)),
            (
                SimTime::from_ms(95_000),
                Command::RestartTaskManager {
                    task_manager: TaskManagerId(1),
                },
            ),
        ];
        live(&mut machine, SimTime::from_ms(600_000), &commands);
        for target_ms in [0, 44_999, 45_000, 47_123, 100_000, 333_333, 600_000, 30_000] {
            let target = SimTime::from_ms(target_ms);
            machine.seek(target);
            let straight = straight(&machine, target);
            assert_eq!(
                machine.sim().view().trace_hash(),
                straight.view().trace_hash(),
                "seek to {target_ms} ms"
            );
            assert_eq!(
                machine.sim().view().events_processed(),
                straight.view().events_processed()
            );
        }
    }

    #[test]
    fn a_recorded_future_replays_and_a_refused_command_keeps_its_place() {
        let log = vec![
            (
                SimTime::from_ms(10_000),
                Command::RestartTaskManager {
                    task_manager: TaskManagerId(0),
                },
            ),
            (SimTime::from_ms(45_000), kill(2)),
        ];
        let mut machine = TimeMachine::new(SimConfig::default(), 5, log.clone()).unwrap();
        let progress = machine.advance(SimTime::from_ms(120_000), u64::MAX);
        assert_eq!(progress.refused.len(), 1, "restarting a live TaskManager");
        assert!(machine.at_head());
        // Seeking to before and after the refused command replays it the same way.
        for target in [5_000, 10_000, 30_000, 90_000] {
            machine.seek(SimTime::from_ms(target));
            assert_eq!(
                machine.sim().view().trace_hash(),
                straight(&machine, SimTime::from_ms(target))
                    .view()
                    .trace_hash()
            );
        }
        assert_eq!(machine.commands(), &log[..]);
    }

    #[test]
    fn acting_in_the_past_forks_and_equals_a_fresh_run() {
        let mut machine = TimeMachine::new(SimConfig::default(), 4, Vec::new()).unwrap();
        live(
            &mut machine,
            SimTime::from_ms(300_000),
            &[(SimTime::from_ms(200_000), kill(1))],
        );
        let past = SimTime::from_ms(120_000);
        machine.seek(past);
        assert!(machine.act(kill(3)).unwrap(), "acting in the past forks");
        assert_eq!(
            machine.commands(),
            &[(past, kill(3))],
            "the future kill at 200 s is gone"
        );
        assert_eq!(machine.forks(), &[past]);
        machine.advance(SimTime::from_ms(250_000), u64::MAX);
        let fresh = straight(&machine, SimTime::from_ms(250_000));
        assert_eq!(machine.sim().view().trace_hash(), fresh.view().trace_hash());
    }

    #[test]
    fn a_refused_act_changes_nothing() {
        let mut machine = TimeMachine::new(SimConfig::default(), 4, Vec::new()).unwrap();
        machine.advance(SimTime::from_ms(20_000), u64::MAX);
        let before = machine.sim().view().trace_hash();
        let refused = machine.act(Command::RestartTaskManager {
            task_manager: TaskManagerId(0),
        });
        assert!(refused.is_err());
        assert!(machine.commands().is_empty());
        assert_eq!(machine.sim().view().trace_hash(), before);
    }

    #[test]
    fn acting_at_an_instant_with_logged_commands_applies_them_first() {
        let at = SimTime::from_ms(30_000);
        let mut machine = TimeMachine::new(SimConfig::default(), 2, vec![(at, kill(1))]).unwrap();
        machine.advance(at, u64::MAX);
        machine.seek(at);
        machine.act(kill(2)).unwrap();
        assert_eq!(machine.commands(), &[(at, kill(1)), (at, kill(2))]);
        assert!(!machine.sim().view().task_managers()[0].is_alive());
        assert!(!machine.sim().view().task_managers()[1].is_alive());
    }

    #[test]
    fn snapshots_stay_within_their_bound() {
        let config = SimConfig {
            source_interval: SimDuration::from_ms(10),
            ..SimConfig::default()
        };
        let mut machine = TimeMachine::new(config, 2, Vec::new()).unwrap();
        live(&mut machine, SimTime::from_ms(3_600_000), &[]);
        let (count, bytes) = machine.memory();
        assert!(
            count <= SNAPSHOTS_MAX && count > SNAPSHOTS_MAX / 4,
            "{count} snapshots"
        );
        assert!(bytes < 256 * 1024 * 1024, "{bytes} bytes");
        machine.seek(SimTime::from_ms(1_234_567));
        assert_eq!(machine.sim().now(), SimTime::from_ms(1_234_567));
    }
}
