//! Identifiers: small `Copy` newtypes over `u32`/`u64`, never `usize`, so they mean the same on
//! every target. Dense tables are indexed through `.index()`.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! dense_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The position of this id in a dense table.
            pub const fn index(self) -> usize {
                self.0 as usize
            }

            /// The id at position `index` of a dense table.
            ///
            /// # Panics
            /// If `index` does not fit in 32 bits.
            pub fn from_index(index: usize) -> Self {
                Self(u32::try_from(index).expect("dense id beyond u32"))
            }
        }
    };
}

dense_id!(
    /// A TaskManager, 0-based (shown 1-based: `TaskManager 1`).
    TaskManagerId
);
dense_id!(
    /// A job vertex, in topological order (the source is 0).
    VertexIndex
);
dense_id!(
    /// One parallel instance of a vertex (a task), dense over the whole job.
    TaskIndex
);
dense_id!(
    /// A network channel (one result subpartition feeding one input channel).
    ChannelIndex
);
dense_id!(
    /// A key of the keyed stream (`user1` is 0).
    KeyIndex
);

impl fmt::Display for TaskManagerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TaskManager {}", self.0 + 1)
    }
}

/// A checkpoint id: starts at 1, increases by one per trigger, never reset by a restore.
/// 32 bits keep queue entries small; at the minimum interval of 10 ms that lasts 497 days of
/// simulated time, and runs are limited to a week.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct CheckpointId(pub u32);

impl fmt::Display for CheckpointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
