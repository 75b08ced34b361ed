//! Contact data on SQLite (see `storage::contacts`).

use async_trait::async_trait;
use journal_core::{InstitutionId, StudentId};
use rusqlite::params;

use super::SqliteStorage;
use crate::error::StorageError;
use crate::storage::contacts::{from_columns, to_columns, Contact, ContactStorage, COLUMNS};

#[async_trait]
impl ContactStorage for SqliteStorage {
    async fn contacts_of(
        &self,
        institution_id: InstitutionId,
        student_id: StudentId,
    ) -> Result<Vec<Contact>, StorageError> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM contacts WHERE institution_id = ?1 AND student_id = ?2
                 ORDER BY person_kind DESC, person_id"
            ))?;
            let rows = stmt.query_map(
                params![institution_id.to_string(), student_id.to_string()],
                |r| {
                    let mut out: [String; 9] = Default::default();
                    for (i, v) in out.iter_mut().enumerate() {
                        *v = r.get(i)?;
                    }
                    Ok(out)
                },
            )?;
            rows.map(|r| from_columns(r?)).collect()
        })
        .await
    }

    async fn set_contact(
        &self,
        institution_id: InstitutionId,
        contact: Contact,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            c.prepare_cached(&format!(
                "INSERT OR REPLACE INTO contacts ({COLUMNS}, institution_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            ))?
            .execute(rusqlite::params_from_iter(
                to_columns(&contact)
                    .into_iter()
                    .chain([institution_id.to_string()]),
            ))?;
            Ok(())
        })
        .await
    }
}
