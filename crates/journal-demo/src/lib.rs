//! journal-demo: the demo institution, generated deterministically from a seed and a "today" date.
//!
//! A college («Северореченский колледж информационных технологий и сервиса», invented, as are all
//! people in it) with one academic year around "today": two semesters, holidays, a bell schedule of
//! pairs, three groups of 25–30 students, ten subjects (Русский язык и литература, an МДК, a practice,
//! a foreign language split into two subgroups…), the staff with the fixed logins `admin`, `deputy`,
//! `curator`, `teacher`, `teacher2` (and `teacher3`…`teacher7`), `student`, `parent`, the whole year's
//! timetable, the КТП of every load with real topic names, and a plausible journal history (topics,
//! homework, attendance, marks, finals and locks of ended semesters, remarks) for the days before
//! "today"; today's and later lessons are left for the teacher.
//!
//! Who is who (password [`DEMO_PASSWORD`] for all):
//! `admin` технический администратор; `deputy` заместитель директора по УР (writes remarks);
//! `curator` История in ИС-11 and БУ-11, куратор ИС-11; `teacher` Русский язык и литература in ИС-11
//! and БУ-11 and Русский язык и культура речи in ИС-21, a lesson on every school day; `teacher2`
//! Математика, куратор БУ-11; `teacher3`/`teacher4` Иностранный язык (1 / 2 подгруппа); `teacher5`
//! Физическая культура; `teacher6` Информатика and ОАиП, куратор ИС-21; `teacher7` МДК.01.01 and
//! УП.01 (2nd semester); `student` a student of ИС-11; `parent` that student's father.
//!
//! Conventions: every lesson is one pair (пара) with `hours` = 2 and a topic per hour; ids are
//! name-based UUIDs from the seed, so `generate(seed, today)` is byte-for-byte the same every time,
//! and the history of a day does not change when "today" moves later.

mod calendar;
mod generator;
mod institution;
mod people;
mod rng;
mod syllabus;

pub use generator::PAIR_HOURS;
use journal_protocol::Snapshot;

/// The seed used by `make run`, the CLI's `demo` command and the tests unless told otherwise.
pub const DEFAULT_SEED: u64 = 20_260_901;

/// The password of every demo login (the server hashes it when it imports the demo).
pub const DEMO_PASSWORD: &str = "demo";

/// The fixed logins of the demo, each with a user in the snapshot.
pub const DEMO_LOGINS: &[&str] = &[
    "admin", "deputy", "curator", "teacher", "teacher2", "teacher3", "teacher4", "teacher5",
    "teacher6", "teacher7", "student", "parent",
];

/// Generates the demo institution as it stands at the start of `today` (institution local time):
/// the journal holds entries for lessons before `today` only.
pub fn generate(seed: u64, today: chrono::NaiveDate) -> Snapshot {
    generator::generate(seed, today)
}
