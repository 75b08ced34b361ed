//! Dated role assignments over HTTP (issue 11 item 3): `GET /api/v1/admin/users/{id}/grants`
//! lists a user's roles with their days, `PUT` replaces the whole list (a role is ended by giving
//! it an `until`, not by deleting it, so the audit and old journals still say who held it).
//!
//! Who may give which role is journal-core's `permissions::check_grant`, asked for every grant the
//! change adds, removes or re-dates, with the caller's grants in force today: the administrator
//! any role, the director the administration's roles and the administrator, HR the staff roles,
//! the curator their group's students' and parents' logins. The same decision says which users a
//! caller keeps ([`keeps`]): every one of the user's roles is one the caller may give. The user
//! routes (create, list, deactivate, password) ask it too. A change is audited with the old and
//! the new list and raises the reference version (the grants are in the snapshot).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use journal_core::{permissions, GrantTerm, GroupId, Policy, Role, Scope, StudentId, UserId};
use journal_protocol::{RoleGrant, Snapshot, User};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, Authenticated};
use crate::storage::{Account, AdminAction};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/v1/admin/users/{id}/grants",
        get(get_grants).put(put_grants),
    )
}

/// Said to a user who may give no role at all.
pub(crate) const REFUSAL: &str = "Учётными записями пользователей управляет администратор";

/// One role of a user with its days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantItem {
    /// `teacher`, `curator`, `department_head`, `social_pedagogue`, `deputy`, `director`,
    /// `hr_officer`, `admin`, `inspector`, `control_group`, `student`, `parent`.
    #[schema(value_type = String)]
    pub role: Role,
    /// The curator's group.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub group_id: Option<GroupId>,
    /// The student (a student's own record, a parent's child).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub student_id: Option<StudentId>,
    /// First day the role is held (absent: since always).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last day the role is held (absent: until changed).
    #[serde(default)]
    pub until: Option<NaiveDate>,
}

/// A role as listed: its days and whether it is in force today.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GrantState {
    #[schema(value_type = String)]
    pub role: Role,
    #[schema(value_type = Option<String>, format = "uuid")]
    pub group_id: Option<GroupId>,
    #[schema(value_type = Option<String>, format = "uuid")]
    pub student_id: Option<StudentId>,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// In force on the institution's day `today`.
    pub in_force: bool,
}

/// A user's roles with their days.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserGrants {
    #[schema(value_type = String, format = "uuid")]
    pub user_id: UserId,
    pub login: String,
    pub full_name: String,
    /// The institution's day the roles are judged on.
    pub today: NaiveDate,
    pub grants: Vec<GrantState>,
}

/// The whole new list of a user's roles.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantsUpdate {
    pub grants: Vec<GrantItem>,
}

impl From<GrantItem> for RoleGrant {
    fn from(g: GrantItem) -> Self {
        RoleGrant {
            role: g.role,
            group_id: g.group_id,
            student_id: g.student_id,
            from: g.from,
            until: g.until,
        }
    }
}

/// The scope a grant's object is in for each of the caller's roles: a student's or a parent's
/// grant is `OwnGroup` for the curator of a group the student is (or will be) in; everything else
/// is the institution's.
fn granter_scopes(
    caller: &User,
    grant: &RoleGrant,
    snapshot: &Snapshot,
    today: NaiveDate,
) -> Vec<(Role, Scope)> {
    let groups_of_student: Vec<GroupId> = grant
        .student_id
        .map(|sid| {
            snapshot
                .memberships
                .iter()
                .filter(|m| m.student_id == sid && m.to.is_none_or(|to| to >= today))
                .map(|m| m.group_id)
                .collect()
        })
        .unwrap_or_default();
    caller
        .grants
        .iter()
        .map(|held| {
            let own = held.role == Role::Curator
                && groups_of_student.iter().any(|gid| {
                    held.group_id == Some(*gid)
                        || snapshot
                            .groups
                            .iter()
                            .any(|g| g.id == *gid && g.curator_id == Some(caller.id))
                });
            let scope = if own {
                Scope::OwnGroup
            } else {
                Scope::Institution
            };
            (held.role, scope)
        })
        .collect()
}

/// Whether `caller` (their grants in force today) may give `grant`: journal-core decides.
pub(crate) fn check_may_give(
    caller: &User,
    grant: &RoleGrant,
    snapshot: &Snapshot,
    today: NaiveDate,
) -> Result<(), ApiError> {
    let granter = granter_scopes(caller, grant, snapshot, today);
    permissions::check_grant(&granter, grant.role, &snapshot.institution.policy)
        .map_err(|e| ApiError::new(StatusCode::FORBIDDEN, e.code(), e.to_string()))
}

/// Whether `caller` keeps `target`: may give every one of the target's roles (the administrator
/// keeps everyone, HR the staff, a curator their group's students and parents).
pub(crate) fn keeps(caller: &User, target: &User, snapshot: &Snapshot, today: NaiveDate) -> bool {
    !target.grants.is_empty()
        && target
            .grants
            .iter()
            .all(|g| check_may_give(caller, g, snapshot, today).is_ok())
}

/// Whether `caller` may give some role to someone (the gate of the users' routes).
pub(crate) fn gives_any(caller: &User, policy: &Policy) -> bool {
    caller.grants.iter().any(|held| {
        Role::ALL.iter().any(|&role| {
            [Scope::Institution, Scope::OwnGroup]
                .into_iter()
                .any(|scope| permissions::check_grant(&[(held.role, scope)], role, policy).is_ok())
        })
    })
}

/// The signed-in user (grants in force today) if they may give some role; else 403.
pub(crate) async fn granter(state: &AppState, auth: &Authenticated) -> Result<Account, ApiError> {
    let account = crate::http::signed_in_account(state, auth).await?;
    let policy = crate::clock_routes::institution_clock(state, auth.session.institution_id)
        .await?
        .policy;
    if !gives_any(&account.user, &policy) {
        return Err(ApiError::forbidden(REFUSAL));
    }
    Ok(account)
}

/// Each grant is whole and names what exists: a student's or a parent's names one of the
/// institution's students, a curator's one of its groups; its last day is not before its first.
pub(crate) fn check_grants(grants: &[RoleGrant], snapshot: &Snapshot) -> Result<(), ApiError> {
    for g in grants {
        GrantTerm::new(g.from, g.until)
            .map_err(|e| ApiError::bad_request(e.code(), e.to_string()))?;
        match g.role {
            Role::Student | Role::Parent => match g.student_id {
                None => {
                    return Err(ApiError::bad_request(
                        "grant_student_id_required",
                        if g.role == Role::Parent {
                            "Укажите студента, родителем которого является пользователь (student_id)"
                        } else {
                            "Укажите, какой это студент (student_id)"
                        },
                    ))
                }
                Some(id) if !snapshot.students.iter().any(|s| s.id == id) => {
                    return Err(ApiError::bad_request(
                        "grant_student_id_unknown",
                        "Такого студента в учреждении нет (student_id)",
                    ))
                }
                Some(_) => {}
            },
            Role::Curator => match g.group_id {
                None => {
                    return Err(ApiError::bad_request(
                        "grant_group_id_required",
                        "Укажите группу, куратором которой назначается пользователь (group_id)",
                    ))
                }
                Some(id) if !snapshot.groups.iter().any(|gr| gr.id == id) => {
                    return Err(ApiError::bad_request(
                        "grant_group_id_unknown",
                        "Такой группы в учреждении нет (group_id)",
                    ))
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
    Ok(())
}

/// A group has one curator on any day: a curator's grant whose days meet another user's grant for
/// the same group is refused (the old curator's role is ended first, the new one starts after).
fn check_one_curator(
    user: UserId,
    grants: &[RoleGrant],
    snapshot: &Snapshot,
) -> Result<(), ApiError> {
    let meet = |a: &RoleGrant, b: &RoleGrant| {
        a.from.is_none_or(|af| b.until.is_none_or(|bu| af <= bu))
            && b.from.is_none_or(|bf| a.until.is_none_or(|au| bf <= au))
    };
    for g in grants.iter().filter(|g| g.role == Role::Curator) {
        for other in snapshot.users.iter().filter(|u| u.id != user) {
            let clash = other
                .grants
                .iter()
                .any(|o| o.role == Role::Curator && o.group_id == g.group_id && meet(g, o));
            if clash {
                let group = snapshot
                    .groups
                    .iter()
                    .find(|gr| Some(gr.id) == g.group_id)
                    .map_or(String::new(), |gr| gr.name.clone());
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "curator_overlap",
                    format!(
                        "У группы «{group}» на эти даты уже есть куратор — {}: сначала завершите роль прежнего куратора",
                        other.full_name
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The user `id` of the caller's institution, or 404.
async fn target_user(
    state: &AppState,
    auth: &Authenticated,
    id: &str,
) -> Result<Account, ApiError> {
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_user",
            "Такого пользователя в учреждении нет",
        )
    };
    let user_id: UserId = id.parse().map_err(|_| not_found())?;
    state
        .storage
        .account_by_id(user_id)
        .await?
        .filter(|a| a.institution_id == auth.session.institution_id)
        .ok_or_else(not_found)
}

fn listed(user: &User, today: NaiveDate) -> UserGrants {
    UserGrants {
        user_id: user.id,
        login: user.login.clone(),
        full_name: user.full_name.clone(),
        today,
        grants: user
            .grants
            .iter()
            .map(|g| GrantState {
                role: g.role,
                group_id: g.group_id,
                student_id: g.student_id,
                from: g.from,
                until: g.until,
                in_force: g.in_force_on(today),
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/admin/users/{id}/grants", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Пользователь", format = "uuid"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Роли пользователя с датами и тем, действуют ли они сегодня", body = UserGrants),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Пользователь не в ведении вызывающего (grant_not_allowed) или нет права", body = ErrorBody),
        (status = 404, description = "Такого пользователя в учреждении нет (unknown_user)", body = ErrorBody)))]
async fn get_grants(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<UserGrants>, ApiError> {
    let caller = granter(&state, &auth).await?;
    let target = target_user(&state, &auth, &id).await?;
    let inst = auth.session.institution_id;
    let today = crate::http::institution_today(&state, inst).await?;
    let (snapshot, _) = state.storage.snapshot(inst).await?;
    for g in &target.user.grants {
        check_may_give(&caller.user, g, &snapshot, today)?;
    }
    Ok(Json(listed(&target.user, today)))
}

#[utoipa::path(put, path = "/api/v1/admin/users/{id}/grants", tag = "admin", security(("bearer" = [])),
    request_body = GrantsUpdate,
    params(("id" = String, Path, description = "Пользователь", format = "uuid"),
        ("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Роли заменены (изменение записано в журнал действий)", body = UserGrants),
        (status = 400, description = "Пустой список (no_roles); окончание раньше начала (grant_term_reversed); куратор без группы (grant_group_id_required), родитель или студент без студента (grant_student_id_required); несуществующие группа или студент (grant_group_id_unknown, grant_student_id_unknown); неверный запрос (invalid_request)", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Эту роль назначает другой (grant_not_allowed) или нет права", body = ErrorBody),
        (status = 404, description = "Такого пользователя в учреждении нет (unknown_user)", body = ErrorBody),
        (status = 409, description = "У группы на эти даты уже есть куратор (curator_overlap)", body = ErrorBody)))]
async fn put_grants(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<GrantsUpdate>,
) -> Result<Json<UserGrants>, ApiError> {
    let caller = granter(&state, &auth).await?;
    let target = target_user(&state, &auth, &id).await?;
    let inst = auth.session.institution_id;
    let today = crate::http::institution_today(&state, inst).await?;
    let new: Vec<RoleGrant> = req.grants.into_iter().map(RoleGrant::from).collect();
    if new.is_empty() {
        return Err(ApiError::bad_request(
            "no_roles",
            "У пользователя должна быть хотя бы одна роль: чтобы лишить роли, укажите дату её окончания",
        ));
    }
    let _turn = crate::admin_access::reference_change_turn(&state, inst).await?;
    let (mut snapshot, _) = state.storage.snapshot(inst).await?;
    check_grants(&new, &snapshot)?;
    let Some(stored) = snapshot
        .users
        .iter()
        .find(|u| u.id == target.user.id)
        .cloned()
    else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_user",
            "Такого пользователя в учреждении нет",
        ));
    };
    // Every grant that is added, removed or re-dated must be one the caller may give.
    let removed = stored.grants.iter().filter(|g| !new.contains(g));
    let added = new.iter().filter(|g| !stored.grants.contains(g));
    for g in removed.chain(added) {
        check_may_give(&caller.user, g, &snapshot, today)?;
    }
    check_one_curator(stored.id, &new, &snapshot)?;
    if stored.grants == new {
        return Ok(Json(listed(&stored, today)));
    }
    let mut changed = stored.clone();
    changed.grants = new;
    sync_curators(&mut snapshot, &stored, &changed, today);
    if let Some(u) = snapshot.users.iter_mut().find(|u| u.id == changed.id) {
        u.grants = changed.grants.clone();
    }
    state
        .storage
        .apply_reference(
            snapshot,
            AdminAction {
                institution_id: inst,
                kind: "user_grants_changed".into(),
                author_id: Some(caller.user.id),
                device_id: Some(auth.session.device_id),
                subject: changed.id.to_string(),
                detail: serde_json::json!({
                    "login": changed.login,
                    "old": stored.grants,
                    "new": changed.grants,
                }),
            },
            state.config.now(),
        )
        .await?;
    Ok(Json(listed(&changed, today)))
}

/// The groups whose curator the change touches name the user holding their curator's grant today
/// (a group's `curator_id` is what the journal and the diary show): the user when their grant is
/// in force, nobody when it ended and no one else's is.
fn sync_curators(snapshot: &mut Snapshot, before: &User, after: &User, today: NaiveDate) {
    let touched: Vec<GroupId> = before
        .grants
        .iter()
        .chain(after.grants.iter())
        .filter(|g| g.role == Role::Curator)
        .filter_map(|g| g.group_id)
        .collect();
    for gid in touched {
        let holds = after
            .grants
            .iter()
            .any(|g| g.role == Role::Curator && g.group_id == Some(gid) && g.in_force_on(today));
        if let Some(group) = snapshot.groups.iter_mut().find(|g| g.id == gid) {
            if holds {
                group.curator_id = Some(after.id);
            } else if group.curator_id == Some(after.id) {
                group.curator_id = None;
            }
        }
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(get_grants, put_grants),
    components(schemas(GrantItem, GrantState, UserGrants, GrantsUpdate))
)]
pub struct GrantApiDoc;
