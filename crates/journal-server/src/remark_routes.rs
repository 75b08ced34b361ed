//! «Замечания по ведению журнала» online (issue 14): a deputy, the director, a department head (for
//! their department's teachers) or the control group writes a remark on a load in the browser
//! (`POST /api/v1/remarks`), everyone reads the remarks their permissions cover
//! (`GET /api/v1/remarks`: a teacher their loads', a curator their group's, the administration all,
//! a department head their department's), the author confirms or returns a fixed one
//! (`POST /api/v1/remarks/{id}/decision`). Each step is stored with a change of the load
//! (`RemarkState`), so the teacher's device pulls it, and audited. The teacher answers on their
//! device (op `AnswerRemark`, see `authority.rs`). Departments (ПЦК/МО) are reference data kept by
//! the administrator (`GET|PUT /api/v1/admin/departments`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use journal_core::{permissions, Action, Role, Scope, UserId};
use journal_protocol::{Department, Load, Remark, RemarkStatus, Snapshot, User};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, ApiQuery, Authenticated};
use crate::reference_routes::change_institution;
use crate::storage::AdminAction;
use crate::AppState;

/// The longest remark, answer or comment (a page of text).
const MAX_TEXT: usize = 4_000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/remarks", get(list).post(write))
        .route("/api/v1/remarks/{id}/decision", post(decide))
        .route(
            "/api/v1/admin/departments",
            get(departments).put(put_departments),
        )
}

/// A new remark.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRemark {
    #[schema(value_type = String, format = "uuid")]
    pub load_id: Uuid,
    /// The lesson it is about (a lesson of the load), if one.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub lesson_id: Option<Uuid>,
    #[serde(default)]
    pub date_from: Option<NaiveDate>,
    #[serde(default)]
    pub date_to: Option<NaiveDate>,
    /// «Срок устранения»; absent: today and the policy's `remark_deadline_days`.
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    pub text: String,
}

/// The author's decision on a fixed remark.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemarkDecision {
    /// true: «Подтвердить устранение»; false: «Вернуть» (a comment required).
    pub confirm: bool,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RemarkQuery {
    /// One load.
    pub load: Option<Uuid>,
    /// One group's loads.
    pub group: Option<Uuid>,
    /// One teacher's loads.
    pub teacher: Option<Uuid>,
    /// written, fixed, confirmed, returned; or open (written or returned), overdue.
    pub status: Option<String>,
}

/// One step of a remark's cycle.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RemarkStepView {
    pub at: DateTime<FixedOffset>,
    #[schema(value_type = String, format = "uuid")]
    pub by: UserId,
    pub by_name: String,
    /// written, fixed, confirmed, returned.
    pub status: String,
    pub text: String,
}

/// A remark as the console and the API show it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RemarkView {
    #[schema(value_type = String, format = "uuid")]
    pub id: Uuid,
    #[schema(value_type = String, format = "uuid")]
    pub load_id: Uuid,
    pub group: String,
    pub subject: String,
    pub teacher: String,
    #[schema(value_type = String, format = "uuid")]
    pub author_id: UserId,
    pub author: String,
    pub created_at: DateTime<FixedOffset>,
    pub text: String,
    #[schema(value_type = Option<String>, format = "uuid")]
    pub lesson_id: Option<Uuid>,
    pub lesson_date: Option<NaiveDate>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    pub deadline: NaiveDate,
    /// written, fixed, confirmed, returned.
    pub status: String,
    /// In Russian: «открыто», «устранено», …
    pub status_name: String,
    /// Open past its deadline.
    pub overdue: bool,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<FixedOffset>>,
    pub decision_comment: Option<String>,
    pub decided_at: Option<DateTime<FixedOffset>>,
    pub history: Vec<RemarkStepView>,
    /// Whether the caller may confirm or return it.
    pub may_decide: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RemarkList {
    /// Newest first.
    pub remarks: Vec<RemarkView>,
    pub open: u32,
    pub overdue: u32,
    /// Whether the caller may write remarks at all (the console shows the form).
    pub may_write: bool,
    /// The loads the caller may write a remark on (a department head: their department's
    /// teachers'), so that the form offers no load the server would refuse.
    #[schema(value_type = Vec<String>)]
    pub writable_loads: Vec<journal_core::LoadId>,
    /// The policy's days for the deadline.
    pub default_deadline_days: u32,
}

/// A department in the administrator's list; `id` absent for a new one.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentInput {
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub id: Option<Uuid>,
    pub name: String,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub head_id: Option<Uuid>,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub teacher_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentsInput {
    pub departments: Vec<DepartmentInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DepartmentList {
    pub departments: Vec<Department>,
}

fn bad(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad_request(code, message)
}

fn not_found(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, code, message)
}

/// The user's relation to a load, for journal-core: own load, curated group, a teacher of the
/// department they head, or the institution.
pub(crate) fn scope_of(
    user: &User,
    role: Role,
    group: Option<journal_core::GroupId>,
    load: &Load,
    departments: &[Department],
) -> Scope {
    if load.teacher_id == user.id {
        Scope::OwnLoad
    } else if role == Role::Curator && group == Some(load.group_id) {
        Scope::OwnGroup
    } else if role == Role::DepartmentHead
        && departments
            .iter()
            .any(|d| d.head_id == Some(user.id) && d.teacher_ids.contains(&load.teacher_id))
    {
        Scope::Department
    } else {
        Scope::Institution
    }
}

/// Whether one of the user's roles allows `action` on the load (journal-core decides).
fn may(user: &User, action: Action, load: &Load, snap: &Snapshot) -> bool {
    user.grants.iter().any(|g| {
        let scope = scope_of(user, g.role, g.group_id, load, &snap.departments);
        permissions::check(g.role, action, scope, &snap.institution.policy).is_ok()
    })
}

/// The loads the user may write a remark on (the console's form).
fn writable_loads(user: &User, snap: &Snapshot) -> Vec<journal_core::LoadId> {
    snap.loads
        .iter()
        .filter(|l| may(user, Action::WriteRemark, l, snap))
        .map(|l| l.id)
        .collect()
}

fn caller<'a>(snap: &'a Snapshot, auth: &Authenticated) -> Result<&'a User, ApiError> {
    snap.users
        .iter()
        .find(|u| u.id == auth.session.user_id)
        .ok_or_else(ApiError::unauthorized)
}

/// The institution's local time now (remarks keep local times, as devices do).
fn local_now(state: &AppState, snap: &Snapshot) -> NaiveDateTime {
    let now = state.config.now();
    crate::authority::local_time(&snap.institution.timezone, now).unwrap_or(now)
}

fn with_offset(snap: &Snapshot, t: NaiveDateTime) -> DateTime<FixedOffset> {
    match snap
        .institution
        .timezone
        .parse::<chrono_tz::Tz>()
        .ok()
        .and_then(|tz| tz.from_local_datetime(&t).earliest())
    {
        Some(d) => d.fixed_offset(),
        // An unknown zone: the time as UTC rather than nothing.
        None => t.and_utc().fixed_offset(),
    }
}

fn status_code(s: RemarkStatus) -> String {
    match s {
        RemarkStatus::Written => "written",
        RemarkStatus::Fixed => "fixed",
        RemarkStatus::Confirmed => "confirmed",
        RemarkStatus::Returned => "returned",
    }
    .to_string()
}

fn name_of(snap: &Snapshot, id: UserId) -> String {
    snap.users
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.full_name.clone())
        .unwrap_or_default()
}

fn view(snap: &Snapshot, me: &User, r: &Remark, today: NaiveDate) -> RemarkView {
    let load = snap.loads.iter().find(|l| l.id == r.load_id);
    let group = load
        .and_then(|l| snap.groups.iter().find(|g| g.id == l.group_id))
        .map(|g| g.name.clone())
        .unwrap_or_default();
    let subject = load
        .and_then(|l| snap.subjects.iter().find(|s| s.id == l.subject_id))
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let teacher = load
        .map(|l| name_of(snap, l.teacher_id))
        .unwrap_or_default();
    let state = r.state();
    RemarkView {
        id: r.id,
        load_id: r.load_id.0,
        group,
        subject,
        teacher,
        author_id: r.author_id,
        author: name_of(snap, r.author_id),
        created_at: with_offset(snap, r.created_at),
        text: r.text.clone(),
        lesson_id: r.lesson_id.map(|l| l.0),
        lesson_date: r
            .lesson_id
            .and_then(|id| snap.lessons.iter().find(|l| l.id == id))
            .map(|l| l.date),
        date_from: r.date_from,
        date_to: r.date_to,
        deadline: r.due_date(),
        status: status_code(state),
        status_name: state.name_ru().to_string(),
        overdue: r.is_overdue(today),
        answer: r.answer.clone(),
        answered_at: r.answered_at.map(|t| with_offset(snap, t)),
        decision_comment: r.decision_comment.clone(),
        decided_at: r.decided_at.map(|t| with_offset(snap, t)),
        history: r
            .history
            .iter()
            .map(|s| RemarkStepView {
                at: with_offset(snap, s.at),
                by: s.by,
                by_name: name_of(snap, s.by),
                status: status_code(s.status),
                text: s.text.clone(),
            })
            .collect(),
        may_decide: state == RemarkStatus::Fixed && may_decide(me, r, snap),
    }
}

/// The author decides; so may anyone who may write remarks on the load (the author's colleague in
/// the administration when the author is away).
fn may_decide(me: &User, r: &Remark, snap: &Snapshot) -> bool {
    snap.loads
        .iter()
        .find(|l| l.id == r.load_id)
        .is_some_and(|l| may(me, Action::WriteRemark, l, snap))
}

/// A remark's, answer's or comment's text: trimmed, not empty, not too long, no control characters
/// but line breaks and tabs.
fn check_text(text: &str, code: &str, empty: &str) -> Result<String, ApiError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(bad(code, empty));
    }
    if t.chars().count() > MAX_TEXT {
        return Err(bad(
            "remark_text_too_long",
            format!("Текст длиннее {MAX_TEXT} знаков"),
        ));
    }
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(bad(
            "remark_text_control_characters",
            "В тексте есть служебные символы",
        ));
    }
    Ok(t.to_string())
}

#[utoipa::path(get, path = "/api/v1/remarks", tag = "remarks", security(("bearer" = [])),
    params(RemarkQuery, ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Замечания, которые видит пользователь", body = RemarkList),
        (status = 400, description = "Неизвестный статус", body = ErrorBody),
        (status = 401, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<RemarkQuery>,
) -> Result<Json<RemarkList>, ApiError> {
    let (mut snap, _) = state.storage.snapshot(auth.session.institution_id).await?;
    // The caller's roles are those in force today.
    let today_grants = local_now(&state, &snap).date();
    snap.keep_grants_in_force_on(today_grants);
    let me = caller(&snap, &auth)?;
    let today = local_now(&state, &snap).date();
    let status = q.status.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(s) = status {
        if ![
            "written",
            "fixed",
            "confirmed",
            "returned",
            "open",
            "overdue",
        ]
        .contains(&s)
        {
            return Err(bad(
                "invalid_status",
                format!("«{s}» — не статус замечания (written, fixed, confirmed, returned, open, overdue)"),
            ));
        }
    }
    let mut remarks: Vec<RemarkView> = snap
        .remarks
        .iter()
        .filter(|r| {
            let Some(load) = snap.loads.iter().find(|l| l.id == r.load_id) else {
                return false;
            };
            may(me, Action::ReadRemarks, load, &snap)
                && q.load.is_none_or(|id| load.id.0 == id)
                && q.group.is_none_or(|id| load.group_id.0 == id)
                && q.teacher.is_none_or(|id| load.teacher_id.0 == id)
                && match status {
                    None => true,
                    Some("open") => r.is_open(),
                    Some("overdue") => r.is_overdue(today),
                    Some(s) => status_code(r.state()) == s,
                }
        })
        .map(|r| view(&snap, me, r, today))
        .collect();
    remarks.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    let writable = writable_loads(me, &snap);
    Ok(Json(RemarkList {
        open: remarks
            .iter()
            .filter(|r| r.status == "written" || r.status == "returned")
            .count() as u32,
        overdue: remarks.iter().filter(|r| r.overdue).count() as u32,
        may_write: !writable.is_empty(),
        writable_loads: writable,
        default_deadline_days: snap.institution.policy.remark_deadline_days,
        remarks,
    }))
}

#[utoipa::path(post, path = "/api/v1/remarks", tag = "remarks", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    request_body = NewRemark,
    responses(
        (status = 201, description = "Замечание записано; преподаватель получит его при синхронизации", body = RemarkView),
        (status = 400, description = "Пустой текст, урок не этой нагрузки, даты или срок неверны", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "Нагрузка не найдена", body = ErrorBody)))]
async fn write(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(body): ApiJson<NewRemark>,
) -> Result<(StatusCode, Json<RemarkView>), ApiError> {
    let inst = auth.session.institution_id;
    let (mut snap, _) = state.storage.snapshot(inst).await?;
    // The caller's roles are those in force today.
    let today_grants = local_now(&state, &snap).date();
    snap.keep_grants_in_force_on(today_grants);
    let me = caller(&snap, &auth)?;
    let load = snap
        .loads
        .iter()
        .find(|l| l.id.0 == body.load_id)
        .ok_or_else(|| not_found("unknown_load", "Нагрузка не найдена"))?;
    if !may(me, Action::WriteRemark, load, &snap) {
        return Err(ApiError::forbidden(
            "Замечания по ведению журнала пишут заместитель директора, директор, рабочая группа по \
             контролю и заведующий отделением — преподавателям своего отделения",
        ));
    }
    let text = check_text(&body.text, "remark_text_empty", "Напишите текст замечания")?;
    let lesson_id = match body.lesson_id {
        None => None,
        Some(id) => Some(
            snap.lessons
                .iter()
                .find(|l| l.id.0 == id && l.load_id == load.id)
                .map(|l| l.id)
                .ok_or_else(|| {
                    bad(
                        "remark_lesson_not_of_load",
                        "Урок не относится к этой нагрузке",
                    )
                })?,
        ),
    };
    if let (Some(from), Some(to)) = (body.date_from, body.date_to) {
        if from > to {
            return Err(bad("remark_dates_reversed", "Дата «с» позже даты «по»"));
        }
    }
    let now_local = local_now(&state, &snap);
    let today = now_local.date();
    let deadline = match body.deadline {
        Some(d) if d < today => {
            return Err(bad(
                "remark_deadline_past",
                "Срок устранения не может быть раньше сегодняшнего дня",
            ))
        }
        Some(d) => d,
        None => today + Duration::days(i64::from(snap.institution.policy.remark_deadline_days)),
    };
    let mut remark = Remark::new(Uuid::now_v7(), load.id, me.id, now_local, text);
    remark.lesson_id = lesson_id;
    remark.date_from = body.date_from;
    remark.date_to = body.date_to;
    remark.deadline = Some(deadline);
    let action = AdminAction {
        institution_id: inst,
        kind: "remark_written".into(),
        author_id: Some(me.id),
        device_id: Some(auth.session.device_id),
        subject: format!("Замечание {}", remark.id),
        detail: serde_json::json!({
            "remark_id": remark.id, "load_id": load.id, "text": remark.text,
            "deadline": deadline,
        }),
    };
    state
        .storage
        .record_remark(remark.clone(), action, now_local, state.config.now())
        .await?;
    snap.remarks.push(remark.clone());
    let me = caller(&snap, &auth)?;
    Ok((StatusCode::CREATED, Json(view(&snap, me, &remark, today))))
}

#[utoipa::path(post, path = "/api/v1/remarks/{id}/decision", tag = "remarks", security(("bearer" = [])),
    params(("id" = String, Path, format = "uuid", description = "Замечание"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    request_body = RemarkDecision,
    responses(
        (status = 200, description = "Устранение подтверждено или замечание возвращено", body = RemarkView),
        (status = 400, description = "Неверный идентификатор; возврат без комментария", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "Замечание не найдено", body = ErrorBody),
        (status = 409, description = "Замечание не отмечено устранённым", body = ErrorBody)))]
async fn decide(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RemarkDecision>,
) -> Result<Json<RemarkView>, ApiError> {
    let id = Uuid::parse_str(id.trim())
        .map_err(|_| bad("invalid_id", format!("«{id}» — не идентификатор замечания")))?;
    let inst = auth.session.institution_id;
    let (mut snap, _) = state.storage.snapshot(inst).await?;
    // The caller's roles are those in force today.
    let today_grants = local_now(&state, &snap).date();
    snap.keep_grants_in_force_on(today_grants);
    let me = caller(&snap, &auth)?.clone();
    let Some(pos) = snap.remarks.iter().position(|r| r.id == id) else {
        return Err(not_found("unknown_remark", "Замечание не найдено"));
    };
    let mut remark = snap.remarks[pos].clone();
    if !may_decide(&me, &remark, &snap) {
        return Err(ApiError::forbidden(
            "Подтверждает устранение или возвращает замечание его автор (администрация, рабочая \
             группа по контролю)",
        ));
    }
    let comment = body.comment.trim();
    if !comment.is_empty() {
        check_text(comment, "remark_text_empty", "")?;
    }
    let now_local = local_now(&state, &snap);
    remark
        .decide(me.id, body.confirm, comment, now_local)
        .map_err(|e| match e {
            journal_protocol::RemarkError::ReturnReasonEmpty => bad(e.code(), e.to_string()),
            _ => ApiError::new(StatusCode::CONFLICT, e.code(), e.to_string()),
        })?;
    let action = AdminAction {
        institution_id: inst,
        kind: "remark_decided".into(),
        author_id: Some(me.id),
        device_id: Some(auth.session.device_id),
        subject: format!("Замечание {}", remark.id),
        detail: serde_json::json!({
            "remark_id": remark.id, "confirm": body.confirm, "comment": comment,
        }),
    };
    state
        .storage
        .record_remark(remark.clone(), action, now_local, state.config.now())
        .await?;
    snap.remarks[pos] = remark.clone();
    Ok(Json(view(&snap, &me, &remark, now_local.date())))
}

#[utoipa::path(get, path = "/api/v1/admin/departments", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Отделения (ПЦК, МО): заведующий и преподаватели", body = DepartmentList),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn departments(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<DepartmentList>, ApiError> {
    crate::admin_access::permitted(
        &state,
        &auth,
        &[Action::ManageYear, Action::ReadJournal],
        "Отделения видит администрация",
    )
    .await?;
    let (snap, _) = state.storage.snapshot(auth.session.institution_id).await?;
    Ok(Json(DepartmentList {
        departments: snap.departments,
    }))
}

#[utoipa::path(put, path = "/api/v1/admin/departments", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    request_body = DepartmentsInput,
    responses(
        (status = 200, description = "Список отделений заменён", body = DepartmentList),
        (status = 400, description = "Пустое или повторённое название, неизвестный сотрудник", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn put_departments(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(body): ApiJson<DepartmentsInput>,
) -> Result<Json<DepartmentList>, ApiError> {
    change_institution(&state, &auth, "departments", |snap| {
        let mut out: Vec<Department> = Vec::new();
        for (i, d) in body.departments.iter().enumerate() {
            let field = |f: &str| format!("departments[{i}].{f}");
            let name = d.name.trim();
            if name.is_empty() || name.chars().any(char::is_control) {
                return Err(bad(
                    "department_name_invalid",
                    format!("{}: напишите название отделения", field("name")),
                ));
            }
            if out
                .iter()
                .any(|o| o.name.to_lowercase() == name.to_lowercase())
            {
                return Err(bad(
                    "department_name_taken",
                    format!("Отделение «{name}» уже есть в списке"),
                ));
            }
            let known = |id: Uuid| snap.users.iter().any(|u| u.id.0 == id);
            if let Some(h) = d.head_id {
                if !known(h) {
                    return Err(bad(
                        "unknown_user",
                        format!("{}: сотрудник не найден", field("head_id")),
                    ));
                }
            }
            let mut teacher_ids: Vec<UserId> = Vec::new();
            for t in &d.teacher_ids {
                if !known(*t) {
                    return Err(bad(
                        "unknown_user",
                        format!("{}: сотрудник не найден", field("teacher_ids")),
                    ));
                }
                if !teacher_ids.contains(&UserId(*t)) {
                    teacher_ids.push(UserId(*t));
                }
            }
            out.push(Department {
                id: d.id.unwrap_or_else(Uuid::now_v7),
                name: name.to_string(),
                head_id: d.head_id.map(UserId),
                teacher_ids,
            });
        }
        snap.departments = out.clone();
        let detail = serde_json::json!({ "departments": out.len() });
        Ok((
            DepartmentList { departments: out },
            "Отделения".to_string(),
            detail,
        ))
    })
    .await
    .map(Json)
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, write, decide, departments, put_departments),
    components(schemas(
        NewRemark,
        RemarkDecision,
        RemarkStepView,
        RemarkView,
        RemarkList,
        DepartmentInput,
        DepartmentsInput,
        DepartmentList,
        Department
    ))
)]
pub struct RemarkApiDoc;
