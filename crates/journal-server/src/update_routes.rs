//! The app's updates from the institution's server (issue 15 item 3): `GET /api/v1/app/update`
//! answers the signed manifest that `journal-server updates publish` wrote into the update
//! directory (`serve --updates-dir`), `GET /api/v1/app/packages/{file}` a package it names. No
//! sign-in and no protocol header: an app too old to speak the server's protocol must still be
//! able to fetch its update. The server does not check the signature — the app does, with the key
//! it trusts; the server only serves files, by names journal-update accepts (no folders).

use std::path::PathBuf;

use axum::body::{Body, Bytes};
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::error::{ApiError, ErrorBody};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/app/update", get(manifest))
        .route("/api/v1/app/packages/{file}", get(package))
}

/// The signed update manifest as the app receives it (journal-update's `SignedManifest`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct UpdateManifestBody {
    pub manifest: ManifestBody,
    /// ed25519 signature of the manifest's canonical bytes by the institution's update key, hex
    /// (128 digits).
    pub signature: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ManifestBody {
    /// The release's version, e.g. 0.1.1.
    pub version: String,
    /// What changed, in Russian.
    pub notes: String,
    pub packages: Vec<PackageBody>,
}

/// The computers a package is for: Debian-like Linux, RPM-based Linux, Windows (NSIS installer).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PackageKindBody {
    Deb,
    Rpm,
    Nsis,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PackageBody {
    pub kind: PackageKindBody,
    /// The file's name for `GET /api/v1/app/packages/{file}`.
    pub file: String,
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

fn no_updates() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_updates",
        "На сервере учреждения не опубликовано обновлений приложения",
    )
}

fn unreadable(path: &std::path::Path, e: &std::io::Error) -> ApiError {
    tracing::error!(path = %path.display(), error = %e, "update file unreadable");
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "updates_dir_unavailable",
        "Папка обновлений сервера не читается",
    )
}

fn task_failed() -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "task_failed",
        "Внутренняя ошибка: чтение файла прервано",
    )
}

/// The file at `path` opened with its length; `None` when there is none.
async fn open(path: PathBuf) -> Result<Option<(std::fs::File, u64)>, ApiError> {
    tokio::task::spawn_blocking(move || {
        let file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(unreadable(&path, &e)),
        };
        let meta = file.metadata().map_err(|e| unreadable(&path, &e))?;
        Ok(meta.is_file().then_some((file, meta.len())))
    })
    .await
    .map_err(|_| task_failed())?
}

/// A file's bytes as they are read, in chunks: a package is never held whole in memory, however
/// many PCs download it at once.
struct Chunks(tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>);

impl futures_core::Stream for Chunks {
    type Item = std::io::Result<Bytes>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

fn streamed(mut file: std::fs::File) -> Body {
    use std::io::Read;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::task::spawn_blocking(move || loop {
        let mut chunk = vec![0u8; 256 * 1024];
        let sent = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                chunk.truncate(n);
                tx.blocking_send(Ok(Bytes::from(chunk)))
            }
            Err(e) => {
                let _ = tx.blocking_send(Err(e));
                break;
            }
        };
        // The client went away: stop reading.
        if sent.is_err() {
            break;
        }
    });
    Body::from_stream(Chunks(rx))
}

#[utoipa::path(get, path = "/api/v1/app/update", tag = "app",
    responses(
        (status = 200, description = "Подписанное описание последней опубликованной версии приложения", body = UpdateManifestBody),
        (status = 404, description = "Обновлений не опубликовано (no_updates)", body = ErrorBody),
        (status = 500, description = "Файл описания обновления повреждён (update_manifest_corrupt)", body = ErrorBody),
        (status = 503, description = "Папка обновлений не читается (updates_dir_unavailable)", body = ErrorBody)))]
async fn manifest(State(state): State<AppState>) -> Result<Response, ApiError> {
    let Some(dir) = state.config.updates_dir.clone() else {
        return Err(no_updates());
    };
    let path = dir.join(journal_update::MANIFEST_FILE);
    let bytes = tokio::task::spawn_blocking(move || match std::fs::read(&path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(unreadable(&path, &e)),
    })
    .await
    .map_err(|_| task_failed())??;
    let Some(bytes) = bytes else {
        return Err(no_updates());
    };
    // Parsed so that a damaged file is a clear error here, not a puzzle in the app.
    let signed: journal_update::SignedManifest = serde_json::from_slice(&bytes).map_err(|e| {
        tracing::error!(error = %e, "update manifest unreadable");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "update_manifest_corrupt",
            "Файл описания обновления на сервере повреждён: опубликуйте обновление заново",
        )
    })?;
    Ok(Json(signed).into_response())
}

#[utoipa::path(get, path = "/api/v1/app/packages/{file}", tag = "app",
    params(("file" = String, Path, description = "Имя файла пакета из описания обновления")),
    responses(
        (status = 200, description = "Файл пакета", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 400, description = "Не имя файла пакета (invalid_package_name)", body = ErrorBody),
        (status = 404, description = "Нет такого пакета (package_not_found) или обновлений не опубликовано (no_updates)", body = ErrorBody),
        (status = 503, description = "Папка обновлений не читается (updates_dir_unavailable)", body = ErrorBody)))]
async fn package(
    State(state): State<AppState>,
    UrlPath(file): UrlPath<String>,
) -> Result<Response, ApiError> {
    let Some(dir) = state.config.updates_dir.clone() else {
        return Err(no_updates());
    };
    if !journal_update::valid_file_name(&file)
        || journal_update::PackageKind::of_file(&file).is_none()
    {
        return Err(ApiError::bad_request(
            "invalid_package_name",
            "Это не имя файла пакета (.deb, .rpm, .exe без папок)",
        ));
    }
    let Some((opened, len)) = open(dir.join(&file)).await? else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "package_not_found",
            format!("Пакета «{file}» на сервере нет"),
        ));
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::CONTENT_LENGTH, len.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        streamed(opened),
    )
        .into_response())
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(manifest, package),
    components(schemas(UpdateManifestBody, ManifestBody, PackageBody, PackageKindBody))
)]
pub struct UpdateApiDoc;
