//! Year setup over HTTP, under `/api/v1/admin/…`: so far the accounts — create a user with their
//! roles and first password, and reset a user's password (which ends their sessions). Who may do it
//! is journal-core's `check_grant` for every role concerned ([`crate::grant_routes`]): the
//! administrator anyone, HR the staff, a curator their group's students and parents.
//! Every action is appended to the audit chain with the administrator as its author.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use journal_core::UserId;
use journal_protocol::{RoleGrant, User};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::{self, hash_password_blocking};
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, Authenticated};
use crate::storage::AdminAction;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/users", post(create_user))
        .route("/api/v1/admin/users/{id}/password", post(reset_password))
}

/// A new account.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub login: String,
    /// Full name, never initials: «Иванова Мария Петровна».
    pub full_name: String,
    /// Roles: `{"role": "teacher"}`, `{"role": "curator", "group_id": …}`, …
    #[schema(value_type = Vec<Object>)]
    pub grants: Vec<RoleGrant>,
    /// The first password (the user changes it at their first sign-in).
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreatedUser {
    #[schema(value_type = String, format = "uuid")]
    pub id: UserId,
}

/// A password reset: with `new_password` the administrator chose it; without (`{}`) the server
/// generates one.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    #[serde(default)]
    pub new_password: Option<String>,
}

/// The password now in force, to hand to the user (who must change it at their next sign-in).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResetPassword {
    pub password: String,
}

fn check_password(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < auth::MIN_PASSWORD_CHARS {
        return Err(ApiError::bad_request(
            "password_too_short",
            format!(
                "Пароль должен быть не короче {} символов",
                auth::MIN_PASSWORD_CHARS
            ),
        ));
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin", security(("bearer" = [])),
    request_body = NewUser,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 201, description = "Пользователь создан", body = CreatedUser),
        (status = 400, description = "Неверные данные; роль студента или родителя без существующего студента (grant_student_id_required, grant_student_id_unknown), куратора без существующей группы (grant_group_id_required, grant_group_id_unknown), окончание роли раньше начала (grant_term_reversed)", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Нет права, или эту роль назначает другой (grant_not_allowed): отдел кадров — сотрудников, куратор — студентов и родителей своей группы, директор и администратор — администратора", body = ErrorBody),
        (status = 409, description = "Логин уже занят", body = ErrorBody)))]
async fn create_user(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<CreatedUser>), ApiError> {
    let admin = crate::grant_routes::granter(&state, &auth).await?;
    let login = req.login.trim().to_string();
    let full_name = req.full_name.trim().to_string();
    if login.is_empty() || login.chars().any(char::is_whitespace) {
        return Err(ApiError::bad_request(
            "invalid_login",
            "Логин не может быть пустым или содержать пробелы",
        ));
    }
    crate::error::refuse_forbidden_chars(&login, "Логин")?;
    crate::error::refuse_forbidden_chars(&full_name, "ФИО")?;
    if full_name.split_whitespace().count() < 2 {
        return Err(ApiError::bad_request(
            "invalid_full_name",
            "Укажите фамилию и имя полностью",
        ));
    }
    if req.grants.is_empty() {
        return Err(ApiError::bad_request(
            "no_roles",
            "У пользователя должна быть хотя бы одна роль",
        ));
    }
    check_password(&req.password)?;
    if state.storage.account_by_login(&login).await?.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "login_taken",
            format!("Логин «{login}» уже занят"),
        ));
    }
    let hash = hash_password_blocking(req.password).await?;
    let inst = auth.session.institution_id;
    let user = User {
        id: UserId(Uuid::now_v7()),
        login: login.clone(),
        full_name,
        grants: req.grants,
    };
    let now = state.config.now();
    let _turn = crate::admin_access::reference_change_turn(&state, inst).await?;
    let (mut snapshot, _) = state.storage.snapshot(inst).await?;
    crate::grant_routes::check_grants(&user.grants, &snapshot)?;
    // HR creates staff, a curator their group's students and parents: journal-core decides per role.
    let today = crate::http::institution_today(&state, inst).await?;
    for g in &user.grants {
        crate::grant_routes::check_may_give(&admin.user, g, &snapshot, today)?;
    }
    snapshot.users.push(user.clone());
    state
        .storage
        .apply_reference(
            snapshot,
            AdminAction {
                institution_id: inst,
                kind: "user_created".into(),
                author_id: Some(admin.user.id),
                device_id: Some(auth.session.device_id),
                subject: user.id.to_string(),
                detail: serde_json::json!({"login": login, "grants": user.grants}),
            },
            now,
        )
        .await?;
    // No session of the new user exists yet: nothing to keep. The administrator knows this
    // password, so the user must replace it at the first sign-in.
    state
        .storage
        .set_password(inst, user.id, hash, true, "", now)
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedUser { id: user.id })))
}

#[utoipa::path(post, path = "/api/v1/admin/users/{id}/password", tag = "admin", security(("bearer" = [])),
    request_body = PasswordReset,
    params(("id" = String, Path, description = "Пользователь"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Пароль заменён (пользователь сменит его при следующем входе), все сеансы пользователя завершены", body = ResetPassword),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Нет права, пользователь не в ведении вызывающего (grant_not_allowed), или свой пароль (own_password_via_admin)", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn reset_password(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PasswordReset>,
) -> Result<Json<ResetPassword>, ApiError> {
    let admin = crate::grant_routes::granter(&state, &auth).await?;
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_user",
            "Такого пользователя в учреждении нет",
        )
    };
    let user_id: UserId = id.parse().map_err(|_| not_found())?;
    let inst = auth.session.institution_id;
    let target = state
        .storage
        .account_by_id(user_id)
        .await?
        .filter(|a| a.institution_id == inst)
        .ok_or_else(not_found)?;
    // Only a user the caller keeps (every role of theirs one the caller may give).
    let today = crate::http::institution_today(&state, inst).await?;
    let (snapshot, _) = state.storage.snapshot(inst).await?;
    for g in &target.user.grants {
        crate::grant_routes::check_may_give(&admin.user, g, &snapshot, today)?;
    }
    // A reset forces a change at the next sign-in; one's own password is changed knowing the old one.
    if target.user.id == admin.user.id {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "own_password_via_admin",
            "Свой пароль меняют через смену пароля, а не через сброс",
        ));
    }
    let password = match req.new_password {
        Some(p) => {
            check_password(&p)?;
            p
        }
        None => auth::generate_password(),
    };
    let hash = hash_password_blocking(password.clone()).await?;
    let now = state.config.now();
    state
        .storage
        .append_admin_action(
            AdminAction {
                institution_id: inst,
                kind: "password_reset".into(),
                author_id: Some(admin.user.id),
                device_id: Some(auth.session.device_id),
                subject: target.user.id.to_string(),
                detail: serde_json::json!({"login": target.user.login}),
            },
            now,
        )
        .await?;
    // Ends every session of the user (an empty token hash matches none).
    state
        .storage
        .set_password(inst, target.user.id, hash, true, "", now)
        .await?;
    Ok(Json(ResetPassword { password }))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(create_user, reset_password),
    components(schemas(NewUser, CreatedUser, PasswordReset, ResetPassword))
)]
pub struct AdminApiDoc;
