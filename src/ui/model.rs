//! The page's one owner of the simulation, and what the page keeps beside it.

use crate::driver::{Clock, EVENTS_PER_FRAME_MAX};
use crate::sim::event::{Command, Event, TimedEvent};
use crate::sim::{Sim, SimConfig, SimTime};
use crate::timeline::TimeMachine;
use std::cell::{Ref, RefCell, RefMut};
use std::collections::VecDeque;
use std::rc::Rc;

/// Events kept for the live log and the animations.
pub const EVENT_LOG_MAX: usize = 3_000;
/// Frame durations kept for the frame-time figure.
pub const FRAME_TIMES_MAX: usize = 600;
/// Timeline markers kept.
pub const MARKERS_MAX: usize = 2_000;
/// Engine events a determinism check replays per frame.
pub const VERIFY_EVENTS_PER_FRAME: u64 = 200_000;

/// What a timeline marker shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// A checkpoint completed.
    Completed,
    /// A checkpoint failed.
    Failed,
    /// The job failed over.
    Failover,
    /// Tasks were restored from a checkpoint.
    Restore,
}

/// A marker on the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marker {
    /// When.
    pub time: SimTime,
    /// What.
    pub kind: MarkerKind,
}

/// A determinism check: the run replayed from its start in the background.
pub struct Verification {
    sim: Sim,
    commands: Vec<(SimTime, Command)>,
    next: usize,
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
    /// Progress in simulated time, 0 ..= 1.
    pub fn progress(&self) -> f64 {
        self.sim.now().as_us() as f64 / self.target.as_us().max(1) as f64
    }

    fn step(&mut self, budget: u64) {
        if self.result.is_some() {
            return;
        }
        let mut spent = 0;
        while spent < budget {
            let due = self
                .commands
                .get(self.next)
                .filter(|(at, _)| *at <= self.target)
                .map(|(at, _)| *at);
            let until = due.unwrap_or(self.target);
            let (done, reached) = self.sim.advance_bounded(until, budget - spent);
            spent += done;
            if !reached {
                return;
            }
            match due {
                Some(_) => {
                    let _ = self.sim.handle(self.commands[self.next].1.clone());
                    self.next += 1;
                }
                None => {
                    self.replayed = self.sim.view().trace_hash();
                    self.result = Some(self.replayed == self.expected);
                    return;
                }
            }
        }
    }
}

/// The simulation and the page's state around it.
pub struct Model {
    /// The engine.
    pub sim: Sim,
    /// The seed the run started with.
    pub seed: u64,
    /// The configuration the run started with.
    pub config: SimConfig,
    /// Wall → simulated time.
    pub clock: Clock,
    /// Whether time advances.
    pub playing: bool,
    /// Recent events, oldest first (the live log and the animations read them).
    pub events: VecDeque<TimedEvent>,
    /// Events dropped from the front of `events` so far: event `i` of `events` has the stable
    /// id `events_dropped + i` (the live log keys and caches its lines by it).
    pub events_dropped: u64,
    /// A message to show (a refused command, invalid input, falling behind).
    pub notice: Option<String>,
    /// Whether the last frame hit the per-frame event budget (the page fell behind).
    pub behind: bool,
    /// Recent frame durations in milliseconds (performance figure).
    pub frame_times_ms: VecDeque<f64>,
    /// Write-behind persistence of checkpoints.
    pub persistence: super::persistence::Persistence,
    /// The run's log and snapshots (time travel).
    pub machine: TimeMachine,
    /// The next logged command to replay (those before it are in the simulation).
    pub replay_next: usize,
    /// Checkpoints, failovers and restores on the timeline, oldest first.
    pub markers: VecDeque<Marker>,
    /// A running or finished determinism check.
    pub verification: Option<Verification>,
    scratch: Vec<TimedEvent>,
}

impl Model {
    /// A fresh run.
    ///
    /// # Panics
    /// If `config` is invalid (callers validate user input first).
    pub fn new(config: SimConfig, seed: u64) -> Model {
        let mut sim =
            Sim::new(config.clone(), seed).expect("the page validates configurations first");
        sim.set_verbose(true);
        let (config_for_machine, sim_for_machine) = (config.clone(), sim.clone());
        Model {
            sim,
            seed,
            config,
            clock: Clock::default(),
            playing: false,
            events: VecDeque::new(),
            events_dropped: 0,
            notice: None,
            behind: false,
            frame_times_ms: VecDeque::new(),
            persistence: super::persistence::Persistence::default(),
            machine: TimeMachine::new(config_for_machine, seed, &sim_for_machine),
            replay_next: 0,
            markers: VecDeque::new(),
            verification: None,
            scratch: Vec::new(),
        }
    }

    /// Whether the simulation is at the furthest instant of its timeline (not replaying).
    pub fn at_head(&self) -> bool {
        self.sim.now() >= self.machine.head() && self.replay_next >= self.machine.commands().len()
    }

    /// Swaps in another simulation (a resumed job), keeping speed and persistence.
    pub fn replace_sim(&mut self, sim: Sim, config: SimConfig, seed: u64) {
        self.machine = TimeMachine::new(config.clone(), seed, &sim);
        self.replay_next = 0;
        self.markers.clear();
        self.verification = None;
        self.sim = sim;
        self.config = config;
        self.seed = seed;
        self.events_dropped += self.events.len() as u64;
        self.events.clear();
        self.behind = false;
        self.collect_events();
    }

    /// Starts over with `config` and `seed`, keeping speed, play state and the archive. The
    /// abandoned run's stored records are removed (a new run with the same seed reuses its job
    /// id), and the notice says so.
    pub fn reset(&mut self, config: SimConfig, seed: u64) {
        let old_job = self.sim.view().job_id().to_string();
        let had_records = !self.persistence.persisted.is_empty();
        let mut sim =
            Sim::new(config.clone(), seed).expect("the page validates configurations first");
        sim.set_verbose(true);
        self.replace_sim(sim, config, seed);
        self.persistence.persisted.clear();
        self.persistence.pending.retain(|op| {
            !matches!(
                op,
                super::persistence::ArchiveOp::PutCheckpoint(_)
                    | super::persistence::ArchiveOp::PutJob(_)
            )
        });
        if self.persistence.archive.is_some() {
            self.persistence
                .pending
                .push_back(super::persistence::ArchiveOp::ForgetJob(old_job.clone()));
            if had_records {
                self.notice = Some(format!("new run: the stored checkpoints of the previous run (job {old_job}) are being removed"));
            }
        }
    }

    /// Advances by one frame of `wall_us` wall time (nothing when paused); a running
    /// determinism check advances too.
    pub fn frame(&mut self, wall_us: u64) {
        if let Some(verification) = self.verification.as_mut() {
            verification.step(VERIFY_EVENTS_PER_FRAME);
        }
        if !self.playing {
            return;
        }
        let delta = self.clock.frame(wall_us);
        let target = self.sim.now().add(delta);
        self.behind = !self.advance_with_log(target, EVENTS_PER_FRAME_MAX);
        self.machine.observe(&self.sim);
        self.collect_events();
    }

    /// Advances to `target`, replaying logged commands on the way; false when the event budget
    /// ran out first.
    fn advance_with_log(&mut self, target: SimTime, budget: u64) -> bool {
        let mut left = budget;
        loop {
            let due = self
                .machine
                .commands()
                .get(self.replay_next)
                .filter(|(at, _)| *at <= target)
                .map(|(at, _)| *at);
            let (done, reached) = self.sim.advance_bounded(due.unwrap_or(target), left);
            left -= done;
            if !reached {
                return false;
            }
            let Some(_) = due else { return true };
            let command = self.machine.command(self.replay_next).clone();
            // It was accepted when it was first given; the same state accepts it again.
            let _ = self.sim.handle(command);
            self.replay_next += 1;
        }
    }

    /// Processes exactly one event (the Step button), applying a logged command first if it
    /// is due before that event.
    pub fn step(&mut self) {
        let next_event = self.sim.next_event_time();
        let due = self
            .machine
            .commands()
            .get(self.replay_next)
            .map(|(at, _)| *at);
        match (due, next_event) {
            (Some(at), event) if event.is_none_or(|e| at <= e) => {
                self.advance_with_log(at, u64::MAX);
            }
            _ => {
                self.sim.step();
            }
        }
        self.machine.observe(&self.sim);
        self.collect_events();
    }

    /// Runs until `stop` says so for an event, or `limit` of simulated time passes.
    pub fn step_until(&mut self, limit: SimTime, stop: impl Fn(&TimedEvent) -> bool) {
        while self.sim.next_event_time().is_some_and(|t| t <= limit) {
            if self
                .machine
                .commands()
                .get(self.replay_next)
                .is_some_and(|(at, _)| self.sim.next_event_time().is_some_and(|e| *at <= e))
            {
                let at = self.machine.commands()[self.replay_next].0;
                self.advance_with_log(at, u64::MAX);
            }
            self.sim.step();
            self.sim.drain_events(&mut self.scratch);
            let hit = self.scratch.iter().any(&stop);
            self.push_scratch();
            if hit {
                break;
            }
        }
        self.machine.observe(&self.sim);
    }

    /// Moves the cursor to `target` (clamped to the timeline): every view shows that instant.
    pub fn seek(&mut self, target: SimTime) {
        let target = target.clamp(self.machine.start(), self.machine.head());
        let mut sim = self.machine.seek(target);
        sim.set_verbose(true);
        // The journal holds the notable events up to the instant; per-record ones are gone.
        let journal: Vec<TimedEvent> = sim.view().journal().cloned().collect();
        sim.drain_events(&mut self.scratch);
        self.scratch.clear();
        self.sim = sim;
        self.replay_next = self
            .machine
            .commands()
            .iter()
            .filter(|(at, _)| *at <= target)
            .count();
        self.events_dropped += self.events.len() as u64;
        self.events = journal.into_iter().collect();
        self.behind = false;
    }

    /// Loads a run (a link or a run file): a fresh start with its commands as the recorded
    /// future, then fast-forwards to `cursor`.
    pub fn load(
        &mut self,
        config: SimConfig,
        seed: u64,
        commands: Vec<(SimTime, Command)>,
        cursor: Option<SimTime>,
    ) {
        self.reset(config, seed);
        self.machine.set_commands(commands);
        if let Some(cursor) = cursor {
            while self.sim.now() < cursor {
                let step = SimTime(self.sim.now().as_us().saturating_add(10_000_000)).min(cursor);
                self.advance_with_log(step, u64::MAX);
                self.machine.observe(&self.sim);
                self.sim.drain_events(&mut self.scratch);
                self.push_scratch();
            }
        }
    }

    /// Starts a determinism check of the run up to now.
    pub fn verify(&mut self) {
        let target = self.sim.now();
        let sim = Sim::new(self.machine.config().clone(), self.machine.seed())
            .expect("the run's configuration is valid");
        let commands = self
            .machine
            .commands()
            .iter()
            .filter(|(at, _)| *at <= target)
            .cloned()
            .collect();
        let expected = self.sim.view().trace_hash();
        self.verification = Some(Verification {
            sim,
            commands,
            next: 0,
            target,
            expected,
            result: None,
            replayed: 0,
        });
    }

    /// Applies a user command; a refusal becomes the notice. Acting in the past forks the
    /// timeline: the recorded future is discarded.
    pub fn command(&mut self, command: Command) {
        // After a Step the current instant may have unprocessed events; finish it first, so the
        // command log means "at this instant, after its events" and replays exactly.
        let now = self.sim.now();
        self.sim.advance_to(now);
        let forked = !self.at_head();
        match self.sim.handle(command.clone()) {
            Ok(()) => {
                self.notice = None;
                self.machine.act(now, command);
                self.replay_next = self.machine.commands().len();
                if forked {
                    self.markers.retain(|m| m.time <= now);
                    self.persistence.rewrite(&self.sim, js_now());
                }
            }
            Err(error) => self.notice = Some(error.0),
        }
        self.machine.observe(&self.sim);
        self.collect_events();
    }

    fn collect_events(&mut self) {
        self.sim.drain_events(&mut self.scratch);
        self.push_scratch();
    }

    fn push_scratch(&mut self) {
        // Only the timeline's furthest instant is mirrored and marked; a replay after a seek
        // repeats what is already there.
        if !self.scratch.is_empty() && self.at_head() {
            if self.persistence.archive.is_some() {
                self.persistence.observe(&self.sim, &self.scratch, js_now());
            }
            for event in &self.scratch {
                let kind = match event.event {
                    Event::CheckpointCompleted { .. } => MarkerKind::Completed,
                    Event::CheckpointFailed { .. } => MarkerKind::Failed,
                    Event::JobFailed { .. } => MarkerKind::Failover,
                    Event::JobRestored {
                        checkpoint: Some(_),
                    } => MarkerKind::Restore,
                    _ => continue,
                };
                if self.markers.len() == MARKERS_MAX {
                    self.markers.pop_front();
                }
                self.markers.push_back(Marker {
                    time: event.time,
                    kind,
                });
            }
        }
        for event in self.scratch.drain(..) {
            if self.events.len() == EVENT_LOG_MAX {
                self.events.pop_front();
                self.events_dropped += 1;
            }
            self.events.push_back(event);
        }
    }

    /// Records a frame's duration.
    pub fn record_frame_time(&mut self, ms: f64) {
        if self.frame_times_ms.len() == FRAME_TIMES_MAX {
            self.frame_times_ms.pop_front();
        }
        self.frame_times_ms.push_back(ms);
    }
}

/// A shared handle to the [`Model`]; equal when it is the same model.
#[derive(Clone)]
pub struct ModelRef(pub Rc<RefCell<Model>>);

impl PartialEq for ModelRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl ModelRef {
    /// A handle to a new model.
    pub fn new(model: Model) -> ModelRef {
        ModelRef(Rc::new(RefCell::new(model)))
    }

    /// Reads the model (while rendering).
    pub fn borrow(&self) -> Ref<'_, Model> {
        self.0.borrow()
    }

    /// Changes the model (in callbacks and the frame loop, never while rendering).
    pub fn borrow_mut(&self) -> RefMut<'_, Model> {
        self.0.borrow_mut()
    }
}

/// Wall-clock epoch milliseconds (for display stamps of stored records).
fn js_now() -> f64 {
    js_sys::Date::now()
}
