//! Students' and parents' contact data («Контакты»): a student's phone, e-mail and address, and for
//! each parent (legal representative) linked to the student how they are related, their phone and
//! e-mail. Personal data: kept by the server only (never in a device's copy), read and changed by
//! those who keep the student list — the administrator, the deputy and the curator of the student's
//! group (journal-core's `EditStudentRoster`, the curator's scope their own group). Every change is
//! audited by field, without the values.
//!
//! `GET /api/v1/students/{id}/card`, `PUT /api/v1/students/{id}/contacts`,
//! `PUT /api/v1/students/{id}/parents/{user_id}`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use journal_core::{permissions, Action, Role, Scope, StudentId, UserId};
use journal_protocol::{Snapshot, User};
use serde::{Deserialize, Serialize};

use crate::error::{refuse_forbidden_chars, ApiError, ErrorBody};
use crate::http::{ApiJson, ApiPath, Authenticated};
use crate::storage::contacts::{Contact, ContactOf};
use crate::storage::AdminAction;
use crate::AppState;

const MAX_ADDRESS: usize = 300;
const MAX_RELATION: usize = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/students/{id}/card", get(card))
        .route("/api/v1/students/{id}/contacts", put(set_student))
        .route("/api/v1/students/{id}/parents/{user_id}", put(set_parent))
}

/// A student's own contact data.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StudentContacts {
    /// «+7 912 345-67-89»; empty: not given.
    pub phone: String,
    pub email: String,
    pub address: String,
}

/// A parent's contact data kept for one child.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ParentContacts {
    /// «мать», «отец», «опекун»…
    pub relation: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ParentCard {
    #[schema(value_type = String, format = "uuid")]
    pub user_id: UserId,
    pub full_name: String,
    pub login: String,
    pub contacts: ParentContacts,
}

/// What the curator's card of a student shows.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StudentCard {
    #[schema(value_type = String, format = "uuid")]
    pub student_id: StudentId,
    pub full_name: String,
    /// The student's current groups.
    pub groups: Vec<String>,
    pub contacts: StudentContacts,
    /// The parents (legal representatives) with an account linked to the student.
    pub parents: Vec<ParentCard>,
    /// When the card last changed.
    pub updated_at: Option<DateTime<Utc>>,
}

fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "student_not_found",
        "Такого обучающегося нет",
    )
}

fn bad(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad_request(code, message)
}

/// Whether the caller keeps this student's list: journal-core's `EditStudentRoster`, in the scope
/// of the student's current group for a curator.
fn may_keep(user: &User, student: StudentId, snap: &Snapshot, today: chrono::NaiveDate) -> bool {
    user.grants.iter().any(|g| {
        let own_group = g.role == Role::Curator
            && snap.memberships.iter().any(|m| {
                m.student_id == student
                    && Some(m.group_id) == g.group_id
                    && m.from <= today
                    && m.to.is_none_or(|t| today <= t)
            });
        let scope = if own_group {
            Scope::OwnGroup
        } else {
            Scope::Institution
        };
        permissions::check(
            g.role,
            Action::EditStudentRoster,
            scope,
            &snap.institution.policy,
        )
        .is_ok()
    })
}

fn phone_checked(v: &str, what: &str) -> Result<String, ApiError> {
    let v = v.trim();
    refuse_forbidden_chars(v, what)?;
    if v.is_empty() {
        return Ok(String::new());
    }
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = v
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
    if !allowed || !(5..=15).contains(&digits) {
        return Err(bad(
            "invalid_phone",
            format!("{what}: номер из 5–15 цифр, например +7 912 345-67-89"),
        ));
    }
    Ok(v.to_string())
}

pub(crate) fn email_checked(v: &str, what: &str) -> Result<String, ApiError> {
    let v = v.trim();
    refuse_forbidden_chars(v, what)?;
    if v.is_empty() {
        return Ok(String::new());
    }
    let ok = v.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
    }) && !v.contains(char::is_whitespace)
        && v.chars().count() <= 200;
    if !ok {
        return Err(bad(
            "invalid_email",
            format!("{what}: адрес вида имя@домен.ru"),
        ));
    }
    Ok(v.to_string())
}

fn text_checked(v: &str, what: &str, max: usize) -> Result<String, ApiError> {
    let v = v.trim();
    refuse_forbidden_chars(v, what)?;
    if v.chars().count() > max {
        return Err(bad(
            "invalid_contact",
            format!("{what}: не длиннее {max} символов"),
        ));
    }
    Ok(v.to_string())
}

/// The caller, the institution and today, once the caller may keep the student's list.
async fn context(
    state: &AppState,
    auth: &Authenticated,
    student: StudentId,
) -> Result<(User, std::sync::Arc<Snapshot>), ApiError> {
    let user = crate::http::signed_in_user(state, auth).await?;
    let snap = state
        .snapshots
        .read(
            state.storage.as_ref(),
            auth.session.institution_id,
            state.config.now(),
        )
        .await?
        .snapshot;
    if !snap.students.iter().any(|s| s.id == student) {
        return Err(not_found());
    }
    let now = state.config.now();
    let today = crate::authority::local_time(&snap.institution.timezone, now)
        .unwrap_or(now)
        .date();
    if !may_keep(&user, student, &snap, today) {
        return Err(ApiError::forbidden(
            "Контакты обучающихся и их родителей ведут администратор, заместитель директора и куратор группы",
        ));
    }
    Ok((user, snap))
}

/// The student's parents: users with a parent's grant for them.
fn parents_of(snap: &Snapshot, student: StudentId) -> Vec<&User> {
    let mut out: Vec<&User> = snap
        .users
        .iter()
        .filter(|u| {
            u.grants
                .iter()
                .any(|g| g.role == Role::Parent && g.student_id == Some(student))
        })
        .collect();
    out.sort_by(|a, b| a.full_name.cmp(&b.full_name));
    out
}

async fn card_of(
    state: &AppState,
    institution: journal_core::InstitutionId,
    snap: &Snapshot,
    student: StudentId,
) -> Result<StudentCard, ApiError> {
    let rows = state.storage.contacts_of(institution, student).await?;
    let own = rows.iter().find(|c| c.of == ContactOf::Student);
    let name = snap
        .students
        .iter()
        .find(|s| s.id == student)
        .map(|s| s.full_name())
        .unwrap_or_default();
    let now = state.config.now();
    let today = crate::authority::local_time(&snap.institution.timezone, now)
        .unwrap_or(now)
        .date();
    let groups = snap
        .memberships
        .iter()
        .filter(|m| m.student_id == student && m.from <= today && m.to.is_none_or(|t| today <= t))
        .filter_map(|m| snap.groups.iter().find(|g| g.id == m.group_id))
        .map(|g| g.name.clone())
        .collect();
    let parents = parents_of(snap, student)
        .into_iter()
        .map(|u| {
            let c = rows.iter().find(|c| c.of == ContactOf::Parent(u.id));
            ParentCard {
                user_id: u.id,
                full_name: u.full_name.clone(),
                login: u.login.clone(),
                contacts: ParentContacts {
                    relation: c.map(|c| c.relation.clone()).unwrap_or_default(),
                    phone: c.map(|c| c.phone.clone()).unwrap_or_default(),
                    email: c.map(|c| c.email.clone()).unwrap_or_default(),
                },
            }
        })
        .collect();
    Ok(StudentCard {
        student_id: student,
        full_name: name,
        groups,
        contacts: StudentContacts {
            phone: own.map(|c| c.phone.clone()).unwrap_or_default(),
            email: own.map(|c| c.email.clone()).unwrap_or_default(),
            address: own.map(|c| c.address.clone()).unwrap_or_default(),
        },
        parents,
        updated_at: rows
            .iter()
            .map(|c| c.updated_at)
            .max()
            .map(|t| DateTime::from_naive_utc_and_offset(t, Utc)),
    })
}

#[utoipa::path(get, path = "/api/v1/students/{id}/card", tag = "admin", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Обучающийся"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Контакты обучающегося и его родителей", body = StudentCard),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Контакты ведут администратор, заместитель и куратор группы", body = ErrorBody),
        (status = 404, description = "student_not_found, invalid_path", body = ErrorBody)))]
async fn card(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(id): ApiPath<uuid::Uuid>,
) -> Result<Json<StudentCard>, ApiError> {
    let student = StudentId(id);
    let (_, snap) = context(&state, &auth, student).await?;
    Ok(Json(
        card_of(&state, auth.session.institution_id, &snap, student).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/students/{id}/contacts", tag = "admin", security(("bearer" = [])),
    request_body = StudentContacts,
    params(("id" = uuid::Uuid, Path, description = "Обучающийся"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Контакты сохранены", body = StudentCard),
        (status = 400, description = "invalid_phone, invalid_email, invalid_contact, forbidden_character; ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "student_not_found, invalid_path", body = ErrorBody)))]
async fn set_student(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(id): ApiPath<uuid::Uuid>,
    ApiJson(body): ApiJson<StudentContacts>,
) -> Result<Json<StudentCard>, ApiError> {
    let student = StudentId(id);
    let (user, snap) = context(&state, &auth, student).await?;
    let contact = Contact {
        of: ContactOf::Student,
        student_id: student,
        relation: String::new(),
        phone: phone_checked(&body.phone, "Телефон")?,
        email: email_checked(&body.email, "Электронная почта")?,
        address: text_checked(&body.address, "Адрес", MAX_ADDRESS)?,
        updated_at: state.config.now(),
        updated_by: user.id,
    };
    save(&state, &auth, &snap, contact, "обучающийся").await
}

#[utoipa::path(put, path = "/api/v1/students/{id}/parents/{user_id}", tag = "admin", security(("bearer" = [])),
    request_body = ParentContacts,
    params(("id" = uuid::Uuid, Path, description = "Обучающийся"),
        ("user_id" = uuid::Uuid, Path, description = "Родитель (законный представитель) обучающегося"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Контакты родителя сохранены", body = StudentCard),
        (status = 400, description = "invalid_phone, invalid_email, invalid_contact, forbidden_character; ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "student_not_found, parent_not_found, invalid_path", body = ErrorBody)))]
async fn set_parent(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath((id, parent)): ApiPath<(uuid::Uuid, uuid::Uuid)>,
    ApiJson(body): ApiJson<ParentContacts>,
) -> Result<Json<StudentCard>, ApiError> {
    let student = StudentId(id);
    let (user, snap) = context(&state, &auth, student).await?;
    let parent = UserId(parent);
    if !parents_of(&snap, student).iter().any(|u| u.id == parent) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "parent_not_found",
            "Этот пользователь не родитель (законный представитель) обучающегося",
        ));
    }
    let contact = Contact {
        of: ContactOf::Parent(parent),
        student_id: student,
        relation: text_checked(&body.relation, "Кем приходится", MAX_RELATION)?,
        phone: phone_checked(&body.phone, "Телефон")?,
        email: email_checked(&body.email, "Электронная почта")?,
        address: String::new(),
        updated_at: state.config.now(),
        updated_by: user.id,
    };
    save(&state, &auth, &snap, contact, "родитель").await
}

/// Writes the row, audits which fields changed (not their values: personal data), answers the card.
async fn save(
    state: &AppState,
    auth: &Authenticated,
    snap: &Snapshot,
    contact: Contact,
    whose: &str,
) -> Result<Json<StudentCard>, ApiError> {
    let inst = auth.session.institution_id;
    let before = state
        .storage
        .contacts_of(inst, contact.student_id)
        .await?
        .into_iter()
        .find(|c| c.of == contact.of);
    let field = |name: &str, old: Option<&str>, new: &str| {
        (old.unwrap_or_default() != new).then(|| name.to_string())
    };
    let changed: Vec<String> = [
        field(
            "relation",
            before.as_ref().map(|c| c.relation.as_str()),
            &contact.relation,
        ),
        field(
            "phone",
            before.as_ref().map(|c| c.phone.as_str()),
            &contact.phone,
        ),
        field(
            "email",
            before.as_ref().map(|c| c.email.as_str()),
            &contact.email,
        ),
        field(
            "address",
            before.as_ref().map(|c| c.address.as_str()),
            &contact.address,
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    let student = contact.student_id;
    if !changed.is_empty() {
        let person = match contact.of {
            ContactOf::Student => student.to_string(),
            ContactOf::Parent(u) => u.to_string(),
        };
        state.storage.set_contact(inst, contact).await?;
        state
            .storage
            .append_admin_action(
                AdminAction {
                    institution_id: inst,
                    kind: "contacts_changed".into(),
                    author_id: Some(auth.session.user_id),
                    device_id: Some(auth.session.device_id),
                    subject: student.to_string(),
                    detail: serde_json::json!({"whose": whose, "person": person, "fields": changed}),
                },
                state.config.now(),
            )
            .await?;
    }
    Ok(Json(card_of(state, inst, snap, student).await?))
}

/// The contacts part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(card, set_student, set_parent),
    components(schemas(StudentCard, StudentContacts, ParentContacts, ParentCard, ErrorBody))
)]
pub struct ContactApiDoc;
