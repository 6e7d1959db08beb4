//! The page's application core, natively tested: everything the page does that is not a
//! browser call.
//!
//! - [`session`]: the session — the run's [`crate::run::TimeMachine`] plus what the page keeps
//!   beside it (speed, play state, event log, markers, notice, tab, language) — with one
//!   [`Session::apply`] for every [`Action`];
//! - [`action`]: the actions, the effects the browser edge performs, the keyboard shortcuts;
//! - [`mirror`]: the persistence mirror as a value (engine events in, archive operations out);
//! - [`records`]: the stored records (`{job-id}/chk-{id}`, the job record) and how they are
//!   read back defensively;
//! - [`stored`]: what the checkpoint storage browser lists;
//! - [`verification`]: the background determinism check;
//! - [`url`]: what the page's URL asks for;
//! - [`clock`]: wall time → simulated time; [`motion`]: what the dataflow animates;
//! - [`shared`]: the session's two handles — the owner applies actions, components only read;
//! - [`lang`], [`fixed`], [`format`]: the interface language, fixed-point figures, and figures
//!   printed the way Flink's web UI prints them.
//!
//! Depends on `run` and `sim`; the browser edge (`web`) and the components (`ui`) depend on it.

pub mod action;
pub mod clock;
pub mod fixed;
pub mod format;
pub mod lang;
pub mod mirror;
pub mod motion;
pub mod records;
pub mod session;
pub mod shared;
pub mod spotlight;
pub mod stored;
pub mod url;
pub mod verification;

pub use action::{Action, Effect, Outcome, Redraw, RestoreRequest, Stop, Tab};
pub use lang::Lang;
pub use session::Session;
pub use shared::{SessionOwner, SessionRef};
