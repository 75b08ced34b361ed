//! The finals' columns of a page: the exam's where the учебный план ends the period with one, the
//! period final on the subject's grading scale, the year final in the year's last period where the
//! policy keeps year finals — each judged by journal_core::check_final_slot before it is recorded.

use crate::fixture::{assert_refused_unchanged, Fixture};
use journal_core::FinalColumn;
use journal_protocol::{AttestationForm, CurriculumLine, Snapshot};

/// Every load of the demo ends every period with `form` in the plan.
fn plan_every_period(snap: &mut Snapshot, form: AttestationForm) {
    let lines: Vec<CurriculumLine> = snap
        .loads
        .iter()
        .flat_map(|l| {
            snap.periods.iter().map(|p| CurriculumLine {
                group_id: l.group_id,
                subject_id: l.subject_id,
                period_id: p.id,
                hours: 36,
                attestation: Some(form),
            })
        })
        .collect();
    // Loads of subgroups share their group's line.
    let mut seen = std::collections::HashSet::new();
    snap.curriculum = lines
        .into_iter()
        .filter(|c| seen.insert((c.group_id, c.subject_id, c.period_id)))
        .collect();
}

#[test]
fn an_exam_in_the_plan_gives_the_page_its_column_and_the_mark_is_kept_beside_the_final() {
    let mut f = Fixture::open_with(|s| plan_every_period(s, AttestationForm::Exam));
    let l = f.lesson_of_day();
    let g = f.journal.grid(l.load_id, None).expect("grid");
    assert_eq!(
        g.exam_column.as_deref(),
        Some("Экзамен"),
        "the plan's exam gives the page an «Экзамен» column"
    );
    assert!(!g.year_column, "no year finals by the default policy");
    let period = g.period.id;
    let student = g.rows[0].student_id;
    let before = f.pending();
    f.journal
        .set_final_in(l.load_id, period, student, FinalColumn::Exam, "5")
        .expect("the exam's mark is taken");
    assert_eq!(f.pending(), before + 1, "one signed op");
    let g = f.journal.grid(l.load_id, Some(period)).expect("grid");
    assert_eq!(g.rows[0].exam_value.as_deref(), Some("5"));
    assert_eq!(
        g.rows[0].final_value, None,
        "the exam's mark is not the period final"
    );
    // The exam's mark alone does not complete the period's finals, nor lock it.
    assert!(!g.locked);
    f.journal
        .set_final_in(l.load_id, period, student, FinalColumn::Exam, "")
        .expect("the exam's mark is cleared");
    let g = f.journal.grid(l.load_id, Some(period)).expect("grid");
    assert_eq!(g.rows[0].exam_value, None);
}

#[test]
fn no_exam_column_without_an_exam_in_the_plan_and_a_final_off_the_scale_is_refused() {
    let mut f = Fixture::open_with(|s| plan_every_period(s, AttestationForm::GradedCredit));
    let l = f.lesson_of_day();
    let g = f.journal.grid(l.load_id, None).expect("grid");
    assert_eq!(
        g.exam_column, None,
        "a дифференцированный зачёт is the period final itself: no exam column"
    );
    let (period, student) = (g.period.id, g.rows[0].student_id);
    assert_refused_unchanged(&mut f, Some(&l), "no_exam_in_period", |j| {
        j.set_final_in(l.load_id, period, student, FinalColumn::Exam, "5")
    });
    // The case: «зачёт» was taken as a final in a five-point subject.
    let err = assert_refused_unchanged(&mut f, Some(&l), "final_off_scale", |j| {
        j.set_final(l.load_id, period, student, "зачёт")
    });
    assert!(
        err.message.contains("пятибалльная"),
        "the refusal names the subject's scale: {}",
        err.message
    );
    assert_refused_unchanged(&mut f, Some(&l), "no_year_final", |j| {
        j.set_final_in(l.load_id, period, student, FinalColumn::Year, "5")
    });
}

#[test]
fn the_year_final_is_suggested_from_the_period_finals_in_the_last_period() {
    let mut f = Fixture::open_with(|s| s.institution.policy.year_finals = true);
    let l = f.lesson_of_day();
    let first = f.journal.grid(l.load_id, None).expect("grid");
    let last = first
        .periods
        .iter()
        .max_by_key(|p| p.ends_on)
        .expect("periods")
        .id;
    assert_ne!(
        first.period.id, last,
        "the demo's today is in the first period"
    );
    assert!(
        !first.year_column,
        "the year's column is on the last period's page only"
    );
    let student = first.rows[0].student_id;
    assert_refused_unchanged(&mut f, Some(&l), "no_year_final", |j| {
        j.set_final_in(l.load_id, first.period.id, student, FinalColumn::Year, "5")
    });
    f.journal
        .set_final(l.load_id, first.period.id, student, "4")
        .expect("first period's final");
    let g = f
        .journal
        .grid(l.load_id, Some(last))
        .expect("last period's page");
    assert!(g.year_column, "the last period's page has «Год»");
    let row = g
        .rows
        .iter()
        .find(|r| r.student_id == student)
        .expect("the student is on the last period's page");
    assert_eq!(
        row.suggested_year, None,
        "no suggestion while a period has no final"
    );
    f.journal
        .set_final(l.load_id, last, student, "5")
        .expect("last period's final");
    let g = f.journal.grid(l.load_id, Some(last)).expect("grid");
    let row = g
        .rows
        .iter()
        .find(|r| r.student_id == student)
        .expect("row");
    assert_eq!(
        row.suggested_year.as_deref(),
        Some("5"),
        "4 and 5 average 4,5, rounded half up"
    );
    f.journal
        .set_final_in(l.load_id, last, student, FinalColumn::Year, "5")
        .expect("the year final is taken");
    let g = f.journal.grid(l.load_id, Some(last)).expect("grid");
    let row = g
        .rows
        .iter()
        .find(|r| r.student_id == student)
        .expect("row");
    assert_eq!(row.year_value.as_deref(), Some("5"));
    assert_eq!(row.final_value.as_deref(), Some("5"));
}
