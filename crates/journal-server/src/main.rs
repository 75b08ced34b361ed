//! `journal-server`: the institution server's command line (init, serve, audit verify, import,
//! users, deactivate, reactivate, export, report, backup, restore).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use journal_server::admin::{self, AdminError};
use journal_server::init::{InitError, InstitutionKind, NewInstitution};
use journal_server::{open_storage, AppState, ServerConfig};

#[derive(Parser)]
#[command(
    name = "journal-server",
    about = "Сервер электронного журнала учреждения"
)]
struct Cli {
    /// Database: a SQLite file path or a postgres:// URL (every command but `updates` needs it).
    #[arg(long, env = "JOURNAL_DB")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the database (schema); with --demo, load the demo institution; with --institution,
    /// add an empty institution with one administrator (password from JOURNAL_PASSWORD or the
    /// first line of stdin).
    Init {
        #[arg(long, conflicts_with = "institution")]
        demo: bool,
        /// The new institution's full official name.
        #[arg(long, requires_all = ["kind", "admin"])]
        institution: Option<String>,
        /// college (semesters, «группа/куратор») or school (quarters, «класс/классный руководитель»).
        #[arg(long, requires = "institution")]
        kind: Option<String>,
        /// The administrator's login.
        #[arg(long, requires = "institution")]
        admin: Option<String>,
        /// The administrator's full name.
        #[arg(long, requires = "institution")]
        admin_name: Option<String>,
        /// The institution's short name (default: the full name).
        #[arg(long, requires = "institution")]
        short_name: Option<String>,
        /// The institution's IANA time zone.
        #[arg(long, default_value = "Europe/Moscow")]
        timezone: String,
        /// "Today" for the demo data (default: the current date).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
        /// The institution's policy: a JSON file with journal_core::Policy fields (those left out
        /// keep the strict default of the kind; an unknown field is refused), e.g.
        /// {"deputy_may_edit": true}.
        #[arg(long)]
        policy: Option<std::path::PathBuf>,
    },
    /// Serve the HTTP API.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080", env = "JOURNAL_ADDR")]
        addr: SocketAddr,
        /// Serve HTTPS with this PEM certificate chain (the server's certificate first); needs
        /// --tls-key. Without it the server speaks plain HTTP.
        #[arg(
            long,
            value_name = "FILE",
            requires = "tls_key",
            env = "JOURNAL_TLS_CERT"
        )]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of --tls-cert.
        #[arg(
            long,
            value_name = "FILE",
            requires = "tls_cert",
            env = "JOURNAL_TLS_KEY"
        )]
        tls_key: Option<PathBuf>,
        /// Where backups go: the administrator's over HTTP to the first, scheduled ones to every
        /// one (give two, on different media). Default for a SQLite database: the folder
        /// `backups` beside it; for PostgreSQL none, and the console says so.
        #[arg(
            long,
            value_name = "DIR",
            env = "JOURNAL_BACKUP_DIR",
            value_delimiter = ','
        )]
        backup_dir: Vec<PathBuf>,
        /// For demo and test servers only: the server's clock stopped at 15:00 UTC of this day
        /// (after the day's lessons in European Russia), matching a demo database made with
        /// `init --demo --today` and devices run with a fixed clock on that day. Entry times are
        /// judged against this clock.
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<chrono::NaiveDate>,
        /// Make a backup every day at this local time (HH:MM) into every --backup-dir.
        #[arg(long, value_name = "HH:MM", env = "JOURNAL_BACKUP_AT")]
        backup_at: Option<chrono::NaiveTime>,
        /// Scheduled copies kept in each backup place (older ones are removed).
        #[arg(long, default_value_t = 30, env = "JOURNAL_BACKUP_KEEP")]
        backup_keep: usize,
        /// The backup key file (default for a SQLite database: `<db>.backup-key`, made by the
        /// first backup; keep a copy apart from the server).
        #[arg(long, value_name = "FILE", env = "JOURNAL_BACKUP_KEY")]
        backup_key: Option<PathBuf>,
        /// The address students and parents sign in at, printed on their login slips (default:
        /// the address the console was opened at).
        #[arg(long, value_name = "URL", env = "JOURNAL_PUBLIC_URL")]
        public_url: Option<String>,
        /// The mail server for e-mail notices: `smtp://host:25`,
        /// `smtp://user:password@host:587?tls=required`, `smtps://host`. The default for
        /// institutions whose administrator set none of their own; without either, no notices.
        #[arg(long, value_name = "URL", env = "JOURNAL_SMTP")]
        smtp: Option<String>,
        /// The notices' sender address.
        #[arg(
            long,
            value_name = "ADDRESS",
            env = "JOURNAL_SMTP_FROM",
            default_value = "journal@localhost"
        )]
        smtp_from: String,
        /// Parents' letters with new marks and absences: at most one per this many minutes (the
        /// marks of a window go in one letter).
        #[arg(
            long,
            value_name = "MINUTES",
            env = "JOURNAL_MARK_NOTICE_MINUTES",
            default_value_t = 15,
            value_parser = clap::value_parser!(u64).range(1..=1440)
        )]
        mark_notice_minutes: u64,
        /// Where `updates publish` puts the app's packages and signed manifest: the app checks it
        /// after each sign-in. Without it, no updates are offered.
        #[arg(long, value_name = "DIR", env = "JOURNAL_UPDATES_DIR")]
        updates_dir: Option<PathBuf>,
    },
    /// The app's updates from this server: the institution's update key and publishing a release.
    Updates {
        #[command(subcommand)]
        command: UpdatesCommand,
    },
    /// Audit log commands.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Import an administrator's file (all or nothing): students, groups, teachers, loads,
    /// timetable, plan, asc, fet.
    Import {
        kind: String,
        file: PathBuf,
        /// Only check the file: print what would be created, changed or removed; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The institution (its id, full or short name); needed when the database holds several.
        #[arg(long)]
        institution: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The institution's users with their roles and whether they may sign in.
    Users {
        /// The institution (its id, full or short name); needed when the database holds several.
        #[arg(long)]
        institution: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Deactivate a user: they cannot sign in and their sessions end; their entries keep their
    /// author.
    Deactivate { login: String },
    /// Let a deactivated user sign in again.
    Reactivate { login: String },
    /// Write the institution's snapshot as JSON.
    Export {
        #[arg(long)]
        to: PathBuf,
        /// The institution (its id, full or short name); needed when the database holds several.
        #[arg(long)]
        institution: Option<String>,
    },
    /// Take a consistent backup into a new directory (while the server may be serving).
    Backup {
        #[arg(long)]
        to: PathBuf,
        /// The backup key file (default for a SQLite database: `<db>.backup-key`, made here if
        /// missing; keep a copy apart from the server: a copy cannot be restored without it).
        #[arg(long, value_name = "FILE", env = "JOURNAL_BACKUP_KEY")]
        backup_key: Option<PathBuf>,
    },
    /// Check a deployment and say what to fix: the database (reachable, this version's schema,
    /// audit chains intact), the clock, TLS files, backup locations and key. Exits 1 if anything
    /// failed.
    Doctor {
        #[arg(long, value_name = "FILE", env = "JOURNAL_TLS_CERT")]
        tls_cert: Option<PathBuf>,
        #[arg(long, value_name = "FILE", env = "JOURNAL_TLS_KEY")]
        tls_key: Option<PathBuf>,
        /// A backup location (give two, on different media).
        #[arg(
            long,
            value_name = "DIR",
            env = "JOURNAL_BACKUP_DIR",
            value_delimiter = ','
        )]
        backup_dir: Vec<PathBuf>,
        #[arg(long, value_name = "FILE", env = "JOURNAL_BACKUP_KEY")]
        backup_key: Option<PathBuf>,
    },
    /// Prove a backup restores, without touching the live database: restore it into a throwaway
    /// database (SQLite: a temporary file; PostgreSQL: the empty database of --into), verify its
    /// audit chains and its cursors against the manifest. Exits 1 if it does not.
    RestoreDrill {
        #[arg(long)]
        from: PathBuf,
        #[arg(long, value_name = "FILE", env = "JOURNAL_BACKUP_KEY")]
        backup_key: Option<PathBuf>,
        #[arg(long)]
        accept_unsigned: bool,
        /// For a PostgreSQL backup: an empty scratch database (postgres://…) to restore into.
        #[arg(long, value_name = "URL")]
        into: Option<String>,
    },
    /// A control report of the whole institution (control, timeliness, progress, attendance,
    /// marks_count, curriculum, forecast, journal_data, missed_topics, control_works, activity,
    /// lesson_changes) as JSON, CSV, XLSX or PDF.
    Report {
        kind: String,
        /// Группа: идентификатор или название.
        #[arg(long)]
        group: Option<String>,
        /// Преподаватель: идентификатор или логин.
        #[arg(long)]
        teacher: Option<String>,
        /// Предмет: идентификатор или название.
        #[arg(long)]
        subject: Option<String>,
        /// Цикловая комиссия (методическое объединение): идентификатор или название.
        #[arg(long)]
        department: Option<String>,
        /// Учебный период: идентификатор или название.
        #[arg(long)]
        period: Option<String>,
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        /// json, csv, xlsx or pdf.
        #[arg(long, default_value = "json")]
        format: String,
        /// The file to write (default: standard output, for json and csv).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The institution (its id, full or short name); needed when the database holds several.
        #[arg(long)]
        institution: Option<String>,
        /// "Now" in the institution's local time (default: the clock), e.g. 2026-11-16T12:00:00.
        #[arg(long)]
        at: Option<chrono::NaiveDateTime>,
        /// A closed academic year from the archive, e.g. 2025/2026 (default: the current year).
        #[arg(long)]
        year: Option<String>,
    },
    /// Restore the database from a backup directory, or a backup file (.zip) downloaded from the
    /// console (checked against its manifest first).
    Restore {
        #[arg(long)]
        from: PathBuf,
        /// Replace a database that already holds an institution.
        #[arg(long)]
        force: bool,
        /// The backup key file the copy was sealed with (default as for `backup`).
        #[arg(long, value_name = "FILE", env = "JOURNAL_BACKUP_KEY")]
        backup_key: Option<PathBuf>,
        /// Restore a copy made by a version that did not sign its backups.
        #[arg(long)]
        accept_unsigned: bool,
    },
}

#[derive(Subcommand)]
enum UpdatesCommand {
    /// Make the institution's update key: the private key into --out (mode 600, never
    /// overwritten; keep it off the classroom PCs), the public key printed for the PCs'
    /// /etc/offline-journal/update-key.
    Keygen {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Publish a release: copy the packages (.deb, .rpm, .exe) into the update directory and write
    /// the manifest signed with the update key.
    Publish {
        /// The server's update directory (what `serve --updates-dir` serves).
        #[arg(long, value_name = "DIR", env = "JOURNAL_UPDATES_DIR")]
        dir: PathBuf,
        /// The private update key made by `updates keygen`.
        #[arg(long, value_name = "FILE", env = "JOURNAL_UPDATE_KEY")]
        key: PathBuf,
        /// The release's version, as the packages carry it (e.g. 0.1.1).
        #[arg(long)]
        version: String,
        /// What changed, in Russian: shown in the app beside «Установить».
        #[arg(long, default_value = "")]
        notes: String,
        /// The package files, at most one of each kind.
        #[arg(required = true)]
        packages: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every institution's audit chain; exits non-zero if anything was changed or removed.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("Не удалось запустить среду выполнения: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Ошибка: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Command::Updates { command } = &cli.command {
        return Ok(updates(command));
    }
    let db = cli.db.clone().context(
        "не указана база данных: --db ФАЙЛ или --db postgres://… (или переменная JOURNAL_DB)",
    )?;
    if let Command::Doctor {
        tls_cert,
        tls_key,
        backup_dir,
        backup_key,
    } = &cli.command
    {
        let deployment = journal_server::doctor::Deployment {
            tls_cert: tls_cert.clone(),
            tls_key: tls_key.clone(),
            backup_dirs: backup_dir.clone(),
            backup_key: backup_key
                .clone()
                .or_else(|| admin::default_backup_key_path(&db)),
        };
        return Ok(doctor(&db, &deployment).await);
    }
    if let Command::RestoreDrill {
        from,
        backup_key,
        accept_unsigned,
        into,
    } = &cli.command
    {
        return restore_drill(
            &db,
            from,
            backup_key.clone(),
            *accept_unsigned,
            into.clone(),
        )
        .await;
    }
    let storage = open_storage(&db)
        .await
        .with_context(|| format!("база данных «{}»", db))?;
    match cli.command {
        Command::Init {
            demo,
            institution,
            kind,
            admin,
            admin_name,
            short_name,
            timezone,
            today,
            policy,
        } => {
            let today = today.unwrap_or_else(|| chrono::Local::now().date_naive());
            let policy_text = match &policy {
                Some(path) => Some(
                    std::fs::read_to_string(path)
                        .with_context(|| format!("файл политики «{}»", path.display()))?,
                ),
                None => None,
            };
            if let Some(name) = institution {
                let outcome = init_institution(
                    storage.as_ref(),
                    name,
                    kind.unwrap_or_default(),
                    admin.unwrap_or_default(),
                    admin_name,
                    short_name,
                    timezone,
                    policy_text.as_deref(),
                    today,
                )
                .await;
                return Ok(match outcome {
                    Ok(report) => {
                        println!("{report}");
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("{e} [{}]", e.code());
                        ExitCode::FAILURE
                    }
                });
            }
            if demo {
                let policy = match policy_text {
                    Some(text) => {
                        match journal_server::init::policy_from_json(
                            &journal_core::Policy::default(),
                            &text,
                        ) {
                            Ok(p) => Some(p),
                            Err(e) => {
                                eprintln!("{e} [{}]", e.code());
                                return Ok(ExitCode::FAILURE);
                            }
                        }
                    }
                    None => None,
                };
                let report =
                    journal_server::demo::load_demo_with_policy(storage.as_ref(), today, policy)
                        .await?;
                println!("{report}");
            } else {
                println!("База данных создана: {}", db);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            addr,
            tls_cert,
            tls_key,
            backup_dir,
            today,
            backup_at,
            backup_keep,
            backup_key,
            public_url,
            smtp,
            smtp_from,
            mark_notice_minutes,
            updates_dir,
        } => {
            // The certificate is checked before the port is taken: a bad one stops the start.
            let tls = match (&tls_cert, &tls_key) {
                (Some(cert), Some(key)) => Some(journal_server::tls::server_config(cert, key)?),
                _ => None,
            };
            let mut backup_dirs = backup_dir;
            if backup_dirs.is_empty() && admin::backend_of(&db) == "sqlite" {
                backup_dirs.push(
                    std::path::Path::new(&db)
                        .parent()
                        .unwrap_or(std::path::Path::new("."))
                        .join("backups"),
                );
            }
            let backup_key = backup_key.or_else(|| admin::default_backup_key_path(&db));
            let mut config = ServerConfig {
                backup_dir: backup_dirs.first().cloned(),
                backup_key: backup_key.clone(),
                public_url,
                smtp: smtp.map(|url| journal_server::notice::Smtp {
                    url,
                    from: smtp_from,
                }),
                updates_dir,
                mark_notice_interval: std::time::Duration::from_secs(mark_notice_minutes * 60),
                ..ServerConfig::default()
            };
            if let Some(date) = today {
                eprintln!("Внимание: часы сервера сдвинуты на {date} (--today): только для демонстрации и тестов");
                let now = date.and_hms_opt(15, 0, 0).unwrap_or_default();
                config.clock = std::sync::Arc::new(move || now);
            }
            let state = AppState::new(storage, config);
            if let Some(at) = backup_at {
                let Some(key) = backup_key else {
                    return Ok(refused(&AdminError::NoBackupKey, false));
                };
                if backup_dirs.len() < 2 {
                    eprintln!("Внимание: резервные копии по расписанию идут в одно место; положения требуют двух носителей в разных помещениях (второй --backup-dir)");
                }
                journal_server::backup_schedule::spawn(
                    state.clone(),
                    journal_server::backup_schedule::Schedule {
                        dirs: backup_dirs.clone(),
                        key,
                        at,
                        keep: backup_keep,
                    },
                );
            }
            journal_server::mark_notices::spawn_sender(state.clone());
            let app = journal_server::app(state);
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("не удалось открыть адрес {addr}"))?;
            let shutdown = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            match tls {
                Some(config) => {
                    tracing::info!(%addr, "journal-server слушает (HTTPS)");
                    let listener = journal_server::tls::TlsListener::new(listener, config)?;
                    axum::serve(listener, app)
                        .with_graceful_shutdown(shutdown)
                        .await
                }
                None => {
                    tracing::info!(%addr, "journal-server слушает");
                    axum::serve(listener, app)
                        .with_graceful_shutdown(shutdown)
                        .await
                }
            }
            .context("сервер остановлен с ошибкой")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command: AuditCommand::Verify { json },
        } => {
            let report = storage.audit_verify().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else if report.is_intact() {
                println!(
                    "Журнал аудита цел: проверено записей — {}",
                    report.entries_checked
                );
            } else {
                println!(
                    "Журнал аудита НАРУШЕН: проверено записей — {}, нарушений — {}",
                    report.entries_checked,
                    report.problems.len()
                );
                for p in &report.problems {
                    println!(
                        "  [{}] учреждение {}, запись №{}: {}",
                        p.code, p.institution_id, p.seq, p.message
                    );
                }
            }
            Ok(if report.is_intact() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        Command::Import {
            kind,
            file,
            dry_run,
            institution,
            json,
        } => {
            let bytes = std::fs::read(&file)
                .with_context(|| format!("не удалось прочитать файл «{}»", file.display()))?;
            let outcome = async {
                let inst =
                    admin::pick_institution(storage.as_ref(), institution.as_deref()).await?;
                let name = file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                // A server running over the same PostgreSQL takes turns with this import.
                let _turn = if dry_run {
                    None
                } else {
                    Some(storage.reference_turn(inst).await?)
                };
                admin::import_by(
                    storage.as_ref(),
                    inst,
                    &kind,
                    &name,
                    &bytes,
                    now(),
                    None,
                    dry_run,
                )
                .await
            }
            .await;
            match outcome {
                Ok(report) => {
                    if json {
                        println!("{}", serde_json::to_string_pretty(&report)?);
                    } else {
                        print!("{}", report.to_text_ru(&kind));
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(refused(&e, json)),
            }
        }
        Command::Users { institution, json } => {
            let inst = match admin::pick_institution(storage.as_ref(), institution.as_deref()).await
            {
                Ok(i) => i,
                Err(e) => return Ok(refused(&e, json)),
            };
            let records = storage.user_records(inst).await?;
            if json {
                let rows: Vec<_> = records
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "id": r.user.id, "login": r.user.login, "full_name": r.user.full_name,
                            "grants": r.user.grants, "active": r.deactivated_at.is_none(),
                            "deactivated_at": r.deactivated_at, "has_password": r.has_password,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for r in &records {
                    let state = match r.deactivated_at {
                        Some(at) => format!("отключён с {}", at.format("%d.%m.%Y %H:%M UTC")),
                        None if !r.has_password => "без пароля".to_string(),
                        None => "активен".to_string(),
                    };
                    println!("{}\t{}\t{}", r.user.login, r.user.full_name, state);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Deactivate { login } => set_user_state(storage.as_ref(), &login, false).await,
        Command::Reactivate { login } => set_user_state(storage.as_ref(), &login, true).await,
        Command::Export { to, institution } => {
            let outcome = async {
                let inst =
                    admin::pick_institution(storage.as_ref(), institution.as_deref()).await?;
                admin::export(storage.as_ref(), inst, &to).await
            }
            .await;
            match outcome {
                Ok(export) => {
                    println!(
                        "Учреждение выгружено в «{}» (server_seq {})",
                        to.display(),
                        export.server_seq
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(refused(&e, false)),
            }
        }
        Command::Report {
            kind,
            group,
            teacher,
            subject,
            department,
            period,
            from,
            to,
            format,
            out,
            institution,
            at,
            year,
        } => {
            use journal_server::report_routes::{self as reports, ReportFormat, ReportQuery};
            let inst = match admin::pick_institution(storage.as_ref(), institution.as_deref()).await
            {
                Ok(i) => i,
                Err(e) => return Ok(refused(&e, false)),
            };
            let snap = match &year {
                Some(name) => match storage.archived_year(inst, name).await? {
                    Some((_, snap)) => snap,
                    None => {
                        eprintln!("Отчёт не сформирован: в архиве нет учебного года «{name}» (year_not_archived)");
                        return Ok(ExitCode::FAILURE);
                    }
                },
                None => storage.snapshot(inst).await?.0,
            };
            let now = at.unwrap_or_else(|| {
                journal_server::authority::local_time(&snap.institution.timezone, now())
                    .unwrap_or_else(now)
            });
            let query = ReportQuery {
                group,
                teacher,
                subject,
                department,
                period,
                from,
                to,
                format: Some(format),
                year,
            };
            let mut snap = snap;
            if kind == journal_reports::ReportKind::Activity.code() {
                snap.sign_ins = match reports::family_sign_ins(storage.as_ref(), &snap).await {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("Отчёт не сформирован: {} ({})", e.message, e.code);
                        return Ok(ExitCode::FAILURE);
                    }
                };
            }
            let made = journal_reports::ReportKind::from_code(&kind)
                .map_err(reports::report_error)
                .and_then(|kind| {
                    let format = ReportFormat::parse(query.format.as_deref())?;
                    let filter = reports::filter_of(&query, &snap)?;
                    Ok((format, reports::render(kind, &snap, &filter, now, format)?))
                });
            let (format, bytes) = match made {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("Отчёт не сформирован: {} ({})", e.message, e.code);
                    return Ok(ExitCode::FAILURE);
                }
            };
            match out {
                Some(path) => {
                    std::fs::write(&path, &bytes)
                        .with_context(|| format!("файл «{}»", path.display()))?;
                    eprintln!("Отчёт записан в «{}»", path.display());
                }
                None if matches!(format, ReportFormat::Json | ReportFormat::Csv) => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
                None => {
                    eprintln!("Для форматов xlsx и pdf укажите файл: --out ФАЙЛ");
                    return Ok(ExitCode::FAILURE);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { to, backup_key } => {
            let backend = admin::backend_of(&db);
            let Some(key_path) = backup_key.or_else(|| admin::default_backup_key_path(&db)) else {
                return Ok(refused(&AdminError::NoBackupKey, false));
            };
            let fresh = !key_path.exists();
            let key = match journal_server::backup_seal::BackupKey::load_or_create(&key_path) {
                Ok(key) => key,
                Err(e) => return Ok(refused(&AdminError::Seal(e), false)),
            };
            if fresh {
                println!(
                    "Создан ключ резервных копий «{}» ({}): сохраните его копию отдельно от сервера — без него копии не восстановить",
                    key_path.display(),
                    key.id()
                );
            }
            match admin::backup(storage.as_ref(), backend, &to, now(), &key).await {
                Ok(manifest) => {
                    println!(
                        "Резервная копия создана в «{}»: файлов — {}",
                        to.display(),
                        manifest.files.len()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(refused(&e, false)),
            }
        }
        Command::Doctor { .. } | Command::RestoreDrill { .. } | Command::Updates { .. } => {
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore {
            from,
            force,
            backup_key,
            accept_unsigned,
        } => {
            let backend = admin::backend_of(&db);
            let key = match backup_key
                .or_else(|| admin::default_backup_key_path(&db))
                .filter(|p| p.exists())
                .map(|p| journal_server::backup_seal::BackupKey::load(&p))
                .transpose()
            {
                Ok(key) => key,
                Err(e) => return Ok(refused(&AdminError::Seal(e), false)),
            };
            // A file is a backup downloaded from the console: unpacked into a temporary folder.
            let unpacked = tempfile::tempdir()?;
            let dir = if from.is_file() {
                if let Err(reason) = journal_server::backup_routes::unpack(&from, unpacked.path()) {
                    return Ok(refused(&AdminError::BackupDamaged(reason), false));
                }
                unpacked.path().to_path_buf()
            } else {
                from.clone()
            };
            match admin::restore(
                storage.as_ref(),
                backend,
                &dir,
                force,
                key.as_ref(),
                accept_unsigned,
            )
            .await
            {
                Ok(manifest) => {
                    println!(
                        "База данных восстановлена из «{}» (копия от {})",
                        from.display(),
                        manifest.created_at
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(refused(&e, false)),
            }
        }
    }
}

/// `restore-drill`: the copy (a folder or a downloaded .zip) restored into a throwaway database.
async fn restore_drill(
    db: &str,
    from: &std::path::Path,
    backup_key: Option<PathBuf>,
    accept_unsigned: bool,
    into: Option<String>,
) -> anyhow::Result<ExitCode> {
    let backend = admin::backend_of(db);
    let key = match backup_key
        .or_else(|| admin::default_backup_key_path(db))
        .filter(|p| p.exists())
        .map(|p| journal_server::backup_seal::BackupKey::load(&p))
        .transpose()
    {
        Ok(key) => key,
        Err(e) => return Ok(refused(&AdminError::Seal(e), false)),
    };
    let unpacked = tempfile::tempdir()?;
    let dir = if from.is_file() {
        if let Err(reason) = journal_server::backup_routes::unpack(from, unpacked.path()) {
            return Ok(refused(&AdminError::BackupDamaged(reason), false));
        }
        unpacked.path().to_path_buf()
    } else {
        from.to_path_buf()
    };
    let scratch_dir = tempfile::tempdir()?;
    let scratch_db = match (backend, into) {
        ("sqlite", _) => scratch_dir
            .path()
            .join("drill.db")
            .to_string_lossy()
            .into_owned(),
        (_, Some(url)) => url,
        (_, None) => {
            eprintln!("Ошибка: для копии базы PostgreSQL укажите пустую базу для проверки: --into postgres://… [restore_drill_target_missing]");
            return Ok(ExitCode::FAILURE);
        }
    };
    let scratch = open_storage(&scratch_db)
        .await
        .with_context(|| format!("база для проверки «{scratch_db}»"))?;
    match admin::restore_drill(
        scratch.as_ref(),
        backend,
        &dir,
        key.as_ref(),
        accept_unsigned,
    )
    .await
    {
        Ok(report) => {
            println!(
                "Проверка восстановления пройдена: копия от {} (UTC) восстановлена во временную базу, учреждений — {}, записей журнала действий — {}, подпись и контрольные суммы верны",
                report.manifest.created_at.format("%d.%m.%Y %H:%M"),
                report.institutions,
                report.audit_entries
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(refused(&e, false)),
    }
}

/// `doctor`: opens the database without creating one and prints each check.
async fn doctor(db: &str, deployment: &journal_server::doctor::Deployment) -> ExitCode {
    let missing_file = admin::backend_of(db) == "sqlite" && !std::path::Path::new(db).exists();
    let opened = if missing_file {
        Err(format!("файла «{db}» нет"))
    } else {
        open_storage(db).await.map_err(|e| e.to_string())
    };
    let (storage, error) = match opened {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(e)),
    };
    let checks = journal_server::doctor::run(storage.as_deref(), error, deployment, now()).await;
    for c in &checks {
        if c.ok {
            println!("✓ {}", c.what);
        } else {
            println!("✗ {}\n    что сделать: {}", c.what, c.fix);
        }
    }
    let failed = checks.iter().filter(|c| !c.ok).count();
    if failed == 0 {
        println!("Всё в порядке.");
        ExitCode::SUCCESS
    } else {
        println!("Требует внимания: {failed}.");
        ExitCode::FAILURE
    }
}

/// `init --institution`: the kind, the policy file and the administrator's password checked
/// before anything is written.
#[allow(clippy::too_many_arguments)]
async fn init_institution(
    storage: &dyn journal_server::Storage,
    name: String,
    kind: String,
    admin_login: String,
    admin_name: Option<String>,
    short_name: Option<String>,
    timezone: String,
    policy_text: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<String, InitError> {
    let kind_parsed = InstitutionKind::parse(&kind).ok_or(InitError::UnknownKind(kind))?;
    let base = kind_parsed.base_policy();
    let policy = match policy_text {
        Some(text) => journal_server::init::policy_from_json(&base, text)?,
        None => base,
    };
    let password = read_password()?;
    let id = journal_server::init::create_institution(
        storage,
        NewInstitution {
            name: name.clone(),
            short_name,
            timezone,
            policy,
            admin_login: admin_login.clone(),
            admin_name,
        },
        &password,
        today,
        now(),
    )
    .await?;
    Ok(format!(
        "Учреждение «{}» создано (id {id}); администратор: {}",
        name.trim(),
        admin_login.trim()
    ))
}

/// The new administrator's password: `JOURNAL_PASSWORD`, else the first line of stdin.
fn read_password() -> Result<String, InitError> {
    if let Ok(p) = std::env::var("JOURNAL_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| InitError::Password(e.to_string()))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// `deactivate` / `reactivate`: the same change as the HTTP endpoints, audited without an author.
async fn set_user_state(
    storage: &dyn journal_server::Storage,
    login: &str,
    active: bool,
) -> anyhow::Result<ExitCode> {
    let Some(account) = storage.account_by_login(login.trim()).await? else {
        eprintln!("Пользователя с логином «{}» нет", login.trim());
        return Ok(ExitCode::FAILURE);
    };
    match journal_server::user_routes::change_user_state(storage, &account, active, None, now())
        .await
    {
        Ok(()) => {
            println!(
                "{} «{}»",
                if active {
                    "Учётная запись включена:"
                } else {
                    "Учётная запись отключена, сеансы завершены:"
                },
                account.user.login
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{} [{}]", e.message, e.code);
            Ok(ExitCode::FAILURE)
        }
    }
}

fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Prints why an admin command changed nothing and gives the failing exit code.
/// `updates keygen` and `updates publish`: files only, no database.
fn updates(command: &UpdatesCommand) -> ExitCode {
    let outcome = match command {
        UpdatesCommand::Keygen { out } => journal_update::write_new_signing_key(out).map(|public| {
            println!("{}", journal_update::public_key_hex(&public));
            eprintln!(
                "Ключ обновлений записан в {}; открытый ключ (выше) положите на компьютеры кабинетов в /etc/offline-journal/update-key",
                out.display()
            );
        }),
        UpdatesCommand::Publish {
            dir,
            key,
            version,
            notes,
            packages,
        } => journal_update::read_signing_key(key)
            .and_then(|key| journal_update::publish(dir, &key, packages, version, notes))
            .map(|signed| {
                for p in &signed.manifest.packages {
                    println!("{} {} {} байт sha256 {}", p.kind, p.file, p.size, p.sha256);
                }
                eprintln!(
                    "Опубликована версия {} в {}",
                    signed.manifest.version,
                    dir.display()
                );
            }),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e} [{}]", e.code());
            ExitCode::FAILURE
        }
    }
}

fn refused(e: &AdminError, json: bool) -> ExitCode {
    if json {
        let rows = match e {
            AdminError::Import(i) => i.row_errors().to_vec(),
            _ => Vec::new(),
        };
        let body = serde_json::json!({
            "code": e.code(),
            "message": e.to_string(),
            "rows": rows,
        });
        println!("{body:#}");
    } else {
        eprintln!("{e}");
    }
    ExitCode::FAILURE
}
