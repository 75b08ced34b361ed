//! Closed academic years on PostgreSQL (see `storage::archive`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::InstitutionId;
use journal_protocol::Snapshot;

use super::reference::bump_reference_version;
use super::PostgresStorage;
use super::{append_admin_audit, from_json, lock_institution, put_ref_rows, time_text, to_json};
use crate::error::StorageError;
use crate::storage::archive::{
    acceptance_of, from_columns, Acceptance, ArchiveStorage, ArchivedYear, YearClosing,
    ACCEPTANCE_COLUMNS, COLUMNS, YEAR_CONTENT_TABLES,
};
use crate::storage::AdminAction;
use journal_core::{GroupId, UserId};

fn archived(r: &tokio_postgres::Row) -> Result<ArchivedYear, StorageError> {
    from_columns(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5))
}

#[async_trait]
impl ArchiveStorage for PostgresStorage {
    async fn close_year(
        &self,
        closing: Snapshot,
        closing_seq: u64,
        next: Snapshot,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<YearClosing, StorageError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let inst = action.institution_id.to_string();
        if closing.institution.id != action.institution_id
            || next.institution.id != action.institution_id
        {
            return Err(StorageError::Corrupt(
                "учебный год относится к другому учреждению".to_string(),
            ));
        }
        // The institution's row lock first: pushes wait, and the seq read below stays true.
        lock_institution(&*tx, &inst).await?;
        let seq: i64 = tx
            .query_one(
                "SELECT last_server_seq FROM institutions WHERE id = $1",
                &[&inst],
            )
            .await?
            .get(0);
        if seq.max(0) as u64 != closing_seq {
            return Ok(YearClosing::ChangedMeanwhile);
        }
        let exists = tx
            .query_opt(
                "SELECT 1 FROM archived_years WHERE institution_id = $1 AND name = $2",
                &[&inst, &closing.year.name],
            )
            .await?;
        if exists.is_some() {
            return Err(StorageError::YearArchived(closing.year.name.clone()));
        }
        let closed_by = action.author_id.map(|a| a.to_string()).unwrap_or_default();
        tx.execute(
            &format!(
                "INSERT INTO archived_years (institution_id, {COLUMNS}, snapshot)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            ),
            &[
                &inst,
                &closing.year.name,
                &closing.year.starts_on.to_string(),
                &closing.year.ends_on.to_string(),
                &time_text(&now),
                &closed_by,
                &(closing_seq as i64),
                &to_json(&closing)?,
            ],
        )
        .await?;
        tx.execute(
            "UPDATE institutions SET year = $2 WHERE id = $1",
            &[&inst, &to_json(&next.year)?],
        )
        .await?;
        tx.execute("DELETE FROM ref_rows WHERE institution_id = $1", &[&inst])
            .await?;
        put_ref_rows(&*tx, &inst, &next).await?;
        for table in YEAR_CONTENT_TABLES {
            tx.execute(
                &format!("DELETE FROM {table} WHERE institution_id = $1"),
                &[&inst],
            )
            .await?;
        }
        bump_reference_version(&*tx, &inst).await?;
        append_admin_audit(&*tx, &inst, &action, now).await?;
        tx.commit().await?;
        Ok(YearClosing::Closed)
    }

    async fn archived_years(
        &self,
        institution_id: InstitutionId,
    ) -> Result<Vec<ArchivedYear>, StorageError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM archived_years WHERE institution_id = $1 ORDER BY starts_on DESC"
                ),
                &[&institution_id.to_string()],
            )
            .await?;
        rows.iter().map(archived).collect()
    }

    async fn acceptances(
        &self,
        institution_id: InstitutionId,
        year_name: &str,
    ) -> Result<Vec<Acceptance>, StorageError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {ACCEPTANCE_COLUMNS} FROM journal_acceptances
                     WHERE institution_id = $1 AND year_name = $2 ORDER BY accepted_at"
                ),
                &[&institution_id.to_string(), &year_name],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let mut out: [Option<String>; 7] = Default::default();
                for (i, v) in out.iter_mut().enumerate() {
                    *v = r.get(i);
                }
                acceptance_of(out)
            })
            .collect()
    }

    async fn accept_journal(
        &self,
        institution_id: InstitutionId,
        a: Acceptance,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<bool, StorageError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let inst = institution_id.to_string();
        lock_institution(&*tx, &inst).await?;
        let added = tx
            .execute(
                &format!(
                    "INSERT INTO journal_acceptances (institution_id, {ACCEPTANCE_COLUMNS})
                     VALUES ($1, $2, $3, $4, $5, NULL, NULL, '') ON CONFLICT DO NOTHING"
                ),
                &[
                    &inst,
                    &a.year_name,
                    &a.group_id.to_string(),
                    &time_text(&a.accepted_at),
                    &a.accepted_by.to_string(),
                ],
            )
            .await?;
        if added == 0 {
            return Ok(false);
        }
        append_admin_audit(&*tx, &inst, &action, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn hand_over(
        &self,
        institution_id: InstitutionId,
        year_name: &str,
        group_id: GroupId,
        by: UserId,
        reference: &str,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<bool, StorageError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let inst = institution_id.to_string();
        lock_institution(&*tx, &inst).await?;
        let changed = tx
            .execute(
                "UPDATE journal_acceptances SET handed_over_at = $4, handed_over_by = $5, archive_reference = $6
                 WHERE institution_id = $1 AND year_name = $2 AND group_id = $3 AND handed_over_at IS NULL",
                &[
                    &inst,
                    &year_name,
                    &group_id.to_string(),
                    &time_text(&now),
                    &by.to_string(),
                    &reference,
                ],
            )
            .await?;
        if changed == 0 {
            return Ok(false);
        }
        append_admin_audit(&*tx, &inst, &action, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn destroy_archived_year(
        &self,
        institution_id: InstitutionId,
        name: &str,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<bool, StorageError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let inst = institution_id.to_string();
        lock_institution(&*tx, &inst).await?;
        let removed = tx
            .execute(
                "DELETE FROM archived_years WHERE institution_id = $1 AND name = $2",
                &[&inst, &name],
            )
            .await?;
        if removed == 0 {
            return Ok(false);
        }
        tx.execute(
            "DELETE FROM journal_acceptances WHERE institution_id = $1 AND year_name = $2",
            &[&inst, &name],
        )
        .await?;
        append_admin_audit(&*tx, &inst, &action, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn archived_year(
        &self,
        institution_id: InstitutionId,
        name: &str,
    ) -> Result<Option<(ArchivedYear, Snapshot)>, StorageError> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                &format!(
                    "SELECT {COLUMNS}, snapshot FROM archived_years WHERE institution_id = $1 AND name = $2"
                ),
                &[&institution_id.to_string(), &name],
            )
            .await?;
        row.map(|r| Ok((archived(&r)?, from_json(r.get::<_, &str>(6))?)))
            .transpose()
    }
}
