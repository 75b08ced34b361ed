//! Printing for staff from the server's own data (the institution snapshot): `GET
//! /api/v1/print/{document}` answers `application/pdf`, `POST /api/v1/print/verify` takes a printed
//! PDF and says which of its pages no longer match the journal.
//!
//! Who may print what is journal-core's permission function (`Action::PrintDocuments`) per load and
//! grant, as the app does: a deputy, director or head of department prints every group, a curator
//! the own group, a teacher the own loads; a student or parent only their own «Выписка» (their
//! `ReadJournal` right on their own record). A document shows only the loads the user may print —
//! but the module journal (`module_journal`) is one document: whoever may print one of the group's
//! loads of the профессиональный модуль (the administration, the group's curator, the teacher of an
//! МДК or practice of it) prints all of them.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use journal_core::{
    permissions, Action, GroupId, LoadId, PeriodId, Role, Scope, StudentId, SubjectId, UserId,
};
use journal_print::{PrintContext, PrintError, PrintRequest};
use journal_protocol::{Load, ModuleJournalError, Snapshot, User};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiQuery, Authenticated};
use crate::AppState;

/// A year journal's PDF is a few MiB: verify takes bigger bodies than the sync API.
const MAX_PDF_BYTES: usize = 64 * 1024 * 1024;

/// The print routes, merged into [`crate::app`].
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/print/verify", post(verify_printout))
        .route("/api/v1/print/{document}", get(print_document))
        .layer(DefaultBodyLimit::max(MAX_PDF_BYTES))
}

/// Parameters of a document; which are needed depends on the document.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PrintQuery {
    /// Группа: идентификатор или название (year_journal, finals, module_journal).
    pub group: Option<String>,
    /// Профессиональный модуль — предмет вида «ПМ» (module_journal).
    #[param(value_type = Option<String>)]
    pub module: Option<SubjectId>,
    /// Нагрузка — предмет группы (subject).
    #[param(value_type = Option<String>)]
    pub load: Option<LoadId>,
    /// Учебный период (subject, extract).
    #[param(value_type = Option<String>)]
    pub period: Option<PeriodId>,
    /// Месяц ГГГГ-ММ (subject, вместо period).
    pub month: Option<String>,
    /// Интервал дат (subject, вместо period и month).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Обучающийся (extract).
    #[param(value_type = Option<String>)]
    pub student: Option<StudentId>,
    /// Преподаватель (outage; по умолчанию — сам пользователь).
    #[param(value_type = Option<String>)]
    pub teacher: Option<UserId>,
    /// День (outage; по умолчанию — сегодня по времени учреждения).
    pub date: Option<NaiveDate>,
    /// Печать с двух сторон листа (year_journal).
    pub double_sided: Option<bool>,
    /// Закрытый учебный год из архива, например «2025/2026»; без него — текущий год.
    pub year: Option<String>,
}

/// Whether a printed document still shows what the server's journal holds.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PrintVerifyResponse {
    #[schema(value_type = String)]
    pub document_id: uuid::Uuid,
    /// What was printed and with which parameters (the stamp in the PDF).
    #[schema(value_type = Object)]
    pub request: serde_json::Value,
    pub title: String,
    /// When it was printed (local time of the institution or device that printed it).
    // Without an offset on the wire (local date-time).
    #[schema(value_type = String, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?$")]
    pub generated_at: NaiveDateTime,
    pub printed_pages: u32,
    pub current_pages: u32,
    /// Printed pages (1-based) whose content no longer matches the journal.
    pub changed_pages: Vec<u32>,
    pub matches: bool,
    pub message: String,
}

fn print_error(e: PrintError) -> ApiError {
    let status = match e {
        PrintError::GroupNotFound(_)
        | PrintError::LoadNotFound(_)
        | PrintError::StudentNotFound(_)
        | PrintError::PeriodNotFound(_)
        | PrintError::TeacherNotFound(_)
        | PrintError::ModuleNotFound(_)
        | PrintError::ModuleWithoutLoads
        | PrintError::NoLessons(_) => StatusCode::NOT_FOUND,
        PrintError::Font(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    ApiError::new(status, e.code(), e.to_string())
}

fn not_found(code: &str, message: String) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, code, message)
}

fn title_ru(req: &PrintRequest) -> &'static str {
    match req {
        PrintRequest::YearJournal { .. } => "Журнал учебной группы за год",
        PrintRequest::SubjectPages { .. } => "Страницы журнала по предмету",
        PrintRequest::FinalsSheet { .. } => "Сводная ведомость итоговых оценок",
        PrintRequest::Extract { .. } => "Выписка из журнала",
        PrintRequest::OutagePages { .. } => "Листы учёта занятий на время сбоя",
        PrintRequest::Report { report, .. } => report.title_ru(),
        PrintRequest::ModuleJournal { .. } => "Журнал учета обучения по профессиональному модулю",
    }
}

/// The scope a grant has over a load (the app's rule: own load, curator's own group, else the
/// institution).
fn scope_of(user: &User, grant_group: Option<GroupId>, role: Role, load: &Load) -> Scope {
    if load.teacher_id == user.id {
        Scope::OwnLoad
    } else if role == Role::Curator && grant_group == Some(load.group_id) {
        Scope::OwnGroup
    } else {
        Scope::Institution
    }
}

/// The loads `user` may print, by journal-core's permission function; the first refusal for the
/// message when there are none.
fn printable_loads(user: &User, snap: &Snapshot) -> (HashSet<LoadId>, Option<ApiError>) {
    let policy = &snap.institution.policy;
    let mut allowed = HashSet::new();
    let mut refusal = None;
    for load in &snap.loads {
        for g in &user.grants {
            let scope = scope_of(user, g.group_id, g.role, load);
            match permissions::check(g.role, Action::PrintDocuments, scope, policy) {
                Ok(()) => {
                    allowed.insert(load.id);
                    break;
                }
                Err(e) => {
                    refusal.get_or_insert(ApiError::forbidden(e.to_string()));
                }
            }
        }
    }
    (allowed, refusal)
}

fn refused(first: Option<ApiError>) -> ApiError {
    first.unwrap_or_else(|| {
        ApiError::forbidden("Нет документов, которые пользователь может печатать")
    })
}

/// The data `user` may see in `req`, or the refusal. Nothing is rendered on a refusal.
pub fn authorize(user: &User, full: Snapshot, req: &PrintRequest) -> Result<Snapshot, ApiError> {
    let (allowed, refusal) = printable_loads(user, &full);
    let group_loads = |group: GroupId| -> Result<(), ApiError> {
        if !full.groups.iter().any(|g| g.id == group) {
            return Err(print_error(PrintError::GroupNotFound(group)));
        }
        if full
            .loads
            .iter()
            .any(|l| l.group_id == group && allowed.contains(&l.id))
        {
            Ok(())
        } else {
            Err(refused(refusal.clone()))
        }
    };
    match *req {
        PrintRequest::Report { ref filter, .. } => {
            return crate::report_routes::authorize(user, full, filter);
        }
        PrintRequest::YearJournal { group_id, .. } | PrintRequest::FinalsSheet { group_id } => {
            group_loads(group_id)?
        }
        PrintRequest::SubjectPages { load_id, .. } => {
            if !full.loads.iter().any(|l| l.id == load_id) {
                return Err(print_error(PrintError::LoadNotFound(load_id)));
            }
            if !allowed.contains(&load_id) {
                return Err(refused(refusal));
            }
        }
        PrintRequest::Extract { student_id, .. } => {
            if !full.students.iter().any(|s| s.id == student_id) {
                return Err(print_error(PrintError::StudentNotFound(student_id)));
            }
            // A student or a parent: their own record, which they may read (their diary).
            let own_record = user.grants.iter().any(|g| {
                let scope = match g.role {
                    Role::Student => Scope::OwnRecord,
                    Role::Parent => Scope::ChildRecord,
                    _ => return false,
                };
                g.student_id == Some(student_id)
                    && permissions::check(
                        g.role,
                        Action::ReadJournal,
                        scope,
                        &full.institution.policy,
                    )
                    .is_ok()
            });
            if own_record {
                return Ok(full.for_user(user.id));
            }
            let groups: HashSet<GroupId> = full
                .memberships
                .iter()
                .filter(|m| m.student_id == student_id)
                .map(|m| m.group_id)
                .collect();
            if !full
                .loads
                .iter()
                .any(|l| groups.contains(&l.group_id) && allowed.contains(&l.id))
            {
                return Err(refused(refusal));
            }
        }
        PrintRequest::ModuleJournal {
            group_id,
            module_id,
        } => {
            let loads: HashSet<LoadId> = full
                .module_loads(group_id, module_id)
                .map_err(|e| match e {
                    ModuleJournalError::ModuleNotFound(id) => PrintError::ModuleNotFound(id),
                    ModuleJournalError::GroupNotFound(id) => PrintError::GroupNotFound(id),
                })
                .map_err(print_error)?
                .into_iter()
                .collect();
            if loads.is_empty() {
                return Err(print_error(PrintError::ModuleWithoutLoads));
            }
            // The administration, the group's curator, or the teacher of one of the module's
            // loads of the group prints the whole module journal: its summary is one sheet.
            if !loads.iter().any(|l| allowed.contains(l)) {
                return Err(refused(refusal));
            }
            let keep: HashSet<LoadId> = allowed.union(&loads).copied().collect();
            return Ok(journal_print::restrict_to_loads(full, &keep));
        }
        PrintRequest::OutagePages { teacher_id, .. } => {
            let policy = &full.institution.policy;
            // The teacher's own day, or anyone's for whom may print across the institution.
            let own = teacher_id == user.id
                && user.grants.iter().any(|g| {
                    g.role == Role::Teacher
                        && permissions::check(
                            g.role,
                            Action::PrintDocuments,
                            Scope::OwnLoad,
                            policy,
                        )
                        .is_ok()
                });
            let supervisor = user.grants.iter().any(|g| {
                permissions::check(g.role, Action::PrintDocuments, Scope::Institution, policy)
                    .is_ok()
            });
            if !(own || supervisor) {
                return Err(ApiError::forbidden(
                    "Листы на время сбоя печатает преподаватель для своих уроков или заместитель директора",
                ));
            }
            // Substituted lessons are in other teachers' loads: the document picks the day's lessons.
            return Ok(full);
        }
    }
    Ok(journal_print::restrict_to_loads(full, &allowed))
}

/// The request a query names. Groups by id or by name (case and «ё» ignored).
fn request_of(
    document: &str,
    q: &PrintQuery,
    snap: &Snapshot,
    me: UserId,
    today: NaiveDate,
) -> Result<PrintRequest, ApiError> {
    let missing = |name: &str| {
        ApiError::bad_request(
            "invalid_query",
            format!("Для документа {document} нужен параметр {name}"),
        )
    };
    let group = || -> Result<GroupId, ApiError> {
        let given = q.group.as_deref().ok_or_else(|| missing("group"))?.trim();
        let norm = |s: &str| s.trim().to_lowercase().replace('ё', "е");
        snap.groups
            .iter()
            .find(|g| g.id.to_string() == given || norm(&g.name) == norm(given))
            .map(|g| g.id)
            .ok_or_else(|| not_found("group_not_found", format!("Группа не найдена: {given}")))
    };
    let period = |id: Option<PeriodId>| -> Result<(PeriodId, NaiveDate, NaiveDate), ApiError> {
        let id = id.ok_or_else(|| missing("period"))?;
        snap.periods
            .iter()
            .find(|p| p.id == id)
            .map(|p| (p.id, p.starts_on, p.ends_on))
            .ok_or_else(|| print_error(PrintError::PeriodNotFound(id)))
    };
    Ok(match document {
        "year_journal" => PrintRequest::YearJournal {
            group_id: group()?,
            double_sided: q.double_sided.unwrap_or(false),
        },
        "finals" => PrintRequest::FinalsSheet { group_id: group()? },
        "module_journal" => PrintRequest::ModuleJournal {
            group_id: group()?,
            module_id: q.module.ok_or_else(|| missing("module"))?,
        },
        "subject" => {
            let load_id = q.load.ok_or_else(|| missing("load"))?;
            let (from, to) = match (&q.month, q.from, q.to, q.period) {
                (Some(m), _, _, _) => month_range(m)?,
                (None, Some(from), Some(to), _) => (from, to),
                (None, _, _, Some(p)) => {
                    let (_, from, to) = period(Some(p))?;
                    (from, to)
                }
                _ => return Err(missing("period, month или from и to")),
            };
            if from > to {
                return Err(print_error(PrintError::InvalidRange { from, to }));
            }
            PrintRequest::SubjectPages { load_id, from, to }
        }
        "extract" => PrintRequest::Extract {
            student_id: q.student.ok_or_else(|| missing("student"))?,
            period_id: period(q.period)?.0,
        },
        "outage" => PrintRequest::OutagePages {
            teacher_id: q.teacher.unwrap_or(me),
            date: q.date.unwrap_or(today),
        },
        other => {
            return Err(not_found(
                "print_unknown_document",
                format!(
                    "Нет такого документа: {other} (year_journal, subject, finals, module_journal, extract, outage)"
                ),
            ))
        }
    })
}

fn month_range(m: &str) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let bad = || {
        ApiError::bad_request(
            "invalid_query",
            format!("Месяц указывается как ГГГГ-ММ, получено «{m}»"),
        )
    };
    let from =
        NaiveDate::parse_from_str(&format!("{}-01", m.trim()), "%Y-%m-%d").map_err(|_| bad())?;
    let next = if from.month() == 12 {
        NaiveDate::from_ymd_opt(from.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(from.year(), from.month() + 1, 1)
    };
    let to = next.and_then(|n| n.pred_opt()).ok_or_else(bad)?;
    Ok((from, to))
}

/// The signed-in user, the institution's snapshot (of the closed `year` from the archive, if
/// given) and its local "now".
async fn context(
    state: &AppState,
    auth: &Authenticated,
    year: Option<&str>,
) -> Result<(User, Snapshot, NaiveDateTime), ApiError> {
    let account = crate::http::signed_in_account(state, auth).await?;
    let mut snap = match year.filter(|y| !y.trim().is_empty()) {
        Some(name) => crate::archive_routes::archived_snapshot(state, auth, name).await?,
        None => state.storage.snapshot(auth.session.institution_id).await?.0,
    };
    let utc = state.config.now();
    let now = crate::authority::local_time(&snap.institution.timezone, utc).unwrap_or(utc);
    // What the user may print is cut by the grants in force today, as everything they read.
    snap.keep_grants_in_force_on(now.date());
    Ok((account.user, snap, now))
}

/// Rendering a year takes a CPU for a fraction of a second: off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "print_failed",
            "Не удалось сформировать документ",
        )
    })?
}

/// A working list printed as a PDF (no verification stamp: the parents who have not looked, the
/// health sheet), answered as a download named `file`.
pub(crate) fn pdf_download(
    printed: Result<Vec<u8>, PrintError>,
    file: &'static str,
) -> Result<Response, ApiError> {
    let bytes = printed
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.code(), e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/print/{document}", tag = "print", security(("bearer" = [])),
    params(
        ("document" = String, Path, description = "year_journal, subject, finals, module_journal, extract или outage"),
        PrintQuery,
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Документ PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Пользователь не может печатать этот документ", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "journal_not_accepted: журнал за год печатается для архива после приёмки (политика учреждения)", body = ErrorBody)))]
async fn print_document(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(document): Path<String>,
    ApiQuery(q): ApiQuery<PrintQuery>,
) -> Result<Response, ApiError> {
    let (user, full, now) = context(&state, &auth, q.year.as_deref()).await?;
    let req = request_of(&document, &q, &full, user.id, now.date())?;
    if let PrintRequest::YearJournal { group_id, .. } = &req {
        crate::archive_routes::check_archive_print(&state, &full, *group_id).await?;
    }
    let pdf = blocking(move || {
        let snap = authorize(&user, full, &req)?;
        let ctx = PrintContext {
            generated_at: now,
            document_id: uuid::Uuid::now_v7(),
        };
        journal_print::render(&snap, &req, &ctx).map_err(print_error)
    })
    .await?;
    let mut resp = pdf.into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{document}.pdf\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

#[utoipa::path(post, path = "/api/v1/print/verify", tag = "print", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "Распечатанный PDF"),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Совпадает ли распечатка с журналом и какие страницы изменились", body = PrintVerifyResponse),
        (status = 400, description = "Файл не является PDF-документом журнала", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn verify_printout(
    State(state): State<AppState>,
    auth: Authenticated,
    body: Bytes,
) -> Result<Json<PrintVerifyResponse>, ApiError> {
    let (user, full, _) = context(&state, &auth, None).await?;
    let body_again = body.clone();
    let user_again = user.clone();
    // «Активность» counts the families' sign-ins, which only the server's audit holds.
    let activity = matches!(
        journal_print::read_stamp(&body).map(|s| s.request),
        Ok(PrintRequest::Report {
            report: journal_reports::ReportKind::Activity,
            ..
        })
    );
    let sign_ins = if activity {
        crate::report_routes::family_sign_ins(state.storage.as_ref(), &full).await?
    } else {
        Vec::new()
    };
    let mut report = blocking(move || {
        let stamp = journal_print::read_stamp(&body).map_err(print_error)?;
        let mut snap = authorize(&user, full, &stamp.request)?;
        snap.sign_ins = sign_ins;
        journal_print::verify(&body, &snap).map_err(print_error)
    })
    .await?;
    // A page printed from a closed year matches that year's archive, not today's journal.
    let mut archived_in = None;
    if !report.matches() {
        for year in state
            .storage
            .archived_years(auth.session.institution_id)
            .await?
        {
            let snap = crate::archive_routes::archived_snapshot(&state, &auth, &year.name).await?;
            let (body, user) = (body_again.clone(), user_again.clone());
            let found = blocking(move || {
                let stamp = journal_print::read_stamp(&body).map_err(print_error)?;
                let snap = authorize(&user, snap, &stamp.request)?;
                journal_print::verify(&body, &snap).map_err(print_error)
            })
            .await;
            if let Ok(r) = found {
                if r.matches() {
                    report = r;
                    archived_in = Some(year.name);
                    break;
                }
            }
        }
    }
    let matches = report.matches();
    let changed: Vec<u32> = report.changed_pages.iter().map(|&p| p as u32).collect();
    let message = if let Some(year) = archived_in {
        format!("Документ соответствует журналу учебного года «{year}» из архива")
    } else if matches {
        "Документ соответствует журналу".to_string()
    } else if changed.is_empty() {
        format!(
            "Документ не соответствует журналу: напечатано страниц {}, сейчас их {}",
            report.printed_pages, report.current_pages
        )
    } else {
        let list: Vec<String> = changed.iter().map(|p| p.to_string()).collect();
        format!(
            "Документ не соответствует журналу: изменились страницы {}",
            list.join(", ")
        )
    };
    Ok(Json(PrintVerifyResponse {
        document_id: report.document_id,
        request: serde_json::to_value(&report.request).unwrap_or_default(),
        title: title_ru(&report.request).to_string(),
        generated_at: report.generated_at,
        printed_pages: report.printed_pages as u32,
        current_pages: report.current_pages as u32,
        changed_pages: changed,
        matches,
        message,
    }))
}

/// The print part of the OpenAPI document (merged into the API's document).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(print_document, verify_printout),
    components(schemas(PrintVerifyResponse, ErrorBody))
)]
pub struct PrintApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_whole_calendar_months() {
        let (from, to) = month_range("2027-02").expect("a valid month");
        assert_eq!(from.to_string(), "2027-02-01", "from the first day");
        assert_eq!(to.to_string(), "2027-02-28", "to the last day of February");
        let (_, to) = month_range("2026-12").expect("December");
        assert_eq!(to.to_string(), "2026-12-31", "December ends the year");
        assert!(month_range("2026-13").is_err(), "month 13 is refused");
    }
}
