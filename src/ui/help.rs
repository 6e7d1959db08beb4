//! (being written)
use super::Lang;
use yew::prelude::*;

/// Props.
#[derive(Properties, PartialEq)]
pub struct HelpProps {
    /// Language.
    pub lang: Lang,
    /// Close.
    pub on_close: Callback<()>,
}

/// (being written)
#[component]
pub fn HelpOverlay(props: &HelpProps) -> Html {
    let _ = props;
    html! { <div></div> }
}
