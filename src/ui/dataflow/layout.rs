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

/// Most boxes drawn in one column: above this parallelism, a box stands for a band of
/// consecutive subtasks (p = 128 draws 32 boxes of 4), and channels between the same two bands
/// share one line.
pub(crate) const ROWS_MAX: u32 = 32;

/// Subtasks per drawn box at parallelism `p`.
pub(crate) fn band(p: u32) -> u32 {
    p.div_ceil(ROWS_MAX).max(1)
}

/// Where everything goes.
pub(super) struct Layout {
    /// Subtasks per box.
    pub(super) band: u32,
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
    let parallelism = graph.vertices[0].parallelism.max(1);
    let band = band(parallelism);
    let p = parallelism.div_ceil(band) as f64;
    let row = bound(560.0 / p, 14.0, 84.0);
    let height = TOP + p * row + 14.0;
    let (cols, (sx, sw)) = columns(graph.vertices.len());
    let box_h = (row * 0.74).min(64.0);
    let boxes = graph
        .tasks
        .iter()
        .map(|t| {
            let (x, w) = cols[t.vertex.index().min(cols.len() - 1)];
            let y = TOP + (t.subtask / band) as f64 * row + (row - box_h) / 2.0;
            Rect { x, y, w, h: box_h }
        })
        .collect();
    let storage_h = bound(height - TOP - 10.0, 110.0, 240.0);
    Layout {
        band,
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
#[derive(Clone, Copy, Debug, Default)]
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

/// Every channel's segment, by channel index (one pass over the tasks' outputs, so p = 128's
/// 16,384 channels cost no search for their output position).
pub(super) fn segments(graph: &JobGraph, layout: &Layout) -> Vec<Segment> {
    let spread = |rect: &Rect, k: usize, n: usize| {
        let n = n.div_ceil(layout.band as usize);
        rect.y + rect.h * ((k / layout.band as usize) as f64 + 1.0) / (n as f64 + 1.0)
    };
    let mut segments = vec![Segment::default(); graph.channels.len()];
    for (sender, task) in graph.tasks.iter().enumerate() {
        for (out_pos, channel) in task.outputs.iter().enumerate() {
            let c = &graph.channels[channel.index()];
            let (s, r) = (&layout.boxes[sender], &layout.boxes[c.receiver.index()]);
            let inputs = graph.tasks[c.receiver.index()].inputs.len();
            segments[channel.index()] = Segment {
                x1: s.x + s.w,
                y1: spread(s, out_pos, task.outputs.len()),
                x2: r.x,
                y2: spread(r, c.input_position as usize, inputs),
            };
        }
    }
    segments
}
