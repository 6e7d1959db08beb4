//! State backends: HashMap full snapshots, RocksDB full and incremental checkpoints, the
//! inline threshold, compaction, the shared state registry and restores that download files.
mod common;
use common::{kill, run_checked, secs, Run};
use flinkscope::sim::checkpoint::{CheckpointStatus, KeyedStateHandle};
use flinkscope::sim::config::StateBackend;
use flinkscope::sim::event::{Command, Event};
use flinkscope::sim::{SimConfig, SimDuration};

/// RocksDB with 100,000 keys of 100 bytes and a source fast enough to write to them.
fn rocksdb(incremental: bool) -> SimConfig {
    SimConfig {
        state_backend: StateBackend::RocksDb,
        incremental,
        state_keys: 100_000,
        state_bytes_per_key: 100,
        source_interval: SimDuration::from_ms(5),
        checkpoint_history_size: 100,
        ..SimConfig::default()
    }
}

/// (checkpointed, full) bytes of each completed checkpoint, oldest first.
fn sizes(run: &Run) -> Vec<(u64, u64, u64)> {
    run.sim
        .view()
        .checkpoint_history()
        .filter(|r| r.status == CheckpointStatus::Completed)
        .map(|r| {
            (
                u64::from(r.id.0),
                r.sum(|s| s.checkpointed_bytes),
                r.sum(|s| s.state_bytes),
            )
        })
        .collect()
}

#[test]
fn the_talks_hashmap_state_stays_inline_and_every_checkpoint_is_full() {
    let run = run_checked(SimConfig::default(), 1, secs(60), &[]);
    let sizes = sizes(&run);
    assert!(sizes.len() >= 4, "{sizes:?}");
    for (id, checkpointed, full) in &sizes {
        assert_eq!(
            checkpointed, full,
            "chk-{id}: a full snapshot writes everything"
        );
    }
    let view = run.sim.view();
    assert!(view.storage().shared().is_empty(), "shared/ stays empty");
    let latest = view.retained_checkpoints().last().expect("retained");
    assert_eq!(
        latest.exclusive_files().count(),
        0,
        "under 20 KB: inline in _metadata"
    );
    // The talk's figure: ~6.6 KB of state for three users.
    assert!(
        (6_000..7_500).contains(&latest.state_size()),
        "{}",
        latest.state_size()
    );
}

#[test]
fn hashmap_state_above_the_threshold_is_a_file_in_chk_n() {
    let config = SimConfig {
        state_keys: 100_000,
        ..SimConfig::default()
    };
    let run = run_checked(config, 1, secs(40), &[]);
    let view = run.sim.view();
    let latest = view.retained_checkpoints().last().expect("retained");
    let files: Vec<(&str, u64)> = latest.exclusive_files().collect();
    assert_eq!(files.len(), 3, "one stream per keyed subtask: {files:?}");
    for (path, bytes) in files {
        assert!(
            path.contains(&format!("/chk-{}/", latest.checkpoint_id)),
            "{path}"
        );
        assert!(bytes > 20 * 1024);
    }
    assert!(
        latest.file_size() < 20_000,
        "_metadata holds only the small state"
    );
}

#[test]
fn incremental_checkpoints_upload_the_delta_after_the_first() {
    let run = run_checked(rocksdb(true), 3, secs(120), &[]);
    let sizes = sizes(&run);
    assert!(sizes.len() >= 8, "{sizes:?}");
    let (first, first_checkpointed, first_full) = sizes[0];
    assert_eq!(first, 1);
    assert_eq!(
        first_checkpointed, first_full,
        "the first checkpoint uploads everything"
    );
    assert!(
        first_full > 10_000_000,
        "100,000 keys × 100 B: {first_full}"
    );
    let small = sizes[1..]
        .iter()
        .filter(|(_, checkpointed, full)| checkpointed * 10 < *full)
        .count();
    assert!(
        small >= 4,
        "most later checkpoints upload a small delta: {sizes:?}"
    );
    let compactions = run
        .events
        .iter()
        .filter(|e| matches!(e.event, Event::RocksDbCompacted { .. }))
        .count();
    assert!(compactions >= 3, "L0 reaches 4 files every few checkpoints");
    // After a compaction the new L1 file is uploaded: some later checkpoint is large again.
    assert!(
        sizes[1..]
            .iter()
            .any(|(_, checkpointed, _)| *checkpointed > 1_000_000),
        "{sizes:?}"
    );
    let view = run.sim.view();
    let shared = view.storage().shared();
    assert!(!shared.is_empty(), "the SST files are in shared/");
    assert!(shared.iter().all(|e| e.path.contains("/shared/")));
    let (deleted, _) = view.storage().deleted();
    assert!(
        deleted > 0,
        "compacted files were deleted once unreferenced"
    );
    // Every shared file is referenced by the retained checkpoint (num-retained 1).
    let latest = view.retained_checkpoints().last().expect("retained");
    for entry in shared {
        assert!(latest.shared_files().any(|(p, _)| p == entry.path));
    }
}

#[test]
fn rocksdb_full_checkpoints_write_everything_every_time() {
    let run = run_checked(rocksdb(false), 3, secs(60), &[]);
    for (id, checkpointed, full) in sizes(&run) {
        assert_eq!(checkpointed, full, "chk-{id}");
    }
    let latest = run
        .sim
        .view()
        .retained_checkpoints()
        .last()
        .cloned()
        .expect("retained");
    assert!(latest
        .subtasks()
        .any(|s| matches!(s.handle, Some(KeyedStateHandle::Full { path: Some(_), .. }))));
    assert!(run.sim.view().storage().shared().is_empty());
}

#[test]
fn small_rocksdb_state_is_inlined_and_leaves_shared_empty() {
    let config = SimConfig {
        state_backend: StateBackend::RocksDb,
        incremental: true,
        ..SimConfig::default()
    };
    let run = run_checked(config, 1, secs(60), &[]);
    let view = run.sim.view();
    assert!(
        view.storage().shared().is_empty(),
        "every SST file is below 20 KB"
    );
    let latest = view.retained_checkpoints().last().expect("retained");
    let inline: usize = latest
        .subtasks()
        .filter_map(|s| match &s.handle {
            Some(KeyedStateHandle::Incremental { shared, .. }) => Some(shared.len()),
            _ => None,
        })
        .sum();
    assert!(inline > 0, "the SST files are there, inline in _metadata");
}

#[test]
fn a_restore_downloads_the_files_and_the_next_checkpoint_is_incremental() {
    let kill_at = secs(45);
    let run = run_checked(rocksdb(true), 3, secs(120), &[(kill_at, kill(2))]);
    assert!(run.checker.restores >= 1);
    let restored = run
        .sim
        .view()
        .coordinator()
        .latest_restored
        .clone()
        .expect("restored");
    let after: Vec<(u64, u64, u64)> = sizes(&run)
        .into_iter()
        .filter(|(id, _, _)| *id > u64::from(restored.id.0))
        .collect();
    assert!(!after.is_empty(), "checkpoints complete after the restore");
    let (_, checkpointed, full) = after[0];
    assert!(
        checkpointed * 10 < full,
        "the restored files are the base of the next checkpoint: {after:?}"
    );
}

#[test]
fn restoring_more_state_takes_longer() {
    // INITIALIZING of the keyed subtasks after the restore: longer with 10x the state.
    let initializing = |keys: u32| {
        let config = SimConfig {
            state_keys: keys,
            state_bytes_per_key: 1_000,
            storage_bandwidth: 10 << 20,
            ..rocksdb(true)
        };
        let run = run_checked(config, 3, secs(90), &[(secs(45), kill(2))]);
        let view = run.sim.view();
        let keyed = view.graph().tasks.len() - 1;
        let task = &view.tasks()[keyed];
        task.state_entered[4]
            .zip(task.state_entered[3])
            .map(|(running, init)| running.since(init))
    };
    let small = initializing(10_000).expect("restored");
    let large = initializing(100_000).expect("restored");
    assert!(large > small, "{large:?} vs {small:?}");
    assert!(
        large >= SimDuration::from_secs(3),
        "≈33 MB at 10 MB/s per subtask: {large:?}"
    );
}

#[test]
fn failed_and_concurrent_checkpoints_leave_no_file_behind_and_delete_none_in_use() {
    // Storage fails for 25 s (checkpoints decline after uploading), two checkpoints may run at
    // once, and a short interval makes compactions frequent. The registry's rule is checked
    // after every event by `run_checked`; at the end every shared file is referenced.
    let config = SimConfig {
        max_concurrent_checkpoints: 2,
        min_pause: SimDuration::ZERO,
        checkpoint_interval: SimDuration::from_secs(2),
        ..rocksdb(true)
    };
    let commands = [
        (
            secs(20),
            Command::SetCheckpointStorageFailing { failing: true },
        ),
        (
            secs(45),
            Command::SetCheckpointStorageFailing { failing: false },
        ),
    ];
    let run = run_checked(config, 5, secs(90), &commands);
    let view = run.sim.view();
    assert!(
        view.coordinator().counts.failed > 0,
        "checkpoints failed while storage failed"
    );
    let retained = view.retained_checkpoints();
    for entry in view.storage().shared() {
        assert!(
            retained
                .iter()
                .any(|m| m.shared_files().any(|(p, _)| p == entry.path)),
            "{} is unreferenced",
            entry.path
        );
    }
    assert!(view.storage().deleted().0 > 0);
}

#[test]
fn the_storage_browser_lists_shared_files_with_the_checkpoints_that_refer_to_them() {
    let config = SimConfig {
        num_retained: 3,
        ..rocksdb(true)
    };
    let run = run_checked(config, 3, secs(120), &[]);
    let listing = flinkscope::app::stored::storage_listing(&run.sim, &Default::default());
    let folder = &listing.folders[0];
    let ids: Vec<u32> = folder.entries.iter().map(|e| e.id).collect();
    assert_eq!(ids.len(), 3, "num-retained 3");
    let rows = folder.shared_rows();
    assert!(!rows.is_empty());
    // The registry's files are exactly the ones the retained checkpoints refer to.
    let registry: Vec<&str> = run
        .sim
        .view()
        .storage()
        .shared()
        .iter()
        .map(|e| e.path.as_str())
        .collect();
    let mut listed: Vec<&str> = rows.iter().map(|r| r.path.as_str()).collect();
    let mut expected = registry.clone();
    listed.sort_unstable();
    expected.sort_unstable();
    assert_eq!(listed, expected);
    // A file is referred to by the checkpoint that uploaded it and, until compaction replaces
    // it, by the later ones: some file is shared by all three.
    assert!(rows.iter().any(|r| r.referenced_by.len() == 3), "{rows:?}");
    for row in &rows {
        if let Some(by) = row.uploaded_by {
            assert_eq!(
                row.referenced_by[0], by,
                "uploaded by the first that refers to it"
            );
        }
    }
}
