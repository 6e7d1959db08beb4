//! A network channel: one result subpartition of the sender feeding one input channel of the
//! receiver, with credit-based flow control.
//!
//! Modelled as one bounded FIFO holding what sits in the sender's subpartition, on the wire
//! and in the receiver's buffers. Records need credit: when `records == capacity` the sender is
//! back-pressured. Events (barriers) need none, as in Flink, but an aligned barrier still queues
//! behind every record ahead of it. An unaligned barrier is a priority event: it jumps to the
//! head and the records it overtakes become channel state of the checkpoint. Records are shipped
//! one by one (Flink batches them into 32 KiB buffers flushed at least every 100 ms); the
//! capacity is counted in records of the configured size.

use crate::sim::ids::{CheckpointId, KeyIndex};
use crate::sim::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Network bytes of one checkpoint barrier event with its buffer header. In the reference run a
/// keyed subtask that received no records read 3,318 B: about 45 barriers (15 checkpoints × 3
/// channels) of ≈74 B.
pub const BARRIER_BYTES: u64 = 74;

/// What travels in a channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Element {
    /// A user event from a source subtask (its content is a function of the sender and `seq`;
    /// the serialized record carries it, so the receiver does not recompute it).
    Record {
        /// The sender's sequence number.
        seq: u64,
        /// The user.
        key: KeyIndex,
        /// Whether the event is abnormal.
        abnormal: bool,
    },
    /// An alarm on its way to an unchained print sink.
    Alarm {
        /// The user.
        key: KeyIndex,
        /// The count that raised it.
        count: u8,
        /// The source sequence number of the event that raised it.
        seq: u64,
    },
    /// A checkpoint barrier.
    Barrier {
        /// The checkpoint.
        checkpoint: CheckpointId,
        /// An unaligned (priority) barrier overtakes buffered data.
        unaligned: bool,
    },
}

/// Read through `serde_json::Value` (see `sim::json`): in-flight data of stored unaligned
/// checkpoints.
impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use crate::sim::json::{field, object, tagged};
        let value = serde_json::Value::deserialize(deserializer)?;
        let (tag, f) = tagged(&value, &["record", "alarm", "barrier"])?;
        let f = object(f, "an element's fields")?;
        Ok(match tag {
            "record" => Element::Record {
                seq: field(f, "seq")?,
                key: field(f, "key")?,
                abnormal: field(f, "abnormal")?,
            },
            "alarm" => Element::Alarm {
                key: field(f, "key")?,
                count: field(f, "count")?,
                seq: field(f, "seq")?,
            },
            _ => Element::Barrier {
                checkpoint: field(f, "checkpoint")?,
                unaligned: field(f, "unaligned")?,
            },
        })
    }
}

impl Element {
    /// Whether this element needs a credit (data, not an event).
    pub fn is_data(&self) -> bool {
        !matches!(self, Element::Barrier { .. })
    }
}

/// An element with the instant it reaches the receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Queued {
    /// When the receiver can read it.
    pub available_at: SimTime,
    /// When the sender wrote it.
    pub sent_at: SimTime,
    /// The element.
    pub element: Element,
}

/// One channel's buffers.
#[derive(Clone, Debug)]
pub struct Channel {
    queue: VecDeque<Queued>,
    data: u32,
    capacity: u32,
    /// Set while an aligned barrier arrived on this channel and the receiver waits for the
    /// others: the receiver must not read from it.
    pub blocked: bool,
    /// Data overtaken when an aligned barrier was promoted to unaligned by the
    /// aligned-checkpoint timeout; the receiver persists it when it reads that barrier.
    pub overtaken_stash: Vec<Element>,
}

impl Channel {
    /// An empty channel holding at most `capacity` data elements.
    pub fn new(capacity: u32) -> Channel {
        assert!(capacity > 0, "a channel needs at least one credit");
        Channel {
            queue: VecDeque::new(),
            data: 0,
            capacity,
            blocked: false,
            overtaken_stash: Vec::new(),
        }
    }

    /// Whether the sender may write one more data element.
    pub fn has_credit(&self) -> bool {
        self.data < self.capacity
    }

    /// Data elements queued.
    pub fn data_len(&self) -> u32 {
        self.data
    }

    /// The credit limit.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// All queued elements, head first.
    pub fn iter(&self) -> impl Iterator<Item = &Queued> {
        self.queue.iter()
    }

    /// Number of queued elements of any kind.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Appends `element`, arriving `latency_at` at the earliest but never before the element
    /// ahead of it (channels are FIFO).
    ///
    /// # Panics
    /// If a data element is written without credit (the sender must check first), beyond the
    /// restore allowance of twice the capacity.
    pub fn push(&mut self, element: Element, now: SimTime, earliest: SimTime) {
        let available_at = self
            .queue
            .back()
            .map_or(earliest, |tail| tail.available_at.max(earliest));
        if element.is_data() {
            assert!(
                self.data < self.capacity.saturating_mul(2),
                "channel overfilled"
            );
            self.data += 1;
        }
        self.queue.push_back(Queued {
            available_at,
            sent_at: now,
            element,
        });
    }

    /// Puts a priority (unaligned) barrier at the head, returning the data it overtook (the
    /// in-flight data that becomes channel state of the checkpoint).
    pub fn push_priority(
        &mut self,
        element: Element,
        now: SimTime,
        arrives: SimTime,
    ) -> Vec<Element> {
        assert!(!element.is_data(), "only events can be priority elements");
        let overtaken = self
            .queue
            .iter()
            .filter(|q| q.element.is_data())
            .map(|q| q.element)
            .collect();
        self.queue.push_front(Queued {
            available_at: arrives,
            sent_at: now,
            element,
        });
        overtaken
    }

    /// Converts a queued aligned barrier of `checkpoint` into a priority barrier (the
    /// aligned-checkpoint timeout fired), returning the data ahead of it, which it now
    /// overtakes; `None` if the channel holds no such barrier.
    pub fn promote_barrier(
        &mut self,
        checkpoint: CheckpointId,
        now: SimTime,
    ) -> Option<Vec<Element>> {
        let position = self.queue.iter().position(
            |q| matches!(q.element, Element::Barrier { checkpoint: c, .. } if c == checkpoint),
        )?;
        let barrier = self.queue.remove(position).expect("position is in range");
        let overtaken = self
            .queue
            .iter()
            .take(position)
            .filter(|q| q.element.is_data())
            .map(|q| q.element)
            .collect();
        let arrives = barrier.available_at.min(now.max(barrier.sent_at));
        let promoted = Element::Barrier {
            checkpoint,
            unaligned: true,
        };
        self.queue.push_front(Queued {
            available_at: arrives,
            sent_at: barrier.sent_at,
            element: promoted,
        });
        Some(overtaken)
    }

    /// The head element if it has reached the receiver by `now`.
    pub fn peek_available(&self, now: SimTime) -> Option<&Queued> {
        self.queue.front().filter(|q| q.available_at <= now)
    }

    /// When the head element reaches the receiver, if there is one.
    pub fn head_arrival(&self) -> Option<SimTime> {
        self.queue.front().map(|q| q.available_at)
    }

    /// Removes the head element, returning a credit if it was data.
    pub fn pop(&mut self) -> Option<Queued> {
        let queued = self.queue.pop_front()?;
        if queued.element.is_data() {
            assert!(self.data > 0, "data count underflow");
            self.data -= 1;
        }
        Some(queued)
    }

    /// Drops everything (a failover releases all network buffers).
    pub fn clear(&mut self) {
        self.queue.clear();
        self.data = 0;
        self.blocked = false;
        self.overtaken_stash.clear();
    }

    /// Whether any barrier of `checkpoint` is still queued.
    pub fn holds_barrier(&self, checkpoint: CheckpointId) -> bool {
        self.queue
            .iter()
            .any(|q| matches!(q.element, Element::Barrier { checkpoint: c, .. } if c == checkpoint))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: u64) -> Element {
        Element::Record {
            seq,
            key: KeyIndex(0),
            abnormal: false,
        }
    }

    #[test]
    fn credits_bound_data_but_not_barriers() {
        let mut channel = Channel::new(2);
        channel.push(record(0), SimTime(0), SimTime(10));
        channel.push(record(1), SimTime(0), SimTime(5));
        assert!(!channel.has_credit());
        let barrier = Element::Barrier {
            checkpoint: CheckpointId(1),
            unaligned: false,
        };
        channel.push(barrier, SimTime(0), SimTime(1));
        assert_eq!(channel.len(), 3);
        // FIFO: nothing arrives before the element ahead of it.
        let times: Vec<u64> = channel.iter().map(|q| q.available_at.0).collect();
        assert_eq!(times, vec![10, 10, 10]);
        assert!(channel.peek_available(SimTime(9)).is_none());
        assert_eq!(channel.pop().unwrap().element, record(0));
        assert!(channel.has_credit());
    }

    #[test]
    fn priority_barrier_overtakes_queued_data() {
        let mut channel = Channel::new(10);
        channel.push(record(0), SimTime(0), SimTime(5));
        channel.push(record(1), SimTime(6), SimTime(20));
        let barrier = Element::Barrier {
            checkpoint: CheckpointId(3),
            unaligned: true,
        };
        let overtaken = channel.push_priority(barrier, SimTime(10), SimTime(12));
        assert_eq!(overtaken, vec![record(0), record(1)]);
        assert_eq!(channel.pop().unwrap().element, barrier);
        assert_eq!(channel.data_len(), 2);
    }

    #[test]
    fn promoting_an_aligned_barrier_moves_it_to_the_head() {
        let mut channel = Channel::new(10);
        for seq in 0..3 {
            channel.push(record(seq), SimTime(0), SimTime(100));
        }
        let id = CheckpointId(4);
        channel.push(
            Element::Barrier {
                checkpoint: id,
                unaligned: false,
            },
            SimTime(1),
            SimTime(1),
        );
        channel.push(record(3), SimTime(2), SimTime(2));
        let overtaken = channel.promote_barrier(id, SimTime(50)).unwrap();
        assert_eq!(
            overtaken.len(),
            3,
            "only data ahead of the barrier is overtaken"
        );
        assert!(matches!(
            channel.pop().unwrap().element,
            Element::Barrier {
                unaligned: true,
                ..
            }
        ));
        assert!(channel.promote_barrier(id, SimTime(60)).is_none());
    }
}
