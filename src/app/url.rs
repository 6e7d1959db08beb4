//! What the page's URL asks for: a run (seed, options, commands, cursor — [`crate::run::link`]),
//! the speed, autoplay and the language, each part validated on its own with a message for
//! what was not understood. Nothing is executed from a URL: commands are the run's recorded
//! future, replayed as the simulation reaches them.

use super::lang::Lang;
use crate::run::link::{decode, SharedRun};

/// The page's URL, read.
#[derive(Clone, Debug, PartialEq)]
pub struct UrlOptions {
    /// The run the link describes.
    pub run: SharedRun,
    /// Interface language.
    pub lang: Lang,
    /// A talk to present (`talk=study`).
    pub talk: Option<String>,
    /// Its step (`step=<id>`).
    pub step: Option<String>,
    /// A talk file to fetch and present (`talk-url=…`).
    pub talk_url: Option<String>,
    /// This window is the presenter view (`presenter=1`).
    pub presenter: bool,
    /// A ready-made comparison (`compare=<id>`).
    pub compare: Option<String>,
}

impl UrlOptions {
    /// Reads a query string (`?seed=7&…`); what does not parse is reported in
    /// `run.problems` and left at its default.
    pub fn parse(query: &str) -> UrlOptions {
        let run = decode(query);
        let lang = run
            .lang
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or_default();
        let mut options = UrlOptions {
            run,
            lang,
            talk: None,
            step: None,
            talk_url: None,
            presenter: false,
            compare: None,
        };
        for pair in query.trim_start_matches('?').split('&') {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = crate::run::link::decode_value(raw);
            let short = |v: &str| {
                !v.is_empty()
                    && v.len() <= 64
                    && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            };
            match key {
                "talk" | "step" | "compare" if !short(&value) => {
                    options.run.problems.push(format!(
                        "{key} '{}' is not an id (letters, digits, -)",
                        value.chars().take(64).collect::<String>()
                    ))
                }
                "talk" => options.talk = Some(value),
                "step" => options.step = Some(value),
                "compare" => options.compare = Some(value),
                "presenter" => options.presenter = value == "1" || value == "true",
                "talk-url"
                    if value.starts_with("https://")
                        || value.starts_with("http://")
                        || value.starts_with('/')
                        || value.starts_with("./") =>
                {
                    options.talk_url = Some(value)
                }
                "talk-url" => options.run.problems.push(format!(
                    "talk-url '{}' is not an http(s) address or a path on this site",
                    value.chars().take(64).collect::<String>()
                )),
                _ => {}
            }
        }
        if options.step.is_some() && options.talk.is_none() && options.talk_url.is_none() {
            options.talk = Some(crate::run::talk::STUDY_ID.to_string());
        }
        options
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimTime;

    #[test]
    fn a_link_reads_field_by_field() {
        let options = UrlOptions::parse("?seed=7&speed=100&autoplay=1&lang=ko&t=30s&cmds=k2@20s");
        assert_eq!(options.lang, Lang::Ko);
        assert_eq!(options.run.seed, 7);
        assert_eq!(options.run.speed_milli, 100_000);
        assert!(options.run.autoplay);
        assert_eq!(options.run.cursor, Some(SimTime::from_ms(30_000)));
        assert_eq!(options.run.commands.len(), 1);
        let bad = UrlOptions::parse("seed=-1&lang=fr&speed=3");
        assert_eq!(
            (bad.run.seed, bad.lang, bad.run.speed_milli),
            (1, Lang::En, 1_000)
        );
        assert_eq!(bad.run.problems.len(), 3, "{:?}", bad.run.problems);
    }
}
