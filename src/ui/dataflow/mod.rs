//! The dataflow: one SVG of the job graph with every channel of the keyBy exchange, records and
//! barriers travelling through it, channel buffers filling under backpressure, alignment
//! blocking channels, unaligned barriers overtaking in-flight data, and snapshots leaving each
//! task for checkpoint storage.
//!
//! Two layers, drawn together:
//! - **Truth** (always): what the channels' buffers hold now — fill level, queued barriers at
//!   their place behind the records ahead of them, blocked channels with their waiting records,
//!   overtaken and persisted in-flight data — and each task's state and busy/back-pressured
//!   colouring.
//! - **Motion** (while playing, unless reduced motion is asked for): at 1× a record crosses a
//!   channel in about a millisecond, so positions from simulated time alone are invisible.
//!   Motion is derived from the engine's recent events instead (records sampled from the page's
//!   event log across frames, barriers, snapshots and completions from the engine's journal):
//!   each record, barrier and snapshot takes [`TRANSIT_WALL_MS`] of wall time (that much
//!   simulated time at the current speed), and work done by vertex *d* of the graph is shown *d*
//!   transits late, so barriers arrive visually before the snapshot they cause leaves. Markers
//!   are bounded per channel and in total ([`SVG_ELEMENTS_MAX`]); queues beyond that are counts.

mod layout;
mod motion;
mod scene;
mod svg;

pub use crate::app::motion::{DOTS_PER_CHANNEL, TRANSIT_WALL_MS};
pub use scene::{DOTS_TOTAL, SVG_ELEMENTS_MAX};

use super::shared::widgets::use_reduced_motion;
use super::{tr, Lang, PanelProps};
use crate::sim::view::SimView;
use layout::{layout, segments, Layout, Segment};
use motion::{motion, Motion};
use scene::{channel_infos, Budget, ChannelInfo};
use svg::{caption, legend, summary, svg};
use yew::prelude::*;

/// The view of the engine the dataflow draws from.
pub(crate) type View<'a> = SimView<'a>;

/// Everything one frame draws from.
struct Scene<'a> {
    view: View<'a>,
    lang: Lang,
    layout: Layout,
    infos: Vec<ChannelInfo>,
    segments: Vec<Segment>,
    motion: Motion,
    animate: bool,
    /// Queued records drawn per channel (the label gives the count beyond).
    dots_per_channel: usize,
    /// The element-id suffix of the panel's side.
    suffix: &'static str,
}

/// The dataflow panel.
#[component]
pub fn DataflowView(props: &PanelProps) -> Html {
    let reduced = use_reduced_motion();
    let session = props.session.read();
    let view = session.side_sim(props.side).view();
    let graph = view.graph();
    let animate = session.playing() && !reduced;
    let layout = layout(graph);
    let mut budget = Budget::for_graph(graph);
    if props.side != 0 {
        budget = budget.halved();
    }
    let infos = channel_infos(&view, &mut budget);
    let segments = segments(graph, &layout);
    let motion = motion(
        &view,
        session.side_sampler(props.side),
        session.clock().speed_milli(),
        &infos,
        budget,
        animate,
    );
    let scene = Scene {
        dots_per_channel: budget.dots_per_channel,
        view,
        lang: props.lang,
        layout,
        infos,
        segments,
        motion,
        animate,
        suffix: super::side_suffix(props.side),
    };
    let lang = props.lang;
    html! {
        <section class="dataflow df panel" aria-labelledby={format!("df-heading{}", super::side_suffix(props.side))} data-testid="dataflow-view">
            <header class="df-head">
                <h2 id={format!("df-heading{}", super::side_suffix(props.side))}>{ tr!(lang, "Dataflow", "데이터 흐름") }</h2>
                { legend(lang) }
            </header>
            { svg(&scene) }
            <p class="df-caption" data-testid="df-caption">{ caption(lang, scene.animate) }</p>
            { summary(&scene) }
        </section>
    }
}
