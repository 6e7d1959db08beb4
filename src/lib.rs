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

/// The Korean text of a table entry, written `ko!` and a literal right after the entry's English
/// literal. The page's build drops it (an empty text) and finds it in the fetched Korean catalog
/// by the English text, as for `tr!` (`tests/i18n_catalog.rs` reads both kinds); native code
/// keeps it. 2 KB less gzip in the page than keeping both texts of the option and label tables.
#[cfg(target_arch = "wasm32")]
macro_rules! ko {
    ($ko:literal) => {
        ""
    };
}
#[cfg(not(target_arch = "wasm32"))]
macro_rules! ko {
    ($ko:literal) => {
        $ko
    };
}

pub mod app;
pub mod run;
pub mod sim;
#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;
