//! Events of the family diary over HTTP: the administration announces them for anyone, a curator
//! for their own group only; a parent sees the institution's and their child's group's events in
//! the week, not another group's; bad input changes nothing; the author or the administration
//! removes an event, and both steps are in the audit.

use journal_core::{GroupId, Role};
use journal_protocol::DiaryWeek;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{today, Backend, Device, TestServer};

async fn call(
    s: &TestServer,
    dev: &Device,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let req = match method {
        "post" => s.post(path).json(&body.unwrap_or_default()),
        "delete" => s.client.delete(s.url(path)).header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        ),
        _ => s.get(path),
    };
    let resp = req
        .bearer_auth(&dev.token)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn curator_group(s: &TestServer) -> GroupId {
    s.snapshot
        .users
        .iter()
        .find(|u| u.login == "curator")
        .and_then(|u| u.grants.iter().find(|g| g.role == Role::Curator))
        .and_then(|g| g.group_id)
        .expect("the demo curator has a group")
}

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["title"].as_str().map(String::from))
        .collect()
}

async fn events_reach_only_their_groups_diary(b: Backend) {
    let s = TestServer::start(b).await;
    let own = curator_group(&s);
    let other = s
        .snapshot
        .groups
        .iter()
        .map(|g| g.id)
        .find(|g| *g != own)
        .expect("the demo has a second group");
    // The demo's parent has a child in the curator's group.
    let child = s
        .snapshot
        .users
        .iter()
        .find(|u| u.login == "parent")
        .and_then(|u| u.grants.iter().find_map(|g| g.student_id))
        .expect("the demo parent has a child");
    assert!(
        s.snapshot
            .memberships
            .iter()
            .any(|m| m.student_id == child && m.group_id == own),
        "the demo parent's child is in the curator's group"
    );
    let parent = s.device("parent").await;
    let (deputy, curator, admin, teacher) = (
        s.device("deputy").await,
        s.device("curator").await,
        s.device("admin").await,
        s.device("teacher").await,
    );
    let day = today().to_string();

    let (st, whole) = call(
        &s,
        &deputy,
        "post",
        "/events",
        Some(json!({
            "date": day, "time": "18:30", "title": "Родительское собрание", "place": "Актовый зал",
        })),
    )
    .await;
    assert_eq!(
        st, 201,
        "the deputy announces an event for the institution: {whole}"
    );
    assert_eq!(whole["group"], Value::Null, "for the whole institution");
    let (st, mine) = call(
        &s,
        &curator,
        "post",
        "/events",
        Some(json!({
            "group_id": own, "date": day, "title": "Экскурсия группы",
        })),
    )
    .await;
    assert_eq!(
        st, 201,
        "the curator announces an event for their group: {mine}"
    );
    let (st, refused) = call(
        &s,
        &curator,
        "post",
        "/events",
        Some(json!({
            "group_id": other, "date": day, "title": "Чужая группа",
        })),
    )
    .await;
    assert_eq!(
        st, 403,
        "a curator cannot announce for another group: {refused}"
    );
    let (st, others) = call(
        &s,
        &admin,
        "post",
        "/events",
        Some(json!({
            "group_id": other, "date": day, "title": "Соревнования другой группы",
        })),
    )
    .await;
    assert_eq!(
        st, 201,
        "the administrator announces for any group: {others}"
    );
    let (st, refused) = call(
        &s,
        &parent,
        "post",
        "/events",
        Some(json!({
            "date": day, "title": "От родителя",
        })),
    )
    .await;
    assert_eq!(st, 403, "a parent announces nothing: {refused}");

    // Bad input: a clear code, nothing added.
    for (body, code) in [
        (json!({"date": day, "title": "  "}), "event_title"),
        (
            json!({"date": day, "title": "Сбор", "time": "25:99"}),
            "event_time",
        ),
        (
            json!({"date": "2001-09-01", "title": "Сбор"}),
            "event_outside_year",
        ),
        (
            json!({"date": day, "title": "Сбор\u{7}"}),
            "forbidden_character",
        ),
        (
            json!({"date": day, "title": "Сбор", "place": "Зал\u{e000}"}),
            "forbidden_character",
        ),
    ] {
        let (st, err) = call(&s, &deputy, "post", "/events", Some(body.clone())).await;
        assert_eq!(st, 400, "{body} is refused: {err}");
        assert_eq!(err["code"], code, "{body} is refused as {code}: {err}");
    }
    let (st, err) = call(
        &s,
        &deputy,
        "post",
        "/events",
        Some(json!({
            "group_id": uuid::Uuid::new_v4(), "date": day, "title": "Сбор",
        })),
    )
    .await;
    assert_eq!(
        (st, err["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("group_not_found")),
        "{err}"
    );

    // Staff see every event; the parent the institution's and their child's group's.
    let (st, all) = call(
        &s,
        &teacher,
        "get",
        &format!("/events?from={day}&to={day}"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{all}");
    let mut staff_sees = titles(&all);
    staff_sees.sort();
    assert_eq!(
        staff_sees,
        [
            "Родительское собрание",
            "Соревнования другой группы",
            "Экскурсия группы"
        ]
        .map(String::from)
        .to_vec(),
        "staff see every event: {all}"
    );
    let (st, family) = call(
        &s,
        &parent,
        "get",
        &format!("/events?from={day}&to={day}"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{family}");
    let mut seen = titles(&family);
    seen.sort();
    assert_eq!(
        seen,
        vec![
            "Родительское собрание".to_string(),
            "Экскурсия группы".to_string()
        ],
        "the parent sees the institution's and their child's group's events only: {family}"
    );

    // The week of the diary shows them on their day, with time and place.
    let (st, consent) = call(&s, &parent, "get", "/diary/consent", None).await;
    assert_eq!(st, 200, "{consent}");
    let (st, given) = call(
        &s,
        &parent,
        "post",
        "/diary/consent",
        Some(json!({"version": consent["version"]})),
    )
    .await;
    assert_eq!(st, 200, "the parent consents: {given}");
    let (st, week) = call(
        &s,
        &parent,
        "get",
        &format!("/diary/week?student={}&date={day}", child.0),
        None,
    )
    .await;
    assert_eq!(st, 200, "{week}");
    let week: DiaryWeek = serde_json::from_value(week).expect("a diary week");
    let that_day = week
        .days
        .iter()
        .find(|d| d.date == today())
        .expect("the week holds today");
    let mut on_day: Vec<(String, Option<String>, String)> = that_day
        .events
        .iter()
        .map(|e| (e.title.clone(), e.time.clone(), e.place.clone()))
        .collect();
    on_day.sort();
    assert_eq!(
        on_day,
        vec![
            (
                "Родительское собрание".into(),
                Some("18:30".into()),
                "Актовый зал".into()
            ),
            ("Экскурсия группы".into(), None, String::new()),
        ],
        "today's events in the child's diary"
    );
    assert!(
        week.days
            .iter()
            .filter(|d| d.date != today())
            .all(|d| d.events.is_empty()),
        "no event on the other days"
    );

    // Removing: not by a parent or another teacher; by the author; then it is gone.
    let mine_id = mine["id"].as_str().unwrap_or_default().to_string();
    let (st, _) = call(&s, &parent, "delete", &format!("/events/{mine_id}"), None).await;
    assert_eq!(st, 403, "a parent removes nothing");
    let whole_id = whole["id"].as_str().unwrap_or_default().to_string();
    let (st, _) = call(&s, &curator, "delete", &format!("/events/{whole_id}"), None).await;
    assert_eq!(st, 403, "a curator does not remove the deputy's event");
    let (st, _) = call(&s, &curator, "delete", &format!("/events/{mine_id}"), None).await;
    assert_eq!(st, 204, "the curator removes their own event");
    let (st, _) = call(&s, &curator, "delete", &format!("/events/{mine_id}"), None).await;
    assert_eq!(st, 404, "a removed event is gone");
    let (_, family) = call(
        &s,
        &parent,
        "get",
        &format!("/events?from={day}&to={day}"),
        None,
    )
    .await;
    assert_eq!(
        titles(&family),
        vec!["Родительское собрание".to_string()],
        "{family}"
    );

    let (st, audit) = call(&s, &admin, "get", "/admin/audit?kind=event_added", None).await;
    assert_eq!(st, 200, "{audit}");
    assert!(
        audit.to_string().contains("Экскурсия группы"),
        "adding is audited: {audit}"
    );
    let (_, audit) = call(&s, &admin, "get", "/admin/audit?kind=event_removed", None).await;
    assert!(
        audit.to_string().contains("Экскурсия группы"),
        "removing is audited: {audit}"
    );
}

conformance!(events_reach_only_their_groups_diary);
