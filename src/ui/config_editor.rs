//! (being written)
use super::Lang;
use crate::sim::SimConfig;
use yew::prelude::*;

/// Props.
#[derive(Properties, PartialEq)]
pub struct ConfigEditorProps {
    /// Language.
    pub lang: Lang,
    /// The configuration of the current run.
    pub config: SimConfig,
    /// Starts a new run with a validated configuration.
    pub on_apply: Callback<SimConfig>,
}

/// (being written)
#[component]
pub fn ConfigEditor(props: &ConfigEditorProps) -> Html {
    let _ = props;
    html! { <section class="config"></section> }
}
