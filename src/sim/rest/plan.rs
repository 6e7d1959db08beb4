//! `GET /jobs/:jobid/plan` and the `plan` of `GET /jobs/:jobid`: the JobGraph as the web UI
//! draws it.

use serde::{Deserialize, Serialize};

use super::{JobType, OrderedMap};

/// Mirrors Flink's `JobPlanInfo`, the body of `GET /jobs/:jobid/plan`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobPlanInfo {
    /// The plan itself.
    pub plan: JobPlan,
}

/// Mirrors `JobPlanInfo.Plan` (also the `plan` of `JobDetailsInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobPlan {
    /// The job id (32 hex digits).
    pub jid: String,
    /// The job name.
    pub name: String,
    /// `STREAMING` or `BATCH`.
    #[serde(rename = "type")]
    pub job_type: JobType,
    /// One node per JobVertex. Flink lists the sinks' side first (the capture has the keyed
    /// vertex before the source), so keep the order the simulator means to show.
    pub nodes: Vec<JobPlanNode>,
}

/// Mirrors `JobPlanInfo.Plan.Node`: one JobVertex (a chain of operators).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobPlanNode {
    /// The JobVertexID (32 hex digits).
    pub id: String,
    /// Empty for streaming jobs.
    pub operator: String,
    /// The vertex parallelism.
    pub parallelism: i32,
    /// Empty for streaming jobs.
    pub operator_strategy: String,
    /// The chained operator names, HTML-joined, e.g.
    /// `"AbnormalAlarmFunction<br/>+- Sink: PrintSink<br/>"`.
    pub description: String,
    /// Always `{}` for streaming jobs.
    pub optimizer_properties: OrderedMap<serde_json::Value>,
    /// Upstream edges; absent (not `[]`) for a source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<JobPlanInput>,
}

/// Mirrors `JobPlanInfo.Plan.Input`: one edge into a plan node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobPlanInput {
    /// The upstream JobVertexID.
    pub id: String,
    /// The input index of this edge on the downstream vertex.
    pub num: i32,
    /// The result partition type in lowercase, e.g. `"pipelined_bounded"`.
    pub exchange: String,
    /// The partitioner, e.g. `"HASH"` for a keyBy, `"FORWARD"`, `"REBALANCE"`.
    pub ship_strategy: String,
}
