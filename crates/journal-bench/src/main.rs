//! journal-bench: the product's performance figures, one per line as `name value unit target met`
//! (or one JSON object with `--json`). Timings are measured here, never asserted in tests.
//!
//! `cargo run --release -p journal-bench -- store` measures the local store: a durable mark
//! (record_edit of a SetCell with FULL sync) against a bare SQLite FULL-sync commit in the same
//! run and on the same disk, and opening a 35 × 120 grid. `-- print` times the whole-year journal
//! PDF of the largest demo group (journal-print). `-- server` pushes and pulls through the
//! institution server's HTTP API on 127.0.0.1 (SQLite and a throwaway PostgreSQL cluster).
//! `-- reports` computes every control report (journal-reports) from the server's SQLite database
//! for an institution ten times the demo.
//! `-- diary` has parents read their child's diary week at once from an institution ten times the
//! demo (`--scale`, `--parents`). `-- scale` measures a teacher's first sign-in and pulls at 1×, 5×
//! and 10× the demo in one database, and ingest through one and three server processes over one
//! PostgreSQL.

mod diary_suite;
mod print_suite;
mod reports_suite;
mod scale_suite;
mod server_suite;
mod store;

use clap::{Parser, ValueEnum};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Suite {
    Store,
    Server,
    Print,
    Reports,
    /// Parents reading their child's week (not part of `all`: it builds a large institution).
    Diary,
    /// Institutions of 1×, 5× and 10× the demo in one database, and three server processes over
    /// one PostgreSQL (not part of `all`; needs the release `journal-server` beside this binary).
    Scale,
    All,
}

#[derive(Debug, Parser)]
#[command(
    name = "journal-bench",
    about = "Замеры производительности электронного журнала"
)]
struct Args {
    /// Which benchmarks to run.
    suite: Suite,
    /// Print one JSON object instead of lines.
    #[arg(long)]
    json: bool,
    /// Samples per timed figure.
    #[arg(long, default_value_t = 1000)]
    samples: usize,
    /// Which server backends the server suite measures.
    #[arg(long, value_enum, default_value_t = server_suite::Backends::Both)]
    backend: server_suite::Backends,
    /// The diary suite: copies of the demo institution.
    #[arg(long, default_value_t = 10)]
    scale: usize,
    /// The diary suite: parents reading at once.
    #[arg(long, default_value_t = 1000)]
    parents: usize,
}

/// Context lines printed with the figures (`# name: value`, or extra JSON keys).
pub type Notes = Vec<(String, String)>;

/// One measured figure and its target.
#[derive(Debug, Clone)]
pub struct Figure {
    pub name: String,
    pub value: f64,
    pub unit: String,
    /// Human-readable target, e.g. `<=5`; empty for a reference figure.
    pub target: String,
    /// None when the figure is a reference without a target.
    pub met: Option<bool>,
}

fn print_figures(figures: &[Figure], json: bool, notes: &Notes) {
    if json {
        let mut obj = serde_json::Map::new();
        for f in figures {
            obj.insert(
                f.name.clone(),
                serde_json::json!({
                    "value": (f.value * 1000.0).round() / 1000.0,
                    "unit": f.unit,
                    "target": (!f.target.is_empty()).then_some(&f.target),
                    "met": f.met,
                }),
            );
        }
        let mut root = serde_json::Map::new();
        root.insert("figures".into(), serde_json::Value::Object(obj));
        for (k, v) in notes {
            root.insert(k.clone(), serde_json::Value::String(v.clone()));
        }
        println!("{}", serde_json::Value::Object(root));
    } else {
        for (k, v) in notes {
            eprintln!("# {k}: {v}");
        }
        for f in figures {
            match f.met {
                Some(met) => println!(
                    "{} {:.3} {} target{} {}",
                    f.name,
                    f.value,
                    f.unit,
                    f.target,
                    if met { "ok" } else { "MISSED" }
                ),
                None => println!("{} {:.3} {} reference", f.name, f.value, f.unit),
            }
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut figures = vec![];
    let mut notes = vec![];
    if matches!(args.suite, Suite::Store | Suite::All) {
        match store::run(args.samples) {
            Ok((f, n)) => {
                figures.extend(f);
                notes.extend(n);
            }
            Err(e) => {
                eprintln!("store: {e:#}");
                return ExitCode::FAILURE;
            }
        }
    }
    if matches!(args.suite, Suite::Server | Suite::All) {
        match server_suite::run(args.backend) {
            Ok(list) => {
                for (name, value, unit) in list {
                    let (target, met) = match name.as_str() {
                        "ingest_ops_per_s_sqlite" => {
                            (">=20000".to_string(), Some(value >= 20_000.0))
                        }
                        "noop_sync_p95" => ("<=20".to_string(), Some(value <= 20.0)),
                        "week_offline_sync_s" => ("<=5".to_string(), Some(value <= 5.0)),
                        _ => (String::new(), None),
                    };
                    figures.push(Figure {
                        name,
                        value,
                        unit,
                        target,
                        met,
                    });
                }
            }
            Err(e) => {
                eprintln!("server: {e:#}");
                return ExitCode::FAILURE;
            }
        }
    }
    if matches!(args.suite, Suite::Print | Suite::All) {
        match print_suite::run() {
            Ok(list) => {
                for (name, value, unit) in list {
                    let (target, met) = match name.as_str() {
                        "year_journal_pdf_s" => ("<=0.5".to_string(), Some(value <= 0.5)),
                        _ => (String::new(), None),
                    };
                    figures.push(Figure {
                        name,
                        value,
                        unit,
                        target,
                        met,
                    });
                }
            }
            Err(e) => {
                eprintln!("print: {e:#}");
                return ExitCode::FAILURE;
            }
        }
    }
    if matches!(args.suite, Suite::Reports | Suite::All) {
        match reports_suite::run() {
            Ok(list) => {
                for (name, value, unit) in list {
                    let (target, met) = match name.as_str() {
                        "report_control_s" => ("<=0.3".to_string(), Some(value <= 0.3)),
                        n if n.starts_with("report_")
                            && n.ends_with("_s")
                            && n != "report_snapshot_read_s" =>
                        {
                            ("<=1".to_string(), Some(value <= 1.0))
                        }
                        _ => (String::new(), None),
                    };
                    figures.push(Figure {
                        name,
                        value,
                        unit,
                        target,
                        met,
                    });
                }
            }
            Err(e) => {
                eprintln!("reports: {e:#}");
                return ExitCode::FAILURE;
            }
        }
    }
    if args.suite == Suite::Diary {
        match diary_suite::run(args.scale, args.parents) {
            Ok(list) => {
                for (name, value, unit) in list {
                    let (target, met) = match name.as_str() {
                        "diary_week_p95_ms" => ("<=50".to_string(), Some(value <= 50.0)),
                        "diary_reads_per_s" => (">=2000".to_string(), Some(value >= 2000.0)),
                        _ => (String::new(), None),
                    };
                    figures.push(Figure {
                        name,
                        value,
                        unit,
                        target,
                        met,
                    });
                }
            }
            Err(e) => {
                eprintln!("diary: {e:#}");
                return ExitCode::FAILURE;
            }
        }
    }
    if args.suite == Suite::Scale {
        match scale_suite::run() {
            Ok(list) => {
                let one_process = list
                    .iter()
                    .find(|(n, _, _)| n == "ingest_ops_per_s_postgres_1proc")
                    .map(|(_, v, _)| *v);
                for (name, value, unit) in list {
                    let (target, met) = match name.as_str() {
                        "snapshot_s_10x" => ("<=1".to_string(), Some(value <= 1.0)),
                        "ingest_ops_per_s_postgres_3proc" => match one_process {
                            Some(one) => (format!(">={one:.0}"), Some(value >= one)),
                            None => (String::new(), None),
                        },
                        _ => (String::new(), None),
                    };
                    figures.push(Figure {
                        name,
                        value,
                        unit,
                        target,
                        met,
                    });
                }
            }
            Err(e) => {
                eprintln!("scale: {e:#}");
                return ExitCode::FAILURE;
            }
        }
    }
    print_figures(&figures, args.json, &notes);
    ExitCode::SUCCESS
}
