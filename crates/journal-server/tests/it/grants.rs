//! Dated role assignments and delegation (issue 11 item 3) over `/api/v1/admin/users/{id}/grants`
//! and the user routes: a grant ended yesterday allows nothing today — no sign-in, no push, no
//! pull — and one that begins tomorrow nothing yet; refusals carry their codes and change
//! nothing; HR keeps staff only, the director assigns the administrator, a deputy gives no role,
//! a curator gives their own group's students and parents their logins.

use chrono::Duration;
use serde_json::{json, Value};

use crate::support::{outcome_name, set_cell, today, Backend, TestServer};

const FIRST: &str = "Первый-пароль-1";
const OWN: &str = "Свой-пароль-22";

async fn answer(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let body = if status == 204 {
        Value::Null
    } else {
        resp.json().await.expect("a JSON answer")
    };
    (status, body)
}

async fn login(s: &TestServer, login: &str, password: &str) -> (u16, Value) {
    answer(
        s.post("/auth/login")
            .json(&json!({"login": login, "password": password, "device_id": uuid::Uuid::new_v4()}))
            .send()
            .await
            .expect("the login reaches the server"),
    )
    .await
}

async fn get_grants(s: &TestServer, token: &str, user: &str) -> (u16, Value) {
    answer(
        s.get(&format!("/admin/users/{user}/grants"))
            .bearer_auth(token)
            .send()
            .await
            .expect("the request reaches the server"),
    )
    .await
}

async fn put_grants(s: &TestServer, token: &str, user: &str, grants: Value) -> (u16, Value) {
    answer(
        s.client
            .put(s.url(&format!("/admin/users/{user}/grants")))
            .header(
                journal_server::dto::PROTOCOL_HEADER,
                journal_protocol::PROTOCOL_VERSION.to_string(),
            )
            .bearer_auth(token)
            .json(&json!({ "grants": grants }))
            .send()
            .await
            .expect("the request reaches the server"),
    )
    .await
}

async fn create(
    s: &TestServer,
    token: &str,
    login: &str,
    name: &str,
    grants: Value,
) -> (u16, Value) {
    answer(
        s.post("/admin/users")
            .bearer_auth(token)
            .json(&json!({"login": login, "full_name": name, "grants": grants, "password": FIRST}))
            .send()
            .await
            .expect("the request reaches the server"),
    )
    .await
}

/// A user the administrator created, signed in after changing the first password.
async fn staff_token(
    s: &TestServer,
    admin: &str,
    login: &str,
    name: &str,
    grants: Value,
) -> String {
    let (status, body) = create(s, admin, login, name, grants).await;
    assert_eq!(status, 201, "the administrator creates {login}: {body}");
    let (status, body) = login_as(s, login, FIRST).await;
    assert_eq!(
        status, 200,
        "{login} signs in with the first password: {body}"
    );
    let token = body["token"].as_str().expect("a token").to_string();
    let (status, body) = answer(
        s.post("/auth/password")
            .bearer_auth(&token)
            .json(&json!({"old_password": FIRST, "new_password": OWN}))
            .send()
            .await
            .expect("the request reaches the server"),
    )
    .await;
    assert_eq!(status, 204, "{login} changes the first password: {body}");
    let (status, body) = login_as(s, login, OWN).await;
    assert_eq!(
        status, 200,
        "{login} signs in with their own password: {body}"
    );
    body["token"].as_str().expect("a token").to_string()
}

async fn login_as(s: &TestServer, user: &str, password: &str) -> (u16, Value) {
    login(s, user, password).await
}

async fn users_listed(s: &TestServer, token: &str) -> Vec<Value> {
    let (status, body) = answer(
        s.get("/admin/users")
            .bearer_auth(token)
            .send()
            .await
            .expect("the request reaches the server"),
    )
    .await;
    assert_eq!(status, 200, "the list answers: {body}");
    body["users"].as_array().cloned().unwrap_or_default()
}

fn day(offset: i64) -> String {
    (today() + Duration::days(offset)).to_string()
}

async fn an_ended_grant_allows_no_sign_in_push_or_pull(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let mut teacher = s.device("teacher").await;
    let teacher_id = s.user("teacher").to_string();
    let deputy = s.device("deputy").await;

    // While the role is in force, the teacher marks and reads it back.
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let results = s
        .push_new(
            &mut teacher,
            (s.during(&lesson), set_cell(lesson.id, student, "5")),
        )
        .await;
    assert_eq!(outcome_name(&results[0]), "applied", "{results:?}");
    assert!(
        !s.pull(&teacher.token, 0, 1000).await.changes.is_empty(),
        "the teacher reads their own mark back"
    );
    let version_before = s.pull(&deputy.token, 0, 1).await.reference_version;

    // The administrator ends the teacher's role yesterday.
    let (status, body) = put_grants(
        &s,
        &admin.token,
        &teacher_id,
        json!([{"role": "teacher", "from": "2026-09-01", "until": day(-1)}]),
    )
    .await;
    assert_eq!(status, 200, "the administrator ends the role: {body}");
    assert_eq!(body["grants"][0]["in_force"], false, "{body}");
    assert_eq!(body["grants"][0]["until"], day(-1), "{body}");
    let (status, listed) = get_grants(&s, &admin.token, &teacher_id).await;
    assert_eq!(status, 200);
    assert_eq!(
        listed["grants"], body["grants"],
        "GET answers what PUT stored"
    );
    assert!(
        s.pull(&deputy.token, 0, 1).await.reference_version > version_before,
        "a change of roles raises the reference version (devices fetch the snapshot again)"
    );

    // Sign-in refused in Russian; the old device gets nothing new and its ops are refused.
    let (status, body) = login(&s, "teacher", journal_demo::DEMO_PASSWORD).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], "roles_ended", "{body}");
    assert!(
        body["message"].as_str().unwrap_or("").contains("истёк"),
        "the message says the roles ended: {body}"
    );
    assert!(
        s.pull(&teacher.token, 0, 1000).await.changes.is_empty(),
        "a teacher whose role ended reads no journal changes"
    );
    let results = s
        .push_new(
            &mut teacher,
            (s.during(&lesson), set_cell(lesson.id, student, "4")),
        )
        .await;
    assert_eq!(
        outcome_name(&results[0]),
        "rejected",
        "an op of a teacher whose role ended is refused: {results:?}"
    );
    let (status, snap) = answer(
        s.get("/sync/snapshot")
            .bearer_auth(&teacher.token)
            .send()
            .await
            .expect("the request reaches the server"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        snap["snapshot"]["cells"]
            .as_array()
            .is_none_or(|c| c.is_empty()),
        "the snapshot of a user with no role in force holds no journal"
    );

    // A role that begins tomorrow allows nothing yet, and the refusal names the day.
    let (status, body) = put_grants(
        &s,
        &admin.token,
        &teacher_id,
        json!([{"role": "teacher", "from": day(1)}]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = login(&s, "teacher", journal_demo::DEMO_PASSWORD).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], "roles_not_started", "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains(&(today() + Duration::days(1)).format("%d.%m.%Y").to_string()),
        "the message names the first day: {body}"
    );

    // From today: in force again.
    let (status, body) = put_grants(
        &s,
        &admin.token,
        &teacher_id,
        json!([{"role": "teacher", "from": day(0)}]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = login(&s, "teacher", journal_demo::DEMO_PASSWORD).await;
    assert_eq!(status, 200, "a role from today is in force today: {body}");

    // Each change is one audit entry with the old and the new roles in words.
    let (status, audit) = answer(
        s.get("/admin/audit?kind=user_grants_changed")
            .bearer_auth(&admin.token)
            .send()
            .await
            .expect("the request reaches the server"),
    )
    .await;
    assert_eq!(status, 200, "{audit}");
    assert_eq!(audit["total"], 3, "three changes, three entries: {audit}");
    let first = &audit["entries"][2];
    assert_eq!(first["old"], "преподаватель", "{first}");
    assert_eq!(
        first["new"],
        format!(
            "преподаватель с 01.09.2026 по {}",
            (today() - Duration::days(1)).format("%d.%m.%Y")
        ),
        "{first}"
    );
}

async fn refused_grants_carry_codes_and_change_nothing(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let teacher_id = s.user("teacher2").to_string();
    let (_, before) = get_grants(&s, &admin.token, &teacher_id).await;
    let group = s.snapshot.groups[0].id.to_string();
    let cases = [
        (
            json!([{"role": "teacher", "from": day(2), "until": day(1)}]),
            400,
            "grant_term_reversed",
        ),
        (json!([{"role": "curator"}]), 400, "grant_group_id_required"),
        (
            json!([{"role": "parent"}]),
            400,
            "grant_student_id_required",
        ),
        (
            json!([{"role": "curator", "group_id": uuid::Uuid::new_v4()}]),
            400,
            "grant_group_id_unknown",
        ),
        (
            json!([{"role": "parent", "student_id": uuid::Uuid::new_v4()}]),
            400,
            "grant_student_id_unknown",
        ),
        (json!([]), 400, "no_roles"),
        (
            json!([{"role": "teacher", "until": "вчера"}]),
            400,
            "invalid_request",
        ),
        // The group has its curator with no end date: a second one is refused.
        (
            json!([{"role": "teacher"}, {"role": "curator", "group_id": group}]),
            409,
            "curator_overlap",
        ),
    ];
    for (grants, status, code) in cases {
        let (got, body) = put_grants(&s, &admin.token, &teacher_id, grants.clone()).await;
        assert_eq!(got, status, "{grants}: {body}");
        assert_eq!(body["code"], code, "{grants}: {body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "a message in words: {body}"
        );
    }
    let (_, after) = get_grants(&s, &admin.token, &teacher_id).await;
    assert_eq!(before, after, "no refused change altered the roles");
    let (status, body) = put_grants(
        &s,
        &admin.token,
        &uuid::Uuid::new_v4().to_string(),
        json!([{"role": "teacher"}]),
    )
    .await;
    assert_eq!((status, body["code"].clone()), (404, json!("unknown_user")));
    let (status, body) = get_grants(&s, &admin.token, "not-a-uuid").await;
    assert_eq!((status, body["code"].clone()), (404, json!("unknown_user")));
    // POST /admin/users checks the dates the same way.
    let (status, body) = create(
        &s,
        &admin.token,
        "reversed",
        "Обратный Олег Олегович",
        json!([{"role": "teacher", "from": day(2), "until": day(1)}]),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (400, json!("grant_term_reversed"))
    );
}

async fn a_curator_grant_from_a_date_is_ended_and_handed_over(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let curator_id = s.user("curator");
    let group = s
        .snapshot
        .groups
        .iter()
        .find(|g| g.curator_id == Some(curator_id))
        .expect("the demo curator has a group")
        .id
        .to_string();
    // The old curator's role ends yesterday; teacher3 takes the group from today.
    let (status, body) = put_grants(
        &s,
        &admin.token,
        &curator_id.to_string(),
        json!([{"role": "teacher"}, {"role": "curator", "group_id": group, "until": day(-1)}]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let new_id = s.user("teacher3").to_string();
    let (status, body) = put_grants(
        &s,
        &admin.token,
        &new_id,
        json!([{"role": "teacher"}, {"role": "curator", "group_id": group, "from": day(0)}]),
    )
    .await;
    assert_eq!(status, 200, "the handover does not overlap: {body}");
    let (snap, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("the snapshot reads");
    let g = snap
        .groups
        .iter()
        .find(|g| g.id.to_string() == group)
        .expect("the group");
    assert_eq!(
        g.curator_id.map(|c| c.to_string()),
        Some(new_id.clone()),
        "the group names its curator in force today"
    );
    // The old curator no longer keeps the group's logins; the new one does.
    let old = s.device("curator").await;
    let student = s
        .snapshot
        .memberships
        .iter()
        .find(|m| m.group_id.to_string() == group && m.to.is_none())
        .expect("a student of the group")
        .student_id
        .to_string();
    let (status, body) = create(
        &s,
        &old.token,
        "rod.old",
        "Родитель Старый Иванович",
        json!([{"role": "parent", "student_id": student}]),
    )
    .await;
    assert_eq!(status, 403, "an ended curator gives no logins: {body}");
}

async fn hr_keeps_the_staff_list_only(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let hr = staff_token(
        &s,
        &admin.token,
        "kadry",
        "Кадрова Анна Сергеевна",
        json!([{"role": "hr_officer"}]),
    )
    .await;
    // HR creates a teacher.
    let (status, body) = create(
        &s,
        &hr,
        "novyi",
        "Новиков Пётр Ильич",
        json!([{"role": "teacher", "from": day(0)}]),
    )
    .await;
    assert_eq!(status, 201, "HR creates a teacher: {body}");
    let teacher_id = body["id"].as_str().expect("an id").to_string();
    // … but neither an administrator, a director, a student nor a parent.
    let student = s.snapshot.students[0].id.to_string();
    for (login, grants) in [
        ("hr-admin", json!([{"role": "admin"}])),
        ("hr-director", json!([{"role": "director"}])),
        (
            "hr-student",
            json!([{"role": "student", "student_id": student}]),
        ),
        (
            "hr-parent",
            json!([{"role": "parent", "student_id": student}]),
        ),
    ] {
        let (status, body) = create(&s, &hr, login, "Лишний Иван Иванович", grants).await;
        assert_eq!(status, 403, "{login}: {body}");
        assert_eq!(body["code"], "grant_not_allowed", "{body}");
    }
    // Nor makes a teacher an administrator.
    let (status, body) = put_grants(
        &s,
        &hr,
        &teacher_id,
        json!([{"role": "teacher"}, {"role": "admin"}]),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("grant_not_allowed")),
        "{body}"
    );
    let listed = users_listed(&s, &admin.token).await;
    assert!(
        !listed
            .iter()
            .any(|u| u["login"].as_str().is_some_and(|l| l.starts_with("hr-"))),
        "no refused account was created"
    );
    // HR's list is the staff.
    let hr_list = users_listed(&s, &hr).await;
    assert!(hr_list.iter().any(|u| u["login"] == "novyi"), "{hr_list:?}");
    assert!(
        hr_list.iter().any(|u| u["login"] == "teacher"),
        "{hr_list:?}"
    );
    for hidden in ["admin", "deputy", "student", "parent", "kadry"] {
        assert!(
            !hr_list.iter().any(|u| u["login"] == hidden),
            "HR does not see {hidden}"
        );
    }
    // HR ends a teacher's role and deactivates a teacher, not the administrator.
    let (status, body) = put_grants(
        &s,
        &hr,
        &teacher_id,
        json!([{"role": "teacher", "from": day(0), "until": day(30)}]),
    )
    .await;
    assert_eq!(status, 200, "HR dates a teacher's role: {body}");
    let (status, body) = answer(
        s.post(&format!("/admin/users/{teacher_id}/deactivate"))
            .bearer_auth(&hr)
            .send()
            .await
            .expect("the request reaches the server"),
    )
    .await;
    assert_eq!(status, 204, "HR deactivates a teacher: {body}");
    let admin_id = s.user("admin").to_string();
    let (status, body) = answer(
        s.post(&format!("/admin/users/{admin_id}/deactivate"))
            .bearer_auth(&hr)
            .send()
            .await
            .expect("the request reaches the server"),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("grant_not_allowed")),
        "{body}"
    );
    let (status, body) = answer(
        s.post(&format!("/admin/users/{admin_id}/password"))
            .bearer_auth(&hr)
            .json(&json!({}))
            .send()
            .await
            .expect("the request reaches the server"),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("grant_not_allowed")),
        "{body}"
    );
    let (status, _) = login(&s, "admin", journal_demo::DEMO_PASSWORD).await;
    assert_eq!(status, 200, "the administrator is untouched");
}

async fn the_director_assigns_the_administrator_and_a_deputy_does_not(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let deputy = s.device("deputy").await;
    let director = staff_token(
        &s,
        &admin.token,
        "direktor",
        "Директорова Ольга Петровна",
        json!([{"role": "director"}]),
    )
    .await;
    let target = s.user("teacher4").to_string();
    let (_, before) = get_grants(&s, &admin.token, &target).await;
    // The deputy gives no role at all.
    let (status, body) = put_grants(
        &s,
        &deputy.token,
        &target,
        json!([{"role": "teacher"}, {"role": "admin"}]),
    )
    .await;
    assert_eq!(
        status, 403,
        "a deputy does not make an administrator: {body}"
    );
    let (status, body) = create(
        &s,
        &deputy.token,
        "dep-director",
        "Лишний Иван Иванович",
        json!([{"role": "director"}]),
    )
    .await;
    assert_eq!(status, 403, "a deputy does not make a director: {body}");
    let (_, after) = get_grants(&s, &admin.token, &target).await;
    assert_eq!(before, after, "the refusal changed nothing");
    // The director makes teacher4 the administrator from today…
    let (status, body) = put_grants(
        &s,
        &director,
        &target,
        json!([{"role": "teacher"}, {"role": "admin", "from": day(0)}]),
    )
    .await;
    assert_eq!(
        status, 200,
        "the director assigns the administrator: {body}"
    );
    let tok = s.device("teacher4").await.token;
    let (status, _) = answer(
        s.get("/admin/users")
            .bearer_auth(&tok)
            .send()
            .await
            .expect("the request reaches the server"),
    )
    .await;
    assert_eq!(status, 200, "the new administrator lists the users");
    // … but does not keep the staff list (HR's and the administrator's).
    let (status, body) = create(
        &s,
        &director,
        "dir-teacher",
        "Лишний Иван Иванович",
        json!([{"role": "teacher"}]),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("grant_not_allowed")),
        "{body}"
    );
}

async fn a_curator_issues_their_group_family_logins_only(b: Backend) {
    let s = TestServer::start(b).await;
    let curator = s.device("curator").await;
    let curator_id = s.user("curator");
    let own_group = s
        .snapshot
        .groups
        .iter()
        .find(|g| g.curator_id == Some(curator_id))
        .expect("the demo curator has a group")
        .id;
    let student_of = |own: bool| {
        s.snapshot
            .memberships
            .iter()
            .find(|m| (m.group_id == own_group) == own && m.to.is_none())
            .expect("a student")
            .student_id
            .to_string()
    };
    let (status, body) = create(
        &s,
        &curator.token,
        "rod.svoy",
        "Родителев Сергей Иванович",
        json!([{"role": "parent", "student_id": student_of(true)}]),
    )
    .await;
    assert_eq!(
        status, 201,
        "the curator gives a parent of their group a login: {body}"
    );
    let (status, body) = create(
        &s,
        &curator.token,
        "rod.chuzhoy",
        "Родителев Павел Иванович",
        json!([{"role": "parent", "student_id": student_of(false)}]),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("grant_not_allowed")),
        "{body}"
    );
    let (status, body) = create(
        &s,
        &curator.token,
        "cur-teacher",
        "Лишний Иван Иванович",
        json!([{"role": "teacher"}]),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("grant_not_allowed")),
        "{body}"
    );
    // The curator's list is their group's students and parents.
    let list = users_listed(&s, &curator.token).await;
    assert!(list.iter().any(|u| u["login"] == "rod.svoy"), "{list:?}");
    assert!(
        !list
            .iter()
            .any(|u| u["login"] == "teacher" || u["login"] == "admin"),
        "no staff in a curator's list: {list:?}"
    );
}

conformance!(
    an_ended_grant_allows_no_sign_in_push_or_pull,
    refused_grants_carry_codes_and_change_nothing,
    a_curator_grant_from_a_date_is_ended_and_handed_over,
    hr_keeps_the_staff_list_only,
    the_director_assigns_the_administrator_and_a_deputy_does_not,
    a_curator_issues_their_group_family_logins_only,
);
