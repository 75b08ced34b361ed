//! The next academic year's plan over `/api/v1/admin/year/rollover/plan`: the administrator sees
//! what the rollover would do (groups promoted with their new names, loads carried) and nothing
//! changes; the teacher is refused; the same year, an unknown load and unlocked periods are refused
//! with their codes. `/api/v1/admin/year/rollover` closes the year: the closed year is kept in the
//! archive, read-only and printable, and the live institution is the new year.

use chrono::Months;
use serde_json::{json, Value};

use crate::support::{outcome_name, set_cell, today, Backend, TestServer};

async fn post(s: &TestServer, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let resp = s
        .post(path)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("a JSON answer"))
}

async fn plan(s: &TestServer, token: &str, body: &Value) -> (u16, Value) {
    post(s, token, "/admin/year/rollover/plan", body).await
}

async fn rollover(s: &TestServer, token: &str, body: &Value) -> (u16, Value) {
    post(s, token, "/admin/year/rollover", body).await
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

async fn rollover_keeps_the_closed_year_printable(b: Backend) {
    let s = TestServer::start(b).await;
    let inst = s.snapshot.institution.id;
    let admin = s.device("admin").await;
    let mut teacher = s.device("teacher").await;
    // A mark of the closing year, entered just before the rollover.
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let op = teacher.op(s.during(&lesson), set_cell(lesson.id, student, "5"));
    let results = s.push(&teacher, &[op]).await;
    assert_eq!(
        outcome_name(&results[0]),
        "applied",
        "the mark is taken: {results:?}"
    );
    let (closing, _) = s
        .storage
        .snapshot(inst)
        .await
        .expect("the snapshot is read");
    let year = closing.year.clone();
    let later = |d: chrono::NaiveDate| d.checked_add_months(Months::new(12)).unwrap_or(d);
    let promoted = closing
        .groups
        .iter()
        .find(|g| g.course < 4)
        .expect("the demo has a group below the last course");
    let load = closing
        .loads
        .iter()
        .find(|l| l.group_id == promoted.id)
        .expect("that group has a load");
    let body = json!({
        "name": "2099/2100",
        "starts_on": later(year.starts_on),
        "ends_on": later(year.ends_on),
        "carry_loads": [load.id],
        "copy_plans": true,
        "force_unlocked": true,
    });
    let (status, refusal) = rollover(&s, &teacher.token, &body).await;
    assert_eq!(status, 403, "a teacher does not open the year: {refusal}");

    let (status, plan) = rollover(&s, &admin.token, &body).await;
    assert_eq!(status, 200, "the administrator opens the next year: {plan}");
    assert_eq!(plan["closing_year"], json!(year.name));

    let (live, _) = s
        .storage
        .snapshot(inst)
        .await
        .expect("the snapshot is read");
    assert_eq!(live.year.name, "2099/2100", "the live year is the new one");
    assert!(
        live.lessons.is_empty() && live.cells.is_empty() && live.finals.is_empty(),
        "the closed year's journal left the live tables"
    );
    assert_eq!(
        live.loads.len(),
        1,
        "only the carried load is in the new year"
    );
    assert_eq!(live.loads[0].teacher_id, load.teacher_id);
    let group = live
        .groups
        .iter()
        .find(|g| g.id == promoted.id)
        .expect("the promoted group keeps its id");
    assert_eq!(group.course, promoted.course + 1, "promoted a course up");
    let report = s.storage.audit_verify().await.expect("the audit is read");
    assert!(report.is_intact(), "the audit chain verifies: {report:?}");
    let entries = s
        .storage
        .audit_entries(inst, "year_rolled_over", 5)
        .await
        .expect("the audit is read");
    assert_eq!(entries.len(), 1, "the rollover is audited once");

    // A new year may not take the name of the closed one (prints name a year by it).
    let again = json!({
        "name": year.name, "starts_on": later(later(year.starts_on)),
        "ends_on": later(later(year.ends_on)), "force_unlocked": true,
    });
    let (status, refusal) = rollover(&s, &admin.token, &again).await;
    assert_eq!(
        (status, refusal["code"].as_str()),
        (409, Some("year_archived")),
        "a closed year's name is refused: {refusal}"
    );
    let (still, _) = s
        .storage
        .snapshot(inst)
        .await
        .expect("the snapshot is read");
    assert_eq!(still.year.name, "2099/2100", "and nothing changed");

    // The archive lists the closed year with its groups.
    let archive: Value = s
        .get("/admin/archive")
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("the archive is read")
        .json()
        .await
        .expect("a JSON answer");
    assert_eq!(
        archive[0]["name"],
        json!(year.name),
        "the closed year: {archive}"
    );
    assert_eq!(
        archive[0]["groups"].as_array().map(Vec::len),
        Some(closing.groups.len()),
        "with every group it had: {archive}"
    );
    let refused = s
        .get("/admin/archive")
        .bearer_auth(&teacher.token)
        .send()
        .await
        .expect("the archive is asked");
    assert_eq!(
        refused.status(),
        403,
        "the archive list is the administration's"
    );

    // The closed year prints from the archive, and the printout verifies against it.
    let print = |doc: &str| {
        s.get(&format!(
            "/print/{doc}?group={}&year={}",
            promoted.id, year.name
        ))
        .bearer_auth(&admin.token)
        .send()
    };
    let resp = print("year_journal").await.expect("the print is asked");
    assert_eq!(resp.status(), 200, "the closed year's journal prints");
    let pdf = resp.bytes().await.expect("the PDF arrives");
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let resp = print("finals").await.expect("the print is asked");
    assert_eq!(resp.status(), 200, "the closed year's finals sheet prints");
    let verdict: Value = s
        .post("/print/verify")
        .bearer_auth(&admin.token)
        .header("content-type", "application/pdf")
        .body(pdf.to_vec())
        .send()
        .await
        .expect("the verification is asked")
        .json()
        .await
        .expect("a JSON answer");
    assert_eq!(
        verdict["matches"], true,
        "the printout matches the archive: {verdict}"
    );
    assert!(
        verdict["message"]
            .as_str()
            .unwrap_or("")
            .contains("из архива"),
        "and says it is the archive's: {verdict}"
    );
    let resp = s
        .get(&format!(
            "/print/finals?group={}&year=1900/1901",
            promoted.id
        ))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("the print is asked");
    assert_eq!(resp.status(), 404, "a year not in the archive is named");
    let body: Value = resp.json().await.expect("a JSON answer");
    assert_eq!(body["code"], "year_not_archived", "{body}");

    // The closed year's data export (journal_data) comes from the archive too.
    let csv = s
        .get(&format!(
            "/reports/journal_data?group={}&year={}&format=csv",
            promoted.id, year.name
        ))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("the export is asked");
    assert_eq!(csv.status(), 200, "the closed year's data export is made");
    let csv = csv.text().await.expect("CSV text");
    assert!(
        csv.contains("Обучающийся") && csv.contains("Итоговая отметка"),
        "with its documented columns: {}",
        &csv[..csv.len().min(400)]
    );
    let live_csv = s
        .get(&format!(
            "/reports/journal_data?group={}&format=csv",
            promoted.id
        ))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("the export is asked")
        .text()
        .await
        .expect("CSV text");
    assert!(
        csv.lines().count() > live_csv.lines().count(),
        "the archive's export holds the closed year's entries, the live one has none"
    );

    // Read-only: an edit of a closed year's lesson is not applied; the teacher's device loads the
    // new year.
    let op = teacher.op(s.during(&lesson), set_cell(lesson.id, student, "4"));
    let results = s.push(&teacher, &[op]).await;
    assert_ne!(
        outcome_name(&results[0]),
        "applied",
        "a closed year's lesson takes no edit: {results:?}"
    );
    let resp = s
        .get("/sync/snapshot")
        .bearer_auth(&teacher.token)
        .send()
        .await
        .expect("the snapshot is asked");
    assert_eq!(
        resp.status(),
        200,
        "the teacher's device loads the new year"
    );
    let (archived, kept) = s
        .storage
        .archived_year(inst, &year.name)
        .await
        .expect("the archive is read")
        .expect("the closed year is there");
    assert_eq!(archived.name, year.name);
    assert!(
        kept.cells.iter().any(|c| c.lesson_id == lesson.id
            && c.student_id == student
            && c.value.symbol() == "5"),
        "the archive keeps the mark entered before the rollover, not the later edit"
    );
}

conformance!(
    rollover_plan_changes_nothing,
    rollover_keeps_the_closed_year_printable
);
