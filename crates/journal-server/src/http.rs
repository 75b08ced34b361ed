//! The HTTP API under `/api/v1`: routes, the bearer-token and protocol-version checks, and JSON
//! errors `{code, message}` for every failure, including malformed bodies and unknown routes.

use std::sync::OnceLock;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use journal_core::Role;
use journal_protocol::PROTOCOL_VERSION;
use serde::de::DeserializeOwned;
use tower_http::trace::TraceLayer;

use crate::auth::{self, hash_password_blocking, token_hash, verify_password_blocking};
use crate::dto::*;
use crate::error::{ApiError, ErrorBody};
use crate::storage::Session;
use crate::AppState;

/// The router of the whole API.
pub fn app(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    Router::new()
        .route("/api/v1/health", get(health))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/auth/password", post(change_password))
        .route("/api/v1/auth/me", get(me))
        .route("/api/v1/sync/push", post(push))
        .route("/api/v1/sync/pull", get(pull))
        .route("/api/v1/sync/snapshot", get(snapshot))
        .route("/metrics", get(crate::metrics::metrics))
        .merge(crate::print_routes::routes())
        .merge(crate::report_routes::routes())
        .merge(crate::clock_routes::routes())
        .merge(crate::suggestion_routes::routes())
        .merge(crate::help_routes::routes())
        .merge(crate::admin_routes::routes())
        .merge(crate::setup_routes::routes())
        .merge(crate::diary_routes::routes())
        .merge(crate::parent_note_routes::routes())
        .merge(crate::plan_routes::routes())
        .merge(crate::event_routes::routes())
        .merge(crate::control_work_routes::routes())
        .merge(crate::contact_routes::routes())
        .merge(crate::health_routes::routes())
        .merge(crate::device_secret_routes::routes())
        .merge(crate::remark_routes::routes())
        .merge(crate::message_routes::routes())
        .merge(crate::update_routes::routes())
        .fallback(crate::web_app::fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(protocol_version))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(TraceLayer::new_for_http())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::count_requests,
        ))
        .with_state(state)
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Этот метод HTTP не поддерживается по этому адресу",
    )
}

/// Every request but health carries the client's protocol version; an older client is told to
/// update before it can send anything the server would misread.
async fn protocol_version(req: Request, next: Next) -> Response {
    // The console's files (outside /api/) are fetched by a browser, which sends no version; an app
    // too old for this protocol must still fetch its update (`/api/v1/app/`).
    let path = req.uri().path();
    if matches!(path, "/api/v1/health" | "/api/v1/openapi.json")
        || path.starts_with("/api/v1/app/")
        || !(path == "/api" || path.starts_with("/api/"))
    {
        return next.run(req).await;
    }
    let Some(value) = req.headers().get(PROTOCOL_HEADER) else {
        return ApiError::bad_request(
            "protocol_missing",
            format!("Не указана версия протокола (заголовок {PROTOCOL_HEADER})"),
        )
        .into_response();
    };
    let Some(version) = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
    else {
        return ApiError::bad_request("protocol_invalid", "Версия протокола должна быть числом")
            .into_response();
    };
    if version < PROTOCOL_VERSION {
        return ApiError::new(
            StatusCode::UPGRADE_REQUIRED,
            "protocol_outdated",
            format!(
                "Обновите приложение: его версия протокола {version} устарела, сервер работает с версией {PROTOCOL_VERSION}"
            ),
        )
        .into_response();
    }
    if version > PROTOCOL_VERSION {
        return ApiError::bad_request(
            "protocol_unsupported",
            format!(
                "Сервер поддерживает протокол версии {PROTOCOL_VERSION}, а приложение — {version}: обратитесь к администратору для обновления сервера"
            ),
        )
        .into_response();
    }
    next.run(req).await
}

/// A JSON body whose every failure (syntax, unknown or missing field, size, content type) is a JSON
/// error with a code.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(r: JsonRejection) -> ApiError {
    match r {
        JsonRejection::JsonDataError(e) => ApiError::bad_request(
            "invalid_request",
            format!("Запрос не соответствует ожидаемой форме: {}", e.body_text()),
        ),
        JsonRejection::JsonSyntaxError(e) => ApiError::bad_request(
            "malformed_json",
            format!("Тело запроса — не корректный JSON: {}", e.body_text()),
        ),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "json_required",
            "Тело запроса должно быть JSON (Content-Type: application/json)",
        ),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "Тело запроса слишком велико: отправляйте операции частями",
            )
        }
        other => ApiError::bad_request(
            "unreadable_body",
            format!("Не удалось прочитать тело запроса: {}", other.body_text()),
        ),
    }
}

/// Query parameters with JSON errors.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(e @ QueryRejection::FailedToDeserializeQueryString(_)) => {
                Err(ApiError::bad_request(
                    "invalid_query",
                    format!("Неверные параметры запроса: {}", e.body_text()),
                ))
            }
            Err(e) => Err(ApiError::bad_request("invalid_query", e.body_text())),
        }
    }
}

/// Path parameters with JSON errors: an id that is not one names nothing here (404
/// `invalid_path`), as a well-formed id of nothing does.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(e) => Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "invalid_path",
                format!("Неверный адрес: {}", e.body_text()),
            )),
        }
    }
}

/// The signed-in user as they are now, with only the grants in force today (401 if they are gone).
pub(crate) async fn signed_in_user(
    state: &AppState,
    auth: &Authenticated,
) -> Result<journal_protocol::User, ApiError> {
    Ok(signed_in_account(state, auth).await?.user)
}

/// The institution's day now: the server's clock read in the institution's zone (`serve --today`
/// sets the clock for tests). Grants are in force by this day.
pub(crate) async fn institution_today(
    state: &AppState,
    institution_id: journal_core::InstitutionId,
) -> Result<chrono::NaiveDate, ApiError> {
    let clock = crate::clock_routes::institution_clock(state, institution_id).await?;
    let now = state.config.now();
    Ok(crate::authority::local_time(&clock.timezone, now)
        .unwrap_or(now)
        .date())
}

/// The signed-in user's account with only the grants in force today: every permission decision
/// of a route starts here, so an ended role allows nothing and a future one nothing yet.
pub(crate) async fn signed_in_account(
    state: &AppState,
    auth: &Authenticated,
) -> Result<crate::storage::Account, ApiError> {
    let mut account = state
        .storage
        .account_by_id(auth.session.user_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let today = institution_today(state, auth.session.institution_id).await?;
    account.user = account.user.in_force_on(today);
    Ok(account)
}

/// A request with a valid, unexpired bearer token.
pub struct Authenticated {
    pub session: Session,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthorized)?;
        let hash = token_hash(token);
        let session = state
            .storage
            .session(&hash)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        if session.expires_at <= state.config.now() {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "token_expired",
                "Срок действия входа истёк: войдите снова",
            ));
        }
        // Checked here rather than per route, so a route added later is covered too.
        if !allowed_before_password_change(&parts.method, parts.uri.path()) {
            let must_change = state
                .storage
                .account_by_id(session.user_id)
                .await?
                .is_some_and(|a| a.must_change_password);
            if must_change {
                return Err(ApiError::password_change_required());
            }
        }
        Ok(Authenticated {
            session,
            token_hash: hash,
        })
    }
}

/// What a user whose password the administrator gave may do before changing it.
fn allowed_before_password_change(method: &Method, path: &str) -> bool {
    matches!(
        (method.as_str(), path),
        ("POST", "/api/v1/auth/password")
            | ("POST", "/api/v1/auth/device-secret")
            | ("POST", "/api/v1/auth/logout")
            | ("GET", "/api/v1/auth/me")
    )
}

#[utoipa::path(get, path = "/api/v1/health", tag = "service",
    responses((status = 200, description = "Сервер работает", body = Health)))]
async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        protocol: PROTOCOL_VERSION,
    })
}

fn user_info(account: &crate::storage::Account, today: chrono::NaiveDate) -> UserInfo {
    let user = &account.user;
    let mut roles: Vec<journal_core::Role> = Vec::new();
    for g in &user.grants {
        if !roles.contains(&g.role) {
            roles.push(g.role);
        }
    }
    UserInfo {
        id: user.id,
        login: user.login.clone(),
        full_name: user.full_name.clone(),
        roles,
        grants: user.grants.clone(),
        must_change_password: account.must_change_password,
        today: Some(today),
    }
}

/// Refuses the sign-in of a user none of whose roles is in force today: every one ended
/// (`roles_ended`), or none begun yet (`roles_not_started`). Asked after the password checked out,
/// so it tells nothing to someone who does not know it.
fn refuse_no_grant_in_force(
    user: &journal_protocol::User,
    today: chrono::NaiveDate,
) -> Result<(), ApiError> {
    if user.grants.is_empty() || user.grants.iter().any(|g| g.in_force_on(today)) {
        return Ok(());
    }
    let starts = user
        .grants
        .iter()
        .filter_map(|g| g.from.filter(|&from| from > today))
        .min();
    Err(match starts {
        Some(from) => ApiError::new(
            StatusCode::FORBIDDEN,
            "roles_not_started",
            format!(
                "Ваши роли начинают действовать с {}: до этого дня вход невозможен",
                from.format("%d.%m.%Y")
            ),
        ),
        None => ApiError::new(
            StatusCode::FORBIDDEN,
            "roles_ended",
            "Срок действия всех ваших ролей истёк: вход невозможен. Обратитесь к администратору",
        ),
    })
}

/// A hash to check wrong logins against, so an unknown login takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| auth::hash_password("журнал: нет такого пользователя").unwrap_or_default())
}

fn locked_error(until: chrono::NaiveDateTime, now: chrono::NaiveDateTime) -> Response {
    let secs = (until - now).num_seconds().max(1);
    let minutes = (secs + 59) / 60;
    let mut resp = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "login_locked",
        format!("Слишком много неудачных попыток входа: вход временно заблокирован, повторите через {minutes} мин."),
    )
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Вход выполнен", body = LoginResponse),
        (status = 400, description = "Неверный запрос", body = ErrorBody),
        (status = 401, description = "Неверный логин или пароль", body = ErrorBody),
        (status = 403, description = "Учётная запись отключена администратором (user_deactivated), срок всех ролей истёк (roles_ended) или ещё не начался (roles_not_started)", body = ErrorBody),
        (status = 409, description = "Ключ устройства не совпадает", body = ErrorBody),
        (status = 426, description = "Устаревшая версия приложения", body = ErrorBody),
        (status = 429, description = "Вход временно заблокирован", body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let login = req.login.trim().to_string();
    let started = state.config.now();
    let failures = state.storage.login_failures(&login).await?;
    if let Some(until) = failures.locked_until {
        if until > started {
            return Ok(locked_error(until, started));
        }
    }
    let device_key: Option<[u8; 32]> = match &req.device_key {
        None => None,
        Some(k) => Some(
            hex::decode(k.trim())
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_device_key",
                        "Ключ устройства должен быть 32 байтами в шестнадцатеричной записи",
                    )
                })?,
        ),
    };
    let account = state.storage.account_by_login(&login).await?;
    let phc = account
        .as_ref()
        .map(|a| a.password_hash.clone())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| dummy_hash().to_string());
    let ok = verify_password_blocking(req.password.clone(), phc).await && account.is_some();
    let Some(account) = account.filter(|_| ok) else {
        let f = state
            .storage
            .record_login_failure(
                &login,
                state.config.now(),
                state.config.max_failures,
                state.config.lockout,
            )
            .await?;
        // Each failure in a row answers a little later: guessing gets slow before the lockout.
        tokio::time::sleep(state.config.failure_delay * f.count.min(10)).await;
        if let Some(until) = f.locked_until {
            return Ok(locked_error(until, state.config.now()));
        }
        return Err(ApiError::bad_credentials());
    };
    if failures.count > 0 {
        state.storage.clear_login_failures(&login).await?;
    }
    crate::user_routes::refuse_deactivated(&state, account.user.id).await?;
    let today = institution_today(&state, account.institution_id).await?;
    let mut account = account;
    refuse_no_grant_in_force(&account.user, today)?;
    account.user = account.user.in_force_on(today);
    state
        .storage
        .register_device(
            account.institution_id,
            req.device_id,
            account.user.id,
            device_key,
        )
        .await?;
    let token = auth::new_token();
    let issued = state.config.now();
    let expires_at = issued + state.config.token_ttl;
    state
        .storage
        .create_session(
            &token_hash(&token),
            Session {
                institution_id: account.institution_id,
                user_id: account.user.id,
                device_id: req.device_id,
                expires_at,
            },
            issued,
        )
        .await?;
    // A deactivation that committed while this login ran has not ended the new session.
    if let Err(e) = crate::user_routes::refuse_deactivated(&state, account.user.id).await {
        state.storage.delete_session(&token_hash(&token)).await?;
        return Err(e);
    }
    Ok(Json(LoginResponse {
        token,
        expires_at: chrono::DateTime::from_naive_utc_and_offset(expires_at, chrono::Utc),
        user: user_info(&account, today),
    })
    .into_response())
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses((status = 204, description = "Выход выполнен"), (status = 401, body = ErrorBody)))]
async fn logout(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<StatusCode, ApiError> {
    state.storage.delete_session(&auth.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses((status = 200, body = UserInfo), (status = 401, body = ErrorBody)))]
async fn me(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<UserInfo>, ApiError> {
    let account = signed_in_account(&state, &auth).await?;
    let today = institution_today(&state, auth.session.institution_id).await?;
    Ok(Json(user_info(&account, today)))
}

#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", security(("bearer" = [])),
    request_body = PasswordChangeRequest,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses((status = 204, description = "Пароль изменён; другие входы пользователя завершены"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn change_password(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<PasswordChangeRequest>,
) -> Result<StatusCode, ApiError> {
    let account = state
        .storage
        .account_by_id(auth.session.user_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    if !verify_password_blocking(req.old_password, account.password_hash.clone()).await {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "bad_old_password",
            "Текущий пароль указан неверно",
        ));
    }
    if req.new_password.chars().count() < auth::MIN_PASSWORD_CHARS {
        return Err(ApiError::bad_request(
            "password_too_short",
            format!(
                "Новый пароль должен быть не короче {} символов",
                auth::MIN_PASSWORD_CHARS
            ),
        ));
    }
    // A "change" to the same password would clear the forced change without changing anything.
    if verify_password_blocking(req.new_password.clone(), account.password_hash.clone()).await {
        return Err(ApiError::bad_request(
            "password_unchanged",
            "Новый пароль должен отличаться от текущего",
        ));
    }
    let hash = hash_password_blocking(req.new_password).await?;
    state
        .storage
        .set_password(
            account.institution_id,
            account.user.id,
            hash,
            false,
            &auth.token_hash,
            state.config.now(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/sync/push", tag = "sync", security(("bearer" = [])),
    request_body = PushRequest,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента"),
        ("x-journal-device-clock" = Option<String>, Header, description = "Часы устройства при отправке (местное время учреждения, ГГГГ-ММ-ДДTЧЧ:ММ:СС)")),
    responses((status = 200, description = "Ответ на каждую операцию", body = PushResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn push(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: axum::http::HeaderMap,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    if req.ops.len() > state.config.max_ops_per_push {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_ops",
            format!(
                "Слишком много операций в одной отправке: не более {}",
                state.config.max_ops_per_push
            ),
        ));
    }
    // A device clock far from the server's is flagged in the audit (before the ops are applied,
    // so the flag precedes them in the chain).
    if let Some(clock) = crate::clock_routes::device_clock(&headers) {
        crate::clock_routes::flag_push(&state, &auth, clock, &req.ops).await?;
    }
    let started = std::time::Instant::now();
    let cells = crate::mark_notices::cells_of(&req.ops);
    let results = state
        .storage
        .push(auth.session.institution_id, req.ops, state.config.now())
        .await?;
    state.metrics.pushed(&results, started);
    if !cells.is_empty() {
        // In the background: the teacher's push is answered without waiting for the notices.
        let (state, inst, results) = (state.clone(), auth.session.institution_id, results.clone());
        tokio::spawn(async move {
            crate::mark_notices::queue(&state, inst, cells, &results).await;
        });
    }
    Ok(Json(PushResponse { results }))
}

#[utoipa::path(get, path = "/api/v1/sync/pull", tag = "sync", security(("bearer" = [])),
    params(PullQuery, ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses((status = 200, description = "Страница изменений после курсора", body = PullPage),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn pull(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> Result<Json<PullPage>, ApiError> {
    // A cursor is a server_seq, which the database keeps as a signed 64-bit integer.
    if q.after > i64::MAX as u64 {
        return Err(ApiError::bad_request(
            "invalid_after",
            "Курсор синхронизации вне допустимого диапазона",
        ));
    }
    let limit = q.limit.unwrap_or(state.config.default_pull_limit);
    if limit == 0 || limit > state.config.max_pull_limit {
        return Err(ApiError::bad_request(
            "invalid_limit",
            format!(
                "Размер страницы должен быть от 1 до {}",
                state.config.max_pull_limit
            ),
        ));
    }
    let today = institution_today(&state, auth.session.institution_id).await?;
    let mut page = state
        .storage
        .pull(
            auth.session.institution_id,
            auth.session.user_id,
            q.after,
            limit,
            today,
        )
        .await?;
    // The storage's pull keeps the changes of the loads the user reads. A student or a parent
    // reads only part of a load (their own record, lessons within the membership, topics and
    // homework only where the policy shows them): those changes are cut by the same ReadScope as
    // their snapshot. Staff read their loads whole, so their pull needs no snapshot read.
    let user = signed_in_user(&state, &auth).await?;
    page.reference_version = user.reference_version_on(page.reference_version, today);
    let family = user
        .grants
        .iter()
        .any(|g| matches!(g.role, Role::Student | Role::Parent));
    if family && !page.changes.is_empty() {
        let cached = state
            .snapshots
            .read(
                state.storage.as_ref(),
                auth.session.institution_id,
                state.config.now(),
            )
            .await?;
        let full = &cached.snapshot;
        let scope = cached
            .part_for(auth.session.user_id)
            .read_scope(auth.session.user_id);
        let load_of_lesson: std::collections::HashMap<_, _> =
            full.lessons.iter().map(|l| (l.id, l.load_id)).collect();
        page.changes.retain(|c| {
            change_load(&c.payload, &load_of_lesson, full)
                .is_some_and(|load| scope.sees(load, &c.payload))
        });
        // The cursor stays where the storage put it: the changes cut here are past for this user.
    }
    state
        .storage
        .record_given(
            auth.session.institution_id,
            auth.session.user_id,
            q.device.unwrap_or(auth.session.device_id),
            page.next_after,
        )
        .await?;
    Ok(Json(page))
}

/// The load a change belongs to (a lesson's load for lesson values; a remark's load).
fn change_load(
    payload: &journal_protocol::OpPayload,
    load_of_lesson: &std::collections::HashMap<journal_core::LessonId, journal_core::LoadId>,
    full: &journal_protocol::Snapshot,
) -> Option<journal_core::LoadId> {
    use journal_protocol::OpPayload as P;
    match payload {
        P::SetCell { lesson_id, .. }
        | P::SetTopic { lesson_id, .. }
        | P::SetHomework { lesson_id, .. }
        | P::ChangeLesson { lesson_id, .. } => load_of_lesson.get(lesson_id).copied(),
        P::SetFinal { load_id, .. }
        | P::LockPeriod { load_id, .. }
        | P::UnlockPeriod { load_id, .. } => Some(*load_id),
        P::RemarkState { remark } => Some(remark.load_id),
        P::ResolveRemark { remark_id } | P::AnswerRemark { remark_id, .. } => full
            .remarks
            .iter()
            .find(|r| r.id == *remark_id)
            .map(|r| r.load_id),
    }
}

#[utoipa::path(get, path = "/api/v1/sync/snapshot", tag = "sync", security(("bearer" = [])),
    params(SnapshotQuery, ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses((status = 200, description = "Данные пользователя для первой синхронизации", body = SnapshotResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn snapshot(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<SnapshotQuery>,
) -> Result<Json<SnapshotResponse>, ApiError> {
    // The version is read before the snapshot: a reference change landing in between makes the
    // device's next pull name a newer version, so it fetches again rather than missing the change.
    let cached = state
        .snapshots
        .read(
            state.storage.as_ref(),
            auth.session.institution_id,
            state.config.now(),
        )
        .await?;
    let (reference_version, server_seq) = (cached.version.reference_version, cached.server_seq);
    // Told as the pull tells it: moved also by the user's dated roles in force today.
    let today = institution_today(&state, auth.session.institution_id).await?;
    let reference_version = signed_in_user(&state, &auth)
        .await?
        .reference_version_on(reference_version, today);
    state
        .storage
        .record_given(
            auth.session.institution_id,
            auth.session.user_id,
            q.device.unwrap_or(auth.session.device_id),
            server_seq,
        )
        .await?;
    Ok(Json(SnapshotResponse {
        server_seq,
        reference_version,
        snapshot: cached.for_user(auth.session.user_id),
    }))
}

/// The OpenAPI document of this API, generated from the handlers and DTOs above.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "journal-server", description = "API сервера электронного журнала учреждения"),
    paths(health, login, logout, me, change_password, push, pull, snapshot),
    components(schemas(
        Health, LoginRequest, LoginResponse, UserInfo, PasswordChangeRequest, PushRequest,
        PushResponse, OpResult, PullPage, Change, SnapshotResponse, ErrorBody
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi_json() -> Json<serde_json::Value> {
    Json(openapi_document())
}

/// The API's contract as served at `/api/v1/openapi.json`: every route's document merged, then the
/// parts every route shares written once ([`shared_contract`]).
pub fn openapi_document() -> serde_json::Value {
    use utoipa::OpenApi;
    let doc = ApiDoc::openapi()
        .merge_from(crate::print_routes::PrintApiDoc::openapi())
        .merge_from(crate::report_routes::ReportApiDoc::openapi())
        .merge_from(crate::clock_routes::ClockApiDoc::openapi())
        .merge_from(crate::suggestion_routes::SuggestionApiDoc::openapi())
        .merge_from(crate::help_routes::HelpApiDoc::openapi())
        .merge_from(crate::admin_routes::AdminApiDoc::openapi())
        .merge_from(crate::setup_routes::openapi())
        .merge_from(crate::diary_routes::DiaryApiDoc::openapi())
        .merge_from(crate::parent_note_routes::ParentNoteApiDoc::openapi())
        .merge_from(crate::plan_routes::PlanApiDoc::openapi())
        .merge_from(crate::event_routes::EventApiDoc::openapi())
        .merge_from(crate::control_work_routes::ControlWorkApiDoc::openapi())
        .merge_from(crate::contact_routes::ContactApiDoc::openapi())
        .merge_from(crate::health_routes::HealthApiDoc::openapi())
        .merge_from(crate::remark_routes::RemarkApiDoc::openapi())
        .merge_from(crate::message_routes::MessageApiDoc::openapi())
        .merge_from(crate::update_routes::UpdateApiDoc::openapi())
        .merge_from(crate::device_secret_routes::DeviceSecretApiDoc::openapi());
    let mut value = serde_json::to_value(doc).unwrap_or_default();
    shared_contract(&mut value);
    value
}

/// What the middleware answers for every route, written into each operation: the protocol header
/// as `protocol_version` checks it (required, exactly [`PROTOCOL_VERSION`]; otherwise 400
/// `protocol_missing`/`protocol_invalid`/`protocol_unsupported` or 426 `protocol_outdated`), 401
/// where a sign-in is required, and the body refusals of `ApiJson` (413, 415) where a body is taken.
fn shared_contract(doc: &mut serde_json::Value) {
    use serde_json::json;
    let error = |description: &str| {
        json!({
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
        })
    };
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if !matches!(method.as_str(), "get" | "post" | "put" | "delete" | "patch") {
                continue;
            }
            let mut versioned = false;
            if let Some(params) = op.get_mut("parameters").and_then(|p| p.as_array_mut()) {
                for p in params.iter_mut() {
                    if p["in"] == "header" && p["name"] == PROTOCOL_HEADER {
                        p["required"] = json!(true);
                        p["schema"] = json!({"type": "integer", "format": "int32", "enum": [PROTOCOL_VERSION]});
                        versioned = true;
                    }
                }
            }
            let secured = op.get("security").is_some();
            let has_body = op.get("requestBody").is_some();
            let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else {
                continue;
            };
            if versioned {
                responses.entry("400").or_insert_with(|| {
                    error("Ошибка запроса, в том числе версия протокола не указана, не число или новее сервера (protocol_missing, protocol_invalid, protocol_unsupported)")
                });
                responses.entry("426").or_insert_with(|| {
                    error("Приложение устарело: обновите его (protocol_outdated)")
                });
            }
            if secured {
                responses
                    .entry("401")
                    .or_insert_with(|| error("Вход не выполнен или сеанс истёк"));
            }
            if has_body {
                responses
                    .entry("413")
                    .or_insert_with(|| error("Тело запроса слишком велико (body_too_large)"));
                responses
                    .entry("415")
                    .or_insert_with(|| error("Неверный тип тела запроса (json_required)"));
            }
        }
    }
}
