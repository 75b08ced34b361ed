//! Where "now" comes from. The rules never read a clock (journal-core is pure); the use cases take the
//! time from an injected [`Clock`] so that tests, demos and the CLI's `--now` can fix it.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use std::sync::{Arc, Mutex};

/// The current local time of the institution, as the device sees it.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> NaiveDateTime;

    /// This clock read in the institution's zone (an IANA name such as "Europe/Moscow"), or None
    /// to keep this one. The computer's clock converts (a classroom PC set to UTC still records
    /// Moscow time, and its pushes are not flagged as hours off); a clock told its time keeps it.
    fn in_zone(&self, _zone: &str) -> Option<Arc<dyn Clock>> {
        None
    }
}

/// `clock` read in `zone` (see [`Clock::in_zone`]).
pub fn zoned(clock: Arc<dyn Clock>, zone: &str) -> Arc<dyn Clock> {
    clock.in_zone(zone).unwrap_or(clock)
}

/// The computer's clock. Alone it reads the computer's local zone; an opened journal reads it in
/// the institution's zone ([`Clock::in_zone`] → [`ZoneClock`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

/// The computer's clock (its UTC, which does not depend on the zone it is set to) in a given zone.
#[derive(Debug, Clone, Copy)]
pub struct ZoneClock {
    pub zone: chrono_tz::Tz,
}

impl Clock for ZoneClock {
    fn now(&self) -> NaiveDateTime {
        chrono::Utc::now().with_timezone(&self.zone).naive_local()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        chrono::Local::now().naive_local()
    }

    fn in_zone(&self, zone: &str) -> Option<Arc<dyn Clock>> {
        // An unknown zone name: the computer's own zone is the best guess left.
        let zone = zone.parse::<chrono_tz::Tz>().ok()?;
        Some(Arc::new(ZoneClock { zone }))
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
    fn the_system_clock_reads_the_institutions_zone_whatever_the_computers_zone() {
        let moscow = zoned(Arc::new(SystemClock), "Europe/Moscow");
        let utc_plus_3 = chrono::Utc::now().naive_utc() + Duration::hours(3);
        let off = (moscow.now() - utc_plus_3).num_seconds().abs();
        assert!(off < 5, "Moscow is UTC+3 all year: {off} s off");
        let unknown = zoned(Arc::new(SystemClock), "Марс/Олимп");
        let local = chrono::Local::now().naive_local();
        assert!(
            (unknown.now() - local).num_seconds().abs() < 5,
            "an unknown zone leaves the computer's own"
        );
        let start = NaiveDate::from_ymd_opt(2026, 10, 5)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("valid date");
        let fixed = zoned(Arc::new(FixedClock::new(start)), "Asia/Vladivostok");
        assert_eq!(fixed.now(), start, "a clock told its time keeps it");
    }

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
