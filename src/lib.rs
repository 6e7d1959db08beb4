//! flinkscope: a deterministic simulation of an Apache Flink cluster running the keyed,
//! checkpointed streaming job of a Flink study talk.
//!
//! Four rings, each depending only on the ones inside it:
//!
//! ```text
//! sim ← run ← app ← { web, ui }
//! ```
//!
//! - [`sim`]: the engine — a sans-IO, clock-less, deterministic state machine;
//! - [`run`]: a run as data — run files, links, THE replay, the time machine, the one command
//!   syntax, benchmark cases;
//! - [`app`]: the page's state machine — the session and its actions, the persistence mirror,
//!   stored records — native and tested with `cargo test`;
//! - `web` (wasm only): the browser effects — the animation-frame clock, IndexedDB and the
//!   in-memory archive, the pump that performs what the mirror returns, downloads, the panic
//!   hook, and the page's root that owns the session;
//! - `ui` (wasm only): Yew components that read the session and emit actions.

/// `en_ko!` over an English and a Korean string literal: the English text of a table entry, with
/// its Korean text beside it in the source only. `tests/i18n_catalog.rs` reads the pair into the Korean catalog
/// (`i18n/ko.tsv`), where the page finds the Korean text by the English one
/// (`ui::shared::i18n::tr_dyn`), as for `tr!`: neither build carries the Korean literal (the
/// page 2.7 KB less gzip than when the option and label tables kept both).
macro_rules! en_ko {
    ($en:literal, $ko:literal $(,)?) => {
        $en
    };
}

pub mod app;
pub mod run;
pub mod sim;
#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;
