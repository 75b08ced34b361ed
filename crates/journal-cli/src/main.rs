//! `journal`: the app's use cases on the command line — the same ones the desktop app calls, over the
//! same local copy. Human output in Russian; `--json` prints machine-readable JSON. On an error the
//! exit code is non-zero and stderr carries the Russian message and its stable code.

/// `println!` for the program's output: when the reader has gone (`journal lessons | head`), the
/// program ends quietly instead of panicking on the broken pipe.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::write_out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `print!` likewise.
macro_rules! out {
    ($($arg:tt)*) => { $crate::write_out(format_args!($($arg)*)) };
}

mod print;
mod render;
mod table;

use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime};
use clap::{Args, Parser, Subcommand};
use journal_api::{
    ApiError, Clock, ConflictAction, DataDir, FixedClock, Journal, ShiftedDateClock, SystemClock,
    TopicInput, WorkType,
};
use journal_core::{LessonId, LoadId, PeriodId, StudentId, TopicId};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Электронный журнал: локальная копия преподавателя.
#[derive(Debug, Parser)]
#[command(name = "journal", version, about)]
struct Cli {
    /// Папка с локальными копиями (по умолчанию $XDG_DATA_HOME/offline-journal).
    #[arg(long, global = true, env = "JOURNAL_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Машиночитаемый вывод (JSON).
    #[arg(long, global = true)]
    json: bool,
    /// Пользователь, чья локальная копия открывается (если на компьютере их несколько).
    #[arg(long, global = true, env = "JOURNAL_USER", value_name = "LOGIN")]
    user: Option<String>,
    /// Считать сегодняшним днём эту дату (для демонстрации): YYYY-MM-DD.
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    today: Option<NaiveDate>,
    /// Считать текущим моментом это время (для демонстрации и тестов): YYYY-MM-DDTHH:MM[:SS].
    #[arg(long, global = true, value_name = "YYYY-MM-DDTHH:MM", value_parser = parse_datetime)]
    now: Option<NaiveDateTime>,
    /// Адрес сервера журнала, например http://192.168.1.10:8080.
    #[arg(long, global = true, env = "JOURNAL_SERVER", value_name = "URL")]
    server: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Создать (или открыть) локальную копию демо-преподавателя без сервера.
    Demo {
        /// Удалить существующую демо-копию и создать заново.
        #[arg(long)]
        reset: bool,
    },
    /// Группы и нагрузка пользователя.
    Groups,
    /// Нагрузка: предметы групп, которые ведёт пользователь.
    Loads,
    /// Уроки дня по расписанию (по умолчанию — сегодня).
    Lessons {
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        date: Option<NaiveDate>,
    },
    /// Урок: список группы с отметками, тема, домашнее задание.
    Lesson {
        #[arg(long, value_name = "ID")]
        lesson: LessonId,
    },
    /// Страница журнала: обучающиеся × даты, итоговые отметки.
    Grid(GridArgs),
    /// Выставить отметку или посещаемость: 5, 4, 3, 2, н, б, п, «5/4», «н 4»; пустая строка очищает.
    Mark {
        #[arg(long, value_name = "ID")]
        lesson: LessonId,
        /// Идентификатор обучающегося или его номер в списке урока.
        #[arg(long, value_name = "ID|N")]
        student: String,
        #[arg(allow_hyphen_values = true)]
        value: String,
        /// Причина исправления после дня занятия (где положение допускает исправления).
        #[arg(long, value_name = "ТЕКСТ")]
        reason: Option<String>,
    },
    /// Записать тему урока (из КТП или свободным текстом).
    Topic(TopicArgs),
    /// Изменить урок: замена, перенос, «урок не проведён» или вернуть в расписание (одно из).
    LessonChange {
        #[arg(long, value_name = "ID")]
        lesson: LessonId,
        /// Замена: логин преподавателя, который ведёт урок.
        #[arg(long, value_name = "ЛОГИН")]
        substitute: Option<String>,
        /// Снять замену.
        #[arg(long)]
        no_substitute: bool,
        /// Перенос на дату (вместе с --bell).
        #[arg(long, value_name = "ГГГГ-ММ-ДД", requires = "bell")]
        postpone: Option<NaiveDate>,
        /// Номер урока по звонкам для переноса.
        #[arg(long, value_name = "N")]
        bell: Option<u8>,
        /// Урок не проведён, с причиной.
        #[arg(long, value_name = "ПРИЧИНА")]
        not_held: Option<String>,
        /// Вернуть непроведённый урок в расписание.
        #[arg(long)]
        restore: bool,
    },
    /// Посещаемость группы за день (урок × обучающийся).
    GroupDay {
        /// Группа: название («ИС-11») или идентификатор.
        #[arg(long, value_name = "ГРУППА")]
        group: String,
        #[arg(long, value_name = "ГГГГ-ММ-ДД")]
        date: NaiveDate,
    },
    /// Причина пропусков за день по справке: все «н» обучающегося в этот день — «б» или «п».
    Excuse {
        #[arg(long, value_name = "ГРУППА")]
        group: String,
        #[arg(long, value_name = "ГГГГ-ММ-ДД")]
        date: NaiveDate,
        /// Идентификатор обучающегося или его номер в списке дня.
        #[arg(long, value_name = "ID|N")]
        student: String,
        /// «б» (болезнь) или «п» (уважительная причина).
        #[arg(long, value_name = "б|п")]
        reason: String,
    },
    /// Записать домашнее задание.
    Homework {
        #[arg(long, value_name = "ID")]
        lesson: LessonId,
        text: String,
    },
    /// Выставить итоговую отметку за период: 2–5, зачёт, незачёт, н/а, отсрочка; пустая строка очищает.
    Final {
        #[arg(long, value_name = "ID")]
        load: LoadId,
        #[arg(long, value_name = "ID")]
        period: PeriodId,
        /// Идентификатор обучающегося или его номер в списке.
        #[arg(long, value_name = "ID|N")]
        student: String,
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// Закрыть период после выставления итоговых отметок.
    Lock {
        #[arg(long, value_name = "ID")]
        load: LoadId,
        #[arg(long, value_name = "ID")]
        period: PeriodId,
    },
    /// Открыть закрытый период для исправления (заместитель директора, если это разрешено
    /// положением учреждения), с указанием причины.
    Unlock {
        #[arg(long, value_name = "ID")]
        load: LoadId,
        #[arg(long, value_name = "ID")]
        period: PeriodId,
        #[arg(long)]
        reason: String,
    },
    /// Состояние локальной копии: неотправленные изменения, конфликты, устройство.
    Status,
    /// Учебные периоды года.
    Periods,
    /// Замечания по ведению журнала.
    Remarks,
    /// Отметить замечание как устранённое.
    ResolveRemark {
        #[arg(long, value_name = "ID")]
        remark: uuid::Uuid,
    },
    /// Ответить на замечание и отметить его устранённым.
    AnswerRemark {
        #[arg(long, value_name = "ID")]
        remark: uuid::Uuid,
        /// Что исправлено.
        #[arg(long)]
        answer: String,
    },
    /// Конфликты и отказы сервера по изменениям этой копии.
    Conflicts,
    /// Войти через сервер (пароль — из JOURNAL_PASSWORD или первой строкой stdin): создаёт
    /// зашифрованную локальную копию пользователя или обновляет её.
    Login {
        /// Сертификат центра сертификации учреждения (PEM), которому доверять вместе с
        /// системными: для сервера https с собственным сертификатом. Запоминается для копии.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
    },
    /// Отправить неотправленные изменения на сервер и получить новые.
    Sync,
    /// Решить конфликт: принять значение сервера, отправить повторно или отозвать с причиной.
    ResolveConflict {
        #[arg(long, value_name = "N")]
        id: i64,
        #[arg(long, conflicts_with_all = ["submit_again", "withdraw"])]
        take_server: bool,
        #[arg(long, conflicts_with = "withdraw")]
        submit_again: bool,
        /// Причина отзыва.
        #[arg(long, value_name = "ПРИЧИНА")]
        withdraw: Option<String>,
    },
    /// Сменить пароль на сервере и перешифровать локальную копию (текущий пароль — из
    /// JOURNAL_PASSWORD или первой строки stdin, новый — из JOURNAL_NEW_PASSWORD или второй строки).
    Password,
    /// Пользователи, у которых есть локальная копия на этом компьютере.
    Users,
    /// Обмен файлами для компьютера без сети.
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// Печать в PDF из локальной копии (работает без сети).
    #[command(subcommand)]
    Print(print::PrintCommand),
    /// Проверить распечатку: совпадают ли напечатанные данные с локальной копией и какие
    /// страницы изменились (код выхода 2, если изменились).
    Verify { file: PathBuf },
}

#[derive(Debug, Subcommand)]
enum BundleCommand {
    /// На компьютере без сети: записать неотправленные изменения в файл.
    Export { file: PathBuf },
    /// На компьютере с сетью (вход под тем же пользователем): отправить файл на сервер и записать ответ.
    Push {
        file: PathBuf,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// На компьютере без сети: применить файл ответа.
    Import { file: PathBuf },
}

#[derive(Debug, Args)]
struct GridArgs {
    /// Нагрузка (предмет группы).
    #[arg(long, value_name = "ID", conflicts_with_all = ["group", "subject"], required_unless_present_all = ["group", "subject"])]
    load: Option<LoadId>,
    /// Группа по названию (вместе с --subject).
    #[arg(long, value_name = "NAME", requires = "subject")]
    group: Option<String>,
    /// Предмет по названию (вместе с --group).
    #[arg(long, value_name = "NAME", requires = "group")]
    subject: Option<String>,
    /// Период (идентификатор, номер или название); по умолчанию — текущий.
    #[arg(long, value_name = "ID|N|NAME")]
    period: Option<String>,
}

#[derive(Debug, Args)]
struct TopicArgs {
    #[arg(long, value_name = "ID")]
    lesson: LessonId,
    /// Час урока: 1 или 2 (для пары).
    #[arg(long, value_name = "N")]
    hour: Option<u8>,
    /// Тема из КТП.
    #[arg(long, value_name = "ID")]
    plan_topic: Option<TopicId>,
    /// Вид работы: lesson, lecture, practical, laboratory, control, written, seminar, test.
    #[arg(long, value_name = "ВИД", value_parser = parse_work_type)]
    work_type: Option<WorkType>,
    /// Номер контрольной, лабораторной или практической работы.
    #[arg(long, value_name = "N")]
    number: Option<u32>,
    /// Отработка темы пропущенного урока.
    #[arg(long, value_name = "ID")]
    makeup_of: Option<LessonId>,
    /// Тема свободным текстом (если не указана --plan-topic).
    #[arg(required_unless_present = "plan_topic")]
    text: Option<String>,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("ожидается дата в виде ГГГГ-ММ-ДД, получено «{s}»"))
}

fn parse_datetime(s: &str) -> Result<NaiveDateTime, String> {
    let s = s.trim();
    [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .ok_or_else(|| format!("ожидается время в виде ГГГГ-ММ-ДДTЧЧ:ММ, получено «{s}»"))
}

fn parse_work_type(s: &str) -> Result<WorkType, String> {
    WorkType::parse(s).ok_or_else(|| {
        let known: Vec<&str> = WorkType::ALL.iter().map(|w| w.code()).collect();
        format!(
            "неизвестный вид работы «{s}»; допустимы: {}",
            known.join(", ")
        )
    })
}

/// Writes to stdout; a closed pipe ends the program with success (the reader took what it wanted),
/// any other failure to write ends it with an error.
fn write_out(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("Не удалось вывести результат: {e}");
        std::process::exit(1);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The verify report is already printed; 2 tells a script "changed" from "failed".
        Err(e) if e.is::<print::Changed>() => ExitCode::from(2),
        Err(e) => {
            let api = match e.downcast::<ApiError>() {
                Ok(api) => api,
                Err(other) => ApiError::new("internal_error", format!("{other:#}")),
            };
            if json {
                let text = serde_json::to_string(&api)
                    .unwrap_or_else(|_| format!("{{\"code\":\"{}\"}}", api.code));
                eprintln!("{text}");
            } else {
                eprintln!("Ошибка: {} [{}]", api.message, api.code);
            }
            ExitCode::FAILURE
        }
    }
}

fn clock_of(cli: &Cli) -> Arc<dyn Clock> {
    match (cli.now, cli.today) {
        (Some(now), _) => Arc::new(FixedClock::new(now)),
        (None, Some(date)) => Arc::new(ShiftedDateClock { date }),
        (None, None) => Arc::new(SystemClock),
    }
}

/// Which local copy to open: `--user`, or the only one there is.
fn open(cli: &Cli, data_dir: &DataDir, clock: Arc<dyn Clock>) -> Result<Journal, ApiError> {
    let login = match &cli.user {
        Some(login) => login.clone(),
        None => {
            let users = data_dir.local_users()?;
            match users.as_slice() {
                [only] => only.clone(),
                [] => {
                    return Err(ApiError::new(
                        "no_local_copy",
                        format!(
                        "В папке {} нет локальной копии журнала. Создайте демо-копию: journal demo",
                        data_dir.root().display()
                    ),
                    ))
                }
                many => {
                    return Err(ApiError::new(
                        "user_required",
                        format!(
                            "На компьютере несколько локальных копий ({}); укажите --user",
                            many.join(", ")
                        ),
                    ))
                }
            }
        }
    };
    let encrypted = data_dir
        .user_dir(&login)?
        .join(journal_api::sync::KEY_FILE)
        .exists();
    if !encrypted {
        // The demo copy stays unencrypted.
        return Ok(Journal::open(data_dir.root(), &login, None)?.with_clock(clock));
    }
    let password = password()?;
    let journal = Journal::sign_in_offline(data_dir.root(), &login, &password)?;
    if !needs_server(&cli.command) {
        return Ok(journal.with_clock(clock));
    }
    // Sync needs a server session: sign in again online (the token lives in memory only).
    let server = cli
        .server
        .clone()
        .or_else(|| journal.status().ok().and_then(|s| s.server_url))
        .ok_or_else(|| ApiError::new("server_required", "Укажите адрес сервера: --server URL"))?;
    drop(journal);
    Ok(Journal::sign_in_online(data_dir.root(), &server, &login, &password)?.with_clock(clock))
}

fn needs_server(c: &Command) -> bool {
    matches!(
        c,
        Command::Sync | Command::Password | Command::Bundle(BundleCommand::Push { .. })
    )
}

/// The password: JOURNAL_PASSWORD, else the first line of stdin.
fn password() -> Result<String, ApiError> {
    if let Ok(p) = std::env::var("JOURNAL_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    if p.is_empty() {
        return Err(ApiError::new(
            "password_required",
            "Введите пароль (первой строкой) или задайте JOURNAL_PASSWORD",
        ));
    }
    Ok(p)
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let data_dir = DataDir::new(cli.data_dir.clone().unwrap_or_else(DataDir::default_root));
    let clock = clock_of(&cli);
    let today = cli.today.unwrap_or_else(|| clock.now().date());
    let json = cli.json;

    if let Command::Demo { reset } = &cli.command {
        if *reset {
            Journal::remove_local_copy(data_dir.root(), journal_api::DEMO_LOGIN)?;
        }
        let existed = data_dir.store_path(journal_api::DEMO_LOGIN)?.exists();
        let journal = Journal::open_demo(data_dir.root(), today)?.with_clock(clock);
        let status = journal.status()?;
        if !json {
            if existed {
                outln!("Открыта существующая демо-копия (создать заново: journal demo --reset).");
            } else {
                outln!(
                    "Создана демо-копия преподавателя на {}.",
                    today.format("%d.%m.%Y")
                );
            }
        }
        return render::status(&status, json);
    }

    if let Command::Users = &cli.command {
        let users = Journal::local_users(data_dir.root())?;
        if json {
            outln!("{}", serde_json::to_string(&users)?);
        } else if users.is_empty() {
            outln!("На этом компьютере нет локальных копий");
        } else {
            for u in users {
                outln!("{u}");
            }
        }
        return Ok(());
    }

    if let Command::Login { ca } = &cli.command {
        let login = cli
            .user
            .clone()
            .ok_or_else(|| ApiError::new("user_required", "Укажите пользователя: --user LOGIN"))?;
        let server = cli.server.clone().ok_or_else(|| {
            ApiError::new("server_required", "Укажите адрес сервера: --server URL")
        })?;
        let password = password()?;
        let journal = Journal::sign_in_online_with_ca(
            data_dir.root(),
            &server,
            ca.as_deref(),
            &login,
            &password,
            journal_api::KdfParams::default(),
        )?
        .with_clock(clock);
        if !json {
            outln!("Вход выполнен: локальная копия зашифрована паролем пользователя.");
            // A damaged copy found at this sign-in was set aside and rescued: say what happened.
            if let Some(r) = journal.rescue_report() {
                outln!(
                    "Локальная копия была повреждена ({}). Она сохранена как {}; получена новая копия с сервера; восстановлено неотправленных изменений: {}, не удалось прочитать: {}.",
                    r.damage,
                    r.kept_as,
                    r.rescued,
                    r.lost.len()
                );
                if r.queued > 0 {
                    outln!(
                        "Будут отправлены при ближайшей синхронизации: {}.",
                        r.queued
                    );
                }
                for lost in r.lost.iter().chain(&r.refused) {
                    outln!("  — {}", lost.description);
                }
            }
        }
        return render::status(&journal.status()?, json);
    }

    let mut journal = open(&cli, &data_dir, clock).context("открытие локальной копии")?;
    match cli.command {
        Command::Demo { .. } => unreachable_demo(),
        Command::Groups => render::groups(&journal.groups()?, json),
        Command::Loads => render::loads(&journal.loads()?, json),
        Command::Lessons { date } => {
            let date = date.unwrap_or(today);
            render::lessons(date, &journal.today_lessons(date)?, json)
        }
        Command::Lesson { lesson } => render::lesson(&journal.lesson(lesson)?, json),
        Command::Grid(args) => {
            let load = match (args.load, &args.group, &args.subject) {
                (Some(load), _, _) => load,
                (None, Some(group), Some(subject)) => journal.find_load(group, subject)?,
                _ => {
                    return Err(ApiError::invalid_input(
                        "Укажите --load или --group вместе с --subject",
                    )
                    .into())
                }
            };
            let period = match &args.period {
                Some(p) => Some(journal.find_period(p)?),
                None => None,
            };
            render::grid(&journal.grid(load, period)?, json)
        }
        Command::Mark {
            lesson,
            student,
            value,
            reason,
        } => {
            let student = resolve_lesson_student(&journal, lesson, &student)?;
            let receipt =
                journal.set_cell_with_reason(lesson, student, &value, reason.as_deref())?;
            let detail = journal.lesson(lesson)?;
            let row = detail.students.iter().find(|r| r.student_id == student);
            render::saved(
                &receipt,
                json,
                &match row {
                    Some(r) => format!("{}: «{}»", r.full_name, r.cell.symbol),
                    None => "Отметка сохранена".to_string(),
                },
            )
        }
        Command::Topic(args) => {
            let input = TopicInput {
                hour: args.hour,
                plan_topic_id: args.plan_topic,
                title: args.text,
                work_type: args.work_type,
                work_number: args.number,
                makeup_of: args.makeup_of,
            };
            let receipt = journal.set_topic(args.lesson, &input)?;
            render::saved(&receipt, json, "Тема урока записана")
        }
        Command::LessonChange {
            lesson,
            substitute,
            no_substitute,
            postpone,
            bell,
            not_held,
            restore,
        } => {
            use journal_api::LessonChangeRequest as R;
            let mut asked = Vec::new();
            if let Some(login) = substitute {
                asked.push(R::Substitute {
                    teacher_id: journal.colleague(&login)?,
                });
            }
            if no_substitute {
                asked.push(R::NoSubstitute);
            }
            if let (Some(to), Some(bell_number)) = (postpone, bell) {
                asked.push(R::Postpone { to, bell_number });
            }
            if let Some(reason) = not_held {
                asked.push(R::NotHeld { reason });
            }
            if restore {
                asked.push(R::Restore);
            }
            let [request] = <[R; 1]>::try_from(asked).map_err(|_| {
                ApiError::invalid_input(
                    "Укажите одно изменение: --substitute, --no-substitute, --postpone с --bell, --not-held или --restore",
                )
            })?;
            let receipt = journal.change_lesson(lesson, request)?;
            render::saved(&receipt, json, "Изменение урока записано")
        }
        Command::GroupDay { group, date } => {
            let day = journal.group_day(resolve_group(&journal, &group)?, date)?;
            render::group_day(&day, json)
        }
        Command::Excuse {
            group,
            date,
            student,
            reason,
        } => {
            let group = resolve_group(&journal, &group)?;
            let reason = match reason.trim() {
                "б" | "Б" => journal_core::Absence::Ill,
                "п" | "П" => journal_core::Absence::Excused,
                other => {
                    return Err(ApiError::invalid_input(format!(
                        "Причина по справке — «б» или «п», получено «{other}»"
                    ))
                    .into())
                }
            };
            let student = match student.trim().parse::<StudentId>() {
                Ok(id) => id,
                Err(_) => {
                    let n = parse_list_number(&student)? as usize;
                    journal
                        .group_day(group, date)?
                        .rows
                        .get(n.wrapping_sub(1))
                        .map(|r| r.student_id)
                        .ok_or_else(|| ApiError::student_not_found(format!("№ {n} в списке дня")))?
                }
            };
            let done = journal.excuse_day(group, date, student, reason)?;
            render::excused(&done, json)
        }
        Command::Homework { lesson, text } => {
            let receipt = journal.set_homework(lesson, &text)?;
            render::saved(&receipt, json, "Домашнее задание записано")
        }
        Command::Final {
            load,
            period,
            student,
            value,
        } => {
            let student = resolve_grid_student(&journal, load, period, &student)?;
            let receipt = journal.set_final(load, period, student, &value)?;
            // Where the policy locks after finals, the final that completes the list closed the period.
            let closed = journal.grid(load, Some(period))?.locked;
            render::saved(
                &receipt,
                json,
                if closed {
                    "Итоговая отметка сохранена; итоговые отметки выставлены всем — период закрыт для редактирования"
                } else {
                    "Итоговая отметка сохранена"
                },
            )
        }
        Command::Lock { load, period } => {
            let receipt = journal.lock_period(load, period)?;
            render::saved(&receipt, json, "Период закрыт для редактирования")
        }
        Command::Unlock {
            load,
            period,
            reason,
        } => {
            let receipt = journal.unlock_period(load, period, &reason)?;
            render::saved(&receipt, json, "Период открыт для исправления")
        }
        Command::Status => render::status(&journal.status_checked()?, json),
        Command::Periods => render::periods(&journal.periods()?, json),
        Command::Remarks => render::remarks(&journal.remarks()?, json),
        Command::ResolveRemark { remark } => {
            let receipt = journal.resolve_remark(remark)?;
            render::saved(&receipt, json, "Замечание отмечено как устранённое")
        }
        Command::AnswerRemark { remark, answer } => {
            let receipt = journal.answer_remark(remark, &answer)?;
            render::saved(
                &receipt,
                json,
                "Ответ записан, замечание отмечено как устранённое",
            )
        }
        Command::Conflicts => render::conflicts(&journal.conflicts()?, json),
        Command::Login { .. } | Command::Users => unreachable_demo(),
        Command::Password => {
            let old = password()?;
            let new = match std::env::var("JOURNAL_NEW_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            journal.change_password(&old, &new)?;
            if json {
                outln!("{}", serde_json::json!({ "changed": true }));
            } else {
                outln!("Пароль изменён; локальная копия перешифрована новым паролем.");
            }
            Ok(())
        }
        Command::Sync => render::sync_report(&journal.sync()?, json, "Синхронизация выполнена"),
        Command::ResolveConflict {
            id,
            take_server,
            submit_again,
            withdraw,
        } => {
            let action =
                match (take_server, submit_again, withdraw) {
                    (true, _, _) => ConflictAction::TakeServer,
                    (_, true, _) => ConflictAction::SubmitAgain,
                    (_, _, Some(reason)) => ConflictAction::Withdraw { reason },
                    _ => return Err(ApiError::invalid_input(
                        "Укажите действие: --take-server, --submit-again или --withdraw ПРИЧИНА",
                    )
                    .into()),
                };
            journal.resolve_conflict(id, action)?;
            render::conflicts(&journal.conflicts()?, json)
        }
        Command::Bundle(BundleCommand::Export { file }) => {
            let n = journal.export_bundle(&file)?;
            if json {
                outln!("{}", serde_json::json!({ "ops": n, "file": file }));
            } else {
                outln!("В файл {} записано изменений: {n}", file.display());
            }
            Ok(())
        }
        Command::Bundle(BundleCommand::Push { file, out }) => render::sync_report(
            &journal.push_bundle(&file, &out)?,
            json,
            &format!(
                "Файл отправлен на сервер, ответ записан в {}",
                out.display()
            ),
        ),
        Command::Bundle(BundleCommand::Import { file }) => render::sync_report(
            &journal.import_bundle_answer(&file)?,
            json,
            "Ответ сервера применён",
        ),
        Command::Print(cmd) => print::run(&journal, cmd, today, json),
        Command::Verify { file } => print::verify(&journal, &file, json),
    }
}

fn unreachable_demo() -> anyhow::Result<()> {
    // `demo` returns before a copy is opened; kept as an error rather than a panic.
    Err(ApiError::new("internal_error", "Команда demo обработана выше").into())
}

/// A student given as a UUID, or as the number in the lesson's list.
fn resolve_lesson_student(
    journal: &Journal,
    lesson: LessonId,
    given: &str,
) -> Result<StudentId, ApiError> {
    if let Ok(id) = given.trim().parse::<StudentId>() {
        return Ok(id);
    }
    let number = parse_list_number(given)?;
    journal
        .lesson(lesson)?
        .students
        .iter()
        .find(|r| r.number == number)
        .map(|r| r.student_id)
        .ok_or_else(|| ApiError::student_not_found(format!("№ {number} в списке урока")))
}

fn resolve_grid_student(
    journal: &Journal,
    load: LoadId,
    period: PeriodId,
    given: &str,
) -> Result<StudentId, ApiError> {
    if let Ok(id) = given.trim().parse::<StudentId>() {
        return Ok(id);
    }
    let number = parse_list_number(given)?;
    journal
        .grid(load, Some(period))?
        .rows
        .iter()
        .find(|r| r.number == number)
        .map(|r| r.student_id)
        .ok_or_else(|| ApiError::student_not_found(format!("№ {number} в списке группы")))
}

/// A group of the user's day screen by name («ИС-11») or id.
fn resolve_group(journal: &Journal, given: &str) -> Result<journal_core::GroupId, ApiError> {
    let groups = journal.attendance_groups()?;
    groups
        .iter()
        .find(|g| g.name == given.trim() || g.id.to_string() == given.trim())
        .map(|g| g.id)
        .ok_or_else(|| ApiError::not_found("Группа", given))
}

fn parse_list_number(given: &str) -> Result<u32, ApiError> {
    given.trim().parse::<u32>().map_err(|_| {
        ApiError::invalid_input(format!(
            "Обучающийся указывается идентификатором или номером в списке, получено «{given}»"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_work_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "journal",
            "lessons",
            "--data-dir",
            "/tmp/x",
            "--json",
            "--now",
            "2026-10-05T10:15",
        ])
        .expect("global flags are accepted after the subcommand");
        assert!(cli.json, "--json parsed");
        assert_eq!(
            cli.now.map(|n| n.to_string()),
            Some("2026-10-05 10:15:00".to_string()),
            "--now parsed"
        );
    }

    #[test]
    fn unlock_needs_a_reason() {
        let id = "0190a7c2-0000-7000-8000-000000000001";
        assert!(
            Cli::try_parse_from(["journal", "unlock", "--load", id, "--period", id]).is_err(),
            "a reopening without --reason is refused by the parser"
        );
        let cli = Cli::try_parse_from([
            "journal",
            "unlock",
            "--load",
            id,
            "--period",
            id,
            "--reason",
            "ошибка в итоговой",
        ])
        .expect("unlock with a reason parses");
        match cli.command {
            Command::Unlock { reason, .. } => {
                assert_eq!(reason, "ошибка в итоговой", "the reason is kept verbatim")
            }
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn mark_takes_empty_and_cyrillic_values() {
        let id = "0190a7c2-0000-7000-8000-000000000001";
        for value in ["", "н", "н 4", "5/4"] {
            let cli =
                Cli::try_parse_from(["journal", "mark", "--lesson", id, "--student", "3", value])
                    .expect("mark parses");
            match cli.command {
                Command::Mark { value: v, .. } => assert_eq!(v, value, "value kept verbatim"),
                other => panic!("parsed as {other:?}"),
            }
        }
    }

    #[test]
    fn topic_needs_text_or_plan_topic() {
        let id = "0190a7c2-0000-7000-8000-000000000001";
        assert!(
            Cli::try_parse_from(["journal", "topic", "--lesson", id]).is_err(),
            "a topic without text or КТП topic is a usage error"
        );
        assert!(
            Cli::try_parse_from(["journal", "topic", "--lesson", id, "--plan-topic", id]).is_ok(),
            "a КТП topic alone is enough"
        );
    }

    #[test]
    fn bad_dates_are_refused_in_russian() {
        let err = parse_date("05.10.2026").expect_err("dd.mm.yyyy is not the agreed form");
        assert!(
            err.contains("ГГГГ-ММ-ДД"),
            "the message names the form: {err}"
        );
    }
}
