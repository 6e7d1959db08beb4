//! Shared set-up for the scenario tests: run a simulation event by event with every invariant
//! checked, applying scheduled commands at their instants.
#![allow(dead_code)]

use flinkscope::sim::event::{Command, Event, TimedEvent};
use flinkscope::sim::ids::TaskManagerId;
use flinkscope::sim::invariants::InvariantChecker;
use flinkscope::sim::{Sim, SimConfig, SimTime};

/// A run with its collected events.
pub struct Run {
    /// The simulation at the end.
    pub sim: Sim,
    /// Every event, in order.
    pub events: Vec<TimedEvent>,
    /// The invariant checker (counts duplicates, alarms, restores).
    pub checker: InvariantChecker,
}

/// Milliseconds → simulated time.
pub fn ms(ms: u64) -> SimTime {
    SimTime::from_ms(ms)
}

/// Seconds → simulated time.
pub fn secs(s: u64) -> SimTime {
    SimTime::from_ms(s * 1_000)
}

/// Kill TaskManager `n` (1-based, as the talk numbers them).
pub fn kill(n: u32) -> Command {
    Command::KillTaskManager {
        task_manager: TaskManagerId(n - 1),
    }
}

/// Restart TaskManager `n` (1-based).
pub fn restart(n: u32) -> Command {
    Command::RestartTaskManager {
        task_manager: TaskManagerId(n - 1),
    }
}

/// Runs `config` with `seed` until `until`, applying `commands` at their instants and checking
/// every invariant after every event. Panics with a readable message on a violation.
pub fn run_checked(
    config: SimConfig,
    seed: u64,
    until: SimTime,
    commands: &[(SimTime, Command)],
) -> Run {
    let sim = Sim::new(config, seed).expect("valid configuration");
    run_checked_from(sim, seed, until, commands)
}

/// [`run_checked`] of a simulation already built (a job started from a snapshot).
#[allow(dead_code)]
pub fn run_checked_from(
    mut sim: Sim,
    seed: u64,
    until: SimTime,
    commands: &[(SimTime, Command)],
) -> Run {
    sim.set_verbose(true);
    let mut checker = InvariantChecker::new(&sim);
    let mut events = Vec::new();
    let mut batch = Vec::new();
    let mut pending: Vec<(SimTime, Command)> = commands.to_vec();
    pending.sort_by_key(|(at, _)| *at);
    let mut pending = pending.into_iter().peekable();
    loop {
        let next_command = pending.peek().map(|(at, _)| *at);
        let next_event = sim.next_event_time();
        match (next_command, next_event) {
            (Some(at), event) if at <= until && event.is_none_or(|e| at < e) => {
                sim.advance_to(at);
                let (_, command) = pending.next().expect("peeked");
                sim.handle(command).expect("command accepted");
            }
            (_, Some(at)) if at <= until => {
                sim.step();
            }
            _ => break,
        }
        sim.drain_events(&mut batch);
        if let Err(violation) = checker.check(&sim, &batch) {
            panic!(
                "invariant violated at {:?} (seed {seed}): {violation}",
                sim.now()
            );
        }
        events.append(&mut batch);
    }
    sim.advance_to(until);
    Run {
        sim,
        events,
        checker,
    }
}

/// The alarm lines printed, with their duplicate flag.
pub fn alarms(run: &Run) -> Vec<(u64, u32, u64, bool)> {
    run.events
        .iter()
        .filter_map(|e| match e.event {
            Event::AlarmPrinted {
                key,
                seq,
                duplicate,
                ..
            } => Some((e.time.as_us(), key.0, seq, duplicate)),
            _ => None,
        })
        .collect()
}

/// Ids of completed checkpoints, in order.
pub fn completed(run: &Run) -> Vec<u64> {
    run.events
        .iter()
        .filter_map(|e| match e.event {
            Event::CheckpointCompleted { checkpoint, .. } => Some(u64::from(checkpoint.0)),
            _ => None,
        })
        .collect()
}

/// 1,000 events/s per source; keyed subtask 2 (user1 and user3) slowed 20× at 20 s.
pub fn backpressured(unaligned: bool) -> (SimConfig, Vec<(SimTime, Command)>) {
    let config = SimConfig {
        source_interval: flinkscope::sim::SimDuration::from_ms(1),
        record_cost: flinkscope::sim::SimDuration::from_us(100),
        unaligned,
        checkpoint_timeout: flinkscope::sim::SimDuration::from_secs(30),
        ..SimConfig::default()
    };
    let slow = Command::SlowDownSubtask {
        vertex: flinkscope::sim::ids::VertexIndex(1),
        subtask: 2,
        factor: 20,
    };
    (config, vec![(secs(20), slow)])
}
