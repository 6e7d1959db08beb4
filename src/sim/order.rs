//! Stable sorting with one machine-code copy for the whole program.
//!
//! `slice::sort_by` is generic over the element and the comparator, so each call site with a
//! new element type or closure gets its own copy of the standard library's driftsort (≈3.5 KB of
//! wasm each; the page had 15 of them, ≈50 KB before gzip). These helpers sort a list of indices
//! with the standard library's stable sort behind one `dyn` comparator, so the sort itself is
//! instantiated once, and then move the elements into that order. Stability and determinism are
//! the standard library's: equal keys keep their order, on every platform.
//!
//! The percentiles' sorts of numbers use it too, in place of `sort_unstable` (two more copies):
//! they sort at most a checkpoint history's window, where the indirection costs microseconds.

use std::cmp::Ordering;

/// The stable order of `len` items under `compare` (indices into the items).
#[inline(never)]
fn stable_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Sorts `items` stably by `compare`, like `items.sort_by(compare)`.
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = stable_order(items.len(), &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `items` stably by `key`, like `items.sort_by_key(key)`.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` stably in their natural order, like `items.sort()`.
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_the_standard_library() {
        let mut state = 7u64;
        for len in [0usize, 1, 2, 3, 17, 200] {
            let items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    state = crate::sim::rng::mix64(state);
                    ((state % 5) as u8, i)
                })
                .collect();
            let mut ours = items.clone();
            sort_by_key(&mut ours, |(k, _)| *k);
            let mut theirs = items.clone();
            theirs.sort_by_key(|(k, _)| *k);
            assert_eq!(ours, theirs, "len {len}");
            let mut natural = items.clone();
            sort(&mut natural);
            let mut expected = items;
            expected.sort();
            assert_eq!(natural, expected);
        }
    }
}
