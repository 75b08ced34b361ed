//! Messages on PostgreSQL (see `storage::messages`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, UserId};
use tokio_postgres::types::ToSql;

use super::PostgresStorage;
use crate::error::StorageError;
use crate::storage::messages::{
    thread_from, threads_sql, Message, MessageStorage, Thread, ThreadSummary, THREAD_COLUMNS,
};
use crate::storage::sqlite::{parse_id, parse_time, time_text};

fn ph(n: usize) -> String {
    format!("${n}")
}

fn thread_row(r: &tokio_postgres::Row) -> [String; 6] {
    let mut out: [String; 6] = Default::default();
    for (i, v) in out.iter_mut().enumerate() {
        *v = r.get(i);
    }
    out
}

#[async_trait]
impl MessageStorage for PostgresStorage {
    async fn create_thread(
        &self,
        institution_id: InstitutionId,
        thread: Thread,
        body: String,
    ) -> Result<(), StorageError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let inst = institution_id.to_string();
        let id = thread.id.to_string();
        let author = thread.author_id.to_string();
        let at = time_text(&thread.created_at);
        tx.execute(
            &format!(
                "INSERT INTO message_threads (institution_id, {THREAD_COLUMNS})
                 VALUES ($1, $2, $3, $4, $5, $6, $7)"
            ),
            &[
                &inst,
                &id,
                &thread.kind.as_str(),
                &author,
                &thread.addressee,
                &thread.subject,
                &at,
            ],
        )
        .await?;
        tx.execute(
            "INSERT INTO messages (institution_id, thread_id, seq, author_id, body, created_at)
             VALUES ($1, $2, 1, $3, $4, $5)",
            &[&inst, &id, &author, &body, &at],
        )
        .await?;
        tx.execute(
            "INSERT INTO message_reads (institution_id, thread_id, user_id, seq)
             VALUES ($1, $2, $3, 1)",
            &[&inst, &id, &author],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_message(
        &self,
        institution_id: InstitutionId,
        thread_id: uuid::Uuid,
        author_id: UserId,
        body: String,
        at: NaiveDateTime,
    ) -> Result<i64, StorageError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let inst = institution_id.to_string();
        let id = thread_id.to_string();
        let author = author_id.to_string();
        // The thread's row is locked so two replies at once take different numbers.
        tx.execute(
            "SELECT 1 FROM message_threads WHERE institution_id = $1 AND id = $2 FOR UPDATE",
            &[&inst, &id],
        )
        .await?;
        let seq: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM messages
                 WHERE institution_id = $1 AND thread_id = $2",
                &[&inst, &id],
            )
            .await?
            .get(0);
        tx.execute(
            "INSERT INTO messages (institution_id, thread_id, seq, author_id, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[&inst, &id, &seq, &author, &body, &time_text(&at)],
        )
        .await?;
        tx.execute(
            "INSERT INTO message_reads (institution_id, thread_id, user_id, seq)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (institution_id, thread_id, user_id) DO UPDATE SET seq = excluded.seq",
            &[&inst, &id, &author, &seq],
        )
        .await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn threads_for(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        keys: Vec<String>,
    ) -> Result<Vec<ThreadSummary>, StorageError> {
        let client = self.pool.get().await?;
        let mut values = vec![institution_id.to_string(), user_id.to_string()];
        values.extend(keys);
        let params: Vec<&(dyn ToSql + Sync)> =
            values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        let rows = client
            .query(&threads_sql(values.len() - 2, ph), &params)
            .await?;
        rows.iter()
            .map(|r| {
                let last: String = r.get(7);
                Ok(ThreadSummary {
                    thread: thread_from(thread_row(r))?,
                    messages: r.get(6),
                    last_at: parse_time(&last)?,
                    unread: r.get(8),
                })
            })
            .collect()
    }

    async fn thread(
        &self,
        institution_id: InstitutionId,
        thread_id: uuid::Uuid,
    ) -> Result<Option<(Thread, Vec<Message>)>, StorageError> {
        let client = self.pool.get().await?;
        let inst = institution_id.to_string();
        let id = thread_id.to_string();
        let Some(t) = client
            .query_opt(
                &format!(
                    "SELECT {THREAD_COLUMNS} FROM message_threads WHERE institution_id = $1 AND id = $2"
                ),
                &[&inst, &id],
            )
            .await?
        else {
            return Ok(None);
        };
        let rows = client
            .query(
                "SELECT seq, author_id, body, created_at FROM messages
                 WHERE institution_id = $1 AND thread_id = $2 ORDER BY seq",
                &[&inst, &id],
            )
            .await?;
        let messages = rows
            .iter()
            .map(|r| {
                let author: String = r.get(1);
                let at: String = r.get(3);
                Ok(Message {
                    seq: r.get(0),
                    author_id: parse_id(&author)?,
                    body: r.get(2),
                    created_at: parse_time(&at)?,
                })
            })
            .collect::<Result<Vec<_>, StorageError>>()?;
        Ok(Some((thread_from(thread_row(&t))?, messages)))
    }

    async fn mark_read(
        &self,
        institution_id: InstitutionId,
        thread_id: uuid::Uuid,
        user_id: UserId,
        seq: i64,
    ) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO message_reads (institution_id, thread_id, user_id, seq)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (institution_id, thread_id, user_id)
                 DO UPDATE SET seq = GREATEST(message_reads.seq, excluded.seq)",
                &[
                    &institution_id.to_string(),
                    &thread_id.to_string(),
                    &user_id.to_string(),
                    &seq,
                ],
            )
            .await?;
        Ok(())
    }

    async fn threads_started_since(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        since: NaiveDateTime,
    ) -> Result<i64, StorageError> {
        let client = self.pool.get().await?;
        Ok(client
            .query_one(
                "SELECT COUNT(*) FROM message_threads
                 WHERE institution_id = $1 AND author_id = $2 AND created_at >= $3",
                &[
                    &institution_id.to_string(),
                    &user_id.to_string(),
                    &time_text(&since),
                ],
            )
            .await?
            .get(0))
    }
}
