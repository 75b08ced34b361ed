//! Closed academic years on SQLite (see `storage::archive`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::InstitutionId;
use journal_protocol::Snapshot;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::reference::bump_reference_version;
use super::{append_admin_audit, from_json, put_ref_rows, time_text, to_json, SqliteStorage};
use crate::error::StorageError;
use crate::storage::archive::{
    acceptance_of, from_columns, Acceptance, ArchiveStorage, ArchivedYear, YearClosing,
    ACCEPTANCE_COLUMNS, COLUMNS, YEAR_CONTENT_TABLES,
};
use crate::storage::AdminAction;
use journal_core::{GroupId, UserId};

type Row = (String, String, String, String, String, i64);

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn archived(
    (name, starts, ends, closed_at, closed_by, seq): Row,
) -> Result<ArchivedYear, StorageError> {
    from_columns(name, &starts, &ends, &closed_at, &closed_by, seq)
}

#[async_trait]
impl ArchiveStorage for SqliteStorage {
    async fn close_year(
        &self,
        closing: Snapshot,
        closing_seq: u64,
        next: Snapshot,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<YearClosing, StorageError> {
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let inst = action.institution_id.to_string();
            if closing.institution.id != action.institution_id
                || next.institution.id != action.institution_id
            {
                return Err(StorageError::Corrupt(
                    "учебный год относится к другому учреждению".to_string(),
                ));
            }
            let seq: i64 = tx
                .prepare_cached("SELECT last_server_seq FROM institutions WHERE id = ?1")?
                .query_row(params![inst], |r| r.get(0))?;
            if seq.max(0) as u64 != closing_seq {
                return Ok(YearClosing::ChangedMeanwhile);
            }
            let exists: Option<i64> = tx
                .prepare_cached(
                    "SELECT 1 FROM archived_years WHERE institution_id = ?1 AND name = ?2",
                )?
                .query_row(params![inst, closing.year.name], |r| r.get(0))
                .optional()?;
            if exists.is_some() {
                return Err(StorageError::YearArchived(closing.year.name.clone()));
            }
            tx.execute(
                &format!(
                    "INSERT INTO archived_years (institution_id, {COLUMNS}, snapshot)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                ),
                params![
                    inst,
                    closing.year.name,
                    closing.year.starts_on.to_string(),
                    closing.year.ends_on.to_string(),
                    time_text(&now),
                    action.author_id.map(|a| a.to_string()).unwrap_or_default(),
                    closing_seq as i64,
                    to_json(&closing)?
                ],
            )?;
            tx.execute(
                "UPDATE institutions SET year = ?2 WHERE id = ?1",
                params![inst, to_json(&next.year)?],
            )?;
            tx.execute(
                "DELETE FROM ref_rows WHERE institution_id = ?1",
                params![inst],
            )?;
            put_ref_rows(&tx, &inst, &next)?;
            for table in YEAR_CONTENT_TABLES {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE institution_id = ?1"),
                    params![inst],
                )?;
            }
            bump_reference_version(&tx, &inst)?;
            append_admin_audit(&tx, &inst, &action, now)?;
            tx.commit()?;
            Ok(YearClosing::Closed)
        })
        .await
    }

    async fn archived_years(
        &self,
        institution_id: InstitutionId,
    ) -> Result<Vec<ArchivedYear>, StorageError> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM archived_years WHERE institution_id = ?1 ORDER BY starts_on DESC"
            ))?;
            let rows = stmt.query_map(params![institution_id.to_string()], row)?;
            rows.map(|r| archived(r?)).collect()
        })
        .await
    }

    async fn acceptances(
        &self,
        institution_id: InstitutionId,
        year_name: &str,
    ) -> Result<Vec<Acceptance>, StorageError> {
        let year = year_name.to_string();
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {ACCEPTANCE_COLUMNS} FROM journal_acceptances
                 WHERE institution_id = ?1 AND year_name = ?2 ORDER BY accepted_at"
            ))?;
            let rows = stmt.query_map(params![institution_id.to_string(), year], |r| {
                let mut out: [Option<String>; 7] = Default::default();
                for (i, v) in out.iter_mut().enumerate() {
                    *v = r.get(i)?;
                }
                Ok(out)
            })?;
            rows.map(|r| acceptance_of(r?)).collect()
        })
        .await
    }

    async fn accept_journal(
        &self,
        institution_id: InstitutionId,
        a: Acceptance,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<bool, StorageError> {
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let inst = institution_id.to_string();
            let added = tx.execute(
                &format!(
                    "INSERT INTO journal_acceptances (institution_id, {ACCEPTANCE_COLUMNS})
                     VALUES (?1, ?2, ?3, ?4, ?5, NULL, NULL, '') ON CONFLICT DO NOTHING"
                ),
                params![
                    inst,
                    a.year_name,
                    a.group_id.to_string(),
                    time_text(&a.accepted_at),
                    a.accepted_by.to_string()
                ],
            )?;
            if added == 0 {
                return Ok(false);
            }
            append_admin_audit(&tx, &inst, &action, now)?;
            tx.commit()?;
            Ok(true)
        })
        .await
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
        let (year, reference) = (year_name.to_string(), reference.to_string());
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let inst = institution_id.to_string();
            let changed = tx.execute(
                "UPDATE journal_acceptances SET handed_over_at = ?4, handed_over_by = ?5, archive_reference = ?6
                 WHERE institution_id = ?1 AND year_name = ?2 AND group_id = ?3 AND handed_over_at IS NULL",
                params![inst, year, group_id.to_string(), time_text(&now), by.to_string(), reference],
            )?;
            if changed == 0 {
                return Ok(false);
            }
            append_admin_audit(&tx, &inst, &action, now)?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    async fn destroy_archived_year(
        &self,
        institution_id: InstitutionId,
        name: &str,
        action: AdminAction,
        now: NaiveDateTime,
    ) -> Result<bool, StorageError> {
        let name = name.to_string();
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let inst = institution_id.to_string();
            let removed = tx.execute(
                "DELETE FROM archived_years WHERE institution_id = ?1 AND name = ?2",
                params![inst, name],
            )?;
            if removed == 0 {
                return Ok(false);
            }
            tx.execute(
                "DELETE FROM journal_acceptances WHERE institution_id = ?1 AND year_name = ?2",
                params![inst, name],
            )?;
            append_admin_audit(&tx, &inst, &action, now)?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    async fn archived_year(
        &self,
        institution_id: InstitutionId,
        name: &str,
    ) -> Result<Option<(ArchivedYear, Snapshot)>, StorageError> {
        let name = name.to_string();
        self.read(move |c| {
            let found: Option<(Row, String)> = c
                .prepare_cached(&format!(
                    "SELECT {COLUMNS}, snapshot FROM archived_years WHERE institution_id = ?1 AND name = ?2"
                ))?
                .query_row(params![institution_id.to_string(), name], |r| {
                    Ok((row(r)?, r.get(6)?))
                })
                .optional()?;
            found
                .map(|(r, snap)| Ok((archived(r)?, from_json(&snap)?)))
                .transpose()
        })
        .await
    }
}
