//! The stored records, their keys, versions and the migration path.

use crate::sim::checkpoint::CheckpointMetadata;
use crate::sim::failover::JobManagerState;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The current version of both record kinds.
pub const RECORD_VERSION: u32 = 1;
/// `record` of a checkpoint.
pub const CHECKPOINT_RECORD: &str = "flinkscope-checkpoint";
/// `record` of a job.
pub const JOB_RECORD: &str = "flinkscope-job";
/// Largest record text accepted (a checkpoint with in-flight data is a few MB at most).
pub const RECORD_TEXT_MAX: usize = 32 * 1024 * 1024;

/// `{job-id}/chk-{id}`: the key of a checkpoint, as Flink names its folder.
pub fn checkpoint_key(job_id: &str, checkpoint_id: u32) -> String {
    format!("{job_id}/chk-{checkpoint_id}")
}

/// A completed checkpoint as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredCheckpoint {
    /// [`CHECKPOINT_RECORD`].
    pub record: String,
    /// [`RECORD_VERSION`].
    pub version: u32,
    /// The job.
    pub job_id: String,
    /// The checkpoint id.
    pub checkpoint_id: u32,
    /// Wall-clock epoch milliseconds when the page stored it (for display only).
    pub stored_at_ms: u64,
    /// The `_metadata` content.
    pub metadata: CheckpointMetadata,
}

impl StoredCheckpoint {
    /// A record for `metadata`.
    pub fn new(metadata: CheckpointMetadata, stored_at_ms: u64) -> StoredCheckpoint {
        StoredCheckpoint {
            record: CHECKPOINT_RECORD.to_string(),
            version: RECORD_VERSION,
            job_id: metadata.job_id.clone(),
            checkpoint_id: metadata.checkpoint_id.0,
            stored_at_ms,
            metadata,
        }
    }

    /// Its key.
    pub fn key(&self) -> String {
        checkpoint_key(&self.job_id, self.checkpoint_id)
    }
}

/// The job record: the surviving JobManager state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredJob {
    /// [`JOB_RECORD`].
    pub record: String,
    /// [`RECORD_VERSION`].
    pub version: u32,
    /// The job.
    pub job_id: String,
    /// Wall-clock epoch milliseconds of the save (for display only).
    pub stored_at_ms: u64,
    /// The state a new JobManager leader recovers from.
    pub state: JobManagerState,
}

impl StoredJob {
    /// A record for `state`.
    pub fn new(state: JobManagerState, stored_at_ms: u64) -> StoredJob {
        StoredJob {
            record: JOB_RECORD.to_string(),
            version: RECORD_VERSION,
            job_id: state.job_id.clone(),
            stored_at_ms,
            state,
        }
    }
}

/// A stored record that was skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordProblem {
    /// Its key.
    pub key: String,
    /// What is wrong.
    pub reason: String,
}

/// Everything readable in an archive.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Listing {
    /// Job records, newest save first.
    pub jobs: Vec<StoredJob>,
    /// Checkpoints with a job record, by key order.
    pub checkpoints: Vec<StoredCheckpoint>,
    /// Records that were skipped.
    pub problems: Vec<RecordProblem>,
}

impl Listing {
    /// The checkpoints of `job_id`, oldest first.
    pub fn checkpoints_of<'a>(
        &'a self,
        job_id: &'a str,
    ) -> impl Iterator<Item = &'a StoredCheckpoint> + 'a {
        self.checkpoints.iter().filter(move |c| c.job_id == job_id)
    }
}

fn problem(key: &str, reason: impl Into<String>) -> RecordProblem {
    RecordProblem {
        key: key.to_string(),
        reason: reason.into(),
    }
}

/// The fields every record version has (read first, without decoding the rest).
#[derive(Deserialize)]
struct Envelope {
    record: Option<String>,
    version: Option<u64>,
    /// Present in a version-0 record: a bare `_metadata` object without the envelope.
    format_version: Option<u32>,
}

/// Parses a record's text and reads its envelope.
fn envelope(key: &str, text: &str) -> Result<(Value, Envelope), RecordProblem> {
    if text.len() > RECORD_TEXT_MAX {
        return Err(problem(
            key,
            format!(
                "{} bytes is larger than the {RECORD_TEXT_MAX} a record may hold",
                text.len()
            ),
        ));
    }
    let invalid = |e: String| problem(key, format!("truncated or invalid JSON ({e})"));
    let value: Value = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let envelope = Envelope::deserialize(&value).map_err(|e| invalid(e.to_string()))?;
    Ok((value, envelope))
}

fn check_version(key: &str, envelope: &Envelope, kind: &str) -> Result<(), RecordProblem> {
    match (envelope.record.as_deref(), envelope.version) {
        (Some(record), _) if record != kind => Err(problem(
            key,
            format!("is a '{record}' record, expected '{kind}'"),
        )),
        (_, Some(version)) if version == u64::from(RECORD_VERSION) => Ok(()),
        (_, Some(version)) => Err(problem(
            key,
            format!("unknown record version {version} (this build reads {RECORD_VERSION})"),
        )),
        (_, None) => Err(problem(key, "has no record version")),
    }
}

/// Decodes a checkpoint record, checking it against its key. The migration path: a version-0
/// record was a bare `_metadata` object; it is wrapped into the current envelope.
pub fn decode_checkpoint(key: &str, text: &str) -> Result<StoredCheckpoint, RecordProblem> {
    let (value, found) = envelope(key, text)?;
    let shape =
        |e: serde_json::Error| problem(key, format!("does not have the checkpoint shape ({e})"));
    let record =
        if found.version.is_none() && found.record.is_none() && found.format_version.is_some() {
            let metadata = CheckpointMetadata::deserialize(&value).map_err(shape)?;
            StoredCheckpoint::new(metadata, 0)
        } else {
            check_version(key, &found, CHECKPOINT_RECORD)?;
            StoredCheckpoint::deserialize(&value).map_err(shape)?
        };
    record.metadata.check().map_err(|e| problem(key, e))?;
    if record.key() != key
        || record.metadata.job_id != record.job_id
        || record.metadata.checkpoint_id.0 != record.checkpoint_id
    {
        return Err(problem(
            key,
            format!(
                "its content says {} (job {}, chk-{})",
                record.key(),
                record.metadata.job_id,
                record.metadata.checkpoint_id.0
            ),
        ));
    }
    Ok(record)
}

/// Decodes a job record, checking it against its key.
pub fn decode_job(key: &str, text: &str) -> Result<StoredJob, RecordProblem> {
    let (value, found) = envelope(key, text)?;
    check_version(key, &found, JOB_RECORD)?;
    let record = StoredJob::deserialize(&value)
        .map_err(|e| problem(key, format!("does not have the job shape ({e})")))?;
    if record.job_id != key || record.state.job_id != key {
        return Err(problem(
            key,
            format!("its content is for job {}", record.state.job_id),
        ));
    }
    Ok(record)
}

/// Builds a listing from raw `(key, text)` pairs of both stores; checkpoints whose job has no
/// record are reported as orphans.
pub fn listing(jobs: Vec<(String, String)>, checkpoints: Vec<(String, String)>) -> Listing {
    let mut listing = Listing::default();
    for (key, text) in jobs {
        match decode_job(&key, &text) {
            Ok(job) => listing.jobs.push(job),
            Err(p) => listing.problems.push(p),
        }
    }
    crate::sim::order::sort_by(&mut listing.jobs, |a, b| {
        b.stored_at_ms
            .cmp(&a.stored_at_ms)
            .then(a.job_id.cmp(&b.job_id))
    });
    for (key, text) in checkpoints {
        match decode_checkpoint(&key, &text) {
            Ok(c) if listing.jobs.iter().any(|j| j.job_id == c.job_id) => {
                listing.checkpoints.push(c)
            }
            Ok(c) => listing.problems.push(problem(
                &key,
                format!("its job {} has no job record", c.job_id),
            )),
            Err(p) => listing.problems.push(p),
        }
    }
    crate::sim::order::sort_by(&mut listing.checkpoints, |a, b| {
        (a.job_id.as_str(), a.checkpoint_id).cmp(&(b.job_id.as_str(), b.checkpoint_id))
    });
    listing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Sim, SimConfig, SimTime};

    fn sample() -> (StoredJob, StoredCheckpoint) {
        let mut sim = Sim::new(SimConfig::default(), 2).unwrap();
        sim.advance_to(SimTime::from_ms(30_000));
        let metadata = sim.view().retained_checkpoints()[0].clone();
        (
            StoredJob::new(sim.jobmanager_state(), 1),
            StoredCheckpoint::new(metadata, 2),
        )
    }

    #[test]
    fn records_round_trip_with_their_keys() {
        let (job, checkpoint) = sample();
        let text = serde_json::to_string(&checkpoint).unwrap();
        assert_eq!(
            decode_checkpoint(&checkpoint.key(), &text),
            Ok(checkpoint.clone())
        );
        let job_text = serde_json::to_string(&job).unwrap();
        assert_eq!(decode_job(&job.job_id, &job_text), Ok(job.clone()));
        assert!(checkpoint
            .key()
            .ends_with(&format!("/chk-{}", checkpoint.checkpoint_id)));
    }

    #[test]
    fn broken_records_are_reported_not_returned() {
        let (job, checkpoint) = sample();
        let key = checkpoint.key();
        let text = serde_json::to_string(&checkpoint).unwrap();
        let truncated = &text[..text.len() / 2];
        assert!(decode_checkpoint(&key, truncated)
            .unwrap_err()
            .reason
            .contains("truncated or invalid JSON"));
        let future = text.replacen("\"version\":1", "\"version\":9", 1);
        assert!(decode_checkpoint(&key, &future)
            .unwrap_err()
            .reason
            .contains("unknown record version 9"));
        let moved = decode_checkpoint(&format!("{}/chk-999", job.job_id), &text).unwrap_err();
        assert!(moved.reason.contains("its content says"));
        let listing = listing(vec![], vec![(key.clone(), text.clone())]);
        assert_eq!(listing.checkpoints.len(), 0);
        assert!(listing.problems[0].reason.contains("has no job record"));
    }

    #[test]
    fn version_zero_bare_metadata_migrates() {
        let (job, checkpoint) = sample();
        let bare = serde_json::to_string(&checkpoint.metadata).unwrap();
        let migrated = decode_checkpoint(&checkpoint.key(), &bare).unwrap();
        assert_eq!(migrated.metadata, checkpoint.metadata);
        assert_eq!(migrated.version, RECORD_VERSION);
        let listing = listing(
            vec![(job.job_id.clone(), serde_json::to_string(&job).unwrap())],
            vec![(checkpoint.key(), bare)],
        );
        assert_eq!(listing.checkpoints.len(), 1);
        assert!(listing.problems.is_empty());
    }
}
