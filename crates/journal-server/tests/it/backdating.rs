//! A device clock set back cannot enter last week's lesson «on its day»: the server does not believe
//! an entry time below what the device had already seen (the server time of the last change it was
//! sent) or done (its previous op), less a tolerance, and judges the op at that floor. Both backends.

use chrono::Duration;

use crate::support::{outcome_name, rejection_code, set_cell, today, Backend, Device, TestServer};

/// «н» in a lesson a week before the demo's today, on a device whose clock says it is that day.
async fn absence_last_week(
    s: &TestServer,
    device: &mut Device,
    seen: u64,
) -> journal_server::dto::OpResult {
    let lesson = s
        .lessons_of("teacher", today() - Duration::days(7))
        .remove(0);
    let student = s.students_of(&lesson)[0];
    let op = device.op_seen(s.during(&lesson), set_cell(lesson.id, student, "н"), seen);
    s.push(device, &[op]).await.remove(0)
}

async fn an_entry_older_than_what_the_device_had_pulled_is_judged_at_the_pull(b: Backend) {
    let s = TestServer::start(b).await;
    let mut classroom = s.device("teacher").await;
    let mut staff_room = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let r = s
        .push_new(
            &mut classroom,
            (s.during(&lesson), set_cell(lesson.id, student, "5")),
        )
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "today's mark is taken");
    let cursor = s.pull_all(&staff_room).await;
    assert!(cursor > 0, "the staff room was sent today's change");
    let r = absence_last_week(&s, &mut staff_room, cursor).await;
    assert_eq!(
        rejection_code(&r),
        "backdating",
        "an absence «entered» last week by a device that had already pulled today's change is a late entry: {:?}",
        r.outcome
    );
}

async fn an_entry_older_than_the_devices_previous_op_is_judged_at_that_op(b: Backend) {
    let s = TestServer::start(b).await;
    let mut pc = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let r = s
        .push_new(
            &mut pc,
            (s.during(&lesson), set_cell(lesson.id, student, "4")),
        )
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "today's mark is taken");
    let r = absence_last_week(&s, &mut pc, 0).await;
    assert_eq!(
        rejection_code(&r),
        "backdating",
        "the device's clock went back a week after its previous op: {:?}",
        r.outcome
    );
}

async fn a_device_that_has_seen_nothing_newer_still_enters_its_own_day(b: Backend) {
    let s = TestServer::start(b).await;
    let mut pc = s.device("teacher").await;
    let r = absence_last_week(&s, &mut pc, 0).await;
    assert_eq!(
        outcome_name(&r),
        "applied",
        "an offline PC's absence typed on the lesson's day, sent a week later, is on time: {:?}",
        r.outcome
    );
}

/// 001 заместитель п. 9 as the policy `allowed_cases`: a cell corrected after the lesson's day is
/// taken only with its reason, which the signed op carries and the audit shows the deputy; 004's
/// strict policy refuses it whatever the reason. The same `check_entry_with_reason` as the app's.
async fn a_correction_after_the_day_is_taken_with_its_reason_where_the_policy_allows(b: Backend) {
    let why = "ошибка ввода: отметка за работу, проверено по тетради";
    for (late_entry, expected) in [
        (journal_core::LateEntry::AllowedCases, "applied"),
        (journal_core::LateEntry::Strict, "correction_forbidden"),
    ] {
        let policy = journal_core::Policy {
            late_entry,
            ..journal_core::Policy::default()
        };
        let s = TestServer::start_with_policy(b, crate::support::test_config(), policy).await;
        let mut pc = s.device("teacher").await;
        let r = absence_last_week(&s, &mut pc, 0).await;
        assert_eq!(outcome_name(&r), "applied", "the absence on its day");
        let lesson = s
            .lessons_of("teacher", today() - Duration::days(7))
            .remove(0);
        let student = s.students_of(&lesson)[0];
        let now = today().and_hms_opt(14, 0, 0).unwrap_or_default();
        let r = s
            .push_new(&mut pc, (now, set_cell(lesson.id, student, "5")))
            .await;
        assert_eq!(
            rejection_code(&r[0]),
            if expected == "applied" {
                "correction_reason_required"
            } else {
                "correction_forbidden"
            },
            "«н» → «5» a week later without a reason ({late_entry:?})"
        );
        let mut with_reason = set_cell(lesson.id, student, "5");
        if let journal_protocol::OpPayload::SetCell { reason, .. } = &mut with_reason {
            *reason = Some(why.into());
        }
        let r = s.push_new(&mut pc, (now, with_reason)).await;
        if expected == "applied" {
            assert_eq!(
                outcome_name(&r[0]),
                "applied",
                "with its reason the correction is taken: {:?}",
                r[0].outcome
            );
            let admin = s.device("admin").await;
            let audit: serde_json::Value = s
                .get("/admin/audit")
                .bearer_auth(&admin.token)
                .query(&[("kind", "op")])
                .send()
                .await
                .expect("the audit query reaches the server")
                .json()
                .await
                .expect("a JSON answer");
            let lines = audit["entries"].as_array().cloned().unwrap_or_default();
            assert!(
                lines.iter().any(|e| e["new"]
                    .as_str()
                    .is_some_and(|n| n == format!("5 (исправление: {why})"))),
                "the deputy reads the value and its reason in the audit: {lines:#?}"
            );
        } else {
            assert_eq!(
                rejection_code(&r[0]),
                expected,
                "004 п. 4.2.1: no reason opens a correction the policy forbids"
            );
        }
    }
}

conformance!(
    a_correction_after_the_day_is_taken_with_its_reason_where_the_policy_allows,
    an_entry_older_than_what_the_device_had_pulled_is_judged_at_the_pull,
    an_entry_older_than_the_devices_previous_op_is_judged_at_that_op,
    a_device_that_has_seen_nothing_newer_still_enters_its_own_day
);
