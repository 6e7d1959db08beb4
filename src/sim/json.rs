//! Reading the engine's persisted documents (`_metadata`, the JobManager state, run files) from
//! parsed JSON, by hand: [`FromJson`] over a [`serde_json::Value`].
//!
//! Why not `#[derive(Deserialize)]` in the page: serde's derived visitors are generic code
//! instantiated per type, per field type and per deserializer (field-name visitors, a sequence
//! and a map visitor per struct and per enum variant, their error paths). For the handful of
//! record types the page reads back from IndexedDB and run files they were ≈14 KB of the
//! gzipped wasm — as much as a whole dashboard tab. The decoders here are plain calls into a
//! few non-generic helpers.
//!
//! The types keep their `Deserialize` derives as the reference reading: tests decode the same
//! documents both ways and require the same value, and reject what serde rejects (missing and
//! mistyped fields, out-of-range integers, unknown variants). Like serde's derive, unknown
//! fields are ignored and a missing or `null` optional field reads as `None`.

use serde_json::{Map, Value};
use std::fmt;

/// Why a document does not have the expected shape, with where: `operators[1].subtasks[0]:
/// missing field `state``.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    path: String,
    message: String,
}

impl DecodeError {
    /// An error at the current position.
    pub fn new(message: impl Into<String>) -> DecodeError {
        DecodeError {
            path: String::new(),
            message: message.into(),
        }
    }

    /// The same error, one field further from the root: `name` is a field or variant name.
    #[must_use]
    pub fn in_field(mut self, name: &str) -> DecodeError {
        let joiner = if self.path.is_empty() || self.path.starts_with('[') {
            ""
        } else {
            "."
        };
        self.path = format!("{name}{joiner}{}", self.path);
        self
    }

    /// The same error, inside element `index` of an array.
    #[must_use]
    fn in_element(mut self, index: usize) -> DecodeError {
        let joiner = if self.path.is_empty() || self.path.starts_with('[') {
            ""
        } else {
            "."
        };
        self.path = format!("[{index}]{joiner}{}", self.path);
        self
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

/// A value that can be read from parsed JSON.
pub trait FromJson: Sized {
    /// Reads `value`, or says why it has the wrong shape.
    fn from_json(value: &Value) -> Result<Self, DecodeError>;

    /// The value of a missing field, if a field of this type may be missing (only `Option`,
    /// as with serde's derive).
    fn when_missing() -> Option<Self> {
        None
    }
}

/// Parses `text` and reads it as a `T`. Syntax errors say where (line and column).
pub fn decode<T: FromJson>(text: &str) -> Result<T, DecodeError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| DecodeError::new(describe_json_error(&e)))?;
    T::from_json(&value)
}

/// What went wrong reading or writing JSON, and where: `the text ends early at line 1, column
/// 412`. Used instead of serde_json's own `Display`, whose table of messages (and of I/O error
/// kinds) the page would otherwise carry for messages it never needs in that detail.
pub fn describe_json_error(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Eof => "the text ends early",
        Category::Syntax => "a syntax error",
        Category::Data => "a value of the wrong kind",
        Category::Io => "a read or write error",
    };
    if error.line() == 0 {
        what.to_string()
    } else {
        format!("{what} at line {}, column {}", error.line(), error.column())
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn expected(what: &str, value: &Value) -> DecodeError {
    DecodeError::new(format!("expected {what}, found {}", kind(value)))
}

/// An unsigned integer no larger than `max` (what serde accepts for `u8` … `u64`: a JSON number
/// without fraction or sign).
fn unsigned(value: &Value, max: u64) -> Result<u64, DecodeError> {
    match value.as_u64() {
        Some(n) if n <= max => Ok(n),
        Some(n) => Err(DecodeError::new(format!(
            "{n} is out of range (at most {max})"
        ))),
        None => Err(expected("an unsigned integer", value)),
    }
}

macro_rules! unsigned_from_json {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(value: &Value) -> Result<Self, DecodeError> {
                // `unsigned` checked the range.
                unsigned(value, <$t>::MAX as u64).map(|n| n as $t)
            }
        }
    )*};
}
unsigned_from_json!(u8, u16, u32, u64);

impl FromJson for bool {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        value.as_bool().ok_or_else(|| expected("a boolean", value))
    }
}

impl FromJson for String {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| expected("a string", value))
    }
}

impl FromJson for Value {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        Ok(value.clone())
    }
}

impl FromJson for Map<String, Value> {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        value
            .as_object()
            .cloned()
            .ok_or_else(|| expected("an object", value))
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(None),
            present => T::from_json(present).map(Some),
        }
    }

    fn when_missing() -> Option<Self> {
        Some(None)
    }
}

/// The elements of an array (shared by every `Vec<T>` and array reader).
fn elements(value: &Value) -> Result<&[Value], DecodeError> {
    value
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| expected("an array", value))
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        elements(value)?
            .iter()
            .enumerate()
            .map(|(index, element)| T::from_json(element).map_err(|e| e.in_element(index)))
            .collect()
    }
}

impl<T: FromJson + Copy + Default, const N: usize> FromJson for [T; N] {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let found = elements(value)?;
        if found.len() != N {
            return Err(DecodeError::new(format!(
                "expected an array of {N}, found {} elements",
                found.len()
            )));
        }
        let mut array = [T::default(); N];
        for (index, (slot, element)) in array.iter_mut().zip(found).enumerate() {
            *slot = T::from_json(element).map_err(|e| e.in_element(index))?;
        }
        Ok(array)
    }
}

fn missing(name: &str) -> DecodeError {
    DecodeError::new(format!("missing field `{name}`"))
}

/// `FromJson` for a plain struct whose JSON keys are its field names (what serde's derive writes
/// without renames): `struct_from_json!(Type { a, b })` reads each field with [`Object::field`].
macro_rules! struct_from_json {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl $crate::sim::json::FromJson for $ty {
            fn from_json(
                value: &serde_json::Value,
            ) -> Result<Self, $crate::sim::json::DecodeError> {
                let object = $crate::sim::json::Object::of(value)?;
                Ok($ty {
                    $($field: object.field(stringify!($field))?,)*
                })
            }
        }
    };
}
pub(crate) use struct_from_json;

/// A JSON object being read field by field.
pub struct Object<'a>(&'a Map<String, Value>);

impl<'a> Object<'a> {
    /// `value` as an object.
    pub fn of(value: &'a Value) -> Result<Object<'a>, DecodeError> {
        value
            .as_object()
            .map(Object)
            .ok_or_else(|| expected("an object", value))
    }

    /// A field; only an `Option` field may be missing (it reads as `None`).
    pub fn field<T: FromJson>(&self, name: &str) -> Result<T, DecodeError> {
        match self.0.get(name) {
            Some(value) => T::from_json(value).map_err(|e| e.in_field(name)),
            None => T::when_missing().ok_or_else(|| missing(name)),
        }
    }
}

/// An enum variant as serde writes it by default (externally tagged): a unit variant is its
/// name as a string, any other variant an object with the name as its only key.
pub struct Variant<'a> {
    /// The variant's name.
    pub name: &'a str,
    content: Option<&'a Value>,
}

impl<'a> Variant<'a> {
    /// Splits `value` into a variant name and its content.
    pub fn of(value: &'a Value) -> Result<Variant<'a>, DecodeError> {
        match value {
            Value::String(name) => Ok(Variant {
                name,
                content: None,
            }),
            Value::Object(map) if map.len() == 1 => {
                let (name, content) = map.iter().next().expect("one entry");
                Ok(Variant {
                    name,
                    content: Some(content),
                })
            }
            other => Err(expected("a variant name or an object with one key", other)),
        }
    }

    /// The fields of a struct variant.
    pub fn fields(&self) -> Result<Object<'a>, DecodeError> {
        match self.content {
            Some(content) => Object::of(content).map_err(|e| e.in_field(self.name)),
            None => Err(DecodeError::new(format!(
                "variant `{}` needs its fields",
                self.name
            ))),
        }
    }

    /// Reads a struct variant's fields with `read`, naming the variant in any error.
    pub fn read<T>(
        &self,
        read: impl FnOnce(&Object<'a>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        read(&self.fields()?).map_err(|e| e.in_field(self.name))
    }

    /// Checks that a unit variant has no content (serde also accepts `{"name": null}`).
    pub fn unit<T>(&self, value: T) -> Result<T, DecodeError> {
        match self.content {
            None | Some(Value::Null) => Ok(value),
            Some(other) => Err(expected("no content", other).in_field(self.name)),
        }
    }

    /// The error for a name that is not one of `known`.
    pub fn unknown<T>(&self, known: &[&str]) -> Result<T, DecodeError> {
        Err(DecodeError::new(format!(
            "unknown variant `{}`, expected one of {}",
            self.name,
            known.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_errors_say_what_and_where() {
        let eof = serde_json::from_str::<Value>("{\"a\": [1, 2").unwrap_err();
        assert_eq!(
            describe_json_error(&eof),
            "the text ends early at line 1, column 11"
        );
        let syntax = serde_json::from_str::<Value>("{\n  \"a\" 1}").unwrap_err();
        assert_eq!(
            describe_json_error(&syntax),
            "a syntax error at line 2, column 7"
        );
        assert_eq!(
            decode::<u32>("[").unwrap_err().to_string(),
            "the text ends early at line 1, column 1"
        );
    }

    #[test]
    fn integers_are_range_checked_like_serde() {
        assert_eq!(u8::from_json(&json!(255)), Ok(255));
        assert!(u8::from_json(&json!(256)).is_err());
        assert!(u16::from_json(&json!(65_536)).is_err());
        assert_eq!(u32::from_json(&json!(4_294_967_295u64)), Ok(u32::MAX));
        assert!(u32::from_json(&json!(4_294_967_296u64)).is_err());
        assert_eq!(u64::from_json(&json!(u64::MAX)), Ok(u64::MAX));
        assert!(u64::from_json(&json!(-1)).is_err());
        assert!(u64::from_json(&json!(1.5)).is_err());
        assert!(u64::from_json(&json!("1")).is_err());
    }

    #[test]
    fn errors_say_where() {
        let value = json!({ "a": [ { "b": 1 }, { "b": "x" } ] });
        let read = |v: &Value| -> Result<Vec<u32>, DecodeError> {
            let object = Object::of(v)?;
            let list: Vec<Value> = object.field("a")?;
            list.iter()
                .enumerate()
                .map(|(i, e)| {
                    Object::of(e)
                        .and_then(|o| o.field::<u32>("b"))
                        .map_err(|err| err.in_element(i).in_field("a"))
                })
                .collect()
        };
        assert_eq!(
            read(&value).unwrap_err().to_string(),
            "a[1].b: expected an unsigned integer, found a string"
        );
        let missing = Object::of(&json!({})).unwrap().field::<u32>("x");
        assert_eq!(missing.unwrap_err().to_string(), "missing field `x`");
    }

    #[test]
    fn optional_fields_read_missing_and_null_as_none() {
        let object = json!({ "n": null, "v": 3 });
        let object = Object::of(&object).unwrap();
        assert_eq!(object.field::<Option<u32>>("missing"), Ok(None));
        assert_eq!(object.field::<Option<u32>>("n"), Ok(None));
        assert_eq!(object.field::<Option<u32>>("v"), Ok(Some(3)));
        assert!(object.field::<u32>("n").is_err());
        assert!(object.field::<u32>("missing").is_err());
        assert_eq!(
            Vec::<Option<u64>>::from_json(&json!([null, 4])),
            Ok(vec![None, Some(4)])
        );
    }

    #[test]
    fn variants_are_externally_tagged() {
        let unit = json!("stateless");
        let variant = Variant::of(&unit).unwrap();
        assert_eq!(variant.name, "stateless");
        assert_eq!(variant.unit(7), Ok(7));
        assert!(variant.fields().is_err());
        let with_fields = json!({ "source": { "offset": 3 } });
        let variant = Variant::of(&with_fields).unwrap();
        assert_eq!(variant.read(|o| o.field::<u64>("offset")), Ok(3));
        assert_eq!(
            variant
                .read(|o| o.field::<u64>("nope"))
                .unwrap_err()
                .to_string(),
            "source: missing field `nope`"
        );
        assert!(Variant::of(&json!({ "a": 1, "b": 2 })).is_err());
        assert!(Variant::of(&json!(3)).is_err());
        assert_eq!(<[u32; 2]>::from_json(&json!([1, 2])), Ok([1, 2]));
        assert!(<[u32; 2]>::from_json(&json!([1, 2, 3])).is_err());
    }
}
