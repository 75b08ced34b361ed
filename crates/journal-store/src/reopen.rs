//! Periods reopened for a correction: a deputy's `UnlockPeriod` (pulled, or made on the deputy's own
//! device) removes the lock and leaves who reopened the period, when and why, until it is locked again.

use crate::codec::parse;
use crate::{Store, StoreError};
use chrono::NaiveDateTime;
use journal_core::{LessonId, LoadId, PeriodId, UserId};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

/// A period of a load that is open again after its lock, for a correction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reopening {
    pub load_id: LoadId,
    pub period_id: PeriodId,
    pub reason: String,
    /// The deputy's device time of the reopening.
    pub reopened_at: NaiveDateTime,
    pub reopened_by: UserId,
    /// The full name, when the local copy knows the user.
    pub reopened_by_name: Option<String>,
}

const SELECT: &str =
    "SELECT r.load_id, r.period_id, r.reason, r.reopened_at, r.reopened_by, u.full_name
     FROM reopenings r LEFT JOIN users u ON u.id = r.reopened_by";

fn reopening_row(r: &Row<'_>) -> rusqlite::Result<Reopening> {
    Ok(Reopening {
        load_id: parse(r, 0)?,
        period_id: parse(r, 1)?,
        reason: r.get(2)?,
        reopened_at: parse(r, 3)?,
        reopened_by: parse(r, 4)?,
        reopened_by_name: r.get(5)?,
    })
}

impl Store {
    /// The reopening of a load's period, if the period is open again for a correction (a period
    /// locked again is not reopened, whatever row is left).
    pub fn reopening(
        &self,
        load_id: LoadId,
        period_id: PeriodId,
    ) -> Result<Option<Reopening>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{SELECT} WHERE r.load_id = ?1 AND r.period_id = ?2
                 AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.load_id = r.load_id AND k.period_id = r.period_id)"
            ))?
            .query_row(
                params![load_id.to_string(), period_id.to_string()],
                reopening_row,
            )
            .optional()?)
    }

    /// The reopening of the period that holds the lesson's date, for the lesson's load.
    pub fn lesson_reopening(&self, lesson_id: LessonId) -> Result<Option<Reopening>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{SELECT}
                 JOIN lessons l ON l.load_id = r.load_id
                 JOIN periods p ON p.id = r.period_id AND p.starts_on <= l.date AND p.ends_on >= l.date
                 WHERE l.id = ?1
                 AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.load_id = r.load_id AND k.period_id = r.period_id)"
            ))?
            .query_row([lesson_id.to_string()], reopening_row)
            .optional()?)
    }
}
