//! Who must have a period final before a load's period is locked (001 «Преподаватель» п. 5:
//! «Оценку за отчетный период преподаватель выставляет каждому обучающемуся»): the students on the
//! load's list — its group (and subgroup), an ИУП student only where their plan has the load — at
//! the load's last lesson of the period; with no lesson in the period, everyone on the list at any
//! time in it. [`finals_missing`] counts those of them without a final: the server refuses a lock
//! while any is, and the app counts its grid's by the same function, each from its own copy.

use crate::snapshot::{IndividualPlan, Lesson, Load, Membership, Period};
use journal_core::{GradingScale, StudentId};

/// The students of `load` who need a final of `period`, sorted, each once.
pub fn students_needing_final(
    load: &Load,
    period: &Period,
    memberships: &[Membership],
    plans: &[IndividualPlan],
    lessons: &[Lesson],
) -> Vec<StudentId> {
    let last = lessons
        .iter()
        .filter(|l| l.load_id == load.id && period.starts_on <= l.date && l.date <= period.ends_on)
        .map(|l| l.date)
        .max();
    let on_plan = |m: &Membership| {
        !m.individual_plan
            || plans
                .iter()
                .find(|p| p.student_id == m.student_id)
                .is_none_or(|p| p.loads.iter().any(|x| x.load_id == load.id))
    };
    let mut out: Vec<StudentId> = memberships
        .iter()
        .filter(|m| m.group_id == load.group_id)
        .filter(|m| load.subgroup_id.is_none() || m.subgroup_id == load.subgroup_id)
        .filter(|m| on_plan(m))
        .filter(|m| m.from <= period.ends_on && m.to.is_none_or(|to| to >= period.starts_on))
        .filter(|m| last.is_none_or(|d| m.from <= d && m.to.is_none_or(|to| d <= to)))
        .map(|m| m.student_id)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// How many of the students who need a final of `period` ([`students_needing_final`]) have none
/// yet (`has_final`): what a lock is refused by (journal-core `check_can_lock`). None for a subject
/// whose `grading` admits no final (внеурочная деятельность «без отметок»). The server counts the
/// finals it stores; the app its copy's grid.
pub fn finals_missing(
    load: &Load,
    period: &Period,
    grading: GradingScale,
    memberships: &[Membership],
    plans: &[IndividualPlan],
    lessons: &[Lesson],
    has_final: impl Fn(StudentId) -> bool,
) -> usize {
    if !journal_core::finals_required(grading) {
        return 0;
    }
    students_needing_final(load, period, memberships, plans, lessons)
        .into_iter()
        .filter(|s| !has_final(*s))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{IndividualPlanLoad, LessonStatus};
    use chrono::NaiveDate;
    use journal_core::{GroupId, LessonId, LoadId, PeriodId, SubjectId, UserId};
    use uuid::Uuid;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("a date")
    }
    fn sid(n: u128) -> StudentId {
        StudentId(Uuid::from_u128(n))
    }
    fn member(n: u128, from: NaiveDate, to: Option<NaiveDate>, iup: bool) -> Membership {
        Membership {
            student_id: sid(n),
            group_id: GroupId(Uuid::from_u128(100)),
            subgroup_id: None,
            from,
            to,
            individual_plan: iup,
        }
    }
    fn load(n: u128) -> Load {
        Load {
            id: LoadId(Uuid::from_u128(n)),
            subject_id: SubjectId(Uuid::from_u128(300)),
            teacher_id: UserId(Uuid::from_u128(400)),
            group_id: GroupId(Uuid::from_u128(100)),
            subgroup_id: None,
            from: d(9, 1),
            to: None,
            planned_hours: 40,
        }
    }
    fn lesson(load: &Load, date: NaiveDate) -> Lesson {
        Lesson {
            id: LessonId(Uuid::new_v4()),
            load_id: load.id,
            date,
            bell_number: 1,
            hours: 2,
            room: None,
            status: LessonStatus::Scheduled,
            moved_to: None,
            substitute_teacher_id: None,
            change_reason: None,
        }
    }

    fn semester() -> Period {
        Period {
            id: PeriodId(Uuid::from_u128(500)),
            name: "1 семестр".into(),
            ordinal: 1,
            starts_on: d(9, 1),
            ends_on: d(12, 31),
        }
    }

    #[test]
    fn those_on_the_list_at_the_last_lesson_need_a_final() {
        let period = semester();
        let math = load(200);
        let other = load(201);
        let memberships = vec![
            member(1, d(9, 1), None, false),
            // Left in November: the last lesson is in December.
            member(2, d(9, 1), Some(d(11, 15)), false),
            // Came in October.
            member(3, d(10, 1), None, false),
            // ИУП without this load.
            member(4, d(9, 1), None, true),
            // ИУП with it.
            member(5, d(9, 1), None, true),
            // ИУП flag but no plan yet: on every page.
            member(6, d(9, 1), None, true),
        ];
        let plans = vec![
            IndividualPlan {
                student_id: sid(4),
                loads: vec![IndividualPlanLoad {
                    load_id: other.id,
                    hours: 10,
                }],
            },
            IndividualPlan {
                student_id: sid(5),
                loads: vec![IndividualPlanLoad {
                    load_id: math.id,
                    hours: 10,
                }],
            },
        ];
        let lessons = vec![lesson(&math, d(10, 5)), lesson(&math, d(12, 20))];
        assert_eq!(
            students_needing_final(&math, &period, &memberships, &plans, &lessons),
            vec![sid(1), sid(3), sid(5), sid(6)],
            "on the list on 20.12; the one who left and the ИУП student without the load need none"
        );
        assert_eq!(
            students_needing_final(&math, &period, &memberships, &plans, &[]).len(),
            5,
            "no lessons: everyone on the list in the period (but the ИУП student without the load)"
        );
    }

    #[test]
    fn the_missing_finals_are_those_needed_without_one_and_none_without_marks() {
        let period = semester();
        let math = load(200);
        let memberships = vec![
            member(1, d(9, 1), None, false),
            member(2, d(9, 1), Some(d(11, 15)), false),
            member(3, d(10, 1), None, false),
        ];
        let lessons = vec![lesson(&math, d(12, 20))];
        let count = |grading, has: &[u128]| {
            finals_missing(&math, &period, grading, &memberships, &[], &lessons, |s| {
                has.iter().any(|n| sid(*n) == s)
            })
        };
        assert_eq!(count(GradingScale::FivePoint, &[]), 2, "1 and 3 need one");
        assert_eq!(
            count(GradingScale::FivePoint, &[1, 2]),
            1,
            "the final of one who left counts for nothing"
        );
        assert_eq!(count(GradingScale::FivePoint, &[1, 3]), 0);
        assert_eq!(count(GradingScale::PassFail, &[3]), 1);
        assert_eq!(
            count(GradingScale::Ungraded, &[]),
            0,
            "a subject «без отметок» admits no final and needs none"
        );
    }
}
