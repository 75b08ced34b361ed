//! «Сообщения» written in the app and not yet taken by the server: kept in the copy (encrypted like
//! the journal) until a sync delivers them, so a message typed offline is never lost. Who may be
//! written to is the server's rule; a refused message is dropped by the sender (journal-api).

use chrono::NaiveDateTime;
use rusqlite::params;

use crate::codec::{dt, parse};
use crate::{Store, StoreError};

/// A message waiting to be sent: a reply in a thread, or a new thread to a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingMessage {
    pub id: i64,
    /// The device's local time when it was written.
    pub written_at: NaiveDateTime,
    /// A reply: the thread's id.
    pub thread_id: Option<uuid::Uuid>,
    /// A new thread: the addressee's id.
    pub to_user: Option<uuid::Uuid>,
    /// A new thread's subject (empty for a reply).
    pub subject: String,
    pub body: String,
}

fn uuid_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<uuid::Uuid>> {
    let v: Option<String> = r.get(i)?;
    v.map(|s| {
        uuid::Uuid::parse_str(&s).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

impl Store {
    /// Keeps a reply to send; returns its local id.
    pub fn add_pending_reply(
        &mut self,
        written_at: NaiveDateTime,
        thread_id: uuid::Uuid,
        body: &str,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO pending_messages (written_at, thread_id, subject, body)
             VALUES (?1, ?2, '', ?3)",
            params![dt(&written_at), thread_id.to_string(), body],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Keeps a new thread to send; returns its local id.
    pub fn add_pending_thread(
        &mut self,
        written_at: NaiveDateTime,
        to_user: uuid::Uuid,
        subject: &str,
        body: &str,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO pending_messages (written_at, to_user, subject, body)
             VALUES (?1, ?2, ?3, ?4)",
            params![dt(&written_at), to_user.to_string(), subject, body],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The messages still to send, oldest first.
    pub fn pending_messages(&self) -> Result<Vec<PendingMessage>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, written_at, thread_id, to_user, subject, body FROM pending_messages
             ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(PendingMessage {
                id: r.get(0)?,
                written_at: parse(r, 1)?,
                thread_id: uuid_at(r, 2)?,
                to_user: uuid_at(r, 3)?,
                subject: r.get(4)?,
                body: r.get(5)?,
            })
        })?;
        let out = rows.collect::<Result<Vec<_>, _>>()?;
        Ok(out)
    }

    /// Forgets a message the server took (or refused for good).
    pub fn remove_pending_message(&mut self, id: i64) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM pending_messages WHERE id = ?1", [id])?;
        Ok(())
    }
}
