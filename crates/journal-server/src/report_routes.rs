//! The control reports over HTTP: `GET /api/v1/reports/{kind}` answers journal-reports' report as
//! JSON, or with `format=csv|xlsx|pdf` as a file (the PDF through journal-print, with the footer and
//! verification codes of every document). The same functions make the CLI's `report` command.
//!
//! Who reads what is journal-core's permission (`Action::ReadReports`) per load and grant: a teacher
//! their own loads, a curator their group, the administration and the control group everything. A
//! filter that names only loads the user may not read is refused (403); otherwise the report covers
//! the loads of the filter the user may read, over every student of their groups (the denominators).

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use journal_core::{permissions, Action, LoadId, Scope};
use journal_print::{PrintContext, PrintRequest};
use journal_protocol::{Load, Snapshot, User};
use journal_reports::{Filter, Report, ReportError, ReportKind, Value};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiQuery, Authenticated};
use crate::AppState;

/// The report routes, merged into [`crate::app`].
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/reports", get(choices))
        .route("/api/v1/reports/{kind}", get(report))
}

/// A report's filter as the route and the CLI take it.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Группа: идентификатор или название.
    pub group: Option<String>,
    /// Преподаватель: идентификатор или логин.
    pub teacher: Option<String>,
    /// Предмет: идентификатор или название.
    pub subject: Option<String>,
    /// Цикловая комиссия (методическое объединение): идентификатор или название.
    pub department: Option<String>,
    /// Учебный период: идентификатор или название.
    pub period: Option<String>,
    /// Начало интервала дат (ГГГГ-ММ-ДД).
    pub from: Option<NaiveDate>,
    /// Конец интервала дат (ГГГГ-ММ-ДД).
    pub to: Option<NaiveDate>,
    /// json (по умолчанию), csv, xlsx или pdf.
    pub format: Option<String>,
    /// Закрытый учебный год из архива, например «2025/2026»; без него — текущий год.
    pub year: Option<String>,
}

/// A report as JSON: journal-reports' `Report` with the time of generation in the institution's
/// zone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportResponse {
    /// control, timeliness, progress, attendance, marks_count, curriculum, forecast, journal_data,
    /// missed_topics, control_works, activity или lesson_changes.
    pub kind: String,
    pub title: String,
    /// The regulation point the report implements.
    pub regulation: String,
    /// The filter in words.
    pub subject_line: String,
    /// The filter with its dates fixed.
    #[schema(value_type = Object)]
    pub filter: serde_json::Value,
    pub generated_at: DateTime<FixedOffset>,
    /// Headline figures: `{name, value}`.
    #[schema(value_type = Vec<Object>)]
    pub figures: Vec<serde_json::Value>,
    /// Tables: `{title, columns, rows}`; a value is a number, a string or `null`.
    #[schema(value_type = Vec<Object>)]
    pub tables: Vec<serde_json::Value>,
    /// Bar charts: `{title, unit, labels, series: [{name, values}]}`.
    #[schema(value_type = Vec<Object>)]
    pub charts: Vec<serde_json::Value>,
}

/// One thing a report may be filtered by.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportChoice {
    /// The id (uuid), or a report's kind.
    pub id: String,
    pub name: String,
}

/// What the user may ask reports about: the kinds, and the groups, teachers and subjects of the
/// loads they may read, and the periods of the year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportChoices {
    pub kinds: Vec<ReportChoice>,
    pub groups: Vec<ReportChoice>,
    pub teachers: Vec<ReportChoice>,
    pub subjects: Vec<ReportChoice>,
    /// Цикловые комиссии (методические объединения) with a load among the caller's.
    pub departments: Vec<ReportChoice>,
    pub periods: Vec<ReportChoice>,
    pub year_starts_on: NaiveDate,
    pub year_ends_on: NaiveDate,
}

fn choices_of(snap: &Snapshot) -> ReportChoices {
    let sorted = |mut v: Vec<ReportChoice>| {
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v.dedup_by(|a, b| a.id == b.id);
        v
    };
    let pick = |f: &dyn Fn(&Load) -> Option<ReportChoice>| {
        sorted(snap.loads.iter().filter_map(f).collect())
    };
    ReportChoices {
        kinds: ReportKind::ALL
            .iter()
            .map(|k| ReportChoice {
                id: k.code().to_string(),
                name: k.title_ru().to_string(),
            })
            .collect(),
        groups: pick(&|l| {
            snap.groups
                .iter()
                .find(|g| g.id == l.group_id)
                .map(|g| ReportChoice {
                    id: g.id.to_string(),
                    name: g.name.clone(),
                })
        }),
        teachers: pick(&|l| {
            snap.users
                .iter()
                .find(|u| u.id == l.teacher_id)
                .map(|u| ReportChoice {
                    id: u.id.to_string(),
                    name: u.full_name.clone(),
                })
        }),
        subjects: pick(&|l| {
            snap.subjects
                .iter()
                .find(|s| s.id == l.subject_id)
                .map(|s| ReportChoice {
                    id: s.id.to_string(),
                    name: s.name.clone(),
                })
        }),
        departments: sorted(
            snap.departments
                .iter()
                .filter(|d| {
                    snap.loads.iter().any(|l| {
                        d.head_id == Some(l.teacher_id) || d.teacher_ids.contains(&l.teacher_id)
                    })
                })
                .map(|d| ReportChoice {
                    id: d.id.to_string(),
                    name: d.name.clone(),
                })
                .collect(),
        ),
        periods: snap
            .periods
            .iter()
            .map(|p| ReportChoice {
                id: p.id.to_string(),
                name: p.name.clone(),
            })
            .collect(),
        year_starts_on: snap.year.starts_on,
        year_ends_on: snap.year.ends_on,
    }
}

/// The file formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Json,
    Csv,
    Xlsx,
    Pdf,
}

impl ReportFormat {
    pub fn parse(s: Option<&str>) -> Result<ReportFormat, ApiError> {
        match s.map(str::trim) {
            None | Some("") | Some("json") => Ok(ReportFormat::Json),
            Some("csv") => Ok(ReportFormat::Csv),
            Some("xlsx") => Ok(ReportFormat::Xlsx),
            Some("pdf") => Ok(ReportFormat::Pdf),
            Some(other) => Err(ApiError::bad_request(
                "report_unknown_format",
                format!("Формат отчёта «{other}» не поддерживается: json, csv, xlsx или pdf"),
            )),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ReportFormat::Json => "application/json",
            ReportFormat::Csv => "text/csv; charset=utf-8",
            ReportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ReportFormat::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Pdf => "pdf",
        }
    }
}

pub fn report_error(e: ReportError) -> ApiError {
    let status = match e {
        ReportError::InvalidRange { .. } => StatusCode::BAD_REQUEST,
        _ => StatusCode::NOT_FOUND,
    };
    ApiError::new(status, e.code(), e.to_string())
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase().replace('ё', "е")
}

/// The one item of `items` that `wanted` names (by `names`), if a name is given; a name that
/// names nothing is the report's typed refusal `missing`.
fn named<T, I>(
    wanted: Option<&str>,
    items: &[T],
    names: impl Fn(&T, &str) -> bool,
    id: impl Fn(&T) -> I,
    missing: impl Fn(String) -> ReportError,
) -> Result<Option<I>, ApiError> {
    match wanted.map(str::trim).filter(|s| !s.is_empty()) {
        Some(w) => items
            .iter()
            .find(|x| names(x, w))
            .map(|x| Some(id(x)))
            .ok_or_else(|| report_error(missing(w.to_string()))),
        None => Ok(None),
    }
}

/// The filter a query names: groups, subjects, departments and periods by id or name, teachers by
/// id or login.
pub fn filter_of(q: &ReportQuery, snap: &Snapshot) -> Result<Filter, ApiError> {
    let filter = Filter {
        group_id: named(
            q.group.as_deref(),
            &snap.groups,
            |x, g| x.id.to_string() == g || norm(&x.name) == norm(g),
            |x| x.id,
            ReportError::GroupNotFound,
        )?,
        teacher_id: named(
            q.teacher.as_deref(),
            &snap.users,
            |x, t| x.id.to_string() == t || x.login == t,
            |x| x.id,
            ReportError::TeacherNotFound,
        )?,
        subject_id: named(
            q.subject.as_deref(),
            &snap.subjects,
            |x, s| {
                x.id.to_string() == s || norm(&x.name) == norm(s) || norm(&x.short_name) == norm(s)
            },
            |x| x.id,
            ReportError::SubjectNotFound,
        )?,
        department_id: named(
            q.department.as_deref(),
            &snap.departments,
            |x, d| x.id.to_string() == d || norm(&x.name) == norm(d),
            |x| x.id,
            ReportError::DepartmentNotFound,
        )?,
        period_id: named(
            q.period.as_deref(),
            &snap.periods,
            |x, p| x.id.to_string() == p || norm(&x.name) == norm(p),
            |x| x.id,
            ReportError::PeriodNotFound,
        )?,
        from: q.from,
        to: q.to,
    };
    // The names and the dates only: the default period depends on the day of the report.
    filter
        .resolve(snap, snap.year.starts_on)
        .map_err(report_error)?;
    Ok(filter)
}

/// The data of `filter` that `user` may report on, or the refusal (journal-core decides per load).
pub fn authorize(user: &User, full: Snapshot, filter: &Filter) -> Result<Snapshot, ApiError> {
    if reads_every_report(user, &full) {
        return Ok(full);
    }
    let policy = &full.institution.policy;
    let mut refusal = None;
    let mut allowed: HashSet<LoadId> = HashSet::new();
    for load in &full.loads {
        for g in &user.grants {
            let scope =
                crate::remark_routes::scope_of(user, g.role, g.group_id, load, &full.departments);
            match permissions::check(g.role, Action::ReadReports, scope, policy) {
                Ok(()) => {
                    allowed.insert(load.id);
                    break;
                }
                Err(e) => {
                    refusal.get_or_insert_with(|| ApiError::forbidden(e.to_string()));
                }
            }
        }
    }
    let selected: Vec<LoadId> = full
        .loads
        .iter()
        .filter(|l| filter.group_id.is_none_or(|g| l.group_id == g))
        .filter(|l| filter.teacher_id.is_none_or(|t| l.teacher_id == t))
        .filter(|l| filter.subject_id.is_none_or(|s| l.subject_id == s))
        .map(|l| l.id)
        .collect();
    let refused = || {
        refusal.clone().unwrap_or_else(|| {
            ApiError::forbidden(
                "Отчёт охватывает нагрузку, которую пользователь не может просматривать",
            )
        })
    };
    if allowed.is_empty() || (!selected.is_empty() && !selected.iter().any(|l| allowed.contains(l)))
    {
        return Err(refused());
    }
    if selected.is_empty() && (filter.group_id.is_some() || filter.teacher_id.is_some()) {
        // Nothing of someone else's is selected, but the names are not the user's to look at either.
        let own_group = filter.group_id.is_none_or(|g| {
            full.loads
                .iter()
                .any(|l| l.group_id == g && allowed.contains(&l.id))
        });
        if filter.teacher_id.is_some_and(|t| t != user.id) || !own_group {
            return Err(refused());
        }
    }
    Ok(journal_print::restrict_to_loads(full, &allowed))
}

/// Whether the user reads the reports of the whole institution (the administration, the control
/// group), which then need no cut of the snapshot.
fn reads_every_report(user: &User, full: &Snapshot) -> bool {
    user.grants.iter().any(|g| {
        permissions::check(
            g.role,
            Action::ReadReports,
            Scope::Institution,
            &full.institution.policy,
        )
        .is_ok()
    })
}

/// [`authorize`] over the cached snapshot: the institution's readers share it as it is.
/// The sign-ins of the institution's parents and students since the academic year began (the
/// audit's `login` entries, in the institution's local time): what «Активность» counts of the
/// families (`Snapshot::sign_ins`). Only that report reads them.
pub async fn family_sign_ins(
    storage: &dyn crate::storage::Storage,
    snap: &Snapshot,
) -> Result<Vec<journal_protocol::SignIn>, ApiError> {
    use journal_core::Role;
    let family: HashSet<journal_core::UserId> = snap
        .users
        .iter()
        .filter(|u| {
            u.grants
                .iter()
                .any(|g| matches!(g.role, Role::Parent | Role::Student))
        })
        .map(|u| u.id)
        .collect();
    let tz = &snap.institution.timezone;
    let mut query = crate::storage::AuditQuery {
        author_id: None,
        // A day early: the year's first local day begins before its UTC midnight in the east.
        from: (snap.year.starts_on - chrono::Duration::days(1)).and_hms_opt(0, 0, 0),
        before: None,
        kind: Some("login".into()),
        limit: 500,
        offset: 0,
    };
    let mut out = Vec::new();
    loop {
        let (_, page) = storage.audit_page(snap.institution.id, &query).await?;
        let n = page.len();
        out.extend(page.into_iter().filter_map(|e| {
            let user_id = journal_core::UserId(e.author_id.as_deref()?.parse().ok()?);
            family.contains(&user_id).then(|| journal_protocol::SignIn {
                user_id,
                at: crate::authority::local_time(tz, e.server_time).unwrap_or(e.server_time),
            })
        }));
        if n < query.limit as usize {
            break;
        }
        query.offset += n as u64;
    }
    Ok(out)
}

fn authorize_shared(
    user: &User,
    full: Arc<Snapshot>,
    filter: &Filter,
) -> Result<Arc<Snapshot>, ApiError> {
    if reads_every_report(user, &full) {
        return Ok(full);
    }
    authorize(user, Arc::unwrap_or_clone(full), filter).map(Arc::new)
}

/// A report as the route's JSON body.
pub fn response_of(r: Report, timezone: &str) -> ReportResponse {
    let generated_at = timezone
        .parse::<chrono_tz::Tz>()
        .ok()
        .and_then(|tz| tz.from_local_datetime(&r.generated_at).earliest())
        .map(|t| t.fixed_offset())
        .unwrap_or_else(|| {
            chrono::Utc
                .from_utc_datetime(&r.generated_at)
                .fixed_offset()
        });
    let to_json = |v: &dyn erased::Json| v.json();
    ReportResponse {
        kind: r.kind.code().to_string(),
        title: r.title,
        regulation: r.regulation,
        subject_line: r.subject_line,
        filter: to_json(&r.filter),
        generated_at,
        figures: r.figures.iter().map(|f| to_json(f)).collect(),
        tables: r.tables.iter().map(|t| to_json(t)).collect(),
        charts: r.charts.iter().map(|c| to_json(c)).collect(),
    }
}

mod erased {
    /// Anything serialisable as a JSON value (a report's parts).
    pub trait Json {
        fn json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or_default()
        }
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_value(v: &Value) -> String {
    match v {
        Value::Int(n) => n.to_string(),
        // A dot, so that every program reads the number the same way.
        Value::Number(x) => format!("{x:.1}"),
        Value::Text(s) => csv_field(s),
        Value::Empty => String::new(),
    }
}

/// The report as CSV (UTF-8): each table is its title on a line of its own, its header, its rows,
/// and an empty line.
pub fn csv(r: &Report) -> String {
    let mut out = String::new();
    for (i, t) in r.tables.iter().enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        out.push_str(&csv_field(&t.title));
        out.push_str("\r\n");
        let header: Vec<String> = t.columns.iter().map(|c| csv_field(c)).collect();
        out.push_str(&header.join(","));
        out.push_str("\r\n");
        for row in &t.rows {
            let cells: Vec<String> = row.iter().map(csv_value).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

/// The report as an XLSX workbook: a sheet «Отчёт» with the title, filter and figures, then a sheet
/// per table with numbers as numbers.
pub fn xlsx(r: &Report) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let head = wb.add_worksheet();
    head.set_name("Отчёт")?;
    head.write_string_with_format(0, 0, &r.title, &bold)?;
    head.write_string(1, 0, &r.subject_line)?;
    head.write_string(2, 0, format!("Основание: {}", r.regulation))?;
    head.write_string(
        3,
        0,
        format!("Сформировано: {}", r.generated_at.format("%d.%m.%Y %H:%M")),
    )?;
    head.set_column_width(0, 40)?;
    for (i, f) in r.figures.iter().enumerate() {
        let row = 5 + i as u32;
        head.write_string(row, 0, &f.name)?;
        write_value(head, row, 1, &f.value)?;
    }
    let mut used: HashSet<String> = HashSet::from(["Отчёт".to_string()]);
    for (n, t) in r.tables.iter().enumerate() {
        let sheet = wb.add_worksheet();
        // Sheet names: at most 31 characters, none of []:*?/\, unique.
        let clean: String = t
            .title
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(28)
            .collect();
        let mut name = clean.clone();
        if !used.insert(name.clone()) {
            name = format!("{} {}", clean.chars().take(25).collect::<String>(), n + 1);
            used.insert(name.clone());
        }
        sheet.set_name(&name)?;
        for (c, col) in t.columns.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, col, &bold)?;
            sheet.set_column_width(c as u16, if c < 3 { 24 } else { 14 })?;
        }
        for (ri, row) in t.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                write_value(sheet, ri as u32 + 1, c as u16, v)?;
            }
        }
    }
    wb.save_to_buffer()
}

fn write_value(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    v: &Value,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    match v {
        Value::Int(n) => {
            sheet.write_number(row, col, *n as f64)?;
        }
        Value::Number(x) => {
            sheet.write_number(row, col, *x)?;
        }
        Value::Text(s) => {
            sheet.write_string(row, col, s)?;
        }
        Value::Empty => {}
    }
    Ok(())
}

/// A report rendered in `format`: the content type and the bytes. `snap` is already cut to what the
/// reader may see; `now` is the institution's local time.
pub fn render(
    kind: ReportKind,
    snap: &Snapshot,
    filter: &Filter,
    now: NaiveDateTime,
    format: ReportFormat,
) -> Result<Vec<u8>, ApiError> {
    let failed = |what: String| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "report_failed",
            format!("Не удалось сформировать отчёт: {what}"),
        )
    };
    if format == ReportFormat::Pdf {
        let req = PrintRequest::Report {
            report: kind,
            filter: filter.clone(),
        };
        let ctx = PrintContext {
            generated_at: now,
            document_id: uuid::Uuid::now_v7(),
        };
        return journal_print::render(snap, &req, &ctx).map_err(|e| match e {
            journal_print::PrintError::Report(e) => report_error(e),
            other => failed(other.to_string()),
        });
    }
    let r = journal_reports::build(kind, snap, filter, now).map_err(report_error)?;
    match format {
        ReportFormat::Csv => Ok(csv(&r).into_bytes()),
        ReportFormat::Xlsx => xlsx(&r).map_err(|e| failed(e.to_string())),
        _ => serde_json::to_vec(&response_of(r, &snap.institution.timezone))
            .map_err(|e| failed(e.to_string())),
    }
}

#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Виды отчётов и то, по чему пользователь может их строить", body = ReportChoices),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Пользователь не может просматривать отчёты", body = ErrorBody)))]
async fn choices(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<axum::Json<ReportChoices>, ApiError> {
    let account = crate::http::signed_in_account(&state, &auth).await?;
    let full = state
        .snapshots
        .read(
            state.storage.as_ref(),
            auth.session.institution_id,
            state.config.now(),
        )
        .await?
        .snapshot;
    let snap = authorize_shared(&account.user, full, &Filter::default())?;
    Ok(axum::Json(choices_of(&snap)))
}

#[utoipa::path(get, path = "/api/v1/reports/{kind}", tag = "reports", security(("bearer" = [])),
    params(
        ("kind" = String, Path, description = "control, timeliness, progress, attendance, marks_count, curriculum или forecast"),
        ReportQuery,
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Отчёт: JSON, или файл CSV, XLSX, PDF по параметру format", body = ReportResponse,
            content(
                (ReportResponse = "application/json"),
                (Vec<u8> = "text/csv"),
                (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (Vec<u8> = "application/pdf"))),
        (status = 400, description = "Неверный формат, интервал или параметр", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Пользователь не может просматривать эту нагрузку, группу или отчёт", body = ErrorBody),
        (status = 404, description = "Нет такого отчёта, группы, преподавателя, предмета или периода", body = ErrorBody),
        (status = 500, description = "Отчёт не удалось сформировать", body = ErrorBody)))]
async fn report(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(kind): Path<String>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let kind = ReportKind::from_code(&kind).map_err(report_error)?;
    let format = ReportFormat::parse(q.format.as_deref())?;
    let account = crate::http::signed_in_account(&state, &auth).await?;
    let full = match q.year.as_deref().filter(|y| !y.trim().is_empty()) {
        Some(name) => {
            Arc::new(crate::archive_routes::archived_snapshot(&state, &auth, name).await?)
        }
        None => {
            state
                .snapshots
                .read(
                    state.storage.as_ref(),
                    auth.session.institution_id,
                    state.config.now(),
                )
                .await?
                .snapshot
        }
    };
    let utc = state.config.now();
    let now = crate::authority::local_time(&full.institution.timezone, utc).unwrap_or(utc);
    let sign_ins = match kind {
        ReportKind::Activity => family_sign_ins(state.storage.as_ref(), &full).await?,
        _ => Vec::new(),
    };
    let bytes = tokio::task::spawn_blocking(move || {
        let filter = filter_of(&q, &full)?;
        let mut snap = authorize_shared(&account.user, full, &filter)?;
        if !sign_ins.is_empty() {
            Arc::make_mut(&mut snap).sign_ins = sign_ins;
        }
        render(kind, &snap, &filter, now, format)
    })
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "report_failed",
            "Не удалось сформировать отчёт",
        )
    })??;
    let mut resp = bytes.into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if format != ReportFormat::Json {
        let name = format!(
            "attachment; filename=\"report-{}.{}\"",
            kind.code(),
            format.extension()
        );
        if let Ok(v) = HeaderValue::from_str(&name) {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    Ok(resp)
}

/// The report part of the OpenAPI document (merged into the API's document).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(choices, report),
    components(schemas(ReportResponse, ReportChoices, ReportChoice, ErrorBody))
)]
pub struct ReportApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(csv_field("ИС-21"), "ИС-21", "plain text stays");
        assert_eq!(csv_field("a, b"), "\"a, b\"", "a comma is quoted");
        assert_eq!(
            csv_field("«5» \"x\""),
            "\"«5» \"\"x\"\"\"",
            "quotes are doubled"
        );
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(
            ReportFormat::parse(None).ok(),
            Some(ReportFormat::Json),
            "JSON by default"
        );
        assert_eq!(
            ReportFormat::parse(Some("xlsx")).ok(),
            Some(ReportFormat::Xlsx),
            "xlsx"
        );
        assert!(
            ReportFormat::parse(Some("doc")).is_err(),
            "an unknown format is refused"
        );
    }
}
