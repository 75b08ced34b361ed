//! успеваемость % and качество % over students' period finals.

use crate::FinalValue;

fn percent<S: AsRef<[FinalValue]>>(
    students: &[S],
    ok: impl Fn(&FinalValue) -> bool,
) -> Option<f64> {
    if students.is_empty() {
        return None;
    }
    let good = students
        .iter()
        .filter(|s| s.as_ref().iter().all(&ok))
        .count();
    Some(good as f64 * 100.0 / students.len() as f64)
}

/// успеваемость %: students whose finals are all ≥ 3 (or зачёт) / all students × 100.
pub fn success_percent<S: AsRef<[FinalValue]>>(students: &[S]) -> Option<f64> {
    percent(students, |f| match f {
        FinalValue::Mark { value } => value.get() >= 3,
        FinalValue::Pass => true,
        FinalValue::Fail | FinalValue::NotAttested | FinalValue::Deferred => false,
    })
}

/// качество %: students whose finals are all ≥ 4 (or зачёт) / all students × 100.
pub fn quality_percent<S: AsRef<[FinalValue]>>(students: &[S]) -> Option<f64> {
    percent(students, |f| match f {
        FinalValue::Mark { value } => value.get() >= 4,
        FinalValue::Pass => true,
        FinalValue::Fail | FinalValue::NotAttested | FinalValue::Deferred => false,
    })
}
