//! Device clocks far from the server's: a push whose device clock is late is accepted but flagged in
//! the audit, and the deputy (not a teacher) sees the flag with the device, the skew and the ops.

use journal_protocol::DEVICE_CLOCK_HEADER;
use journal_server::clock_routes::ClockSkewReport;
use serde_json::json;

use crate::support::{outcome_name, set_cell, today, Backend, TestServer};

async fn a_late_device_clock_is_flagged_for_the_deputy(b: Backend) {
    let s = TestServer::start(b).await;
    let mut laptop = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let students = s.students_of(&lesson);
    // The server's clock: today 15:00 UTC = 18:00 in Moscow. The laptop's clock says 16:00.
    let late = today().and_hms_opt(16, 0, 0).unwrap_or_default();
    let right = today().and_hms_opt(18, 1, 0).unwrap_or_default();
    let token = laptop.token.clone();
    let push_at = |clock: chrono::NaiveDateTime, ops: Vec<journal_protocol::Op>| {
        s.post("/sync/push")
            .bearer_auth(&token)
            .header(
                DEVICE_CLOCK_HEADER,
                clock.format("%Y-%m-%dT%H:%M:%S").to_string(),
            )
            .json(&json!({ "ops": ops }))
            .send()
    };
    let op = laptop.op(s.during(&lesson), set_cell(lesson.id, students[0], "5"));
    let op_id = op.op_id;
    let resp = push_at(late, vec![op])
        .await
        .expect("the push reaches the server");
    assert_eq!(resp.status(), 200, "a late clock does not stop the push");
    let body: journal_protocol::PushResponse = resp.json().await.expect("a push reply");
    assert_eq!(
        outcome_name(&body.results[0]),
        "applied",
        "the op itself is judged as any other: {:?}",
        body.results[0]
    );
    let op2 = laptop.op(s.during(&lesson), set_cell(lesson.id, students[1], "4"));
    let resp = push_at(right, vec![op2])
        .await
        .expect("the push reaches the server");
    assert_eq!(resp.status(), 200, "a push with a right clock is answered");

    let deputy = s.device("deputy").await;
    let resp = s
        .get("/admin/clock-skews")
        .bearer_auth(&deputy.token)
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(resp.status(), 200, "the deputy may see the clock flags");
    let report: ClockSkewReport = resp.json().await.expect("a clock report");
    assert_eq!(
        report.flags.len(),
        1,
        "only the push with the late clock is flagged: {report:?}"
    );
    let flag = &report.flags[0];
    assert_eq!(
        flag.skew_seconds,
        -2 * 3600,
        "the skew is the device's clock minus the server's local time"
    );
    assert_eq!(
        flag.device_id.as_deref(),
        Some(laptop.id.to_string().as_str()),
        "the flag names the device"
    );
    assert_eq!(
        flag.op_ids,
        vec![op_id.to_string()],
        "the flag names the ops whose entry times are by that clock"
    );

    let resp = s
        .get("/admin/clock-skews")
        .bearer_auth(&laptop.token)
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(
        resp.status(),
        403,
        "a teacher does not see the institution's flags"
    );

    let audit = s.storage.audit_verify().await.expect("the audit is read");
    assert!(
        audit.is_intact(),
        "the flag is part of a verifying audit chain: {audit:?}"
    );
}

conformance!(a_late_device_clock_is_flagged_for_the_deputy);
