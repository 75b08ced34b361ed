//! Opening the next academic year over HTTP (issue 11 item 5):
//! `POST /api/v1/admin/year/rollover` closes the year and opens the next (the closing year is kept
//! whole in the archive, read-only and printable: `archive_routes`), and
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

use crate::admin_access::{permitted, reference_change_turn};
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, Authenticated};
use crate::storage::archive::YearClosing;
use crate::storage::AdminAction;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/year/rollover", post(apply))
        .route("/api/v1/admin/year/rollover/plan", post(plan))
}

/// How often the rollover reads the institution again when pushes keep changing it meanwhile.
const ATTEMPTS: usize = 5;

/// A new year named like a closed one would make two years of one name (prints and the archive
/// name a year by it).
async fn refuse_archived_name(
    state: &AppState,
    auth: &Authenticated,
    req: &RolloverRequest,
) -> Result<(), ApiError> {
    let name = req.name.trim();
    let archived = state
        .storage
        .archived_years(auth.session.institution_id)
        .await?;
    if archived.iter().any(|y| y.name == name) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "year_archived",
            format!(
                "Учебный год «{name}» уже закрыт и хранится в архиве: выберите другое название"
            ),
        ));
    }
    Ok(())
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
        (status = 409, description = "periods_unlocked: есть незакрытые периоды с уроками; year_same: тот же учебный год; year_archived: год с таким названием уже в архиве", body = ErrorBody)))]
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
    refuse_archived_name(&state, &auth, &req).await?;
    let (snap, _) = state
        .storage
        .snapshot(auth.session.institution_id)
        .await
        .map_err(ApiError::from)?;
    let (plan, _) = roll_over(&snap, &req).map_err(refused)?;
    Ok(Json(plan))
}

/// Closes the year and opens the next: the plan, now done.
#[utoipa::path(post, path = "/api/v1/admin/year/rollover", tag = "admin", security(("bearer" = [])),
    request_body = RolloverRequest,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Учебный год закрыт и сохранён в архиве, открыт новый", body = RolloverPlan),
        (status = 400, description = "empty_name, bad_dates, unknown_group, unknown_load, load_of_graduated_group, duplicate_group_name", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "periods_unlocked; year_same; year_archived: год с таким названием уже в архиве; year_busy: журнал всё время меняется, повторите", body = ErrorBody)))]
async fn apply(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<RolloverRequest>,
) -> Result<Json<RolloverPlan>, ApiError> {
    let who = permitted(
        &state,
        &auth,
        &[Action::ManageYear],
        "Новый учебный год открывает администратор",
    )
    .await?;
    let inst = auth.session.institution_id;
    let _turn = reference_change_turn(&state, inst).await?;
    refuse_archived_name(&state, &auth, &req).await?;
    for _ in 0..ATTEMPTS {
        // Read uncached with its seq: the storage closes the year only if no push came since.
        let (snap, seq) = state.storage.snapshot(inst).await?;
        let (plan, next) = roll_over(&snap, &req).map_err(refused)?;
        let action = AdminAction {
            institution_id: inst,
            kind: "year_rolled_over".into(),
            author_id: Some(who.user.id),
            device_id: Some(auth.session.device_id),
            subject: format!(
                "Учебный год «{}» закрыт и передан в архив, открыт «{}»",
                plan.closing_year, plan.new_year
            ),
            detail: serde_json::to_value(&plan).unwrap_or_default(),
        };
        match state
            .storage
            .close_year(snap, seq, next, action, state.config.now())
            .await?
        {
            YearClosing::Closed => return Ok(Json(plan)),
            YearClosing::ChangedMeanwhile => continue,
        }
    }
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "year_busy",
        "Журнал всё время меняется (идёт синхронизация); повторите переход через минуту",
    ))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(apply, plan),
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
