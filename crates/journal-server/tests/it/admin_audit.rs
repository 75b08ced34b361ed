//! The «Журнал действий» over `GET /api/v1/admin/audit`: filters by author, dates, kind; pages
//! newest first; entries in words (author's name, target, old → new); only the caller's
//! institution; the administrator and the deputy read, a teacher does not.

use serde_json::{json, Value};

use crate::support::{outcome_name, set_cell, today, Backend, TestServer};

/// Adds an empty second institution with its administrator `login` (password `demo-admin-1`, not
/// forced to change: it was given at init) and signs them in; answers the token.
pub async fn other_institution(s: &TestServer, name: &str, login: &str) -> String {
    journal_server::init::create_institution(
        s.storage.as_ref(),
        journal_server::init::NewInstitution {
            name: name.into(),
            short_name: None,
            timezone: "Europe/Moscow".into(),
            policy: journal_core::Policy::default(),
            admin_login: login.into(),
            admin_name: Some("Соколова Ольга Петровна".into()),
        },
        "demo-admin-1",
        today(),
        today().and_hms_opt(8, 0, 0).unwrap_or_default(),
    )
    .await
    .expect("a second, empty institution is added");
    let resp = s
        .post("/auth/login")
        .json(
            &json!({"login": login, "password": "demo-admin-1", "device_id": uuid::Uuid::new_v4()}),
        )
        .send()
        .await
        .expect("the login reaches the server");
    assert_eq!(
        resp.status(),
        200,
        "the new institution's administrator signs in"
    );
    let body: Value = resp.json().await.expect("a login reply");
    body["token"].as_str().unwrap_or_default().to_string()
}

async fn audit(s: &TestServer, token: &str, query: &[(&str, &str)]) -> (u16, Value) {
    let resp = s
        .get("/admin/audit")
        .bearer_auth(token)
        .query(query)
        .send()
        .await
        .expect("the audit query reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("a JSON answer"))
}

fn entries(v: &Value) -> Vec<Value> {
    v["entries"].as_array().cloned().unwrap_or_default()
}

async fn audit_query_filters_pages_and_tells_in_words(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let resp = s
        .post("/admin/users")
        .bearer_auth(&admin.token)
        .json(&json!({
            "login": "novikova", "full_name": "Новикова Анна Сергеевна",
            "grants": [{"role": "teacher", "group_id": null, "student_id": null}],
            "password": "первый-пароль",
        }))
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 201, "the administrator creates a user");
    // A teacher moves to another load: the entry tells the old and the new teacher by name.
    let load = s.snapshot.loads[0].clone();
    let teacher2 = s.user("teacher2");
    let old_teacher = s
        .snapshot
        .users
        .iter()
        .find(|u| u.id == load.teacher_id)
        .map(|u| u.full_name.clone())
        .unwrap_or_default();
    let resp = s
        .post(&format!("/admin/loads/{}/teacher", load.id))
        .bearer_auth(&admin.token)
        .json(&json!({"teacher_id": teacher2}))
        .send()
        .await
        .expect("the request reaches the server");
    assert!(resp.status().is_success(), "the load moves to teacher2");

    let admin_id = s.user("admin").to_string();
    let (status, all) = audit(&s, &admin.token, &[]).await;
    assert_eq!(status, 200, "the administrator reads the audit: {all}");
    let total = all["total"].as_u64().unwrap_or(0);
    let list = entries(&all);
    assert!(
        total >= 3 && !list.is_empty(),
        "init, logins and the creation are there: {all}"
    );
    let seqs: Vec<u64> = list.iter().filter_map(|e| e["seq"].as_u64()).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] > w[1]),
        "newest first: {seqs:?}"
    );
    assert!(
        list.iter()
            .all(|e| e["at"].as_str().is_some_and(|t| t.ends_with("+03:00"))),
        "times carry the institution's offset: {all}"
    );

    let (_, created) = audit(&s, &admin.token, &[("kind", "user_created")]).await;
    let created = entries(&created);
    assert_eq!(created.len(), 1, "one user was created: {created:?}");
    assert_eq!(
        created[0]["author_id"],
        json!(admin_id),
        "the author is the administrator"
    );
    let admin_name = s
        .snapshot
        .users
        .iter()
        .find(|u| u.login == "admin")
        .map(|u| u.full_name.clone())
        .unwrap_or_default();
    assert_eq!(
        created[0]["author_name"],
        json!(admin_name),
        "the author by name"
    );
    assert!(
        created[0]["target"]
            .as_str()
            .is_some_and(|t| t.contains("novikova") || t.contains("Новикова")),
        "the target names the new user: {:?}",
        created[0]
    );
    assert_eq!(
        created[0]["detail"]["login"],
        json!("novikova"),
        "the detail as recorded"
    );

    {
        let (_, moved) = audit(&s, &admin.token, &[("kind", "load_reassigned")]).await;
        let moved = entries(&moved);
        assert_eq!(moved.len(), 1, "one reassignment: {moved:?}");
        assert_eq!(
            moved[0]["old"],
            json!(old_teacher),
            "old: the former teacher by name"
        );
        let new_name = s
            .snapshot
            .users
            .iter()
            .find(|u| u.login == "teacher2")
            .map(|u| u.full_name.clone())
            .unwrap_or_default();
        assert_eq!(
            moved[0]["new"],
            json!(new_name),
            "new: the new teacher by name"
        );
    }

    let (_, by_admin) = audit(
        &s,
        &admin.token,
        &[("author", admin_id.as_str()), ("limit", "500")],
    )
    .await;
    let by_admin_list = entries(&by_admin);
    assert!(!by_admin_list.is_empty(), "the administrator has entries");
    assert!(
        by_admin_list
            .iter()
            .all(|e| e["author_id"] == json!(admin_id)),
        "the author filter keeps only the administrator's entries: {by_admin}"
    );

    let day = today().to_string();
    let next = today().succ_opt().unwrap_or_default().to_string();
    let (_, on_day) = audit(
        &s,
        &admin.token,
        &[
            ("author", admin_id.as_str()),
            ("from", day.as_str()),
            ("to", day.as_str()),
        ],
    )
    .await;
    assert_eq!(
        on_day["total"], by_admin["total"],
        "the administrator acted today (the server's clock): {on_day}"
    );
    let (_, later) = audit(&s, &admin.token, &[("from", next.as_str())]).await;
    assert_eq!(
        later["total"],
        json!(0),
        "nothing happened after today: {later}"
    );

    let (_, first) = audit(&s, &admin.token, &[("limit", "1")]).await;
    let (_, second) = audit(&s, &admin.token, &[("limit", "1"), ("offset", "1")]).await;
    assert_eq!(entries(&first).len(), 1, "limit 1 gives one entry");
    assert_eq!(
        first["total"], all["total"],
        "the total does not depend on the page"
    );
    assert!(
        entries(&first)[0]["seq"].as_u64() > entries(&second)[0]["seq"].as_u64(),
        "the second page continues with older entries"
    );

    for (query, code) in [
        (vec![("from", "05.12.2026")], "invalid_date"),
        (
            vec![("from", next.as_str()), ("to", day.as_str())],
            "invalid_range",
        ),
        (vec![("author", "админ")], "invalid_author"),
    ] {
        let (status, body) = audit(&s, &admin.token, &query).await;
        assert_eq!(status, 400, "{query:?} is refused");
        assert_eq!(body["code"], json!(code), "{query:?}: {body}");
    }
}

async fn audit_is_read_by_admin_and_deputy_only_and_within_the_institution(b: Backend) {
    let s = TestServer::start(b).await;
    let teacher = s.device("teacher").await;
    let deputy = s.device("deputy").await;
    let (status, body) = audit(&s, &teacher.token, &[]).await;
    assert_eq!(status, 403, "a teacher does not read the audit: {body}");
    let (status, body) = audit(&s, &deputy.token, &[]).await;
    assert_eq!(status, 200, "a deputy reads the audit: {body}");

    let other = other_institution(&s, "ГБПОУ «Второй колледж»", "admin2").await;
    let (status, theirs) = audit(&s, &other, &[("limit", "500")]).await;
    assert_eq!(status, 200, "the other administrator reads their audit");
    let demo_users: Vec<String> = s.snapshot.users.iter().map(|u| u.id.to_string()).collect();
    let list = entries(&theirs);
    assert!(
        !list.is_empty(),
        "the other institution has its own init and login"
    );
    assert!(
        list.iter().all(|e| !demo_users.contains(&e["author_id"].as_str().unwrap_or_default().to_string())),
        "no entry of the demo institution is shown to the other one: {theirs}"
    );
    let (_, ours) = audit(&s, &deputy.token, &[]).await;
    assert!(
        theirs["total"].as_u64() < ours["total"].as_u64(),
        "each institution counts its own entries"
    );
}

async fn a_corrected_mark_shows_old_and_new(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let mut teacher = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let t = s.during(&lesson);
    let four = teacher.op(t, set_cell(lesson.id, student, "4"));
    let r = s.push(&teacher, std::slice::from_ref(&four)).await;
    let four_seq = match r[0].outcome {
        journal_protocol::OpOutcome::Applied { server_seq } => server_seq,
        ref other => panic!("the «4» is applied: {other:?}"),
    };
    let five = teacher.op_seen(
        t + chrono::Duration::minutes(1),
        set_cell(lesson.id, student, "5"),
        four_seq,
    );
    let r = s.push(&teacher, std::slice::from_ref(&five)).await;
    assert_eq!(outcome_name(&r[0]), "applied", "the correction is applied");

    let teacher_id = s.user("teacher").to_string();
    let (status, body) = audit(
        &s,
        &admin.token,
        &[("kind", "op"), ("author", teacher_id.as_str())],
    )
    .await;
    assert_eq!(status, 200, "the edits are listed: {body}");
    let list = entries(&body);
    assert_eq!(list.len(), 2, "two edits: {body}");
    assert_eq!(list[0]["new"], json!("5"), "newest first: the correction");
    assert_eq!(
        list[0]["old"],
        json!("4"),
        "its old value is the «4»: {}",
        list[0]
    );
    assert_eq!(list[1]["new"], json!("4"), "then the first mark");
    assert_eq!(
        list[1]["old"],
        Value::Null,
        "which replaced nothing: {}",
        list[1]
    );
    let student_name = s
        .snapshot
        .students
        .iter()
        .find(|x| x.id == student)
        .map(|x| x.full_name())
        .unwrap_or_default();
    assert!(
        list[0]["target"]
            .as_str()
            .is_some_and(|t| t.contains(&student_name)),
        "the target names the student: {}",
        list[0]
    );
}

conformance!(
    a_corrected_mark_shows_old_and_new,
    audit_query_filters_pages_and_tells_in_words,
    audit_is_read_by_admin_and_deputy_only_and_within_the_institution
);
