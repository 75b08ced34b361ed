//! An institution's own mail server for its notices (migration 0028, `crate::smtp_routes`); an
//! institution without one uses the server's `--smtp`. A supertrait of [`super::Storage`],
//! implemented by both backends (`sqlite/smtp_settings.rs`, `postgres/smtp_settings.rs`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, UserId};

use crate::error::StorageError;
use crate::notice::{SmtpSecurity, SmtpSetting};

#[async_trait]
pub trait SmtpSettingStorage: Send + Sync {
    /// The institution's own mail server, if it keeps one.
    async fn smtp_setting(
        &self,
        institution_id: InstitutionId,
    ) -> Result<Option<SmtpSetting>, StorageError>;

    /// Keeps (`Some`) or removes (`None`: back to the server's default) the institution's mail
    /// server, by `by` at `now` (UTC).
    async fn set_smtp_setting(
        &self,
        institution_id: InstitutionId,
        setting: Option<SmtpSetting>,
        by: UserId,
        now: NaiveDateTime,
    ) -> Result<(), StorageError>;
}

/// The security as the table keeps it.
pub(crate) fn security_text(s: SmtpSecurity) -> &'static str {
    match s {
        SmtpSecurity::None => "none",
        SmtpSecurity::StartTls => "starttls",
        SmtpSecurity::Tls => "tls",
    }
}

pub(crate) fn security_of(text: &str) -> Result<SmtpSecurity, StorageError> {
    match text {
        "none" => Ok(SmtpSecurity::None),
        "starttls" => Ok(SmtpSecurity::StartTls),
        "tls" => Ok(SmtpSecurity::Tls),
        other => Err(StorageError::Corrupt(format!(
            "почтовый сервер учреждения: неизвестная защита «{other}»"
        ))),
    }
}
