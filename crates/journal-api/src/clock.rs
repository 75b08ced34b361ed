//! Where "now" comes from. The rules never read a clock (journal-core is pure); the use cases take the
//! time from an injected [`Clock`] so that tests, demos and the CLI's `--now` can fix it.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use std::sync::Mutex;

/// The current local time of the institution, as the device sees it.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> NaiveDateTime;
}

/// The computer's clock, in its local time zone (the institution's PCs run in its zone).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        chrono::Local::now().naive_local()
    }
}

/// A clock that says what it was told; tests move it explicitly.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<NaiveDateTime>,
}

impl FixedClock {
    pub fn new(now: NaiveDateTime) -> Self {
        FixedClock {
            now: Mutex::new(now),
        }
    }

    pub fn set(&self, now: NaiveDateTime) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = now;
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> NaiveDateTime {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The system's time of day on another date: `--today` in a demo shows that day as if it were now.
#[derive(Debug, Clone, Copy)]
pub struct ShiftedDateClock {
    pub date: NaiveDate,
}

impl Clock for ShiftedDateClock {
    fn now(&self) -> NaiveDateTime {
        let time: NaiveTime = chrono::Local::now().naive_local().time();
        self.date.and_time(time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_returns_what_it_was_set_to_and_moves_on_request() {
        let start = NaiveDate::from_ymd_opt(2026, 10, 5)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("valid date");
        let clock = FixedClock::new(start);
        assert_eq!(clock.now(), start, "a fixed clock does not move by itself");
        clock.advance(Duration::minutes(90));
        assert_eq!(
            clock.now(),
            start + Duration::minutes(90),
            "advance moves it exactly"
        );
    }

    #[test]
    fn shifted_clock_keeps_the_given_date() {
        let date = NaiveDate::from_ymd_opt(2026, 10, 5).expect("valid date");
        assert_eq!(
            ShiftedDateClock { date }.now().date(),
            date,
            "the date is the demo's"
        );
    }
}
