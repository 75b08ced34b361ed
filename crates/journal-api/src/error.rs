//! The one error every use case returns: a stable snake_case code and a Russian message. It crosses
//! to the UI (through Tauri) and to the CLI exactly as `{code, message}`.

use journal_core::RuleError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A refusal or failure of a use case. `code` is stable (the UI and tests match on it); `message` is
/// the Russian text shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            code: code.into(),
            message: message.into(),
        }
    }

    pub fn not_found(what_ru: &str, id: impl std::fmt::Display) -> Self {
        ApiError::new("not_found", format!("{what_ru} не найден(а): {id}"))
    }

    pub fn lesson_not_found(id: impl std::fmt::Display) -> Self {
        ApiError::new("lesson_not_found", format!("Урок не найден: {id}"))
    }

    pub fn load_not_found(id: impl std::fmt::Display) -> Self {
        ApiError::new(
            "load_not_found",
            format!("Учебная нагрузка (предмет группы) не найдена: {id}"),
        )
    }

    pub fn period_not_found(id: impl std::fmt::Display) -> Self {
        ApiError::new(
            "period_not_found",
            format!("Учебный период не найден: {id}"),
        )
    }

    pub fn student_not_found(id: impl std::fmt::Display) -> Self {
        ApiError::new("student_not_found", format!("Обучающийся не найден: {id}"))
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        ApiError::new("invalid_input", message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} [{}]", self.message, self.code)
    }
}

impl std::error::Error for ApiError {}

impl From<RuleError> for ApiError {
    fn from(e: RuleError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

impl From<journal_store::StoreError> for ApiError {
    fn from(e: journal_store::StoreError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        ApiError::new("io_error", format!("Ошибка работы с файлами: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_error_keeps_its_code_and_russian_message() {
        let e = ApiError::from(RuleError::PeriodLocked);
        assert_eq!(
            e.code, "period_locked",
            "the rule's stable code crosses unchanged"
        );
        assert!(
            e.message.contains("Период закрыт"),
            "the Russian message crosses unchanged: {}",
            e.message
        );
    }

    #[test]
    fn serialises_as_code_and_message_only() {
        let e = ApiError::new("future_lesson", "Нельзя");
        let json = serde_json::to_value(&e).expect("ApiError serialises");
        assert_eq!(
            json,
            serde_json::json!({"code": "future_lesson", "message": "Нельзя"}),
            "the UI receives exactly {{code, message}}"
        );
    }
}
