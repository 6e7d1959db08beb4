//! (being written)
use super::PanelProps;
use yew::prelude::*;

/// (being written)
#[component]
pub fn StatePanel(props: &PanelProps) -> Html {
    let _ = props;
    html! { <section class="state_view"></section> }
}
