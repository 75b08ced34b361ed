//! Institutions' own mail servers on PostgreSQL (see `storage::smtp_settings`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, UserId};

use super::PostgresStorage;
use crate::error::StorageError;
use crate::notice::SmtpSetting;
use crate::storage::smtp_settings::{security_of, security_text, SmtpSettingStorage};
use crate::storage::sqlite::time_text;

#[async_trait]
impl SmtpSettingStorage for PostgresStorage {
    async fn smtp_setting(
        &self,
        institution_id: InstitutionId,
    ) -> Result<Option<SmtpSetting>, StorageError> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT host, port, security, login, password, sender FROM institution_smtp
                 WHERE institution_id = $1",
                &[&institution_id.to_string()],
            )
            .await?;
        row.map(|r| {
            let port: i32 = r.try_get(1)?;
            Ok(SmtpSetting {
                host: r.try_get(0)?,
                port: u16::try_from(port).map_err(|_| {
                    StorageError::Corrupt(format!("почтовый сервер учреждения: порт {port}"))
                })?,
                security: security_of(&r.try_get::<_, String>(2)?)?,
                login: r.try_get(3)?,
                password: r.try_get(4)?,
                sender: r.try_get(5)?,
            })
        })
        .transpose()
    }

    async fn set_smtp_setting(
        &self,
        institution_id: InstitutionId,
        setting: Option<SmtpSetting>,
        by: UserId,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        match setting {
            Some(s) => {
                client
                    .execute(
                        "INSERT INTO institution_smtp (institution_id, host, port, security, login,
                           password, sender, changed_by, changed_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                         ON CONFLICT (institution_id) DO UPDATE SET host = excluded.host,
                           port = excluded.port, security = excluded.security,
                           login = excluded.login, password = excluded.password,
                           sender = excluded.sender, changed_by = excluded.changed_by,
                           changed_at = excluded.changed_at",
                        &[
                            &institution_id.to_string(),
                            &s.host,
                            &i32::from(s.port),
                            &security_text(s.security),
                            &s.login,
                            &s.password,
                            &s.sender,
                            &by.to_string(),
                            &time_text(&now),
                        ],
                    )
                    .await?;
            }
            None => {
                client
                    .execute(
                        "DELETE FROM institution_smtp WHERE institution_id = $1",
                        &[&institution_id.to_string()],
                    )
                    .await?;
            }
        }
        Ok(())
    }
}
