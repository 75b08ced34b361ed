//! The family diary (электронный дневник) for students and parents, and the curator's list of
//! parents who have not opened it.
//!
//! * `GET /api/v1/diary/children` — whose diary the caller opens (a parent: their children; a
//!   student: themself);
//! * `GET /api/v1/diary/week?student=&date=` — the Monday–Sunday week holding `date` and the
//!   period's results, computed by journal-protocol's `Snapshot::diary_week` from the caller's own
//!   part of the institution (`Snapshot::for_user`, the privacy scope): the route only loads data;
//! * `GET/POST /api/v1/diary/consent` — consent to personal-data processing (152-ФЗ), by the
//!   text's version; until it is given the data routes answer 403 `consent_required`;
//! * `POST /api/v1/diary/acknowledgements` — a parent's «Ознакомлен» with a period's finals;
//! * `GET/PUT /api/v1/diary/notices` — a parent's e-mail notices of new marks and absences
//!   (`mark_notices`): on unless turned off, kept server-side;
//! * `GET /api/v1/curator/unseen-parents?group=&days=&format=` — parents of a group who have not
//!   opened the diary for `days` days, as JSON or PDF.
//!
//! Every week view is logged (one insert). Who may do what is journal-core's permission function:
//! `ReadJournal` on the own record (student) or the child's (parent), `ReadDiaryViews` for the list.

use std::collections::{BTreeMap, HashSet};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use journal_core::{permissions, Action, GroupId, PeriodId, Role, Scope, StudentId, UserId};
use journal_protocol::{
    DiaryAcknowledgement, DiaryChild, DiaryDay, DiaryFinal, DiaryLesson, DiaryMark, DiaryResults,
    DiarySubject, DiaryWeek, Snapshot, User,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::authority::local_time;
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, ApiQuery, Authenticated};
use crate::storage::diary::Acknowledgement;
use crate::AppState;

/// The version of the consent text below; a new text gets a new version and is asked again.
pub const CONSENT_VERSION: &str = "2026-12-1";

/// The consent to personal-data processing shown before the first use of the diary.
pub const CONSENT_TEXT: &str = "Я даю согласие образовательной организации на обработку персональных данных — \
моих и (для родителя, законного представителя) моего ребёнка: фамилии, имени, отчества, группы, \
расписания, отметок, посещаемости, итоговых оценок, тем уроков и домашних заданий — в целях ведения \
электронного дневника в соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных \
данных». Согласие действует до окончания обучения и может быть отозвано письменным заявлением в \
образовательную организацию. Сведения о просмотрах дневника и об ознакомлении с итоговыми оценками \
сохраняются.";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/diary/children", get(children))
        .route("/api/v1/diary/week", get(week))
        .route("/api/v1/diary/consent", get(consent).post(give_consent))
        .route("/api/v1/diary/acknowledgements", post(acknowledge))
        .route("/api/v1/diary/notices", get(notices).put(set_notices))
        .route("/api/v1/curator/unseen-parents", get(unseen_parents))
}

/// `GET /api/v1/diary/consent`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConsentState {
    /// The diary refuses data until the caller consents to this version.
    pub required: bool,
    pub version: String,
    pub text: String,
    /// When the caller consented to this version.
    pub given_at: Option<DateTime<Utc>>,
}

/// `POST /api/v1/diary/consent`: the version of the text the user read and accepted.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    pub version: String,
}

/// `POST /api/v1/diary/acknowledgements`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgementRequest {
    #[schema(value_type = String, format = "uuid")]
    pub student_id: StudentId,
    #[schema(value_type = String, format = "uuid")]
    pub period_id: PeriodId,
}

/// A recorded «Ознакомлен».
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AcknowledgementRecord {
    #[schema(value_type = String, format = "uuid")]
    pub student_id: StudentId,
    #[schema(value_type = String, format = "uuid")]
    pub period_id: PeriodId,
    #[schema(value_type = String, format = "uuid")]
    pub parent_id: UserId,
    /// The first acknowledgement's time (a repeated one changes nothing).
    pub acknowledged_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeekQuery {
    /// Обучающийся.
    #[param(value_type = String, format = "uuid")]
    pub student: StudentId,
    /// Любой день недели (ГГГГ-ММ-ДД); по умолчанию — сегодня.
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnseenQuery {
    /// Группа.
    #[param(value_type = String, format = "uuid")]
    pub group: GroupId,
    /// Сколько дней без просмотра (1–365, по умолчанию 7).
    pub days: Option<u32>,
    /// `json` (по умолчанию) или `pdf`.
    pub format: Option<String>,
}

/// A parent of the group who has not opened the diary lately.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnseenParent {
    #[schema(value_type = String, format = "uuid")]
    pub user_id: UserId,
    pub full_name: String,
    pub login: String,
    /// The children in the group, by name.
    pub children: Vec<String>,
    /// The last view of any diary; none if never.
    pub last_view: Option<DateTime<Utc>>,
}

/// `GET /api/v1/curator/unseen-parents`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnseenParents {
    #[schema(value_type = String, format = "uuid")]
    pub group_id: GroupId,
    pub group: String,
    pub days: u32,
    /// Views before this time do not count.
    pub since: DateTime<Utc>,
    /// Parents (with an account) of the group's current students.
    pub parents_total: usize,
    pub unseen: Vec<UnseenParent>,
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

fn forbidden(code: &str, message: &str) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, code, message)
}

/// The caller's user row with their grants.
async fn caller(state: &AppState, auth: &Authenticated) -> Result<User, ApiError> {
    crate::http::signed_in_user(state, auth).await
}

/// Whether the user has a diary at all: a student's or a parent's grant.
fn family_only(user: &User) -> Result<(), ApiError> {
    if user
        .grants
        .iter()
        .any(|g| matches!(g.role, Role::Student | Role::Parent))
    {
        Ok(())
    } else {
        Err(forbidden(
            "diary_family_only",
            "Электронный дневник открывают обучающиеся и их родители (законные представители)",
        ))
    }
}

/// The scope a family grant has over `student`: the own record, the child's, or nothing of theirs.
fn family_scope(role: Role, grant_student: Option<StudentId>, student: StudentId) -> Scope {
    match role {
        Role::Student if grant_student == Some(student) => Scope::OwnRecord,
        Role::Parent if grant_student == Some(student) => Scope::ChildRecord,
        _ => Scope::Institution,
    }
}

/// Whether any of the user's student/parent grants lets them read `student`'s diary
/// (journal-core: `ReadJournal` on the own record or the child's); `roles` narrows the grants.
fn may_read(user: &User, student: StudentId, snap: &Snapshot, roles: &[Role]) -> bool {
    user.grants
        .iter()
        .filter(|g| roles.contains(&g.role))
        .any(|g| {
            permissions::check(
                g.role,
                Action::ReadJournal,
                family_scope(g.role, g.student_id, student),
                &snap.institution.policy,
            )
            .is_ok()
        })
}

pub(crate) async fn require_consent(state: &AppState, user: UserId) -> Result<(), ApiError> {
    if state
        .storage
        .diary_consent(user, CONSENT_VERSION)
        .await?
        .is_some()
    {
        Ok(())
    } else {
        Err(forbidden(
            "consent_required",
            "Перед первым использованием дневника нужно дать согласие на обработку персональных данных",
        ))
    }
}

fn not_yours() -> ApiError {
    forbidden(
        "diary_student_forbidden",
        "Дневник этого обучающегося вам недоступен",
    )
}

#[utoipa::path(get, path = "/api/v1/diary/consent", tag = "diary", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Текст согласия и нужно ли его дать", body = ConsentState),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Дневник — для обучающихся и родителей (diary_family_only)", body = ErrorBody)))]
async fn consent(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<ConsentState>, ApiError> {
    family_only(&caller(&state, &auth).await?)?;
    let given = state
        .storage
        .diary_consent(auth.session.user_id, CONSENT_VERSION)
        .await?;
    Ok(Json(ConsentState {
        required: given.is_none(),
        version: CONSENT_VERSION.into(),
        text: CONSENT_TEXT.into(),
        given_at: given.map(utc),
    }))
}

#[utoipa::path(post, path = "/api/v1/diary/consent", tag = "diary", security(("bearer" = [])),
    request_body = ConsentRequest,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Согласие записано (кто, когда, версия текста)", body = ConsentState),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Дневник — для обучающихся и родителей (diary_family_only)", body = ErrorBody),
        (status = 409, description = "Текст согласия изменился: прочитайте новый (consent_version_outdated)", body = ErrorBody)))]
async fn give_consent(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<ConsentRequest>,
) -> Result<Json<ConsentState>, ApiError> {
    family_only(&caller(&state, &auth).await?)?;
    if req.version.trim() != CONSENT_VERSION {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "consent_version_outdated",
            "Текст согласия изменился: прочитайте новый текст и подтвердите согласие ещё раз",
        ));
    }
    let at = state
        .storage
        .record_diary_consent(
            auth.session.institution_id,
            auth.session.user_id,
            CONSENT_VERSION,
            state.config.now(),
        )
        .await?;
    Ok(Json(ConsentState {
        required: false,
        version: CONSENT_VERSION.into(),
        text: CONSENT_TEXT.into(),
        given_at: Some(utc(at)),
    }))
}

#[utoipa::path(get, path = "/api/v1/diary/children", tag = "diary", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Обучающиеся, чей дневник открывает пользователь", body = Vec<DiaryChild>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Не обучающийся и не родитель (diary_family_only) или нет согласия (consent_required)", body = ErrorBody)))]
async fn children(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<Vec<DiaryChild>>, ApiError> {
    family_only(&caller(&state, &auth).await?)?;
    require_consent(&state, auth.session.user_id).await?;
    let cached = state
        .snapshots
        .read(
            state.storage.as_ref(),
            auth.session.institution_id,
            state.config.now(),
        )
        .await?;
    let view = cached.for_user(auth.session.user_id);
    Ok(Json(view.diary_children(auth.session.user_id)))
}

#[utoipa::path(get, path = "/api/v1/diary/week", tag = "diary", security(("bearer" = [])),
    params(WeekQuery, ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Неделя дневника (пн–вс) и успеваемость за период", body = DiaryWeek),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Не свой обучающийся (diary_student_forbidden), не обучающийся и не родитель (diary_family_only) или нет согласия (consent_required)", body = ErrorBody)))]
async fn week(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<WeekQuery>,
) -> Result<Json<DiaryWeek>, ApiError> {
    let user = caller(&state, &auth).await?;
    family_only(&user)?;
    require_consent(&state, user.id).await?;
    let institution = auth.session.institution_id;
    let cached = state
        .snapshots
        .read(state.storage.as_ref(), institution, state.config.now())
        .await?;
    let full = &cached.snapshot;
    if !may_read(&user, q.student, full, &[Role::Student, Role::Parent]) {
        return Err(not_yours());
    }
    let now = state.config.now();
    let today = local_time(&full.institution.timezone, now)
        .unwrap_or(now)
        .date();
    let view = cached.for_user(user.id);
    let acknowledgements: Vec<DiaryAcknowledgement> = state
        .storage
        .diary_acknowledgements(institution, q.student)
        .await?
        .into_iter()
        .map(|a| DiaryAcknowledgement {
            period_id: a.period_id,
            parent_id: a.user_id,
            // Only names the caller's own part holds: another parent is not named.
            parent_name: view
                .users
                .iter()
                .find(|u| u.id == a.user_id)
                .map(|u| u.full_name.clone())
                .unwrap_or_else(|| "другой родитель (законный представитель)".into()),
            at: a.at,
        })
        .collect();
    let mut week = view
        .diary_week(q.student, q.date.unwrap_or(today), today, &acknowledgements)
        .ok_or_else(not_yours)?;
    if let (Some(first), Some(last)) = (week.days.first(), week.days.last()) {
        let events =
            crate::event_routes::student_events(&state, full, q.student, first.date, last.date)
                .await?;
        for day in &mut week.days {
            day.events = events
                .iter()
                .filter(|e| e.on_date == day.date)
                .map(|e| crate::event_routes::diary_event(e, full))
                .collect();
        }
    }
    state
        .storage
        .log_diary_view(institution, user.id, q.student, now)
        .await?;
    Ok(Json(week))
}

#[utoipa::path(post, path = "/api/v1/diary/acknowledgements", tag = "diary", security(("bearer" = [])),
    request_body = AcknowledgementRequest,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "«Ознакомлен» записано (кто, когда); повторное ничего не меняет", body = AcknowledgementRecord),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Ознакамливается родитель своего ребёнка (acknowledgement_parents_only, diary_student_forbidden) после согласия (consent_required)", body = ErrorBody),
        (status = 404, description = "Нет такого периода (period_not_found)", body = ErrorBody),
        (status = 409, description = "Итоговые отметки за период ещё не выставлены (no_finals)", body = ErrorBody)))]
async fn acknowledge(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<AcknowledgementRequest>,
) -> Result<Json<AcknowledgementRecord>, ApiError> {
    let user = caller(&state, &auth).await?;
    family_only(&user)?;
    if !user.grants.iter().any(|g| g.role == Role::Parent) {
        return Err(forbidden(
            "acknowledgement_parents_only",
            "С итоговыми отметками ознакамливаются родители (законные представители)",
        ));
    }
    require_consent(&state, user.id).await?;
    let institution = auth.session.institution_id;
    let cached = state
        .snapshots
        .read(state.storage.as_ref(), institution, state.config.now())
        .await?;
    let full = &cached.snapshot;
    if !may_read(&user, req.student_id, full, &[Role::Parent]) {
        return Err(not_yours());
    }
    if !full.periods.iter().any(|p| p.id == req.period_id) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "period_not_found",
            "Такого учебного периода нет",
        ));
    }
    let view = cached.for_user(user.id);
    if !view
        .finals
        .iter()
        .any(|f| f.student_id == req.student_id && f.period_id == req.period_id)
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "no_finals",
            "За этот период итоговые отметки ещё не выставлены: знакомиться пока не с чем",
        ));
    }
    let at = state
        .storage
        .record_diary_acknowledgement(
            institution,
            Acknowledgement {
                user_id: user.id,
                student_id: req.student_id,
                period_id: req.period_id,
                at: state.config.now(),
            },
        )
        .await?;
    Ok(Json(AcknowledgementRecord {
        student_id: req.student_id,
        period_id: req.period_id,
        parent_id: user.id,
        acknowledged_at: utc(at),
    }))
}

/// `GET/PUT /api/v1/diary/notices`: a parent's e-mail notices of new marks and absences.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticeSettings {
    /// Letters with new marks and absences (at most one per window, `mark_notices`).
    pub marks: bool,
    /// Whether the curator keeps an e-mail of this parent for any child (without one no letter
    /// goes, whatever `marks` says). Ignored in a PUT.
    #[serde(default)]
    pub email_kept: bool,
    /// At most one letter per this many minutes (`serve --mark-notice-minutes`). Ignored in a PUT.
    #[serde(default)]
    pub interval_minutes: u64,
}

/// The parent signed in, or 403: the notices are a parent's.
async fn notice_parent(state: &AppState, auth: &Authenticated) -> Result<User, ApiError> {
    let user = caller(state, auth).await?;
    family_only(&user)?;
    if !user.grants.iter().any(|g| g.role == Role::Parent) {
        return Err(forbidden(
            "notices_parents_only",
            "Извещения об отметках и пропусках получают родители (законные представители)",
        ));
    }
    Ok(user)
}

async fn notice_settings(
    state: &AppState,
    inst: journal_core::InstitutionId,
    user: &User,
) -> Result<NoticeSettings, ApiError> {
    let off = state
        .storage
        .user_setting(inst, user.id, crate::storage::user_settings::MARK_NOTICES)
        .await?
        .is_some_and(|v| v == "off");
    let mut email_kept = false;
    for student in user
        .grants
        .iter()
        .filter(|g| g.role == Role::Parent)
        .filter_map(|g| g.student_id)
    {
        email_kept |= state
            .storage
            .contacts_of(inst, student)
            .await?
            .iter()
            .any(|c| {
                c.of == crate::storage::contacts::ContactOf::Parent(user.id) && !c.email.is_empty()
            });
    }
    Ok(NoticeSettings {
        marks: !off,
        email_kept,
        interval_minutes: state.config.mark_notice_interval.as_secs().div_ceil(60),
    })
}

#[utoipa::path(get, path = "/api/v1/diary/notices", tag = "diary", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Извещения родителя об отметках и пропусках", body = NoticeSettings),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Только родитель (notices_parents_only)", body = ErrorBody)))]
async fn notices(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<NoticeSettings>, ApiError> {
    let user = notice_parent(&state, &auth).await?;
    Ok(Json(
        notice_settings(&state, auth.session.institution_id, &user).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/diary/notices", tag = "diary", security(("bearer" = [])),
    request_body = NoticeSettings,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Сохранено", body = NoticeSettings),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Только родитель (notices_parents_only)", body = ErrorBody)))]
async fn set_notices(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<NoticeSettings>,
) -> Result<Json<NoticeSettings>, ApiError> {
    let user = notice_parent(&state, &auth).await?;
    let inst = auth.session.institution_id;
    state
        .storage
        .set_user_setting(
            inst,
            user.id,
            crate::storage::user_settings::MARK_NOTICES,
            (!req.marks).then(|| "off".to_string()),
            user.id,
            state.config.now(),
        )
        .await?;
    Ok(Json(notice_settings(&state, inst, &user).await?))
}

#[utoipa::path(get, path = "/api/v1/curator/unseen-parents", tag = "diary", security(("bearer" = [])),
    params(UnseenQuery, ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Родители группы, не открывавшие дневник указанное число дней (JSON или, с format=pdf, PDF)", body = UnseenParents),
        (status = 400, description = "Неверное число дней (invalid_days) или формат (invalid_format)", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Видят куратор группы, заместитель, директор, администратор", body = ErrorBody),
        (status = 404, description = "Нет такой группы (group_not_found)", body = ErrorBody)))]
async fn unseen_parents(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<UnseenQuery>,
) -> Result<Response, ApiError> {
    let days = q.days.unwrap_or(7);
    if !(1..=365).contains(&days) {
        return Err(ApiError::bad_request(
            "invalid_days",
            "Число дней должно быть от 1 до 365",
        ));
    }
    let pdf = match q.format.as_deref() {
        None | Some("json") => false,
        Some("pdf") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_format",
                "Формат — json или pdf",
            ))
        }
    };
    let user = caller(&state, &auth).await?;
    let institution = auth.session.institution_id;
    let cached = state
        .snapshots
        .read(state.storage.as_ref(), institution, state.config.now())
        .await?;
    let full = &cached.snapshot;
    let Some(group) = full.groups.iter().find(|g| g.id == q.group) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "group_not_found",
            "Такой группы нет",
        ));
    };
    let mut refusal = None;
    let allowed = user.grants.iter().any(|g| {
        let scope = if g.role == Role::Curator && g.group_id == Some(group.id) {
            Scope::OwnGroup
        } else {
            Scope::Institution
        };
        match permissions::check(
            g.role,
            Action::ReadDiaryViews,
            scope,
            &full.institution.policy,
        ) {
            Ok(()) => true,
            Err(e) => {
                refusal.get_or_insert(e);
                false
            }
        }
    });
    if !allowed {
        let reason = refusal.map(|e| format!(": {e}")).unwrap_or_default();
        return Err(ApiError::forbidden(format!(
            "Список родителей группы видят её куратор, заместитель, директор и администратор{reason}"
        )));
    }
    let now = state.config.now();
    let today = local_time(&full.institution.timezone, now)
        .unwrap_or(now)
        .date();
    let since = now - chrono::Duration::days(i64::from(days));
    // The group's current students, and the parents (accounts) of each.
    let students: HashSet<StudentId> = full
        .memberships
        .iter()
        .filter(|m| m.group_id == group.id && m.from <= today && m.to.is_none_or(|t| today <= t))
        .map(|m| m.student_id)
        .collect();
    let name_of = |id: StudentId| {
        full.students
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.full_name())
            .unwrap_or_default()
    };
    let last_views = state.storage.last_diary_views(institution).await?;
    let mut parents: BTreeMap<(String, UserId), UnseenParent> = BTreeMap::new();
    for u in &full.users {
        let mut kids: Vec<String> = u
            .grants
            .iter()
            .filter(|g| g.role == Role::Parent)
            .filter_map(|g| g.student_id)
            .filter(|s| students.contains(s))
            .map(name_of)
            .collect();
        if kids.is_empty() {
            continue;
        }
        kids.sort();
        kids.dedup();
        parents.insert(
            (u.full_name.clone(), u.id),
            UnseenParent {
                user_id: u.id,
                full_name: u.full_name.clone(),
                login: u.login.clone(),
                children: kids,
                last_view: last_views.get(&u.id).copied().map(utc),
            },
        );
    }
    let parents_total = parents.len();
    let unseen: Vec<UnseenParent> = parents
        .into_values()
        .filter(|p| p.last_view.is_none_or(|t| t.naive_utc() < since))
        .collect();
    if pdf {
        let tz = &full.institution.timezone;
        let lines: Vec<journal_print::UnseenParentLine> = unseen
            .iter()
            .map(|p| journal_print::UnseenParentLine {
                full_name: p.full_name.clone(),
                children: p.children.join(", "),
                last_view: p
                    .last_view
                    .map(|t| {
                        let local = local_time(tz, t.naive_utc()).unwrap_or(t.naive_utc());
                        local.format("%d.%m.%Y %H:%M").to_string()
                    })
                    .unwrap_or_else(|| "ни разу".into()),
            })
            .collect();
        let local_now = local_time(tz, now).unwrap_or(now);
        return crate::print_routes::pdf_download(
            journal_print::unseen_parents(
                &full.institution.name,
                &group.name,
                days,
                &lines,
                &journal_print::PrintContext {
                    generated_at: local_now,
                    document_id: Uuid::new_v4(),
                },
            ),
            "unseen-parents.pdf",
        );
    }
    Ok(Json(UnseenParents {
        group_id: group.id,
        group: group.name.clone(),
        days,
        since: utc(since),
        parents_total,
        unseen,
    })
    .into_response())
}

/// The diary's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        consent,
        give_consent,
        children,
        week,
        acknowledge,
        notices,
        set_notices,
        unseen_parents
    ),
    components(schemas(
        ConsentState,
        ConsentRequest,
        NoticeSettings,
        AcknowledgementRequest,
        AcknowledgementRecord,
        UnseenParent,
        UnseenParents,
        DiaryChild,
        DiaryWeek,
        DiaryDay,
        DiaryLesson,
        DiaryMark,
        DiaryResults,
        DiarySubject,
        DiaryFinal,
        DiaryAcknowledgement
    ))
)]
pub struct DiaryApiDoc;
