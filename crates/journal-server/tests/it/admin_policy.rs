//! Contract 5: `GET|PUT /api/v1/admin/policy`. The administrator replaces the whole policy, read as
//! strictly as `init --policy` (an unknown field is 400 `invalid_policy` naming it); the deputy reads
//! it; a change that would alter a closed period is 409 `policy_change_closed_periods`; a change is
//! audited with the old and the new policy and reaches a device through its next pull (the
//! reference_version) and snapshot.

use serde_json::Value;

use crate::support::{Backend, TestServer};

async fn json_of(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn policy_is_read_by_the_deputy_and_changed_by_the_administrator(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let deputy = s.device("deputy").await;
    let teacher = s.device("teacher").await;

    let (st, policy) = json_of(s.get("/admin/policy").bearer_auth(&admin.token)).await;
    assert_eq!(st, 200, "the administrator reads the policy");
    assert_eq!(
        policy,
        serde_json::to_value(&s.snapshot.institution.policy).unwrap_or_default(),
        "GET answers the institution's policy as JSON"
    );
    let (st, _) = json_of(s.get("/admin/policy").bearer_auth(&deputy.token)).await;
    assert_eq!(st, 200, "the deputy reads the policy");
    let (st, _) = json_of(s.get("/admin/policy").bearer_auth(&teacher.token)).await;
    assert_eq!(st, 403, "a teacher does not read the admin policy");

    let before = s.pull(&teacher.token, 0, 1).await.reference_version;
    let mut next = policy.clone();
    next["deputy_may_edit"] = Value::Bool(!policy["deputy_may_edit"].as_bool().unwrap_or(false));
    next["diary_shows_homework"] = Value::Bool(true);

    let (st, body) = json_of(
        s.client
            .put(s.url("/admin/policy"))
            .header(
                journal_server::dto::PROTOCOL_HEADER,
                journal_protocol::PROTOCOL_VERSION.to_string(),
            )
            .bearer_auth(&deputy.token)
            .json(&next),
    )
    .await;
    assert_eq!(st, 403, "the deputy does not change the policy: {body}");

    // A misspelt field: refused by name, nothing changed.
    let mut misspelt = next.clone();
    misspelt["deputy_may_edti"] = Value::Bool(true);
    let (st, body) = json_of(put(&s, &admin.token, &misspelt)).await;
    assert_eq!(st, 400, "a misspelt field is refused");
    assert_eq!(
        body["code"], "invalid_policy",
        "the contract's code: {body}"
    );
    assert_eq!(
        body["field"], "deputy_may_edti",
        "the field is named: {body}"
    );
    // A bad value: refused with the field.
    let mut bad = next.clone();
    bad["late_entry"] = Value::String("sometimes".into());
    let (st, body) = json_of(put(&s, &admin.token, &bad)).await;
    assert_eq!(
        (st, body["field"].clone()),
        (400, Value::from("late_entry")),
        "a bad value names its field: {body}"
    );
    // A change to closed periods: the demo's first semester is locked with finals.
    assert!(!s.snapshot.locks.is_empty(), "the demo has a closed period");
    let mut redivide = next.clone();
    redivide["period_kind"] = Value::String("quarter".into());
    let (st, body) = json_of(put(&s, &admin.token, &redivide)).await;
    assert_eq!(st, 409, "a closed period keeps its division: {body}");
    assert_eq!(
        body["code"], "policy_change_closed_periods",
        "the contract's code"
    );
    let mut rounding = next.clone();
    rounding["final_rounding"] = Value::String("from_six_tenths".into());
    let (st, body) = json_of(put(&s, &admin.token, &rounding)).await;
    assert_eq!(
        (st, body["field"].clone()),
        (409, Value::from("final_rounding")),
        "the finals of a closed period were suggested by its rounding: {body}"
    );
    assert_eq!(
        s.pull(&teacher.token, 0, 1).await.reference_version,
        before,
        "refusals change nothing"
    );

    let (st, body) = json_of(put(&s, &admin.token, &next)).await;
    assert_eq!(st, 200, "a valid change is taken: {body}");
    assert_eq!(body, next, "the answer is the new policy");
    let (_, read) = json_of(s.get("/admin/policy").bearer_auth(&deputy.token)).await;
    assert_eq!(read, next, "GET answers the new policy");

    // A device learns it at its next pull: the version moved, and the snapshot carries the policy.
    let after = s.pull(&teacher.token, 0, 1).await.reference_version;
    assert_eq!(
        after,
        before + 1,
        "the change raised the reference_version once"
    );
    let (_, snap) = json_of(s.get("/sync/snapshot").bearer_auth(&teacher.token)).await;
    assert_eq!(
        snap["snapshot"]["institution"]["policy"]["diary_shows_homework"], true,
        "the teacher's snapshot carries the new policy"
    );

    // Audited with the old and the new policy.
    let inst = s.snapshot.institution.id;
    let entries = s
        .storage
        .audit_entries(inst, "policy_changed", 10)
        .await
        .expect("the audit is read");
    assert_eq!(entries.len(), 1, "one audit entry for one change");
    let detail: Value = serde_json::from_str(&entries[0].detail).unwrap_or_default();
    assert_eq!(detail["old"], policy, "the audit keeps the old policy");
    assert_eq!(detail["new"], next, "and the new one");

    // The same policy again changes nothing.
    let (st, _) = json_of(put(&s, &admin.token, &next)).await;
    assert_eq!(st, 200, "the same policy is answered");
    assert_eq!(
        s.pull(&teacher.token, 0, 1).await.reference_version,
        after,
        "an unchanged policy does not raise the version"
    );
}

fn put(s: &TestServer, token: &str, body: &Value) -> reqwest::RequestBuilder {
    s.client
        .put(s.url("/admin/policy"))
        .header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .bearer_auth(token)
        .json(body)
}

conformance!(policy_is_read_by_the_deputy_and_changed_by_the_administrator);
