//! (being written)
use super::PanelProps;
use yew::prelude::*;

/// (being written)
#[component]
pub fn StorageBrowser(props: &PanelProps) -> Html {
    let _ = props;
    html! { <section class="storage"></section> }
}
