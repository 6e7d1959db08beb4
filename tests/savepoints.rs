//! Savepoints: triggered by command, always aligned, sharing the checkpoint id counter, written
//! to `execution.checkpointing.savepoint-dir` as `savepoint-<6 hex>-<12 hex>`, never subsumed or
//! restored by a failover; stop-with-savepoint finishes the job.
mod common;
use common::{kill, run_checked, secs, Run};
use flinkscope::sim::checkpoint::{CheckpointStatus, KeyedStateHandle, SavepointFormatType};
use flinkscope::sim::config::StateBackend;
use flinkscope::sim::event::{Command, Event};
use flinkscope::sim::lifecycle::{ExecutionState, JobStatus};
use flinkscope::sim::rest::{build, CheckpointStatistics, CheckpointType};
use flinkscope::sim::{SimConfig, SimDuration, SimTime};

const CANONICAL: SavepointFormatType = SavepointFormatType::Canonical;

fn savepoint(format: SavepointFormatType) -> Command {
    Command::TriggerSavepoint { format }
}

fn triggered(run: &Run) -> Vec<(u32, bool)> {
    run.events
        .iter()
        .filter_map(|e| match e.event {
            Event::CheckpointTriggered { checkpoint, .. } => Some((checkpoint.0, false)),
            Event::SavepointTriggered { checkpoint, .. } => Some((checkpoint.0, true)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_savepoint_takes_the_next_id_and_its_own_directory() {
    let run = run_checked(
        SimConfig::default(),
        1,
        secs(60),
        &[(secs(25), savepoint(CANONICAL))],
    );
    let ids = triggered(&run);
    let (savepoint_id, _) = *ids.iter().find(|(_, sp)| *sp).expect("a savepoint");
    // One counter: the ids before and after are consecutive around the savepoint.
    assert!(ids.windows(2).all(|w| w[1].0 == w[0].0 + 1), "{ids:?}");
    assert!(ids.iter().any(|(id, sp)| !sp && *id == savepoint_id + 1));

    let view = run.sim.view();
    let stored = view.storage().savepoints();
    assert_eq!(stored.len(), 1);
    let metadata = &stored[0];
    assert_eq!(metadata.checkpoint_id.0, savepoint_id);
    assert_eq!(metadata.checkpoint_type, "SAVEPOINT");
    let prefix = format!(
        "file:/tmp/flink-savepoints/savepoint-{}-",
        &view.job_id()[..6]
    );
    let random = metadata
        .external_path
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{}", metadata.external_path));
    assert_eq!(random.len(), 12, "{random}");
    assert!(random.chars().all(|c| c.is_ascii_hexdigit()), "{random}");
    // Never among the retained checkpoints, never subsumed by the later ones.
    assert!(view
        .retained_checkpoints()
        .iter()
        .all(|m| m.checkpoint_id.0 != savepoint_id));
    assert!(view.retained_checkpoints()[0].checkpoint_id.0 > savepoint_id);

    // REST: the history entry, `latest.savepoint` and the counts, as Flink shows them.
    let stats = build::checkpoints(&view);
    let entry = stats
        .history
        .iter()
        .find_map(|c| match c {
            CheckpointStatistics::Completed(c) if c.base.id == i64::from(savepoint_id) => Some(c),
            _ => None,
        })
        .expect("the savepoint in the history");
    assert!(entry.base.is_savepoint);
    assert_eq!(entry.base.savepoint_format, Some(CANONICAL));
    assert_eq!(entry.base.checkpoint_type, CheckpointType::Savepoint);
    assert_eq!(
        entry.external_path.as_deref(),
        Some(metadata.external_path.as_str())
    );
    assert!(!entry.discarded);
    let latest = stats.latest.savepoint.as_ref().expect("latest.savepoint");
    assert_eq!(latest.base.id, i64::from(savepoint_id));
    let completed = stats.latest.completed.as_ref().expect("latest.completed");
    assert!(
        completed.base.id > i64::from(savepoint_id) && !completed.base.is_savepoint,
        "latest.completed stays a checkpoint"
    );
    let completed_ids = run
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                Event::CheckpointCompleted { .. } | Event::SavepointCompleted { .. }
            )
        })
        .count() as i64;
    assert_eq!(stats.counts.completed, completed_ids, "savepoints count");
}

#[test]
fn savepoints_are_aligned_even_when_checkpoints_are_not() {
    let config = SimConfig {
        unaligned: true,
        ..SimConfig::default()
    };
    let run = run_checked(config, 3, secs(40), &[(secs(25), savepoint(CANONICAL))]);
    let view = run.sim.view();
    let record = view
        .checkpoint_history()
        .find(|r| r.savepoint.is_some())
        .expect("the savepoint");
    assert!(!record.unaligned);
    assert!(record.subtasks.iter().flatten().all(|s| !s.unaligned));
    assert!(
        view.checkpoint_history()
            .any(|r| r.savepoint.is_none() && r.unaligned),
        "the checkpoints around it are unaligned"
    );
}

#[test]
fn a_failover_restores_the_latest_checkpoint_not_a_newer_savepoint() {
    // The savepoint completes at ~25 s; TaskManager 2 dies before the next checkpoint.
    let run = run_checked(
        SimConfig::default(),
        1,
        secs(60),
        &[(secs(25), savepoint(CANONICAL)), (secs(26), kill(2))],
    );
    let savepoint_id = run.sim.view().storage().savepoints()[0].checkpoint_id;
    let restored: Vec<u32> = run
        .events
        .iter()
        .filter_map(|e| match e.event {
            Event::JobRestored {
                checkpoint: Some(id),
            } => Some(id.0),
            _ => None,
        })
        .collect();
    // Two TaskManagers' 6 slots do not fit the job: it restarts again and again, each time
    // from the same checkpoint, never from the savepoint.
    assert!(!restored.is_empty());
    assert!(
        restored.iter().all(|id| *id < savepoint_id.0),
        "{restored:?} vs {savepoint_id}"
    );
    let latest = run
        .sim
        .view()
        .coordinator()
        .latest_restored
        .clone()
        .expect("restored");
    assert!(latest.external_path.contains("/chk-"));
}

#[test]
fn stop_with_savepoint_finishes_the_job_and_deletes_its_checkpoints() {
    let config = SimConfig {
        num_retained: 3,
        ..SimConfig::default()
    };
    let run = run_checked(
        config,
        2,
        secs(120),
        &[(secs(45), Command::StopWithSavepoint { format: CANONICAL })],
    );
    let view = run.sim.view();
    assert_eq!(view.job_status(), JobStatus::Finished);
    assert!(view
        .tasks()
        .iter()
        .all(|t| t.state == ExecutionState::Finished));
    assert!(view.retained_checkpoints().is_empty());
    let stored = view.storage().savepoints();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].checkpoint_type, "SYNC_SAVEPOINT");
    let finished_at = view
        .job_status_times()
        .iter()
        .find(|(s, _)| *s == JobStatus::Finished)
        .map(|(_, t)| *t)
        .expect("finished");
    assert!(finished_at < secs(46), "{finished_at:?}");
    // Nothing is emitted or checkpointed after the job finished.
    assert!(!run.events.iter().any(|e| e.time > finished_at
        && matches!(
            e.event,
            Event::RecordEmitted { .. }
                | Event::CheckpointTriggered { .. }
                | Event::SavepointTriggered { .. }
        )));
    // The three retained checkpoints were discarded with the job; the REST view keeps them
    // in the history, marked discarded.
    let discarded = run
        .events
        .iter()
        .filter(|e| e.time == finished_at && matches!(e.event, Event::CheckpointDiscarded { .. }))
        .count();
    assert_eq!(discarded, 3);
    let stats = build::checkpoints(&view);
    let latest = stats.latest.completed.as_ref().expect("latest.completed");
    assert!(latest.discarded);
    let sync = stats.latest.savepoint.as_ref().expect("latest.savepoint");
    assert_eq!(sync.base.checkpoint_type, CheckpointType::SyncSavepoint);
    // A finished job takes no more commands that need it running.
    let mut sim = run.sim;
    assert!(sim.handle(Command::TriggerCheckpoint).is_err());
    assert!(sim.handle(savepoint(CANONICAL)).is_err());
    assert!(sim.handle(Command::FailOverJobManager).is_err());
}

#[test]
fn a_savepoint_waits_for_the_checkpoint_in_progress() {
    // chk-1 is triggered between 5 and 10 s; a savepoint requested while it is pending waits
    // for it (max-concurrent 1) and then takes the next id.
    let config = SimConfig {
        snapshot_async_min: SimDuration::from_ms(2_000),
        snapshot_async_max: SimDuration::from_ms(2_000),
        ..SimConfig::default()
    };
    let mut sim = flinkscope::sim::Sim::new(config, 1).expect("valid");
    let mut events = Vec::new();
    let mut pending_at = None;
    while sim.now() < secs(12) {
        sim.step();
        sim.drain_events(&mut events);
        if pending_at.is_none() && !sim.view().coordinator().pending.is_empty() {
            pending_at = Some(sim.now());
            sim.handle(savepoint(CANONICAL)).expect("accepted");
            assert_eq!(sim.view().coordinator().savepoint_requests.len(), 1);
        }
    }
    sim.drain_events(&mut events);
    let order: Vec<(u32, bool, SimTime)> = events
        .iter()
        .filter_map(|e| match e.event {
            Event::CheckpointCompleted { checkpoint, .. } => Some((checkpoint.0, false, e.time)),
            Event::SavepointTriggered { checkpoint, .. } => Some((checkpoint.0, true, e.time)),
            _ => None,
        })
        .collect();
    assert_eq!(order[0].0, 1);
    assert!(!order[0].1, "chk-1 completes first: {order:?}");
    assert_eq!((order[1].0, order[1].1), (2, true), "{order:?}");
    assert_eq!(order[1].2, order[0].2, "triggered as chk-1 completes");
}

#[test]
fn a_failed_savepoint_is_not_counted_against_tolerable_failures() {
    // With no tolerable failure, one failed checkpoint fails the job; a failed savepoint does
    // not. Checkpoints come every 60 s; the storage fails only around the savepoint.
    let config = SimConfig {
        checkpoint_interval: SimDuration::from_secs(60),
        tolerable_failed_checkpoints: 0,
        ..SimConfig::default()
    };
    let run = run_checked(
        config,
        1,
        secs(30),
        &[
            (
                secs(19),
                Command::SetCheckpointStorageFailing { failing: true },
            ),
            (secs(20), savepoint(CANONICAL)),
            (
                secs(22),
                Command::SetCheckpointStorageFailing { failing: false },
            ),
        ],
    );
    let view = run.sim.view();
    let record = view
        .checkpoint_history()
        .find(|r| r.savepoint.is_some())
        .expect("the savepoint");
    assert_eq!(record.status, CheckpointStatus::Failed);
    assert_eq!(view.job_status(), JobStatus::Running);
    assert_eq!(view.coordinator().continuous_failures, 0);
    assert!(view.storage().savepoints().is_empty());
}

#[test]
fn rocksdb_savepoints_are_self_contained_and_no_base_for_increments() {
    let config = SimConfig {
        state_backend: StateBackend::RocksDb,
        incremental: true,
        state_keys: 100_000,
        state_bytes_per_key: 100,
        source_interval: SimDuration::from_ms(5),
        checkpoint_history_size: 100,
        ..SimConfig::default()
    };
    let run = run_checked(
        config,
        1,
        secs(70),
        &[
            (secs(31), savepoint(CANONICAL)),
            (secs(51), savepoint(SavepointFormatType::Native)),
        ],
    );
    let view = run.sim.view();
    let [canonical, native] = view.storage().savepoints() else {
        panic!("two savepoints");
    };
    for metadata in [canonical, native] {
        assert_eq!(metadata.shared_files().count(), 0, "nothing in shared/");
        let files: Vec<_> = metadata.exclusive_files().collect();
        assert_eq!(files.len(), 3, "one file per keyed subtask");
        for (path, _) in files {
            assert!(path.starts_with(&metadata.external_path), "{path}");
        }
        assert_eq!(metadata.checkpointed_size(), metadata.state_size());
        assert!(
            metadata.state_size() > 9_000_000,
            "{}",
            metadata.state_size()
        );
        for subtask in metadata.subtasks() {
            assert!(!matches!(
                subtask.handle,
                Some(KeyedStateHandle::Incremental { .. })
            ));
        }
    }
    // The checkpoints after each savepoint still write increments (a compaction's new files
    // at most), never the whole state again: a savepoint is no base.
    for since in [secs(32), secs(52)] {
        let after: Vec<(u64, u64)> = view
            .checkpoint_history()
            .filter(|r| r.status == CheckpointStatus::Completed && r.savepoint.is_none())
            .filter(|r| r.trigger_time > since)
            .map(|r| (r.sum(|s| s.checkpointed_bytes), r.sum(|s| s.state_bytes)))
            .collect();
        assert!(after.iter().all(|(c, f)| c < f), "{after:?}");
        assert!(after.iter().any(|(c, f)| c * 5 < *f), "{after:?}");
    }
}

#[test]
fn a_new_jobmanager_finds_the_savepoints_but_not_their_statistics() {
    let run = run_checked(
        SimConfig::default(),
        1,
        secs(40),
        &[
            (secs(25), savepoint(CANONICAL)),
            (secs(30), Command::FailOverJobManager),
        ],
    );
    let view = run.sim.view();
    assert_eq!(view.storage().savepoints().len(), 1);
    assert!(view.coordinator().latest_savepoint.is_none());
    assert_eq!(view.job_status(), JobStatus::Running);
}

#[test]
fn the_storage_browser_lists_savepoints_in_the_savepoint_directory_not_as_chk_folders() {
    let run = run_checked(
        SimConfig::default(),
        1,
        secs(60),
        &[(secs(25), savepoint(CANONICAL))],
    );
    let listing = flinkscope::app::stored::storage_listing(&run.sim, &Default::default());
    let folder = &listing.folders[0];
    assert!(!folder.entries.is_empty(), "the retained checkpoint");
    assert!(folder.entries.iter().all(|e| !e.savepoint
        && e.name == format!("chk-{}/", e.id)
        && e.path == format!("{}chk-{}/_metadata", folder.dir, e.id)));
    let [entry] = folder.savepoints.as_slice() else {
        panic!("one savepoint: {:?}", folder.savepoints);
    };
    let view = run.sim.view();
    let metadata = &view.storage().savepoints()[0];
    assert!(entry.savepoint);
    assert_eq!(entry.id, metadata.checkpoint_id.0);
    let name = metadata.external_path.rsplit('/').next().unwrap();
    assert!(name.starts_with("savepoint-"), "{name}");
    assert_eq!(entry.name, format!("{name}/"));
    assert_eq!(
        entry.path,
        format!("file:///tmp/flink-savepoints/{name}/_metadata")
    );
    // The page keeps it under its archive key like a checkpoint, and it never reaches shared/.
    assert_eq!(entry.key, format!("{}/chk-{}", view.job_id(), entry.id));
    assert!(folder.shared_rows().is_empty());
}

#[test]
fn a_completed_savepoint_is_marked_on_the_page_timeline() {
    use flinkscope::app::session::MarkerKind;
    use flinkscope::app::{Action, Session};
    let mut session = Session::new(SimConfig::default(), 1);
    let wall = std::cell::Cell::new(1_795_608_343_117.0);
    let clock = || {
        wall.set(wall.get() + 1.0);
        wall.get()
    };
    session.apply(Action::SetSpeed("100".into()), &clock);
    session.apply(Action::Play, &clock);
    let mut t = 0.0;
    let mut play_until = |session: &mut Session, until: SimTime| {
        while session.sim().now() < until {
            t += 16.7;
            session.apply(Action::Frame { timestamp_ms: t }, &clock);
        }
    };
    play_until(&mut session, secs(20));
    session.apply(Action::Command(savepoint(CANONICAL)), &clock);
    play_until(&mut session, secs(40));
    let marks: Vec<MarkerKind> = session.markers().iter().map(|m| m.kind).collect();
    assert_eq!(
        marks
            .iter()
            .filter(|&&k| k == MarkerKind::Savepoint)
            .count(),
        1,
        "{marks:?}"
    );
    assert!(marks.contains(&MarkerKind::Completed), "{marks:?}");
}
