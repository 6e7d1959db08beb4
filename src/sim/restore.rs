//! A new job started from a savepoint or a retained checkpoint — `flink run -s <path>
//! [-claimMode CLAIM|NO_CLAIM] [-n]` — possibly changed: another parallelism, max parallelism,
//! chaining, operator uids or state backend.
//!
//! What Flink 2.3 does, and the simulation with it (`Checkpoints.loadAndValidateCheckpoint`,
//! `StateAssignmentOperation`, `CheckpointCoordinator.restoreSavepoint`):
//! - every operator state of the snapshot is matched to an operator of the new job by operator
//!   id; one without a match fails the submission, unless it holds no state or
//!   `--allowNonRestoredState` skips it (Flink's messages, word for word);
//! - an operator's max parallelism must equal the new job's, unless the new job did not set one,
//!   which then adopts the snapshot's; a parallelism above it is refused;
//! - keyed state is re-assigned by key group: each new subtask takes the keys of its key-group
//!   range (`KeyGroupRangeAssignment`), whichever old subtask held them; keys that no source
//!   emits any more keep their state;
//! - the source's offsets are operator list state, re-split by `RoundRobinOperatorStateRepartitioner`
//!   into contiguous chunks (3 → 4: one each and none for the fourth; 3 → 2: two and one); the
//!   study job's source resumes from the largest offset of its chunk, or from 0;
//! - a RocksDB native savepoint or incremental checkpoint can be restored only into RocksDB
//!   (`StateUtil.unexpectedStateHandleException`); a canonical savepoint or a full snapshot into
//!   either backend;
//! - the snapshot joins the new job's completed checkpoints (a failover before the first new
//!   checkpoint restores it), the checkpoint ids continue from its id + 1, and in NO_CLAIM mode
//!   (Flink's default) the first checkpoint is a full one that refers to none of its files and
//!   the job never deletes them; in CLAIM mode the job owns them and deletes them once unused.
//!
//! Simplified: in-flight data of an unaligned checkpoint is not re-distributed across a
//! parallelism change (Flink does; the simulation refuses that restore and says so), and a
//! rescaled RocksDB instance is rebuilt from its keys rather than downloading and clipping the
//! overlapping old instances.

use crate::sim::checkpoint::{
    CheckpointMetadata, KeyedStateEntry, KeyedStateHandle, OperatorSnapshot, SubtaskSnapshot,
    SubtaskState,
};
use crate::sim::config::SimConfig;
use crate::sim::engine::Sim;
use crate::sim::graph::{JobGraph, OperatorKind};
use crate::sim::ids::CheckpointId;
use crate::sim::state_backend::StateBackend;
use crate::sim::storage::CheckpointStorage;
use crate::sim::time::SimTime;

/// `execution.state-recovery.claim-mode` (`RecoveryClaimMode`; `-claimMode` on the CLI).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecoveryClaimMode {
    /// The job takes ownership of the snapshot and deletes its files once unused.
    Claim,
    /// The job never deletes the snapshot's files; its first checkpoint is a full one.
    #[default]
    NoClaim,
}

impl RecoveryClaimMode {
    /// `CLAIM` / `NO_CLAIM`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecoveryClaimMode::Claim => "CLAIM",
            RecoveryClaimMode::NoClaim => "NO_CLAIM",
        }
    }
}

/// How a new job starts from a snapshot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct RestoreSettings {
    /// `execution.state-recovery.claim-mode`.
    pub claim_mode: RecoveryClaimMode,
    /// `execution.state-recovery.ignore-unclaimed-state` (`--allowNonRestoredState`, `-n`).
    pub allow_non_restored_state: bool,
}

/// Why the new job cannot start from the snapshot, in Flink's words where Flink refuses it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RestoreError(pub String);

/// The snapshot a job was started from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RestoredSnapshot {
    /// Its id (the new job's ids continue after it).
    pub checkpoint: CheckpointId,
    /// Its `external_path`.
    pub path: String,
    /// Whether it is a savepoint.
    pub savepoint: bool,
    /// The job it was taken of.
    pub job_id: String,
    /// How it was restored.
    pub settings: RestoreSettings,
    /// Operator ids whose state was skipped (`--allowNonRestoredState`, or empty state).
    pub skipped: Vec<(String, bool)>,
    /// The max parallelism adopted from the snapshot (the new job set none).
    pub adopted_max_parallelism: Option<u32>,
    /// Parallelism of the snapshot's keyed operator, and the new job's.
    pub rescaled: Option<(u32, u32)>,
}

/// A JSON array of exactly two values.
fn pair(v: &serde_json::Value) -> Option<(&serde_json::Value, &serde_json::Value)> {
    match v.as_array().map(Vec::as_slice) {
        Some([a, b]) => Some((a, b)),
        _ => None,
    }
}

/// Read through `serde_json::Value` with readers the page has anyway: the derived reader (tuples,
/// nested options) was 2.4 KB of gzipped code in the page, which reads it with a stored job.
impl<'de> serde::Deserialize<'de> for RestoredSnapshot {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        use serde_json::Value;
        let value = Value::deserialize(deserializer)?;
        let field =
            |name: &'static str| value.get(name).ok_or_else(|| D::Error::missing_field(name));
        let bad = |name: &str| D::Error::custom(format!("restored_from.{name} has the wrong type"));
        let id = |v: &Value| v.as_u64().and_then(|n| u32::try_from(n).ok());
        let text = |name: &'static str| -> Result<String, D::Error> {
            field(name)?
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| bad(name))
        };
        let skipped = match value.get("skipped") {
            None => Vec::new(),
            Some(list) => list
                .as_array()
                .ok_or_else(|| bad("skipped"))?
                .iter()
                .map(|entry| {
                    let (op, empty) = pair(entry).ok_or_else(|| bad("skipped"))?;
                    Ok((
                        op.as_str().ok_or_else(|| bad("skipped"))?.to_string(),
                        empty.as_bool().ok_or_else(|| bad("skipped"))?,
                    ))
                })
                .collect::<Result<Vec<_>, D::Error>>()?,
        };
        let optional = |name: &'static str| value.get(name).filter(|v| !v.is_null());
        Ok(RestoredSnapshot {
            checkpoint: CheckpointId(id(field("checkpoint")?).ok_or_else(|| bad("checkpoint"))?),
            path: text("path")?,
            savepoint: field("savepoint")?
                .as_bool()
                .ok_or_else(|| bad("savepoint"))?,
            job_id: text("job_id")?,
            settings: match value.get("settings") {
                None => RestoreSettings::default(),
                Some(v) => RestoreSettings::deserialize(v).map_err(D::Error::custom)?,
            },
            skipped,
            adopted_max_parallelism: match optional("adopted_max_parallelism") {
                None => None,
                Some(v) => Some(id(v).ok_or_else(|| bad("adopted_max_parallelism"))?),
            },
            rescaled: match optional("rescaled") {
                None => None,
                Some(v) => {
                    let (a, b) = pair(v).ok_or_else(|| bad("rescaled"))?;
                    Some((
                        id(a).ok_or_else(|| bad("rescaled"))?,
                        id(b).ok_or_else(|| bad("rescaled"))?,
                    ))
                }
            },
        })
    }
}

impl Sim {
    /// Starts a new job of `config` from `snapshot` (a savepoint's or a retained checkpoint's
    /// `_metadata`), at simulated time zero, or says why Flink would refuse to.
    pub fn restore_job(
        mut config: SimConfig,
        seed: u64,
        snapshot: &CheckpointMetadata,
        settings: RestoreSettings,
    ) -> Result<Sim, RestoreError> {
        config
            .validate()
            .map_err(|e| RestoreError(format!("the new job's configuration: {e}")))?;
        let pointer = &snapshot.external_path;
        // A `_metadata` read from disk may be anything: its shape is checked before any use.
        snapshot
            .check()
            .map_err(|e| RestoreError(format!("{pointer} is not a valid _metadata: {e}")))?;
        let restored_max_p = snapshot
            .operators
            .iter()
            .map(|o| o.max_parallelism)
            .max()
            .unwrap_or(0);
        // A job that sets no max parallelism adopts the snapshot's (`canRescaleMaxParallelism`).
        let mut adopted_max_parallelism = None;
        if config.max_parallelism == 0
            && restored_max_p != 0
            && restored_max_p != config.effective_max_parallelism()
        {
            config.max_parallelism = restored_max_p;
            adopted_max_parallelism = Some(restored_max_p);
        }
        if config.parallelism > restored_max_p && restored_max_p != 0 {
            let vertex = snapshot
                .operators
                .first()
                .map_or("", |o| o.vertex_id.as_str());
            return Err(RestoreError(format!(
                "The state for task {vertex} can not be restored. The maximum parallelism \
                 ({restored_max_p}) of the restored state is lower than the configured \
                 parallelism ({}). Please reduce the parallelism of the task to be lower or \
                 equal to the maximum parallelism.",
                config.parallelism
            )));
        }
        let graph = JobGraph::build(&config);
        let mut mapped: Vec<Option<&OperatorSnapshot>> = vec![None; graph.vertices.len()];
        let mut skipped = Vec::new();
        for operator in &snapshot.operators {
            let Some(v) = graph
                .vertices
                .iter()
                .position(|v| v.id == operator.vertex_id)
            else {
                if settings.allow_non_restored_state {
                    skipped.push((operator.vertex_id.clone(), has_state(operator)));
                    continue;
                }
                if has_state(operator) {
                    return Err(RestoreError(format!(
                        "Failed to rollback to checkpoint/savepoint {pointer}. Cannot map \
                         checkpoint/savepoint state for operator {} to the new program, because \
                         the operator is not available in the new program. If you want to allow \
                         to skip this, you can set the --allowNonRestoredState option on the CLI.",
                        operator.vertex_id
                    )));
                }
                skipped.push((operator.vertex_id.clone(), false));
                continue;
            };
            let vertex = &graph.vertices[v];
            if vertex.max_parallelism != operator.max_parallelism {
                return Err(RestoreError(format!(
                    "Failed to rollback to checkpoint/savepoint {pointer}. Max parallelism \
                     mismatch between checkpoint/savepoint state and new program. Cannot map \
                     operator {} with max parallelism {} to new program with max parallelism {}. \
                     This indicates that the program has been changed in a non-compatible way \
                     after the checkpoint/savepoint.",
                    operator.vertex_id, operator.max_parallelism, vertex.max_parallelism
                )));
            }
            if !kind_matches(vertex.kind, operator) {
                return Err(RestoreError(format!(
                    "{pointer}: the state of operator {} is not of the kind {} holds",
                    operator.vertex_id, vertex.name
                )));
            }
            mapped[v] = Some(operator);
        }
        let rescaled = graph
            .vertices
            .iter()
            .zip(&mapped)
            .filter(|(v, _)| matches!(v.kind, OperatorKind::KeyedProcess { .. }))
            .find_map(|(v, o)| o.map(|o| (o.parallelism, v.parallelism)))
            .filter(|(old, new)| old != new);
        for (vertex, operator) in graph.vertices.iter().zip(&mapped) {
            let Some(operator) = operator else { continue };
            let in_flight = operator
                .subtasks
                .iter()
                .any(|s| !s.channel_state.is_empty());
            if in_flight && operator.parallelism != vertex.parallelism {
                return Err(RestoreError(format!(
                    "{pointer} holds in-flight data (an unaligned checkpoint) of {}, whose \
                     parallelism changes from {} to {}: the simulation does not re-distribute \
                     channel state across a rescale (Flink does). Restore from a savepoint or an \
                     aligned checkpoint, or keep the parallelism.",
                    vertex.name, operator.parallelism, vertex.parallelism
                )));
            }
            if config.state_backend != StateBackend::RocksDb {
                // RocksDB's own files: an incremental checkpoint's, or a native savepoint's (the
                // HashMap backend writes key groups in either format).
                let native_savepoint = snapshot.savepoint_format
                    == Some(crate::sim::checkpoint::SavepointFormatType::Native);
                let rocksdb_files = operator.subtasks.iter().any(|s| match &s.handle {
                    Some(KeyedStateHandle::Incremental { .. }) => true,
                    Some(KeyedStateHandle::Full { .. }) => native_savepoint,
                    None => false,
                });
                if rocksdb_files {
                    return Err(RestoreError(
                        "Unexpected state handle type, expected one of: class \
                         org.apache.flink.runtime.state.KeyGroupsStateHandle, class \
                         org.apache.flink.runtime.state.KeyGroupsSavepointStateHandle, but found: \
                         class org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle. \
                         This can mostly happen when a different StateBackend from the one that \
                         was used for taking a checkpoint/savepoint is used when restoring."
                            .to_string(),
                    ));
                }
            }
        }
        let assigned = assign(snapshot, &graph, &mapped);
        let claimed = settings.claim_mode == RecoveryClaimMode::Claim;
        let mut storage = CheckpointStorage::default();
        storage.persist_restored(&assigned, claimed);
        let mut sim = Sim::assemble(config, seed, storage, SimTime::ZERO, 0);
        sim.job_id = new_job_id(seed, snapshot);
        sim.coordinator.next_id = snapshot.checkpoint_id.0 + 1;
        sim.coordinator.retained.push_back(snapshot.checkpoint_id);
        sim.restored_from = Some(RestoredSnapshot {
            checkpoint: snapshot.checkpoint_id,
            path: pointer.clone(),
            savepoint: snapshot.is_savepoint(),
            job_id: snapshot.job_id.clone(),
            settings,
            skipped,
            adopted_max_parallelism,
            rescaled,
        });
        sim.start_restored_cluster(settings);
        Ok(sim)
    }
}

/// Whether an operator's snapshot holds state (Flink's `OperatorSubtaskState.hasState`).
fn has_state(operator: &OperatorSnapshot) -> bool {
    operator
        .subtasks
        .iter()
        .any(|s| !s.channel_state.is_empty() || !matches!(s.state, SubtaskState::Stateless))
}

/// Whether the snapshot's state is of the kind the vertex holds (operator ids are unique to an
/// operator, so only a damaged `_metadata` fails this).
fn kind_matches(kind: OperatorKind, operator: &OperatorSnapshot) -> bool {
    operator.subtasks.iter().all(|s| {
        matches!(
            (&s.state, kind),
            (SubtaskState::Source { .. }, OperatorKind::Source)
                | (
                    SubtaskState::Keyed { .. },
                    OperatorKind::KeyedProcess { .. }
                )
                | (SubtaskState::Stateless, _)
        )
    })
}

/// A new job's id: derived from the run and the snapshot, never the old job's.
fn new_job_id(seed: u64, snapshot: &CheckpointMetadata) -> String {
    let job = crate::sim::trace::fnv1a64(snapshot.job_id.as_bytes());
    let id = u64::from(snapshot.checkpoint_id.0);
    let high = crate::sim::rng::hash3(seed, job, id);
    let low = crate::sim::rng::hash3(high, id, 0x5245_5354);
    format!("{high:016x}{low:016x}")
}

/// The snapshot's state as assigned to the new job's vertices and subtasks, in the new graph's
/// order: what the new job's tasks restore, and what its failovers restore until a newer
/// checkpoint subsumes it.
fn assign(
    snapshot: &CheckpointMetadata,
    graph: &JobGraph,
    mapped: &[Option<&OperatorSnapshot>],
) -> CheckpointMetadata {
    let operators = graph
        .vertices
        .iter()
        .zip(mapped)
        .map(|(vertex, operator)| {
            let p = vertex.parallelism;
            let same_shape = operator.is_some_and(|o| o.parallelism == p);
            let subtasks = (0..p)
                .map(|subtask| {
                    let old = operator.and_then(|o| o.subtasks.get(subtask as usize));
                    if same_shape {
                        return old.cloned().expect("one snapshot per subtask");
                    }
                    let state = match vertex.kind {
                        OperatorKind::Source => SubtaskState::Source {
                            offset: operator.map_or(0, |o| source_offset(o, p, subtask)),
                        },
                        OperatorKind::KeyedProcess { .. } => {
                            let (start, end) = crate::sim::key_group::key_group_range(
                                vertex.max_parallelism,
                                p,
                                subtask,
                            );
                            let mut entries: Vec<KeyedStateEntry> = operator
                                .iter()
                                .flat_map(|o| &o.subtasks)
                                .flat_map(|s| match &s.state {
                                    SubtaskState::Keyed { entries, .. } => entries.as_slice(),
                                    _ => &[],
                                })
                                .filter(|e| (start..=end).contains(&e.key_group))
                                .cloned()
                                .collect();
                            crate::sim::order::sort_by(&mut entries, |a, b| {
                                (a.key_group, &a.key).cmp(&(b.key_group, &b.key))
                            });
                            SubtaskState::Keyed {
                                key_group_range: [start, end],
                                entries,
                            }
                        }
                        OperatorKind::Sink => SubtaskState::Stateless,
                    };
                    SubtaskSnapshot {
                        subtask,
                        state,
                        channel_state: Vec::new(),
                        state_bytes: 0,
                        channel_state_bytes: 0,
                        handle: None,
                        committables: Vec::new(),
                    }
                })
                .collect();
            OperatorSnapshot {
                vertex_id: vertex.id.clone(),
                name: vertex.name.clone(),
                parallelism: p,
                max_parallelism: vertex.max_parallelism,
                subtasks,
            }
        })
        .collect();
    CheckpointMetadata {
        operators,
        ..snapshot.clone()
    }
}

/// A new source subtask's offset: the old subtasks' offsets, one list entry each, cut into `p`
/// contiguous chunks (the first `total % p` one entry longer); the source resumes from the
/// largest offset of its chunk, or 0 for an empty one.
fn source_offset(operator: &OperatorSnapshot, p: u32, subtask: u32) -> u64 {
    let offsets: Vec<u64> = operator
        .subtasks
        .iter()
        .filter_map(|s| match s.state {
            SubtaskState::Source { offset } => Some(offset),
            _ => None,
        })
        .collect();
    let total = offsets.len() as u32;
    let (base, extra) = (total / p, total % p);
    let start = subtask * base + subtask.min(extra);
    let length = base + u32::from(subtask < extra);
    offsets[start as usize..(start + length) as usize]
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(offsets: &[u64]) -> OperatorSnapshot {
        OperatorSnapshot {
            vertex_id: "s".into(),
            name: "Source".into(),
            parallelism: offsets.len() as u32,
            max_parallelism: 128,
            subtasks: offsets
                .iter()
                .enumerate()
                .map(|(i, &offset)| SubtaskSnapshot {
                    subtask: i as u32,
                    state: SubtaskState::Source { offset },
                    channel_state: Vec::new(),
                    state_bytes: 8,
                    channel_state_bytes: 0,
                    handle: None,
                    committables: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn source_offsets_are_split_round_robin_into_contiguous_chunks() {
        let three = sources(&[10, 20, 30]);
        let to = |p: u32| {
            (0..p)
                .map(|s| source_offset(&three, p, s))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            to(4),
            vec![10, 20, 30, 0],
            "3 → 4: one each, none for the fourth"
        );
        assert_eq!(to(2), vec![20, 30], "3 → 2: {{10, 20}} and {{30}}");
        assert_eq!(to(1), vec![30]);
        assert_eq!(to(3), vec![10, 20, 30]);
    }
}
