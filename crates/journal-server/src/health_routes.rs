//! «Листок здоровья» (001 п. 4.12): the social pedagogue fills the sheet on paper and hands it to the
//! curator, who enters it here for each student of the group — группа здоровья (I–V), медицинская
//! группа для занятий физической культурой, a recommendation for the teachers, the date of the
//! medical note and the day it is valid until. Health data: kept by the server only (never in a
//! device's copy), entered by the curator of the student's group and the administrator
//! (journal-core's `KeepHealthSheet`), read by them, the teachers of the student's loads (a PE
//! teacher needs the medical group), the administration and the student's parent
//! (`ReadHealthSheet`). Every change is audited by field, without the values.
//!
//! * `GET /api/v1/groups/{id}/health` — the group's sheet: its current students the caller may read
//!   (JSON, or with `format=pdf` the printable sheet of journal-print);
//! * `GET /api/v1/students/{id}/health` — one student's line (a parent: their own child's, after the
//!   diary's consent);
//! * `PUT /api/v1/students/{id}/health` — enter or correct one student's line.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, FixedOffset, NaiveDate};
use journal_core::{permissions, Action, GroupId, Role, Scope, StudentId, UserId};
use journal_protocol::{Snapshot, User};
use serde::{Deserialize, Serialize};

use crate::archive_routes::in_zone;
use crate::error::{refuse_forbidden_chars, ApiError, ErrorBody};
use crate::http::{ApiJson, ApiPath, ApiQuery, Authenticated};
use crate::parent_note_routes::student_not_found;
use crate::storage::health::{HealthEntry, PeGroup};
use crate::storage::AdminAction;
use crate::AppState;

const MAX_RECOMMENDATION: usize = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/groups/{id}/health", get(group_sheet))
        .route(
            "/api/v1/students/{id}/health",
            get(student_line).put(set_line),
        )
}

/// One student's line of the sheet.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HealthLine {
    #[schema(value_type = String, format = "uuid")]
    pub student_id: StudentId,
    pub full_name: String,
    /// Группа здоровья, 1–5 (I–V); null: not entered.
    pub health_group: Option<u8>,
    /// Медицинская группа для занятий физической культурой; null: not entered.
    pub pe_group: Option<PeGroup>,
    /// For the teachers: «не сидеть у окна»; empty: none.
    pub recommendation: String,
    /// The date of the medical note.
    pub note_date: Option<NaiveDate>,
    /// The last day the note is valid.
    pub valid_until: Option<NaiveDate>,
    /// The note's last day is before today: the curator asks for a new one.
    pub expired: bool,
    /// When the line last changed, in the institution's time with its offset.
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Who changed it last.
    pub updated_by: Option<String>,
    /// Whether the caller may change this line.
    pub may_edit: bool,
}

/// A group's sheet.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HealthSheet {
    #[schema(value_type = String, format = "uuid")]
    pub group_id: GroupId,
    pub group: String,
    /// The group's current students the caller may read, by name.
    pub students: Vec<HealthLine>,
}

/// `PUT /api/v1/students/{id}/health`: the whole line; a field left out or null is cleared.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HealthInput {
    /// Группа здоровья, 1–5.
    pub health_group: Option<i64>,
    #[schema(value_type = Option<PeGroup>)]
    pub pe_group: Option<String>,
    pub recommendation: String,
    /// YYYY-MM-DD; empty or null: not given.
    #[schema(value_type = Option<String>, format = "date")]
    pub note_date: Option<String>,
    /// YYYY-MM-DD, not before `note_date`.
    #[schema(value_type = Option<String>, format = "date")]
    pub valid_until: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SheetQuery {
    /// `json` (по умолчанию) или `pdf`.
    pub format: Option<String>,
}

fn forbidden_read() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "health_sheet_forbidden",
        "«Листок здоровья» видят куратор группы, преподаватели, ведущие занятия у обучающегося, администрация и родители — только своего ребёнка",
    )
}

fn forbidden_edit() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "health_sheet_edit_forbidden",
        "«Листок здоровья» заполняют куратор группы (по листку социального педагога) и администратор",
    )
}

/// Whether the student is in the group (and subgroup, if given) on `today`.
fn member(
    snap: &Snapshot,
    student: StudentId,
    group: GroupId,
    subgroup: Option<journal_core::SubgroupId>,
    today: NaiveDate,
) -> bool {
    snap.memberships.iter().any(|m| {
        m.student_id == student
            && m.group_id == group
            && m.from <= today
            && m.to.is_none_or(|to| today <= to)
            && (subgroup.is_none() || m.subgroup_id == subgroup)
    })
}

/// Each of the user's roles with the scope the student is in for it: the curated group's student
/// is `OwnGroup`, a student of a load the user teaches today `OwnLoad`, their child `ChildRecord`,
/// themself `OwnRecord`, anyone else `Institution`.
fn scopes(
    user: &User,
    student: StudentId,
    snap: &Snapshot,
    today: NaiveDate,
) -> Vec<(Role, Scope)> {
    let teaches = snap.loads.iter().any(|l| {
        l.teacher_id == user.id
            && l.from <= today
            && l.to.is_none_or(|to| today <= to)
            && member(snap, student, l.group_id, l.subgroup_id, today)
    });
    user.grants
        .iter()
        .map(|g| {
            let scope = match g.role {
                Role::Curator
                    if g.group_id
                        .is_some_and(|gr| member(snap, student, gr, None, today)) =>
                {
                    Scope::OwnGroup
                }
                Role::Parent if g.student_id == Some(student) => Scope::ChildRecord,
                Role::Student if g.student_id == Some(student) => Scope::OwnRecord,
                Role::Teacher | Role::Curator if teaches => Scope::OwnLoad,
                _ => Scope::Institution,
            };
            (g.role, scope)
        })
        .collect()
}

fn may(user: &User, action: Action, student: StudentId, snap: &Snapshot, today: NaiveDate) -> bool {
    scopes(user, student, snap, today)
        .into_iter()
        .any(|(role, scope)| {
            permissions::check(role, action, scope, &snap.institution.policy).is_ok()
        })
}

/// Whether the user reads this student's line only as a parent (the diary's consent applies).
fn only_as_parent(user: &User, student: StudentId, snap: &Snapshot, today: NaiveDate) -> bool {
    scopes(user, student, snap, today)
        .into_iter()
        .filter(|&(role, scope)| {
            permissions::check(
                role,
                Action::ReadHealthSheet,
                scope,
                &snap.institution.policy,
            )
            .is_ok()
        })
        .all(|(role, _)| role == Role::Parent)
}

fn line_of(
    snap: &Snapshot,
    student: StudentId,
    entry: Option<&HealthEntry>,
    may_edit: bool,
    today: NaiveDate,
) -> HealthLine {
    let name = |id: UserId| {
        snap.users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.full_name.clone())
            .unwrap_or_default()
    };
    HealthLine {
        student_id: student,
        full_name: snap
            .students
            .iter()
            .find(|s| s.id == student)
            .map(|s| s.full_name())
            .unwrap_or_default(),
        health_group: entry.and_then(|e| e.health_group),
        pe_group: entry.and_then(|e| e.pe_group),
        recommendation: entry.map(|e| e.recommendation.clone()).unwrap_or_default(),
        note_date: entry.and_then(|e| e.note_date),
        valid_until: entry.and_then(|e| e.valid_until),
        expired: entry
            .and_then(|e| e.valid_until)
            .is_some_and(|until| until < today),
        updated_at: entry.map(|e| in_zone(&snap.institution.timezone, e.updated_at)),
        updated_by: entry.map(|e| name(e.updated_by)),
        may_edit,
    }
}

/// The caller, the institution's snapshot and today.
async fn context(
    state: &AppState,
    auth: &Authenticated,
) -> Result<(User, std::sync::Arc<Snapshot>, NaiveDate), ApiError> {
    let user = crate::http::signed_in_user(state, auth).await?;
    let inst = auth.session.institution_id;
    let snap = state
        .snapshots
        .read(state.storage.as_ref(), inst, state.config.now())
        .await?
        .snapshot;
    let today = crate::http::institution_today(state, inst).await?;
    Ok((user, snap, today))
}

#[utoipa::path(get, path = "/api/v1/groups/{id}/health", tag = "admin", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Группа"), SheetQuery,
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "«Листок здоровья» группы: обучающиеся, которых видит пользователь (JSON или, с format=pdf, PDF)", body = HealthSheet),
        (status = 400, description = "invalid_format", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "health_sheet_forbidden: не своя группа", body = ErrorBody),
        (status = 404, description = "group_not_found, invalid_path", body = ErrorBody)))]
async fn group_sheet(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(id): ApiPath<uuid::Uuid>,
    ApiQuery(q): ApiQuery<SheetQuery>,
) -> Result<Response, ApiError> {
    let pdf = match q.format.as_deref() {
        None | Some("json") => false,
        Some("pdf") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_format",
                "Формат: json или pdf",
            ))
        }
    };
    let group_id = GroupId(id);
    let (user, snap, today) = context(&state, &auth).await?;
    let Some(group) = snap.groups.iter().find(|g| g.id == group_id) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "group_not_found",
            "Такой группы нет",
        ));
    };
    let mut students: Vec<StudentId> = snap
        .memberships
        .iter()
        .filter(|m| m.group_id == group_id && m.from <= today && m.to.is_none_or(|t| today <= t))
        .map(|m| m.student_id)
        .collect();
    students.sort();
    students.dedup();
    let readable: Vec<StudentId> = students
        .into_iter()
        .filter(|&s| may(&user, Action::ReadHealthSheet, s, &snap, today))
        .filter(|&s| !only_as_parent(&user, s, &snap, today))
        .collect();
    // A group with nobody the caller may read: its curator and the administration still open
    // the (empty) sheet; anyone else is refused.
    let keeps_group = user.grants.iter().any(|g| {
        let scope = if g.role == Role::Curator && g.group_id == Some(group_id) {
            Scope::OwnGroup
        } else {
            Scope::Institution
        };
        permissions::check(
            g.role,
            Action::ReadHealthSheet,
            scope,
            &snap.institution.policy,
        )
        .is_ok()
    });
    if readable.is_empty() && !keeps_group {
        return Err(forbidden_read());
    }
    let entries = state
        .storage
        .health_entries(auth.session.institution_id, readable.clone())
        .await?;
    let mut lines: Vec<HealthLine> = readable
        .into_iter()
        .map(|s| {
            let editable = may(&user, Action::KeepHealthSheet, s, &snap, today);
            line_of(
                &snap,
                s,
                entries.iter().find(|e| e.student_id == s),
                editable,
                today,
            )
        })
        .collect();
    lines.sort_by(|a, b| a.full_name.cmp(&b.full_name));
    if pdf {
        let now = state.config.now();
        let local_now =
            crate::authority::local_time(&snap.institution.timezone, now).unwrap_or(now);
        let printed: Vec<journal_print::HealthSheetLine> = lines.iter().map(print_line).collect();
        return crate::print_routes::pdf_download(
            journal_print::health_sheet(
                &snap.institution.name,
                &group.name,
                &printed,
                &journal_print::PrintContext {
                    generated_at: local_now,
                    document_id: uuid::Uuid::new_v4(),
                },
            ),
            "health-sheet.pdf",
        );
    }
    Ok(Json(HealthSheet {
        group_id,
        group: group.name.clone(),
        students: lines,
    })
    .into_response())
}

/// A line as the printed sheet shows it, in words.
fn print_line(l: &HealthLine) -> journal_print::HealthSheetLine {
    let roman = ["I", "II", "III", "IV", "V"];
    let day = |d: NaiveDate| d.format("%d.%m.%Y").to_string();
    let note = match (l.note_date, l.valid_until) {
        (Some(from), Some(until)) => format!("{} — {}", day(from), day(until)),
        (Some(from), None) => format!("от {}", day(from)),
        (None, Some(until)) => format!("до {}", day(until)),
        (None, None) => String::new(),
    };
    journal_print::HealthSheetLine {
        full_name: l.full_name.clone(),
        health_group: l
            .health_group
            .and_then(|g| roman.get(usize::from(g).saturating_sub(1)))
            .map(|r| r.to_string())
            .unwrap_or_default(),
        pe_group: l
            .pe_group
            .map(|g| g.name_ru().to_string())
            .unwrap_or_default(),
        recommendation: l.recommendation.clone(),
        note: if l.expired {
            format!("{note} (срок истёк)")
        } else {
            note
        },
    }
}

#[utoipa::path(get, path = "/api/v1/students/{id}/health", tag = "diary", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Обучающийся"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Строка «Листка здоровья» обучающегося", body = HealthLine),
        (status = 401, body = ErrorBody),
        (status = 403, description = "health_sheet_forbidden; consent_required (родитель)", body = ErrorBody),
        (status = 404, description = "student_not_found, invalid_path", body = ErrorBody)))]
async fn student_line(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(id): ApiPath<uuid::Uuid>,
) -> Result<Json<HealthLine>, ApiError> {
    let student = StudentId(id);
    let (user, snap, today) = context(&state, &auth).await?;
    let family_only = user
        .grants
        .iter()
        .all(|g| matches!(g.role, Role::Parent | Role::Student));
    if !snap.students.iter().any(|s| s.id == student) {
        return Err(student_not_found());
    }
    if !may(&user, Action::ReadHealthSheet, student, &snap, today) {
        // A family account learns nothing of another family's child, not even that it exists.
        return Err(if family_only {
            student_not_found()
        } else {
            forbidden_read()
        });
    }
    if only_as_parent(&user, student, &snap, today) {
        crate::diary_routes::require_consent(&state, user.id).await?;
    }
    let entries = state
        .storage
        .health_entries(auth.session.institution_id, vec![student])
        .await?;
    let editable = may(&user, Action::KeepHealthSheet, student, &snap, today);
    Ok(Json(line_of(
        &snap,
        student,
        entries.first(),
        editable,
        today,
    )))
}

fn date_checked(v: Option<&str>, what: &str) -> Result<Option<NaiveDate>, ApiError> {
    let v = v.map(str::trim).unwrap_or_default();
    if v.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            ApiError::bad_request(
                "invalid_health_date",
                format!("{what}: дата в виде ГГГГ-ММ-ДД, например 2026-09-01"),
            )
        })
}

/// The line as it will be kept, or the first refusal (nothing is written then).
fn checked(
    body: &HealthInput,
    student: StudentId,
    by: UserId,
    now: chrono::NaiveDateTime,
    today: NaiveDate,
) -> Result<HealthEntry, ApiError> {
    let health_group = match body.health_group {
        None => None,
        Some(g @ 1..=5) => u8::try_from(g).ok(),
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_health_group",
                "Группа здоровья: от I до V (число от 1 до 5)",
            ))
        }
    };
    let pe_group = match body.pe_group.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(PeGroup::from_code(code).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_pe_group",
                "Медицинская группа: основная, подготовительная, специальная «А», специальная «Б» или освобождён",
            )
        })?),
    };
    let recommendation = body.recommendation.trim();
    refuse_forbidden_chars(recommendation, "Рекомендации")?;
    if recommendation.chars().count() > MAX_RECOMMENDATION {
        return Err(ApiError::bad_request(
            "invalid_recommendation",
            format!("Рекомендации: не длиннее {MAX_RECOMMENDATION} символов"),
        ));
    }
    let note_date = date_checked(body.note_date.as_deref(), "Дата справки")?;
    let valid_until = date_checked(body.valid_until.as_deref(), "Действует до")?;
    if note_date.is_some_and(|d| d > today) {
        return Err(ApiError::bad_request(
            "invalid_health_date",
            "Дата справки: не позже сегодняшнего дня",
        ));
    }
    if let (Some(from), Some(until)) = (note_date, valid_until) {
        if until < from {
            return Err(ApiError::bad_request(
                "health_dates_reversed",
                "Действует до: не раньше даты справки",
            ));
        }
    }
    Ok(HealthEntry {
        student_id: student,
        health_group,
        pe_group,
        recommendation: recommendation.to_string(),
        note_date,
        valid_until,
        updated_at: now,
        updated_by: by,
    })
}

#[utoipa::path(put, path = "/api/v1/students/{id}/health", tag = "admin", security(("bearer" = [])),
    request_body = HealthInput,
    params(("id" = uuid::Uuid, Path, description = "Обучающийся"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Строка «Листка здоровья» сохранена", body = HealthLine),
        (status = 400, description = "invalid_health_group, invalid_pe_group, invalid_recommendation, invalid_health_date, health_dates_reversed, forbidden_character; ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "health_sheet_edit_forbidden: заполняют куратор группы и администратор", body = ErrorBody),
        (status = 404, description = "student_not_found, invalid_path", body = ErrorBody)))]
async fn set_line(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(id): ApiPath<uuid::Uuid>,
    ApiJson(body): ApiJson<HealthInput>,
) -> Result<Json<HealthLine>, ApiError> {
    let student = StudentId(id);
    let (user, snap, today) = context(&state, &auth).await?;
    if !snap.students.iter().any(|s| s.id == student) {
        return Err(student_not_found());
    }
    if !may(&user, Action::KeepHealthSheet, student, &snap, today) {
        return Err(forbidden_edit());
    }
    let now = state.config.now();
    let entry = checked(&body, student, user.id, now, today)?;
    let inst = auth.session.institution_id;
    let before = state
        .storage
        .health_entries(inst, vec![student])
        .await?
        .into_iter()
        .next();
    let changed = changed_fields(before.as_ref(), &entry);
    if !changed.is_empty() {
        state.storage.set_health_entry(inst, entry.clone()).await?;
        state
            .storage
            .append_admin_action(
                AdminAction {
                    institution_id: inst,
                    kind: "health_sheet_changed".into(),
                    author_id: Some(auth.session.user_id),
                    device_id: Some(auth.session.device_id),
                    subject: student.to_string(),
                    detail: serde_json::json!({ "fields": changed }),
                },
                now,
            )
            .await?;
    }
    let kept = if changed.is_empty() {
        before
    } else {
        Some(entry)
    };
    Ok(Json(line_of(&snap, student, kept.as_ref(), true, today)))
}

/// The names of the fields that differ (the audit keeps these, not the health data itself).
fn changed_fields(before: Option<&HealthEntry>, after: &HealthEntry) -> Vec<&'static str> {
    let mut out = Vec::new();
    let b = before;
    if b.and_then(|e| e.health_group) != after.health_group {
        out.push("health_group");
    }
    if b.and_then(|e| e.pe_group) != after.pe_group {
        out.push("pe_group");
    }
    if b.map(|e| e.recommendation.as_str()).unwrap_or_default() != after.recommendation {
        out.push("recommendation");
    }
    if b.and_then(|e| e.note_date) != after.note_date {
        out.push("note_date");
    }
    if b.and_then(|e| e.valid_until) != after.valid_until {
        out.push("valid_until");
    }
    out
}

/// The audit's words for the fields of a `health_sheet_changed` entry.
pub(crate) fn field_words(detail: &serde_json::Value) -> String {
    detail
        .get("fields")
        .and_then(|f| f.as_array())
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str())
        .map(|f| match f {
            "health_group" => "группа здоровья",
            "pe_group" => "медицинская группа",
            "recommendation" => "рекомендации",
            "note_date" => "дата справки",
            "valid_until" => "действует до",
            _ => "другое",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The health sheet's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(group_sheet, student_line, set_line),
    components(schemas(HealthSheet, HealthLine, HealthInput, PeGroup, ErrorBody))
)]
pub struct HealthApiDoc;
