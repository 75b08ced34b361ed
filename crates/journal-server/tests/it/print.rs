//! Printing for staff from the server's data on a real listener, on both backends: who may print
//! what (deputy every group, curator the own group, teacher own loads, parent only the child's
//! extract), the PDF really is one of ours, and verify names the pages a later mark changed.

use crate::support::{outcome_name, set_cell, today, Backend, TestServer};
use journal_server::print_routes::PrintVerifyResponse;

/// GETs a print URL as `token`: the status and the body.
async fn fetch(s: &TestServer, token: &str, path: &str) -> (u16, Vec<u8>, String) {
    let resp = s
        .get(path)
        .bearer_auth(token)
        .send()
        .await
        .expect("the print request reaches the server");
    let status = resp.status().as_u16();
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = resp.bytes().await.expect("a body").to_vec();
    (status, body, ctype)
}

fn is_our_pdf(body: &[u8]) -> bool {
    body.starts_with(b"%PDF") && journal_print::read_stamp(body).is_ok()
}

fn error_code(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["code"].as_str().map(str::to_string))
        .unwrap_or_default()
}

async fn print_is_allowed_by_role_and_scope(b: Backend) {
    let s = TestServer::start(b).await;
    let snap = &s.snapshot;
    let curator_id = s.user("curator");
    let own_group = snap
        .groups
        .iter()
        .find(|g| g.curator_id == Some(curator_id))
        .expect("the demo curator has a group");
    // A group the curator neither curates nor teaches in.
    let other_group = snap
        .groups
        .iter()
        .find(|g| {
            g.id != own_group.id
                && !snap
                    .loads
                    .iter()
                    .any(|l| l.group_id == g.id && l.teacher_id == curator_id)
        })
        .expect("the demo has a group the curator has nothing to do with");

    let deputy = s.device("deputy").await;
    for g in [own_group, other_group] {
        let (status, body, ctype) = fetch(
            &s,
            &deputy.token,
            &format!("/print/finals?group={}", g.name),
        )
        .await;
        assert_eq!(
            status, 200,
            "the deputy prints the finals of {} (by name)",
            g.name
        );
        assert_eq!(
            ctype, "application/pdf",
            "a PDF is answered as application/pdf"
        );
        assert!(is_our_pdf(&body), "the answer is a stamped journal PDF");
    }

    let curator = s.device("curator").await;
    let (status, _, _) = fetch(
        &s,
        &curator.token,
        &format!("/print/finals?group={}", own_group.id),
    )
    .await;
    assert_eq!(status, 200, "the curator prints the own group's finals");
    let (status, body, _) = fetch(
        &s,
        &curator.token,
        &format!("/print/finals?group={}", other_group.id),
    )
    .await;
    assert_eq!(status, 403, "not another group's");
    assert_eq!(error_code(&body), "forbidden", "a refusal carries its code");

    let teacher = s.device("teacher").await;
    let teacher_id = s.user("teacher");
    let period = &snap.periods[0];
    let own_load = snap
        .loads
        .iter()
        .find(|l| l.teacher_id == teacher_id)
        .expect("the demo teacher has loads");
    let foreign_load = snap
        .loads
        .iter()
        .find(|l| l.teacher_id != teacher_id && l.group_id == own_load.group_id)
        .expect("another teacher teaches the same group");
    let (status, body, _) = fetch(
        &s,
        &teacher.token,
        &format!("/print/subject?load={}&period={}", own_load.id, period.id),
    )
    .await;
    assert_eq!(status, 200, "a teacher prints the own load's pages");
    assert!(is_our_pdf(&body), "and gets a journal PDF");
    let (status, _, _) = fetch(
        &s,
        &teacher.token,
        &format!("/print/subject?load={}&month=2026-10", foreign_load.id),
    )
    .await;
    assert_eq!(status, 403, "not another teacher's load");

    // A parent: the child's extract only.
    let parent = snap
        .users
        .iter()
        .find(|u| u.login == "parent")
        .expect("the demo has a parent");
    let child = parent
        .grants
        .iter()
        .find_map(|g| g.student_id)
        .expect("the parent's grant names the child");
    let other_child = snap
        .students
        .iter()
        .find(|st| st.id != child)
        .expect("other students");
    let parent_dev = s.device("parent").await;
    let (status, body, _) = fetch(
        &s,
        &parent_dev.token,
        &format!("/print/extract?student={child}&period={}", period.id),
    )
    .await;
    assert_eq!(status, 200, "a parent prints the child's extract");
    assert!(is_our_pdf(&body), "a journal PDF");
    let (status, _, _) = fetch(
        &s,
        &parent_dev.token,
        &format!(
            "/print/extract?student={}&period={}",
            other_child.id, period.id
        ),
    )
    .await;
    assert_eq!(status, 403, "not another child's");
    let (status, _, _) = fetch(
        &s,
        &parent_dev.token,
        &format!("/print/finals?group={}", own_group.id),
    )
    .await;
    assert_eq!(status, 403, "nor a group's finals");

    let (status, body, _) = fetch(&s, &deputy.token, "/print/nonsense").await;
    assert_eq!(status, 404, "an unknown document is 404");
    assert_eq!(error_code(&body), "print_unknown_document", "with its code");
    let (status, body, _) = fetch(&s, &deputy.token, "/print/extract?period=x").await;
    assert_eq!(status, 400, "a malformed parameter is 400");
    assert_eq!(error_code(&body), "invalid_query", "with its code");
    let resp = s
        .client
        .get(s.url("/print/finals"))
        .header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .send()
        .await
        .expect("reaches the server");
    assert_eq!(resp.status(), 401, "printing needs a sign-in");

    let doc: serde_json::Value = s
        .client
        .get(s.url("/openapi.json"))
        .send()
        .await
        .expect("reaches the server")
        .json()
        .await
        .expect("the OpenAPI document is JSON");
    for path in ["/api/v1/print/{document}", "/api/v1/print/verify"] {
        assert!(
            doc["paths"].get(path).is_some(),
            "the OpenAPI document lists {path}"
        );
    }
}

async fn verify_names_the_pages_a_later_mark_changed(b: Backend) {
    let s = TestServer::start(b).await;
    let mut teacher = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let students = s.students_of(&lesson);
    let month = today().format("%Y-%m").to_string();
    let (status, pdf, _) = fetch(
        &s,
        &teacher.token,
        &format!("/print/subject?load={}&month={month}", lesson.load_id),
    )
    .await;
    assert_eq!(status, 200, "the teacher prints this month's pages");

    let verify = |token: String, pdf: Vec<u8>| {
        let req = s
            .post("/print/verify")
            .bearer_auth(token)
            .header("content-type", "application/pdf")
            .body(pdf);
        async move {
            let resp = req.send().await.expect("verify reaches the server");
            assert_eq!(resp.status(), 200, "verify answers 200");
            resp.json::<PrintVerifyResponse>()
                .await
                .expect("a verify report")
        }
    };
    let report = verify(teacher.token.clone(), pdf.clone()).await;
    assert!(
        report.matches,
        "an unchanged printout matches: {}",
        report.message
    );

    let r = s
        .push_new(
            &mut teacher,
            (s.during(&lesson), set_cell(lesson.id, students[0], "3")),
        )
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "the new mark is accepted");
    let report = verify(teacher.token.clone(), pdf.clone()).await;
    assert!(!report.matches, "the printout no longer matches");
    assert!(
        !report.changed_pages.is_empty()
            && (report.changed_pages.len() as u32) < report.printed_pages,
        "the grid page with the new mark is named, not every page: {:?} of {}",
        report.changed_pages,
        report.printed_pages
    );
    assert!(
        report.message.contains("изменились страницы"),
        "the message says which pages: {}",
        report.message
    );

    let resp = s
        .post("/print/verify")
        .bearer_auth(&teacher.token)
        .body(b"%PDF-1.7 not a journal".to_vec())
        .send()
        .await
        .expect("reaches the server");
    assert_eq!(resp.status(), 400, "a foreign file is refused");
}

conformance!(
    print_is_allowed_by_role_and_scope,
    verify_names_the_pages_a_later_mark_changed,
);
