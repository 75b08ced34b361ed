//! Users' settings on SQLite (see `storage::user_settings`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, UserId};
use rusqlite::{params, OptionalExtension};

use super::{parse_id, time_text, SqliteStorage};
use crate::error::StorageError;
use crate::storage::user_settings::UserSettingStorage;

#[async_trait]
impl UserSettingStorage for SqliteStorage {
    async fn user_setting(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        key: &str,
    ) -> Result<Option<String>, StorageError> {
        let key = key.to_string();
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT value FROM user_settings
                 WHERE institution_id = ?1 AND user_id = ?2 AND key = ?3",
            )?
            .query_row(
                params![institution_id.to_string(), user_id.to_string(), key],
                |r| r.get(0),
            )
            .optional()?)
        })
        .await
    }

    async fn user_settings(
        &self,
        institution_id: InstitutionId,
        key: &str,
    ) -> Result<Vec<(UserId, String)>, StorageError> {
        let key = key.to_string();
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT user_id, value FROM user_settings
                 WHERE institution_id = ?1 AND key = ?2 ORDER BY user_id",
            )?;
            let rows = stmt.query_map(params![institution_id.to_string(), key], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            rows.map(|r| {
                let (u, v) = r?;
                Ok((parse_id(&u)?, v))
            })
            .collect()
        })
        .await
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
        let key = key.to_string();
        self.write(move |c| {
            match value {
                Some(v) => c
                    .prepare_cached(
                        "INSERT OR REPLACE INTO user_settings
                         (institution_id, user_id, key, value, updated_at, updated_by)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        institution_id.to_string(),
                        user_id.to_string(),
                        key,
                        v,
                        time_text(&now),
                        by.to_string()
                    ])?,
                None => c
                    .prepare_cached(
                        "DELETE FROM user_settings
                         WHERE institution_id = ?1 AND user_id = ?2 AND key = ?3",
                    )?
                    .execute(params![
                        institution_id.to_string(),
                        user_id.to_string(),
                        key
                    ])?,
            };
            Ok(())
        })
        .await
    }
}
