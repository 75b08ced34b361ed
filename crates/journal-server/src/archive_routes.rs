//! The archive of closed academic years (issue 11 item 5, regulations 001: the journal is kept after
//! the year, printed and handed to the archive): `GET /api/v1/admin/archive` lists the years the
//! rollover closed, each with its groups and retention dates, for the administration (journal-core's
//! `ManageYear` or `PrintDocuments` for the institution). A closed year is read-only: nothing changes
//! it; its documents print through `GET /api/v1/print/{document}?year=…` from the kept snapshot.
//!
//! The archive cycle of a group's year journal (issue 14 item 4; 001 п. 8.3, 8.6, 8.7; 003 the
//! half-year electronic copy): `GET /api/v1/archive/journals?year=` (each group's state),
//! `POST /api/v1/archive/journals/accept` (the deputy's «проверен и принят», journal-core
//! `AcceptJournal`; where the policy asks, the year journal prints only after it),
//! `POST /api/v1/archive/journals/handover` (the hand-over with the archive's reference),
//! `GET /api/v1/archive/export?group=&year=` (the electronic copy: the year journal and the finals
//! sheet as PDF, the journal's data as CSV and XLSX, in one ZIP), and
//! `POST /api/v1/admin/archive/destroy` (a closed year only after its retention: 5 years for the
//! journal, 25 for the finals sheets it holds — until then refused, and what has passed is listed).

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use journal_core::archive::{keep_until, ArchiveDocument};
use journal_core::{Action, GroupId, UserId};
use journal_protocol::Snapshot;
use serde::{Deserialize, Serialize};

use crate::admin_access::permitted;
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, ApiQuery, Authenticated};
use crate::storage::archive::Acceptance;
use crate::storage::AdminAction;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/archive", get(list))
        .route("/api/v1/admin/archive/destroy", post(destroy))
        .route("/api/v1/archive/journals", get(journals))
        .route("/api/v1/archive/journals/accept", post(accept))
        .route("/api/v1/archive/journals/handover", post(hand_over))
        .route("/api/v1/archive/export", get(export))
}

/// Who keeps the archive cycle: the administration (the administrator, the director, deputies).
const KEEPERS: &[Action] = &[Action::ManageYear, Action::AcceptJournal];

/// A closed year.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArchivedYearView {
    /// «2025/2026»: what `?year=` of the print routes takes.
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// In the institution's zone (the offset it carries), as its staff read times.
    pub closed_at: DateTime<FixedOffset>,
    #[schema(value_type = String, format = "uuid")]
    pub closed_by: UserId,
    /// The name of who closed it (empty if unknown).
    pub closed_by_name: String,
    pub groups: Vec<ArchivedGroupView>,
    /// The journals may be destroyed (by an act) from this day (001 п. 8.6: 5 years).
    pub journal_keep_until: NaiveDate,
    /// The finals sheets it holds are kept until this day (001 п. 8.7: 25 years); the year can be
    /// removed from the archive only after it.
    pub summary_keep_until: NaiveDate,
    /// The journals' retention has passed (listed for the archivist).
    pub journal_retention_passed: bool,
    pub summary_retention_passed: bool,
}

/// A group as it was in the closed year.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArchivedGroupView {
    #[schema(value_type = String, format = "uuid")]
    pub id: GroupId,
    pub name: String,
    pub course: u8,
    /// Students who were in the group on any day of the year.
    pub students: u32,
    pub lessons: u32,
}

fn groups_of(snap: &Snapshot) -> Vec<ArchivedGroupView> {
    let mut out: Vec<ArchivedGroupView> = snap
        .groups
        .iter()
        .map(|g| {
            let students: HashSet<_> = snap
                .memberships
                .iter()
                .filter(|m| m.group_id == g.id)
                .map(|m| m.student_id)
                .collect();
            let loads: HashSet<_> = snap
                .loads
                .iter()
                .filter(|l| l.group_id == g.id)
                .map(|l| l.id)
                .collect();
            ArchivedGroupView {
                id: g.id,
                name: g.name.clone(),
                course: g.course,
                students: students.len() as u32,
                lessons: snap
                    .lessons
                    .iter()
                    .filter(|l| loads.contains(&l.load_id))
                    .count() as u32,
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// A time the server recorded (UTC) as the institution's wall clock with its offset; an unknown
/// zone leaves it in UTC.
pub(crate) fn in_zone(timezone: &str, utc: NaiveDateTime) -> DateTime<FixedOffset> {
    match timezone.parse::<chrono_tz::Tz>() {
        Ok(tz) => utc.and_utc().with_timezone(&tz).fixed_offset(),
        Err(_) => utc.and_utc().fixed_offset(),
    }
}

/// The closed years, newest first.
#[utoipa::path(get, path = "/api/v1/admin/archive", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Закрытые учебные годы с их группами", body = Vec<ArchivedYearView>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<Vec<ArchivedYearView>>, ApiError> {
    permitted(
        &state,
        &auth,
        &[Action::ManageYear, Action::PrintDocuments],
        "Архив учебных лет доступен администрации",
    )
    .await?;
    let inst = auth.session.institution_id;
    let today = crate::http::institution_today(&state, inst).await?;
    let mut out = Vec::new();
    for year in state.storage.archived_years(inst).await? {
        let Some((year, snap)) = state.storage.archived_year(inst, &year.name).await? else {
            continue;
        };
        let closed_by_name = snap
            .users
            .iter()
            .find(|u| u.id == year.closed_by)
            .map(|u| u.full_name.clone())
            .unwrap_or_default();
        let journal_keep_until = keep_until(year.ends_on, ArchiveDocument::Journal);
        let summary_keep_until = keep_until(year.ends_on, ArchiveDocument::SummarySheet);
        out.push(ArchivedYearView {
            groups: groups_of(&snap),
            journal_keep_until,
            summary_keep_until,
            journal_retention_passed: today >= journal_keep_until,
            summary_retention_passed: today >= summary_keep_until,
            name: year.name,
            starts_on: year.starts_on,
            ends_on: year.ends_on,
            closed_at: in_zone(&snap.institution.timezone, year.closed_at),
            closed_by: year.closed_by,
            closed_by_name,
        });
    }
    Ok(Json(out))
}

/// The closed year `name` of the signed-in user's institution, or 404 `year_not_archived`.
pub(crate) async fn archived_snapshot(
    state: &AppState,
    auth: &Authenticated,
    name: &str,
) -> Result<Snapshot, ApiError> {
    state
        .storage
        .archived_year(auth.session.institution_id, name.trim())
        .await?
        .map(|(_, snap)| snap)
        .ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "year_not_archived",
                format!("В архиве нет учебного года «{}»", name.trim()),
            )
        })
}

/// A year's journal of one group on its way to the archive.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JournalArchiveState {
    #[schema(value_type = String, format = "uuid")]
    pub group_id: GroupId,
    pub group: String,
    pub course: u8,
    /// In the institution's zone (the offset it carries).
    pub accepted_at: Option<DateTime<FixedOffset>>,
    pub accepted_by_name: String,
    /// In the institution's zone (the offset it carries).
    pub handed_over_at: Option<DateTime<FixedOffset>>,
    pub handed_over_by_name: String,
    pub archive_reference: String,
}

/// The year's journals and what the archive cycle asks next.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JournalsInArchive {
    pub year: String,
    /// The year is closed (in the archive): its journals can be handed over.
    pub closed: bool,
    /// 001 п. 8.3: the printed journal is handed over «не позднее 30 июня».
    pub printout_due: NaiveDate,
    /// Where the policy prints the year journal only after acceptance.
    pub print_after_acceptance: bool,
    pub journals: Vec<JournalArchiveState>,
    /// The year's periods that have ended (a closed year: all): 003 п. 4.4 makes an electronic copy
    /// of each half-year (`GET /archive/export?period=`).
    pub ended_periods: Vec<EndedPeriod>,
}

/// A period whose electronic copy can be made.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EndedPeriod {
    #[schema(value_type = String, format = "uuid")]
    pub id: journal_core::PeriodId,
    pub name: String,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// Учебный год (по умолчанию текущий), например «2025/2026».
    pub year: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Группа (идентификатор).
    #[param(value_type = String, format = "uuid")]
    pub group: GroupId,
    /// Учебный год (по умолчанию текущий).
    pub year: Option<String>,
    /// Учебный период (идентификатор или название, например «1 семестр»): копия за полугодие
    /// (003) — данные журнала за даты периода; без него — за весь год.
    pub period: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptJournal {
    /// Учебный год (по умолчанию текущий).
    #[serde(default)]
    pub year: Option<String>,
    #[schema(value_type = String, format = "uuid")]
    pub group_id: GroupId,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandOver {
    /// Закрытый учебный год.
    pub year: String,
    #[schema(value_type = String, format = "uuid")]
    pub group_id: GroupId,
    /// Шифр в архиве: «опись 3, дело 12».
    pub reference: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DestroyYear {
    pub year: String,
}

/// The snapshot of `year` (the live one when absent or equal to the live year's name), whether it
/// is closed, and the live one (from the snapshot cache: the whole institution is not read again).
async fn year_snapshot(
    state: &AppState,
    auth: &Authenticated,
    year: Option<&str>,
) -> Result<(Arc<Snapshot>, bool, Arc<Snapshot>), ApiError> {
    let live = state
        .snapshots
        .read(
            state.storage.as_ref(),
            auth.session.institution_id,
            state.config.now(),
        )
        .await?
        .snapshot;
    match year.map(str::trim).filter(|y| !y.is_empty()) {
        Some(name) if name != live.year.name => Ok((
            Arc::new(archived_snapshot(state, auth, name).await?),
            true,
            live,
        )),
        _ => Ok((live.clone(), false, live)),
    }
}

fn name_of(snap: &Snapshot, id: Option<UserId>) -> String {
    id.and_then(|id| snap.users.iter().find(|u| u.id == id))
        .map(|u| u.full_name.clone())
        .unwrap_or_default()
}

fn group_of(snap: &Snapshot, id: GroupId) -> Result<&journal_protocol::Group, ApiError> {
    snap.groups.iter().find(|g| g.id == id).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "group_not_found",
            format!("В учебном году «{}» нет такой группы", snap.year.name),
        )
    })
}

/// Whether the year journal of `group` may print for the archive: always, unless the policy asks
/// for the deputy's acceptance first (then 409 `journal_not_accepted`).
pub(crate) async fn check_archive_print(
    state: &AppState,
    snap: &Snapshot,
    group: GroupId,
) -> Result<(), ApiError> {
    if !snap.institution.policy.archive_print_after_acceptance {
        return Ok(());
    }
    let accepted = state
        .storage
        .acceptances(snap.institution.id, &snap.year.name)
        .await?
        .iter()
        .any(|a| a.group_id == group);
    if accepted {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "journal_not_accepted",
        "Журнал группы за год печатается для архива после проверки: заместитель директора ещё не отметил его «проверен и принят»",
    ))
}

/// Each group's journal of the year and its archive state.
#[utoipa::path(get, path = "/api/v1/archive/journals", tag = "admin", security(("bearer" = [])),
    params(YearQuery, ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Журналы групп: приняты ли, сданы ли в архив", body = JournalsInArchive),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "year_not_archived", body = ErrorBody)))]
async fn journals(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<JournalsInArchive>, ApiError> {
    permitted(
        &state,
        &auth,
        KEEPERS,
        "Сдачу журналов в архив ведёт администрация",
    )
    .await?;
    let (snap, closed, live) = year_snapshot(&state, &auth, q.year.as_deref()).await?;
    let done = state
        .storage
        .acceptances(auth.session.institution_id, &snap.year.name)
        .await?;
    let zone = live.institution.timezone.as_str();
    let mut journals: Vec<JournalArchiveState> = snap
        .groups
        .iter()
        .map(|g| {
            let a = done.iter().find(|a| a.group_id == g.id);
            JournalArchiveState {
                group_id: g.id,
                group: g.name.clone(),
                course: g.course,
                accepted_at: a.map(|a| in_zone(zone, a.accepted_at)),
                // Names from the live list: whoever accepted may have come after the closed year.
                accepted_by_name: name_of(&live, a.map(|a| a.accepted_by)),
                handed_over_at: a.and_then(|a| a.handed_over_at).map(|t| in_zone(zone, t)),
                handed_over_by_name: name_of(&live, a.and_then(|a| a.handed_over_by)),
                archive_reference: a.map(|a| a.archive_reference.clone()).unwrap_or_default(),
            }
        })
        .collect();
    journals.sort_by(|a, b| a.group.cmp(&b.group));
    let utc = state.config.now();
    let today = crate::authority::local_time(&snap.institution.timezone, utc)
        .unwrap_or(utc)
        .date();
    let mut ended_periods: Vec<EndedPeriod> = snap
        .periods
        .iter()
        .filter(|p| closed || p.ends_on < today)
        .map(|p| EndedPeriod {
            id: p.id,
            name: p.name.clone(),
            ends_on: p.ends_on,
        })
        .collect();
    ended_periods.sort_by_key(|p| p.ends_on);
    Ok(Json(JournalsInArchive {
        ended_periods,
        printout_due: journal_core::archive::printout_due(snap.year.ends_on),
        print_after_acceptance: snap.institution.policy.archive_print_after_acceptance,
        year: snap.year.name.clone(),
        closed,
        journals,
    }))
}

/// The deputy's «Журнал проверен и принят для сдачи в архив».
#[utoipa::path(post, path = "/api/v1/archive/journals/accept", tag = "admin", security(("bearer" = [])),
    request_body = AcceptJournal,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 204, description = "Журнал принят"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "year_not_archived, group_not_found", body = ErrorBody),
        (status = 409, description = "already_accepted", body = ErrorBody)))]
async fn accept(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<AcceptJournal>,
) -> Result<StatusCode, ApiError> {
    let who = permitted(
        &state,
        &auth,
        &[Action::AcceptJournal],
        "Журнал принимает после проверки заместитель директора",
    )
    .await?;
    let (snap, _, _) = year_snapshot(&state, &auth, req.year.as_deref()).await?;
    let group = group_of(&snap, req.group_id)?.name.clone();
    let now = state.config.now();
    let action = AdminAction {
        institution_id: auth.session.institution_id,
        kind: "journal_accepted".into(),
        author_id: Some(who.user.id),
        device_id: Some(auth.session.device_id),
        subject: format!(
            "Журнал группы {group} за {} проверен и принят",
            snap.year.name
        ),
        detail: serde_json::json!({"year": snap.year.name, "group_id": req.group_id}),
    };
    let added = state
        .storage
        .accept_journal(
            auth.session.institution_id,
            Acceptance {
                year_name: snap.year.name.clone(),
                group_id: req.group_id,
                accepted_at: now,
                accepted_by: who.user.id,
                handed_over_at: None,
                handed_over_by: None,
                archive_reference: String::new(),
            },
            action,
            now,
        )
        .await?;
    if !added {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_accepted",
            format!("Журнал группы {group} за {} уже принят", snap.year.name),
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The hand-over of an accepted journal of a closed year to the archive.
#[utoipa::path(post, path = "/api/v1/archive/journals/handover", tag = "admin", security(("bearer" = [])),
    request_body = HandOver,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 204, description = "Передача в архив записана"),
        (status = 400, description = "empty_reference, forbidden_character", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "year_not_archived, group_not_found", body = ErrorBody),
        (status = 409, description = "year_not_closed, not_accepted: журнал не принят или уже передан", body = ErrorBody)))]
async fn hand_over(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<HandOver>,
) -> Result<StatusCode, ApiError> {
    let who = permitted(
        &state,
        &auth,
        KEEPERS,
        "Сдачу журналов в архив ведёт администрация",
    )
    .await?;
    let reference = req.reference.trim();
    crate::error::refuse_forbidden_chars(reference, "Шифр в архиве")?;
    if reference.is_empty() {
        return Err(ApiError::bad_request(
            "empty_reference",
            "Укажите шифр в архиве (например, «опись 3, дело 12»)",
        ));
    }
    let (snap, closed, _) = year_snapshot(&state, &auth, Some(&req.year)).await?;
    if !closed {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "year_not_closed",
            format!("Учебный год «{}» ещё не закрыт: журналы сдаются в архив после перехода на новый год", snap.year.name),
        ));
    }
    let group = group_of(&snap, req.group_id)?.name.clone();
    let action = AdminAction {
        institution_id: auth.session.institution_id,
        kind: "journal_handed_over".into(),
        author_id: Some(who.user.id),
        device_id: Some(auth.session.device_id),
        subject: format!(
            "Журнал группы {group} за {} передан в архив: {reference}",
            snap.year.name
        ),
        detail: serde_json::json!({"year": snap.year.name, "group_id": req.group_id, "reference": reference}),
    };
    let done = state
        .storage
        .hand_over(
            auth.session.institution_id,
            &snap.year.name,
            req.group_id,
            who.user.id,
            reference,
            action,
            state.config.now(),
        )
        .await?;
    if !done {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_accepted",
            format!(
                "Журнал группы {group} не принят заместителем директора или уже передан в архив"
            ),
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a closed year from the archive once every retention period has passed.
#[utoipa::path(post, path = "/api/v1/admin/archive/destroy", tag = "admin", security(("bearer" = [])),
    request_body = DestroyYear,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 204, description = "Учебный год удалён из архива"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "year_not_archived", body = ErrorBody),
        (status = 409, description = "retention_not_passed", body = ErrorBody)))]
async fn destroy(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<DestroyYear>,
) -> Result<StatusCode, ApiError> {
    let who = permitted(
        &state,
        &auth,
        &[Action::ManageYear],
        "Удалить год из архива может администратор",
    )
    .await?;
    let inst = auth.session.institution_id;
    let name = req.year.trim();
    let year = state
        .storage
        .archived_years(inst)
        .await?
        .into_iter()
        .find(|y| y.name == name)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "year_not_archived",
                format!("В архиве нет учебного года «{name}»"),
            )
        })?;
    let today = crate::http::institution_today(&state, inst).await?;
    let until = keep_until(year.ends_on, ArchiveDocument::SummarySheet);
    if today < until {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "retention_not_passed",
            format!(
                "Учебный год «{name}» хранится до {}: журналы — 5 лет, сводные ведомости — 25 лет (001 п. 8.6, 8.7)",
                until.format("%d.%m.%Y")
            ),
        ));
    }
    let action = AdminAction {
        institution_id: inst,
        kind: "archived_year_destroyed".into(),
        author_id: Some(who.user.id),
        device_id: Some(auth.session.device_id),
        subject: format!("Учебный год «{name}» удалён из архива по истечении сроков хранения"),
        detail: serde_json::json!({"year": name}),
    };
    state
        .storage
        .destroy_archived_year(inst, name, action, state.config.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The electronic copy of a group's year journal (003 п. 4.4: each half-year): the year journal and
/// the finals sheet as PDF (as they stand), the journal's data as CSV and XLSX — of a period's dates
/// with `period`, else of the whole year — in one ZIP. The whole year's copy is the archive's and
/// waits for the deputy's acceptance where the policy asks; a period's copy is made when its
/// half-year ends, before any acceptance.
#[utoipa::path(get, path = "/api/v1/archive/export", tag = "admin", security(("bearer" = [])),
    params(ExportQuery, ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "ZIP: журнал и сводная ведомость (PDF), данные журнала (CSV, XLSX)", content_type = "application/zip", body = Vec<u8>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "year_not_archived, group_not_found, period_not_found", body = ErrorBody),
        (status = 409, description = "journal_not_accepted", body = ErrorBody)))]
async fn export(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    permitted(
        &state,
        &auth,
        &[Action::ManageYear, Action::AcceptJournal],
        "Электронную копию журнала делает администрация",
    )
    .await?;
    let (snap, _, _) = year_snapshot(&state, &auth, q.year.as_deref()).await?;
    group_of(&snap, q.group)?;
    let wanted = q.period.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let dates = match wanted {
        Some(p) => {
            let norm = |s: &str| s.trim().to_lowercase().replace('ё', "е");
            let period = snap
                .periods
                .iter()
                .find(|x| x.id.to_string() == p || norm(&x.name) == norm(p))
                .ok_or_else(|| {
                    crate::report_routes::report_error(
                        journal_reports::ReportError::PeriodNotFound(p.to_string()),
                    )
                })?;
            (period.starts_on, period.ends_on)
        }
        None => {
            check_archive_print(&state, &snap, q.group).await?;
            (snap.year.starts_on, snap.year.ends_on)
        }
    };
    let utc = state.config.now();
    let now = crate::authority::local_time(&snap.institution.timezone, utc).unwrap_or(utc);
    let group_id = q.group;
    let bytes = tokio::task::spawn_blocking(move || export_zip(&snap, group_id, dates, now))
        .await
        .map_err(|_| export_failed("задача прервана".into()))??;
    let mut resp = bytes.into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"elektronnaya-kopiya-zhurnala.zip\""),
    );
    Ok(resp)
}

fn export_failed(what: String) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "export_failed",
        format!("Не удалось сформировать электронную копию: {what}"),
    )
}

/// The files of the electronic copy, in a ZIP.
fn export_zip(
    snap: &Snapshot,
    group: GroupId,
    (from, to): (chrono::NaiveDate, chrono::NaiveDate),
    now: chrono::NaiveDateTime,
) -> Result<Vec<u8>, ApiError> {
    use journal_print::{PrintContext, PrintRequest};
    use std::io::Write;
    let ctx = PrintContext {
        generated_at: now,
        document_id: uuid::Uuid::now_v7(),
    };
    let pdf = |req: &PrintRequest| {
        journal_print::render(snap, req, &ctx).map_err(|e| export_failed(e.to_string()))
    };
    let journal = pdf(&PrintRequest::YearJournal {
        group_id: group,
        double_sided: false,
    })?;
    let finals = pdf(&PrintRequest::FinalsSheet { group_id: group })?;
    let filter = journal_reports::Filter {
        group_id: Some(group),
        from: Some(from),
        to: Some(to),
        ..Default::default()
    };
    let data = journal_reports::build(journal_reports::ReportKind::JournalData, snap, &filter, now)
        .map_err(crate::report_routes::report_error)?;
    let csv = crate::report_routes::csv(&data);
    let xlsx = crate::report_routes::xlsx(&data).map_err(|e| export_failed(e.to_string()))?;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in [
        ("zhurnal.pdf", journal.as_slice()),
        ("svodnaya-vedomost.pdf", finals.as_slice()),
        ("dannye-zhurnala.csv", csv.as_bytes()),
        ("dannye-zhurnala.xlsx", xlsx.as_slice()),
    ] {
        zip.start_file(name, options)
            .and_then(|_| zip.write_all(bytes).map_err(Into::into))
            .map_err(|e| export_failed(e.to_string()))?;
    }
    let cursor = zip.finish().map_err(|e| export_failed(e.to_string()))?;
    Ok(cursor.into_inner())
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, destroy, journals, accept, hand_over, export),
    components(schemas(
        ArchivedYearView,
        ArchivedGroupView,
        JournalArchiveState,
        JournalsInArchive,
        EndedPeriod,
        AcceptJournal,
        HandOver,
        DestroyYear
    ))
)]
pub struct ArchiveApiDoc;
