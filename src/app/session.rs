//! The page's state machine: the run (a [`TimeMachine`]), what the page keeps beside it, and
//! one [`Session::apply`] for every [`Action`].
//!
//! Nothing here touches the browser: wall time comes in as an argument (the frame's timestamp,
//! a wall clock for stored records' stamps), archive work goes out through the [`Mirror`] and
//! comes back as actions, downloads and the clipboard go out as [`Effect`]s. So the whole page
//! logic runs and is tested natively.

use super::action::{Action, Effect, Outcome, Redraw, RestoreRequest, Stop, Tab};
use super::clock::{Clock, EVENTS_PER_FRAME_MAX};
use super::lang::Lang;
use super::mirror::{ArchiveOp, Mirror};
use super::motion::RecordSampler;
use super::url::UrlOptions;
use super::verification::{Verification, VERIFY_EVENTS_PER_FRAME};
use crate::run::file::{Predecessor, LINEAGE_MAX};
use crate::run::replay::Progress;
use crate::run::speed::parse_speed;
use crate::run::{RunScript, TimeMachine};
use crate::sim::event::{Command, Event, TimedEvent};
use crate::sim::{Sim, SimConfig, SimDuration, SimTime};
use std::collections::VecDeque;

mod compare;
mod talk;

pub use compare::{CommandTarget, CompareMode};
pub use talk::{TalkMode, TalkMove, BOOKMARKS_MAX};

/// Events kept for the live log and the animations.
pub const EVENT_LOG_MAX: usize = 3_000;
/// Frame durations kept for the frame-time figure.
pub const FRAME_TIMES_MAX: usize = 600;
/// Timeline markers kept.
pub const MARKERS_MAX: usize = 2_000;
/// Wall milliseconds between refreshes of the tables and logs while playing (Flink's own UI
/// refreshes every 3 s; twice a second keeps the page live while frames stay within budget).
pub const SLOW_REFRESH_MS: f64 = 500.0;
/// Largest run file the page imports.
pub const IMPORT_BYTES_MAX: usize = 16 * 1024 * 1024;
/// How far *Next barrier* and *Next checkpoint* look ahead.
pub const STEP_UNTIL_LIMIT: SimDuration = SimDuration::from_secs(3_600);

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
    /// A savepoint completed.
    Savepoint,
    /// The job was started from a savepoint or retained checkpoint.
    Started,
}

/// A marker on the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marker {
    /// When.
    pub time: SimTime,
    /// What.
    pub kind: MarkerKind,
}

/// What the page shows around the simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewState {
    /// Interface language.
    pub lang: Lang,
    /// The open dashboard tab.
    pub tab: Tab,
    /// Whether the keyboard help is open.
    pub help: bool,
    /// Whether this window is a talk's presenter view (notes, next step, clock).
    pub presenter: bool,
}

/// The session.
pub struct Session {
    /// The sink output verifier's cache (it scans the source's stream once per key).
    output: crate::sim::sink::OutputReference,
    /// Its verdict for the current instant (sinks other than print only).
    verdict: crate::sim::sink::OutputVerdict,
    machine: TimeMachine,
    clock: Clock,
    playing: bool,
    /// Recent events, oldest first.
    events: VecDeque<TimedEvent>,
    /// Events dropped from the front of `events` so far: event `i` has the stable id
    /// `events_dropped + i`.
    events_dropped: u64,
    notice: Option<String>,
    behind: bool,
    frame_times_ms: VecDeque<f64>,
    last_frame_ms: Option<f64>,
    last_slow_ms: f64,
    mirror: Mirror,
    markers: VecDeque<Marker>,
    verification: Option<Verification>,
    view: ViewState,
    link: Option<String>,
    sampler: RecordSampler,
    resume_ms: Option<f64>,
    scratch: Vec<TimedEvent>,
    talk: Option<TalkMode>,
    compare: Option<CompareMode>,
    /// The ready-made comparisons: built in natively, fetched by the page when it starts.
    comparisons: Option<std::rc::Rc<[crate::run::talk::Comparison]>>,
    /// A comparison link waiting for them: its id, the commands of both runs, the cursor.
    pending_compare: Option<PendingCompare>,
    bookmarks: VecDeque<SimTime>,
    /// Digits typed in talk mode before Enter (a step number to jump to).
    digits: String,
}

/// A comparison link waiting for the comparisons: id, both runs' commands, cursor.
type PendingCompare = (String, Vec<(SimTime, Command)>, Option<SimTime>);

fn fresh_machine(config: SimConfig, seed: u64, log: Vec<(SimTime, Command)>) -> TimeMachine {
    let mut machine =
        TimeMachine::new(config, seed, log).expect("the page validates configurations first");
    machine.set_verbose(true);
    machine
}

impl Session {
    /// A fresh run of `config` with `seed`.
    ///
    /// # Panics
    /// If `config` is invalid (callers validate user input first).
    pub fn new(config: SimConfig, seed: u64) -> Session {
        Session {
            machine: fresh_machine(config, seed, Vec::new()),
            clock: Clock::default(),
            playing: false,
            events: VecDeque::new(),
            output: crate::sim::sink::OutputReference::default(),
            verdict: crate::sim::sink::OutputVerdict::default(),
            events_dropped: 0,
            notice: None,
            behind: false,
            frame_times_ms: VecDeque::new(),
            last_frame_ms: None,
            last_slow_ms: f64::NEG_INFINITY,
            mirror: Mirror::default(),
            markers: VecDeque::new(),
            verification: None,
            view: ViewState {
                lang: Lang::En,
                tab: Tab::Overview,
                help: false,
                presenter: false,
            },
            link: None,
            sampler: RecordSampler::default(),
            resume_ms: None,
            scratch: Vec::new(),
            talk: None,
            compare: None,
            comparisons: crate::run::talk::comparisons().map(|(list, _)| list.into()),
            pending_compare: None,
            bookmarks: VecDeque::new(),
            digits: String::new(),
        }
    }

    /// The run a URL describes, at its cursor, with its speed, autoplay and language; what the
    /// URL got wrong becomes the notice.
    pub fn from_url(options: &UrlOptions) -> Session {
        let run = &options.run;
        let mut session = Session::new(run.config.clone(), run.seed);
        // Nothing is mirrored yet (the archive opens later), so no wall stamp is stored.
        session.load(
            RunScript {
                seed: run.seed,
                config: run.config.clone(),
                commands: run.commands.clone(),
                until: SimTime::ZERO,
                from: run.from.clone(),
            },
            run.cursor,
            0.0,
        );
        session.clock.set_speed_milli(run.speed_milli);
        session.playing = run.autoplay;
        session.view.lang = options.lang;
        session.view.presenter = options.presenter;
        if let Some(id) = &options.compare {
            // A comparison's link: its id, the commands given to both runs, the cursor (opened
            // once the page has fetched the comparisons).
            session.pending_compare = Some((id.clone(), run.commands.clone(), run.cursor));
            session.open_pending_compare();
        }
        // The page fetches the study talk first (it is not in the bundle) and opens it then.
        // (In the browser, the edge fetches it and opens it once it arrives.)
        let study = options.talk.as_deref() == Some(crate::run::talk::STUDY_ID);
        if study {
            if crate::run::talk::study_text().is_some() {
                session.open_talk(None, options.step.as_deref(), &|| 0.0);
            }
        } else if let Some(other) = &options.talk {
            session.notice = Some(format!(
                "there is no talk '{other}' in the page; the study talk is '{}' (load your own with Open a talk)",
                crate::run::talk::STUDY_ID
            ));
        }
        let mut problems = run.problems.clone();
        problems.extend(session.notice.take());
        if !problems.is_empty() {
            session.notice = Some(problems.join("; "));
        }
        session
    }

    // ---- Reading ----

    /// The live simulation.
    pub fn sim(&self) -> &Sim {
        self.machine.sim()
    }

    /// The sink output verifier's verdict at the current instant (sinks other than print).
    pub fn output_verdict(&self) -> &crate::sim::sink::OutputVerdict {
        &self.verdict
    }

    /// The run's timeline.
    pub fn machine(&self) -> &TimeMachine {
        &self.machine
    }

    /// The wall → simulated clock (its speed).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Whether time advances.
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// Recent events, oldest first, and the stable id of the first.
    pub fn events(&self) -> (&VecDeque<TimedEvent>, u64) {
        (&self.events, self.events_dropped)
    }

    /// The message to show (a refused command, invalid input, what a resume skipped).
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Whether the last frame hit the per-frame event budget (the page fell behind).
    pub fn behind(&self) -> bool {
        self.behind
    }

    /// Recent frame durations in milliseconds.
    pub fn frame_times_ms(&self) -> &VecDeque<f64> {
        &self.frame_times_ms
    }

    /// Whether the run on screen is the user's job, mirrored to the archive (a talk's scenes
    /// and a comparison's runs are not).
    fn mirroring(&self) -> bool {
        self.talk.is_none() && self.compare.is_none()
    }

    /// The persistence mirror.
    pub fn mirror(&self) -> &Mirror {
        &self.mirror
    }

    /// Checkpoints, failovers and restores on the timeline, oldest first.
    pub fn markers(&self) -> &VecDeque<Marker> {
        &self.markers
    }

    /// A running or finished determinism check.
    pub fn verification(&self) -> Option<&Verification> {
        self.verification.as_ref()
    }

    /// Language, tab, help.
    pub fn view(&self) -> ViewState {
        self.view
    }

    /// Digits typed toward a step number (talk mode).
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// The last shared link.
    pub fn link(&self) -> Option<&str> {
        self.link.as_deref()
    }

    /// The dataflow's sampled record emissions.
    pub fn sampler(&self) -> &RecordSampler {
        &self.sampler
    }

    /// How long the last resume took (wall ms).
    pub fn resume_ms(&self) -> Option<f64> {
        self.resume_ms
    }

    /// The mirror's next batch for the browser edge to perform.
    pub fn take_batch(&mut self) -> Option<super::mirror::Batch> {
        self.mirror.take_batch()
    }

    /// The link of the run at the cursor: `base` (the page's address without query) and the
    /// query.
    pub fn share_link(&self, base: &str) -> String {
        if let Some(link) = self.compare_link() {
            return format!("{base}?{link}");
        }
        let query = crate::run::link::encode(
            self.machine.seed(),
            self.machine.config(),
            self.machine.commands(),
            Some(self.sim().now()),
            self.clock.speed_milli(),
            self.machine.from(),
        );
        format!("{base}?{query}")
    }

    // ---- Acting ----

    /// Applies one action. `wall_ms` is the wall clock (epoch milliseconds), read for stored
    /// records' stamps and the resume time.
    pub fn apply(&mut self, action: Action, wall_ms: &dyn Fn() -> f64) -> Outcome {
        let mut effects = Vec::new();
        let redraw = match action {
            Action::Frame { timestamp_ms } => return self.frame(timestamp_ms, wall_ms),
            Action::Play => {
                self.playing = true;
                Redraw::All
            }
            Action::Pause => {
                self.playing = false;
                self.sync_other();
                Redraw::All
            }
            Action::TogglePlay => {
                self.playing = !self.playing;
                self.sync_other();
                Redraw::All
            }
            Action::Step => {
                self.playing = false;
                let progress = self.machine.step();
                self.after_advance(progress, wall_ms());
                self.sync_other();
                Redraw::All
            }
            Action::StepUntil(stop) => {
                self.playing = false;
                let limit = self.sim().now().add(STEP_UNTIL_LIMIT);
                let mut scratch = std::mem::take(&mut self.scratch);
                let progress = self
                    .machine
                    .step_until(limit, &mut scratch, |e| match stop {
                        Stop::Barrier => matches!(
                            e.event,
                            Event::BarrierInjected { .. } | Event::BarrierReceived { .. }
                        ),
                        Stop::Checkpoint => matches!(e.event, Event::CheckpointCompleted { .. }),
                    });
                self.scratch = scratch;
                self.report(&progress);
                self.push_scratch(wall_ms());
                self.sync_other();
                Redraw::All
            }
            Action::Reset => {
                let (config, seed) = (self.machine.config().clone(), self.machine.seed());
                self.reset(config, seed, wall_ms());
                Redraw::All
            }
            Action::SetSeed(text) => {
                match text.trim().parse::<u64>() {
                    Ok(seed) => {
                        let config = self.machine.config().clone();
                        self.reset(config, seed, wall_ms());
                    }
                    Err(_) => {
                        self.notice = Some(format!(
                            "seed '{text}' is not a whole number between 0 and {}; the run keeps seed {}",
                            u64::MAX,
                            self.machine.seed()
                        ))
                    }
                }
                Redraw::All
            }
            Action::SetSpeed(text) => {
                match parse_speed(&text) {
                    Ok(speed) => self.clock.set_speed_milli(speed),
                    Err(problem) => self.notice = Some(problem),
                }
                Redraw::All
            }
            Action::Seek(target) => {
                self.seek(target);
                Redraw::All
            }
            Action::Verify => {
                self.verify();
                Redraw::All
            }
            Action::Command(command) => {
                self.command(command, wall_ms());
                Redraw::All
            }
            Action::ApplyConfig(config) => {
                match config.validate() {
                    Ok(()) => {
                        let seed = self.machine.seed();
                        self.reset(*config, seed, wall_ms());
                    }
                    Err(error) => self.notice = Some(format!("configuration refused: {error}")),
                }
                Redraw::All
            }
            Action::RestoreJob(request) => {
                self.restore_job(*request, wall_ms());
                Redraw::All
            }
            Action::Import(text) => {
                self.import(text, wall_ms());
                Redraw::All
            }
            Action::ShareLink { base } => {
                let link = self.share_link(&base);
                if self.logs_differ() {
                    self.notice = Some(
                        "the link carries the left run's commands for both runs; commands given to one run only are not in it"
                            .to_string(),
                    );
                }
                effects.push(Effect::CopyText(link.clone()));
                self.link = Some(link);
                Redraw::All
            }
            Action::ExportRun => {
                // In compare mode both runs are exported: the right one first, the left below.
                if let Some(compare) = self.compare.as_ref() {
                    let script = compare.other_machine().script(self.sim().now());
                    effects.push(Effect::Download {
                        file_name: format!(
                            "flinkscope-{}-right-{}ms.json",
                            compare.comparison().id,
                            script.until.as_ms()
                        ),
                        json: serde_json::to_string(&script.to_file())
                            .expect("a run file always serialises"),
                    });
                }
                let script = self.machine.script(self.sim().now());
                effects.push(Effect::Download {
                    file_name: format!(
                        "flinkscope-seed{}-{}ms.json",
                        script.seed,
                        script.until.as_ms()
                    ),
                    json: serde_json::to_string(&script.to_file())
                        .expect("a run file always serialises"),
                });
                Redraw::Nothing
            }
            Action::DownloadCheckpoint(key) => {
                match self.stored_metadata(&key) {
                    Some(metadata) => effects.push(Effect::Download {
                        file_name: if metadata.is_savepoint() {
                            let name = metadata
                                .external_path
                                .rsplit('/')
                                .next()
                                .unwrap_or("savepoint");
                            format!("{name}-_metadata.json")
                        } else {
                            format!("chk-{}-_metadata.json", metadata.checkpoint_id)
                        },
                        json: serde_json::to_string(&metadata).expect("metadata always serialises"),
                    }),
                    None => self.notice = Some(format!("{key} is no longer stored")),
                }
                Redraw::All
            }
            Action::DismissNotice => {
                self.notice = None;
                Redraw::All
            }
            Action::Notify(message) => {
                self.notice = Some(message);
                Redraw::All
            }
            Action::Resume => {
                self.resume(wall_ms);
                Redraw::All
            }
            Action::StartFresh { delete_records } => {
                self.start_fresh(delete_records, wall_ms());
                Redraw::All
            }
            Action::DeleteStored(key) => {
                self.mirror.request(ArchiveOp::Discard(key));
                Redraw::All
            }
            Action::ClearStored => {
                self.mirror.request(ArchiveOp::Clear);
                Redraw::All
            }
            Action::ArchiveOpened { state, listing } => {
                self.mirror.opened(state, listing);
                if !self.mirroring() {
                    // A talk or a comparison is not the user's job: the stored one stays stored
                    // (the storage browser lists it) and is not offered over the talk.
                    self.mirror.take_offer();
                } else if self.mirror.offer().is_some() {
                    self.playing = false; // the user chooses first
                } else {
                    self.mirror.save_job(self.machine.sim(), wall_ms());
                }
                Redraw::All
            }
            Action::BatchDone {
                batch,
                outcome,
                listing,
            } => {
                let failed = outcome.is_err();
                let job = self.sim().view().job_id().to_string();
                self.mirror.batch_done(&batch, outcome, listing, &job);
                // While playing, the periodic refresh of the tables shows the new marks: a
                // refresh per drained batch re-rendered every table about ten times a second
                // at 100× and pushed the frame time p95 from 16.7 to 33 ms.
                if failed || (self.mirror.pending().is_empty() && !self.playing) {
                    Redraw::All
                } else {
                    Redraw::Nothing
                }
            }
            Action::TextLoaded => Redraw::All,
            Action::SetLang(lang) => {
                self.view.lang = lang;
                Redraw::All
            }
            Action::SelectTab(tab) => {
                self.view.tab = tab;
                Redraw::All
            }
            Action::ToggleHelp => {
                self.view.help = !self.view.help;
                Redraw::All
            }
            Action::CloseHelp => {
                self.view.help = false;
                Redraw::All
            }
            Action::OpenTalk { text, step } => {
                self.open_talk(text, step.as_deref(), wall_ms);
                Redraw::All
            }
            Action::Talk(to) => {
                self.digits.clear();
                self.move_talk(to, wall_ms);
                Redraw::All
            }
            Action::TalkDigit(digit) => {
                if self.talk.is_some() && self.digits.len() < 4 {
                    self.digits.push(digit);
                }
                Redraw::All
            }
            Action::TalkJump => {
                let typed = std::mem::take(&mut self.digits);
                match typed.parse::<usize>() {
                    Ok(n) if n >= 1 => self.move_talk(TalkMove::Index(n - 1), wall_ms),
                    _ => {}
                }
                Redraw::All
            }
            Action::ToggleBlank => {
                self.toggle_blank();
                Redraw::All
            }
            Action::TalkFollow { talk, index, blank } => {
                if self.talk.as_ref().is_some_and(|m| m.talk().id == talk) {
                    self.follow(index, blank, wall_ms);
                }
                Redraw::All
            }
            Action::LeaveTalk => {
                self.leave_talk();
                Redraw::All
            }
            Action::Bookmark => {
                self.bookmark();
                Redraw::All
            }
            Action::RecordTalk => {
                match self.record_talk() {
                    Ok(json) => {
                        effects.push(Effect::Download {
                            file_name: format!("flinkscope-talk-seed{}.json", self.machine.seed()),
                            json: json.clone(),
                        });
                        self.open_talk(Some(Ok(json)), None, wall_ms);
                    }
                    Err(problem) => self.notice = Some(problem),
                }
                Redraw::All
            }
            Action::OpenCompare(id) => {
                self.open_compare(&id, wall_ms());
                Redraw::All
            }
            Action::ComparisonsLoaded(text) => {
                self.comparisons_loaded(text);
                Redraw::All
            }
            Action::LeaveCompare => {
                self.leave_compare();
                Redraw::All
            }
            Action::SetCommandTarget(target) => {
                self.set_command_target(target);
                Redraw::All
            }
            Action::PrintHandout => {
                self.resolve_all(wall_ms);
                effects.push(Effect::Print);
                Redraw::All
            }
        };
        Outcome { redraw, effects }
    }

    /// One animation frame at `timestamp_ms` (the frame clock's milliseconds).
    fn frame(&mut self, timestamp_ms: f64, wall_ms: &dyn Fn() -> f64) -> Outcome {
        let previous = self.last_frame_ms.replace(timestamp_ms);
        let Some(previous) = previous else {
            return Outcome::default();
        };
        let elapsed_ms = (timestamp_ms - previous).max(0.0);
        if self.talk.is_some() {
            self.tick_talk_clock(wall_ms());
        }
        if self.frame_times_ms.len() == FRAME_TIMES_MAX {
            self.frame_times_ms.pop_front();
        }
        self.frame_times_ms.push_back(elapsed_ms);
        let verifying = self
            .verification
            .as_ref()
            .is_some_and(Verification::running);
        if let Some(verification) = self.verification.as_mut() {
            verification.step(VERIFY_EVENTS_PER_FRAME);
        }
        if self.playing {
            let delta = self.clock.frame((elapsed_ms * 1_000.0) as u64);
            let mut target = self.sim().now().add(delta);
            let stop = self.talk_stop_due();
            if let Some(stop) = stop {
                target = target.min(stop);
            }
            // Compare mode splits the frame's event budget between the two runs; while the
            // right one lags (it ran out of budget), the left one waits for it.
            let comparing = self.compare.is_some();
            let budget = if comparing {
                EVENTS_PER_FRAME_MAX / 2
            } else {
                EVENTS_PER_FRAME_MAX
            };
            let progress = if self.other_lags() {
                Progress::default()
            } else {
                self.machine.advance(target, budget)
            };
            let now = wall_ms();
            let left_reached = progress.reached;
            self.after_advance(progress, now);
            let right_reached = self.sync_other_within(budget);
            self.behind = !(left_reached && right_reached);
            if stop.is_some_and(|stop| self.sim().now() >= stop) {
                self.playing = false;
                if let Some(mode) = self.talk.as_mut() {
                    mode.stop_at = None;
                }
            }
            if self.mirror.is_open() && self.mirroring() {
                self.mirror.save_job_if_due(self.machine.sim(), now);
            }
        }
        let presenting = self.talk.is_some() && self.view.presenter;
        if !(self.playing || verifying || presenting) {
            return Outcome::default();
        }
        let slow = timestamp_ms - self.last_slow_ms >= SLOW_REFRESH_MS;
        if slow {
            self.last_slow_ms = timestamp_ms;
        }
        Outcome {
            redraw: if slow { Redraw::All } else { Redraw::Animation },
            effects: Vec::new(),
        }
    }

    /// Reports refused commands of a replay and takes in the new events.
    fn after_advance(&mut self, progress: Progress, now_ms: f64) {
        self.report(&progress);
        self.collect_events(now_ms);
    }

    fn report(&mut self, progress: &Progress) {
        if !progress.refused.is_empty() {
            let text: Vec<String> = progress.refused.iter().map(ToString::to_string).collect();
            self.notice = Some(text.join("; "));
        }
    }

    /// Takes in the live simulation's new events.
    fn collect_events(&mut self, now_ms: f64) {
        self.machine.drain_events(&mut self.scratch);
        self.push_scratch(now_ms);
        let sim = self.machine.sim();
        if crate::sim::sink::OTHER_SINKS
            && sim.view().config().sink != crate::sim::sink::SinkKind::Print
        {
            self.verdict = self.output.verdict(sim);
        }
    }

    /// Moves the collected events into the log, the markers, the sampler and the mirror.
    fn push_scratch(&mut self, now_ms: f64) {
        if self.scratch.is_empty() {
            return;
        }
        self.sampler.update(
            self.machine.sim().view().graph(),
            &self.scratch,
            self.clock.speed_milli(),
        );
        // Only the timeline's furthest instant is mirrored and marked; a replay after a seek
        // repeats what is already there.
        if self.machine.at_head() {
            if self.mirroring() {
                self.mirror
                    .observe(self.machine.sim(), &self.scratch, now_ms);
            }
            for event in &self.scratch {
                let kind = match event.event {
                    Event::CheckpointCompleted { .. } => MarkerKind::Completed,
                    Event::SavepointCompleted { .. } => MarkerKind::Savepoint,
                    Event::CheckpointFailed { .. } => MarkerKind::Failed,
                    Event::JobFailed { .. } => MarkerKind::Failover,
                    Event::JobRestored {
                        checkpoint: Some(_),
                    } => MarkerKind::Restore,
                    Event::StartedFromSnapshot { .. } => MarkerKind::Started,
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

    /// Swaps in another timeline (a reset, a resume, a load), keeping speed and persistence.
    fn replace_machine(&mut self, machine: TimeMachine, now_ms: f64) {
        self.machine = machine;
        self.markers.clear();
        self.verification = None;
        self.sampler.clear();
        self.events_dropped += self.events.len() as u64;
        self.events.clear();
        self.behind = false;
        self.collect_events(now_ms);
    }

    /// Starts over with `config` and `seed`, keeping speed, play state and the archive.
    fn reset(&mut self, config: SimConfig, seed: u64, now_ms: f64) {
        self.start_run(config, seed, Vec::new(), now_ms);
    }

    /// A new run of `config` and `seed` whose recorded future is `log`. The abandoned run's
    /// stored records are removed (a new run with the same seed reuses its job id), and the
    /// notice says so.
    fn start_run(
        &mut self,
        config: SimConfig,
        seed: u64,
        log: Vec<(SimTime, Command)>,
        now_ms: f64,
    ) {
        self.start_machine(fresh_machine(config, seed, log), now_ms);
    }

    /// [`Session::start_run`] with the timeline already made.
    fn start_machine(&mut self, machine: TimeMachine, now_ms: f64) {
        let old_job = self.sim().view().job_id().to_string();
        self.leave_talk();
        self.compare = None;
        self.replace_machine(machine, now_ms);
        if self.mirror.forget_run(&old_job) {
            self.notice = Some(format!(
                "new run: the stored checkpoints of the previous run (job {old_job}) are being removed"
            ));
        }
    }

    /// Loads a run (a link or a run file): a fresh start with its commands as the recorded
    /// future, then fast-forwards to `cursor`.
    fn load(&mut self, script: RunScript, cursor: Option<SimTime>, now_ms: f64) {
        match &script.from {
            None => self.start_run(script.config, script.seed, script.commands, now_ms),
            Some(_) => match TimeMachine::of_script(&script) {
                Ok(mut machine) => {
                    machine.set_verbose(true);
                    self.start_machine(machine, now_ms);
                }
                Err(problem) => {
                    self.start_run(script.config, script.seed, script.commands, now_ms);
                    self.notice = Some(format!(
                        "the run's job cannot start from its snapshot ({problem}); a fresh job started instead"
                    ));
                }
            },
        }
        if let Some(cursor) = cursor {
            while self.sim().now() < cursor {
                let step = SimTime(self.sim().now().as_us().saturating_add(10_000_000)).min(cursor);
                let progress = self.machine.advance(step, u64::MAX);
                self.after_advance(progress, now_ms);
            }
        }
    }

    /// A new job of `request.config` from a retained checkpoint or savepoint of the current job,
    /// at this instant (`flink run -s <path>`): the current run becomes the new run's earlier
    /// run, so links, run files and the determinism check reproduce the restore. The earlier
    /// job's stored records stay (the new job may refer to their files); Flink's refusal, if
    /// any, becomes the notice and the current run goes on.
    fn restore_job(&mut self, request: RestoreRequest, now_ms: f64) {
        if !self.mirroring() {
            self.notice = Some(
                "restoring starts your own job from your run's snapshots; leave the talk or comparison first"
                    .to_string(),
            );
            return;
        }
        let now = self.sim().now();
        let from = Predecessor {
            run: self.machine.script(now),
            checkpoint: request.checkpoint,
            settings: request.settings,
        };
        if from.depth() > LINEAGE_MAX {
            self.notice = Some(format!(
                "restore refused: a run keeps at most {LINEAGE_MAX} earlier runs in its links and files; start a fresh run first"
            ));
            return;
        }
        if let Err(error) = request.config.validate() {
            self.notice = Some(format!("restore refused: {error}"));
            return;
        }
        let seed = self.machine.seed();
        match from.restore(self.sim(), request.config, seed) {
            Ok(sim) => {
                let old_job = self.sim().view().job_id().to_string();
                let mut machine = TimeMachine::starting_from(sim, seed, Vec::new());
                machine.set_from(Box::new(from));
                machine.set_verbose(true);
                self.replace_machine(machine, now_ms);
                self.mirror.start_run([]);
                self.mirror.save_job(self.machine.sim(), now_ms);
                let view = self.sim().view();
                let restored = view.restored_from().expect("a restored job");
                self.notice = Some(format!(
                    "job {} started from {} {} of job {old_job} ({}){}",
                    view.job_id(),
                    if restored.savepoint {
                        "savepoint"
                    } else {
                        "checkpoint"
                    },
                    restored.path,
                    restored.settings.claim_mode.as_str(),
                    restored.rescaled.map_or(String::new(), |(a, b)| {
                        format!("; rescaled: parallelism {a} → {b}")
                    })
                ));
            }
            Err(problem) => self.notice = Some(format!("restore refused: {problem}")),
        }
    }

    /// Moves the cursor to `target` (clamped to the timeline): every view shows that instant.
    fn seek(&mut self, target: SimTime) {
        let progress = self.machine.seek(target);
        self.report(&progress);
        // The journal holds the notable events up to the instant; per-record ones are gone.
        let journal: Vec<TimedEvent> = self.sim().view().journal().cloned().collect();
        // What the replay emitted is already in the journal.
        self.machine.drain_events(&mut self.scratch);
        self.scratch.clear();
        self.sampler.clear();
        self.events_dropped += self.events.len() as u64;
        self.events = journal.into_iter().collect();
        self.behind = false;
        self.sync_other();
    }

    /// Starts a determinism check of the run up to now.
    fn verify(&mut self) {
        let target = self.sim().now();
        let commands = self
            .machine
            .commands()
            .iter()
            .filter(|(at, _)| *at <= target)
            .cloned()
            .collect();
        self.verification = Some(Verification::start(
            RunScript {
                seed: self.machine.seed(),
                config: self.machine.config().clone(),
                commands,
                until: target,
                from: self.machine.from().cloned().map(Box::new),
            },
            self.sim().view().trace_hash(),
        ));
    }

    /// A user's command at the live instant; a refusal becomes the notice. Acting in the past
    /// forks the timeline: the recorded future is discarded, and the stored job rewritten.
    fn command(&mut self, command: Command, now_ms: f64) {
        if let Err(problem) = self.command_other(&command) {
            self.notice = Some(problem);
        }
        if !self.left_takes_commands() {
            return;
        }
        match self.machine.act(command) {
            Ok(forked) => {
                if self.compare.is_none() {
                    self.notice = None;
                }
                let now = self.sim().now();
                if forked {
                    self.markers.retain(|m| m.time <= now);
                    if self.mirroring() {
                        self.mirror.rewrite(self.machine.sim(), now_ms);
                    }
                }
                self.collect_events(now_ms);
                if self.mirroring() {
                    self.mirror.save_job(self.machine.sim(), now_ms);
                }
            }
            Err(error) => self.notice = Some(error.0),
        }
    }

    fn import(&mut self, text: Result<String, String>, now_ms: f64) {
        let outcome = match text {
            Err(problem) => Err(problem),
            Ok(text) if text.len() > IMPORT_BYTES_MAX => Err(format!(
                "the file is larger than {} MB",
                IMPORT_BYTES_MAX / (1024 * 1024)
            )),
            Ok(text) => RunScript::from_json(&text).map_err(|e| e.0),
        };
        match outcome {
            Ok(script) => {
                let (count, seed, until) = (script.commands.len(), script.seed, script.until);
                self.load(script, Some(until), now_ms);
                let refused = self.notice.take();
                self.notice = Some(format!(
                    "imported the run: seed {seed}, {count} commands, at {} ms{}",
                    until.as_ms(),
                    refused.map_or(String::new(), |r| format!("; {r}"))
                ));
            }
            Err(problem) => self.notice = Some(format!("import refused: {problem}")),
        }
    }

    /// A checkpoint's `_metadata` by key: retained by the engine, or read from the archive.
    fn stored_metadata(&self, key: &str) -> Option<crate::sim::checkpoint::CheckpointMetadata> {
        let view = self.sim().view();
        let engine = view
            .retained_checkpoints()
            .iter()
            .chain(view.storage().savepoints())
            .find(|m| super::records::checkpoint_key(&m.job_id, m.checkpoint_id.0) == key);
        engine.cloned().or_else(|| {
            self.mirror
                .listing()?
                .checkpoints
                .iter()
                .find(|c| c.key() == key)
                .map(|c| c.metadata.clone())
        })
    }

    /// Resumes the offered job: a JobManager failover at the instant it was saved.
    fn resume(&mut self, wall_ms: &dyn Fn() -> f64) {
        let started = wall_ms();
        let Some(offer) = self.mirror.take_offer() else {
            self.notice = Some("no stored job to resume".to_string());
            return;
        };
        let state = &offer.job.state;
        if state.finished && self.replay_finished(state, started) {
            let took = wall_ms() - started;
            self.resume_ms = Some(took);
            self.notice = Some(format!(
                "the stored job had FINISHED (stop-with-savepoint), so no JobManager recovers it: replayed its run to the instant it was saved (in {} ms)",
                super::fixed::d1(took)
            ));
            self.mirror.start_run(Vec::<u32>::new());
            self.mirror.save_job(self.machine.sim(), wall_ms());
            return;
        }
        let checkpoints = offer
            .checkpoints
            .iter()
            .map(|r| r.metadata.clone())
            .collect();
        match Sim::resume(&offer.job.state, checkpoints) {
            Ok((sim, skipped)) => {
                let seed = offer.job.state.seed;
                let mut machine = TimeMachine::starting_from(sim, seed, Vec::new());
                machine.set_verbose(true);
                self.replace_machine(machine, started);
                let retained: Vec<u32> = self
                    .sim()
                    .view()
                    .retained_checkpoints()
                    .iter()
                    .map(|c| c.checkpoint_id.0)
                    .collect();
                self.mirror.start_run(retained);
                let took = wall_ms() - started;
                self.resume_ms = Some(took);
                let took = format!(" (resumed in {} ms)", super::fixed::d1(took));
                let mut problems = offer.problems;
                problems.extend(skipped);
                self.notice = Some(if problems.is_empty() {
                    format!("a new JobManager recovered the stored job from its latest checkpoint{took}")
                } else {
                    format!(
                        "resumed{took}; skipped stored records: {}",
                        problems.join("; ")
                    )
                });
                self.mirror.save_job(self.machine.sim(), wall_ms());
            }
            Err(error) => self.notice = Some(format!("could not resume: {error}")),
        }
    }

    /// A stored FINISHED job, replayed from its seed and command log to the instant it was saved;
    /// `false` (nothing changed) unless the replay ends FINISHED with the stored trace hash.
    fn replay_finished(
        &mut self,
        state: &crate::sim::failover::JobManagerState,
        now_ms: f64,
    ) -> bool {
        let Some((config, log)) = Sim::replayable(state) else {
            return false;
        };
        let Ok(mut machine) = TimeMachine::new(config, state.seed, log) else {
            return false;
        };
        let at = SimTime(state.at_us);
        while machine.sim().now() < at {
            let step = SimTime(machine.sim().now().as_us().saturating_add(10_000_000)).min(at);
            machine.advance(step, u64::MAX);
        }
        let view = machine.sim().view();
        if view.trace_hash() != state.trace_hash
            || view.job_status() != crate::sim::lifecycle::JobStatus::Finished
        {
            return false;
        }
        machine.set_verbose(true);
        self.replace_machine(machine, now_ms);
        true
    }

    /// Declines the offer: a fresh run of the current configuration and seed, keeping the
    /// stored records (the new run gets another job id if it would take the stored one's) or
    /// deleting them.
    fn start_fresh(&mut self, delete_records: bool, now_ms: f64) {
        let offer = self.mirror.take_offer();
        let (config, seed) = (self.machine.config().clone(), self.machine.seed());
        let mut sim = Sim::new(config, seed).expect("the running configuration is valid");
        if delete_records {
            self.mirror.request(ArchiveOp::Clear);
        } else if offer.is_some_and(|o| o.job.job_id == sim.view().job_id()) {
            let taken = sim.view().job_id().to_string();
            sim.rename_job(&taken)
                .expect("a fresh run has no checkpoint yet");
        }
        let mut machine = TimeMachine::starting_from(sim, seed, Vec::new());
        machine.set_verbose(true);
        self.replace_machine(machine, now_ms);
        self.mirror.start_run([]);
        self.mirror.save_job(self.machine.sim(), now_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::mirror::ArchiveState;
    use crate::app::records::{Listing, StoredCheckpoint, StoredJob};
    use crate::sim::ids::TaskManagerId;
    use std::cell::Cell;

    fn wall() -> impl Fn() -> f64 {
        let t = Cell::new(1_795_608_343_117.0);
        move || {
            t.set(t.get() + 1.0);
            t.get()
        }
    }

    /// Plays frames of 16.7 ms until the simulation reaches `until`.
    fn play_until(session: &mut Session, until: SimTime, clock: &dyn Fn() -> f64) -> u32 {
        session.apply(Action::Play, clock);
        let mut frames = 0;
        let mut t = 0.0;
        while session.sim().now() < until && frames < 100_000 {
            t += 16.7;
            session.apply(Action::Frame { timestamp_ms: t }, clock);
            frames += 1;
        }
        frames
    }

    fn kill(n: u32) -> Command {
        Command::KillTaskManager {
            task_manager: TaskManagerId(n - 1),
        }
    }

    #[test]
    fn frames_advance_by_speed_and_redraw_tables_twice_a_second() {
        let clock = wall();
        let mut session = Session::new(SimConfig::default(), 1);
        session.apply(Action::SetSpeed("100".into()), &clock);
        session.apply(Action::Play, &clock);
        let mut all = 0;
        for i in 0..=60 {
            let outcome = session.apply(
                Action::Frame {
                    timestamp_ms: f64::from(i) * 16.0,
                },
                &clock,
            );
            if outcome.redraw == Redraw::All {
                all += 1;
            }
        }
        // 60 frames of 16 ms at 100×: 96 simulated seconds.
        assert_eq!(session.sim().now(), SimTime::from_ms(96_000));
        assert_eq!(all, 2, "tables refresh every 500 ms of wall time");
        assert_eq!(session.frame_times_ms().len(), 60);
        assert!(
            !session.markers().is_empty(),
            "completed checkpoints are marked"
        );
        session.apply(Action::SetSpeed("3".into()), &clock);
        assert!(session.notice().unwrap().contains("not offered"));
    }

    #[test]
    fn a_refused_command_becomes_the_notice_and_changes_nothing() {
        let clock = wall();
        let mut session = Session::new(SimConfig::default(), 1);
        play_until(&mut session, SimTime::from_ms(1_000), &clock);
        let before = session.sim().view().trace_hash();
        session.apply(
            Action::Command(Command::RestartTaskManager {
                task_manager: TaskManagerId(0),
            }),
            &clock,
        );
        assert!(session.notice().is_some());
        assert_eq!(session.sim().view().trace_hash(), before);
        assert!(session.machine().commands().is_empty());
        session.apply(Action::DismissNotice, &clock);
        assert_eq!(session.notice(), None);
    }

    #[test]
    fn the_failure_journey_matches_a_straight_run_at_any_frame_rate() {
        let clock = wall();
        let mut a = Session::new(SimConfig::default(), 5);
        a.apply(Action::SetSpeed("100".into()), &clock);
        play_until(&mut a, SimTime::from_ms(30_000), &clock);
        a.apply(Action::Command(kill(2)), &clock);
        let killed_at = a.sim().now();
        play_until(&mut a, SimTime::from_ms(150_000), &clock);
        let hash = a.sim().view().trace_hash();
        assert!(a.sim().view().coordinator().counts.restored >= 1);
        let script = a.machine().script(a.sim().now());
        assert_eq!(script.commands, vec![(killed_at, kill(2))]);
        assert_eq!(script.run(|_| {}).0.view().trace_hash(), hash);
        // The determinism check agrees.
        a.apply(Action::Verify, &clock);
        let mut t = 1e6;
        while a.verification().unwrap().running() {
            t += 16.7;
            a.apply(Action::Frame { timestamp_ms: t }, &clock);
        }
        assert_eq!(a.verification().unwrap().result, Some(true));
        assert!(a.markers().iter().any(|m| m.kind == MarkerKind::Restore));
    }

    #[test]
    fn step_until_stops_at_the_next_barrier_and_checkpoint() {
        let clock = wall();
        let mut session = Session::new(SimConfig::default(), 1);
        session.apply(Action::StepUntil(Stop::Barrier), &clock);
        let (events, _) = session.events();
        let barrier = |e: &TimedEvent| {
            matches!(
                e.event,
                Event::BarrierInjected { .. } | Event::BarrierReceived { .. }
            )
        };
        assert_eq!(events.iter().filter(|e| barrier(e)).count(), 1);
        let at = events.iter().find(|e| barrier(e)).unwrap().time;
        assert_eq!(session.sim().now(), at, "it stopped at the barrier");
        session.apply(Action::StepUntil(Stop::Checkpoint), &clock);
        let completed = session.sim().view().coordinator().counts.completed;
        assert_eq!(completed, 1);
        assert!(!session.playing());
    }

    #[test]
    fn seeking_shows_the_past_and_acting_there_forks() {
        let clock = wall();
        let mut session = Session::new(SimConfig::default(), 4);
        session.apply(Action::SetSpeed("1000".into()), &clock);
        play_until(&mut session, SimTime::from_ms(200_000), &clock);
        session.apply(Action::Pause, &clock);
        session.apply(Action::Seek(SimTime::from_ms(60_000)), &clock);
        assert_eq!(session.sim().now(), SimTime::from_ms(60_000));
        assert!(!session.machine().at_head());
        session.apply(Action::Command(kill(1)), &clock);
        assert_eq!(session.machine().forks(), &[SimTime::from_ms(60_000)]);
        assert!(session
            .markers()
            .iter()
            .all(|m| m.time <= SimTime::from_ms(60_000)));
    }

    #[test]
    fn escape_and_help_toggle_as_a_user_expects() {
        let clock = wall();
        let mut session = Session::new(SimConfig::default(), 1);
        session.apply(Action::ToggleHelp, &clock);
        assert!(session.view().help);
        session.apply(Action::CloseHelp, &clock);
        assert!(!session.view().help);
        session.apply(Action::CloseHelp, &clock);
        assert!(
            !session.view().help,
            "closing a closed help keeps it closed"
        );
        session.apply(Action::SelectTab(Tab::Exceptions), &clock);
        session.apply(Action::SetLang(Lang::Ko), &clock);
        assert_eq!(session.view().tab, Tab::Exceptions);
        assert_eq!(session.view().lang, Lang::Ko);
    }

    #[test]
    fn a_link_loads_at_its_cursor_with_its_problems_in_the_notice() {
        let options = UrlOptions::parse("seed=21&cmds=k2@30101ms,r9@40s&t=60s&speed=5&lang=ko&x=1");
        let session = Session::from_url(&options);
        assert_eq!(session.sim().now(), SimTime::from_ms(60_000));
        assert_eq!(session.clock().speed_milli(), 5_000);
        assert_eq!(session.view().lang, Lang::Ko);
        let notice = session.notice().unwrap();
        assert!(notice.contains("unknown URL parameter 'x'"), "{notice}");
        assert!(notice.contains("r9@40000ms refused"), "{notice}");
        assert_eq!(
            session.machine().commands().len(),
            2,
            "the link's log is kept as given"
        );
    }

    /// The restore dialog's request starts a new job from the chosen snapshot; the share link
    /// carries the earlier run, so opening it shows the same job; refusals change nothing.
    #[test]
    fn restoring_into_a_changed_job_starts_a_new_job_and_links_its_lineage() {
        use crate::sim::checkpoint::SavepointFormatType;
        use crate::sim::restore::RestoreSettings;
        let clock = wall();
        let mut session = Session::new(SimConfig::default(), 4);
        play_until(&mut session, SimTime::from_ms(20_000), &clock);
        session.apply(
            Action::Command(Command::TriggerSavepoint {
                format: SavepointFormatType::Canonical,
            }),
            &clock,
        );
        play_until(&mut session, SimTime::from_ms(30_000), &clock);
        session.apply(Action::Pause, &clock);
        let old_job = session.sim().view().job_id().to_string();
        let savepoint = session.sim().view().storage().savepoints()[0].checkpoint_id;
        let changed = |edit: fn(&mut SimConfig)| {
            let mut config = SimConfig::default();
            edit(&mut config);
            config
        };

        // Another max parallelism: Flink refuses, and the running job stays.
        let before = session.sim().view().trace_hash();
        session.apply(
            Action::RestoreJob(Box::new(RestoreRequest {
                config: changed(|c| c.max_parallelism = 256),
                checkpoint: savepoint,
                settings: RestoreSettings::default(),
            })),
            &clock,
        );
        let notice = session.notice().unwrap().to_string();
        assert!(notice.starts_with("restore refused: "), "{notice}");
        assert!(notice.contains("max parallelism"), "{notice}");
        assert_eq!(session.sim().view().job_id(), old_job);
        assert_eq!(session.sim().view().trace_hash(), before);

        // Parallelism 4: a new job, rescaled by key group.
        session.apply(
            Action::RestoreJob(Box::new(RestoreRequest {
                config: changed(|c| c.parallelism = 4),
                checkpoint: savepoint,
                settings: RestoreSettings::default(),
            })),
            &clock,
        );
        let notice = session.notice().unwrap().to_string();
        let new_job = session.sim().view().job_id().to_string();
        assert_ne!(new_job, old_job);
        assert!(
            notice.starts_with(&format!("job {new_job} started from savepoint ")),
            "{notice}"
        );
        assert!(
            notice.contains(&format!("of job {old_job} (NO_CLAIM)")),
            "{notice}"
        );
        assert!(notice.ends_with("rescaled: parallelism 3 → 4"), "{notice}");
        assert_eq!(session.sim().now(), SimTime::ZERO);
        assert_eq!(
            session.machine().from().map(|f| f.checkpoint),
            Some(savepoint)
        );
        play_until(&mut session, SimTime::from_ms(25_000), &clock);
        session.apply(Action::Pause, &clock);

        let link = session.share_link("http://localhost/");
        assert!(link.contains("from="), "{link}");
        let query = link.split_once('?').unwrap().1;
        let opened = Session::from_url(&UrlOptions::parse(query));
        assert_eq!(opened.sim().view().job_id(), new_job);
        assert_eq!(opened.sim().now(), session.sim().now());
        assert_eq!(
            opened.sim().view().trace_hash(),
            session.sim().view().trace_hash(),
            "the link reproduces the restored job"
        );
    }

    #[test]
    fn imports_are_validated_and_loaded() {
        let clock = wall();
        let mut session = Session::new(SimConfig::default(), 1);
        session.apply(Action::Import(Ok("{".into())), &clock);
        assert!(session
            .notice()
            .unwrap()
            .starts_with("import refused: not a flinkscope run file"));
        session.apply(Action::Import(Ok("x".repeat(IMPORT_BYTES_MAX + 1))), &clock);
        assert!(session.notice().unwrap().contains("larger than 16 MB"));
        let script = RunScript {
            seed: 9,
            config: SimConfig::default(),
            commands: vec![(SimTime::from_ms(20_000), kill(3))],
            until: SimTime::from_ms(50_000),
            from: None,
        };
        let text = serde_json::to_string(&script.to_file()).unwrap();
        session.apply(Action::Import(Ok(text)), &clock);
        assert_eq!(session.sim().now(), SimTime::from_ms(50_000));
        assert_eq!(session.machine().seed(), 9);
        assert!(session.notice().unwrap().starts_with("imported the run"));
        let outcome = session.apply(Action::ExportRun, &clock);
        let [Effect::Download { json, .. }] = &outcome.effects[..] else {
            panic!("a download");
        };
        assert_eq!(RunScript::from_json(json).unwrap(), script);
        let outcome = session.apply(
            Action::ShareLink {
                base: "http://x/".into(),
            },
            &clock,
        );
        assert!(
            matches!(&outcome.effects[..], [Effect::CopyText(l)] if l.starts_with("http://x/?seed=9&cmds=k3@20000ms&t=50000ms"))
        );
    }

    /// The archive as the browser edge keeps it: puts and discards by key.
    fn perform(store: &mut Listing, batch: &[ArchiveOp]) {
        for op in batch {
            match op {
                ArchiveOp::PutCheckpoint(c) => {
                    store.checkpoints.retain(|x| x.key() != c.key());
                    store.checkpoints.push((**c).clone());
                }
                ArchiveOp::Discard(key) => store.checkpoints.retain(|x| x.key() != *key),
                ArchiveOp::PutJob(j) => {
                    store.jobs.retain(|x| x.job_id != j.job_id);
                    store.jobs.push((**j).clone());
                }
                ArchiveOp::Clear => *store = Listing::default(),
                ArchiveOp::ForgetJob(job) => {
                    store.checkpoints.retain(|x| x.job_id != *job);
                    store.jobs.retain(|x| x.job_id != *job);
                }
            }
        }
    }

    fn pump(session: &mut Session, store: &mut Listing, clock: &dyn Fn() -> f64) {
        while let Some(batch) = session.mirror.take_batch() {
            perform(store, &batch);
            let listing = Some(store.clone());
            session.apply(
                Action::BatchDone {
                    batch,
                    outcome: Ok(()),
                    listing,
                },
                clock,
            );
        }
    }

    /// A job finished by stop-with-savepoint stays FINISHED after a reload: no new JobManager
    /// recovers it; the page replays its run to the saved instant (the same trace hash) and
    /// keeps its savepoint.
    #[test]
    fn a_reload_of_a_finished_job_shows_it_finished() {
        use crate::sim::checkpoint::SavepointFormatType;
        use crate::sim::lifecycle::JobStatus;
        let clock = wall();
        let mut store = Listing::default();
        let mut first = Session::new(SimConfig::default(), 6);
        first.apply(
            Action::ArchiveOpened {
                state: ArchiveState::IndexedDb,
                listing: Ok(store.clone()),
            },
            &clock,
        );
        first.apply(Action::SetSpeed("1000".into()), &clock);
        first.apply(Action::Play, &clock);
        let mut t = 0.0;
        let mut stopped = false;
        while first.sim().view().job_status() != JobStatus::Finished {
            assert!(
                first.sim().now() < SimTime::from_ms(120_000),
                "the job finishes"
            );
            if !stopped && first.sim().now() >= SimTime::from_ms(35_000) {
                first.apply(
                    Action::Command(Command::StopWithSavepoint {
                        format: SavepointFormatType::Canonical,
                    }),
                    &clock,
                );
                stopped = true;
            }
            t += 16.7;
            first.apply(Action::Frame { timestamp_ms: t }, &clock);
            pump(&mut first, &mut store, &clock);
        }
        for _ in 0..10 {
            t += 16.7;
            first.apply(Action::Frame { timestamp_ms: t }, &clock);
            pump(&mut first, &mut store, &clock);
        }
        first.apply(Action::Pause, &clock);
        pump(&mut first, &mut store, &clock);
        let saved = store.jobs[0].state.clone();
        assert!(saved.finished, "the stored state says FINISHED");

        let mut second = Session::new(SimConfig::default(), 1);
        second.apply(
            Action::ArchiveOpened {
                state: ArchiveState::IndexedDb,
                listing: Ok(store.clone()),
            },
            &clock,
        );
        second.apply(Action::Resume, &clock);
        let notice = second.notice().unwrap();
        assert!(notice.contains("had FINISHED"), "{notice}");
        let view = second.sim().view();
        assert_eq!(view.job_status(), JobStatus::Finished);
        assert_eq!(view.job_id(), saved.job_id);
        assert_eq!(view.trace_hash(), saved.trace_hash, "the same run");
        assert_eq!(second.sim().now(), SimTime(saved.at_us));
        assert_eq!(view.storage().savepoints().len(), 1, "its savepoint");
    }

    #[test]
    fn a_reload_resumes_from_what_was_stored() {
        let clock = wall();
        let mut store = Listing::default();
        let mut first = Session::new(SimConfig::default(), 6);
        first.apply(
            Action::ArchiveOpened {
                state: ArchiveState::IndexedDb,
                listing: Ok(store.clone()),
            },
            &clock,
        );
        first.apply(Action::SetSpeed("1000".into()), &clock);
        let mut t = 0.0;
        first.apply(Action::Play, &clock);
        while first.sim().now() < SimTime::from_ms(95_000) {
            t += 16.7;
            first.apply(Action::Frame { timestamp_ms: t }, &clock);
            pump(&mut first, &mut store, &clock);
        }
        first.apply(Action::Pause, &clock);
        pump(&mut first, &mut store, &clock);
        let retained: Vec<u32> = first
            .sim()
            .view()
            .retained_checkpoints()
            .iter()
            .map(|m| m.checkpoint_id.0)
            .collect();
        let stored: Vec<u32> = store.checkpoints.iter().map(|c| c.checkpoint_id).collect();
        assert_eq!(
            stored, retained,
            "the archive holds exactly the retained checkpoints"
        );
        let counter = first.sim().jobmanager_state().next_checkpoint_id;

        // The reload: a new session finds the stored job and offers it.
        let mut second = Session::new(SimConfig::default(), 1);
        second.apply(Action::Play, &clock);
        second.apply(
            Action::ArchiveOpened {
                state: ArchiveState::IndexedDb,
                listing: Ok(store.clone()),
            },
            &clock,
        );
        assert!(second.mirror().offer().is_some());
        assert!(!second.playing(), "the user chooses first");
        second.apply(Action::Resume, &clock);
        let notice = second.notice().unwrap();
        assert!(notice.contains("recovered the stored job"), "{notice}");
        assert_eq!(
            second.sim().view().coordinator().next_id,
            counter,
            "ids continue"
        );
        assert_eq!(second.sim().view().coordinator().counts.restored, 1);
        assert!(second.resume_ms().is_some());
    }

    #[test]
    fn start_fresh_keeps_or_deletes_the_stored_records() {
        let clock = wall();
        let sim = {
            let mut sim = Sim::new(SimConfig::default(), 1).unwrap();
            sim.advance_to(SimTime::from_ms(30_000));
            sim
        };
        let listing = Listing {
            jobs: vec![StoredJob::new(sim.jobmanager_state(), 1)],
            checkpoints: vec![StoredCheckpoint::new(
                sim.view().retained_checkpoints()[0].clone(),
                1,
            )],
            problems: Vec::new(),
        };
        let mut keep = Session::new(SimConfig::default(), 1);
        keep.apply(
            Action::ArchiveOpened {
                state: ArchiveState::IndexedDb,
                listing: Ok(listing.clone()),
            },
            &clock,
        );
        keep.apply(
            Action::StartFresh {
                delete_records: false,
            },
            &clock,
        );
        assert_ne!(
            keep.sim().view().job_id(),
            sim.view().job_id(),
            "the same seed's new run takes another job id"
        );
        assert!(keep
            .mirror()
            .pending()
            .iter()
            .all(|op| !matches!(op, ArchiveOp::Clear)));
        let mut delete = Session::new(SimConfig::default(), 1);
        delete.apply(
            Action::ArchiveOpened {
                state: ArchiveState::IndexedDb,
                listing: Ok(listing),
            },
            &clock,
        );
        delete.apply(
            Action::StartFresh {
                delete_records: true,
            },
            &clock,
        );
        assert!(matches!(
            delete.mirror().pending().front(),
            Some(ArchiveOp::Clear)
        ));
    }

    #[test]
    fn a_new_seed_resets_and_forgets_the_old_records() {
        let clock = wall();
        let mut session = Session::new(SimConfig::default(), 1);
        session.apply(Action::SetSeed("x".into()), &clock);
        assert!(session.notice().unwrap().contains("keeps seed 1"));
        session.apply(Action::SetSeed(" 42 ".into()), &clock);
        assert_eq!(session.machine().seed(), 42);
        session.apply(
            Action::ApplyConfig(Box::new(SimConfig {
                parallelism: 0,
                ..SimConfig::default()
            })),
            &clock,
        );
        assert!(session
            .notice()
            .unwrap()
            .starts_with("configuration refused"));
    }
}
