//! Users' state over `/api/v1/admin/users…`: the administrator lists users with roles and state,
//! deactivates a teacher (their token stops at once, they cannot sign in, their mark keeps its
//! author), cannot deactivate themselves, and reactivates the teacher; a teacher or a deputy may
//! not; each change is one audit entry by the administrator.

use serde_json::{json, Value};

use crate::support::{outcome_name, set_cell, today, Backend, TestServer};

async fn login_answer(s: &TestServer, login: &str, password: &str) -> (u16, Value) {
    let resp = s
        .post("/auth/login")
        .json(&json!({"login": login, "password": password, "device_id": uuid::Uuid::new_v4()}))
        .send()
        .await
        .expect("the login reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("a JSON answer"))
}

async fn call(s: &TestServer, token: &str, path: &str) -> (u16, Value) {
    let resp = s
        .post(path)
        .bearer_auth(token)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    let body = if status == 204 {
        Value::Null
    } else {
        resp.json().await.expect("a JSON answer")
    };
    (status, body)
}

async fn listed(s: &TestServer, token: &str, login: &str) -> Value {
    let resp = s
        .get("/admin/users")
        .bearer_auth(token)
        .send()
        .await
        .expect("the list request reaches the server");
    assert_eq!(resp.status(), 200, "the administrator lists the users");
    let body: Value = resp.json().await.expect("the list is JSON");
    body["users"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["login"] == login)
        .cloned()
        .unwrap_or_else(|| panic!("{login} is in the list: {body}"))
}

async fn admin_deactivates_and_reactivates_a_user(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let deputy = s.device("deputy").await;
    let mut teacher = s.device("teacher").await;
    let teacher_id = s.user("teacher");

    for (who, token) in [("teacher", &teacher.token), ("deputy", &deputy.token)] {
        let resp = s
            .get("/admin/users")
            .bearer_auth(token)
            .send()
            .await
            .expect("the request reaches the server");
        assert_eq!(resp.status(), 403, "the {who} does not list accounts");
    }
    let item = listed(&s, &admin.token, "teacher").await;
    assert_eq!(item["active"], true, "the teacher starts active: {item}");
    assert_eq!(item["roles"], json!(["teacher"]), "with their role: {item}");
    assert_eq!(item["has_password"], true, "and a password: {item}");

    // The teacher marks a student before being deactivated.
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let results = s
        .push_new(
            &mut teacher,
            (s.during(&lesson), set_cell(lesson.id, student, "4")),
        )
        .await;
    assert_eq!(outcome_name(&results[0]), "applied", "the mark is applied");

    let (status, body) = call(
        &s,
        &teacher.token,
        &format!("/admin/users/{teacher_id}/deactivate"),
    )
    .await;
    assert_eq!(status, 403, "a teacher deactivates no one: {body}");
    let (status, body) = call(
        &s,
        &admin.token,
        &format!("/admin/users/{teacher_id}/deactivate"),
    )
    .await;
    assert_eq!(
        status, 204,
        "the administrator deactivates the teacher: {body}"
    );

    let resp = s
        .get("/auth/me")
        .bearer_auth(&teacher.token)
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(
        resp.status(),
        401,
        "the teacher's token stops working at once"
    );
    let op = teacher.op(s.during(&lesson), set_cell(lesson.id, student, "5"));
    let resp = s
        .post("/sync/push")
        .bearer_auth(&teacher.token)
        .json(&json!({ "ops": [op] }))
        .send()
        .await
        .expect("the push reaches the server");
    assert_eq!(resp.status(), 401, "nor can the teacher push with it");
    let (status, body) = login_answer(&s, "teacher", journal_demo::DEMO_PASSWORD).await;
    assert_eq!(status, 403, "a deactivated user cannot sign in: {body}");
    assert_eq!(body["code"], "user_deactivated", "the reason has its code");
    let (status, _) = login_answer(&s, "teacher", "не-тот-пароль").await;
    assert_eq!(status, 401, "a wrong password says only that");

    let item = listed(&s, &admin.token, "teacher").await;
    assert_eq!(item["active"], false, "the list shows the state: {item}");
    assert!(item["deactivated_at"].is_string(), "and since when: {item}");
    let (snap, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("the snapshot is read");
    let cell = snap
        .cells
        .iter()
        .find(|c| c.lesson_id == lesson.id && c.student_id == student)
        .expect("the teacher's mark stays in the journal");
    assert_eq!(cell.author_id, teacher_id, "the mark keeps its author");
    assert!(
        snap.users.iter().any(|u| u.id == teacher_id),
        "the deactivated user is still named in the institution"
    );

    let (status, body) = call(
        &s,
        &admin.token,
        &format!("/admin/users/{teacher_id}/deactivate"),
    )
    .await;
    assert_eq!(status, 409, "already deactivated: {body}");
    assert_eq!(body["code"], "user_already_inactive", "the code says so");
    let admin_id = s.user("admin");
    let (status, body) = call(
        &s,
        &admin.token,
        &format!("/admin/users/{admin_id}/deactivate"),
    )
    .await;
    assert_eq!(
        status, 400,
        "an administrator cannot deactivate themselves: {body}"
    );
    assert_eq!(body["code"], "cannot_deactivate_self", "the code says so");
    assert_eq!(
        listed(&s, &admin.token, "admin").await["active"],
        true,
        "the refused self-deactivation changed nothing"
    );
    let (status, body) = call(
        &s,
        &admin.token,
        &format!("/admin/users/{}/deactivate", uuid::Uuid::new_v4()),
    )
    .await;
    assert_eq!(status, 404, "an unknown user is a 404: {body}");

    let (status, body) = call(
        &s,
        &admin.token,
        &format!("/admin/users/{teacher_id}/reactivate"),
    )
    .await;
    assert_eq!(
        status, 204,
        "the administrator reactivates the teacher: {body}"
    );
    let (status, body) = login_answer(&s, "teacher", journal_demo::DEMO_PASSWORD).await;
    assert_eq!(
        status, 200,
        "the reactivated teacher signs in again: {body}"
    );
    let (status, body) = call(
        &s,
        &admin.token,
        &format!("/admin/users/{teacher_id}/reactivate"),
    )
    .await;
    assert_eq!(status, 409, "already active: {body}");
    assert_eq!(body["code"], "user_already_active", "the code says so");

    let report = s.storage.audit_verify().await.expect("the audit is read");
    assert!(report.is_intact(), "the audit chain verifies: {report:?}");
    let inst = s.snapshot.institution.id;
    for kind in ["user_deactivated", "user_reactivated"] {
        let entries = s
            .storage
            .audit_entries(inst, kind, 10)
            .await
            .expect("the audit entries are read");
        assert_eq!(
            entries.len(),
            1,
            "one {kind} entry (refusals are not audited)"
        );
        assert_eq!(
            entries[0].author_id.as_deref(),
            Some(admin_id.to_string().as_str()),
            "the administrator is the author of {kind}"
        );
        assert_eq!(
            entries[0].subject,
            teacher_id.to_string(),
            "{kind} names the teacher"
        );
    }
}

fn run(db: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_journal-server"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// The same change from the server's command line: `deactivate`, `users --json`, `reactivate`.
async fn command_line_deactivates_and_reactivates(b: Backend) {
    let s = TestServer::start(b).await;
    let teacher = s.device("teacher").await;
    let out = run(&s.db, &["deactivate", "teacher"]);
    assert!(
        out.status.success(),
        "deactivate succeeds: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resp = s
        .get("/auth/me")
        .bearer_auth(&teacher.token)
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 401, "the teacher's session ended");
    let (status, body) = login_answer(&s, "teacher", journal_demo::DEMO_PASSWORD).await;
    assert_eq!(status, 403, "the teacher cannot sign in: {body}");
    let out = run(&s.db, &["users", "--json"]);
    let users: Value = serde_json::from_slice(&out.stdout).expect("users --json prints JSON");
    let teacher_row = users
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["login"] == "teacher")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        teacher_row["active"], false,
        "the list shows the state: {teacher_row}"
    );
    let out = run(&s.db, &["deactivate", "teacher"]);
    assert!(!out.status.success(), "deactivating twice is refused");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("user_already_inactive"),
        "with its code: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&s.db, &["reactivate", "teacher"]);
    assert!(out.status.success(), "reactivate succeeds");
    let (status, body) = login_answer(&s, "teacher", journal_demo::DEMO_PASSWORD).await;
    assert_eq!(status, 200, "the teacher signs in again: {body}");
    let report = s.storage.audit_verify().await.expect("the audit is read");
    assert!(report.is_intact(), "the audit chain verifies: {report:?}");
}

conformance!(
    admin_deactivates_and_reactivates_a_user,
    command_line_deactivates_and_reactivates
);
