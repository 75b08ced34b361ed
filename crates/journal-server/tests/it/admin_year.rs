//! The academic year over `/api/v1/admin/year`: the deputy reads it, only the administrator sets
//! it; every bad year (dates out of order, periods outside the year, overlapping, too many for the
//! policy's kind, a closed period removed, a period moved off its entries, an unknown period) is a
//! 400 with its code and a Russian message and changes nothing; a good one is stored, audited and
//! is what a device's snapshot then holds.

use chrono::Duration;
use serde_json::{json, Value};

use crate::support::{today, Backend, TestServer};

async fn year(s: &TestServer, token: &str) -> (u16, Value) {
    let resp = s
        .get("/admin/year")
        .bearer_auth(token)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("a JSON answer"))
}

async fn put_year(s: &TestServer, token: &str, body: &Value) -> (u16, Value) {
    let resp = s
        .client
        .put(s.url("/admin/year"))
        .header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("a JSON answer"))
}

/// The year as `GET` shows it, turned into the body `PUT` takes.
fn as_input(setup: &Value) -> Value {
    json!({
        "name": setup["name"],
        "starts_on": setup["starts_on"],
        "ends_on": setup["ends_on"],
        "periods": setup["periods"].as_array().into_iter().flatten().map(|p| json!({
            "id": p["id"], "name": p["name"], "starts_on": p["starts_on"], "ends_on": p["ends_on"],
        })).collect::<Vec<_>>(),
        "holidays": setup["holidays"],
    })
}

fn day(v: &Value) -> chrono::NaiveDate {
    v.as_str()
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| panic!("a date: {v}"))
}

async fn year_is_checked_and_set_by_the_administrator(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let deputy = s.device("deputy").await;
    let teacher = s.device("teacher").await;

    let (status, _) = year(&s, &teacher.token).await;
    assert_eq!(status, 403, "a teacher does not read the year setup");
    let (status, before) = year(&s, &deputy.token).await;
    assert_eq!(status, 200, "the deputy reads the year: {before}");
    assert_eq!(
        before["period_kind"], "semester",
        "the policy's kind: {before}"
    );
    assert_eq!(
        before["periods"].as_array().map(Vec::len),
        Some(2),
        "two semesters: {before}"
    );
    let (status, body) = put_year(&s, &deputy.token, &as_input(&before)).await;
    assert_eq!(status, 403, "the deputy does not set the year: {body}");
    assert_eq!(body["code"], "forbidden", "the refusal has its code");

    let good = as_input(&before);
    let year_start = day(&before["starts_on"]);
    let year_end = day(&before["ends_on"]);
    let second_start = day(&before["periods"][1]["starts_on"]);
    let mut bad_cases: Vec<(Value, &str)> = Vec::new();
    let mut v = good.clone();
    v["ends_on"] = json!(year_start.to_string());
    bad_cases.push((v, "invalid_year_dates"));
    let mut v = good.clone();
    v["periods"]
        .as_array_mut()
        .expect("periods")
        .push(json!({"starts_on": year_end.to_string(), "ends_on": year_end.to_string()}));
    bad_cases.push((v, "period_count"));
    let mut v = good.clone();
    v["periods"][1]["ends_on"] = json!((year_end + Duration::days(10)).to_string());
    bad_cases.push((v, "period_outside_year"));
    let mut v = good.clone();
    v["periods"][1]["starts_on"] = before["periods"][0]["ends_on"].clone();
    bad_cases.push((v, "periods_overlap"));
    let mut v = good.clone();
    v["holidays"] = json!([{"name": "Летние каникулы", "starts_on": year_end.to_string(),
        "ends_on": (year_end + Duration::days(60)).to_string()}]);
    bad_cases.push((v, "holiday_outside_year"));
    // The first semester is closed in the demo history: it cannot be replaced by a new period …
    let mut v = good.clone();
    v["periods"][0]["id"] = Value::Null;
    bad_cases.push((v, "period_in_use"));
    // … nor its dates changed.
    let mut v = good.clone();
    v["periods"][0]["starts_on"] = json!((year_start + Duration::days(1)).to_string());
    bad_cases.push((v, "period_in_use"));
    // The second semester has entries up to today: it may not start after them.
    let mut v = good.clone();
    v["periods"][1]["starts_on"] = json!((today() + Duration::days(1)).to_string());
    bad_cases.push((v, "entries_outside_period"));
    let mut v = good.clone();
    v["periods"][1]["id"] = json!(uuid::Uuid::new_v4());
    bad_cases.push((v, "unknown_period"));
    for (body, code) in &bad_cases {
        let (status, answer) = put_year(&s, &admin.token, body).await;
        assert_eq!(status, 400, "a bad year is a 400 ({code}): {answer}");
        assert_eq!(answer["code"], *code, "the code names the fault: {answer}");
        assert!(
            answer["message"]
                .as_str()
                .is_some_and(|m| m.chars().any(|c| ('а'..='я').contains(&c))),
            "the message is in Russian: {answer}"
        );
    }
    let (_, unchanged) = year(&s, &admin.token).await;
    assert_eq!(unchanged, before, "refused years change nothing");
    let audit_before = s
        .storage
        .audit_verify()
        .await
        .expect("the audit is read")
        .entries_checked;

    // A good change: the year renamed, the second semester ends a week earlier (after its last
    // entries), spring holidays added.
    let mut v = good.clone();
    v["name"] = json!("2026/2027 учебный год");
    let second_end = day(&before["periods"][1]["ends_on"]) - Duration::days(7);
    v["periods"][1]["ends_on"] = json!(second_end.to_string());
    v["periods"][1]["name"] = json!("");
    v["holidays"] = json!([{"name": "Весенние каникулы",
        "starts_on": (second_start + Duration::days(60)).to_string(),
        "ends_on": (second_start + Duration::days(66)).to_string()}]);
    let (status, after) = put_year(&s, &admin.token, &v).await;
    assert_eq!(status, 200, "the administrator sets the year: {after}");
    assert_eq!(
        after["name"], "2026/2027 учебный год",
        "the new name: {after}"
    );
    assert_eq!(
        after["periods"][1]["name"], "2 семестр",
        "an unnamed period is named by the policy's kind: {after}"
    );
    assert_eq!(
        after["periods"][1]["id"], before["periods"][1]["id"],
        "a period keeps its id: {after}"
    );
    let (_, read_back) = year(&s, &deputy.token).await;
    // The answer also warns of the lessons on the new spring holiday (they stay scheduled).
    assert!(
        after["warnings"].as_array().is_some_and(|w| !w.is_empty()),
        "lessons on the new holiday are named: {after}"
    );
    let mut answered = after.clone();
    answered["warnings"] = json!([]);
    assert_eq!(read_back, answered, "the stored year is the one answered");

    let (snap, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("the snapshot is read");
    assert_eq!(
        snap.year.name, "2026/2027 учебный год",
        "the year's name is stored"
    );
    assert_eq!(
        snap.periods[1].ends_on, second_end,
        "the period's new end is stored"
    );
    assert_eq!(snap.holidays.len(), 1, "the holidays are stored");
    assert_eq!(
        snap.cells.len(),
        s.snapshot.cells.len(),
        "the journal is untouched"
    );
    assert_eq!(
        snap.groups, s.snapshot.groups,
        "other reference data is untouched"
    );

    let resp = s
        .get("/sync/snapshot")
        .bearer_auth(&teacher.token)
        .send()
        .await
        .expect("the snapshot request reaches the server");
    let device: Value = resp.json().await.expect("a snapshot");
    assert_eq!(
        device["snapshot"]["periods"][1]["ends_on"],
        json!(second_end.to_string()),
        "a device's snapshot holds the new period"
    );

    let report = s.storage.audit_verify().await.expect("the audit is read");
    assert!(report.is_intact(), "the audit chain verifies: {report:?}");
    assert_eq!(
        report.entries_checked,
        audit_before + 1,
        "the change is one audit entry, the refusals none"
    );
    let entries = s
        .storage
        .audit_entries(s.snapshot.institution.id, "year_set", 5)
        .await
        .expect("the entries are read");
    assert_eq!(
        entries[0].author_id.as_deref(),
        Some(s.user("admin").to_string().as_str()),
        "the administrator is the author"
    );
}

conformance!(year_is_checked_and_set_by_the_administrator);
