//! «Базовые данные готовы»: `GET /api/v1/admin/readiness` checks what the administrator must have
//! entered before teachers can keep the journal (001: the base data are ready by 5 September) —
//! the year with its periods and bells, groups, enrolled students, teachers, loads each with its
//! teacher, the timetable, the КТП of every load, a curator for every group. Each item says, in
//! Russian, what is still missing and where. Read by whoever sets the year up (journal-core's
//! `ManageYear` or `ManageUsers`).

use std::collections::HashSet;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use journal_core::{Action, Role};
use journal_protocol::Snapshot;
use serde::{Deserialize, Serialize};

use crate::admin_access::permitted;
use crate::authority::local_time;
use crate::error::{ApiError, ErrorBody};
use crate::http::Authenticated;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/admin/readiness", get(readiness))
}

/// One point of the checklist.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReadinessItem {
    /// Stable key: `year_periods`, `groups`, `students`, `teachers`, `loads`, `timetable`,
    /// `plans`, `curators`, `curriculum`.
    pub key: String,
    /// What it is, in Russian.
    pub label: String,
    pub done: bool,
    /// What is there, or what is missing and where (e.g. «Нет куратора: ИС-21, ИС-31»).
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Readiness {
    pub items: Vec<ReadinessItem>,
}

/// Names listed in a detail before «и ещё N».
const LISTED: usize = 8;

fn listed(names: &[String]) -> String {
    if names.len() <= LISTED {
        names.join(", ")
    } else {
        format!(
            "{} и ещё {}",
            names[..LISTED].join(", "),
            names.len() - LISTED
        )
    }
}

fn item(key: &str, label: &str, done: bool, detail: String) -> ReadinessItem {
    ReadinessItem {
        key: key.into(),
        label: label.into(),
        done,
        detail,
    }
}

/// The checklist over an institution's data on its local day `today`.
pub fn checklist(snap: &Snapshot, today: NaiveDate) -> Readiness {
    let mut items = Vec::new();

    let mut missing = Vec::new();
    if snap.year.name.trim().is_empty() || snap.year.starts_on >= snap.year.ends_on {
        missing.push("не задан учебный год");
    }
    if snap.periods.is_empty() {
        missing.push("не заданы периоды");
    }
    if snap.bells.is_empty() {
        missing.push("не задано расписание звонков");
    }
    items.push(item(
        "year_periods",
        "Учебный год, периоды и звонки",
        missing.is_empty(),
        if missing.is_empty() {
            format!(
                "{}: периодов — {}, звонков — {}",
                snap.year.name,
                snap.periods.len(),
                snap.bells.len()
            )
        } else {
            // The sentence starts with a capital letter: «Не задан учебный год, не заданы …».
            let text = missing.join(", ");
            let mut chars = text.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        },
    ));

    let group_name = |id| {
        snap.groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.name.clone())
            .unwrap_or_default()
    };
    items.push(item(
        "groups",
        "Группы созданы",
        !snap.groups.is_empty(),
        if snap.groups.is_empty() {
            "Нет ни одной группы".into()
        } else {
            format!("Групп: {}", snap.groups.len())
        },
    ));

    // Current or future members: a list made before 1 September counts.
    let current = |g: &journal_protocol::Group| {
        snap.memberships
            .iter()
            .filter(|m| m.group_id == g.id && m.to.is_none_or(|to| to >= today))
            .count()
    };
    let empty_groups: Vec<String> = snap
        .groups
        .iter()
        .filter(|g| current(g) == 0)
        .map(|g| g.name.clone())
        .collect();
    let enrolled: usize = snap.groups.iter().map(current).sum();
    items.push(item(
        "students",
        "Студенты зачислены в группы",
        !snap.groups.is_empty() && empty_groups.is_empty(),
        if snap.groups.is_empty() {
            "Нет групп, в которые зачислять".into()
        } else if empty_groups.is_empty() {
            format!("Зачислено: {enrolled}")
        } else {
            format!("Нет студентов: {}", listed(&empty_groups))
        },
    ));

    let teachers = snap
        .users
        .iter()
        .filter(|u| {
            u.grants
                .iter()
                .any(|g| g.role == Role::Teacher && g.in_force_on(today))
        })
        .count();
    items.push(item(
        "teachers",
        "Преподаватели внесены",
        teachers > 0,
        if teachers > 0 {
            format!("Преподавателей: {teachers}")
        } else {
            "Нет ни одного преподавателя".into()
        },
    ));

    let load_name = |l: &journal_protocol::Load| {
        let subject = snap
            .subjects
            .iter()
            .find(|s| s.id == l.subject_id)
            .map(|s| s.name.as_str())
            .unwrap_or_default();
        format!("{} — {subject}", group_name(l.group_id))
    };
    let user_ids: HashSet<_> = snap.users.iter().map(|u| u.id).collect();
    let no_teacher: Vec<String> = snap
        .loads
        .iter()
        .filter(|l| !user_ids.contains(&l.teacher_id))
        .map(load_name)
        .collect();
    let groups_with_loads: HashSet<_> = snap.loads.iter().map(|l| l.group_id).collect();
    let no_load: Vec<String> = snap
        .groups
        .iter()
        .filter(|g| !groups_with_loads.contains(&g.id))
        .map(|g| g.name.clone())
        .collect();
    let mut load_detail = Vec::new();
    if snap.loads.is_empty() {
        load_detail.push("Нагрузка не распределена".to_string());
    }
    if !no_teacher.is_empty() {
        load_detail.push(format!("Без преподавателя: {}", listed(&no_teacher)));
    }
    if !snap.loads.is_empty() && !no_load.is_empty() {
        load_detail.push(format!("Группы без нагрузки: {}", listed(&no_load)));
    }
    items.push(item(
        "loads",
        "Нагрузка распределена, у каждой — преподаватель",
        load_detail.is_empty(),
        if load_detail.is_empty() {
            format!("Нагрузок: {}", snap.loads.len())
        } else {
            load_detail.join("; ")
        },
    ));

    let with_lessons: HashSet<_> = snap.lessons.iter().map(|l| l.load_id).collect();
    let no_lessons: Vec<String> = snap
        .loads
        .iter()
        .filter(|l| !with_lessons.contains(&l.id))
        .map(load_name)
        .collect();
    items.push(item(
        "timetable",
        "Расписание составлено (уроки есть)",
        !snap.lessons.is_empty() && no_lessons.is_empty(),
        if snap.lessons.is_empty() {
            "Нет ни одного урока в расписании".into()
        } else if no_lessons.is_empty() {
            format!("Уроков: {}", snap.lessons.len())
        } else {
            format!("Нет уроков: {}", listed(&no_lessons))
        },
    ));

    let with_plan: HashSet<_> = snap.plan_topics.iter().map(|t| t.load_id).collect();
    let no_plan: Vec<String> = snap
        .loads
        .iter()
        .filter(|l| !with_plan.contains(&l.id))
        .map(load_name)
        .collect();
    items.push(item(
        "plans",
        "КТП загружены для всей нагрузки",
        !snap.loads.is_empty() && no_plan.is_empty(),
        if snap.loads.is_empty() {
            "Нет нагрузки, для которой нужны КТП".into()
        } else if no_plan.is_empty() {
            format!("КТП есть у всех нагрузок: {}", snap.loads.len())
        } else {
            format!("Нет КТП: {}", listed(&no_plan))
        },
    ));

    let curated: HashSet<_> = snap
        .users
        .iter()
        .flat_map(|u| u.grants.iter())
        .filter(|g| g.role == Role::Curator && g.in_force_on(today))
        .filter_map(|g| g.group_id)
        .chain(
            snap.groups
                .iter()
                .filter_map(|g| g.curator_id.map(|_| g.id)),
        )
        .collect();
    let no_curator: Vec<String> = snap
        .groups
        .iter()
        .filter(|g| !curated.contains(&g.id))
        .map(|g| g.name.clone())
        .collect();
    items.push(item(
        "curators",
        "Кураторы назначены",
        !snap.groups.is_empty() && no_curator.is_empty(),
        if snap.groups.is_empty() {
            "Нет групп, которым нужны кураторы".into()
        } else if no_curator.is_empty() {
            "У каждой группы есть куратор".into()
        } else {
            format!("Нет куратора: {}", listed(&no_curator))
        },
    ));

    // The plan is optional (the journal is kept without it); once kept, it must agree with the loads.
    let differences = crate::curriculum_routes::differences(snap);
    items.push(item(
        "curriculum",
        "Учебный план сверен с нагрузкой",
        !snap.loads.is_empty() && (snap.curriculum.is_empty() || differences.is_empty()),
        if snap.loads.is_empty() {
            "Нет нагрузки, которую сверять с учебным планом".into()
        } else if snap.curriculum.is_empty() {
            "Учебный план в журнале не ведётся; его можно заполнить в разделе «Учебный план»".into()
        } else if differences.is_empty() {
            "Часы учебного плана совпадают с нагрузкой".into()
        } else {
            format!(
                "Расхождений с нагрузкой: {} ({})",
                differences.len(),
                listed(
                    &differences
                        .iter()
                        .map(|d| format!("{} — {}", d.group_name, d.subject_name))
                        .collect::<Vec<_>>()
                )
            )
        },
    ));
    Readiness { items }
}

#[utoipa::path(get, path = "/api/v1/admin/readiness", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Что готово к началу ведения журнала и чего не хватает", body = Readiness),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn readiness(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<Readiness>, ApiError> {
    permitted(
        &state,
        &auth,
        &[Action::ManageYear, Action::ManageUsers],
        "Готовность данных проверяет администратор",
    )
    .await?;
    let (snap, _) = state.storage.snapshot(auth.session.institution_id).await?;
    let now = state.config.now();
    let today = local_time(&snap.institution.timezone, now)
        .unwrap_or(now)
        .date();
    Ok(Json(checklist(&snap, today)))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(readiness), components(schemas(Readiness, ReadinessItem)))]
pub struct ReadinessApiDoc;
