//! (being written)
use super::PanelProps;
use yew::prelude::*;

/// (being written)
#[component]
pub fn CheckpointsPanel(props: &PanelProps) -> Html {
    let _ = props;
    html! { <section class="checkpoints"></section> }
}
