//! `GET|PUT /api/v1/admin/curriculum`: the учебный план per group, subject and period. The
//! administrator replaces it whole; a line with an unknown group, subject or period is 400
//! `invalid_curriculum` naming the line's field and changes nothing; the deputy reads it; the
//! answer lists where the plan and the loads disagree; a change is audited, raises the
//! reference_version and reaches a teacher's snapshot.

use serde_json::{json, Value};

use crate::support::{Backend, TestServer};

async fn json_of(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn put(s: &TestServer, token: &str, body: &Value) -> reqwest::RequestBuilder {
    s.client
        .put(s.url("/admin/curriculum"))
        .header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .bearer_auth(token)
        .json(body)
}

fn differences_of<'a>(view: &'a Value, kind: &str) -> Vec<&'a Value> {
    view["differences"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["kind"] == kind)
        .collect()
}

async fn curriculum_is_kept_checked_and_compared_with_loads(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let deputy = s.device("deputy").await;
    let teacher = s.device("teacher").await;
    let snap = &s.snapshot;

    let (st, empty) = json_of(s.get("/admin/curriculum").bearer_auth(&deputy.token)).await;
    assert_eq!(st, 200, "the deputy reads the plan: {empty}");
    assert_eq!(empty["lines"], json!([]), "the demo keeps no plan yet");
    assert!(
        !differences_of(&empty, "not_in_plan").is_empty(),
        "with no plan every load is listed as not in the plan: {empty}"
    );
    let (st, _) = json_of(s.get("/admin/curriculum").bearer_auth(&teacher.token)).await;
    assert_eq!(st, 403, "a teacher does not read the admin plan");

    let load = snap
        .loads
        .iter()
        .find(|l| l.subgroup_id.is_none())
        .expect("the demo has a load of a whole group");
    let group = snap
        .groups
        .iter()
        .find(|g| g.id == load.group_id)
        .expect("the load's group");
    let unplanned = snap
        .subjects
        .iter()
        .find(|sub| {
            !snap
                .loads
                .iter()
                .any(|l| l.group_id == group.id && l.subject_id == sub.id)
        })
        .expect("a subject the group has no load of");
    let (p1, p2) = (&snap.periods[0], &snap.periods[1]);
    let same_subject_loads: u32 = snap
        .loads
        .iter()
        .filter(|l| l.group_id == group.id && l.subject_id == load.subject_id)
        .map(|l| l.planned_hours)
        .max()
        .unwrap_or(0);
    let first = same_subject_loads / 2;
    let plan = json!({"lines": [
        {"group_id": group.id.0, "subject_id": load.subject_id.0, "period_id": p1.id.0,
         "hours": first},
        {"group_id": group.id.0, "subject_id": load.subject_id.0, "period_id": p2.id.0,
         "hours": same_subject_loads - first, "attestation": "Экзамен"},
        {"group_id": group.id.0, "subject_id": unplanned.id.0, "period_id": p2.id.0,
         "hours": 36, "attestation": "graded_credit"},
    ]});
    let before = s.pull(&teacher.token, 0, 1).await.reference_version;

    let (st, body) = json_of(put(&s, &deputy.token, &plan)).await;
    assert_eq!(st, 403, "the deputy does not change the plan: {body}");
    let mut unknown = plan.clone();
    unknown["lines"][1]["subject_id"] = json!(uuid::Uuid::now_v7());
    let (st, body) = json_of(put(&s, &admin.token, &unknown)).await;
    assert_eq!(
        (st, body["code"].clone(), body["field"].clone()),
        (
            400,
            json!("invalid_curriculum"),
            json!("lines[1].subject_id")
        ),
        "an unknown subject is refused by its line and field: {body}"
    );
    assert!(
        body["message"].as_str().unwrap_or("").contains("Строка 2"),
        "the message names the line in Russian: {body}"
    );
    for (field, value) in [
        ("group_id", json!(uuid::Uuid::now_v7())),
        ("period_id", json!(uuid::Uuid::now_v7())),
        ("attestation", json!("реферат")),
        ("hours", json!(100_000)),
    ] {
        let mut bad = plan.clone();
        bad["lines"][0][field] = value;
        let (st, body) = json_of(put(&s, &admin.token, &bad)).await;
        assert_eq!(
            (st, body["field"].clone()),
            (400, json!(format!("lines[0].{field}"))),
            "a bad {field} is refused by name: {body}"
        );
    }
    let mut twice = plan.clone();
    let dup = twice["lines"][0].clone();
    if let Some(l) = twice["lines"].as_array_mut() {
        l.push(dup);
    }
    let (st, body) = json_of(put(&s, &admin.token, &twice)).await;
    assert_eq!(
        (st, body["field"].clone()),
        (400, json!("lines[3].subject_id")),
        "a line given twice is refused: {body}"
    );
    assert_eq!(
        s.pull(&teacher.token, 0, 1).await.reference_version,
        before,
        "refusals change nothing"
    );

    let (st, view) = json_of(put(&s, &admin.token, &plan)).await;
    assert_eq!(st, 200, "a valid plan is taken: {view}");
    assert_eq!(view["lines"].as_array().map(Vec::len), Some(3), "{view}");
    assert_eq!(
        view["lines"][1]["attestation"], "exam",
        "a Russian form name is kept as its word"
    );
    let no_load = differences_of(&view, "no_load");
    assert!(
        no_load.iter().any(|d| d["group_id"] == json!(group.id.0)
            && d["subject_id"] == json!(unplanned.id.0)
            && d["planned_hours"] == 36),
        "a planned subject with no load is listed: {view}"
    );
    assert!(
        !view["differences"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|d| d["group_id"] == json!(group.id.0)
                && d["subject_id"] == json!(load.subject_id.0)),
        "the load that matches the plan's hours is no difference: {view}"
    );
    let (_, readiness) = json_of(s.get("/admin/readiness").bearer_auth(&admin.token)).await;
    let item = readiness["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["key"] == "curriculum")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        item["done"], false,
        "a plan that differs from the loads is not ready: {item}"
    );
    assert!(
        item["detail"].as_str().unwrap_or("").contains(&group.name),
        "the readiness item names the group: {item}"
    );
    let (_, read) = json_of(s.get("/admin/curriculum").bearer_auth(&admin.token)).await;
    assert_eq!(read["lines"], view["lines"], "GET answers the kept plan");

    let after = s.pull(&teacher.token, 0, 1).await.reference_version;
    assert_eq!(
        after,
        before + 1,
        "the change raised the reference_version once"
    );
    let (_, snapshot) = json_of(s.get("/sync/snapshot").bearer_auth(&teacher.token)).await;
    assert_eq!(
        snapshot["snapshot"]["curriculum"].as_array().map(Vec::len),
        Some(3),
        "the teacher's snapshot carries the plan"
    );
    let entries = s
        .storage
        .audit_entries(snap.institution.id, "curriculum_changed", 10)
        .await
        .expect("the audit is read");
    assert_eq!(entries.len(), 1, "one audit entry for one change");
    let detail: Value = serde_json::from_str(&entries[0].detail).unwrap_or_default();
    assert_eq!(detail["old"], json!([]), "the audit keeps the old plan");
    assert_eq!(detail["new"], view["lines"], "and the new one");

    let (st, _) = json_of(put(&s, &admin.token, &plan)).await;
    assert_eq!(st, 200, "the same plan again is answered");
    assert_eq!(
        s.pull(&teacher.token, 0, 1).await.reference_version,
        after,
        "an unchanged plan does not raise the version"
    );
}

async fn a_plan_file_is_checked_by_row_and_replaces_its_groups_lines(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let teacher = s.device("teacher").await;
    let snap = &s.snapshot;
    let group = &snap.groups[0];
    let (math, p1, p2) = (&snap.subjects[0], &snap.periods[0], &snap.periods[1]);
    let post = |csv: String, dry_run: bool| {
        s.post(&format!(
            "/admin/curriculum/import?file=plan.csv&dry_run={dry_run}"
        ))
        .bearer_auth(&admin.token)
        .header("content-type", "text/csv")
        .body(csv)
    };
    let good = format!(
        "Группа;Дисциплина;Период;Часы;Форма аттестации\n{g};{m};{p1};34;\n{g};{m};2;38;Дифференцированный зачёт\n",
        g = group.name,
        m = math.name,
        p1 = p1.name
    );
    let before = s.pull(&teacher.token, 0, 1).await.reference_version;

    let (st, report) = json_of(post(good.clone(), true)).await;
    assert_eq!(st, 200, "a dry run answers: {report}");
    assert_eq!(report["applied"], false, "nothing applied on a dry run");
    assert_eq!(
        report["lines"].as_array().map(Vec::len),
        Some(2),
        "{report}"
    );
    let bad = good.replace(&format!("{};{};2;", group.name, math.name), "ЯЯ-99;x;2;");
    let (st, body) = json_of(post(bad, false)).await;
    assert_eq!(
        (st, body["field"].clone()),
        (400, json!("rows[3].Группа")),
        "an unknown group is refused with the file's row and column: {body}"
    );
    let (st, body) = json_of(post(good.replace(";34;", ";много;"), false)).await;
    assert_eq!(
        (st, body["field"].clone()),
        (400, json!("rows[2].Часы")),
        "hours that are not a number are refused by row: {body}"
    );
    assert_eq!(
        s.pull(&teacher.token, 0, 1).await.reference_version,
        before,
        "a dry run and refusals change nothing"
    );

    let (st, report) = json_of(post(good, false)).await;
    assert_eq!(st, 200, "the file is taken: {report}");
    assert_eq!(report["applied"], true);
    let (_, view) = json_of(s.get("/admin/curriculum").bearer_auth(&admin.token)).await;
    let lines: Vec<(Value, Value, Value)> = view["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            (
                l["period_id"].clone(),
                l["hours"].clone(),
                l["attestation"].clone(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            (json!(p1.id.0), json!(34), Value::Null),
            (json!(p2.id.0), json!(38), json!("graded_credit")),
        ],
        "the group's lines are the file's, a period found by its number too"
    );
    assert_eq!(
        s.pull(&teacher.token, 0, 1).await.reference_version,
        before + 1,
        "the import raised the reference_version once"
    );
}

conformance!(
    curriculum_is_kept_checked_and_compared_with_loads,
    a_plan_file_is_checked_by_row_and_replaces_its_groups_lines
);
