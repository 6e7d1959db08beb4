//! Interface text in English and Korean (the study talk is Korean).
//!
//! Every string is written with both languages at the place it is shown, through [`tr`], so a
//! missing translation cannot compile. Measured against `rust-i18n` and `fluent-bundle` (see
//! `../shared/TOOLCHAIN.md`): a `match` costs the page 2.8 KB, the others 16 and 58 KB.

pub use crate::app::Lang;

/// Picks the text of the current language.
pub fn tr(lang: Lang, en: &'static str, ko: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ko => ko,
    }
}
