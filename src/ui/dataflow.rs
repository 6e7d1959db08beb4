//! (being written)
use super::PanelProps;
use yew::prelude::*;

/// (being written)
#[component]
pub fn DataflowView(props: &PanelProps) -> Html {
    let _ = props;
    html! { <section class="dataflow"></section> }
}
