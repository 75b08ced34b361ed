//! Contact data on PostgreSQL (see `storage::contacts`).

use async_trait::async_trait;
use journal_core::{InstitutionId, StudentId};

use super::PostgresStorage;
use crate::error::StorageError;
use crate::storage::contacts::{from_columns, to_columns, Contact, ContactStorage, COLUMNS};

#[async_trait]
impl ContactStorage for PostgresStorage {
    async fn contacts_of(
        &self,
        institution_id: InstitutionId,
        student_id: StudentId,
    ) -> Result<Vec<Contact>, StorageError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM contacts WHERE institution_id = $1 AND student_id = $2
                     ORDER BY person_kind DESC, person_id"
                ),
                &[&institution_id.to_string(), &student_id.to_string()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let mut out: [String; 9] = Default::default();
                for (i, v) in out.iter_mut().enumerate() {
                    *v = r.get(i);
                }
                from_columns(out)
            })
            .collect()
    }

    async fn set_contact(
        &self,
        institution_id: InstitutionId,
        contact: Contact,
    ) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        let mut values: Vec<String> = to_columns(&contact).into();
        values.push(institution_id.to_string());
        let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = values
            .iter()
            .map(|v| v as &(dyn tokio_postgres::types::ToSql + Sync))
            .collect();
        client
            .execute(
                &format!(
                    "INSERT INTO contacts ({COLUMNS}, institution_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                     ON CONFLICT (institution_id, person_kind, person_id, student_id) DO UPDATE SET
                       relation = excluded.relation, phone = excluded.phone, email = excluded.email,
                       address = excluded.address, updated_at = excluded.updated_at,
                       updated_by = excluded.updated_by"
                ),
                &params,
            )
            .await?;
        Ok(())
    }
}
