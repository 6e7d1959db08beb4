//! The job graph Flink builds from the study job, and the physical layout derived from it.
//!
//! `Source: RandomUserEventSource` →(HASH on userId)→ `AbnormalAlarmFunction` → print sink.
//! With operator chaining (Flink's default) the print sink is chained into the keyed task: 2
//! vertices, 2·p tasks. Without chaining the sink is its own vertex behind a FORWARD edge: 3
//! vertices, as the talk draws it. Tasks are numbered vertex by vertex; channels edge by edge.

use crate::sim::config::SimConfig;
use crate::sim::ids::{ChannelIndex, KeyIndex, TaskIndex, VertexIndex};
use crate::sim::key_group;
use crate::sim::sink::SinkKind;

/// What a vertex runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorKind {
    /// `RandomUserEventSource`: emits user events, no inputs.
    Source,
    /// `AbnormalAlarmFunction` (`KeyedProcessFunction` with `ValueState<Integer>`), with the
    /// print sink chained into the same task when `chained_sink`.
    KeyedProcess {
        /// Whether the print sink runs in this task.
        chained_sink: bool,
    },
    /// `Sink: PrintSink` as its own task (chaining disabled).
    Sink,
}

/// How records are routed over an edge (`ship_strategy` in the REST plan).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShipStrategy {
    /// keyBy: every upstream subtask has a channel to every downstream subtask.
    Hash,
    /// One-to-one: upstream subtask *i* feeds downstream subtask *i*.
    Forward,
}

impl ShipStrategy {
    /// The REST spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ShipStrategy::Hash => "HASH",
            ShipStrategy::Forward => "FORWARD",
        }
    }
}

/// A job vertex (a chain of operators run by `parallelism` tasks).
#[derive(Clone, Debug)]
pub struct JobVertex {
    /// The 32-hex-digit `JobVertexID`.
    pub id: String,
    /// The vertex name as Flink shows it (`AbnormalAlarmFunction -> Sink: PrintSink`).
    pub name: String,
    /// The operators, for the plan's `description` (`A<br/>+- B<br/>`).
    pub operator_names: Vec<&'static str>,
    /// What the tasks run.
    pub kind: OperatorKind,
    /// Number of tasks.
    pub parallelism: u32,
    /// Max parallelism (number of key groups for a keyed vertex).
    pub max_parallelism: u32,
    /// The first task of this vertex; its tasks are `first_task .. first_task + parallelism`.
    pub first_task: TaskIndex,
}

/// An edge between two vertices.
#[derive(Clone, Copy, Debug)]
pub struct JobEdge {
    /// The producing vertex.
    pub upstream: VertexIndex,
    /// The consuming vertex.
    pub downstream: VertexIndex,
    /// Routing.
    pub strategy: ShipStrategy,
}

/// One task's position in the graph and its network endpoints.
#[derive(Clone, Debug)]
pub struct TaskLayout {
    /// The vertex it belongs to.
    pub vertex: VertexIndex,
    /// Its subtask index within the vertex (0-based).
    pub subtask: u32,
    /// Its input channels, in input-gate order (index = the upstream subtask).
    pub inputs: Vec<ChannelIndex>,
    /// Its output channels, indexed by downstream subtask (one entry for FORWARD).
    pub outputs: Vec<ChannelIndex>,
}

/// A network channel from a sender task to a receiver task.
#[derive(Clone, Copy, Debug)]
pub struct ChannelLayout {
    /// The producing task (owns the result subpartition).
    pub sender: TaskIndex,
    /// The consuming task (owns the input channel).
    pub receiver: TaskIndex,
    /// Position of this channel in the receiver's input gate.
    pub input_position: u32,
}

/// A key of the stream: a user id, and where Flink's key groups put it.
#[derive(Clone, Debug)]
pub struct KeyLayout {
    /// The key (`user1`).
    pub name: String,
    /// The source subtask that emits events for this user ([`NO_SOURCE`]: a key found only in
    /// restored state, which no source of this job emits any more).
    pub source_subtask: u32,
    /// Java `String.hashCode` of the key.
    pub java_hash: i32,
    /// The key group (`murmurHash(hashCode) % maxParallelism`).
    pub key_group: u32,
    /// The keyed subtask that owns the key group.
    pub keyed_subtask: u32,
}

/// The job graph plus its physical layout.
#[derive(Clone, Debug)]
pub struct JobGraph {
    /// Vertices in topological order (the source is 0, the keyed vertex 1).
    pub vertices: Vec<JobVertex>,
    /// Edges.
    pub edges: Vec<JobEdge>,
    /// Every task, vertex by vertex.
    pub tasks: Vec<TaskLayout>,
    /// Every channel.
    pub channels: Vec<ChannelLayout>,
    /// Every key, `user1` first.
    pub keys: Vec<KeyLayout>,
    /// Keys of each source subtask, in emission-choice order.
    pub keys_by_source: Vec<Vec<KeyIndex>>,
}

/// The vertex ids real Flink 2.3.0 gave the chained job (they are hashes of the stream graph,
/// not random, so the same program gets the same ids).
const SOURCE_VERTEX_ID: &str = "bc764cd8ddf7a0cff126f51c16239658";
const KEYED_CHAINED_VERTEX_ID: &str = "20ba6b65f97481d5570070de90e4e791";

/// The index of the source vertex.
pub const SOURCE_VERTEX: VertexIndex = VertexIndex(0);
/// The index of the keyed vertex.
pub const KEYED_VERTEX: VertexIndex = VertexIndex(1);

/// [`KeyLayout::source_subtask`] of a key that only restored state holds.
pub const NO_SOURCE: u32 = u32::MAX;

/// The operator id `uid(…)` gives an operator: a hash of the uid alone, so it stays the same
/// whatever the chaining (Flink: `StreamGraphHasherV2.generateUserSpecifiedHash`). Without a uid,
/// Flink hashes the operator's place in the graph and its chained outputs, so switching chaining
/// changes the ids of the keyed operator and the sink (not the source's, whose output is a keyBy).
pub fn uid_operator_id(uid: &str) -> String {
    derived_vertex_id(&format!("uid:{uid}"))
}

/// The uids the study job gives its operators when `simulation.operator-uids` is on.
pub const OPERATOR_UIDS: [&str; 3] = ["random-user-event-source", "abnormal-count", "print-sink"];

impl JobGraph {
    /// Adds keys that restored state holds but no source of this job emits (after a rescale or
    /// a change of users per subtask): Flink keeps their state in their key groups.
    pub fn adopt_keys<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        let max_p = self.vertices[KEYED_VERTEX.index()].max_parallelism;
        let p = self.vertices[KEYED_VERTEX.index()].parallelism;
        for name in names {
            if self.keys.iter().any(|k| k.name == name) {
                continue;
            }
            let key_group = key_group::key_group_for_key(name, max_p);
            self.keys.push(KeyLayout {
                java_hash: key_group::java_string_hash(name),
                name: name.to_string(),
                source_subtask: NO_SOURCE,
                key_group,
                keyed_subtask: key_group::subtask_for_key_group(max_p, p, key_group),
            });
        }
    }

    /// Builds the graph for `config` (which must be valid).
    pub fn build(config: &SimConfig) -> JobGraph {
        let p = config.parallelism;
        let max_p = config.effective_max_parallelism();
        assert!(p >= 1 && p <= max_p, "parallelism {p} outside 1..={max_p}");
        let uid = |index: usize, generated: String| {
            if config.operator_uids {
                uid_operator_id(OPERATOR_UIDS[index])
            } else {
                generated
            }
        };
        let mut vertices = vec![JobVertex {
            id: uid(0, SOURCE_VERTEX_ID.to_string()),
            name: "Source: RandomUserEventSource".to_string(),
            operator_names: vec!["Source: RandomUserEventSource"],
            kind: OperatorKind::Source,
            parallelism: p,
            max_parallelism: max_p,
            first_task: TaskIndex(0),
        }];
        let mut edges = vec![JobEdge {
            upstream: SOURCE_VERTEX,
            downstream: KEYED_VERTEX,
            strategy: ShipStrategy::Hash,
        }];
        // A Sink V2 with a committer expands into `Sink: Writer` and `Sink: Committer`
        // (SinkTransformationTranslator; the sink's default name is "Sink"), one without into
        // `Sink: Writer`; both chain behind the keyed function.
        let sink_operators: &[&'static str] = match config.sink {
            SinkKind::Print => &["Sink: PrintSink"],
            SinkKind::TwoPhaseCommit => &["Sink: Writer", "Sink: Committer"],
            SinkKind::IdempotentUpsert => &["Sink: Writer"],
        };
        if config.chaining {
            let mut operator_names = vec!["AbnormalAlarmFunction"];
            operator_names.extend_from_slice(sink_operators);
            let name = operator_names.join(" -> ");
            let observed = config.sink == SinkKind::Print;
            vertices.push(JobVertex {
                id: uid(
                    1,
                    if observed {
                        KEYED_CHAINED_VERTEX_ID.to_string()
                    } else {
                        derived_vertex_id(&name)
                    },
                ),
                name,
                operator_names,
                kind: OperatorKind::KeyedProcess { chained_sink: true },
                parallelism: p,
                max_parallelism: max_p,
                first_task: TaskIndex(p),
            });
        } else {
            vertices.push(JobVertex {
                id: uid(1, derived_vertex_id("AbnormalAlarmFunction")),
                name: "AbnormalAlarmFunction".to_string(),
                operator_names: vec!["AbnormalAlarmFunction"],
                kind: OperatorKind::KeyedProcess {
                    chained_sink: false,
                },
                parallelism: p,
                max_parallelism: max_p,
                first_task: TaskIndex(p),
            });
            let name = sink_operators.join(" -> ");
            vertices.push(JobVertex {
                id: uid(2, derived_vertex_id(&name)),
                name,
                operator_names: sink_operators.to_vec(),
                kind: OperatorKind::Sink,
                parallelism: p,
                max_parallelism: max_p,
                first_task: TaskIndex(2 * p),
            });
            edges.push(JobEdge {
                upstream: KEYED_VERTEX,
                downstream: VertexIndex(2),
                strategy: ShipStrategy::Forward,
            });
        }
        let (tasks, channels) = physical_layout(&vertices, &edges);
        let (keys, keys_by_source) = key_layout(config, max_p);
        let graph = JobGraph {
            vertices,
            edges,
            tasks,
            channels,
            keys,
            keys_by_source,
        };
        graph.assert_consistent();
        graph
    }

    fn assert_consistent(&self) {
        for (index, channel) in self.channels.iter().enumerate() {
            let receiver = &self.tasks[channel.receiver.index()];
            let position = channel.input_position as usize;
            assert_eq!(
                receiver.inputs[position].index(),
                index,
                "input gate order broken"
            );
            assert!(self.tasks[channel.sender.index()]
                .outputs
                .contains(&ChannelIndex::from_index(index)));
        }
        for key in &self.keys {
            assert!(key.keyed_subtask < self.vertices[1].parallelism);
        }
    }

    /// The vertex of `task`.
    pub fn vertex_of(&self, task: TaskIndex) -> &JobVertex {
        &self.vertices[self.tasks[task.index()].vertex.index()]
    }

    /// The task running subtask `subtask` of `vertex`.
    pub fn task(&self, vertex: VertexIndex, subtask: u32) -> TaskIndex {
        let v = &self.vertices[vertex.index()];
        assert!(subtask < v.parallelism, "subtask {subtask} of {}", v.name);
        TaskIndex(v.first_task.0 + subtask)
    }

    /// The number of tasks (acknowledgements per checkpoint).
    pub fn task_count(&self) -> u32 {
        self.tasks.len() as u32
    }

    /// The display name of a task, as Flink writes it: `Name (2/3)#0`.
    pub fn task_name(&self, task: TaskIndex, attempt: u32) -> String {
        let layout = &self.tasks[task.index()];
        let vertex = &self.vertices[layout.vertex.index()];
        format!(
            "{} ({}/{})#{}",
            vertex.name,
            layout.subtask + 1,
            vertex.parallelism,
            attempt
        )
    }

    /// The keyed task that owns `key`.
    pub fn keyed_task_of(&self, key: KeyIndex) -> TaskIndex {
        self.task(KEYED_VERTEX, self.keys[key.index()].keyed_subtask)
    }
}

fn physical_layout(
    vertices: &[JobVertex],
    edges: &[JobEdge],
) -> (Vec<TaskLayout>, Vec<ChannelLayout>) {
    let mut tasks: Vec<TaskLayout> = Vec::new();
    for (v, vertex) in vertices.iter().enumerate() {
        for subtask in 0..vertex.parallelism {
            tasks.push(TaskLayout {
                vertex: VertexIndex::from_index(v),
                subtask,
                inputs: Vec::new(),
                outputs: Vec::new(),
            });
        }
    }
    let mut channels = Vec::new();
    for edge in edges {
        let up = &vertices[edge.upstream.index()];
        let down = &vertices[edge.downstream.index()];
        for sender_subtask in 0..up.parallelism {
            let targets: Vec<u32> = match edge.strategy {
                ShipStrategy::Hash => (0..down.parallelism).collect(),
                ShipStrategy::Forward => vec![sender_subtask],
            };
            for receiver_subtask in targets {
                let sender = TaskIndex(up.first_task.0 + sender_subtask);
                let receiver = TaskIndex(down.first_task.0 + receiver_subtask);
                let channel = ChannelIndex::from_index(channels.len());
                let input_position = tasks[receiver.index()].inputs.len() as u32;
                tasks[receiver.index()].inputs.push(channel);
                tasks[sender.index()].outputs.push(channel);
                channels.push(ChannelLayout {
                    sender,
                    receiver,
                    input_position,
                });
            }
        }
    }
    (tasks, channels)
}

fn key_layout(config: &SimConfig, max_p: u32) -> (Vec<KeyLayout>, Vec<Vec<KeyIndex>>) {
    let p = config.parallelism;
    let mut keys = Vec::new();
    let mut by_source = vec![Vec::new(); p as usize];
    for round in 0..config.users_per_subtask {
        for source_subtask in 0..p {
            let name = format!("user{}", round * p + source_subtask + 1);
            let key_group = key_group::key_group_for_key(&name, max_p);
            let keyed_subtask = key_group::subtask_for_key_group(max_p, p, key_group);
            by_source[source_subtask as usize].push(KeyIndex::from_index(keys.len()));
            keys.push(KeyLayout {
                java_hash: key_group::java_string_hash(&name),
                name,
                source_subtask,
                key_group,
                keyed_subtask,
            });
        }
    }
    (keys, by_source)
}

/// A stable 32-hex id for vertices real Flink was not observed with (chaining disabled).
fn derived_vertex_id(name: &str) -> String {
    let hash = crate::sim::trace::fnv1a64(name.as_bytes());
    let other = crate::sim::rng::mix64(hash);
    format!("{hash:016x}{other:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chained_job_has_two_vertices_and_nine_channels() {
        let graph = JobGraph::build(&SimConfig::default());
        assert_eq!(graph.vertices.len(), 2);
        assert_eq!(graph.task_count(), 6);
        assert_eq!(graph.channels.len(), 9);
        assert_eq!(
            graph.vertices[1].name,
            "AbnormalAlarmFunction -> Sink: PrintSink"
        );
        assert_eq!(
            graph.task_name(TaskIndex(4), 0),
            "AbnormalAlarmFunction -> Sink: PrintSink (2/3)#0"
        );
        let owners: Vec<u32> = graph.keys.iter().map(|k| k.keyed_subtask).collect();
        assert_eq!(
            owners,
            vec![2, 0, 2],
            "user1 and user3 on subtask 2, user2 on subtask 0"
        );
    }

    #[test]
    fn unchained_job_has_three_vertices_and_forward_channels() {
        let config = SimConfig {
            chaining: false,
            ..SimConfig::default()
        };
        let graph = JobGraph::build(&config);
        assert_eq!(graph.vertices.len(), 3);
        assert_eq!(graph.task_count(), 9);
        assert_eq!(graph.channels.len(), 12);
        let sink = graph.task(VertexIndex(2), 1);
        assert_eq!(graph.tasks[sink.index()].inputs.len(), 1);
        assert_eq!(graph.vertices[2].id.len(), 32);
    }
}
