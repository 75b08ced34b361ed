//! «Листок здоровья» (001 п. 4.12): the curator enters their group's sheet; a teacher of the group
//! reads it (the medical group with it) but cannot change it; a teacher of other groups only is
//! refused; the administrator enters and the deputy reads any group's; a parent reads their own
//! child's line after the diary's consent and no other child's; the student does not see it; bad
//! values are refused with a code and change nothing; the audit names the fields, never the values.

use journal_core::{GroupId, Role, StudentId};
use journal_protocol::Snapshot;
use serde_json::{json, Value};

use crate::support::{today, Backend, Device, TestServer};

async fn put(s: &TestServer, dev: &Device, path: &str, body: Value) -> (u16, Value) {
    s.send(&dev.token, reqwest::Method::PUT, path, body).await
}

/// The logins of teachers with a load in `group` today, and of those with none there (curators of
/// the group left out of both).
fn teachers_by_group(snap: &Snapshot, group: GroupId) -> (Vec<String>, Vec<String>) {
    let day = today();
    let (mut of_group, mut others) = (Vec::new(), Vec::new());
    for u in &snap.users {
        if !u.grants.iter().any(|g| g.role == Role::Teacher) {
            continue;
        }
        if u.grants
            .iter()
            .any(|g| g.role == Role::Curator && g.group_id == Some(group))
        {
            continue;
        }
        let teaches = snap.loads.iter().any(|l| {
            l.teacher_id == u.id
                && l.group_id == group
                && l.from <= day
                && l.to.is_none_or(|t| day <= t)
        });
        if teaches {
            of_group.push(u.login.clone());
        } else {
            others.push(u.login.clone());
        }
    }
    (of_group, others)
}

async fn the_curator_keeps_the_health_sheet_and_teachers_of_the_group_read_it(b: Backend) {
    let s = TestServer::start(b).await;
    let snap = s.snapshot.clone();
    let curator_user = snap
        .users
        .iter()
        .find(|u| u.login == "curator")
        .expect("the demo curator");
    let group = curator_user
        .grants
        .iter()
        .find(|g| g.role == Role::Curator)
        .and_then(|g| g.group_id)
        .expect("the demo curator has a group");
    // The demo parent's child (the demo student) is in the curator's group.
    let child: StudentId = snap
        .users
        .iter()
        .find(|u| u.login == "parent")
        .and_then(|u| u.grants.iter().find_map(|g| g.student_id))
        .expect("the demo parent has a child");
    let classmate = snap
        .memberships
        .iter()
        .find(|m| m.group_id == group && m.student_id != child)
        .map(|m| m.student_id)
        .expect("the group has another student");
    let (of_group, others) = teachers_by_group(&snap, group);
    let group_teacher = of_group.first().expect("a teacher of the curator's group");
    let other_teacher = others.first().expect("a teacher of other groups only");

    let (curator, teacher, outsider, deputy, admin, parent, student) = (
        s.device("curator").await,
        s.device(group_teacher).await,
        s.device(other_teacher).await,
        s.device("deputy").await,
        s.device("admin").await,
        s.device("parent").await,
        s.device("student").await,
    );
    let sheet = format!("/groups/{}/health", group.0);
    let line = format!("/students/{}/health", child.0);

    // Empty at first: every current student of the group, nothing entered, editable by the curator.
    let (st, before) = s.call(&curator.token, &sheet, None).await;
    assert_eq!(st, 200, "the curator opens the group's sheet: {before}");
    let rows = before["students"].as_array().cloned().unwrap_or_default();
    assert!(rows.len() > 1, "the sheet lists the group: {before}");
    assert!(
        rows.iter()
            .all(|r| r["health_group"].is_null() && r["may_edit"] == true),
        "nothing entered yet, the curator may enter every line: {before}"
    );

    let (st, saved) = put(
        &s,
        &curator,
        &line,
        json!({
            "health_group": 3, "pe_group": "special_a", "recommendation": "Не сидеть у окна",
            "note_date": today().to_string(), "valid_until": (today() + chrono::Duration::days(180)).to_string(),
        }),
    )
    .await;
    assert_eq!(st, 200, "the curator enters a line: {saved}");
    assert_eq!(saved["health_group"], 3);
    assert_eq!(saved["pe_group"], "special_a");
    assert_eq!(saved["recommendation"], "Не сидеть у окна");
    assert_eq!(saved["expired"], false);

    // Bad values: a clear code, nothing changed.
    for (body, code) in [
        (json!({"health_group": 6}), "invalid_health_group"),
        (json!({"health_group": 0}), "invalid_health_group"),
        (json!({"pe_group": "лечебная"}), "invalid_pe_group"),
        (json!({"note_date": "01.09.2026"}), "invalid_health_date"),
        (
            json!({"note_date": (today() + chrono::Duration::days(1)).to_string()}),
            "invalid_health_date",
        ),
        (
            json!({"note_date": today().to_string(), "valid_until": (today() - chrono::Duration::days(1)).to_string()}),
            "health_dates_reversed",
        ),
        (
            json!({"recommendation": "окно\u{7}"}),
            "forbidden_character",
        ),
        (
            json!({"recommendation": "а".repeat(501)}),
            "invalid_recommendation",
        ),
    ] {
        let (st, err) = put(&s, &curator, &line, body.clone()).await;
        assert_eq!(
            (st, err["code"].as_str()),
            (400, Some(code)),
            "{body}: {err}"
        );
        assert!(
            err["message"].as_str().is_some_and(|m| !m.is_empty()),
            "a message in words: {err}"
        );
    }
    let (st, after) = s.call(&curator.token, &line, None).await;
    assert_eq!(st, 200, "{after}");
    assert_eq!(
        (after["health_group"].clone(), after["pe_group"].clone()),
        (json!(3), json!("special_a")),
        "refusals changed nothing: {after}"
    );

    // A teacher of the group reads the sheet with the medical group, and cannot change it.
    let (st, seen) = s.call(&teacher.token, &sheet, None).await;
    assert_eq!(st, 200, "{group_teacher} reads their group's sheet: {seen}");
    let row = seen["students"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["student_id"] == json!(child))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        row["pe_group"], "special_a",
        "a teacher of the group sees the medical group: {seen}"
    );
    assert_eq!(row["may_edit"], false, "{seen}");
    let (st, err) = put(&s, &teacher, &line, json!({"health_group": 1})).await;
    assert_eq!(
        (st, err["code"].as_str()),
        (403, Some("health_sheet_edit_forbidden")),
        "a teacher does not enter the sheet: {err}"
    );

    // A teacher of other groups only: refused, and nothing of the sheet in the answer.
    for path in [&sheet, &line] {
        let (st, err) = s.call(&outsider.token, path, None).await;
        assert_eq!(
            (st, err["code"].as_str()),
            (403, Some("health_sheet_forbidden")),
            "{other_teacher} reads no sheet of another group ({path}): {err}"
        );
        assert!(!err.to_string().contains("special_a"), "{err}");
    }
    let (st, _) = put(&s, &outsider, &line, json!({"health_group": 1})).await;
    assert_eq!(st, 403, "{other_teacher} enters nothing");

    // The printable sheet: the curator's PDF; a bad format is refused.
    let resp = s
        .get(&format!("{sheet}?format=pdf"))
        .bearer_auth(&curator.token)
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 200, "the curator prints the sheet");
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let bytes = resp.bytes().await.expect("the PDF's bytes");
    assert!(bytes.starts_with(b"%PDF"), "a PDF document");
    let (st, err) = s
        .call(&curator.token, &format!("{sheet}?format=doc"), None)
        .await;
    assert_eq!(
        (st, err["code"].as_str()),
        (400, Some("invalid_format")),
        "{err}"
    );
    let (st, _) = s
        .call(&outsider.token, &format!("{sheet}?format=pdf"), None)
        .await;
    assert_eq!(st, 403, "{other_teacher} prints no sheet of another group");

    // The administrator enters, the deputy reads.
    let classmate_line = format!("/students/{}/health", classmate.0);
    let (st, saved) = put(
        &s,
        &admin,
        &classmate_line,
        json!({"health_group": 1, "pe_group": "main"}),
    )
    .await;
    assert_eq!(st, 200, "the administrator enters a line: {saved}");
    let (st, seen) = s.call(&deputy.token, &sheet, None).await;
    assert_eq!(st, 200, "the deputy reads the sheet: {seen}");
    let (st, err) = put(&s, &deputy, &line, json!({"health_group": 1})).await;
    assert_eq!(st, 403, "the deputy does not enter it: {err}");

    // The parent: their own child's line after the consent, no other child's, no group sheet.
    let (st, err) = s.call(&parent.token, &line, None).await;
    assert_eq!(
        (st, err["code"].as_str()),
        (403, Some("consent_required")),
        "the diary's consent first: {err}"
    );
    let (_, consent) = s.call(&parent.token, "/diary/consent", None).await;
    let (st, body) = s
        .call(
            &parent.token,
            "/diary/consent",
            Some(json!({"version": consent["version"]})),
        )
        .await;
    assert_eq!(st, 200, "the parent consents: {body}");
    let (st, own) = s.call(&parent.token, &line, None).await;
    assert_eq!(st, 200, "the parent reads their child's line: {own}");
    assert_eq!(own["recommendation"], "Не сидеть у окна");
    assert_eq!(own["may_edit"], false);
    let (st, err) = s.call(&parent.token, &classmate_line, None).await;
    assert_eq!(
        (st, err["code"].as_str()),
        (404, Some("student_not_found")),
        "another child's line does not exist for a parent: {err}"
    );
    let (st, err) = s.call(&parent.token, &sheet, None).await;
    assert_eq!(st, 403, "a parent opens no group sheet: {err}");
    let (st, _) = put(&s, &parent, &line, json!({"health_group": 1})).await;
    assert_eq!(st, 403, "a parent enters nothing");

    // The student sees neither their own line nor the group's.
    let (st, err) = s.call(&student.token, &line, None).await;
    assert_eq!(st, 404, "the student does not read the sheet: {err}");
    let (st, err) = s.call(&student.token, &sheet, None).await;
    assert_eq!(st, 403, "{err}");

    // The audit: one entry per change, naming the fields, never the values.
    let (st, audit) = s
        .call(&admin.token, "/admin/audit?kind=health_sheet_changed", None)
        .await;
    assert_eq!(st, 200, "{audit}");
    let text = audit.to_string();
    assert!(
        text.contains("медицинская группа"),
        "the audit names the changed fields in words: {text}"
    );
    assert!(
        !text.contains("окна") && !text.contains("special_a"),
        "the audit keeps no health data: {text}"
    );
}

conformance!(the_curator_keeps_the_health_sheet_and_teachers_of_the_group_read_it);
