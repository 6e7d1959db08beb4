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
        UrlOptions { run, lang }
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
