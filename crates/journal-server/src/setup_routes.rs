//! The administrator's year-setup endpoints beyond accounts, gathered so the API assembles them in
//! one place: import of files ([`crate::import_routes`]).

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(crate::import_routes::routes())
}

/// Their part of the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    crate::import_routes::ImportApiDoc::openapi()
}
