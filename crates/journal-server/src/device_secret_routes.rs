//! `POST /api/v1/auth/device-secret`: the secret of the signed-in user on the session's device
//! (migration 0019). The app keeps its local copy's key wrapped under it beside the copy, so that
//! after the administrator resets the password the copy is opened at the next online sign-in with
//! the new password and re-keyed — without it, the copy opens only with the forgotten old one.
//! Only a session of that very user on that very device gets it: the secret alone, without the
//! user's valid server sign-in, opens nothing. Allowed before a forced password change (the copy
//! must open to go on working).

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use journal_core::DeviceId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};
use crate::http::Authenticated;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/auth/device-secret", post(device_secret))
}

/// The user's secret on this device.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeviceSecret {
    /// The device of the session (the one the app signed in with).
    #[schema(value_type = String, format = "uuid")]
    pub device_id: DeviceId,
    /// Hex of 32 bytes; the same for this user and device every time.
    pub secret: String,
}

#[utoipa::path(post, path = "/api/v1/auth/device-secret", tag = "auth", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Секрет пользователя на устройстве этого сеанса", body = DeviceSecret),
        (status = 401, body = ErrorBody)))]
async fn device_secret(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<DeviceSecret>, ApiError> {
    let s = &auth.session;
    let secret = state
        .storage
        .device_secret(
            s.institution_id,
            s.user_id,
            s.device_id,
            crate::auth::new_token(),
            state.config.now(),
        )
        .await?;
    Ok(Json(DeviceSecret {
        device_id: s.device_id,
        secret,
    }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(device_secret), components(schemas(DeviceSecret, ErrorBody)))]
pub struct DeviceSecretApiDoc;
