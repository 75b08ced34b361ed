//! Messages (migration 0014): threads, their numbered messages and each user's read position. A
//! supertrait of [`super::Storage`], implemented by both backends (`sqlite/messages.rs`,
//! `postgres/messages.rs`). Who may write to whom is journal-protocol's `messaging`, not this.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, UserId};

use crate::error::StorageError;

/// What a thread is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadKind {
    Message,
    /// A parent's «Запрос на исправление персональных данных», to the curator.
    CorrectionRequest,
    Announcement,
}

impl ThreadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ThreadKind::Message => "message",
            ThreadKind::CorrectionRequest => "correction_request",
            ThreadKind::Announcement => "announcement",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StorageError> {
        match s {
            "message" => Ok(ThreadKind::Message),
            "correction_request" => Ok(ThreadKind::CorrectionRequest),
            "announcement" => Ok(ThreadKind::Announcement),
            other => Err(StorageError::Corrupt(format!("вид переписки «{other}»"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    pub id: uuid::Uuid,
    pub kind: ThreadKind,
    pub author_id: UserId,
    /// A user's id, or an announcement's audience key.
    pub addressee: String,
    pub subject: String,
    /// UTC.
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// 1, 2, … within the thread.
    pub seq: i64,
    pub author_id: UserId,
    pub body: String,
    /// UTC.
    pub created_at: NaiveDateTime,
}

/// A thread in a user's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadSummary {
    pub thread: Thread,
    pub messages: i64,
    /// UTC, of the last message.
    pub last_at: NaiveDateTime,
    /// Messages by others past the user's read position.
    pub unread: i64,
}

#[async_trait]
pub trait MessageStorage: Send + Sync {
    /// Writes the thread and its first message; the author has read it.
    async fn create_thread(
        &self,
        institution_id: InstitutionId,
        thread: Thread,
        body: String,
    ) -> Result<(), StorageError>;

    /// Appends a message (numbered after the last); the author has read up to it. Its number.
    async fn add_message(
        &self,
        institution_id: InstitutionId,
        thread_id: uuid::Uuid,
        author_id: UserId,
        body: String,
        at: NaiveDateTime,
    ) -> Result<i64, StorageError>;

    /// The threads the user wrote, or addressed to them or to one of `keys`; newest first.
    async fn threads_for(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        keys: Vec<String>,
    ) -> Result<Vec<ThreadSummary>, StorageError>;

    /// A thread and its messages in order.
    async fn thread(
        &self,
        institution_id: InstitutionId,
        thread_id: uuid::Uuid,
    ) -> Result<Option<(Thread, Vec<Message>)>, StorageError>;

    /// Moves the user's read position forward to `seq` (never back).
    async fn mark_read(
        &self,
        institution_id: InstitutionId,
        thread_id: uuid::Uuid,
        user_id: UserId,
        seq: i64,
    ) -> Result<(), StorageError>;

    /// How many threads the user started at or after `since` (the flood bound).
    async fn threads_started_since(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        since: NaiveDateTime,
    ) -> Result<i64, StorageError>;
}

/// The thread columns, in [`thread_from`] order.
pub(crate) const THREAD_COLUMNS: &str = "id, kind, author_id, addressee, subject, created_at";

pub(crate) fn thread_from(row: [String; 6]) -> Result<Thread, StorageError> {
    use super::sqlite::{parse_id, parse_time};
    let [id, kind, author, addressee, subject, at] = row;
    Ok(Thread {
        id: uuid::Uuid::parse_str(&id).map_err(|e| StorageError::Corrupt(e.to_string()))?,
        kind: ThreadKind::parse(&kind)?,
        author_id: parse_id(&author)?,
        addressee,
        subject,
        created_at: parse_time(&at)?,
    })
}

/// The list query: `ph(n)` is the backend's n-th placeholder; 1 the institution, 2 the user, 3.. the
/// keys. Columns: [`THREAD_COLUMNS`], then the count, the last time and the unread count.
pub(crate) fn threads_sql(keys: usize, ph: fn(usize) -> String) -> String {
    let mut addressees = vec![ph(2)];
    addressees.extend((0..keys).map(|i| ph(3 + i)));
    format!(
        "SELECT t.id, t.kind, t.author_id, t.addressee, t.subject, t.created_at,
           (SELECT COUNT(*) FROM messages m
             WHERE m.institution_id = t.institution_id AND m.thread_id = t.id),
           (SELECT MAX(m.created_at) FROM messages m
             WHERE m.institution_id = t.institution_id AND m.thread_id = t.id),
           (SELECT COUNT(*) FROM messages m
             WHERE m.institution_id = t.institution_id AND m.thread_id = t.id
               AND m.author_id <> {u}
               AND m.seq > COALESCE((SELECT r.seq FROM message_reads r
                 WHERE r.institution_id = t.institution_id AND r.thread_id = t.id
                   AND r.user_id = {u}), 0))
         FROM message_threads t
         WHERE t.institution_id = {i} AND (t.author_id = {u} OR t.addressee IN ({list}))
         ORDER BY 8 DESC, t.id",
        i = ph(1),
        u = ph(2),
        list = addressees.join(", ")
    )
}
