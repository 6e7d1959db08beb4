//! The runner's commands: argument parsing, runs with their output folder, key groups,
//! benchmarks and configuration printing.

use flinkscope::bench::{self, Scenario};
use flinkscope::script::RunScript;
use flinkscope::sim::config::ConfigError;
use flinkscope::sim::event::Command;
use flinkscope::sim::ids::{TaskManagerId, VertexIndex};
use flinkscope::sim::key_group;
use flinkscope::sim::time::parse_duration;
use flinkscope::sim::{SimConfig, SimTime};
use std::time::Instant;

mod output;

/// Why the runner stopped.
pub enum Failure {
    /// Bad arguments or input files (exit status 2).
    Usage(String),
    /// The output could not be written (exit status 1).
    Io(String),
}

impl From<ConfigError> for Failure {
    fn from(error: ConfigError) -> Self {
        Failure::Usage(error.to_string())
    }
}

const USAGE: &str = "\
flinkscope run --seed N --until DURATION --out DIR [options]
    --config FILE.json            configuration by Flink option names (see `flinkscope config`)
    --set KEY=VALUE               override one option (repeatable)
    --kill-tm N@TIME              kill TaskManager N (from 1) at TIME, e.g. --kill-tm 2@45s
    --restart-tm N@TIME           start a killed TaskManager again
    --fail-task VERTEX/SUBTASK@TIME   throw in a task (vertex 0 = source, 1 = keyed; subtask from 0)
    --slow VERTEX/SUBTASK@TIME*FACTOR slow a subtask down (FACTOR 1 restores it)
    --storage-fail TIME / --storage-ok TIME   checkpoint storage fails / works again
    --trigger-checkpoint TIME     trigger a checkpoint by hand
    --failover-jm TIME            the JobManager fails over (HA): recover from the latest checkpoint
    --replay RUN.json             replay an exported run (seed, config, commands, until)
    --export RUN.json             write this run as a run file
  writes DIR/sink.out, DIR/jobmanager.log, DIR/taskmanager-N.log, DIR/rest/…,
  DIR/checkpoints/<job-id>/chk-<id>/_metadata and prints `trace-hash: <hex>`
flinkscope keygroup --parallelism P --max-parallelism M KEY…
flinkscope bench
flinkscope config [--config FILE.json] [--set KEY=VALUE]…
durations: 500ms, 90s, 10m, 2h";

/// Entry point; `args` excludes the program name.
pub fn main(args: &[String]) -> Result<(), Failure> {
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("keygroup") => keygroup(&args[1..]),
        Some("bench") => bench(),
        Some("config") => config(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(Failure::Usage(format!("unknown command '{other}'"))),
    }
}

/// Command-line options of `run` and `config`.
#[derive(Default)]
struct RunOptions {
    seed: Option<u64>,
    until: Option<SimTime>,
    out: Option<String>,
    config_file: Option<String>,
    sets: Vec<(String, String)>,
    commands: Vec<(SimTime, Command)>,
    replay: Option<String>,
    export: Option<String>,
}

fn value<'a>(args: &'a [String], i: usize, flag: &str) -> Result<&'a str, Failure> {
    args.get(i + 1)
        .map(String::as_str)
        .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))
}

fn time_arg(flag: &str, text: &str) -> Result<SimTime, Failure> {
    parse_duration(text)
        .map(|d| SimTime(d.as_us()))
        .map_err(|e| Failure::Usage(format!("{flag}: {e}")))
}

/// `WHAT@TIME`.
fn at(flag: &str, text: &str) -> Result<(String, SimTime), Failure> {
    let (what, when) = text
        .split_once('@')
        .ok_or_else(|| Failure::Usage(format!("{flag}: '{text}' is not WHAT@TIME, e.g. 2@45s")))?;
    Ok((what.to_string(), time_arg(flag, when)?))
}

fn number<T: std::str::FromStr>(flag: &str, what: &str, text: &str) -> Result<T, Failure> {
    text.trim()
        .parse()
        .map_err(|_| Failure::Usage(format!("{flag}: {what} '{text}' is not a whole number")))
}

fn task_manager(flag: &str, text: &str) -> Result<TaskManagerId, Failure> {
    let n: u32 = number(flag, "TaskManager", text)?;
    if n == 0 {
        return Err(Failure::Usage(format!(
            "{flag}: TaskManagers are numbered from 1"
        )));
    }
    Ok(TaskManagerId(n - 1))
}

fn vertex_subtask(flag: &str, text: &str) -> Result<(VertexIndex, u32), Failure> {
    let (vertex, subtask) = text.split_once('/').ok_or_else(|| {
        Failure::Usage(format!("{flag}: '{text}' is not VERTEX/SUBTASK, e.g. 1/2"))
    })?;
    Ok((
        VertexIndex(number(flag, "vertex", vertex)?),
        number(flag, "subtask", subtask)?,
    ))
}

fn parse_options(args: &[String]) -> Result<RunOptions, Failure> {
    let mut options = RunOptions::default();
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        let v = value(args, i, flag)?;
        match flag {
            "--seed" => options.seed = Some(number(flag, "seed", v)?),
            "--until" => options.until = Some(time_arg(flag, v)?),
            "--out" => options.out = Some(v.to_string()),
            "--config" => options.config_file = Some(v.to_string()),
            "--replay" => options.replay = Some(v.to_string()),
            "--export" => options.export = Some(v.to_string()),
            "--set" => {
                let (key, val) = v
                    .split_once('=')
                    .ok_or_else(|| Failure::Usage(format!("--set: '{v}' is not KEY=VALUE")))?;
                options
                    .sets
                    .push((key.trim().to_string(), val.trim().to_string()));
            }
            "--kill-tm" | "--restart-tm" => {
                let (what, when) = at(flag, v)?;
                let task_manager = task_manager(flag, &what)?;
                let command = if flag == "--kill-tm" {
                    Command::KillTaskManager { task_manager }
                } else {
                    Command::RestartTaskManager { task_manager }
                };
                options.commands.push((when, command));
            }
            "--fail-task" => {
                let (what, when) = at(flag, v)?;
                let (vertex, subtask) = vertex_subtask(flag, &what)?;
                options
                    .commands
                    .push((when, Command::FailTask { vertex, subtask }));
            }
            "--slow" => {
                let (what, rest) = v.split_once('@').ok_or_else(|| {
                    Failure::Usage(format!("{flag}: '{v}' is not VERTEX/SUBTASK@TIME*FACTOR"))
                })?;
                let (when, factor) = rest
                    .split_once('*')
                    .ok_or_else(|| Failure::Usage(format!("{flag}: '{v}' lacks *FACTOR")))?;
                let (vertex, subtask) = vertex_subtask(flag, what)?;
                let factor = number(flag, "factor", factor)?;
                options.commands.push((
                    time_arg(flag, when)?,
                    Command::SlowDownSubtask {
                        vertex,
                        subtask,
                        factor,
                    },
                ));
            }
            "--storage-fail" | "--storage-ok" => {
                let failing = flag == "--storage-fail";
                options.commands.push((
                    time_arg(flag, v)?,
                    Command::SetCheckpointStorageFailing { failing },
                ));
            }
            "--trigger-checkpoint" => options
                .commands
                .push((time_arg(flag, v)?, Command::TriggerCheckpoint)),
            "--failover-jm" => options
                .commands
                .push((time_arg(flag, v)?, Command::FailOverJobManager)),
            _ => return Err(Failure::Usage(format!("unknown option '{flag}'"))),
        }
        i += 2;
    }
    Ok(options)
}

fn read(path: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::Usage(format!("cannot read {path}: {e}")))
}

fn build_config(options: &RunOptions) -> Result<SimConfig, Failure> {
    let mut config = match &options.config_file {
        Some(path) => SimConfig::from_json(&read(path)?)
            .map_err(|e| Failure::Usage(format!("{path}: {e}")))?,
        None => SimConfig::default(),
    };
    for (key, val) in &options.sets {
        config.apply_text(key, val)?;
    }
    config.validate()?;
    Ok(config)
}

fn script_of(options: &RunOptions) -> Result<RunScript, Failure> {
    if let Some(path) = &options.replay {
        return RunScript::from_json(&read(path)?)
            .map_err(|e| Failure::Usage(format!("{path}: {e}")));
    }
    let config = build_config(options)?;
    let seed = options
        .seed
        .ok_or_else(|| Failure::Usage("run needs --seed N".to_string()))?;
    let until = options
        .until
        .ok_or_else(|| Failure::Usage("run needs --until DURATION".to_string()))?;
    if until.as_us() > flinkscope::script::SCRIPT_UNTIL_MAX.as_us() {
        return Err(Failure::Usage(format!(
            "--until: at most {}",
            flinkscope::script::SCRIPT_UNTIL_MAX
        )));
    }
    let mut commands = options.commands.clone();
    commands.sort_by_key(|(at, _)| *at);
    Ok(RunScript {
        seed,
        config,
        commands,
        until,
    })
}

fn run(args: &[String]) -> Result<(), Failure> {
    let options = parse_options(args)?;
    let out = options
        .out
        .clone()
        .ok_or_else(|| Failure::Usage("run needs --out DIR".to_string()))?;
    let script = script_of(&options)?;
    if let Some(path) = &options.export {
        let text = serde_json::to_string_pretty(&script.to_file()).expect("run files serialise");
        std::fs::write(path, text + "\n")
            .map_err(|e| Failure::Io(format!("cannot write {path}: {e}")))?;
    }
    let started = Instant::now();
    let mut writer = output::OutputWriter::create(&out)?;
    let sim = script.run(
        |sim| writer.observe(sim),
        |at, command, reason| {
            eprintln!(
                "warning: at {} ms, {command:?} was refused: {reason}",
                at.as_ms()
            )
        },
    );
    writer.finish(&sim)?;
    let elapsed = started.elapsed();
    output::print_summary(&sim, &out, elapsed);
    Ok(())
}

fn keygroup(args: &[String]) -> Result<(), Failure> {
    let mut parallelism = None;
    let mut max_parallelism = None;
    let mut keys = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            flag @ ("--parallelism" | "--max-parallelism") => {
                let n: u32 = number(flag, "value", value(args, i, flag)?)?;
                if flag == "--parallelism" {
                    parallelism = Some(n);
                } else {
                    max_parallelism = Some(n);
                }
                i += 2;
            }
            key => {
                keys.push(key.to_string());
                i += 1;
            }
        }
    }
    let p =
        parallelism.ok_or_else(|| Failure::Usage("keygroup needs --parallelism P".to_string()))?;
    if !(1..=key_group::UPPER_BOUND_MAX_PARALLELISM).contains(&p) {
        return Err(Failure::Usage(format!(
            "--parallelism: {p} is not allowed; allowed: 1 ..= 32768"
        )));
    }
    let max_p = max_parallelism.unwrap_or_else(|| key_group::default_max_parallelism(p));
    if !(p..=key_group::UPPER_BOUND_MAX_PARALLELISM).contains(&max_p) {
        return Err(Failure::Usage(format!(
            "--max-parallelism: {max_p} is not allowed; allowed: {p} ..= 32768"
        )));
    }
    for key in keys {
        let group = key_group::key_group_for_key(&key, max_p);
        let subtask = key_group::subtask_for_key_group(max_p, p, group);
        println!(
            "{key}\t{}\t{group}\t{subtask}",
            key_group::java_string_hash(&key)
        );
    }
    Ok(())
}

fn config(args: &[String]) -> Result<(), Failure> {
    let options = parse_options(args)?;
    let config = build_config(&options)?;
    println!(
        "{}",
        serde_json::to_string_pretty(&config.to_json()).expect("serialises")
    );
    Ok(())
}

/// Repetitions per benchmark scenario.
const BENCH_ROUNDS: usize = 5;

fn bench() -> Result<(), Failure> {
    // FLINKSCOPE_BENCH=seed-24h runs one scenario only (for profilers).
    let only = std::env::var("FLINKSCOPE_BENCH").ok();
    for scenario in Scenario::ALL
        .into_iter()
        .filter(|s| only.as_deref().is_none_or(|o| o == s.name()))
    {
        // This 2-core machine is noisy: report the median and the best of five runs.
        let mut runs = Vec::new();
        for _ in 0..BENCH_ROUNDS {
            let started = Instant::now();
            let outcome = bench::run(scenario, 1);
            runs.push((started.elapsed().as_secs_f64(), outcome));
        }
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (median, outcome) = runs[runs.len() / 2];
        let best = runs[0].0;
        let events = outcome.events as f64;
        println!(
            "{:<24} {:>12.0} events/s (median of {BENCH_ROUNDS}; best {:.0}) {} events, {:.0} simulated s in {median:.3} s wall, {} checkpoints, trace {:016x}",
            scenario.name(),
            events / median,
            events / best,
            outcome.events,
            outcome.simulated.as_us() as f64 / 1e6,
            outcome.checkpoints,
            outcome.trace_hash
        );
    }
    if only.is_some() {
        return Ok(());
    }
    let sim = bench::default_after_one_hour(1);
    let rounds = 200;
    let started = Instant::now();
    let mut bytes = 0;
    for _ in 0..rounds {
        let copy = std::hint::black_box(sim.clone());
        bytes = copy.view().approx_heap_bytes();
    }
    let per_clone = started.elapsed().as_secs_f64() / f64::from(rounds);
    println!(
        "{:<24} {:>12.1} µs per clone (default scenario after 1 simulated hour, ≈{} KiB of state)",
        "clone",
        per_clone * 1e6,
        bytes / 1024
    );
    let (mut day, until) = Scenario::Seed24h.start(1);
    day.advance_to(until);
    println!(
        "{:<24} {:>12} KiB of simulation state after 24 simulated hours; process peak RSS {} KiB",
        "memory-24h",
        day.view().approx_heap_bytes() / 1024,
        output::peak_rss_kib().map_or("n/a".to_string(), |k| k.to_string())
    );
    Ok(())
}
