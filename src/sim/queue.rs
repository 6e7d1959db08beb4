//! The timed-event queue: a binary heap ordered by `(time, seq)` with a one-entry front slot.
//!
//! Handlers often schedule the very next event (a task's wake-up right after its record); the
//! front slot lets that event skip the heap. The order is exactly the heap's: the slot always
//! holds the minimum of everything queued.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A queue entry: anything ordered by a `(time, seq)` key.
pub(crate) trait Keyed: Ord + Copy {
    /// The ordering key; smaller comes first.
    fn key(&self) -> (u64, u64);
}

/// Min-ordered queue of entries.
#[derive(Clone, Debug)]
pub(crate) struct EventQueue<T: Keyed> {
    heap: BinaryHeap<Reverse<T>>,
    front: Option<T>,
}

/// Reverses the order so `BinaryHeap` pops the smallest key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Reverse<T>(T);

impl<T: Keyed> PartialOrd for Reverse<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Keyed> Ord for Reverse<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.key().cmp(&self.0.key())
    }
}

impl<T: Keyed> Default for EventQueue<T> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            front: None,
        }
    }
}

impl<T: Keyed> EventQueue<T> {
    /// Adds an entry.
    #[inline]
    pub fn push(&mut self, entry: T) {
        match self.front {
            Some(front) if entry.key() < front.key() => {
                self.heap.push(Reverse(front));
                self.front = Some(entry);
            }
            Some(_) => self.heap.push(Reverse(entry)),
            None => {
                if self.heap.peek().is_none_or(|top| entry.key() < top.0.key()) {
                    self.front = Some(entry);
                } else {
                    self.heap.push(Reverse(entry));
                }
            }
        }
    }

    /// Removes the smallest entry.
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        self.front.take().or_else(|| self.heap.pop().map(|r| r.0))
    }

    /// The smallest entry.
    #[inline]
    pub fn peek(&self) -> Option<&T> {
        self.front
            .as_ref()
            .or_else(|| self.heap.peek().map(|r| &r.0))
    }

    /// Entries queued.
    pub fn len(&self) -> usize {
        self.heap.len() + usize::from(self.front.is_some())
    }

    /// Allocated capacity (for memory estimates).
    pub fn capacity(&self) -> usize {
        self.heap.capacity() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    struct Entry(u64, u64);
    impl Keyed for Entry {
        fn key(&self) -> (u64, u64) {
            (self.0, self.1)
        }
    }

    /// Any interleaving of pushes and pops yields the same order as a sorted list.
    #[test]
    fn pops_in_key_order() {
        let mut queue = EventQueue::default();
        let mut reference = Vec::new();
        let mut seq = 0;
        let mut state = 12345u64;
        for round in 0..2_000 {
            state = crate::sim::rng::mix64(state);
            if !state.is_multiple_of(3) || queue.len() == 0 {
                let entry = Entry(state % 100 + round / 10, seq);
                seq += 1;
                queue.push(entry);
                reference.push(entry);
                reference.sort();
            } else {
                let expected = reference.remove(0);
                assert_eq!(queue.pop(), Some(expected));
            }
            assert_eq!(queue.peek().copied(), reference.first().copied());
            assert_eq!(queue.len(), reference.len());
        }
    }
}
