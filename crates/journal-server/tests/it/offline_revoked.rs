//! A device that was offline while the institution changed: a load it wrote into was reassigned to
//! another teacher and a period it wrote into was locked. Its ops, pushed afterwards, come back as
//! refusals with codes (never applied, never lost), its other ops apply, its chain goes on, the same
//! answers come back when the push is retried, and the refusals are in the audit.

use chrono::NaiveDateTime;
use journal_core::{LessonId, StudentId};
use journal_protocol::{Lesson, OpPayload};
use journal_server::storage::AdminAction;
use serde_json::json;

use crate::support::{outcome_name, rejection_code, set_cell, today, Backend, TestServer};

/// Up to `n` lessons of `login` of different loads, newest first, each with a student whose cell
/// is still empty (so a mark there is a plain new entry, not a conflict with the demo history).
fn lessons_of_distinct_loads(
    s: &TestServer,
    login: &str,
    n: usize,
) -> Vec<(Lesson, StudentId, NaiveDateTime)> {
    let mut out: Vec<(Lesson, StudentId, NaiveDateTime)> = Vec::new();
    let mut date = today();
    for _ in 0..30 {
        for lesson in s.lessons_of(login, date) {
            if out.iter().any(|(l, _, _)| l.load_id == lesson.load_id) {
                continue;
            }
            let taken = |lid: LessonId, sid: StudentId| {
                s.snapshot
                    .cells
                    .iter()
                    .any(|c| c.lesson_id == lid && c.student_id == sid)
            };
            if let Some(student) = s
                .students_of(&lesson)
                .into_iter()
                .find(|sid| !taken(lesson.id, *sid))
            {
                let at = s.during(&lesson);
                out.push((lesson, student, at));
            }
            if out.len() == n {
                return out;
            }
        }
        date = date.pred_opt().unwrap_or(date);
    }
    out
}

async fn ops_made_offline_before_a_reassignment_and_a_lock_are_refused_with_codes(b: Backend) {
    let s = TestServer::start(b).await;
    let mut laptop = s.device("teacher").await;
    let mut school_pc = s.device("teacher").await;
    let mut picked = lessons_of_distinct_loads(&s, "teacher", 3);
    // The laptop records them in the order the lessons were held, as a teacher fills them (its
    // clock never goes back along its chain).
    picked.sort_by_key(|(_, _, at)| *at);
    assert_eq!(
        picked.len(),
        3,
        "the demo teacher has lessons of three loads in the last weeks"
    );
    let (reassigned, locked, untouched) = (&picked[0], &picked[1], &picked[2]);

    // Offline on the laptop: one mark in each load (sealed into the device's chain, not sent).
    let offline = vec![
        laptop.op(reassigned.2, set_cell(reassigned.0.id, reassigned.1, "5")),
        laptop.op(locked.2, set_cell(locked.0.id, locked.1, "4")),
        laptop.op(untouched.2, set_cell(untouched.0.id, untouched.1, "3")),
    ];

    // Meanwhile: the administration gives the first load to teacher2 …
    let mut snapshot = s.snapshot.clone();
    let teacher2 = s.user("teacher2");
    for load in snapshot
        .loads
        .iter_mut()
        .filter(|l| l.id == reassigned.0.load_id)
    {
        load.teacher_id = teacher2;
    }
    let now = today().and_hms_opt(12, 0, 0).unwrap_or_default();
    s.storage
        .apply_reference(
            snapshot.clone(),
            AdminAction {
                institution_id: snapshot.institution.id,
                kind: "load_reassigned".into(),
                author_id: Some(s.user("admin")),
                device_id: None,
                subject: reassigned.0.load_id.to_string(),
                detail: json!({"teacher_id": teacher2}),
            },
            now,
        )
        .await
        .expect("the administration reassigns the load");
    // … and the teacher, at school, locks the period of the second load.
    let period = s
        .snapshot
        .periods
        .iter()
        .find(|p| p.starts_on <= locked.0.date && locked.0.date <= p.ends_on)
        .expect("the lesson is in a period")
        .id;
    s.finals_for_everyone(&mut school_pc, locked.0.load_id, period, locked.2)
        .await;
    let r = s
        .push_new(
            &mut school_pc,
            (
                locked.2,
                OpPayload::LockPeriod {
                    load_id: locked.0.load_id,
                    period_id: period,
                },
            ),
        )
        .await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "the teacher locks the period from the school PC"
    );

    // The laptop comes back online and pushes what it made offline.
    let results = s.push(&laptop, &offline).await;
    assert_eq!(
        rejection_code(&results[0]),
        "forbidden",
        "a mark in a load that is no longer the teacher's is refused with a code: {:?}",
        results[0]
    );
    assert_eq!(
        rejection_code(&results[1]),
        "period_locked",
        "a mark in a period locked meanwhile is refused with a code: {:?}",
        results[1]
    );
    assert_eq!(
        outcome_name(&results[2]),
        "applied",
        "the mark in the untouched load is applied: {:?}",
        results[2]
    );

    // The refusals do not break the device's chain: its next op is accepted.
    let r = s
        .push_new(
            &mut laptop,
            (untouched.2, set_cell(untouched.0.id, untouched.1, "4")),
        )
        .await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "after refusals the device's next op is taken: {:?}",
        r[0]
    );

    // A retry (a lost reply) gets the same refusals back: the device keeps showing them.
    let again = s.push(&laptop, &offline).await;
    for (first, second) in results.iter().take(2).zip(&again) {
        assert_eq!(
            first, second,
            "a retried refused op gets its stored refusal again, not a new decision"
        );
    }

    // Nothing of the refused ops reached other devices.
    let reader = s.device("teacher2").await;
    let page = s.pull(&reader.token, 0, 1000).await;
    let refused_ids = [offline[0].op_id, offline[1].op_id];
    assert!(
        page.changes.iter().all(|c| !refused_ids.contains(&c.op_id)),
        "a refused op is never a change anyone pulls"
    );

    // The refusals are in the audit chain, which still verifies.
    let report = s.storage.audit_verify().await.expect("the audit is read");
    assert!(report.is_intact(), "the audit chain verifies: {report:?}");
    // Counted with an update that writes every value back unchanged (the helper reports rows
    // touched on both backends); the chain is checked again after it.
    let audited = s
        .tamper(&format!(
            "UPDATE audit SET kind = kind WHERE kind = 'op_rejected' AND subject IN ('{}', '{}')",
            refused_ids[0], refused_ids[1]
        ))
        .await;
    assert_eq!(
        audited, 2,
        "each refused op is in the audit once (the retry adds no second entry)"
    );
    let report = s.storage.audit_verify().await.expect("the audit is read");
    assert!(report.is_intact(), "counting changed nothing: {report:?}");
}

conformance!(ops_made_offline_before_a_reassignment_and_a_lock_are_refused_with_codes);
