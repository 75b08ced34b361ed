//! Messages on SQLite (see `storage::messages`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, UserId};
use rusqlite::{params, OptionalExtension};

use super::{time_text, SqliteStorage};
use crate::error::StorageError;
use crate::storage::messages::{
    thread_from, threads_sql, Message, MessageStorage, Thread, ThreadSummary, THREAD_COLUMNS,
};

fn ph(n: usize) -> String {
    format!("?{n}")
}

fn thread_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<[String; 6]> {
    let mut out: [String; 6] = Default::default();
    for (i, v) in out.iter_mut().enumerate() {
        *v = r.get(i)?;
    }
    Ok(out)
}

#[async_trait]
impl MessageStorage for SqliteStorage {
    async fn create_thread(
        &self,
        institution_id: InstitutionId,
        thread: Thread,
        body: String,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            let tx = c.transaction()?;
            let inst = institution_id.to_string();
            let id = thread.id.to_string();
            let author = thread.author_id.to_string();
            let at = time_text(&thread.created_at);
            tx.execute(
                &format!(
                    "INSERT INTO message_threads (institution_id, {THREAD_COLUMNS})
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                ),
                params![
                    inst,
                    id,
                    thread.kind.as_str(),
                    author,
                    thread.addressee,
                    thread.subject,
                    at
                ],
            )?;
            tx.execute(
                "INSERT INTO messages (institution_id, thread_id, seq, author_id, body, created_at)
                 VALUES (?1, ?2, 1, ?3, ?4, ?5)",
                params![inst, id, author, body, at],
            )?;
            tx.execute(
                "INSERT INTO message_reads (institution_id, thread_id, user_id, seq)
                 VALUES (?1, ?2, ?3, 1)",
                params![inst, id, author],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn add_message(
        &self,
        institution_id: InstitutionId,
        thread_id: uuid::Uuid,
        author_id: UserId,
        body: String,
        at: NaiveDateTime,
    ) -> Result<i64, StorageError> {
        self.write(move |c| {
            let tx = c.transaction()?;
            let inst = institution_id.to_string();
            let id = thread_id.to_string();
            let author = author_id.to_string();
            let seq: i64 = tx.query_row(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM messages
                 WHERE institution_id = ?1 AND thread_id = ?2",
                params![inst, id],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO messages (institution_id, thread_id, seq, author_id, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![inst, id, seq, author, body, time_text(&at)],
            )?;
            tx.execute(
                "INSERT INTO message_reads (institution_id, thread_id, user_id, seq)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (institution_id, thread_id, user_id) DO UPDATE SET seq = excluded.seq",
                params![inst, id, author, seq],
            )?;
            tx.commit()?;
            Ok(seq)
        })
        .await
    }

    async fn threads_for(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        keys: Vec<String>,
    ) -> Result<Vec<ThreadSummary>, StorageError> {
        self.read(move |c| {
            let mut stmt = c.prepare(&threads_sql(keys.len(), ph))?;
            let mut values = vec![institution_id.to_string(), user_id.to_string()];
            values.extend(keys);
            let rows = stmt.query_map(rusqlite::params_from_iter(values), |r| {
                Ok((
                    thread_row(r)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, i64>(8)?,
                ))
            })?;
            rows.map(|r| {
                let (t, messages, last, unread) = r?;
                Ok(ThreadSummary {
                    thread: thread_from(t)?,
                    messages,
                    last_at: super::parse_time(&last)?,
                    unread,
                })
            })
            .collect()
        })
        .await
    }

    async fn thread(
        &self,
        institution_id: InstitutionId,
        thread_id: uuid::Uuid,
    ) -> Result<Option<(Thread, Vec<Message>)>, StorageError> {
        self.read(move |c| {
            let inst = institution_id.to_string();
            let id = thread_id.to_string();
            let Some(t) = c
                .query_row(
                    &format!(
                        "SELECT {THREAD_COLUMNS} FROM message_threads
                         WHERE institution_id = ?1 AND id = ?2"
                    ),
                    params![inst, id],
                    thread_row,
                )
                .optional()?
            else {
                return Ok(None);
            };
            let mut stmt = c.prepare_cached(
                "SELECT seq, author_id, body, created_at FROM messages
                 WHERE institution_id = ?1 AND thread_id = ?2 ORDER BY seq",
            )?;
            let rows = stmt.query_map(params![inst, id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            let messages = rows
                .map(|r| {
                    let (seq, author, body, at) = r?;
                    Ok(Message {
                        seq,
                        author_id: super::parse_id(&author)?,
                        body,
                        created_at: super::parse_time(&at)?,
                    })
                })
                .collect::<Result<Vec<_>, StorageError>>()?;
            Ok(Some((thread_from(t)?, messages)))
        })
        .await
    }

    async fn mark_read(
        &self,
        institution_id: InstitutionId,
        thread_id: uuid::Uuid,
        user_id: UserId,
        seq: i64,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            c.execute(
                "INSERT INTO message_reads (institution_id, thread_id, user_id, seq)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (institution_id, thread_id, user_id)
                 DO UPDATE SET seq = MAX(seq, excluded.seq)",
                params![
                    institution_id.to_string(),
                    thread_id.to_string(),
                    user_id.to_string(),
                    seq
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn threads_started_since(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        since: NaiveDateTime,
    ) -> Result<i64, StorageError> {
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM message_threads
                 WHERE institution_id = ?1 AND author_id = ?2 AND created_at >= ?3",
                params![
                    institution_id.to_string(),
                    user_id.to_string(),
                    time_text(&since)
                ],
                |r| r.get(0),
            )?)
        })
        .await
    }
}
