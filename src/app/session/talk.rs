//! Talk mode: the session presents a resolved talk step by step.
//!
//! A scene is resolved the first time one of its steps is entered (its machines advance to its
//! last moment, finding each step's moment on the way), so a link to a step costs only its own
//! scene. Entering a step swaps in its scene's time machines, seeks to the step's landing,
//! opens its tab, and — for a step that plays a stretch — plays at its speed and stops on the
//! moment. The run the page showed before the talk is kept and comes back on leaving.

use super::{Session, Tab};
use crate::run::talk::{self, Landing, Scene, Spot, StepFacts, Talk, TalkProblem};
use crate::run::TimeMachine;
use crate::sim::SimTime;
use std::collections::VecDeque;

/// Step entry durations kept for the figure.
pub const ENTRY_TIMES_MAX: usize = 256;
/// Bookmarks kept.
pub const BOOKMARKS_MAX: usize = 200;

/// Where to go in a talk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TalkMove {
    /// The next step.
    Next,
    /// The previous step.
    Previous,
    /// The first step.
    First,
    /// The last step.
    Last,
    /// A step by index (from 0).
    Index(usize),
    /// A step by id.
    Id(String),
}

/// A talk being presented.
pub struct TalkMode {
    talk: Talk,
    /// Each step's landing, once its scene is resolved.
    landings: Vec<Option<Landing>>,
    facts: Vec<Option<StepFacts>>,
    /// The machines of each scene; the scene on screen has lent its machines to the session.
    scenes: Vec<(Scene, Vec<Option<TimeMachine>>)>,
    /// The scene on screen.
    current: Option<Scene>,
    index: usize,
    blank: bool,
    problems: Vec<TalkProblem>,
    /// The run the page showed before the talk.
    saved: Option<TimeMachine>,
    /// Stop playing at this instant (a step's stretch).
    pub(super) stop_at: Option<SimTime>,
    entry_ms: VecDeque<f64>,
    resolve_ms: f64,
    /// Wall time the talk started (for the presenter's clock; 0 until the first frame).
    started_ms: f64,
    /// Wall time the current section started.
    section_started_ms: f64,
    /// The wall clock at the last frame.
    pub(super) wall_now_ms: f64,
}

impl TalkMode {
    /// The talk.
    pub fn talk(&self) -> &Talk {
        &self.talk
    }
    /// The current step's index.
    pub fn index(&self) -> usize {
        self.index
    }
    /// The current step.
    pub fn step(&self) -> &talk::Step {
        &self.talk.steps[self.index]
    }
    /// The step after the current one.
    pub fn next_step(&self) -> Option<&talk::Step> {
        self.talk.steps.get(self.index + 1)
    }
    /// Each step's landing (`None` until its scene is first entered).
    pub fn landings(&self) -> &[Option<Landing>] {
        &self.landings
    }
    /// Whether the audience screen is blanked.
    pub fn blank(&self) -> bool {
        self.blank
    }
    /// What was skipped while reading and resolving the talk.
    pub fn problems(&self) -> &[TalkProblem] {
        &self.problems
    }
    /// Wall milliseconds of recent step entries.
    pub fn entry_ms(&self) -> &VecDeque<f64> {
        &self.entry_ms
    }
    /// Wall milliseconds the resolution took.
    pub fn resolve_ms(&self) -> f64 {
        self.resolve_ms
    }
    /// What each step's views show at its moment (the handout; `None` until resolved).
    pub fn facts(&self) -> &[Option<StepFacts>] {
        &self.facts
    }

    /// Resolves `scene` if it is not yet: its machines and its steps' landings. A step whose
    /// moment is not found shows the scene where the step before it left it, and is reported.
    fn ensure_scene(&mut self, scene: &Scene, wall_ms: &dyn Fn() -> f64) {
        if self.scenes.iter().any(|(s, _)| s == scene) {
            return;
        }
        let started = wall_ms();
        let resolution = talk::resolve_scene(&self.talk, scene);
        let mut previous: Option<Landing> = None;
        for (index, result) in resolution.steps {
            match result {
                Ok((landing, facts)) => {
                    self.landings[index] = Some(landing);
                    self.facts[index] = Some(facts);
                    previous = Some(landing);
                }
                Err(message) => {
                    let start = resolution.machines[0].start();
                    let landing = previous.unwrap_or(Landing {
                        at: start,
                        from: start,
                    });
                    self.landings[index] = Some(landing);
                    self.problems.push(TalkProblem {
                        place: format!("step '{}'", self.talk.steps[index].id),
                        message: format!("{message}; it shows the moment before it"),
                    });
                }
            }
        }
        let machines = resolution
            .machines
            .into_iter()
            .map(|mut m| {
                m.set_verbose(true);
                Some(m)
            })
            .collect();
        self.scenes.push((scene.clone(), machines));
        self.resolve_ms += wall_ms() - started;
    }
    /// The current spotlight.
    pub fn spotlight(&self) -> &[Spot] {
        &self.step().spotlight
    }
}

/// The tab a step names.
fn tab_of(id: &str) -> Option<Tab> {
    Tab::ALL.iter().copied().find(|t| t.id() == id)
}

impl Session {
    /// The talk being presented.
    pub fn talk(&self) -> Option<&TalkMode> {
        self.talk.as_ref()
    }

    /// Bookmarks on the timeline (instants the user marked), oldest first.
    pub fn bookmarks(&self) -> &VecDeque<SimTime> {
        &self.bookmarks
    }

    /// Opens a talk read from a file's text (or the study talk with `None`), at step `step`
    /// (an id) or the first.
    pub(super) fn open_talk(
        &mut self,
        text: Option<Result<String, String>>,
        step: Option<&str>,
        wall_ms: &dyn Fn() -> f64,
    ) {
        let read = match text.or_else(|| talk::study_text().map(|t| Ok(t.to_string()))) {
            None => Err(vec![TalkProblem {
                place: "the talk".to_string(),
                message: format!(
                    "the study talk is fetched from {}; it was not given",
                    talk::STUDY_TALK_URL
                ),
            }]),
            Some(Err(problem)) => Err(vec![TalkProblem {
                place: "the talk".to_string(),
                message: problem,
            }]),
            Some(Ok(text)) => Talk::from_json(&text),
        };
        let (talk, problems) = match read {
            Ok(read) => read,
            Err(problems) => {
                let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
                self.notice = Some(format!("talk refused: {}", text.join("; ")));
                return;
            }
        };
        self.leave_talk();
        let steps = talk.steps.len();
        self.talk = Some(TalkMode {
            talk,
            landings: vec![None; steps],
            facts: vec![None; steps],
            scenes: Vec::new(),
            current: None,
            index: 0,
            blank: false,
            problems: problems.clone(),
            saved: None,
            stop_at: None,
            entry_ms: VecDeque::new(),
            resolve_ms: 0.0,
            started_ms: 0.0,
            section_started_ms: 0.0,
            wall_now_ms: 0.0,
        });
        if let Some(mode) = self.talk.as_ref() {
            if !mode.problems.is_empty() {
                let text: Vec<String> = mode.problems.iter().map(ToString::to_string).collect();
                self.notice = Some(format!("talk: skipped {}", text.join("; ")));
            }
        }
        let index = match step {
            None => 0,
            Some(id) => match self.talk.as_ref().and_then(|t| t.talk.step_index(id)) {
                Some(index) => index,
                None => {
                    self.notice = Some(format!(
                        "the talk has no step '{id}'; it opens at its first step"
                    ));
                    0
                }
            },
        };
        self.enter_step(index, wall_ms);
    }

    /// Moves within the talk.
    pub(super) fn move_talk(&mut self, to: TalkMove, wall_ms: &dyn Fn() -> f64) {
        let Some(mode) = self.talk.as_ref() else {
            return;
        };
        let last = mode.talk.steps.len() - 1;
        let index = match to {
            TalkMove::Next => (mode.index + 1).min(last),
            TalkMove::Previous => mode.index.saturating_sub(1),
            TalkMove::First => 0,
            TalkMove::Last => last,
            TalkMove::Index(i) if i <= last => i,
            TalkMove::Index(i) => {
                self.notice = Some(format!(
                    "the talk has steps 1 to {}; not {}",
                    last + 1,
                    i + 1
                ));
                return;
            }
            TalkMove::Id(id) => match mode.talk.step_index(&id) {
                Some(i) => i,
                None => {
                    self.notice = Some(format!("the talk has no step '{id}'"));
                    return;
                }
            },
        };
        self.enter_step(index, wall_ms);
    }

    /// Shows step `index`: its scene's machines, its landing, its tab, its stretch.
    fn enter_step(&mut self, index: usize, wall_ms: &dyn Fn() -> f64) {
        let started = wall_ms();
        let mut mode = self.talk.take().expect("talk mode");
        let step = mode.talk.steps[index].clone();
        let known = mode.problems.len();
        mode.ensure_scene(&step.scene, wall_ms);
        if mode.problems.len() > known {
            let text: Vec<String> = mode.problems[known..]
                .iter()
                .map(ToString::to_string)
                .collect();
            self.notice = Some(format!("talk: {}", text.join("; ")));
        }
        let landing = mode.landings[index].expect("its scene is resolved");
        if mode.current.as_ref() != Some(&step.scene) {
            // Give the scene on screen its machines back, then borrow the step's.
            let slot = |mode: &TalkMode, scene: &Scene| {
                mode.scenes
                    .iter()
                    .position(|(s, _)| s == scene)
                    .expect("every step's scene was resolved")
            };
            let incoming = slot(&mode, &step.scene);
            let mut left = mode.scenes[incoming].1[0].take().expect("not lent");
            let right = mode.scenes[incoming].1.get_mut(1).and_then(Option::take);
            std::mem::swap(&mut self.machine, &mut left);
            // `left` now holds what the session showed: a scene's machine, or the saved run.
            match mode.current.take() {
                Some(scene) => {
                    let outgoing = slot(&mode, &scene);
                    mode.scenes[outgoing].1[0] = Some(left);
                    if let Some(compare) = self.compare.take() {
                        if let Some(side) = mode.scenes[outgoing].1.get_mut(1) {
                            *side = Some(compare.into_other());
                        }
                    }
                }
                None => {
                    mode.saved = Some(left);
                    self.compare = None;
                }
            }
            self.compare = match (&step.scene, right) {
                (Scene::Compare(c), Some(right)) => Some(super::compare::CompareMode::new(
                    mode.talk.comparisons[*c].clone(),
                    right,
                )),
                _ => None,
            };
            mode.current = Some(step.scene.clone());
            self.markers.clear();
            self.verification = None;
        }
        if mode.talk.steps[mode.index].section != step.section || mode.index == index {
            mode.section_started_ms = mode.wall_now_ms;
        }
        mode.index = index;
        mode.blank = false;
        mode.stop_at = step.play.map(|_| landing.at);
        if let Some(tab) = step.tab.as_deref().and_then(tab_of) {
            self.view.tab = tab;
        }
        self.talk = Some(mode);
        self.seek(landing.from);
        match step.play {
            Some(play) => {
                self.clock.set_speed_milli(play.speed_milli);
                self.playing = true;
            }
            None => self.playing = false,
        }
        let mode = self.talk.as_mut().expect("talk mode");
        if mode.entry_ms.len() == ENTRY_TIMES_MAX {
            mode.entry_ms.pop_front();
        }
        mode.entry_ms.push_back(wall_ms() - started);
    }

    /// Elapsed wall milliseconds of the talk and of the current section (the presenter's
    /// clock, started by the first frame).
    pub fn talk_clock(&self) -> (f64, f64) {
        self.talk.as_ref().map_or((0.0, 0.0), |m| {
            (
                m.wall_now_ms - m.started_ms,
                m.wall_now_ms - m.section_started_ms,
            )
        })
    }

    /// Advances the presenter's clock (every frame).
    pub(super) fn tick_talk_clock(&mut self, wall_ms: f64) {
        if let Some(mode) = self.talk.as_mut() {
            if mode.started_ms == 0.0 {
                mode.started_ms = wall_ms;
                mode.section_started_ms = wall_ms;
            }
            mode.wall_now_ms = wall_ms;
        }
    }

    /// Resolves every scene (the handout shows every step's facts).
    pub(super) fn resolve_all(&mut self, wall_ms: &dyn Fn() -> f64) {
        let Some(mut mode) = self.talk.take() else {
            return;
        };
        for scene in talk::scenes(&mode.talk) {
            if mode.current.as_ref() != Some(&scene) {
                mode.ensure_scene(&scene, wall_ms);
            }
        }
        self.talk = Some(mode);
    }

    /// Blanks or unblanks the audience screen.
    pub(super) fn toggle_blank(&mut self) {
        if let Some(mode) = self.talk.as_mut() {
            mode.blank = !mode.blank;
        }
    }

    /// Another window of the same talk moved: follow it without echoing.
    pub(super) fn follow(&mut self, index: usize, blank: bool, wall_ms: &dyn Fn() -> f64) {
        let Some(mode) = self.talk.as_ref() else {
            return;
        };
        if index < mode.talk.steps.len() && index != mode.index {
            self.enter_step(index, wall_ms);
        }
        if let Some(mode) = self.talk.as_mut() {
            mode.blank = blank;
        }
    }

    /// Leaves talk mode: the run shown before comes back.
    pub(super) fn leave_talk(&mut self) {
        let Some(mut mode) = self.talk.take() else {
            return;
        };
        if let Some(saved) = mode.saved.take() {
            self.machine = saved;
            self.compare = None;
            let now = self.sim().now();
            self.seek(now);
        }
        self.playing = false;
    }

    /// Called when a frame reached `now`: a step's stretch stops on its moment.
    pub(super) fn talk_stop_due(&mut self) -> Option<SimTime> {
        self.talk.as_ref().and_then(|m| m.stop_at)
    }

    /// Marks the cursor's instant on the timeline.
    pub(super) fn bookmark(&mut self) {
        let now = self.sim().now();
        if self.bookmarks.back() == Some(&now) {
            return;
        }
        if self.bookmarks.len() == BOOKMARKS_MAX {
            self.bookmarks.pop_front();
        }
        self.bookmarks.push_back(now);
        self.notice = Some(format!(
            "bookmarked {} ({} bookmark(s)); Record a talk turns them into steps",
            crate::run::command::instant_text(now),
            self.bookmarks.len()
        ));
    }

    /// A talk of the current run whose steps are the bookmarks, each narrated by what the
    /// engine recorded around it (so the text is true, and yours to rewrite).
    pub(super) fn record_talk(&self) -> Result<String, String> {
        if self.bookmarks.is_empty() {
            return Err("no bookmarks yet: press M (or Bookmark) at the moments to show".into());
        }
        let query = crate::run::link::encode(
            self.machine.seed(),
            self.machine.config(),
            self.machine.commands(),
            None,
            1_000,
            self.machine.from(),
        );
        // Microseconds sorted as u64 (one sort instantiation in the page, shared with the figures).
        let mut micros: Vec<u64> = self.bookmarks.iter().map(|t| t.as_us()).collect();
        crate::sim::order::sort(&mut micros);
        micros.dedup();
        let sorted: Vec<SimTime> = micros.into_iter().map(SimTime).collect();
        // The journal of a run to the last bookmark names what happened before each.
        let mut probe = self.machine.clone();
        probe.seek(*sorted.last().expect("not empty"));
        let journal: Vec<_> = probe.sim().view().journal().cloned().collect();
        let mut steps = Vec::new();
        let mut previous = SimTime::ZERO;
        for (n, at) in sorted.iter().enumerate() {
            let happened: Vec<String> = journal
                .iter()
                .filter(|e| e.time > previous && e.time <= *at)
                .filter_map(|e| describe(&e.event))
                .collect();
            let summary = |korean: bool| {
                let (head, none) = if korean {
                    (
                        "이 구간에 일어난 일: ",
                        "이 구간에는 눈에 띄는 사건이 없습니다.",
                    )
                } else {
                    (
                        "What happened up to here: ",
                        "Nothing notable happened in this stretch.",
                    )
                };
                if happened.is_empty() {
                    none.to_string()
                } else {
                    let mut unique = happened.clone();
                    unique.dedup();
                    let shown: Vec<&str> = unique.iter().take(8).map(String::as_str).collect();
                    format!("{head}{}.", shown.join("; "))
                }
            };
            steps.push(serde_json::json!({
                "id": format!("bookmark-{}", n + 1),
                "title": {
                    "en": format!("Bookmark {} at {}", n + 1, crate::run::command::instant_text(*at)),
                    "ko": format!("북마크 {} ({})", n + 1, crate::run::command::instant_text(*at)),
                },
                "narration": { "en": summary(false), "ko": summary(true) },
                "seconds": 60,
                "at": crate::run::command::instant_text(*at),
            }));
            previous = *at;
        }
        let talk = serde_json::json!({
            "format": "flinkscope-talk",
            "version": 1,
            "id": "recorded",
            "title": { "en": "A recorded talk", "ko": "녹화한 발표" },
            "runs": { "recorded": query },
            "sections": [{
                "id": "recorded",
                "title": { "en": "Recorded", "ko": "녹화" },
                "minutes": steps.len().clamp(1, 240),
                "steps": steps,
            }],
        });
        Ok(serde_json::to_string(&talk).expect("a talk serialises"))
    }
}

/// A few words for a notable event (English; the recorded talk is the author's to translate).
fn describe(event: &crate::sim::event::Event) -> Option<String> {
    use crate::sim::event::Event;
    Some(match event {
        Event::CheckpointCompleted { checkpoint, .. } => {
            format!("checkpoint {} completed", checkpoint.0)
        }
        Event::CheckpointFailed { checkpoint, reason } => {
            format!("checkpoint {} failed ({})", checkpoint.0, reason.message())
        }
        Event::TaskManagerKilled { task_manager } => {
            format!("TaskManager {} was killed", task_manager.0 + 1)
        }
        Event::TaskManagerLost { task_manager } => {
            format!(
                "the JobManager declared TaskManager {} lost",
                task_manager.0 + 1
            )
        }
        Event::JobStatusChanged { to, .. } => format!("the job switched to {}", to.as_str()),
        Event::JobRestored {
            checkpoint: Some(c),
        } => format!("tasks restored from checkpoint {}", c.0),
        Event::AlarmPrinted {
            duplicate: true, ..
        } => "a duplicate alarm was printed".to_string(),
        _ => return None,
    })
}
