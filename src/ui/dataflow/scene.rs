//! The truth the picture shows: what each channel's buffers hold now (fill level, queued
//! barriers at their place behind the records ahead of them, blocked channels), within a budget
//! of SVG elements.

use super::View;
use crate::app::motion::{DotKind, DOTS_PER_CHANNEL};
use crate::sim::channel::{Channel, Element};
use crate::sim::graph::JobGraph;
use crate::sim::ids::CheckpointId;
use crate::sim::SimTime;
use crate::ui::bound;

/// Most barrier markers on one channel.
pub(super) const BARRIERS_PER_CHANNEL: usize = 3;

/// Most moving record dots in the whole picture.
pub const DOTS_TOTAL: usize = 200;
/// Most snapshot glyphs in flight.
pub(super) const GLYPHS_MAX: usize = 24;
/// Above this many channels, channels are drawn as a few aggregate paths.
pub(super) const DETAILED_CHANNELS_MAX: usize = 36;
/// Queue elements inspected per frame (barrier positions, static dots).
const QUEUE_SCAN_BUDGET: usize = 300_000;
/// Spacing of queued elements stacked at a receiver, as a fraction of the channel.
pub(super) const STACK_GAP: f64 = 0.055;
/// SVG elements the picture may use (≈1000 is the 60 fps edge; the rest of the page needs some).
pub const SVG_ELEMENTS_MAX: usize = 600;

/// How many markers this frame may draw, so the SVG stays under [`SVG_ELEMENTS_MAX`] whatever
/// the parallelism: what the fixed picture (boxes, channels, storage) leaves, two thirds for
/// record dots and one third for barriers (three elements each).
#[derive(Clone, Copy, Debug)]
pub(super) struct Budget {
    /// Queued records drawn per channel in the static picture.
    pub(super) dots_per_channel: usize,
    /// Moving record dots in total.
    pub(super) dots: usize,
    /// Barrier markers in total (queued and moving).
    pub(super) barriers: usize,
    /// Queue elements inspected.
    pub(super) scan: usize,
}

impl Budget {
    pub(super) fn for_graph(graph: &JobGraph) -> Budget {
        let channels = graph.channels.len().max(1);
        let detailed = channels <= DETAILED_CHANNELS_MAX;
        let per_task = if detailed { 8 } else { 5 };
        let per_channels = if detailed { channels * 5 } else { 3 };
        let band = super::layout::band(graph.vertices[0].parallelism) as usize;
        let boxes = graph.tasks.len().div_ceil(band);
        let fixed = 40 + GLYPHS_MAX + boxes * per_task + per_channels;
        let left = SVG_ELEMENTS_MAX.saturating_sub(fixed);
        let dots = (left * 2 / 3).min(DOTS_TOTAL);
        Budget {
            dots_per_channel: if detailed {
                (dots / channels).min(DOTS_PER_CHANNEL)
            } else {
                0
            },
            dots,
            barriers: left / 3 / 3,
            scan: QUEUE_SCAN_BUDGET,
        }
    }
}

impl Budget {
    /// Half of each allowance: compare mode draws two dataflows, which together then draw as
    /// many marks as one view (the labels still count every queued record and barrier).
    pub(super) fn halved(self) -> Budget {
        Budget {
            dots_per_channel: self.dots_per_channel.div_ceil(2),
            dots: self.dots / 2,
            barriers: self.barriers.div_ceil(2),
            scan: self.scan,
        }
    }
}

/// What a queued element shows as: `None` for a barrier.
pub(super) fn dot_kind_of(element: &Element) -> Option<DotKind> {
    match element {
        Element::Record { abnormal: true, .. } => Some(DotKind::Abnormal),
        Element::Record { .. } => Some(DotKind::Normal),
        Element::Alarm { .. } => Some(DotKind::Alarm),
        Element::Barrier { .. } => None,
    }
}

/// A barrier marker: its checkpoint, whether unaligned, and its place on the channel.
#[derive(Clone, Copy, Debug)]
pub(super) struct BarrierMark {
    pub(super) checkpoint: CheckpointId,
    pub(super) unaligned: bool,
    pub(super) position: f64,
    /// Data elements ahead of it in the queue.
    pub(super) ahead: u32,
}

/// One channel's buffers, now.
#[derive(Clone, Debug, Default)]
pub(super) struct ChannelInfo {
    pub(super) data: u32,
    pub(super) capacity: u32,
    pub(super) blocked: bool,
    pub(super) barriers: Vec<BarrierMark>,
    /// A barrier that already reached the receiver on this input while others are awaited.
    pub(super) arrived: Option<CheckpointId>,
    /// Data behind an unaligned barrier at the head (overtaken in-flight data).
    pub(super) overtaken: u32,
    /// In-flight elements persisted by snapshots in progress.
    pub(super) persisted: u32,
    /// Queued data near the head, for the static picture.
    pub(super) dots: Vec<(f64, DotKind)>,
}

impl ChannelInfo {
    pub(super) fn fill(&self) -> f64 {
        if self.capacity == 0 {
            0.0
        } else {
            (self.data as f64 / self.capacity as f64).min(1.0)
        }
    }
}

/// Where the queue element at `index` (with `ahead` data elements before it) sits.
pub(super) fn queue_position(index: usize, ahead: u32, capacity: u32, transit: Option<f64>) -> f64 {
    if index < DOTS_PER_CHANNEL {
        let stack = 0.98 - index as f64 * STACK_GAP;
        transit.map_or(stack, |t| t.min(stack))
    } else {
        let deepest = 0.98 - DOTS_PER_CHANNEL as f64 * STACK_GAP;
        bound(1.0 - ahead as f64 / capacity.max(1) as f64, 0.03, deepest)
    }
}

/// Walks one channel's queue (within the frame's scan budget).
pub(super) fn scan_queue(
    channel: &Channel,
    now: SimTime,
    budget: &mut Budget,
    info: &mut ChannelInfo,
) {
    let mut ahead = 0u32;
    for (index, queued) in channel.iter().enumerate() {
        if budget.scan == 0 {
            break;
        }
        budget.scan -= 1;
        let transit = (queued.available_at > now).then(|| {
            let total = queued
                .available_at
                .saturating_since(queued.sent_at)
                .as_us()
                .max(1);
            now.saturating_since(queued.sent_at).as_us() as f64 / total as f64
        });
        match queued.element {
            Element::Barrier {
                checkpoint,
                unaligned,
            } => {
                if index == 0 && unaligned {
                    info.overtaken = channel.data_len();
                }
                if info.barriers.len() < BARRIERS_PER_CHANNEL && budget.barriers > 0 {
                    budget.barriers -= 1;
                    let position = queue_position(index, ahead, info.capacity, transit);
                    info.barriers.push(BarrierMark {
                        checkpoint,
                        unaligned,
                        position,
                        ahead,
                    });
                }
            }
            element => {
                let drawn = index < budget.dots_per_channel;
                if let (true, Some(kind)) = (drawn, dot_kind_of(&element)) {
                    let position = queue_position(index, ahead, info.capacity, transit);
                    info.dots.push((position, kind));
                }
                ahead += 1;
            }
        }
    }
}

/// The truth of every channel.
pub(super) fn channel_infos(view: &View, budget: &mut Budget) -> Vec<ChannelInfo> {
    let graph = view.graph();
    let now = view.now();
    let mut persisted = vec![0u32; graph.channels.len()];
    for task in view.tasks() {
        for snapshot in &task.snapshots {
            for item in &snapshot.persisted {
                if let Some(count) = persisted.get_mut(item.channel as usize) {
                    *count += 1;
                }
            }
        }
    }
    view.channels()
        .iter()
        .enumerate()
        .map(|(index, channel)| {
            let layout = &graph.channels[index];
            let mut info = ChannelInfo {
                data: channel.data_len(),
                capacity: channel.capacity(),
                blocked: channel.blocked,
                persisted: persisted[index],
                ..ChannelInfo::default()
            };
            scan_queue(channel, now, budget, &mut info);
            let receiver = &view.tasks()[layout.receiver.index()];
            info.arrived = receiver
                .barriers
                .in_progress()
                .iter()
                .find(|p| p.received.get(layout.input_position as usize) == Some(&true))
                .map(|p| p.checkpoint);
            info
        })
        .collect()
}
