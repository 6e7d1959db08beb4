//! flinkscope: a deterministic simulation of an Apache Flink cluster running the keyed,
//! checkpointed streaming job of a Flink study talk.
//!
//! `sim` is the pure engine (no browser, no clock, no OS randomness). `script` is a run as data
//! (seed, configuration, commands) and `bench` the benchmark scenarios; both are pure too.
//! Everything else is an edge that drives the engine or paints it.

pub mod driver;
pub mod fixed;
pub mod run;
pub mod sim;
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod ui;
