//! Cross-institution isolation: one database with the demo (institution A) and an institution made
//! by `init --institution`'s code path (B). Every route of the OpenAPI document is called by B's
//! administrator, deputy, teacher, curator, student and parent with A's ids: nothing of A comes
//! back and nothing of A changes. A route added later without a case here fails the test.

use ed25519_dalek::SigningKey;
use journal_core::DeviceId;
use journal_protocol::PROTOCOL_VERSION;
use journal_server::dto::{LoginResponse, PROTOCOL_HEADER};
use journal_server::init::{create_institution, NewInstitution};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::support::{today, Backend, TestServer};

const PASSWORD_B: &str = "пароль-админа-Б";

async fn login(s: &TestServer, login: &str, password: &str) -> String {
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let resp = s
        .post("/auth/login")
        .json(&json!({
            "login": login,
            "password": password,
            "device_id": DeviceId(Uuid::new_v4()),
            "device_key": hex::encode(key.verifying_key().to_bytes()),
        }))
        .send()
        .await
        .expect("the login request reaches the server");
    assert_eq!(resp.status(), 200, "{login} signs in");
    let body: LoginResponse = resp.json().await.expect("a login reply");
    body.token
}

/// A's state as the storage holds it: the snapshot, its seq and the reference version.
async fn state_of_a(s: &TestServer) -> (Value, u64, u64) {
    let id = s.snapshot.institution.id;
    let (snap, seq) = s.storage.snapshot(id).await.expect("A's snapshot reads");
    let version = s
        .storage
        .reference_version(id)
        .await
        .expect("A's reference version reads");
    (
        serde_json::to_value(&snap).expect("a snapshot serialises"),
        seq,
        version,
    )
}

async fn institution_b_sees_and_changes_nothing_of_institution_a(b: Backend) {
    let backups = tempfile::tempdir().expect("a temp dir for backups");
    let config = journal_server::ServerConfig {
        backup_dir: Some(backups.path().join("copies")),
        backup_key: Some(backups.path().join("backup.key")),
        ..crate::support::test_config()
    };
    let s = TestServer::start_with(b, config).await;
    let a = s.snapshot.clone();
    // A backup made by A's administrator while the database held A alone: the file holds A's data.
    let admin_a = s.device("admin").await;
    let resp = s
        .post("/admin/backups")
        .bearer_auth(&admin_a.token)
        .send()
        .await
        .expect("the backup request reaches the server");
    assert_eq!(resp.status(), 201, "A's administrator makes a backup");
    let made: Value = resp.json().await.expect("the backup's description");
    let backup = made["name"].as_str().unwrap_or_default().to_string();
    // An event of A's group, announced by A's administrator.
    let resp = s
        .post("/events")
        .bearer_auth(&admin_a.token)
        .json(&json!({"group_id": a.groups[0].id, "date": today(), "title": "Собрание группы А"}))
        .send()
        .await
        .expect("the event request reaches the server");
    assert_eq!(resp.status(), 201, "A's administrator announces an event");
    let event: Value = resp.json().await.expect("the event");
    let event = event["id"].as_str().unwrap_or_default().to_string();
    // A ВТК work of A's load on a day of its lesson, scheduled by A's administrator.
    let held = a
        .lessons
        .iter()
        .find(|l| l.status == journal_protocol::LessonStatus::Scheduled)
        .expect("the demo has lessons");
    let resp = s
        .post("/control-works")
        .bearer_auth(&admin_a.token)
        .json(
            &json!({"load_id": held.load_id, "date": held.date, "form": "control_work",
            "title": "Срез группы А", "vtk": true}),
        )
        .send()
        .await
        .expect("the control work request reaches the server");
    assert_eq!(
        resp.status(),
        201,
        "A's administrator schedules a control work"
    );
    let work: Value = resp.json().await.expect("the control work");
    let work = work["id"].as_str().unwrap_or_default().to_string();
    // A thread of A: the demo parent writes to their child's curator.
    let parent_a = s.device("parent").await;
    let curator_a = a
        .users
        .iter()
        .find(|u| u.login == "curator")
        .map(|u| u.id)
        .expect("the demo curator");
    let resp = s
        .post("/messages")
        .bearer_auth(&parent_a.token)
        .json(
            &json!({"kind": "message", "to": curator_a, "subject": "Вопрос группы А",
            "body": "Текст переписки А"}),
        )
        .send()
        .await
        .expect("the message request reaches the server");
    assert_eq!(resp.status(), 201, "A's parent writes to the curator");
    let thread: Value = resp.json().await.expect("the thread");
    let thread = thread["id"].as_str().unwrap_or_default().to_string();
    // A note of A's curator to the demo parent.
    let curator_dev = s.device("curator").await;
    let child_a = a
        .users
        .iter()
        .find(|u| u.login == "parent")
        .and_then(|u| u.grants.iter().find_map(|g| g.student_id))
        .expect("the demo parent's child");
    let resp = s
        .post("/diary/notes")
        .bearer_auth(&curator_dev.token)
        .json(&json!({"student_id": child_a, "text": "Замечание родителям А"}))
        .send()
        .await
        .expect("the note request reaches the server");
    assert_eq!(resp.status(), 201, "A's curator writes a note");
    let note: Value = resp.json().await.expect("the note");
    let note = note["id"].as_str().unwrap_or_default().to_string();
    // A's own mail server, kept by A's administrator.
    let resp = s
        .client
        .put(s.url("/admin/smtp"))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .bearer_auth(&admin_a.token)
        .json(&json!({"host": "smtp.kolledzh-a.example", "port": 587, "security": "starttls",
            "login": "pochta-a", "password": "пароль-почты-А", "sender": "journal@kolledzh-a.example"}))
        .send()
        .await
        .expect("the mail server request reaches the server");
    assert_eq!(
        resp.status(),
        200,
        "A's administrator keeps A's mail server"
    );

    let now = today().and_hms_opt(9, 0, 0).unwrap_or_default();
    create_institution(
        s.storage.as_ref(),
        NewInstitution {
            name: "ГБПОУ «Колледж Б»".into(),
            short_name: Some("Колледж Б".into()),
            timezone: "Europe/Moscow".into(),
            policy: journal_core::Policy::default(),
            admin_login: "adminb".into(),
            admin_name: Some("Иванова Мария Петровна".into()),
        },
        PASSWORD_B,
        today(),
        now,
    )
    .await
    .expect("institution B is created beside the demo");
    let token = login(&s, "adminb", PASSWORD_B).await;
    // B gets data of its own through the admin import.
    let resp = s
        .post("/admin/import/groups?file=groups.csv")
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .body("Группа;Курс\nБ-11;1\n")
        .send()
        .await
        .expect("the import reaches the server");
    assert_eq!(resp.status(), 200, "B imports its group");
    let others = people_of_b(&s, &token).await;

    let group = a.groups[0].id.0.to_string();
    let student = a.students[0].id.0.to_string();
    let load = a.loads[0].id.0.to_string();
    let teacher = a.loads[0].teacher_id.0.to_string();
    let mut secrets: Vec<String> = vec![
        a.institution.id.0.to_string(),
        a.institution.name.clone(),
        group.clone(),
        student.clone(),
        load.clone(),
        teacher.clone(),
    ];
    secrets.extend(a.groups.iter().map(|g| g.id.0.to_string()));
    secrets.extend(a.students.iter().map(|st| st.id.0.to_string()));
    secrets.extend(
        a.users
            .iter()
            .filter(|u| u.login != "adminb")
            .map(|u| u.id.0.to_string()),
    );

    let room = a
        .rooms
        .first()
        .map(|r| r.id.0.to_string())
        .unwrap_or_else(|| Uuid::new_v4().to_string());

    secrets.push(backup.clone());
    secrets.push(event.clone());
    let remark = a
        .remarks
        .first()
        .map(|r| r.id.to_string())
        .unwrap_or_else(|| Uuid::new_v4().to_string());
    secrets.extend(a.remarks.iter().map(|r| r.id.to_string()));
    secrets.push("Собрание группы А".into());
    secrets.push(thread.clone());
    secrets.push("Вопрос группы А".into());
    secrets.push("Текст переписки А".into());
    secrets.push("Замечание родителям А".into());
    secrets.push(note.clone());
    secrets.extend(
        [
            "smtp.kolledzh-a.example",
            "pochta-a",
            "пароль-почты-А",
            "journal@kolledzh-a.example",
        ]
        .map(String::from),
    );
    let before = state_of_a(&s).await;
    let doc: Value = s
        .get("/openapi.json")
        .send()
        .await
        .expect("openapi.json reaches the server")
        .json()
        .await
        .expect("the document is JSON");
    let subject = a.loads[0].subject_id.0.to_string();
    let body_with_a = json!({
        "group_id": group, "student_id": student, "load_id": load, "teacher_id": teacher,
        "subject_id": subject, "on": today(), "last_day": today(),
        "period_id": a.periods[0].id,
    });
    let mut calls = 0;
    let users: Vec<(String, String)> =
        std::iter::once(("administrator".to_string(), token.clone()))
            .chain(others)
            .collect();
    for (who, token) in &users {
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            // Each route's A-id forms; a route with no case fails here.
            let urls: Vec<String> = match path.trim_start_matches("/api/v1") {
                "/health"
                | "/auth/login"
                | "/auth/logout"
                | "/auth/me"
                | "/auth/password"
                | "/auth/device-secret"
                | "/print/verify"
                | "/sync/pull"
                | "/sync/push"
                | "/sync/snapshot"
                | "/admin/clock-skews"
                | "/admin/users"
                | "/admin/year"
                | "/admin/year/rollover/plan"
                | "/admin/year/rollover"
                | "/admin/archive"
                | "/admin/archive/destroy"
                | "/archive/journals/accept"
                | "/archive/journals/handover"
                | "/admin/groups"
                | "/admin/institution"
                | "/admin/students"
                | "/admin/loads"
                | "/admin/audit"
                | "/admin/backups"
                | "/admin/logins/slips"
                | "/admin/policy"
                | "/admin/smtp"
                | "/admin/smtp/test"
                | "/admin/curriculum"
                | "/admin/readiness"
                | "/admin/regime"
                | "/admin/rooms"
                | "/admin/subjects"
                | "/admin/suggestions"
                | "/admin/support"
                | "/admin/departments"
                | "/help"
                | "/reports"
                | "/suggestions"
                | "/events"
                | "/control-works"
                | "/messages"
                | "/messages/unread"
                | "/messages/recipients"
                | "/app/update" => {
                    vec![path.trim_start_matches("/api/v1").to_string()]
                }
                // The app's packages are the server's, not an institution's: the same for all.
                "/app/packages/{file}" => {
                    vec!["/app/packages/offline-journal_0.1.1_amd64.deb".into()]
                }
                "/admin/import/{kind}" => [
                    "students",
                    "groups",
                    "teachers",
                    "loads",
                    "timetable",
                    "plan",
                ]
                .iter()
                .map(|k| format!("/admin/import/{k}?file=x.csv&dry_run=true"))
                .collect(),
                "/admin/users/{id}/password" => vec![format!("/admin/users/{teacher}/password")],
                "/admin/users/{id}/grants" => vec![format!("/admin/users/{teacher}/grants")],
                "/admin/users/{id}/deactivate" => {
                    vec![format!("/admin/users/{teacher}/deactivate")]
                }
                "/admin/users/{id}/reactivate" => {
                    vec![format!("/admin/users/{teacher}/reactivate")]
                }
                "/admin/users/{id}/email" => vec![format!("/admin/users/{teacher}/email")],
                "/admin/students/{id}/transfer" => {
                    vec![format!("/admin/students/{student}/transfer")]
                }
                "/admin/students/{id}/withdraw" => {
                    vec![format!("/admin/students/{student}/withdraw")]
                }
                "/admin/subjects/{id}" => vec![format!("/admin/subjects/{subject}")],
                "/admin/students/{id}/plan" => vec![format!("/admin/students/{student}/plan")],
                "/admin/curriculum/import" => {
                    vec!["/admin/curriculum/import?file=x.csv&dry_run=true".to_string()]
                }
                "/admin/rooms/{id}" => vec![format!("/admin/rooms/{room}")],
                "/admin/backups/{name}" => vec![format!("/admin/backups/{backup}")],
                "/admin/backups/{name}/verify" => vec![format!("/admin/backups/{backup}/verify")],
                "/admin/suggestions/{seq}/done" => vec!["/admin/suggestions/1/done".to_string()],
                "/admin/loads/{id}/teacher" => vec![format!("/admin/loads/{load}/teacher")],
                "/events/{id}" => vec![format!("/events/{event}")],
                "/control-works/{id}" => vec![format!("/control-works/{work}")],
                "/remarks" => vec![
                    "/remarks".to_string(),
                    format!("/remarks?load={load}"),
                    format!("/remarks?group={group}&teacher={teacher}&status=open"),
                ],
                "/remarks/{id}/decision" => vec![format!("/remarks/{remark}/decision")],
                "/messages/{id}" => vec![format!("/messages/{thread}")],
                "/messages/{id}/replies" => vec![format!("/messages/{thread}/replies")],
                "/students/{id}/card" => vec![format!("/students/{student}/card")],
                "/students/{id}/health" => vec![format!("/students/{student}/health")],
                "/plans" => vec!["/plans".to_string()],
                "/plans/{load}" => vec![format!("/plans/{load}?file=ktp.csv")],
                "/plans/{load}/approve" => vec![format!("/plans/{load}/approve")],
                "/plans/{load}/return" => vec![format!("/plans/{load}/return")],
                "/groups/{id}/health" => vec![
                    format!("/groups/{group}/health"),
                    format!("/groups/{group}/health?format=pdf"),
                ],
                "/students/{id}/contacts" => vec![format!("/students/{student}/contacts")],
                "/students/{id}/parents/{user_id}" => {
                    vec![format!("/students/{student}/parents/{teacher}")]
                }
                "/archive/journals" => vec![
                    "/archive/journals".to_string(),
                    "/archive/journals?year=2025/2026".to_string(),
                ],
                "/archive/export" => vec![format!("/archive/export?group={group}")],
                "/diary/children"
                | "/diary/consent"
                | "/diary/acknowledgements"
                | "/diary/notices" => {
                    vec![path.trim_start_matches("/api/v1").to_string()]
                }
                "/diary/notes" => vec![
                    "/diary/notes".to_string(),
                    format!("/diary/notes?student={student}"),
                ],
                "/diary/notes/{id}/acknowledgement" => {
                    vec![format!("/diary/notes/{note}/acknowledgement")]
                }
                "/diary/week" => vec![
                    format!("/diary/week?student={student}"),
                    format!("/diary/week?student={student}&date={}", today()),
                ],
                "/curator/unseen-parents" => vec![
                    format!("/curator/unseen-parents?group={group}"),
                    format!("/curator/unseen-parents?group={group}&format=pdf"),
                ],
                "/print/{document}" => vec![
                    format!("/print/year_journal?group={group}"),
                    format!("/print/finals?group={group}"),
                    format!("/print/module_journal?group={group}&module={subject}"),
                    format!("/print/subject?load={load}&period=1"),
                    format!("/print/extract?group={group}&student={student}&period=1"),
                    format!("/print/outage?date={}", today()),
                    format!("/print/finals?group={group}&year=2025/2026"),
                ],
                "/reports/{kind}" => [
                    "control",
                    "timeliness",
                    "progress",
                    "attendance",
                    "marks_count",
                    "curriculum",
                    "forecast",
                    "journal_data",
                    "missed_topics",
                    "control_works",
                    "activity",
                    "lesson_changes",
                ]
                .iter()
                .flat_map(|k| {
                    [
                        format!("/reports/{k}?group={group}"),
                        format!("/reports/{k}?teacher={teacher}&format=csv"),
                        format!("/reports/{k}"),
                    ]
                })
                .collect(),
                other => panic!("route {other} has no cross-institution case: add one"),
            };
            let has_id =
                path.contains('{') && !path.contains("{document}") && !path.contains("{kind}");
            for url in urls {
                for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
                    if url == "/auth/logout" || url == "/auth/password" {
                        continue; // B's own session only; holds no id of A
                    }
                    let body = body_for(path.trim_start_matches("/api/v1"), &body_with_a);
                    let req = match method.as_str() {
                        "get" => s.get(&url),
                        "post" => s.post(&url).json(&body),
                        "put" => s
                            .client
                            .put(s.url(&url))
                            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
                            .json(&body),
                        "delete" => s
                            .client
                            .delete(s.url(&url))
                            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string()),
                        other => panic!("unexpected method {other}"),
                    };
                    let resp = req
                        .bearer_auth(token)
                        .send()
                        .await
                        .expect("the request reaches the server");
                    calls += 1;
                    let status = resp.status().as_u16();
                    let text = resp.text().await.unwrap_or_default();
                    let sent = format!("{url} {body}");
                    // An id the request itself named may be echoed in the refusal; any other is a leak.
                    for secret in secrets.iter().filter(|x| !sent.contains(x.as_str())) {
                        assert!(
                            !text.contains(secret.as_str()),
                            "{method} {url} as B's {who} returned A's {secret}: {text}"
                        );
                    }
                    if has_id && method != "get" {
                        assert!(
                        status == 403 || status == 404,
                        "{method} {url} as B's {who} with A's id answers 403/404, not {status}: {text}"
                    );
                        let body: Value = serde_json::from_str(&text).unwrap_or_default();
                        assert!(
                            body["code"].as_str().is_some_and(|c| !c.is_empty()),
                            "{method} {url} refuses with a code: {text}"
                        );
                    }
                }
            }
        }
    }
    assert!(
        calls > 20 * users.len(),
        "every route was called by each of B's users ({calls} calls)"
    );
    let after = state_of_a(&s).await;
    let kept = s
        .storage
        .thread(
            a.institution.id,
            Uuid::parse_str(&thread).unwrap_or_default(),
        )
        .await
        .expect("A's thread reads")
        .map(|(_, m)| m.len());
    assert_eq!(kept, Some(1), "A's thread keeps its one message");
    let smtp = s
        .storage
        .smtp_setting(a.institution.id)
        .await
        .expect("A's mail server reads");
    assert_eq!(
        smtp.map(|m| (m.host, m.password)),
        Some(("smtp.kolledzh-a.example".into(), "пароль-почты-А".into())),
        "A's mail server is as A's administrator left it"
    );
    assert_eq!(before.1, after.1, "A's server_seq did not move");
    assert_eq!(before.2, after.2, "A's reference_version did not move");
    assert!(before.0 == after.0, "A's snapshot is unchanged");
}

/// B's other roles, each signed in and past the first-password change: a deputy, a teacher, the
/// curator of B's group, a student of it and that student's parent. As (role, token).
async fn people_of_b(s: &TestServer, admin: &str) -> Vec<(String, String)> {
    let snap: Value = s
        .get("/sync/snapshot")
        .bearer_auth(admin)
        .send()
        .await
        .expect("B's snapshot request reaches the server")
        .json()
        .await
        .expect("B's snapshot");
    let group = snap["snapshot"]["groups"][0]["id"].clone();
    assert!(group.is_string(), "B has its imported group: {snap}");
    let resp = s
        .post("/admin/students")
        .bearer_auth(admin)
        .json(&json!({"last_name": "Борисов", "first_name": "Борис", "group_id": group, "from": today()}))
        .send()
        .await
        .expect("the enrolment reaches the server");
    assert_eq!(resp.status(), 201, "B enrols a student");
    let student = resp.json::<Value>().await.expect("the student's id")["id"].clone();
    let first = "Первый-пароль-Б1";
    let new = "Свой-пароль-Б-2026";
    let mut out = Vec::new();
    for (login, name, grant) in [
        (
            "deputyb",
            "Дмитриева Дарья Сергеевна",
            json!({"role": "deputy"}),
        ),
        (
            "teacherb",
            "Тимофеев Тимур Олегович",
            json!({"role": "teacher"}),
        ),
        (
            "curatorb",
            "Кириллова Кира Андреевна",
            json!({"role": "curator", "group_id": group}),
        ),
        (
            "studentb",
            "Борисов Борис Петрович",
            json!({"role": "student", "group_id": group, "student_id": student}),
        ),
        (
            "parentb",
            "Борисов Пётр Иванович",
            json!({"role": "parent", "student_id": student}),
        ),
    ] {
        let resp = s
            .post("/admin/users")
            .bearer_auth(admin)
            .json(&json!({"login": login, "full_name": name, "password": first, "grants": [grant]}))
            .send()
            .await
            .expect("the user request reaches the server");
        let status = resp.status();
        assert_eq!(
            status,
            201,
            "B's {login} is created: {}",
            resp.text().await.unwrap_or_default()
        );
        let token = self::login(s, login, first).await;
        let resp = s
            .post("/auth/password")
            .bearer_auth(&token)
            .json(&json!({"old_password": first, "new_password": new}))
            .send()
            .await
            .expect("the password change reaches the server");
        assert!(
            resp.status().is_success(),
            "{login} sets their own password"
        );
        let me: Value = s
            .get("/auth/me")
            .bearer_auth(&token)
            .send()
            .await
            .expect("the request reaches the server")
            .json()
            .await
            .expect("who the user is");
        assert_eq!(
            me["login"], login,
            "{login}'s session works after the change: {me}"
        );
        out.push((
            grant["role"].as_str().unwrap_or_default().to_string(),
            token,
        ));
    }
    out
}

/// The body a route takes, naming A's ids where it has them.
fn body_for(route: &str, a: &Value) -> Value {
    match route {
        "/admin/loads/{id}/teacher" => json!({"teacher_id": a["teacher_id"]}),
        "/admin/students/{id}/transfer" => json!({"group_id": a["group_id"], "on": a["on"]}),
        "/admin/students/{id}/withdraw" => json!({"last_day": a["last_day"]}),
        "/admin/loads" => json!({
            "teacher_id": a["teacher_id"], "group_id": a["group_id"], "subject_id": a["subject_id"],
        }),
        "/admin/rooms/{id}" | "/admin/rooms" => json!({"name": "Захват"}),
        "/admin/subjects/{id}" | "/admin/subjects" => {
            json!({"name": "Захват", "short_name": "Зхв", "grading": "five_point"})
        }
        "/admin/logins/slips" => json!({"group_id": a["group_id"], "who": "both"}),
        "/diary/acknowledgements" => {
            json!({"student_id": a["student_id"], "period_id": a["period_id"]})
        }
        "/diary/consent" => json!({"version": "2026-12-1"}),
        "/diary/notices" => json!({"marks": false}),
        "/diary/notes" => json!({"student_id": a["student_id"], "text": "Захват"}),
        "/admin/users/{id}/email" => json!({"email": "zahvat@example.ru"}),
        // Port 1 takes no letters: B's test letter is refused at once.
        "/admin/smtp" => {
            json!({"host": "127.0.0.1", "port": 1, "security": "none", "sender": "zahvat@example.ru"})
        }
        "/admin/smtp/test" => json!({"to": "zahvat@example.ru"}),
        "/archive/journals/accept" => json!({"group_id": a["group_id"]}),
        "/archive/journals/handover" => {
            json!({"year": "2025/2026", "group_id": a["group_id"], "reference": "Захват"})
        }
        "/admin/archive/destroy" => json!({"year": "2025/2026"}),
        "/remarks" => json!({"load_id": a["load_id"], "text": "Захват"}),
        "/plans/{load}/return" => json!({"reason": "Захват чужого плана"}),
        "/remarks/{id}/decision" => json!({"confirm": false, "comment": "Захват"}),
        "/admin/departments" => {
            json!({"departments": [{"name": "Захват", "teacher_ids": [a["teacher_id"]]}]})
        }
        "/events" => json!({"group_id": a["group_id"], "date": a["on"], "title": "Захват"}),
        "/control-works" | "/control-works/{id}" => {
            json!({"load_id": a["load_id"], "date": a["on"],
            "form": "control_work", "title": "Захват", "vtk": true})
        }
        "/students/{id}/contacts" => json!({"phone": "+7 900 000-00-00"}),
        "/students/{id}/health" => json!({"health_group": 1, "pe_group": "exempt"}),
        "/messages" => json!({"kind": "message", "to": a["teacher_id"], "subject": "Захват",
            "body": "Захват"}),
        "/messages/{id}/replies" => json!({"body": "Захват"}),
        "/students/{id}/parents/{user_id}" => {
            json!({"relation": "отец", "phone": "+7 900 000-00-00"})
        }
        "/admin/students/{id}/plan" => json!({"loads": [{"load_id": a["load_id"], "hours": 10}]}),
        "/admin/users/{id}/grants" => json!({"grants": [
            {"role": "admin"},
            {"role": "curator", "group_id": a["group_id"]},
        ]}),
        "/admin/curriculum" => json!({"lines": [{
            "group_id": a["group_id"], "subject_id": a["subject_id"], "period_id": a["group_id"],
            "hours": 10,
        }]}),
        "/admin/students" => json!({
            "last_name": "Захватов", "first_name": "Иван", "group_id": a["group_id"], "from": a["on"],
        }),
        _ => json!({}),
    }
}

conformance!(institution_b_sees_and_changes_nothing_of_institution_a);
