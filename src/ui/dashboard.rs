//! (being written)
use super::PanelProps;
use yew::prelude::*;

/// (being written)
#[component]
pub fn OverviewPanel(props: &PanelProps) -> Html {
    let _ = props;
    html! { <section class="dashboard"></section> }
}
