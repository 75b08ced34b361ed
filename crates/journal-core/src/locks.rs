//! Period locks. 001 Приложение, «Преподаватель» п. 5: «Оценку за отчетный период преподаватель
//! выставляет каждому обучающемуся. При этом преподаватель не имеет права редактировать ЭЖ после
//! выставления итоговых оценок за учебный период». So a period of a load is locked once its finals are
//! set (policy `lock_after_finals`, default yes), it can be locked only when every student has a final,
//! and the server refuses every write into a locked period.
//!
//! Reopening is an authorised correction: a deputy or the director, only where the policy lets deputies
//! edit (001 Приложение, заместитель п. 9), with a reason that is logged. Under the default policy
//! (000 п. 3.3, 002 п. 7.4: deputies «без права редактирования») nobody reopens a locked period.

use crate::{permissions, Action, GradingScale, Policy, Role, RuleError, Scope};

/// Refuses any change to a locked period.
pub fn check_unlocked(period_locked: bool) -> Result<(), RuleError> {
    if period_locked {
        Err(RuleError::PeriodLocked)
    } else {
        Ok(())
    }
}

/// Whether setting a period's finals locks the period (policy; the strictest default is yes).
pub fn locks_after_finals(policy: &Policy) -> bool {
    policy.lock_after_finals
}

/// A period may be locked only when every student of the load has a final — a mark, зачёт/незачёт,
/// н/а or отсрочка (001 «Преподаватель» п. 5: «выставляет каждому обучающемуся»).
pub fn check_can_lock(students_without_final: usize) -> Result<(), RuleError> {
    if students_without_final == 0 {
        Ok(())
    } else {
        Err(RuleError::FinalsIncomplete(students_without_final))
    }
}

/// Whether a period of a subject on `grading` needs every student's final before it is locked: a
/// subject «без отметок» (внеурочная деятельность, as a rule) admits no final at all, so its period
/// locks with none — otherwise it could never be locked.
pub fn finals_required(grading: GradingScale) -> bool {
    grading != GradingScale::Ungraded
}

/// Checks that `role` may reopen a locked period, giving a reason (logged by the caller).
pub fn check_can_unlock(
    role: Role,
    reason: Option<&str>,
    policy: &Policy,
) -> Result<(), RuleError> {
    permissions::check(role, Action::UnlockPeriod, Scope::Institution, policy)?;
    crate::timing::check_correction_reason(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_without_marks_needs_no_finals_to_lock() {
        assert!(finals_required(GradingScale::FivePoint));
        assert!(finals_required(GradingScale::PassFail));
        assert!(
            !finals_required(GradingScale::Ungraded),
            "«без отметок» admits no final, so none is waited for"
        );
    }

    #[test]
    fn locked_period_refuses_changes() {
        // 001 «Преподаватель» п. 5: «не имеет права редактировать ЭЖ после выставления итоговых оценок».
        assert_eq!(
            check_unlocked(true),
            Err(RuleError::PeriodLocked),
            "001 п. 5: locked after finals"
        );
        assert_eq!(
            check_unlocked(false),
            Ok(()),
            "an open period may be edited"
        );
        assert!(
            locks_after_finals(&Policy::default()),
            "001 п. 5: the default locks after finals"
        );
    }

    #[test]
    fn lock_needs_every_final() {
        // 001 «Преподаватель» п. 5: «Оценку за отчетный период преподаватель выставляет каждому обучающемуся».
        assert_eq!(
            check_can_lock(0),
            Ok(()),
            "001 п. 5: all finals set, the period may be locked"
        );
        assert_eq!(
            check_can_lock(3),
            Err(RuleError::FinalsIncomplete(3)),
            "001 п. 5: 3 students without a final"
        );
    }

    #[test]
    fn reopening_is_a_deputy_correction_only_where_the_policy_allows() {
        let strict = Policy::default();
        let lenient = Policy {
            deputy_may_edit: true,
            ..Policy::default()
        };
        assert_eq!(
            check_can_unlock(Role::Deputy, Some("ошибка в итоговой"), &strict)
                .map_err(|e| e.code()),
            Err("forbidden"),
            "000 п. 3.3: deputies «без права редактирования» by default"
        );
        assert_eq!(
            check_can_unlock(Role::Deputy, Some("ошибка в итоговой"), &lenient),
            Ok(()),
            "001 заместитель п. 9: the deputy controls corrections"
        );
        assert_eq!(
            check_can_unlock(Role::Deputy, None, &lenient),
            Err(RuleError::CorrectionReasonRequired),
            "a reopening needs a reason"
        );
        assert_eq!(
            check_can_unlock(Role::Teacher, Some("хочу исправить"), &lenient).map_err(|e| e.code()),
            Err("forbidden"),
            "001 «Преподаватель» п. 5: the teacher cannot reopen"
        );
    }
}
