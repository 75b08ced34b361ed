//! успеваемость % and качество % over students' period finals.
//!
//! 001 Приложение, заместитель п. 13: «количество итоговых оценок за отчетный период (не ниже «3» -
//! «удовлетворительно») / количество обучающихся в группе X 100%». Per student over all subjects this is
//! DESIGN.md's formula: успеваемость % = students whose finals are all ≥ 3 / students × 100;
//! качество % = students whose finals are all ≥ 4 / students × 100.
//!
//! How the non-mark finals count (the regulations list зачёт/незачёт, 001 п. 4.10, and отсрочка,
//! «Преподаватель» п. 12, but do not say how they enter the formulas):
//! * зачёт — a pass: counts as «не ниже 3» for успеваемость and does not spoil качество (a pass/fail
//!   subject cannot give a 4);
//! * незачёт and н/а — not a pass: the student is not successful and not of quality;
//! * отсрочка — not yet assessed: the student stays in the denominator («количество обучающихся в
//!   группе») but not in the numerator, since there is no final «не ниже 3» yet; [`Summary`] reports
//!   deferred students separately so a report can say so;
//! * a student with no final at all is not successful (nothing «не ниже 3»).
//!
//! Both percents are `None` for no students (0 / 0 is no figure).

use crate::FinalValue;
use serde::{Deserialize, Serialize};

/// Whether a final counts as «не ниже 3».
pub fn is_satisfactory(f: &FinalValue) -> bool {
    match f {
        FinalValue::Mark { value } => value.get() >= 3,
        FinalValue::Pass => true,
        FinalValue::Fail | FinalValue::NotAttested | FinalValue::Deferred => false,
    }
}

/// Whether a final counts for качество (4 or 5; зачёт does not spoil it).
pub fn is_good(f: &FinalValue) -> bool {
    match f {
        FinalValue::Mark { value } => value.get() >= 4,
        FinalValue::Pass => true,
        FinalValue::Fail | FinalValue::NotAttested | FinalValue::Deferred => false,
    }
}

fn percent<S: AsRef<[FinalValue]>>(
    students: &[S],
    ok: impl Fn(&FinalValue) -> bool,
) -> Option<f64> {
    if students.is_empty() {
        return None;
    }
    let good = students
        .iter()
        .map(AsRef::as_ref)
        .filter(|finals| !finals.is_empty() && finals.iter().all(&ok))
        .count();
    Some(good as f64 * 100.0 / students.len() as f64)
}

/// успеваемость %: students whose finals are all «не ниже 3» / all students × 100.
/// `students` holds each student's finals (one per subject) for the period.
pub fn success_percent<S: AsRef<[FinalValue]>>(students: &[S]) -> Option<f64> {
    percent(students, is_satisfactory)
}

/// качество %: students whose finals are all 4 or 5 (or зачёт) / all students × 100.
pub fn quality_percent<S: AsRef<[FinalValue]>>(students: &[S]) -> Option<f64> {
    percent(students, is_good)
}

/// The counts behind the percents, for a report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub students: usize,
    /// All finals «не ниже 3».
    pub successful: usize,
    /// All finals 4 or 5 (or зачёт).
    pub quality: usize,
    /// At least one 2 or незачёт.
    pub failing: usize,
    /// At least one н/а.
    pub not_attested: usize,
    /// At least one отсрочка.
    pub deferred: usize,
    pub success_percent: Option<f64>,
    pub quality_percent: Option<f64>,
}

/// Counts a group's finals for a report.
pub fn summarize<S: AsRef<[FinalValue]>>(students: &[S]) -> Summary {
    let count =
        |pred: &dyn Fn(&[FinalValue]) -> bool| students.iter().filter(|s| pred(s.as_ref())).count();
    Summary {
        students: students.len(),
        successful: count(&|f| !f.is_empty() && f.iter().all(is_satisfactory)),
        quality: count(&|f| !f.is_empty() && f.iter().all(is_good)),
        failing: count(&|f| {
            f.iter()
                .any(|x| matches!(x, FinalValue::Fail) || x.mark().is_some_and(|m| m.get() < 3))
        }),
        not_attested: count(&|f| f.contains(&FinalValue::NotAttested)),
        deferred: count(&|f| f.contains(&FinalValue::Deferred)),
        success_percent: success_percent(students),
        quality_percent: quality_percent(students),
    }
}

/// Timeliness of filling, % (001 заместитель п. 13: «отчетности о полноте и своевременности заполнения
/// ЭЖ»): obligations done in time / obligations already due × 100. Not yet due and still pending ones
/// are left out; `None` when nothing is due.
pub fn timeliness_percent(statuses: &[crate::DeadlineStatus]) -> Option<f64> {
    use crate::DeadlineStatus as S;
    let due = statuses
        .iter()
        .filter(|s| matches!(s, S::DoneInTime | S::DoneLate | S::Overdue { .. }))
        .count();
    let in_time = statuses.iter().filter(|s| **s == S::DoneInTime).count();
    (due > 0).then(|| in_time as f64 * 100.0 / due as f64)
}

/// Completeness of filling, %: obligations done (in time or late) / obligations already due × 100.
pub fn completeness_percent(statuses: &[crate::DeadlineStatus]) -> Option<f64> {
    use crate::DeadlineStatus as S;
    let due = statuses
        .iter()
        .filter(|s| matches!(s, S::DoneInTime | S::DoneLate | S::Overdue { .. }))
        .count();
    let done = statuses
        .iter()
        .filter(|s| matches!(s, S::DoneInTime | S::DoneLate))
        .count();
    (due > 0).then(|| done as f64 * 100.0 / due as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_final, MarkValue};
    use proptest::prelude::*;

    fn f(s: &[&str]) -> Vec<FinalValue> {
        s.iter()
            .map(|x| parse_final(x).expect("valid final"))
            .collect()
    }

    #[test]
    fn formulas_on_a_small_group() {
        // 001 заместитель п. 13: «количество итоговых оценок за отчетный период (не ниже «3») /
        // количество обучающихся в группе X 100%».
        let group = vec![
            f(&["5", "5", "зачёт"]),   // successful, quality
            f(&["4", "3", "зачёт"]),   // successful
            f(&["5", "2", "зачёт"]),   // failing
            f(&["4", "4", "незачёт"]), // failing
        ];
        assert_eq!(
            success_percent(&group),
            Some(50.0),
            "001 п. 13: 2 of 4 students have all finals ≥ 3"
        );
        assert_eq!(
            quality_percent(&group),
            Some(25.0),
            "1 of 4 students has all finals ≥ 4"
        );
        let s = summarize(&group);
        assert_eq!(
            (s.successful, s.quality, s.failing),
            (2, 1, 2),
            "summary counts"
        );
    }

    #[test]
    fn non_mark_finals() {
        let group = vec![
            f(&["5", "отсрочка"]),
            f(&["5", "н/а"]),
            f(&["зачёт"]),
            vec![],
        ];
        assert_eq!(success_percent(&group), Some(25.0),
            "001 «Преподаватель» п. 12: a deferred student is not yet successful but stays in «количество обучающихся»");
        let s = summarize(&group);
        assert_eq!(
            (s.deferred, s.not_attested, s.students),
            (1, 1, 4),
            "deferred and н/а reported apart"
        );
        assert_eq!(
            quality_percent(&group),
            Some(25.0),
            "зачёт does not spoil качество"
        );
        let none: Vec<Vec<FinalValue>> = vec![];
        assert_eq!(success_percent(&none), None, "no students: no figure");
    }

    #[test]
    fn filling_timeliness_and_completeness() {
        // 001 заместитель п. 13: «отчетности о полноте и своевременности заполнения ЭЖ/ЭД».
        use crate::DeadlineStatus as S;
        let due = chrono::NaiveDate::from_ymd_opt(2026, 10, 5)
            .and_then(|d| d.and_hms_opt(23, 59, 59))
            .expect("valid");
        let st = [
            S::DoneInTime,
            S::DoneLate,
            S::Overdue { due },
            S::Pending { due },
            S::NotDue,
            S::DoneInTime,
        ];
        assert_eq!(timeliness_percent(&st), Some(50.0), "2 in time of 4 due");
        assert_eq!(completeness_percent(&st), Some(75.0), "3 done of 4 due");
        assert_eq!(
            timeliness_percent(&[S::NotDue]),
            None,
            "nothing due: no figure"
        );
    }

    proptest! {
        // The two formulas together: качество ≤ успеваемость, both within 0..=100.
        #[test]
        fn quality_never_exceeds_success(group in prop::collection::vec(
            prop::collection::vec(prop_oneof![
                (2u8..=5).prop_map(|m| FinalValue::Mark { value: MarkValue::new(m).expect("2..=5") }),
                Just(FinalValue::Pass), Just(FinalValue::Fail), Just(FinalValue::NotAttested), Just(FinalValue::Deferred),
            ], 0..6), 1..30)) {
            let s = success_percent(&group).expect("students present");
            let q = quality_percent(&group).expect("students present");
            prop_assert!((0.0..=100.0).contains(&s) && (0.0..=100.0).contains(&q), "percents in range");
            prop_assert!(q <= s, "качество {q} ≤ успеваемость {s}");
        }
    }
}
