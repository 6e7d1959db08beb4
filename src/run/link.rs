//! Shareable links: a run (seed, configuration, command log) and a cursor in a URL query.
//!
//! `?seed=7&c.execution.checkpointing.unaligned.enabled=true&cmds=k2@45000ms,r2@90000ms&t=95s&speed=10&autoplay=1&lang=ko`
//!
//! Only configuration keys that differ from the defaults are written (`c.<Flink option>`).
//! `cmds` is a list in the one command syntax ([`super::command`]). Reading is field by field:
//! a value that does not parse or validate is reported and its default kept; nothing is
//! executed from a link.

use super::command::{self, instant_text, parse_instant};
use super::file::{Predecessor, RunScript, LINEAGE_MAX};
use super::speed::{parse_speed, speed_label};
use crate::sim::config::SimConfig;
use crate::sim::event::Command;
use crate::sim::ids::CheckpointId;
use crate::sim::restore::{RecoveryClaimMode, RestoreSettings};
use crate::sim::time::{SimDuration, SimTime};

/// Commands a link may carry.
pub const LINK_COMMANDS_MAX: usize = 1_000;

/// What a link describes.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedRun {
    /// The seed.
    pub seed: u64,
    /// The configuration.
    pub config: SimConfig,
    /// Commands with their instants, in order.
    pub commands: Vec<(SimTime, Command)>,
    /// Where to put the cursor, if anywhere.
    pub cursor: Option<SimTime>,
    /// Speed in thousandths.
    pub speed_milli: u64,
    /// Start playing.
    pub autoplay: bool,
    /// `en` or `ko`.
    pub lang: Option<String>,
    /// One message per rejected part.
    pub problems: Vec<String>,
    /// The earlier run whose snapshot the run's job starts from (`from=`).
    pub from: Option<Box<Predecessor>>,
    /// Inside a `from=`: the snapshot to restore and how (`cp=`, `claim=1`, `nrs=1`).
    pub restore: Option<(CheckpointId, RestoreSettings)>,
}

impl Default for SharedRun {
    fn default() -> Self {
        SharedRun {
            seed: 1,
            config: SimConfig::default(),
            commands: Vec::new(),
            cursor: None,
            speed_milli: 1_000,
            autoplay: false,
            lang: None,
            problems: Vec::new(),
            from: None,
            restore: None,
        }
    }
}

impl SharedRun {
    /// The run's timeline at its start — a fresh job, or the new job restored from its
    /// `from=` — with its commands as the recorded future, or why it cannot start.
    pub fn machine(&self) -> Result<super::time_machine::TimeMachine, String> {
        super::time_machine::TimeMachine::of_script(&RunScript {
            seed: self.seed,
            config: self.config.clone(),
            commands: self.commands.clone(),
            until: self.cursor.unwrap_or(SimTime::ZERO),
            from: self.from.clone(),
        })
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay).
pub fn encode_value(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~@,:".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Decodes a percent-encoded query value (`+` is a space); malformed escapes stay as they are.
pub fn decode_value(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(
                    std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                    16,
                ) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The query string of a run (no leading `?`).
#[inline(never)] // one copy in the page (share link, recorded talks)
pub fn encode(
    seed: u64,
    config: &SimConfig,
    commands: &[(SimTime, Command)],
    cursor: Option<SimTime>,
    speed_milli: u64,
    from: Option<&Predecessor>,
) -> String {
    let mut parts = vec![format!("seed={seed}")];
    let defaults = SimConfig::default().to_json();
    for (key, value) in config.to_json() {
        if defaults.get(&key) != Some(&value) {
            let text = match value {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            parts.push(format!("c.{key}={}", encode_value(&text)));
        }
    }
    if !commands.is_empty() {
        parts.push(format!("cmds={}", command::format_list(commands)));
    }
    if let Some(cursor) = cursor {
        parts.push(format!("t={}", instant_text(cursor)));
    }
    if speed_milli != 1_000 {
        parts.push(format!("speed={}", speed_label(speed_milli)));
    }
    if let Some(from) = from {
        let run = &from.run;
        let mut inner = encode(
            run.seed,
            &run.config,
            &run.commands,
            Some(run.until),
            1_000,
            run.from.as_deref(),
        );
        inner.push_str(&format!("&cp={}", from.checkpoint.0));
        if from.settings.claim_mode == RecoveryClaimMode::Claim {
            inner.push_str("&claim=1");
        }
        if from.settings.allow_non_restored_state {
            inner.push_str("&nrs=1");
        }
        parts.push(format!("from={}", encode_value(&inner)));
    }
    parts.join("&")
}

/// Reads a query string field by field.
#[inline(never)] // called from links, talks and comparisons: one copy in the page
pub fn decode(query: &str) -> SharedRun {
    decode_at(query, 0)
}

/// [`decode`] of a link `depth` generations of `from=` deep.
fn decode_at(query: &str, depth: usize) -> SharedRun {
    let mut run = SharedRun::default();
    let mut config_sets: Vec<(String, String)> = Vec::new();
    for pair in query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode_value(raw);
        match key {
            "seed" => match value.parse::<u64>() {
                Ok(seed) => run.seed = seed,
                Err(_) => run.problems.push(format!("seed '{value}' is not a whole number between 0 and 18446744073709551615; using 1")),
            },
            "speed" => match parse_speed(&value) {
                Ok(speed) => run.speed_milli = speed,
                Err(problem) => run.problems.push(format!("{problem}; using 1")),
            },
            "autoplay" => run.autoplay = matches!(value.as_str(), "" | "1" | "true" | "yes"),
            "lang" => match value.as_str() {
                "en" | "ko" => run.lang = Some(value),
                _ => run.problems.push(format!("lang '{value}' is not en or ko; using en")),
            },
            "t" => match parse_instant(&value) {
                Ok(t) => run.cursor = Some(t),
                Err(e) => run.problems.push(format!("t: {e}; ignored")),
            },
            "cmds" => decode_commands(&value, &mut run),
            "from" if depth < LINEAGE_MAX => decode_from(&value, depth, &mut run),
            "from" => run.problems.push(format!(
                "from: more than {LINEAGE_MAX} generations of restored runs; the run starts fresh"
            )),
            "cp" | "claim" | "nrs" if depth == 0 => run
                .problems
                .push(format!("'{key}' belongs inside from=; ignored")),
            "cp" => match value.parse::<u32>() {
                Ok(id) => run.restore.get_or_insert_with(Default::default).0 = CheckpointId(id),
                Err(_) => run.problems.push(format!("cp '{value}' is no checkpoint id")),
            },
            "claim" => {
                run.restore.get_or_insert_with(Default::default).1.claim_mode =
                    if value == "1" { RecoveryClaimMode::Claim } else { RecoveryClaimMode::NoClaim }
            }
            "nrs" => {
                run.restore.get_or_insert_with(Default::default).1.allow_non_restored_state =
                    value == "1"
            }
            // The page's own parameters (talk and compare mode), read by `app::url`.
            "talk" | "step" | "compare" | "presenter" | "talk-url" => {}
            _ if key.starts_with("c.") => config_sets.push((key[2..].to_string(), value)),
            _ => run.problems.push(format!("unknown URL parameter '{key}' ignored")),
        }
    }
    run.config = decode_config(&config_sets, &mut run.problems);
    run
}

/// `from=`: the earlier run (its `t` is the instant of the restore) and its snapshot.
fn decode_from(value: &str, depth: usize, run: &mut SharedRun) {
    let earlier = decode_at(value, depth + 1);
    run.problems
        .extend(earlier.problems.iter().map(|p| format!("from: {p}")));
    let (Some(until), Some((checkpoint, settings))) = (earlier.cursor, earlier.restore) else {
        run.problems.push(
            "from: needs t= (the instant of the restore) and cp= (the snapshot); the run starts fresh"
                .to_string(),
        );
        return;
    };
    run.from = Some(Box::new(Predecessor {
        run: RunScript {
            seed: earlier.seed,
            config: earlier.config,
            commands: earlier.commands,
            until,
            from: earlier.from,
        },
        checkpoint,
        settings,
    }));
}

fn decode_commands(value: &str, run: &mut SharedRun) {
    let count = value.split(',').filter(|c| !c.is_empty()).count();
    let value = if count > LINK_COMMANDS_MAX {
        run.problems.push(format!(
            "{count} commands; only the first {LINK_COMMANDS_MAX} are read"
        ));
        let end = value
            .match_indices(',')
            .nth(LINK_COMMANDS_MAX - 1)
            .map_or(value.len(), |(i, _)| i);
        &value[..end]
    } else {
        value
    };
    let (commands, problems) = command::parse_list(value);
    run.commands = commands;
    run.problems
        .extend(problems.into_iter().map(|p| format!("{p}; skipped")));
}

/// Applies configuration options one by one; an option that does not parse, or that breaks a
/// rule between options, is reported and left at its default.
fn decode_config(sets: &[(String, String)], problems: &mut Vec<String>) -> SimConfig {
    let mut accepted: Vec<&(String, String)> = Vec::new();
    let mut config = SimConfig::default();
    for set in sets {
        let mut trial = config.clone();
        match trial.apply_text(&set.0, &set.1) {
            Ok(()) => {
                config = trial;
                accepted.push(set);
            }
            Err(error) => problems.push(format!("{error}; default kept")),
        }
    }
    // Rules between options: drop the offending option and rebuild, until valid.
    for _ in 0..=sets.len() {
        let Err(error) = config.validate() else {
            return config;
        };
        problems.push(format!("{error}; default kept"));
        accepted.retain(|(key, _)| *key != error.key);
        config = SimConfig::default();
        for (key, value) in &accepted {
            let _ = config.apply_text(key, value);
        }
        if accepted.is_empty() {
            break;
        }
    }
    if config.validate().is_ok() {
        config
    } else {
        problems.push("the configuration could not be made valid; using the defaults".to_string());
        SimConfig::default()
    }
}

/// A ready-made scenario.
pub struct Scenario {
    /// A stable id.
    pub id: &'static str,
    /// English title (its Korean text is in the catalog: see `en_ko!`).
    pub title_en: &'static str,
    /// The query string.
    pub query: &'static str,
}

/// The ready-made scenarios, each a link.
pub const SCENARIOS: [Scenario; 6] = [
    Scenario { id: "steady", title_en: en_ko!("The talk's job, steady state", "발표의 잡, 정상 상태"), query: "seed=1&speed=10&autoplay=1" },
    Scenario {
        id: "tm2-failure",
        title_en: en_ko!("TaskManager 2 fails: recovery and duplicate alarms", "TaskManager 2 장애: 복구와 중복 알람"),
        query: "seed=21&c.simulation.source.interval=500ms&cmds=k2@30101ms&speed=5&autoplay=1",
    },
    Scenario {
        id: "backpressure-aligned",
        title_en: en_ko!("Backpressure: aligned checkpoints time out", "백프레셔: 정렬 체크포인트 타임아웃"),
        query: "seed=4&c.simulation.source.interval=1ms&c.simulation.process.record-cost=100us&c.execution.checkpointing.timeout=30s&cmds=s1.2x20@20s&speed=2&autoplay=1",
    },
    Scenario {
        id: "backpressure-unaligned",
        title_en: en_ko!("Backpressure: unaligned checkpoints complete", "백프레셔: 비정렬 체크포인트 완료"),
        query: "seed=4&c.simulation.source.interval=1ms&c.simulation.process.record-cost=100us&c.execution.checkpointing.timeout=30s&c.execution.checkpointing.unaligned.enabled=true&cmds=s1.2x20@20s&speed=2&autoplay=1",
    },
    Scenario {
        id: "at-least-once",
        title_en: en_ko!("AT_LEAST_ONCE: double counting after a restore", "AT_LEAST_ONCE: 복구 후 이중 집계"),
        query: "seed=7&c.execution.checkpointing.mode=AT_LEAST_ONCE&c.simulation.source.users-per-subtask=2&c.simulation.source.interval=1ms&c.simulation.process.record-cost=100us&cmds=s1.2x10@20s,k2@75s&speed=2&autoplay=1",
    },
    Scenario {
        id: "not-enough-slots",
        title_en: en_ko!("Not enough slots after a TaskManager loss", "TaskManager 손실 후 슬롯 부족"),
        query: "seed=3&c.taskmanager.numberOfTaskSlots=1&cmds=k2@40s,r2@110s&speed=10&autoplay=1",
    },
];

/// Scenarios of the two-phase-commit and upsert sinks, which the page does not run yet
/// (`sim::sink::OTHER_SINKS`); the runner and the tests do.
#[cfg(not(target_arch = "wasm32"))]
pub const SINK_SCENARIOS: [Scenario; 3] = [
    Scenario {
        id: "tm2-two-phase-commit",
        title_en: en_ko!("TaskManager 2 fails, two-phase-commit sink: no duplicates for read_committed", "TaskManager 2 장애, 2단계 커밋 싱크: read_committed에 중복 없음"),
        query: "seed=21&c.simulation.source.interval=500ms&c.simulation.sink=two-phase-commit&cmds=k2@30101ms&speed=5&autoplay=1",
    },
    Scenario {
        id: "tm2-upsert",
        title_en: en_ko!("TaskManager 2 fails, idempotent upsert sink: replays overwrite rows", "TaskManager 2 장애, 멱등 upsert 싱크: 재처리가 행을 덮어씀"),
        query: "seed=21&c.simulation.source.interval=500ms&c.simulation.sink=idempotent-upsert&cmds=k2@30101ms&speed=5&autoplay=1",
    },
    Scenario {
        id: "transaction-timeout",
        title_en: en_ko!("Checkpoints fail longer than transaction.timeout.ms: alarms lost", "체크포인트 실패가 transaction.timeout.ms보다 길면: 알람 유실"),
        query: "seed=3&c.simulation.source.interval=200ms&c.simulation.sink=two-phase-commit&c.simulation.sink.transaction-timeout=20s&c.execution.checkpointing.tolerable-failed-checkpoints=5&cmds=x1@40s,x0@70s&speed=5&autoplay=1",
    },
];

/// The simulated duration a link's commands and cursor need.
pub fn extent(run: &SharedRun) -> SimDuration {
    let last = run.commands.last().map_or(SimTime::ZERO, |(at, _)| *at);
    SimDuration(run.cursor.unwrap_or(SimTime::ZERO).max(last).as_us())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ids::TaskManagerId;

    #[test]
    fn runs_round_trip_through_a_link() {
        let config = SimConfig {
            unaligned: true,
            source_interval: SimDuration::from_ms(500),
            ..SimConfig::default()
        };
        let commands = super::super::command::every_kind();
        let query = encode(
            7,
            &config,
            &commands,
            Some(SimTime::from_ms(150_000)),
            10_000,
            None,
        );
        let run = decode(&query);
        assert!(run.problems.is_empty(), "{:?}", run.problems);
        assert_eq!((run.seed, run.speed_milli), (7, 10_000));
        assert_eq!(run.config, config);
        assert_eq!(run.commands, commands);
        assert_eq!(run.cursor, Some(SimTime::from_ms(150_000)));
        assert!(
            query.contains("c.execution.checkpointing.unaligned.enabled=true"),
            "{query}"
        );
        assert!(query.contains("cmds=k2@45000ms,r2@90000123us,"), "{query}");
    }

    #[test]
    fn malformed_links_fall_back_field_by_field() {
        let run = decode("seed=x&c.parallelism.default=0&c.execution.checkpointing.interval=20s&cmds=k2@45s,z9@1s,k0@5s,k3&t=forever&speed=3&nope=1");
        assert_eq!(run.seed, 1);
        assert_eq!(run.config.parallelism, 3, "the bad option kept its default");
        assert_eq!(
            run.config.checkpoint_interval,
            SimDuration::from_secs(20),
            "the good option applied"
        );
        assert_eq!(
            run.commands,
            vec![(
                SimTime::from_ms(45_000),
                Command::KillTaskManager {
                    task_manager: TaskManagerId(1)
                }
            )]
        );
        assert_eq!(run.cursor, None);
        assert_eq!(run.problems.len(), 8, "{:#?}", run.problems);
        let rule = decode("c.execution.checkpointing.unaligned.enabled=true&c.execution.checkpointing.mode=AT_LEAST_ONCE");
        assert!(rule.config.validate().is_ok());
        assert_eq!(rule.problems.len(), 1, "{:?}", rule.problems);
    }

    #[test]
    fn scenarios_are_valid_links() {
        #[cfg(not(target_arch = "wasm32"))]
        let sinks: &[Scenario] = &SINK_SCENARIOS;
        #[cfg(target_arch = "wasm32")]
        let sinks: &[Scenario] = &[];
        for scenario in SCENARIOS.iter().chain(sinks) {
            let run = decode(scenario.query);
            assert!(
                run.problems.is_empty(),
                "{}: {:?}",
                scenario.id,
                run.problems
            );
            assert!(run.autoplay);
        }
    }

    #[test]
    fn ten_faults_make_a_short_link() {
        let commands: Vec<_> = (0..10u64)
            .map(|i| {
                (
                    SimTime::from_ms(30_000 + i * 17_321),
                    if i % 2 == 0 {
                        Command::KillTaskManager {
                            task_manager: TaskManagerId((i % 3) as u32),
                        }
                    } else {
                        Command::RestartTaskManager {
                            task_manager: TaskManagerId(((i - 1) % 3) as u32),
                        }
                    },
                )
            })
            .collect();
        let query = encode(
            42,
            &SimConfig::default(),
            &commands,
            Some(SimTime::from_ms(400_000)),
            1_000,
            None,
        );
        assert!(query.len() < 200, "{} characters: {query}", query.len());
    }

    #[test]
    fn values_are_percent_encoded_and_decoded() {
        assert_eq!(
            decode_value(&encode_value("file:///tmp/flink checkpoints")),
            "file:///tmp/flink checkpoints"
        );
        assert_eq!(decode_value("%ZZ%4"), "%ZZ%4");
        assert_eq!(decode_value("a+b%20c"), "a b c");
    }
}
