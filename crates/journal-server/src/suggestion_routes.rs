//! «Предложение»: any signed-in user — a teacher in the app, a parent on a phone, a deputy in the
//! console — writes to the administration (`POST /api/v1/suggestions`); the administrator and the
//! director read them and mark each dealt with (`GET /api/v1/admin/suggestions`,
//! `POST /api/v1/admin/suggestions/{seq}/done`; journal-core's `ReadSuggestions`).
//!
//! A suggestion is an entry of the institution's audit chain (kind [`SUGGESTION_KIND`]) and its
//! handling another one ([`SUGGESTION_DONE_KIND`], naming the suggestion's place in the chain): the
//! chain is already durable, per institution and tamper-evident, so a suggestion needs no table of
//! its own, and what was written can never be edited afterwards.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, Utc};
use journal_core::suggestion::check_suggestion;
use journal_core::{Action, Role, UserId};
use serde::{Deserialize, Serialize};

use crate::admin_access::permitted;
use crate::audit::AuditEntry;
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, Authenticated};
use crate::storage::AdminAction;
use crate::AppState;

/// The audit kind of a sent suggestion.
pub const SUGGESTION_KIND: &str = "suggestion";
/// The audit kind of a suggestion marked dealt with.
pub const SUGGESTION_DONE_KIND: &str = "suggestion_done";

/// Suggestions one user may send in a day: enough for anyone with something to say, and a stop
/// for a script or a student testing the form.
pub const MAX_PER_DAY: usize = 20;
/// Suggestions the list shows at most (newest first).
const MAX_LISTED: u32 = 1_000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/suggestions", post(send))
        .route("/api/v1/admin/suggestions", get(list))
        .route("/api/v1/admin/suggestions/{seq}/done", post(mark_done))
}

/// What a user writes.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSuggestion {
    /// The suggestion itself (line breaks kept).
    pub text: String,
    /// Where the user was when they wrote it, e.g. «Журнал» or «Дневник» (optional).
    #[serde(default)]
    pub screen: String,
}

/// The answer to a sent suggestion.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SuggestionSent {
    /// When the server received it.
    pub at: DateTime<Utc>,
}

/// A suggestion as the administration reads it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Suggestion {
    /// Its place in the institution's audit chain (the id for «Рассмотрено»).
    pub seq: u64,
    pub at: DateTime<Utc>,
    #[schema(value_type = Option<String>, format = "uuid")]
    pub author_id: Option<UserId>,
    pub author_name: Option<String>,
    #[schema(value_type = Vec<String>)]
    pub author_roles: Vec<Role>,
    pub text: String,
    pub screen: String,
    /// Marked dealt with («Рассмотрено»).
    pub done: bool,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SuggestionList {
    /// Newest first.
    pub suggestions: Vec<Suggestion>,
    /// How many are not yet dealt with.
    pub open: u32,
}

/// The text and screen as kept, or the refusal of journal-core's one rule (the app checks the same).
fn check_text(s: &NewSuggestion) -> Result<(String, String), ApiError> {
    check_suggestion(&s.text, &s.screen).map_err(|e| ApiError::bad_request(e.code(), e.to_string()))
}

fn utc(at: chrono::NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(at, Utc)
}

#[utoipa::path(post, path = "/api/v1/suggestions", tag = "help", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    request_body = NewSuggestion,
    responses(
        (status = 201, description = "Предложение передано администрации", body = SuggestionSent),
        (status = 400, description = "Пустой или слишком длинный текст, служебные символы", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 426, description = "Клиент устарел", body = ErrorBody),
        (status = 429, description = "Слишком много предложений за сутки", body = ErrorBody)))]
async fn send(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(body): ApiJson<NewSuggestion>,
) -> Result<(StatusCode, Json<SuggestionSent>), ApiError> {
    let (text, screen) = check_text(&body)?;
    let inst = auth.session.institution_id;
    let now = state.config.now();
    let me = auth.session.user_id.to_string();
    let since = now - Duration::days(1);
    let sent_today = state
        .storage
        .audit_entries(inst, SUGGESTION_KIND, MAX_LISTED)
        .await?
        .iter()
        .filter(|e| e.author_id.as_deref() == Some(me.as_str()) && e.server_time > since)
        .count();
    if sent_today >= MAX_PER_DAY {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_suggestions",
            format!(
                "За сутки можно отправить не больше {MAX_PER_DAY} предложений: продолжите завтра"
            ),
        ));
    }
    state
        .storage
        .append_admin_action(
            AdminAction {
                institution_id: inst,
                kind: SUGGESTION_KIND.into(),
                author_id: Some(auth.session.user_id),
                device_id: Some(auth.session.device_id),
                subject: me,
                detail: serde_json::json!({ "text": text, "screen": screen }),
            },
            now,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(SuggestionSent { at: utc(now) })))
}

const READ_REFUSAL: &str = "Предложения пользователей читают администратор и директор";

/// The suggestions with their handling, newest first.
async fn suggestions(state: &AppState, auth: &Authenticated) -> Result<Vec<Suggestion>, ApiError> {
    let inst = auth.session.institution_id;
    let sent = state
        .storage
        .audit_entries(inst, SUGGESTION_KIND, MAX_LISTED)
        .await?;
    let handled = state
        .storage
        .audit_entries(inst, SUGGESTION_DONE_KIND, MAX_LISTED)
        .await?;
    let done_of: HashMap<u64, &AuditEntry> = handled
        .iter()
        .filter_map(|e| {
            let d: serde_json::Value = serde_json::from_str(&e.detail).ok()?;
            Some((d.get("seq")?.as_u64()?, e))
        })
        .collect();
    let mut names: HashMap<String, (Option<String>, Vec<Role>)> = HashMap::new();
    let mut out = Vec::with_capacity(sent.len());
    for e in &sent {
        let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_default();
        let field = |k: &str| {
            detail
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let (author_name, author_roles) = author(state, &mut names, e.author_id.as_deref()).await?;
        let done = done_of.get(&e.seq);
        let done_by_name = match done {
            Some(d) => author(state, &mut names, d.author_id.as_deref()).await?.0,
            None => None,
        };
        out.push(Suggestion {
            seq: e.seq,
            at: utc(e.server_time),
            author_id: e.author_id.as_deref().and_then(|a| a.parse().ok()),
            author_name,
            author_roles,
            text: field("text"),
            screen: field("screen"),
            done: done.is_some(),
            done_at: done.map(|d| utc(d.server_time)),
            done_by_name,
        });
    }
    Ok(out)
}

/// The name and roles of an author, read once per list.
async fn author(
    state: &AppState,
    cache: &mut HashMap<String, (Option<String>, Vec<Role>)>,
    id: Option<&str>,
) -> Result<(Option<String>, Vec<Role>), ApiError> {
    let Some(id) = id else {
        return Ok((None, Vec::new()));
    };
    if let Some(hit) = cache.get(id) {
        return Ok(hit.clone());
    }
    let found = match id.parse::<UserId>() {
        Ok(uid) => state.storage.account_by_id(uid).await?.map(|a| {
            let mut roles: Vec<Role> = Vec::new();
            for g in &a.user.grants {
                if !roles.contains(&g.role) {
                    roles.push(g.role);
                }
            }
            (Some(a.user.full_name), roles)
        }),
        Err(_) => None,
    }
    .unwrap_or((None, Vec::new()));
    cache.insert(id.to_string(), found.clone());
    Ok(found)
}

#[utoipa::path(get, path = "/api/v1/admin/suggestions", tag = "help", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Предложения пользователей, новые сверху", body = SuggestionList),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 426, description = "Клиент устарел", body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<SuggestionList>, ApiError> {
    permitted(&state, &auth, &[Action::ReadSuggestions], READ_REFUSAL).await?;
    let suggestions = suggestions(&state, &auth).await?;
    let open = suggestions.iter().filter(|s| !s.done).count() as u32;
    Ok(Json(SuggestionList { suggestions, open }))
}

#[utoipa::path(post, path = "/api/v1/admin/suggestions/{seq}/done", tag = "help", security(("bearer" = [])),
    params(("seq" = u64, Path, description = "Номер предложения (из списка)"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Предложение отмечено рассмотренным (повторная отметка ничего не меняет)", body = Suggestion),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "Такого предложения нет", body = ErrorBody),
        (status = 426, description = "Клиент устарел", body = ErrorBody)))]
async fn mark_done(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(seq): Path<String>,
) -> Result<Json<Suggestion>, ApiError> {
    permitted(&state, &auth, &[Action::ReadSuggestions], READ_REFUSAL).await?;
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_suggestion",
            "Такого предложения нет",
        )
    };
    let seq: u64 = seq.parse().map_err(|_| not_found())?;
    let found = suggestions(&state, &auth)
        .await?
        .into_iter()
        .find(|s| s.seq == seq)
        .ok_or_else(not_found)?;
    if found.done {
        return Ok(Json(found));
    }
    state
        .storage
        .append_admin_action(
            AdminAction {
                institution_id: auth.session.institution_id,
                kind: SUGGESTION_DONE_KIND.into(),
                author_id: Some(auth.session.user_id),
                device_id: Some(auth.session.device_id),
                subject: seq.to_string(),
                detail: serde_json::json!({ "seq": seq }),
            },
            state.config.now(),
        )
        .await?;
    suggestions(&state, &auth)
        .await?
        .into_iter()
        .find(|s| s.seq == seq)
        .map(Json)
        .ok_or_else(not_found)
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(send, list, mark_done),
    components(schemas(NewSuggestion, SuggestionSent, Suggestion, SuggestionList))
)]
pub struct SuggestionApiDoc;
