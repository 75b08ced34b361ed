//! What the family diary keeps (migration 0009): consents to personal-data processing, parents'
//! acknowledgements of a period's finals, and the log of diary views. A supertrait of
//! [`super::Storage`], implemented by both backends (`sqlite/diary.rs`, `postgres/diary.rs`).

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, PeriodId, StudentId, UserId};

use crate::error::StorageError;

/// A parent's «Ознакомлен» as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    pub user_id: UserId,
    pub student_id: StudentId,
    pub period_id: PeriodId,
    /// UTC.
    pub at: NaiveDateTime,
}

#[async_trait]
pub trait DiaryStorage: Send + Sync {
    /// When `user_id` consented to the text of `version`; `None` if not yet.
    async fn diary_consent(
        &self,
        user_id: UserId,
        version: &str,
    ) -> Result<Option<NaiveDateTime>, StorageError>;

    /// Records the consent at `now` (UTC); a repeated consent keeps the first time, which it
    /// returns.
    async fn record_diary_consent(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        version: &str,
        now: NaiveDateTime,
    ) -> Result<NaiveDateTime, StorageError>;

    /// Every acknowledgement of the student's finals, by any parent.
    async fn diary_acknowledgements(
        &self,
        institution_id: InstitutionId,
        student_id: StudentId,
    ) -> Result<Vec<Acknowledgement>, StorageError>;

    /// Records a parent's acknowledgement at `now`; a repeated one keeps the first time, which it
    /// returns.
    async fn record_diary_acknowledgement(
        &self,
        institution_id: InstitutionId,
        ack: Acknowledgement,
    ) -> Result<NaiveDateTime, StorageError>;

    /// Logs one view of a student's diary (one insert).
    async fn log_diary_view(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        student_id: StudentId,
        now: NaiveDateTime,
    ) -> Result<(), StorageError>;

    /// Each user's last diary view in the institution (UTC).
    async fn last_diary_views(
        &self,
        institution_id: InstitutionId,
    ) -> Result<HashMap<UserId, NaiveDateTime>, StorageError>;
}
