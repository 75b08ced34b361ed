//! Membership of a student in a group with dates (enrolled, transferred, withdrawn — 001 Приложение,
//! заместитель п. 16: «отражение движения обучающихся (перевод из одной группы в другую, выбытие)»).
//! The journal shows a student, and accepts entries for them, only for lessons inside a membership;
//! the old group keeps the student's history.

use crate::RuleError;
use chrono::NaiveDate;

/// Whether a membership from `from` to `to` (inclusive; `None` = still a member) covers `date`.
pub fn is_member_on(date: NaiveDate, from: NaiveDate, to: Option<NaiveDate>) -> bool {
    from <= date && to.is_none_or(|t| date <= t)
}

/// Whether a membership overlaps a period (for finals: a student who was in the group during the
/// period gets a final there).
pub fn is_member_during(
    period_start: NaiveDate,
    period_end: NaiveDate,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> bool {
    from <= period_end && to.is_none_or(|t| period_start <= t)
}

/// Refuses an entry for a student who is not in the group on the lesson's date, given the student's
/// memberships of the lesson's group (or subgroup) as `(from, to)` pairs.
pub fn check_member_on(
    date: NaiveDate,
    memberships: &[(NaiveDate, Option<NaiveDate>)],
) -> Result<(), RuleError> {
    if memberships
        .iter()
        .any(|&(from, to)| is_member_on(date, from, to))
    {
        Ok(())
    } else {
        Err(RuleError::StudentNotInGroup)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("valid date")
    }

    #[test]
    fn entries_only_inside_membership() {
        // 001 заместитель п. 16: «отражение движения обучающихся (перевод из одной группы в другую, выбытие)».
        let transferred = [(d(9, 1), Some(d(10, 15)))];
        assert_eq!(
            check_member_on(d(10, 15), &transferred),
            Ok(()),
            "the last day is inside"
        );
        assert_eq!(
            check_member_on(d(10, 16), &transferred),
            Err(RuleError::StudentNotInGroup),
            "001 п. 16: after the transfer the old group takes no entries"
        );
        assert_eq!(
            check_member_on(d(8, 31), &transferred),
            Err(RuleError::StudentNotInGroup),
            "before enrolment"
        );
        let returned = [(d(9, 1), Some(d(9, 30))), (d(11, 1), None)];
        assert_eq!(
            check_member_on(d(12, 1), &returned),
            Ok(()),
            "a second membership counts"
        );
        assert_eq!(
            check_member_on(d(10, 10), &returned),
            Err(RuleError::StudentNotInGroup),
            "the gap between them"
        );
        assert!(
            is_member_during(d(9, 1), d(12, 27), d(10, 1), Some(d(10, 5))),
            "a few days in the period is enough for a final"
        );
        assert!(
            !is_member_during(d(9, 1), d(12, 27), d(12, 28), None),
            "enrolled after the period"
        );
    }
}
