//! The one text syntax of a command at an instant, shared by links (`cmds=k2@45s,r2@90s`), the
//! command line (`flinkscope run -c k2@45s`) and run files (`"commands": ["k2@45s"]`):
//!
//! ```text
//! command  = code "@" instant
//! code     = "k" N            kill TaskManager N (numbered from 1)
//!          | "r" N            restart TaskManager N
//!          | "f" V "." S      throw in subtask S of vertex V (vertex 0 is the source)
//!          | "s" V "." S "x" F   slow subtask S of vertex V down F times (F = 1 restores it)
//!          | "x1" | "x0"      checkpoint storage fails / works again
//!          | "c"              trigger a checkpoint
//!          | "j"              the JobManager fails over (high availability)
//! instant  = a duration from the start of the run: 45s, 500ms, 2min, 90000123us
//! list     = command ("," command)*
//! ```
//!
//! Writing gives the exact instant (`45000ms`, or `…us` when not a whole millisecond), so a
//! command read back is the command written.

use crate::sim::checkpoint::SavepointFormatType;
use crate::sim::event::Command;
use crate::sim::ids::{TaskManagerId, VertexIndex};
use crate::sim::limits::RUN_LENGTH_MAX;
use crate::sim::time::{parse_duration, SimTime};

/// `45000ms`, or `45000123us` when not a whole millisecond.
pub fn instant_text(time: SimTime) -> String {
    let us = time.as_us();
    if us.is_multiple_of(1_000) {
        format!("{}ms", us / 1_000)
    } else {
        format!("{us}us")
    }
}

/// Reads an instant (a duration from the start of the run, at most [`RUN_LENGTH_MAX`]).
pub fn parse_instant(text: &str) -> Result<SimTime, String> {
    let at = parse_duration(text).map_err(|e| e.to_string())?;
    if at > RUN_LENGTH_MAX {
        return Err(format!("{at} lies beyond {RUN_LENGTH_MAX}"));
    }
    Ok(SimTime(at.as_us()))
}

/// The code of a command, without its instant (`k2`, `s1.2x20`).
pub fn code(command: &Command) -> String {
    match command {
        Command::KillTaskManager { task_manager } => format!("k{}", task_manager.0 + 1),
        Command::RestartTaskManager { task_manager } => format!("r{}", task_manager.0 + 1),
        Command::FailTask { vertex, subtask } => format!("f{}.{subtask}", vertex.0),
        Command::SlowDownSubtask {
            vertex,
            subtask,
            factor,
        } => format!("s{}.{subtask}x{factor}", vertex.0),
        Command::SetCheckpointStorageFailing { failing } => format!("x{}", u8::from(*failing)),
        Command::TriggerCheckpoint => "c".to_string(),
        Command::TriggerSavepoint { format } => format!("p{}", format_code(*format)),
        Command::StopWithSavepoint { format } => format!("q{}", format_code(*format)),
        Command::FailOverJobManager => "j".to_string(),
    }
}

/// `n` for a native savepoint, nothing for a canonical one (Flink's default).
fn format_code(format: SavepointFormatType) -> &'static str {
    match format {
        SavepointFormatType::Canonical => "",
        SavepointFormatType::Native => "n",
    }
}

/// `k2@45000ms`.
pub fn format(at: SimTime, command: &Command) -> String {
    format!("{}@{}", code(command), instant_text(at))
}

/// `k2@45000ms,r2@90000ms`.
pub fn format_list(commands: &[(SimTime, Command)]) -> String {
    commands
        .iter()
        .map(|(at, c)| format(*at, c))
        .collect::<Vec<_>>()
        .join(",")
}

fn number<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{what} '{text}' is not a whole number"))
}

/// Reads `VERTEX.SUBTASK` (`1.2`); shared with the talk conditions and spotlights.
pub(crate) fn vertex_subtask(text: &str) -> Result<(VertexIndex, u32), String> {
    let (vertex, subtask) = text
        .split_once('.')
        .ok_or_else(|| format!("'{text}' is not VERTEX.SUBTASK, e.g. 1.2"))?;
    Ok((
        VertexIndex(number(vertex, "vertex")?),
        number(subtask, "subtask")?,
    ))
}

/// Reads a code without its instant.
pub fn parse_code(code: &str) -> Result<Command, String> {
    let (kind, rest) = code.split_at(code.chars().next().map_or(0, char::len_utf8));
    let task_manager = |rest: &str| -> Result<TaskManagerId, String> {
        let n: u32 = number(rest, "TaskManager")?;
        n.checked_sub(1)
            .map(TaskManagerId)
            .ok_or_else(|| "TaskManagers are numbered from 1".to_string())
    };
    Ok(match kind {
        "k" => Command::KillTaskManager {
            task_manager: task_manager(rest)?,
        },
        "r" => Command::RestartTaskManager {
            task_manager: task_manager(rest)?,
        },
        "f" => {
            let (vertex, subtask) = vertex_subtask(rest)?;
            Command::FailTask { vertex, subtask }
        }
        "s" => {
            let (which, factor) = rest
                .split_once('x')
                .ok_or_else(|| format!("'{code}' lacks xFACTOR, e.g. s1.2x20"))?;
            let (vertex, subtask) = vertex_subtask(which)?;
            Command::SlowDownSubtask {
                vertex,
                subtask,
                factor: number(factor, "factor")?,
            }
        }
        "x" if rest == "1" || rest == "0" => Command::SetCheckpointStorageFailing {
            failing: rest == "1",
        },
        "c" if rest.is_empty() => Command::TriggerCheckpoint,
        "p" | "q" if rest.is_empty() || rest == "n" => {
            let format = if rest == "n" {
                SavepointFormatType::Native
            } else {
                SavepointFormatType::Canonical
            };
            if kind == "p" {
                Command::TriggerSavepoint { format }
            } else {
                Command::StopWithSavepoint { format }
            }
        }
        "j" if rest.is_empty() => Command::FailOverJobManager,
        _ => {
            return Err(format!(
                "'{code}' is not a command code (k, r, f, s, x, c, p, q, j)"
            ))
        }
    })
}

/// Reads one `code@instant`.
pub fn parse(text: &str) -> Result<(SimTime, Command), String> {
    let text = text.trim();
    let (code, at) = text
        .split_once('@')
        .ok_or_else(|| format!("command '{text}' lacks @instant, e.g. k2@45s"))?;
    let at = parse_instant(at).map_err(|e| format!("command '{text}': {e}"))?;
    let command = parse_code(code).map_err(|e| format!("command '{text}': {e}"))?;
    Ok((at, command))
}

/// Reads a comma-separated list, keeping what reads and saying why the rest does not; the
/// commands come back sorted by instant (stable for equal instants).
pub fn parse_list(text: &str) -> (Vec<(SimTime, Command)>, Vec<String>) {
    let mut commands = Vec::new();
    let mut problems = Vec::new();
    for part in text.split(',').filter(|p| !p.trim().is_empty()) {
        match parse(part) {
            Ok(command) => commands.push(command),
            Err(problem) => problems.push(problem),
        }
    }
    crate::sim::order::sort_by_key(&mut commands, |(at, _)| *at);
    (commands, problems)
}

/// One command of every kind, at exact instants (two at the same instant, one not a whole
/// millisecond): what the syntax's tests, and the links', round-trip.
#[cfg(test)]
pub(crate) fn every_kind() -> Vec<(SimTime, Command)> {
    vec![
        (
            SimTime::from_ms(45_000),
            Command::KillTaskManager {
                task_manager: TaskManagerId(1),
            },
        ),
        (
            SimTime(90_000_123),
            Command::RestartTaskManager {
                task_manager: TaskManagerId(1),
            },
        ),
        (
            SimTime::from_ms(100_000),
            Command::SlowDownSubtask {
                vertex: VertexIndex(1),
                subtask: 2,
                factor: 20,
            },
        ),
        (
            SimTime::from_ms(100_000),
            Command::FailTask {
                vertex: VertexIndex(0),
                subtask: 1,
            },
        ),
        (
            SimTime::from_ms(120_000),
            Command::SetCheckpointStorageFailing { failing: true },
        ),
        (
            SimTime::from_ms(121_000),
            Command::SetCheckpointStorageFailing { failing: false },
        ),
        (SimTime::from_ms(130_000), Command::TriggerCheckpoint),
        (
            SimTime::from_ms(132_000),
            Command::TriggerSavepoint {
                format: SavepointFormatType::Canonical,
            },
        ),
        (
            SimTime::from_ms(134_000),
            Command::TriggerSavepoint {
                format: SavepointFormatType::Native,
            },
        ),
        (SimTime::from_ms(140_000), Command::FailOverJobManager),
        (
            SimTime::from_ms(150_000),
            Command::StopWithSavepoint {
                format: SavepointFormatType::Native,
            },
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_round_trips_exactly() {
        let commands = every_kind();
        let text = format_list(&commands);
        assert!(text.starts_with("k2@45000ms,r2@90000123us,s1.2x20@100000ms,f0.1@100000ms,x1@"));
        let (read, problems) = parse_list(&text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(read, commands);
    }

    #[test]
    fn friendly_instants_and_spaces_read() {
        assert_eq!(
            parse(" k2@45s "),
            Ok((
                SimTime::from_ms(45_000),
                Command::KillTaskManager {
                    task_manager: TaskManagerId(1)
                }
            ))
        );
        assert_eq!(parse("c@2min").unwrap().0, SimTime::from_ms(120_000));
    }

    #[test]
    fn bad_commands_say_why() {
        let cases = [
            ("k2", "lacks @instant"),
            ("k0@1s", "numbered from 1"),
            ("z9@1s", "not a command code"),
            ("kx@1s", "TaskManager 'x'"),
            ("f1@1s", "VERTEX.SUBTASK"),
            ("s1.2@1s", "xFACTOR"),
            ("x2@1s", "not a command code"),
            ("c1@1s", "not a command code"),
            ("k1@forever", "not a duration"),
            ("k1@30d", "lies beyond"),
        ];
        for (text, why) in cases {
            let error = parse(text).unwrap_err();
            assert!(error.contains(why), "{text}: {error}");
        }
        let (read, problems) = parse_list("k2@45s,,z9@1s,r2@10s");
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].0, SimTime::from_ms(10_000), "sorted by instant");
        assert_eq!(problems.len(), 1);
    }
}
