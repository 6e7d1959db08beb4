//! flinkscope: a deterministic simulation of an Apache Flink cluster running the keyed,
//! checkpointed streaming job of a Flink study talk.
//!
//! `sim` is the pure engine (no browser, no clock, no OS randomness). Everything else is an edge
//! that drives it or paints it.

pub mod sim;
