//! `GET /jobs/:jobid/checkpoints`: counts, summary statistics, the latest checkpoints and the
//! recent history.

use serde::{Deserialize, Serialize};

use super::{
    CheckpointStatistics, CompletedCheckpointStatistics, FailedCheckpointStatistics, JsonDouble,
};

/// Mirrors Flink's `CheckpointingStatistics`, the body of `GET /jobs/:jobid/checkpoints`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointingStatistics {
    /// How many checkpoints were restored, triggered, are running, completed and failed.
    pub counts: CheckpointingCounts,
    /// Statistics over the completed checkpoints.
    pub summary: CheckpointSummary,
    /// The latest of each kind.
    pub latest: LatestCheckpoints,
    /// Newest first, at most `web.checkpoints.history` (10) entries, `tasks` left empty.
    pub history: Vec<CheckpointStatistics>,
}

/// Mirrors `CheckpointingStatistics.Counts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointingCounts {
    /// Restores from a checkpoint (one per restart attempt).
    pub restored: i64,
    /// Triggers, including those that failed before getting an id.
    pub total: i64,
    /// Pending checkpoints.
    pub in_progress: i32,
    /// Completed checkpoints.
    pub completed: i64,
    /// Failed checkpoints.
    pub failed: i64,
}

/// Mirrors `CheckpointingStatistics.Summary`: statistics over completed checkpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointSummary {
    /// Of `checkpointed_size`, bytes.
    #[serde(rename = "checkpointed_size")]
    pub checkpointed_size_bytes: StatsSummaryDto,
    /// Of `state_size`, bytes.
    #[serde(rename = "state_size")]
    pub state_size_bytes: StatsSummaryDto,
    /// Of `end_to_end_duration`, ms.
    #[serde(rename = "end_to_end_duration")]
    pub end_to_end_duration_ms: StatsSummaryDto,
    /// Of `alignment_buffered` (legacy, zero), bytes.
    #[serde(rename = "alignment_buffered")]
    pub alignment_buffered_bytes: StatsSummaryDto,
    /// Of `processed_data`, bytes.
    #[serde(rename = "processed_data")]
    pub processed_data_bytes: StatsSummaryDto,
    /// Of `persisted_data`, bytes.
    #[serde(rename = "persisted_data")]
    pub persisted_data_bytes: StatsSummaryDto,
}

/// Mirrors Flink's `StatsSummaryDto`. `min`, `max` and `avg` are longs (avg truncated); the
/// percentiles are doubles from a histogram of recent values, and `"NaN"` where Flink keeps no
/// histogram (the per-subtask summaries).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsSummaryDto {
    /// Minimum.
    pub min: i64,
    /// Maximum.
    pub max: i64,
    /// Mean, truncated.
    pub avg: i64,
    /// Median.
    pub p50: JsonDouble,
    /// 90th percentile.
    pub p90: JsonDouble,
    /// 95th percentile.
    pub p95: JsonDouble,
    /// 99th percentile.
    pub p99: JsonDouble,
    /// 99.9th percentile.
    pub p999: JsonDouble,
}

impl StatsSummaryDto {
    /// A summary without percentiles (all `"NaN"`), as Flink writes for subtask statistics.
    #[must_use]
    pub fn without_percentiles(min: i64, max: i64, avg: i64) -> Self {
        StatsSummaryDto {
            min,
            max,
            avg,
            p50: JsonDouble::NAN,
            p90: JsonDouble::NAN,
            p95: JsonDouble::NAN,
            p99: JsonDouble::NAN,
            p999: JsonDouble::NAN,
        }
    }
}

/// Mirrors `CheckpointingStatistics.LatestCheckpoints`. A missing entry is written as `null`.
/// Each present entry keeps its `className`, as Jackson's type info does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatestCheckpoints {
    /// The newest completed checkpoint.
    #[serde(with = "tagged_completed")]
    pub completed: Option<CompletedCheckpointStatistics>,
    /// The newest completed savepoint.
    #[serde(with = "tagged_completed")]
    pub savepoint: Option<CompletedCheckpointStatistics>,
    /// The newest failed checkpoint.
    #[serde(with = "tagged_failed")]
    pub failed: Option<FailedCheckpointStatistics>,
    /// The checkpoint the job last restored from.
    pub restored: Option<RestoredCheckpointStatistics>,
}

/// Mirrors `CheckpointingStatistics.RestoredCheckpointStatistics` (`latest.restored`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoredCheckpointStatistics {
    /// The restored checkpoint's id.
    pub id: i64,
    /// When the restore happened (epoch ms).
    #[serde(rename = "restore_timestamp")]
    pub restore_timestamp_ms: i64,
    /// Whether it was a savepoint.
    pub is_savepoint: bool,
    /// Its location, e.g. `file:/tmp/flink-checkpoints/<jid>/chk-15`.
    pub external_path: Option<String>,
}

/// A borrowed `CheckpointStatistics`, so a typed `latest` entry is written with its
/// discriminator without being cloned.
#[derive(Serialize)]
#[serde(tag = "className")]
enum TaggedLatest<'a> {
    #[serde(rename = "completed")]
    Completed(&'a CompletedCheckpointStatistics),
    #[serde(rename = "failed")]
    Failed(&'a FailedCheckpointStatistics),
}

/// (De)serialises an `Option<CompletedCheckpointStatistics>` with its `"className":"completed"`.
mod tagged_completed {
    use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

    use super::{CheckpointStatistics, CompletedCheckpointStatistics, TaggedLatest};

    /// Writes `null` or the entry with its discriminator first.
    pub fn serialize<S: Serializer>(
        value: &Option<CompletedCheckpointStatistics>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value
            .as_ref()
            .map(TaggedLatest::Completed)
            .serialize(serializer)
    }

    /// Reads `null` or an entry whose `className` must be `completed`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<CompletedCheckpointStatistics>, D::Error> {
        match Option::<CheckpointStatistics>::deserialize(deserializer)? {
            None => Ok(None),
            Some(CheckpointStatistics::Completed(completed)) => Ok(Some(completed)),
            Some(other) => Err(de::Error::custom(format_args!(
                "expected a completed checkpoint, got checkpoint {} with status {:?}",
                other.base().id,
                other.base().status
            ))),
        }
    }
}

/// (De)serialises an `Option<FailedCheckpointStatistics>` with its `"className":"failed"`.
mod tagged_failed {
    use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

    use super::{CheckpointStatistics, FailedCheckpointStatistics, TaggedLatest};

    /// Writes `null` or the entry with its discriminator first.
    pub fn serialize<S: Serializer>(
        value: &Option<FailedCheckpointStatistics>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value
            .as_ref()
            .map(TaggedLatest::Failed)
            .serialize(serializer)
    }

    /// Reads `null` or an entry whose `className` must be `failed`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<FailedCheckpointStatistics>, D::Error> {
        match Option::<CheckpointStatistics>::deserialize(deserializer)? {
            None => Ok(None),
            Some(CheckpointStatistics::Failed(failed)) => Ok(Some(failed)),
            Some(other) => Err(de::Error::custom(format_args!(
                "expected a failed checkpoint, got checkpoint {} with status {:?}",
                other.base().id,
                other.base().status
            ))),
        }
    }
}
