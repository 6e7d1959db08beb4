//! A run as data: seed, configuration, the command log with instants, and the end time. It is
//! what the page exports and shares and what `flinkscope run --replay FILE.json` replays: the
//! same script gives the same trace hash everywhere.

use crate::sim::event::{Command, ScheduledCommand};
use crate::sim::json::struct_from_json;
use crate::sim::time::{parse_duration, SimDuration, SimTime};
use crate::sim::{Sim, SimConfig};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The `format` field of a run file.
pub const RUN_FORMAT: &str = "flinkscope-run";
/// The current version of the run file.
pub const RUN_VERSION: u32 = 1;
/// Most commands a run file may hold.
pub const SCRIPT_COMMANDS_MAX: usize = 10_000;
/// Longest run a script may ask for (a week of simulated time).
pub const SCRIPT_UNTIL_MAX: SimDuration = SimDuration::from_secs(7 * 86_400);

/// The file format (also the page's export).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunFile {
    /// Always [`RUN_FORMAT`].
    pub format: String,
    /// [`RUN_VERSION`].
    pub version: u32,
    /// The seed.
    pub seed: u64,
    /// The configuration, by Flink option names.
    pub config: Map<String, Value>,
    /// Commands in order.
    pub commands: Vec<ScheduledCommand>,
    /// How far to run (a duration string such as `10 min`).
    pub until: String,
}

struct_from_json!(RunFile {
    format,
    version,
    seed,
    config,
    commands,
    until
});

/// A validated run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunScript {
    /// The seed.
    pub seed: u64,
    /// The configuration.
    pub config: SimConfig,
    /// Commands, sorted by instant (stable for equal instants).
    pub commands: Vec<(SimTime, Command)>,
    /// The end of the run.
    pub until: SimTime,
}

/// Why a run file was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ScriptError(pub String);

impl RunScript {
    /// The file form.
    pub fn to_file(&self) -> RunFile {
        RunFile {
            format: RUN_FORMAT.to_string(),
            version: RUN_VERSION,
            seed: self.seed,
            config: self.config.to_json(),
            commands: self
                .commands
                .iter()
                .map(|(at, command)| ScheduledCommand {
                    at_us: at.as_us(),
                    command: command.clone(),
                })
                .collect(),
            until: SimDuration(self.until.as_us()).to_string(),
        }
    }

    /// Reads and validates a run file's text.
    pub fn from_json(text: &str) -> Result<RunScript, ScriptError> {
        let file: RunFile = crate::sim::json::decode(text)
            .map_err(|e| ScriptError(format!("not a flinkscope run file: {e}")))?;
        if file.format != RUN_FORMAT {
            return Err(ScriptError(format!(
                "format is '{}', expected '{RUN_FORMAT}'",
                file.format
            )));
        }
        if file.version != RUN_VERSION {
            return Err(ScriptError(format!(
                "version {} is not supported (this build reads {RUN_VERSION})",
                file.version
            )));
        }
        if file.commands.len() > SCRIPT_COMMANDS_MAX {
            return Err(ScriptError(format!(
                "{} commands; at most {SCRIPT_COMMANDS_MAX}",
                file.commands.len()
            )));
        }
        let config =
            SimConfig::from_map(&file.config).map_err(|e| ScriptError(format!("config: {e}")))?;
        let until = parse_duration(&file.until).map_err(|e| ScriptError(format!("until: {e}")))?;
        if until > SCRIPT_UNTIL_MAX {
            return Err(ScriptError(format!(
                "until {until} is longer than {SCRIPT_UNTIL_MAX}"
            )));
        }
        let mut commands: Vec<(SimTime, Command)> = file
            .commands
            .into_iter()
            .map(|c| (SimTime(c.at_us), c.command))
            .collect();
        commands.sort_by_key(|(at, _)| *at);
        Ok(RunScript {
            seed: file.seed,
            config,
            commands,
            until: SimTime(until.as_us()),
        })
    }

    /// Runs the script, calling `observe` after each chunk of events; refused commands are
    /// reported to `refused` and skipped (as the page does).
    pub fn run(
        &self,
        mut observe: impl FnMut(&mut Sim),
        mut refused: impl FnMut(SimTime, &Command, String),
    ) -> Sim {
        let mut sim = Sim::new(self.config.clone(), self.seed)
            .expect("a script's configuration is validated");
        for (at, command) in self.commands.iter().filter(|(at, _)| *at <= self.until) {
            advance_observed(&mut sim, *at, &mut observe);
            if let Err(error) = sim.handle(command.clone()) {
                refused(*at, command, error.0);
            }
            observe(&mut sim);
        }
        advance_observed(&mut sim, self.until, &mut observe);
        sim
    }
}

/// Advances in chunks of at most 100 ms so observers see events close to when they happened.
fn advance_observed(sim: &mut Sim, until: SimTime, observe: &mut impl FnMut(&mut Sim)) {
    while sim.now() < until {
        let next = SimTime(sim.now().as_us().saturating_add(100_000)).min(until);
        sim.advance_to(next);
        observe(sim);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ids::TaskManagerId;

    #[test]
    fn run_files_round_trip_and_replay_identically() {
        let script = RunScript {
            seed: 9,
            config: SimConfig::default(),
            commands: vec![(
                SimTime::from_ms(45_000),
                Command::KillTaskManager {
                    task_manager: TaskManagerId(1),
                },
            )],
            until: SimTime::from_ms(120_000),
        };
        let text = serde_json::to_string_pretty(&script.to_file()).unwrap();
        assert!(text.contains("\"kill_task_manager\": {"), "{text}");
        let read = RunScript::from_json(&text).unwrap();
        assert_eq!(read, script);
        let a = script.run(|_| {}, |_, _, _| {}).view().trace_hash();
        let b = read.run(|_| {}, |_, _, _| {}).view().trace_hash();
        assert_eq!(a, b);
    }

    #[test]
    fn bad_run_files_are_reported() {
        assert!(RunScript::from_json("{")
            .unwrap_err()
            .0
            .contains("not a flinkscope run file"));
        let wrong =
            r#"{"format":"x","version":1,"seed":1,"config":{},"commands":[],"until":"1 s"}"#;
        assert!(RunScript::from_json(wrong)
            .unwrap_err()
            .0
            .contains("format"));
        let bad_config = r#"{"format":"flinkscope-run","version":1,"seed":1,"config":{"parallelism.default":0},"commands":[],"until":"1 s"}"#;
        assert!(RunScript::from_json(bad_config)
            .unwrap_err()
            .0
            .starts_with("config: parallelism.default"));
        let too_long = r#"{"format":"flinkscope-run","version":1,"seed":1,"config":{},"commands":[],"until":"30 d"}"#;
        assert!(RunScript::from_json(too_long).is_err());
    }
}
