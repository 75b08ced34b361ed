//! The server's reference_version the local copy's reference rows (groups, students, loads, …)
//! were last imported at: the sync compares it with the one each pull page names and fetches the
//! snapshot again only when they differ.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};

impl Store {
    /// The reference_version of the last imported snapshot (0 before any, and for a copy made
    /// before the server counted reference changes).
    pub fn reference_version(&self) -> Result<u64, StoreError> {
        let v = self
            .conn
            .query_row(
                "SELECT version FROM reference_version WHERE singleton = 1",
                [],
                |r| r.get::<_, i64>(0),
            )
            .optional()?;
        Ok(v.unwrap_or(0).max(0) as u64)
    }

    /// Records the reference_version a snapshot was made at, after that snapshot is imported.
    pub fn set_reference_version(&mut self, version: u64) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO reference_version (singleton, version) VALUES (1, ?1)
             ON CONFLICT (singleton) DO UPDATE SET version = excluded.version",
            params![i64::try_from(version).unwrap_or(i64::MAX)],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[test]
    fn reference_version_starts_at_zero_and_keeps_the_last_set() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join("j.db"), None).expect("open");
        assert_eq!(
            store.reference_version().expect("read"),
            0,
            "a copy that never imported a snapshot knows no reference change"
        );
        store.set_reference_version(3).expect("set");
        store.set_reference_version(5).expect("set again");
        assert_eq!(
            store.reference_version().expect("read"),
            5,
            "the version of the last imported snapshot is kept"
        );
    }
}
