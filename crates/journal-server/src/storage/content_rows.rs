//! The journal rows an imported institution starts with, listed once for both backends (issue 16
//! item 1): each table's key columns and the row's JSON, from the snapshot. A backend only writes
//! them, each table with one prepared INSERT.

use std::collections::HashMap;

use journal_core::UserId;
use journal_protocol::Snapshot;

use super::sqlite::to_json;
use crate::error::StorageError;

/// What a column holds, where the database must be told (PostgreSQL casts text parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnType {
    Text,
    Int,
    Date,
    Json,
}

/// A column's value as a parameter.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Text(String),
    Int(i64),
}

/// One table's rows, each beside the institution's id (`institution_id`, the first column).
pub(crate) struct TableRows {
    pub table: &'static str,
    pub columns: &'static [(&'static str, ColumnType)],
    pub rows: Vec<Vec<Value>>,
}

impl TableRows {
    /// The INSERT of one row, its parameters numbered by `placeholder` (1 is the institution's id)
    /// and typed by `cast`.
    pub fn insert_sql(
        &self,
        placeholder: impl Fn(usize) -> String,
        cast: impl Fn(ColumnType) -> &'static str,
    ) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(name, _)| *name).collect();
        let values: Vec<String> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, (_, ty))| format!("{}{}", placeholder(i + 2), cast(*ty)))
            .collect();
        format!(
            "INSERT INTO {} (institution_id, {}) VALUES ({}, {})",
            self.table,
            names.join(", "),
            placeholder(1),
            values.join(", ")
        )
    }
}

fn text(s: impl ToString) -> Value {
    Value::Text(s.to_string())
}

/// The snapshot's users (with their Argon2id hashes: none, and the user signs in only once an
/// administrator sets a password) and journal content, table by table.
pub(crate) fn imported_rows(
    snap: &Snapshot,
    password_hashes: &HashMap<UserId, String>,
) -> Result<Vec<TableRows>, StorageError> {
    use ColumnType::{Date, Int, Json, Text};
    fn rows<T>(
        items: &[T],
        row: impl Fn(&T) -> Result<Vec<Value>, StorageError>,
    ) -> Result<Vec<Vec<Value>>, StorageError> {
        items.iter().map(row).collect()
    }
    Ok(vec![
        TableRows {
            table: "users",
            columns: &[
                ("id", Text),
                ("login", Text),
                ("data", Json),
                ("password_hash", Text),
            ],
            rows: rows(&snap.users, |u| {
                let hash = password_hashes.get(&u.id).cloned().unwrap_or_default();
                Ok(vec![
                    text(u.id),
                    text(&u.login),
                    Value::Text(to_json(u)?),
                    Value::Text(hash),
                ])
            })?,
        },
        TableRows {
            table: "lessons",
            columns: &[
                ("id", Text),
                ("load_id", Text),
                ("date", Date),
                ("data", Json),
            ],
            rows: rows(&snap.lessons, |l| {
                Ok(vec![
                    text(l.id),
                    text(l.load_id),
                    text(l.date),
                    Value::Text(to_json(l)?),
                ])
            })?,
        },
        TableRows {
            table: "lesson_topics",
            columns: &[("lesson_id", Text), ("hour", Int), ("data", Json)],
            rows: rows(&snap.lesson_topics, |t| {
                Ok(vec![
                    text(t.lesson_id),
                    Value::Int(i64::from(t.hour)),
                    Value::Text(to_json(t)?),
                ])
            })?,
        },
        TableRows {
            table: "homework",
            columns: &[("lesson_id", Text), ("data", Json)],
            rows: rows(&snap.homework, |h| {
                Ok(vec![text(h.lesson_id), Value::Text(to_json(h)?)])
            })?,
        },
        TableRows {
            table: "cells",
            columns: &[("lesson_id", Text), ("student_id", Text), ("data", Json)],
            rows: rows(&snap.cells, |c| {
                Ok(vec![
                    text(c.lesson_id),
                    text(c.student_id),
                    Value::Text(to_json(c)?),
                ])
            })?,
        },
        TableRows {
            table: "finals",
            // PostgreSQL keeps a final's data as text: migration 0025 made the other tables' jsonb.
            columns: &[
                ("load_id", Text),
                ("period_id", Text),
                ("student_id", Text),
                ("final_column", Text),
                ("data", Text),
            ],
            rows: rows(&snap.finals, |f| {
                Ok(vec![
                    text(f.load_id),
                    text(f.period_id),
                    text(f.student_id),
                    text(f.column.as_str()),
                    Value::Text(to_json(f)?),
                ])
            })?,
        },
        TableRows {
            table: "locks",
            columns: &[("load_id", Text), ("period_id", Text), ("data", Json)],
            rows: rows(&snap.locks, |l| {
                Ok(vec![
                    text(l.load_id),
                    text(l.period_id),
                    Value::Text(to_json(l)?),
                ])
            })?,
        },
        TableRows {
            table: "remarks",
            columns: &[("id", Text), ("load_id", Text), ("data", Json)],
            rows: rows(&snap.remarks, |r| {
                Ok(vec![text(r.id), text(r.load_id), Value::Text(to_json(r)?)])
            })?,
        },
    ])
}

/// The detail of the «init» audit entry that starts an imported institution's chain.
pub(crate) fn init_detail(snap: &Snapshot) -> Result<String, StorageError> {
    to_json(&serde_json::json!({
        "name": snap.institution.name,
        "users": snap.users.len(),
        "groups": snap.groups.len(),
        "students": snap.students.len(),
        "loads": snap.loads.len(),
        "lessons": snap.lessons.len(),
        "cells": snap.cells.len(),
    }))
}
