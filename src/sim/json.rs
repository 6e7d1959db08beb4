//! Hand readers of stored JSON through `serde_json::Value`, the one reader the page carries for
//! every record: a derived `Deserialize` brings a field visitor, a map visitor and a sequence
//! visitor per type (and an enum visitor per enum), which was several KB of the page for each
//! stored type. Errors keep serde's words (`missing field `seed``, `unknown variant `x``), each
//! prefixed with the field's name.

use serde::de::{DeserializeOwned, Error};
use serde_json::Value;

/// Field `name` of a JSON object read as a `T`.
pub(crate) fn field<T: DeserializeOwned, E: Error>(
    value: &Value,
    name: &'static str,
) -> Result<T, E> {
    let field = value.get(name).ok_or_else(|| E::missing_field(name))?;
    T::deserialize(field).map_err(|e| E::custom(format!("{name}: {e}")))
}

/// Field `name` read as a `T`, `None` when absent or `null` (`#[serde(default)]` options).
pub(crate) fn optional<T: DeserializeOwned, E: Error>(
    value: &Value,
    name: &'static str,
) -> Result<Option<T>, E> {
    match value.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => field(value, name).map(Some),
    }
}

/// `value` if it is an object, else the error naming what it should be.
pub(crate) fn object<'v, E: Error>(value: &'v Value, what: &'static str) -> Result<&'v Value, E> {
    if value.is_object() {
        Ok(value)
    } else {
        Err(E::custom(format!("expected {what} (a JSON object)")))
    }
}

/// An enum in serde's external tagging: `"unit_variant"` or `{"variant": {fields}}`. Returns
/// the tag and the fields (`null` for a unit variant); an unknown tag is serde's
/// `unknown variant` error listing `variants`.
pub(crate) fn tagged<'v, E: Error>(
    value: &'v Value,
    variants: &'static [&'static str],
) -> Result<(&'v str, &'v Value), E> {
    let (tag, fields) = match value {
        Value::String(tag) => (tag.as_str(), &Value::Null),
        Value::Object(map) if map.len() == 1 => {
            let (tag, fields) = map.iter().next().expect("one entry");
            (tag.as_str(), fields)
        }
        _ => return Err(E::custom("expected a variant name or {variant: fields}")),
    };
    if variants.contains(&tag) {
        Ok((tag, fields))
    } else {
        Err(E::unknown_variant(tag, variants))
    }
}
