//! The next academic year's plan over `/api/v1/admin/year/rollover/plan`: the administrator sees
//! what the rollover would do (groups promoted with their new names, loads carried) and nothing
//! changes; the teacher is refused; the same year, an unknown load and unlocked periods are refused
//! with their codes.

use chrono::Months;
use serde_json::{json, Value};

use crate::support::{Backend, TestServer};

async fn plan(s: &TestServer, token: &str, body: &Value) -> (u16, Value) {
    let resp = s
        .client
        .post(s.url("/admin/year/rollover/plan"))
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

async fn rollover_plan_changes_nothing(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let teacher = s.device("teacher").await;
    let year = &s.snapshot.year;
    let later = |d: chrono::NaiveDate| d.checked_add_months(Months::new(12)).unwrap_or(d);
    let load = s.snapshot.loads[0].id;
    let body = json!({
        "name": "2099/2100",
        "starts_on": later(year.starts_on),
        "ends_on": later(year.ends_on),
        "carry_loads": [load],
        "copy_plans": true,
        "force_unlocked": true,
    });
    let audit_before = s
        .storage
        .audit_verify()
        .await
        .expect("the audit is read")
        .entries_checked;
    let (_, version_before) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("the snapshot is read");

    let (status, refusal) = plan(&s, &teacher.token, &body).await;
    assert_eq!(status, 403, "a teacher does not open the year: {refusal}");

    let (status, answer) = plan(&s, &admin.token, &body).await;
    assert_eq!(status, 200, "the administrator gets the plan: {answer}");
    assert_eq!(answer["closing_year"], json!(year.name));
    assert_eq!(answer["new_year"], "2099/2100");
    let groups = answer["groups"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        groups.len(),
        s.snapshot.groups.len(),
        "every group has its step: {answer}"
    );
    for (g, p) in s.snapshot.groups.iter().zip(&groups) {
        assert_eq!(p["group_id"], json!(g.id), "groups in order: {answer}");
        let promoted = p["step"] == "promote";
        let graduated = p["step"] == "graduate";
        assert!(
            promoted || graduated,
            "by default promoted or graduated: {p}"
        );
        if promoted {
            assert_eq!(p["new_course"], json!(g.course + 1), "course + 1: {p}");
        }
    }
    assert_eq!(
        answer["loads"][0]["old_load_id"],
        json!(load),
        "the asked load is carried: {answer}"
    );
    assert_eq!(
        answer["periods"].as_array().map(Vec::len),
        Some(s.snapshot.periods.len()),
        "the periods shifted by a year by default: {answer}"
    );

    let (snap, version_after) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("the snapshot is read");
    assert_eq!(snap.year, s.snapshot.year, "the plan changes no year");
    assert_eq!(snap.groups, s.snapshot.groups, "nor any group");
    assert_eq!(version_after, version_before, "nor the version");
    let audit_after = s
        .storage
        .audit_verify()
        .await
        .expect("the audit is read")
        .entries_checked;
    assert_eq!(
        audit_after, audit_before,
        "a plan is not audited: nothing changed"
    );

    let mut same = body.clone();
    same["name"] = json!(year.name);
    let (status, refusal) = plan(&s, &admin.token, &same).await;
    assert_eq!(
        (status, refusal["code"].as_str()),
        (409, Some("year_same")),
        "the same year is refused: {refusal}"
    );
    let mut unknown = body.clone();
    unknown["carry_loads"] = json!([uuid::Uuid::new_v4()]);
    let (status, refusal) = plan(&s, &admin.token, &unknown).await;
    assert_eq!(
        (status, refusal["code"].as_str()),
        (400, Some("unknown_load")),
        "an unknown load is refused: {refusal}"
    );
    let mut unforced = body.clone();
    unforced["force_unlocked"] = json!(false);
    let (status, answer) = plan(&s, &admin.token, &unforced).await;
    let req: journal_protocol::rollover::RolloverRequest =
        serde_json::from_value(unforced).expect("the body is a request");
    let unlocked = journal_protocol::rollover::roll_over(&s.snapshot, &req)
        .err()
        .map(|e| e.code());
    if let Some(code) = unlocked {
        assert_eq!(
            (status, answer["code"].as_str()),
            (409, Some(code)),
            "lessons in periods not locked refuse the plan unless forced: {answer}"
        );
    } else {
        assert_eq!(status, 200, "nothing unlocked, nothing to force: {answer}");
    }
}

conformance!(rollover_plan_changes_nothing);
