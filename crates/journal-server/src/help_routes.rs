//! Where users get help: `GET /api/v1/help` tells any signed-in user (the console, the diary, the
//! app) their institution and whom to ask — the support contact the administrator keeps with
//! `PUT /api/v1/admin/support` (journal-core's `ManageYear`, audited, carried to devices with the
//! institution in the snapshot).

use axum::extract::State;
use axum::routing::{get, put};
use axum::{Json, Router};
use journal_core::Action;
use journal_protocol::SupportContact;
use serde::{Deserialize, Serialize};

use crate::admin_access::permitted;
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, Authenticated};
use crate::reference_routes::change_institution;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/help", get(read_help))
        .route("/api/v1/admin/support", put(set_support))
}

/// What «Справка» shows besides its text.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HelpInfo {
    /// The institution's full name.
    pub institution: String,
    #[schema(value_type = SupportBody)]
    pub support: SupportContact,
}

/// The support contact as the API reads and writes it (every field optional, at most 200 characters).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SupportBody {
    /// Who answers, e.g. «Администратор электронного журнала Петров Иван Сергеевич».
    pub name: String,
    pub phone: String,
    pub email: String,
    /// When and where, e.g. «пн–пт 9:00–17:00, каб. 214».
    pub hours: String,
}

/// The longest field of the contact.
const MAX_FIELD_CHARS: usize = 200;

/// The contact as kept: fields trimmed; too long, control characters or a malformed e-mail refused
/// with the field's name in the code's message.
fn checked(c: SupportContact) -> Result<SupportContact, ApiError> {
    let field = |v: &str, what: &str| -> Result<String, ApiError> {
        let v = v.trim();
        if v.chars().count() > MAX_FIELD_CHARS {
            return Err(ApiError::bad_request(
                "invalid_support_contact",
                format!("{what}: не длиннее {MAX_FIELD_CHARS} знаков"),
            ));
        }
        crate::error::refuse_forbidden_chars(v, what)?;
        Ok(v.to_string())
    };
    let email = field(&c.email, "Электронная почта")?;
    if !email.is_empty() {
        let ok = email.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !email.contains(' ')
        });
        if !ok {
            return Err(ApiError::bad_request(
                "invalid_support_contact",
                "Электронная почта: адрес вида имя@домен.ru",
            ));
        }
    }
    Ok(SupportContact {
        name: field(&c.name, "Кто отвечает")?,
        phone: field(&c.phone, "Телефон")?,
        email,
        hours: field(&c.hours, "Часы и место")?,
    })
}

#[utoipa::path(get, path = "/api/v1/help", tag = "help", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Учреждение и его служба поддержки", body = HelpInfo),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 426, description = "Клиент устарел", body = ErrorBody)))]
async fn read_help(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<HelpInfo>, ApiError> {
    // Every signed-in user may know whom to ask: no right is needed.
    let (snap, _) = state.storage.snapshot(auth.session.institution_id).await?;
    Ok(Json(HelpInfo {
        institution: snap.institution.name,
        support: snap.institution.support,
    }))
}

#[utoipa::path(put, path = "/api/v1/admin/support", tag = "help", security(("bearer" = [])),
    request_body = SupportBody,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Контакт поддержки сохранён (или уже был таким)", body = SupportBody),
        (status = 400, description = "invalid_support_contact: слишком длинное поле, служебные символы, неверный адрес почты; ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 426, description = "Клиент устарел", body = ErrorBody)))]
async fn set_support(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(given): ApiJson<SupportContact>,
) -> Result<Json<SupportContact>, ApiError> {
    permitted(
        &state,
        &auth,
        &[Action::ManageYear],
        "Контакт службы поддержки задаёт администратор",
    )
    .await?;
    let new = checked(given)?;
    let (snap, _) = state.storage.snapshot(auth.session.institution_id).await?;
    if snap.institution.support == new {
        return Ok(Json(new));
    }
    change_institution(&state, &auth, "support_changed", |snap| {
        let old = std::mem::replace(&mut snap.institution.support, new.clone());
        let detail = serde_json::json!({ "old": old, "new": new });
        Ok((new.clone(), "support".to_string(), detail))
    })
    .await
    .map(Json)
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(read_help, set_support),
    components(schemas(HelpInfo, SupportBody))
)]
pub struct HelpApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(email: &str) -> SupportContact {
        SupportContact {
            name: " Петров Иван Сергеевич ".into(),
            phone: "+7 (812) 555-01-02".into(),
            email: email.into(),
            hours: "пн–пт 9:00–17:00, каб. 214".into(),
        }
    }

    #[test]
    fn a_contact_is_trimmed_and_checked() {
        let ok = checked(contact("it@college.ru")).expect("a proper contact");
        assert_eq!(ok.name, "Петров Иван Сергеевич", "trimmed");
        assert!(checked(contact("")).is_ok(), "the e-mail may be left out");
        for bad in [
            "it-college.ru",
            "@college.ru",
            "it@college",
            "i t@college.ru",
        ] {
            assert_eq!(
                checked(contact(bad)).map_err(|e| e.code).err().as_deref(),
                Some("invalid_support_contact"),
                "«{bad}» is not an address"
            );
        }
        let mut c = contact("");
        c.hours = "9:00\u{0007}".into();
        assert!(checked(c).is_err(), "a control character is refused");
        let mut c = contact("");
        c.name = "а".repeat(MAX_FIELD_CHARS + 1);
        assert!(checked(c).is_err(), "too long is refused");
    }
}
