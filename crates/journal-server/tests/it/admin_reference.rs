//! Reference data the institution keeps itself: the work regime with each shift's bells
//! (`/admin/regime`), subjects with short names and grading scales (`/admin/subjects`) and rooms
//! (`/admin/rooms`). The administrator changes them, the deputy reads them; a rename keeps the id; a
//! clash is refused naming what it clashes with; each change is audited, raises the
//! reference_version and is in the teacher's next snapshot.

use serde_json::{json, Value};

use crate::support::{Backend, TestServer};

async fn send(
    s: &TestServer,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut req = s
        .client
        .request(method, s.url(path))
        .header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req.send().await.expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn version(s: &TestServer, token: &str) -> u64 {
    s.pull(token, 0, 1).await.reference_version
}

async fn teacher_snapshot(s: &TestServer, token: &str) -> Value {
    let (st, body) = send(s, reqwest::Method::GET, "/sync/snapshot", token, None).await;
    assert_eq!(st, 200, "the snapshot is answered");
    body["snapshot"].clone()
}

async fn regime_with_two_shifts_reaches_the_teacher(b: Backend) {
    use reqwest::Method;
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let deputy = s.device("deputy").await;
    let teacher = s.device("teacher").await;

    let (st, current) = send(&s, Method::GET, "/admin/regime", &deputy.token, None).await;
    assert_eq!(st, 200, "the deputy reads the regime");
    let first_shift: Vec<Value> = current["bells"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        first_shift.len(),
        s.snapshot.bells.len(),
        "the demo's bells are the first shift's"
    );
    let mut bells = first_shift.clone();
    bells.push(json!({"shift": 2, "number": 1, "starts": "14:00", "ends": "15:30"}));
    bells.push(json!({"shift": 2, "number": 2, "starts": "15:40", "ends": "17:10"}));
    let regime = json!({"days_per_week": 6, "shifts": 2, "bells": bells});

    let (st, _) = send(
        &s,
        Method::PUT,
        "/admin/regime",
        &deputy.token,
        Some(&regime),
    )
    .await;
    assert_eq!(st, 403, "the deputy does not set the regime");
    let mut overlap = regime.clone();
    overlap["bells"][first_shift.len() + 1]["starts"] = json!("15:00");
    let (st, body) = send(
        &s,
        Method::PUT,
        "/admin/regime",
        &admin.token,
        Some(&overlap),
    )
    .await;
    assert_eq!(
        (st, body["code"].clone()),
        (400, json!("bells_overlap")),
        "overlapping lessons are refused: {body}"
    );
    let mut dropped = regime.clone();
    dropped["bells"] = json!([{"shift": 1, "number": 1, "starts": "08:30", "ends": "10:00"},
        {"shift": 2, "number": 1, "starts": "14:00", "ends": "15:30"}]);
    let (st, body) = send(
        &s,
        Method::PUT,
        "/admin/regime",
        &admin.token,
        Some(&dropped),
    )
    .await;
    assert_eq!(
        (st, body["code"].clone()),
        (409, json!("bell_in_use")),
        "a lesson number the timetable uses stays: {body}"
    );

    let before = version(&s, &teacher.token).await;
    let (st, body) = send(
        &s,
        Method::PUT,
        "/admin/regime",
        &admin.token,
        Some(&regime),
    )
    .await;
    assert_eq!(st, 200, "a good regime is set: {body}");
    assert_eq!(body["days_per_week"], 6, "six-day week kept");
    assert_eq!(
        version(&s, &teacher.token).await,
        before + 1,
        "one reference change"
    );
    let snap = teacher_snapshot(&s, &teacher.token).await;
    assert_eq!(
        snap["institution"]["regime"],
        json!({"days_per_week": 6, "shifts": 2}),
        "the snapshot carries the regime"
    );
    assert!(
        snap["bells"]
            .as_array()
            .is_some_and(|a| a.iter().all(|b| b["shift"] == 1)),
        "`bells` keeps the first shift only, as older copies read it"
    );
    let second: Vec<&Value> = snap["later_shift_bells"]
        .as_array()
        .map(|a| a.iter().filter(|b| b["shift"] == 2).collect())
        .unwrap_or_default();
    assert_eq!(
        second.len(),
        2,
        "the teacher's snapshot has the second shift's bells"
    );
    let audit = s
        .storage
        .audit_entries(s.snapshot.institution.id, "regime_set", 5)
        .await
        .expect("the audit is read");
    assert_eq!(audit.len(), 1, "the change is audited");
    assert_eq!(
        detail_of(&audit[0])["new"]["shifts"],
        2,
        "with the new regime"
    );
    assert_eq!(detail_of(&audit[0])["old"]["shifts"], 1, "and the old one");
}

async fn subjects_and_rooms_are_kept_renamed_and_refused_on_clashes(b: Backend) {
    use reqwest::Method;
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let teacher = s.device("teacher").await;
    let existing = s.snapshot.subjects[0].clone();

    let before = version(&s, &teacher.token).await;
    let (st, created) = send(&s, Method::POST, "/admin/subjects", &admin.token,
        Some(&json!({"name": "Основы  финансовой грамотности", "short_name": "ОФГ", "grading": "pass_fail"}))).await;
    assert_eq!(st, 201, "a subject is created: {created}");
    assert_eq!(
        created["name"], "Основы финансовой грамотности",
        "spaces tidied"
    );
    assert_eq!(created["grading"], "pass_fail", "the grading scale is kept");
    let id = created["id"].as_str().unwrap_or_default().to_string();

    let (st, body) = send(
        &s,
        Method::POST,
        "/admin/subjects",
        &admin.token,
        Some(&json!({"name": existing.name.to_uppercase(), "grading": "five_point"})),
    )
    .await;
    assert_eq!(st, 409, "a subject's name in another case clashes: {body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains(&existing.name),
        "the message names the clash: {body}"
    );
    let (st, body) = send(
        &s,
        Method::POST,
        "/admin/subjects",
        &admin.token,
        Some(&json!({"name": "Другая грамотность", "short_name": "офг", "grading": "five_point"})),
    )
    .await;
    assert_eq!(
        (st, body["code"].clone()),
        (409, json!("subject_short_name_taken")),
        "short names are unique: {body}"
    );
    let (st, body) = send(
        &s,
        Method::POST,
        "/admin/subjects",
        &admin.token,
        Some(&json!({"name": "Химия\u{E001}", "grading": "five_point"})),
    )
    .await;
    assert_eq!(
        (st, body["code"].clone()),
        (400, json!("forbidden_character")),
        "private-use characters are refused: {body}"
    );

    let (st, renamed) = send(&s, Method::PUT, &format!("/admin/subjects/{id}"), &admin.token,
        Some(&json!({"name": "Основы финансовой грамотности и права", "short_name": "ОФГ", "grading": "pass_fail"}))).await;
    assert_eq!(st, 200, "a rename is taken: {renamed}");
    assert_eq!(renamed["id"], id.as_str(), "a rename keeps the id");

    let (st, room) = send(
        &s,
        Method::POST,
        "/admin/rooms",
        &admin.token,
        Some(&json!({"name": "204"})),
    )
    .await;
    assert_eq!(st, 201, "a room is created: {room}");
    let room_id = room["id"].as_str().unwrap_or_default().to_string();
    let (st, body) = send(
        &s,
        Method::POST,
        "/admin/rooms",
        &admin.token,
        Some(&json!({"name": " 204 "})),
    )
    .await;
    assert_eq!(st, 409, "the same room twice: {body}");
    assert!(
        body["message"].as_str().unwrap_or("").contains("«204»"),
        "the clash is named: {body}"
    );
    let (st, off) = send(
        &s,
        Method::PUT,
        &format!("/admin/rooms/{room_id}"),
        &admin.token,
        Some(&json!({"name": "204а", "active": false})),
    )
    .await;
    assert_eq!(st, 200, "a room is renamed and deactivated: {off}");
    assert_eq!(
        (off["id"].clone(), off["active"].clone()),
        (json!(room_id), json!(false)),
        "same id, inactive"
    );

    assert_eq!(
        version(&s, &teacher.token).await,
        before + 4,
        "four changes, four reference versions"
    );
    let snap = teacher_snapshot(&s, &teacher.token).await;
    assert!(
        snap["rooms"].as_array().is_some_and(|r| r
            .iter()
            .any(|x| x["name"] == "204а" && x["active"] == false)),
        "the teacher's snapshot carries the rooms: {}",
        snap["rooms"]
    );
    let (_, list) = send(&s, Method::GET, "/admin/subjects", &admin.token, None).await;
    assert!(
        list.as_array().is_some_and(|l| l.iter().any(
            |x| x["id"] == id.as_str() && x["name"] == "Основы финансовой грамотности и права"
        )),
        "the list holds the renamed subject"
    );
    let audit = s
        .storage
        .audit_entries(s.snapshot.institution.id, "subject_changed", 5)
        .await
        .expect("the audit is read");
    assert_eq!(
        detail_of(&audit[0])["old"]["name"],
        "Основы финансовой грамотности",
        "the audit keeps the old name"
    );

    // A subject whose finals are on the five-point scale does not become pass/fail.
    let graded = s
        .snapshot
        .finals
        .iter()
        .filter(|f| f.value.mark().is_some())
        .find_map(|f| s.snapshot.loads.iter().find(|l| l.id == f.load_id))
        .map(|l| l.subject_id)
        .expect("the demo has five-point finals");
    let subject = s
        .snapshot
        .subjects
        .iter()
        .find(|x| x.id == graded)
        .cloned()
        .expect("its subject");
    let (st, body) = send(&s, Method::PUT, &format!("/admin/subjects/{graded}"), &admin.token,
        Some(&json!({"name": subject.name, "short_name": subject.short_name, "grading": "pass_fail"}))).await;
    assert_eq!(
        (st, body["code"].clone()),
        (409, json!("grading_in_use")),
        "given finals keep their scale: {body}"
    );
}

conformance!(
    regime_with_two_shifts_reaches_the_teacher,
    subjects_and_rooms_are_kept_renamed_and_refused_on_clashes
);

fn detail_of(e: &journal_server::audit::AuditEntry) -> Value {
    serde_json::from_str(&e.detail).unwrap_or_default()
}
