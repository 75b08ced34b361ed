//! «Листок здоровья» on SQLite (see `storage::health`).

use async_trait::async_trait;
use journal_core::{InstitutionId, StudentId};
use rusqlite::params;

use super::SqliteStorage;
use crate::error::StorageError;
use crate::storage::health::{HealthEntry, HealthStorage, Row, COLUMNS};

#[async_trait]
impl HealthStorage for SqliteStorage {
    async fn health_entries(
        &self,
        institution_id: InstitutionId,
        students: Vec<StudentId>,
    ) -> Result<Vec<HealthEntry>, StorageError> {
        self.read(move |c| {
            let inst = institution_id.to_string();
            // A group is a few dozen students: one cached lookup each by the primary key.
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM health_sheet WHERE institution_id = ?1 AND student_id = ?2"
            ))?;
            let mut out = Vec::new();
            for student in students {
                let rows = stmt.query_map(params![inst, student.to_string()], |r| {
                    Ok(Row {
                        student_id: r.get(0)?,
                        health_group: r.get(1)?,
                        pe_group: r.get(2)?,
                        recommendation: r.get(3)?,
                        note_date: r.get(4)?,
                        valid_until: r.get(5)?,
                        updated_at: r.get(6)?,
                        updated_by: r.get(7)?,
                    })
                })?;
                for row in rows {
                    out.push(row?.entry()?);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn set_health_entry(
        &self,
        institution_id: InstitutionId,
        entry: HealthEntry,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            let r = Row::of(&entry);
            c.prepare_cached(&format!(
                "INSERT OR REPLACE INTO health_sheet ({COLUMNS}, institution_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ))?
            .execute(params![
                r.student_id,
                r.health_group,
                r.pe_group,
                r.recommendation,
                r.note_date,
                r.valid_until,
                r.updated_at,
                r.updated_by,
                institution_id.to_string(),
            ])?;
            Ok(())
        })
        .await
    }
}
