//! The administrator's year-setup storage on PostgreSQL (see the `Storage` methods after
//! `restore_from`): users' state, deactivation and reactivation; the academic year and the
//! institution's own settings with their reference rows.

use chrono::NaiveDateTime;
use journal_core::{InstitutionId, UserId};

use journal_protocol::Snapshot;

use super::reference::bump_reference_version;
use super::{
    append_admin_audit, from_json, lock_institution, parse_time, put_ref_rows, time_text,
    PostgresStorage,
};
use crate::error::StorageError;
use crate::storage::institution_part::InstitutionPart;
use crate::storage::{AdminAction, UserRecord};

pub(super) async fn user_records(
    storage: &PostgresStorage,
    institution_id: InstitutionId,
) -> Result<Vec<UserRecord>, StorageError> {
    let client = storage.pool.get().await?;
    let rows = client
        .query(
            "SELECT data::text, deactivated_at, password_hash <> '', must_change_password FROM users WHERE institution_id = $1 ORDER BY login",
            &[&institution_id.to_string()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(UserRecord {
                user: from_json(r.get::<_, &str>(0))?,
                deactivated_at: r.get::<_, Option<&str>>(1).map(parse_time).transpose()?,
                has_password: r.get(2),
                must_change_password: r.get(3),
            })
        })
        .collect()
}

pub(super) async fn user_deactivated_at(
    storage: &PostgresStorage,
    user_id: UserId,
) -> Result<Option<NaiveDateTime>, StorageError> {
    let client = storage.pool.get().await?;
    let row = client
        .query_opt(
            "SELECT deactivated_at FROM users WHERE id = $1",
            &[&user_id.to_string()],
        )
        .await?;
    row.and_then(|r| r.get::<_, Option<String>>(0))
        .as_deref()
        .map(parse_time)
        .transpose()
}

pub(super) async fn set_user_active(
    storage: &PostgresStorage,
    user_id: UserId,
    active: bool,
    action: AdminAction,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    let mut client = storage.pool.get().await?;
    let tx = client.transaction().await?;
    let user = user_id.to_string();
    let inst = action.institution_id.to_string();
    lock_institution(&*tx, &inst).await?;
    let at = (!active).then(|| time_text(&now));
    tx.execute(
        "UPDATE users SET deactivated_at = $3 WHERE id = $1 AND institution_id = $2",
        &[&user, &inst, &at],
    )
    .await?;
    if !active {
        tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&user])
            .await?;
    }
    bump_reference_version(&*tx, &inst).await?;
    append_admin_audit(&*tx, &inst, &action, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The institution's record or academic year (`part`) and all its reference rows replaced by the
/// snapshot's, with the reference_version raised and `action` appended, in one transaction.
pub(super) async fn replace_reference(
    storage: &PostgresStorage,
    part: InstitutionPart,
    snap: Snapshot,
    action: AdminAction,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    let mut client = storage.pool.get().await?;
    let tx = client.transaction().await?;
    let inst = snap.institution.id.to_string();
    if inst != action.institution_id.to_string() {
        return Err(StorageError::Corrupt(part.other_institution().to_string()));
    }
    lock_institution(&*tx, &inst).await?;
    // The institution's row lock: pushes of this institution wait for the change.
    let changed = tx
        .execute(
            &format!(
                "UPDATE institutions SET {} = $2 WHERE id = $1",
                part.column()
            ),
            &[&inst, &part.value(&snap)?],
        )
        .await?;
    if changed != 1 {
        return Err(StorageError::Corrupt(format!(
            "учреждение {inst} не найдено"
        )));
    }
    tx.execute("DELETE FROM ref_rows WHERE institution_id = $1", &[&inst])
        .await?;
    put_ref_rows(&*tx, &inst, &snap).await?;
    bump_reference_version(&*tx, &inst).await?;
    append_admin_audit(&*tx, &inst, &action, now).await?;
    tx.commit().await?;
    Ok(())
}
