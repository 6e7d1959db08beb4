//! Where everything is drawn: one column per vertex, tasks stacked in a column, each channel a
//! segment from its sender's box to its receiver's.

use crate::sim::graph::JobGraph;
use crate::ui::bound;

/// Width of the view box.
pub(super) const VIEW_W: f64 = 1000.0;
/// Height of the column headers.
pub(super) const TOP: f64 = 34.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Rect {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) w: f64,
    pub(super) h: f64,
}

impl Rect {
    pub(super) fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// Where everything goes.
pub(super) struct Layout {
    pub(super) height: f64,
    /// One box per task.
    pub(super) boxes: Vec<Rect>,
    /// Column header positions (x centre) per vertex.
    pub(super) columns: Vec<f64>,
    pub(super) storage: Rect,
    /// Whether each task box has room for detail lines.
    pub(super) detailed: bool,
}

/// Column x and width per vertex, and the storage box's x and width.
pub(super) fn columns(vertices: usize) -> (Vec<(f64, f64)>, (f64, f64)) {
    if vertices <= 2 {
        (vec![(10.0, 180.0), (420.0, 260.0)], (760.0, 230.0))
    } else {
        (
            vec![(10.0, 160.0), (330.0, 200.0), (610.0, 130.0)],
            (790.0, 200.0),
        )
    }
}

pub(super) fn layout(graph: &JobGraph) -> Layout {
    let p = graph.vertices[0].parallelism.max(1) as f64;
    let row = bound(560.0 / p, 14.0, 84.0);
    let height = TOP + p * row + 14.0;
    let (cols, (sx, sw)) = columns(graph.vertices.len());
    let box_h = (row * 0.74).min(64.0);
    let boxes = graph
        .tasks
        .iter()
        .map(|t| {
            let (x, w) = cols[t.vertex.index().min(cols.len() - 1)];
            let y = TOP + t.subtask as f64 * row + (row - box_h) / 2.0;
            Rect { x, y, w, h: box_h }
        })
        .collect();
    let storage_h = bound(height - TOP - 10.0, 110.0, 240.0);
    Layout {
        height,
        boxes,
        columns: cols.iter().map(|(x, w)| x + w / 2.0).collect(),
        storage: Rect {
            x: sx,
            y: TOP,
            w: sw,
            h: storage_h,
        },
        detailed: box_h >= 44.0,
    }
}

/// A straight channel from the sender's right edge to the receiver's left edge, endpoints
/// spread by output and input position so the p×p lines stay apart.
#[derive(Clone, Copy, Debug)]
pub(super) struct Segment {
    pub(super) x1: f64,
    pub(super) y1: f64,
    pub(super) x2: f64,
    pub(super) y2: f64,
}

impl Segment {
    /// The point at fraction `f` (0 sender, 1 receiver).
    pub(super) fn at(&self, f: f64) -> (f64, f64) {
        let f = bound(f, 0.0, 1.0);
        (
            self.x1 + (self.x2 - self.x1) * f,
            self.y1 + (self.y2 - self.y1) * f,
        )
    }
}

pub(super) fn segment(graph: &JobGraph, layout: &Layout, channel: usize) -> Segment {
    let c = &graph.channels[channel];
    let (s, r) = (
        &layout.boxes[c.sender.index()],
        &layout.boxes[c.receiver.index()],
    );
    let outputs = &graph.tasks[c.sender.index()].outputs;
    let out_pos = outputs
        .iter()
        .position(|o| o.index() == channel)
        .unwrap_or(0);
    let inputs = graph.tasks[c.receiver.index()].inputs.len();
    let spread =
        |rect: &Rect, k: usize, n: usize| rect.y + rect.h * (k as f64 + 1.0) / (n as f64 + 1.0);
    Segment {
        x1: s.x + s.w,
        y1: spread(s, out_pos, outputs.len()),
        x2: r.x,
        y2: spread(r, c.input_position as usize, inputs),
    }
}
