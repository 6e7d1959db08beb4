//! A talk as data: sections of steps, each a scene (a run and a moment of it) with narration
//! in English and Korean, speaker notes, a suggested duration and a spotlight — read from JSON
//! field by field, and resolved by the engine into instants.
//!
//! A talk file (the README documents it for authors):
//!
//! ```json
//! { "format": "flinkscope-talk", "version": 1, "id": "study",
//!   "title": { "en": "…", "ko": "…" },
//!   "runs": { "main": "seed=21&c.simulation.source.interval=500ms&cmds=k2@95s" },
//!   "comparisons": { "au": { "left": "…", "right": "…",
//!                            "labels": { "en": ["aligned", "unaligned"], "ko": ["…", "…"] } } },
//!   "sections": [ { "id": "checkpoints", "title": { … }, "minutes": 8, "steps": [
//!     { "id": "barrier", "title": { … }, "narration": { … }, "notes": { … }, "seconds": 60,
//!       "run": "main", "until": "barrier:3:0.1>1.1", "within": "2min",
//!       "play": { "speed": "0.1", "for": "300ms" },
//!       "spotlight": ["channel:0.1>1.1", "task:1.1"], "tab": "checkpoints" } ] } ] }
//! ```
//!
//! - A run is a link's query (seed, `c.<option>=value`, `cmds=`): one syntax for links, talks
//!   and comparisons. A comparison is two runs drawn side by side; a step names a `run` or a
//!   `compare` (default: the previous step's scene).
//! - The moment: `"at": "45s"` (an instant), `"after": "5s"` (after the previous step on the
//!   same scene), or `"until": CONDITION` ([`super::moment`]'s grammar) searched from the
//!   previous step on the same scene, at most `within` ahead (default 10 min). For a
//!   comparison the condition is found on its left run.
//! - `play` replays the stretch `for` before the moment at `speed`, stopping on the moment.
//! - A spotlight target is `tm:N`, `task:V.S`, `channel:V.S>W.T`, `state:S` (keyed subtask S),
//!   `storage` or `storage:N` (chk-N), `sink`, `sink:duplicate`, `sink:alarm`, `field:TESTID`
//!   (a dashboard figure by its test id), `panel:cluster|dataflow|dashboard|jobmanager`.
//!
//! Nothing in a talk is executed: runs are data the engine replays. A step with a bad field is
//! reported with its place and skipped; a talk with no usable step is refused.

use super::link::{decode, SharedRun};
use super::moment::{self, ChannelRef, Condition, Moment, SubtaskRef, SEARCH_DEFAULT, SEARCH_MAX};
use super::speed::parse_speed;
use super::time_machine::TimeMachine;
use crate::sim::time::parse_duration;
use crate::sim::{SimDuration, SimTime};
use serde_json::{Map, Value};
use std::fmt;

/// The id of the study talk (`?talk=study`).
pub const STUDY_ID: &str = "study";
/// The study talk (natively; the page fetches `talks/study.json`, a separate asset, on
/// entering talk mode, so its 85 KB of text are not in the page's bundle).
#[cfg(not(target_arch = "wasm32"))]
pub const STUDY_TALK: &str = include_str!("../../talks/study.json");

/// Where the page fetches the study talk from (relative to the page).
pub const STUDY_TALK_URL: &str = "talks/study.json";

/// The study talk's text when it is built in (natively), else `None` (the page fetches it).
pub fn study_text() -> Option<&'static str> {
    #[cfg(not(target_arch = "wasm32"))]
    return Some(STUDY_TALK);
    #[cfg(target_arch = "wasm32")]
    return None;
}
/// The ready-made comparisons (`?compare=<id>`), built in natively; the page fetches
/// [`COMPARISONS_URL`] when it starts (a separate asset, like the study talk).
#[cfg(not(target_arch = "wasm32"))]
pub const COMPARISONS: &str = include_str!("../../talks/comparisons.json");

/// Where the page fetches the ready-made comparisons from (relative to the page).
pub const COMPARISONS_URL: &str = "talks/comparisons.json";
/// Largest talk file read.
pub const TALK_BYTES_MAX: usize = 1024 * 1024;
/// Steps a talk may hold.
pub const STEPS_MAX: usize = 500;
/// Runs and comparisons a talk may name.
pub const RUNS_MAX: usize = 32;
/// Longest text field, in characters.
pub const TEXT_MAX: usize = 4_000;
/// Spotlight targets per step.
pub const SPOTS_MAX: usize = 16;

/// A text in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    /// English.
    pub en: String,
    /// Korean.
    pub ko: String,
}

impl Text {
    /// The text in a language (`ko` or else English).
    pub fn get(&self, korean: bool) -> &str {
        if korean {
            &self.ko
        } else {
            &self.en
        }
    }
}

/// What a spotlight names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spot {
    /// A TaskManager (from 1).
    TaskManager(u32),
    /// A subtask (its dataflow node and its slot chip).
    Task(SubtaskRef),
    /// A network channel.
    Channel(ChannelRef),
    /// A keyed subtask's state.
    State(u32),
    /// The checkpoint storage, or one stored checkpoint.
    Storage(Option<u64>),
    /// The print sink's output.
    Sink,
    /// The duplicate alarms in the print sink.
    SinkDuplicate,
    /// The alarms in the print sink.
    SinkAlarm,
    /// A dashboard figure by its test id.
    Field(String),
    /// A whole panel.
    Panel(Panel),
}

/// A panel a spotlight can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// The cluster view.
    Cluster,
    /// The dataflow view.
    Dataflow,
    /// The dashboard.
    Dashboard,
    /// The JobManager card.
    JobManager,
}

impl Spot {
    /// Reads a target.
    pub fn parse(text: &str) -> Result<Spot, String> {
        let (kind, arg) = text.split_once(':').unwrap_or((text, ""));
        let number = |a: &str, from: u32| {
            a.parse::<u32>()
                .ok()
                .filter(|n| *n >= from)
                .ok_or_else(|| format!("spotlight '{text}': '{a}' is not a number from {from}"))
        };
        Ok(match (kind, arg) {
            ("tm", a) => Spot::TaskManager(number(a, 1)?),
            ("task", a) => Spot::Task(SubtaskRef::parse(a)?),
            ("channel", a) => Spot::Channel(ChannelRef::parse(a)?),
            ("state", a) => Spot::State(number(a, 0)?),
            ("storage", "") => Spot::Storage(None),
            ("storage", a) => Spot::Storage(Some(u64::from(number(a, 1)?))),
            ("sink", "") => Spot::Sink,
            ("sink", "duplicate") => Spot::SinkDuplicate,
            ("sink", "alarm") => Spot::SinkAlarm,
            ("field", a)
                if !a.is_empty()
                    && a.len() <= 64
                    && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
            {
                Spot::Field(a.to_string())
            }
            ("panel", "cluster") => Spot::Panel(Panel::Cluster),
            ("panel", "dataflow") => Spot::Panel(Panel::Dataflow),
            ("panel", "dashboard") => Spot::Panel(Panel::Dashboard),
            ("panel", "jobmanager") => Spot::Panel(Panel::JobManager),
            _ => {
                return Err(format!(
                    "spotlight '{text}' is not one of tm:N, task:V.S, channel:V.S>W.T, state:S, \
                     storage[:N], sink[:duplicate|:alarm], field:TESTID, panel:cluster|dataflow|dashboard|jobmanager"
                ))
            }
        })
    }
}

impl fmt::Display for Spot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Spot::TaskManager(n) => write!(f, "tm:{n}"),
            Spot::Task(s) => write!(f, "task:{s}"),
            Spot::Channel(c) => write!(f, "channel:{c}"),
            Spot::State(s) => write!(f, "state:{s}"),
            Spot::Storage(None) => write!(f, "storage"),
            Spot::Storage(Some(n)) => write!(f, "storage:{n}"),
            Spot::Sink => write!(f, "sink"),
            Spot::SinkDuplicate => write!(f, "sink:duplicate"),
            Spot::SinkAlarm => write!(f, "sink:alarm"),
            Spot::Field(id) => write!(f, "field:{id}"),
            Spot::Panel(p) => write!(
                f,
                "panel:{}",
                match p {
                    Panel::Cluster => "cluster",
                    Panel::Dataflow => "dataflow",
                    Panel::Dashboard => "dashboard",
                    Panel::JobManager => "jobmanager",
                }
            ),
        }
    }
}

/// A named run of a talk.
#[derive(Clone, Debug, PartialEq)]
pub struct TalkRun {
    /// Its name in the talk.
    pub id: String,
    /// Its query, as written.
    pub query: String,
    /// The run.
    pub run: SharedRun,
}

/// Two runs side by side.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Its id (`aligned-vs-unaligned`).
    pub id: String,
    /// The title.
    pub title: Text,
    /// What it shows.
    pub description: Text,
    /// The two runs.
    pub sides: [TalkRun; 2],
    /// The two sides' labels in English and Korean.
    pub labels: [Text; 2],
}

/// What a step shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scene {
    /// A run, by index into [`Talk::runs`].
    Run(usize),
    /// A comparison, by index into [`Talk::comparisons`].
    Compare(usize),
}

/// A stretch to play before the moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Play {
    /// Speed in thousandths.
    pub speed_milli: u64,
    /// How long before the moment it starts.
    pub stretch: SimDuration,
}

/// A section of a talk.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// Its suggested minutes.
    pub minutes: u32,
}

/// A step of a talk.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Its id (unique in the talk; links name it).
    pub id: String,
    /// Its section, by index.
    pub section: usize,
    /// Its title.
    pub title: Text,
    /// What the audience reads.
    pub narration: Text,
    /// What only the presenter reads.
    pub notes: Text,
    /// Suggested seconds.
    pub seconds: u32,
    /// The scene.
    pub scene: Scene,
    /// The moment.
    pub moment: Moment,
    /// A stretch to play up to the moment.
    pub play: Option<Play>,
    /// What to highlight.
    pub spotlight: Vec<Spot>,
    /// The dashboard tab to open (`overview`, `checkpoints`, …).
    pub tab: Option<String>,
}

/// A talk, read.
#[derive(Clone, Debug, PartialEq)]
pub struct Talk {
    /// Its id (`study`).
    pub id: String,
    /// Its title.
    pub title: Text,
    /// Its runs.
    pub runs: Vec<TalkRun>,
    /// Its comparisons.
    pub comparisons: Vec<Comparison>,
    /// Its sections.
    pub sections: Vec<Section>,
    /// Its steps, in order.
    pub steps: Vec<Step>,
}

/// A problem with one place of a talk file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TalkProblem {
    /// Where (`sections[2].steps[1] 'align'`).
    pub place: String,
    /// What.
    pub message: String,
}

impl fmt::Display for TalkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// An id: 1–64 of `a-z 0-9 -`.
fn valid_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn text_field(object: &Map<String, Value>, key: &str, required: bool) -> Result<Text, String> {
    let Some(value) = object.get(key) else {
        return if required {
            Err(format!("'{key}' is missing"))
        } else {
            Ok(Text::default())
        };
    };
    let object = value
        .as_object()
        .ok_or_else(|| format!("'{key}' is not an object {{\"en\": …, \"ko\": …}}"))?;
    let language = |lang: &str| -> Result<String, String> {
        let text = match object.get(lang) {
            None if required => return Err(format!("'{key}.{lang}' is missing")),
            None => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(lines)) => {
                let mut joined = Vec::new();
                for line in lines {
                    joined.push(
                        line.as_str()
                            .ok_or_else(|| format!("'{key}.{lang}' holds a non-text line"))?,
                    );
                }
                joined.join("\n")
            }
            Some(_) => return Err(format!("'{key}.{lang}' is not text")),
        };
        if text.chars().count() > TEXT_MAX {
            return Err(format!(
                "'{key}.{lang}' is longer than {TEXT_MAX} characters"
            ));
        }
        Ok(text)
    };
    Ok(Text {
        en: language("en")?,
        ko: language("ko")?,
    })
}

fn string_field<'a>(object: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, String> {
    match object.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("'{key}' is not text")),
    }
}

fn duration_field(object: &Map<String, Value>, key: &str) -> Result<Option<SimDuration>, String> {
    string_field(object, key)?
        .map(|t| parse_duration(t).map_err(|e| format!("'{key}': {e}")))
        .transpose()
}

fn read_run(id: &str, value: &Value) -> Result<TalkRun, String> {
    let query = value
        .as_str()
        .ok_or_else(|| "is not a link query (text like \"seed=1&cmds=k2@45s\")".to_string())?;
    let run = decode(query);
    if !run.problems.is_empty() {
        return Err(run.problems.join("; "));
    }
    Ok(TalkRun {
        id: id.to_string(),
        query: query.to_string(),
        run,
    })
}

fn read_comparison(id: &str, value: &Value) -> Result<Comparison, String> {
    let object = value
        .as_object()
        .ok_or_else(|| "is not an object".to_string())?;
    let side = |key: &str| -> Result<TalkRun, String> {
        let value = object
            .get(key)
            .ok_or_else(|| format!("'{key}' is missing"))?;
        read_run(key, value).map_err(|e| format!("'{key}' {e}"))
    };
    let labels = object
        .get("labels")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            "'labels' is missing: {\"en\": [left, right], \"ko\": [left, right]}".to_string()
        })?;
    let pair = |lang: &str| -> Result<[String; 2], String> {
        match labels
            .get(lang)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([Value::String(a), Value::String(b)]) => Ok([a.clone(), b.clone()]),
            _ => Err(format!("'labels.{lang}' is not two texts")),
        }
    };
    let (en, ko) = (pair("en")?, pair("ko")?);
    Ok(Comparison {
        id: id.to_string(),
        title: text_field(object, "title", true)?,
        description: text_field(object, "description", false)?,
        sides: [side("left")?, side("right")?],
        labels: [
            Text {
                en: en[0].clone(),
                ko: ko[0].clone(),
            },
            Text {
                en: en[1].clone(),
                ko: ko[1].clone(),
            },
        ],
    })
}

/// Reads a set of comparisons (`{"id": {…}, …}`), reporting and skipping bad ones.
pub fn read_comparisons(
    value: Option<&Value>,
    place: &str,
    problems: &mut Vec<TalkProblem>,
) -> Vec<Comparison> {
    let mut out = Vec::new();
    let Some(value) = value else {
        return out;
    };
    let Some(object) = value.as_object() else {
        problems.push(TalkProblem {
            place: place.to_string(),
            message: "is not an object of comparisons by id".to_string(),
        });
        return out;
    };
    for (id, value) in object {
        let result = if !valid_id(id) {
            Err("the id is not 1–64 of a-z, 0-9, -".to_string())
        } else if out.len() == RUNS_MAX {
            Err(format!("more than {RUNS_MAX} comparisons"))
        } else {
            read_comparison(id, value)
        };
        match result {
            Ok(c) => out.push(c),
            Err(message) => problems.push(TalkProblem {
                place: format!("{place}.{id}"),
                message: format!("{message}; skipped"),
            }),
        }
    }
    out
}

/// The built-in ready-made comparisons (natively; `None` in the page, which fetches them).
pub fn comparisons() -> Option<(Vec<Comparison>, Vec<TalkProblem>)> {
    #[cfg(not(target_arch = "wasm32"))]
    return Some(read_comparisons_file(COMPARISONS));
    #[cfg(target_arch = "wasm32")]
    return None;
}

/// A comparisons file's comparisons and what was wrong with any of them.
pub fn read_comparisons_file(text: &str) -> (Vec<Comparison>, Vec<TalkProblem>) {
    let mut problems = Vec::new();
    let value: Option<Value> = if text.len() > TALK_BYTES_MAX {
        None
    } else {
        serde_json::from_str(text).ok()
    };
    let list = match &value {
        Some(value)
            if value.get("format").and_then(Value::as_str) == Some("flinkscope-comparisons") =>
        {
            read_comparisons(value.get("comparisons"), "comparisons", &mut problems)
        }
        _ => {
            problems.push(TalkProblem {
                place: "comparisons.json".to_string(),
                message: "is not a flinkscope-comparisons file".to_string(),
            });
            Vec::new()
        }
    };
    (list, problems)
}

/// A step of a talk file; `previous_scene` is the scene of a step that names none.
fn read_step(
    object: &Map<String, Value>,
    talk: &Talk,
    section: usize,
    previous_scene: Option<&Scene>,
) -> Result<Step, String> {
    let id = string_field(object, "id")?.ok_or("'id' is missing")?;
    if !valid_id(id) {
        return Err(format!("id '{id}' is not 1–64 of a-z, 0-9, -"));
    }
    if talk.steps.iter().any(|s| s.id == id) {
        return Err(format!("id '{id}' is used by an earlier step"));
    }
    let seconds = match object.get("seconds") {
        None => 60,
        Some(v) => v
            .as_u64()
            .filter(|s| (1..=3_600).contains(s))
            .ok_or("'seconds' is not a whole number from 1 to 3600")? as u32,
    };
    let scene = match (
        string_field(object, "run")?,
        string_field(object, "compare")?,
    ) {
        (Some(_), Some(_)) => return Err("a step names a 'run' or a 'compare', not both".into()),
        (Some(run), None) => Scene::Run(
            talk.runs
                .iter()
                .position(|r| r.id == run)
                .ok_or_else(|| format!("run '{run}' is not among the talk's runs"))?,
        ),
        (None, Some(compare)) => Scene::Compare(
            talk.comparisons
                .iter()
                .position(|c| c.id == compare)
                .ok_or_else(|| {
                    format!("comparison '{compare}' is not among the talk's comparisons")
                })?,
        ),
        (None, None) => match previous_scene {
            Some(scene) => scene.clone(),
            None if !talk.runs.is_empty() => Scene::Run(0),
            None => return Err("the talk has no run for this step".into()),
        },
    };
    let within = duration_field(object, "within")?.unwrap_or(SEARCH_DEFAULT);
    if within > SEARCH_MAX {
        return Err(format!("'within' is longer than {SEARCH_MAX}"));
    }
    let moments = ["at", "after", "until"]
        .iter()
        .filter(|k| object.contains_key(**k))
        .count();
    if moments > 1 {
        return Err("a step has one of 'at', 'after', 'until'".into());
    }
    let moment = if let Some(at) = string_field(object, "at")? {
        Moment::At(super::command::parse_instant(at).map_err(|e| format!("'at': {e}"))?)
    } else if let Some(after) = duration_field(object, "after")? {
        Moment::After(after)
    } else if let Some(until) = string_field(object, "until")? {
        Moment::Until {
            condition: Condition::parse(until)?,
            within,
        }
    } else {
        Moment::After(SimDuration::ZERO)
    };
    let play = match object.get("play") {
        None => None,
        Some(value) => {
            let play = value.as_object().ok_or("'play' is not an object")?;
            let speed = string_field(play, "speed")?.unwrap_or("1");
            let stretch = duration_field(play, "for")?.ok_or("'play.for' is missing")?;
            if stretch > SimDuration::from_secs(600) || stretch == SimDuration::ZERO {
                return Err("'play.for' is not between 1 µs and 10 min".into());
            }
            Some(Play {
                speed_milli: parse_speed(speed).map_err(|e| format!("'play.speed': {e}"))?,
                stretch,
            })
        }
    };
    let mut spotlight = Vec::new();
    match object.get("spotlight") {
        None => {}
        Some(Value::Array(items)) if items.len() <= SPOTS_MAX => {
            for item in items {
                let text = item.as_str().ok_or("'spotlight' holds a non-text target")?;
                spotlight.push(Spot::parse(text)?);
            }
        }
        Some(_) => {
            return Err(format!(
                "'spotlight' is not a list of at most {SPOTS_MAX} targets"
            ))
        }
    }
    let tab = string_field(object, "tab")?;
    const TABS: [&str; 6] = [
        "overview",
        "checkpoints",
        "state",
        "log",
        "exceptions",
        "configuration",
    ];
    if let Some(tab) = tab.filter(|t| !TABS.contains(t)) {
        return Err(format!("tab '{tab}' is not one of {}", TABS.join(", ")));
    }
    Ok(Step {
        id: id.to_string(),
        section,
        title: text_field(object, "title", true)?,
        narration: text_field(object, "narration", true)?,
        notes: text_field(object, "notes", false)?,
        seconds,
        scene,
        moment,
        play,
        spotlight,
        tab: tab.map(str::to_string),
    })
}

impl Talk {
    /// Reads a talk file: every problem with its place; bad steps, runs and sections are
    /// skipped. Refused only when nothing usable remains.
    pub fn from_json(text: &str) -> Result<(Talk, Vec<TalkProblem>), Vec<TalkProblem>> {
        let whole = |message: String| {
            vec![TalkProblem {
                place: "the talk".to_string(),
                message,
            }]
        };
        if text.len() > TALK_BYTES_MAX {
            return Err(whole(format!(
                "is larger than {} KiB",
                TALK_BYTES_MAX / 1024
            )));
        }
        let value: Value =
            serde_json::from_str(text).map_err(|e| whole(format!("is not JSON: {e}")))?;
        let object = value
            .as_object()
            .ok_or_else(|| whole("is not a JSON object".to_string()))?;
        if object.get("format").and_then(Value::as_str) != Some("flinkscope-talk") {
            return Err(whole("'format' is not \"flinkscope-talk\"".to_string()));
        }
        if object.get("version").and_then(Value::as_u64) != Some(1) {
            return Err(whole(
                "'version' is not 1 (the version this page reads)".to_string(),
            ));
        }
        let mut problems = Vec::new();
        let id = match string_field(object, "id") {
            Ok(Some(id)) if valid_id(id) => id.to_string(),
            _ => {
                return Err(whole(
                    "'id' is missing or not 1–64 of a-z, 0-9, -".to_string(),
                ))
            }
        };
        let title = text_field(object, "title", true).map_err(whole)?;
        let mut talk = Talk {
            id,
            title,
            runs: Vec::new(),
            comparisons: Vec::new(),
            sections: Vec::new(),
            steps: Vec::new(),
        };
        if let Some(runs) = object.get("runs") {
            match runs.as_object() {
                Some(runs) => {
                    for (id, value) in runs {
                        let result = if !valid_id(id) {
                            Err("the id is not 1–64 of a-z, 0-9, -".to_string())
                        } else if talk.runs.len() == RUNS_MAX {
                            Err(format!("more than {RUNS_MAX} runs"))
                        } else {
                            read_run(id, value)
                        };
                        match result {
                            Ok(run) => talk.runs.push(run),
                            Err(message) => problems.push(TalkProblem {
                                place: format!("runs.{id}"),
                                message: format!("{message}; steps on it are skipped"),
                            }),
                        }
                    }
                }
                None => problems.push(TalkProblem {
                    place: "runs".to_string(),
                    message: "is not an object of runs by id".to_string(),
                }),
            }
        }
        talk.comparisons =
            read_comparisons(object.get("comparisons"), "comparisons", &mut problems);
        let sections = object
            .get("sections")
            .and_then(Value::as_array)
            .ok_or_else(|| whole("'sections' is not a list".to_string()))?;
        let mut previous_scene = None;
        for (s, section) in sections.iter().enumerate() {
            let place = format!("sections[{s}]");
            let Some(object) = section.as_object() else {
                problems.push(TalkProblem {
                    place,
                    message: "is not an object; skipped".to_string(),
                });
                continue;
            };
            let header = (|| -> Result<Section, String> {
                let id = string_field(object, "id")?.ok_or("'id' is missing")?;
                if !valid_id(id) {
                    return Err(format!("id '{id}' is not 1–64 of a-z, 0-9, -"));
                }
                let minutes = object
                    .get("minutes")
                    .and_then(Value::as_u64)
                    .filter(|m| (1..=240).contains(m))
                    .ok_or("'minutes' is not a whole number from 1 to 240")?;
                Ok(Section {
                    id: id.to_string(),
                    title: text_field(object, "title", true)?,
                    minutes: minutes as u32,
                })
            })();
            let section_index = talk.sections.len();
            match header {
                Ok(section) => talk.sections.push(section),
                Err(message) => {
                    problems.push(TalkProblem {
                        place,
                        message: format!("{message}; the section is skipped"),
                    });
                    continue;
                }
            }
            let steps = object.get("steps").and_then(Value::as_array);
            for (k, step) in steps.into_iter().flatten().enumerate() {
                let name = step
                    .get("id")
                    .and_then(Value::as_str)
                    .map_or(String::new(), |id| format!(" '{id}'"));
                let place = format!("sections[{s}].steps[{k}]{name}");
                let result = if talk.steps.len() == STEPS_MAX {
                    Err(format!("more than {STEPS_MAX} steps"))
                } else {
                    step.as_object()
                        .ok_or_else(|| "is not an object".to_string())
                        .and_then(|o| read_step(o, &talk, section_index, previous_scene.as_ref()))
                };
                match result {
                    Ok(step) => {
                        previous_scene = Some(step.scene.clone());
                        talk.steps.push(step);
                    }
                    Err(message) => problems.push(TalkProblem {
                        place,
                        message: format!("{message}; the step is skipped"),
                    }),
                }
            }
        }
        if talk.steps.is_empty() {
            problems.push(TalkProblem {
                place: "the talk".to_string(),
                message: "has no usable step".to_string(),
            });
            return Err(problems);
        }
        Ok((talk, problems))
    }

    /// The study talk (natively).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn study() -> Talk {
        Talk::from_json(STUDY_TALK)
            .expect("the study talk reads (a test checks it)")
            .0
    }

    /// A step's index by id.
    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }

    /// The runs a scene plays: one, or a comparison's two.
    pub fn scene_runs(&self, scene: &Scene) -> Vec<&SharedRun> {
        match scene {
            Scene::Run(r) => vec![&self.runs[*r].run],
            Scene::Compare(c) => self.comparisons[*c].sides.iter().map(|s| &s.run).collect(),
        }
    }
}

/// Where a step lands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Landing {
    /// The moment.
    pub at: SimTime,
    /// Where a `play` stretch starts (the moment itself without one).
    pub from: SimTime,
}

/// What the views show at a step's moment, in a sentence (the handout's static rendering).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepFacts {
    /// The instant.
    pub at: SimTime,
    /// The job's status.
    pub status: &'static str,
    /// Completed and failed checkpoints so far.
    pub checkpoints: (u64, u64),
    /// The latest completed checkpoint.
    pub latest: Option<u32>,
    /// Each TaskManager's process: alive or not.
    pub task_managers: Vec<bool>,
    /// Alarms printed and how many were duplicates.
    pub alarms: (u64, u64),
}

impl StepFacts {
    /// The facts of `sim` now.
    pub fn of(sim: &crate::sim::Sim) -> StepFacts {
        use crate::sim::checkpoint::CheckpointStatus;
        let view = sim.view();
        let count = |status| {
            view.checkpoint_history()
                .filter(|r| r.status == status)
                .count() as u64
        };
        StepFacts {
            at: view.now(),
            status: view.job_status().as_str(),
            checkpoints: (
                count(CheckpointStatus::Completed),
                count(CheckpointStatus::Failed),
            ),
            latest: view
                .checkpoint_history()
                .filter(|r| r.status == CheckpointStatus::Completed)
                .map(|r| r.id.0)
                .max(),
            task_managers: view
                .task_managers()
                .iter()
                .map(|tm| matches!(tm.process, crate::sim::cluster::ProcessState::Alive))
                .collect(),
            alarms: view.alarm_counts(),
        }
    }

    /// One sentence in English or Korean.
    pub fn describe(&self, korean: bool) -> String {
        let tms: Vec<String> = self
            .task_managers
            .iter()
            .enumerate()
            .map(|(i, alive)| {
                let state = match (alive, korean) {
                    (true, false) => "up",
                    (false, false) => "down",
                    (true, true) => "정상",
                    (false, true) => "중단",
                };
                format!("TM{} {state}", i + 1)
            })
            .collect();
        let latest = self
            .latest
            .map_or("-".to_string(), |id| format!("chk-{id}"));
        let t = super::command::instant_text(self.at);
        if korean {
            format!(
                "{t}: 잡 {}, 체크포인트 완료 {} · 실패 {} (최신 {latest}), {}, 알람 {} (중복 {})",
                self.status,
                self.checkpoints.0,
                self.checkpoints.1,
                tms.join(", "),
                self.alarms.0,
                self.alarms.1
            )
        } else {
            format!(
                "{t}: job {}, checkpoints {} completed · {} failed (latest {latest}), {}, alarms {} ({} duplicates)",
                self.status, self.checkpoints.0, self.checkpoints.1, tms.join(", "), self.alarms.0, self.alarms.1
            )
        }
    }
}

/// A talk resolved by the engine: each step's landing, and the time machines of its scenes,
/// advanced to their last moment (entering a step is then a seek).
pub struct Resolved {
    /// The talk, without the steps that did not resolve.
    pub talk: Talk,
    /// Each step's landing.
    pub landings: Vec<Landing>,
    /// What each step's views show at its moment.
    pub facts: Vec<StepFacts>,
    /// A time machine per scene and side: `machines[scene_key]`.
    pub machines: Vec<(Scene, Vec<TimeMachine>)>,
    /// Steps that did not resolve (skipped).
    pub problems: Vec<TalkProblem>,
}

/// A step's landing and what its views show there, or why its moment was not found.
pub type StepResolution = Result<(Landing, StepFacts), String>;

/// A scene's time machines and each of its steps' landing, or why its moment was not found.
pub struct SceneResolution {
    /// The scene's machines (one, or a comparison's two), at its last moment.
    pub machines: Vec<TimeMachine>,
    /// `(step index, landing and facts, or why not)` for the scene's steps, in order.
    pub steps: Vec<(usize, StepResolution)>,
}

/// Resolves the moments of `scene`'s steps, in order: each is found from the previous one on
/// the same scene. A step whose moment is not found leaves the scene where it was.
pub fn resolve_scene(talk: &Talk, scene: &Scene) -> SceneResolution {
    // A run that cannot start (its `from=` snapshot is refused) starts fresh, and each of the
    // scene's steps says why.
    let mut refused = None;
    let mut sides: Vec<TimeMachine> = talk
        .scene_runs(scene)
        .into_iter()
        .map(|run| {
            run.machine().unwrap_or_else(|problem| {
                refused = Some(problem);
                TimeMachine::new(run.config.clone(), run.seed, run.commands.clone())
                    .expect("a decoded run's configuration is valid")
            })
        })
        .collect();
    let mut steps = Vec::new();
    for (index, step) in talk
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.scene == *scene)
    {
        if let Some(problem) = &refused {
            steps.push((
                index,
                Err(format!("the scene's run cannot start: {problem}")),
            ));
            continue;
        }
        let before = sides[0].sim().now();
        match moment::place(&mut sides[0], &step.moment) {
            Ok(at) => {
                for other in sides.iter_mut().skip(1) {
                    if at < other.sim().now() {
                        other.seek(at);
                    } else {
                        other.advance(at, u64::MAX);
                    }
                }
                let from = step.play.map_or(at, |p| {
                    SimTime(at.as_us().saturating_sub(p.stretch.as_us())).max(sides[0].start())
                });
                steps.push((
                    index,
                    Ok((Landing { at, from }, StepFacts::of(sides[0].sim()))),
                ));
            }
            Err(message) => {
                sides[0].seek(before);
                steps.push((index, Err(message)));
            }
        }
    }
    SceneResolution {
        machines: sides,
        steps,
    }
}

/// The scenes of a talk, in order of first appearance.
pub fn scenes(talk: &Talk) -> Vec<Scene> {
    let mut out: Vec<Scene> = Vec::new();
    for step in &talk.steps {
        if !out.contains(&step.scene) {
            out.push(step.scene.clone());
        }
    }
    out
}

/// Resolves every step's moment; a step whose moment is not found is reported and skipped.
pub fn resolve(mut talk: Talk) -> Resolved {
    let mut machines = Vec::new();
    let mut found: Vec<Option<(Landing, StepFacts)>> = vec![None; talk.steps.len()];
    let mut problems = Vec::new();
    for scene in scenes(&talk) {
        let resolution = resolve_scene(&talk, &scene);
        for (index, result) in resolution.steps {
            match result {
                Ok(landing) => found[index] = Some(landing),
                Err(message) => problems.push(TalkProblem {
                    place: format!("step '{}'", talk.steps[index].id),
                    message: format!("{message}; the step is skipped"),
                }),
            }
        }
        machines.push((scene, resolution.machines));
    }
    let mut landings = Vec::new();
    let mut facts = Vec::new();
    let mut kept = Vec::new();
    for (step, found) in std::mem::take(&mut talk.steps).into_iter().zip(found) {
        if let Some((landing, fact)) = found {
            landings.push(landing);
            facts.push(fact);
            kept.push(step);
        }
    }
    talk.steps = kept;
    Resolved {
        talk,
        landings,
        facts,
        machines,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spotlight_targets_read_back_as_written() {
        for text in [
            "tm:2",
            "task:1.2",
            "channel:0.1>1.1",
            "state:1",
            "storage",
            "storage:3",
            "sink",
            "sink:duplicate",
            "sink:alarm",
            "field:cp-count-completed",
            "panel:dataflow",
        ] {
            assert_eq!(Spot::parse(text).unwrap().to_string(), text);
        }
        for bad in ["tm:0", "field:<script>", "panel:kitchen", "teleport:1"] {
            assert!(Spot::parse(bad).is_err(), "{bad}");
        }
    }
}
