//! `GET /taskmanagers`: every registered TaskManager with its slots, resources and memory.

use serde::{Deserialize, Serialize};

use super::{JsonDouble, OrderedMap};

/// Mirrors Flink's `TaskManagersInfo`, the body of `GET /taskmanagers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskManagersInfo {
    /// One entry per registered TaskManager.
    #[serde(rename = "taskmanagers")]
    pub task_managers: Vec<TaskManagerInfo>,
}

/// Mirrors Flink's `TaskManagerInfo` (one entry of `GET /taskmanagers`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskManagerInfo {
    /// The TaskManager's resource id, e.g. `"127.0.0.1:36773-0d33f9"`.
    pub id: String,
    /// Its RPC address, e.g. `"pekko.tcp://flink@127.0.0.1:36773/user/rpc/taskmanager_0"`.
    pub path: String,
    /// The netty data port for shuffles.
    pub data_port: i32,
    /// JMX port, -1 when JMX is off.
    pub jmx_port: i32,
    /// Despite Flink's key name, the epoch ms of the last heartbeat, not a duration.
    #[serde(rename = "timeSinceLastHeartbeat")]
    pub last_heartbeat_timestamp_ms: i64,
    /// Task slots offered.
    pub slots_number: i32,
    /// Task slots not allocated.
    pub free_slots: i32,
    /// Task attempts deployed on it (all slot-sharing tasks count).
    pub assigned_tasks: i32,
    /// The resources of all its slots.
    pub total_resource: ResourceProfileInfo,
    /// The resources of its free slots.
    pub free_resource: ResourceProfileInfo,
    /// The machine it runs on.
    pub hardware: HardwareDescription,
    /// Its resolved memory model.
    pub memory_configuration: TaskExecutorMemoryConfiguration,
    /// Blocked by the blocklist; Flink omits the key when false (`NON_DEFAULT`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub blocked: bool,
}

/// Whether a flag is false, for omitting `NON_DEFAULT` booleans.
fn is_false(flag: &bool) -> bool {
    !*flag
}

/// Mirrors Flink's `ResourceProfileInfo` (`totalResource`, `freeResource`). Memory is in MiB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceProfileInfo {
    /// CPU cores, a Java double (`3.0`).
    pub cpu_cores: JsonDouble,
    /// Task heap, MiB.
    #[serde(rename = "taskHeapMemory")]
    pub task_heap_memory_mb: i32,
    /// Task off-heap, MiB.
    #[serde(rename = "taskOffHeapMemory")]
    pub task_off_heap_memory_mb: i32,
    /// Managed memory, MiB.
    #[serde(rename = "managedMemory")]
    pub managed_memory_mb: i32,
    /// Network buffers, MiB.
    #[serde(rename = "networkMemory")]
    pub network_memory_mb: i32,
    /// External resources (e.g. GPUs) by name; empty here.
    pub extended_resources: OrderedMap<JsonDouble>,
}

/// Mirrors Flink's `HardwareDescription` (`hardware` of a TaskManager).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HardwareDescription {
    /// CPU cores the JVM sees (an int here, unlike `ResourceProfileInfo`).
    pub cpu_cores: i32,
    /// Physical memory of the machine, bytes.
    #[serde(rename = "physicalMemory")]
    pub physical_memory_bytes: i64,
    /// JVM heap size, bytes (Flink's name says "free").
    #[serde(rename = "freeMemory")]
    pub free_memory_bytes: i64,
    /// Managed memory, bytes.
    #[serde(rename = "managedMemory")]
    pub managed_memory_bytes: i64,
}

/// Mirrors Flink's `TaskExecutorMemoryConfiguration` (`memoryConfiguration`). All bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskExecutorMemoryConfiguration {
    /// Framework heap, bytes.
    #[serde(rename = "frameworkHeap")]
    pub framework_heap_bytes: i64,
    /// Task heap, bytes.
    #[serde(rename = "taskHeap")]
    pub task_heap_bytes: i64,
    /// Framework off-heap, bytes.
    #[serde(rename = "frameworkOffHeap")]
    pub framework_off_heap_bytes: i64,
    /// Task off-heap, bytes.
    #[serde(rename = "taskOffHeap")]
    pub task_off_heap_bytes: i64,
    /// Network buffers, bytes.
    #[serde(rename = "networkMemory")]
    pub network_memory_bytes: i64,
    /// Managed memory, bytes.
    #[serde(rename = "managedMemory")]
    pub managed_memory_bytes: i64,
    /// JVM metaspace, bytes.
    #[serde(rename = "jvmMetaspace")]
    pub jvm_metaspace_bytes: i64,
    /// JVM overhead, bytes.
    #[serde(rename = "jvmOverhead")]
    pub jvm_overhead_bytes: i64,
    /// Total Flink memory, bytes.
    #[serde(rename = "totalFlinkMemory")]
    pub total_flink_memory_bytes: i64,
    /// Total process memory, bytes.
    #[serde(rename = "totalProcessMemory")]
    pub total_process_memory_bytes: i64,
}
