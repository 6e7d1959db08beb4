//! The browser edge (wasm only): everything that calls the browser.
//!
//! - [`host`]: the page's root component — owns the session, applies every action, performs
//!   the effects, drives the animation-frame clock and the keyboard shortcuts;
//! - [`pump`]: performs the mirror's archive batches;
//! - [`archive`], [`indexed_db`], [`memory`]: the checkpoint archive (IndexedDB, or memory);
//! - [`frame`]: the requestAnimationFrame loop; [`download`]: file downloads; [`panic`]: the
//!   panic hook.

pub mod archive;
pub mod download;
pub mod frame;
pub mod host;
pub mod indexed_db;
pub mod memory;
pub mod panic;
pub mod pump;
pub mod talk_sync;
