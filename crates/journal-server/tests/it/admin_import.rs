//! Import over `POST /api/v1/admin/import/{kind}`: the administrator sends a CSV, an XLSX or an
//! aSc export as the body; a file with bad rows is a 422 naming each row and changes nothing; the
//! real aSc sample whose names the demo institution lacks is refused with the unmatched names; a
//! teacher may not import; a good file is applied and audited with the administrator as author.

use std::path::Path;

use journal_server::import_routes::XLSX_CONTENT_TYPE;
use journal_server::ServerConfig;
use serde_json::Value;

use crate::support::{test_config, Backend, TestServer};

async fn send(
    s: &TestServer,
    token: &str,
    kind: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let resp = s
        .post(&format!("/admin/import/{kind}"))
        .query(&[("file", format!("{kind}.file"))])
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("the import reaches the server");
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.expect("every answer is JSON");
    (status, body)
}

async fn students_and_audit(s: &TestServer) -> (usize, u64) {
    let (snap, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("the snapshot is read");
    let audit = s
        .storage
        .audit_verify()
        .await
        .expect("the audit is read")
        .entries_checked;
    (snap.students.len(), audit)
}

fn students_xlsx(group: &str) -> Vec<u8> {
    let build = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, row) in [["Фамилия", "Имя", "Группа"], ["Белова", "Ксения", group]]
            .iter()
            .enumerate()
        {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v)?;
            }
        }
        wb.save_to_buffer()
    };
    build().expect("the workbook is built")
}

async fn import_over_http_is_all_or_nothing(b: Backend) {
    // The real aSc sample is larger than the tests' usual body limit.
    let s = TestServer::start_with(
        b,
        ServerConfig {
            max_body_bytes: 1024 * 1024,
            ..test_config()
        },
    )
    .await;
    let admin = s.device("admin").await;
    let teacher = s.device("teacher").await;
    let group = s.snapshot.groups[0].name.clone();
    let before = students_and_audit(&s).await;

    let good_csv = format!("Фамилия;Имя;Группа\nНовикова;Дарья;{group}\nСоколов;Пётр;{group}\n");
    let (status, body) = send(
        &s,
        &teacher.token,
        "students",
        "text/csv",
        good_csv.clone().into_bytes(),
    )
    .await;
    assert_eq!(status, 403, "a teacher does not import: {body}");
    assert_eq!(body["code"], "forbidden", "the refusal has its code");

    let bad_csv = format!(
        "Фамилия;Имя;Группа\nНовикова;Дарья;{group}\nСоколов;Пётр;НЕТ-ТАКОЙ-ГРУППЫ\n;Иван;{group}\n"
    );
    let (status, body) = send(
        &s,
        &admin.token,
        "students",
        "text/csv; charset=utf-8",
        bad_csv.into_bytes(),
    )
    .await;
    assert_eq!(status, 422, "a file with bad rows is refused: {body}");
    assert_eq!(
        body["code"], "import_rows_invalid",
        "the code names the cause"
    );
    let rows: Vec<u64> = body["rows"]
        .as_array()
        .expect("the bad rows are listed")
        .iter()
        .filter_map(|r| r["row"].as_u64())
        .collect();
    assert_eq!(
        rows,
        vec![3, 4],
        "each bad row by its spreadsheet number: {body}"
    );
    assert!(
        body["rows"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.chars().any(|c| ('а'..='я').contains(&c))),
        "the reason is in Russian: {body}"
    );
    assert_eq!(
        students_and_audit(&s).await,
        before,
        "the good row of a refused file is not imported, nor audited"
    );

    for (kind, content_type, bytes, status_wanted, code) in [
        (
            "pupils",
            "text/csv",
            good_csv.clone().into_bytes(),
            400,
            "import_unknown_kind",
        ),
        (
            "students",
            "application/json",
            good_csv.clone().into_bytes(),
            415,
            "import_content_type",
        ),
        (
            "students",
            XLSX_CONTENT_TYPE,
            good_csv.clone().into_bytes(),
            400,
            "import_format_mismatch",
        ),
        (
            "students",
            "text/csv",
            b"\xff\xfe".to_vec(),
            400,
            "import_no_header",
        ),
    ] {
        let (status, body) = send(&s, &admin.token, kind, content_type, bytes).await;
        assert_eq!(
            status, status_wanted,
            "{kind} as {content_type} is refused: {body}"
        );
        assert_eq!(body["code"], code, "{kind} as {content_type}: the code");
        assert!(body["message"].is_string(), "with a message: {body}");
    }
    assert_eq!(
        students_and_audit(&s).await,
        before,
        "refused requests change nothing"
    );

    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/asc_unknown_teachers.xml");
    let xml = std::fs::read(&sample).expect("the aSc fixture is readable");
    let (snap_before, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("snapshot");
    let (status, body) = send(&s, &admin.token, "asc", "text/csv", xml.clone()).await;
    assert_eq!(status, 415, "aSc goes as XML: {body}");
    let (status, body) = send(&s, &admin.token, "asc", "application/xml", xml).await;
    assert_eq!(
        status, 422,
        "an aSc export whose names the institution lacks is refused: {body}"
    );
    assert_eq!(body["code"], "import_asc_incomplete", "the code says why");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("не найдены преподаватели")),
        "the unmatched teachers are listed: {body}"
    );
    let (snap_after, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("snapshot");
    assert_eq!(
        snap_after, snap_before,
        "a refused aSc import changes nothing"
    );

    // A dry run answers what the file would do and changes nothing: data, version, audit.
    let version_before = s
        .storage
        .reference_version(s.snapshot.institution.id)
        .await
        .expect("the version is read");
    let resp = s
        .post("/admin/import/students")
        .query(&[("file", "students.file"), ("dry_run", "true")])
        .bearer_auth(&admin.token)
        .header("content-type", "text/csv")
        .body(good_csv.clone().into_bytes())
        .send()
        .await
        .expect("the dry run reaches the server");
    assert_eq!(
        resp.status().as_u16(),
        200,
        "a dry run of a good file is 200"
    );
    let preview: Value = resp.json().await.expect("the report is JSON");
    assert_eq!(
        preview["applied"], false,
        "a dry run is not applied: {preview}"
    );
    assert_eq!(
        preview["created"], 2,
        "it would add two students: {preview}"
    );
    assert_eq!(
        preview["items"].as_array().map(|i| i
            .iter()
            .filter(|i| i["action"] == "create" && i["entity"] == "Студент")
            .count()),
        Some(2),
        "one «create» item per student: {preview}"
    );
    assert_eq!(
        students_and_audit(&s).await,
        before,
        "a dry run changes no data and writes no audit entry"
    );
    assert_eq!(
        s.storage
            .reference_version(s.snapshot.institution.id)
            .await
            .expect("the version is read"),
        version_before,
        "a dry run leaves reference_version as it was"
    );

    let (status, body) = send(
        &s,
        &admin.token,
        "students",
        "text/csv",
        good_csv.into_bytes(),
    )
    .await;
    assert_eq!(status, 200, "a good CSV imports: {body}");
    assert_eq!(
        (&body["created"], &body["changed"], &body["unchanged"]),
        (
            &preview["created"],
            &preview["changed"],
            &preview["unchanged"]
        ),
        "the real import does what the dry run said: {body}"
    );
    assert_eq!(body["created"], 2, "two students are added: {body}");
    assert_eq!(body["applied"], true, "the reply says the file was applied");
    let (status, body) = send(
        &s,
        &admin.token,
        "students",
        XLSX_CONTENT_TYPE,
        students_xlsx(&group),
    )
    .await;
    assert_eq!(status, 200, "a good XLSX imports: {body}");
    assert_eq!(body["created"], 1, "one student is added: {body}");

    let (snap, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("snapshot");
    assert_eq!(
        snap.students.len(),
        before.0 + 3,
        "the imported students are in the institution"
    );
    assert!(
        snap.students
            .iter()
            .any(|st| st.last_name == "Белова" && st.first_name == "Ксения"),
        "the XLSX student is there by name"
    );
    let report = s.storage.audit_verify().await.expect("audit verify");
    assert!(report.is_intact(), "the chain stays whole: {report:?}");
    assert_eq!(
        report.entries_checked,
        before.1 + 2,
        "each applied import is one audit entry"
    );
    let entries = s
        .storage
        .audit_entries(s.snapshot.institution.id, "import", 10)
        .await
        .expect("the import entries are read");
    assert_eq!(entries.len(), 2, "two imports audited");
    let admin_id = s.user("admin").to_string();
    assert!(
        entries
            .iter()
            .all(|e| e.author_id.as_deref() == Some(admin_id.as_str())),
        "the administrator is the author of each import: {entries:?}"
    );
    assert!(
        entries.iter().any(|e| e.subject.contains("students.file")),
        "the file's name is in the audit: {entries:?}"
    );
}

conformance!(import_over_http_is_all_or_nothing);
