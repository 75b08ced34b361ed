//! A demo teacher's local copy in a temp dir with a fixed clock, and helpers to prove "nothing
//! changed" after a refusal.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use journal_api::{ApiError, Clock, FixedClock, Journal, LessonDetail, LessonState, LessonSummary};
use std::sync::Arc;
use tempfile::TempDir;

/// The demo is generated with this "today" (a Monday in the first semester, after the deputy's first journal check).
pub fn demo_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).expect("valid date")
}

pub fn at(date: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(h, m, 0).expect("valid time"))
}

pub struct Fixture {
    pub dir: TempDir,
    pub journal: Journal,
    pub clock: Arc<FixedClock>,
    /// The first day from the demo's today on which the teacher has lessons.
    pub day: NaiveDate,
}

impl Fixture {
    /// Opens the demo teacher's copy; the clock stands at 20:00 of the first day (from the demo's
    /// today) with lessons, after every lesson of that day and before its end.
    pub fn open() -> Fixture {
        Fixture::open_with(|_| {})
    }

    /// As [`Fixture::open`], the demo institution changed by `edit` first (a curriculum, a
    /// policy) — what a server would have sent the teacher's copy.
    pub fn open_with(edit: impl FnOnce(&mut journal_protocol::Snapshot)) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let today = demo_today();
        {
            let path = journal_api::DataDir::new(dir.path())
                .store_path(journal_api::DEMO_LOGIN)
                .expect("store path");
            std::fs::create_dir_all(path.parent().expect("user dir")).expect("user dir");
            let mut snapshot = journal_demo::generate(journal_demo::DEFAULT_SEED, today);
            edit(&mut snapshot);
            let teacher = snapshot
                .users
                .iter()
                .find(|u| u.login == journal_api::DEMO_LOGIN)
                .expect("demo teacher")
                .id;
            let mut store = journal_store::Store::open(&path, None).expect("store opens");
            store
                .import_snapshot(&snapshot.for_user(teacher))
                .expect("edited demo imports");
        }
        let clock = Arc::new(FixedClock::new(at(today, 20, 0)));
        let journal = Journal::open_demo(dir.path(), today)
            .expect("demo copy opens")
            .with_clock(clock.clone() as Arc<dyn Clock>);
        let day = (0..7)
            .map(|i| today + Duration::days(i))
            .find(|d| {
                journal
                    .today_lessons(*d)
                    .map(|ls| ls.iter().any(held_by_me))
                    .unwrap_or(false)
            })
            .expect("the demo teacher has lessons in the week of the demo's today");
        clock.set(at(day, 20, 0));
        Fixture {
            dir,
            journal,
            clock,
            day,
        }
    }

    /// A held lesson of `day` that the teacher gives.
    pub fn lesson_of_day(&self) -> LessonSummary {
        self.journal
            .today_lessons(self.day)
            .expect("lessons of the day")
            .into_iter()
            .find(held_by_me)
            .expect("a held lesson of the teacher")
    }

    pub fn detail(&self, lesson: &LessonSummary) -> LessonDetail {
        self.journal.lesson(lesson.id).expect("lesson opens")
    }

    pub fn pending(&self) -> u64 {
        self.journal.status().expect("status").pending_ops
    }
}

pub fn held_by_me(l: &LessonSummary) -> bool {
    l.state == LessonState::Scheduled && l.substitution.as_ref().is_none_or(|s| s.by_me)
}

/// Asserts a refusal with `code`, and that the refusal left no outbox op and the lesson unchanged.
pub fn assert_refused_unchanged<T: std::fmt::Debug>(
    f: &mut Fixture,
    lesson: Option<&LessonSummary>,
    code: &str,
    attempt: impl FnOnce(&mut Journal) -> Result<T, ApiError>,
) -> ApiError {
    let pending_before = f.pending();
    let before = lesson.map(|l| f.detail(l));
    let err = match attempt(&mut f.journal) {
        Ok(v) => panic!("expected refusal «{code}», but the write was accepted: {v:?}"),
        Err(e) => e,
    };
    assert_eq!(err.code, code, "refusal code (message: {})", err.message);
    assert!(
        !err.message.is_empty(),
        "a refusal carries a Russian message"
    );
    assert_eq!(
        f.pending(),
        pending_before,
        "a refused write must not append an outbox op ({code})"
    );
    if let (Some(l), Some(before)) = (lesson, before) {
        assert_eq!(
            f.detail(l),
            before,
            "a refused write must leave the lesson as it was ({code})"
        );
    }
    err
}
