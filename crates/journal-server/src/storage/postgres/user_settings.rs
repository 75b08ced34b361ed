//! Users' settings on PostgreSQL (see `storage::user_settings`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, UserId};

use super::PostgresStorage;
use crate::error::StorageError;
use crate::storage::sqlite::{parse_id, time_text};
use crate::storage::user_settings::UserSettingStorage;

#[async_trait]
impl UserSettingStorage for PostgresStorage {
    async fn user_setting(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        key: &str,
    ) -> Result<Option<String>, StorageError> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT value FROM user_settings
                 WHERE institution_id = $1 AND user_id = $2 AND key = $3",
                &[&institution_id.to_string(), &user_id.to_string(), &key],
            )
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn user_settings(
        &self,
        institution_id: InstitutionId,
        key: &str,
    ) -> Result<Vec<(UserId, String)>, StorageError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT user_id, value FROM user_settings
                 WHERE institution_id = $1 AND key = $2 ORDER BY user_id",
                &[&institution_id.to_string(), &key],
            )
            .await?;
        rows.iter()
            .map(|r| Ok((parse_id(&r.get::<_, String>(0))?, r.get(1))))
            .collect()
    }

    async fn set_user_setting(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        key: &str,
        value: Option<String>,
        by: UserId,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        let (inst, user) = (institution_id.to_string(), user_id.to_string());
        match value {
            Some(v) => {
                client
                    .execute(
                        "INSERT INTO user_settings
                         (institution_id, user_id, key, value, updated_at, updated_by)
                         VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (institution_id, user_id, key) DO UPDATE SET
                           value = excluded.value, updated_at = excluded.updated_at,
                           updated_by = excluded.updated_by",
                        &[&inst, &user, &key, &v, &time_text(&now), &by.to_string()],
                    )
                    .await?
            }
            None => {
                client
                    .execute(
                        "DELETE FROM user_settings
                         WHERE institution_id = $1 AND user_id = $2 AND key = $3",
                        &[&inst, &user, &key],
                    )
                    .await?
            }
        };
        Ok(())
    }
}
