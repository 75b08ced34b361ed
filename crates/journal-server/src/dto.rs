//! Request and reply bodies of the HTTP API. Requests refuse unknown fields, so a client typo is a
//! clear 400 and never a silently ignored value.
//!
//! The sync bodies (push, pull) are journal-protocol's, shared with the client; they are re-exported
//! here so the whole API's bodies are in one place.

use journal_core::{DeviceId, Role, UserId};
use journal_protocol::{RoleGrant, Snapshot};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use journal_protocol::sync::{
    Change, OpResult, PullPage, PushRequest, PushResponse, PROTOCOL_HEADER,
};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub protocol: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
    #[schema(value_type = String, format = "uuid")]
    pub device_id: DeviceId,
    /// Hex of the device's ed25519 public key (32 bytes). Registered at the device's first login;
    /// the server verifies the device's ops with it. Optional for read-only clients.
    #[serde(default)]
    pub device_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserInfo {
    #[schema(value_type = String, format = "uuid")]
    pub id: UserId,
    pub login: String,
    pub full_name: String,
    /// Role names as in journal-core (`teacher`, `curator`, `deputy`, …).
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<Role>,
    #[schema(value_type = Vec<Object>)]
    pub grants: Vec<RoleGrant>,
    /// The password was given by the administrator: until the user changes it
    /// (`POST /auth/password`), every route but the change, sign-out and `GET /auth/me` answers
    /// 403 `password_change_required`.
    #[serde(default)]
    pub must_change_password: bool,
    /// The institution's day (its zone, the server's clock): a browser's own date may be another
    /// one (a parent in another zone, a PC clock set to UTC), and the day decides which roles,
    /// memberships and lessons are current.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "date")]
    pub today: Option<chrono::NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    /// UTC.
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub user: UserInfo,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeRequest {
    pub old_password: String,
    pub new_password: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PullQuery {
    /// The last server_seq the device has (0: from the start).
    #[serde(default)]
    #[param(maximum = 9223372036854775807_u64)]
    pub after: u64,
    /// Changes per page, 1 to the server's maximum (5000 by default).
    #[serde(default)]
    #[param(minimum = 1, maximum = 5000)]
    pub limit: Option<u32>,
    /// The device the changes are carried to, when it is not the caller's own (an offline PC's
    /// exchange file pushed from another PC): the user must have signed in on it once.
    #[serde(default)]
    #[param(value_type = Option<uuid::Uuid>)]
    pub device: Option<journal_core::DeviceId>,
}

/// `GET /sync/snapshot`'s query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SnapshotQuery {
    /// As in [`PullQuery::device`].
    #[serde(default)]
    #[param(value_type = Option<uuid::Uuid>)]
    pub device: Option<journal_core::DeviceId>,
}

/// One finding of `audit verify`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditProblem {
    pub institution_id: String,
    /// The entry's position in the chain (1-based), as stored.
    pub seq: u64,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditReport {
    pub entries_checked: u64,
    pub problems: Vec<AuditProblem>,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A device's first sync: the part of the institution its user keeps, and the cursor to pull after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SnapshotResponse {
    /// The last change the snapshot includes: pull with `after` = this.
    pub server_seq: u64,
    /// The institution's reference_version the snapshot includes at least (read before it): the
    /// device keeps it and fetches a snapshot again when a pull page names another one.
    #[serde(default)]
    pub reference_version: u64,
    /// journal-protocol `Snapshot`, limited to what the user keeps (`Snapshot::for_user`).
    #[schema(value_type = Object)]
    pub snapshot: Snapshot,
}
