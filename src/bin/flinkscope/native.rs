//! The runner's commands: arguments (clap), runs with their output folder, key groups,
//! benchmarks and configuration printing.

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use flinkscope::run::bench::{self, BenchCase};
use flinkscope::run::command;
use flinkscope::run::RunScript;
use flinkscope::sim::config::ConfigError;
use flinkscope::sim::event::Command;
use flinkscope::sim::key_group;
use flinkscope::sim::limits::RUN_LENGTH_MAX;
use flinkscope::sim::{Sim, SimConfig, SimTime};
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

/// A deterministic simulation of an Apache Flink 2.3 cluster running the study talk's keyed,
/// checkpointed job.
#[derive(Parser)]
#[command(name = "flinkscope", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand)]
enum Commands {
    /// Run a job and write what a real cluster would: the print sink's stdout, Flink's log
    /// lines, the REST JSON by endpoint and the checkpoint folder; print `trace-hash: <hex>`.
    #[command(after_help = COMMAND_HELP)]
    Run(Box<RunArgs>),
    /// Where keys go: key, Java hashCode, key group and subtask, by Flink's formulas.
    Keygroup(KeygroupArgs),
    /// Print every option of a configuration with its value (the configuration file format).
    Config(ConfigArgs),
    /// Benchmark the engine and print the figures.
    Bench,
}

const COMMAND_HELP: &str = "\
Commands (-c CODE@TIME, repeatable or comma-separated; the syntax of links and run files):
  kN@T       kill TaskManager N (from 1)          rN@T      restart TaskManager N
  fV.S@T     throw in subtask S of vertex V       sV.SxF@T  slow subtask S of vertex V down F times
  x1@T/x0@T  checkpoint storage fails / works     c@T       trigger a checkpoint
  p@T/pn@T   savepoint (canonical / native)       q@T/qn@T  stop with a savepoint
  j@T        the JobManager fails over
Vertex 0 is the source, 1 the keyed function; subtasks from 0. Durations: 500ms, 90s, 10m, 2h.
Example: flinkscope run --seed 1 --until 10m --out out -c k2@45s,r2@90s";

/// The configuration: a file, then `--set` overrides.
#[derive(Args)]
struct ConfigSource {
    /// A configuration file: a JSON object of Flink option names (see `flinkscope config`).
    #[arg(long, value_name = "FILE.json")]
    config: Option<String>,
    /// Override one option (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = key_value)]
    sets: Vec<(String, String)>,
}

#[derive(Args)]
struct RunArgs {
    /// The seed of the run.
    #[arg(long, value_name = "N", value_parser = seed)]
    seed: Option<u64>,
    /// How long to run in simulated time (at most a week).
    #[arg(long, value_name = "DURATION", value_parser = until)]
    until: Option<SimTime>,
    /// The output folder.
    #[arg(long, value_name = "DIR")]
    out: String,
    #[command(flatten)]
    config: ConfigSource,
    /// A command at an instant, e.g. k2@45s (see below; repeatable, or a comma-separated list).
    #[arg(short = 'c', long = "command", value_name = "CODE@TIME")]
    commands: Vec<String>,
    /// Replay an exported run file (seed, configuration, commands, end).
    #[arg(long, value_name = "RUN.json", conflicts_with_all = ["seed", "until", "config", "sets", "commands"])]
    replay: Option<String>,
    /// Write this run as a run file.
    #[arg(long, value_name = "RUN.json")]
    export: Option<String>,
    /// Start a new job from a savepoint or retained checkpoint a run wrote (`flink run -s`):
    /// its `_metadata` file or the folder holding it. Change the job with --set.
    #[arg(long = "restore-from", value_name = "PATH", conflicts_with = "replay")]
    restore_from: Option<String>,
    /// With --restore-from: the job takes ownership of the snapshot's files (`-claimMode
    /// CLAIM`); the default, NO_CLAIM, never deletes them and takes a full first checkpoint.
    #[arg(long, requires = "restore_from")]
    claim: bool,
    /// With --restore-from: skip state no operator of the new job takes
    /// (`--allowNonRestoredState`).
    #[arg(long = "allow-non-restored-state", requires = "restore_from")]
    allow_non_restored_state: bool,
    /// Trigger a savepoint at TIME (`flink savepoint`; repeatable): `p@TIME`.
    #[arg(long = "savepoint", value_name = "TIME")]
    savepoint: Vec<String>,
    /// Stop the job with a savepoint at TIME (`flink stop`): `q@TIME`.
    #[arg(long = "stop-with-savepoint", value_name = "TIME")]
    stop_with_savepoint: Vec<String>,
    /// The format of --savepoint and --stop-with-savepoint (`flink savepoint --type`).
    #[arg(long = "savepoint-type", value_name = "TYPE", default_value = "canonical",
          value_parser = ["canonical", "native"])]
    savepoint_type: String,
    // Earlier spellings of commands, kept so existing scripts keep working: each is one code
    // of the command syntax with its letter given by the flag.
    #[arg(long = "kill-tm", hide = true, value_name = "N@TIME")]
    kill_tm: Vec<String>,
    #[arg(long = "restart-tm", hide = true, value_name = "N@TIME")]
    restart_tm: Vec<String>,
    #[arg(long = "fail-task", hide = true, value_name = "V/S@TIME")]
    fail_task: Vec<String>,
    #[arg(long = "slow", hide = true, value_name = "V/S@TIME*F")]
    slow: Vec<String>,
    #[arg(long = "storage-fail", hide = true, value_name = "TIME")]
    storage_fail: Vec<String>,
    #[arg(long = "storage-ok", hide = true, value_name = "TIME")]
    storage_ok: Vec<String>,
    #[arg(long = "trigger-checkpoint", hide = true, value_name = "TIME")]
    trigger_checkpoint: Vec<String>,
    #[arg(long = "failover-jm", hide = true, value_name = "TIME")]
    failover_jm: Vec<String>,
}

#[derive(Args)]
struct KeygroupArgs {
    /// The keyed operator's parallelism.
    #[arg(long, value_name = "P")]
    parallelism: u32,
    /// The max parallelism (number of key groups); Flink's default rule when not given.
    #[arg(long, value_name = "M")]
    max_parallelism: Option<u32>,
    /// The keys (after `--` a key may start with a dash).
    #[arg(value_name = "KEY", required = true)]
    keys: Vec<String>,
}

#[derive(Args)]
struct ConfigArgs {
    #[command(flatten)]
    config: ConfigSource,
    /// Print the Java a Flink 2.3 job would write for it instead (the editor's "equivalent
    /// Java"; `scripts/live-differential.py --snippets` compiles it against Flink's jars).
    #[arg(long)]
    java: bool,
}

fn seed(text: &str) -> Result<u64, String> {
    text.trim().parse().map_err(|_| {
        format!("seed '{text}' is not a whole number between 0 and 18446744073709551615")
    })
}

fn until(text: &str) -> Result<SimTime, String> {
    command::parse_instant(text)
}

fn key_value(text: &str) -> Result<(String, String), String> {
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| format!("'{text}' is not KEY=VALUE"))?;
    Ok((key.trim().to_string(), value.trim().to_string()))
}

/// The command-syntax text of an earlier flag's value.
fn legacy_code(flag: &str, value: &str) -> String {
    match flag {
        "kill_tm" => format!("k{value}"),
        "restart_tm" => format!("r{value}"),
        "fail_task" => format!("f{}", value.replacen('/', ".", 1)),
        // V/S@TIME*F → sV.SxF@TIME
        "slow" => match value.split_once('@') {
            Some((which, rest)) => {
                let (at, factor) = rest.split_once('*').unwrap_or((rest, ""));
                format!("s{}x{factor}@{at}", which.replacen('/', ".", 1))
            }
            None => format!("s{value}"),
        },
        "storage_fail" => format!("x1@{value}"),
        "storage_ok" => format!("x0@{value}"),
        "trigger_checkpoint" => format!("c@{value}"),
        "savepoint" => format!("p@{value}"),
        "stop_with_savepoint" => format!("q@{value}"),
        _ => format!("j@{value}"),
    }
}

/// Every command of `run`, in the order given on the command line, then sorted by instant
/// (stable: commands at the same instant keep their order).
fn commands_of(matches: &ArgMatches) -> Result<Vec<(SimTime, Command)>, Failure> {
    let mut given: Vec<(usize, String)> = Vec::new();
    for id in [
        "commands",
        "kill_tm",
        "restart_tm",
        "fail_task",
        "slow",
        "storage_fail",
        "storage_ok",
        "trigger_checkpoint",
        "failover_jm",
        "savepoint",
        "stop_with_savepoint",
    ] {
        let (Some(values), Some(indices)) =
            (matches.get_many::<String>(id), matches.indices_of(id))
        else {
            continue;
        };
        for (value, index) in values.zip(indices) {
            for part in value.split(',').filter(|p| !p.trim().is_empty()) {
                let mut code = if id == "commands" {
                    part.to_string()
                } else {
                    legacy_code(id, part)
                };
                let native = matches
                    .get_one::<String>("savepoint_type")
                    .is_some_and(|t| t == "native");
                if native && (id == "savepoint" || id == "stop_with_savepoint") {
                    code.insert(1, 'n');
                }
                given.push((index, code));
            }
        }
    }
    given.sort_by_key(|(index, _)| *index);
    let mut commands = given
        .iter()
        .map(|(_, code)| command::parse(code).map_err(Failure::Usage))
        .collect::<Result<Vec<_>, _>>()?;
    commands.sort_by_key(|(at, _)| *at);
    Ok(commands)
}

/// Entry point: parses the process's arguments.
pub fn main() -> Result<(), Failure> {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match cli.command {
        Commands::Run(args) => {
            let run_matches = matches
                .subcommand_matches("run")
                .expect("the run subcommand");
            let commands = commands_of(run_matches)?;
            run(&args, commands)
        }
        Commands::Keygroup(args) => keygroup(&args),
        Commands::Config(args) => {
            let config = build_config(&args.config)?;
            if args.java {
                println!(
                    "{}",
                    flinkscope::sim::config::options::java_snippet(&config)
                );
            } else {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&config.to_json()).expect("serialises")
                );
            }
            Ok(())
        }
        Commands::Bench => bench(),
    }
}

fn read(path: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::Usage(format!("cannot read {path}: {e}")))
}

fn build_config(source: &ConfigSource) -> Result<SimConfig, Failure> {
    let mut config = match &source.config {
        Some(path) => SimConfig::from_json(&read(path)?)
            .map_err(|e| Failure::Usage(format!("{path}: {e}")))?,
        None => SimConfig::default(),
    };
    for (key, val) in &source.sets {
        config.apply_text(key, val)?;
    }
    config.validate()?;
    Ok(config)
}

fn script_of(args: &RunArgs, commands: Vec<(SimTime, Command)>) -> Result<RunScript, Failure> {
    if let Some(path) = &args.replay {
        return RunScript::from_json(&read(path)?)
            .map_err(|e| Failure::Usage(format!("{path}: {e}")));
    }
    let config = build_config(&args.config)?;
    let seed = args
        .seed
        .ok_or_else(|| Failure::Usage("run needs --seed N (or --replay RUN.json)".to_string()))?;
    let until = args.until.ok_or_else(|| {
        Failure::Usage(format!(
            "run needs --until DURATION (at most {RUN_LENGTH_MAX})"
        ))
    })?;
    Ok(RunScript {
        seed,
        config,
        commands,
        until,
        from: None,
    })
}

fn run(args: &RunArgs, commands: Vec<(SimTime, Command)>) -> Result<(), Failure> {
    let mut script = script_of(args, commands)?;
    // The job at its start: restored from `--restore-from`, from a run file's earlier run
    // (`from`), or fresh.
    let start = match &args.restore_from {
        Some(path) => {
            let (sim, from) = restored_job(args, &script, path)?;
            script.from = from.map(Box::new);
            sim
        }
        None => script
            .start()
            .map_err(|e| Failure::Usage(format!("the run cannot start: {e}")))?,
    };
    let text = script.to_json() + "\n";
    if let Some(path) = &args.export {
        if args.restore_from.is_some() && script.from.is_none() {
            return Err(Failure::Usage(format!(
                "--export: the snapshot's run is unknown (no {RUN_FILE} beside its checkpoints/ or savepoints/ folder, as this runner writes), so the run file could not replay the restore"
            )));
        }
        std::fs::write(path, &text)
            .map_err(|e| Failure::Io(format!("cannot write {path}: {e}")))?;
    }
    let started = Instant::now();
    let mut writer = output::OutputWriter::create(&args.out)?;
    let (sim, refused) = script.run_from(start, |sim| writer.observe(sim));
    for refusal in refused {
        eprintln!("warning: {refusal}");
    }
    writer.finish(&sim)?;
    // What this folder is the output of, so a later `--restore-from` into it can name the run
    // its snapshots came from (and `--export` the restored run with its lineage).
    let run_file = std::path::Path::new(&args.out).join(RUN_FILE);
    std::fs::write(&run_file, &text)
        .map_err(|e| Failure::Io(format!("cannot write {}: {e}", run_file.display())))?;
    let elapsed = started.elapsed();
    output::print_summary(&sim, &args.out, elapsed);
    Ok(())
}

/// The run file every `run` writes into its output folder.
const RUN_FILE: &str = "run.json";

/// The new job `--restore-from` starts: the snapshot read from `path` (a `_metadata` file or its
/// folder), restored into the configured job, or why Flink would refuse it; and its lineage
/// when the snapshot lies in a folder this runner wrote (its `run.json`) and that run's replay
/// restores into exactly the same job.
fn restored_job(
    args: &RunArgs,
    script: &RunScript,
    path: &str,
) -> Result<(Sim, Option<flinkscope::run::file::Predecessor>), Failure> {
    use flinkscope::sim::restore::{RecoveryClaimMode, RestoreSettings};
    let folder = std::path::Path::new(path);
    let file = if folder.is_dir() {
        folder.join("_metadata")
    } else {
        folder.to_path_buf()
    };
    let text = read(&file.display().to_string())?;
    let metadata: flinkscope::sim::checkpoint::CheckpointMetadata = serde_json::from_str(&text)
        .map_err(|e| {
            Failure::Usage(format!(
                "--restore-from: {} is not a checkpoint's or savepoint's _metadata: {e}",
                file.display()
            ))
        })?;
    let settings = RestoreSettings {
        claim_mode: if args.claim {
            RecoveryClaimMode::Claim
        } else {
            RecoveryClaimMode::NoClaim
        },
        allow_non_restored_state: args.allow_non_restored_state,
    };
    let sim = Sim::restore_job(script.config.clone(), script.seed, &metadata, settings)
        .map_err(|e| Failure::Usage(format!("--restore-from {path}: {e}")))?;
    // `<out>/checkpoints/<job>/chk-N/_metadata` or `<out>/savepoints/savepoint-…/_metadata`.
    let earlier = file
        .ancestors()
        .skip(1)
        .take(4)
        .map(|dir| dir.join(RUN_FILE))
        .find(|f| f.is_file())
        .and_then(|f| std::fs::read_to_string(f).ok())
        .and_then(|text| RunScript::from_json(&text).ok());
    let from = earlier.map(|run| flinkscope::run::file::Predecessor {
        run,
        checkpoint: metadata.checkpoint_id,
        settings,
    });
    // Only a lineage that replays into the same new job (a `_metadata` edited or copied from
    // another run would not).
    let same = |from: &flinkscope::run::file::Predecessor| {
        let probe = RunScript {
            from: Some(Box::new(from.clone())),
            ..script.clone()
        };
        probe
            .start()
            .is_ok_and(|s| s.view().trace_hash() == sim.view().trace_hash())
    };
    let from = from.filter(same);
    Ok((sim, from))
}

fn keygroup(args: &KeygroupArgs) -> Result<(), Failure> {
    let p = args.parallelism;
    if !(1..=key_group::UPPER_BOUND_MAX_PARALLELISM).contains(&p) {
        return Err(Failure::Usage(format!(
            "--parallelism: {p} is not allowed; allowed: 1 ..= {}",
            key_group::UPPER_BOUND_MAX_PARALLELISM
        )));
    }
    let max_p = args
        .max_parallelism
        .unwrap_or_else(|| key_group::default_max_parallelism(p));
    if !(p..=key_group::UPPER_BOUND_MAX_PARALLELISM).contains(&max_p) {
        return Err(Failure::Usage(format!(
            "--max-parallelism: {max_p} is not allowed; allowed: {p} ..= {}",
            key_group::UPPER_BOUND_MAX_PARALLELISM
        )));
    }
    for key in &args.keys {
        let group = key_group::key_group_for_key(key, max_p);
        let subtask = key_group::subtask_for_key_group(max_p, p, group);
        println!(
            "{key}\t{}\t{group}\t{subtask}",
            key_group::java_string_hash(key)
        );
    }
    Ok(())
}

/// Repetitions per benchmark scenario.
const BENCH_ROUNDS: usize = 5;

fn bench() -> Result<(), Failure> {
    // FLINKSCOPE_BENCH=seed-24h runs one scenario only (for profilers).
    let only = std::env::var("FLINKSCOPE_BENCH").ok();
    for &scenario in BenchCase::ALL
        .iter()
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
    let (mut day, until) = BenchCase::Seed24h.start(1);
    day.advance_to(until);
    println!(
        "{:<24} {:>12} KiB of simulation state after 24 simulated hours; process peak RSS {} KiB",
        "memory-24h",
        day.view().approx_heap_bytes() / 1024,
        output::peak_rss_kib().map_or("n/a".to_string(), |k| k.to_string())
    );
    Ok(())
}
