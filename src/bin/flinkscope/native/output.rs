//! The output folder of a run: the print sink's stdout, the JobManager and TaskManager logs,
//! the REST JSON by endpoint, and checkpoint storage laid out like Flink's.

use super::Failure;
use flinkscope::sim::event::{Event, TimedEvent};
use flinkscope::sim::ids::CheckpointId;
use flinkscope::sim::log::{self, LogSource};
use flinkscope::sim::rest::build;
use flinkscope::sim::rest::to_flink_json;
use flinkscope::sim::Sim;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Writes a run's files while it runs (write-behind, like the page's IndexedDB mirror).
pub struct OutputWriter {
    dir: PathBuf,
    sink: BufWriter<File>,
    jobmanager: BufWriter<File>,
    taskmanagers: Vec<Option<BufWriter<File>>>,
    broker: Option<BufWriter<File>>,
    /// Two-phase commit: what a `read_committed` consumer reads.
    committed: Option<BufWriter<File>>,
    /// Two-phase commit: every record written, with its transaction and fate.
    uncommitted: Option<BufWriter<File>>,
    /// Records of unresolved transactions, by serial: (transactional id, lines).
    open: std::collections::BTreeMap<u64, (String, Vec<String>)>,
    /// The upsert sink's table: (user, seq) → line.
    table: std::collections::BTreeMap<(u32, u64), String>,
    batch: Vec<TimedEvent>,
    error: Option<String>,
}

fn io(path: &Path, error: std::io::Error) -> Failure {
    Failure::Io(format!("cannot write {}: {error}", path.display()))
}

fn create(path: &Path) -> Result<BufWriter<File>, Failure> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    }
    File::create(path)
        .map(BufWriter::new)
        .map_err(|e| io(path, e))
}

fn write_file(path: &Path, text: &str) -> Result<(), Failure> {
    let mut file = create(path)?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .map_err(|e| io(path, e))
}

impl OutputWriter {
    /// Creates `dir` (emptying the files a previous run wrote there).
    pub fn create(dir: &str) -> Result<OutputWriter, Failure> {
        let dir = PathBuf::from(dir);
        for stale in ["rest", "checkpoints"] {
            let path = dir.join(stale);
            if path.exists() {
                fs::remove_dir_all(&path).map_err(|e| io(&path, e))?;
            }
        }
        for stale in [
            "sink.committed",
            "sink.uncommitted",
            "sink.table",
            "kafka.log",
        ] {
            let path = dir.join(stale);
            if path.exists() {
                fs::remove_file(&path).map_err(|e| io(&path, e))?;
            }
        }
        Ok(OutputWriter {
            broker: None,
            committed: None,
            uncommitted: None,
            open: std::collections::BTreeMap::new(),
            table: std::collections::BTreeMap::new(),
            sink: create(&dir.join("sink.out"))?,
            jobmanager: create(&dir.join("jobmanager.log"))?,
            taskmanagers: Vec::new(),
            batch: Vec::new(),
            error: None,
            dir,
        })
    }

    /// Drains the simulation's events into the files.
    pub fn observe(&mut self, sim: &mut Sim) {
        sim.drain_events(&mut self.batch);
        let batch = std::mem::take(&mut self.batch);
        for event in &batch {
            if let Err(Failure::Io(message) | Failure::Usage(message)) =
                self.write_event(sim, event)
            {
                self.error.get_or_insert(message);
            }
        }
        self.batch = batch;
        self.batch.clear();
    }

    fn write_event(&mut self, sim: &Sim, event: &TimedEvent) -> Result<(), Failure> {
        let view = sim.view();
        match &event.event {
            Event::AlarmPrinted {
                subtask,
                key,
                count,
                seq,
                ..
            } => {
                let line = log::sink_line(view.graph(), *subtask, *key, *count, *seq);
                writeln!(self.sink, "{line}").map_err(|e| io(&self.dir.join("sink.out"), e))?;
            }
            Event::CheckpointCompleted { checkpoint, .. } => {
                self.write_checkpoint(sim, *checkpoint)?
            }
            Event::CheckpointDiscarded { checkpoint } => {
                let path = self.checkpoint_dir(sim, *checkpoint);
                if path.exists() {
                    fs::remove_dir_all(&path).map_err(|e| io(&path, e))?;
                }
            }
            Event::SharedStateDiscarded { .. } => self.prune_shared(sim)?,
            Event::AlarmWritten {
                subtask,
                key,
                count,
                seq,
                number,
                serial,
            } => {
                let line = log::sink_line(view.graph(), *subtask, *key, *count, *seq);
                let id = flinkscope::sim::sink::transactional_id(*subtask, *number);
                self.open
                    .entry(*serial)
                    .or_insert_with(|| (id, Vec::new()))
                    .1
                    .push(line);
            }
            Event::TransactionCommitted { serial, .. } => {
                self.resolve(*serial, "committed", true)?
            }
            Event::TransactionAborted { serial, .. } => self.resolve(*serial, "aborted", false)?,
            Event::TransactionCommitFailed { serial, .. } => {
                self.resolve(*serial, "lost (timed out before its commit)", false)?
            }
            Event::AlarmUpserted {
                subtask,
                key,
                count,
                seq,
                ..
            } => {
                let line = log::sink_line(view.graph(), *subtask, *key, *count, *seq);
                self.table.insert((key.0, *seq), line);
            }
            Event::SavepointCompleted { checkpoint, .. } => {
                self.write_savepoint(sim, *checkpoint)?
            }
            _ => {}
        }
        for (source, line) in log::lines(&view, event) {
            match source {
                LogSource::JobManager => {
                    writeln!(self.jobmanager, "{line}").map_err(|e| io(&self.dir, e))?
                }
                LogSource::Broker => {
                    if self.broker.is_none() {
                        self.broker = Some(create(&self.dir.join("kafka.log"))?);
                    }
                    let file = self.broker.as_mut().expect("just created");
                    writeln!(file, "{line}").map_err(|e| io(&self.dir, e))?;
                }
                LogSource::TaskManager(n) => {
                    let n = n as usize;
                    if self.taskmanagers.len() <= n {
                        self.taskmanagers.resize_with(n + 1, || None);
                    }
                    if self.taskmanagers[n].is_none() {
                        self.taskmanagers[n] = Some(create(
                            &self.dir.join(format!("taskmanager-{}.log", n + 1)),
                        )?);
                    }
                    let file = self.taskmanagers[n].as_mut().expect("just created");
                    writeln!(file, "{line}").map_err(|e| io(&self.dir, e))?;
                }
            }
        }
        Ok(())
    }

    fn checkpoint_dir(&self, sim: &Sim, checkpoint: CheckpointId) -> PathBuf {
        self.dir
            .join("checkpoints")
            .join(sim.view().job_id())
            .join(format!("chk-{}", checkpoint.0))
    }

    /// `checkpoints/<job-id>/{shared,taskowned,chk-N/_metadata}` as Flink lays them out.
    fn write_checkpoint(&mut self, sim: &Sim, checkpoint: CheckpointId) -> Result<(), Failure> {
        let view = sim.view();
        let Some(metadata) = view.storage().get(checkpoint) else {
            return Ok(());
        };
        let root = self.dir.join("checkpoints").join(view.job_id());
        for empty in ["shared", "taskowned"] {
            fs::create_dir_all(root.join(empty)).map_err(|e| io(&root, e))?;
        }
        let text = serde_json::to_string_pretty(metadata).expect("metadata serialises");
        let dir = self.checkpoint_dir(sim, checkpoint);
        write_file(&dir.join("_metadata"), &(text + "\n"))?;
        // State files stand in for what Flink writes: a line naming the file and its modelled
        // size (the sizes in `_metadata` and the REST JSON are the modelled ones).
        for (path, bytes) in metadata.exclusive_files() {
            write_file(&dir.join(file_name(path)), &stand_in(path, bytes))?;
        }
        for (path, bytes) in metadata.shared_files() {
            let file = root.join("shared").join(file_name(path));
            if !file.exists() {
                write_file(&file, &stand_in(path, bytes))?;
            }
        }
        Ok(())
    }

    /// `savepoints/savepoint-<6 hex>-<12 hex>/_metadata` and its state files: a savepoint is
    /// self-contained, and stays on disk (Flink never deletes one).
    fn write_savepoint(&mut self, sim: &Sim, checkpoint: CheckpointId) -> Result<(), Failure> {
        let Some(metadata) = sim.view().storage().savepoint(checkpoint) else {
            return Ok(());
        };
        let dir = self
            .dir
            .join("savepoints")
            .join(file_name(&metadata.external_path));
        let text = serde_json::to_string_pretty(metadata).expect("metadata serialises");
        write_file(&dir.join("_metadata"), &(text + "\n"))?;
        for (path, bytes) in metadata.exclusive_files() {
            write_file(&dir.join(file_name(path)), &stand_in(path, bytes))?;
        }
        Ok(())
    }

    /// Removes the `shared/` files the registry deleted.
    fn prune_shared(&mut self, sim: &Sim) -> Result<(), Failure> {
        let view = sim.view();
        let shared = self
            .dir
            .join("checkpoints")
            .join(view.job_id())
            .join("shared");
        let Ok(entries) = fs::read_dir(&shared) else {
            return Ok(());
        };
        let keep: Vec<&str> = view
            .storage()
            .shared()
            .iter()
            .map(|e| file_name(&e.path))
            .collect();
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !keep.iter().any(|k| std::ffi::OsStr::new(k) == name) {
                fs::remove_file(entry.path()).map_err(|e| io(&entry.path(), e))?;
            }
        }
        Ok(())
    }

    /// A transaction's records leave the open set: to `sink.uncommitted` with their fate, and
    /// to `sink.committed` if it committed.
    fn resolve(&mut self, serial: u64, fate: &str, committed: bool) -> Result<(), Failure> {
        let Some((id, lines)) = self.open.remove(&serial) else {
            return Ok(());
        };
        if self.uncommitted.is_none() {
            self.uncommitted = Some(create(&self.dir.join("sink.uncommitted"))?);
            self.committed = Some(create(&self.dir.join("sink.committed"))?);
        }
        let uncommitted = self.uncommitted.as_mut().expect("just created");
        for line in &lines {
            writeln!(uncommitted, "{line} transaction={id} fate={fate}")
                .map_err(|e| io(&self.dir, e))?;
        }
        if committed {
            let file = self.committed.as_mut().expect("just created");
            for line in &lines {
                writeln!(file, "{line}").map_err(|e| io(&self.dir, e))?;
            }
        }
        Ok(())
    }

    /// Flushes the logs and writes the REST JSON of the final state.
    pub fn finish(mut self, sim: &Sim) -> Result<(), Failure> {
        if let Some(message) = self.error.take() {
            return Err(Failure::Io(message));
        }
        let sink = sim.view().config().sink;
        if sink == flinkscope::sim::sink::SinkKind::TwoPhaseCommit {
            // Transactions still open or pre-committed when the run ended.
            let states: std::collections::BTreeMap<u64, &'static str> = sim
                .view()
                .sink()
                .transactions()
                .map(|t| (t.serial, t.state.as_str()))
                .collect();
            let open = std::mem::take(&mut self.open);
            if self.uncommitted.is_none() {
                self.uncommitted = Some(create(&self.dir.join("sink.uncommitted"))?);
                self.committed = Some(create(&self.dir.join("sink.committed"))?);
            }
            let file = self.uncommitted.as_mut().expect("created");
            for (serial, (id, lines)) in open {
                let fate = states.get(&serial).copied().unwrap_or("open");
                for line in lines {
                    writeln!(
                        file,
                        "{line} transaction={id} fate={fate} (unresolved at the end)"
                    )
                    .map_err(|e| io(&self.dir, e))?;
                }
            }
        }
        if sink == flinkscope::sim::sink::SinkKind::IdempotentUpsert {
            let mut text = String::new();
            for line in self.table.values() {
                text.push_str(line);
                text.push('\n');
            }
            write_file(&self.dir.join("sink.table"), &text)?;
        }
        for file in [&mut self.committed, &mut self.uncommitted, &mut self.broker]
            .into_iter()
            .flatten()
        {
            file.flush().map_err(|e| io(&self.dir, e))?;
        }
        self.sink.flush().map_err(|e| io(&self.dir, e))?;
        self.jobmanager.flush().map_err(|e| io(&self.dir, e))?;
        for file in self.taskmanagers.iter_mut().flatten() {
            file.flush().map_err(|e| io(&self.dir, e))?;
        }
        write_rest(&self.dir.join("rest"), sim)
    }
}

/// The last part of a state file's path.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The content standing in for a state file of `bytes`.
fn stand_in(path: &str, bytes: u64) -> String {
    format!("{{\"flinkscope_state_file\":\"{path}\",\"bytes\":{bytes}}}\n")
}

fn json<T: serde::Serialize>(value: &T) -> String {
    to_flink_json(value).expect("REST DTOs serialise")
}

/// Every endpoint the dashboard mirrors, as files named by endpoint.
fn write_rest(rest: &Path, sim: &Sim) -> Result<(), Failure> {
    let view = sim.view();
    let jid = view.job_id();
    let job = rest.join("jobs").join(jid);
    write_file(&rest.join("overview.json"), &json(&build::overview(&view)))?;
    write_file(
        &rest.join("config.json"),
        &json(&build::dashboard_config(&view)),
    )?;
    write_file(
        &rest.join("taskmanagers.json"),
        &json(&build::task_managers(&view)),
    )?;
    write_file(
        &rest.join("jobs").join("overview.json"),
        &json(&build::jobs_overview(&view)),
    )?;
    write_file(
        &rest.join("jobs").join(format!("{jid}.json")),
        &json(&build::job_details(&view)),
    )?;
    write_file(&job.join("plan.json"), &json(&build::job_plan(&view)))?;
    write_file(
        &job.join("checkpoints.json"),
        &json(&build::checkpoints(&view)),
    )?;
    write_file(
        &job.join("checkpoints").join("config.json"),
        &json(&build::checkpoint_config(&view)),
    )?;
    write_file(
        &job.join("exceptions.json"),
        &json(&build::exceptions(&view)),
    )?;
    for vertex in &view.graph().vertices {
        let index = flinkscope::sim::ids::VertexIndex::from_index(
            view.graph()
                .vertices
                .iter()
                .position(|v| v.id == vertex.id)
                .expect("listed"),
        );
        let dir = job.join("vertices");
        write_file(
            &dir.join(format!("{}.json", vertex.id)),
            &json(&build::vertex_details(&view, index)),
        )?;
        write_file(
            &dir.join(&vertex.id).join("backpressure.json"),
            &json(&build::backpressure(&view, index)),
        )?;
    }
    let details = job.join("checkpoints").join("details");
    for record in view.checkpoint_history() {
        let id = record.id;
        if let Some(stats) = build::checkpoint_details(&view, id) {
            write_file(&details.join(format!("{}.json", id.0)), &json(&stats))?;
        }
        for (v, vertex) in view.graph().vertices.iter().enumerate() {
            let index = flinkscope::sim::ids::VertexIndex::from_index(v);
            if let Some(stats) = build::checkpoint_subtasks(&view, id, index) {
                let path = details
                    .join(id.0.to_string())
                    .join("subtasks")
                    .join(format!("{}.json", vertex.id));
                write_file(&path, &json(&stats))?;
            }
        }
    }
    Ok(())
}

/// Prints what happened and the trace hash.
pub fn print_summary(sim: &Sim, out: &str, elapsed: Duration) {
    let view = sim.view();
    let counts = view.coordinator().counts;
    let (alarms, duplicates) = view.alarm_counts();
    let config = view.config();
    println!(
        "job {} ({}) is {} at {:.3} s",
        config.job_name,
        view.job_id(),
        view.job_status().as_str(),
        view.now().as_us() as f64 / 1e6
    );
    if let Some(restored) = view.restored_from() {
        let kind = if restored.savepoint {
            "savepoint"
        } else {
            "checkpoint"
        };
        println!(
            "started from {kind} chk-{} of job {} at {} ({}{})",
            restored.checkpoint,
            restored.job_id,
            restored.path,
            restored.settings.claim_mode.as_str(),
            if restored.settings.allow_non_restored_state {
                ", allowing non restored state"
            } else {
                ""
            }
        );
        if let Some((old, new)) = restored.rescaled {
            println!("  rescaled: parallelism {old} -> {new}, key groups re-assigned by range");
        }
        for (operator, state) in &restored.skipped {
            let what = if *state { "state" } else { "empty state" };
            println!("  skipped the {what} of operator {operator}");
        }
    }
    println!(
        "checkpoints: triggered {} | in progress {} | completed {} | failed {} | restored {}",
        counts.total, counts.in_progress, counts.completed, counts.failed, counts.restored
    );
    if let Some(latest) = &view.coordinator().latest_completed {
        println!(
            "latest completed: chk-{} ({} bytes) at {}",
            latest.id,
            latest.sum(|s| s.checkpointed_bytes),
            latest.external_path.clone().unwrap_or_default()
        );
        if latest.discarded {
            println!(
                "  (discarded: a finished job's checkpoints are deleted; its savepoints stay)"
            );
        }
    }
    if let Some(latest) = &view.coordinator().latest_savepoint {
        println!(
            "latest savepoint: {} ({} bytes) at {}",
            latest.id,
            latest.sum(|s| s.checkpointed_bytes),
            latest.external_path.clone().unwrap_or_default()
        );
    }
    let verdict = flinkscope::sim::sink::OutputReference::default().verdict(sim);
    match config.sink {
        flinkscope::sim::sink::SinkKind::Print => println!(
            "print sink: {alarms} alarms, {duplicates} of them duplicates of alarms printed before a restore; {} missing",
            verdict.missing
        ),
        flinkscope::sim::sink::SinkKind::TwoPhaseCommit => {
            let kafka = &view.sink().kafka;
            println!(
                "two-phase-commit sink: {} alarms written, {} committed (read_committed sees them), {} aborted and replayed, {} lost to transaction timeouts; {} duplicates, {} missing of {} in the resolved range{}",
                kafka.written,
                kafka.committed,
                kafka.aborted,
                kafka.lost,
                verdict.duplicates,
                verdict.missing,
                verdict.expected,
                kafka
                    .latency
                    .mean()
                    .map_or(String::new(), |m| format!("; output latency mean {} ms, max {} ms", m.as_ms(), kafka.latency.max_us / 1_000))
            );
        }
        flinkscope::sim::sink::SinkKind::IdempotentUpsert => {
            let table = &view.sink().table;
            println!(
                "idempotent-upsert sink: {} writes, {} rows, {} duplicates overwritten, {} missing of {}",
                table.writes,
                table.rows_by_key.iter().sum::<u64>(),
                table.overwrites,
                verdict.missing,
                verdict.expected
            );
        }
    }
    let secs = elapsed.as_secs_f64();
    println!(
        "{} events in {secs:.3} s wall ({:.0} events/s); output in {out}/",
        view.events_processed(),
        view.events_processed() as f64 / secs.max(1e-9)
    );
    println!("trace-hash: {:016x}", view.trace_hash());
}

/// The process's peak resident set size, from /proc (Linux only).
pub fn peak_rss_kib() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
