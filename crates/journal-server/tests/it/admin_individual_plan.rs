//! `GET|PUT /api/v1/admin/students/{id}/plan`: a student's individual plan (ИУП) as the loads and
//! hours they study. The deputy and the administrator keep it (journal-core's
//! `KeepIndividualPlans`), a teacher does not; a load of another group or an unknown one is 400
//! `invalid_individual_plan` and changes nothing; a kept plan marks the student's membership ИУП,
//! is audited, raises the reference_version and reaches the teacher's snapshot; an empty plan
//! removes it.

use serde_json::{json, Value};

use crate::support::{Backend, TestServer};

async fn json_of(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn put(s: &TestServer, path: &str, token: &str, body: &Value) -> reqwest::RequestBuilder {
    s.client
        .put(s.url(path))
        .header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .bearer_auth(token)
        .json(body)
}

async fn an_individual_plan_is_kept_by_the_deputy_and_reaches_devices(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let deputy = s.device("deputy").await;
    let teacher = s.device("teacher").await;
    let snap = &s.snapshot;
    // A student of a group that is not on an ИУП yet.
    let m = snap
        .memberships
        .iter()
        .find(|m| !m.individual_plan && m.to.is_none())
        .expect("a current member of a group");
    let path = format!("/admin/students/{}/plan", m.student_id.0);
    let own: Vec<&journal_protocol::Load> = snap
        .loads
        .iter()
        .filter(|l| l.group_id == m.group_id)
        .collect();
    let other = snap
        .loads
        .iter()
        .find(|l| l.group_id != m.group_id)
        .expect("a load of another group");

    let (st, view) = json_of(s.get(&path).bearer_auth(&deputy.token)).await;
    assert_eq!(st, 200, "the deputy reads the plan: {view}");
    assert_eq!(view["individual"], false, "no plan yet: {view}");
    assert_eq!(
        view["loads"].as_array().map(Vec::len),
        Some(own.len()),
        "the choices are the group's loads: {view}"
    );
    let (st, _) = json_of(s.get(&path).bearer_auth(&teacher.token)).await;
    assert_eq!(st, 403, "a teacher does not read it here");

    let plan = json!({"loads": [{"load_id": own[0].id.0, "hours": 20}]});
    let (st, body) = json_of(put(&s, &path, &teacher.token, &plan)).await;
    assert_eq!(st, 403, "a teacher does not keep plans: {body}");
    let before = s.pull(&teacher.token, 0, 1).await.reference_version;
    for bad in [
        json!({"loads": [{"load_id": other.id.0, "hours": 20}]}),
        json!({"loads": [{"load_id": uuid::Uuid::now_v7(), "hours": 20}]}),
        json!({"loads": [{"load_id": own[0].id.0, "hours": 0}]}),
        json!({"loads": [{"load_id": own[0].id.0, "hours": 5}, {"load_id": own[0].id.0, "hours": 5}]}),
    ] {
        let (st, body) = json_of(put(&s, &path, &deputy.token, &bad)).await;
        assert_eq!(
            (st, body["code"].clone()),
            (400, json!("invalid_individual_plan")),
            "{bad} is refused: {body}"
        );
    }
    let (st, body) = json_of(put(
        &s,
        &format!("/admin/students/{}/plan", uuid::Uuid::now_v7()),
        &deputy.token,
        &plan,
    ))
    .await;
    assert_eq!(st, 404, "an unknown student is 404: {body}");
    assert_eq!(
        s.pull(&teacher.token, 0, 1).await.reference_version,
        before,
        "refusals change nothing"
    );

    let (st, view) = json_of(put(&s, &path, &deputy.token, &plan)).await;
    assert_eq!(st, 200, "the deputy keeps the plan: {view}");
    assert_eq!(view["individual"], true, "{view}");
    let chosen: Vec<&Value> = view["loads"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["in_plan"] == true)
        .collect();
    assert_eq!(chosen.len(), 1, "one load in the plan: {view}");
    assert_eq!(chosen[0]["hours"], 20, "with the student's hours");
    assert_eq!(
        s.pull(&teacher.token, 0, 1).await.reference_version,
        before + 1,
        "the plan raised the reference_version"
    );
    let (kept, _) = s
        .storage
        .snapshot(snap.institution.id)
        .await
        .expect("the snapshot reads");
    assert!(
        kept.memberships
            .iter()
            .filter(|x| x.student_id == m.student_id && x.to.is_none())
            .all(|x| x.individual_plan),
        "the student's current membership is marked ИУП"
    );
    assert!(
        !kept.studies_load(m.student_id, own.get(1).copied().unwrap_or(other)),
        "a load outside the plan is not the student's"
    );
    assert!(
        kept.studies_load(m.student_id, own[0]),
        "the plan's load is"
    );
    let (_, snapshot) = json_of(s.get("/sync/snapshot").bearer_auth(&admin.token)).await;
    assert_eq!(
        snapshot["snapshot"]["individual_plans"][0]["student_id"],
        json!(m.student_id.0),
        "the snapshot carries the plan"
    );
    let entries = s
        .storage
        .audit_entries(snap.institution.id, "individual_plan_changed", 10)
        .await
        .expect("the audit is read");
    assert_eq!(entries.len(), 1, "one audit entry for one change");

    let (st, view) = json_of(put(&s, &path, &admin.token, &json!({"loads": []}))).await;
    assert_eq!(st, 200, "the administrator removes the plan: {view}");
    assert_eq!(view["individual"], false, "no plan any more: {view}");
    let (kept, _) = s
        .storage
        .snapshot(snap.institution.id)
        .await
        .expect("the snapshot reads");
    assert!(
        kept.individual_plans.is_empty()
            && kept
                .memberships
                .iter()
                .filter(|x| x.student_id == m.student_id && x.to.is_none())
                .all(|x| !x.individual_plan),
        "the plan and the ИУП mark are gone"
    );
}

conformance!(an_individual_plan_is_kept_by_the_deputy_and_reaches_devices);
