//! Deserializers that accept what Greenhouse has been seen to send rather than what it
//! documents: ids as numbers or numeric strings, free-text fields as any scalar, and
//! `null` wherever a list is expected.

use serde::{Deserialize, Deserializer, de::Error};
use serde_json::Value;

/// A 64-bit id sent as a JSON number or as a numeric string.
pub fn u64_id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => n
            .as_u64()
            .ok_or_else(|| D::Error::custom(format!("id {n} is not a non-negative integer"))),
        Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| D::Error::custom(format!("id {s:?} is not numeric"))),
        other => Err(D::Error::custom(format!("id has unexpected type: {other}"))),
    }
}

pub fn opt_u64_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        v => u64_id(v).map(Some).map_err(D::Error::custom),
    }
}

/// Free text that may arrive as a number (`requisition_id: 50`) or `null`.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

/// A list that may be `null` or absent.
pub fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A flag that may be `null`, absent, a bool, or `"true"`/`"false"`/`1`/`0`.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::String(s) => matches!(s.trim(), "true" | "1"),
        Value::Number(n) => n.as_i64() == Some(1),
        _ => false,
    })
}
