//! What every component shares: the interface language and its text, and small widgets.

pub mod i18n;
pub mod widgets;
