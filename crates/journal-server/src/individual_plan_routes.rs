//! A student's individual plan (ИУП) over HTTP: `GET|PUT /api/v1/admin/students/{id}/plan`. The plan
//! is the loads (subjects) of the student's group(s) the student studies and their hours; a student
//! with a plan is on exactly those loads' pages of the journal and its print
//! (`Snapshot::studies_load`). Keeping a plan marks the student's open memberships `individual_plan`;
//! an empty plan removes it and the mark. journal-core's `KeepIndividualPlans` decides who (the
//! administrator, the deputy); whoever reads the whole institution reads it. Every change is audited
//! and raises the reference_version, so devices get it with their next snapshot.

use std::collections::HashSet;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use journal_core::{Action, StudentId};
use journal_protocol::{IndividualPlan, IndividualPlanLoad, Snapshot};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::admin_access::permitted;
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, ApiPath, Authenticated};
use crate::reference_routes::{edit_institution, Edit};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/v1/admin/students/{id}/plan",
        get(read_plan).put(set_plan),
    )
}

const MAX_HOURS: u32 = 2000;

/// One load of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanLoadBody {
    #[schema(value_type = uuid::Uuid)]
    pub load_id: Uuid,
    pub hours: u32,
}

/// The student's plan (`PUT` body): empty `loads` removes it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanBody {
    pub loads: Vec<PlanLoadBody>,
}

/// A load of the student's group(s), to choose from; `in_plan` with the plan's hours.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanChoice {
    #[schema(value_type = uuid::Uuid)]
    pub load_id: Uuid,
    pub group_name: String,
    pub subject_name: String,
    pub teacher_name: String,
    /// The load's hours for the whole group.
    pub load_hours: u32,
    pub in_plan: bool,
    /// The student's hours (the plan's, else the load's).
    pub hours: u32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanView {
    #[schema(value_type = uuid::Uuid)]
    pub student_id: Uuid,
    pub student_name: String,
    /// Whether the student studies by an individual plan now (a plan is kept).
    pub individual: bool,
    pub loads: Vec<PlanChoice>,
}

fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "student_not_found",
        "Студент не найден в учреждении",
    )
}

fn view(snap: &Snapshot, student: StudentId) -> Result<PlanView, ApiError> {
    let s = snap
        .students
        .iter()
        .find(|s| s.id == student)
        .ok_or_else(not_found)?;
    let groups: HashSet<_> = snap
        .memberships
        .iter()
        .filter(|m| m.student_id == student)
        .map(|m| m.group_id)
        .collect();
    let plan = snap
        .individual_plans
        .iter()
        .find(|p| p.student_id == student);
    let loads = snap
        .loads
        .iter()
        .filter(|l| groups.contains(&l.group_id))
        .map(|l| {
            let planned = plan.and_then(|p| p.loads.iter().find(|x| x.load_id == l.id));
            PlanChoice {
                load_id: l.id.0,
                group_name: name_of(snap.groups.iter().map(|g| (g.id, &g.name)), l.group_id),
                subject_name: name_of(snap.subjects.iter().map(|x| (x.id, &x.name)), l.subject_id),
                teacher_name: name_of(
                    snap.users.iter().map(|u| (u.id, &u.full_name)),
                    l.teacher_id,
                ),
                load_hours: l.planned_hours,
                in_plan: planned.is_some(),
                hours: planned.map_or(l.planned_hours, |p| p.hours),
            }
        })
        .collect();
    Ok(PlanView {
        student_id: student.0,
        student_name: s.full_name(),
        individual: plan.is_some(),
        loads,
    })
}

fn name_of<'a, I: PartialEq>(mut all: impl Iterator<Item = (I, &'a String)>, id: I) -> String {
    all.find(|(i, _)| *i == id)
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}

/// Checks the plan against the student's groups' loads; the plan as kept (None: no plan).
pub fn check_plan(
    snap: &Snapshot,
    student: StudentId,
    body: &PlanBody,
) -> Result<Option<IndividualPlan>, ApiError> {
    let groups: HashSet<_> = snap
        .memberships
        .iter()
        .filter(|m| m.student_id == student)
        .map(|m| m.group_id)
        .collect();
    let mut seen = HashSet::new();
    let mut loads = Vec::new();
    for (i, l) in body.loads.iter().enumerate() {
        let n = i + 1;
        let Some(load) = snap.loads.iter().find(|x| x.id.0 == l.load_id) else {
            return Err(ApiError::bad_request(
                "invalid_individual_plan",
                format!(
                    "Строка {n}: нагрузка {} не найдена; ничего не изменено",
                    l.load_id
                ),
            ));
        };
        if !groups.contains(&load.group_id) {
            return Err(ApiError::bad_request(
                "invalid_individual_plan",
                format!("Строка {n}: нагрузка другой группы — студент в ней не учится; ничего не изменено"),
            ));
        }
        if l.hours == 0 || l.hours > MAX_HOURS {
            return Err(ApiError::bad_request(
                "invalid_individual_plan",
                format!("Строка {n}: часы от 1 до {MAX_HOURS}; ничего не изменено"),
            ));
        }
        if !seen.insert(load.id) {
            return Err(ApiError::bad_request(
                "invalid_individual_plan",
                format!("Строка {n}: нагрузка указана дважды; ничего не изменено"),
            ));
        }
        loads.push(IndividualPlanLoad {
            load_id: load.id,
            hours: l.hours,
        });
    }
    Ok((!loads.is_empty()).then_some(IndividualPlan {
        student_id: student,
        loads,
    }))
}

#[utoipa::path(get, path = "/api/v1/admin/students/{id}/plan", tag = "admin", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Студент"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Индивидуальный учебный план студента и нагрузка его групп", body = PlanView),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "student_not_found", body = ErrorBody)))]
async fn read_plan(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<PlanView>, ApiError> {
    permitted(
        &state,
        &auth,
        &[Action::KeepIndividualPlans, Action::ReadJournal],
        "Индивидуальные планы видят администрация и администратор",
    )
    .await?;
    let (snap, _) = state.storage.snapshot(auth.session.institution_id).await?;
    Ok(Json(view(&snap, StudentId(id))?))
}

#[utoipa::path(put, path = "/api/v1/admin/students/{id}/plan", tag = "admin", security(("bearer" = [])),
    request_body = PlanBody,
    params(("id" = uuid::Uuid, Path, description = "Студент"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "План сохранён (пустой — снят)", body = PlanView),
        (status = 400, description = "invalid_individual_plan: неизвестная нагрузка, нагрузка чужой группы, неверные часы, нагрузка дважды; ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "student_not_found", body = ErrorBody)))]
async fn set_plan(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<PlanBody>,
) -> Result<Json<PlanView>, ApiError> {
    let student = StudentId(id);
    let refusal = "Индивидуальные планы ведут администратор и заместитель директора";
    let out = edit_institution(
        &state,
        &auth,
        (&[Action::KeepIndividualPlans], refusal),
        "individual_plan_changed",
        |snap| {
            if !snap.students.iter().any(|s| s.id == student) {
                return Err(not_found());
            }
            let new = check_plan(snap, student, &body)?;
            let old = snap
                .individual_plans
                .iter()
                .find(|p| p.student_id == student)
                .cloned();
            if old == new {
                return Ok(Edit::Unchanged(view(snap, student)?));
            }
            snap.individual_plans.retain(|p| p.student_id != student);
            let individual = new.is_some();
            if let Some(plan) = new.clone() {
                snap.individual_plans.push(plan);
            }
            // A student with a plan studies by it in their current groups; without one, with the
            // group.
            for m in snap
                .memberships
                .iter_mut()
                .filter(|m| m.student_id == student && m.to.is_none())
            {
                m.individual_plan = individual;
            }
            let out = view(snap, student)?;
            Ok(Edit::Changed {
                subject: out.student_name.clone(),
                detail: serde_json::json!({ "student_id": id, "old": old, "new": new }),
                out,
            })
        },
    )
    .await?;
    Ok(Json(out))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(read_plan, set_plan),
    components(schemas(PlanLoadBody, PlanBody, PlanChoice, PlanView))
)]
pub struct IndividualPlanApiDoc;
