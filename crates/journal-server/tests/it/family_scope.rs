//! Property (issue 12 items 1 and 3): for random users of the demo — every role, and added family
//! accounts (a parent of two children in different groups, another child's parent, a classmate's
//! student account) — and a random student asked about, the family routes (the diary's children and
//! week with its finals, the remarks meant for parents, the «Листок здоровья» line, the message
//! list, and the device snapshot) answer only data within the user's scope: a parent their own
//! children, a student themself (but not their health line); staff get no diary, read notes and
//! health lines only about students they teach or curate (the administration every health line),
//! and see only their own threads. Every `student_id` anywhere in a family user's answer is checked, so that a new field
//! carrying another child's id fails here. Bounded cases, one server for all of them, on SQLite and
//! (fewer) on PostgreSQL.

use std::collections::{HashMap, HashSet};

use journal_core::{Role, StudentId, UserId};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

use crate::support::{today, Backend, TestServer};

/// The token and scope of one signed-in user.
struct Who {
    login: String,
    id: UserId,
    token: String,
    /// A family user's students (their children, or themself); empty for staff.
    family: HashSet<StudentId>,
    /// Students a staff member may write remarks about (taught or curated), for the notes check;
    /// the same students' «Листок здоровья» lines are theirs to read.
    writes_for: HashSet<StudentId>,
    /// The administration reads every student's «Листок здоровья».
    reads_every_health_line: bool,
}

async fn sign_in(s: &TestServer, login: &str, password: &str) -> (String, Value) {
    let resp = s
        .post("/auth/login")
        .json(&json!({"login": login, "password": password, "device_id": uuid::Uuid::new_v4()}))
        .send()
        .await
        .expect("the login reaches the server");
    assert_eq!(resp.status(), 200, "{login} signs in");
    let body: Value = resp.json().await.expect("a login reply");
    (body["token"].as_str().unwrap_or_default().to_string(), body)
}

/// Every `student_id` value anywhere in `v`.
fn student_ids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "student_id" {
                    if let Some(id) = x.as_str() {
                        out.push(id.to_string());
                    }
                }
                student_ids(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| student_ids(x, out)),
        _ => {}
    }
}

fn in_scope(v: &Value, scope: &HashSet<StudentId>) -> Result<(), String> {
    let mut ids = Vec::new();
    student_ids(v, &mut ids);
    let allowed: HashSet<String> = scope.iter().map(|s| s.0.to_string()).collect();
    match ids.iter().find(|id| !allowed.contains(*id)) {
        Some(id) => Err(format!("student {id} is outside the scope {allowed:?}")),
        None => Ok(()),
    }
}

/// The server, its users and the threads written in it (thread id → its two sides).
struct World {
    s: TestServer,
    users: Vec<Who>,
    threads: HashMap<String, [UserId; 2]>,
}

async fn world(backend: Backend) -> World {
    let s = TestServer::start(backend).await;
    let snap = s.snapshot.clone();
    let on =
        |m: &journal_protocol::Membership| m.from <= today() && m.to.is_none_or(|to| today() <= to);
    let group_of = |st: StudentId| {
        snap.memberships
            .iter()
            .find(|m| m.student_id == st && on(m))
            .map(|m| m.group_id)
    };
    let child = snap
        .users
        .iter()
        .find(|u| u.login == "parent")
        .and_then(|u| u.grants.iter().find_map(|g| g.student_id))
        .expect("the demo parent's child");
    let home = group_of(child).expect("the child's group");
    let classmate = snap
        .memberships
        .iter()
        .find(|m| m.group_id == home && m.student_id != child && on(m))
        .map(|m| m.student_id)
        .expect("a classmate");
    let elsewhere = snap
        .memberships
        .iter()
        .find(|m| m.group_id != home && on(m))
        .map(|m| m.student_id)
        .expect("a student of another group");

    // Family accounts beyond the demo's one parent and one student.
    let admin = s.device("admin").await;
    let extra = [
        (
            "parent-two",
            "Двоева Ольга Петровна",
            vec![(Role::Parent, classmate), (Role::Parent, elsewhere)],
        ),
        (
            "parent-else",
            "Иноземцев Пётр Ильич",
            vec![(Role::Parent, elsewhere)],
        ),
        (
            "student-mate",
            "Соседов Илья Андреевич",
            vec![(Role::Student, classmate)],
        ),
    ];
    for (login, name, grants) in &extra {
        let grants: Vec<Value> = grants
            .iter()
            .map(|(role, st)| {
                let group = (*role == Role::Student).then(|| group_of(*st)).flatten();
                json!({"role": role, "group_id": group, "student_id": st})
            })
            .collect();
        let (st, body) = s
            .call(
                &admin.token,
                "/admin/users",
                Some(json!({"login": login, "full_name": name, "grants": grants,
                "password": "первый-пароль-1"})),
            )
            .await;
        assert_eq!(st, 201, "{login} is created: {body}");
        let (token, _) = sign_in(&s, login, "первый-пароль-1").await;
        let resp = s
            .post("/auth/password")
            .bearer_auth(&token)
            .json(&json!({"old_password": "первый-пароль-1", "new_password": "свой-пароль-2222"}))
            .send()
            .await
            .expect("the request reaches the server");
        assert_eq!(resp.status(), 204, "{login} changes the first password");
    }

    // Remarks to parents about three students, and a parent's message to the curator.
    let curator = s.device("curator").await;
    for st in [child, classmate] {
        let (code, body) = s
            .call(
                &curator.token,
                "/diary/notes",
                Some(json!({"student_id": st, "text": "Замечание для проверки области видимости"})),
            )
            .await;
        assert_eq!(code, 201, "the curator writes a note: {body}");
    }
    let curator_id = s.user("curator");
    let parent = s.device("parent").await;
    let (code, thread) = s
        .call(
            &parent.token,
            "/messages",
            Some(
                json!({"kind": "message", "to": curator_id, "subject": "Вопрос", "body": "Текст"}),
            ),
        )
        .await;
    assert_eq!(code, 201, "the parent writes to the curator: {thread}");
    let mut threads = HashMap::new();
    threads.insert(
        thread["id"].as_str().unwrap_or_default().to_string(),
        [s.user("parent"), curator_id],
    );

    // Everyone signs in and consents (a family user), with the scope the test expects.
    let mut users = Vec::new();
    let logins: Vec<String> = snap
        .users
        .iter()
        .map(|u| u.login.clone())
        .chain(extra.iter().map(|(l, ..)| l.to_string()))
        .collect();
    for login in logins {
        let password = if extra.iter().any(|(l, ..)| *l == login) {
            "свой-пароль-2222"
        } else {
            journal_demo::DEMO_PASSWORD
        };
        let (token, body) = sign_in(&s, &login, password).await;
        let id: UserId = serde_json::from_value(body["user"]["id"].clone()).expect("the user's id");
        let (_, me) = s.call(&token, "/auth/me", None).await;
        let grants: Vec<journal_protocol::RoleGrant> =
            serde_json::from_value(me["grants"].clone()).unwrap_or_default();
        let family: HashSet<StudentId> = grants
            .iter()
            .filter(|g| matches!(g.role, Role::Parent | Role::Student))
            .filter_map(|g| g.student_id)
            .collect();
        if !family.is_empty() {
            let (_, consent) = s.call(&token, "/diary/consent", None).await;
            let (code, _) = s
                .call(
                    &token,
                    "/diary/consent",
                    Some(json!({"version": consent["version"]})),
                )
                .await;
            assert_eq!(code, 200, "{login} consents");
        }
        let curated: HashSet<_> = grants
            .iter()
            .filter(|g| g.role == Role::Curator)
            .filter_map(|g| g.group_id)
            .collect();
        let writes_for = snap
            .memberships
            .iter()
            .filter(|m| on(m))
            .filter(|m| {
                curated.contains(&m.group_id)
                    || snap.loads.iter().any(|l| {
                        l.teacher_id == id
                            && l.group_id == m.group_id
                            && l.from <= today()
                            && l.to.is_none_or(|to| today() <= to)
                            && (l.subgroup_id.is_none() || l.subgroup_id == m.subgroup_id)
                    })
            })
            .map(|m| m.student_id)
            .collect();
        let reads_every_health_line = grants.iter().any(|g| {
            matches!(
                g.role,
                Role::Admin | Role::Director | Role::Deputy | Role::DepartmentHead
            )
        });
        users.push(Who {
            login,
            id,
            token,
            family,
            writes_for,
            reads_every_health_line,
        });
    }
    World { s, users, threads }
}

async fn check(w: &World, who: &Who, asked: StudentId, week_shift: i64) -> Result<(), String> {
    let s = &w.s;
    let fail = |what: &str, detail: String| Err(format!("{} ({what}): {detail}", who.login));
    let date = today() + chrono::Duration::weeks(week_shift);
    let week = format!("/diary/week?student={}&date={date}", asked.0);
    let notes = format!("/diary/notes?student={}", asked.0);
    let (children_st, children) = s.call(&who.token, "/diary/children", None).await;
    let (week_st, week_body) = s.call(&who.token, &week, None).await;
    let (notes_st, notes_body) = s.call(&who.token, &notes, None).await;
    let (own_st, own_notes) = s.call(&who.token, "/diary/notes", None).await;
    let health = format!("/students/{}/health", asked.0);
    let (health_st, health_body) = s.call(&who.token, &health, None).await;
    let (list_st, list) = s.call(&who.token, "/messages", None).await;
    if list_st != 200 {
        return fail("messages", format!("{list_st} {list}"));
    }
    for t in list["threads"].as_array().into_iter().flatten() {
        let id = t["id"].as_str().unwrap_or_default();
        if let Some(sides) = w.threads.get(id) {
            if !sides.contains(&who.id) {
                return fail("messages", format!("sees another's thread {t}"));
            }
        }
    }
    if who.family.is_empty() {
        // Staff: no diary; notes only about students they write for, and their own.
        if children_st == 200 || week_st == 200 {
            return fail(
                "diary",
                format!("staff opened a diary: {children_st} {week_st}"),
            );
        }
        if notes_st == 200 && !who.writes_for.contains(&asked) {
            return fail(
                "notes",
                format!("read notes about a student they neither teach nor curate: {notes_body}"),
            );
        }
        // «Листок здоровья»: the teachers and curator of the student, and the administration.
        let reads_health = who.reads_every_health_line || who.writes_for.contains(&asked);
        if (health_st == 200) != reads_health {
            return fail(
                "health",
                format!("expected to read the line: {reads_health}, got {health_st} {health_body}"),
            );
        }
        if own_st == 200
            && own_notes
                .as_array()
                .into_iter()
                .flatten()
                .any(|n| n["author_id"] != json!(who.id))
        {
            return fail(
                "notes",
                format!("another author's note in their own list: {own_notes}"),
            );
        }
        return Ok(());
    }
    if children_st != 200 {
        return fail("children", format!("{children_st} {children}"));
    }
    in_scope(&children, &who.family).or_else(|e| fail("children", e))?;
    let listed: HashSet<String> = children
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["student_id"].as_str().map(str::to_string))
        .collect();
    let expected: HashSet<String> = who.family.iter().map(|s| s.0.to_string()).collect();
    if listed != expected {
        return fail("children", format!("lists {listed:?}, not {expected:?}"));
    }
    if who.family.contains(&asked) {
        if week_st != 200 {
            return fail(
                "week",
                format!("own child's week refused: {week_st} {week_body}"),
            );
        }
    } else if week_st == 200 {
        return fail(
            "week",
            format!("another student's week answered: {week_body}"),
        );
    }
    in_scope(&week_body, &who.family).or_else(|e| fail("week and finals", e))?;
    let is_parent_of = who.family.contains(&asked) && !who.login.starts_with("student");
    if notes_st == 200 && !is_parent_of {
        return fail(
            "notes",
            format!("read notes not meant for them: {notes_body}"),
        );
    }
    in_scope(&notes_body, &who.family).or_else(|e| fail("notes", e))?;
    // «Листок здоровья»: a parent their own child's line; a student not even their own.
    if (health_st == 200) != is_parent_of {
        return fail(
            "health",
            format!("expected to read the line: {is_parent_of}, got {health_st} {health_body}"),
        );
    }
    in_scope(&health_body, &who.family).or_else(|e| fail("health", e))?;
    let (snap_st, snap) = s.call(&who.token, "/sync/snapshot", None).await;
    if snap_st != 200 {
        return fail("snapshot", format!("{snap_st}"));
    }
    in_scope(&snap, &who.family).or_else(|e| fail("snapshot", e))?;
    Ok(())
}

fn run(backend: Backend, cases: u32) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let w = rt.block_on(world(backend));
    let students: Vec<StudentId> = w.s.snapshot.students.iter().map(|s| s.id).collect();
    // Family users and staff alike; the asked student is often the user's own (half the cases).
    let strategy = (0..w.users.len(), 0..students.len(), any::<bool>(), -2i64..2);
    let mut runner = TestRunner::new(Config {
        cases,
        ..Config::default()
    });
    let result = runner.run(&strategy, |(u, st, own, shift)| {
        let who = &w.users[u];
        let asked = match (own, who.family.iter().next()) {
            (true, Some(mine)) => *mine,
            _ => students[st],
        };
        rt.block_on(check(&w, who, asked, shift))
            .map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The users the cases chose from hold every role the demo has.
    let roles: HashSet<Role> =
        w.s.snapshot
            .users
            .iter()
            .flat_map(|u| u.grants.iter().map(|g| g.role))
            .collect();
    assert!(
        roles.contains(&Role::Parent) && roles.contains(&Role::Student) && roles.len() >= 5,
        "the users chosen from include a parent, a student and staff of several roles: {roles:?}"
    );
}

#[test]
fn family_routes_answer_only_within_the_users_scope() {
    run(Backend::Sqlite, 40);
}

#[test]
fn family_routes_answer_only_within_the_users_scope_on_postgres() {
    // Fewer cases: the same world, on PostgreSQL.
    run(Backend::Postgres, 16);
}
