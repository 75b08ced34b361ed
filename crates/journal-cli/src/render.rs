//! Output of each command: JSON with `--json`, otherwise Russian text and tables.

use crate::table::Table;
use chrono::NaiveDate;
use journal_api::{
    ConflictView, DeadlineState, Duty, EditReceipt, Grid, GroupSummary, LessonDetail, LessonState,
    LessonSummary, LoadSummary, PeriodView, RemarkView, Status, SyncReportDto,
};
use serde::Serialize;

fn print_json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    outln!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn date_ru(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

pub fn status(s: &Status, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(s);
    }
    outln!(
        "Пользователь:           {} ({})",
        s.user.full_name,
        s.user.login
    );
    outln!("Учреждение:             {}", s.institution_name);
    outln!("Устройство:             {}", s.device_id);
    outln!("Неотправленных изменений: {}", s.pending_ops);
    outln!("Конфликтов:             {}", s.conflicts);
    outln!(
        "Последняя синхронизация: {}",
        s.last_sync
            .map(|t| t.format("%d.%m.%Y %H:%M").to_string())
            .unwrap_or_else(|| "никогда".to_string())
    );
    outln!(
        "Журнал изменений:       {}",
        if s.outbox_intact {
            "цел, подписи верны"
        } else {
            "НАРУШЕН"
        }
    );
    if let Some(intact) = s.copy_intact {
        outln!(
            "Файл копии:             {}",
            if intact {
                "читается целиком"
            } else {
                "ПОВРЕЖДЁН — не удаляйте его, обратитесь к администратору журнала"
            }
        );
    }
    outln!(
        "Связь с сервером:       {}",
        match s.online {
            Some(true) => "есть",
            Some(false) => "нет",
            None => "не проверялась",
        }
    );
    outln!("Файл:                   {}", s.store_path);
    Ok(())
}

fn subgroup_suffix(subgroup: &Option<String>) -> String {
    subgroup
        .as_ref()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default()
}

pub fn groups(groups: &[GroupSummary], json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(groups);
    }
    let mut t = Table::new(["Группа", "Курс", "Обучающихся", "Куратор", "Предметы"]);
    for g in groups {
        let subjects: Vec<String> = g
            .loads
            .iter()
            .map(|l| format!("{}{}", l.subject_name, subgroup_suffix(&l.subgroup_name)))
            .collect();
        t.row([
            g.name.clone(),
            g.course.to_string(),
            g.student_count.to_string(),
            g.curator_name.clone().unwrap_or_else(|| "—".into()),
            subjects.join("; "),
        ]);
    }
    out!("{}", t.render());
    Ok(())
}

pub fn loads(loads: &[LoadSummary], json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(loads);
    }
    let mut t = Table::new([
        "Группа",
        "Предмет",
        "Преподаватель",
        "Часы (план/дано)",
        "Нагрузка",
    ]);
    for l in loads {
        t.row([
            format!("{}{}", l.group_name, subgroup_suffix(&l.subgroup_name)),
            l.subject_name.clone(),
            l.teacher_name.clone(),
            format!("{}/{}", l.planned_hours, l.given_hours),
            l.id.to_string(),
        ]);
    }
    out!("{}", t.render());
    Ok(())
}

fn duty_text(d: &Duty) -> String {
    let due = d
        .due
        .map(|t| format!(" до {}", t.format("%d.%m %H:%M")))
        .unwrap_or_default();
    format!("{} {}{}", state_mark(d.state), d.label_ru, due)
}

fn state_mark(state: DeadlineState) -> &'static str {
    match state {
        DeadlineState::NotDue => "·",
        DeadlineState::Pending => "!",
        DeadlineState::DoneInTime => "✓",
        DeadlineState::DoneLate => "✓(поздно)",
        DeadlineState::Overdue => "✗",
    }
}

pub fn lessons(date: NaiveDate, lessons: &[LessonSummary], json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(lessons);
    }
    outln!("Уроки на {}:", date_ru(date));
    if lessons.is_empty() {
        outln!("уроков нет");
        return Ok(());
    }
    let mut t = Table::new([
        "№",
        "Время",
        "Группа",
        "Предмет",
        "Тема",
        "Не заполнено",
        "Урок",
    ]);
    for l in lessons {
        let mut subject = l.subject_name.clone();
        if let Some(s) = &l.substitution {
            subject.push_str(&format!(" [замена: {}]", s.substitute_name));
        }
        match l.state {
            LessonState::Scheduled => {}
            LessonState::Postponed => subject.push_str(" [перенесён]"),
            LessonState::Cancelled => subject.push_str(&match &l.change_reason {
                Some(r) => format!(" [не проведён: {r}]"),
                None => " [не проведён]".to_string(),
            }),
        }
        if l.locked {
            subject.push_str(" [период закрыт]");
        }
        let missing: Vec<String> = l.duties.iter().filter(|d| !d.done).map(duty_text).collect();
        t.row([
            l.bell_number.to_string(),
            format!(
                "{}–{}",
                l.starts_at.format("%H:%M"),
                l.ends_at.format("%H:%M")
            ),
            format!("{}{}", l.group_name, subgroup_suffix(&l.subgroup_name)),
            subject,
            l.topics.join(" / "),
            if missing.is_empty() {
                "всё заполнено".to_string()
            } else {
                missing.join("; ")
            },
            l.id.to_string(),
        ]);
    }
    out!("{}", t.render());
    Ok(())
}

pub fn lesson(d: &LessonDetail, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(d);
    }
    let s = &d.summary;
    outln!(
        "{} {}{}, {} — {} урок ({}–{}), часов: {}",
        s.subject_name,
        s.group_name,
        subgroup_suffix(&s.subgroup_name),
        date_ru(s.date),
        s.bell_number,
        s.starts_at.format("%H:%M"),
        s.ends_at.format("%H:%M"),
        s.hours
    );
    if let Some(sub) = &s.substitution {
        outln!(
            "Замена: {} вместо {}",
            sub.substitute_name,
            sub.replaced_name
        );
    }
    for t in &d.topics {
        let number = t.work_number.map(|n| format!(" № {n}")).unwrap_or_default();
        outln!(
            "Тема (час {}): {} — {}{}",
            t.hour,
            t.title,
            t.work_type_ru,
            number
        );
    }
    if d.topics.is_empty() {
        match &d.suggested_topic {
            Some(p) => outln!("Тема не записана; по КТП следующая: {} [{}]", p.title, p.id),
            None => outln!("Тема не записана"),
        }
    }
    match &d.homework {
        Some(h) => outln!("Домашнее задание: {}", h.text),
        None => outln!("Домашнее задание не записано"),
    }
    if let Some(reason) = &d.read_only_reason {
        outln!("Только просмотр: {}", reason.message);
    }
    let mut t = Table::new(["№", "Обучающийся", "Отметка", "Идентификатор"]);
    for r in &d.students {
        let mut name = r.full_name.clone();
        if r.individual_plan {
            name.push_str(" (ИУП)");
        }
        t.row([
            r.number.to_string(),
            name,
            r.cell.symbol.clone(),
            r.student_id.to_string(),
        ]);
    }
    out!("{}", t.render());
    Ok(())
}

pub fn grid(g: &Grid, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(g);
    }
    outln!(
        "{} — {}{}, {} ({} – {}){}",
        g.load.subject_name,
        g.load.group_name,
        subgroup_suffix(&g.load.subgroup_name),
        g.period.name,
        date_ru(g.period.starts_on),
        date_ru(g.period.ends_on),
        if g.locked {
            ", период закрыт"
        } else {
            ""
        }
    );
    let mut header = vec!["№".to_string(), "Обучающийся".to_string()];
    header.extend(g.columns.iter().map(|c| c.date.format("%d.%m").to_string()));
    header.extend(["Ср.".to_string(), "Итог".to_string(), "Предл.".to_string()]);
    let mut t = Table::new(header);
    for r in &g.rows {
        let mut line = vec![r.number.to_string(), r.full_name.clone()];
        line.extend(
            r.cells
                .iter()
                .map(|c| c.clone().unwrap_or_else(|| "×".to_string())),
        );
        line.push(r.average.map(|a| format!("{a:.2}")).unwrap_or_default());
        line.push(r.final_value.clone().unwrap_or_default());
        line.push(r.suggested_final.clone().unwrap_or_default());
        t.row(line);
    }
    out!("{}", t.render());
    outln!(
        "{}: {}{}",
        g.finals_deadline.label_ru,
        g.finals_deadline.state_ru,
        g.finals_deadline
            .due
            .map(|t| format!(" (срок до {})", t.format("%d.%m.%Y")))
            .unwrap_or_default()
    );
    Ok(())
}

pub fn periods(periods: &[PeriodView], json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(periods);
    }
    let mut t = Table::new(["№", "Период", "С", "По", "Идентификатор"]);
    for p in periods {
        t.row([
            p.ordinal.to_string(),
            p.name.clone(),
            date_ru(p.starts_on),
            date_ru(p.ends_on),
            p.id.to_string(),
        ]);
    }
    out!("{}", t.render());
    Ok(())
}

pub fn remarks(remarks: &[RemarkView], json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(remarks);
    }
    if remarks.is_empty() {
        outln!("Замечаний нет");
        return Ok(());
    }
    for r in remarks {
        let state = match r.resolved_at {
            Some(t) => format!("устранено {}", t.format("%d.%m.%Y %H:%M")),
            None => format!(
                "{}{}",
                r.state_ru,
                r.due
                    .map(|t| format!(", срок до {}", t.format("%d.%m.%Y")))
                    .unwrap_or_default()
            ),
        };
        outln!(
            "{} — {} {}, {} ({})\n  {}\n  [{}]",
            r.created_at.format("%d.%m.%Y"),
            r.group_name,
            r.subject_name,
            r.author_name,
            state,
            r.text,
            r.id
        );
    }
    Ok(())
}

pub fn conflicts(conflicts: &[ConflictView], json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(conflicts);
    }
    if conflicts.is_empty() {
        outln!("Конфликтов и отказов нет");
        return Ok(());
    }
    let mut t = Table::new(["№", "Состояние", "Что", "Причина", "Код"]);
    for c in conflicts {
        t.row([
            c.id.to_string(),
            if c.open { "открыт" } else { "решён" }.to_string(),
            c.target.clone(),
            c.message.clone(),
            c.code.clone(),
        ]);
    }
    out!("{}", t.render());
    Ok(())
}

/// «Посещаемость группы» for a day: a row per student, a column per lesson.
pub fn group_day(d: &journal_api::GroupDay, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(d);
    }
    outln!(
        "Посещаемость группы {} за {}:",
        d.group_name,
        date_ru(d.date)
    );
    if d.lessons.is_empty() {
        outln!("уроков нет");
        return Ok(());
    }
    let mut head = vec!["№".to_string(), "Обучающийся".to_string()];
    head.extend(
        d.lessons
            .iter()
            .map(|l| format!("{} {}", l.bell_number, l.subject_name)),
    );
    head.push("«н»".to_string());
    let mut t = Table::new(head);
    for (i, r) in d.rows.iter().enumerate() {
        let mut row = vec![(i + 1).to_string(), r.full_name.clone()];
        row.extend(
            r.cells
                .iter()
                .map(|c| c.clone().unwrap_or_else(|| "—".into())),
        );
        row.push(r.unexcused.to_string());
        t.row(row);
    }
    out!("{}", t.render());
    Ok(())
}

/// What `excuse` recorded.
pub fn excused(done: &[EditReceipt], json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(done);
    }
    outln!(
        "Причина указана для пропусков: {}; изменения ждут отправки на сервер.",
        done.len()
    );
    Ok(())
}

pub fn saved(r: &EditReceipt, json: bool, what: &str) -> anyhow::Result<()> {
    if json {
        return print_json(r);
    }
    outln!(
        "{what}. Время записи: {}; изменение № {} ждёт отправки на сервер.",
        r.entered_at.format("%d.%m.%Y %H:%M:%S"),
        r.device_seq
    );
    Ok(())
}

pub fn sync_report(r: &SyncReportDto, json: bool, what: &str) -> anyhow::Result<()> {
    if json {
        return print_json(r);
    }
    outln!("{what}.");
    outln!(
        "Отправлено: {} (принято {}, уже были {}, отклонено или в конфликте {}); получено изменений: {}; ждут отправки: {}; открытых конфликтов: {}",
        r.pushed, r.applied, r.duplicates, r.refused, r.pulled, r.pending, r.open_conflicts
    );
    Ok(())
}
