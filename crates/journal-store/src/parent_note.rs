//! «Замечания родителям» written in the app and not yet taken by the server: kept in the copy
//! (encrypted like the journal) until a sync delivers them, so a note typed offline is never lost.
//! Whom a teacher may write about is the server's rule; a note it refuses for good stays here with
//! the server's words until the teacher dismisses it (journal-api).

use chrono::NaiveDateTime;
use rusqlite::params;

use crate::codec::{dt, parse};
use crate::{Store, StoreError};

/// A note waiting to be sent, or refused by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingParentNote {
    pub id: i64,
    /// The device's local time when it was written.
    pub written_at: NaiveDateTime,
    pub student_id: uuid::Uuid,
    pub text: String,
    /// The server's refusal (code, words); `None` while it waits to be sent.
    pub refused: Option<(String, String)>,
}

impl Store {
    /// Keeps a note to send; returns its local id.
    pub fn add_pending_parent_note(
        &mut self,
        written_at: NaiveDateTime,
        student_id: uuid::Uuid,
        text: &str,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO pending_parent_notes (written_at, student_id, text) VALUES (?1, ?2, ?3)",
            params![dt(&written_at), student_id.to_string(), text],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The notes kept here, oldest first: waiting and refused.
    pub fn pending_parent_notes(&self) -> Result<Vec<PendingParentNote>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, written_at, student_id, text, refused_code, refused_reason
             FROM pending_parent_notes ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            let student: String = r.get(2)?;
            let student_id = uuid::Uuid::parse_str(&student).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    2,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?;
            let refused = match (
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ) {
                (Some(code), Some(reason)) => Some((code, reason)),
                _ => None,
            };
            Ok(PendingParentNote {
                id: r.get(0)?,
                written_at: parse(r, 1)?,
                student_id,
                text: r.get(3)?,
                refused,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Records the server's refusal of a note for good: it is not sent again.
    pub fn refuse_pending_parent_note(
        &mut self,
        id: i64,
        code: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE pending_parent_notes SET refused_code = ?2, refused_reason = ?3 WHERE id = ?1",
            params![id, code, reason],
        )?;
        Ok(())
    }

    /// Forgets a note the server took, or a refused one the teacher dismissed; false when there
    /// was none.
    pub fn remove_pending_parent_note(&mut self, id: i64) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute("DELETE FROM pending_parent_notes WHERE id = ?1", [id])?;
        Ok(n > 0)
    }
}
