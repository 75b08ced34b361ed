//! The administrator's year-setup storage on SQLite (see the `Storage` methods after
//! `restore_from`): users' state, deactivation and reactivation; the academic year and the
//! institution's own settings with their reference rows.

use chrono::NaiveDateTime;
use journal_core::{InstitutionId, UserId};
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use journal_protocol::Snapshot;

use super::reference::bump_reference_version;
use super::{append_admin_audit, from_json, parse_time, put_ref_rows, time_text, SqliteStorage};
use crate::error::StorageError;
use crate::storage::institution_part::InstitutionPart;
use crate::storage::{AdminAction, UserRecord};

pub(super) async fn user_records(
    storage: &SqliteStorage,
    institution_id: InstitutionId,
) -> Result<Vec<UserRecord>, StorageError> {
    storage
        .read(move |c| {
            let mut stmt = c.prepare(
                "SELECT data, deactivated_at, password_hash <> '', must_change_password FROM users WHERE institution_id = ?1 ORDER BY login",
            )?;
            let rows = stmt.query_map(params![institution_id.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, bool>(3)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (data, deactivated_at, has_password, must_change_password) = row?;
                out.push(UserRecord {
                    user: from_json(&data)?,
                    deactivated_at: deactivated_at.as_deref().map(parse_time).transpose()?,
                    has_password,
                    must_change_password,
                });
            }
            Ok(out)
        })
        .await
}

pub(super) async fn user_deactivated_at(
    storage: &SqliteStorage,
    user_id: UserId,
) -> Result<Option<NaiveDateTime>, StorageError> {
    storage
        .read(move |c| {
            let at: Option<Option<String>> = c
                .prepare_cached("SELECT deactivated_at FROM users WHERE id = ?1")?
                .query_row(params![user_id.to_string()], |r| r.get(0))
                .optional()?;
            at.flatten().as_deref().map(parse_time).transpose()
        })
        .await
}

pub(super) async fn set_user_active(
    storage: &SqliteStorage,
    user_id: UserId,
    active: bool,
    action: AdminAction,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    storage
        .write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let user = user_id.to_string();
            let inst = action.institution_id.to_string();
            let at = (!active).then(|| time_text(&now));
            tx.execute(
                "UPDATE users SET deactivated_at = ?3 WHERE id = ?1 AND institution_id = ?2",
                params![user, inst, at],
            )?;
            if !active {
                tx.execute("DELETE FROM sessions WHERE user_id = ?1", params![user])?;
            }
            bump_reference_version(&tx, &inst)?;
            append_admin_audit(&tx, &inst, &action, now)?;
            tx.commit()?;
            Ok(())
        })
        .await
}

/// The institution's record or academic year (`part`) and all its reference rows replaced by the
/// snapshot's, with the reference_version raised and `action` appended, in one transaction.
pub(super) async fn replace_reference(
    storage: &SqliteStorage,
    part: InstitutionPart,
    snap: Snapshot,
    action: AdminAction,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    storage
        .write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let inst = snap.institution.id.to_string();
            if inst != action.institution_id.to_string() {
                return Err(StorageError::Corrupt(part.other_institution().to_string()));
            }
            let changed = tx.execute(
                &format!(
                    "UPDATE institutions SET {} = ?2 WHERE id = ?1",
                    part.column()
                ),
                params![inst, part.value(&snap)?],
            )?;
            if changed != 1 {
                return Err(StorageError::Corrupt(format!(
                    "учреждение {inst} не найдено"
                )));
            }
            tx.execute(
                "DELETE FROM ref_rows WHERE institution_id = ?1",
                params![inst],
            )?;
            put_ref_rows(&tx, &inst, &snap)?;
            bump_reference_version(&tx, &inst)?;
            append_admin_audit(&tx, &inst, &action, now)?;
            tx.commit()?;
            Ok(())
        })
        .await
}
