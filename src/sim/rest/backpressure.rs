//! `GET /jobs/:jobid/vertices/:vertexid/backpressure`: back-pressure of one vertex's subtasks.
//!
//! Flink 2.3 writes the level twice, as `backpressureLevel` (early) and `backpressure-level`
//! (last), in both the vertex body and every subtask. The public types hold it once; private
//! wire structs write both keys and, when reading, insist they agree.

use serde::{Deserialize, Serialize};

use super::JsonDouble;

/// Mirrors Flink's `JobVertexBackPressureInfo`, the body of
/// `GET /jobs/:jobid/vertices/:vertexid/backpressure`. With status `deprecated` (no stats yet)
/// Flink omits every other key (`NON_NULL`), hence the `Option`s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    into = "JobVertexBackPressureWire",
    try_from = "JobVertexBackPressureWire"
)]
pub struct JobVertexBackPressureInfo {
    /// `ok` when statistics are available.
    pub status: VertexBackPressureStatus,
    /// The worst level over the subtasks.
    pub backpressure_level: Option<VertexBackPressureLevel>,
    /// When the statistics were taken (epoch ms).
    pub end_timestamp_ms: Option<i64>,
    /// One entry per subtask.
    pub subtasks: Option<Vec<SubtaskBackPressureInfo>>,
}

/// Mirrors `JobVertexBackPressureInfo.SubtaskBackPressureInfo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "SubtaskBackPressureWire", try_from = "SubtaskBackPressureWire")]
pub struct SubtaskBackPressureInfo {
    /// The subtask index, from 0.
    pub subtask: i32,
    /// `ok` below 10 % back-pressured time, `low` up to 50 %, `high` above.
    pub backpressure_level: VertexBackPressureLevel,
    /// Fraction of time back-pressured (`ratio`), from `backPressuredTimeMsPerSecond`.
    pub backpressured_ratio: JsonDouble,
    /// Fraction of time idle, from `idleTimeMsPerSecond`.
    pub idle_ratio: JsonDouble,
    /// Fraction of time busy, from `busyTimeMsPerSecond`; `"NaN"` for a legacy source.
    pub busy_ratio: JsonDouble,
}

/// Mirrors `JobVertexBackPressureInfo.VertexBackPressureStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VertexBackPressureStatus {
    /// No statistics (yet); every other key is omitted.
    Deprecated,
    /// Statistics are present.
    Ok,
}

/// Mirrors `JobVertexBackPressureInfo.VertexBackPressureLevel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VertexBackPressureLevel {
    /// Back-pressured at most 10 % of the time.
    Ok,
    /// Back-pressured more than 10 % and at most 50 %.
    Low,
    /// Back-pressured more than 50 % of the time.
    High,
}

/// The vertex body exactly as Flink writes it, with the level under both keys.
#[derive(Serialize, Deserialize)]
struct JobVertexBackPressureWire {
    status: VertexBackPressureStatus,
    #[serde(
        rename = "backpressureLevel",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    level_camel: Option<VertexBackPressureLevel>,
    #[serde(
        rename = "end-timestamp",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    end_timestamp_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subtasks: Option<Vec<SubtaskBackPressureInfo>>,
    #[serde(
        rename = "backpressure-level",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    level_kebab: Option<VertexBackPressureLevel>,
}

impl From<JobVertexBackPressureInfo> for JobVertexBackPressureWire {
    fn from(info: JobVertexBackPressureInfo) -> Self {
        JobVertexBackPressureWire {
            status: info.status,
            level_camel: info.backpressure_level,
            end_timestamp_ms: info.end_timestamp_ms,
            subtasks: info.subtasks,
            level_kebab: info.backpressure_level,
        }
    }
}

impl TryFrom<JobVertexBackPressureWire> for JobVertexBackPressureInfo {
    type Error = String;

    fn try_from(wire: JobVertexBackPressureWire) -> Result<Self, String> {
        Ok(JobVertexBackPressureInfo {
            status: wire.status,
            backpressure_level: merge_levels(wire.level_camel, wire.level_kebab)?,
            end_timestamp_ms: wire.end_timestamp_ms,
            subtasks: wire.subtasks,
        })
    }
}

/// A subtask entry exactly as Flink writes it, with the level under both keys.
#[derive(Serialize, Deserialize)]
struct SubtaskBackPressureWire {
    subtask: i32,
    #[serde(rename = "backpressureLevel", default)]
    level_camel: Option<VertexBackPressureLevel>,
    ratio: JsonDouble,
    #[serde(rename = "idleRatio")]
    idle_ratio: JsonDouble,
    #[serde(rename = "busyRatio")]
    busy_ratio: JsonDouble,
    #[serde(rename = "backpressure-level", default)]
    level_kebab: Option<VertexBackPressureLevel>,
}

impl From<SubtaskBackPressureInfo> for SubtaskBackPressureWire {
    fn from(info: SubtaskBackPressureInfo) -> Self {
        SubtaskBackPressureWire {
            subtask: info.subtask,
            level_camel: Some(info.backpressure_level),
            ratio: info.backpressured_ratio,
            idle_ratio: info.idle_ratio,
            busy_ratio: info.busy_ratio,
            level_kebab: Some(info.backpressure_level),
        }
    }
}

impl TryFrom<SubtaskBackPressureWire> for SubtaskBackPressureInfo {
    type Error = String;

    fn try_from(wire: SubtaskBackPressureWire) -> Result<Self, String> {
        let level = merge_levels(wire.level_camel, wire.level_kebab)?;
        Ok(SubtaskBackPressureInfo {
            subtask: wire.subtask,
            backpressure_level: level.ok_or("subtask without a back-pressure level")?,
            backpressured_ratio: wire.ratio,
            idle_ratio: wire.idle_ratio,
            busy_ratio: wire.busy_ratio,
        })
    }
}

/// One level from the two keys that carry it: either may be missing, but they must not differ.
fn merge_levels(
    camel: Option<VertexBackPressureLevel>,
    kebab: Option<VertexBackPressureLevel>,
) -> Result<Option<VertexBackPressureLevel>, String> {
    match (camel, kebab) {
        (Some(a), Some(b)) if a != b => Err(format!(
            "backpressureLevel {a:?} disagrees with backpressure-level {b:?}"
        )),
        (level, None) | (None, level) => Ok(level),
        (Some(level), Some(_)) => Ok(Some(level)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two spellings of the level must agree; a disagreement is an error, not a choice.
    #[test]
    fn backpressure_levels_must_agree() {
        let text = r#"{"subtask":0,"backpressureLevel":"ok","ratio":0.0,"idleRatio":1.0,"busyRatio":0.0,"backpressure-level":"high"}"#;
        assert!(serde_json::from_str::<SubtaskBackPressureInfo>(text).is_err());
    }

    /// A `deprecated` body has only its status, as Flink's `NON_NULL` writes it.
    #[test]
    fn backpressure_deprecated_writes_status_only() {
        let info = JobVertexBackPressureInfo {
            status: VertexBackPressureStatus::Deprecated,
            backpressure_level: None,
            end_timestamp_ms: None,
            subtasks: None,
        };
        let text = serde_json::to_string(&info).unwrap();
        assert_eq!(text, r#"{"status":"deprecated"}"#);
        assert_eq!(
            serde_json::from_str::<JobVertexBackPressureInfo>(&text).unwrap(),
            info
        );
    }
}
