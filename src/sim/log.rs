//! Log lines in Flink's words, formatted lazily from events (never on the engine's hot path).
//!
//! The layout is Flink's default log4j pattern:
//! `2026-11-25 12:31:22,975 INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator [] - …`.

use crate::sim::checkpoint::CheckpointFailureReason;
use crate::sim::event::{Event, TimedEvent};
use crate::sim::graph::JobGraph;
use crate::sim::ids::TaskIndex;
use crate::sim::lifecycle::ExecutionState;
use crate::sim::view::SimView;

/// Which process writes a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogSource {
    /// The JobManager (dispatcher, resource manager, job master, checkpoint coordinator).
    JobManager,
    /// A TaskManager (0-based index).
    TaskManager(u32),
    /// The Kafka broker the two-phase-commit sink writes to.
    Broker,
}

/// Filters of the live log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogCategory {
    /// Source events.
    SourceEvents,
    /// Keyed processing.
    Processing,
    /// Alarms printed by the sink.
    Alarms,
    /// Checkpoint lifecycle.
    Checkpoints,
    /// Job, task and TaskManager lifecycle.
    Cluster,
    /// Injected faults.
    Faults,
}

/// The category of an event.
pub fn category(event: &Event) -> LogCategory {
    match event {
        Event::RecordEmitted { .. } => LogCategory::SourceEvents,
        Event::RecordProcessed { .. } => LogCategory::Processing,
        Event::AlarmPrinted { .. }
        | Event::AlarmWritten { .. }
        | Event::AlarmUpserted { .. }
        | Event::TransactionPreCommitted { .. }
        | Event::TransactionCommitted { .. }
        | Event::TransactionAlreadyCommitted { .. }
        | Event::TransactionAborted { .. }
        | Event::TransactionTimedOut { .. }
        | Event::TransactionCommitFailed { .. }
        | Event::CommittablesRestored { .. }
        | Event::LingeringTransactionsAborted { .. } => LogCategory::Alarms,
        Event::CheckpointTriggered { .. }
        | Event::CheckpointTriggerRejected { .. }
        | Event::BarrierInjected { .. }
        | Event::BarrierReceived { .. }
        | Event::SnapshotTaken { .. }
        | Event::SnapshotAcknowledged { .. }
        | Event::CheckpointCompleted { .. }
        | Event::CheckpointFailed { .. }
        | Event::CheckpointDiscarded { .. }
        | Event::RocksDbCompacted { .. }
        | Event::SharedStateDiscarded { .. }
        | Event::SavepointTriggered { .. }
        | Event::SavepointCompleted { .. }
        | Event::SavepointRequestFailed { .. }
        | Event::StartedFromSnapshot { .. }
        | Event::OutOfOrderTriggerIgnored { .. }
        | Event::JobRestored { .. } => LogCategory::Checkpoints,
        Event::TaskManagerKilled { .. }
        | Event::CheckpointStorageChanged { .. }
        | Event::SubtaskSlowed { .. } => LogCategory::Faults,
        Event::JobStatusChanged { .. }
        | Event::TaskStateChanged { .. }
        | Event::TaskManagerRegistered { .. }
        | Event::TaskManagerStarted { .. }
        | Event::TaskManagerLost { .. }
        | Event::JobFailed { .. }
        | Event::RestartScheduled { .. } => LogCategory::Cluster,
    }
}

/// `YYYY-MM-DD HH:MM:SS,mmm` (UTC) of epoch milliseconds.
pub fn format_timestamp(epoch_ms: u64) -> String {
    let (date, ms_of_day) = (epoch_ms / 86_400_000, epoch_ms % 86_400_000);
    let (year, month, day) = civil_from_days(date as i64);
    let (h, m, s, ms) = (
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1_000 % 60,
        ms_of_day % 1_000,
    );
    format!("{year:04}-{month:02}-{day:02} {h:02}:{m:02}:{s:02},{ms:03}")
}

/// `HH:MM:SS.mmm` (UTC) of epoch milliseconds, as Flink's web UI shows times.
pub fn format_clock(epoch_ms: u64) -> String {
    let ms_of_day = epoch_ms % 86_400_000;
    let (h, m, s, ms) = (
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1_000 % 60,
        ms_of_day % 1_000,
    );
    format!("{h:02}:{m:02}:{s:02}.{ms:03}")
}

/// Howard Hinnant's days → civil date.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The execution attempt id Flink prints beside a task: `<job-id-prefix>_<vertex>_<subtask>_<attempt>`.
pub fn attempt_id(graph: &JobGraph, job_id: &str, task: TaskIndex, attempt: u32) -> String {
    let layout = &graph.tasks[task.index()];
    let vertex = &graph.vertices[layout.vertex.index()];
    format!(
        "{}_{}_{}_{}",
        &job_id[..16.min(job_id.len())],
        vertex.id,
        layout.subtask,
        attempt
    )
}

/// The log lines an event produces, with the process that writes each.
pub fn lines(view: &SimView<'_>, event: &TimedEvent) -> Vec<(LogSource, String)> {
    let stamp = format_timestamp(view.epoch_ms(event.time));
    let line = |class: &str, message: String| format!("{stamp} INFO  {class} [] - {message}");
    let jid = view.job_id();
    let name = &view.config().job_name;
    let graph = view.graph();
    let jm = LogSource::JobManager;
    const COORDINATOR: &str = "org.apache.flink.runtime.checkpoint.CheckpointCoordinator";
    const GRAPH: &str = "org.apache.flink.runtime.executiongraph.ExecutionGraph";
    if !crate::sim::sink::OTHER_SINKS {
        // Never emitted in this build (see `OTHER_SINKS`): their formatting stays out of it.
        if let Event::TransactionPreCommitted { .. }
        | Event::TransactionCommitted { .. }
        | Event::TransactionAlreadyCommitted { .. }
        | Event::TransactionAborted { .. }
        | Event::TransactionTimedOut { .. }
        | Event::TransactionCommitFailed { .. }
        | Event::LingeringTransactionsAborted { .. } = event.event
        {
            return Vec::new();
        }
    }
    match &event.event {
        Event::JobStatusChanged { from, to } => vec![(jm, line(GRAPH, format!(
            "Job {name} ({jid}) switched from state {} to {}.", from.as_str(), to.as_str()
        )))],
        Event::TaskStateChanged { task, attempt, from, to } => task_state_lines(view, *task, *attempt, *from, *to, &line),
        Event::TaskManagerRegistered { task_manager } => {
            let tm = &view.task_managers()[task_manager.index()];
            vec![
                (jm, line("org.apache.flink.runtime.resourcemanager.StandaloneResourceManager", format!(
                    "Registering TaskManager with ResourceID {} ({}) at ResourceManager", tm.resource_id, tm.path()
                ))),
                (LogSource::TaskManager(task_manager.0), line("org.apache.flink.runtime.taskexecutor.TaskExecutor", format!(
                    "Successful registration at resource manager pekko.tcp://flink@localhost:6123/user/rpc/resourcemanager_0 under registration id {}.",
                    &tm.resource_id[tm.resource_id.len() - 6..]
                ))),
            ]
        }
        Event::TaskManagerStarted { task_manager } => vec![(LogSource::TaskManager(task_manager.0), line(
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
            format!("Starting TaskManager with ResourceID: {}", view.task_managers()[task_manager.index()].resource_id),
        ))],
        Event::TaskManagerLost { task_manager } => {
            let id = &view.task_managers()[task_manager.index()].resource_id;
            vec![(jm, line("org.apache.flink.runtime.jobmaster.JobMaster", format!(
                "Disconnect TaskExecutor {id} because: TaskManager with id {id} is no longer reachable."
            )))]
        }
        Event::CheckpointTriggered { checkpoint, .. } => vec![(jm, line(COORDINATOR, format!(
            "Triggering checkpoint {checkpoint} (type=CheckpointType{{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}}) @ {} for job {jid}.",
            view.epoch_ms(event.time)
        )))],
        Event::CheckpointTriggerRejected { task, .. } => {
            let attempt = view.tasks()[task.index()].attempt;
            vec![(jm, line(COORDINATOR, format!(
                "Failed to trigger checkpoint for job {jid} since Checkpoint triggering task {} of job {jid} is not being executed at the moment. Aborting checkpoint. Failure reason: Not all required tasks are currently running..",
                graph.task_name(*task, attempt)
            )))]
        }
        Event::CheckpointCompleted { checkpoint, bytes, duration } => vec![(jm, line(COORDINATOR, format!(
            "Completed checkpoint {checkpoint} for job {jid} ({bytes} bytes, checkpointDuration={} ms, finalizationTime=0 ms).",
            duration.as_ms()
        )))],
        Event::SavepointTriggered { checkpoint, format, synchronous } => {
            let (what, name, action) = if *synchronous {
                ("stop-with-savepoint", "Suspend Savepoint", "SUSPEND")
            } else {
                ("savepoint", "Savepoint", "NONE")
            };
            vec![
                (jm, line("org.apache.flink.runtime.jobmaster.JobMaster", format!(
                    "Triggering {what} for job {jid}."
                ))),
                (jm, line(COORDINATOR, format!(
                    "Triggering checkpoint {checkpoint} (type=SavepointType{{name='{name}', postCheckpointAction={action}, formatType={}}}) @ {} for job {jid}.",
                    format.as_str(),
                    view.epoch_ms(event.time)
                ))),
            ]
        }
        Event::SavepointCompleted { checkpoint, bytes, duration, .. } => vec![(jm, line(COORDINATOR, format!(
            "Completed checkpoint {checkpoint} for job {jid} ({bytes} bytes, checkpointDuration={} ms, finalizationTime=0 ms).",
            duration.as_ms()
        )))],
        Event::SavepointRequestFailed { reason, .. } => vec![(jm, line(COORDINATOR, format!(
            "Failed to trigger or complete checkpoint for job {jid}. org.apache.flink.runtime.checkpoint.CheckpointException: {}",
            reason.message()
        )))],
        Event::CheckpointFailed { checkpoint, reason } => vec![(jm, line(COORDINATOR, match reason {
            CheckpointFailureReason::Expired => format!("Checkpoint {checkpoint} of job {jid} expired before completing."),
            other => format!(
                "Failed to trigger or complete checkpoint {checkpoint} for job {jid}. org.apache.flink.runtime.checkpoint.CheckpointException: {}",
                other.message()
            ),
        }))],
        Event::OutOfOrderTriggerIgnored { task, checkpoint } => {
            let newer = view.tasks()[task.index()].last_injected;
            let Some(tm) = view.tasks()[task.index()].task_manager else {
                return Vec::new();
            };
            vec![(
                LogSource::TaskManager(tm.0),
                line(
                    "org.apache.flink.streaming.runtime.tasks.SubtaskCheckpointCoordinatorImpl",
                    format!("Out of order checkpoint barrier (aborted previously?): {newer} >= {checkpoint}"),
                ),
            )]
        }
        Event::StartedFromSnapshot { checkpoint } => {
            const CHECKPOINTS: &str = "org.apache.flink.runtime.checkpoint.Checkpoints";
            let Some(restored) = view.restored_from() else {
                return Vec::new();
            };
            let mut lines: Vec<(LogSource, String)> = restored
                .skipped
                .iter()
                .map(|(operator, state)| {
                    let empty = if *state { "" } else { "empty " };
                    (jm, line(CHECKPOINTS, format!("Skipping {empty}savepoint state for operator {operator}.")))
                })
                .collect();
            let allowing = if restored.settings.allow_non_restored_state {
                "allowing non restored state"
            } else {
                ""
            };
            lines.push((jm, line(COORDINATOR, format!(
                "Starting job {jid} from savepoint {} ({allowing})",
                restored.path
            ))));
            lines.push((jm, line(COORDINATOR, format!(
                "Reset the checkpoint ID of job {jid} to {}.",
                checkpoint.0 + 1
            ))));
            lines
        }
        Event::JobRestored { checkpoint } => vec![(jm, line(COORDINATOR, match checkpoint {
            Some(id) => {
                let restored = view.coordinator().latest_restored.as_ref();
                let path = restored.map_or(String::new(), |r| r.external_path.clone());
                format!("Restoring job {jid} from Checkpoint {id} @ {} for {jid} located at {path}.", view.epoch_ms(event.time))
            }
            None => "No checkpoint found during restore.".to_string(),
        }))],
        Event::JobFailed { task, .. } => {
            let failed = task.map_or_else(|| "<job>".to_string(), |t| {
                let layout = &graph.tasks[t.index()];
                format!("{}_{}", graph.vertices[layout.vertex.index()].id, layout.subtask)
            });
            vec![(jm, line(
                "org.apache.flink.runtime.executiongraph.failover.RestartPipelinedRegionFailoverStrategy",
                format!("{} tasks will be restarted to recover the failed task {failed}.", graph.tasks.len()),
            ))]
        }
        Event::TransactionPreCommitted { subtask, number, records, serial, .. } => sink_lines(view, *subtask, &stamp, &[
            ("INFO ", PRODUCER, "Flushing new partitions".to_string()),
            ("DEBUG", WRITER, format!(
                "Prepare KafkaCommittable{{producerId={}, epoch={}, transactionalId={}}} ({records} records).",
                producer_id(view, *subtask, *number), serial,
                transactional_id(*subtask, *number)
            )),
        ]),
        Event::TransactionCommitted { subtask, number, recovered, serial, .. } => {
            let id = transactional_id(*subtask, *number);
            let mut out = Vec::new();
            if *recovered {
                out.push(resume_line(view, *subtask, *number, *serial));
            }
            out.push(("DEBUG", COMMITTER, format!("Committing Kafka transaction {id}")));
            sink_lines(view, *subtask, &stamp, &out)
        }
        // Kafka completes a commit of a committed transaction without complaint.
        Event::TransactionAlreadyCommitted { subtask, number, epoch, .. } => sink_lines(view, *subtask, &stamp, &[
            resume_line(view, *subtask, *number, u64::from(*epoch)),
            ("DEBUG", COMMITTER, format!("Committing Kafka transaction {}", transactional_id(*subtask, *number))),
        ]),
        Event::TransactionAborted { subtask, number, lingering, .. } => {
            let id = transactional_id(*subtask, *number);
            let message = if *lingering {
                format!("Aborting transaction {id}")
            } else {
                format!("Aborting the open transaction {id} on close.")
            };
            sink_lines(view, *subtask, &stamp, &[("DEBUG", WRITER, message)])
        }
        Event::TransactionTimedOut { subtask, number, .. } => vec![(LogSource::Broker, format!(
            "{stamp} INFO  kafka.coordinator.transaction.TransactionCoordinator [] - [TransactionCoordinator id=0] Completed rollback of ongoing transaction for transactionalId {} due to timeout",
            transactional_id(*subtask, *number)
        ))],
        Event::TransactionCommitFailed { subtask, number, .. } => sink_lines(view, *subtask, &stamp, &[(
            "ERROR", COMMITTER, format!(
                "Unable to commit transaction (CommitRequestImpl{{transactionalId={}}}) because its producer is already fenced. This means that you either have a different producer with the same 'transactional.id' (this is unlikely with the 'KafkaSink' as all generated ids are unique and shouldn't be reused) or recovery took longer than 'transaction.timeout.ms' ({}ms). In both cases this most likely signals data loss, please consult the Flink documentation for more details.",
                transactional_id(*subtask, *number),
                view.config().transaction_timeout.as_ms()
            ),
        )]),
        Event::CommittablesRestored { .. } => Vec::new(),
        Event::LingeringTransactionsAborted { subtask, from, .. } => sink_lines(view, *subtask, &stamp, &[
            ("INFO ", WRITER, format!(
                "Aborting lingering transactions from previous execution. Recovered states: [KafkaWriterState{{transactionalIdPrefix={}, ownedSubtaskId={subtask}, totalNumberOfOwnedSubtasks=1}}].",
                crate::sim::sink::TRANSACTIONAL_ID_PREFIX
            )),
            ("INFO ", WRITER, format!(
                "Aborting lingering transactions with prefixes [{}] using PROBING",
                crate::sim::sink::TRANSACTIONAL_ID_PREFIX
            )),
            ("INFO ", PRODUCER, format!(
                "Created transactional FlinkKafkaInternalProducer@{}{{transactionalId='{}', transactionState=NOT_IN_TRANSACTION, closed=false}}",
                producer_id(view, *subtask, *from), transactional_id(*subtask, *from)
            )),
        ]),
        Event::AlarmPrinted { .. } | Event::RecordEmitted { .. } | Event::RecordProcessed { .. } => Vec::new(),
        Event::AlarmWritten { .. } | Event::AlarmUpserted { .. } => Vec::new(),
        Event::BarrierInjected { .. } | Event::BarrierReceived { .. } | Event::SnapshotTaken { .. } => Vec::new(),
        Event::SnapshotAcknowledged { .. } | Event::CheckpointDiscarded { .. } | Event::RestartScheduled { .. } => Vec::new(),
        Event::RocksDbCompacted { .. } | Event::SharedStateDiscarded { .. } => Vec::new(),
        Event::TaskManagerKilled { .. } | Event::CheckpointStorageChanged { .. } | Event::SubtaskSlowed { .. } => Vec::new(),
    }
}

const PRODUCER: &str = "org.apache.flink.connector.kafka.sink.internal.FlinkKafkaInternalProducer";
const WRITER: &str = "org.apache.flink.connector.kafka.sink.ExactlyOnceKafkaWriter";
const COMMITTER: &str = "org.apache.flink.connector.kafka.sink.internal.KafkaCommitter";

fn transactional_id(subtask: u32, number: u64) -> String {
    crate::sim::sink::transactional_id(subtask, number)
}

fn resume_line(
    view: &SimView<'_>,
    subtask: u32,
    number: u64,
    epoch: u64,
) -> (&'static str, &'static str, String) {
    (
        "INFO ",
        PRODUCER,
        format!(
            "Attempting to resume transaction {} with producerId {} and epoch {epoch}",
            transactional_id(subtask, number),
            producer_id(view, subtask, number),
        ),
    )
}

fn writer_task(view: &SimView<'_>, subtask: u32) -> TaskIndex {
    view.graph().task(crate::sim::graph::KEYED_VERTEX, subtask)
}

fn producer_id(_view: &SimView<'_>, subtask: u32, number: u64) -> u64 {
    crate::sim::sink::producer_id(subtask, number)
}

/// Lines of the writer's (or committer's) TaskManager, at their own levels.
fn sink_lines(
    view: &SimView<'_>,
    subtask: u32,
    stamp: &str,
    lines: &[(&str, &str, String)],
) -> Vec<(LogSource, String)> {
    let Some(tm) = view.tasks()[writer_task(view, subtask).index()].task_manager else {
        return Vec::new();
    };
    lines
        .iter()
        .map(|(level, class, message)| {
            (
                LogSource::TaskManager(tm.0),
                format!("{stamp} {level} {class} [] - {message}"),
            )
        })
        .collect()
}

fn task_state_lines(
    view: &SimView<'_>,
    task: TaskIndex,
    attempt: u32,
    from: ExecutionState,
    to: ExecutionState,
    line: &dyn Fn(&str, String) -> String,
) -> Vec<(LogSource, String)> {
    let graph = view.graph();
    let name = graph.task_name(task, attempt);
    let id = attempt_id(graph, view.job_id(), task, attempt);
    let message = format!(
        "{name} ({id}) switched from {} to {}.",
        from.as_str(),
        to.as_str()
    );
    let mut lines = vec![(
        LogSource::JobManager,
        line(
            "org.apache.flink.runtime.executiongraph.ExecutionGraph",
            message.clone(),
        ),
    )];
    let tm = view.tasks()[task.index()].task_manager;
    let on_tm = matches!(
        to,
        ExecutionState::Initializing
            | ExecutionState::Running
            | ExecutionState::Canceled
            | ExecutionState::Failed
    );
    if let (Some(tm), true) = (tm, on_tm) {
        if view.task_managers()[tm.index()].is_alive() {
            lines.push((
                LogSource::TaskManager(tm.0),
                line("org.apache.flink.runtime.taskmanager.Task", message),
            ));
        }
    }
    lines
}

/// The print sink's line (without the process), exactly as Flink prints it to stdout.
pub fn sink_line(
    graph: &JobGraph,
    subtask: u32,
    key: crate::sim::ids::KeyIndex,
    count: u32,
    seq: u64,
) -> String {
    format!(
        "{}> ALARM user={} count={count} seq={seq}",
        subtask + 1,
        graph.keys[key.index()].name
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_civil_dates() {
        assert_eq!(format_timestamp(0), "1970-01-01 00:00:00,000");
        assert_eq!(
            format_timestamp(1_795_608_343_117),
            "2026-11-25 12:05:43,117"
        );
        assert_eq!(format_timestamp(951_782_400_000), "2000-02-29 00:00:00,000");
        assert_eq!(format_clock(1_795_608_343_117), "12:05:43.117");
    }
}
