//! Users' state over HTTP: the administrator lists the institution's users with their roles and
//! whether they are active (`GET /api/v1/admin/users`), deactivates a user — who can no longer sign
//! in, whose sessions end at once, and whose past entries keep their authorship — and reactivates
//! them. Journal-core's `ManageUsers` decides who may; every change is audited.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::NaiveDateTime;
use journal_core::{Action, DeviceId, Role, UserId};
use journal_protocol::RoleGrant;
use serde::{Deserialize, Serialize};

use crate::admin_access::permitted;
use crate::error::{ApiError, ErrorBody};
use crate::http::Authenticated;
use crate::storage::{Account, AdminAction, Storage};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/users", get(list_users))
        .route("/api/v1/admin/users/{id}/deactivate", post(deactivate))
        .route("/api/v1/admin/users/{id}/reactivate", post(reactivate))
        .route("/api/v1/admin/users/{id}/email", put(set_email))
}

const REFUSAL: &str = "Учётными записями пользователей управляет администратор";

/// A user as the administrator sees them.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserListItem {
    #[schema(value_type = String, format = "uuid")]
    pub id: UserId,
    pub login: String,
    pub full_name: String,
    /// Distinct roles, in the order granted.
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<Role>,
    #[schema(value_type = Vec<Object>)]
    pub grants: Vec<RoleGrant>,
    /// Whether the user may sign in.
    pub active: bool,
    /// When the user was deactivated (UTC).
    pub deactivated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Whether a password is set (an imported user has none until the administrator sets one).
    pub has_password: bool,
    /// The user has not yet changed the password the administrator gave.
    pub must_change_password: bool,
    /// A staff member's e-mail for notices of new messages (kept by the administrator, never sent
    /// to a device); `None` when not kept.
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserList {
    pub users: Vec<UserListItem>,
    /// The institution's groups by name: what a curator's grant names (HR, who reads no journal,
    /// gives curators their group from here).
    #[serde(default)]
    pub groups: Vec<GroupName>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GroupName {
    #[schema(value_type = String, format = "uuid")]
    pub id: journal_core::GroupId,
    pub name: String,
}

/// Refuses a deactivated user's sign-in (called by the login after the password checked out).
pub(crate) async fn refuse_deactivated(state: &AppState, user_id: UserId) -> Result<(), ApiError> {
    if state.storage.user_deactivated_at(user_id).await?.is_some() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "user_deactivated",
            "Учётная запись отключена администратором: вход невозможен",
        ));
    }
    Ok(())
}

/// The user `id` of the caller's institution, or 404.
async fn target_user(
    state: &AppState,
    auth: &Authenticated,
    id: &str,
) -> Result<Account, ApiError> {
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_user",
            "Такого пользователя в учреждении нет",
        )
    };
    let user_id: UserId = id.parse().map_err(|_| not_found())?;
    state
        .storage
        .account_by_id(user_id)
        .await?
        .filter(|a| a.institution_id == auth.session.institution_id)
        .ok_or_else(not_found)
}

#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Пользователи учреждения с ролями и состоянием", body = UserList),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_users(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<UserList>, ApiError> {
    let caller = crate::grant_routes::granter(&state, &auth).await?;
    let inst = auth.session.institution_id;
    let records = state.storage.user_records(inst).await?;
    // The administrator sees everyone; HR the staff, a curator their group's students and
    // parents: the users whose every role they may give.
    let everyone = permitted(&state, &auth, &[Action::ManageUsers], REFUSAL)
        .await
        .is_ok();
    let (snapshot, _) = state.storage.snapshot(inst).await?;
    let today = crate::http::institution_today(&state, inst).await?;
    let groups = snapshot
        .groups
        .iter()
        .map(|g| GroupName {
            id: g.id,
            name: g.name.clone(),
        })
        .collect();
    let emails: std::collections::HashMap<UserId, String> = state
        .storage
        .user_settings(inst, crate::storage::user_settings::EMAIL)
        .await?
        .into_iter()
        .collect();
    let users = records
        .into_iter()
        .filter(|r| everyone || crate::grant_routes::keeps(&caller.user, &r.user, &snapshot, today))
        .map(|r| {
            let mut roles: Vec<Role> = Vec::new();
            for g in &r.user.grants {
                if !roles.contains(&g.role) {
                    roles.push(g.role);
                }
            }
            UserListItem {
                id: r.user.id,
                login: r.user.login,
                full_name: r.user.full_name,
                roles,
                grants: r.user.grants,
                active: r.deactivated_at.is_none(),
                deactivated_at: r
                    .deactivated_at
                    .map(|t| chrono::DateTime::from_naive_utc_and_offset(t, chrono::Utc)),
                has_password: r.has_password,
                must_change_password: r.must_change_password,
                email: emails.get(&r.user.id).cloned(),
            }
        })
        .collect();
    Ok(Json(UserList { users, groups }))
}

/// Deactivates (or, with `active`, reactivates) `target` with an audit entry by `author` (a
/// signed-in administrator and their device; `None`: the server's command line). Refused with 409
/// when the user is already in that state. The HTTP endpoints and `journal-server deactivate` /
/// `reactivate` both come here.
pub async fn change_user_state(
    storage: &dyn Storage,
    target: &Account,
    active: bool,
    author: Option<(UserId, DeviceId)>,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let deactivated = storage.user_deactivated_at(target.user.id).await?.is_some();
    if deactivated != active {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            if active {
                "user_already_active"
            } else {
                "user_already_inactive"
            },
            if active {
                "Учётная запись уже включена"
            } else {
                "Учётная запись уже отключена"
            },
        ));
    }
    storage
        .set_user_active(
            target.user.id,
            active,
            AdminAction {
                institution_id: target.institution_id,
                kind: if active {
                    "user_reactivated"
                } else {
                    "user_deactivated"
                }
                .into(),
                author_id: author.map(|(u, _)| u),
                device_id: author.map(|(_, d)| d),
                subject: target.user.id.to_string(),
                detail: serde_json::json!({"login": target.user.login}),
            },
            now,
        )
        .await?;
    Ok(())
}

async fn set_active(
    state: AppState,
    auth: Authenticated,
    id: String,
    active: bool,
) -> Result<StatusCode, ApiError> {
    let admin = crate::grant_routes::granter(&state, &auth).await?;
    let target = target_user(&state, &auth, &id).await?;
    // Only a user the caller keeps: HR deactivates staff, not students, parents or the director.
    let inst = auth.session.institution_id;
    let today = crate::http::institution_today(&state, inst).await?;
    let (snapshot, _) = state.storage.snapshot(inst).await?;
    for g in &target.user.grants {
        crate::grant_routes::check_may_give(&admin.user, g, &snapshot, today)?;
    }
    if !active && target.user.id == admin.user.id {
        return Err(ApiError::bad_request(
            "cannot_deactivate_self",
            "Администратор не может отключить собственную учётную запись",
        ));
    }
    change_user_state(
        state.storage.as_ref(),
        &target,
        active,
        Some((admin.user.id, auth.session.device_id)),
        state.config.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/admin/users/{id}/deactivate", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Пользователь"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 204, description = "Учётная запись отключена, все сеансы пользователя завершены; его записи в журнале сохраняют авторство"),
        (status = 400, description = "Администратор не отключает сам себя", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Уже отключена", body = ErrorBody)))]
async fn deactivate(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_active(state, auth, id, false).await
}

#[utoipa::path(post, path = "/api/v1/admin/users/{id}/reactivate", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Пользователь"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 204, description = "Учётная запись снова включена"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Уже включена", body = ErrorBody)))]
async fn reactivate(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_active(state, auth, id, true).await
}

/// `PUT /api/v1/admin/users/{id}/email`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StaffEmail {
    /// The address; empty removes it.
    pub email: String,
}

/// Whether the user works at the institution (any role but a student's or a parent's).
fn is_staff(user: &journal_protocol::User) -> bool {
    user.grants
        .iter()
        .any(|g| !matches!(g.role, Role::Student | Role::Parent))
}

#[utoipa::path(put, path = "/api/v1/admin/users/{id}/email", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Сотрудник"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    request_body = StaffEmail,
    responses(
        (status = 200, description = "Адрес сохранён (пустой — удалён)", body = StaffEmail),
        (status = 400, description = "invalid_email, email_not_staff, forbidden_character; ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn set_email(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    crate::http::ApiJson(body): crate::http::ApiJson<StaffEmail>,
) -> Result<Json<StaffEmail>, ApiError> {
    permitted(&state, &auth, &[Action::ManageUsers], REFUSAL).await?;
    let target = target_user(&state, &auth, &id).await?;
    let email = crate::contact_routes::email_checked(&body.email, "Электронная почта")?;
    if !is_staff(&target.user) {
        return Err(ApiError::bad_request(
            "email_not_staff",
            "Адрес студента или родителя хранится в контактах, которые ведёт куратор группы",
        ));
    }
    let inst = auth.session.institution_id;
    let key = crate::storage::user_settings::EMAIL;
    let before = state
        .storage
        .user_setting(inst, target.user.id, key)
        .await?;
    if before.as_deref().unwrap_or_default() != email {
        let now = state.config.now();
        state
            .storage
            .set_user_setting(
                inst,
                target.user.id,
                key,
                (!email.is_empty()).then(|| email.clone()),
                auth.session.user_id,
                now,
            )
            .await?;
        // The audit names the change, not the address (personal data stays in its table).
        state
            .storage
            .append_admin_action(
                AdminAction {
                    institution_id: inst,
                    kind: "staff_email_changed".into(),
                    author_id: Some(auth.session.user_id),
                    device_id: Some(auth.session.device_id),
                    subject: target.user.id.to_string(),
                    detail: serde_json::json!({"login": target.user.login, "kept": !email.is_empty()}),
                },
                now,
            )
            .await?;
    }
    Ok(Json(StaffEmail { email }))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list_users, deactivate, reactivate, set_email),
    components(schemas(UserList, UserListItem, GroupName, StaffEmail))
)]
pub struct UserApiDoc;
