//! The institution's reference_version: every administrator's reference change (enrolment, a load's
//! new teacher, the year, a user's deactivation, a file import over HTTP or from the command line)
//! adds one in its own transaction; pull pages and the snapshot reply carry it; journal edits and
//! refused requests leave it as it was.

use serde_json::{json, Value};

use crate::support::{set_cell, today, Backend, TestServer};

/// The version a pull page names (any cursor: every page carries it).
async fn pulled(s: &TestServer, token: &str) -> u64 {
    s.pull(token, 0, 1).await.reference_version
}

/// The version the snapshot reply names.
async fn snapshot_version(s: &TestServer, token: &str) -> u64 {
    let resp = s
        .get("/sync/snapshot")
        .bearer_auth(token)
        .send()
        .await
        .expect("the snapshot request reaches the server");
    assert_eq!(resp.status(), 200, "the snapshot is answered");
    let body: Value = resp.json().await.expect("a snapshot reply");
    body["reference_version"]
        .as_u64()
        .unwrap_or_else(|| panic!("the snapshot reply names its reference_version"))
}

async fn status_of(req: reqwest::RequestBuilder) -> u16 {
    req.send()
        .await
        .expect("the request reaches the server")
        .status()
        .as_u16()
}

async fn every_reference_change_adds_one_and_nothing_else_does(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let mut teacher = s.device("teacher").await;
    let inst = s.snapshot.institution.id;
    let start = pulled(&s, &teacher.token).await;
    assert_eq!(
        snapshot_version(&s, &teacher.token).await,
        start,
        "the snapshot reply and the pull name the same version"
    );

    // A journal edit is not a reference change.
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let r = s
        .push_new(
            &mut teacher,
            (s.during(&lesson), set_cell(lesson.id, student, "5")),
        )
        .await;
    assert_eq!(
        crate::support::outcome_name(&r[0]),
        "applied",
        "the mark is taken"
    );
    assert_eq!(
        pulled(&s, &teacher.token).await,
        start,
        "a mark leaves the reference_version as it was"
    );

    // Enrolment by the administrator: +1; the same request by a teacher is refused and counts nothing.
    let enrol = json!({"last_name": "Октябрьская", "first_name": "Вера",
        "group_id": s.snapshot.groups[0].id, "from": today()});
    let st = status_of(
        s.post("/admin/students")
            .bearer_auth(&teacher.token)
            .json(&enrol),
    )
    .await;
    assert_eq!(st, 403, "a teacher does not enrol");
    assert_eq!(
        pulled(&s, &teacher.token).await,
        start,
        "a refusal counts nothing"
    );
    let st = status_of(
        s.post("/admin/students")
            .bearer_auth(&admin.token)
            .json(&enrol),
    )
    .await;
    assert_eq!(st, 201, "the administrator enrols");
    assert_eq!(
        pulled(&s, &teacher.token).await,
        start + 1,
        "an enrolment adds one"
    );
    assert_eq!(
        snapshot_version(&s, &teacher.token).await,
        start + 1,
        "the snapshot made after it names the new version"
    );

    // A load's new teacher.
    let st = status_of(
        s.post(&format!("/admin/loads/{}/teacher", lesson.load_id))
            .bearer_auth(&admin.token)
            .json(&json!({"teacher_id": s.user("teacher2")})),
    )
    .await;
    assert_eq!(st, 204, "the load goes to teacher2");
    assert_eq!(
        pulled(&s, &teacher.token).await,
        start + 2,
        "a reassignment adds one"
    );

    // The year, set again as it is.
    let year: Value = s
        .get("/admin/year")
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("the year is read")
        .json()
        .await
        .expect("a JSON year");
    let body = json!({
        "name": year["name"], "starts_on": year["starts_on"], "ends_on": year["ends_on"],
        "periods": year["periods"].as_array().into_iter().flatten().map(|p| json!({
            "id": p["id"], "name": p["name"], "starts_on": p["starts_on"], "ends_on": p["ends_on"],
        })).collect::<Vec<_>>(),
        "holidays": year["holidays"],
    });
    let st = status_of(
        s.client
            .put(s.url("/admin/year"))
            .header(
                journal_server::dto::PROTOCOL_HEADER,
                journal_protocol::PROTOCOL_VERSION.to_string(),
            )
            .bearer_auth(&admin.token)
            .json(&body),
    )
    .await;
    assert_eq!(st, 200, "the year is set");
    assert_eq!(
        pulled(&s, &teacher.token).await,
        start + 3,
        "setting the year adds one"
    );

    // A user's deactivation.
    let st = status_of(
        s.post(&format!("/admin/users/{}/deactivate", s.user("teacher3")))
            .bearer_auth(&admin.token),
    )
    .await;
    assert_eq!(st, 204, "teacher3 is deactivated");
    assert_eq!(
        pulled(&s, &teacher.token).await,
        start + 4,
        "a deactivation adds one"
    );

    // The command line's import (`journal-server import`), through the same code.
    let group = s.snapshot.groups[0].name.clone();
    let csv = format!("Фамилия;Имя;Группа\nНоябрьский;Олег;{group}\n");
    journal_server::admin::import(
        s.storage.as_ref(),
        inst,
        "students",
        "students.csv",
        csv.as_bytes(),
        today().and_hms_opt(12, 0, 0).unwrap_or_default(),
    )
    .await
    .expect("the command line's import applies");
    assert_eq!(
        pulled(&s, &teacher.token).await,
        start + 5,
        "an import adds one"
    );
    assert_eq!(
        s.storage
            .reference_version(inst)
            .await
            .expect("the version is read"),
        start + 5,
        "the storage and the pull agree"
    );
}

/// A role dated to start tomorrow: nobody writes at midnight, yet the next day the teacher's pull
/// names another version, so their device fetches its copy again; users without dated roles see
/// nothing move.
async fn a_dated_role_starting_moves_the_users_version_on_its_day(b: Backend) {
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;
    let offset = Arc::new(AtomicI64::new(0));
    let days = offset.clone();
    let config = journal_server::ServerConfig {
        clock: Arc::new(move || {
            (today() + chrono::Duration::days(days.load(Ordering::SeqCst)))
                .and_hms_opt(15, 0, 0)
                .unwrap_or_default()
        }),
        ..crate::support::test_config()
    };
    let s = TestServer::start_with(b, config).await;
    let admin = s.device("admin").await;
    let teacher = s.device("teacher").await;
    let deputy = s.device("deputy").await;
    let teacher_id = s
        .snapshot
        .users
        .iter()
        .find(|u| u.login == "teacher")
        .map(|u| u.id)
        .expect("the demo has a teacher");
    let mut grants: Vec<Value> = s
        .snapshot
        .users
        .iter()
        .find(|u| u.id == teacher_id)
        .map(|u| {
            u.grants
                .iter()
                .map(|g| serde_json::to_value(g).unwrap_or(Value::Null))
                .collect()
        })
        .unwrap_or_default();
    let tomorrow = today() + chrono::Duration::days(1);
    grants.push(json!({"role": "social_pedagogue", "from": tomorrow}));
    let st = status_of(
        s.client
            .put(s.url(&format!("/admin/users/{teacher_id}/grants")))
            .header(
                journal_server::dto::PROTOCOL_HEADER,
                journal_protocol::PROTOCOL_VERSION.to_string(),
            )
            .bearer_auth(&admin.token)
            .json(&json!({ "grants": grants })),
    )
    .await;
    assert_eq!(st, 200, "the administrator adds a role from tomorrow");

    let teacher_today = pulled(&s, &teacher.token).await;
    let deputy_today = pulled(&s, &deputy.token).await;
    assert_eq!(
        snapshot_version(&s, &teacher.token).await,
        teacher_today,
        "today the snapshot and the pull agree"
    );
    assert_eq!(
        teacher_today, deputy_today,
        "a role not yet in force moves nothing yet"
    );

    offset.store(1, Ordering::SeqCst);
    let teacher_tomorrow = pulled(&s, &teacher.token).await;
    assert_ne!(
        teacher_tomorrow, teacher_today,
        "the day the role starts, the teacher's device is told to fetch its copy again"
    );
    assert_eq!(
        snapshot_version(&s, &teacher.token).await,
        teacher_tomorrow,
        "the snapshot fetched then names the version the pull names, so it is fetched once"
    );
    assert_eq!(
        pulled(&s, &deputy.token).await,
        deputy_today,
        "a user without dated roles sees nothing move"
    );
}

conformance!(
    every_reference_change_adds_one_and_nothing_else_does,
    openapi_shows_the_reference_version,
    a_dated_role_starting_moves_the_users_version_on_its_day
);

/// The OpenAPI document shows the version on the pull page and on the snapshot reply.
async fn openapi_shows_the_reference_version(b: Backend) {
    let s = TestServer::start(b).await;
    let doc: Value = s
        .client
        .get(s.url("/openapi.json"))
        .send()
        .await
        .expect("openapi.json reaches the server")
        .json()
        .await
        .expect("the document is JSON");
    for schema in ["PullPage", "SnapshotResponse"] {
        let field = &doc["components"]["schemas"][schema]["properties"]["reference_version"];
        assert!(
            field["type"] == "integer",
            "{schema} documents reference_version as an integer: {field}"
        );
    }
}
