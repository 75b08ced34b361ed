//! An institution's own mail server (issue 12): in a region one server serves many institutions,
//! and each administrator keeps the mail server its letters go out through (host, port, security,
//! login, password, sender). `GET /api/v1/admin/smtp` answers the setting without the password
//! (only whether one is kept), `PUT` keeps it (a missing password keeps the kept one), `DELETE`
//! goes back to the server's `--smtp`, `POST /api/v1/admin/smtp/test` sends a test letter and
//! answers the mail server's refusal in Russian. Only the administrator (journal-core `Backup`,
//! the technical role's action); every change is audited without the password.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use journal_core::Action;
use serde::{Deserialize, Serialize};

use crate::admin_access::permitted;
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, Authenticated};
use crate::notice::{Outgoing, SmtpSecurity, SmtpSetting};
use crate::storage::AdminAction;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/admin/smtp",
            get(read_smtp).put(set_smtp).delete(remove_smtp),
        )
        .route("/api/v1/admin/smtp/test", post(test_smtp))
}

const REFUSAL: &str = "Почтовый сервер учреждения настраивает администратор";

/// What the console shows: the institution's own mail server, never its password.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SmtpView {
    /// The institution keeps its own mail server; otherwise its letters use the server's default.
    pub own: bool,
    /// The server has a default mail server (`serve --smtp`).
    pub default_set: bool,
    pub host: String,
    pub port: u16,
    /// none, starttls, tls
    pub security: String,
    pub login: String,
    /// A password is kept (it is never answered).
    pub password_set: bool,
    pub sender: String,
}

/// The setting as the administrator sends it (no `Debug`: it may carry the password).
#[derive(Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmtpBody {
    pub host: String,
    pub port: u32,
    /// none, starttls, tls
    pub security: String,
    /// Empty: the mail server takes letters without signing in.
    #[serde(default)]
    pub login: String,
    /// A new password; absent or null keeps the kept one.
    #[serde(default)]
    pub password: Option<String>,
    pub sender: String,
}

/// The test letter's recipient.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmtpTestBody {
    pub to: String,
}

/// The test letter went out.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SmtpTestSent {
    pub to: String,
    /// Through the institution's own mail server (else the server's default).
    pub own: bool,
}

/// A refused setting or test; nothing is changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmtpError {
    #[error("Укажите адрес почтового сервера (имя или IP, без пробелов)")]
    BadHost,
    #[error("Порт почтового сервера — число от 1 до 65535")]
    BadPort,
    #[error("Защита соединения: «none», «starttls» или «tls»")]
    BadSecurity,
    #[error("Адрес отправителя «{0}» не является адресом электронной почты")]
    BadSender(String),
    #[error("Адрес получателя «{0}» не является адресом электронной почты")]
    BadRecipient(String),
    #[error("Логин и пароль — не длиннее 256 знаков, без управляющих символов")]
    BadCredentials,
    #[error("Укажите пароль: с логином почтовый сервер его спросит")]
    PasswordMissing,
    #[error("Почтовый сервер не задан ни для учреждения, ни для всего сервера")]
    NotSet,
    #[error("Тестовое письмо не отправлено: {0}")]
    NotSent(#[from] crate::notice::SendError),
}

impl SmtpError {
    pub fn code(&self) -> &'static str {
        match self {
            SmtpError::BadHost => "smtp_bad_host",
            SmtpError::BadPort => "smtp_bad_port",
            SmtpError::BadSecurity => "smtp_bad_security",
            SmtpError::BadSender(_) => "smtp_bad_sender",
            SmtpError::BadRecipient(_) => "smtp_bad_recipient",
            SmtpError::BadCredentials => "smtp_bad_credentials",
            SmtpError::PasswordMissing => "smtp_password_missing",
            SmtpError::NotSet => "smtp_not_set",
            SmtpError::NotSent(e) => e.code(),
        }
    }

    /// The HTTP status it is answered with.
    fn status(&self) -> StatusCode {
        match self {
            SmtpError::NotSet => StatusCode::CONFLICT,
            SmtpError::NotSent(_) => StatusCode::BAD_GATEWAY,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl From<SmtpError> for ApiError {
    fn from(e: SmtpError) -> Self {
        ApiError::new(e.status(), e.code(), e.to_string())
    }
}

fn security_of(text: &str) -> Result<SmtpSecurity, SmtpError> {
    match text {
        "none" => Ok(SmtpSecurity::None),
        "starttls" => Ok(SmtpSecurity::StartTls),
        "tls" => Ok(SmtpSecurity::Tls),
        _ => Err(SmtpError::BadSecurity),
    }
}

fn view_of(own: Option<&SmtpSetting>, default_set: bool) -> SmtpView {
    match own {
        Some(s) => SmtpView {
            own: true,
            default_set,
            host: s.host.clone(),
            port: s.port,
            security: crate::storage::smtp_settings::security_text(s.security).into(),
            login: s.login.clone(),
            password_set: !s.password.is_empty(),
            sender: s.sender.clone(),
        },
        None => SmtpView {
            own: false,
            default_set,
            host: String::new(),
            port: 587,
            security: "starttls".into(),
            login: String::new(),
            password_set: false,
            sender: String::new(),
        },
    }
}

fn plain(text: &str) -> bool {
    text.chars().count() <= 256 && !text.chars().any(char::is_control)
}

/// The setting `body` asks for, the kept password where it sends none.
fn checked(body: SmtpBody, kept: Option<&SmtpSetting>) -> Result<SmtpSetting, SmtpError> {
    let host = body.host.trim().to_string();
    if host.is_empty()
        || host.len() > 253
        || host
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | '@' | ':'))
    {
        return Err(SmtpError::BadHost);
    }
    let port = u16::try_from(body.port)
        .ok()
        .filter(|p| *p > 0)
        .ok_or(SmtpError::BadPort)?;
    let security = security_of(&body.security)?;
    let sender = body.sender.trim().to_string();
    if sender.parse::<lettre::Address>().is_err() {
        return Err(SmtpError::BadSender(sender));
    }
    let login = body.login.trim().to_string();
    let password = match body.password {
        Some(p) => p,
        None => kept.map(|k| k.password.clone()).unwrap_or_default(),
    };
    if !plain(&login) || !plain(&password) {
        return Err(SmtpError::BadCredentials);
    }
    if !login.is_empty() && password.is_empty() {
        return Err(SmtpError::PasswordMissing);
    }
    Ok(SmtpSetting {
        host,
        port,
        security,
        login,
        password,
        sender,
    })
}

#[utoipa::path(get, path = "/api/v1/admin/smtp", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Почтовый сервер учреждения (без пароля)", body = SmtpView),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn read_smtp(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<SmtpView>, ApiError> {
    permitted(&state, &auth, &[Action::Backup], REFUSAL).await?;
    let own = state
        .storage
        .smtp_setting(auth.session.institution_id)
        .await?;
    Ok(Json(view_of(own.as_ref(), state.config.smtp.is_some())))
}

#[utoipa::path(put, path = "/api/v1/admin/smtp", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    request_body = SmtpBody,
    responses(
        (status = 200, description = "Почтовый сервер сохранён", body = SmtpView),
        (status = 400, description = "smtp_bad_host, smtp_bad_port, smtp_bad_security, smtp_bad_sender, smtp_bad_credentials, smtp_password_missing; ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn set_smtp(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(body): ApiJson<SmtpBody>,
) -> Result<Json<SmtpView>, ApiError> {
    permitted(&state, &auth, &[Action::Backup], REFUSAL).await?;
    let inst = auth.session.institution_id;
    let kept = state.storage.smtp_setting(inst).await?;
    let password_sent = body.password.is_some();
    let setting = checked(body, kept.as_ref())?;
    if kept.as_ref() != Some(&setting) {
        let now = state.config.now();
        let detail = serde_json::json!({
            "host": setting.host,
            "port": setting.port,
            "security": crate::storage::smtp_settings::security_text(setting.security),
            "login": setting.login,
            "sender": setting.sender,
            "password_changed": password_sent
                && kept.as_ref().map(|k| &k.password) != Some(&setting.password),
        });
        state
            .storage
            .set_smtp_setting(inst, Some(setting.clone()), auth.session.user_id, now)
            .await?;
        audit(&state, &auth, "smtp_setting_changed", detail).await?;
    }
    Ok(Json(view_of(Some(&setting), state.config.smtp.is_some())))
}

#[utoipa::path(delete, path = "/api/v1/admin/smtp", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Письма учреждения идут через почтовый сервер по умолчанию", body = SmtpView),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn remove_smtp(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<SmtpView>, ApiError> {
    permitted(&state, &auth, &[Action::Backup], REFUSAL).await?;
    let inst = auth.session.institution_id;
    if state.storage.smtp_setting(inst).await?.is_some() {
        state
            .storage
            .set_smtp_setting(inst, None, auth.session.user_id, state.config.now())
            .await?;
        audit(&state, &auth, "smtp_setting_removed", serde_json::json!({})).await?;
    }
    Ok(Json(view_of(None, state.config.smtp.is_some())))
}

#[utoipa::path(post, path = "/api/v1/admin/smtp/test", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    request_body = SmtpTestBody,
    responses(
        (status = 200, description = "Тестовое письмо отправлено", body = SmtpTestSent),
        (status = 400, description = "smtp_bad_recipient", body = ErrorBody),
        (status = 409, description = "smtp_not_set: почтовый сервер не задан", body = ErrorBody),
        (status = 502, description = "Почтовый сервер отказал: smtp_unreachable, smtp_timeout, smtp_tls, smtp_credentials, smtp_transient, smtp_refused, smtp_bad_sender", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn test_smtp(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(body): ApiJson<SmtpTestBody>,
) -> Result<Json<SmtpTestSent>, ApiError> {
    permitted(&state, &auth, &[Action::Backup], REFUSAL).await?;
    let to = body.to.trim().to_string();
    if to.parse::<lettre::Address>().is_err() {
        return Err(SmtpError::BadRecipient(to).into());
    }
    let outgoing = crate::notice::outgoing_for(&state, auth.session.institution_id)
        .await
        .ok_or(SmtpError::NotSet)?;
    let own = matches!(outgoing, Outgoing::Own(_));
    crate::notice::send_text(
        &outgoing,
        &to,
        "Проверка почты электронного журнала",
        "Здравствуйте!\n\nЭто проверочное письмо\nэлектронного журнала.\nПочта учреждения работает.\n"
            .to_string(),
    )
    .await
    .map_err(SmtpError::from)?;
    Ok(Json(SmtpTestSent { to, own }))
}

async fn audit(
    state: &AppState,
    auth: &Authenticated,
    kind: &str,
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    state
        .storage
        .append_admin_action(
            AdminAction {
                institution_id: auth.session.institution_id,
                kind: kind.into(),
                author_id: Some(auth.session.user_id),
                device_id: Some(auth.session.device_id),
                subject: "smtp".into(),
                detail,
            },
            state.config.now(),
        )
        .await?;
    Ok(())
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(read_smtp, set_smtp, remove_smtp, test_smtp),
    components(schemas(SmtpView, SmtpBody, SmtpTestBody, SmtpTestSent))
)]
pub struct SmtpApiDoc;
