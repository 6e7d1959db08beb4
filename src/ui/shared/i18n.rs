//! Interface text in English and Korean (the study talk is Korean).
//!
//! Every text is written with both languages at the place it is shown, through [`tr!`], so a
//! missing translation cannot compile. The page's code keeps only the English text: the macro
//! drops the Korean literal, and the Korean texts live in `i18n/ko.json`, a separate asset the
//! page fetches when Korean is chosen and looks up by English text (English shows until it
//! arrives), so the English page does not carry the Korean text (measured: 4.4 KB less gzip). `tests/i18n_catalog.rs` regenerates that
//! file from the code and fails when the committed one differs. Measured against `rust-i18n` and
//! `fluent-bundle` (see `../shared/TOOLCHAIN.md`): a `match` cost the page 2.8 KB, the others 16
//! and 58 KB.

pub use crate::app::lang::{fill, Catalog};
pub use crate::app::Lang;
use std::cell::Cell;

thread_local! {
    /// The Korean texts, once fetched (the page's one thread; kept for the page's life).
    static CATALOG: Cell<Option<&'static Installed>> = const { Cell::new(None) };
}

/// The installed catalog: its texts kept for the page's life, so a lookup hands out `'static`
/// references to them.
struct Installed {
    /// (English, Korean), sorted by the English text.
    texts: Vec<(&'static str, &'static str)>,
}

impl From<Catalog> for Installed {
    fn from(catalog: Catalog) -> Self {
        let texts = catalog
            .into_entries()
            .into_iter()
            .map(|(en, ko)| (&*en.leak(), &*ko.leak()))
            .collect();
        Installed { texts }
    }
}

impl Installed {
    fn get_static(&'static self, en: &str) -> Option<&'static &'static str> {
        let index = self.texts.binary_search_by(|(k, _)| (*k).cmp(en)).ok()?;
        Some(&self.texts[index].1)
    }
}

/// Installs the Korean texts (the first catalog stays; a page fetches it once).
pub fn install(catalog: Catalog) {
    if !installed() {
        CATALOG.set(Some(Box::leak(Box::new(Installed::from(catalog)))));
    }
}

/// Whether the Korean texts are installed.
pub fn installed() -> bool {
    CATALOG.get().is_some()
}

/// The text `en` in `lang`: its Korean text once the catalog is installed, else `en`.
///
/// Out of line (it is called from ~450 places), and thin: it takes and returns a reference to a
/// `&str` held in a static, one wasm word each way, where a `&str` argument and result would be
/// four words and a stack frame at every call (measured: the page 4 KB larger).
#[inline(never)]
pub fn lookup(lang: Lang, en: &'static &'static str) -> &'static &'static str {
    match lang {
        Lang::En => en,
        Lang::Ko => CATALOG.get().and_then(|c| c.get_static(en)).unwrap_or(en),
    }
}

/// The text `en` in `lang`, for texts of tables (`en_ko!` entries):
/// like [`lookup`], the Korean text comes from the installed catalog.
pub fn tr_dyn(lang: Lang, en: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ko => CATALOG
            .get()
            .and_then(|c| c.get_static(en))
            .map_or(en, |ko| *ko),
    }
}

/// `tr!` over a language, an English and a Korean string literal: the text of `lang`. Only the
/// English literal reaches the page's code; the Korean one is read by `tests/i18n_catalog.rs` into the catalog, which the
/// page looks up by the English text. One English text has one Korean text (the test checks).
macro_rules! tr {
    ($lang:expr, $en:literal, $ko:literal $(,)?) => {{
        static EN: &str = $en;
        *$crate::ui::shared::i18n::lookup($lang, &EN)
    }};
}
pub(crate) use tr;

/// `trf! (lang, "{n} of {total} slots used", "슬롯 {total}개 중 {n}개 사용", n = used, total)`: a
/// text with values, for [`tr!`]'s catalog. Each `{name}` is filled (by `Display`) at run time,
/// so the Korean template can order the values its own way; `name` alone means `name = name`.
macro_rules! trf {
    ($lang:expr, $en:literal, $ko:literal $(, $name:ident $(= $value:expr)?)* $(,)?) => {{
        static EN: &str = $en;
        $crate::ui::shared::i18n::fill(
            $crate::ui::shared::i18n::lookup($lang, &EN),
            &[$((stringify!($name), $crate::ui::shared::i18n::trf_value!($name $(= $value)?))),*],
        )
    }};
}
pub(crate) use trf;

/// One value of [`trf!`], as `&dyn Display`.
macro_rules! trf_value {
    ($name:ident) => {
        &$name as &dyn ::std::fmt::Display
    };
    ($name:ident = $value:expr) => {
        &$value as &dyn ::std::fmt::Display
    };
}
pub(crate) use trf_value;
