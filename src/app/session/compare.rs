//! Compare mode: a second run beside the session's, in lockstep on one timeline.
//!
//! The session's own time machine is the left side; [`CompareMode`] holds the right one and
//! follows every move of the left: frames, steps and seeks bring it to the same simulated
//! instant, and commands go to both sides (or to the one chosen).

use super::Session;
use crate::run::compare::{figures, Figure};
use crate::run::talk::{read_comparisons_file, Comparison};
use crate::run::TimeMachine;
use crate::sim::event::{Command, TimedEvent};
use crate::sim::Sim;

/// Where a command goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CommandTarget {
    /// Both runs.
    #[default]
    Both,
    /// The left run only.
    Left,
    /// The right run only.
    Right,
}

/// The right side of a comparison.
pub struct CompareMode {
    comparison: Comparison,
    other: TimeMachine,
    target: CommandTarget,
    scratch: Vec<TimedEvent>,
    /// The right side draws no record motion (only the left run is verbose).
    still: crate::app::motion::RecordSampler,
}

impl CompareMode {
    /// The right side `other` of `comparison`.
    pub fn new(comparison: Comparison, mut other: TimeMachine) -> CompareMode {
        other.set_verbose(false);
        CompareMode {
            comparison,
            other,
            target: CommandTarget::Both,
            scratch: Vec::new(),
            still: Default::default(),
        }
    }
    /// Gives the right side back (a talk keeps it for its scene).
    pub fn into_other(self) -> TimeMachine {
        self.other
    }
    /// The comparison.
    pub fn comparison(&self) -> &Comparison {
        &self.comparison
    }
    /// The right run.
    pub fn other(&self) -> &Sim {
        self.other.sim()
    }
    /// The right run's timeline.
    pub fn other_machine(&self) -> &TimeMachine {
        &self.other
    }
    /// Where commands go.
    pub fn target(&self) -> CommandTarget {
        self.target
    }
    /// The two runs' figures, row by row.
    pub fn figures(&self, left: &Sim) -> Vec<(Figure, Figure)> {
        figures(left)
            .into_iter()
            .zip(figures(self.other.sim()))
            .collect()
    }
}

impl Session {
    /// The comparison shown, if any.
    pub fn compare(&self) -> Option<&CompareMode> {
        self.compare.as_ref()
    }

    /// The simulation a panel shows: `side` 0 (the page) and 1 (a comparison's left side) the
    /// session's run, 2 a comparison's right run (the session's run without a comparison).
    pub fn side_sim(&self, side: usize) -> &Sim {
        match (side, self.compare.as_ref()) {
            (2, Some(compare)) => compare.other.sim(),
            _ => self.machine.sim(),
        }
    }

    /// The record motion of a side (the right side has none).
    pub fn side_sampler(&self, side: usize) -> &crate::app::motion::RecordSampler {
        match (side, self.compare.as_ref()) {
            (2, Some(compare)) => &compare.still,
            _ => &self.sampler,
        }
    }

    /// The ready-made comparisons, once known (the page fetches them when it starts).
    pub fn comparisons(&self) -> Option<&[Comparison]> {
        self.comparisons.as_deref()
    }

    /// The fetched comparisons file: kept, its problems noted, and a waiting link opened.
    pub(super) fn comparisons_loaded(&mut self, text: Result<String, String>) {
        match text {
            Ok(text) => {
                let (list, problems) = read_comparisons_file(&text);
                if !problems.is_empty() {
                    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
                    self.notice = Some(format!(
                        "talks/comparisons.json: {} skipped: {}",
                        problems.len(),
                        text.join("; ")
                    ));
                }
                self.comparisons = Some(list.into());
                self.open_pending_compare();
            }
            Err(reason) => {
                self.notice = Some(format!(
                    "the ready-made comparisons could not be loaded ({reason}); compare mode \
                     needs talks/comparisons.json beside the page"
                ));
                self.pending_compare = None;
            }
        }
    }

    /// Opens the comparison a link named, once the comparisons are known.
    pub(super) fn open_pending_compare(&mut self) {
        if self.comparisons.is_none() {
            return;
        }
        let Some((id, commands, cursor)) = self.pending_compare.take() else {
            return;
        };
        self.open_compare(&id, 0.0);
        if self.compare.is_some() {
            self.set_both_logs(&commands);
            if let Some(cursor) = cursor {
                self.seek_forward(cursor);
            }
        }
    }

    /// Opens a ready-made comparison by id: its left run replaces the session's run.
    pub(super) fn open_compare(&mut self, id: &str, now_ms: f64) {
        let Some(list) = self.comparisons.clone() else {
            self.notice = Some("the ready-made comparisons are still loading".to_string());
            return;
        };
        let Some(comparison) = list.iter().find(|c| c.id == id).cloned() else {
            let ids: Vec<String> = list.iter().map(|c| c.id.clone()).collect();
            self.notice = Some(format!(
                "there is no comparison '{id}'; the ready-made ones are {}",
                ids.join(", ")
            ));
            return;
        };
        self.leave_talk();
        let [left, right] = comparison.sides.clone();
        let machine = |run: &crate::run::link::SharedRun| match run.machine() {
            Ok(machine) => machine,
            // The built-in comparisons' runs start (`tests/talk.rs`); a fallback, not a panic.
            Err(_) => TimeMachine::new(run.config.clone(), run.seed, run.commands.clone())
                .expect("a decoded run's configuration is valid"),
        };
        let mut left_machine = machine(&left.run);
        left_machine.set_verbose(true);
        self.replace_machine(left_machine, now_ms);
        self.compare = Some(CompareMode::new(comparison, machine(&right.run)));
        self.playing = false;
    }

    /// The link of the comparison at the cursor: its id, the left run's command log when it
    /// is no longer the comparison's own (acting forks a timeline, replacing its recorded
    /// future), the cursor and the speed.
    pub(super) fn compare_link(&self) -> Option<String> {
        let compare = self.compare.as_ref()?;
        let log = self.machine.commands();
        let mut link = format!("compare={}", compare.comparison.id);
        if log != compare.comparison.sides[0].run.commands.as_slice() {
            link.push_str("&cmds=");
            link.push_str(&crate::run::command::format_list(log));
        }
        link.push_str(&format!(
            "&t={}&speed={}",
            crate::run::command::instant_text(self.machine.sim().now()),
            crate::run::speed::speed_label(self.clock.speed_milli())
        ));
        Some(link)
    }

    /// Whether the two runs were given different commands (a link carries the left's).
    pub(super) fn logs_differ(&self) -> bool {
        self.compare
            .as_ref()
            .is_some_and(|c| c.other.commands() != self.machine.commands())
    }

    /// Gives both runs this command log (a comparison's link), before anything was played.
    pub(super) fn set_both_logs(&mut self, commands: &[(crate::sim::SimTime, Command)]) {
        if commands.is_empty() {
            return;
        }
        let Some(compare) = self.compare.as_mut() else {
            return;
        };
        let with = |machine: &TimeMachine| {
            let log = commands.to_vec();
            let mut fresh = TimeMachine::new(machine.config().clone(), machine.seed(), log)
                .expect("a running configuration is valid");
            fresh.set_verbose(false);
            fresh
        };
        compare.other = with(&compare.other);
        let mut left = with(&self.machine);
        left.set_verbose(true);
        self.machine = left;
    }

    /// Plays forward to `cursor` (a link's cursor), both runs.
    pub(super) fn seek_forward(&mut self, cursor: crate::sim::SimTime) {
        let progress = self.machine.advance(cursor, u64::MAX);
        self.report(&progress);
        self.collect_events(0.0);
        self.sync_other();
    }

    /// Leaves compare mode (the left run stays).
    pub(super) fn leave_compare(&mut self) {
        if self.talk.is_none() {
            self.compare = None;
        }
    }

    /// Chooses where commands go.
    pub(super) fn set_command_target(&mut self, target: CommandTarget) {
        if let Some(compare) = self.compare.as_mut() {
            compare.target = target;
        }
    }

    /// Brings the right side to the left side's instant (after a step, a seek or a pause).
    pub(super) fn sync_other(&mut self) {
        self.sync_other_within(u64::MAX);
    }

    /// Whether the right side lags behind the left (a frame ran out of its event budget).
    pub(super) fn other_lags(&self) -> bool {
        self.compare
            .as_ref()
            .is_some_and(|c| c.other.sim().now() < self.machine.sim().now())
    }

    /// Brings the right side toward the left side's instant processing at most `budget`
    /// events; returns whether it got there.
    pub(super) fn sync_other_within(&mut self, budget: u64) -> bool {
        let now = self.machine.sim().now();
        let Some(compare) = self.compare.as_mut() else {
            return true;
        };
        let other = &mut compare.other;
        let mut reached = true;
        if now < other.sim().now() {
            other.seek(now);
        } else if now > other.sim().now() {
            let progress = other.advance(now, budget);
            reached = progress.reached;
            if !progress.refused.is_empty() {
                let text: Vec<String> = progress.refused.iter().map(ToString::to_string).collect();
                self.notice = Some(format!("right run: {}", text.join("; ")));
            }
        }
        let compare = self.compare.as_mut().expect("just used");
        compare.other.drain_events(&mut compare.scratch);
        compare.scratch.clear();
        reached
    }

    /// Applies a command to the right side when the target includes it; `Err` says why not.
    pub(super) fn command_other(&mut self, command: &Command) -> Result<(), String> {
        let Some(compare) = self.compare.as_mut() else {
            return Ok(());
        };
        if compare.target == CommandTarget::Left {
            return Ok(());
        }
        compare
            .other
            .act(command.clone())
            .map(|_| ())
            .map_err(|e| format!("right run refused it: {}", e.0))
    }

    /// Whether the left side takes commands.
    pub(super) fn left_takes_commands(&self) -> bool {
        self.compare
            .as_ref()
            .is_none_or(|c| c.target != CommandTarget::Right)
    }
}
