//! A JSON object whose key order is the insertion order.
//!
//! Flink builds most REST maps as Java `HashMap`s, so their key order is Java's hash order, not
//! sorted order (the `tasks` of a checkpoint are keyed by `JobVertexID`, whose hash decides which
//! vertex comes first). A `BTreeMap` would re-sort them; a `HashMap` is banned in the engine.
//! [`OrderedMap`] keeps whatever order it was built or parsed in, so a captured response
//! round-trips byte for byte and the simulator decides the order explicitly.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A string-keyed JSON object that iterates, serialises and compares in insertion order.
/// Mirrors the Java `Map<String, V>` fields of Flink REST bodies (`tasks`, `failureLabels`,
/// `extendedResources`, `optimizer_properties`).
///
/// Lookups are linear: these maps hold a handful of entries (one per job vertex at most).
/// Deserialising rejects a duplicate key instead of keeping one of the values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedMap<V> {
    entries: Vec<(String, V)>,
}

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap {
            entries: Vec::new(),
        }
    }
}

impl<V> OrderedMap<V> {
    /// An empty map (serialised as `{}`).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value`. A new key goes last; an existing key keeps its position and its
    /// old value is returned.
    pub fn insert(&mut self, key: impl Into<String>, value: V) -> Option<V> {
        let key = key.into();
        let existing = self
            .entries
            .iter_mut()
            .find(|(existing, _)| *existing == key);
        if let Some((_, slot)) = existing {
            return Some(std::mem::replace(slot, value));
        }
        self.entries.push((key, value));
        None
    }

    /// The value for `key`, if present.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&V> {
        self.entries
            .iter()
            .find(|(existing, _)| existing == key)
            .map(|(_, value)| value)
    }

    /// Number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries
            .iter()
            .map(|(key, value)| (key.as_str(), value))
    }

    /// Keys in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(key, _)| key.as_str())
    }
}

impl<K: Into<String>, V> FromIterator<(K, V)> for OrderedMap<V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = OrderedMap::new();
        for (key, value) in iter {
            map.insert(key, value);
        }
        map
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (key, value) in &self.entries {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(OrderedMapVisitor(PhantomData))
    }
}

/// Reads a JSON object entry by entry, keeping the order.
struct OrderedMapVisitor<V>(PhantomData<V>);

impl<'de, V: Deserialize<'de>> Visitor<'de> for OrderedMapVisitor<V> {
    type Value = OrderedMap<V>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object with unique keys")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = OrderedMap::new();
        while let Some((key, value)) = access.next_entry::<String, V>()? {
            if map.get(&key).is_some() {
                return Err(de::Error::custom(format_args!("duplicate key {key:?}")));
            }
            map.entries.push((key, value));
        }
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parsing then writing keeps the source order, including a non-sorted one.
    #[test]
    fn ordered_map_round_trips_unsorted_order() {
        let text = r#"{"zeta":1,"alpha":2,"mid":3}"#;
        let map: OrderedMap<i64> = serde_json::from_str(text).unwrap();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["zeta", "alpha", "mid"]);
        assert_eq!(serde_json::to_string(&map).unwrap(), text);
    }

    /// Re-inserting a key replaces its value in place; the order does not change.
    #[test]
    fn ordered_map_insert_keeps_position() {
        let mut map = OrderedMap::new();
        assert_eq!(map.insert("b", 1), None);
        assert_eq!(map.insert("a", 2), None);
        assert_eq!(map.insert("b", 3), Some(1));
        assert_eq!(map.iter().collect::<Vec<_>>(), [("b", &3), ("a", &2)]);
        assert_eq!(map.len(), 2);
        assert_eq!(
            serde_json::to_string(&OrderedMap::<i64>::new()).unwrap(),
            "{}"
        );
    }

    /// A duplicate key in the input is an error, not a silent overwrite.
    #[test]
    fn ordered_map_rejects_duplicate_keys() {
        let result = serde_json::from_str::<OrderedMap<i64>>(r#"{"a":1,"a":2}"#);
        assert!(result.is_err());
    }
}
