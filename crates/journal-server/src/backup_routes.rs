//! Backups over HTTP for the administrator (`/api/v1/admin/backups`): list, make one now, verify,
//! download. A backup is the same consistent copy as `journal-server backup --to DIR` (the
//! storage's online copy and its manifest with every file's size and sha256), packed into one
//! `journal-YYYYMMDD-HHMMSS.zip` in the server's backup directory (`serve --backup-dir`), so it is
//! listed, checked and downloaded as one file; `journal-server restore --from FILE.zip` takes it
//! back. The copy holds the whole database, so a database shared by several institutions is
//! backed up by the server's operator from the command line, not by one institution's
//! administrator. journal-core's `Backup` decides who may (the administrator).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use journal_core::Action;
use serde::{Deserialize, Serialize};

use crate::admin::{self, Manifest, MANIFEST_FILE};
use crate::admin_access::permitted;
use crate::backup_seal::BackupKey;
use crate::error::{ApiError, ErrorBody};
use crate::http::Authenticated;
use crate::storage::AdminAction;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/backups", get(list).post(create))
        .route("/api/v1/admin/backups/{name}", get(download))
        .route("/api/v1/admin/backups/{name}/verify", post(verify))
}

const REFUSAL: &str = "Резервные копии делает администратор";
const PREFIX: &str = "journal-";
const SUFFIX: &str = ".zip";

/// A backup in the server's backup directory.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BackupInfo {
    /// The file's name, e.g. `journal-20261205-091500.zip`.
    pub name: String,
    /// When the copy was taken (UTC).
    pub created_at: DateTime<FixedOffset>,
    pub size_bytes: u64,
}

/// The result of checking a backup against its manifest.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BackupCheck {
    pub ok: bool,
    /// What was found, in Russian.
    pub message: String,
}

/// Whether `name` is a backup's file name as this module makes them: nothing else (no path, no
/// other file of the directory) is ever opened by name.
pub fn is_backup_name(name: &str) -> bool {
    let Some(stem) = name
        .strip_prefix(PREFIX)
        .and_then(|n| n.strip_suffix(SUFFIX))
    else {
        return false;
    };
    let mut parts = stem.split('-');
    let digits = |p: Option<&str>, n: usize| {
        p.is_some_and(|p| p.len() == n && p.bytes().all(|b| b.is_ascii_digit()))
    };
    let (date, time, extra) = (parts.next(), parts.next(), parts.next());
    digits(date, 8)
        && digits(time, 6)
        && extra
            .is_none_or(|e| !e.is_empty() && e.len() <= 4 && e.bytes().all(|b| b.is_ascii_digit()))
        && parts.next().is_none()
}

fn file_failure(status: StatusCode, code: &str, what: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(status, code, format!("{what}: {e}"))
}

/// The configured backup directory (created if missing), or 503 with the reason.
/// The server's backup key (`serve --backup-key`); `create`: made there if there is none yet.
fn backup_key(state: &AppState, create: bool) -> Result<BackupKey, ApiError> {
    let path = state.config.backup_key.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "backup_key_missing",
            "Не задан ключ резервных копий: запустите сервер с --backup-key",
        )
    })?;
    let key = if create {
        BackupKey::load_or_create(&path)
    } else {
        BackupKey::load(&path)
    };
    key.map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.code(), e.to_string()))
}

fn backup_dir(state: &AppState) -> Result<PathBuf, ApiError> {
    let dir = state.config.backup_dir.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "backup_dir_not_configured",
            "Каталог резервных копий не задан: запустите сервер с параметром --backup-dir КАТАЛОГ",
        )
    })?;
    std::fs::create_dir_all(&dir).map_err(|e| {
        file_failure(
            StatusCode::SERVICE_UNAVAILABLE,
            "backup_dir_unavailable",
            "Каталог резервных копий недоступен",
            e,
        )
    })?;
    Ok(dir)
}

/// Whether the database holds several institutions. Then a backup file (of the whole database,
/// made before the second institution came or by the operator) is no one institution's: the HTTP
/// routes neither list nor hand it out, so one institution's administrator never gets another's data.
async fn shared(state: &AppState) -> Result<bool, ApiError> {
    Ok(state.storage.institutions().await?.len() > 1)
}

/// The existing backup `name`: 400 for a name that is not a backup's, 404 for one not there (or
/// in a database shared by several institutions).
async fn named(state: &AppState, name: &str) -> Result<PathBuf, ApiError> {
    if !is_backup_name(name) {
        return Err(ApiError::bad_request(
            "invalid_backup_name",
            format!("«{name}» — не имя резервной копии (journal-ГГГГММДД-ЧЧММСС.zip)"),
        ));
    }
    let path = backup_dir(state)?.join(name);
    if !path.is_file() || shared(state).await? {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_backup",
            format!("Резервной копии «{name}» нет"),
        ));
    }
    Ok(path)
}

/// Packs the files of the backup directory `dir` (flat) into the zip `to`.
pub fn pack(dir: &Path, to: &Path) -> Result<u64, std::io::Error> {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(to)?);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let mut names: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        zip.start_file(name.as_str(), options)
            .map_err(std::io::Error::other)?;
        std::io::copy(&mut std::fs::File::open(dir.join(&name))?, &mut zip)?;
    }
    let file = zip.finish().map_err(std::io::Error::other)?;
    file.sync_all()?;
    Ok(file.metadata()?.len())
}

/// Unpacks a backup zip into the empty directory `into`: only plain file names, nothing outside.
pub fn unpack(zip_path: &Path, into: &Path) -> Result<(), String> {
    let file = std::fs::File::open(zip_path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| format!("архив не читается: {e}"))?;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| format!("архив не читается: {e}"))?;
        let name = entry.name().to_string();
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(format!("недопустимое имя файла в архиве «{name}»"));
        }
        let mut out = std::fs::File::create(into.join(&name)).map_err(|e| e.to_string())?;
        std::io::copy(&mut entry, &mut out).map_err(|e| format!("файл «{name}»: {e}"))?;
        out.flush().map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The manifest inside a backup zip, without unpacking the rest.
fn manifest_of(zip_path: &Path) -> Option<Manifest> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(zip_path).ok()?).ok()?;
    let mut text = String::new();
    zip.by_name(MANIFEST_FILE)
        .ok()?
        .read_to_string(&mut text)
        .ok()?;
    serde_json::from_str(&text).ok()
}

fn utc(t: NaiveDateTime) -> DateTime<FixedOffset> {
    t.and_utc().fixed_offset()
}

/// A copy's time on the institution's clock (its offset carried), as the console shows every
/// server time: the administrator reads «18:00», not the server's UTC.
async fn on_institution_clock(
    state: &AppState,
    auth: &Authenticated,
    t: DateTime<FixedOffset>,
) -> Result<DateTime<FixedOffset>, ApiError> {
    let zone = crate::clock_routes::institution_clock(state, auth.session.institution_id)
        .await?
        .timezone
        .parse::<chrono_tz::Tz>()
        .unwrap_or(chrono_tz::Europe::Moscow);
    Ok(t.with_timezone(&zone).fixed_offset())
}

fn info(path: &Path) -> Option<BackupInfo> {
    let meta = std::fs::metadata(path).ok()?;
    // A damaged archive is still listed (by the file's time), so that it can be checked.
    let created_at = manifest_of(path).map(|m| utc(m.created_at)).or_else(|| {
        meta.modified()
            .ok()
            .map(|t| DateTime::<Utc>::from(t).fixed_offset())
    })?;
    Some(BackupInfo {
        name: path.file_name()?.to_string_lossy().into_owned(),
        created_at,
        size_bytes: meta.len(),
    })
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ApiError::from(crate::StorageError::TaskFailed))?
}

/// Why a zip copy was not made.
#[derive(Debug)]
pub enum ZipFailure {
    /// The backup directory cannot be written.
    DirUnavailable(String),
    /// The copy itself failed.
    Failed(String),
}

impl std::fmt::Display for ZipFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ZipFailure::DirUnavailable(e) => write!(f, "каталог недоступен для записи: {e}"),
            ZipFailure::Failed(e) => f.write_str(e),
        }
    }
}

/// Makes one sealed copy of the whole database as `journal-YYYYMMDD-HHMMSS.zip` in `dir` (mode
/// 600; it appears under its name only once complete); answers its name, size and manifest. One
/// copy at a time in the process, so two never race for a name.
pub async fn make_zip(
    storage: &dyn crate::Storage,
    dir: &Path,
    key: &BackupKey,
    now: NaiveDateTime,
) -> Result<(String, u64, Manifest), ZipFailure> {
    static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = TURN.lock().await;
    let stamp = now.format("%Y%m%d-%H%M%S");
    let mut name = format!("{PREFIX}{stamp}{SUFFIX}");
    let mut n = 2;
    while dir.join(&name).exists() {
        name = format!("{PREFIX}{stamp}-{n}{SUFFIX}");
        n += 1;
    }
    std::fs::create_dir_all(dir).map_err(|e| ZipFailure::DirUnavailable(e.to_string()))?;
    let work = tempfile::Builder::new()
        .prefix(".backup-")
        .tempdir_in(dir)
        .map_err(|e| ZipFailure::DirUnavailable(e.to_string()))?;
    let copy = work.path().join("copy");
    let manifest = admin::backup(storage, storage.backend(), &copy, now, key)
        .await
        .map_err(|e| ZipFailure::Failed(e.to_string()))?;
    let (part, target) = (work.path().join("packed.zip"), dir.join(&name));
    let size = tokio::task::spawn_blocking(move || {
        let size = pack(&copy, &part).map_err(|e| e.to_string())?;
        crate::backup_seal::make_private(&part).map_err(|e| e.to_string())?;
        std::fs::rename(&part, &target).map_err(|e| e.to_string())?;
        Ok::<u64, String>(size)
    })
    .await
    .map_err(|e| ZipFailure::Failed(e.to_string()))?
    .map_err(ZipFailure::Failed)?;
    drop(work);
    Ok((name, size, manifest))
}

#[utoipa::path(get, path = "/api/v1/admin/backups", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Резервные копии в каталоге сервера, новые первыми", body = Vec<BackupInfo>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 503, description = "Каталог резервных копий не задан или недоступен (backup_dir_not_configured, backup_dir_unavailable)", body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<Vec<BackupInfo>>, ApiError> {
    permitted(&state, &auth, &[Action::Backup], REFUSAL).await?;
    let dir = backup_dir(&state)?;
    if shared(&state).await? {
        return Ok(Json(Vec::new()));
    }
    let mut out = blocking(move || {
        let entries = std::fs::read_dir(&dir).map_err(|e| {
            file_failure(
                StatusCode::SERVICE_UNAVAILABLE,
                "backup_dir_unavailable",
                "Каталог резервных копий не читается",
                e,
            )
        })?;
        Ok(entries
            .filter_map(Result::ok)
            .filter(|e| is_backup_name(&e.file_name().to_string_lossy()))
            .filter_map(|e| info(&e.path()))
            .collect::<Vec<_>>())
    })
    .await?;
    out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.name.cmp(&a.name)));
    for b in &mut out {
        b.created_at = on_institution_clock(&state, &auth, b.created_at).await?;
    }
    Ok(Json(out))
}

#[utoipa::path(post, path = "/api/v1/admin/backups", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 201, description = "Резервная копия сделана", body = BackupInfo),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "База данных общая для нескольких учреждений: копию делает оператор сервера (backup_shared_database)", body = ErrorBody),
        (status = 503, description = "Каталог резервных копий не задан или недоступен, или копия не удалась (backup_dir_not_configured, backup_dir_unavailable, backup_failed)", body = ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<(StatusCode, Json<BackupInfo>), ApiError> {
    let admin_account = permitted(&state, &auth, &[Action::Backup], REFUSAL).await?;
    let dir = backup_dir(&state)?;
    if shared(&state).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "backup_shared_database",
            "В базе данных несколько учреждений: копию всей базы делает оператор сервера командой journal-server backup",
        ));
    }
    let now = state.config.now();
    let key = backup_key(&state, true)?;
    let made = make_zip(state.storage.as_ref(), &dir, &key, now).await;
    state.metrics.backup(made.is_ok());
    let (name, size_bytes, manifest) = made.map_err(|f| match f {
        ZipFailure::DirUnavailable(e) => file_failure(
            StatusCode::SERVICE_UNAVAILABLE,
            "backup_dir_unavailable",
            "Каталог резервных копий недоступен для записи",
            e,
        ),
        ZipFailure::Failed(e) => file_failure(
            StatusCode::SERVICE_UNAVAILABLE,
            "backup_failed",
            "Резервная копия не сделана",
            e,
        ),
    })?;
    state
        .storage
        .append_admin_action(
            AdminAction {
                institution_id: auth.session.institution_id,
                kind: "backup_created".into(),
                author_id: Some(admin_account.user.id),
                device_id: Some(auth.session.device_id),
                subject: name.clone(),
                detail: serde_json::json!({
                    "name": name,
                    "size_bytes": size_bytes,
                    "files": manifest.files.len(),
                }),
            },
            now,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(BackupInfo {
            name,
            created_at: on_institution_clock(&state, &auth, utc(manifest.created_at)).await?,
            size_bytes,
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/admin/backups/{name}/verify", tag = "admin", security(("bearer" = [])),
    params(("name" = String, Path, description = "Имя резервной копии"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Результат проверки копии по её манифесту (размеры и контрольные суммы файлов)", body = BackupCheck),
        (status = 400, description = "Не имя резервной копии (invalid_backup_name)", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "Нет такой копии (unknown_backup)", body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn verify(
    State(state): State<AppState>,
    auth: Authenticated,
    UrlPath(name): UrlPath<String>,
) -> Result<Json<BackupCheck>, ApiError> {
    permitted(&state, &auth, &[Action::Backup], REFUSAL).await?;
    let path = named(&state, &name).await?;
    let backend = state.storage.backend();
    let key = backup_key(&state, false).ok();
    let check = blocking(move || {
        let work = tempfile::tempdir().map_err(|e| {
            file_failure(
                StatusCode::SERVICE_UNAVAILABLE,
                "backup_failed",
                "Нет места для проверки",
                e,
            )
        })?;
        let outcome = unpack(&path, work.path())
            .map_err(|e| format!("Резервная копия повреждена: {e}"))
            .and_then(|()| {
                admin::verify_backup(work.path(), backend, key.as_ref(), false)
                    .map_err(|e| e.to_string())
            });
        Ok(match outcome {
            Ok(m) => BackupCheck {
                ok: true,
                message: format!(
                    "Копия цела: файлов — {}, все совпадают с контрольными суммами; сделана {} (UTC)",
                    m.files.len(),
                    m.created_at.format("%d.%m.%Y %H:%M")
                ),
            },
            Err(message) => BackupCheck { ok: false, message },
        })
    })
    .await?;
    Ok(Json(check))
}

#[utoipa::path(get, path = "/api/v1/admin/backups/{name}", tag = "admin", security(("bearer" = [])),
    params(("name" = String, Path, description = "Имя резервной копии"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Файл резервной копии (ZIP: манифест и файлы базы; восстановление — journal-server restore --from ФАЙЛ)", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 400, description = "Не имя резервной копии (invalid_backup_name)", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "Нет такой копии (unknown_backup)", body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn download(
    State(state): State<AppState>,
    auth: Authenticated,
    UrlPath(name): UrlPath<String>,
) -> Result<Response, ApiError> {
    permitted(&state, &auth, &[Action::Backup], REFUSAL).await?;
    let path = named(&state, &name).await?;
    let bytes = blocking(move || {
        std::fs::read(&path).map_err(|e| {
            file_failure(
                StatusCode::SERVICE_UNAVAILABLE,
                "backup_dir_unavailable",
                "Резервная копия не читается",
                e,
            )
        })
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, create, verify, download),
    components(schemas(BackupInfo, BackupCheck))
)]
pub struct BackupApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_backup_names_pass() {
        for good in [
            "journal-20261205-091500.zip",
            "journal-20261205-091500-2.zip",
        ] {
            assert!(is_backup_name(good), "{good} is a backup's name");
        }
        for bad in [
            "../journal-20261205-091500.zip",
            "journal-20261205-091500.zip/../../etc/passwd",
            "..",
            "manifest.json",
            "journal-2026120-091500.zip",
            "journal-20261205-091500-.zip",
            "journal-20261205-091500-2-3.zip",
            "journal-20261205-09150a.zip",
            "",
        ] {
            assert!(!is_backup_name(bad), "{bad:?} is refused");
        }
    }
}
