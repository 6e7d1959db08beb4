//! The Korean catalog (`i18n/ko.tsv`) holds exactly the `tr!` texts of the page's code.
//!
//! The page's code keeps only each pair's key; the Korean texts are fetched from the catalog.
//! This test reads every `tr!(lang, "en", "ko")` in `src/`, as the compiler does (string
//! escapes included), and compares the result with the committed file. After changing a text,
//! `UPDATE_CATALOG=1 cargo test --profile test-native --test i18n_catalog` rewrites the file.

use flinkscope::app::lang::{fill, placeholders, Catalog, CATALOG_HEADER, KO_CATALOG_URL};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Reads a Rust string literal starting at `at` (a `"`): its value and the index after it.
/// One `tr!` pair.
#[derive(Clone, Debug)]
struct Pair {
    en: String,
    ko: String,
    /// From `trf!`: `{name}`s are filled.
    template: bool,
}

fn string_literal(text: &[char], at: usize, place: &str) -> (String, usize) {
    assert_eq!(text[at], '"', "{place}: tr! takes string literals");
    let mut value = String::new();
    let mut i = at + 1;
    loop {
        match text[i] {
            '"' => return (value, i + 1),
            '\\' => {
                i += 1;
                match text[i] {
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    '0' => value.push('\0'),
                    '\\' => value.push('\\'),
                    '"' => value.push('"'),
                    '\'' => value.push('\''),
                    'x' => {
                        let hex: String = text[i + 1..i + 3].iter().collect();
                        value.push(u8::from_str_radix(&hex, 16).expect("\\x escape") as char);
                        i += 2;
                    }
                    'u' => {
                        let close = (i..).find(|&j| text[j] == '}').expect("\\u{…}");
                        let hex: String = text[i + 2..close].iter().collect();
                        let code = u32::from_str_radix(&hex, 16).expect("\\u escape");
                        value.push(char::from_u32(code).expect("a char"));
                        i = close;
                    }
                    '\n' => {
                        // A line continuation skips the newline and the next line's indent.
                        while text[i + 1].is_whitespace() {
                            i += 1;
                        }
                    }
                    other => panic!("{place}: escape \\{other} is not read by this test"),
                }
                i += 1;
            }
            c => {
                value.push(c);
                i += 1;
            }
        }
    }
}

fn skip_whitespace(text: &[char], mut i: usize) -> usize {
    while text[i].is_whitespace() {
        i += 1;
    }
    i
}

/// Every `tr!` pair and `en_ko!` entry in the code, in file order, each pair once.
fn pairs_in_code() -> Vec<Pair> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    let mut pairs = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("a source file");
        let text: Vec<char> = source.chars().collect();
        let name = file.strip_prefix(root).unwrap().display().to_string();
        let mut i = 0;
        while i + 5 <= text.len() {
            let boundary = i == 0 || !(text[i - 1].is_alphanumeric() || text[i - 1] == '_');
            // An `en_ko!` table entry: a pair without a language.
            if boundary && text[i..].starts_with(&['e', 'n', '_', 'k', 'o', '!', '(']) {
                let line = text[..i].iter().filter(|&&c| c == '\n').count() + 1;
                let place = format!("{name}:{line}");
                let (en, next) = string_literal(&text, skip_whitespace(&text, i + 7), &place);
                let comma = skip_whitespace(&text, next);
                assert_eq!(text[comma], ',', "{place}: en_ko!(en, ko)");
                let (ko, next) = string_literal(&text, skip_whitespace(&text, comma + 1), &place);
                pairs.push(Pair {
                    en,
                    ko,
                    template: false,
                });
                i = next;
                continue;
            }
            let template = text[i..i + 5] == ['t', 'r', 'f', '!', '('];
            let call = boundary && (template || text[i..i + 4] == ['t', 'r', '!', '(']);
            if !call {
                i += 1;
                continue;
            }
            let line = text[..i].iter().filter(|&&c| c == '\n').count() + 1;
            let place = format!("{name}:{line}");
            // The language expression: up to the first top-level comma.
            let mut j = i + if template { 5 } else { 4 };
            let mut depth = 0;
            while !(depth == 0 && text[j] == ',') {
                match text[j] {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            let (en, next) = string_literal(&text, skip_whitespace(&text, j + 1), &place);
            let comma = skip_whitespace(&text, next);
            assert_eq!(text[comma], ',', "{place}: tr!(lang, en, ko)");
            let (ko, next) = string_literal(&text, skip_whitespace(&text, comma + 1), &place);
            pairs.push(Pair { en, ko, template });
            i = next;
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    pairs.retain(|p| seen.insert((p.en.clone(), p.ko.clone(), p.template)));
    pairs
}

fn catalog_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(KO_CATALOG_URL)
}

/// The catalog file: the header, then the texts sorted by their English text.
fn rendered(mut pairs: Vec<Pair>) -> String {
    pairs.sort_by(|a, b| (&a.en, &a.ko).cmp(&(&b.en, &b.ko)));
    let mut text = format!("{CATALOG_HEADER}\n");
    for pair in pairs {
        for part in [&pair.en, &pair.ko] {
            assert!(
                !part.contains(['\t', '\n', '\r']),
                "{part:?}: a text of the catalog holds no tab or line break"
            );
        }
        text.push_str(&format!("{}\t{}\n", pair.en, pair.ko));
    }
    text
}

#[test]
fn the_committed_catalog_holds_exactly_the_texts_of_the_code() {
    let pairs = pairs_in_code();
    assert!(
        pairs.len() > 300,
        "the page has hundreds of texts; read {}",
        pairs.len()
    );
    let expected = rendered(pairs);
    let path = catalog_path();
    if std::env::var_os("UPDATE_CATALOG").is_some() {
        std::fs::write(&path, &expected).expect("the catalog is writable");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "{} differs from the tr! texts of the code; rewrite it with \
         UPDATE_CATALOG=1 cargo test --profile test-native --test i18n_catalog",
        path.display()
    );
}

#[test]
fn one_english_text_has_one_korean_text_and_each_is_found_by_it() {
    let pairs = pairs_in_code();
    let mut translations = BTreeMap::new();
    for pair in &pairs {
        if let Some(other) = translations.insert(pair.en.as_str(), pair.ko.as_str()) {
            panic!(
                "{:?} is translated as {other:?} and as {:?}: the page finds a Korean text by \
                 its English text, so give one of them another English text or one translation",
                pair.en, pair.ko
            );
        }
    }
    let catalog = Catalog::parse(&rendered(pairs.clone())).expect("reads");
    assert_eq!(catalog.len(), pairs.len());
    for pair in &pairs {
        assert_eq!(catalog.get(&pair.en), Some(pair.ko.as_str()));
    }
    assert_eq!(catalog.get("not a text of the page"), None);
}

#[test]
fn a_bad_catalog_is_refused_with_its_reason() {
    let cases = [
        ("", "does not start with the line \"en<TAB>ko\""),
        ("{\"language\":\"ko\"}", "does not start with the line"),
        (
            "en\tko\nPause 일시정지\n",
            "line 2 of the catalog has no tab",
        ),
        (
            "en\tko\nPause\t\n",
            "line 2 of the catalog has no Korean text",
        ),
        (
            "en\tko\nPlay\t재생\nPause\t일시\t정지\n",
            "line 3 of the catalog has more than two columns",
        ),
        (
            "en\tko\nPause\t일시정지\nPause\t정지\n",
            "line 3 of the catalog is not after the line before it",
        ),
        (
            "en\tko\nPlay\t재생\nPause\t일시정지\n",
            "line 3 of the catalog is not after the line before it",
        ),
    ];
    for (text, reason) in cases {
        let error = Catalog::parse(text).expect_err(text);
        assert!(error.contains(reason), "{text:?}: {error}");
    }
    let huge = format!("en\tko\n{}\tx\n", "a".repeat(600 * 1024));
    assert!(Catalog::parse(&huge)
        .expect_err("too large")
        .contains("more than the"));
    let many = rendered(
        (0..5000)
            .map(|i| Pair {
                en: format!("t{i}"),
                ko: "x".into(),
                template: false,
            })
            .collect(),
    );
    assert!(Catalog::parse(&many)
        .expect_err("too many")
        .contains("texts read"));
    let catalog = Catalog::parse("en\tko\n\t 종료\nPause\t일시정지\n")
        .expect("an empty English text is a suffix");
    assert_eq!(catalog.len(), 2);
    assert_eq!(catalog.get(""), Some(" 종료"));
    assert_eq!(catalog.get("Pause"), Some("일시정지"));
    // A file saved on Windows reads the same.
    let crlf = Catalog::parse("en\tko\r\nPause\t일시정지\r\n").expect("CRLF");
    assert_eq!(crlf.get("Pause"), Some("일시정지"));
}

#[test]
fn a_template_names_the_same_values_in_both_languages() {
    let templates: Vec<Pair> = pairs_in_code().into_iter().filter(|p| p.template).collect();
    assert!(templates.len() > 30, "read {} trf! texts", templates.len());
    for pair in &templates {
        let mut en = placeholders(&pair.en);
        let mut ko = placeholders(&pair.ko);
        assert!(!en.is_empty(), "{:?} has no {{value}}: use tr!", pair.en);
        en.sort_unstable();
        ko.sort_unstable();
        assert_eq!(
            en, ko,
            "{:?} and {:?} name different values",
            pair.en, pair.ko
        );
    }
}

#[test]
fn fill_puts_each_value_at_its_name_in_the_template_order() {
    let (used, total) = (4, 9);
    let args: [(&str, &dyn std::fmt::Display); 2] = [("used", &used), ("total", &total)];
    assert_eq!(
        fill("{used} of {total} slots used", &args),
        "4 of 9 slots used"
    );
    assert_eq!(
        fill("슬롯 {total}개 중 {used}개 사용", &args),
        "슬롯 9개 중 4개 사용"
    );
    assert_eq!(fill("{used}{used}", &args), "44");
    // Unknown or unclosed placeholders stay as written.
    assert_eq!(fill("{nope} {used} {", &args), "{nope} 4 {");
    assert_eq!(fill("no values", &[]), "no values");
    assert_eq!(placeholders("a {b} c {d}"), vec!["b", "d"]);
}
