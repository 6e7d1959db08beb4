//! The interface language: the study talk is Korean.

/// Interface language.
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

/// Where the page fetches the Korean interface texts from (relative to the page). It is a separate
/// asset, fetched when Korean is chosen, so the English page does not carry it: the page's code
/// holds only the English texts, and finds each Korean one by its English text.
pub const KO_CATALOG_URL: &str = "i18n/ko.tsv";
/// Largest catalog file read.
pub const CATALOG_BYTES_MAX: usize = 512 * 1024;
/// Texts a catalog may hold.
pub const CATALOG_ENTRIES_MAX: usize = 4096;
/// The catalog's first line: its two columns.
pub const CATALOG_HEADER: &str = "en\tko";

/// The translations by English text, read from a catalog file: tab-separated values, a header
/// line [`CATALOG_HEADER`], then one `English<TAB>Korean` line per text, sorted by the English
/// text (no text holds a tab or a line break; generated from the code by
/// `tests/i18n_catalog.rs`). Read line by line rather than as JSON, and checked to be sorted
/// rather than sorted: a JSON decoder cost the page 4.9 KB of gzipped code, a sort 1 KB.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    /// (English, Korean), sorted by the English text.
    entries: Vec<(String, String)>,
}

impl Catalog {
    /// Reads a catalog file, or says why it cannot be used (too large, no header, a line that
    /// is not two columns, a missing translation, a line out of order or repeated — one English
    /// text translated twice —, too many texts), naming the line.
    pub fn parse(text: &str) -> Result<Catalog, String> {
        if text.len() > CATALOG_BYTES_MAX {
            return Err(format!(
                "the catalog is {} bytes, more than the {CATALOG_BYTES_MAX} read",
                text.len()
            ));
        }
        let mut lines = text.lines();
        if lines.next() != Some(CATALOG_HEADER) {
            return Err("the catalog does not start with the line \"en<TAB>ko\"".into());
        }
        let mut entries: Vec<(String, String)> = Vec::new();
        for (index, line) in lines.enumerate() {
            let number = index + 2;
            if entries.len() == CATALOG_ENTRIES_MAX {
                return Err(format!(
                    "the catalog has more than the {CATALOG_ENTRIES_MAX} texts read"
                ));
            }
            let Some((en, ko)) = line.split_once('\t') else {
                return Err(format!("line {number} of the catalog has no tab"));
            };
            if ko.contains('\t') {
                return Err(format!(
                    "line {number} of the catalog has more than two columns"
                ));
            }
            // (An empty English text is a suffix only Korean needs.)
            if ko.is_empty() {
                return Err(format!("line {number} of the catalog has no Korean text"));
            }
            if let Some((previous, _)) = entries.last() {
                if previous.as_str() >= en {
                    return Err(format!(
                        "line {number} of the catalog is not after the line before it (sorted by \
                         the English text, each English text once)"
                    ));
                }
            }
            entries.push((en.to_string(), ko.to_string()));
        }
        Ok(Catalog { entries })
    }

    /// The Korean text of the English text `en`, if the catalog has it.
    pub fn get(&self, en: &str) -> Option<&str> {
        self.entries
            .binary_search_by(|(k, _)| k.as_str().cmp(en))
            .ok()
            .map(|i| self.entries[i].1.as_str())
    }

    /// Its (English, Korean) texts, sorted by the English text.
    pub fn into_entries(self) -> Vec<(String, String)> {
        self.entries
    }

    /// How many texts it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Fills a text's `{name}` placeholders with `args` (the page's `trf!`: its English and Korean
/// templates name the same values, in each language's order). A placeholder without a value stays
/// as written, so a bad template shows, not breaks.
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        match args.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => {
                let _ = write!(out, "{value}");
            }
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The `{name}` placeholders of a template, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}
