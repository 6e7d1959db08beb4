//! TaskManagers and their slots, as the ResourceManager and the JobMaster see them.
//!
//! A TaskManager has a process (alive or dead: the truth) and a registration (what the
//! JobManager believes). Between a `kill -9` and its detection the two disagree: the
//! JobManager still offers the dead TaskManager's slots, and deployments there fail. That gap
//! is what real Flink showed (FLINK.md Part A) and what the dashboard makes visible.

use crate::sim::ids::TaskManagerId;
use crate::sim::rng::{mix64, SimRng};
use crate::sim::time::SimTime;

/// A slot: one TaskManager and a slot number on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SlotRef {
    /// The TaskManager.
    pub task_manager: TaskManagerId,
    /// Slot number on it (0-based).
    pub slot: u32,
}

/// The TaskManager process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessState {
    /// Running.
    Alive,
    /// Killed at the given instant.
    Dead {
        /// When it was killed.
        since: SimTime,
    },
    /// Started again; it registers at the given instant.
    Starting {
        /// When it registers.
        registers_at: SimTime,
    },
}

/// One TaskManager.
#[derive(Clone, Debug)]
pub struct TaskManager {
    /// Its id (0-based; shown 1-based).
    pub id: TaskManagerId,
    /// Incarnation: 0 at cluster start, +1 per restart (a new resource id each time).
    pub incarnation: u16,
    /// `127.0.0.1:<rpc port>-<6 hex>`, as Flink names TaskManagers.
    pub resource_id: String,
    /// RPC port.
    pub rpc_port: u32,
    /// Netty data port.
    pub data_port: u32,
    /// The process.
    pub process: ProcessState,
    /// Whether the ResourceManager / JobMaster consider it registered.
    pub registered: bool,
    /// Slot allocations: `Some(pipeline)` when the job holds the slot.
    pub slots: Vec<Option<u32>>,
    /// Consecutive failed heartbeat RPCs.
    pub heartbeat_failures: u32,
    /// The last successful heartbeat.
    pub last_heartbeat: SimTime,
    /// Heartbeat phase: heartbeats go out at `phase + k·interval`.
    pub heartbeat_phase_us: u64,
}

impl TaskManager {
    /// A TaskManager registered at `now` with `slots` free slots.
    pub fn new(id: TaskManagerId, slots: u32, rng: &mut SimRng, now: SimTime) -> TaskManager {
        let mut tm = TaskManager {
            id,
            incarnation: 0,
            resource_id: String::new(),
            rpc_port: 0,
            data_port: 0,
            process: ProcessState::Alive,
            registered: true,
            slots: vec![None; slots as usize],
            heartbeat_failures: 0,
            last_heartbeat: now,
            heartbeat_phase_us: 0,
        };
        tm.new_identity(rng);
        tm
    }

    /// Gives the process a fresh resource id and ports (a restarted TaskManager is a new one
    /// to Flink).
    pub fn new_identity(&mut self, rng: &mut SimRng) {
        self.rpc_port = 32_768 + rng.below(28_000) as u32;
        self.data_port = 32_768 + rng.below(28_000) as u32;
        let suffix = mix64(rng.next_u64()) & 0xFF_FFFF;
        self.resource_id = format!("127.0.0.1:{}-{suffix:06x}", self.rpc_port);
    }

    /// Whether the process runs (the truth, not the JobManager's belief).
    pub fn is_alive(&self) -> bool {
        self.process == ProcessState::Alive
    }

    /// Free slots, as the JobManager sees them (none when unregistered).
    pub fn free_slots(&self) -> u32 {
        if !self.registered {
            return 0;
        }
        self.slots.iter().filter(|s| s.is_none()).count() as u32
    }

    /// The Pekko RPC path of the TaskManager.
    pub fn path(&self) -> String {
        format!(
            "pekko.tcp://flink@127.0.0.1:{}/user/rpc/taskmanager_0",
            self.rpc_port
        )
    }
}
