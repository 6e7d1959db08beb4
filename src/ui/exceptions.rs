//! (being written)
use super::PanelProps;
use yew::prelude::*;

/// (being written)
#[component]
pub fn ExceptionsPanel(props: &PanelProps) -> Html {
    let _ = props;
    html! { <section class="exceptions"></section> }
}
