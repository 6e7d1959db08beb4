//! What a user (or the browser edge) asks of the session, and what the session asks back.
//!
//! Components emit [`Action`]s; the browser edge applies them with [`super::Session::apply`],
//! then performs the [`Effect`]s, the mirror's archive batches, and re-renders as [`Redraw`]
//! says. Archive results come back as actions too, so every change of the page's state goes
//! through one `apply`.

use super::lang::Lang;
use super::mirror::{ArchiveState, Batch};
use super::records::Listing;
use super::session::{CommandTarget, TalkMove};
use crate::sim::event::Command;
use crate::sim::{SimConfig, SimTime};

/// Dashboard tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Cluster overview and vertex table.
    Overview,
    /// Checkpoint statistics.
    Checkpoints,
    /// Keyed state, key groups and checkpoint storage.
    State,
    /// Live log and plots.
    Log,
    /// Exception history.
    Exceptions,
    /// Configuration editor.
    Configuration,
}

impl Tab {
    /// Every tab, in the order shown.
    pub const ALL: [Tab; 6] = [
        Tab::Overview,
        Tab::Checkpoints,
        Tab::State,
        Tab::Log,
        Tab::Exceptions,
        Tab::Configuration,
    ];

    /// A stable id (`checkpoints`), for element ids and test ids.
    pub fn id(self) -> &'static str {
        match self {
            Tab::Overview => "overview",
            Tab::Checkpoints => "checkpoints",
            Tab::State => "state",
            Tab::Log => "log",
            Tab::Exceptions => "exceptions",
            Tab::Configuration => "configuration",
        }
    }
}

/// Where *Next barrier* / *Next checkpoint* stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A barrier is injected or received.
    Barrier,
    /// A checkpoint completes.
    Checkpoint,
}

/// A new job from a snapshot of the current run.
#[derive(Clone, Debug, PartialEq)]
pub struct RestoreRequest {
    /// The new job's configuration (parallelism, max parallelism, chaining, uids, backend …).
    pub config: SimConfig,
    /// The retained checkpoint or savepoint.
    pub checkpoint: crate::sim::ids::CheckpointId,
    /// The restore mode and `--allowNonRestoredState`.
    pub settings: crate::sim::restore::RestoreSettings,
}

/// Everything that changes the page's state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// An animation frame at this timestamp (the frame clock's milliseconds).
    Frame {
        /// `requestAnimationFrame`'s timestamp.
        timestamp_ms: f64,
    },
    /// Start playing.
    Play,
    /// Pause.
    Pause,
    /// Play or pause.
    TogglePlay,
    /// Process one event (or the next due logged command).
    Step,
    /// Step until a barrier moves or a checkpoint completes (at most an hour ahead).
    StepUntil(Stop),
    /// Start the run over with the same configuration and seed.
    Reset,
    /// Start over with the seed the user typed.
    SetSeed(String),
    /// A speed as the user picked it (`0.25` … `1000`).
    SetSpeed(String),
    /// Move the cursor to an instant of the timeline.
    Seek(SimTime),
    /// Replay the run from its start in the background and compare trace hashes.
    Verify,
    /// A command to the simulated cluster, at the current instant.
    Command(Command),
    /// Start over with a configuration (the editor validated it; it is validated again).
    ApplyConfig(Box<SimConfig>),
    /// Start a new job from a retained checkpoint or savepoint of the current run (the restore
    /// dialog: `flink run -s <path>` with another configuration).
    RestoreJob(Box<RestoreRequest>),
    /// A run file's text to load, or why it could not be read.
    Import(Result<String, String>),
    /// Copy the link of the run at the cursor; `base` is the page's address without query.
    ShareLink {
        /// `http://host/path`.
        base: String,
    },
    /// Download the run up to the cursor as a run file.
    ExportRun,
    /// Download a checkpoint's `_metadata` (engine or archive) as JSON, by its key
    /// `{job-id}/chk-{id}`.
    DownloadCheckpoint(String),
    /// Hide the notice.
    DismissNotice,
    /// Show a message (something the browser edge could not do).
    Notify(String),
    /// The Korean interface texts arrived (the page re-renders in them).
    TextLoaded,
    /// Resume the stored job offered after a reload.
    Resume,
    /// Decline the offer and start a fresh run.
    StartFresh {
        /// Delete the stored records too.
        delete_records: bool,
    },
    /// Delete one stored record by key.
    DeleteStored(String),
    /// Delete every stored record.
    ClearStored,
    /// The archive opened (or fell back to memory) and was read.
    ArchiveOpened {
        /// IndexedDB, or memory and why.
        state: ArchiveState,
        /// What it holds.
        listing: Result<Listing, String>,
    },
    /// A batch the mirror handed out was performed.
    BatchDone {
        /// The batch.
        batch: Batch,
        /// What happened.
        outcome: Result<(), String>,
        /// A fresh read of the archive, when the edge made one.
        listing: Option<Listing>,
    },
    /// Switch language.
    SetLang(Lang),
    /// Open a dashboard tab.
    SelectTab(Tab),
    /// Show or hide the keyboard help.
    ToggleHelp,
    /// Hide the keyboard help.
    CloseHelp,
    /// Open a talk: a talk file's text (or why it could not be read), or the study talk
    /// (`None`); at a step by id, or the first.
    OpenTalk {
        /// The file, or the study talk.
        text: Option<Result<String, String>>,
        /// The step to open.
        step: Option<String>,
    },
    /// Move within the talk.
    Talk(TalkMove),
    /// A digit typed toward a step number.
    TalkDigit(char),
    /// Jump to the step number typed.
    TalkJump,
    /// Blank or unblank the audience screen.
    ToggleBlank,
    /// Another window of the talk moved (through `BroadcastChannel`).
    TalkFollow {
        /// Its talk's id.
        talk: String,
        /// Its step.
        index: usize,
        /// Whether it is blanked.
        blank: bool,
    },
    /// Leave the talk: the run shown before comes back.
    LeaveTalk,
    /// Bookmark the cursor's instant.
    Bookmark,
    /// Turn the bookmarks into a talk: download it and present it.
    RecordTalk,
    /// Open a ready-made comparison by id.
    OpenCompare(String),
    /// The page fetched the ready-made comparisons' file (or could not: why).
    ComparisonsLoaded(Result<String, String>),
    /// Leave compare mode (the left run stays).
    LeaveCompare,
    /// Where commands go in compare mode.
    SetCommandTarget(CommandTarget),
    /// Resolve every step of the talk and print the handout.
    PrintHandout,
}

/// What the browser edge performs for the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Offer a JSON document as a file download (the edge indents it).
    Download {
        /// The file's name.
        file_name: String,
        /// Its content.
        json: String,
    },
    /// Put text on the clipboard.
    CopyText(String),
    /// Open the browser's print dialog (the talk's handout).
    Print,
}

/// Which panels to re-render.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Redraw {
    /// Nothing changed on screen.
    #[default]
    Nothing,
    /// Animated views only (a frame while playing).
    Animation,
    /// Everything (tables and logs too).
    All,
}

/// What applying an action asks of the edge.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// What to re-render.
    pub redraw: Redraw,
    /// What to perform.
    pub effects: Vec<Effect>,
}

/// A key press, as the keyboard shortcuts read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyPress<'a> {
    /// `KeyboardEvent.key`.
    pub key: &'a str,
    /// Whether focus is in a text field or a select (keys then type, they do not act).
    pub typing: bool,
    /// Whether Ctrl, Meta or Alt is held.
    pub modifier: bool,
    /// Whether a talk is presented (the keys then move through it).
    pub talk: bool,
}

/// The shortcut of a key press: Space plays or pauses, → steps one event, ? opens or closes
/// the help, Esc closes it. `None` leaves the key to the browser.
pub fn shortcut(press: KeyPress<'_>) -> Option<Action> {
    if press.typing || press.modifier {
        return None;
    }
    if press.talk {
        // Presentation clickers send →, ←, PageDown, PageUp and Space.
        let action = match press.key {
            "ArrowRight" | "PageDown" | " " => Action::Talk(TalkMove::Next),
            "ArrowLeft" | "PageUp" => Action::Talk(TalkMove::Previous),
            "Home" => Action::Talk(TalkMove::First),
            "End" => Action::Talk(TalkMove::Last),
            "b" | "B" | "." => Action::ToggleBlank,
            "Enter" => Action::TalkJump,
            "?" => Action::ToggleHelp,
            "Escape" => Action::CloseHelp,
            key if key.len() == 1 && key.as_bytes()[0].is_ascii_digit() => {
                Action::TalkDigit(key.as_bytes()[0] as char)
            }
            _ => return None,
        };
        return Some(action);
    }
    match press.key {
        "m" | "M" => Some(Action::Bookmark),
        " " => Some(Action::TogglePlay),
        "ArrowRight" => Some(Action::Step),
        "?" => Some(Action::ToggleHelp),
        "Escape" => Some(Action::CloseHelp),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_act_only_outside_fields() {
        let press = |key, typing, modifier| {
            shortcut(KeyPress {
                key,
                typing,
                modifier,
                talk: false,
            })
        };
        assert_eq!(press(" ", false, false), Some(Action::TogglePlay));
        assert_eq!(press("ArrowRight", false, false), Some(Action::Step));
        assert_eq!(press("?", false, false), Some(Action::ToggleHelp));
        assert_eq!(
            press("Escape", false, false),
            Some(Action::CloseHelp),
            "Esc only closes"
        );
        assert_eq!(press(" ", true, false), None);
        assert_eq!(press("ArrowRight", false, true), None);
        assert_eq!(press("a", false, false), None);
        assert_eq!(press("m", false, false), Some(Action::Bookmark));
        let talk = |key| {
            shortcut(KeyPress {
                key,
                typing: false,
                modifier: false,
                talk: true,
            })
        };
        for key in ["ArrowRight", "PageDown", " "] {
            assert_eq!(talk(key), Some(Action::Talk(TalkMove::Next)), "{key}");
        }
        for key in ["ArrowLeft", "PageUp"] {
            assert_eq!(talk(key), Some(Action::Talk(TalkMove::Previous)), "{key}");
        }
        assert_eq!(talk("Home"), Some(Action::Talk(TalkMove::First)));
        assert_eq!(talk("End"), Some(Action::Talk(TalkMove::Last)));
        assert_eq!(talk("b"), Some(Action::ToggleBlank));
        assert_eq!(talk("7"), Some(Action::TalkDigit('7')));
        assert_eq!(talk("Enter"), Some(Action::TalkJump));
        assert_eq!(talk("x"), None);
    }
}
