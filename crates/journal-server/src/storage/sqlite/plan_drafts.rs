//! Teachers' КТП drafts on SQLite (see `storage::plan_drafts`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, LoadId, UserId};
use rusqlite::params;

use super::{parse_id, parse_time, time_text, SqliteStorage};
use crate::error::StorageError;
use crate::storage::plan_drafts::{decode, encode, PlanDraft, PlanDraftStorage};

#[async_trait]
impl PlanDraftStorage for SqliteStorage {
    async fn put_plan_draft(
        &self,
        institution_id: InstitutionId,
        draft: PlanDraft,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            c.prepare_cached(
                "INSERT OR REPLACE INTO plan_drafts
                 (institution_id, load_id, file_name, content, submitted_by, submitted_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                institution_id.to_string(),
                draft.load_id.to_string(),
                draft.file_name,
                encode(&draft.content),
                draft.submitted_by.to_string(),
                time_text(&draft.submitted_at)
            ])?;
            Ok(())
        })
        .await
    }

    async fn plan_drafts(
        &self,
        institution_id: InstitutionId,
    ) -> Result<Vec<PlanDraft>, StorageError> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT load_id, file_name, content, submitted_by, submitted_at, returned_by,
                        returned_at, return_reason
                 FROM plan_drafts WHERE institution_id = ?1 ORDER BY submitted_at, load_id",
            )?;
            let rows = stmt.query_map(params![institution_id.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            })?;
            rows.map(|r| {
                let (load, file_name, content, by, at, returned_by, returned_at, reason) = r?;
                Ok(PlanDraft {
                    load_id: parse_id(&load)?,
                    file_name,
                    content: decode(&content)?,
                    submitted_by: parse_id(&by)?,
                    submitted_at: parse_time(&at)?,
                    returned: match (returned_by, returned_at, reason) {
                        (Some(b), Some(t), Some(why)) => {
                            Some((parse_id(&b)?, parse_time(&t)?, why))
                        }
                        _ => None,
                    },
                })
            })
            .collect()
        })
        .await
    }

    async fn return_plan_draft(
        &self,
        institution_id: InstitutionId,
        load_id: LoadId,
        by: UserId,
        at: NaiveDateTime,
        reason: String,
    ) -> Result<bool, StorageError> {
        self.write(move |c| {
            let n = c
                .prepare_cached(
                    "UPDATE plan_drafts SET returned_by = ?3, returned_at = ?4, return_reason = ?5
                     WHERE institution_id = ?1 AND load_id = ?2",
                )?
                .execute(params![
                    institution_id.to_string(),
                    load_id.to_string(),
                    by.to_string(),
                    time_text(&at),
                    reason
                ])?;
            Ok(n > 0)
        })
        .await
    }

    async fn remove_plan_draft(
        &self,
        institution_id: InstitutionId,
        load_id: LoadId,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            c.prepare_cached("DELETE FROM plan_drafts WHERE institution_id = ?1 AND load_id = ?2")?
                .execute(params![institution_id.to_string(), load_id.to_string()])?;
            Ok(())
        })
        .await
    }
}
