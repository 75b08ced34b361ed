//! The institution's own settings on PostgreSQL: its record (policy, work regime) and its reference
//! rows (bells, subjects, rooms, …) written back together, with the reference_version raised and
//! the audit entry appended in the same transaction.

use chrono::NaiveDateTime;

use journal_protocol::Snapshot;

use super::reference::bump_reference_version;
use super::{append_admin_audit, lock_institution, put_ref_rows, to_json, PostgresStorage};
use crate::error::StorageError;
use crate::storage::AdminAction;

pub(super) async fn apply_institution_setup(
    storage: &PostgresStorage,
    snap: Snapshot,
    action: AdminAction,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    let mut client = storage.pool.get().await?;
    let tx = client.transaction().await?;
    let inst = snap.institution.id.to_string();
    if inst != action.institution_id.to_string() {
        return Err(StorageError::Corrupt(
            "настройки относятся к другому учреждению".to_string(),
        ));
    }
    lock_institution(&*tx, &inst).await?;
    // The institution's row lock: pushes of this institution wait for the change.
    let changed = tx
        .execute(
            "UPDATE institutions SET data = $2 WHERE id = $1",
            &[&inst, &to_json(&snap.institution)?],
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
