//! The finals' columns on the server: an exam's mark goes into its own column only where the
//! учебный план ends the period with an exam, every final fits the subject's grading scale, and a
//! year final only in the year's last period where the policy keeps year finals — the same
//! journal_core::check_final_slot the app applies, on both backends.

use crate::support::{outcome_name, rejection_code, today, Backend, TestServer};
use journal_core::{FinalColumn, FinalValue, MarkValue};
use journal_protocol::{AttestationForm, CurriculumLine, OpPayload};

fn five() -> Option<FinalValue> {
    Some(FinalValue::Mark {
        value: MarkValue::new(5).expect("a valid mark"),
    })
}

async fn an_exam_mark_is_kept_in_its_column_where_the_plan_has_an_exam(b: Backend) {
    let probe = TestServer::start(b).await;
    let lesson = probe.lessons_of("teacher", today()).remove(0);
    let load = probe.load(lesson.load_id).clone();
    let mut periods = probe.snapshot.periods.clone();
    periods.sort_by_key(|p| p.starts_on);
    let current = periods
        .iter()
        .find(|p| p.starts_on <= today() && today() <= p.ends_on)
        .expect("today is in a period")
        .clone();
    let other = periods
        .iter()
        .find(|p| p.id != current.id)
        .expect("a second period")
        .clone();
    drop(probe);
    let s = TestServer::start_edited(b, crate::support::test_config(), |snap| {
        snap.curriculum.push(CurriculumLine {
            group_id: load.group_id,
            subject_id: load.subject_id,
            period_id: current.id,
            hours: 36,
            attestation: Some(AttestationForm::Exam),
        });
        snap.institution.policy.year_finals = true;
    })
    .await;
    let mut dev = s.device("teacher").await;
    let student = s.students_of(&lesson)[0];
    let t = s.during(&lesson);
    let final_in = |period_id, column, value| OpPayload::SetFinal {
        load_id: load.id,
        period_id,
        student_id: student,
        column,
        value,
    };
    let r = s
        .push_new(
            &mut dev,
            (t, final_in(current.id, FinalColumn::Exam, five())),
        )
        .await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "the plan's exam takes a mark: {r:?}"
    );
    let r = s
        .push_new(&mut dev, (t, final_in(other.id, FinalColumn::Exam, five())))
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "no_exam_in_period",
        "no exam in the other period's plan: refused as the app refuses it"
    );
    let r = s
        .push_new(
            &mut dev,
            (
                t,
                final_in(current.id, FinalColumn::Period, Some(FinalValue::Pass)),
            ),
        )
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "final_off_scale",
        "«зачёт» in a five-point subject is refused"
    );
    let last = periods.last().expect("periods").id;
    let first = periods.first().expect("periods").id;
    let r = s
        .push_new(&mut dev, (t, final_in(first, FinalColumn::Year, five())))
        .await;
    assert_eq!(
        rejection_code(&r[0]),
        "no_year_final",
        "the year final belongs to the last period"
    );
    let r = s
        .push_new(&mut dev, (t, final_in(last, FinalColumn::Year, five())))
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "the year final: {r:?}");
    // The period final is a value of its own beside the exam's mark.
    let r = s
        .push_new(
            &mut dev,
            (t, final_in(current.id, FinalColumn::Period, five())),
        )
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "the period final: {r:?}");

    let (snap, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("snapshot");
    let mine: Vec<_> = snap
        .finals
        .iter()
        .filter(|f| f.load_id == load.id && f.student_id == student)
        .map(|f| (f.period_id, f.column))
        .collect();
    for want in [
        (current.id, FinalColumn::Exam),
        (current.id, FinalColumn::Period),
        (last, FinalColumn::Year),
    ] {
        assert!(mine.contains(&want), "{want:?} is kept: {mine:?}");
    }
    // Another device pulls the exam's mark into its column, not over the period final.
    let other_dev = s.device("teacher").await;
    let page = s.pull(&other_dev.token, 0, 1000).await;
    let exam_changes = page
        .changes
        .iter()
        .filter(|c| {
            matches!(
                c.payload,
                OpPayload::SetFinal {
                    column: FinalColumn::Exam,
                    ..
                }
            )
        })
        .count();
    assert_eq!(
        exam_changes, 1,
        "the pull carries the exam's mark with its column"
    );
    let report = s.storage.audit_verify().await;
    assert!(
        report.as_ref().is_ok_and(|r| r.problems.is_empty()),
        "the audit chain and the stored values verify with the new columns: {report:?}"
    );
}

conformance!(an_exam_mark_is_kept_in_its_column_where_the_plan_has_an_exam);
