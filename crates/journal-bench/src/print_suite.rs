//! The print suite: the whole-year journal of a year-size group as PDF (target ≤ 0.5 s for ≈250
//! pages in release). Needs journal-print and journal-demo as dependencies of journal-bench.
//!
//! A real year journal holds every subject of a group for the whole year: a first-year college
//! group has about 15 subjects (the general-education cycle: Russian, literature, a foreign
//! language, mathematics, history, physical education, ОБЗР, informatics, physics, chemistry,
//! biology, geography, social studies, the individual project, plus the profile's first
//! subjects). The demo group has fewer, so the suite builds the year-size group from the demo
//! snapshot: the demo's largest group gets the whole-group loads of the other demo groups whose
//! subjects it lacks, with their lessons, topics, homework, marks and finals moved onto its own
//! students (the demo itself is not changed).
//!
//! Figures, as (name, value, unit):
//! - `year_journal_pdf_s` — median wall time of `journal_print::year_journal` over 5 runs
//!   (after one warm-up run that also parses the fonts);
//! - `year_journal_pages` — pages of that document (read back from its verification stamp);
//! - `year_journal_loads`, `year_journal_hours` — what the journal holds (loads incl. subgroups; hours of lessons);
//! - `year_journal_kib` — its size.

use anyhow::Context;
use chrono::NaiveDate;
use journal_core::{GroupId, LessonId, LoadId, StudentId, TopicId};
use journal_protocol::Snapshot;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

const RUNS: usize = 5;

/// Lessons of a group's loads.
fn lessons_of_group(snap: &Snapshot, group: GroupId) -> usize {
    let loads: HashSet<LoadId> = snap
        .loads
        .iter()
        .filter(|l| l.group_id == group)
        .map(|l| l.id)
        .collect();
    snap.lessons
        .iter()
        .filter(|l| loads.contains(&l.load_id))
        .count()
}

/// The demo's largest group with the other groups' whole-group loads of subjects it lacks moved
/// onto it (see the module doc).
pub fn year_size_group(mut snap: Snapshot) -> anyhow::Result<(Snapshot, GroupId)> {
    let target = snap
        .groups
        .iter()
        .max_by_key(|g| lessons_of_group(&snap, g.id))
        .map(|g| g.id)
        .context("the demo has no groups")?;
    let students_of = |snap: &Snapshot, g: GroupId| -> Vec<StudentId> {
        let mut v: Vec<StudentId> = snap
            .memberships
            .iter()
            .filter(|m| m.group_id == g)
            .map(|m| m.student_id)
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let ours = students_of(&snap, target);
    anyhow::ensure!(!ours.is_empty(), "the group has students");
    let mut have: HashSet<_> = snap
        .loads
        .iter()
        .filter(|l| l.group_id == target)
        .map(|l| l.subject_id)
        .collect();
    let donors: Vec<_> = snap
        .loads
        .iter()
        .filter(|l| l.group_id != target && l.subgroup_id.is_none())
        .cloned()
        .collect();
    let mut n = 0u128;
    let mut fresh = || {
        n += 1;
        uuid::Uuid::from_u128(0xb0_0000_0000 + n)
    };
    for donor in donors {
        if !have.insert(donor.subject_id) {
            continue;
        }
        // Their students, by position in the alphabetical list, become ours.
        let theirs = students_of(&snap, donor.group_id);
        let map_student: HashMap<StudentId, StudentId> = theirs
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, ours[i % ours.len()]))
            .collect();
        let mut load = donor.clone();
        load.id = LoadId(fresh());
        load.group_id = target;
        let topics: HashMap<TopicId, TopicId> = snap
            .plan_topics
            .iter()
            .filter(|t| t.load_id == donor.id)
            .map(|t| (t.id, TopicId(fresh())))
            .collect();
        let new_topics: Vec<_> = snap
            .plan_topics
            .iter()
            .filter(|t| t.load_id == donor.id)
            .map(|t| {
                let mut t = t.clone();
                t.id = topics[&t.id];
                t.load_id = load.id;
                t
            })
            .collect();
        let lessons: HashMap<LessonId, LessonId> = snap
            .lessons
            .iter()
            .filter(|l| l.load_id == donor.id)
            .map(|l| (l.id, LessonId(fresh())))
            .collect();
        let new_lessons: Vec<_> = snap
            .lessons
            .iter()
            .filter(|l| l.load_id == donor.id)
            .map(|l| {
                let mut l = l.clone();
                l.id = lessons[&l.id];
                l.load_id = load.id;
                l
            })
            .collect();
        let new_lesson_topics: Vec<_> = snap
            .lesson_topics
            .iter()
            .filter(|t| lessons.contains_key(&t.lesson_id))
            .map(|t| {
                let mut t = t.clone();
                t.lesson_id = lessons[&t.lesson_id];
                t.plan_topic_id = t.plan_topic_id.and_then(|p| topics.get(&p).copied());
                t.makeup_of = t.makeup_of.and_then(|m| lessons.get(&m).copied());
                t
            })
            .collect();
        let new_homework: Vec<_> = snap
            .homework
            .iter()
            .filter(|h| lessons.contains_key(&h.lesson_id))
            .map(|h| {
                let mut h = h.clone();
                h.lesson_id = lessons[&h.lesson_id];
                h
            })
            .collect();
        let new_cells: Vec<_> = snap
            .cells
            .iter()
            .filter(|c| lessons.contains_key(&c.lesson_id))
            .filter_map(|c| {
                let mut c = c.clone();
                c.lesson_id = lessons[&c.lesson_id];
                c.student_id = *map_student.get(&c.student_id)?;
                Some(c)
            })
            .collect();
        let new_finals: Vec<_> = snap
            .finals
            .iter()
            .filter(|f| f.load_id == donor.id)
            .filter_map(|f| {
                let mut f = f.clone();
                f.load_id = load.id;
                f.student_id = *map_student.get(&f.student_id)?;
                Some(f)
            })
            .collect();
        snap.loads.push(load);
        snap.plan_topics.extend(new_topics);
        snap.lessons.extend(new_lessons);
        snap.lesson_topics.extend(new_lesson_topics);
        snap.homework.extend(new_homework);
        // Two students of theirs may map onto one of ours: keep one cell/final each.
        let mut seen = HashSet::new();
        snap.cells.extend(
            new_cells
                .into_iter()
                .filter(|c| seen.insert((c.lesson_id, c.student_id))),
        );
        let mut seen = HashSet::new();
        snap.finals.extend(
            new_finals
                .into_iter()
                .filter(|f| seen.insert((f.period_id, f.student_id, f.load_id))),
        );
    }
    Ok((snap, target))
}

pub fn run() -> anyhow::Result<Vec<(String, f64, String)>> {
    // Year end: the whole year's lessons, marks and finals are in the journal.
    let today = NaiveDate::from_ymd_opt(2027, 6, 25).context("date")?;
    let (snap, group) = year_size_group(journal_demo::generate(journal_demo::DEFAULT_SEED, today))?;
    let subjects = snap.loads.iter().filter(|l| l.group_id == group).count();
    let group_loads: HashSet<LoadId> = snap
        .loads
        .iter()
        .filter(|l| l.group_id == group)
        .map(|l| l.id)
        .collect();
    let hours: u32 = snap
        .lessons
        .iter()
        .filter(|l| group_loads.contains(&l.load_id))
        .map(|l| u32::from(l.hours))
        .sum();
    let ctx = journal_print::PrintContext {
        generated_at: today.and_hms_opt(15, 0, 0).context("time")?,
        document_id: uuid::Uuid::from_u128(0xbec4),
    };
    let warm =
        journal_print::year_journal(&snap, group, &ctx).map_err(|e| anyhow::anyhow!("{e}"))?;
    let pages = journal_print::read_stamp(&warm)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .codes
        .len();
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        let pdf =
            journal_print::year_journal(&snap, group, &ctx).map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(t.elapsed().as_secs_f64());
        std::hint::black_box(pdf);
    }
    times.sort_by(f64::total_cmp);
    let median = times[RUNS / 2];
    Ok(vec![
        ("year_journal_pdf_s".into(), median, "s".into()),
        ("year_journal_pages".into(), pages as f64, "pages".into()),
        ("year_journal_loads".into(), subjects as f64, "loads".into()),
        ("year_journal_hours".into(), f64::from(hours), "h".into()),
        (
            "year_journal_kib".into(),
            warm.len() as f64 / 1024.0,
            "KiB".into(),
        ),
    ])
}
