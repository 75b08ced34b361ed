//! Teachers' own КТП (issue 13 item 4; 001 п. 3.1.4, 003 п. 5.2.3, 004 п. 3.2.4: the teacher
//! enters the тематическое планирование): the load's teacher sends the plan's file (the КТП
//! import's columns, every row of their load), which takes effect at once — or, where the policy
//! asks for approval (`Policy::plan_approval`), waits for the deputy, who approves it (imported
//! then, with the deputy as the audit entry's author) or returns it with a reason.
//!
//! * `GET /api/v1/plans` — a teacher: their loads with the plan's size and the draft's state; the
//!   deputy or the director: every load with a draft;
//! * `POST /api/v1/plans/{load}?file=` — the teacher sends the file (CSV or XLSX);
//! * `POST /api/v1/plans/{load}/approve`, `POST /api/v1/plans/{load}/return` — the deputy.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, FixedOffset};
use journal_core::{permissions, Action, LoadId, Scope};
use journal_import::{ImportKind, Imported};
use journal_protocol::{Load, Snapshot, User};
use serde::{Deserialize, Serialize};

use crate::admin::ImportReport;
use crate::archive_routes::in_zone;
use crate::error::{refuse_forbidden_chars, ApiError, ErrorBody};
use crate::http::{ApiJson, ApiPath, ApiQuery, Authenticated};
use crate::import_routes::{check_content_type, failure, media_type, ImportFailure};
use crate::storage::plan_drafts::PlanDraft;
use crate::storage::AdminAction;
use crate::AppState;

const MAX_REASON: usize = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/plans", get(list))
        .route("/api/v1/plans/{load}", post(submit))
        .route("/api/v1/plans/{load}/approve", post(approve))
        .route("/api/v1/plans/{load}/return", post(return_draft))
}

/// One topic of a draft, as the deputy reads it before approving.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DraftTopic {
    pub ordinal: u32,
    pub title: String,
    pub hours: u8,
}

/// A КТП waiting for approval (or returned).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DraftView {
    pub file_name: String,
    pub submitted_by: String,
    /// In the institution's time, with its offset.
    pub submitted_at: DateTime<FixedOffset>,
    pub topics: Vec<DraftTopic>,
    /// The deputy's return: who, when, why.
    pub returned_by: Option<String>,
    pub returned_at: Option<DateTime<FixedOffset>>,
    pub return_reason: Option<String>,
}

/// A load's КТП as the page lists it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanLoadView {
    #[schema(value_type = String, format = "uuid")]
    pub load_id: LoadId,
    pub group: String,
    pub subject: String,
    pub teacher: String,
    /// Topics of the plan in effect.
    pub topics: u32,
    pub draft: Option<DraftView>,
    /// The caller is the load's teacher and may send its КТП.
    pub can_submit: bool,
    /// The caller may approve or return the draft.
    pub can_approve: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlansView {
    /// A sent КТП waits for the deputy's approval (the institution's policy).
    pub approval_required: bool,
    pub loads: Vec<PlanLoadView>,
}

/// What became of a sent file.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanSubmitted {
    /// "applied" (in effect now) or "submitted" (waits for the deputy).
    pub state: String,
    pub report: ImportReport,
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanFileQuery {
    /// Имя файла (для журнала аудита и заместителя).
    pub file: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ReturnRequest {
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct LoadPath {
    /// Нагрузка.
    #[param(value_type = String, format = "uuid")]
    pub load: LoadId,
}

/// The signed-in user and the institution as it is now.
async fn caller(state: &AppState, auth: &Authenticated) -> Result<(User, Snapshot), ApiError> {
    let account = crate::http::signed_in_account(state, auth).await?;
    let (snap, _) = state.storage.snapshot(auth.session.institution_id).await?;
    Ok((account.user, snap))
}

fn may(user: &User, action: Action, load: &Load, snap: &Snapshot) -> bool {
    crate::authority::authorise(user, action, load, None, &snap.institution.policy).is_ok()
        && (action != Action::ApprovePlan
            || user.grants.iter().any(|g| {
                permissions::check(g.role, action, Scope::Institution, &snap.institution.policy)
                    .is_ok()
            }))
}

fn load_of(snap: &Snapshot, id: LoadId) -> Result<Load, ApiError> {
    snap.loads
        .iter()
        .find(|l| l.id == id)
        .cloned()
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "load_not_found",
                "Такой нагрузки нет",
            )
        })
}

/// The file's topics, all of `load` — or the refusal that names what is wrong.
fn draft_topics(
    snap: &Snapshot,
    load: &Load,
    bytes: &[u8],
) -> Result<Vec<DraftTopic>, ImportFailure> {
    let plan = match journal_import::import_file(ImportKind::Plan, bytes, snap)
        .map_err(|e| failure(e.into()))?
    {
        Imported::Plan(plan) => plan,
        _ => {
            return Err(ApiError::bad_request("not_a_plan", "Файл не является КТП").into());
        }
    };
    if let Some(other) = plan.rows.iter().find(|r| r.load_id != load.id) {
        return Err(ApiError::bad_request(
            "plan_other_load",
            format!(
                "Строка {}: тема другой нагрузки (группа, дисциплина или преподаватель не те); в файле — только темы этой нагрузки",
                other.row
            ),
        )
        .into());
    }
    if plan.rows.is_empty() {
        return Err(ApiError::bad_request("plan_empty", "В файле нет ни одной темы").into());
    }
    Ok(plan
        .rows
        .iter()
        .map(|r| DraftTopic {
            ordinal: r.ordinal,
            title: r.title.clone(),
            hours: r.hours,
        })
        .collect())
}

fn view_of(snap: &Snapshot, user: &User, load: &Load, draft: Option<&PlanDraft>) -> PlanLoadView {
    let name = |id| {
        snap.users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.full_name.clone())
            .unwrap_or_default()
    };
    let tz = &snap.institution.timezone;
    PlanLoadView {
        load_id: load.id,
        group: snap
            .groups
            .iter()
            .find(|g| g.id == load.group_id)
            .map(|g| g.name.clone())
            .unwrap_or_default(),
        subject: snap
            .subjects
            .iter()
            .find(|s| s.id == load.subject_id)
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        teacher: name(load.teacher_id),
        topics: snap
            .plan_topics
            .iter()
            .filter(|t| t.load_id == load.id)
            .count() as u32,
        draft: draft.map(|d| DraftView {
            file_name: d.file_name.clone(),
            submitted_by: name(d.submitted_by),
            submitted_at: in_zone(tz, d.submitted_at),
            topics: draft_topics(snap, load, &d.content).unwrap_or_default(),
            returned_by: d.returned.as_ref().map(|(by, _, _)| name(*by)),
            returned_at: d.returned.as_ref().map(|(_, at, _)| in_zone(tz, *at)),
            return_reason: d.returned.as_ref().map(|(_, _, why)| why.clone()),
        }),
        can_submit: may(user, Action::SubmitPlan, load, snap),
        can_approve: may(user, Action::ApprovePlan, load, snap),
    }
}

#[utoipa::path(get, path = "/api/v1/plans", tag = "plans", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses((status = 200, body = PlansView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<PlansView>, ApiError> {
    let (user, snap) = caller(&state, &auth).await?;
    let drafts = state
        .storage
        .plan_drafts(auth.session.institution_id)
        .await?;
    let mut loads: Vec<PlanLoadView> = snap
        .loads
        .iter()
        .filter_map(|load| {
            let draft = drafts.iter().find(|d| d.load_id == load.id);
            let v = view_of(&snap, &user, load, draft);
            (v.can_submit || (v.can_approve && draft.is_some())).then_some(v)
        })
        .collect();
    loads.sort_by(|a, b| (&a.group, &a.subject).cmp(&(&b.group, &b.subject)));
    Ok(Json(PlansView {
        approval_required: snap.institution.policy.plan_approval,
        loads,
    }))
}

#[utoipa::path(post, path = "/api/v1/plans/{load}", tag = "plans", security(("bearer" = [])),
    request_body(description = "Файл КТП: CSV (text/csv) или XLSX, столбцы импорта КТП",
        content((Vec<u8> = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    params(LoadPath, PlanFileQuery,
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "КТП действует (applied) или ждёт утверждения (submitted)", body = PlanSubmitted),
        (status = 400, description = "Нечитаемый файл, темы другой нагрузки, пустой файл; ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Ошибки в строках файла; ничего не изменено", body = crate::import_routes::ImportRefusal)))]
async fn submit(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(path): ApiPath<LoadPath>,
    ApiQuery(query): ApiQuery<PlanFileQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PlanSubmitted>, ImportFailure> {
    let (user, snap) = caller(&state, &auth).await?;
    let load = load_of(&snap, path.load)?;
    if !may(&user, Action::SubmitPlan, &load, &snap) {
        return Err(ApiError::forbidden("КТП нагрузки вносит её преподаватель").into());
    }
    let body = body.map_err(|e| {
        ApiError::new(
            e.status(),
            "unreadable_body",
            format!("Не удалось прочитать файл: {}", e.body_text()),
        )
    })?;
    check_content_type(ImportKind::Plan, &media_type(&headers), &body)?;
    let file_name = query
        .file
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "КТП".to_string());
    refuse_forbidden_chars(&file_name, "Имя файла")?;
    draft_topics(&snap, &load, &body)?;
    let now = state.config.now();
    let inst = auth.session.institution_id;
    let author = Some((user.id, auth.session.device_id));
    // Without approval the file is imported now; with it, checked against the institution as it
    // is (a dry run: what approval would import) and kept for the deputy.
    let approval = snap.institution.policy.plan_approval;
    let _turn = if approval {
        None
    } else {
        Some(crate::admin_access::reference_change_turn(&state, inst).await?)
    };
    let report = crate::admin::import_by(
        state.storage.as_ref(),
        inst,
        "plan",
        &file_name,
        &body,
        now,
        author,
        approval,
    )
    .await
    .map_err(failure)?;
    if !approval {
        return Ok(Json(PlanSubmitted {
            state: "applied".into(),
            report,
        }));
    }
    state
        .storage
        .put_plan_draft(
            inst,
            PlanDraft {
                load_id: load.id,
                file_name: file_name.clone(),
                content: body.to_vec(),
                submitted_by: user.id,
                submitted_at: now,
                returned: None,
            },
        )
        .await
        .map_err(ApiError::from)?;
    state
        .storage
        .append_admin_action(
            AdminAction {
                institution_id: inst,
                kind: "plan_submitted".into(),
                author_id: Some(user.id),
                device_id: Some(auth.session.device_id),
                subject: format!("КТП на утверждение: {file_name}"),
                detail: serde_json::json!({ "load_id": load.id, "file": file_name }),
            },
            now,
        )
        .await
        .map_err(ApiError::from)?;
    Ok(Json(PlanSubmitted {
        state: "submitted".into(),
        report,
    }))
}

/// The load's draft, for the deputy's decision.
async fn decision(
    state: &AppState,
    auth: &Authenticated,
    load: LoadId,
) -> Result<(User, PlanDraft), ApiError> {
    let (user, snap) = caller(state, auth).await?;
    let load = load_of(&snap, load)?;
    if !may(&user, Action::ApprovePlan, &load, &snap) {
        return Err(ApiError::forbidden(
            "КТП утверждает заместитель директора или директор",
        ));
    }
    let draft = state
        .storage
        .plan_drafts(auth.session.institution_id)
        .await?
        .into_iter()
        .find(|d| d.load_id == load.id)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "no_plan_draft",
                "КТП этой нагрузки не ждёт утверждения",
            )
        })?;
    Ok((user, draft))
}

#[utoipa::path(post, path = "/api/v1/plans/{load}/approve", tag = "plans", security(("bearer" = [])),
    params(LoadPath, ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "КТП утверждён и действует", body = ImportReport),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "КТП этой нагрузки не ждёт утверждения", body = ErrorBody),
        (status = 422, description = "Файл больше не подходит к данным учреждения; ничего не изменено", body = crate::import_routes::ImportRefusal)))]
async fn approve(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(path): ApiPath<LoadPath>,
) -> Result<Json<ImportReport>, ImportFailure> {
    let (user, draft) = decision(&state, &auth, path.load).await?;
    let inst = auth.session.institution_id;
    let _turn = crate::admin_access::reference_change_turn(&state, inst).await?;
    let report = crate::admin::import_by(
        state.storage.as_ref(),
        inst,
        "plan",
        &format!("{} (утверждён)", draft.file_name),
        &draft.content,
        state.config.now(),
        Some((user.id, auth.session.device_id)),
        false,
    )
    .await
    .map_err(failure)?;
    state
        .storage
        .remove_plan_draft(inst, draft.load_id)
        .await
        .map_err(ApiError::from)?;
    Ok(Json(report))
}

#[utoipa::path(post, path = "/api/v1/plans/{load}/return", tag = "plans", security(("bearer" = [])),
    request_body = ReturnRequest,
    params(LoadPath, ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 204, description = "КТП возвращён преподавателю с причиной"),
        (status = 400, description = "Причина пуста или слишком длинная", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn return_draft(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(path): ApiPath<LoadPath>,
    ApiJson(req): ApiJson<ReturnRequest>,
) -> Result<StatusCode, ApiError> {
    let reason = req.reason.trim().to_string();
    if reason.chars().filter(|c| c.is_alphabetic()).count() < 3
        || reason.chars().count() > MAX_REASON
    {
        return Err(ApiError::bad_request(
            "return_reason_invalid",
            format!("Напишите, что исправить в КТП (не длиннее {MAX_REASON} знаков)"),
        ));
    }
    refuse_forbidden_chars(&reason, "Причина")?;
    let (user, draft) = decision(&state, &auth, path.load).await?;
    let now = state.config.now();
    let inst = auth.session.institution_id;
    state
        .storage
        .return_plan_draft(inst, draft.load_id, user.id, now, reason.clone())
        .await?;
    state
        .storage
        .append_admin_action(
            AdminAction {
                institution_id: inst,
                kind: "plan_returned".into(),
                author_id: Some(user.id),
                device_id: Some(auth.session.device_id),
                subject: format!("КТП возвращён: {}", draft.file_name),
                detail: serde_json::json!({ "load_id": draft.load_id, "reason": reason }),
            },
            now,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, submit, approve, return_draft),
    components(schemas(
        PlansView,
        PlanLoadView,
        DraftView,
        DraftTopic,
        PlanSubmitted,
        ReturnRequest
    ))
)]
pub struct PlanApiDoc;
