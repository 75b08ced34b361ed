//! Opening the next academic year over HTTP (issue 11 item 5), first step:
//! `POST /api/v1/admin/year/rollover/plan` answers what the rollover would do — groups promoted
//! (with their new names and courses), graduated or kept, students graduated, loads carried —
//! from the live snapshot and the administrator's choices ([`journal_protocol::rollover`]), and
//! changes nothing. Refused like the rollover itself would be: while some load's period with
//! lessons is not locked (the deputy's check before the journal is printed and archived,
//! regulations 001) unless `force_unlocked`, for the same year, for unknown groups or loads.
//! Journal-core's `ManageYear` decides who may ask.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use journal_core::Action;
use journal_protocol::rollover::{
    roll_over, GroupChoice, GroupPlan, GroupStep, LoadPlan, NewPeriod, RolloverError, RolloverPlan,
    RolloverRequest,
};

use crate::admin_access::permitted;
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, Authenticated};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/admin/year/rollover/plan", post(plan))
}

fn refused(e: RolloverError) -> ApiError {
    let status = match e {
        RolloverError::PeriodsUnlocked(_) | RolloverError::SameYear(_) => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    };
    ApiError::new(status, e.code(), e.to_string())
}

/// The rollover's plan (a dry run: nothing changes).
#[utoipa::path(post, path = "/api/v1/admin/year/rollover/plan", tag = "admin", security(("bearer" = [])),
    request_body = RolloverRequest,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Что сделает переход на новый учебный год; ничего не изменено", body = RolloverPlan),
        (status = 400, description = "empty_name, bad_dates, unknown_group, unknown_load, load_of_graduated_group, duplicate_group_name", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "periods_unlocked: есть незакрытые периоды с уроками; year_same: тот же учебный год", body = ErrorBody)))]
async fn plan(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<RolloverRequest>,
) -> Result<Json<RolloverPlan>, ApiError> {
    permitted(
        &state,
        &auth,
        &[Action::ManageYear],
        "Новый учебный год открывает администратор",
    )
    .await?;
    let (snap, _) = state
        .storage
        .snapshot(auth.session.institution_id)
        .await
        .map_err(ApiError::from)?;
    let (plan, _) = roll_over(&snap, &req).map_err(refused)?;
    Ok(Json(plan))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(plan),
    components(schemas(
        RolloverRequest,
        RolloverPlan,
        GroupChoice,
        GroupStep,
        GroupPlan,
        LoadPlan,
        NewPeriod
    ))
)]
pub struct RolloverApiDoc;
