//! The components (wasm only): Yew components that read the session and emit actions.
//!
//! Every panel receives [`PanelProps`]: a read-only [`SessionRef`], the language, a `tick` that
//! changes when it should re-render, and callbacks that emit [`Action`]s (and, for the fault
//! buttons, [`Command`]s) to the page's root in `crate::web::host`, the session's only owner.
//! Components hold no clock and never change the session; what they keep themselves is
//! presentation (an open row, a draft form, the chosen sub-tab).

pub mod checkpoints;
pub mod cluster;
pub mod compare;
pub mod config_editor;
pub mod dashboard;
pub mod dataflow;
pub mod exceptions;
pub mod header;
pub mod help;
pub mod log_panel;
pub mod page;
pub mod plots;
pub mod resume;
pub mod shared;
pub mod sink_view;
pub mod state_view;
pub mod storage;
pub mod talk;
pub mod timeline_bar;

pub use crate::app::format;
pub(crate) use shared::i18n::{tr, trf};
pub use shared::i18n::{tr_dyn, Lang};
pub use shared::widgets::bound;

use crate::app::{Action, SessionRef};
use crate::sim::event::Command;
use yew::prelude::*;

/// What every panel receives.
#[derive(Properties, Clone, PartialEq)]
pub struct PanelProps {
    /// The session, read-only.
    pub session: SessionRef,
    /// Interface language.
    pub lang: Lang,
    /// Changes whenever the panel should re-render (every frame for animations, a few times a
    /// second for tables).
    pub tick: u64,
    /// Sends a command to the simulated cluster (applied at the current simulated instant).
    pub on_command: Callback<Command>,
    /// Emits any other action.
    pub dispatch: Callback<Action>,
    /// Where the panel is: 0 the page, 1 a comparison's left side, 2 its right side (the
    /// right run). Element ids get the side's suffix so two sides never share one.
    #[prop_or_default]
    pub side: usize,
}

/// The element-id suffix of a side (see [`PanelProps::side`]).
pub fn side_suffix(side: usize) -> &'static str {
    match side {
        1 => "-left",
        2 => "-right",
        _ => "",
    }
}
