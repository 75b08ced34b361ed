//! The administrator's year-setup endpoints beyond accounts, gathered so the API assembles them in
//! one place: import of files ([`crate::import_routes`]), users' state ([`crate::user_routes`]),
//! the academic year ([`crate::year_routes`]), groups, students and loads ([`crate::roster_routes`]), the caller's institution
//! ([`crate::institution_routes`]), its policy ([`crate::policy_routes`]), its mail server ([`crate::smtp_routes`]) and the reference data it keeps
//! itself: work regime and bells, subjects, rooms ([`crate::reference_routes`]).

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(crate::import_routes::routes())
        .merge(crate::user_routes::routes())
        .merge(crate::year_routes::routes())
        .merge(crate::roster_routes::routes())
        .merge(crate::institution_routes::routes())
        .merge(crate::audit_routes::routes())
        .merge(crate::readiness_routes::routes())
        .merge(crate::backup_routes::routes())
        .merge(crate::slip_routes::routes())
        .merge(crate::policy_routes::routes())
        .merge(crate::reference_routes::routes())
        .merge(crate::curriculum_routes::routes())
        .merge(crate::individual_plan_routes::routes())
        .merge(crate::rollover_routes::routes())
        .merge(crate::grant_routes::routes())
        .merge(crate::archive_routes::routes())
        .merge(crate::smtp_routes::routes())
}

/// Their part of the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    crate::import_routes::ImportApiDoc::openapi()
        .merge_from(crate::user_routes::UserApiDoc::openapi())
        .merge_from(crate::year_routes::YearApiDoc::openapi())
        .merge_from(crate::roster_routes::RosterApiDoc::openapi())
        .merge_from(crate::institution_routes::InstitutionApiDoc::openapi())
        .merge_from(crate::audit_routes::AuditApiDoc::openapi())
        .merge_from(crate::readiness_routes::ReadinessApiDoc::openapi())
        .merge_from(crate::backup_routes::BackupApiDoc::openapi())
        .merge_from(crate::slip_routes::SlipApiDoc::openapi())
        .merge_from(crate::policy_routes::PolicyApiDoc::openapi())
        .merge_from(crate::reference_routes::ReferenceApiDoc::openapi())
        .merge_from(crate::curriculum_routes::CurriculumApiDoc::openapi())
        .merge_from(crate::individual_plan_routes::IndividualPlanApiDoc::openapi())
        .merge_from(crate::rollover_routes::RolloverApiDoc::openapi())
        .merge_from(crate::grant_routes::GrantApiDoc::openapi())
        .merge_from(crate::archive_routes::ArchiveApiDoc::openapi())
        .merge_from(crate::smtp_routes::SmtpApiDoc::openapi())
}
