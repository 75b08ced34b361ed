//! The reports suite: every kind of journal-reports computed on the server from its database, for an
//! institution ten times the demo (the demo copied ten times with fresh ids — 30 groups, about 800
//! students — sharing its subjects, year and periods), with "today" late in the year so the history
//! is nearly a full year. Each figure is the median over 3 runs of what the route does: take the
//! institution's snapshot through the server's snapshot cache (a version check against SQLite; the
//! whole is read again only after a change) and build the report for the whole institution.
//!
//! Figures, as (name, value, unit): `report_<kind>_s` for each kind (target ≤ 1 s, the control
//! dashboard ≤ 0.3 s), `report_snapshot_read_s` (reading the whole institution from SQLite, which
//! the first report after a change adds), and the size of the institution.

use std::collections::HashSet;
use std::time::Instant;

use anyhow::Context;
use chrono::NaiveDate;
use journal_protocol::Snapshot;
use journal_reports::{Filter, ReportKind};
use serde_json::Value;

const RUNS: usize = 3;
const TIMES: u32 = 10;

/// Replaces every id in `v` but those in `keep` by one derived from copy `k`.
pub(crate) fn remap(v: &mut Value, k: u32, keep: &HashSet<String>) {
    match v {
        Value::String(s) => {
            if keep.contains(s.as_str()) {
                return;
            }
            if let Ok(id) = uuid::Uuid::parse_str(s) {
                let mut b = *id.as_bytes();
                let x = (k as u16).wrapping_mul(0x9e37).to_be_bytes();
                b[0] ^= x[0];
                b[1] ^= x[1];
                *s = uuid::Uuid::from_bytes(b).to_string();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| remap(x, k, keep)),
        Value::Object(o) => o.values_mut().for_each(|x| remap(x, k, keep)),
        _ => {}
    }
}

/// The demo `times` times over: copy k gets fresh ids, group names and logins with «-k».
pub fn scaled(demo: &Snapshot, times: u32) -> anyhow::Result<Snapshot> {
    let base = serde_json::to_value(demo)?;
    let mut keep: HashSet<String> = demo.periods.iter().map(|p| p.id.to_string()).collect();
    keep.insert(demo.institution.id.to_string());
    keep.extend(demo.subjects.iter().map(|s| s.id.to_string()));
    keep.extend(demo.rooms.iter().map(|r| r.id.to_string()));
    let mut out = demo.clone();
    for k in 1..times {
        let mut v = base.clone();
        remap(&mut v, k, &keep);
        let mut c: Snapshot = serde_json::from_value(v).context("a copy of the demo reads back")?;
        for g in &mut c.groups {
            g.name = format!("{}-{k}", g.name);
        }
        for u in &mut c.users {
            u.login = format!("{}-{k}", u.login);
        }
        out.users.extend(c.users);
        out.groups.extend(c.groups);
        out.subgroups.extend(c.subgroups);
        out.students.extend(c.students);
        out.memberships.extend(c.memberships);
        out.loads.extend(c.loads);
        out.plan_topics.extend(c.plan_topics);
        out.lessons.extend(c.lessons);
        out.lesson_topics.extend(c.lesson_topics);
        out.homework.extend(c.homework);
        out.cells.extend(c.cells);
        out.finals.extend(c.finals);
        out.locks.extend(c.locks);
        out.remarks.extend(c.remarks);
        out.reopenings.extend(c.reopenings);
    }
    Ok(out)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

pub fn run() -> anyhow::Result<Vec<(String, f64, String)>> {
    let today = NaiveDate::from_ymd_opt(2027, 5, 20).context("a date")?;
    let now = today.and_hms_opt(15, 0, 0).context("a time")?;
    let demo = journal_demo::generate(journal_demo::DEFAULT_SEED, today);
    let big = scaled(&demo, TIMES)?;
    let mut out = vec![
        (
            "report_groups".to_string(),
            big.groups.len() as f64,
            "count".to_string(),
        ),
        (
            "report_students".to_string(),
            big.students.len() as f64,
            "count".to_string(),
        ),
        (
            "report_lessons".to_string(),
            big.lessons.len() as f64,
            "count".to_string(),
        ),
        (
            "report_cells".to_string(),
            big.cells.len() as f64,
            "count".to_string(),
        ),
    ];
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("reports.db");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let storage = journal_server::open_storage(&db.to_string_lossy()).await?;
        journal_server::demo::load_institution(storage.as_ref(), big, "bench").await?;
        let inst = storage
            .institutions()
            .await?
            .first()
            .map(|(id, _)| *id)
            .context("the institution is loaded")?;
        let mut reads = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            storage.snapshot(inst).await?;
            reads.push(t.elapsed().as_secs_f64());
        }
        out.push(("report_snapshot_read_s".into(), median(reads), "s".into()));
        // As the route reads it: through the server's snapshot cache, which asks the database
        // for the institution's version and reads the whole again only after a change.
        let cache = journal_server::snapshot_cache::SnapshotCache::default();
        for kind in ReportKind::ALL {
            let mut times = Vec::new();
            for _ in 0..RUNS {
                let t = Instant::now();
                let snap = cache
                    .read(storage.as_ref(), inst, chrono::Utc::now().naive_utc())
                    .await?
                    .snapshot;
                let report = journal_reports::build(kind, &snap, &Filter::default(), now)
                    .map_err(|e| anyhow::anyhow!(e))?;
                anyhow::ensure!(!report.tables.is_empty(), "{kind:?} has tables");
                times.push(t.elapsed().as_secs_f64());
            }
            out.push((
                format!("report_{}_s", kind.code()),
                median(times),
                "s".into(),
            ));
        }
        anyhow::Ok(())
    })?;
    Ok(out)
}
