//! «График контрольных работ» over HTTP: the schedule of control works — ВТК (внутритехникумовский
//! контроль) and the administration's planned control works — with their form of control and
//! criteria (001 «Администратор» п. 5, «Заместитель директора» пп. 6, 11, 13; 001 «Преподаватель»
//! п. 24: marks within `control_work_days`).
//!
//! `GET /api/v1/control-works` — the works the caller may see (journal-protocol's `for_user`: the
//! administration every load, a teacher their own, a curator their group, a family their group's),
//! each with what became of it (journal-reports' `control_works::schedule`: planned, not held, marks
//! due, marks overdue, done); `POST` adds one, `PUT …/{id}` changes it, `DELETE …/{id}` removes it —
//! journal-core's `ScheduleControlWorks` (the deputy, the director, the administrator). The schedule is
//! reference data: a change raises the reference_version, so the teachers' devices get it (and its
//! criteria) with their next sync, and it is audited.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use journal_core::{permissions, Action, ControlWorkId, GroupId, LoadId, MarkCriteria, Scope};
use journal_protocol::{ControlForm, ControlWork, Snapshot, User};
use journal_reports::control_works::{schedule, WorkState};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::authority::local_time;
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, ApiPath, ApiQuery, Authenticated};
use crate::reference_routes::{edit_institution, Edit};
use crate::AppState;

/// Longest title kept (a line of the schedule).
const MAX_TITLE: usize = 200;

const REFUSAL: &str =
    "График контрольных работ составляют заместитель директора, директор и администратор";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/control-works", get(list).post(add))
        .route("/api/v1/control-works/{id}", put(change).delete(remove))
}

/// Criteria: the least points for «5», «4» and «3» out of `max_points`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriteriaBody {
    pub max_points: u16,
    pub five: u16,
    pub four: u16,
    pub three: u16,
}

impl From<CriteriaBody> for MarkCriteria {
    fn from(c: CriteriaBody) -> Self {
        MarkCriteria {
            max_points: c.max_points,
            five: c.five,
            four: c.four,
            three: c.three,
        }
    }
}

impl From<MarkCriteria> for CriteriaBody {
    fn from(c: MarkCriteria) -> Self {
        CriteriaBody {
            max_points: c.max_points,
            five: c.five,
            four: c.four,
            three: c.three,
        }
    }
}

/// A work as the administration schedules it (`POST`, `PUT`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlWorkBody {
    #[schema(value_type = String, format = "uuid")]
    pub load_id: LoadId,
    pub date: NaiveDate,
    pub form: ControlForm,
    pub title: String,
    /// Part of the ВТК.
    #[serde(default)]
    pub vtk: bool,
    #[serde(default)]
    pub criteria: Option<CriteriaBody>,
}

/// A work of the schedule as the lists show it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ControlWorkView {
    #[schema(value_type = String, format = "uuid")]
    pub id: Uuid,
    #[schema(value_type = String, format = "uuid")]
    pub load_id: Uuid,
    #[schema(value_type = String, format = "uuid")]
    pub group_id: Uuid,
    pub group: String,
    pub subject: String,
    pub teacher: String,
    pub date: NaiveDate,
    pub form: ControlForm,
    /// «Контрольная работа», «Контрольный срез знаний», …
    pub form_name: String,
    pub title: String,
    pub vtk: bool,
    pub criteria: Option<CriteriaBody>,
    /// «„5“ — от 18, „4“ — от 14, „3“ — от 10 баллов из 20»; empty without criteria.
    pub criteria_text: String,
    /// planned, not_held, marks_due, marks_overdue, done; absent for a student's or a parent's
    /// list, which does not count the group's marks.
    pub state: Option<String>,
    pub state_name: Option<String>,
    /// Students on the load's list, and how many have a mark or an absence (once held).
    pub students: Option<u32>,
    pub marked: Option<u32>,
    pub average: Option<f64>,
}

/// A load to schedule a work for (the form's choice).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoadChoice {
    #[schema(value_type = String, format = "uuid")]
    pub load_id: Uuid,
    /// «ИС-21 — Математика (Иванова И. И.)».
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ControlWorkList {
    pub works: Vec<ControlWorkView>,
    /// Whether the caller schedules works (then `loads` lists the loads to choose from).
    pub can_schedule: bool,
    pub loads: Vec<LoadChoice>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ControlWorkQuery {
    /// Группа.
    #[param(value_type = Option<String>, format = "uuid")]
    pub group_id: Option<GroupId>,
    /// С (ГГГГ-ММ-ДД); по умолчанию — начало учебного года.
    pub from: Option<NaiveDate>,
    /// По (включительно); по умолчанию — конец учебного года.
    pub to: Option<NaiveDate>,
}

fn bad(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad_request(code, message)
}

fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "control_work_not_found",
        "Такой контрольной работы в графике нет",
    )
}

fn may_schedule(user: &User, snap: &Snapshot) -> bool {
    user.grants.iter().any(|g| {
        permissions::check(
            g.role,
            Action::ScheduleControlWorks,
            Scope::Institution,
            &snap.institution.policy,
        )
        .is_ok()
    })
}

fn is_family(user: &User) -> bool {
    !user.grants.is_empty()
        && user.grants.iter().all(|g| {
            matches!(
                g.role,
                journal_core::Role::Student | journal_core::Role::Parent
            )
        })
}

fn name_of<'a, I: PartialEq>(mut all: impl Iterator<Item = (I, &'a String)>, id: I) -> String {
    all.find(|(i, _)| *i == id)
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}

/// «ИС-21», «Математика», «Иванова Ирина Ивановна» of a load.
fn load_names(snap: &Snapshot, load: LoadId) -> Option<(GroupId, String, String, String)> {
    let l = snap.loads.iter().find(|l| l.id == load)?;
    let mut subject = name_of(snap.subjects.iter().map(|s| (s.id, &s.name)), l.subject_id);
    if let Some(sg) = l
        .subgroup_id
        .and_then(|s| snap.subgroups.iter().find(|x| x.id == s))
    {
        subject = format!("{subject} ({})", sg.name);
    }
    Some((
        l.group_id,
        name_of(snap.groups.iter().map(|g| (g.id, &g.name)), l.group_id),
        subject,
        name_of(
            snap.users.iter().map(|u| (u.id, &u.full_name)),
            l.teacher_id,
        ),
    ))
}

/// [`load_names`], blank for a load no longer in the institution.
fn names_or_blank(snap: &Snapshot, load: LoadId) -> (GroupId, String, String, String) {
    load_names(snap, load).unwrap_or((
        GroupId(Uuid::nil()),
        String::new(),
        String::new(),
        String::new(),
    ))
}

fn view_of(
    snap: &Snapshot,
    w: &ControlWork,
    outcome: Option<(
        WorkState,
        Option<&journal_reports::control_works::WorkResult>,
    )>,
) -> ControlWorkView {
    let (group_id, group, subject, teacher) = names_or_blank(snap, w.load_id);
    let result = outcome.and_then(|(_, r)| r);
    ControlWorkView {
        id: w.id.0,
        load_id: w.load_id.0,
        group_id: group_id.0,
        group,
        subject,
        teacher,
        date: w.date,
        form: w.form,
        form_name: w.form.name_ru().into(),
        title: w.title.clone(),
        vtk: w.vtk,
        criteria: w.criteria.map(CriteriaBody::from),
        criteria_text: w.criteria.map(|c| c.describe_ru()).unwrap_or_default(),
        state: outcome.map(|(s, _)| s.code().to_string()),
        state_name: outcome.map(|(s, _)| s.name_ru()),
        students: outcome.map(|_| result.map_or(0, |r| r.students)),
        marked: result.map(|r| r.students - r.unmarked),
        average: result.and_then(|r| r.average()),
    }
}

/// The view of one work in the whole institution (after a change by the administration).
fn view_in(
    snap: &Snapshot,
    id: ControlWorkId,
    now: chrono::NaiveDateTime,
) -> Result<ControlWorkView, ApiError> {
    schedule(snap, now)
        .into_iter()
        .find(|(w, _, _)| w.id == id)
        .map(|(w, state, result)| view_of(snap, w, Some((state, result.as_ref()))))
        .ok_or_else(not_found)
}

/// Checks a work against the institution; the work as kept.
fn checked(
    snap: &Snapshot,
    id: ControlWorkId,
    body: &ControlWorkBody,
) -> Result<ControlWork, ApiError> {
    let Some(load) = snap.loads.iter().find(|l| l.id == body.load_id) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "load_not_found",
            "Такой нагрузки (группа, предмет, преподаватель) в учреждении нет",
        ));
    };
    if !snap.year.contains(body.date) {
        return Err(bad(
            "control_work_outside_year",
            format!(
                "Дата работы — в пределах учебного года {}; ничего не изменено",
                snap.year.span_ru()
            ),
        ));
    }
    if body.date < load.from || load.to.is_some_and(|to| body.date > to) {
        return Err(bad(
            "control_work_outside_load",
            "В этот день нагрузка не ведётся (преподаватель ещё не ведёт или уже не ведёт её); ничего не изменено",
        ));
    }
    // A work is written at a lesson: where the timetable of the load is known, the day has one.
    let lessons_of_load = || snap.lessons.iter().filter(|l| l.load_id == body.load_id);
    if lessons_of_load().next().is_some()
        && !lessons_of_load()
            .any(|l| l.date == body.date && l.status == journal_protocol::LessonStatus::Scheduled)
    {
        return Err(bad(
            "control_work_no_lesson",
            format!(
                "{}: по расписанию у группы нет урока этой дисциплины; выберите день урока, ничего не изменено",
                body.date.format("%d.%m.%Y")
            ),
        ));
    }
    let title = body.title.trim().to_string();
    if title.is_empty() || title.chars().count() > MAX_TITLE {
        return Err(bad(
            "control_work_title",
            format!("Название работы — от 1 до {MAX_TITLE} символов, например «Входной контроль»; ничего не изменено"),
        ));
    }
    journal_core::check_name_chars(&title)
        .map_err(|e| bad(e.code(), format!("Название работы: {e}")))?;
    let criteria = body.criteria.map(MarkCriteria::from);
    if let Some(c) = criteria {
        c.check()
            .map_err(|e| bad(e.code(), format!("{e}; ничего не изменено")))?;
    }
    Ok(ControlWork {
        id,
        load_id: body.load_id,
        date: body.date,
        form: body.form,
        title,
        vtk: body.vtk,
        criteria,
    })
}

fn subject_of(snap: &Snapshot, w: &ControlWork) -> String {
    let (_, group, subject, _) = names_or_blank(snap, w.load_id);
    format!(
        "{group} — {subject}, {} {}",
        w.date.format("%d.%m.%Y"),
        w.title
    )
}

#[utoipa::path(get, path = "/api/v1/control-works", tag = "journal", security(("bearer" = [])),
    params(ControlWorkQuery, ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Контрольные работы графика, которые видит пользователь, с тем, что с ними стало", body = ControlWorkList),
        (status = 400, description = "Неверный интервал (invalid_range)", body = ErrorBody),
        (status = 401, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<ControlWorkQuery>,
) -> Result<Json<ControlWorkList>, ApiError> {
    let user = crate::http::signed_in_user(&state, &auth).await?;
    let now = state.config.now();
    let cached = state
        .snapshots
        .read(state.storage.as_ref(), auth.session.institution_id, now)
        .await?;
    let mine = cached.for_user(user.id);
    let local = local_time(&mine.institution.timezone, now).unwrap_or(now);
    let from = q.from.unwrap_or(mine.year.starts_on);
    let to = q.to.unwrap_or(mine.year.ends_on);
    if to < from {
        return Err(bad("invalid_range", "Дата «по» не раньше даты «с»"));
    }
    let family = is_family(&user);
    let mut works: Vec<ControlWorkView> = schedule(&mine, local)
        .into_iter()
        .filter(|(w, _, _)| w.date >= from && w.date <= to)
        .filter(|(w, _, _)| {
            q.group_id.is_none_or(|g| {
                mine.loads
                    .iter()
                    .any(|l| l.id == w.load_id && l.group_id == g)
            })
        })
        // A family's copy holds their own child's marks only: the group's count would be wrong.
        .map(|(w, s, r)| view_of(&mine, w, (!family).then_some((s, r.as_ref()))))
        .collect();
    works.sort_by(|a, b| (a.date, &a.group, &a.subject).cmp(&(b.date, &b.group, &b.subject)));
    let can_schedule = may_schedule(&user, &cached.snapshot);
    let mut loads: Vec<LoadChoice> = if can_schedule {
        cached
            .snapshot
            .loads
            .iter()
            .filter_map(|l| {
                let (_, group, subject, teacher) = load_names(&cached.snapshot, l.id)?;
                Some(LoadChoice {
                    load_id: l.id.0,
                    label: format!("{group} — {subject} ({teacher})"),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    loads.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(Json(ControlWorkList {
        works,
        can_schedule,
        loads,
    }))
}

#[utoipa::path(post, path = "/api/v1/control-works", tag = "journal", security(("bearer" = [])),
    request_body = ControlWorkBody,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 201, description = "Работа внесена в график; устройства преподавателей получат её при синхронизации", body = ControlWorkView),
        (status = 400, description = "Дата вне учебного года (control_work_outside_year) или нагрузки (control_work_outside_load), название (control_work_title, forbidden_character), неверные критерии (invalid_criteria); ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "График составляют заместитель директора, директор и администратор", body = ErrorBody),
        (status = 404, description = "Нет такой нагрузки (load_not_found)", body = ErrorBody)))]
async fn add(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(body): ApiJson<ControlWorkBody>,
) -> Result<(StatusCode, Json<ControlWorkView>), ApiError> {
    let id = ControlWorkId(Uuid::new_v4());
    let now = state.config.now();
    let out = edit_institution(
        &state,
        &auth,
        (&[Action::ScheduleControlWorks], REFUSAL),
        "control_work_scheduled",
        |snap| {
            let work = checked(snap, id, &body)?;
            let subject = subject_of(snap, &work);
            let detail = serde_json::json!({ "new": work });
            snap.control_works.push(work);
            let local = local_time(&snap.institution.timezone, now).unwrap_or(now);
            Ok::<_, ApiError>(Edit::Changed {
                out: view_in(snap, id, local)?,
                subject,
                detail,
            })
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(out)))
}

#[utoipa::path(put, path = "/api/v1/control-works/{id}", tag = "journal", security(("bearer" = [])),
    request_body = ControlWorkBody,
    params(("id" = uuid::Uuid, Path, description = "Работа графика"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Работа изменена", body = ControlWorkView),
        (status = 400, description = "Как при добавлении; ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "График составляют заместитель директора, директор и администратор", body = ErrorBody),
        (status = 404, description = "Нет такой работы (control_work_not_found) или нагрузки (load_not_found)", body = ErrorBody)))]
async fn change(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ControlWorkBody>,
) -> Result<Json<ControlWorkView>, ApiError> {
    let id = ControlWorkId(id);
    let now = state.config.now();
    let out = edit_institution(
        &state,
        &auth,
        (&[Action::ScheduleControlWorks], REFUSAL),
        "control_work_changed",
        |snap| {
            let Some(at) = snap.control_works.iter().position(|w| w.id == id) else {
                return Err(not_found());
            };
            let work = checked(snap, id, &body)?;
            let local = local_time(&snap.institution.timezone, now).unwrap_or(now);
            if snap.control_works[at] == work {
                return Ok(Edit::Unchanged(view_in(snap, id, local)?));
            }
            let subject = subject_of(snap, &work);
            let detail = serde_json::json!({ "old": snap.control_works[at], "new": work });
            snap.control_works[at] = work;
            Ok(Edit::Changed {
                out: view_in(snap, id, local)?,
                subject,
                detail,
            })
        },
    )
    .await?;
    Ok(Json(out))
}

#[utoipa::path(delete, path = "/api/v1/control-works/{id}", tag = "journal", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Работа графика"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 204, description = "Работа снята с графика (отметки урока остаются в журнале)"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "График составляют заместитель директора, директор и администратор", body = ErrorBody),
        (status = 404, description = "Нет такой работы (control_work_not_found)", body = ErrorBody)))]
async fn remove(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    let id = ControlWorkId(id);
    edit_institution(
        &state,
        &auth,
        (&[Action::ScheduleControlWorks], REFUSAL),
        "control_work_removed",
        |snap| {
            let Some(at) = snap.control_works.iter().position(|w| w.id == id) else {
                return Err(not_found());
            };
            let work = snap.control_works.remove(at);
            Ok(Edit::Changed {
                out: (),
                subject: subject_of(snap, &work),
                detail: serde_json::json!({ "old": work }),
            })
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, add, change, remove),
    components(schemas(
        CriteriaBody,
        ControlWorkBody,
        ControlWorkView,
        LoadChoice,
        ControlWorkList,
        ControlForm
    ))
)]
pub struct ControlWorkApiDoc;
