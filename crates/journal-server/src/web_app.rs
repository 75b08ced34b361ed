//! The administrator's console (`web/`, built by `make ui` into `web/dist`) served at `/` from the
//! binary: embedded at compile time (`include_dir!`, the folder chosen by `build.rs`), same origin
//! as `/api/v1`. A path that names no file gets `index.html` (the console's own screens are paths);
//! anything under `/api/` that no route took stays a JSON 404.

use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use include_dir::{include_dir, Dir};

use crate::error::ApiError;

static WEB_DIST: Dir<'static> = include_dir!("$JOURNAL_WEB_DIST");

/// Vite puts content-hashed files here: a new build gives them new names, so they never go stale.
const HASHED_PREFIX: &str = "assets/";

/// The fallback of the whole router: the console's files, or the API's JSON 404.
pub(crate) async fn fallback(method: Method, uri: Uri) -> Response {
    let path = uri.path();
    if path == "/api" || path.starts_with("/api/") {
        return not_found_in_api().into_response();
    }
    if method != Method::GET && method != Method::HEAD {
        return ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "Этот метод HTTP не поддерживается по этому адресу",
        )
        .into_response();
    }
    serve(&WEB_DIST, path)
}

pub(crate) fn not_found_in_api() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "Нет такого адреса в API сервера",
    )
}

/// The file at `path` in `dir`, or its `index.html` for a path that names no file.
fn serve(dir: &Dir<'static>, path: &str) -> Response {
    let relative = path.trim_start_matches('/');
    if let Some(file) = dir.get_file(relative).filter(|_| !relative.is_empty()) {
        let cache = if relative.starts_with(HASHED_PREFIX) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return file_response(file.contents(), content_type(relative), cache);
    }
    // A missing hashed asset is a stale page asking for an old build: a 404, not the app's HTML.
    if relative.starts_with(HASHED_PREFIX) {
        return (StatusCode::NOT_FOUND, "Нет такого файла").into_response();
    }
    match dir.get_file("index.html") {
        Some(index) => file_response(index.contents(), "text/html; charset=utf-8", "no-cache"),
        None => (StatusCode::NOT_FOUND, "Консоль администратора не собрана").into_response(),
    }
}

fn file_response(body: &'static [u8], content_type: &'static str, cache: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response()
}

/// The content type by the file's extension (only what a Vite build makes).
fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use include_dir::{DirEntry, File};

    static FILES: &[DirEntry<'static>] = &[
        DirEntry::File(File::new("index.html", b"<html>console</html>")),
        DirEntry::Dir(Dir::new(
            "assets",
            &[DirEntry::File(File::new(
                "assets/index-abc123.js",
                b"console.log(1)",
            ))],
        )),
    ];
    static DIST: Dir<'static> = Dir::new("", FILES);

    fn header_of(r: &Response, name: header::HeaderName) -> String {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }

    #[test]
    fn a_hashed_asset_is_cached_for_good_and_typed() {
        let r = serve(&DIST, "/assets/index-abc123.js");
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            header_of(&r, header::CONTENT_TYPE),
            "text/javascript; charset=utf-8"
        );
        assert!(
            header_of(&r, header::CACHE_CONTROL).contains("immutable"),
            "a content-hashed file may be cached for good"
        );
    }

    #[test]
    fn a_screen_path_gets_index_html_never_cached() {
        for path in ["/", "/users", "/import/students"] {
            let r = serve(&DIST, path);
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            assert_eq!(
                header_of(&r, header::CONTENT_TYPE),
                "text/html; charset=utf-8",
                "{path} is the console's page"
            );
            assert_eq!(header_of(&r, header::CACHE_CONTROL), "no-cache", "{path}");
        }
    }

    #[test]
    fn a_missing_hashed_asset_is_404_not_html() {
        let r = serve(&DIST, "/assets/index-old.js");
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a/b.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("x.svg"), "image/svg+xml");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
