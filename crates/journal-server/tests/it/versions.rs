//! An older app (and a newer one) is refused with a clear message before the server reads its
//! ops: nothing is applied, nothing is recorded against the ops, the audit chain is unchanged,
//! and the same ops from an updated app are applied as if the refused attempt never happened.

use journal_protocol::{OpOutcome, PROTOCOL_VERSION};
use journal_server::dto::PROTOCOL_HEADER;
use serde_json::{json, Value};

use crate::support::{set_cell, today, Backend, TestServer};

async fn ops_from_an_older_or_newer_app_are_refused_and_leave_no_trace(b: Backend) {
    let s = TestServer::start(b).await;
    let mut dev = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let students = s.students_of(&lesson);
    let ops = vec![
        dev.op(s.during(&lesson), set_cell(lesson.id, students[0], "5")),
        dev.op(s.during(&lesson), set_cell(lesson.id, students[1], "н")),
    ];
    let audit_before = s.storage.audit_verify().await.expect("audit verifies");

    for (version, status, code, words) in [
        // The v1 app knows no UnlockPeriod: it must update before it syncs again.
        (1, 426, "protocol_outdated", "Обновите приложение"),
        (
            PROTOCOL_VERSION - 1,
            426,
            "protocol_outdated",
            "Обновите приложение",
        ),
        (
            PROTOCOL_VERSION + 1,
            400,
            "protocol_unsupported",
            "обновления сервера",
        ),
    ] {
        let requests = [
            s.client
                .post(s.url("/sync/push"))
                .json(&json!({ "ops": ops })),
            s.client
                .get(s.url("/sync/pull"))
                .query(&[("after", 0), ("limit", 100)]),
            s.client.get(s.url("/sync/snapshot")),
        ];
        for req in requests {
            let resp = req
                .header(PROTOCOL_HEADER, version.to_string())
                .bearer_auth(&dev.token)
                .send()
                .await
                .expect("the request reaches the server");
            assert_eq!(
                resp.status().as_u16(),
                status,
                "protocol {version} is refused with {status}"
            );
            let body: Value = resp.json().await.expect("the refusal is JSON");
            assert_eq!(body["code"], code, "the refusal names the cause: {body}");
            assert!(
                body["message"].as_str().is_some_and(|m| m.contains(words)),
                "the message tells the user what to do: {body}"
            );
        }
    }

    let page = s.pull(&dev.token, 0, 100).await;
    assert!(
        page.changes.is_empty(),
        "nothing of the refused pushes was applied"
    );
    let audit_after = s.storage.audit_verify().await.expect("audit verifies");
    assert!(audit_after.is_intact(), "the audit chain verifies");
    assert_eq!(
        audit_after.entries_checked, audit_before.entries_checked,
        "a refused version adds no audit entry"
    );

    // The updated app sends the very same ops: they are new to the server.
    let results = s.push(&dev, &ops).await;
    for r in &results {
        assert!(
            matches!(r.outcome, OpOutcome::Applied { .. }),
            "an op first sent by an outdated app is applied once the app is updated: {r:?}"
        );
    }
    assert_eq!(
        s.pull(&dev.token, 0, 100).await.changes.len(),
        2,
        "each op applied once"
    );
}

conformance!(ops_from_an_older_or_newer_app_are_refused_and_leave_no_trace);
