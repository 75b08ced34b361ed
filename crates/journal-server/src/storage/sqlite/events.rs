//! The diary's events on SQLite (see `storage::events`).

use async_trait::async_trait;
use chrono::NaiveDate;
use journal_core::InstitutionId;
use rusqlite::params;

use super::SqliteStorage;
use crate::error::StorageError;
use crate::storage::events::{from_columns, to_columns, Event, EventStorage, COLUMNS};

fn row_text(r: &rusqlite::Row<'_>) -> rusqlite::Result<[Option<String>; 8]> {
    let mut out: [Option<String>; 8] = Default::default();
    for (i, v) in out.iter_mut().enumerate() {
        *v = r.get(i)?;
    }
    Ok(out)
}

#[async_trait]
impl EventStorage for SqliteStorage {
    async fn events_between(
        &self,
        institution_id: InstitutionId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Event>, StorageError> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM events WHERE institution_id = ?1 AND on_date BETWEEN ?2 AND ?3
                 ORDER BY on_date, at_time, title"
            ))?;
            let rows = stmt.query_map(
                params![institution_id.to_string(), from.to_string(), to.to_string()],
                row_text,
            )?;
            rows.map(|r| from_columns(r?)).collect()
        })
        .await
    }

    async fn event(
        &self,
        institution_id: InstitutionId,
        id: uuid::Uuid,
    ) -> Result<Option<Event>, StorageError> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM events WHERE institution_id = ?1 AND id = ?2"
            ))?;
            let mut rows = stmt.query_map(
                params![institution_id.to_string(), id.to_string()],
                row_text,
            )?;
            rows.next().map(|r| from_columns(r?)).transpose()
        })
        .await
    }

    async fn add_event(&self, institution_id: InstitutionId, e: Event) -> Result<(), StorageError> {
        self.write(move |c| {
            c.prepare_cached(&format!(
                "INSERT INTO events ({COLUMNS}, institution_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ))?
            .execute(rusqlite::params_from_iter(
                to_columns(&e)
                    .into_iter()
                    .chain([Some(institution_id.to_string())]),
            ))?;
            Ok(())
        })
        .await
    }

    async fn delete_event(
        &self,
        institution_id: InstitutionId,
        id: uuid::Uuid,
    ) -> Result<bool, StorageError> {
        self.write(move |c| {
            let n = c
                .prepare_cached("DELETE FROM events WHERE institution_id = ?1 AND id = ?2")?
                .execute(params![institution_id.to_string(), id.to_string()])?;
            Ok(n > 0)
        })
        .await
    }
}
