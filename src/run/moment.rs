//! Moments of a run: an instant, or the first instant after another at which a condition
//! holds — "the barrier of checkpoint 3 is in the channel from source 2 to keyed subtask 2",
//! "TaskManager 2's loss is detected" — found by the engine, so a talk's step always shows the
//! same thing.
//!
//! A condition is checked at instant boundaries: after every event of an instant and every
//! logged command due at it. Seeking the time machine to an instant lands exactly there (the
//! engine is deterministic), so a moment is stored as the instant alone. A search starts
//! strictly after the previous moment: two things that happen at one instant (the job switches
//! to RUNNING as its tasks are restored) are one moment, named by either condition.
//!
//! ```text
//! condition = "triggered" [":" N]          checkpoint N (any) was triggered
//!           | "barrier" ":" N ":" V.S ">" W.T   a barrier of N is in the channel V.S → W.T
//!           | "aligning" ":" V.S           an input of V.S is blocked by an aligned barrier
//!           | "snapshot" [":" N] ":" V.S   V.S took its snapshot of N (any)
//!           | "completed" [":" N]          checkpoint N (any) completed: its _metadata is stored
//!           | "failed" [":" N]             checkpoint N (any) failed or expired
//!           | "persisted"                  a checkpoint completed with persisted in-flight data
//!           | "killed" ":" TM              TaskManager TM's process was killed
//!           | "lost" ":" TM                the JobManager declared TaskManager TM lost
//!           | "status" ":" STATUS          the job switched to STATUS (RUNNING, RESTARTING, …)
//!           | "restored"                   tasks were restored from a checkpoint
//!           | "alarm"                      an alarm was printed
//!           | "duplicate"                  an alarm was printed again (a duplicate)
//! ```
//!
//! Subtasks are `VERTEX.SUBTASK` from 0 as in the command syntax (vertex 0 is the source);
//! TaskManagers and checkpoints are numbered as Flink numbers them (from 1).

use super::time_machine::TimeMachine;
use crate::sim::channel::Element;
use crate::sim::event::{Event, TimedEvent};
use crate::sim::ids::{CheckpointId, TaskIndex, TaskManagerId, VertexIndex};
use crate::sim::lifecycle::JobStatus;
use crate::sim::{Sim, SimDuration, SimTime};
use std::fmt;

/// How far a condition is searched for when the talk does not say.
pub const SEARCH_DEFAULT: SimDuration = SimDuration::from_secs(600);
/// How far a condition may be searched for at most.
pub const SEARCH_MAX: SimDuration = SimDuration::from_secs(6 * 3_600);

/// A subtask by vertex and subtask index (both from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubtaskRef {
    /// The vertex (0 is the source).
    pub vertex: u32,
    /// The subtask within it.
    pub subtask: u32,
}

impl fmt::Display for SubtaskRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.vertex, self.subtask)
    }
}

impl SubtaskRef {
    /// Reads `V.S` (the command syntax's `VERTEX.SUBTASK`).
    pub fn parse(text: &str) -> Result<SubtaskRef, String> {
        let (vertex, subtask) = super::command::vertex_subtask(text)?;
        Ok(SubtaskRef {
            vertex: vertex.0,
            subtask,
        })
    }

    /// The dense task index in `sim`'s graph, if the subtask exists there.
    pub fn task(&self, sim: &Sim) -> Option<TaskIndex> {
        let graph = sim.view().graph();
        let vertex = graph.vertices.get(self.vertex as usize)?;
        (self.subtask < vertex.parallelism)
            .then(|| graph.task(VertexIndex(self.vertex), self.subtask))
    }
}

/// A channel by its ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelRef {
    /// The sender.
    pub from: SubtaskRef,
    /// The receiver.
    pub to: SubtaskRef,
}

impl fmt::Display for ChannelRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}>{}", self.from, self.to)
    }
}

impl ChannelRef {
    /// Reads `V.S>W.T`.
    pub fn parse(text: &str) -> Result<ChannelRef, String> {
        let (from, to) = text
            .split_once('>')
            .ok_or_else(|| format!("'{text}' is not SENDER>RECEIVER, e.g. 0.1>1.1"))?;
        Ok(ChannelRef {
            from: SubtaskRef::parse(from)?,
            to: SubtaskRef::parse(to)?,
        })
    }

    /// The dense channel index in `sim`'s graph, if such a channel exists.
    pub fn channel(&self, sim: &Sim) -> Option<usize> {
        let (from, to) = (self.from.task(sim)?, self.to.task(sim)?);
        sim.view()
            .graph()
            .channels
            .iter()
            .position(|c| c.sender == from && c.receiver == to)
    }
}

/// What a moment waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// A checkpoint was triggered.
    Triggered(Option<u64>),
    /// A barrier of a checkpoint is queued in a channel.
    BarrierInChannel(u64, ChannelRef),
    /// An input of a subtask is blocked by an aligned barrier.
    Aligning(SubtaskRef),
    /// A subtask took its snapshot.
    Snapshot(Option<u64>, SubtaskRef),
    /// A checkpoint completed.
    Completed(Option<u64>),
    /// A checkpoint failed or expired.
    Failed(Option<u64>),
    /// A checkpoint completed with persisted in-flight data.
    Persisted,
    /// A TaskManager's process was killed (numbered from 1).
    Killed(u32),
    /// The JobManager declared a TaskManager lost (numbered from 1).
    Lost(u32),
    /// The job switched to a status.
    Status(JobStatus),
    /// Tasks were restored from a checkpoint.
    Restored,
    /// An alarm was printed.
    Alarm,
    /// A duplicate alarm was printed.
    Duplicate,
}

fn optional_id(arg: Option<&str>) -> Result<Option<u64>, String> {
    arg.map(|a| {
        a.parse::<u64>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| format!("checkpoint '{a}' is not a number from 1"))
    })
    .transpose()
}

impl Condition {
    /// Reads a condition (see the module's grammar).
    pub fn parse(text: &str) -> Result<Condition, String> {
        let text = text.trim();
        let mut parts = text.split(':');
        let name = parts.next().unwrap_or_default();
        let args: Vec<&str> = parts.collect();
        let arity = |min: usize, max: usize| {
            if args.len() < min || args.len() > max {
                Err(format!(
                    "condition '{text}': '{name}' takes {} argument(s)",
                    if min == max {
                        min.to_string()
                    } else {
                        format!("{min}–{max}")
                    }
                ))
            } else {
                Ok(())
            }
        };
        let task_manager = |a: &str| {
            a.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                format!("condition '{text}': TaskManager '{a}' is not a number from 1")
            })
        };
        let with = |e: String| format!("condition '{text}': {e}");
        let condition = match name {
            "triggered" => {
                arity(0, 1)?;
                Condition::Triggered(optional_id(args.first().copied()).map_err(with)?)
            }
            "barrier" => {
                arity(2, 2)?;
                let id = optional_id(Some(args[0])).map_err(with)?.unwrap_or(1);
                Condition::BarrierInChannel(id, ChannelRef::parse(args[1]).map_err(with)?)
            }
            "aligning" => {
                arity(1, 1)?;
                Condition::Aligning(SubtaskRef::parse(args[0]).map_err(with)?)
            }
            "snapshot" => {
                arity(1, 2)?;
                let (id, task) = if args.len() == 2 {
                    (optional_id(Some(args[0])).map_err(with)?, args[1])
                } else {
                    (None, args[0])
                };
                Condition::Snapshot(id, SubtaskRef::parse(task).map_err(with)?)
            }
            "completed" => {
                arity(0, 1)?;
                Condition::Completed(optional_id(args.first().copied()).map_err(with)?)
            }
            "failed" => {
                arity(0, 1)?;
                Condition::Failed(optional_id(args.first().copied()).map_err(with)?)
            }
            "persisted" => {
                arity(0, 0)?;
                Condition::Persisted
            }
            "killed" => {
                arity(1, 1)?;
                Condition::Killed(task_manager(args[0])?)
            }
            "lost" => {
                arity(1, 1)?;
                Condition::Lost(task_manager(args[0])?)
            }
            "status" => {
                arity(1, 1)?;
                let status = JobStatus::SIMULATED
                    .iter()
                    .copied()
                    .find(|s| s.as_str().eq_ignore_ascii_case(args[0]))
                    .ok_or_else(|| {
                        format!("condition '{text}': '{}' is not a job status", args[0])
                    })?;
                Condition::Status(status)
            }
            "restored" => {
                arity(0, 0)?;
                Condition::Restored
            }
            "alarm" => {
                arity(0, 0)?;
                Condition::Alarm
            }
            "duplicate" => {
                arity(0, 0)?;
                Condition::Duplicate
            }
            _ => {
                return Err(format!(
                    "condition '{text}': unknown; one of triggered, barrier, aligning, snapshot, \
                     completed, failed, persisted, killed, lost, status, restored, alarm, duplicate"
                ))
            }
        };
        Ok(condition)
    }

    /// Checks that every subtask and channel it names exists in `sim`'s job.
    pub fn check(&self, sim: &Sim) -> Result<(), String> {
        let subtask = |s: &SubtaskRef| {
            s.task(sim)
                .map(|_| ())
                .ok_or_else(|| format!("the job has no subtask {s}"))
        };
        match self {
            Condition::BarrierInChannel(_, c) => c
                .channel(sim)
                .map(|_| ())
                .ok_or_else(|| format!("the job has no channel {c}")),
            Condition::Aligning(s) | Condition::Snapshot(_, s) => subtask(s),
            Condition::Killed(n) | Condition::Lost(n) => {
                if (*n as usize) <= sim.view().task_managers().len() {
                    Ok(())
                } else {
                    Err(format!("the cluster has no TaskManager {n}"))
                }
            }
            _ => Ok(()),
        }
    }

    /// Whether the condition holds after an instant whose events were `events`.
    pub fn holds(&self, sim: &Sim, events: &[TimedEvent]) -> bool {
        let view = sim.view();
        let id = |want: &Option<u64>, got: CheckpointId| want.is_none_or(|w| w == u64::from(got.0));
        let any = |f: &dyn Fn(&Event) -> bool| events.iter().any(|e| f(&e.event));
        match self {
            Condition::Triggered(want) => {
                any(&|e| matches!(e, Event::CheckpointTriggered { checkpoint, .. } if id(want, *checkpoint)))
            }
            Condition::BarrierInChannel(want, channel) => channel.channel(sim).is_some_and(|c| {
                view.channels()[c].iter().any(|q| {
                    matches!(q.element, Element::Barrier { checkpoint, .. } if u64::from(checkpoint.0) == *want)
                })
            }),
            Condition::Aligning(subtask) => subtask.task(sim).is_some_and(|task| {
                let inputs = &view.graph().tasks[task.0 as usize].inputs;
                let blocked = inputs
                    .iter()
                    .filter(|c| view.channels()[c.0 as usize].blocked)
                    .count();
                blocked > 0 && blocked < inputs.len()
            }),
            Condition::Snapshot(want, subtask) => {
                let task = subtask.task(sim);
                any(&|e| matches!(e, Event::SnapshotTaken { task: t, checkpoint, .. } if Some(*t) == task && id(want, *checkpoint)))
            }
            Condition::Completed(want) => {
                any(&|e| matches!(e, Event::CheckpointCompleted { checkpoint, .. } if id(want, *checkpoint)))
            }
            Condition::Failed(want) => {
                any(&|e| matches!(e, Event::CheckpointFailed { checkpoint, .. } if id(want, *checkpoint)))
            }
            Condition::Persisted => events.iter().any(|e| match e.event {
                Event::CheckpointCompleted { checkpoint, .. } => view
                    .checkpoint_history()
                    .find(|r| r.id == checkpoint)
                    .is_some_and(|r| r.sum(|s| s.persisted_bytes) > 0),
                _ => false,
            }),
            Condition::Killed(n) => any(&|e| {
                matches!(e, Event::TaskManagerKilled { task_manager } if *task_manager == TaskManagerId(n - 1))
            }),
            Condition::Lost(n) => any(&|e| {
                matches!(e, Event::TaskManagerLost { task_manager } if *task_manager == TaskManagerId(n - 1))
            }),
            Condition::Status(status) => {
                any(&|e| matches!(e, Event::JobStatusChanged { to, .. } if to == status))
            }
            Condition::Restored => any(&|e| {
                matches!(
                    e,
                    Event::JobRestored {
                        checkpoint: Some(_)
                    }
                )
            }),
            Condition::Alarm => any(&|e| matches!(e, Event::AlarmPrinted { .. })),
            Condition::Duplicate => {
                any(&|e| matches!(e, Event::AlarmPrinted { duplicate: true, .. }))
            }
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = |n: &Option<u64>| n.map_or(String::new(), |n| format!(":{n}"));
        match self {
            Condition::Triggered(n) => write!(f, "triggered{}", id(n)),
            Condition::BarrierInChannel(n, c) => write!(f, "barrier:{n}:{c}"),
            Condition::Aligning(s) => write!(f, "aligning:{s}"),
            Condition::Snapshot(n, s) => write!(f, "snapshot{}:{s}", id(n)),
            Condition::Completed(n) => write!(f, "completed{}", id(n)),
            Condition::Failed(n) => write!(f, "failed{}", id(n)),
            Condition::Persisted => write!(f, "persisted"),
            Condition::Killed(n) => write!(f, "killed:{n}"),
            Condition::Lost(n) => write!(f, "lost:{n}"),
            Condition::Status(s) => write!(f, "status:{}", s.as_str()),
            Condition::Restored => write!(f, "restored"),
            Condition::Alarm => write!(f, "alarm"),
            Condition::Duplicate => write!(f, "duplicate"),
        }
    }
}

/// Where a moment lies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Moment {
    /// An instant of the run.
    At(SimTime),
    /// A duration after the previous moment.
    After(SimDuration),
    /// The first instant after the previous moment at which the condition holds, searched at
    /// most `within` ahead.
    Until {
        /// The condition.
        condition: Condition,
        /// The search horizon.
        within: SimDuration,
    },
}

/// Advances `machine` (positioned at the previous moment) to the first instant boundary after
/// it at which `condition` holds, at most `within` ahead. Returns the instant, or why not.
pub fn find(
    machine: &mut TimeMachine,
    condition: &Condition,
    within: SimDuration,
) -> Result<SimTime, String> {
    condition.check(machine.sim())?;
    let start = machine.sim().now();
    let limit = start.add(within);
    let mut events = Vec::new();
    machine.drain_events(&mut Vec::new());
    loop {
        let Some(next) = machine.next_instant() else {
            return Err(format!(
                "'{condition}' never holds: the run has nothing left to do after {}",
                super::command::instant_text(start)
            ));
        };
        if next > limit {
            return Err(format!(
                "'{condition}' does not hold within {within} after {}",
                super::command::instant_text(start)
            ));
        }
        machine.advance(next, u64::MAX);
        events.clear();
        machine.drain_events(&mut events);
        if condition.holds(machine.sim(), &events) {
            return Ok(next);
        }
    }
}

/// Places `moment` after `previous` on `machine` (positioned at `previous`), leaving it there.
pub fn place(machine: &mut TimeMachine, moment: &Moment) -> Result<SimTime, String> {
    match moment {
        Moment::At(at) => {
            if *at < machine.sim().now() {
                machine.seek(*at);
            } else {
                machine.advance(*at, u64::MAX);
            }
            Ok(*at)
        }
        Moment::After(duration) => {
            let at = machine.sim().now().add(*duration);
            machine.advance(at, u64::MAX);
            Ok(at)
        }
        Moment::Until { condition, within } => find(machine, condition, *within),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimConfig;

    #[test]
    fn conditions_read_back_as_written_and_bad_ones_say_why() {
        for text in [
            "triggered",
            "triggered:3",
            "barrier:3:0.1>1.1",
            "aligning:1.1",
            "snapshot:1.2",
            "snapshot:4:1.2",
            "completed",
            "completed:3",
            "failed:2",
            "persisted",
            "killed:2",
            "lost:2",
            "status:RUNNING",
            "restored",
            "alarm",
            "duplicate",
        ] {
            let condition = Condition::parse(text).unwrap();
            assert_eq!(condition.to_string(), text);
        }
        for (text, says) in [
            ("barrier:3", "takes 2"),
            ("barrier:0:0.1>1.1", "from 1"),
            ("aligning:x", "VERTEX.SUBTASK"),
            ("status:DANCING", "not a job status"),
            ("lost:0", "from 1"),
            ("teleported", "unknown"),
        ] {
            let error = Condition::parse(text).unwrap_err();
            assert!(error.contains(says), "{text}: {error}");
        }
    }

    #[test]
    fn a_condition_is_found_at_the_same_instant_every_time_and_seeking_there_lands_on_it() {
        let run =
            crate::run::link::decode("seed=21&c.simulation.source.interval=500ms&cmds=k2@30101ms");
        assert!(run.problems.is_empty());
        let find_all = || {
            let mut machine =
                TimeMachine::new(run.config.clone(), run.seed, run.commands.clone()).unwrap();
            let mut instants = Vec::new();
            for text in [
                "triggered:3",
                "barrier:3:0.1>1.1",
                "completed:3",
                "killed:2",
                "lost:2",
                "restored",
                "duplicate",
            ] {
                let condition = Condition::parse(text).unwrap();
                instants.push(find(&mut machine, &condition, SEARCH_DEFAULT).unwrap());
            }
            (instants, machine)
        };
        let (first, mut machine) = find_all();
        let (second, _) = find_all();
        assert_eq!(first, second);
        assert!(first.windows(2).all(|w| w[0] <= w[1]), "{first:?}");
        // Seeking back to the barrier's instant shows the barrier in that channel.
        machine.seek(first[1]);
        let channel = ChannelRef::parse("0.1>1.1").unwrap();
        assert!(Condition::BarrierInChannel(3, channel).holds(machine.sim(), &[]));
        assert!(Condition::parse("barrier:3:9.9>1.1")
            .unwrap()
            .check(machine.sim())
            .is_err());
    }

    #[test]
    fn a_condition_that_never_holds_is_reported_not_searched_forever() {
        let mut machine = TimeMachine::new(SimConfig::default(), 1, Vec::new()).unwrap();
        let error = find(
            &mut machine,
            &Condition::Lost(2),
            SimDuration::from_secs(120),
        )
        .unwrap_err();
        assert!(error.contains("does not hold within"), "{error}");
    }
}
