//! The administrator's import over HTTP: `POST /api/v1/admin/import/{kind}` with the file as the
//! body (CSV or XLSX for students, groups, teachers, loads, timetable, plan; aSc XML for `asc`; a
//! FET `.fet` file for `fet`). `?dry_run=true` checks the file and answers what it would change
//! (the same report, `applied: false`) without changing anything.
//! It is the command line's import ([`crate::admin::import_by`]): the whole file or nothing, every
//! bad row named with its number, column and a Russian reason, one audit entry with the
//! administrator as its author. Who may import is journal-core's `Import` permission.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use journal_core::Action;
use journal_import::{FileFormat, ImportError, ImportKind};
use serde::{Deserialize, Serialize};

use crate::admin::{self, AdminError, ImportAction, ImportItem, ImportReport};
use crate::admin_access::{permitted, reference_change_turn};
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiQuery, Authenticated};
use crate::AppState;

/// MIME type of an XLSX workbook.
pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Content types of a table file (CSV, or a workbook calamine reads).
const TABLE_TYPES: &[&str] = &[
    "text/csv",
    "application/csv",
    XLSX_CONTENT_TYPE,
    "application/vnd.ms-excel",
    "application/vnd.oasis.opendocument.spreadsheet",
];

/// Content types of an aSc Timetables export.
const XML_TYPES: &[&str] = &["application/xml", "text/xml"];

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/admin/import/{kind}", post(import_file))
}

/// `?file=…`: the file's name, for the audit entry; `?dry_run=true`: only check.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Имя файла (для журнала аудита).
    pub file: Option<String>,
    /// true — только проверить: ответ говорит, что изменится, а база не меняется.
    pub dry_run: Option<bool>,
}

/// One bad row of a refused file.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportRowError {
    /// Row number as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    pub column: Option<String>,
    pub reason: String,
}

/// Why a file was not imported (nothing was changed): the code, the message and every bad row.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportRefusal {
    pub code: String,
    pub message: String,
    pub rows: Vec<ImportRowError>,
}

/// A refused import: a plain error, or the file's bad rows (422).
pub(crate) enum ImportFailure {
    Api(ApiError),
    Refused(ImportRefusal),
}

impl From<ApiError> for ImportFailure {
    fn from(e: ApiError) -> Self {
        ImportFailure::Api(e)
    }
}

impl IntoResponse for ImportFailure {
    fn into_response(self) -> Response {
        match self {
            ImportFailure::Api(e) => e.into_response(),
            ImportFailure::Refused(r) => {
                (StatusCode::UNPROCESSABLE_ENTITY, Json(r)).into_response()
            }
        }
    }
}

pub(crate) fn failure(e: AdminError) -> ImportFailure {
    match e {
        AdminError::Import(ImportError::Rows(rows)) => {
            let e_text = ImportError::Rows(rows.clone()).to_string();
            ImportFailure::Refused(ImportRefusal {
                code: "import_rows_invalid".into(),
                message: e_text,
                rows: rows
                    .into_iter()
                    .map(|r| ImportRowError {
                        row: r.row,
                        column: r.column,
                        reason: r.reason,
                    })
                    .collect(),
            })
        }
        e @ AdminError::AscIncomplete(_) => ImportFailure::Refused(ImportRefusal {
            code: e.code().into(),
            message: e.to_string(),
            rows: Vec::new(),
        }),
        AdminError::Storage(s) => ImportFailure::Api(s.into()),
        // The file itself is unreadable or not the kind asked for.
        e => ImportFailure::Api(ApiError::bad_request(e.code(), e.to_string())),
    }
}

/// The bare media type of the request (`text/csv; charset=utf-8` → `text/csv`).
pub(crate) fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Refuses a body whose declared type does not fit the kind (or the bytes).
pub(crate) fn check_content_type(
    kind: ImportKind,
    media: &str,
    bytes: &[u8],
) -> Result<(), ApiError> {
    let unsupported = |message: String| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "import_content_type",
            message,
        )
    };
    if kind == ImportKind::Fet {
        if !XML_TYPES.contains(&media) && media != "application/octet-stream" {
            return Err(unsupported(format!(
                "Файл FET передаётся как XML (Content-Type: application/xml), а не «{media}»"
            )));
        }
        return Ok(());
    }
    if kind == ImportKind::Asc {
        if !XML_TYPES.contains(&media) {
            return Err(unsupported(format!(
                "Расписание aSc передаётся как XML (Content-Type: application/xml), а не «{media}»"
            )));
        }
        return Ok(());
    }
    if !TABLE_TYPES.contains(&media) {
        return Err(unsupported(format!(
            "Файл импорта передаётся как CSV (Content-Type: text/csv) или XLSX ({XLSX_CONTENT_TYPE}), а не «{media}»"
        )));
    }
    let declared_csv = matches!(media, "text/csv" | "application/csv");
    let is_csv = FileFormat::detect(bytes) == FileFormat::Csv;
    if declared_csv != is_csv {
        return Err(ApiError::bad_request(
            "import_format_mismatch",
            if declared_csv {
                "Файл объявлен как CSV, но это книга Excel: укажите Content-Type книги"
            } else {
                "Файл объявлен как книга Excel, но это не книга Excel: укажите Content-Type: text/csv"
            },
        ));
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/admin/import/{kind}", tag = "admin", security(("bearer" = [])),
    request_body(description = "Файл: CSV (text/csv) или XLSX; для asc — XML aSc Timetables; для fet — файл FET (.fet, XML)",
        content((Vec<u8> = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/xml"))),
    params(("kind" = String, Path, description = "students, groups, teachers, loads, timetable, plan, asc, fet"),
        ImportQuery,
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Файл импортирован целиком (applied: true) или проверен без изменений (dry_run=true, applied: false): что добавляется, изменяется, остаётся", body = ImportReport),
        (status = 400, description = "Неизвестный вид импорта или нечитаемый файл; ничего не изменено", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 415, description = "Тип содержимого не подходит к виду импорта", body = ErrorBody),
        (status = 422, description = "Ошибки в строках файла (или несопоставленные имена aSc); ничего не изменено", body = ImportRefusal)))]
async fn import_file(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(kind): Path<String>,
    ApiQuery(query): ApiQuery<ImportQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportReport>, ImportFailure> {
    let admin = permitted(
        &state,
        &auth,
        &[Action::Import],
        "Импорт данных выполняет администратор",
    )
    .await?;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "Файл слишком велик для импорта",
            )
        } else {
            ApiError::bad_request(
                "unreadable_body",
                format!("Не удалось прочитать тело запроса: {}", e.body_text()),
            )
        }
    })?;
    let import_kind = ImportKind::parse(&kind).ok_or_else(|| {
        let e = AdminError::UnknownKind(kind.clone());
        ApiError::bad_request(e.code(), e.to_string())
    })?;
    check_content_type(import_kind, &media_type(&headers), &body)?;
    let file_name = query
        .file
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| format!("{kind} (HTTP)"));
    let dry_run = query.dry_run.unwrap_or(false);
    // A dry run writes nothing, so it need not wait for other reference changes.
    let _turn = if dry_run {
        None
    } else {
        Some(reference_change_turn(&state, auth.session.institution_id).await?)
    };
    let report = admin::import_by(
        state.storage.as_ref(),
        auth.session.institution_id,
        &kind,
        &file_name,
        &body,
        state.config.now(),
        Some((admin.user.id, auth.session.device_id)),
        dry_run,
    )
    .await
    .map_err(failure)?;
    Ok(Json(report))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(import_file),
    components(schemas(ImportReport, ImportItem, ImportAction, ImportRefusal, ImportRowError))
)]
pub struct ImportApiDoc;
