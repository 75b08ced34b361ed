//! When an entry may be made: never for a lesson that has not started, and after the lesson's day
//! only as the institution's late-entry policy allows.
//!
//! The entry time is the time the teacher made the entry — the device time signed into the op — and
//! never the time it reached the server: an edit made offline at 10:00 and synced at 18:00 is a 10:00
//! entry. The server only refuses a device time that is ahead of its own clock ([`check_device_time`]).
//!
//! Rules:
//! * 001 п. 6.7, 000/002 «заполнять электронный журнал в день проведения учебного занятия», 004 п. 4.2.1
//!   «Заполнять электронный журнал … в день проведения учебного занятия»: everything on the lesson's day;
//! * 001 Приложение «Преподаватель» п. 9: control-work marks «в течение 3 дней со дня ее проведения»;
//!   п. 10: written works «в течение одной недели»; 004 п. 4.2.1 defers control works to the checking
//!   norms, so both policies allow these windows;
//! * 004 п. 4.2.1 «Исправление отметок и выставление отметок „задним числом“ запрещено» — the
//!   [`LateEntry::Strict`] policy: no make-up marks in old columns, no corrections after the day;
//! * 001 Приложение «Преподаватель» п. 2 (make-up marks) and заместитель п. 9 (corrections under the
//!   deputy's control) — the [`LateEntry::AllowedCases`] policy, a correction needing a reason.

use crate::policy::LateEntry;
use crate::{LessonInfo, Policy, RuleError, WorkType};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// What is being entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// н / б / п for a lesson.
    Attendance,
    /// A first mark in a cell.
    Mark,
    /// A mark for a missed topic (отработка), written in the missed lesson's cell beside the absence.
    MakeUpMark,
    Topic,
    Homework,
    /// A period final (timed by the period, see [`crate::deadlines`]; locks in [`crate::locks`]).
    Final,
    /// «н» turned into «б» or «п» once the reason of the absence is known.
    AbsenceReason,
    /// Any change of an existing entry: a mark changed or removed, an absence removed, a topic or
    /// homework rewritten after the day.
    Correction,
}

/// Days after the lesson's day within which a first mark may still be entered, by work type
/// (001 «Преподаватель» п. 9 and 10: 3 and 7 by default, the institution's checking norms in its
/// policy); 0 = the lesson's day only.
pub fn mark_grace_days(work_type: WorkType, policy: &Policy) -> i64 {
    match work_type {
        WorkType::Control => i64::from(policy.control_work_days),
        WorkType::Written => i64::from(policy.written_work_days),
        _ => 0,
    }
}

/// The last day on which a mark for this lesson may be entered.
pub fn last_day_for_marks(lesson: &LessonInfo, policy: &Policy) -> NaiveDate {
    lesson.date + Duration::days(mark_grace_days(lesson.work_type, policy))
}

/// Checks an entry's time against the lesson and the policy. Locks and permissions are separate
/// checks ([`crate::locks`], [`crate::permissions`]); [`crate::classify_change`] tells a cell's kind.
///
/// After the lesson's day: a first mark within its work's window (both policies); the reason of an
/// absence (both); a make-up mark or a correction only under [`LateEntry::AllowedCases`] — where a
/// forgotten topic, homework or attendance is also entered as a [`EntryKind::Correction`], with a
/// reason ([`check_correction_reason`]); everything else is [`RuleError::Backdating`].
pub fn check_entry(
    lesson: &LessonInfo,
    entered_at: NaiveDateTime,
    kind: EntryKind,
    policy: &Policy,
) -> Result<(), RuleError> {
    if kind == EntryKind::Final {
        // Finals belong to the period, not to a lesson: their deadline is a status, their end a lock.
        return Ok(());
    }
    if entered_at < lesson.starts_at {
        return Err(RuleError::FutureLesson);
    }
    let day = entered_at.date();
    if day <= lesson.date {
        return Ok(());
    }
    match kind {
        EntryKind::Final => Ok(()),
        EntryKind::Mark => {
            let last = last_day_for_marks(lesson, policy);
            if day <= last {
                Ok(())
            } else if last > lesson.date {
                Err(RuleError::EntryTooLate(format!(
                    "отметки за работу «{}» выставляются в течение {} со дня её проведения (до {})",
                    lesson.work_type.name_ru(),
                    crate::deadlines::days_ru(
                        u32::try_from(mark_grace_days(lesson.work_type, policy)).unwrap_or(0)
                    ),
                    last.format("%d.%m.%Y")
                )))
            } else {
                Err(RuleError::Backdating)
            }
        }
        // The reason of an absence is often learnt later (a medical certificate); no mark changes.
        EntryKind::AbsenceReason => Ok(()),
        EntryKind::MakeUpMark => match policy.late_entry {
            LateEntry::Strict => Err(RuleError::Backdating),
            LateEntry::AllowedCases => Ok(()),
        },
        EntryKind::Correction => match policy.late_entry {
            LateEntry::Strict => Err(RuleError::CorrectionForbidden),
            LateEntry::AllowedCases => Ok(()),
        },
        EntryKind::Attendance | EntryKind::Topic | EntryKind::Homework => {
            Err(RuleError::Backdating)
        }
    }
}

/// [`check_entry`] for an edit that carries no reason (topics, homework): a correction after the
/// lesson's day, where the policy allows one at all, needs a logged reason, so without one it is
/// refused. The app calls it before recording and the server before applying.
pub fn check_entry_without_reason(
    lesson: &LessonInfo,
    entered_at: NaiveDateTime,
    kind: EntryKind,
    policy: &Policy,
) -> Result<(), RuleError> {
    check_entry_with_reason(lesson, entered_at, kind, policy, None)
}

/// [`check_entry`] for an edit that may carry the reason of a correction (a cell: 001 Приложение,
/// заместитель п. 9). A correction after the lesson's day is taken only where the policy allows
/// corrections ([`LateEntry::AllowedCases`]) and only with a reason ([`check_correction_reason`]);
/// any other entry is judged by its time alone, whatever reason it carries. The app calls it before
/// recording and the server before applying, so they cannot disagree.
pub fn check_entry_with_reason(
    lesson: &LessonInfo,
    entered_at: NaiveDateTime,
    kind: EntryKind,
    policy: &Policy,
    reason: Option<&str>,
) -> Result<(), RuleError> {
    check_entry(lesson, entered_at, kind, policy)?;
    if kind == EntryKind::Correction && entered_at.date() > lesson.date {
        check_correction_reason(reason)?;
    }
    Ok(())
}

/// The first day on which a period ending on `period_ends_on` takes finals: the policy's window of
/// its last days (001 «Преподаватель» п. 11: «в течение последней недели каждого учебного
/// периода»), or any day when the policy sets none. A final after the period's end is still taken
/// (late, as [`crate::deadlines`] reports it): a deferred final («отсрочка») and a reopened period
/// need it.
pub fn finals_open_from(period_ends_on: NaiveDate, policy: &Policy) -> Option<NaiveDate> {
    match policy.finals_window_days {
        0 => None,
        days => Some(period_ends_on - Duration::days(i64::from(days) - 1)),
    }
}

/// Refuses a final entered before the policy's finals window opens. The app calls it before it
/// records a final and the server before it applies one.
pub fn check_final_time(
    period_ends_on: NaiveDate,
    entered_at: NaiveDateTime,
    policy: &Policy,
) -> Result<(), RuleError> {
    match finals_open_from(period_ends_on, policy) {
        Some(from) if entered_at.date() < from => Err(RuleError::FinalsTooEarly {
            from: from.format("%d.%m.%Y").to_string(),
            days: policy.finals_window_days,
        }),
        _ => Ok(()),
    }
}

/// A correction after the lesson's day needs a reason, which is logged (001 Приложение, заместитель
/// п. 9: the deputy «контролирует процесс внесения исправлений»).
pub fn check_correction_reason(reason: Option<&str>) -> Result<(), RuleError> {
    match reason.map(str::trim) {
        Some(r) if r.chars().count() > MAX_REASON_CHARS => {
            Err(RuleError::ReasonTooLong(MAX_REASON_CHARS))
        }
        Some(r) if r.chars().filter(|c| c.is_alphabetic()).count() >= 3 => {
            crate::text::check_name_chars(r)
        }
        _ => Err(RuleError::CorrectionReasonRequired),
    }
}

/// The longest reason of a correction or a reopening: a sentence for the deputy, not a letter.
pub const MAX_REASON_CHARS: usize = 300;

/// Refuses an op whose device time is ahead of the server's receive time by more than `tolerance`:
/// such an entry time cannot be true, and backdating is judged by it. A device time far in the past
/// is normal (the device was offline) and is kept.
pub fn check_device_time(
    device_time: NaiveDateTime,
    received_at: NaiveDateTime,
    tolerance: Duration,
) -> Result<(), RuleError> {
    if device_time > received_at + tolerance {
        Err(RuleError::DeviceClockAhead)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn lesson(work_type: WorkType) -> LessonInfo {
        let date = NaiveDate::from_ymd_opt(2026, 10, 5).expect("valid date");
        LessonInfo {
            date,
            starts_at: date.and_hms_opt(10, 0, 0).expect("valid time"),
            ends_at: date.and_hms_opt(11, 30, 0).expect("valid time"),
            hours: 2,
            work_type,
        }
    }
    fn at(day_offset: i64, h: u32, m: u32) -> NaiveDateTime {
        (NaiveDate::from_ymd_opt(2026, 10, 5).expect("valid date") + Duration::days(day_offset))
            .and_hms_opt(h, m, 0)
            .expect("valid time")
    }
    fn strict() -> Policy {
        Policy::default()
    }
    fn allowed() -> Policy {
        Policy {
            late_entry: LateEntry::AllowedCases,
            ..Policy::default()
        }
    }

    #[test]
    fn no_entry_for_a_lesson_not_yet_started() {
        let l = lesson(WorkType::Lesson);
        for kind in [
            EntryKind::Attendance,
            EntryKind::Mark,
            EntryKind::Topic,
            EntryKind::Homework,
        ] {
            assert_eq!(
                check_entry(&l, at(0, 9, 59), kind, &allowed()),
                Err(RuleError::FutureLesson),
                "no entry for a lesson that has not started ({kind:?})"
            );
            assert_eq!(
                check_entry(&l, at(-1, 12, 0), kind, &allowed()),
                Err(RuleError::FutureLesson),
                "no entry the day before ({kind:?})"
            );
        }
        assert_eq!(
            check_entry(&l, at(0, 10, 0), EntryKind::Attendance, &strict()),
            Ok(()),
            "from the bell"
        );
    }

    #[test]
    fn everything_on_the_lesson_day() {
        // 004 п. 4.2.1: «Заполнять электронный журнал успеваемости обучающихся в день проведения
        // учебного занятия»; 001 «Преподаватель» п. 2: «в течение текущего учебного дня».
        let l = lesson(WorkType::Lesson);
        for kind in [
            EntryKind::Attendance,
            EntryKind::Mark,
            EntryKind::Topic,
            EntryKind::Homework,
            EntryKind::Correction,
        ] {
            assert_eq!(
                check_entry(&l, at(0, 23, 59), kind, &strict()),
                Ok(()),
                "004: same day is fine ({kind:?})"
            );
        }
        for kind in [
            EntryKind::Attendance,
            EntryKind::Mark,
            EntryKind::Topic,
            EntryKind::Homework,
        ] {
            for p in [strict(), allowed()] {
                assert_eq!(
                    check_entry(&l, at(1, 0, 0), kind, &p),
                    Err(RuleError::Backdating),
                    "004 п. 4.2.1 / 001 п. 6.7: «в день проведения» — next day refused ({kind:?}, {:?})",
                    p.late_entry
                );
            }
        }
    }

    #[test]
    fn control_and_written_work_marks_have_their_windows() {
        // 001 «Преподаватель» п. 9: «в течение 3 дней со дня ее проведения»; п. 10: «в течение одной
        // недели»; 004 п. 4.2.1: «в сроки, предусмотренные нормами проверки письменных работ».
        for p in [strict(), allowed()] {
            let c = lesson(WorkType::Control);
            assert_eq!(
                check_entry(&c, at(3, 20, 0), EntryKind::Mark, &p),
                Ok(()),
                "001 п. 9: day 3 is in time"
            );
            let e = check_entry(&c, at(4, 8, 0), EntryKind::Mark, &p)
                .expect_err("001 п. 9: day 4 is late");
            assert_eq!(
                e.code(),
                "entry_too_late",
                "001 п. 9: late control-work marks are refused: {e}"
            );
            let w = lesson(WorkType::Written);
            assert_eq!(
                check_entry(&w, at(7, 20, 0), EntryKind::Mark, &p),
                Ok(()),
                "001 п. 10: a week is in time"
            );
            assert_eq!(
                check_entry(&w, at(8, 8, 0), EntryKind::Mark, &p).map_err(|e| e.code()),
                Err("entry_too_late"),
                "001 п. 10: after a week refused"
            );
        }
        // The checking norms are the institution's: 5 days for a control work, none for a written one.
        let own = Policy {
            control_work_days: 5,
            written_work_days: 0,
            ..strict()
        };
        assert_eq!(
            check_entry(
                &lesson(WorkType::Control),
                at(5, 20, 0),
                EntryKind::Mark,
                &own
            ),
            Ok(()),
            "day 5 is in time under a 5-day norm"
        );
        let e = check_entry(
            &lesson(WorkType::Control),
            at(6, 8, 0),
            EntryKind::Mark,
            &own,
        )
        .expect_err("day 6 is late under a 5-day norm");
        assert!(
            e.to_string().contains("в течение 5 дней"),
            "the refusal names the institution's window: {e}"
        );
        assert_eq!(
            check_entry(
                &lesson(WorkType::Written),
                at(1, 8, 0),
                EntryKind::Mark,
                &own
            ),
            Err(RuleError::Backdating),
            "no window: a written work's marks on its day only"
        );
    }

    #[test]
    fn finals_only_in_the_policys_window() {
        let ends = NaiveDate::from_ymd_opt(2026, 12, 27).expect("valid date");
        let on = |m: u32, d: u32| {
            NaiveDate::from_ymd_opt(2026, m, d)
                .and_then(|d| d.and_hms_opt(10, 0, 0))
                .expect("valid time")
        };
        assert_eq!(
            check_final_time(ends, on(10, 8), &Policy::default()),
            Ok(()),
            "no window by default: an early attestation (досрочная сдача) takes its final"
        );
        let last_week = Policy {
            finals_window_days: 7,
            ..Policy::default()
        };
        assert_eq!(
            finals_open_from(ends, &last_week),
            NaiveDate::from_ymd_opt(2026, 12, 21),
            "001 п. 11: the last week is the period's last 7 days"
        );
        assert_eq!(
            check_final_time(ends, on(12, 21), &last_week),
            Ok(()),
            "001 п. 11: the week's first day takes finals"
        );
        let e = check_final_time(ends, on(12, 20), &last_week)
            .expect_err("001 п. 11: the day before the last week is refused");
        assert_eq!(e.code(), "finals_too_early", "a stable code: {e}");
        assert!(
            e.to_string().contains("21.12.2026"),
            "the refusal says from when: {e}"
        );
        assert_eq!(
            check_final_time(ends, on(12, 30), &last_week),
            Ok(()),
            "after the period a final is late, not refused (отсрочка, a reopened period)"
        );
    }

    #[test]
    fn make_up_and_corrections_depend_on_policy() {
        let l = lesson(WorkType::Lesson);
        // 004 п. 4.2.1: «Исправление отметок и выставление отметок „задним числом“ запрещено».
        assert_eq!(
            check_entry(&l, at(10, 9, 0), EntryKind::MakeUpMark, &strict()),
            Err(RuleError::Backdating),
            "004 п. 4.2.1: a late make-up mark is backdating under the strict policy"
        );
        assert_eq!(
            check_entry(&l, at(10, 9, 0), EntryKind::Correction, &strict()),
            Err(RuleError::CorrectionForbidden),
            "004 п. 4.2.1: «Исправление отметок … запрещено»"
        );
        // 001 «Преподаватель» п. 2: «на основании протокола сдачи оценка выставляется … в соответствующую тему».
        assert_eq!(
            check_entry(&l, at(10, 9, 0), EntryKind::MakeUpMark, &allowed()),
            Ok(()),
            "001 п. 2: a make-up mark goes to the missed lesson later"
        );
        assert_eq!(
            check_entry(&l, at(10, 9, 0), EntryKind::Correction, &allowed()),
            Ok(()),
            "001 заместитель п. 9: corrections under the deputy's control"
        );
        assert_eq!(
            check_entry(&l, at(10, 9, 0), EntryKind::AbsenceReason, &strict()),
            Ok(()),
            "the reason of an absence may be learnt later under any policy"
        );
    }

    #[test]
    fn a_correction_after_the_day_takes_a_reason_where_the_policy_allows_it() {
        let l = lesson(WorkType::Lesson);
        let later = at(10, 9, 0);
        let why = Some("ошибка при вводе, исправлено по журналу на бумаге");
        assert_eq!(
            check_entry_with_reason(&l, later, EntryKind::Correction, &allowed(), None),
            Err(RuleError::CorrectionReasonRequired),
            "001 заместитель п. 9: a correction after the day without a reason is refused"
        );
        assert_eq!(
            check_entry_with_reason(&l, later, EntryKind::Correction, &allowed(), why),
            Ok(()),
            "with a worded reason it is taken (and logged with the op)"
        );
        assert_eq!(
            check_entry_with_reason(&l, later, EntryKind::Correction, &strict(), why),
            Err(RuleError::CorrectionForbidden),
            "004 п. 4.2.1: no reason opens a correction the policy forbids"
        );
        assert_eq!(
            check_entry_with_reason(&l, at(0, 12, 0), EntryKind::Correction, &strict(), None),
            Ok(()),
            "on the lesson's day a correction is an ordinary edit, without a reason"
        );
        assert_eq!(
            check_entry_with_reason(&l, later, EntryKind::Attendance, &allowed(), why),
            Err(RuleError::Backdating),
            "a reason does not turn a first late attendance into a correction"
        );
        assert_eq!(
            check_entry_without_reason(&l, later, EntryKind::Correction, &allowed()),
            Err(RuleError::CorrectionReasonRequired),
            "an edit that cannot carry a reason (topic, homework) is refused after the day"
        );
        let long = "а".repeat(MAX_REASON_CHARS + 1);
        assert_eq!(
            check_entry_with_reason(&l, later, EntryKind::Correction, &allowed(), Some(&long)),
            Err(RuleError::ReasonTooLong(MAX_REASON_CHARS)),
            "a reason is a sentence, bounded"
        );
        assert_eq!(
            check_entry_with_reason(
                &l,
                later,
                EntryKind::Correction,
                &allowed(),
                Some("ошибка\u{0}ввода")
            )
            .map_err(|e| e.code()),
            Err("forbidden_character"),
            "control characters are refused in a reason as in any name"
        );
    }

    #[test]
    fn correction_reason_and_device_clock() {
        assert_eq!(
            check_correction_reason(None),
            Err(RuleError::CorrectionReasonRequired),
            "a reason is required"
        );
        assert_eq!(
            check_correction_reason(Some("  ")),
            Err(RuleError::CorrectionReasonRequired),
            "blank is no reason"
        );
        assert_eq!(
            check_correction_reason(Some("ошибка ввода")),
            Ok(()),
            "a worded reason is accepted"
        );
        let tol = Duration::minutes(5);
        assert_eq!(
            check_device_time(at(0, 10, 0), at(0, 18, 0), tol),
            Ok(()),
            "an offline 10:00 edit synced at 18:00 keeps its 10:00 entry time"
        );
        assert_eq!(
            check_device_time(at(0, 10, 4), at(0, 10, 0), tol),
            Ok(()),
            "small skew is tolerated"
        );
        assert_eq!(
            check_device_time(at(0, 11, 0), at(0, 10, 0), tol),
            Err(RuleError::DeviceClockAhead),
            "a device time ahead of the server cannot be a real entry time"
        );
    }

    proptest! {
        // Rules combined: the future-lesson refusal, the same-day rule and the per-work-type windows.
        #[test]
        fn nothing_before_the_lesson_and_every_kind_allowed_on_its_day(
            minutes in -3000i64..20000,
            wt in prop::sample::select(vec![WorkType::Lesson, WorkType::Control, WorkType::Written, WorkType::Practical]),
            kind in prop::sample::select(vec![EntryKind::Attendance, EntryKind::Mark, EntryKind::MakeUpMark,
                EntryKind::Topic, EntryKind::Homework, EntryKind::AbsenceReason, EntryKind::Correction]),
            strict_policy in any::<bool>(),
        ) {
            let l = lesson(wt);
            let p = if strict_policy { strict() } else { allowed() };
            let t = l.starts_at + Duration::minutes(minutes);
            let r = check_entry(&l, t, kind, &p);
            if t < l.starts_at {
                prop_assert_eq!(r, Err(RuleError::FutureLesson), "nothing before the lesson starts");
            } else if t.date() == l.date {
                prop_assert_eq!(r, Ok(()), "everything is allowed on the lesson's day");
            } else if r.is_ok() {
                // Late and accepted: only the cases the regulations name.
                let named = matches!(kind, EntryKind::AbsenceReason)
                    || (kind == EntryKind::Mark && t.date() <= last_day_for_marks(&l, &p))
                    || (!strict_policy && matches!(kind, EntryKind::MakeUpMark | EntryKind::Correction));
                prop_assert!(named, "late {kind:?} accepted only in a named case");
            }
        }
    }
}
