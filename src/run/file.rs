//! A run as data: seed, configuration, the command log with instants, and the end time. It is
//! what the page exports and imports and what `flinkscope run --replay FILE.json` replays: the
//! same run gives the same trace hash everywhere.
//!
//! The file (version 2) writes each command in the one command syntax of
//! [`super::command`] (`"k2@45000ms"`), so a run file reads like a link. Version 1 files, which
//! wrote each command as a JSON object (`{"at_us": 45000000, "command": {"kill_task_manager":
//! …}}`), still read.

use super::command;
use super::replay::{Refusal, Replay};
use crate::sim::event::{Command, ScheduledCommand};
use crate::sim::ids::CheckpointId;
use crate::sim::limits::{COMMAND_LOG_MAX, RUN_LENGTH_MAX};
use crate::sim::restore::RestoreSettings;
use crate::sim::time::{parse_duration, SimDuration, SimTime};
use crate::sim::{Sim, SimConfig};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The `format` field of a run file.
pub const RUN_FORMAT: &str = "flinkscope-run";
/// The version this build writes.
pub const RUN_VERSION: u32 = 2;

/// The file format (also the page's export).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunFile {
    /// Always [`RUN_FORMAT`].
    pub format: String,
    /// [`RUN_VERSION`] (1 still reads).
    pub version: u32,
    /// The seed.
    pub seed: u64,
    /// The configuration, by Flink option names.
    pub config: Map<String, Value>,
    /// Commands in order: `"k2@45000ms"` (version 2) or objects (version 1).
    pub commands: Vec<FileCommand>,
    /// How far to run (a duration string such as `10 min`).
    pub until: String,
    /// The earlier run whose snapshot this run's job starts from (absent: a fresh start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Box<FromFile>>,
}

/// A run file's `from`: the earlier run (up to the instant the new job was started) and the
/// snapshot of it the new job restores, as `flink run -s <path>` does.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FromFile {
    /// The checkpoint or savepoint id (in the earlier run's job).
    pub checkpoint: u32,
    /// `execution.state-recovery.claim-mode` and `--allowNonRestoredState`.
    #[serde(default)]
    pub settings: RestoreSettings,
    /// The earlier run.
    pub run: RunFile,
}

/// Read through `serde_json::Value` with the readers the run file already has: a derived reader
/// here is a second copy of `RunFile`'s (nested in itself) for the page to carry.
impl<'de> Deserialize<'de> for FromFile {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = Value::deserialize(deserializer)?;
        let field =
            |name: &'static str| value.get(name).ok_or_else(|| D::Error::missing_field(name));
        let checkpoint = field("checkpoint")?
            .as_u64()
            .and_then(|id| u32::try_from(id).ok())
            .ok_or_else(|| {
                D::Error::custom("checkpoint: expected a checkpoint id (0 to 4294967295)")
            })?;
        let settings = match value.get("settings") {
            None => RestoreSettings::default(),
            Some(settings) => RestoreSettings::deserialize(settings)
                .map_err(|e| D::Error::custom(format!("settings: {e}")))?,
        };
        let run = RunFile::deserialize(field("run")?)
            .map_err(|e| D::Error::custom(format!("run: {e}")))?;
        Ok(FromFile {
            checkpoint,
            settings,
            run,
        })
    }
}

/// One command of a run file.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FileCommand {
    /// Version 2: `code@instant`.
    Text(String),
    /// Version 1: the command as a JSON object.
    Object(ScheduledCommand),
}

/// Read as a string or else as a version-1 object through `serde_json::Value`, the reader the
/// stored records use: `#[serde(untagged)]` would buffer into serde's private `Content` and
/// carry a second copy of every command's reader in the page (≈6 KB of wasm).
impl<'de> Deserialize<'de> for FileCommand {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(text) => Ok(FileCommand::Text(text)),
            other => ScheduledCommand::deserialize(&other)
                .map(FileCommand::Object)
                .map_err(serde::de::Error::custom),
        }
    }
}

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
    /// The earlier run whose snapshot the job starts from (`None`: a fresh start).
    pub from: Option<Box<Predecessor>>,
}

/// Generations of `from` a run may have (a restore of a restore of …).
pub const LINEAGE_MAX: usize = 4;

/// Where a restored run's job comes from: an earlier run, replayed to the instant the new job
/// was started, and the retained checkpoint or savepoint of it the new job restores. Replaying
/// is deterministic, so the snapshot — and the new job — are the same everywhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Predecessor {
    /// The earlier run, up to the restore.
    pub run: RunScript,
    /// The snapshot's checkpoint id.
    pub checkpoint: CheckpointId,
    /// How it is restored.
    pub settings: RestoreSettings,
}

impl Predecessor {
    /// The new job of `config` and `seed` started from the snapshot in `earlier` (the earlier
    /// run at the instant of the restore), or why it cannot start.
    pub fn restore(&self, earlier: &Sim, config: SimConfig, seed: u64) -> Result<Sim, String> {
        let view = earlier.view();
        let storage = view.storage();
        let metadata = storage
            .get(self.checkpoint)
            .or_else(|| storage.savepoint(self.checkpoint))
            .ok_or_else(|| {
                format!(
                    "job {} holds no retained checkpoint or savepoint {} at {}",
                    view.job_id(),
                    self.checkpoint.0,
                    SimDuration(earlier.now().as_us())
                )
            })?;
        Sim::restore_job(config, seed, metadata, self.settings).map_err(|e| e.0)
    }

    /// The generations behind this one, this one included.
    pub fn depth(&self) -> usize {
        1 + self.run.from.as_ref().map_or(0, |p| p.depth())
    }
}

/// Why a run file was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RunFileError(pub String);

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
                .map(|(at, c)| FileCommand::Text(command::format(*at, c)))
                .collect(),
            until: SimDuration(self.until.as_us()).to_string(),
            from: self.from.as_ref().map(|p| {
                Box::new(FromFile {
                    checkpoint: p.checkpoint.0,
                    settings: p.settings,
                    run: p.run.to_file(),
                })
            }),
        }
    }

    /// The file's text (what the page downloads and `--export` writes).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_file()).expect("a run file always serialises")
    }

    /// Reads and validates a run file's text.
    pub fn from_json(text: &str) -> Result<RunScript, RunFileError> {
        let fail = |message: String| Err(RunFileError(message));
        // Through `Value`, as the stored records are read: one copy of each derived reader in
        // the page instead of one per JSON reader (the syntax error keeps its line and column).
        let file =
            serde_json::from_str::<Value>(text).and_then(|value| RunFile::deserialize(&value));
        match file {
            Ok(file) => RunScript::from_file(file, 0),
            Err(e) => fail(format!("not a flinkscope run file: {e}")),
        }
    }

    /// Validates a read run file (`depth`: generations of `from` above it).
    fn from_file(file: RunFile, depth: usize) -> Result<RunScript, RunFileError> {
        let fail = |message: String| Err(RunFileError(message));
        if file.format != RUN_FORMAT {
            return fail(format!(
                "format is '{}', expected '{RUN_FORMAT}'",
                file.format
            ));
        }
        if !(1..=RUN_VERSION).contains(&file.version) {
            return fail(format!(
                "version {} is not supported (this build reads 1 to {RUN_VERSION})",
                file.version
            ));
        }
        if file.commands.len() > COMMAND_LOG_MAX {
            return fail(format!(
                "{} commands; at most {COMMAND_LOG_MAX}",
                file.commands.len()
            ));
        }
        let config =
            SimConfig::from_map(&file.config).map_err(|e| RunFileError(format!("config: {e}")))?;
        let until = parse_duration(&file.until).map_err(|e| RunFileError(format!("until: {e}")))?;
        if until > RUN_LENGTH_MAX {
            return fail(format!("until {until} is longer than {RUN_LENGTH_MAX}"));
        }
        let mut commands = Vec::with_capacity(file.commands.len());
        for (i, entry) in file.commands.into_iter().enumerate() {
            commands.push(match entry {
                FileCommand::Text(text) => command::parse(&text)
                    .map_err(|e| RunFileError(format!("commands[{i}]: {e}")))?,
                FileCommand::Object(c) if c.at_us <= RUN_LENGTH_MAX.as_us() => {
                    (SimTime(c.at_us), c.command)
                }
                FileCommand::Object(c) => {
                    return fail(format!(
                        "commands[{i}]: {} lies beyond {RUN_LENGTH_MAX}",
                        SimDuration(c.at_us)
                    ))
                }
            });
        }
        crate::sim::order::sort_by_key(&mut commands, |(at, _)| *at);
        let from = match file.from {
            None => None,
            Some(_) if depth + 1 > LINEAGE_MAX => {
                return fail(format!(
                    "from: more than {LINEAGE_MAX} generations of restored runs"
                ))
            }
            Some(from) => {
                let run = RunScript::from_file(from.run, depth + 1)
                    .map_err(|e| RunFileError(format!("from.run: {}", e.0)))?;
                Some(Box::new(Predecessor {
                    run,
                    checkpoint: CheckpointId(from.checkpoint),
                    settings: from.settings,
                }))
            }
        };
        Ok(RunScript {
            seed: file.seed,
            config,
            commands,
            until: SimTime(until.as_us()),
            from,
        })
    }

    /// The run's job at its start: a fresh one, or the new job restored from the earlier run's
    /// snapshot (the earlier runs replayed first), or why it cannot start.
    pub fn start(&self) -> Result<Sim, String> {
        match &self.from {
            None => Sim::new(self.config.clone(), self.seed).map_err(|e| e.to_string()),
            Some(from) => {
                let (earlier, _) = from.run.try_run(|_| {})?;
                from.restore(&earlier, self.config.clone(), self.seed)
                    .map_err(|e| format!("restoring checkpoint {}: {e}", from.checkpoint.0))
            }
        }
    }

    /// [`RunScript::run`], or why the run cannot start (its restore is refused).
    pub fn try_run(&self, observe: impl FnMut(&mut Sim)) -> Result<(Sim, Vec<Refusal>), String> {
        Ok(self.run_from(self.start()?, observe))
    }

    /// Runs the script to its end, calling `observe` after each chunk of at most 100 ms of
    /// simulated time (so observers see events close to when they happened). Refused commands
    /// are skipped and returned, as everywhere ([`Replay`]).
    ///
    /// # Panics
    /// If the run starts from a snapshot that cannot be restored ([`RunScript::try_run`] says
    /// why instead).
    pub fn run(&self, observe: impl FnMut(&mut Sim)) -> (Sim, Vec<Refusal>) {
        self.try_run(observe)
            .expect("a script's configuration is validated")
    }

    /// [`RunScript::run`] from a simulation already started (a job restored from a snapshot).
    pub fn run_from(&self, sim: Sim, mut observe: impl FnMut(&mut Sim)) -> (Sim, Vec<Refusal>) {
        let mut replay = Replay::new(sim, 0);
        let mut refused = Vec::new();
        loop {
            let now = replay.sim().now();
            if now >= self.until {
                break;
            }
            let next = SimTime(now.as_us().saturating_add(100_000)).min(self.until);
            refused.extend(replay.advance(&self.commands, next, u64::MAX).refused);
            observe(replay.sim_mut());
        }
        // Commands at the very end instant (the loop stops once `until` is reached).
        refused.extend(replay.advance(&self.commands, self.until, u64::MAX).refused);
        (replay.sim().clone(), refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ids::TaskManagerId;

    fn script() -> RunScript {
        RunScript {
            seed: 9,
            config: SimConfig::default(),
            commands: vec![(
                SimTime::from_ms(45_000),
                Command::KillTaskManager {
                    task_manager: TaskManagerId(1),
                },
            )],
            until: SimTime::from_ms(120_000),
            from: None,
        }
    }

    #[test]
    fn run_files_round_trip_and_replay_identically() {
        let script = script();
        let text = script.to_json();
        assert!(text.contains("\"k2@45000ms\""), "{text}");
        let read = RunScript::from_json(&text).unwrap();
        assert_eq!(read, script);
        let a = script.run(|_| {}).0.view().trace_hash();
        let b = read.run(|_| {}).0.view().trace_hash();
        assert_eq!(a, b);
    }

    #[test]
    fn version_one_files_still_read() {
        let v1 = r#"{"format":"flinkscope-run","version":1,"seed":9,"config":{},
            "commands":[{"at_us":45000000,"command":{"kill_task_manager":{"task_manager":1}}}],
            "until":"2 min"}"#;
        assert_eq!(RunScript::from_json(v1).unwrap(), script());
    }

    #[test]
    fn bad_run_files_are_reported() {
        let reason = |text: &str| RunScript::from_json(text).unwrap_err().0;
        assert!(reason("{").contains("not a flinkscope run file"));
        let wrong =
            r#"{"format":"x","version":2,"seed":1,"config":{},"commands":[],"until":"1 s"}"#;
        assert!(reason(wrong).contains("format"));
        let future = r#"{"format":"flinkscope-run","version":3,"seed":1,"config":{},"commands":[],"until":"1 s"}"#;
        assert!(reason(future).contains("version 3"));
        let bad_config = r#"{"format":"flinkscope-run","version":2,"seed":1,"config":{"parallelism.default":0},"commands":[],"until":"1 s"}"#;
        assert!(reason(bad_config).starts_with("config: parallelism.default"));
        let too_long = r#"{"format":"flinkscope-run","version":2,"seed":1,"config":{},"commands":[],"until":"30 d"}"#;
        assert!(reason(too_long).contains("longer than"));
        let bad_command = r#"{"format":"flinkscope-run","version":2,"seed":1,"config":{},"commands":["k2@1s","z@2s"],"until":"1 s"}"#;
        assert!(reason(bad_command).starts_with("commands[1]: command 'z@2s'"));
    }

    #[test]
    fn a_command_at_the_last_instant_is_applied() {
        let mut script = script();
        script.commands[0].0 = script.until;
        let (sim, refused) = script.run(|_| {});
        assert!(refused.is_empty());
        assert_eq!(sim.view().command_log().len(), 1);
    }
}
