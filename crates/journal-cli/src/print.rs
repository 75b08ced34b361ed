//! `journal print …` and `journal verify`: the paper documents from the local copy (offline) and
//! the check of a printed PDF against the copy.

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use journal_api::{ApiError, Journal, PrintDocument, VerifyReportDto};
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum PrintCommand {
    /// Журнал группы за учебный год (копия для архива).
    Year {
        /// Группа (название или идентификатор).
        #[arg(long, value_name = "NAME")]
        group: String,
        /// Печать с двух сторон листа: зеркальные поля, развороты, листов = ⌈страниц/2⌉.
        #[arg(long)]
        double_sided: bool,
        #[command(flatten)]
        out: Out,
    },
    /// Страницы журнала по предмету за период или месяц.
    Subject {
        #[arg(long, value_name = "NAME")]
        group: String,
        /// Предмет (название).
        #[arg(long, value_name = "NAME")]
        subject: String,
        /// Период (идентификатор, номер или название).
        #[arg(
            long,
            value_name = "ID|N|NAME",
            required_unless_present = "month",
            conflicts_with = "month"
        )]
        period: Option<String>,
        /// Месяц: ГГГГ-ММ.
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Option<(i32, u32)>,
        #[command(flatten)]
        out: Out,
    },
    /// Сводная ведомость итоговых оценок группы за год.
    Finals {
        #[arg(long, value_name = "NAME")]
        group: String,
        #[command(flatten)]
        out: Out,
    },
    /// Журнал учета обучения по профессиональному модулю: страницы МДК и практик группы и сводная
    /// ведомость модуля с квалификационным экзаменом.
    Module {
        #[arg(long, value_name = "NAME")]
        group: String,
        /// Профессиональный модуль: «ПМ.01», название или идентификатор.
        #[arg(long, value_name = "ПМ.NN|NAME|ID")]
        module: String,
        #[command(flatten)]
        out: Out,
    },
    /// Выписка для родителя: отметки и посещаемость обучающегося за период.
    Extract {
        #[arg(long, value_name = "NAME")]
        group: String,
        /// Обучающийся: «Фамилия Имя», номер в списке группы или идентификатор.
        #[arg(long, value_name = "ФАМИЛИЯ ИМЯ|N|ID")]
        student: String,
        /// Период (идентификатор, номер или название).
        #[arg(long, value_name = "ID|N|NAME")]
        period: String,
        #[command(flatten)]
        out: Out,
    },
    /// Отчёт по своим нагрузкам из локальной копии (без сети): progress, attendance, timeliness,
    /// control, marks_count, curriculum, forecast, missed_topics, control_works, activity,
    /// lesson_changes, journal_data.
    Report {
        #[arg(long, value_name = "KIND")]
        kind: String,
        /// Период (идентификатор, номер или название); без него — текущий.
        #[arg(long, value_name = "ID|N|NAME")]
        period: Option<String>,
        #[command(flatten)]
        out: Out,
    },
    /// Листы на время сбоя: уроки преподавателя за день с пустыми графами (по умолчанию — сегодня).
    Outage {
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::parse_date)]
        date: Option<NaiveDate>,
        #[command(flatten)]
        out: Out,
    },
}

#[derive(Debug, Args)]
pub struct Out {
    /// Куда сохранить PDF.
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
}

fn parse_month(s: &str) -> Result<(i32, u32), String> {
    let bad = || format!("ожидается месяц в виде ГГГГ-ММ, получено «{s}»");
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    let (y, m) = (
        y.parse::<i32>().map_err(|_| bad())?,
        m.parse::<u32>().map_err(|_| bad())?,
    );
    if y.to_string().len() != 4 || !(1..=12).contains(&m) {
        return Err(bad());
    }
    Ok((y, m))
}

/// Renders the document and writes it to `--out`; prints where it went and its page count.
pub fn run(
    journal: &Journal,
    cmd: PrintCommand,
    today: NaiveDate,
    json: bool,
) -> anyhow::Result<()> {
    let (document, out) = match cmd {
        PrintCommand::Year {
            group,
            double_sided,
            out,
        } => (
            PrintDocument::YearJournal {
                group_id: journal.find_group(&group)?,
                double_sided,
            },
            out,
        ),
        PrintCommand::Subject {
            group,
            subject,
            period,
            month,
            out,
        } => {
            let load_id = journal.find_load(&group, &subject)?;
            let document = match (period, month) {
                (_, Some((year, month))) => PrintDocument::SubjectMonth {
                    load_id,
                    year,
                    month,
                },
                (Some(p), None) => PrintDocument::SubjectPeriod {
                    load_id,
                    period_id: journal.find_period(&p)?,
                },
                (None, None) => {
                    return Err(ApiError::invalid_input("Укажите --period или --month").into())
                }
            };
            (document, out)
        }
        PrintCommand::Finals { group, out } => (
            PrintDocument::FinalsSheet {
                group_id: journal.find_group(&group)?,
            },
            out,
        ),
        PrintCommand::Module { group, module, out } => (
            PrintDocument::ModuleJournal {
                group_id: journal.find_group(&group)?,
                module_id: journal.find_module(&module)?,
            },
            out,
        ),
        PrintCommand::Extract {
            group,
            student,
            period,
            out,
        } => {
            let group_id = journal.find_group(&group)?;
            let period_id = journal.find_period(&period)?;
            let student_id = journal.find_group_student(group_id, period_id, &student)?;
            (
                PrintDocument::Extract {
                    student_id,
                    period_id,
                },
                out,
            )
        }
        PrintCommand::Report { kind, period, out } => (
            PrintDocument::Report {
                report: journal_reports::ReportKind::from_code(kind.trim())
                    .map_err(|e| ApiError::invalid_input(e.to_string()))?,
                period_id: period.map(|p| journal.find_period(&p)).transpose()?,
            },
            out,
        ),
        PrintCommand::Outage { date, out } => (
            PrintDocument::OutagePages {
                date: date.unwrap_or(today),
            },
            out,
        ),
    };
    let saved = journal.print_to_file(&document, &out.out)?;
    if json {
        outln!(
            "{}",
            serde_json::json!({
                "document": document,
                "title": saved.title,
                "file": saved.path,
                "pages": saved.pages,
                "bytes": saved.bytes,
            })
        );
    } else {
        outln!("{}: {} (страниц: {})", saved.title, saved.path, saved.pages);
    }
    Ok(())
}

/// The printed document no longer matches the local copy (exit code 2, the report is printed).
#[derive(Debug, thiserror::Error)]
#[error("Распечатка не соответствует журналу")]
pub struct Changed;

/// Checks a printed PDF; `Err(Changed)` when pages changed (the report is on stdout either way).
pub fn verify(journal: &Journal, file: &Path, json: bool) -> anyhow::Result<()> {
    let report: VerifyReportDto = journal.verify_file(file)?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        outln!("{}", report.title);
        outln!(
            "Напечатан: {}, страниц: {}",
            report.generated_at.format("%d.%m.%Y %H:%M"),
            report.printed_pages
        );
        outln!("{}", report.message);
    }
    if report.matches {
        Ok(())
    } else {
        Err(Changed.into())
    }
}
