//! A new job started from a savepoint or a retained checkpoint, possibly changed: ids continue,
//! state is re-assigned by key group on a rescale, operators are matched by id (uids, chaining,
//! `--allowNonRestoredState`), max parallelism and state backend rules, claim modes.
mod common;
use common::{run_checked, run_checked_from, secs, Run};
use flinkscope::sim::checkpoint::{CheckpointMetadata, SavepointFormatType, SubtaskState};
use flinkscope::sim::config::StateBackend;
use flinkscope::sim::event::{Command, Event};
use flinkscope::sim::restore::{RecoveryClaimMode, RestoreSettings};
use flinkscope::sim::{Sim, SimConfig, SimDuration};
use std::collections::BTreeMap;

const SEED: u64 = 4;

/// A job of `config` with more users than the talk's three, a savepoint at 25 s, run to 40 s.
fn savepoint_of(config: SimConfig, format: SavepointFormatType) -> (Run, CheckpointMetadata) {
    let run = run_checked(
        config,
        SEED,
        secs(40),
        &[(secs(25), Command::TriggerSavepoint { format })],
    );
    let savepoint = run.sim.view().storage().savepoints()[0].clone();
    (run, savepoint)
}

fn users() -> SimConfig {
    SimConfig {
        users_per_subtask: 4,
        source_interval: SimDuration::from_ms(500),
        ..SimConfig::default()
    }
}

/// Every key's count in a snapshot.
fn counts(metadata: &CheckpointMetadata) -> BTreeMap<String, u32> {
    metadata
        .subtasks()
        .flat_map(|s| match &s.state {
            SubtaskState::Keyed { entries, .. } => entries.clone(),
            _ => Vec::new(),
        })
        .map(|e| (e.key, e.count))
        .collect()
}

/// Every key's count in the running job.
fn live_counts(sim: &Sim) -> BTreeMap<String, u32> {
    let view = sim.view();
    view.graph()
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let key = flinkscope::sim::ids::KeyIndex::from_index(i);
            (k.name.clone(), view.key_count(key))
        })
        .collect()
}

fn restore(config: SimConfig, snapshot: &CheckpointMetadata, settings: RestoreSettings) -> Sim {
    Sim::restore_job(config, SEED, snapshot, settings).unwrap_or_else(|e| panic!("{e}"))
}

fn error(config: SimConfig, snapshot: &CheckpointMetadata, settings: RestoreSettings) -> String {
    match Sim::restore_job(config, SEED, snapshot, settings) {
        Ok(_) => panic!("the restore was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_new_job_from_a_savepoint_continues_its_ids_and_counts() {
    let (old, savepoint) = savepoint_of(users(), SavepointFormatType::Canonical);
    let sim = restore(users(), &savepoint, RestoreSettings::default());
    assert_ne!(sim.view().job_id(), old.sim.view().job_id(), "a new job id");
    assert_eq!(
        live_counts(&sim),
        counts(&savepoint),
        "every key as restored"
    );
    let run = run_checked_from(sim, SEED, secs(60), &[]);
    let first = run
        .events
        .iter()
        .find_map(|e| match e.event {
            Event::CheckpointTriggered { checkpoint, .. } => Some(checkpoint.0),
            _ => None,
        })
        .expect("a checkpoint");
    assert_eq!(
        first,
        savepoint.checkpoint_id.0 + 1,
        "ids continue after the savepoint"
    );
    let view = run.sim.view();
    let restored = view
        .coordinator()
        .latest_restored
        .as_ref()
        .expect("restored");
    assert_eq!(restored.id, savepoint.checkpoint_id);
    assert_eq!(restored.external_path, savepoint.external_path);
    let log: Vec<String> = run
        .events
        .iter()
        .flat_map(|e| flinkscope::sim::log::lines(&view, e))
        .map(|(_, line)| line)
        .collect();
    assert!(
        log.iter().any(|l| l.contains(&format!(
            "Starting job {} from savepoint {} ()",
            view.job_id(),
            savepoint.external_path
        ))),
        "{log:#?}"
    );
    assert!(log.iter().any(|l| l.contains(&format!(
        "Reset the checkpoint ID of job {} to {}.",
        view.job_id(),
        savepoint.checkpoint_id.0 + 1
    ))));
}

#[test]
fn rescaling_three_to_four_to_two_keeps_every_keys_count() {
    let (_, savepoint) = savepoint_of(users(), SavepointFormatType::Canonical);
    let before = counts(&savepoint);
    assert!(before.values().any(|c| *c > 0), "{before:?}");
    let four = SimConfig {
        parallelism: 4,
        ..users()
    };
    let sim = restore(four.clone(), &savepoint, RestoreSettings::default());
    assert_eq!(
        sim.view().restored_from().and_then(|r| r.rescaled),
        Some((3, 4))
    );
    // Each key sits with the subtask of its key group under the new ranges.
    let counts4 = live_counts(&sim);
    for (key, count) in &before {
        assert_eq!(counts4.get(key), Some(count), "{key} after 3 → 4");
    }
    let graph = sim.view().graph();
    for key in &graph.keys {
        let range = flinkscope::sim::key_group::key_group_range(128, 4, key.keyed_subtask);
        assert!((range.0..=range.1).contains(&key.key_group), "{}", key.name);
    }
    // Run the rescaled job (every invariant checked), take a savepoint, rescale to 2.
    let run = run_checked_from(
        sim,
        SEED,
        secs(40),
        &[(
            secs(20),
            Command::TriggerSavepoint {
                format: SavepointFormatType::Canonical,
            },
        )],
    );
    let second = run.sim.view().storage().savepoints()[0].clone();
    let at_second = counts(&second);
    assert_eq!(at_second.len(), counts4.len());
    let two = SimConfig {
        parallelism: 2,
        ..users()
    };
    let sim = restore(two, &second, RestoreSettings::default());
    let counts2 = live_counts(&sim);
    assert_eq!(counts2, at_second, "3 → 4 → 2: every key kept, none lost");
    // Keys no source emits at p = 2 keep their state and are checkpointed with it.
    let orphans = sim
        .view()
        .graph()
        .keys
        .iter()
        .filter(|k| k.source_subtask == flinkscope::sim::graph::NO_SOURCE)
        .count();
    assert!(orphans > 0);
    let run = run_checked_from(sim, SEED, secs(30), &[]);
    let latest = run
        .sim
        .view()
        .retained_checkpoints()
        .last()
        .cloned()
        .unwrap();
    assert_eq!(counts(&latest).len(), at_second.len());
}

#[test]
fn source_offsets_are_re_split_and_a_new_fourth_source_starts_at_zero() {
    let (_, savepoint) = savepoint_of(users(), SavepointFormatType::Canonical);
    let offsets: Vec<u64> = savepoint.operators[0]
        .subtasks
        .iter()
        .map(|s| match s.state {
            SubtaskState::Source { offset } => offset,
            _ => panic!("a source"),
        })
        .collect();
    let four = SimConfig {
        parallelism: 4,
        ..users()
    };
    let sim = restore(four, &savepoint, RestoreSettings::default());
    let next: Vec<u64> = sim.view().tasks()[..4].iter().map(|t| t.next_seq).collect();
    assert_eq!(next, vec![offsets[0], offsets[1], offsets[2], 0]);
}

#[test]
fn a_changed_max_parallelism_is_refused_and_an_unset_one_adopts_the_snapshots() {
    let (_, savepoint) = savepoint_of(users(), SavepointFormatType::Canonical);
    let explicit = SimConfig {
        max_parallelism: 256,
        ..users()
    };
    let message = error(explicit, &savepoint, RestoreSettings::default());
    assert!(
        message.starts_with(&format!(
            "Failed to rollback to checkpoint/savepoint {}. Max parallelism mismatch between \
             checkpoint/savepoint state and new program. Cannot map operator ",
            savepoint.external_path
        )) && message.contains("with max parallelism 128 to new program with max parallelism 256"),
        "{message}"
    );
    // A snapshot of max parallelism 256, restored by a job that sets none: adopted.
    let (_, wide) = savepoint_of(
        SimConfig {
            max_parallelism: 256,
            ..users()
        },
        SavepointFormatType::Canonical,
    );
    let sim = restore(users(), &wide, RestoreSettings::default());
    assert_eq!(
        sim.view().restored_from().unwrap().adopted_max_parallelism,
        Some(256)
    );
    assert_eq!(sim.view().graph().vertices[1].max_parallelism, 256);
    // A parallelism above the restored max parallelism is refused.
    let (_, narrow) = savepoint_of(
        SimConfig {
            max_parallelism: 3,
            ..users()
        },
        SavepointFormatType::Canonical,
    );
    let message = error(
        SimConfig {
            parallelism: 4,
            ..users()
        },
        &narrow,
        RestoreSettings::default(),
    );
    assert!(
        message.contains("The maximum parallelism (3) of the restored state is lower than the configured parallelism (4)"),
        "{message}"
    );
}

#[test]
fn switching_chaining_without_uids_cannot_map_the_keyed_state_unless_it_is_dropped() {
    let (_, savepoint) = savepoint_of(users(), SavepointFormatType::Canonical);
    let unchained = SimConfig {
        chaining: false,
        ..users()
    };
    let message = error(unchained.clone(), &savepoint, RestoreSettings::default());
    let keyed_id = &savepoint.operators[1].vertex_id;
    assert_eq!(
        message,
        format!(
            "Failed to rollback to checkpoint/savepoint {}. Cannot map checkpoint/savepoint \
             state for operator {keyed_id} to the new program, because the operator is not \
             available in the new program. If you want to allow to skip this, you can set the \
             --allowNonRestoredState option on the CLI.",
            savepoint.external_path
        )
    );
    // --allowNonRestoredState: the keyed state is dropped, the source offsets are kept.
    let settings = RestoreSettings {
        allow_non_restored_state: true,
        ..RestoreSettings::default()
    };
    let sim = restore(unchained, &savepoint, settings);
    assert!(live_counts(&sim).values().all(|c| *c == 0));
    let skipped = &sim.view().restored_from().unwrap().skipped;
    assert_eq!(skipped, &vec![(keyed_id.clone(), true)]);
    assert!(sim.view().tasks()[..3].iter().all(|t| t.next_seq > 0));
    run_checked_from(sim, SEED, secs(30), &[]);
}

#[test]
fn with_uids_a_chaining_switch_keeps_every_operators_state() {
    let with_uids = SimConfig {
        operator_uids: true,
        ..users()
    };
    let (_, savepoint) = savepoint_of(with_uids.clone(), SavepointFormatType::Canonical);
    let unchained = SimConfig {
        chaining: false,
        ..with_uids
    };
    let sim = restore(unchained, &savepoint, RestoreSettings::default());
    assert_eq!(live_counts(&sim), counts(&savepoint));
    assert_eq!(sim.view().graph().vertices.len(), 3);
    assert!(sim.view().restored_from().unwrap().skipped.is_empty());
    run_checked_from(sim, SEED, secs(30), &[]);
    // Adding uids to a job that had none changes every operator id: nothing maps.
    let (_, plain) = savepoint_of(users(), SavepointFormatType::Canonical);
    let message = error(
        SimConfig {
            operator_uids: true,
            ..users()
        },
        &plain,
        RestoreSettings::default(),
    );
    assert!(
        message.contains("Cannot map checkpoint/savepoint state for operator"),
        "{message}"
    );
}

fn rocksdb(incremental: bool) -> SimConfig {
    SimConfig {
        state_backend: StateBackend::RocksDb,
        incremental,
        state_keys: 100_000,
        state_bytes_per_key: 100,
        ..users()
    }
}

#[test]
fn a_backend_switch_needs_a_canonical_savepoint_or_a_full_snapshot() {
    let hashmap = users();
    let unexpected = "Unexpected state handle type, expected one of: class \
                      org.apache.flink.runtime.state.KeyGroupsStateHandle";
    // A retained incremental RocksDB checkpoint into HashMap: refused.
    let run = run_checked(rocksdb(true), SEED, secs(40), &[]);
    let checkpoint = run
        .sim
        .view()
        .retained_checkpoints()
        .last()
        .cloned()
        .unwrap();
    let message = error(hashmap.clone(), &checkpoint, RestoreSettings::default());
    assert!(message.starts_with(unexpected), "{message}");
    assert!(message.ends_with(
        "This can mostly happen when a different StateBackend from the one that was used for \
         taking a checkpoint/savepoint is used when restoring."
    ));
    // Into RocksDB again: fine.
    restore(rocksdb(true), &checkpoint, RestoreSettings::default());
    // A native RocksDB savepoint into HashMap: refused; a native HashMap one into RocksDB: fine
    // (the HashMap backend writes key groups in either format).
    let (_, native) = savepoint_of(rocksdb(true), SavepointFormatType::Native);
    assert!(error(hashmap.clone(), &native, RestoreSettings::default()).starts_with(unexpected));
    restore(rocksdb(false), &native, RestoreSettings::default());
    let (_, heap_native) = savepoint_of(hashmap.clone(), SavepointFormatType::Native);
    restore(rocksdb(true), &heap_native, RestoreSettings::default());
    // A canonical savepoint of RocksDB into HashMap, and a HashMap one into RocksDB: fine.
    let (_, canonical) = savepoint_of(rocksdb(true), SavepointFormatType::Canonical);
    let sim = restore(hashmap.clone(), &canonical, RestoreSettings::default());
    assert_eq!(live_counts(&sim), counts(&canonical));
    let (_, from_heap) = savepoint_of(hashmap, SavepointFormatType::Canonical);
    run_checked_from(
        restore(rocksdb(true), &from_heap, RestoreSettings::default()),
        SEED,
        secs(30),
        &[],
    );
}

#[test]
fn no_claim_makes_the_first_checkpoint_full_and_claim_refers_to_the_restored_files() {
    let run = run_checked(rocksdb(true), SEED, secs(45), &[]);
    let checkpoint = run
        .sim
        .view()
        .retained_checkpoints()
        .last()
        .cloned()
        .unwrap();
    let restored_files: Vec<String> = checkpoint
        .shared_files()
        .map(|(path, _)| path.to_string())
        .collect();
    assert!(
        !restored_files.is_empty(),
        "an incremental checkpoint with files"
    );
    let first_after = |claim_mode| {
        let settings = RestoreSettings {
            claim_mode,
            ..RestoreSettings::default()
        };
        let sim = restore(rocksdb(true), &checkpoint, settings);
        let run = run_checked_from(sim, SEED, secs(25), &[]);
        let view = run.sim.view();
        let first = view
            .checkpoint_history()
            .find(|r| r.completed_at.is_some())
            .expect("a completed checkpoint")
            .clone();
        let metadata = view
            .retained_checkpoints()
            .iter()
            .find(|m| m.checkpoint_id == first.id)
            .cloned();
        (first, metadata, run)
    };
    let (first, _, no_claim) = first_after(RecoveryClaimMode::NoClaim);
    assert_eq!(
        first.sum(|s| s.checkpointed_bytes),
        first.sum(|s| s.state_bytes),
        "NO_CLAIM: the first checkpoint is a full one"
    );
    // The restored snapshot left the registry once subsumed, its files not deleted by the job.
    let view = no_claim.sim.view();
    assert!(view
        .storage()
        .shared()
        .iter()
        .all(|e| !restored_files.contains(&e.path)));
    // What leaving the registry means in each mode.
    let unused = flinkscope::sim::ids::CheckpointId(checkpoint.checkpoint_id.0 + 1);
    for claimed in [false, true] {
        let mut storage = flinkscope::sim::storage::CheckpointStorage::default();
        storage.persist_restored(&checkpoint, claimed);
        storage.discard(checkpoint.checkpoint_id);
        let (files, _) = storage.unregister_unused(unused, &[]);
        assert!(storage.shared().is_empty());
        let deleted = if claimed {
            restored_files.len() as u32
        } else {
            0
        };
        assert_eq!(files, deleted, "claimed {claimed}: files deleted");
        assert_eq!(storage.deleted().0, u64::from(deleted));
    }

    let (first, _, claim) = first_after(RecoveryClaimMode::Claim);
    assert!(
        first.sum(|s| s.checkpointed_bytes) < first.sum(|s| s.state_bytes),
        "CLAIM: the first checkpoint refers to the restored files"
    );
    assert!(
        claim.sim.view().storage().deleted().0 > 0,
        "CLAIM: the job deletes claimed files once unused"
    );
}

#[test]
fn in_flight_data_is_not_redistributed_across_a_rescale_and_that_is_said() {
    let (config, commands) = common::backpressured(true);
    let run = run_checked(config.clone(), SEED, secs(40), &commands);
    let with_in_flight = run
        .sim
        .view()
        .retained_checkpoints()
        .iter()
        .rev()
        .find(|m| m.subtasks().any(|s| !s.channel_state.is_empty()))
        .cloned()
        .expect("an unaligned checkpoint with in-flight data");
    let message = error(
        SimConfig {
            parallelism: 4,
            ..config.clone()
        },
        &with_in_flight,
        RestoreSettings::default(),
    );
    assert!(
        message.contains("does not re-distribute channel state across a rescale"),
        "{message}"
    );
    // Same parallelism: the in-flight data is restored into its channels.
    run_checked_from(
        restore(config, &with_in_flight, RestoreSettings::default()),
        SEED,
        secs(20),
        &[],
    );
}

#[test]
fn a_restored_run_is_the_same_every_time() {
    let (_, savepoint) = savepoint_of(users(), SavepointFormatType::Canonical);
    let four = SimConfig {
        parallelism: 4,
        ..users()
    };
    let hash = || {
        let mut sim = restore(four.clone(), &savepoint, RestoreSettings::default());
        sim.advance_to(secs(45));
        (sim.view().job_id().to_string(), sim.view().trace_hash())
    };
    let (job, first) = hash();
    assert_eq!(hash(), (job, first));
    // Another seed: another job id (the id derives from the run and the snapshot).
    let other = Sim::restore_job(
        four.clone(),
        SEED + 1,
        &savepoint,
        RestoreSettings::default(),
    )
    .unwrap();
    assert_ne!(other.view().job_id(), hash().0);
}

#[test]
fn a_damaged_metadata_is_refused_with_its_reason_never_a_panic() {
    let (_, savepoint) = savepoint_of(users(), SavepointFormatType::Canonical);
    let mut short = savepoint.clone();
    short.operators[1].subtasks.pop();
    let message = error(users(), &short, RestoreSettings::default());
    assert!(message.contains("is not a valid _metadata"), "{message}");
    assert!(
        message.contains("2 subtasks for parallelism 3"),
        "{message}"
    );
    // A source's state where the keyed operator's belongs.
    let mut swapped = savepoint.clone();
    swapped.operators[1].subtasks = savepoint.operators[0].subtasks.clone();
    let message = error(users(), &swapped, RestoreSettings::default());
    assert!(message.contains("is not of the kind"), "{message}");
}
