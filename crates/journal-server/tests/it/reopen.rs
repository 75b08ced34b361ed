//! Reopening a locked period for a correction (DESIGN "Locks"; 001 Приложение, заместитель п. 9):
//! only a deputy, only where the policy lets deputies edit, with a reason kept in the change and the
//! audit entry; the teacher then corrects and locks again. On both storage backends.

use journal_core::{FinalValue, LoadId, MarkValue, PeriodId, Policy, StudentId};
use journal_protocol::{Lesson, OpPayload};
use serde_json::Value;

use crate::support::{
    outcome_name, rejection_code, set_cell, test_config, today, Backend, Device, TestServer,
};

/// Deputies may edit (and so reopen) and corrections are allowed cases, as in 001.
fn lenient() -> Policy {
    Policy {
        deputy_may_edit: true,
        late_entry: journal_core::LateEntry::AllowedCases,
        ..Policy::default()
    }
}

struct Locked {
    teacher: Device,
    lesson: Lesson,
    student: StudentId,
    period: PeriodId,
}

fn final_of(load_id: LoadId, period_id: PeriodId, student_id: StudentId, v: u8) -> OpPayload {
    OpPayload::SetFinal {
        load_id,
        period_id,
        student_id,
        column: Default::default(),
        value: MarkValue::new(v)
            .ok()
            .map(|value| FinalValue::Mark { value }),
    }
}

fn unlock(load_id: LoadId, period_id: PeriodId, reason: &str) -> OpPayload {
    OpPayload::UnlockPeriod {
        load_id,
        period_id,
        reason: reason.into(),
    }
}

/// The teacher sets a final in today's period and locks it; a correction is then refused.
async fn lock_current_period(s: &TestServer) -> Locked {
    let mut teacher = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let t = s.during(&lesson);
    let period = s
        .snapshot
        .periods
        .iter()
        .find(|p| p.starts_on <= today() && today() <= p.ends_on)
        .expect("today is in a period")
        .id;
    let r = s
        .push_new(
            &mut teacher,
            (t, final_of(lesson.load_id, period, student, 5)),
        )
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "the teacher sets a final");
    s.finals_for_everyone(&mut teacher, lesson.load_id, period, t)
        .await;
    let lock = OpPayload::LockPeriod {
        load_id: lesson.load_id,
        period_id: period,
    };
    let r = s.push_new(&mut teacher, (t, lock)).await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "the teacher locks the period"
    );
    let r = s
        .push_new(
            &mut teacher,
            (t, final_of(lesson.load_id, period, student, 4)),
        )
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "period_locked",
        "before a reopening the locked period refuses the teacher's correction"
    );
    Locked {
        teacher,
        lesson,
        student,
        period,
    }
}

async fn under_the_strict_policy_nobody_reopens_a_locked_period(b: Backend) {
    let s = TestServer::start(b).await;
    let mut l = lock_current_period(&s).await;
    let mut deputy = s.device("deputy").await;
    let t = s.during(&l.lesson);
    let r = s
        .push_new(
            &mut deputy,
            (t, unlock(l.lesson.load_id, l.period, "ошибка в итоговой")),
        )
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "forbidden",
        "000 п. 3.3: by default deputies have no right to edit, so no reopening"
    );
    let r = s
        .push_new(&mut l.teacher, (t, set_cell(l.lesson.id, l.student, "4")))
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "period_locked",
        "the refused reopening left the period locked"
    );
}

async fn a_deputy_reopens_with_a_reason_and_the_teacher_corrects_and_locks_again(b: Backend) {
    let s = TestServer::start_with_policy(b, test_config(), lenient()).await;
    let mut l = lock_current_period(&s).await;
    let (load, period) = (l.lesson.load_id, l.period);
    let t = s.during(&l.lesson);
    let mut deputy = s.device("deputy").await;

    let r = s
        .push_new(&mut l.teacher, (t, unlock(load, period, "хочу исправить")))
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "forbidden",
        "001 «Преподаватель» п. 5: the teacher cannot reopen their own locked period"
    );
    let r = s
        .push_new(&mut deputy, (t, unlock(load, period, "  ")))
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "correction_reason_required",
        "a reopening without a reason is refused"
    );
    let reason = "ошибка в итоговой отметке, служебная записка №12";
    let r = s
        .push_new(&mut deputy, (t, unlock(load, period, reason)))
        .await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "001 заместитель п. 9: the deputy reopens where the policy lets deputies edit"
    );
    let r = s
        .push_new(&mut deputy, (t, unlock(load, period, reason)))
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "period_not_locked",
        "reopening a period that is not locked is refused with its own code"
    );

    // A device signing in now gets the reopening in its snapshot.
    let (snap, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("the snapshot reads");
    let open: Vec<_> = snap
        .reopenings
        .iter()
        .map(|r| (r.load_id, r.period_id, r.reason.as_str(), r.reopened_by))
        .collect();
    assert_eq!(
        open,
        vec![(load, period, reason, deputy.user_id)],
        "the snapshot names the reopened period, its reason and the deputy"
    );

    // The teacher's device pulls the reopening, with its reason and who reopened.
    let page = s.pull(&l.teacher.token, 0, 1000).await;
    let reopening = page
        .changes
        .iter()
        .find(|c| matches!(c.payload, OpPayload::UnlockPeriod { .. }))
        .expect("the teacher pulls the reopening of their load's period");
    assert_eq!(
        reopening.payload,
        unlock(load, period, reason),
        "the pulled reopening names the period and carries the reason"
    );
    assert_eq!(
        reopening.author_id, deputy.user_id,
        "the pulled reopening names the deputy"
    );

    let r = s
        .push_new(&mut l.teacher, (t, final_of(load, period, l.student, 4)))
        .await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "the teacher's correction of the final in the reopened period is accepted"
    );
    let r = s
        .push_new(&mut l.teacher, (t, set_cell(l.lesson.id, l.student, "5")))
        .await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "a mark in the reopened period is accepted"
    );
    let lock = OpPayload::LockPeriod {
        load_id: load,
        period_id: period,
    };
    let r = s.push_new(&mut l.teacher, (t, lock)).await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "the teacher locks the corrected period again"
    );
    let (snap, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("the snapshot reads");
    assert!(
        snap.reopenings.is_empty(),
        "a period locked again is no longer reopened in the snapshot: {:?}",
        snap.reopenings
    );
    let r = s
        .push_new(&mut l.teacher, (t, final_of(load, period, l.student, 3)))
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "period_locked",
        "once locked again, the period refuses edits"
    );

    // The audit keeps the reason with the applied reopening.
    let entries = s
        .storage
        .audit_entries(s.snapshot.institution.id, "op", 1000)
        .await
        .expect("the audit entries read");
    let logged = entries
        .iter()
        .filter_map(|e| serde_json::from_str::<Value>(&e.detail).ok())
        .find(|d| d["payload"]["kind"] == "unlock_period" && d["outcome"]["outcome"] == "applied")
        .expect("the applied reopening has an audit entry");
    assert_eq!(
        logged["payload"]["reason"], reason,
        "the audit entry keeps the reason of the reopening: {logged}"
    );
    assert!(
        s.storage
            .audit_verify()
            .await
            .expect("audit verifies")
            .is_intact(),
        "the audit chain stays intact"
    );
}

conformance!(
    under_the_strict_policy_nobody_reopens_a_locked_period,
    a_deputy_reopens_with_a_reason_and_the_teacher_corrects_and_locks_again
);
