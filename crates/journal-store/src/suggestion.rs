//! «Предложение» written in the app and not yet taken by the server: kept in the copy (encrypted
//! like the journal) until a sync delivers it, so a text typed offline is never lost.

use chrono::NaiveDateTime;
use rusqlite::params;

use crate::codec::{dt, parse};
use crate::{Store, StoreError};

/// A suggestion waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSuggestion {
    pub id: i64,
    /// The device's local time when it was written.
    pub written_at: NaiveDateTime,
    pub screen: String,
    pub text: String,
}

impl Store {
    /// Keeps a suggestion to send; returns its local id.
    pub fn add_pending_suggestion(
        &mut self,
        written_at: NaiveDateTime,
        screen: &str,
        text: &str,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO pending_suggestions (written_at, screen, text) VALUES (?1, ?2, ?3)",
            params![dt(&written_at), screen, text],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The suggestions still to send, oldest first.
    pub fn pending_suggestions(&self) -> Result<Vec<PendingSuggestion>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, written_at, screen, text FROM pending_suggestions ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(PendingSuggestion {
                id: r.get(0)?,
                written_at: parse(r, 1)?,
                screen: r.get(2)?,
                text: r.get(3)?,
            })
        })?;
        let out = rows.collect::<Result<Vec<_>, _>>()?;
        Ok(out)
    }

    /// Forgets a suggestion the server took.
    pub fn remove_pending_suggestion(&mut self, id: i64) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM pending_suggestions WHERE id = ?1", [id])?;
        Ok(())
    }
}
