//! «График контрольных работ» over HTTP: the deputy schedules a ВТК work with its criteria for a
//! teacher's load; bad input changes nothing; the teacher sees it (and their device gets it with the
//! criteria in the snapshot), another teacher does not, the child's parent sees the date without the
//! group's count; what became of a work (held, marks due) follows the journal; the «Контрольные
//! работы» report lists it; changes and removal are audited.

use chrono::Duration;
use serde_json::{json, Value};

use crate::support::{outcome_name, set_cell, today, Backend, TestServer};

fn works(list: &Value) -> Vec<Value> {
    list["works"].as_array().cloned().unwrap_or_default()
}

fn with_id(works: &[Value], id: &str) -> Option<Value> {
    works.iter().find(|w| w["id"] == id).cloned()
}

async fn the_schedule_reaches_the_teacher_and_the_report(b: Backend) {
    let s = TestServer::start(b).await;
    let deputy = s.device("deputy").await;
    let teacher = s.device("teacher").await;
    let parent = s.device("parent").await;
    // A lesson of the teacher's held yesterday, in the group of the demo parent's child if there
    // is one.
    let yesterday = today() - Duration::days(1);
    let lesson = (0..30)
        .flat_map(|back| s.lessons_of("teacher", today() - Duration::days(back + 1)))
        .next()
        .expect("the demo teacher has lessons before today");
    let load = s.load(lesson.load_id).clone();
    // A teacher who neither teaches nor curates the load's group.
    let outsider = [
        "teacher2", "teacher3", "teacher4", "teacher5", "teacher6", "teacher7",
    ]
    .into_iter()
    .find(|login| {
        !s.snapshot
            .for_user(s.user(login))
            .loads
            .iter()
            .any(|l| l.id == load.id)
    })
    .expect("a demo teacher outside the load's group");
    let other = s.device(outsider).await;
    let body = json!({
        "load_id": load.id, "date": lesson.date, "form": "knowledge_cut",
        "title": "Административный срез за 2 семестр", "vtk": true,
        "criteria": { "max_points": 20, "five": 18, "four": 14, "three": 10 }
    });
    let (st, before) = s.call(&deputy.token, "/control-works", None).await;
    assert_eq!(st, 200, "{before}");
    let scheduled = works(&before).len();

    // Refused, each with its code, and nothing stored.
    for (bad, code, status) in [
        (
            json!({ "criteria": { "max_points": 20, "five": 10, "four": 14, "three": 9 } }),
            "invalid_criteria",
            400,
        ),
        (
            json!({ "date": "2030-01-10" }),
            "control_work_outside_year",
            400,
        ),
        (json!({ "title": "  " }), "control_work_title", 400),
        (
            json!({ "title": "Срез\u{0007}" }),
            "forbidden_character",
            400,
        ),
        (
            json!({ "load_id": uuid::Uuid::nil() }),
            "load_not_found",
            404,
        ),
    ] {
        let mut req = body.clone();
        for (k, v) in bad.as_object().into_iter().flatten() {
            req[k] = v.clone();
        }
        let (st, err) = s
            .send(&deputy.token, reqwest::Method::POST, "/control-works", req)
            .await;
        assert_eq!(
            (st, err["code"].as_str()),
            (status, Some(code)),
            "{bad}: {err}"
        );
    }
    let (st, err) = s
        .send(
            &teacher.token,
            reqwest::Method::POST,
            "/control-works",
            body.clone(),
        )
        .await;
    assert_eq!(st, 403, "a teacher does not make the schedule: {err}");
    let (_, still) = s.call(&deputy.token, "/control-works", None).await;
    assert_eq!(
        works(&still).len(),
        scheduled,
        "a refusal stores nothing: {still}"
    );

    // A mark for the lesson entered today, after its day: late for an ordinary lesson …
    let student = s.students_of(&lesson)[0];
    let mut pc = s.device("teacher").await;
    let now = today().and_hms_opt(12, 0, 0).unwrap_or_default();
    let late = s
        .push_new(&mut pc, (now, set_cell(lesson.id, student, "4")))
        .await;
    assert_ne!(
        outcome_name(&late[0]),
        "applied",
        "an ordinary lesson's mark after its day is refused"
    );

    let version_before =
        s.call(&teacher.token, "/sync/snapshot", None).await.1["reference_version"].as_u64();
    let (st, made) = s
        .send(
            &deputy.token,
            reqwest::Method::POST,
            "/control-works",
            body.clone(),
        )
        .await;
    assert_eq!(st, 201, "{made}");
    assert_eq!(
        made["criteria_text"],
        "«5» — от 18, «4» — от 14, «3» — от 10 баллов из 20"
    );
    assert_eq!(made["form_name"], "Контрольный срез знаний");
    let id = made["id"].as_str().unwrap_or_default().to_string();

    // … within the checking days (3 by default) once the lesson holds a ВТК work, as in the app.
    let within = (today() - lesson.date).num_days() <= 3;
    let r = s
        .push_new(&mut pc, (now, set_cell(lesson.id, student, "4")))
        .await;
    assert_eq!(
        outcome_name(&r[0]) == "applied",
        within,
        "a ВТК work's mark {} days after it: {:?}",
        (today() - lesson.date).num_days(),
        r[0].outcome
    );

    // The teacher's list and device copy have it; another teacher's do not.
    let (_, mine) = s.call(&teacher.token, "/control-works", None).await;
    let listed = with_id(&works(&mine), &id)
        .unwrap_or_else(|| panic!("the teacher sees the work of their load: {mine}"));
    let state = listed["state"].as_str().unwrap_or_default().to_string();
    assert!(
        ["marks_due", "marks_overdue", "done"].contains(&state.as_str()),
        "a work on a held lesson's day is held ({state}): {mine}"
    );
    assert_eq!(mine["can_schedule"], false);
    let copy = s.call(&teacher.token, "/sync/snapshot", None).await.1;
    assert!(
        copy["reference_version"].as_u64() > version_before,
        "a change of the schedule raises the reference version"
    );
    let synced = copy["snapshot"]["control_works"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let on_device = with_id(&synced, &id)
        .unwrap_or_else(|| panic!("the teacher's device gets the work: {synced:?}"));
    assert_eq!(on_device["criteria"]["five"], 18, "with its criteria");
    let (_, theirs) = s.call(&other.token, "/control-works", None).await;
    assert!(
        with_id(&works(&theirs), &id).is_none(),
        "another teacher does not see it: {theirs}"
    );
    let other_copy = s.call(&other.token, "/sync/snapshot", None).await.1;
    assert!(
        with_id(
            &other_copy["snapshot"]["control_works"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
            &id
        )
        .is_none(),
        "nor does their device"
    );

    // The parent of a child in the group sees the date, not the group's count.
    let child_in_group = s
        .snapshot
        .users
        .iter()
        .find(|u| u.login == "parent")
        .and_then(|u| u.grants.iter().find_map(|g| g.student_id))
        .is_some_and(|child| {
            s.snapshot
                .memberships
                .iter()
                .any(|m| m.student_id == child && m.group_id == load.group_id)
        });
    let (_, family) = s.call(&parent.token, "/control-works", None).await;
    let seen = with_id(&works(&family), &id);
    if child_in_group {
        let seen =
            seen.unwrap_or_else(|| panic!("the family sees their group's schedule: {family}"));
        assert!(
            seen["state"].is_null() && seen["students"].is_null(),
            "no group count for a family: {family}"
        );
    } else {
        assert!(
            seen.is_none(),
            "another group's schedule is not a family's: {family}"
        );
    }
    assert!(
        works(&family).iter().all(|w| w["state"].is_null()),
        "no group count on any of the family's works: {family}"
    );

    // The report lists it as ВТК with its criteria.
    let (st, report) = s
        .call(
            &deputy.token,
            &format!(
                "/reports/control_works?from={}&to={}",
                lesson.date,
                yesterday.max(lesson.date)
            ),
            None,
        )
        .await;
    assert_eq!(st, 200, "{report}");
    let text = report.to_string();
    assert!(
        text.contains("Административный срез за 2 семестр")
            && text.contains("ВТК")
            && text.contains("«5» — от 18"),
        "the report lists the ВТК work: {report}"
    );

    // Changed, then removed; both audited.
    let mut changed = body.clone();
    changed["title"] = json!("Административный срез знаний");
    let (st, out) = s
        .send(
            &deputy.token,
            reqwest::Method::PUT,
            &format!("/control-works/{id}"),
            changed,
        )
        .await;
    assert_eq!(
        (st, out["title"].as_str()),
        (200, Some("Административный срез знаний")),
        "{out}"
    );
    let (st, _) = s
        .send(
            &deputy.token,
            reqwest::Method::DELETE,
            &format!("/control-works/{id}"),
            Value::Null,
        )
        .await;
    assert_eq!(st, 204);
    let (st, _) = s
        .send(
            &deputy.token,
            reqwest::Method::DELETE,
            &format!("/control-works/{id}"),
            Value::Null,
        )
        .await;
    assert_eq!(st, 404, "a removed work is gone");
    let admin = s.device("admin").await;
    for kind in [
        "control_work_scheduled",
        "control_work_changed",
        "control_work_removed",
    ] {
        let (_, audit) = s
            .call(&admin.token, &format!("/admin/audit?kind={kind}"), None)
            .await;
        assert!(
            audit.to_string().contains("Административный срез"),
            "{kind} is audited: {audit}"
        );
    }
}

conformance!(the_schedule_reaches_the_teacher_and_the_report);
