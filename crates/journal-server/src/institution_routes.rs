//! `GET /api/v1/admin/institution`: which institution the signed-in administrator works in (one
//! database may hold several), for the console's header.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use journal_core::{Action, InstitutionId};
use serde::{Deserialize, Serialize};

use crate::admin_access::permitted;
use crate::error::{ApiError, ErrorBody};
use crate::http::Authenticated;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/admin/institution", get(read_institution))
}

/// The caller's institution.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InstitutionInfo {
    #[schema(value_type = String, format = "uuid")]
    pub id: InstitutionId,
    /// Full official name.
    pub name: String,
    pub short_name: String,
    /// "college" (семестры, группа/куратор) or "school" (четверти, класс/классный руководитель), by
    /// the policy's wording.
    pub kind: String,
    /// IANA zone, e.g. "Europe/Moscow".
    pub timezone: String,
}

#[utoipa::path(get, path = "/api/v1/admin/institution", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Учреждение вошедшего пользователя", body = InstitutionInfo),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn read_institution(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<InstitutionInfo>, ApiError> {
    permitted(
        &state,
        &auth,
        &[Action::ManageYear, Action::ManageUsers, Action::ReadJournal],
        "Сведения об учреждении видят администрация и администратор",
    )
    .await?;
    let (snap, _) = state.storage.snapshot(auth.session.institution_id).await?;
    let inst = snap.institution;
    Ok(Json(InstitutionInfo {
        id: inst.id,
        kind: if inst.policy.school_wording {
            "school"
        } else {
            "college"
        }
        .to_string(),
        name: inst.name,
        short_name: inst.short_name,
        timezone: inst.timezone,
    }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(read_institution), components(schemas(InstitutionInfo)))]
pub struct InstitutionApiDoc;
