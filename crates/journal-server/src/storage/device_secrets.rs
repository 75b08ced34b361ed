//! Device secrets (migration 0019): one random secret per user and device, which the app wraps its
//! local copy's key under (see journal-api's `sync`). Handed only to a session of that user on
//! that device; never part of a snapshot or a pull. A supertrait of [`super::Storage`], implemented
//! by both backends (`sqlite/device_secrets.rs`, `postgres/device_secrets.rs`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{DeviceId, InstitutionId, UserId};

use crate::error::StorageError;

#[async_trait]
pub trait DeviceSecretStorage: Send + Sync {
    /// The secret of `user` on `device` (hex), keeping `fresh` as it when there is none yet. The
    /// first one stays: a copy wrapped under it must keep opening.
    async fn device_secret(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        device_id: DeviceId,
        fresh: String,
        now: NaiveDateTime,
    ) -> Result<String, StorageError>;
}
