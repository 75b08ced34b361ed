//! Institutions' own mail servers on SQLite (see `storage::smtp_settings`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, UserId};
use rusqlite::{params, OptionalExtension};

use super::{time_text, SqliteStorage};
use crate::error::StorageError;
use crate::notice::SmtpSetting;
use crate::storage::smtp_settings::{security_of, security_text, SmtpSettingStorage};

#[async_trait]
impl SmtpSettingStorage for SqliteStorage {
    async fn smtp_setting(
        &self,
        institution_id: InstitutionId,
    ) -> Result<Option<SmtpSetting>, StorageError> {
        self.read(move |c| {
            let row = c
                .prepare_cached(
                    "SELECT host, port, security, login, password, sender FROM institution_smtp
                     WHERE institution_id = ?1",
                )?
                .query_row(params![institution_id.to_string()], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                })
                .optional()?;
            row.map(|(host, port, security, login, password, sender)| {
                Ok(SmtpSetting {
                    host,
                    port: u16::try_from(port).map_err(|_| {
                        StorageError::Corrupt(format!("почтовый сервер учреждения: порт {port}"))
                    })?,
                    security: security_of(&security)?,
                    login,
                    password,
                    sender,
                })
            })
            .transpose()
        })
        .await
    }

    async fn set_smtp_setting(
        &self,
        institution_id: InstitutionId,
        setting: Option<SmtpSetting>,
        by: UserId,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            match setting {
                Some(s) => {
                    c.prepare_cached(
                        "INSERT OR REPLACE INTO institution_smtp (institution_id, host, port,
                         security, login, password, sender, changed_by, changed_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    )?
                    .execute(params![
                        institution_id.to_string(),
                        s.host,
                        i64::from(s.port),
                        security_text(s.security),
                        s.login,
                        s.password,
                        s.sender,
                        by.to_string(),
                        time_text(&now)
                    ])?;
                }
                None => {
                    c.prepare_cached("DELETE FROM institution_smtp WHERE institution_id = ?1")?
                        .execute(params![institution_id.to_string()])?;
                }
            }
            Ok(())
        })
        .await
    }
}
