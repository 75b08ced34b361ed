//! Teachers' КТП drafts on PostgreSQL (see `storage::plan_drafts`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, LoadId, UserId};

use super::PostgresStorage;
use crate::error::StorageError;
use crate::storage::plan_drafts::{decode, encode, PlanDraft, PlanDraftStorage};
use crate::storage::sqlite::{parse_id, parse_time, time_text};

#[async_trait]
impl PlanDraftStorage for PostgresStorage {
    async fn put_plan_draft(
        &self,
        institution_id: InstitutionId,
        draft: PlanDraft,
    ) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO plan_drafts
                 (institution_id, load_id, file_name, content, submitted_by, submitted_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (institution_id, load_id) DO UPDATE SET
                   file_name = excluded.file_name, content = excluded.content,
                   submitted_by = excluded.submitted_by, submitted_at = excluded.submitted_at,
                   returned_by = NULL, returned_at = NULL, return_reason = NULL",
                &[
                    &institution_id.to_string(),
                    &draft.load_id.to_string(),
                    &draft.file_name,
                    &encode(&draft.content),
                    &draft.submitted_by.to_string(),
                    &time_text(&draft.submitted_at),
                ],
            )
            .await?;
        Ok(())
    }

    async fn plan_drafts(
        &self,
        institution_id: InstitutionId,
    ) -> Result<Vec<PlanDraft>, StorageError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT load_id, file_name, content, submitted_by, submitted_at, returned_by,
                        returned_at, return_reason
                 FROM plan_drafts WHERE institution_id = $1 ORDER BY submitted_at, load_id",
                &[&institution_id.to_string()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let returned = match (
                    r.try_get::<_, Option<String>>(5)?,
                    r.try_get::<_, Option<String>>(6)?,
                    r.try_get::<_, Option<String>>(7)?,
                ) {
                    (Some(b), Some(t), Some(why)) => Some((parse_id(&b)?, parse_time(&t)?, why)),
                    _ => None,
                };
                Ok(PlanDraft {
                    load_id: parse_id(&r.try_get::<_, String>(0)?)?,
                    file_name: r.try_get(1)?,
                    content: decode(&r.try_get::<_, String>(2)?)?,
                    submitted_by: parse_id(&r.try_get::<_, String>(3)?)?,
                    submitted_at: parse_time(&r.try_get::<_, String>(4)?)?,
                    returned,
                })
            })
            .collect()
    }

    async fn return_plan_draft(
        &self,
        institution_id: InstitutionId,
        load_id: LoadId,
        by: UserId,
        at: NaiveDateTime,
        reason: String,
    ) -> Result<bool, StorageError> {
        let client = self.pool.get().await?;
        let n = client
            .execute(
                "UPDATE plan_drafts SET returned_by = $3, returned_at = $4, return_reason = $5
                 WHERE institution_id = $1 AND load_id = $2",
                &[
                    &institution_id.to_string(),
                    &load_id.to_string(),
                    &by.to_string(),
                    &time_text(&at),
                    &reason,
                ],
            )
            .await?;
        Ok(n > 0)
    }

    async fn remove_plan_draft(
        &self,
        institution_id: InstitutionId,
        load_id: LoadId,
    ) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "DELETE FROM plan_drafts WHERE institution_id = $1 AND load_id = $2",
                &[&institution_id.to_string(), &load_id.to_string()],
            )
            .await?;
        Ok(())
    }
}
