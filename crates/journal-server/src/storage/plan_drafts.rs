//! Teachers' КТП waiting for the deputy's approval (migration 0027, `Policy::plan_approval`): the
//! file as sent, who sent it and when, and the deputy's return with its reason. A supertrait of
//! [`super::Storage`], implemented by both backends (`sqlite/plan_drafts.rs`,
//! `postgres/plan_drafts.rs`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, LoadId, UserId};

use crate::error::StorageError;

/// A КТП file sent by a load's teacher, not yet approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDraft {
    pub load_id: LoadId,
    pub file_name: String,
    /// The file's bytes, read again by the plan import when the deputy approves.
    pub content: Vec<u8>,
    pub submitted_by: UserId,
    /// UTC.
    pub submitted_at: NaiveDateTime,
    /// The deputy's return: who, when (UTC), why; the teacher sends a new file.
    pub returned: Option<(UserId, NaiveDateTime, String)>,
}

#[async_trait]
pub trait PlanDraftStorage: Send + Sync {
    /// Keeps `draft` as the load's draft, replacing an earlier one (returned or not).
    async fn put_plan_draft(
        &self,
        institution_id: InstitutionId,
        draft: PlanDraft,
    ) -> Result<(), StorageError>;

    /// Every draft of the institution, by load.
    async fn plan_drafts(
        &self,
        institution_id: InstitutionId,
    ) -> Result<Vec<PlanDraft>, StorageError>;

    /// Records the deputy's return of the load's draft; false when there is none.
    async fn return_plan_draft(
        &self,
        institution_id: InstitutionId,
        load_id: LoadId,
        by: UserId,
        at: NaiveDateTime,
        reason: String,
    ) -> Result<bool, StorageError>;

    /// Removes the load's draft (after its approval imported it).
    async fn remove_plan_draft(
        &self,
        institution_id: InstitutionId,
        load_id: LoadId,
    ) -> Result<(), StorageError>;
}

/// The file's bytes as the table keeps them (hex text, which every backup format carries).
pub(crate) fn encode(content: &[u8]) -> String {
    hex::encode(content)
}

pub(crate) fn decode(text: &str) -> Result<Vec<u8>, StorageError> {
    hex::decode(text).map_err(|e| StorageError::Corrupt(format!("КТП на утверждении: {e}")))
}
