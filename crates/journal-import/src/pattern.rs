//! The weekly timetable pattern both timetable importers produce: which load meets on which weekday
//! at which bell, every week or only in week A or B of a two-week cycle.

use chrono::{Datelike, NaiveDate, Weekday};
use journal_core::LoadId;
use serde::Serialize;

/// Which weeks of a two-week cycle a lesson meets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeekParity {
    Every,
    /// The first week of the cycle (числитель, верхняя неделя, «неделя А»).
    A,
    /// The second week of the cycle (знаменатель, нижняя неделя, «неделя Б»).
    B,
}

impl WeekParity {
    /// Whether two lessons in the same slot can meet in the same week.
    pub fn overlaps(self, other: WeekParity) -> bool {
        self == WeekParity::Every || other == WeekParity::Every || self == other
    }

    /// Whether the lesson meets on `date`, when week A is the week of `cycle_start`.
    pub fn meets_on(self, date: NaiveDate, cycle_start: NaiveDate) -> bool {
        let monday =
            |d: NaiveDate| d - chrono::Duration::days(d.weekday().num_days_from_monday() as i64);
        let weeks = (monday(date) - monday(cycle_start))
            .num_days()
            .div_euclid(7);
        match self {
            WeekParity::Every => true,
            WeekParity::A => weeks.rem_euclid(2) == 0,
            WeekParity::B => weeks.rem_euclid(2) == 1,
        }
    }

    pub fn label_ru(self) -> &'static str {
        match self {
            WeekParity::Every => "каждую неделю",
            WeekParity::A => "неделя А",
            WeekParity::B => "неделя Б",
        }
    }
}

/// One lesson of the weekly pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeeklyLesson {
    pub weekday: Weekday,
    /// The bell (lesson or pair number) of the institution's schedule.
    pub bell_number: u8,
    /// Academic hours in this slot: 2 for a paired lesson (пара) entered as one lesson.
    pub hours: u8,
    pub week: WeekParity,
    pub load_id: LoadId,
    pub room: Option<String>,
}

/// The dates from `from` to `to` (inclusive) on which a weekly lesson meets, skipping `skip` days
/// (holidays). Week A is the week of `cycle_start`.
pub fn dates_of(
    lesson: &WeeklyLesson,
    from: NaiveDate,
    to: NaiveDate,
    cycle_start: NaiveDate,
    skip: impl Fn(NaiveDate) -> bool,
) -> Vec<NaiveDate> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| d.weekday() == lesson.weekday)
        .filter(|d| lesson.week.meets_on(*d, cycle_start))
        .filter(|d| !skip(*d))
        .collect()
}

/// Russian weekday names as written in timetables («понедельник», «пн», «1»).
pub fn parse_weekday(text: &str) -> Option<Weekday> {
    let t = crate::text::normalise_name(text);
    let t = t.trim_end_matches('.');
    Some(match t {
        "понедельник" | "пн" | "пон" | "1" => Weekday::Mon,
        "вторник" | "вт" | "вто" | "2" => Weekday::Tue,
        "среда" | "ср" | "сре" | "3" => Weekday::Wed,
        "четверг" | "чт" | "чет" | "4" => Weekday::Thu,
        "пятница" | "пт" | "пят" | "5" => Weekday::Fri,
        "суббота" | "сб" | "суб" | "6" => Weekday::Sat,
        "воскресенье" | "вс" | "вос" | "7" => Weekday::Sun,
        _ => return None,
    })
}

pub fn weekday_ru(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "понедельник",
        Weekday::Tue => "вторник",
        Weekday::Wed => "среда",
        Weekday::Thu => "четверг",
        Weekday::Fri => "пятница",
        Weekday::Sat => "суббота",
        Weekday::Sun => "воскресенье",
    }
}

/// The week column of a timetable file: empty or «каждая» = every week; «1», «А», «числитель»,
/// «верхняя» = week A; «2», «Б», «знаменатель», «нижняя» = week B.
pub fn parse_week(text: &str) -> Option<WeekParity> {
    let t = crate::text::normalise_name(text);
    Some(match t.as_str() {
        "" | "каждая" | "каждую" | "еженедельно" | "все" | "обе" => {
            WeekParity::Every
        }
        "1" | "а" | "a" | "числитель" | "верхняя" | "нечетная" | "1 неделя" | "неделя а" => {
            WeekParity::A
        }
        "2" | "б" | "b" | "знаменатель" | "нижняя" | "четная" | "2 неделя" | "неделя б" => {
            WeekParity::B
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternate_weeks_meet_every_other_week() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 9, day).unwrap_or(NaiveDate::MIN);
        let lesson = WeeklyLesson {
            weekday: Weekday::Wed,
            bell_number: 1,
            hours: 2,
            week: WeekParity::B,
            load_id: LoadId(Default::default()),
            room: None,
        };
        // 1 Sep 2026 is a Tuesday: week A is 31 Aug – 6 Sep.
        let dates = dates_of(&lesson, d(1), d(30), d(1), |x| x == d(16));
        assert_eq!(
            dates,
            vec![d(9), d(23)],
            "week B Wednesdays of September, 16th skipped as a holiday"
        );
        assert!(
            WeekParity::A.overlaps(WeekParity::Every),
            "A meets in every-week slots"
        );
        assert!(
            !WeekParity::A.overlaps(WeekParity::B),
            "A and B never meet together"
        );
    }
}
