//! Login slips over `POST /api/v1/admin/logins/slips`: a PDF with one slip per student and parent
//! of the group; the missing accounts are created with unique transliterated logins and must
//! change their password; the password on a slip signs in; a second call re-issues (the first
//! slip's password stops working); the group's curator may, another group's curator and a teacher
//! may not; audited.

use std::collections::HashSet;

use journal_core::Role;
use serde_json::{json, Value};

use crate::support::{today, Backend, TestServer};

async fn slips(s: &TestServer, token: &str, group: &str, who: &str) -> reqwest::Response {
    s.post("/admin/logins/slips")
        .bearer_auth(token)
        .json(&json!({"group_id": group, "who": who}))
        .send()
        .await
        .expect("the slips request reaches the server")
}

/// (login, password) pairs as printed, read back with pdftotext.
fn printed_pairs(pdf: &[u8]) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("slips.pdf");
    std::fs::write(&path, pdf).expect("the PDF is saved");
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let value = |line: &str, label: &str| {
        line.trim()
            .strip_prefix(label)
            .map(|v| v.trim().to_string())
    };
    let mut pairs = Vec::new();
    let mut login = None;
    for line in text.lines() {
        if let Some(l) = value(line, "Логин:") {
            login = Some(l);
        } else if let (Some(p), Some(l)) = (value(line, "Пароль:"), login.take()) {
            pairs.push((l, p));
        }
    }
    pairs
}

async fn login(s: &TestServer, login: &str, password: &str) -> (u16, Value) {
    let resp = s
        .post("/auth/login")
        .json(&json!({"login": login, "password": password, "device_id": uuid::Uuid::new_v4()}))
        .send()
        .await
        .expect("the login reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn login_slips_create_accounts_force_a_change_and_reissue(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let curator_id = s.user("curator");
    let curator_user = s
        .snapshot
        .users
        .iter()
        .find(|u| u.id == curator_id)
        .expect("the demo curator");
    let own = curator_user
        .grants
        .iter()
        .find(|g| g.role == Role::Curator)
        .and_then(|g| g.group_id)
        .expect("the demo curator has a group");
    let other = s
        .snapshot
        .groups
        .iter()
        .find(|g| g.id != own)
        .map(|g| g.id)
        .expect("the demo has another group");
    let members: HashSet<_> = s
        .snapshot
        .memberships
        .iter()
        .filter(|m| m.group_id == own && m.to.is_none_or(|to| to >= today()))
        .map(|m| m.student_id)
        .collect();
    assert!(!members.is_empty(), "the curator's group has students");

    let resp = slips(&s, &admin.token, &own.to_string(), "both").await;
    assert_eq!(resp.status(), 200, "the administrator gets the slips");
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf"),
        "a PDF"
    );
    let pdf = resp.bytes().await.expect("the PDF");
    assert!(pdf.starts_with(b"%PDF"), "the body is a PDF");
    let doc = lopdf::Document::load_mem(&pdf).expect("the PDF parses");
    assert_eq!(
        doc.get_pages().len(),
        (2 * members.len()).div_ceil(4),
        "a slip per student and per parent, four to a page"
    );
    let pairs = printed_pairs(&pdf);
    assert_eq!(
        pairs.len(),
        2 * members.len(),
        "every slip shows a login and a password"
    );

    let users: Value = s
        .get("/admin/users")
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("reaches")
        .json()
        .await
        .expect("the users");
    let users = users["users"].as_array().cloned().unwrap_or_default();
    let logins: Vec<&str> = users.iter().filter_map(|u| u["login"].as_str()).collect();
    let unique: HashSet<&str> = logins.iter().copied().collect();
    assert_eq!(unique.len(), logins.len(), "logins are unique");
    for role in ["student", "parent"] {
        for student in &members {
            let account = users.iter().find(|u| {
                u["grants"].as_array().into_iter().flatten().any(|g| {
                    g["role"] == json!(role) && g["student_id"] == json!(student.to_string())
                })
            });
            let account = account.unwrap_or_else(|| panic!("a {role} account for {student}"));
            assert_eq!(
                account["must_change_password"],
                json!(true),
                "the {role} must change the slip's password: {account}"
            );
            assert!(
                pairs.iter().any(|(l, _)| account["login"] == json!(l)),
                "the {role}'s login is on a slip: {account}"
            );
        }
    }
    for (l, _) in &pairs {
        assert!(
            l.is_ascii() && !l.contains(' '),
            "a login in Latin letters without spaces: {l}"
        );
    }

    let (first_login, first_password) = pairs[0].clone();
    let (status, body) = login(&s, &first_login, &first_password).await;
    assert_eq!(status, 200, "the slip's password signs in: {body}");
    assert_eq!(
        body["user"]["must_change_password"],
        json!(true),
        "and must be changed first"
    );

    // Again: new passwords; the first slips stop working.
    let resp = slips(&s, &admin.token, &own.to_string(), "students").await;
    assert_eq!(resp.status(), 200, "a second call answers");
    let again = printed_pairs(&resp.bytes().await.expect("the PDF"));
    assert_eq!(again.len(), members.len(), "students only this time");
    let (l, p) = again
        .iter()
        .find(|(l, _)| *l == first_login)
        .cloned()
        .expect("the same login is re-issued, not a new account");
    assert_ne!(p, first_password, "a fresh password");
    assert_eq!(
        login(&s, &l, &first_password).await.0,
        401,
        "the old slip no longer signs in"
    );
    assert_eq!(login(&s, &l, &p).await.0, 200, "the new slip signs in");

    let curator = s.device("curator").await;
    let resp = slips(&s, &curator.token, &own.to_string(), "parents").await;
    assert_eq!(
        resp.status(),
        200,
        "the curator issues the own group's slips"
    );
    let resp = slips(&s, &curator.token, &other.to_string(), "students").await;
    assert_eq!(resp.status(), 403, "not another group's");
    let body: Value = resp.json().await.expect("a JSON error");
    assert_eq!(body["code"], json!("forbidden"), "{body}");
    let teacher = s.device("teacher").await;
    let resp = slips(&s, &teacher.token, &own.to_string(), "students").await;
    assert_eq!(resp.status(), 403, "a teacher issues no logins");
    let resp = slips(
        &s,
        &admin.token,
        &uuid::Uuid::new_v4().to_string(),
        "students",
    )
    .await;
    assert_eq!(resp.status(), 404, "an unknown group");

    let audit: Value = s
        .get("/admin/audit")
        .bearer_auth(&admin.token)
        .query(&[("kind", "login_slips")])
        .send()
        .await
        .expect("reaches")
        .json()
        .await
        .expect("the audit");
    assert_eq!(audit["total"], json!(3), "each issue is audited: {audit}");
}

conformance!(login_slips_create_accounts_force_a_change_and_reissue);
