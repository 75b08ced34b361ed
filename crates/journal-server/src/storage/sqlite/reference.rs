//! The institution's reference_version on SQLite: every administrator's reference change adds one
//! inside its own transaction; pull pages and the snapshot reply carry it.

use rusqlite::{params, Connection};

use crate::error::StorageError;

/// Adds one to the institution's reference_version; call inside the change's transaction.
pub(super) fn bump_reference_version(conn: &Connection, inst: &str) -> Result<(), StorageError> {
    let changed = conn.execute(
        "UPDATE institutions SET reference_version = reference_version + 1 WHERE id = ?1",
        params![inst],
    )?;
    if changed != 1 {
        return Err(StorageError::Corrupt(format!(
            "учреждение {inst} не найдено"
        )));
    }
    Ok(())
}

/// The institution's reference_version as `conn` sees it.
pub(super) fn reference_version(conn: &Connection, inst: &str) -> Result<u64, StorageError> {
    let v: i64 = conn
        .prepare_cached("SELECT reference_version FROM institutions WHERE id = ?1")?
        .query_row(params![inst], |r| r.get(0))?;
    Ok(v.max(0) as u64)
}
