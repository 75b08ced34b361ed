//! Keeping the journal after the year: 001 п. 8.3 (printed «не позднее 30 июня текущего года»),
//! п. 8.6 («в течение 5 лет в архиве»), п. 8.7 (сводные ведомости «хранятся в архиве не менее 25 лет»),
//! Приложение, директор п. 4.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// What is archived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveDocument {
    /// The year's journal, electronic and printed (001 п. 8.6).
    Journal,
    /// Сводная ведомость успеваемости taken out of the journal (001 п. 8.7).
    SummarySheet,
}

/// Years a document is kept.
pub fn retention_years(doc: ArchiveDocument) -> u32 {
    match doc {
        ArchiveDocument::Journal => 5,
        ArchiveDocument::SummarySheet => 25,
    }
}

/// The first day a document may be destroyed, counted from the academic year's last day.
pub fn keep_until(year_end: NaiveDate, doc: ArchiveDocument) -> NaiveDate {
    year_end
        .checked_add_months(Months::new(12 * retention_years(doc)))
        .unwrap_or(NaiveDate::MAX)
}

/// The day by which the year's journal is printed and handed over (001 п. 8.3: «не позднее 30 июня
/// текущего года») for a year ending in `year_end`'s calendar year.
pub fn printout_due(year_end: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(chrono::Datelike::year(&year_end), 6, 30).unwrap_or(year_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_periods() {
        // 001 п. 8.6: «в течение 5 лет в архиве»; п. 8.7: сводные ведомости «не менее 25 лет».
        let end = NaiveDate::from_ymd_opt(2027, 6, 30).expect("valid");
        assert_eq!(
            keep_until(end, ArchiveDocument::Journal),
            NaiveDate::from_ymd_opt(2032, 6, 30).expect("valid"),
            "001 п. 8.6: journals 5 years"
        );
        assert_eq!(
            keep_until(end, ArchiveDocument::SummarySheet),
            NaiveDate::from_ymd_opt(2052, 6, 30).expect("valid"),
            "001 п. 8.7: summary sheets 25 years"
        );
        assert_eq!(printout_due(end), end, "001 п. 8.3: printed by 30 June");
    }
}
