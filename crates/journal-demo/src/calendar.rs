//! The academic year around "today": two semesters, holidays, the bell schedule of pairs.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use journal_protocol::{AcademicYear, Bell, Holiday};

/// The demo's calendar for one academic year.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub year: AcademicYear,
    /// (name, starts_on, ends_on) of «1 семестр» and «2 семестр».
    pub semesters: [(String, NaiveDate, NaiveDate); 2],
    pub holidays: Vec<Holiday>,
    pub bells: Vec<Bell>,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    // Only called with fixed, valid month/day pairs; the fallback keeps the function total.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

/// The calendar year in which the academic year containing `today` starts. September–December
/// belong to the year starting that autumn, January–August to the one that started the autumn
/// before (in July and August the demo shows the year just ended, with all its finals).
pub fn start_year(today: NaiveDate) -> i32 {
    if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    }
}

impl Calendar {
    pub fn for_today(today: NaiveDate) -> Calendar {
        let y = start_year(today);
        let year = AcademicYear {
            name: format!("{}/{}", y, y + 1),
            starts_on: date(y, 9, 1),
            ends_on: date(y + 1, 6, 30),
        };
        let semesters = [
            ("1 семестр".to_string(), date(y, 9, 1), date(y, 12, 30)),
            (
                "2 семестр".to_string(),
                date(y + 1, 1, 12),
                date(y + 1, 6, 30),
            ),
        ];
        let day = |name: &str, d: NaiveDate| Holiday {
            name: name.to_string(),
            starts_on: d,
            ends_on: d,
        };
        let holidays = vec![
            day("День народного единства", date(y, 11, 4)),
            Holiday {
                name: "Зимние каникулы".to_string(),
                starts_on: date(y, 12, 31),
                ends_on: date(y + 1, 1, 11),
            },
            day("День защитника Отечества", date(y + 1, 2, 23)),
            day("Международный женский день", date(y + 1, 3, 8)),
            day("Праздник Весны и Труда", date(y + 1, 5, 1)),
            day("День Победы", date(y + 1, 5, 9)),
        ];
        // Pairs (пары) of two 45-minute academic hours with a 5-minute break inside.
        let bells = [
            (1, (8, 30), (10, 0)),
            (2, (10, 10), (11, 40)),
            (3, (12, 20), (13, 50)),
            (4, (14, 0), (15, 30)),
            (5, (15, 40), (17, 10)),
        ]
        .into_iter()
        .map(|(number, (sh, sm), (eh, em))| Bell {
            number,
            starts: time(sh, sm),
            ends: time(eh, em),
            shift: 1,
        })
        .collect();
        Calendar {
            year,
            semesters,
            holidays,
            bells,
        }
    }

    pub fn is_holiday(&self, d: NaiveDate) -> bool {
        self.holidays
            .iter()
            .any(|h| h.starts_on <= d && d <= h.ends_on)
    }

    /// A day with lessons: Monday–Saturday inside a semester and not a holiday.
    pub fn is_school_day(&self, d: NaiveDate) -> bool {
        d.weekday() != Weekday::Sun
            && !self.is_holiday(d)
            && self.semesters.iter().any(|(_, s, e)| *s <= d && d <= *e)
    }

    /// Index (0, 1) of the semester containing `d`.
    pub fn semester_of(&self, d: NaiveDate) -> Option<usize> {
        self.semesters
            .iter()
            .position(|(_, s, e)| *s <= d && d <= *e)
    }

    pub fn bell(&self, number: u8) -> Option<&Bell> {
        self.bells.iter().find(|b| b.number == number)
    }

    /// The first school day on or after `d` (bounded by the year's end).
    pub fn school_day_from(&self, mut d: NaiveDate) -> Option<NaiveDate> {
        while d <= self.year.ends_on {
            if self.is_school_day(d) {
                return Some(d);
            }
            d += Duration::days(1);
        }
        None
    }

    /// The last school day on or before `d` within the year.
    pub fn school_day_until(&self, mut d: NaiveDate) -> Option<NaiveDate> {
        while d >= self.year.starts_on {
            if self.is_school_day(d) {
                return Some(d);
            }
            d -= Duration::days(1);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_contains_today() {
        for (today, expected) in [
            (date(2026, 11, 27), "2026/2027"),
            (date(2027, 3, 2), "2026/2027"),
            (date(2026, 9, 1), "2026/2027"),
            (date(2026, 8, 15), "2025/2026"),
        ] {
            assert_eq!(
                Calendar::for_today(today).year.name,
                expected,
                "year for {today}"
            );
        }
    }

    #[test]
    fn holidays_and_sundays_are_not_school_days() {
        let c = Calendar::for_today(date(2026, 11, 27));
        assert!(!c.is_school_day(date(2026, 11, 4)), "4 ноября is a holiday");
        assert!(!c.is_school_day(date(2027, 1, 5)), "winter break");
        assert!(!c.is_school_day(date(2026, 11, 29)), "Sunday");
        assert!(
            c.is_school_day(date(2026, 11, 28)),
            "Saturday is a school day at the college"
        );
        assert!(c.is_school_day(date(2026, 11, 27)));
        assert_eq!(c.semester_of(date(2027, 2, 1)), Some(1));
    }
}
