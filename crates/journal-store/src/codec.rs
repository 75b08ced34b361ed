//! Column encodings: ids and dates as text, enums and values as JSON text.

use chrono::NaiveDateTime;
use rusqlite::types::Type;
use rusqlite::Row;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Display;
use std::str::FromStr;

fn conversion_error(idx: usize, msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, msg.into())
}

/// A text column parsed with `FromStr` (ids, dates, times, date-times).
pub(crate) fn parse<T: FromStr>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T::Err: Display,
{
    let s: String = row.get(idx)?;
    s.parse::<T>()
        .map_err(|e| conversion_error(idx, format!("«{s}»: {e}")))
}

pub(crate) fn parse_opt<T: FromStr>(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<T>>
where
    T::Err: Display,
{
    let s: Option<String> = row.get(idx)?;
    s.map(|s| {
        s.parse::<T>()
            .map_err(|e| conversion_error(idx, format!("«{s}»: {e}")))
    })
    .transpose()
}

/// A JSON text column.
pub(crate) fn json<T: DeserializeOwned>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let s: rusqlite::types::ValueRef<'_> = row.get_ref(idx)?;
    let bytes = s.as_bytes()?;
    serde_json::from_slice(bytes).map_err(|e| conversion_error(idx, e.to_string()))
}

/// A unit enum stored as its serde name without JSON quotes ("lecture").
pub(crate) fn enum_col<T: DeserializeOwned>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    serde_json::from_value(serde_json::Value::String(s))
        .map_err(|e| conversion_error(idx, e.to_string()))
}

/// An optional enum column (NULL: none).
pub(crate) fn opt_enum_col<T: DeserializeOwned>(
    row: &Row<'_>,
    idx: usize,
) -> rusqlite::Result<Option<T>> {
    match row.get::<_, Option<String>>(idx)? {
        None => Ok(None),
        Some(_) => enum_col(row, idx).map(Some),
    }
}

pub(crate) fn enum_text<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => e.to_string(),
    }
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> Result<String, crate::StoreError> {
    serde_json::to_string(v).map_err(|e| crate::StoreError::Corrupt(e.to_string()))
}

/// Date-times in ISO form with `T`, the same as their serde form (chrono's `Display` uses a space,
/// which `FromStr` does not accept).
pub(crate) fn dt(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
}
