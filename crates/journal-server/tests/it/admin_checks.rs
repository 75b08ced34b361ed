//! Checks an administrator relies on: a parent's account names an existing student and a
//! curator's a group of the institution (else 400 with a code naming the field, nothing created);
//! a holiday set on a day with scheduled lessons is accepted and answers those lessons in
//! `warnings` (they stay in the timetable until the administrator moves them).

use serde_json::{json, Value};

use crate::support::{Backend, TestServer};

async fn create(s: &TestServer, token: &str, body: Value) -> (u16, Value) {
    let resp = s
        .post("/admin/users")
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn grants_name_existing_students_and_groups(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let student = s.snapshot.students[0].id.to_string();
    let group = s.snapshot.groups[0].id.to_string();
    let nobody = uuid::Uuid::new_v4().to_string();
    let user = |login: &str, grant: Value| json!({"login": login, "full_name": "Петрова Анна Ивановна", "grants": [grant], "password": "первый-пароль"});
    for (login, grant, code) in [
        (
            "parent-none",
            json!({"role": "parent", "group_id": null, "student_id": null}),
            "grant_student_id_required",
        ),
        (
            "parent-ghost",
            json!({"role": "parent", "group_id": null, "student_id": nobody}),
            "grant_student_id_unknown",
        ),
        (
            "student-ghost",
            json!({"role": "student", "group_id": null, "student_id": nobody}),
            "grant_student_id_unknown",
        ),
        (
            "curator-none",
            json!({"role": "curator", "group_id": null, "student_id": null}),
            "grant_group_id_required",
        ),
        (
            "curator-ghost",
            json!({"role": "curator", "group_id": nobody, "student_id": null}),
            "grant_group_id_unknown",
        ),
    ] {
        let (status, body) = create(&s, &admin.token, user(login, grant)).await;
        assert_eq!(status, 400, "{login} is refused: {body}");
        assert_eq!(
            body["code"],
            json!(code),
            "{login}: the code names the field: {body}"
        );
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{login}: a Russian message: {body}"
        );
    }
    let users: Value = s
        .get("/admin/users")
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("reaches")
        .json()
        .await
        .expect("the users");
    assert!(
        !users.to_string().contains("-ghost") && !users.to_string().contains("-none"),
        "nothing was created: {users}"
    );
    for (login, grant) in [
        (
            "parent-ok",
            json!({"role": "parent", "group_id": null, "student_id": student}),
        ),
        (
            "curator-ok",
            json!({"role": "curator", "group_id": group, "student_id": null}),
        ),
    ] {
        let (status, body) = create(&s, &admin.token, user(login, grant)).await;
        assert_eq!(
            status, 201,
            "{login} with an existing target is created: {body}"
        );
    }
}

async fn a_holiday_on_lesson_days_answers_the_lessons_in_warnings(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let setup: Value = s
        .get("/admin/year")
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("reaches")
        .json()
        .await
        .expect("the year");
    assert_eq!(
        setup["warnings"],
        json!([]),
        "reading the year warns of nothing: {setup}"
    );
    // A scheduled lesson's day, made a holiday.
    let lesson = s
        .snapshot
        .lessons
        .iter()
        .find(|l| {
            l.status == journal_protocol::LessonStatus::Scheduled
                && !s
                    .snapshot
                    .holidays
                    .iter()
                    .any(|h| h.starts_on <= l.date && l.date <= h.ends_on)
        })
        .expect("a scheduled lesson on a working day")
        .clone();
    let on_day = s
        .snapshot
        .lessons
        .iter()
        .filter(|l| l.date == lesson.date && l.status == journal_protocol::LessonStatus::Scheduled)
        .count();
    let mut holidays = setup["holidays"].as_array().cloned().unwrap_or_default();
    holidays.push(
        json!({"name": "Внеплановый выходной", "starts_on": lesson.date, "ends_on": lesson.date}),
    );
    let body = json!({
        "name": setup["name"], "starts_on": setup["starts_on"], "ends_on": setup["ends_on"],
        "periods": setup["periods"].as_array().into_iter().flatten().map(|p| json!({
            "id": p["id"], "name": p["name"], "starts_on": p["starts_on"], "ends_on": p["ends_on"],
        })).collect::<Vec<_>>(),
        "holidays": holidays,
    });
    let resp = s
        .client
        .put(s.url("/admin/year"))
        .header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .bearer_auth(&admin.token)
        .json(&body)
        .send()
        .await
        .expect("reaches");
    assert_eq!(resp.status(), 200, "the holiday is set");
    let answer: Value = resp.json().await.expect("the year");
    let warnings = answer["warnings"].as_array().cloned().unwrap_or_default();
    let date = lesson.date.format("%d.%m.%Y").to_string();
    let about_day: Vec<_> = warnings
        .iter()
        .filter_map(Value::as_str)
        .filter(|w| w.contains(&date))
        .collect();
    assert_eq!(
        about_day.len(),
        on_day,
        "one warning per scheduled lesson of {date}: {answer}"
    );
    assert!(
        about_day.iter().all(|w| w.contains("Внеплановый выходной")),
        "each names the holiday: {about_day:?}"
    );
}

conformance!(
    grants_name_existing_students_and_groups,
    a_holiday_on_lesson_days_answers_the_lessons_in_warnings
);
