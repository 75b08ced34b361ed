//! The institution's own settings on SQLite: its record (policy, work regime) and its reference rows
//! (bells, subjects, rooms, …) written back together, with the reference_version raised and the
//! audit entry appended in the same transaction.

use chrono::NaiveDateTime;
use rusqlite::{params, TransactionBehavior};

use journal_protocol::Snapshot;

use super::reference::bump_reference_version;
use super::{append_admin_audit, put_ref_rows, to_json, SqliteStorage};
use crate::error::StorageError;
use crate::storage::AdminAction;

pub(super) async fn apply_institution_setup(
    storage: &SqliteStorage,
    snap: Snapshot,
    action: AdminAction,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    storage
        .write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let inst = snap.institution.id.to_string();
            if inst != action.institution_id.to_string() {
                return Err(StorageError::Corrupt(
                    "настройки относятся к другому учреждению".to_string(),
                ));
            }
            let changed = tx.execute(
                "UPDATE institutions SET data = ?2 WHERE id = ?1",
                params![inst, to_json(&snap.institution)?],
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
