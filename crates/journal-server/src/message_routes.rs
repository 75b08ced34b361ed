//! Messages («Сообщения», issue 12 item 4): threads between a user and one correspondent, a
//! parent's request to correct personal data (to the curator, flagged), and announcements to the
//! institution or a group. Who may write to whom is journal-protocol's one rule
//! (`Snapshot::message_recipients`, `check_message`, `check_announcement`,
//! `check_correction_request`, over journal-core's `WriteMessage` and `SendAnnouncement`); a
//! refusal answers its code and a Russian message, and changes nothing.
//!
//! `GET /api/v1/messages`, `POST /api/v1/messages`, `GET /api/v1/messages/unread`,
//! `GET /api/v1/messages/recipients`, `GET /api/v1/messages/{id}` (marks read),
//! `POST /api/v1/messages/{id}/replies`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use journal_core::{Role, UserId};
use journal_protocol::{MessageRefusal, Snapshot, User};
use serde::{Deserialize, Serialize};

use crate::error::{refuse_forbidden_chars, ApiError, ErrorBody};
use crate::http::{ApiJson, ApiPath, Authenticated};
use crate::storage::messages::{Thread, ThreadKind};
use crate::AppState;

const MAX_SUBJECT: usize = 200;
const MAX_BODY: usize = 5000;
/// New threads a user may start in a day (replies are not counted): a bound against a flood.
pub const THREADS_PER_DAY: i64 = 20;
const CORRECTION_SUBJECT: &str = "Запрос на исправление персональных данных";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/messages", get(list).post(start))
        .route("/api/v1/messages/unread", get(unread))
        .route("/api/v1/messages/recipients", get(recipients))
        .route("/api/v1/messages/{id}", get(open))
        .route("/api/v1/messages/{id}/replies", post(reply))
}

/// What a thread is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThreadKindView {
    Message,
    /// «Запрос на исправление персональных данных» from a parent to the curator.
    CorrectionRequest,
    Announcement,
}

impl From<ThreadKind> for ThreadKindView {
    fn from(k: ThreadKind) -> Self {
        match k {
            ThreadKind::Message => ThreadKindView::Message,
            ThreadKind::CorrectionRequest => ThreadKindView::CorrectionRequest,
            ThreadKind::Announcement => ThreadKindView::Announcement,
        }
    }
}

/// A thread in the list.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ThreadItem {
    #[schema(value_type = String, format = "uuid")]
    pub id: uuid::Uuid,
    pub kind: ThreadKindView,
    pub subject: String,
    /// The other side: the correspondent's name, or the announcement's audience («Группа ИС-21:
    /// родители»).
    pub with: String,
    /// Who started it.
    pub author: String,
    /// Whether the caller started it.
    pub mine: bool,
    pub messages: i64,
    /// Messages by others the caller has not opened.
    pub unread: i64,
    pub last_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ThreadList {
    pub threads: Vec<ThreadItem>,
    /// Unread messages over all threads.
    pub unread: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnreadCount {
    pub unread: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecipientView {
    #[schema(value_type = String, format = "uuid")]
    pub user_id: UserId,
    pub full_name: String,
    /// «Куратор группы ИС-21», «Преподаватель: Математика».
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AudienceView {
    /// What to send as `audience` when starting an announcement.
    pub key: String,
    /// «Вся организация», «Группа ИС-21: родители».
    pub label: String,
}

/// Whom the caller may write to.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecipientList {
    pub recipients: Vec<RecipientView>,
    /// Where the caller may send announcements (empty: nowhere).
    pub audiences: Vec<AudienceView>,
    /// The curators a parent may send a request to correct personal data to.
    pub correction_to: Vec<RecipientView>,
}

/// A new thread: a message to `to`, a correction request to the curator `to`, or an announcement
/// to `audience`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewThread {
    pub kind: ThreadKindView,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub to: Option<uuid::Uuid>,
    /// An [`AudienceView::key`], for an announcement.
    #[serde(default)]
    pub audience: Option<String>,
    /// Empty for a correction request: its subject is fixed.
    #[serde(default)]
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReply {
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MessageView {
    pub seq: i64,
    #[schema(value_type = String, format = "uuid")]
    pub author_id: UserId,
    pub author: String,
    pub mine: bool,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ThreadView {
    #[schema(value_type = String, format = "uuid")]
    pub id: uuid::Uuid,
    pub kind: ThreadKindView,
    pub subject: String,
    pub with: String,
    pub messages: Vec<MessageView>,
    /// Whether the caller may answer in it (announcements are answered by nobody but their author).
    pub may_reply: bool,
}

struct Caller {
    user: User,
    snap: Arc<Snapshot>,
    today: NaiveDate,
}

async fn caller(state: &AppState, auth: &Authenticated) -> Result<Caller, ApiError> {
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
    let now = state.config.now();
    let today = crate::authority::local_time(&snap.institution.timezone, now)
        .unwrap_or(now)
        .date();
    Ok(Caller { user, snap, today })
}

fn refused(e: MessageRefusal) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, e.code(), e.to_string())
}

fn thread_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "thread_not_found",
        "Такой переписки нет",
    )
}

fn utc(t: chrono::NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

/// A subject: one line, not empty, not too long.
fn subject_checked(v: &str) -> Result<String, ApiError> {
    let v = v.trim();
    refuse_forbidden_chars(v, "Тема")?;
    if v.is_empty() {
        return Err(ApiError::bad_request("empty_subject", "Укажите тему"));
    }
    if v.chars().count() > MAX_SUBJECT {
        return Err(ApiError::bad_request(
            "subject_too_long",
            format!("Тема: не длиннее {MAX_SUBJECT} символов"),
        ));
    }
    Ok(v.to_string())
}

/// A message's text: lines (journal-core's character check on each), not empty, not too long.
fn body_checked(v: &str) -> Result<String, ApiError> {
    let v = v.trim().replace("\r\n", "\n");
    for line in v.split('\n') {
        refuse_forbidden_chars(line, "Текст сообщения")?;
    }
    if v.is_empty() {
        return Err(ApiError::bad_request(
            "empty_message",
            "Напишите текст сообщения",
        ));
    }
    if v.chars().count() > MAX_BODY {
        return Err(ApiError::bad_request(
            "message_too_long",
            format!("Сообщение: не длиннее {MAX_BODY} символов"),
        ));
    }
    Ok(v)
}

fn name_of(snap: &Snapshot, id: UserId) -> String {
    snap.users
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.full_name.clone())
        .unwrap_or_else(|| "Пользователь".into())
}

/// The other side of a thread as the caller sees it.
fn with_of(c: &Caller, t: &Thread) -> String {
    if t.kind == ThreadKind::Announcement {
        let label = c
            .snap
            .announcement_audiences(t.author_id)
            .into_iter()
            .find(|(a, _)| a.key() == t.addressee)
            .map(|(_, l)| l);
        return label.unwrap_or_else(|| "Объявление".into());
    }
    if t.author_id == c.user.id {
        match t.addressee.parse::<uuid::Uuid>() {
            Ok(id) => name_of(&c.snap, UserId(id)),
            Err(_) => String::new(),
        }
    } else {
        name_of(&c.snap, t.author_id)
    }
}

/// Whether the caller may see the thread: its author, its addressee, or in its audience.
fn may_see(c: &Caller, t: &Thread) -> bool {
    t.author_id == c.user.id
        || t.addressee == c.user.id.to_string()
        || (t.kind == ThreadKind::Announcement
            && c.snap
                .audience_keys(c.user.id, c.today)
                .contains(&t.addressee))
}

/// Whether the caller may answer: announcements only by their author; otherwise the rule between
/// the caller and the other side still holds.
fn reply_check(c: &Caller, t: &Thread) -> Result<(), ApiError> {
    if t.kind == ThreadKind::Announcement {
        return if t.author_id == c.user.id {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "announcement_no_replies",
                "На объявление не отвечают в нём: напишите автору отдельное сообщение",
            ))
        };
    }
    let other = if t.author_id == c.user.id {
        t.addressee
            .parse::<uuid::Uuid>()
            .map(UserId)
            .map_err(|_| thread_not_found())?
    } else {
        t.author_id
    };
    let plain = c.snap.check_message(c.user.id, other, c.today);
    match (t.kind, plain) {
        (_, Ok(())) => Ok(()),
        (ThreadKind::CorrectionRequest, Err(_)) => c
            .snap
            .check_correction_request(c.user.id, other, c.today)
            .map_err(refused),
        (_, Err(e)) => Err(refused(e)),
    }
}

/// The e-mail addresses the server keeps for a user: a staff member's own, kept by the
/// administrator (`user_routes`), a parent's kept for each child, a student's own (the contacts,
/// `contact_routes`).
async fn emails_of(
    state: &AppState,
    c: &Caller,
    inst: journal_core::InstitutionId,
    user: UserId,
) -> Vec<String> {
    use crate::storage::contacts::ContactOf;
    let Some(u) = c.snap.users.iter().find(|u| u.id == user) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    // A failed read only means no notice: the message itself is kept.
    if let Ok(Some(email)) = state
        .storage
        .user_setting(inst, user, crate::storage::user_settings::EMAIL)
        .await
    {
        out.push(email);
    }
    for g in &u.grants {
        let (Some(student), true) = (g.student_id, matches!(g.role, Role::Parent | Role::Student))
        else {
            continue;
        };
        let whose = if g.role == Role::Parent {
            ContactOf::Parent(user)
        } else {
            ContactOf::Student
        };
        // A failed read only means no notice: the message itself is kept.
        let rows = state
            .storage
            .contacts_of(inst, student)
            .await
            .unwrap_or_default();
        for r in rows
            .into_iter()
            .filter(|r| r.of == whose && !r.email.is_empty())
        {
            if !out.contains(&r.email) {
                out.push(r.email);
            }
        }
    }
    out
}

/// E-mail notices of a new message to the other side of a personal thread, where the server keeps
/// their address and the institution has a mail server (its own or `serve --smtp`); sent in the
/// background.
async fn notify(state: &AppState, c: &Caller, inst: journal_core::InstitutionId, t: &Thread) {
    if t.kind == ThreadKind::Announcement {
        return;
    }
    let Some(outgoing) = crate::notice::outgoing_for(state, inst).await else {
        return;
    };
    let other = if t.author_id == c.user.id {
        match t.addressee.parse::<uuid::Uuid>() {
            Ok(id) => UserId(id),
            Err(_) => return,
        }
    } else {
        t.author_id
    };
    for email in emails_of(state, c, inst, other).await {
        crate::notice::spawn(outgoing.clone(), email, c.user.full_name.clone());
    }
}

async fn view_of(
    state: &AppState,
    auth: &Authenticated,
    c: &Caller,
    id: uuid::Uuid,
) -> Result<ThreadView, ApiError> {
    let inst = auth.session.institution_id;
    let (t, messages) = state
        .storage
        .thread(inst, id)
        .await?
        .filter(|(t, _)| may_see(c, t))
        .ok_or_else(thread_not_found)?;
    if let Some(last) = messages.last() {
        state
            .storage
            .mark_read(inst, t.id, c.user.id, last.seq)
            .await?;
    }
    Ok(ThreadView {
        id: t.id,
        kind: t.kind.into(),
        subject: t.subject.clone(),
        with: with_of(c, &t),
        may_reply: reply_check(c, &t).is_ok(),
        messages: messages
            .into_iter()
            .map(|m| MessageView {
                seq: m.seq,
                author_id: m.author_id,
                author: name_of(&c.snap, m.author_id),
                mine: m.author_id == c.user.id,
                body: m.body,
                at: utc(m.created_at),
            })
            .collect(),
    })
}

async fn list_of(
    state: &AppState,
    auth: &Authenticated,
    c: &Caller,
) -> Result<ThreadList, ApiError> {
    let keys = c.snap.audience_keys(c.user.id, c.today);
    let rows = state
        .storage
        .threads_for(auth.session.institution_id, c.user.id, keys)
        .await?;
    let threads: Vec<ThreadItem> = rows
        .into_iter()
        .filter(|r| may_see(c, &r.thread))
        .map(|r| ThreadItem {
            id: r.thread.id,
            kind: r.thread.kind.into(),
            subject: r.thread.subject.clone(),
            with: with_of(c, &r.thread),
            author: name_of(&c.snap, r.thread.author_id),
            mine: r.thread.author_id == c.user.id,
            messages: r.messages,
            unread: r.unread,
            last_at: utc(r.last_at),
        })
        .collect();
    Ok(ThreadList {
        unread: threads.iter().map(|t| t.unread).sum(),
        threads,
    })
}

#[utoipa::path(get, path = "/api/v1/messages", tag = "messages", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Мои переписки, новые сверху, с числом непрочитанных", body = ThreadList),
        (status = 401, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<ThreadList>, ApiError> {
    let c = caller(&state, &auth).await?;
    Ok(Json(list_of(&state, &auth, &c).await?))
}

#[utoipa::path(get, path = "/api/v1/messages/unread", tag = "messages", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Сколько непрочитанных сообщений", body = UnreadCount),
        (status = 401, body = ErrorBody)))]
async fn unread(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<UnreadCount>, ApiError> {
    let c = caller(&state, &auth).await?;
    Ok(Json(UnreadCount {
        unread: list_of(&state, &auth, &c).await?.unread,
    }))
}

#[utoipa::path(get, path = "/api/v1/messages/recipients", tag = "messages", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Кому я могу написать, куда отправить объявление и запрос на исправление персональных данных", body = RecipientList),
        (status = 401, body = ErrorBody)))]
async fn recipients(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<RecipientList>, ApiError> {
    let c = caller(&state, &auth).await?;
    let view = |r: journal_protocol::Recipient| RecipientView {
        user_id: r.user_id,
        full_name: r.full_name,
        role: r.role,
    };
    let recipients: Vec<RecipientView> = c
        .snap
        .message_recipients(c.user.id, c.today)
        .into_iter()
        .map(view)
        .collect();
    let correction_to = recipients
        .iter()
        .filter(|r| {
            c.snap
                .check_correction_request(c.user.id, r.user_id, c.today)
                .is_ok()
        })
        .cloned()
        .collect();
    Ok(Json(RecipientList {
        recipients,
        audiences: c
            .snap
            .announcement_audiences(c.user.id)
            .into_iter()
            .map(|(a, label)| AudienceView {
                key: a.key(),
                label,
            })
            .collect(),
        correction_to,
    }))
}

#[utoipa::path(post, path = "/api/v1/messages", tag = "messages", security(("bearer" = [])),
    request_body = NewThread,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 201, description = "Переписка начата", body = ThreadView),
        (status = 400, description = "Нет адресата (recipient_required) или аудитории (audience_required), пустая или длинная тема (empty_subject, subject_too_long) или текст (empty_message, message_too_long), служебные символы (forbidden_character); ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Этому адресату писать нельзя (recipient_not_allowed), объявление сюда нельзя (audience_not_allowed), запрос на исправление — только куратору (correction_not_to_curator)", body = ErrorBody),
        (status = 429, description = "Больше 20 новых переписок за сутки (too_many_threads)", body = ErrorBody)))]
async fn start(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(body): ApiJson<NewThread>,
) -> Result<(StatusCode, Json<ThreadView>), ApiError> {
    let c = caller(&state, &auth).await?;
    let kind = match body.kind {
        ThreadKindView::Message => ThreadKind::Message,
        ThreadKindView::CorrectionRequest => ThreadKind::CorrectionRequest,
        ThreadKindView::Announcement => ThreadKind::Announcement,
    };
    let addressee = if kind == ThreadKind::Announcement {
        let key = body.audience.clone().ok_or_else(|| {
            ApiError::bad_request("audience_required", "Выберите, кому объявление")
        })?;
        let audience = c
            .snap
            .announcement_audiences(c.user.id)
            .into_iter()
            .find(|(a, _)| a.key() == key)
            .map(|(a, _)| a)
            .ok_or_else(|| refused(MessageRefusal::NotYourAudience))?;
        c.snap
            .check_announcement(c.user.id, &audience)
            .map_err(refused)?;
        key
    } else {
        let to = UserId(
            body.to
                .ok_or_else(|| ApiError::bad_request("recipient_required", "Выберите адресата"))?,
        );
        if kind == ThreadKind::CorrectionRequest {
            c.snap
                .check_correction_request(c.user.id, to, c.today)
                .map_err(refused)?;
        } else {
            c.snap
                .check_message(c.user.id, to, c.today)
                .map_err(refused)?;
        }
        to.to_string()
    };
    let subject = if kind == ThreadKind::CorrectionRequest && body.subject.trim().is_empty() {
        CORRECTION_SUBJECT.to_string()
    } else {
        subject_checked(&body.subject)?
    };
    let text = body_checked(&body.body)?;
    let inst = auth.session.institution_id;
    let now = state.config.now();
    let started = state
        .storage
        .threads_started_since(inst, c.user.id, now - chrono::Duration::days(1))
        .await?;
    if started >= THREADS_PER_DAY {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_threads",
            format!("За сутки можно начать не больше {THREADS_PER_DAY} переписок; ответы в начатых не ограничены"),
        ));
    }
    let thread = Thread {
        id: uuid::Uuid::new_v4(),
        kind,
        author_id: c.user.id,
        addressee,
        subject,
        created_at: now,
    };
    let id = thread.id;
    state
        .storage
        .create_thread(inst, thread.clone(), text)
        .await?;
    notify(&state, &c, inst, &thread).await;
    Ok((
        StatusCode::CREATED,
        Json(view_of(&state, &auth, &c, id).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/messages/{id}", tag = "messages", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Переписка"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Переписка целиком; её сообщения отмечены прочитанными", body = ThreadView),
        (status = 401, body = ErrorBody),
        (status = 404, description = "thread_not_found, invalid_path", body = ErrorBody)))]
async fn open(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(id): ApiPath<uuid::Uuid>,
) -> Result<Json<ThreadView>, ApiError> {
    let c = caller(&state, &auth).await?;
    Ok(Json(view_of(&state, &auth, &c, id).await?))
}

#[utoipa::path(post, path = "/api/v1/messages/{id}/replies", tag = "messages", security(("bearer" = [])),
    request_body = NewReply,
    params(("id" = uuid::Uuid, Path, description = "Переписка"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 201, description = "Ответ добавлен", body = ThreadView),
        (status = 400, description = "empty_message, message_too_long, forbidden_character; ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "На объявление не отвечают (announcement_no_replies); адресату больше писать нельзя (recipient_not_allowed)", body = ErrorBody),
        (status = 404, description = "thread_not_found, invalid_path", body = ErrorBody)))]
async fn reply(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(id): ApiPath<uuid::Uuid>,
    ApiJson(body): ApiJson<NewReply>,
) -> Result<(StatusCode, Json<ThreadView>), ApiError> {
    let c = caller(&state, &auth).await?;
    let inst = auth.session.institution_id;
    let (t, _) = state
        .storage
        .thread(inst, id)
        .await?
        .filter(|(t, _)| may_see(&c, t))
        .ok_or_else(thread_not_found)?;
    reply_check(&c, &t)?;
    let text = body_checked(&body.body)?;
    state
        .storage
        .add_message(inst, t.id, c.user.id, text, state.config.now())
        .await?;
    notify(&state, &c, inst, &t).await;
    Ok((
        StatusCode::CREATED,
        Json(view_of(&state, &auth, &c, id).await?),
    ))
}

/// The messages part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, unread, recipients, start, open, reply),
    components(schemas(
        ThreadList,
        ThreadItem,
        ThreadKindView,
        UnreadCount,
        RecipientList,
        RecipientView,
        AudienceView,
        NewThread,
        NewReply,
        ThreadView,
        MessageView,
        ErrorBody
    ))
)]
pub struct MessageApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_keeps_its_lines_and_refuses_control_characters() {
        assert_eq!(
            body_checked("  Здравствуйте!\r\nВопрос.  ").ok().as_deref(),
            Some("Здравствуйте!\nВопрос."),
            "line breaks are kept, the ends trimmed"
        );
        let bell = body_checked("Текст\u{7}").err().map(|e| e.code);
        assert_eq!(bell.as_deref(), Some("forbidden_character"));
        let empty = body_checked("  \n ").err().map(|e| e.code);
        assert_eq!(empty.as_deref(), Some("empty_message"));
        let long = body_checked(&"а".repeat(MAX_BODY + 1))
            .err()
            .map(|e| e.code);
        assert_eq!(long.as_deref(), Some("message_too_long"));
        let tab = subject_checked("Тема\tс табуляцией").err().map(|e| e.code);
        assert_eq!(
            tab.as_deref(),
            Some("forbidden_character"),
            "a subject is one line"
        );
    }
}
