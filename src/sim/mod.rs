//! The simulation engine: a whole Flink cluster running the study job, as a deterministic,
//! clock-less, sans-IO state machine.
//!
//! # The loop
//! 1. The caller owns time. The engine never reads a clock; time moves only through
//!    [`Sim::advance_to`], [`Sim::advance_bounded`] and [`Sim::step`].
//! 2. Inputs: [`Sim::handle`] applies a [`Command`] at the current simulated instant.
//! 3. `advance_to(t)` processes every queued event with `time <= t` in `(time, seq)` order.
//! 4. `step()` processes exactly one event.
//! 5. Outputs: [`Sim::drain_events`] empties the outbox; [`Sim::next_event_time`] is the next
//!    deadline; [`Sim::view`] is a cheap read-only projection; `rest` builds Flink's REST JSON.
//!
//! # Implementation note: determinism rules
//! - Simulated time is integer microseconds ([`SimTime`]); no floating point in engine state.
//! - Randomness comes from named SplitMix64 streams derived from the seed per concern, and from a
//!   stateless hash for the source's records; never from the OS or a platform-sized type.
//! - Iteration order is always deterministic: dense `Vec`s indexed by ids, no hash maps.
//! - Ties in the event queue break on a monotonically increasing sequence number.
//! - Nothing here depends on the browser, threads, async or wall-clock time.

/// A value as `{:?}` shows it, for the engine's invariant panics: natively the value; in the
/// page a placeholder, so the page does not carry a `Debug` printer per type for panics that
/// never fire (the swarm and native tests run the same code and print the values).
macro_rules! debug_text {
    ($value:expr) => {{
        #[cfg(not(target_arch = "wasm32"))]
        let text = format!("{:?}", $value);
        #[cfg(target_arch = "wasm32")]
        let text = {
            let _ = &$value;
            "(see a native run)"
        };
        text
    }};
}

pub mod alignment;
pub mod channel;
pub mod checkpoint;
mod checkpointing;
pub mod cluster;
pub mod config;
pub mod coordinator;
pub(crate) mod dataflow;
pub mod engine;
pub mod event;
pub mod failover;
pub mod graph;
pub mod ids;
pub mod invariants;
pub(crate) mod json;
pub mod key_group;
pub mod lifecycle;
pub mod limits;
pub mod log;
pub mod order;
mod queue;
mod recovery;
pub mod rest;
pub mod restart;
pub mod restore;
pub mod rng;
pub mod sink;
pub mod state_backend;
pub mod storage;
pub mod task;
pub mod time;
pub mod trace;
pub mod view;
pub mod workload;

pub use config::SimConfig;
pub use engine::Sim;
pub use event::{Command, Event, TimedEvent};
pub use time::{SimDuration, SimTime};
