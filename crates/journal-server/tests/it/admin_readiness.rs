//! «Базовые данные готовы» over `GET /api/v1/admin/readiness`: an institution just made by init has
//! nothing ready (its default year has no bells yet); the demo has everything; a group added
//! without a curator or students is named in the items' details; a teacher may not ask.

use serde_json::{json, Value};

use crate::admin_audit::other_institution;
use crate::support::{Backend, TestServer};

const KEYS: [&str; 9] = [
    "year_periods",
    "groups",
    "students",
    "teachers",
    "loads",
    "timetable",
    "plans",
    "curators",
    "curriculum",
];

async fn readiness(s: &TestServer, token: &str) -> (u16, Value) {
    let resp = s
        .get("/admin/readiness")
        .bearer_auth(token)
        .send()
        .await
        .expect("the readiness request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("a JSON answer"))
}

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

fn by_key(v: &Value, key: &str) -> Value {
    items(v)
        .into_iter()
        .find(|i| i["key"] == json!(key))
        .unwrap_or_else(|| panic!("the item {key} is in the list: {v}"))
}

async fn readiness_of_an_empty_institution_and_of_the_demo(b: Backend) {
    let s = TestServer::start(b).await;
    let empty = other_institution(&s, "ГБПОУ «Новый колледж»", "admin-new").await;
    let (status, body) = readiness(&s, &empty).await;
    assert_eq!(status, 200, "the administrator reads the checklist: {body}");
    let keys: Vec<String> = items(&body)
        .iter()
        .filter_map(|i| i["key"].as_str().map(str::to_string))
        .collect();
    assert_eq!(keys, KEYS, "every item of the checklist, in order");
    for i in items(&body) {
        assert_eq!(
            i["done"],
            json!(false),
            "nothing is ready in a new institution: {i}"
        );
        assert!(
            i["label"].as_str().is_some_and(|l| !l.is_empty())
                && i["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "each item has a label and says what is missing: {i}"
        );
    }
    assert!(
        by_key(&body, "year_periods")["detail"]
            .as_str()
            .is_some_and(|d| d.contains("звонков")),
        "init set the year and periods but no bells: {body}"
    );
    assert_eq!(
        by_key(&body, "groups")["detail"],
        json!("Нет ни одной группы"),
        "the detail says what is missing"
    );

    let admin = s.device("admin").await;
    let (status, demo) = readiness(&s, &admin.token).await;
    assert_eq!(status, 200, "the demo administrator reads the checklist");
    for i in items(&demo) {
        assert_eq!(i["done"], json!(true), "the demo has everything: {i}");
    }

    // A new group with neither students nor a curator is named where it is missing.
    let resp = s
        .post("/admin/groups")
        .bearer_auth(&admin.token)
        .json(&json!({"name": "ИС-41", "course": 4}))
        .send()
        .await
        .expect("the request reaches the server");
    assert!(resp.status().is_success(), "the group is created");
    let (_, after) = readiness(&s, &admin.token).await;
    for key in ["students", "curators", "loads"] {
        let i = by_key(&after, key);
        assert_eq!(
            i["done"],
            json!(false),
            "{key} is not ready with ИС-41: {i}"
        );
        assert!(
            i["detail"].as_str().is_some_and(|d| d.contains("ИС-41")),
            "{key} names the group: {i}"
        );
    }
    assert_eq!(
        by_key(&after, "curators")["detail"],
        json!("Нет куратора: ИС-41"),
        "the curator item lists the groups without one"
    );

    let teacher = s.device("teacher").await;
    let (status, _) = readiness(&s, &teacher.token).await;
    assert_eq!(status, 403, "a teacher does not read the checklist");
}

conformance!(readiness_of_an_empty_institution_and_of_the_demo);
