//! The print suite: the whole-year journal of a demo group as PDF (target ≤ 0.5 s for ≈250 pages
//! in release). Needs journal-print and journal-demo as dependencies of journal-bench.
//!
//! Figures, as (name, value, unit):
//! - `year_journal_pdf_s` — median wall time of `journal_print::year_journal` over 5 runs
//!   (after one warm-up run that also parses the fonts);
//! - `year_journal_pages` — pages of that document (read back from its verification stamp);
//! - `year_journal_kib` — its size.

use anyhow::Context;
use chrono::NaiveDate;
use std::time::Instant;

const RUNS: usize = 5;

pub fn run() -> anyhow::Result<Vec<(String, f64, String)>> {
    // Year end: the whole year's lessons, marks and finals are in the journal.
    let today = NaiveDate::from_ymd_opt(2027, 6, 25).context("date")?;
    let snap = journal_demo::generate(journal_demo::DEFAULT_SEED, today);
    // The group with the most lessons makes the longest journal.
    let group = snap
        .groups
        .iter()
        .max_by_key(|g| {
            snap.lessons
                .iter()
                .filter(|l| {
                    snap.loads
                        .iter()
                        .any(|ld| ld.id == l.load_id && ld.group_id == g.id)
                })
                .count()
        })
        .context("the demo has no groups")?;
    let ctx = journal_print::PrintContext {
        generated_at: today.and_hms_opt(15, 0, 0).context("time")?,
        document_id: uuid::Uuid::from_u128(0xbec4),
    };
    let warm =
        journal_print::year_journal(&snap, group.id, &ctx).map_err(|e| anyhow::anyhow!("{e}"))?;
    let pages = journal_print::read_stamp(&warm)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .codes
        .len();
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        let pdf = journal_print::year_journal(&snap, group.id, &ctx)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(t.elapsed().as_secs_f64());
        std::hint::black_box(pdf);
    }
    times.sort_by(f64::total_cmp);
    let median = times[RUNS / 2];
    Ok(vec![
        ("year_journal_pdf_s".into(), median, "s".into()),
        ("year_journal_pages".into(), pages as f64, "pages".into()),
        (
            "year_journal_kib".into(),
            warm.len() as f64 / 1024.0,
            "KiB".into(),
        ),
    ])
}
