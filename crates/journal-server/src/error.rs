//! Errors of the server: each has a stable snake_case `code()`, a Russian message and an HTTP status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The JSON body of every error reply: `{"code": "snake_case", "message": "текст по-русски"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// A failure of the storage backend.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("Ошибка базы данных: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("Ошибка обновления схемы базы данных: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("Повреждённые данные в базе: {0}")]
    Corrupt(String),
    #[error("База данных уже содержит учреждение «{0}»")]
    AlreadyInitialised(String),
    #[error(
        "Ключ устройства не совпадает с ключом, зарегистрированным ранее для этого устройства"
    )]
    DeviceKeyMismatch,
    #[error("Устройство принадлежит другому учреждению")]
    DeviceOtherInstitution,
    #[error("Ошибка PostgreSQL: {0}")]
    Postgres(String),
    #[error("Внутренняя ошибка: фоновая задача базы данных прервана")]
    TaskFailed,
    #[error("Ошибка файла базы данных: {0}")]
    File(String),
    #[error("Учебный год «{0}» уже закрыт и хранится в архиве")]
    YearArchived(String),
}

impl StorageError {
    pub fn code(&self) -> &'static str {
        match self {
            StorageError::Sqlite(_) => "storage_error",
            StorageError::Migration(_) => "storage_migration_failed",
            StorageError::Corrupt(_) => "storage_corrupt",
            StorageError::File(_) => "storage_file",
            StorageError::AlreadyInitialised(_) => "already_initialised",
            StorageError::DeviceKeyMismatch => "device_key_mismatch",
            StorageError::DeviceOtherInstitution => "device_other_institution",
            StorageError::Postgres(_) => "storage_error",
            StorageError::TaskFailed => "storage_task_failed",
            StorageError::YearArchived(_) => "year_archived",
        }
    }
}

/// An error answered to an HTTP client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_string(),
            message: message.into(),
        }
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Требуется вход: передайте действующий токен в заголовке Authorization: Bearer",
        )
    }
    pub fn bad_credentials() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "Неверный логин или пароль",
        )
    }
    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// The user still has the password the administrator gave (see `UserInfo::must_change_password`).
    pub fn password_change_required() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "password_change_required",
            "Смените пароль, выданный администратором, перед началом работы",
        )
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        let status = match e {
            StorageError::DeviceKeyMismatch
            | StorageError::DeviceOtherInstitution
            | StorageError::YearArchived(_) => StatusCode::CONFLICT,
            _ => {
                tracing::error!(error = %e, "storage failure");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        ApiError::new(status, e.code(), e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(ErrorBody {
                code: self.code,
                message: self.message,
            }),
        )
            .into_response()
    }
}

/// Refuses text a person typed into a name (of a person, a group, a subject, a year…) when it holds
/// a control or private-use character: journal-core's one rule (`check_name_chars`), the same code
/// `forbidden_character` on every route and in every import. `what` names the field.
pub fn refuse_forbidden_chars(text: &str, what: &str) -> Result<(), ApiError> {
    journal_core::check_name_chars(text)
        .map_err(|e| ApiError::bad_request(e.code(), format!("{what}: {e}")))
}
