//! Control and private-use characters in a name, on every route that takes one: a user's login and
//! full name, a group and its specialty, a student's names, the year, its periods and holidays, a
//! subject, a room, the support contact, an event. Each is refused 400 `forbidden_character` (the
//! one code of journal-core's rule, as in the imports) and changes nothing.

use serde_json::{json, Value};

use crate::support::{today, Backend, TestServer};

async fn call(s: &TestServer, token: &str, method: &str, path: &str, body: &Value) -> (u16, Value) {
    let req = match method {
        "put" => s.client.put(s.url(path)).header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        ),
        "get" => s.get(path),
        _ => s.post(path),
    };
    let req = if method == "get" { req } else { req.json(body) };
    let resp = req
        .bearer_auth(token)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The institution as the storage holds it, and its audit length: what a refused request must
/// leave as it was.
async fn state(s: &TestServer) -> (Value, u64) {
    let id = s.snapshot.institution.id;
    let (snap, _) = s.storage.snapshot(id).await.expect("the snapshot reads");
    let audit = s.storage.audit_verify().await.expect("the audit reads");
    (
        serde_json::to_value(snap).expect("a snapshot serialises"),
        audit.entries_checked,
    )
}

async fn every_name_route_refuses_control_and_private_use_characters(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let group = s.snapshot.groups[0].id;
    let (st, year) = call(&s, &admin.token, "get", "/admin/year", &Value::Null).await;
    assert_eq!(st, 200, "the year reads: {year}");
    let year_body = |name: &str, period: &str, holiday: &str| {
        let periods: Vec<Value> = year["periods"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                json!({
                    "id": p["id"],
                    "name": if i == 0 { json!(period) } else { p["name"].clone() },
                    "starts_on": p["starts_on"],
                    "ends_on": p["ends_on"],
                })
            })
            .collect();
        json!({
            "name": name,
            "starts_on": year["starts_on"],
            "ends_on": year["ends_on"],
            "periods": periods,
            "holidays": [{"name": holiday, "starts_on": year["starts_on"], "ends_on": year["starts_on"]}],
        })
    };
    for bad in ["\u{7}", "\u{E000}", "\u{1B}[31m"] {
        let name = |base: &str| format!("{base}{bad}");
        let cases: Vec<(&str, &str, Value)> = vec![
            (
                "post",
                "/admin/users",
                json!({
                    "login": name("novyi"), "full_name": "Новиков Пётр Ильич", "password": "Пароль-2026-x",
                    "grants": [{"role": "teacher"}],
                }),
            ),
            (
                "post",
                "/admin/users",
                json!({
                    "login": "novyi2", "full_name": name("Новиков Пётр Ильич"), "password": "Пароль-2026-x",
                    "grants": [{"role": "teacher"}],
                }),
            ),
            (
                "post",
                "/admin/groups",
                json!({"name": name("НГ-11"), "course": 1, "specialty": "Экономика"}),
            ),
            (
                "post",
                "/admin/groups",
                json!({"name": "НГ-12", "course": 1, "specialty": name("Экономика")}),
            ),
            (
                "post",
                "/admin/students",
                json!({
                    "last_name": name("Иванов"), "first_name": "Пётр", "group_id": group, "from": today(),
                }),
            ),
            (
                "post",
                "/admin/students",
                json!({
                    "last_name": "Иванов", "first_name": "Пётр", "patronymic": name("Ильич"),
                    "group_id": group, "from": today(),
                }),
            ),
            (
                "put",
                "/admin/year",
                year_body(&name("2026/2027"), "1 семестр", "Зимние каникулы"),
            ),
            (
                "put",
                "/admin/year",
                year_body("2026/2027", &name("1 семестр"), "Зимние каникулы"),
            ),
            (
                "put",
                "/admin/year",
                year_body("2026/2027", "1 семестр", &name("Зимние каникулы")),
            ),
            (
                "post",
                "/admin/subjects",
                json!({"name": name("Химия"), "grading": "five_point"}),
            ),
            ("post", "/admin/rooms", json!({"name": name("214")})),
            (
                "put",
                "/admin/support",
                json!({"name": name("Петров Иван"), "phone": "", "email": "", "hours": ""}),
            ),
            (
                "post",
                "/events",
                json!({"date": today(), "title": name("Собрание")}),
            ),
        ];
        let before = state(&s).await;
        for (method, path, body) in cases {
            let (st, answer) = call(&s, &admin.token, method, path, &body).await;
            assert_eq!(
                (st, answer["code"].as_str()),
                (400, Some("forbidden_character")),
                "{method} {path} refuses {bad:?} in {body}: {answer}"
            );
            assert!(
                answer["message"].as_str().is_some_and(|m| m.contains("U+")),
                "the message names the invisible character's code: {answer}"
            );
        }
        assert_eq!(state(&s).await, before, "refused names changed nothing");
    }
}

/// Free texts of ops (a topic, homework, a lesson not held's reason) with an unseen control
/// character are refused with a code on both backends — PostgreSQL's jsonb cannot keep U+0000, so
/// without the rule such an op would fail the push again and again.
async fn ops_with_a_control_character_are_refused_not_stuck(b: Backend) {
    use crate::support::{outcome_name, rejection_code};
    use journal_protocol::OpPayload;
    let s = TestServer::start(b).await;
    let mut dev = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let t = s.during(&lesson);
    let topic = |title: &str| OpPayload::SetTopic {
        lesson_id: lesson.id,
        hour: 1,
        plan_topic_id: None,
        title: title.into(),
        work_type: journal_core::WorkType::Lesson,
        work_number: None,
        makeup_of: None,
    };
    let r = s
        .push_new(&mut dev, (t, topic("Решение задач\u{0} на движение")))
        .await;
    assert_eq!(rejection_code(&r[0]), "forbidden_character", "{r:?}");
    let r = s
        .push_new(
            &mut dev,
            (
                t,
                OpPayload::SetHomework {
                    lesson_id: lesson.id,
                    text: "Прочитать главу\u{0}".into(),
                },
            ),
        )
        .await;
    assert_eq!(rejection_code(&r[0]), "forbidden_character", "{r:?}");
    // The chain goes on: the next op of the device is applied.
    let r = s
        .push_new(&mut dev, (t, topic("Решение задач на движение")))
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "{r:?}");
}

conformance!(
    every_name_route_refuses_control_and_private_use_characters,
    ops_with_a_control_character_are_refused_not_stuck
);
