//! The administrator's «Журнал действий» over HTTP: `GET /api/v1/admin/audit` pages through the
//! caller's institution's audit chain, newest first, filtered by author, dates (the institution's
//! days), and kind. Each entry is told in words: who (the author's full name), about what (the
//! user, student, group, load or lesson by name), what was before and what became of it. Who may
//! read it is journal-core's `ReadAudit` (the administrator; the director and deputies read only).

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use journal_core::{Action, UserId};
use journal_protocol::{OpPayload, Snapshot};
use serde::{Deserialize, Serialize};

use crate::admin_access::permitted;
use crate::audit::AuditEntry;
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiQuery, Authenticated};
use crate::storage::AuditQuery;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/admin/audit", get(audit_page))
}

/// Entries in a page when the caller names no limit, and the most a page holds.
const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 500;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only this author's entries (a user's id); empty: everyone's (a form's empty field).
    #[param(value_type = Option<String>, pattern = "^([0-9a-fA-F-]{36})?$")]
    pub author: Option<String>,
    /// From this day (the institution's local day), inclusive: YYYY-MM-DD; empty: from the start.
    #[param(value_type = Option<String>, pattern = "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub from: Option<String>,
    /// To this day, inclusive: YYYY-MM-DD; empty: to today.
    #[param(value_type = Option<String>, pattern = "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub to: Option<String>,
    /// Only entries of this kind (`user_created`, `op`, `login`, …).
    pub kind: Option<String>,
    /// At most this many entries (default 50, at most 500).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// Skip this many of the newest matching entries.
    #[param(maximum = 9223372036854775807_u64)]
    pub offset: Option<u64>,
}

/// One action, told in words.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditLine {
    /// Position in the institution's audit chain.
    pub seq: u64,
    /// When the server recorded it, in the institution's time zone.
    pub at: DateTime<FixedOffset>,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub author_id: Option<String>,
    /// The author's full name; `null` for the server itself (init, the command line).
    pub author_name: Option<String>,
    pub kind: String,
    /// What the action was about, by name («Иванов Иван Иванович», «ИС-21 — Математика», …).
    pub target: Option<String>,
    /// The value before, where the action replaced one.
    pub old: Option<String>,
    /// The value after.
    pub new: Option<String>,
    /// The entry's details as recorded.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditLines {
    /// How many entries match in all.
    pub total: u64,
    pub entries: Vec<AuditLine>,
}

fn day(text: Option<&str>, field: &str) -> Result<Option<NaiveDate>, ApiError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            ApiError::bad_request(
                "invalid_date",
                format!("Дата «{field}» должна быть в виде ГГГГ-ММ-ДД, получено «{text}»"),
            )
        })
}

/// The UTC time the institution's local day `d` begins.
fn day_start_utc(tz: chrono_tz::Tz, d: NaiveDate) -> NaiveDateTime {
    let local = d.and_time(chrono::NaiveTime::MIN);
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.naive_utc())
        // A zone that skips midnight: the day starts at its first existing hour, close enough.
        .unwrap_or(local)
}

#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin", security(("bearer" = [])),
    params(AuditParams,
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Записи журнала действий учреждения, новые первыми", body = AuditLines),
        (status = 400, description = "Неверный автор, дата, диапазон дат, размер страницы или смещение (invalid_author, invalid_date, invalid_range, invalid_limit, invalid_offset)", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn audit_page(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<AuditLines>, ApiError> {
    permitted(
        &state,
        &auth,
        &[Action::ReadAudit],
        "Журнал действий просматривают администратор, директор и его заместители",
    )
    .await?;
    let author_id = match params.author.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(a) => Some(a.parse::<UserId>().map_err(|_| {
            ApiError::bad_request(
                "invalid_author",
                format!("Автор должен быть указан идентификатором пользователя, получено «{a}»"),
            )
        })?),
    };
    if params.limit.is_some_and(|l| !(1..=MAX_LIMIT).contains(&l)) {
        return Err(ApiError::bad_request(
            "invalid_limit",
            format!("Записей на странице — от 1 до {MAX_LIMIT}"),
        ));
    }
    if params.offset.is_some_and(|o| o > i64::MAX as u64) {
        return Err(ApiError::bad_request(
            "invalid_offset",
            "Смещение вне допустимого диапазона",
        ));
    }
    let from = day(params.from.as_deref(), "с")?;
    let to = day(params.to.as_deref(), "по")?;
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(ApiError::bad_request(
                "invalid_range",
                "Дата «по» раньше даты «с»",
            ));
        }
    }
    let inst = auth.session.institution_id;
    let (snapshot, _) = state.storage.snapshot(inst).await?;
    let tz: chrono_tz::Tz = snapshot
        .institution
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Europe::Moscow);
    let query = AuditQuery {
        author_id,
        from: from.map(|d| day_start_utc(tz, d)),
        before: to.and_then(|d| d.succ_opt()).map(|d| day_start_utc(tz, d)),
        kind: params
            .kind
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty()),
        limit: params.limit.unwrap_or(DEFAULT_LIMIT),
        offset: params.offset.unwrap_or(0),
    };
    let (total, entries) = state.storage.audit_page(inst, &query).await?;
    let names = Names::of(&snapshot);
    let mut lines = Vec::with_capacity(entries.len());
    for e in entries {
        let mut line = names.line(e, tz)?;
        if line.kind == "op" && line.old.is_none() {
            line.old = previous_value(&state, inst, &snapshot, &line.detail).await?;
        }
        lines.push(line);
    }
    Ok(Json(AuditLines {
        total,
        entries: lines,
    }))
}

/// An applied edit's old value: the value of the load's previous change of the same field (none
/// where the field was empty, or filled by an import rather than an edit).
async fn previous_value(
    state: &AppState,
    inst: journal_core::InstitutionId,
    snapshot: &Snapshot,
    detail: &serde_json::Value,
) -> Result<Option<String>, ApiError> {
    let Some(payload) = detail
        .get("payload")
        .and_then(|p| serde_json::from_value::<OpPayload>(p.clone()).ok())
    else {
        return Ok(None);
    };
    let Some(seq) = detail
        .get("outcome")
        .filter(|o| o.get("outcome").and_then(|k| k.as_str()) == Some("applied"))
        .and_then(|o| o.get("server_seq"))
        .and_then(|s| s.as_u64())
    else {
        return Ok(None);
    };
    let lesson_load = |id: journal_core::LessonId| {
        snapshot
            .lessons
            .iter()
            .find(|l| l.id == id)
            .map(|l| l.load_id)
    };
    // Only edits with a value have a previous one; a lock says «открыт → закрыт» by itself and a
    // remark has no value.
    let load = match &payload {
        OpPayload::SetCell { lesson_id, .. }
        | OpPayload::SetTopic { lesson_id, .. }
        | OpPayload::SetHomework { lesson_id, .. } => lesson_load(*lesson_id),
        OpPayload::SetFinal { load_id, .. } => Some(*load_id),
        _ => return Ok(None),
    };
    let Some(load) = load else {
        return Ok(None);
    };
    let target = payload.target();
    let earlier = state
        .storage
        .previous_change(inst, &load.to_string(), &target, seq)
        .await?;
    Ok(earlier
        .and_then(|text| serde_json::from_str::<OpPayload>(&text).ok())
        .filter(|p| p.target() == target)
        .and_then(|p| value_text(&p)))
}

/// The value an edit writes, as printed.
fn value_text(p: &OpPayload) -> Option<String> {
    match p {
        OpPayload::SetCell { value, .. } => Some(value.symbol()),
        OpPayload::SetTopic { title, .. } => Some(title.clone()),
        OpPayload::SetHomework { text, .. } => Some(text.clone()),
        OpPayload::SetFinal { value, .. } => value.as_ref().map(|v| v.symbol()),
        _ => None,
    }
}

/// Everything an entry may name, by id.
struct Names<'a> {
    snapshot: &'a Snapshot,
    by_id: HashMap<String, String>,
}

impl<'a> Names<'a> {
    fn of(snapshot: &'a Snapshot) -> Self {
        let mut by_id = HashMap::new();
        for u in &snapshot.users {
            by_id.insert(u.id.to_string(), u.full_name.clone());
        }
        for s in &snapshot.students {
            by_id.insert(s.id.to_string(), s.full_name());
        }
        for g in &snapshot.groups {
            by_id.insert(g.id.to_string(), g.name.clone());
        }
        for p in &snapshot.periods {
            by_id.insert(p.id.to_string(), p.name.clone());
        }
        let subject = |id| {
            snapshot
                .subjects
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.name.clone())
                .unwrap_or_default()
        };
        for l in &snapshot.loads {
            let group = by_id
                .get(&l.group_id.to_string())
                .cloned()
                .unwrap_or_default();
            by_id.insert(
                l.id.to_string(),
                format!("{group} — {}", subject(l.subject_id)),
            );
        }
        Names { snapshot, by_id }
    }

    fn name(&self, id: &str) -> Option<String> {
        self.by_id.get(id).cloned()
    }

    fn value_name(&self, v: &serde_json::Value) -> Option<String> {
        match v {
            serde_json::Value::String(s) => Some(self.name(s).unwrap_or_else(|| s.clone())),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// A list of role grants in words: «преподаватель с 01.09.2026 по 31.12.2026; куратор ИС-21».
    fn grants_words(&self, grants: &serde_json::Value) -> String {
        let grants: Vec<journal_protocol::RoleGrant> =
            serde_json::from_value(grants.clone()).unwrap_or_default();
        grants
            .iter()
            .map(|g| {
                let mut words = journal_core::permissions::role_name_ru(g.role).to_string();
                for id in [
                    g.group_id.map(|i| i.to_string()),
                    g.student_id.map(|i| i.to_string()),
                ]
                .into_iter()
                .flatten()
                {
                    words.push(' ');
                    words.push_str(&self.name(&id).unwrap_or(id));
                }
                if let Some(from) = g.from {
                    words.push_str(&format!(" с {}", from.format("%d.%m.%Y")));
                }
                if let Some(until) = g.until {
                    words.push_str(&format!(" по {}", until.format("%d.%m.%Y")));
                }
                words
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn lesson(&self, id: journal_core::LessonId) -> String {
        match self.snapshot.lessons.iter().find(|l| l.id == id) {
            Some(l) => format!(
                "{}, урок {} {}",
                self.name(&l.load_id.to_string()).unwrap_or_default(),
                l.date.format("%d.%m.%Y"),
                l.bell_number
            ),
            None => id.to_string(),
        }
    }

    /// (target, old, new) of an entry, in words.
    fn describe(
        &self,
        kind: &str,
        subject: &str,
        detail: &serde_json::Value,
    ) -> (Option<String>, Option<String>, Option<String>) {
        let field = |k: &str| detail.get(k).and_then(|v| self.value_name(v));
        match kind {
            "op" | "op_rejected" => {
                let payload: Option<OpPayload> = detail
                    .get("payload")
                    .and_then(|p| serde_json::from_value(p.clone()).ok());
                match payload {
                    Some(p) => self.op(&p),
                    None => (Some(subject.to_string()), None, None),
                }
            }
            "student_transferred" => (self.name(subject), field("from_group"), field("to_group")),
            "user_grants_changed" => (
                self.name(subject).or_else(|| field("login")),
                detail.get("old").map(|g| self.grants_words(g)),
                detail.get("new").map(|g| self.grants_words(g)),
            ),
            // Health data stays out of the audit: which fields changed, not to what.
            "health_sheet_changed" => (
                self.name(subject),
                None,
                Some(format!(
                    "изменено: {}",
                    crate::health_routes::field_words(detail)
                )),
            ),
            // The password stays out of the audit: whether it changed, not to what.
            "smtp_setting_changed" => (
                Some("почтовый сервер учреждения".into()),
                None,
                Some(format!(
                    "{}:{}, защита {}, логин «{}», отправитель {}{}",
                    detail["host"].as_str().unwrap_or_default(),
                    detail["port"],
                    detail["security"].as_str().unwrap_or_default(),
                    detail["login"].as_str().unwrap_or_default(),
                    detail["sender"].as_str().unwrap_or_default(),
                    if detail["password_changed"].as_bool() == Some(true) {
                        ", пароль изменён"
                    } else {
                        ""
                    }
                )),
            ),
            "smtp_setting_removed" => (
                Some("почтовый сервер учреждения".into()),
                None,
                Some("почтовый сервер по умолчанию".into()),
            ),
            "load_reassigned" => (
                self.name(subject),
                field("from_teacher"),
                field("to_teacher"),
            ),
            _ => (
                self.name(subject).or_else(|| {
                    (!subject.is_empty()).then(|| {
                        detail
                            .get("login")
                            .or_else(|| detail.get("name"))
                            .and_then(|v| v.as_str())
                            .map(str::to_string)
                            .unwrap_or_else(|| subject.to_string())
                    })
                }),
                field("old"),
                field("new"),
            ),
        }
    }

    fn op(&self, p: &OpPayload) -> (Option<String>, Option<String>, Option<String>) {
        let student = |id: &journal_core::StudentId| self.name(&id.to_string()).unwrap_or_default();
        match p {
            OpPayload::SetCell {
                lesson_id,
                student_id,
                value,
                reason,
            } => (
                Some(format!(
                    "{}: {}",
                    self.lesson(*lesson_id),
                    student(student_id)
                )),
                None,
                Some(match reason {
                    // The deputy controls corrections by their reasons (001 заместитель п. 9).
                    Some(r) => format!("{} (исправление: {r})", value.symbol()),
                    None => value.symbol(),
                }),
            ),
            OpPayload::SetTopic {
                lesson_id, title, ..
            } => (Some(self.lesson(*lesson_id)), None, Some(title.clone())),
            OpPayload::SetHomework { lesson_id, text } => {
                (Some(self.lesson(*lesson_id)), None, Some(text.clone()))
            }
            OpPayload::SetFinal {
                load_id,
                period_id,
                student_id,
                column,
                value,
            } => (
                Some(format!(
                    "{}, {}{}: {}",
                    self.name(&load_id.to_string()).unwrap_or_default(),
                    self.name(&period_id.to_string()).unwrap_or_default(),
                    match column {
                        journal_core::FinalColumn::Period => "",
                        journal_core::FinalColumn::Exam => ", экзамен",
                        journal_core::FinalColumn::Year => ", годовая",
                    },
                    student(student_id)
                )),
                None,
                value.as_ref().map(|v| v.symbol()),
            ),
            OpPayload::LockPeriod { load_id, period_id } => (
                Some(format!(
                    "{}, {}",
                    self.name(&load_id.to_string()).unwrap_or_default(),
                    self.name(&period_id.to_string()).unwrap_or_default()
                )),
                Some("открыт".into()),
                Some("закрыт".into()),
            ),
            OpPayload::UnlockPeriod {
                load_id,
                period_id,
                reason,
            } => (
                Some(format!(
                    "{}, {}",
                    self.name(&load_id.to_string()).unwrap_or_default(),
                    self.name(&period_id.to_string()).unwrap_or_default()
                )),
                Some("закрыт".into()),
                Some(format!("открыт: {reason}")),
            ),
            OpPayload::ResolveRemark { remark_id } => (
                Some(format!("Замечание {remark_id}")),
                None,
                Some("устранено".into()),
            ),
            OpPayload::AnswerRemark { remark_id, answer } => (
                Some(format!("Замечание {remark_id}")),
                None,
                Some(format!("устранено: {answer}")),
            ),
            OpPayload::RemarkState { remark } => (
                Some(format!("Замечание {}", remark.id)),
                None,
                Some(remark.state().name_ru().into()),
            ),
            OpPayload::ChangeLesson { lesson_id, change } => (
                Some(self.lesson(*lesson_id)),
                None,
                Some(change.describe(|u| self.name(&u.to_string()).unwrap_or_default())),
            ),
        }
    }

    fn line(&self, e: AuditEntry, tz: chrono_tz::Tz) -> Result<AuditLine, ApiError> {
        let detail: serde_json::Value = serde_json::from_str(&e.detail).map_err(|err| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "storage_corrupt",
                format!("Запись журнала действий №{} не читается: {err}", e.seq),
            )
        })?;
        let (target, old, new) = self.describe(&e.kind, &e.subject, &detail);
        let at = tz.from_utc_datetime(&e.server_time).fixed_offset();
        Ok(AuditLine {
            seq: e.seq,
            at,
            author_name: e.author_id.as_deref().and_then(|a| self.name(a)),
            author_id: e.author_id,
            kind: e.kind,
            target,
            old,
            new,
            detail,
        })
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(audit_page), components(schemas(AuditLines, AuditLine)))]
pub struct AuditApiDoc;
