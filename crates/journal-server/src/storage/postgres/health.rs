//! «Листок здоровья» on PostgreSQL (see `storage::health`).

use async_trait::async_trait;
use journal_core::{InstitutionId, StudentId};

use super::PostgresStorage;
use crate::error::StorageError;
use crate::storage::health::{HealthEntry, HealthStorage, Row, COLUMNS};

#[async_trait]
impl HealthStorage for PostgresStorage {
    async fn health_entries(
        &self,
        institution_id: InstitutionId,
        students: Vec<StudentId>,
    ) -> Result<Vec<HealthEntry>, StorageError> {
        let client = self.pool.get().await?;
        let ids: Vec<String> = students.iter().map(ToString::to_string).collect();
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM health_sheet
                     WHERE institution_id = $1 AND student_id = ANY($2)"
                ),
                &[&institution_id.to_string(), &ids],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Row {
                    student_id: r.get(0),
                    health_group: r.get(1),
                    pe_group: r.get(2),
                    recommendation: r.get(3),
                    note_date: r.get(4),
                    valid_until: r.get(5),
                    updated_at: r.get(6),
                    updated_by: r.get(7),
                }
                .entry()
            })
            .collect()
    }

    async fn set_health_entry(
        &self,
        institution_id: InstitutionId,
        entry: HealthEntry,
    ) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        let r = Row::of(&entry);
        client
            .execute(
                &format!(
                    "INSERT INTO health_sheet ({COLUMNS}, institution_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                     ON CONFLICT (institution_id, student_id) DO UPDATE SET
                       health_group = excluded.health_group, pe_group = excluded.pe_group,
                       recommendation = excluded.recommendation, note_date = excluded.note_date,
                       valid_until = excluded.valid_until, updated_at = excluded.updated_at,
                       updated_by = excluded.updated_by"
                ),
                &[
                    &r.student_id,
                    &r.health_group,
                    &r.pe_group,
                    &r.recommendation,
                    &r.note_date,
                    &r.valid_until,
                    &r.updated_at,
                    &r.updated_by,
                    &institution_id.to_string(),
                ],
            )
            .await?;
        Ok(())
    }
}
