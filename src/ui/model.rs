//! The page's one owner of the simulation, and what the page keeps beside it.

use crate::driver::{Clock, EVENTS_PER_FRAME_MAX};
use crate::sim::event::{Command, TimedEvent};
use crate::sim::{Sim, SimConfig, SimTime};
use std::cell::{Ref, RefCell, RefMut};
use std::collections::VecDeque;
use std::rc::Rc;

/// Events kept for the live log and the animations.
pub const EVENT_LOG_MAX: usize = 3_000;
/// Frame durations kept for the frame-time figure.
pub const FRAME_TIMES_MAX: usize = 600;

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
            scratch: Vec::new(),
        }
    }

    /// Swaps in another simulation (a resumed job), keeping speed and persistence.
    pub fn replace_sim(&mut self, sim: Sim, config: SimConfig, seed: u64) {
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

    /// Advances by one frame of `wall_us` wall time (nothing when paused).
    pub fn frame(&mut self, wall_us: u64) {
        if !self.playing {
            return;
        }
        let delta = self.clock.frame(wall_us);
        let target = self.sim.now().add(delta);
        let (_, reached) = self.sim.advance_bounded(target, EVENTS_PER_FRAME_MAX);
        self.behind = !reached;
        self.collect_events();
    }

    /// Processes exactly one event (the Step button).
    pub fn step(&mut self) {
        self.sim.step();
        self.collect_events();
    }

    /// Runs until `stop` says so for an event, or `limit` of simulated time passes.
    pub fn step_until(&mut self, limit: SimTime, stop: impl Fn(&TimedEvent) -> bool) {
        while self.sim.next_event_time().is_some_and(|t| t <= limit) {
            self.sim.step();
            self.sim.drain_events(&mut self.scratch);
            let hit = self.scratch.iter().any(&stop);
            self.push_scratch();
            if hit {
                return;
            }
        }
    }

    /// Applies a user command; a refusal becomes the notice.
    pub fn command(&mut self, command: Command) {
        // After a Step the current instant may have unprocessed events; finish it first, so the
        // command log means "at this instant, after its events" and replays exactly.
        let now = self.sim.now();
        self.sim.advance_to(now);
        match self.sim.handle(command) {
            Ok(()) => self.notice = None,
            Err(error) => self.notice = Some(error.0),
        }
        self.collect_events();
    }

    fn collect_events(&mut self) {
        self.sim.drain_events(&mut self.scratch);
        self.push_scratch();
    }

    fn push_scratch(&mut self) {
        if !self.scratch.is_empty() && self.persistence.archive.is_some() {
            let now = js_sys::Date::now();
            self.persistence.observe(&self.sim, &self.scratch, now);
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
