//! A Java `double` as Flink's REST layer (shaded Jackson) writes it.
//!
//! Jackson writes a finite double as a JSON number and, because `QUOTE_NON_NUMERIC_NUMBERS` is on
//! by default, a non-finite one as a JSON *string*: `"NaN"`, `"Infinity"` or `"-Infinity"`. The
//! real cluster shows both forms for the same field: checkpoint percentiles are `6645.0` in
//! `/checkpoints` and `"NaN"` in subtask summaries, and `accumulated-busy-time` is `1243.0` for a
//! keyed task but `"NaN"` for a legacy source.
//!
//! `serde_json` itself would write a NaN `f64` as `null`, so every Java `double` in a DTO is a
//! [`JsonDouble`], never a bare `f64`.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The JSON string Jackson writes for `Double.NaN`.
const NAN_STRING: &str = "NaN";
/// The JSON string Jackson writes for `Double.POSITIVE_INFINITY`.
const INFINITY_STRING: &str = "Infinity";
/// The JSON string Jackson writes for `Double.NEGATIVE_INFINITY`.
const NEG_INFINITY_STRING: &str = "-Infinity";

/// A Java `double` field of a Flink REST body (percentiles, `accumulated-busy-time`, `busyRatio`,
/// `cpuCores`). Mirrors Jackson's `writeNumber(double)`.
///
/// Serialises a finite value as a JSON number with a decimal point (`6645.0`, `18.5`, `0.002`)
/// and a non-finite one as the JSON string `"NaN"`, `"Infinity"` or `"-Infinity"`, exactly as
/// Jackson does. Deserialises from either form (an integer JSON number is accepted too).
///
/// Equality is by value with every NaN equal to every other NaN, so a DTO holding `"NaN"`
/// equals itself after a round trip; `0.0` and `-0.0` differ because they serialise differently.
#[derive(Debug, Clone, Copy)]
pub struct JsonDouble(f64);

impl JsonDouble {
    /// Java's `Double.NaN`: what Flink reports when a statistic has no data.
    pub const NAN: JsonDouble = JsonDouble(f64::NAN);

    /// Wraps any `f64`, finite or not.
    #[must_use]
    pub const fn new(value: f64) -> Self {
        JsonDouble(value)
    }

    /// The wrapped value.
    #[must_use]
    pub const fn value(self) -> f64 {
        self.0
    }

    /// Whether this is NaN (serialised as the string `"NaN"`).
    #[must_use]
    pub fn is_nan(self) -> bool {
        self.0.is_nan()
    }
}

impl From<f64> for JsonDouble {
    fn from(value: f64) -> Self {
        JsonDouble(value)
    }
}

impl From<JsonDouble> for f64 {
    fn from(value: JsonDouble) -> Self {
        value.0
    }
}

impl PartialEq for JsonDouble {
    fn eq(&self, other: &Self) -> bool {
        (self.0.is_nan() && other.0.is_nan()) || self.0.to_bits() == other.0.to_bits()
    }
}

impl Serialize for JsonDouble {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = self.0;
        if value.is_nan() {
            serializer.serialize_str(NAN_STRING)
        } else if value == f64::INFINITY {
            serializer.serialize_str(INFINITY_STRING)
        } else if value == f64::NEG_INFINITY {
            serializer.serialize_str(NEG_INFINITY_STRING)
        } else {
            serializer.serialize_f64(value)
        }
    }
}

impl<'de> Deserialize<'de> for JsonDouble {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonDoubleVisitor)
    }
}

/// Accepts a JSON number or one of Jackson's three non-finite strings.
struct JsonDoubleVisitor;

impl Visitor<'_> for JsonDoubleVisitor {
    type Value = JsonDouble;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON number or one of \"NaN\", \"Infinity\", \"-Infinity\"")
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<JsonDouble, E> {
        Ok(JsonDouble(value))
    }

    // An integer JSON number is a valid double; Flink never writes one for a double field, so
    // it would not round-trip byte for byte, but it is the value a reader means.
    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<JsonDouble, E> {
        Ok(JsonDouble(value as f64))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<JsonDouble, E> {
        Ok(JsonDouble(value as f64))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<JsonDouble, E> {
        match value {
            NAN_STRING => Ok(JsonDouble(f64::NAN)),
            INFINITY_STRING => Ok(JsonDouble(f64::INFINITY)),
            NEG_INFINITY_STRING => Ok(JsonDouble(f64::NEG_INFINITY)),
            other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_json(value: f64) -> String {
        serde_json::to_string(&JsonDouble::new(value)).unwrap()
    }

    fn from_json(text: &str) -> JsonDouble {
        serde_json::from_str(text).unwrap()
    }

    /// Finite doubles are JSON numbers that always carry a decimal point, as Jackson writes them.
    #[test]
    fn finite_double_serialises_as_number_with_point() {
        assert_eq!(to_json(6645.0), "6645.0");
        assert_eq!(to_json(18.5), "18.5");
        assert_eq!(to_json(0.0), "0.0");
        assert_eq!(to_json(0.002), "0.002");
        assert_eq!(to_json(1243.0), "1243.0");
    }

    /// Non-finite doubles become Jackson's quoted strings, never `null`.
    #[test]
    fn non_finite_double_serialises_as_string() {
        assert_eq!(to_json(f64::NAN), "\"NaN\"");
        assert_eq!(to_json(-f64::NAN), "\"NaN\"");
        assert_eq!(to_json(f64::INFINITY), "\"Infinity\"");
        assert_eq!(to_json(f64::NEG_INFINITY), "\"-Infinity\"");
    }

    /// Both wire forms read back into the value they stand for.
    #[test]
    fn double_deserialises_from_number_or_string() {
        assert_eq!(from_json("6645.0").value(), 6645.0);
        assert_eq!(from_json("18.5").value(), 18.5);
        assert_eq!(from_json("7").value(), 7.0);
        assert_eq!(from_json("-3").value(), -3.0);
        assert!(from_json("\"NaN\"").is_nan());
        assert_eq!(from_json("\"Infinity\"").value(), f64::INFINITY);
        assert_eq!(from_json("\"-Infinity\"").value(), f64::NEG_INFINITY);
    }

    /// Any other string, and `null`, are rejected rather than silently read as NaN.
    #[test]
    fn double_rejects_other_strings_and_null() {
        assert!(serde_json::from_str::<JsonDouble>("\"nan\"").is_err());
        assert!(serde_json::from_str::<JsonDouble>("\"1.0\"").is_err());
        assert!(serde_json::from_str::<JsonDouble>("null").is_err());
    }

    /// NaN equals NaN, so a DTO carrying `"NaN"` equals itself after a round trip.
    #[test]
    fn double_equality_treats_nan_as_equal() {
        assert_eq!(JsonDouble::NAN, JsonDouble::new(f64::NAN));
        assert_eq!(JsonDouble::new(1.5), JsonDouble::from(1.5));
        assert_ne!(JsonDouble::NAN, JsonDouble::new(0.0));
        assert_ne!(JsonDouble::new(0.0), JsonDouble::new(-0.0));
        for text in ["\"NaN\"", "6763.5", "0.0", "\"-Infinity\""] {
            let value = from_json(text);
            assert_eq!(value, from_json(&serde_json::to_string(&value).unwrap()));
            assert_eq!(serde_json::to_string(&value).unwrap(), text);
        }
    }
}
