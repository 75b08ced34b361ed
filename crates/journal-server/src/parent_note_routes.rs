//! Remarks meant for parents («замечания … родителям», issue 12 item 3): the curator writes to the
//! parents of their group's students, a teacher to those of their loads' students (journal-core's
//! `WriteParentNote` decides, by the relation the scope names); the note is shown in the parents'
//! diary with «Ознакомлен», which records who and when, like the finals' acknowledgement; the writer
//! sees in the console whether the parents acknowledged.
//!
//! * `GET /api/v1/diary/notes?student=` — a parent: the notes to them about their child (after the
//!   diary's consent); staff: the notes about a student they may write for, or, without `student`,
//!   the notes they wrote;
//! * `POST /api/v1/diary/notes` — a new note;
//! * `POST /api/v1/diary/notes/{id}/acknowledgement` — a parent's «Ознакомлен».
//!
//! A note about a student whom the caller neither parents nor teaches nor curates is answered as if
//! it did not exist (404), so that nobody learns of another family's notes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::archive_routes::in_zone;
use journal_core::{permissions, Action, Role, Scope, StudentId, UserId};
use journal_protocol::{Snapshot, User};
use serde::{Deserialize, Serialize};

use crate::error::{refuse_forbidden_chars, ApiError, ErrorBody};
use crate::http::{ApiJson, ApiPath, ApiQuery, Authenticated};
use crate::storage::parent_notes::{NotesOf, ParentNote};
use crate::storage::AdminAction;
use crate::AppState;

const MAX_TEXT: usize = 2000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/diary/notes", get(list).post(write))
        .route(
            "/api/v1/diary/notes/{id}/acknowledgement",
            post(acknowledge),
        )
}

/// A parent's «Ознакомлен» with a note.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoteAcknowledgement {
    #[schema(value_type = String, format = "uuid")]
    pub parent_id: UserId,
    pub parent_name: String,
    /// In the institution's time, with its offset.
    pub at: DateTime<FixedOffset>,
}

/// A note as its writer or a parent sees it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ParentNoteView {
    #[schema(value_type = String, format = "uuid")]
    pub id: uuid::Uuid,
    #[schema(value_type = String, format = "uuid")]
    pub student_id: StudentId,
    /// The student's full name.
    pub student: String,
    #[schema(value_type = String, format = "uuid")]
    pub author_id: UserId,
    pub author: String,
    pub text: String,
    /// In the institution's time, with its offset.
    pub created_at: DateTime<FixedOffset>,
    pub acknowledgements: Vec<NoteAcknowledgement>,
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotesQuery {
    /// The student; staff may leave it out to list the notes they wrote.
    #[param(value_type = Option<String>, format = "uuid")]
    pub student: Option<StudentId>,
}

/// `POST /api/v1/diary/notes`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewParentNote {
    #[schema(value_type = String, format = "uuid")]
    pub student_id: StudentId,
    pub text: String,
}

fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "note_not_found",
        "Такого замечания нет",
    )
}

pub(crate) fn student_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "student_not_found",
        "Такого обучающегося нет",
    )
}

/// Each of the writer's roles with the scope the student is in for it: the curated group's
/// student is `OwnGroup`, a student of a load the user teaches (in force on `today`, in its
/// subgroup) `OwnLoad`, anyone else `Institution`.
fn writer_scopes(
    user: &User,
    student: StudentId,
    snap: &Snapshot,
    today: NaiveDate,
) -> Vec<(Role, Scope)> {
    let member = |group, subgroup: Option<_>| {
        snap.memberships.iter().any(|m| {
            m.student_id == student
                && m.group_id == group
                && m.from <= today
                && m.to.is_none_or(|to| today <= to)
                && (subgroup.is_none() || m.subgroup_id == subgroup)
        })
    };
    let teaches = snap.loads.iter().any(|l| {
        l.teacher_id == user.id
            && l.from <= today
            && l.to.is_none_or(|to| today <= to)
            && member(l.group_id, l.subgroup_id)
    });
    user.grants
        .iter()
        .map(|g| {
            let scope = if g.role == Role::Curator && g.group_id.is_some_and(|gr| member(gr, None))
            {
                Scope::OwnGroup
            } else if teaches {
                Scope::OwnLoad
            } else {
                Scope::Institution
            };
            (g.role, scope)
        })
        .collect()
}

/// Whether the user may write to the parents of `student` (journal-core's `WriteParentNote`).
fn may_write(user: &User, student: StudentId, snap: &Snapshot, today: NaiveDate) -> bool {
    writer_scopes(user, student, snap, today)
        .into_iter()
        .any(|(role, scope)| {
            permissions::check(
                role,
                Action::WriteParentNote,
                scope,
                &snap.institution.policy,
            )
            .is_ok()
        })
}

/// Whether the user is a parent of `student`.
fn parent_of(user: &User, student: StudentId) -> bool {
    user.grants
        .iter()
        .any(|g| g.role == Role::Parent && g.student_id == Some(student))
}

fn view_of(snap: &Snapshot, n: ParentNote) -> ParentNoteView {
    let name = |id: UserId| {
        snap.users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.full_name.clone())
            .unwrap_or_default()
    };
    ParentNoteView {
        id: n.id,
        student_id: n.student_id,
        student: snap
            .students
            .iter()
            .find(|s| s.id == n.student_id)
            .map(|s| s.full_name())
            .unwrap_or_default(),
        author_id: n.author_id,
        author: name(n.author_id),
        text: n.text,
        created_at: in_zone(&snap.institution.timezone, n.created_at),
        acknowledgements: n
            .acknowledgements
            .into_iter()
            .map(|(parent_id, at)| NoteAcknowledgement {
                parent_id,
                parent_name: name(parent_id),
                at: in_zone(&snap.institution.timezone, at),
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/diary/notes", tag = "diary", security(("bearer" = [])),
    params(NotesQuery, ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Замечания родителям: родителю — о его ребёнке, куратору и преподавателю — об их обучающемся или написанные ими", body = Vec<ParentNoteView>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "consent_required; notes_forbidden", body = ErrorBody),
        (status = 404, description = "Не свой обучающийся (student_not_found)", body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<NotesQuery>,
) -> Result<Json<Vec<ParentNoteView>>, ApiError> {
    let user = crate::http::signed_in_user(&state, &auth).await?;
    let inst = auth.session.institution_id;
    let cached = state
        .snapshots
        .read(state.storage.as_ref(), inst, state.config.now())
        .await?;
    let snap = &cached.snapshot;
    let today = crate::http::institution_today(&state, inst).await?;
    let of = match q.student {
        Some(student) if parent_of(&user, student) => {
            crate::diary_routes::require_consent(&state, user.id).await?;
            NotesOf::Student(student)
        }
        Some(student) if may_write(&user, student, snap, today) => NotesOf::Student(student),
        Some(_) => return Err(student_not_found()),
        None if user
            .grants
            .iter()
            .any(|g| matches!(g.role, Role::Teacher | Role::Curator)) =>
        {
            NotesOf::Author(user.id)
        }
        None => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "notes_forbidden",
                "Замечания родителям пишут куратор группы и преподаватели; родитель видит их в дневнике своего ребёнка",
            ))
        }
    };
    let notes = state.storage.parent_notes(inst, of).await?;
    Ok(Json(notes.into_iter().map(|n| view_of(snap, n)).collect()))
}

#[utoipa::path(post, path = "/api/v1/diary/notes", tag = "diary", security(("bearer" = [])),
    request_body = NewParentNote,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 201, description = "Замечание записано и показано родителям в дневнике", body = ParentNoteView),
        (status = 400, description = "invalid_note_text, forbidden_character; ничего не записано", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Пишет куратор группы обучающегося или его преподаватель (note_forbidden)", body = ErrorBody),
        (status = 404, description = "Нет такого обучающегося (student_not_found)", body = ErrorBody)))]
async fn write(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<NewParentNote>,
) -> Result<(StatusCode, Json<ParentNoteView>), ApiError> {
    let user = crate::http::signed_in_user(&state, &auth).await?;
    let inst = auth.session.institution_id;
    let cached = state
        .snapshots
        .read(state.storage.as_ref(), inst, state.config.now())
        .await?;
    let snap = &cached.snapshot;
    if !snap.students.iter().any(|s| s.id == req.student_id) {
        return Err(student_not_found());
    }
    let today = crate::http::institution_today(&state, inst).await?;
    if !may_write(&user, req.student_id, snap, today) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "note_forbidden",
            "Замечание родителям пишет куратор группы обучающегося или преподаватель, который у него ведёт занятия",
        ));
    }
    let text = req.text.trim().to_string();
    refuse_forbidden_chars(&text, "Текст замечания")?;
    if text.is_empty() || text.chars().count() > MAX_TEXT {
        return Err(ApiError::bad_request(
            "invalid_note_text",
            format!("Текст замечания: от 1 до {MAX_TEXT} знаков"),
        ));
    }
    let now = state.config.now();
    let note = ParentNote {
        id: uuid::Uuid::new_v4(),
        student_id: req.student_id,
        author_id: user.id,
        text,
        created_at: now,
        acknowledgements: Vec::new(),
    };
    state.storage.add_parent_note(inst, note.clone()).await?;
    // The audit names the note and the student, not its text (that stays in its table).
    state
        .storage
        .append_admin_action(
            AdminAction {
                institution_id: inst,
                kind: "parent_note_written".into(),
                author_id: Some(user.id),
                device_id: Some(auth.session.device_id),
                subject: note.id.to_string(),
                detail: serde_json::json!({"student": note.student_id}),
            },
            now,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view_of(snap, note))))
}

#[utoipa::path(post, path = "/api/v1/diary/notes/{id}/acknowledgement", tag = "diary", security(("bearer" = [])),
    params(("id" = String, Path, description = "Замечание"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "«Ознакомлен» записано (кто, когда); повторное ничего не меняет", body = ParentNoteView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "consent_required", body = ErrorBody),
        (status = 404, description = "Нет такого замечания родителю этого пользователя (note_not_found)", body = ErrorBody)))]
async fn acknowledge(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ParentNoteView>, ApiError> {
    let user = crate::http::signed_in_user(&state, &auth).await?;
    let inst = auth.session.institution_id;
    let id: uuid::Uuid = id.parse().map_err(|_| not_found())?;
    let note = state
        .storage
        .parent_note(inst, id)
        .await?
        .filter(|n| parent_of(&user, n.student_id))
        .ok_or_else(not_found)?;
    crate::diary_routes::require_consent(&state, user.id).await?;
    state
        .storage
        .acknowledge_parent_note(inst, note.id, user.id, state.config.now())
        .await?;
    let note = state
        .storage
        .parent_note(inst, id)
        .await?
        .ok_or_else(not_found)?;
    let cached = state
        .snapshots
        .read(state.storage.as_ref(), inst, state.config.now())
        .await?;
    Ok(Json(view_of(&cached.snapshot, note)))
}

/// The notes part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, write, acknowledge),
    components(schemas(ParentNoteView, NoteAcknowledgement, NewParentNote, ErrorBody))
)]
pub struct ParentNoteApiDoc;
