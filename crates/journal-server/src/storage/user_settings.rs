//! Users' settings kept by the server only (migration 0022), never sent to a device: a staff
//! member's e-mail for notices ([`EMAIL`]) and a parent's choice about notices of marks and
//! absences ([`MARK_NOTICES`]). A supertrait of [`super::Storage`], implemented by both backends
//! (`sqlite/user_settings.rs`, `postgres/user_settings.rs`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, UserId};

use crate::error::StorageError;

/// A staff member's e-mail address for notices, kept by the administrator.
pub const EMAIL: &str = "email";
/// A parent's notices of new marks and absences: `"off"` when turned off (no row: on).
pub const MARK_NOTICES: &str = "mark_notices";

#[async_trait]
pub trait UserSettingStorage: Send + Sync {
    /// The user's value of `key`, if set.
    async fn user_setting(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        key: &str,
    ) -> Result<Option<String>, StorageError>;

    /// Every user's value of `key` in the institution.
    async fn user_settings(
        &self,
        institution_id: InstitutionId,
        key: &str,
    ) -> Result<Vec<(UserId, String)>, StorageError>;

    /// Sets (`Some`) or removes (`None`) the user's value of `key`, by `by` at `now` (UTC).
    async fn set_user_setting(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        key: &str,
        value: Option<String>,
        by: UserId,
        now: NaiveDateTime,
    ) -> Result<(), StorageError>;
}
