//! Events of the family diary («События»): a parents' meeting, an excursion, a concert — for one
//! group or the whole institution. The administration (administrator, director, deputy) announces
//! them for anyone, a curator for their own group (journal-core's `PublishEvents`); each appears on
//! its day in the diary of every student of the group and their parents, and staff see them all.
//!
//! `GET /api/v1/events` (what the caller may see, by dates), `POST /api/v1/events`,
//! `DELETE /api/v1/events/{id}` (the author, or the administration). Adding and removing are
//! audited (`event_added`, `event_removed`).

use std::collections::{HashMap, HashSet};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use journal_core::{permissions, Action, GroupId, Role, Scope, StudentId};
use journal_protocol::{DiaryEvent, Snapshot, User};
use serde::{Deserialize, Serialize};

use crate::authority::local_time;
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, ApiQuery, Authenticated};
use crate::storage::events::Event;
use crate::storage::AdminAction;
use crate::AppState;

/// Longest title and place kept (a line in the diary, not a letter).
const MAX_TEXT: usize = 200;
/// Widest range one list answers (a year and a bit).
const MAX_DAYS: i64 = 400;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/events", get(list).post(add))
        .route("/api/v1/events/{id}", delete(remove))
}

/// A new event.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    /// The group; absent for the whole institution.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub group_id: Option<GroupId>,
    pub date: NaiveDate,
    /// «ЧЧ:ММ», the institution's time; absent for an all-day event.
    #[serde(default)]
    pub time: Option<String>,
    pub title: String,
    #[serde(default)]
    pub place: String,
}

/// An event as the lists show it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EventView {
    #[schema(value_type = String, format = "uuid")]
    pub id: uuid::Uuid,
    #[schema(value_type = Option<String>, format = "uuid")]
    pub group_id: Option<GroupId>,
    /// The group's name; absent for the whole institution.
    pub group: Option<String>,
    pub date: NaiveDate,
    pub time: Option<String>,
    pub title: String,
    pub place: String,
    pub author_name: String,
    /// Whether the caller may remove it.
    pub removable: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// С (ГГГГ-ММ-ДД); по умолчанию — сегодня.
    pub from: Option<NaiveDate>,
    /// По (включительно); по умолчанию — через 60 дней после «с».
    pub to: Option<NaiveDate>,
}

fn bad(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad_request(code, message)
}

/// The groups whose events a student's or a parent's diary shows: those of their own students'
/// memberships. `None` for staff, who see every event.
fn family_groups(user: &User, snap: &Snapshot) -> Option<HashSet<GroupId>> {
    let family = user
        .grants
        .iter()
        .all(|g| matches!(g.role, Role::Student | Role::Parent));
    if !family || user.grants.is_empty() {
        return None;
    }
    let own: HashSet<StudentId> = user.grants.iter().filter_map(|g| g.student_id).collect();
    Some(
        snap.memberships
            .iter()
            .filter(|m| own.contains(&m.student_id))
            .map(|m| m.group_id)
            .collect(),
    )
}

/// The scope an event of `group` is in for one grant: a curator's own group, or the institution.
fn scope_for(grant_group: Option<GroupId>, role: Role, group: Option<GroupId>) -> Scope {
    match group {
        Some(g) if role == Role::Curator && grant_group == Some(g) => Scope::OwnGroup,
        _ => Scope::Institution,
    }
}

fn may_publish(user: &User, group: Option<GroupId>, snap: &Snapshot) -> bool {
    user.grants.iter().any(|g| {
        permissions::check(
            g.role,
            Action::PublishEvents,
            scope_for(g.group_id, g.role, group),
            &snap.institution.policy,
        )
        .is_ok()
    })
}

fn may_remove(user: &User, event: &Event, snap: &Snapshot) -> bool {
    event.author_id == user.id
        || user.grants.iter().any(|g| {
            permissions::check(
                g.role,
                Action::PublishEvents,
                Scope::Institution,
                &snap.institution.policy,
            )
            .is_ok()
        })
}

fn view_of(
    e: &Event,
    user: &User,
    snap: &Snapshot,
    names: &HashMap<journal_core::UserId, &str>,
) -> EventView {
    EventView {
        id: e.id,
        group_id: e.group_id,
        group: e.group_id.map(|g| group_name(snap, g)),
        date: e.on_date,
        time: e.at_time.map(|t| t.format("%H:%M").to_string()),
        title: e.title.clone(),
        place: e.place.clone(),
        author_name: names.get(&e.author_id).copied().unwrap_or("").to_string(),
        removable: may_remove(user, e, snap),
        created_at: DateTime::from_naive_utc_and_offset(e.created_at, Utc),
    }
}

fn group_name(snap: &Snapshot, g: GroupId) -> String {
    snap.groups
        .iter()
        .find(|x| x.id == g)
        .map(|x| x.name.clone())
        .unwrap_or_default()
}

/// The diary's form of an event.
pub(crate) fn diary_event(e: &Event, snap: &Snapshot) -> DiaryEvent {
    DiaryEvent {
        id: e.id,
        time: e.at_time.map(|t| t.format("%H:%M").to_string()),
        title: e.title.clone(),
        place: e.place.clone(),
        group: e.group_id.map(|g| group_name(snap, g)),
    }
}

/// The events of `student`'s diary from `from` to `to`: the whole institution's, and their groups'
/// on the days they belong to the group.
pub(crate) async fn student_events(
    state: &AppState,
    snap: &Snapshot,
    student: StudentId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Event>, ApiError> {
    let events = state
        .storage
        .events_between(snap.institution.id, from, to)
        .await?;
    Ok(events
        .into_iter()
        .filter(|e| match e.group_id {
            None => true,
            Some(g) => snap.memberships.iter().any(|m| {
                m.student_id == student
                    && m.group_id == g
                    && m.from <= e.on_date
                    && m.to.is_none_or(|t| e.on_date <= t)
            }),
        })
        .collect())
}

async fn caller(state: &AppState, auth: &Authenticated) -> Result<User, ApiError> {
    crate::http::signed_in_user(state, auth).await
}

#[utoipa::path(get, path = "/api/v1/events", tag = "diary", security(("bearer" = [])),
    params(EventQuery, ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "События, которые видит пользователь (обучающийся и родитель — своей группы и всего учреждения), по дате и времени", body = Vec<EventView>),
        (status = 400, description = "Неверный интервал (invalid_range)", body = ErrorBody),
        (status = 401, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> Result<Json<Vec<EventView>>, ApiError> {
    let user = caller(&state, &auth).await?;
    let cached = state
        .snapshots
        .read(
            state.storage.as_ref(),
            auth.session.institution_id,
            state.config.now(),
        )
        .await?;
    let snap = &cached.snapshot;
    let now = state.config.now();
    let today = local_time(&snap.institution.timezone, now)
        .unwrap_or(now)
        .date();
    let from = q.from.unwrap_or(today);
    let to = q.to.unwrap_or(from + chrono::Duration::days(60));
    if to < from || (to - from).num_days() > MAX_DAYS {
        return Err(bad(
            "invalid_range",
            format!("Дата «по» не раньше даты «с», и между ними не больше {MAX_DAYS} дней"),
        ));
    }
    let groups = family_groups(&user, snap);
    let names: HashMap<_, _> = snap
        .users
        .iter()
        .map(|u| (u.id, u.full_name.as_str()))
        .collect();
    let events = state
        .storage
        .events_between(auth.session.institution_id, from, to)
        .await?;
    Ok(Json(
        events
            .iter()
            .filter(|e| match (&groups, e.group_id) {
                (None, _) | (Some(_), None) => true,
                (Some(own), Some(g)) => own.contains(&g),
            })
            .map(|e| view_of(e, &user, snap, &names))
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/events", tag = "diary", security(("bearer" = [])),
    request_body = NewEvent,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 201, description = "Событие добавлено и видно в дневнике", body = EventView),
        (status = 400, description = "Пустое или слишком длинное название (event_title), место (event_place), неверное время (event_time), дата вне учебного года (event_outside_year), служебные символы (forbidden_character)", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "События объявляют администрация и куратор своей группы", body = ErrorBody),
        (status = 404, description = "Нет такой группы (group_not_found)", body = ErrorBody)))]
async fn add(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(body): ApiJson<NewEvent>,
) -> Result<(StatusCode, Json<EventView>), ApiError> {
    let user = caller(&state, &auth).await?;
    let cached = state
        .snapshots
        .read(
            state.storage.as_ref(),
            auth.session.institution_id,
            state.config.now(),
        )
        .await?;
    let snap = &cached.snapshot;
    if let Some(g) = body.group_id {
        if !snap.groups.iter().any(|x| x.id == g) {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "group_not_found",
                "Такой группы нет",
            ));
        }
    }
    if !may_publish(&user, body.group_id, snap) {
        return Err(ApiError::forbidden(
            "События объявляют администратор, директор и заместитель директора, а куратор — для своей группы",
        ));
    }
    let title = body.title.trim().to_string();
    if title.is_empty() || title.chars().count() > MAX_TEXT {
        return Err(bad(
            "event_title",
            format!("Название события — от 1 до {MAX_TEXT} символов"),
        ));
    }
    let place = body.place.trim().to_string();
    if place.chars().count() > MAX_TEXT {
        return Err(bad(
            "event_place",
            format!("Место — не длиннее {MAX_TEXT} символов"),
        ));
    }
    for (what, text) in [("Название", &title), ("Место", &place)] {
        journal_core::check_name_chars(text).map_err(|e| bad(e.code(), format!("{what}: {e}")))?;
    }
    let at_time = match body
        .time
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => None,
        Some(t) => Some(NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| {
            bad(
                "event_time",
                format!("Время «{t}» — в виде ЧЧ:ММ, например 18:30"),
            )
        })?),
    };
    if !snap.year.contains(body.date) {
        return Err(bad(
            "event_outside_year",
            format!(
                "Дата события — в пределах учебного года {}",
                snap.year.span_ru()
            ),
        ));
    }
    let now = state.config.now();
    let event = Event {
        id: uuid::Uuid::now_v7(),
        group_id: body.group_id,
        on_date: body.date,
        at_time,
        title,
        place,
        author_id: user.id,
        created_at: now,
    };
    state
        .storage
        .add_event(auth.session.institution_id, event.clone())
        .await?;
    audit(&state, &auth, "event_added", &event, snap).await?;
    let names = HashMap::from([(user.id, user.full_name.as_str())]);
    Ok((
        StatusCode::CREATED,
        Json(view_of(&event, &user, snap, &names)),
    ))
}

#[utoipa::path(delete, path = "/api/v1/events/{id}", tag = "diary", security(("bearer" = [])),
    params(("id" = String, Path, format = "uuid", description = "Событие"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 204, description = "Событие снято"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Снимает автор или администрация", body = ErrorBody),
        (status = 404, description = "Нет такого события (event_not_found)", body = ErrorBody)))]
async fn remove(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "event_not_found",
            "Такого события нет",
        )
    };
    let id: uuid::Uuid = id.parse().map_err(|_| not_found())?;
    let user = caller(&state, &auth).await?;
    let Some(event) = state.storage.event(auth.session.institution_id, id).await? else {
        return Err(not_found());
    };
    let cached = state
        .snapshots
        .read(
            state.storage.as_ref(),
            auth.session.institution_id,
            state.config.now(),
        )
        .await?;
    if !may_remove(&user, &event, &cached.snapshot) {
        return Err(ApiError::forbidden(
            "Событие снимает тот, кто его объявил, или администрация",
        ));
    }
    if state
        .storage
        .delete_event(auth.session.institution_id, id)
        .await?
    {
        audit(&state, &auth, "event_removed", &event, &cached.snapshot).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn audit(
    state: &AppState,
    auth: &Authenticated,
    kind: &str,
    e: &Event,
    snap: &Snapshot,
) -> Result<(), ApiError> {
    state
        .storage
        .append_admin_action(
            AdminAction {
                institution_id: auth.session.institution_id,
                kind: kind.into(),
                author_id: Some(auth.session.user_id),
                device_id: Some(auth.session.device_id),
                subject: e.id.to_string(),
                detail: serde_json::json!({
                    "date": e.on_date,
                    "time": e.at_time.map(|t| t.format("%H:%M").to_string()),
                    "title": e.title,
                    "place": e.place,
                    "group": e.group_id.map(|g| group_name(snap, g)),
                }),
            },
            state.config.now(),
        )
        .await?;
    Ok(())
}

/// The events part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, add, remove),
    components(schemas(NewEvent, EventView, ErrorBody))
)]
pub struct EventApiDoc;
