//! The browser app (wasm only): Yew components painting a read-only view of the engine.
//!
//! One owner of the simulation: [`Model`] behind [`ModelRef`] (`Rc<RefCell<…>>`), advanced by
//! the animation-frame driver in `app.rs`. Components receive the `ModelRef`, the language and a
//! `tick` that changes when they should re-render, borrow the model immutably while rendering,
//! and send user intent as [`Command`]s through `on_command`. Components never mutate the
//! simulation themselves.

pub mod app;
pub mod checkpoints;
pub mod cluster;
pub mod config_editor;
pub mod dashboard;
pub mod dataflow;
pub mod download;
pub mod exceptions;
pub mod format;
pub mod frame;
pub mod help;
pub mod log_panel;
pub mod model;
pub mod panic;
pub mod persistence;
pub mod plots;
pub mod resume;
pub mod state_view;
pub mod storage;
pub mod timeline_bar;

pub use model::{Model, ModelRef};

use crate::sim::event::Command;
use yew::prelude::*;

/// Interface language: the study talk is Korean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Korean.
    Ko,
}

impl Lang {
    /// `en` or `ko` (also the `lang` attribute).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// Parses `en` / `ko`.
    pub fn parse(text: &str) -> Option<Lang> {
        match text {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }
}

/// Picks the text of the current language. Every UI string is written with both, so a missing
/// translation cannot compile.
pub fn tr(lang: Lang, en: &'static str, ko: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ko => ko,
    }
}

/// `value` limited to `low ..= high`, for drawing. Unlike `f64::clamp` it never panics (when
/// `low > high`, e.g. a label wider than the space it centres in, it gives `high`; NaN gives
/// `low`), and it does not pull Rust's float formatting into the page for clamp's panic message.
pub fn bound(value: f64, low: f64, high: f64) -> f64 {
    value.max(low).min(high)
}

/// What every panel receives.
#[derive(Properties, Clone, PartialEq)]
pub struct PanelProps {
    /// The simulation and the page's own state.
    pub model: ModelRef,
    /// Interface language.
    pub lang: Lang,
    /// Changes whenever the panel should re-render (every frame for animations, a few times a
    /// second for tables).
    pub tick: u64,
    /// Sends a command to the simulation (applied at the current simulated instant).
    pub on_command: Callback<Command>,
}
