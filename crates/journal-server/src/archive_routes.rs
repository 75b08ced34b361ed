//! The archive of closed academic years (issue 11 item 5, regulations 001: the journal is kept after
//! the year, printed and handed to the archive): `GET /api/v1/admin/archive` lists the years the
//! rollover closed, each with its groups, for the administration (journal-core's `ManageYear` or
//! `PrintDocuments` for the institution). A closed year is read-only: nothing changes it; its
//! documents print through `GET /api/v1/print/{document}?year=…` from the kept snapshot.

use std::collections::HashSet;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use journal_core::{Action, GroupId, UserId};
use journal_protocol::Snapshot;
use serde::{Deserialize, Serialize};

use crate::admin_access::permitted;
use crate::error::{ApiError, ErrorBody};
use crate::http::Authenticated;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/admin/archive", get(list))
}

/// A closed year.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArchivedYearView {
    /// «2025/2026»: what `?year=` of the print routes takes.
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub closed_at: DateTime<Utc>,
    #[schema(value_type = String, format = "uuid")]
    pub closed_by: UserId,
    /// The name of who closed it (empty if unknown).
    pub closed_by_name: String,
    pub groups: Vec<ArchivedGroupView>,
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
        out.push(ArchivedYearView {
            groups: groups_of(&snap),
            name: year.name,
            starts_on: year.starts_on,
            ends_on: year.ends_on,
            closed_at: year.closed_at.and_utc(),
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

#[derive(utoipa::OpenApi)]
#[openapi(paths(list), components(schemas(ArchivedYearView, ArchivedGroupView)))]
pub struct ArchiveApiDoc;
