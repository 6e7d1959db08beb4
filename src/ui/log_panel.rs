//! (being written)
use super::PanelProps;
use yew::prelude::*;

/// (being written)
#[component]
pub fn LogPanel(props: &PanelProps) -> Html {
    let _ = props;
    html! { <section class="log"></section> }
}

/// (being written)
#[component]
pub fn SinkOutput(props: &PanelProps) -> Html {
    let _ = props;
    html! { <section class="sink"></section> }
}
