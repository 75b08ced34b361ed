//! The diary's events on PostgreSQL (see `storage::events`).

use async_trait::async_trait;
use chrono::NaiveDate;
use journal_core::InstitutionId;

use super::PostgresStorage;
use crate::error::StorageError;
use crate::storage::events::{from_columns, to_columns, Event, EventStorage, COLUMNS};

fn row_text(r: &tokio_postgres::Row) -> [Option<String>; 8] {
    let mut out: [Option<String>; 8] = Default::default();
    for (i, v) in out.iter_mut().enumerate() {
        *v = r.get(i);
    }
    out
}

#[async_trait]
impl EventStorage for PostgresStorage {
    async fn events_between(
        &self,
        institution_id: InstitutionId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Event>, StorageError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM events WHERE institution_id = $1 AND on_date BETWEEN $2 AND $3
                     ORDER BY on_date, at_time NULLS FIRST, title"
                ),
                &[&institution_id.to_string(), &from.to_string(), &to.to_string()],
            )
            .await?;
        rows.iter().map(|r| from_columns(row_text(r))).collect()
    }

    async fn event(
        &self,
        institution_id: InstitutionId,
        id: uuid::Uuid,
    ) -> Result<Option<Event>, StorageError> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                &format!("SELECT {COLUMNS} FROM events WHERE institution_id = $1 AND id = $2"),
                &[&institution_id.to_string(), &id.to_string()],
            )
            .await?;
        row.map(|r| from_columns(row_text(&r))).transpose()
    }

    async fn add_event(&self, institution_id: InstitutionId, e: Event) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        let mut values: Vec<Option<String>> = to_columns(&e).into();
        values.push(Some(institution_id.to_string()));
        let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = values
            .iter()
            .map(|v| v as &(dyn tokio_postgres::types::ToSql + Sync))
            .collect();
        client
            .execute(
                &format!(
                    "INSERT INTO events ({COLUMNS}, institution_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                ),
                &params,
            )
            .await?;
        Ok(())
    }

    async fn delete_event(
        &self,
        institution_id: InstitutionId,
        id: uuid::Uuid,
    ) -> Result<bool, StorageError> {
        let client = self.pool.get().await?;
        let n = client
            .execute(
                "DELETE FROM events WHERE institution_id = $1 AND id = $2",
                &[&institution_id.to_string(), &id.to_string()],
            )
            .await?;
        Ok(n > 0)
    }
}
