//! Device secrets on SQLite (see `storage::device_secrets`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{DeviceId, InstitutionId, UserId};
use rusqlite::params;

use super::{time_text, SqliteStorage};
use crate::error::StorageError;
use crate::storage::device_secrets::DeviceSecretStorage;

#[async_trait]
impl DeviceSecretStorage for SqliteStorage {
    async fn device_secret(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        device_id: DeviceId,
        fresh: String,
        now: NaiveDateTime,
    ) -> Result<String, StorageError> {
        self.write(move |c| {
            let key = params![
                institution_id.to_string(),
                user_id.to_string(),
                device_id.to_string()
            ];
            c.prepare_cached(
                "INSERT INTO device_secrets (institution_id, user_id, device_id, secret, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                institution_id.to_string(),
                user_id.to_string(),
                device_id.to_string(),
                fresh,
                time_text(&now)
            ])?;
            let secret: String = c
                .prepare_cached(
                    "SELECT secret FROM device_secrets
                     WHERE institution_id = ?1 AND user_id = ?2 AND device_id = ?3",
                )?
                .query_row(key, |r| r.get(0))?;
            Ok(secret)
        })
        .await
    }
}
