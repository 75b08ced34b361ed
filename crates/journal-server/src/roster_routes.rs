//! Groups, students with dated membership, and teaching loads over HTTP, under `/api/v1/admin/…`:
//! create a group; enrol a student (a membership from a date), transfer them to another group
//! (the old membership ends the day before, so the old group keeps their history), withdraw them
//! (the membership ends on the last day); create a load (teacher × group × subject (× subgroup)
//! from a date) and give a load to another teacher (the entries already made keep their author,
//! which every entry carries). Journal-core decides who may: `ManageYear` for groups and loads,
//! `EditStudentRoster` in the whole institution for students. Each change replaces the
//! institution's reference data in one transaction with its audit entry
//! ([`crate::storage::Storage::apply_reference`]), so devices get it with the snapshot.

use std::collections::HashSet;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use chrono::{Duration, NaiveDate};
use journal_core::{Action, GroupId, LoadId, Role, StudentId, SubgroupId, SubjectId, UserId};
use journal_protocol::{Group, Load, Membership, Snapshot, Student};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::admin_access::{permitted, reference_change_turn};
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, Authenticated};
use crate::storage::AdminAction;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/groups", post(create_group))
        .route("/api/v1/admin/students", post(enrol_student))
        .route(
            "/api/v1/admin/students/{id}/transfer",
            post(transfer_student),
        )
        .route(
            "/api/v1/admin/students/{id}/withdraw",
            post(withdraw_student),
        )
        .route("/api/v1/admin/loads", post(create_load))
        .route("/api/v1/admin/loads/{id}/teacher", post(reassign_load))
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    /// e.g. «ИС-21»
    pub name: String,
    pub course: u8,
    #[serde(default)]
    pub specialty: String,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub curator_id: Option<UserId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Enrolment {
    pub last_name: String,
    pub first_name: String,
    #[serde(default)]
    pub patronymic: Option<String>,
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    #[schema(value_type = String, format = "uuid")]
    pub group_id: GroupId,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub subgroup_id: Option<SubgroupId>,
    /// First day in the group.
    pub from: NaiveDate,
    /// Individual curriculum (ИУП).
    #[serde(default)]
    pub individual_plan: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    #[schema(value_type = String, format = "uuid")]
    pub group_id: GroupId,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub subgroup_id: Option<SubgroupId>,
    /// First day in the new group; the old membership ends the day before.
    pub on: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    /// Last day in the group.
    pub last_day: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLoad {
    #[schema(value_type = String, format = "uuid")]
    pub teacher_id: UserId,
    #[schema(value_type = String, format = "uuid")]
    pub group_id: GroupId,
    #[schema(value_type = String, format = "uuid")]
    pub subject_id: SubjectId,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub subgroup_id: Option<SubgroupId>,
    pub from: NaiveDate,
    /// Hours by the curriculum for the year.
    pub planned_hours: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadTeacher {
    #[schema(value_type = String, format = "uuid")]
    pub teacher_id: UserId,
}

/// The id of what was created or changed.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Created {
    #[schema(value_type = String)]
    pub id: Uuid,
}

fn bad(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad_request(code, message)
}

fn conflict(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

fn not_found(code: &str, message: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, code, message)
}

fn ru(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// Reads the institution, lets `change` check and edit it (an error changes nothing), then stores
/// it with the audit entry `kind` by the signed-in administrator.
async fn change_reference<T>(
    state: &AppState,
    auth: &Authenticated,
    action: Action,
    refusal: &str,
    kind: &str,
    change: impl FnOnce(&mut Snapshot) -> Result<(T, String, serde_json::Value), ApiError>,
) -> Result<T, ApiError> {
    let admin = permitted(state, auth, &[action], refusal).await?;
    let inst = auth.session.institution_id;
    let _turn = reference_change_turn(state, inst).await?;
    let (mut snap, _) = state.storage.snapshot(inst).await?;
    let (out, subject, detail) = change(&mut snap)?;
    state
        .storage
        .apply_reference(
            snap,
            AdminAction {
                institution_id: inst,
                kind: kind.into(),
                author_id: Some(admin.user.id),
                device_id: Some(auth.session.device_id),
                subject,
                detail,
            },
            state.config.now(),
        )
        .await?;
    Ok(out)
}

const YEAR_REFUSAL: &str = "Группы и нагрузку задаёт администратор";
const ROSTER_REFUSAL: &str = "Списки студентов ведёт администратор";

fn in_year(snap: &Snapshot, date: NaiveDate) -> Result<(), ApiError> {
    if date < snap.year.starts_on || date > snap.year.ends_on {
        return Err(bad(
            "date_outside_year",
            format!(
                "Дата {} вне учебного года ({} — {})",
                ru(date),
                ru(snap.year.starts_on),
                ru(snap.year.ends_on)
            ),
        ));
    }
    Ok(())
}

fn check_group(snap: &Snapshot, group: GroupId, sub: Option<SubgroupId>) -> Result<(), ApiError> {
    if !snap.groups.iter().any(|g| g.id == group) {
        return Err(bad("unknown_group", "Такой группы в учреждении нет"));
    }
    if let Some(s) = sub {
        if !snap
            .subgroups
            .iter()
            .any(|x| x.id == s && x.group_id == group)
        {
            return Err(bad("unknown_subgroup", "В этой группе нет такой подгруппы"));
        }
    }
    Ok(())
}

fn check_teacher(snap: &Snapshot, teacher: UserId) -> Result<(), ApiError> {
    let is_teacher = snap.users.iter().any(|u| {
        u.id == teacher
            && u.grants
                .iter()
                .any(|g| matches!(g.role, Role::Teacher | Role::Curator))
    });
    if !is_teacher {
        return Err(bad(
            "unknown_teacher",
            "Такого преподавателя в учреждении нет",
        ));
    }
    Ok(())
}

/// The student's open membership (the one without an end), by its index.
fn open_membership(snap: &Snapshot, student: StudentId) -> Result<usize, ApiError> {
    if !snap.students.iter().any(|s| s.id == student) {
        return Err(not_found(
            "unknown_student",
            "Такого студента в учреждении нет",
        ));
    }
    snap.memberships
        .iter()
        .position(|m| m.student_id == student && m.to.is_none())
        .ok_or_else(|| {
            conflict(
                "not_enrolled",
                "Студент сейчас не числится ни в одной группе",
            )
        })
}

/// Refuses to end a membership on `last_day` while the student has entries in the group's lessons
/// after it: the journal would stop showing them.
fn check_no_entries_after(
    snap: &Snapshot,
    m: &Membership,
    last_day: NaiveDate,
) -> Result<(), ApiError> {
    let group_loads: HashSet<LoadId> = snap
        .loads
        .iter()
        .filter(|l| l.group_id == m.group_id)
        .map(|l| l.id)
        .collect();
    let later: HashSet<_> = snap
        .lessons
        .iter()
        .filter(|l| l.date > last_day && group_loads.contains(&l.load_id))
        .map(|l| l.id)
        .collect();
    let has = snap
        .cells
        .iter()
        .any(|c| c.student_id == m.student_id && later.contains(&c.lesson_id))
        || snap.finals.iter().any(|f| {
            f.student_id == m.student_id && group_loads.contains(&f.load_id) && {
                // A final belongs to its period; one whose period ends after the last day counts.
                snap.periods
                    .iter()
                    .any(|p| p.id == f.period_id && p.ends_on > last_day)
            }
        });
    if has {
        return Err(bad(
            "entries_after_date",
            format!(
                "У студента есть отметки в группе после {}: выберите более позднюю дату",
                ru(last_day)
            ),
        ));
    }
    Ok(())
}

fn end_membership(
    snap: &mut Snapshot,
    idx: usize,
    last_day: NaiveDate,
) -> Result<Membership, ApiError> {
    let m = snap.memberships[idx].clone();
    if last_day < m.from {
        return Err(bad(
            "date_before_enrolment",
            format!(
                "Студент числится в группе с {}: дата {} раньше",
                ru(m.from),
                ru(last_day)
            ),
        ));
    }
    check_no_entries_after(snap, &m, last_day)?;
    snap.memberships[idx].to = Some(last_day);
    Ok(m)
}

#[utoipa::path(post, path = "/api/v1/admin/groups", tag = "admin", security(("bearer" = [])),
    request_body = NewGroup,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses((status = 201, description = "Группа создана", body = Created),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "Группа с таким названием уже есть", body = ErrorBody)))]
async fn create_group(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<NewGroup>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = change_reference(
        &state,
        &auth,
        Action::ManageYear,
        YEAR_REFUSAL,
        "group_created",
        |snap| {
            let name = req.name.trim().to_string();
            if name.is_empty() {
                return Err(bad("invalid_group_name", "Укажите название группы"));
            }
            crate::error::refuse_forbidden_chars(&name, "Название группы")?;
            crate::error::refuse_forbidden_chars(&req.specialty, "Специальность")?;
            if !(1..=11).contains(&req.course) {
                return Err(bad("invalid_course", "Курс (класс) — число от 1 до 11"));
            }
            if snap
                .groups
                .iter()
                .any(|g| g.name.trim().to_lowercase() == name.to_lowercase())
            {
                return Err(conflict(
                    "group_exists",
                    format!("Группа «{name}» уже есть"),
                ));
            }
            if let Some(c) = req.curator_id {
                if !snap.users.iter().any(|u| u.id == c) {
                    return Err(bad("unknown_user", "Такого куратора в учреждении нет"));
                }
            }
            let id = GroupId(Uuid::now_v7());
            snap.groups.push(Group {
                id,
                name: name.clone(),
                course: req.course,
                specialty: req.specialty.trim().to_string(),
                curator_id: req.curator_id,
            });
            Ok((
                id.0,
                id.to_string(),
                serde_json::json!({"name": name, "course": req.course}),
            ))
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(post, path = "/api/v1/admin/students", tag = "admin", security(("bearer" = [])),
    request_body = Enrolment,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses((status = 201, description = "Студент зачислен в группу", body = Created),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn enrol_student(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<Enrolment>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = change_reference(&state, &auth, Action::EditStudentRoster, ROSTER_REFUSAL, "student_enrolled", |snap| {
        let last = req.last_name.trim().to_string();
        let first = req.first_name.trim().to_string();
        if last.is_empty() || first.is_empty() {
            return Err(bad("invalid_student_name", "Укажите фамилию и имя студента полностью"));
        }
        crate::error::refuse_forbidden_chars(&last, "Фамилия")?;
        crate::error::refuse_forbidden_chars(&first, "Имя")?;
        crate::error::refuse_forbidden_chars(req.patronymic.as_deref().unwrap_or_default(), "Отчество")?;
        check_group(snap, req.group_id, req.subgroup_id)?;
        in_year(snap, req.from)?;
        let id = StudentId(Uuid::now_v7());
        snap.students.push(Student {
            id,
            last_name: last.clone(),
            first_name: first.clone(),
            patronymic: req.patronymic.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string),
            birth_date: req.birth_date,
        });
        snap.memberships.push(Membership {
            student_id: id,
            group_id: req.group_id,
            subgroup_id: req.subgroup_id,
            from: req.from,
            to: None,
            individual_plan: req.individual_plan,
        });
        Ok((
            id.0,
            id.to_string(),
            serde_json::json!({"name": format!("{last} {first}"), "group_id": req.group_id, "from": req.from}),
        ))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(post, path = "/api/v1/admin/students/{id}/transfer", tag = "admin", security(("bearer" = [])),
    request_body = Transfer,
    params(("id" = String, Path, description = "Студент"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses((status = 204, description = "Студент переведён; прежняя группа сохраняет его историю"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Студент сейчас не числится в группе", body = ErrorBody)))]
async fn transfer_student(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<Transfer>,
) -> Result<StatusCode, ApiError> {
    let student: StudentId = id
        .parse()
        .map_err(|_| not_found("unknown_student", "Такого студента в учреждении нет"))?;
    change_reference(&state, &auth, Action::EditStudentRoster, ROSTER_REFUSAL, "student_transferred", |snap| {
        let idx = open_membership(snap, student)?;
        check_group(snap, req.group_id, req.subgroup_id)?;
        in_year(snap, req.on)?;
        let current = &snap.memberships[idx];
        if current.group_id == req.group_id && current.subgroup_id == req.subgroup_id {
            return Err(bad("same_group", "Студент уже числится в этой группе"));
        }
        if req.on <= current.from {
            return Err(bad(
                "date_before_enrolment",
                format!("Студент числится в группе с {}: перевод возможен только позже", ru(current.from)),
            ));
        }
        let old = end_membership(snap, idx, req.on - Duration::days(1))?;
        snap.memberships.push(Membership {
            student_id: student,
            group_id: req.group_id,
            subgroup_id: req.subgroup_id,
            from: req.on,
            to: None,
            individual_plan: old.individual_plan,
        });
        Ok((
            (),
            student.to_string(),
            serde_json::json!({"from_group": old.group_id, "to_group": req.group_id, "on": req.on}),
        ))
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/admin/students/{id}/withdraw", tag = "admin", security(("bearer" = [])),
    request_body = Withdrawal,
    params(("id" = String, Path, description = "Студент"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses((status = 204, description = "Студент выбыл; его записи сохраняются"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Студент сейчас не числится в группе", body = ErrorBody)))]
async fn withdraw_student(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<Withdrawal>,
) -> Result<StatusCode, ApiError> {
    let student: StudentId = id
        .parse()
        .map_err(|_| not_found("unknown_student", "Такого студента в учреждении нет"))?;
    change_reference(
        &state,
        &auth,
        Action::EditStudentRoster,
        ROSTER_REFUSAL,
        "student_withdrawn",
        |snap| {
            let idx = open_membership(snap, student)?;
            in_year(snap, req.last_day)?;
            let old = end_membership(snap, idx, req.last_day)?;
            Ok((
                (),
                student.to_string(),
                serde_json::json!({"group_id": old.group_id, "last_day": req.last_day}),
            ))
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/admin/loads", tag = "admin", security(("bearer" = [])),
    request_body = NewLoad,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses((status = 201, description = "Нагрузка создана", body = Created),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "Такая нагрузка уже есть", body = ErrorBody)))]
async fn create_load(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<NewLoad>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = change_reference(&state, &auth, Action::ManageYear, YEAR_REFUSAL, "load_created", |snap| {
        check_teacher(snap, req.teacher_id)?;
        check_group(snap, req.group_id, req.subgroup_id)?;
        if !snap.subjects.iter().any(|s| s.id == req.subject_id) {
            return Err(bad("unknown_subject", "Такой дисциплины в учреждении нет"));
        }
        in_year(snap, req.from)?;
        if snap.loads.iter().any(|l| {
            l.group_id == req.group_id
                && l.subject_id == req.subject_id
                && l.subgroup_id == req.subgroup_id
                && l.to.is_none_or(|to| to >= req.from)
        }) {
            return Err(conflict(
                "load_exists",
                "У группы (подгруппы) уже есть нагрузка по этой дисциплине: передайте её другому преподавателю",
            ));
        }
        let id = LoadId(Uuid::now_v7());
        snap.loads.push(Load {
            id,
            teacher_id: req.teacher_id,
            group_id: req.group_id,
            subject_id: req.subject_id,
            subgroup_id: req.subgroup_id,
            from: req.from,
            to: None,
            planned_hours: req.planned_hours,
        });
        Ok((
            id.0,
            id.to_string(),
            serde_json::json!({"teacher_id": req.teacher_id, "group_id": req.group_id, "subject_id": req.subject_id}),
        ))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(post, path = "/api/v1/admin/loads/{id}/teacher", tag = "admin", security(("bearer" = [])),
    request_body = LoadTeacher,
    params(("id" = String, Path, description = "Нагрузка"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses((status = 204, description = "Нагрузка передана; записи прежнего преподавателя сохраняют авторство"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn reassign_load(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<LoadTeacher>,
) -> Result<StatusCode, ApiError> {
    let unknown = || not_found("unknown_load", "Такой нагрузки в учреждении нет");
    let load_id: LoadId = id.parse().map_err(|_| unknown())?;
    change_reference(
        &state,
        &auth,
        Action::ManageYear,
        YEAR_REFUSAL,
        "load_reassigned",
        |snap| {
            // The path's load first: a load of another institution is 404 whatever the body says.
            if !snap.loads.iter().any(|l| l.id == load_id) {
                return Err(unknown());
            }
            check_teacher(snap, req.teacher_id)?;
            let load = snap
                .loads
                .iter_mut()
                .find(|l| l.id == load_id)
                .ok_or_else(unknown)?;
            if load.teacher_id == req.teacher_id {
                return Err(bad("same_teacher", "Нагрузка уже у этого преподавателя"));
            }
            let previous = load.teacher_id;
            load.teacher_id = req.teacher_id;
            Ok((
                (),
                load_id.to_string(),
                serde_json::json!({"from_teacher": previous, "to_teacher": req.teacher_id}),
            ))
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        create_group,
        enrol_student,
        transfer_student,
        withdraw_student,
        create_load,
        reassign_load
    ),
    components(schemas(
        NewGroup,
        Enrolment,
        Transfer,
        Withdrawal,
        NewLoad,
        LoadTeacher,
        Created
    ))
)]
pub struct RosterApiDoc;
