//! Device secrets on PostgreSQL (see `storage::device_secrets`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{DeviceId, InstitutionId, UserId};

use super::PostgresStorage;
use crate::error::StorageError;
use crate::storage::device_secrets::DeviceSecretStorage;

#[async_trait]
impl DeviceSecretStorage for PostgresStorage {
    async fn device_secret(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        device_id: DeviceId,
        fresh: String,
        now: NaiveDateTime,
    ) -> Result<String, StorageError> {
        let client = self.pool.get().await?;
        let (inst, user, device) = (
            institution_id.to_string(),
            user_id.to_string(),
            device_id.to_string(),
        );
        client
            .execute(
                "INSERT INTO device_secrets (institution_id, user_id, device_id, secret, created_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                &[
                    &inst,
                    &user,
                    &device,
                    &fresh,
                    &crate::storage::sqlite::time_text(&now),
                ],
            )
            .await?;
        let row = client
            .query_one(
                "SELECT secret FROM device_secrets
                 WHERE institution_id = $1 AND user_id = $2 AND device_id = $3",
                &[&inst, &user, &device],
            )
            .await?;
        Ok(row.get(0))
    }
}
