//! A run as data, natively: what the page, the runner and the tests all play.
//!
//! - [`command`]: the one text syntax of a command at an instant (`k2@45s`), shared by links,
//!   the command line and run files;
//! - [`replay`]: THE replay — a simulation advancing through a command log, one policy for a
//!   refused command;
//! - [`time_machine`]: the live simulation with its log and snapshots: play, step, seek, fork;
//! - [`file`]: the run file (seed, configuration, commands, end);
//! - [`link`]: a run and a cursor in a URL query, and the ready-made scenarios;
//! - [`moment`]: moments of a run, found by condition ("the loss of TaskManager 2 is detected");
//! - [`speed`]: the playback speeds;
//! - [`talk`]: a talk as data (sections, steps, scenes, spotlights), read and resolved;
//! - [`compare`]: compare mode's figures;
//! - [`bench`]: the benchmark cases the runner and the browser layer measure.
//!
//! Depends on `sim` only.

pub mod bench;
pub mod command;
pub mod compare;
pub mod file;
pub mod link;
pub mod moment;
pub mod replay;
pub mod speed;
pub mod talk;
pub mod time_machine;

pub use file::{RunFile, RunFileError, RunScript};
pub use replay::{Progress, Refusal, Replay};
pub use time_machine::TimeMachine;
