//! Prints every document for the demo institution into a folder, with timings:
//! `cargo run --release -p journal-print --example print_demo -- OUT_DIR [YYYY-MM-DD]`.

use chrono::NaiveDate;
use journal_print::{PrintContext, PrintRequest};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(
        args.next()
            .ok_or("usage: print_demo OUT_DIR [YYYY-MM-DD]")?,
    );
    let today = match args.next() {
        Some(d) => NaiveDate::parse_from_str(&d, "%Y-%m-%d")?,
        None => NaiveDate::from_ymd_opt(2027, 6, 25).ok_or("date")?,
    };
    std::fs::create_dir_all(&out)?;
    let snap = journal_demo::generate(journal_demo::DEFAULT_SEED, today);
    let ctx = PrintContext {
        generated_at: today.and_hms_opt(15, 30, 0).ok_or("time")?,
        document_id: uuid::Uuid::from_u128(0x5eed),
    };
    let group = &snap.groups[0];
    let load = snap
        .loads
        .iter()
        .find(|l| l.group_id == group.id)
        .ok_or("no load")?;
    let student = snap
        .memberships
        .iter()
        .find(|m| m.group_id == group.id)
        .ok_or("no student")?
        .student_id;
    let period = &snap.periods[0];
    // A teacher's busiest day of the year, for the outage pages.
    let lesson = snap
        .lessons
        .iter()
        .find(|l| l.load_id == load.id && l.date <= today)
        .ok_or("no lesson")?;
    let requests = [
        (
            "year_journal",
            PrintRequest::YearJournal {
                group_id: group.id,
                double_sided: true,
            },
        ),
        (
            "subject_month",
            PrintRequest::SubjectPages {
                load_id: load.id,
                from: NaiveDate::from_ymd_opt(snap.year.starts_on.year_ce().1 as i32, 10, 1)
                    .ok_or("d")?,
                to: NaiveDate::from_ymd_opt(snap.year.starts_on.year_ce().1 as i32, 10, 31)
                    .ok_or("d")?,
            },
        ),
        (
            "finals_sheet",
            PrintRequest::FinalsSheet { group_id: group.id },
        ),
        (
            "extract",
            PrintRequest::Extract {
                student_id: student,
                period_id: period.id,
            },
        ),
        (
            "outage",
            PrintRequest::OutagePages {
                teacher_id: load.teacher_id,
                date: lesson.date,
            },
        ),
    ];
    for (name, req) in requests {
        let t = Instant::now();
        let pdf = journal_print::render(&snap, &req, &ctx)?;
        let s = t.elapsed().as_secs_f64();
        let path = out.join(format!("{name}.pdf"));
        std::fs::write(&path, &pdf)?;
        println!(
            "{name}: {s:.3} s, {} KiB -> {}",
            pdf.len() / 1024,
            path.display()
        );
    }
    Ok(())
}
use chrono::Datelike;
