//! Groups, students and loads over `/api/v1/admin/…`: the administrator creates a group, enrols a
//! student, transfers a student with marks (not before their last mark; the old group keeps the
//! history), withdraws a student, creates a load and gives a teacher's load to another teacher (the
//! marks keep their author, and the new teacher's device snapshot now holds the load); a teacher may
//! do none of it; bad input is a 400 with a code and changes nothing; each change is audited.

use chrono::Duration;
use serde_json::{json, Value};

use crate::support::{today, Backend, TestServer};

async fn send(s: &TestServer, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let resp = s
        .post(path)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    let body = if status == 204 {
        Value::Null
    } else {
        resp.json().await.expect("a JSON answer")
    };
    (status, body)
}

async fn admin_keeps_groups_students_and_loads(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let teacher = s.device("teacher").await;
    let teacher2 = s.device("teacher2").await;
    let inst = s.snapshot.institution.id;
    let snapshot = || async {
        s.storage
            .snapshot(inst)
            .await
            .expect("the snapshot is read")
            .0
    };
    let audit_len = || async {
        s.storage
            .audit_verify()
            .await
            .expect("the audit is read")
            .entries_checked
    };

    // A group.
    let new_group = json!({"name": "ИС-99", "course": 1, "specialty": "09.02.07 Информационные системы и программирование"});
    let (status, _) = send(&s, &teacher.token, "/admin/groups", &new_group).await;
    assert_eq!(status, 403, "a teacher does not create groups");
    let (status, body) = send(&s, &admin.token, "/admin/groups", &new_group).await;
    assert_eq!(status, 201, "the administrator creates a group: {body}");
    let group_id = body["id"].as_str().expect("the new group's id").to_string();
    let (status, body) = send(&s, &admin.token, "/admin/groups", &new_group).await;
    assert_eq!(status, 409, "a group name is given once: {body}");
    assert_eq!(body["code"], "group_exists", "the code says so");

    // Enrolment, with its refusals.
    let from = today() + Duration::days(1);
    let enrol = json!({"last_name": "Орлова", "first_name": "Вера", "patronymic": "Игоревна",
        "group_id": group_id, "from": from});
    let audit_before = audit_len().await;
    let students_before = snapshot().await.students.len();
    for (body, code) in [
        (
            json!({"last_name": "", "first_name": "Вера", "group_id": group_id, "from": from}),
            "invalid_student_name",
        ),
        (
            json!({"last_name": "Орлова", "first_name": "Вера", "group_id": uuid::Uuid::new_v4(), "from": from}),
            "unknown_group",
        ),
        (
            json!({"last_name": "Орлова", "first_name": "Вера", "group_id": group_id, "from": "2035-01-01"}),
            "date_outside_year",
        ),
    ] {
        let (status, answer) = send(&s, &admin.token, "/admin/students", &body).await;
        assert_eq!(status, 400, "bad enrolment is a 400: {body} → {answer}");
        assert_eq!(answer["code"], code, "the code names the fault in {body}");
    }
    assert_eq!(
        snapshot().await.students.len(),
        students_before,
        "refusals add no student"
    );
    assert_eq!(audit_len().await, audit_before, "refusals are not audited");
    let (status, _) = send(&s, &teacher.token, "/admin/students", &enrol).await;
    assert_eq!(status, 403, "a teacher does not enrol students");
    let (status, body) = send(&s, &admin.token, "/admin/students", &enrol).await;
    assert_eq!(status, 201, "the administrator enrols a student: {body}");
    let new_student = body["id"].as_str().expect("the student's id").to_string();

    // Transfer of a demo student with marks into the new group.
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let load = s.load(lesson.load_id).clone();
    let marked = s
        .snapshot
        .cells
        .iter()
        .filter(|c| {
            s.snapshot
                .lessons
                .iter()
                .any(|l| l.id == c.lesson_id && l.load_id == load.id)
        })
        .map(|c| c.student_id)
        .next()
        .expect("the teacher's load has marks in the demo history");
    let last_mark = s
        .snapshot
        .cells
        .iter()
        .filter(|c| c.student_id == marked)
        .filter_map(|c| s.snapshot.lessons.iter().find(|l| l.id == c.lesson_id))
        .map(|l| l.date)
        .max()
        .expect("the student's last mark");
    let (status, body) = send(
        &s,
        &admin.token,
        &format!("/admin/students/{marked}/transfer"),
        &json!({"group_id": group_id, "on": last_mark}),
    )
    .await;
    assert_eq!(status, 400, "no transfer that would hide marks: {body}");
    assert_eq!(body["code"], "entries_after_date", "the code says why");
    let on = last_mark + Duration::days(1);
    let (status, body) = send(
        &s,
        &admin.token,
        &format!("/admin/students/{marked}/transfer"),
        &json!({"group_id": group_id, "on": on}),
    )
    .await;
    assert_eq!(
        status, 204,
        "the student is transferred after their last mark: {body}"
    );
    let snap = snapshot().await;
    let memberships: Vec<_> = snap
        .memberships
        .iter()
        .filter(|m| m.student_id == marked)
        .collect();
    assert!(
        memberships
            .iter()
            .any(|m| m.group_id == load.group_id && m.to == Some(last_mark)),
        "the old group keeps the student up to the day before: {memberships:?}"
    );
    assert!(
        memberships
            .iter()
            .any(|m| m.group_id.to_string() == group_id && m.from == on && m.to.is_none()),
        "the new membership starts on the transfer day: {memberships:?}"
    );

    // Withdrawal.
    let (status, body) = send(
        &s,
        &admin.token,
        &format!("/admin/students/{new_student}/withdraw"),
        &json!({"last_day": from + Duration::days(10)}),
    )
    .await;
    assert_eq!(
        status, 204,
        "the administrator withdraws the student: {body}"
    );
    let (status, body) = send(
        &s,
        &admin.token,
        &format!("/admin/students/{new_student}/withdraw"),
        &json!({"last_day": from + Duration::days(11)}),
    )
    .await;
    assert_eq!(status, 409, "a withdrawn student is withdrawn once: {body}");
    assert_eq!(body["code"], "not_enrolled", "the code says so");

    // Loads: a new one, and the teacher's load given to teacher2.
    let new_load = json!({"teacher_id": s.user("teacher2"), "group_id": group_id,
        "subject_id": load.subject_id, "from": on, "planned_hours": 72});
    let (status, _) = send(&s, &teacher.token, "/admin/loads", &new_load).await;
    assert_eq!(status, 403, "a teacher does not create loads");
    let (status, body) = send(&s, &admin.token, "/admin/loads", &new_load).await;
    assert_eq!(status, 201, "the administrator creates a load: {body}");
    let (status, body) = send(&s, &admin.token, "/admin/loads", &new_load).await;
    assert_eq!(status, 409, "the same load twice is refused: {body}");
    assert_eq!(body["code"], "load_exists", "the code says so");
    let (status, body) = send(
        &s,
        &admin.token,
        &format!("/admin/loads/{}/teacher", load.id),
        &json!({"teacher_id": s.user("student")}),
    )
    .await;
    assert_eq!(status, 400, "a load goes to a teacher only: {body}");
    assert_eq!(body["code"], "unknown_teacher", "the code says so");
    let (status, body) = send(
        &s,
        &admin.token,
        &format!("/admin/loads/{}/teacher", load.id),
        &json!({"teacher_id": s.user("teacher2")}),
    )
    .await;
    assert_eq!(
        status, 204,
        "the administrator gives the load to teacher2: {body}"
    );
    let snap = snapshot().await;
    assert_eq!(
        snap.loads
            .iter()
            .find(|l| l.id == load.id)
            .map(|l| l.teacher_id),
        Some(s.user("teacher2")),
        "the load is teacher2's now"
    );
    let lessons_of_load: std::collections::HashSet<_> = snap
        .lessons
        .iter()
        .filter(|l| l.load_id == load.id)
        .map(|l| l.id)
        .collect();
    let past: Vec<_> = snap
        .cells
        .iter()
        .filter(|c| lessons_of_load.contains(&c.lesson_id))
        .collect();
    assert!(!past.is_empty(), "the load has past marks");
    for c in &past {
        let before = s
            .snapshot
            .cells
            .iter()
            .find(|o| o.lesson_id == c.lesson_id && o.student_id == c.student_id)
            .expect("every mark of the load was there before the reassignment");
        assert_eq!(
            c.author_id, before.author_id,
            "a past mark keeps its author"
        );
    }
    assert!(
        past.iter().any(|c| c.author_id == s.user("teacher"))
            && past.iter().all(|c| c.author_id != s.user("teacher2")),
        "the first teacher's marks stay theirs, none becomes teacher2's"
    );
    let device_snapshot = |token: String| {
        let s = &s;
        async move {
            let resp = s
                .get("/sync/snapshot")
                .bearer_auth(token)
                .send()
                .await
                .expect("the snapshot request reaches the server");
            let body: Value = resp.json().await.expect("a snapshot");
            body["snapshot"]["loads"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|l| l["id"] == json!(load.id) && l["teacher_id"] == json!(s.user("teacher2")))
        }
    };
    assert!(
        device_snapshot(teacher2.token.clone()).await,
        "teacher2's device snapshot holds the load given to them"
    );

    let report = s.storage.audit_verify().await.expect("the audit is read");
    assert!(report.is_intact(), "the audit chain verifies: {report:?}");
    for kind in [
        "group_created",
        "student_enrolled",
        "student_transferred",
        "student_withdrawn",
        "load_created",
        "load_reassigned",
    ] {
        let entries = s
            .storage
            .audit_entries(inst, kind, 10)
            .await
            .expect("the entries are read");
        assert_eq!(
            entries.len(),
            1,
            "one {kind} entry (refusals are not audited)"
        );
        assert_eq!(
            entries[0].author_id.as_deref(),
            Some(s.user("admin").to_string().as_str()),
            "the administrator is the author of {kind}"
        );
    }
}

/// Enrolments sent at once all stay: each change reads, edits and writes the whole reference data,
/// so without taking turns a later write would drop an earlier one's student.
async fn concurrent_enrolments_all_stay(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let group = s.snapshot.groups[0].id;
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..8 {
        let req = s.post("/admin/students").bearer_auth(&admin.token).json(
            &json!({"last_name": format!("Одновременная{i}"), "first_name": "Мария",
                "group_id": group, "from": today()}),
        );
        sends.spawn(async move { req.send().await.map(|r| r.status().as_u16()) });
    }
    let statuses: Vec<_> = sends.join_all().await;
    assert!(
        statuses.iter().all(|st| matches!(st, Ok(201))),
        "every enrolment is accepted: {statuses:?}"
    );
    let (snap, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("the snapshot is read");
    let added = snap
        .students
        .iter()
        .filter(|st| st.last_name.starts_with("Одновременная"))
        .count();
    assert_eq!(added, 8, "no enrolment overwrote another");
    let report = s.storage.audit_verify().await.expect("the audit is read");
    assert!(report.is_intact(), "the audit chain verifies: {report:?}");
}

conformance!(
    admin_keeps_groups_students_and_loads,
    concurrent_enrolments_all_stay
);
