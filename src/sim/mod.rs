//! The simulation engine (filled in below).
pub mod rest;
pub mod time;
