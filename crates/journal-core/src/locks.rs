//! Period locks: once a period's finals are set the period is closed for editing (policy
//! `lock_after_finals`); the server enforces it on every op.

use crate::RuleError;

/// Refuses any change to a locked period.
pub fn check_unlocked(period_locked: bool) -> Result<(), RuleError> {
    if period_locked {
        Err(RuleError::PeriodLocked)
    } else {
        Ok(())
    }
}
