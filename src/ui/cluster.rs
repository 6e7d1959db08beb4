//! (being written)
use super::PanelProps;
use yew::prelude::*;

/// (being written)
#[component]
pub fn ClusterView(props: &PanelProps) -> Html {
    let _ = props;
    html! { <section class="cluster"></section> }
}
