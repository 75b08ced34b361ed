//! «Замечания по ведению журнала», the whole cycle: the deputy writes a remark in the browser's API,
//! the teacher's device pulls it, answers «Устранено» as an op, the deputy returns it, the teacher
//! answers again, the deputy confirms; the curator of the group reads it; another teacher neither
//! writes nor reads it; bad input is refused and changes nothing. Departments: a department head
//! writes only to their department's teachers.

use journal_protocol::{OpPayload, Remark, RemarkStatus};
use journal_server::remark_routes::{RemarkList, RemarkView};
use serde_json::{json, Value};

use crate::support::{outcome_name, rejection_code, today, Backend, Device, TestServer};

async fn post(s: &TestServer, token: &str, path: &str, body: Value) -> (u16, Value) {
    let resp = s
        .post(path)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("the request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn list(s: &TestServer, token: &str, query: &str) -> RemarkList {
    let resp = s
        .get(&format!("/remarks{query}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 200, "everyone reads the remarks they may");
    resp.json().await.expect("a list of remarks")
}

/// The remark as the device's pull brings it: the last `RemarkState` or the answer op's id.
async fn pulled_remark(s: &TestServer, device: &Device, id: uuid::Uuid) -> Option<Remark> {
    let page = s.pull(&device.token, 0, 5000).await;
    page.changes.iter().rev().find_map(|c| match &c.payload {
        OpPayload::RemarkState { remark } if remark.id == id => Some(remark.clone()),
        _ => None,
    })
}

async fn a_remark_goes_from_the_deputy_to_the_teacher_and_back(b: Backend) {
    let s = TestServer::start(b).await;
    let deputy = s.device("deputy").await;
    let mut teacher = s.device("teacher").await;
    let other = s.device("teacher2").await;
    let teacher_id = s.user("teacher");
    let load = s
        .snapshot
        .loads
        .iter()
        .find(|l| l.teacher_id == teacher_id)
        .expect("the demo teacher has a load")
        .clone();
    let lesson = s
        .snapshot
        .lessons
        .iter()
        .find(|l| l.load_id == load.id && l.date < today())
        .expect("a past lesson of the load")
        .clone();

    // Bad input changes nothing.
    let before = list(&s, &deputy.token, "").await.remarks.len();
    let (status, body) = post(
        &s,
        &deputy.token,
        "/remarks",
        json!({"load_id": load.id, "text": "  "}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("remark_text_empty")),
        "{body}"
    );
    let (status, body) = post(
        &s,
        &deputy.token,
        "/remarks",
        json!({"load_id": load.id, "text": "т", "deadline": today() - chrono::Duration::days(1)}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("remark_deadline_past")),
        "{body}"
    );
    let (status, body) = post(
        &s,
        &other.token,
        "/remarks",
        json!({"load_id": load.id, "text": "т"}),
    )
    .await;
    assert_eq!(status, 403, "a teacher does not write remarks: {body}");
    assert_eq!(
        list(&s, &deputy.token, "").await.remarks.len(),
        before,
        "nothing was written"
    );

    // The deputy writes, with the policy's deadline.
    let (status, body) = post(
        &s,
        &deputy.token,
        "/remarks",
        json!({"load_id": load.id, "lesson_id": lesson.id, "text": "Не записано домашнее задание"}),
    )
    .await;
    assert_eq!(status, 201, "the deputy writes a remark: {body}");
    let written: RemarkView = serde_json::from_value(body).expect("a remark");
    assert_eq!(written.status, "written");
    assert_eq!(
        written.lesson_date,
        Some(lesson.date),
        "the lesson is named"
    );
    assert_eq!(
        written.deadline,
        today() + chrono::Duration::days(7),
        "the policy's week by default"
    );

    // The teacher's device pulls it; another teacher's does not.
    let got = pulled_remark(&s, &teacher, written.id)
        .await
        .expect("the new remark reaches the teacher's device on the next pull");
    assert_eq!(got.text, "Не записано домашнее задание");
    assert!(
        pulled_remark(&s, &other, written.id).await.is_none(),
        "another teacher's device never gets it"
    );
    assert!(
        list(&s, &other.token, "")
            .await
            .remarks
            .iter()
            .all(|r| r.id != written.id),
        "nor reads it"
    );
    let curator = s.device("curator").await;
    let group_curated = s
        .snapshot
        .groups
        .iter()
        .find(|g| g.id == load.group_id)
        .and_then(|g| g.curator_id)
        == Some(s.user("curator"));
    if group_curated {
        assert!(
            list(&s, &curator.token, "")
                .await
                .remarks
                .iter()
                .any(|r| r.id == written.id),
            "the group's curator reads it"
        );
    }

    // Nothing to confirm before the answer.
    let (status, body) = post(
        &s,
        &deputy.token,
        &format!("/remarks/{}/decision", written.id),
        json!({"confirm": true}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("remark_not_fixed")),
        "{body}"
    );

    // The teacher answers offline: an op like any edit.
    let at = written.created_at.naive_local() + chrono::Duration::minutes(1);
    let r = s
        .push_new(
            &mut teacher,
            (
                at,
                OpPayload::AnswerRemark {
                    remark_id: written.id,
                    answer: "  ".into(),
                },
            ),
        )
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "remark_answer_empty",
        "an empty answer is refused"
    );
    let r = s
        .push_new(
            &mut teacher,
            (
                at,
                OpPayload::AnswerRemark {
                    remark_id: written.id,
                    answer: "Записано".into(),
                },
            ),
        )
        .await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "the answer is applied: {r:?}"
    );
    let fixed = list(&s, &deputy.token, "?status=fixed").await;
    let seen = fixed
        .remarks
        .iter()
        .find(|r| r.id == written.id)
        .expect("the deputy sees it fixed");
    assert_eq!(seen.answer.as_deref(), Some("Записано"), "with the answer");
    assert!(seen.may_decide, "the author may decide");

    // A forged server change from a device is refused.
    let mut forged = got.clone();
    forged.status = RemarkStatus::Confirmed;
    let r = s
        .push_new(
            &mut teacher,
            (at, OpPayload::RemarkState { remark: forged }),
        )
        .await;
    assert_eq!(rejection_code(&r[0]), "server_only_change", "{r:?}");

    // Returned without a reason: refused; with one: open again, and the device learns it.
    let path = format!("/remarks/{}/decision", written.id);
    let (status, body) = post(
        &s,
        &deputy.token,
        &path,
        json!({"confirm": false, "comment": " "}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("remark_return_reason_empty")),
        "{body}"
    );
    let (status, body) = post(&s, &other.token, &path, json!({"confirm": true})).await;
    assert_eq!(status, 403, "a teacher cannot confirm: {body}");
    let (status, body) = post(
        &s,
        &deputy.token,
        &path,
        json!({"confirm": false, "comment": "Нет номеров упражнений"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "returned");
    let back = pulled_remark(&s, &teacher, written.id)
        .await
        .expect("pulled");
    assert_eq!(
        back.state(),
        RemarkStatus::Returned,
        "the teacher's device gets it back"
    );
    assert!(back.is_open(), "open again");

    let r = s
        .push_new(
            &mut teacher,
            (
                at,
                OpPayload::AnswerRemark {
                    remark_id: written.id,
                    answer: "Номера добавлены".into(),
                },
            ),
        )
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "{r:?}");
    let (status, body) = post(&s, &deputy.token, &path, json!({"confirm": true})).await;
    assert_eq!(status, 200, "{body}");
    let done: RemarkView = serde_json::from_value(body).expect("a remark");
    assert_eq!(done.status, "confirmed");
    assert_eq!(
        done.history
            .iter()
            .map(|h| h.status.as_str())
            .collect::<Vec<_>>(),
        vec!["written", "fixed", "returned", "fixed", "confirmed"],
        "every step in the history"
    );
    let audit = s
        .storage
        .audit_entries(s.snapshot.institution.id, "remark_decided", 10)
        .await
        .expect("the audit reads");
    assert_eq!(audit.len(), 2, "both decisions audited");
    let audit = s
        .storage
        .audit_entries(s.snapshot.institution.id, "remark_written", 10)
        .await
        .expect("the audit reads");
    assert_eq!(audit.len(), 1, "the remark written once, audited once");
}

async fn a_department_head_writes_only_to_their_teachers(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let deputy = s.device("deputy").await;
    let (t1, t2) = (s.user("teacher"), s.user("teacher2"));
    let load_of = |t| {
        s.snapshot
            .loads
            .iter()
            .find(|l| l.teacher_id == t)
            .expect("a load")
            .id
    };
    // teacher3 heads a department of «teacher» only.
    let put = reqwest::Client::new()
        .put(s.url("/admin/departments"))
        .bearer_auth(&admin.token)
        .header(
            "x-journal-protocol",
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .json(&json!({"departments": [
            {"name": "ПЦК информатики", "head_id": s.user("teacher3"), "teacher_ids": [t1]},
            {"name": "  ", "teacher_ids": []}
        ]}))
        .send()
        .await
        .expect("reaches");
    assert_eq!(put.status(), 400, "an empty name is refused");
    let put = reqwest::Client::new()
        .put(s.url("/admin/departments"))
        .bearer_auth(&deputy.token)
        .header(
            "x-journal-protocol",
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .json(&json!({"departments": []}))
        .send()
        .await
        .expect("reaches");
    assert_eq!(put.status(), 403, "departments are the administrator's");
    let put = reqwest::Client::new()
        .put(s.url("/admin/departments"))
        .bearer_auth(&admin.token)
        .header(
            "x-journal-protocol",
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .json(&json!({"departments": [
            {"name": "ПЦК информатики", "head_id": s.user("teacher3"), "teacher_ids": [t1]}
        ]}))
        .send()
        .await
        .expect("reaches");
    assert_eq!(put.status(), 200, "the administrator keeps the departments");
    let (snap, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("snapshot");
    assert_eq!(snap.departments.len(), 1, "kept as reference data");
    assert_eq!(
        s.storage
            .audit_entries(s.snapshot.institution.id, "departments", 10)
            .await
            .expect("audit")
            .len(),
        1,
        "audited"
    );

    // teacher3 becomes the department head (an admin import upserts the users with the new grant).
    let mut snap = snap;
    let head = snap
        .users
        .iter_mut()
        .find(|u| u.id == s.user("teacher3"))
        .expect("teacher3");
    head.grants.push(journal_protocol::RoleGrant {
        role: journal_core::Role::DepartmentHead,
        group_id: None,
        student_id: None,
        from: None,
        until: None,
    });
    s.storage
        .apply_reference(
            snap,
            journal_server::storage::AdminAction {
                institution_id: s.snapshot.institution.id,
                kind: "test_grant".into(),
                author_id: None,
                device_id: None,
                subject: "grant".into(),
                detail: json!({}),
            },
            chrono::Utc::now().naive_utc(),
        )
        .await
        .expect("stored");
    let head = s.device("teacher3").await;
    let (status, body) = post(
        &s,
        &head.token,
        "/remarks",
        json!({"load_id": load_of(t1), "text": "Темы по КТП"}),
    )
    .await;
    assert_eq!(status, 201, "their department's teacher: {body}");
    let (status, body) = post(
        &s,
        &head.token,
        "/remarks",
        json!({"load_id": load_of(t2), "text": "Темы по КТП"}),
    )
    .await;
    assert_eq!(status, 403, "another department's teacher: {body}");
    let seen = list(&s, &head.token, "").await;
    assert!(
        seen.remarks
            .iter()
            .all(|r| r.teacher != "Волков Андрей Николаевич"),
        "they read only their department's remarks"
    );

    // Reports likewise: the head reads their department's teachers', not another's.
    let report = |q: String| {
        s.client
            .get(s.url(&format!("/reports/control{q}")))
            .bearer_auth(&head.token)
            .header(
                "x-journal-protocol",
                journal_protocol::PROTOCOL_VERSION.to_string(),
            )
            .send()
    };
    let own = report(format!("?teacher={t1}")).await.expect("reaches");
    assert_eq!(own.status(), 200, "their department's teacher's report");
    let other = report(format!("?teacher={t2}")).await.expect("reaches");
    assert_eq!(other.status(), 403, "not another department's teacher's");
    let all: serde_json::Value = report(String::new())
        .await
        .expect("reaches")
        .json()
        .await
        .expect("JSON");
    let text = all.to_string();
    assert!(
        !text.contains("Волков Андрей Николаевич"),
        "the whole report covers their department only"
    );

    // The deputy reads every report, and narrows one to a department by its name (issue 14 item 2).
    let by_department = |q: &'static str| {
        s.client
            .get(s.url(&format!("/reports/control{q}")))
            .bearer_auth(&deputy.token)
            .header(
                "x-journal-protocol",
                journal_protocol::PROTOCOL_VERSION.to_string(),
            )
            .send()
    };
    let resp = by_department("?department=пцк%20информатики")
        .await
        .expect("reaches");
    assert_eq!(resp.status(), 200, "a department by its name, any case");
    let body: serde_json::Value = resp.json().await.expect("JSON");
    let text = body.to_string();
    assert!(
        !text.contains("Волков Андрей Николаевич"),
        "another department's teacher is not in the department's report"
    );
    let t1_name = s
        .snapshot
        .users
        .iter()
        .find(|u| u.id == t1)
        .map(|u| u.full_name.clone())
        .unwrap_or_default();
    assert!(
        text.contains(&t1_name),
        "the department's teacher {t1_name} is: {text}"
    );
    assert!(
        body["subject_line"]
            .as_str()
            .is_some_and(|l| l.contains("Цикловая комиссия: ПЦК информатики")),
        "the report names the department: {}",
        body["subject_line"]
    );
    let resp = by_department("?department=ПЦК%20химии")
        .await
        .expect("reaches");
    assert_eq!(resp.status(), 404, "a department that does not exist");
    let body: serde_json::Value = resp.json().await.expect("JSON");
    assert_eq!(body["code"], "department_not_found", "{body}");
    let choices: serde_json::Value = s
        .client
        .get(s.url("/reports"))
        .bearer_auth(&deputy.token)
        .header(
            "x-journal-protocol",
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .send()
        .await
        .expect("reaches")
        .json()
        .await
        .expect("JSON");
    assert!(
        choices["departments"]
            .as_array()
            .is_some_and(|d| d.iter().any(|x| x["name"] == "ПЦК информатики")),
        "the report screen offers the department: {choices}"
    );
}

conformance!(
    a_remark_goes_from_the_deputy_to_the_teacher_and_back,
    a_department_head_writes_only_to_their_teachers
);
