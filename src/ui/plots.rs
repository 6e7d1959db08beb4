//! (being written)
use super::PanelProps;
use yew::prelude::*;

/// (being written)
#[component]
pub fn PlotsPanel(props: &PanelProps) -> Html {
    let _ = props;
    html! { <section class="plots"></section> }
}
