//! The institution's reference_version on PostgreSQL: every administrator's reference change adds
//! one inside its own transaction; pull pages and the snapshot reply carry it.

use tokio_postgres::GenericClient;

use crate::error::StorageError;

/// Adds one to the institution's reference_version; call inside the change's transaction.
pub(super) async fn bump_reference_version<C: GenericClient>(
    tx: &C,
    inst: &str,
) -> Result<(), StorageError> {
    let changed = tx
        .execute(
            "UPDATE institutions SET reference_version = reference_version + 1 WHERE id = $1",
            &[&inst],
        )
        .await?;
    if changed != 1 {
        return Err(StorageError::Corrupt(format!(
            "учреждение {inst} не найдено"
        )));
    }
    Ok(())
}

/// The institution's reference_version as `c` sees it.
pub(super) async fn reference_version<C: GenericClient>(
    c: &C,
    inst: &str,
) -> Result<u64, StorageError> {
    let row = c
        .query_one(
            "SELECT reference_version FROM institutions WHERE id = $1",
            &[&inst],
        )
        .await?;
    Ok(row.get::<_, i64>(0).max(0) as u64)
}
