//! Login slips for a group's students and parents: `POST /api/v1/admin/logins/slips` answers a PDF
//! with one cut-out slip per person — ФИО, group, login, a fresh first password, the server's
//! address and the rule that the password is changed at the first sign-in. A student or parent
//! without an account gets one (login transliterated from the name, unique in the database);
//! everyone on the slips gets a new password that must be changed (so a second call re-issues
//! them and the earlier slips stop working). Who may is journal-core's `IssueDiaryLogins`: the
//! administrator for any group, the group's own curator (or the department head) where the
//! policy says they issue the logins (002 п. 6.3). Audited as `login_slips`.

use std::collections::HashSet;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{extract::State, Router};
use journal_core::{permissions, Action, GroupId, Role, Scope, StudentId, UserId};
use journal_protocol::{RoleGrant, Student, User};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::{generate_password, hash_password_blocking};
use crate::authority::local_time;
use crate::error::{ApiError, ErrorBody};
use crate::http::{ApiJson, Authenticated};
use crate::storage::AdminAction;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/admin/logins/slips", post(slips))
}

/// Whose slips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlipsFor {
    Students,
    Parents,
    Both,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlipsRequest {
    #[schema(value_type = uuid::Uuid)]
    pub group_id: GroupId,
    pub who: SlipsFor,
}

/// Russian → Latin letters for logins (the passport transliteration, ICAO 9303).
pub fn transliterate(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let latin = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' | 'й' => "i",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' => "ie",
            'ы' => "y",
            'ь' => "",
            'ю' => "iu",
            'я' => "ia",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "",
        };
        out.push_str(latin);
    }
    out
}

/// `ivanov.ivan` for a student, `rod.ivanov.ivan` for a parent.
fn login_base(student: &Student, parent: bool) -> String {
    let last = transliterate(&student.last_name);
    let first = transliterate(&student.first_name);
    let base = match (last.is_empty(), first.is_empty()) {
        (false, false) => format!("{last}.{first}"),
        (false, true) => last,
        (true, false) => first,
        (true, true) => "user".into(),
    };
    if parent {
        format!("rod.{base}")
    } else {
        base
    }
}

/// Whether the signed-in user may issue the logins of `group`: journal-core decides per grant,
/// the scope being the group the grant is the curator of.
fn may_issue(user: &User, group: &journal_protocol::Group, policy: &journal_core::Policy) -> bool {
    user.grants.iter().any(|g| {
        let own = g.role == Role::Curator
            && (g.group_id == Some(group.id) || group.curator_id == Some(user.id));
        let scope = if own {
            Scope::OwnGroup
        } else {
            Scope::Institution
        };
        permissions::check(g.role, Action::IssueDiaryLogins, scope, policy).is_ok()
    })
}

/// The address people sign in at: the configured one, else the origin the console was opened at.
fn server_address(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.clone();
    }
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(origin) = text(header::ORIGIN).filter(|o| o.starts_with("http")) {
        return origin.to_string();
    }
    match text(header::HOST) {
        Some(host) => format!("http://{host}"),
        None => "адрес сервера сообщит администратор".into(),
    }
}

#[utoipa::path(post, path = "/api/v1/admin/logins/slips", tag = "admin", security(("bearer" = [])),
    request_body = SlipsRequest,
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Листки с логинами и первыми паролями (PDF); недостающие учётные записи созданы, пароли выданы заново и должны быть сменены при первом входе", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Выдаёт администратор или куратор своей группы (по политике учреждения)", body = ErrorBody),
        (status = 404, description = "Нет такой группы (unknown_group)", body = ErrorBody)))]
async fn slips(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SlipsRequest>,
) -> Result<Response, ApiError> {
    let inst = auth.session.institution_id;
    let caller = crate::http::signed_in_account(&state, &auth).await?;
    let _turn = crate::admin_access::reference_change_turn(&state, inst).await?;
    let (mut snapshot, _) = state.storage.snapshot(inst).await?;
    let group = snapshot
        .groups
        .iter()
        .find(|g| g.id == req.group_id)
        .cloned()
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_group",
                "Такой группы в учреждении нет",
            )
        })?;
    if !may_issue(&caller.user, &group, &snapshot.institution.policy) {
        return Err(ApiError::forbidden(
            "Логины студентам и родителям выдаёт администратор или куратор этой группы",
        ));
    }
    let now = state.config.now();
    let local_now = local_time(&snapshot.institution.timezone, now).unwrap_or(now);
    let today = local_now.date();

    // The group's students now and those enrolled ahead, by name.
    let mut student_ids: Vec<StudentId> = Vec::new();
    for m in &snapshot.memberships {
        if m.group_id == group.id
            && m.to.is_none_or(|to| to >= today)
            && !student_ids.contains(&m.student_id)
        {
            student_ids.push(m.student_id);
        }
    }
    let mut students: Vec<Student> = snapshot
        .students
        .iter()
        .filter(|s| student_ids.contains(&s.id))
        .cloned()
        .collect();
    students.sort_by_key(|s| s.full_name());

    let mut taken: HashSet<String> = snapshot.users.iter().map(|u| u.login.clone()).collect();
    let mut created: Vec<User> = Vec::new();
    // (user, who-line) in slip order.
    let mut people: Vec<(User, String)> = Vec::new();
    let kinds: &[bool] = match req.who {
        SlipsFor::Students => &[false],
        SlipsFor::Parents => &[true],
        SlipsFor::Both => &[false, true],
    };
    for student in &students {
        for &parent in kinds {
            let role = if parent { Role::Parent } else { Role::Student };
            let who = if parent {
                format!("Родитель студента {}", student.full_name())
            } else {
                "Студент".to_string()
            };
            let existing: Vec<User> = snapshot
                .users
                .iter()
                .filter(|u| {
                    u.grants
                        .iter()
                        .any(|g| g.role == role && g.student_id == Some(student.id))
                })
                .cloned()
                .collect();
            if !existing.is_empty() {
                people.extend(existing.into_iter().map(|u| (u, who.clone())));
                continue;
            }
            let base = login_base(student, parent);
            let mut login = base.clone();
            let mut n = 2;
            while taken.contains(&login) || state.storage.account_by_login(&login).await?.is_some()
            {
                login = format!("{base}{n}");
                n += 1;
            }
            taken.insert(login.clone());
            let user = User {
                id: UserId(Uuid::now_v7()),
                login,
                full_name: if parent {
                    format!("Родитель студента {}", student.full_name())
                } else {
                    student.full_name()
                },
                grants: vec![RoleGrant {
                    role,
                    group_id: None,
                    student_id: Some(student.id),
                    from: None,
                    until: None,
                }],
            };
            created.push(user.clone());
            people.push((user, who));
        }
    }

    let detail = serde_json::json!({
        "group": group.name,
        "who": req.who,
        "created": created.iter().map(|u| &u.login).collect::<Vec<_>>(),
        "issued": people.iter().map(|(u, _)| &u.login).collect::<Vec<_>>(),
    });
    let action = AdminAction {
        institution_id: inst,
        kind: "login_slips".into(),
        author_id: Some(caller.user.id),
        device_id: Some(auth.session.device_id),
        subject: group.id.to_string(),
        detail,
    };
    // Hashing is the slow part (Argon2 per person): done before anything is written.
    let mut passwords = Vec::with_capacity(people.len());
    let mut hashing = tokio::task::JoinSet::new();
    for (i, _) in people.iter().enumerate() {
        let password = generate_password();
        passwords.push(password.clone());
        hashing.spawn(async move { (i, hash_password_blocking(password).await) });
    }
    let mut hashes = vec![String::new(); people.len()];
    while let Some(done) = hashing.join_next().await {
        let (i, hash) = done.map_err(|_| ApiError::from(crate::StorageError::TaskFailed))?;
        hashes[i] = hash?;
    }
    if created.is_empty() {
        state.storage.append_admin_action(action, now).await?;
    } else {
        snapshot.users.extend(created.iter().cloned());
        state
            .storage
            .apply_reference(snapshot.clone(), action, now)
            .await?;
    }
    for ((user, _), hash) in people.iter().zip(hashes) {
        // Ends the person's sessions: the earlier slip's password no longer works.
        state
            .storage
            .set_password(inst, user.id, hash, true, "", now)
            .await?;
    }

    let slips: Vec<journal_print::LoginSlip> = people
        .iter()
        .zip(passwords)
        .map(|((user, who), password)| journal_print::LoginSlip {
            full_name: user.full_name.clone(),
            who: who.clone(),
            group: group.name.clone(),
            login: user.login.clone(),
            password,
        })
        .collect();
    let address = server_address(&state, &headers);
    let pdf = journal_print::login_slips(
        &snapshot.institution.name,
        &address,
        &slips,
        &journal_print::PrintContext {
            generated_at: local_now,
            document_id: Uuid::new_v4(),
        },
    )
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.code(), e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"login-slips.pdf\"",
            ),
            // The passwords are in it: no cache keeps a copy.
            (header::CACHE_CONTROL, "no-store"),
        ],
        pdf,
    )
        .into_response())
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(slips), components(schemas(SlipsRequest, SlipsFor)))]
pub struct SlipApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_transliterated() {
        assert_eq!(transliterate("Щукина"), "shchukina");
        assert_eq!(transliterate("Юлия-Мария"), "iuliiamariia");
        assert_eq!(transliterate("Пётр"), "petr");
        assert_eq!(transliterate("Объедкова Ксения"), "obieedkovakseniia");
    }
}
