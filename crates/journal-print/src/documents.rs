//! The documents, laid out page by page in the order the regulations give (001 §6.10, §8; 004 §4.2).

use crate::fonts::Face;
use crate::layout::{line_h, lines_needed, wrap, Align, Fitted, Page, BOTTOM, SIZE, SIZE_MIN, TOP};
use crate::model::Model;
use crate::pdf::Doc;
use crate::{PrintContext, PrintError, PrintRequest};
use chrono::NaiveDate;
use journal_core::{
    Absence, CellEntry, FinalColumn, FinalValue, GroupId, LoadId, PeriodId, StudentId, SubjectId,
    UserId,
};
use journal_protocol::{Lesson, Load, Period, RemarkStatus, Snapshot, SubjectKind};
use std::collections::HashSet;

/// Sheets of paper for a document printed on both sides.
pub fn sheet_count(pages: usize) -> usize {
    pages.div_ceil(2)
}

/// «лист», «листа» or «листов» for a number.
pub fn sheets_word(n: usize) -> &'static str {
    let (d, dd) = (n % 10, n % 100);
    if d == 1 && dd != 11 {
        "лист"
    } else if (2..=4).contains(&d) && !(12..=14).contains(&dd) {
        "листа"
    } else {
        "листов"
    }
}

/// «страница», «страницы» or «страниц» for a number.
pub fn pages_word(n: usize) -> &'static str {
    match sheets_word(n) {
        "лист" => "страница",
        "листа" => "страницы",
        _ => "страниц",
    }
}

/// «Класс» in a school, «Группа» in a college (the institution's wording setting).
pub(crate) fn group_word(m: &Model) -> &'static str {
    if m.snap.institution.policy.school_wording {
        "Класс"
    } else {
        "Группа"
    }
}

/// The month's name over its date columns; abbreviated where the columns are too narrow.
fn month_label(month0: usize, span: f32) -> &'static str {
    let full = MONTHS[month0 % 12];
    let fits = crate::fonts::Fonts::get()
        .map(|f| f.regular.width_mm(full, SIZE_MIN) + 2.0 * crate::layout::PAD <= span)
        .unwrap_or(true);
    if fits {
        full
    } else {
        MONTHS_SHORT[month0 % 12]
    }
}

pub(crate) fn date_ru(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

const MONTHS_SHORT: [&str; 12] = [
    "янв.",
    "февр.",
    "март",
    "апр.",
    "май",
    "июнь",
    "июль",
    "авг.",
    "сент.",
    "окт.",
    "нояб.",
    "дек.",
];

const MONTHS: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];

pub(crate) fn build(
    snap: &Snapshot,
    req: &PrintRequest,
    ctx: &PrintContext,
) -> Result<Doc, PrintError> {
    let m = Model::new(snap);
    match req {
        PrintRequest::YearJournal {
            group_id,
            double_sided,
        } => year_journal(&m, *group_id, *double_sided, ctx),
        PrintRequest::SubjectPages { load_id, from, to } => subject_pages(&m, *load_id, *from, *to),
        PrintRequest::FinalsSheet { group_id } => finals_sheet_doc(&m, *group_id, ctx),
        PrintRequest::Extract {
            student_id,
            period_id,
        } => extract(&m, *student_id, *period_id, ctx),
        PrintRequest::OutagePages { teacher_id, date } => outage(&m, *teacher_id, *date),
        PrintRequest::Report { report, filter } => {
            crate::report::report_doc(snap, *report, filter, ctx)
        }
        PrintRequest::ModuleJournal {
            group_id,
            module_id,
        } => crate::module::module_journal(&m, *group_id, *module_id, ctx),
    }
}

// ---------------------------------------------------------------------------------------------
// Flowing content and tables

/// Writes top to bottom, starting new pages as needed.
pub(crate) struct Flow<'d> {
    pub(crate) doc: &'d mut Doc,
    pub(crate) y: f32,
}

impl<'d> Flow<'d> {
    pub(crate) fn on_new_page(doc: &'d mut Doc) -> Self {
        doc.new_page();
        Flow { doc, y: TOP }
    }

    pub(crate) fn need(&mut self, h: f32) {
        if self.y + h > BOTTOM {
            self.doc.new_page();
            self.y = TOP;
        }
    }

    pub(crate) fn page(&mut self) -> &mut Page {
        self.doc.last()
    }

    pub(crate) fn para(&mut self, text: &str, size: f32, face: Face, indent: f32) {
        let w = self.page().content_width() - indent;
        let lh = line_h(size);
        for line in wrap(text, w, size, face) {
            self.need(lh);
            let asc = crate::fonts::Fonts::get()
                .map(|f| f.face(face).ascent_mm(size))
                .unwrap_or(size * 0.3);
            let y = self.y;
            let p = self.page();
            let x = p.left + indent;
            p.text(x, y + asc, size, face, &line);
            self.y += lh;
        }
    }

    pub(crate) fn heading(&mut self, text: &str) {
        self.need(14.0);
        let y = self.y;
        self.page().centered(y + 5.0, 12.0, Face::Bold, text);
        self.y += 10.0;
    }

    pub(crate) fn gap(&mut self, h: f32) {
        self.y += h;
    }

    pub(crate) fn table(&mut self, cols: &[(&str, f32, Align)], rows: &[Vec<String>], min_h: f32) {
        let total: f32 = cols.iter().map(|c| c.1).sum();
        let widths = |p: &Page| -> Vec<f32> {
            let k = p.content_width() / total;
            cols.iter().map(|c| c.1 * k).collect()
        };
        let header_h = {
            let w = widths(self.doc.last());
            let lines = cols
                .iter()
                .zip(&w)
                .map(|(c, w)| lines_needed(c.0, *w, SIZE, Face::Bold))
                .max()
                .unwrap_or(1);
            (lines as f32 * line_h(SIZE) + 1.6).max(7.0)
        };
        let draw_header = |flow: &mut Flow| {
            let y = flow.y;
            let p = flow.page();
            let w = widths(p);
            let mut x = p.left;
            p.fill(x, y, w.iter().sum(), header_h, 0.92);
            for (c, cw) in cols.iter().zip(&w) {
                p.rect(x, y, *cw, header_h, 0.3);
                p.cell(x, y, *cw, header_h, c.0, Align::Center, Face::Bold);
                x += cw;
            }
            flow.y += header_h;
        };
        self.need(header_h + min_h);
        draw_header(self);
        for row in rows {
            let w = widths(self.doc.last());
            let mut size = SIZE;
            let mut lines = row
                .iter()
                .zip(&w)
                .map(|(t, w)| lines_needed(t, *w, size, Face::Regular))
                .max()
                .unwrap_or(1);
            if lines > 4 {
                size = SIZE_MIN;
                lines = row
                    .iter()
                    .zip(&w)
                    .map(|(t, w)| lines_needed(t, *w, size, Face::Regular))
                    .max()
                    .unwrap_or(1);
            }
            let h = (lines as f32 * line_h(size) + 1.6).max(min_h);
            if self.y + h > BOTTOM {
                self.doc.new_page();
                self.y = TOP;
                draw_header(self);
            }
            let y = self.y;
            let p = self.page();
            let w = widths(p);
            let mut x = p.left;
            for ((text, cw), col) in row.iter().zip(&w).zip(cols) {
                p.rect(x, y, *cw, h, 0.3);
                let fitted = Fitted {
                    size,
                    lines: wrap(text, cw - 2.0 * crate::layout::PAD, size, Face::Regular),
                };
                p.cell_fitted(x, y, *cw, h, &fitted, col.2, Face::Regular);
                x += cw;
            }
            self.y += h;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Whole-year journal

fn year_journal(
    m: &Model,
    group_id: GroupId,
    double_sided: bool,
    ctx: &PrintContext,
) -> Result<Doc, PrintError> {
    let group = m
        .group(group_id)
        .ok_or(PrintError::GroupNotFound(group_id))?;
    let year = &m.snap.year;
    let until = year.ends_on.min(ctx.generated_at.date());
    let loads = m.loads_of_group(group_id);
    let mut doc = Doc::new(
        format!(
            "Журнал учебных занятий группы {}, {} учебный год",
            group.name, year.name
        ),
        "Электронный журнал успеваемости — копия на бумажном носителе".into(),
        m.snap.institution.name.clone(),
    );
    doc.mirror = double_sided;

    title_page(&mut doc, m, group_id);

    // «Оглавление»: its entries are known now, their pages only at the end; reserve its pages.
    let mut entries: Vec<(String, usize, usize)> = Vec::new();
    let mut titles: Vec<String> = vec!["Список обучающихся".into()];
    for l in &loads {
        titles.push(format!(
            "{}\nПреподаватель: {}",
            m.section_title(l),
            m.user_name(l.teacher_id)
        ));
    }
    titles.push("Сводная ведомость итоговых оценок".into());
    titles.push("Замечания по ведению журнала".into());
    titles.push("Отметка о проверке и сдаче журнала в архив".into());
    let toc_pages = toc_page_count(&titles);
    let toc_first = doc.next_number();
    for _ in 0..toc_pages {
        doc.new_page();
    }

    let start = doc.next_number();
    students_list(&mut doc, m, group_id, year.starts_on, until);
    entries.push((titles[0].clone(), start, doc.pages.len()));

    for (i, load) in loads.iter().enumerate() {
        let start = subject_section(&mut doc, m, load, year.starts_on, until, double_sided, true);
        entries.push((titles[i + 1].clone(), start, doc.pages.len()));
    }

    let start = doc.next_number();
    {
        let mut flow = Flow::on_new_page(&mut doc);
        finals_tables(&mut flow, m, group_id, until);
    }
    entries.push((titles[loads.len() + 1].clone(), start, doc.pages.len()));

    let start = doc.next_number();
    remarks_pages(&mut doc, m, group_id);
    entries.push((titles[loads.len() + 2].clone(), start, doc.pages.len()));

    let start = doc.next_number();
    archive_page(&mut doc, double_sided);
    entries.push((titles[loads.len() + 3].clone(), start, doc.pages.len()));

    fill_toc(&mut doc, toc_first, toc_pages, &entries);
    doc.bookmarks.push(("Оглавление".into(), toc_first));
    for (title, first, _) in &entries {
        let title = title.lines().next().unwrap_or_default().to_string();
        doc.bookmarks.push((title, *first));
    }
    Ok(doc)
}

fn title_page(doc: &mut Doc, m: &Model, group_id: GroupId) {
    let Some(group) = m.group(group_id) else {
        return;
    };
    let p = doc.new_page();
    p.centered(40.0, 13.0, Face::Bold, &m.snap.institution.name);
    let school = m.snap.institution.policy.school_wording;
    if school {
        p.centered(100.0, 30.0, Face::Bold, "КЛАССНЫЙ ЖУРНАЛ");
    } else {
        p.centered(100.0, 30.0, Face::Bold, "ЖУРНАЛ");
        p.centered(112.0, 16.0, Face::Regular, "учебных занятий");
    }
    p.centered(
        135.0,
        16.0,
        Face::Bold,
        &format!("{} {}", group_word(m), group.name),
    );
    if !school {
        p.centered(
            147.0,
            12.0,
            Face::Regular,
            &format!("Курс {}", group.course),
        );
        p.centered(
            158.0,
            12.0,
            Face::Regular,
            &format!("Специальность (профессия): {}", group.specialty),
        );
    }
    p.centered(
        175.0,
        13.0,
        Face::Regular,
        &format!("{} учебный год", m.snap.year.name),
    );
    let curator = group.curator_id.map(|c| m.user_name(c)).unwrap_or_default();
    p.centered(
        200.0,
        12.0,
        Face::Regular,
        &format!("Куратор (классный руководитель): {curator}"),
    );
    let (l, y) = (p.left + 10.0, 250.0);
    p.text(
        l,
        y,
        11.0,
        Face::Regular,
        &format!("Начат: {}", date_ru(m.snap.year.starts_on)),
    );
    p.text(
        l,
        y + 8.0,
        11.0,
        Face::Regular,
        "Окончен: «____» ______________ 20____ г.",
    );
}

const TOC_ROWS_TOP: f32 = TOP + 16.0;

fn toc_entry_h(title: &str) -> f32 {
    let lines = lines_needed(title, 150.0, SIZE + 1.0, Face::Regular);
    lines as f32 * line_h(SIZE + 1.0) + 3.0
}

fn toc_page_count(titles: &[String]) -> usize {
    let mut pages = 1;
    let mut y = TOC_ROWS_TOP;
    for t in titles {
        let h = toc_entry_h(t);
        if y + h > BOTTOM {
            pages += 1;
            y = TOP;
        }
        y += h;
    }
    pages
}

fn fill_toc(doc: &mut Doc, first: usize, count: usize, entries: &[(String, usize, usize)]) {
    let mut idx = first - 1;
    let last = idx + count - 1;
    let mut y = TOC_ROWS_TOP;
    let p = &mut doc.pages[idx];
    p.centered(TOP + 8.0, 14.0, Face::Bold, "Оглавление");
    let size = SIZE + 1.0;
    for (n, (title, from, to)) in entries.iter().enumerate() {
        let h = toc_entry_h(title);
        if y + h > BOTTOM && idx < last {
            idx += 1;
            y = TOP;
        }
        let p = &mut doc.pages[idx];
        let (l, r) = (p.left, p.right);
        let num = format!("{}.", n + 1);
        p.text(l, y + 3.5, size, Face::Regular, &num);
        let lines = wrap(title, 150.0, size, Face::Regular);
        for (i, line) in lines.iter().enumerate() {
            let face = if i == 0 { Face::Bold } else { Face::Regular };
            p.text(l + 8.0, y + 3.5 + i as f32 * line_h(size), size, face, line);
        }
        let pages = if from == to {
            format!("{from}")
        } else {
            format!("{from}–{to}")
        };
        let w = crate::fonts::Fonts::get()
            .map(|f| f.regular.width_mm(&pages, size))
            .unwrap_or(10.0);
        p.text(r - w, y + 3.5, size, Face::Regular, &pages);
        p.line(l, y + h - 0.8, r, y + h - 0.8, 0.1);
        y += h;
    }
}

/// The dates whose members a period's finals table lists: the period up to `until`, and for a
/// period still ahead its first day (its table is the form to fill, with who will be there).
fn finals_window(period: &Period, until: NaiveDate) -> (NaiveDate, NaiveDate) {
    (
        period.starts_on,
        period.ends_on.min(until.max(period.starts_on)),
    )
}

/// «Список обучающихся»: everyone in the group between the year's start and `until`, and
/// everyone a finals table lists (a transfer already entered for a period ahead) — so the list
/// and the finals sheet name the same students.
fn students_list(doc: &mut Doc, m: &Model, group_id: GroupId, from: NaiveDate, until: NaiveDate) {
    let mut students = m.students_of(group_id, None, from, until);
    for period in m.periods() {
        let (a, b) = finals_window(period, until);
        for s in m.students_of(group_id, None, a, b) {
            if !students.iter().any(|x| x.id == s.id) {
                students.push(s);
            }
        }
    }
    students.sort_by_key(|s| {
        (
            crate::model::sort_key(&s.last_name),
            crate::model::sort_key(&s.first_name),
            s.id,
        )
    });
    let mut flow = Flow::on_new_page(doc);
    flow.heading("Список обучающихся");
    let rows: Vec<Vec<String>> = students
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let ms: Vec<_> = m
                .memberships_of(s.id)
                .into_iter()
                .filter(|mm| mm.group_id == group_id)
                .collect();
            let enrolled = ms.iter().map(|mm| mm.from).min();
            let left = ms
                .iter()
                .filter_map(|mm| mm.to)
                .max()
                .filter(|_| ms.iter().all(|mm| mm.to.is_some()));
            let subgroups: Vec<String> = ms
                .iter()
                .filter_map(|mm| mm.subgroup_id)
                .filter_map(|sg| {
                    m.snap
                        .subgroups
                        .iter()
                        .find(|x| x.id == sg)
                        .map(|x| x.name.clone())
                })
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            vec![
                format!("{}", i + 1),
                s.full_name(),
                s.birth_date.map(date_ru).unwrap_or_default(),
                subgroups.join(", "),
                if ms.iter().any(|mm| mm.individual_plan) {
                    "ИУП".into()
                } else {
                    String::new()
                },
                enrolled.map(date_ru).unwrap_or_default(),
                left.map(date_ru).unwrap_or_default(),
            ]
        })
        .collect();
    flow.table(
        &[
            ("№", 8.0, Align::Center),
            ("Фамилия, имя, отчество", 64.0, Align::Left),
            ("Дата рождения", 22.0, Align::Center),
            ("Подгруппа", 24.0, Align::Center),
            ("Учебный план", 16.0, Align::Center),
            ("Зачислен(а) в группу", 21.0, Align::Center),
            ("Выбыл(а)", 21.0, Align::Center),
        ],
        &rows,
        7.0,
    );
}

// ---------------------------------------------------------------------------------------------
// Subject spreads

const NUM_W: f32 = 6.0;
const NAME_W: f32 = 46.0;
const DATE_W: f32 = 7.0;
const FINAL_W: f32 = 11.0;
const TABLE_TOP: f32 = TOP + 10.0;
const GRID_HEAD_H: f32 = 10.0;
/// Smallest grid row: 6.5 pt text still fits.
const MIN_ROW_H: f32 = 4.2;
const RIGHT_HEAD_H: f32 = 9.0;
/// Right page columns: date, hours, topic, homework, signature.
const RIGHT_COLS: [f32; 5] = [12.0, 10.0, 0.0, 47.0, 22.0];

#[derive(Clone, Copy)]
enum Column<'a> {
    Lesson(&'a Lesson),
    Final(&'a Period),
    /// The exam's mark or the year final, kept in a period.
    OtherFinal(&'a Period, FinalColumn),
}

struct RightRow {
    size: f32,
    topic: Vec<String>,
    homework: Vec<String>,
    h: f32,
}

fn topic_width(content_w: f32) -> f32 {
    content_w - RIGHT_COLS.iter().sum::<f32>()
}

fn right_row(m: &Model, l: &Lesson, content_w: f32) -> RightRow {
    let tw = topic_width(content_w) - 2.0 * crate::layout::PAD;
    let hw_w = RIGHT_COLS[3] - 2.0 * crate::layout::PAD;
    let topic = m.topic_text(l);
    let hw = m.homework_text(l.id);
    let mut size = SIZE;
    let mut t = wrap(&topic, tw, size, Face::Regular);
    let mut h = wrap(&hw, hw_w, size, Face::Regular);
    if t.len().max(h.len()) > 4 {
        size = SIZE_MIN;
        t = wrap(&topic, tw, size, Face::Regular);
        h = wrap(&hw, hw_w, size, Face::Regular);
    }
    // A row never grows past a page: what does not fit is cut with «…».
    let max_lines = ((BOTTOM - TABLE_TOP - RIGHT_HEAD_H - 1.6) / line_h(size)).floor() as usize;
    for (lines, width) in [(&mut t, tw), (&mut h, hw_w)] {
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                *last = crate::layout::ellipsize(last, width, size, Face::Regular);
            }
        }
    }
    let lines = t.len().max(h.len()).max(1);
    RightRow {
        size,
        topic: t,
        homework: h,
        h: (lines as f32 * line_h(size) + 1.6).max(6.0),
    }
}

/// Prints a load's spreads (and, for the year journal, its «Программа выполнена» record); returns
/// the number of the section's first page.
pub(crate) fn subject_section(
    doc: &mut Doc,
    m: &Model,
    load: &Load,
    from: NaiveDate,
    to: NaiveDate,
    facing: bool,
    with_completion: bool,
) -> usize {
    let lessons = m.lessons(load.id, from, to);
    let students = m.students_of_load(load, from, to);
    // A final column after the last lesson of each period that ends inside the printed range.
    let mut columns: Vec<Column> = Vec::new();
    for (i, l) in lessons.iter().enumerate() {
        columns.push(Column::Lesson(l));
        let p = m.period_of(l.date);
        let next_p = lessons.get(i + 1).and_then(|n| m.period_of(n.date));
        if let Some(p) = p {
            if next_p.map(|n| n.id) != Some(p.id) && p.ends_on <= to {
                // The exam's mark before the period final it feeds, the year's after it.
                if m.has_final_column(load, p, FinalColumn::Exam) {
                    columns.push(Column::OtherFinal(p, FinalColumn::Exam));
                }
                columns.push(Column::Final(p));
                if m.has_final_column(load, p, FinalColumn::Year) {
                    columns.push(Column::OtherFinal(p, FinalColumn::Year));
                }
            }
        }
    }

    // Spreads: as many columns as fit the grid's width and the right page's height.
    let content_w = Page::new(2).content_width();
    let grid_w = content_w - NUM_W - NAME_W;
    let right_avail = BOTTOM - TABLE_TOP - RIGHT_HEAD_H;
    let mut chunks: Vec<(Vec<Column>, Vec<RightRow>)> = Vec::new();
    let mut cur: Vec<Column> = Vec::new();
    let mut rows: Vec<RightRow> = Vec::new();
    let (mut w, mut h) = (0.0, 0.0);
    for c in columns {
        let (cw, row) = match c {
            Column::Lesson(l) => (DATE_W, Some(right_row(m, l, content_w))),
            Column::Final(_) | Column::OtherFinal(..) => (FINAL_W, None),
        };
        let rh = row.as_ref().map(|r| r.h).unwrap_or(0.0);
        if !cur.is_empty() && (w + cw > grid_w + 0.01 || h + rh > right_avail) {
            chunks.push((std::mem::take(&mut cur), std::mem::take(&mut rows)));
            w = 0.0;
            h = 0.0;
        }
        w += cw;
        h += rh;
        cur.push(c);
        if let Some(r) = row {
            rows.push(r);
        }
    }
    if !cur.is_empty() || chunks.is_empty() {
        chunks.push((cur, rows));
    }

    let title = m.section_title(load);
    let teacher = m.user_name(load.teacher_id);
    let mut first = 0;
    let mut right_y = BOTTOM;
    for (ci, (cols, rows)) in chunks.iter().enumerate() {
        // The grid goes on a left-hand (even) page so that it faces its right page.
        if facing && doc.next_number() % 2 == 1 {
            let p = doc.new_page();
            p.centered(140.0, 10.0, Face::Regular, "Страница не заполняется");
        }
        if ci == 0 {
            first = doc.next_number();
        }
        // A group too big for one grid page gets a spread per block of students.
        let cap = ((BOTTOM - 6.0 - TABLE_TOP - GRID_HEAD_H) / MIN_ROW_H).floor() as usize;
        let blocks: Vec<&[&journal_protocol::Student]> = if students.is_empty() {
            vec![&students[..]]
        } else {
            students.chunks(cap.max(1)).collect()
        };
        for (bi, block) in blocks.iter().enumerate() {
            if bi > 0 && facing && doc.next_number() % 2 == 1 {
                let p = doc.new_page();
                p.centered(140.0, 10.0, Face::Regular, "Страница не заполняется");
            }
            let p = doc.new_page();
            grid_page(p, m, load, &title, &teacher, cols, block, bi * cap.max(1));
            let p = doc.new_page();
            right_y = right_page(p, m, &title, m.is_practice(load), cols, rows);
        }
    }
    if with_completion {
        completion(doc, m, load, to, right_y);
    }
    first
}

fn page_header(p: &mut Page, title: &str, right_text: &str) {
    let cw = p.content_width();
    let (l, y) = (p.left, TOP);
    p.cell_sized(l, y, cw * 0.62, 8.0, title, Align::Left, Face::Bold, 10.0);
    p.cell_sized(
        l + cw * 0.62,
        y,
        cw * 0.38,
        8.0,
        right_text,
        Align::Right,
        Face::Regular,
        SIZE,
    );
}

#[allow(clippy::too_many_arguments)]
fn grid_page(
    p: &mut Page,
    m: &Model,
    load: &Load,
    title: &str,
    teacher: &str,
    cols: &[Column],
    students: &[&journal_protocol::Student],
    first_index: usize,
) {
    let who = if m.is_practice(load) {
        "Руководитель практики (мастер п/о)"
    } else {
        "Преподаватель"
    };
    page_header(p, title, &format!("{who}: {teacher}"));
    let left = p.left;
    let grid_w = p.content_width() - NUM_W - NAME_W;
    let top = TABLE_TOP;
    let n = students.len().max(1);
    let row_h = ((BOTTOM - 6.0 - top - GRID_HEAD_H) / n as f32).clamp(MIN_ROW_H, 6.5);
    let body_top = top + GRID_HEAD_H;
    let table_h = GRID_HEAD_H + row_h * students.len() as f32;

    // Column geometry, then empty columns to fill the paper grid.
    let mut xs: Vec<(f32, f32, Option<Column>)> = Vec::new();
    let mut x = left + NUM_W + NAME_W;
    for c in cols {
        let w = if matches!(c, Column::Final(_) | Column::OtherFinal(..)) {
            FINAL_W
        } else {
            DATE_W
        };
        xs.push((x, w, Some(*c)));
        x += w;
    }
    while x + DATE_W <= left + NUM_W + NAME_W + grid_w + 0.01 {
        xs.push((x, DATE_W, None));
        x += DATE_W;
    }
    let right = x;

    for (cx, cw, c) in &xs {
        if let Some(Column::Final(_) | Column::OtherFinal(..)) = c {
            p.fill(*cx, top, *cw, table_h, 0.93);
        }
    }
    // Non-member cells greyed: the student was not in the group (subgroup) that day.
    for (ri, s) in students.iter().enumerate() {
        let y = body_top + ri as f32 * row_h;
        for (cx, cw, c) in &xs {
            if let Some(Column::Lesson(l)) = c {
                if !m.member_on(s.id, load.group_id, load.subgroup_id, l.date)
                    && !m.cells.contains_key(&(l.id, s.id))
                {
                    p.fill(*cx, y, *cw, row_h, 0.85);
                }
            }
        }
    }

    // Header: «№», name, month row over day numbers, final columns spanning both rows.
    p.rect(left, top, NUM_W, GRID_HEAD_H, 0.3);
    p.cell(
        left,
        top,
        NUM_W,
        GRID_HEAD_H,
        "№",
        Align::Center,
        Face::Bold,
    );
    p.rect(left + NUM_W, top, NAME_W, GRID_HEAD_H, 0.3);
    p.cell(
        left + NUM_W,
        top,
        NAME_W,
        GRID_HEAD_H,
        "Фамилия, имя обучающегося",
        Align::Center,
        Face::Bold,
    );
    let half = GRID_HEAD_H / 2.0;
    let mut i = 0;
    while i < xs.len() {
        let (cx, cw, c) = xs[i];
        match c {
            Some(Column::Lesson(l)) => {
                use chrono::Datelike;
                let month = l.date.month0();
                let mut j = i;
                let mut span = 0.0;
                while j < xs.len() {
                    match xs[j].2 {
                        Some(Column::Lesson(l2)) if l2.date.month0() == month => {
                            span += xs[j].1;
                            j += 1;
                        }
                        _ => break,
                    }
                }
                p.rect(cx, top, span, half, 0.3);
                p.cell_sized(
                    cx,
                    top,
                    span,
                    half,
                    month_label(month as usize, span),
                    Align::Center,
                    Face::Regular,
                    7.0,
                );
                for (dx, dw, dc) in &xs[i..j] {
                    if let Some(Column::Lesson(dl)) = dc {
                        p.rect(*dx, top + half, *dw, half, 0.3);
                        p.cell(
                            *dx,
                            top + half,
                            *dw,
                            half,
                            &dl.date.format("%d").to_string(),
                            Align::Center,
                            Face::Regular,
                        );
                    }
                }
                i = j;
            }
            Some(Column::Final(per)) => {
                p.rect(cx, top, cw, GRID_HEAD_H, 0.3);
                p.cell_sized(
                    cx,
                    top,
                    cw,
                    GRID_HEAD_H,
                    &format!("Итог: {}", per.name),
                    Align::Center,
                    Face::Bold,
                    SIZE_MIN,
                );
                i += 1;
            }
            Some(Column::OtherFinal(per, column)) => {
                p.rect(cx, top, cw, GRID_HEAD_H, 0.3);
                let head = match column {
                    FinalColumn::Year => "Год".to_string(),
                    _ => format!("Экз.: {}", per.name),
                };
                p.cell_sized(
                    cx,
                    top,
                    cw,
                    GRID_HEAD_H,
                    &head,
                    Align::Center,
                    Face::Bold,
                    SIZE_MIN,
                );
                i += 1;
            }
            None => {
                p.rect(cx, top, cw, GRID_HEAD_H, 0.3);
                i += 1;
            }
        }
    }

    for (ri, s) in students.iter().enumerate() {
        let y = body_top + ri as f32 * row_h;
        p.rect(left, y, NUM_W, row_h, 0.3);
        p.cell(
            left,
            y,
            NUM_W,
            row_h,
            &format!("{}", first_index + ri + 1),
            Align::Center,
            Face::Regular,
        );
        p.rect(left + NUM_W, y, NAME_W, row_h, 0.3);
        let name = match &s.patronymic {
            Some(pp) => format!("{} {} {}", s.last_name, s.first_name, pp),
            None => format!("{} {}", s.last_name, s.first_name),
        };
        p.cell(
            left + NUM_W,
            y,
            NAME_W,
            row_h,
            &name,
            Align::Left,
            Face::Regular,
        );
        for (cx, cw, c) in &xs {
            p.rect(*cx, y, *cw, row_h, 0.3);
            let (text, face) = match c {
                Some(Column::Lesson(l)) => (
                    m.cells
                        .get(&(l.id, s.id))
                        .map(|v| v.symbol())
                        .unwrap_or_default(),
                    Face::Regular,
                ),
                Some(Column::Final(per)) => (
                    m.finals
                        .get(&(load.id, per.id, s.id))
                        .map(|f| f.symbol())
                        .unwrap_or_default(),
                    Face::Bold,
                ),
                Some(Column::OtherFinal(per, column)) => (
                    m.other_finals
                        .get(&(load.id, per.id, s.id, *column))
                        .map(|f| f.symbol())
                        .unwrap_or_default(),
                    Face::Bold,
                ),
                None => (String::new(), Face::Regular),
            };
            p.cell(*cx, y, *cw, row_h, &text, Align::Center, face);
        }
    }
    p.rect(left, top, right - left, table_h, 0.6);
    let legend_y = top + table_h + 4.0;
    p.text(
        left,
        legend_y,
        SIZE_MIN,
        Face::Regular,
        "н — отсутствовал(а), б — болел(а), п — отсутствовал(а) по уважительной причине; серым — не состоял(а) в группе",
    );
}

fn right_page(
    p: &mut Page,
    m: &Model,
    title: &str,
    practice: bool,
    cols: &[Column],
    rows: &[RightRow],
) -> f32 {
    let lessons: Vec<&Lesson> = cols
        .iter()
        .filter_map(|c| match c {
            Column::Lesson(l) => Some(*l),
            Column::Final(_) | Column::OtherFinal(..) => None,
        })
        .collect();
    let period = lessons
        .first()
        .and_then(|l| m.period_of(l.date))
        .map(|p| p.name.clone())
        .unwrap_or_default();
    page_header(p, title, &period);
    let left = p.left;
    let cw = p.content_width();
    let widths = [
        RIGHT_COLS[0],
        RIGHT_COLS[1],
        topic_width(cw),
        RIGHT_COLS[3],
        RIGHT_COLS[4],
    ];
    // A practice day records the work done (001 «Мастер производственного обучения» п. 18).
    let heads = if practice {
        [
            "Дата",
            "Часов",
            "Содержание выполненной работы (тема, вид работ)",
            "Домашнее задание",
            "Подпись руководителя практики",
        ]
    } else {
        [
            "Дата",
            "Часов",
            "Что пройдено на занятии (тема, вид работы)",
            "Домашнее задание",
            "Подпись преподавателя",
        ]
    };
    let top = TABLE_TOP;
    let mut x = left;
    p.fill(left, top, cw, RIGHT_HEAD_H, 0.92);
    for (w, h) in widths.iter().zip(heads) {
        p.rect(x, top, *w, RIGHT_HEAD_H, 0.3);
        p.cell_sized(x, top, *w, RIGHT_HEAD_H, h, Align::Center, Face::Bold, 7.0);
        x += w;
    }
    let mut y = top + RIGHT_HEAD_H;
    for (l, r) in lessons.iter().zip(rows) {
        let mut x = left;
        for w in &widths {
            p.rect(x, y, *w, r.h, 0.3);
            x += w;
        }
        p.cell(
            left,
            y,
            widths[0],
            r.h,
            &l.date.format("%d.%m").to_string(),
            Align::Center,
            Face::Regular,
        );
        p.cell(
            left + widths[0],
            y,
            widths[1],
            r.h,
            &l.hours.to_string(),
            Align::Center,
            Face::Regular,
        );
        let tx = left + widths[0] + widths[1];
        p.cell_top(
            tx,
            y,
            widths[2],
            r.h,
            &Fitted {
                size: r.size,
                lines: r.topic.clone(),
            },
            Face::Regular,
        );
        p.cell_top(
            tx + widths[2],
            y,
            widths[3],
            r.h,
            &Fitted {
                size: r.size,
                lines: r.homework.clone(),
            },
            Face::Regular,
        );
        y += r.h;
    }
    y
}

/// «Программа выполнена» with hours по плану / фактически, or «Не пройдены следующие темы: …»,
/// signed by the teacher (001 §6.10).
fn completion(doc: &mut Doc, m: &Model, load: &Load, to: NaiveDate, right_y: f32) {
    let mut plan: Vec<_> = m
        .snap
        .plan_topics
        .iter()
        .filter(|t| t.load_id == load.id)
        .collect();
    plan.sort_by_key(|t| t.ordinal);
    let given = m.lessons(load.id, NaiveDate::MIN, to);
    let given_ids: HashSet<_> = given.iter().map(|l| l.id).collect();
    let covered: HashSet<_> = m
        .snap
        .lesson_topics
        .iter()
        .filter(|t| given_ids.contains(&t.lesson_id))
        .filter_map(|t| t.plan_topic_id)
        .collect();
    let actual: u32 = given.iter().map(|l| u32::from(l.hours)).sum();
    let missing: Vec<_> = plan.iter().filter(|t| !covered.contains(&t.id)).collect();
    let mut flow = Flow {
        y: right_y + 6.0,
        doc,
    };
    flow.need(30.0);
    let hours = format!(
        "Количество часов: по плану — {}, фактически — {}.",
        load.planned_hours, actual
    );
    if missing.is_empty() && actual >= load.planned_hours {
        flow.para("Программа выполнена.", 10.0, Face::Bold, 0.0);
        flow.para(&hours, 9.0, Face::Regular, 0.0);
    } else {
        flow.para(&hours, 9.0, Face::Regular, 0.0);
        if missing.is_empty() {
            flow.para(
                "Все темы календарно-тематического плана пройдены.",
                9.0,
                Face::Regular,
                0.0,
            );
        } else {
            flow.para("Не пройдены следующие темы:", 10.0, Face::Bold, 0.0);
            for t in missing {
                flow.para(
                    &format!("{}. {} ({} ч.)", t.ordinal, t.title, t.hours),
                    SIZE,
                    Face::Regular,
                    4.0,
                );
            }
        }
    }
    flow.gap(4.0);
    flow.need(10.0);
    let teacher = m.user_name(load.teacher_id);
    let who = if m.is_practice(load) {
        "руководителя практики"
    } else {
        "преподавателя"
    };
    flow.para(
        &format!("Подпись {who} ____________________ ({teacher})"),
        9.0,
        Face::Regular,
        0.0,
    );
}

fn subject_pages(
    m: &Model,
    load_id: LoadId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Doc, PrintError> {
    let load = m
        .snap
        .loads
        .iter()
        .find(|l| l.id == load_id)
        .ok_or(PrintError::LoadNotFound(load_id))?;
    if from > to {
        return Err(PrintError::InvalidRange { from, to });
    }
    let group = m
        .group(load.group_id)
        .map(|g| g.name.clone())
        .unwrap_or_default();
    let mut doc = Doc::new(
        format!(
            "Страницы журнала: {}, группа {group}, {} — {}",
            m.section_title(load),
            date_ru(from),
            date_ru(to)
        ),
        "Страницы электронного журнала на бумажном носителе".into(),
        m.snap.institution.name.clone(),
    );
    subject_section(&mut doc, m, load, from, to, false, false);
    Ok(doc)
}

// ---------------------------------------------------------------------------------------------
// Сводная ведомость

/// The group's subjects in journal order, each with its loads (subgroups share a subject).
fn subjects_of_group<'a>(
    m: &'a Model,
    group_id: GroupId,
) -> Vec<(SubjectId, String, Vec<&'a Load>)> {
    let mut out: Vec<(SubjectId, String, Vec<&Load>)> = Vec::new();
    // Внеурочная деятельность without marks has no finals: no column of blanks in the tables.
    let assessed = |l: &Load| {
        !m.subjects.get(&l.subject_id).is_some_and(|s| {
            s.kind == SubjectKind::Extracurricular
                && s.grading == journal_core::GradingScale::Ungraded
        })
    };
    for l in m
        .loads_of_group(group_id)
        .into_iter()
        .filter(|l| assessed(l))
    {
        if let Some(e) = out.iter_mut().find(|e| e.0 == l.subject_id) {
            e.2.push(l);
        } else {
            let name = m
                .subjects
                .get(&l.subject_id)
                .map(|s| s.name.clone())
                .unwrap_or_default();
            out.push((l.subject_id, name, vec![l]));
        }
    }
    out
}

fn finals_tables(flow: &mut Flow, m: &Model, group_id: GroupId, until: NaiveDate) {
    let subjects = subjects_of_group(m, group_id);
    let group = m
        .group(group_id)
        .map(|g| g.name.clone())
        .unwrap_or_default();
    for (pi, period) in m.periods().into_iter().enumerate() {
        if pi > 0 {
            flow.doc.new_page();
            flow.y = TOP;
        }
        let (from, to) = finals_window(period, until);
        let students = m.students_of(group_id, None, from, to);
        flow.heading("Сводная ведомость итоговых оценок");
        flow.para(
            &format!(
                "{} {group}, {} учебный год, {}",
                group_word(m),
                m.snap.year.name,
                period.name
            ),
            10.0,
            Face::Regular,
            0.0,
        );
        flow.gap(2.0);
        let head_h = 45.0;
        let row_h = 6.0;
        let k = subjects.len().max(1) as f32;
        let draw_head = |flow: &mut Flow| {
            let y = flow.y;
            let p = flow.page();
            let left = p.left;
            let sw = (p.content_width() - NUM_W - NAME_W) / k;
            p.fill(left, y, p.content_width(), head_h, 0.92);
            p.rect(left, y, NUM_W, head_h, 0.3);
            p.cell(left, y, NUM_W, head_h, "№", Align::Center, Face::Bold);
            p.rect(left + NUM_W, y, NAME_W, head_h, 0.3);
            p.cell(
                left + NUM_W,
                y,
                NAME_W,
                head_h,
                "Фамилия, имя, отчество обучающегося",
                Align::Center,
                Face::Bold,
            );
            for (i, (_, name, _)) in subjects.iter().enumerate() {
                let x = left + NUM_W + NAME_W + i as f32 * sw;
                p.rect(x, y, sw, head_h, 0.3);
                p.cell_vertical(x, y, sw, head_h, name, Face::Bold);
            }
            flow.y += head_h;
        };
        flow.need(head_h + row_h);
        draw_head(flow);
        for (ri, s) in students.iter().enumerate() {
            if flow.y + row_h > BOTTOM {
                flow.doc.new_page();
                flow.y = TOP;
                draw_head(flow);
            }
            let y = flow.y;
            let p = flow.page();
            let left = p.left;
            let sw = (p.content_width() - NUM_W - NAME_W) / k;
            p.rect(left, y, NUM_W, row_h, 0.3);
            p.cell(
                left,
                y,
                NUM_W,
                row_h,
                &format!("{}", ri + 1),
                Align::Center,
                Face::Regular,
            );
            p.rect(left + NUM_W, y, NAME_W, row_h, 0.3);
            p.cell(
                left + NUM_W,
                y,
                NAME_W,
                row_h,
                &s.full_name(),
                Align::Left,
                Face::Regular,
            );
            for (i, (_, _, loads)) in subjects.iter().enumerate() {
                let x = left + NUM_W + NAME_W + i as f32 * sw;
                p.rect(x, y, sw, row_h, 0.3);
                let v = loads
                    .iter()
                    .find_map(|l| m.finals.get(&(l.id, period.id, s.id)))
                    .map(|f| final_short(f))
                    .unwrap_or_default();
                p.cell(x, y, sw, row_h, &v, Align::Center, Face::Regular);
            }
            flow.y += row_h;
        }
        // успеваемость and качество by journal-core's formulas, over every student of the table: one
        // without a final counts in the denominator (001 заместитель п. 13 «/ количество обучающихся
        // в группе»), not in the numerator.
        let per_student: Vec<Vec<FinalValue>> = students
            .iter()
            .map(|s| {
                subjects
                    .iter()
                    .filter_map(|(_, _, loads)| {
                        loads
                            .iter()
                            .find_map(|l| m.finals.get(&(l.id, period.id, s.id)))
                    })
                    .map(|f| **f)
                    .collect::<Vec<_>>()
            })
            .collect();
        flow.gap(3.0);
        let pct = |v: Option<f64>| v.map(|p| format!("{p:.1} %")).unwrap_or_else(|| "—".into());
        flow.para(
            &format!(
                "Успеваемость: {}; качество: {}.",
                pct(journal_core::stats::success_percent(&per_student)),
                pct(journal_core::stats::quality_percent(&per_student))
            ),
            9.0,
            Face::Regular,
            0.0,
        );
        flow.gap(3.0);
        let curator = m
            .group(group_id)
            .and_then(|g| g.curator_id)
            .map(|c| m.user_name(c))
            .unwrap_or_default();
        flow.para(
            &format!("Куратор (классный руководитель) ____________________ ({curator})"),
            9.0,
            Face::Regular,
            0.0,
        );
    }
}

/// Finals as written in a narrow cell of the ведомость.
pub(crate) fn final_short(f: &FinalValue) -> String {
    match f {
        FinalValue::Pass => "зач.".into(),
        FinalValue::Fail => "незач.".into(),
        FinalValue::Deferred => "отср.".into(),
        other => other.symbol(),
    }
}

fn finals_sheet_doc(m: &Model, group_id: GroupId, ctx: &PrintContext) -> Result<Doc, PrintError> {
    let group = m
        .group(group_id)
        .ok_or(PrintError::GroupNotFound(group_id))?;
    let mut doc = Doc::new(
        format!(
            "Сводная ведомость итоговых оценок группы {}, {}",
            group.name, m.snap.year.name
        ),
        "Сводная ведомость итоговых оценок (хранится 25 лет)".into(),
        m.snap.institution.name.clone(),
    );
    let until = m.snap.year.ends_on.min(ctx.generated_at.date());
    let mut flow = Flow::on_new_page(&mut doc);
    flow.para(&m.snap.institution.name, 10.0, Face::Bold, 0.0);
    flow.para(
        &format!(
            "Специальность (профессия): {}, курс {}",
            group.specialty, group.course
        ),
        9.0,
        Face::Regular,
        0.0,
    );
    flow.gap(2.0);
    finals_tables(&mut flow, m, group_id, until);
    flow.gap(4.0);
    flow.para(
        "Итоговые оценки: 2–5, «зач.» — зачтено, «незач.» — не зачтено, «н/а» — не аттестован, «отср.» — отсрочка.",
        SIZE_MIN,
        Face::Regular,
        0.0,
    );
    Ok(doc)
}

// ---------------------------------------------------------------------------------------------
// Remarks and the archive page

fn remarks_pages(doc: &mut Doc, m: &Model, group_id: GroupId) {
    let loads = m.loads_of_group(group_id);
    let mut remarks: Vec<_> = m
        .snap
        .remarks
        .iter()
        .filter(|r| loads.iter().any(|l| l.id == r.load_id))
        .collect();
    remarks.sort_by_key(|r| r.created_at);
    let mut rows: Vec<Vec<String>> = remarks
        .iter()
        .map(|r| {
            let load = loads.iter().find(|l| l.id == r.load_id);
            // What the remark is about: its lesson or its dates, before the text.
            let lesson = r
                .lesson_id
                .and_then(|id| m.snap.lessons.iter().find(|l| l.id == id))
                .map(|l| format!("Занятие {}. ", date_ru(l.date)));
            let dates = match (r.date_from, r.date_to) {
                (Some(a), Some(b)) => Some(format!("С {} по {}. ", date_ru(a), date_ru(b))),
                (Some(a), None) => Some(format!("С {}. ", date_ru(a))),
                (None, Some(b)) => Some(format!("По {}. ", date_ru(b))),
                (None, None) => None,
            };
            let about = lesson.or(dates).unwrap_or_default();
            let mut mark = String::new();
            if let Some(t) = r.resolved_at.or(r.answered_at) {
                mark.push_str(&format!("Устранено {}", date_ru(t.date())));
                if let Some(a) = &r.answer {
                    mark.push_str(&format!(": {a}"));
                }
            }
            match r.state() {
                RemarkStatus::Confirmed => mark.push_str(&format!(
                    ". Устранение подтверждено {}",
                    r.decided_at.map(|t| date_ru(t.date())).unwrap_or_default()
                )),
                RemarkStatus::Returned => {
                    mark = format!(
                        "Возвращено {}: {}",
                        r.decided_at.map(|t| date_ru(t.date())).unwrap_or_default(),
                        r.decision_comment.clone().unwrap_or_default()
                    )
                }
                RemarkStatus::Written | RemarkStatus::Fixed => {}
            }
            vec![
                date_ru(r.created_at.date()),
                load.map(|l| m.subject_name(l)).unwrap_or_default(),
                format!("{about}{}", r.text),
                m.user_name(r.author_id),
                date_ru(r.due_date()),
                mark,
            ]
        })
        .collect();
    // Room for remarks written by hand at the year-end check.
    for _ in 0..8 {
        rows.push(vec![String::new(); 6]);
    }
    let mut flow = Flow::on_new_page(doc);
    flow.heading("Замечания по ведению журнала");
    flow.table(
        &[
            ("Дата", 18.0, Align::Center),
            ("Предмет", 28.0, Align::Left),
            ("Замечание", 54.0, Align::Left),
            ("Кто сделал замечание", 26.0, Align::Left),
            ("Срок устранения", 18.0, Align::Center),
            ("Отметка об устранении", 32.0, Align::Left),
        ],
        &rows,
        9.0,
    );
}

fn archive_page(doc: &mut Doc, double_sided: bool) {
    // This is the last page: the sheet count it states includes it.
    let pages = doc.pages.len() + 1;
    let sheets = if double_sided {
        sheet_count(pages)
    } else {
        pages
    };
    let p = doc.new_page();
    let l = p.left;
    let mut y = 40.0;
    p.text(
        l,
        y,
        12.0,
        Face::Bold,
        "Журнал проверен и принят для сдачи в архив.",
    );
    y += 12.0;
    p.text(
        l,
        y,
        11.0,
        Face::Regular,
        "Дата «____» ____________________ 20____ г.",
    );
    y += 10.0;
    p.text(
        l,
        y,
        11.0,
        Face::Regular,
        "Подпись ____________________ / ______________________________ /",
    );
    y += 6.0;
    p.text(
        l + 20.0,
        y,
        SIZE,
        Face::Regular,
        "заместитель директора по учебной работе (подпись, расшифровка)",
    );

    y = 150.0;
    let w = p.content_width();
    p.rect(l, y - 10.0, w, 70.0, 0.5);
    let text = format!(
        "Прошито, пронумеровано и скреплено печатью {sheets} {}",
        sheets_word(sheets)
    );
    p.text(l + 5.0, y, 12.0, Face::Bold, &text);
    y += 8.0;
    p.text(
        l + 5.0,
        y,
        10.0,
        Face::Regular,
        &format!(
            "({pages} {}, печать с {} листа)",
            pages_word(pages),
            if double_sided {
                "двух сторон"
            } else {
                "одной стороны"
            }
        ),
    );
    y += 16.0;
    p.text(
        l + 5.0,
        y,
        11.0,
        Face::Regular,
        "Директор ____________________ / ______________________________ /",
    );
    y += 12.0;
    p.text(
        l + 5.0,
        y,
        11.0,
        Face::Regular,
        "Дата «____» ____________________ 20____ г.",
    );
    y += 14.0;
    p.text(l + 5.0, y, 11.0, Face::Regular, "М.П.");
}

// ---------------------------------------------------------------------------------------------
// Выписка for a parent

fn extract(
    m: &Model,
    student_id: StudentId,
    period_id: PeriodId,
    ctx: &PrintContext,
) -> Result<Doc, PrintError> {
    let student = *m
        .students
        .get(&student_id)
        .ok_or(PrintError::StudentNotFound(student_id))?;
    let period = m
        .snap
        .periods
        .iter()
        .find(|p| p.id == period_id)
        .ok_or(PrintError::PeriodNotFound(period_id))?;
    let until = period.ends_on.min(ctx.generated_at.date());
    let membership = m
        .memberships_of(student_id)
        .into_iter()
        .filter(|mm| mm.from <= period.ends_on && mm.to.is_none_or(|t| t >= period.starts_on))
        .max_by_key(|mm| mm.from)
        .ok_or(PrintError::StudentWithoutGroup)?;
    let group = m
        .group(membership.group_id)
        .ok_or(PrintError::GroupNotFound(membership.group_id))?;
    let mut doc = Doc::new(
        format!("Выписка: {}, {}", student.full_name(), period.name),
        "Выписка из электронного журнала успеваемости".into(),
        m.snap.institution.name.clone(),
    );
    let mut flow = Flow::on_new_page(&mut doc);
    flow.para(&m.snap.institution.name, 10.0, Face::Bold, 0.0);
    flow.gap(4.0);
    flow.heading("Выписка из электронного журнала успеваемости");
    flow.para(
        &format!("Обучающийся: {}", student.full_name()),
        10.0,
        Face::Bold,
        0.0,
    );
    flow.para(
        &format!("{} {}, курс {}", group_word(m), group.name, group.course),
        10.0,
        Face::Regular,
        0.0,
    );
    flow.para(
        &format!(
            "Период: {} ({} — {}), сведения по {}",
            period.name,
            date_ru(period.starts_on),
            date_ru(period.ends_on),
            date_ru(until)
        ),
        10.0,
        Face::Regular,
        0.0,
    );
    flow.gap(3.0);

    let (mut all_abs, mut all_ill, mut all_exc) = (0, 0, 0);
    let mut rows = Vec::new();
    for load in m.loads_of_group(group.id) {
        if load.subgroup_id.is_some() && load.subgroup_id != membership.subgroup_id {
            continue;
        }
        let mut marks = Vec::new();
        let (mut abs, mut ill, mut exc) = (0, 0, 0);
        for l in m.lessons(load.id, period.starts_on, until) {
            let Some(v) = m.cells.get(&(l.id, student_id)) else {
                continue;
            };
            let mut mark_parts = Vec::new();
            for e in &v.entries {
                match e {
                    CellEntry::Absence { absence } => match absence {
                        Absence::Absent => abs += 1,
                        Absence::Ill => ill += 1,
                        Absence::Excused => exc += 1,
                    },
                    other => mark_parts.push(other.symbol()),
                }
            }
            if !mark_parts.is_empty() {
                marks.push(format!(
                    "{} — {}",
                    l.date.format("%d.%m"),
                    mark_parts.join(" ")
                ));
            }
        }
        all_abs += abs;
        all_ill += ill;
        all_exc += exc;
        let final_v = m
            .finals
            .get(&(load.id, period.id, student_id))
            .map(|f| f.symbol())
            .unwrap_or_default();
        rows.push(vec![
            m.subject_name(load),
            if marks.is_empty() {
                "—".into()
            } else {
                marks.join("; ")
            },
            format!("{}", abs + ill + exc),
            format!("{ill}"),
            format!("{exc}"),
            final_v,
        ]);
    }
    flow.table(
        &[
            ("Предмет", 38.0, Align::Left),
            ("Текущие оценки (дата — оценка)", 66.0, Align::Left),
            ("Пропущено занятий", 19.0, Align::Center),
            ("из них по болезни", 17.0, Align::Center),
            ("по уважит. причине", 17.0, Align::Center),
            ("Итоговая оценка", 19.0, Align::Center),
        ],
        &rows,
        7.0,
    );
    flow.gap(4.0);
    flow.para(
        &format!(
            "Всего пропущено занятий: {}, из них по болезни — {all_ill}, по уважительной причине — {all_exc}, без уважительной причины — {all_abs}.",
            all_abs + all_ill + all_exc
        ),
        9.0,
        Face::Regular,
        0.0,
    );
    flow.gap(8.0);
    let curator = group.curator_id.map(|c| m.user_name(c)).unwrap_or_default();
    flow.para(
        &format!("Куратор (классный руководитель) ____________________ ({curator})"),
        9.0,
        Face::Regular,
        0.0,
    );
    flow.para(
        &format!("Дата выдачи: {}", date_ru(ctx.generated_at.date())),
        9.0,
        Face::Regular,
        0.0,
    );
    Ok(doc)
}

// ---------------------------------------------------------------------------------------------
// Outage pages

fn outage(m: &Model, teacher_id: UserId, date: NaiveDate) -> Result<Doc, PrintError> {
    let teacher = m
        .users
        .get(&teacher_id)
        .ok_or(PrintError::TeacherNotFound(teacher_id))?;
    let mut lessons: Vec<(&Lesson, &Load)> = m
        .snap
        .lessons
        .iter()
        .filter(|l| l.date == date && l.status != journal_protocol::LessonStatus::Cancelled)
        .filter_map(|l| {
            m.snap
                .loads
                .iter()
                .find(|ld| ld.id == l.load_id)
                .map(|ld| (l, ld))
        })
        .filter(|(l, ld)| match l.substitute_teacher_id {
            Some(sub) => sub == teacher_id,
            None => ld.teacher_id == teacher_id,
        })
        .collect();
    if lessons.is_empty() {
        return Err(PrintError::NoLessons(date));
    }
    lessons.sort_by_key(|(l, _)| l.bell_number);
    let mut doc = Doc::new(
        format!(
            "Листы учёта занятий на {} — {}",
            date_ru(date),
            teacher.full_name
        ),
        "Листы учёта занятий на время сбоя электронного журнала".into(),
        m.snap.institution.name.clone(),
    );
    for (lesson, load) in lessons {
        let group = m
            .group(load.group_id)
            .map(|g| g.name.clone())
            .unwrap_or_default();
        let bell = m
            .snap
            .bells
            .iter()
            .find(|b| b.number == lesson.bell_number)
            .map(|b| format!(" ({}–{})", b.starts.format("%H:%M"), b.ends.format("%H:%M")))
            .unwrap_or_default();
        let mut flow = Flow::on_new_page(&mut doc);
        flow.heading("Лист учёта занятия на время сбоя электронного журнала");
        flow.para(
            &format!(
                "Дата: {}   Занятие № {}{bell}   Часов: {}   Кабинет: {}",
                date_ru(date),
                lesson.bell_number,
                lesson.hours,
                lesson.room.clone().unwrap_or_default()
            ),
            10.0,
            Face::Regular,
            0.0,
        );
        flow.para(
            &format!(
                "{}: {group}   Предмет: {}",
                group_word(m),
                m.subject_name(load)
            ),
            10.0,
            Face::Bold,
            0.0,
        );
        flow.para(
            &format!("Преподаватель: {}", teacher.full_name),
            10.0,
            Face::Regular,
            0.0,
        );
        flow.gap(2.0);
        let students = m.students_of_load(load, date, date);
        let rows: Vec<Vec<String>> = students
            .iter()
            .enumerate()
            .map(|(i, s)| {
                vec![
                    format!("{}", i + 1),
                    s.full_name(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]
            })
            .collect();
        flow.table(
            &[
                ("№", 8.0, Align::Center),
                ("Фамилия, имя, отчество", 66.0, Align::Left),
                ("Отсутствие (н, б, п)", 24.0, Align::Center),
                ("Оценка", 22.0, Align::Center),
                ("Особые отметки", 56.0, Align::Left),
            ],
            &rows,
            6.0,
        );
        flow.gap(3.0);
        // The КТП's next topics, as the teacher would pick them in the app.
        let earlier: HashSet<_> = m
            .lessons(load.id, NaiveDate::MIN, date)
            .iter()
            .filter(|l| l.id != lesson.id)
            .map(|l| l.id)
            .collect();
        let covered: HashSet<_> = m
            .snap
            .lesson_topics
            .iter()
            .filter(|t| earlier.contains(&t.lesson_id))
            .filter_map(|t| t.plan_topic_id)
            .collect();
        let mut plan: Vec<_> = m
            .snap
            .plan_topics
            .iter()
            .filter(|t| t.load_id == load.id && !covered.contains(&t.id))
            .collect();
        plan.sort_by_key(|t| t.ordinal);
        let next: Vec<String> = plan
            .iter()
            .take(usize::from(lesson.hours.max(1)))
            .map(|t| format!("{}. {}", t.ordinal, t.title))
            .collect();
        if !next.is_empty() {
            flow.para(
                &format!("Очередная тема по КТП: {}", next.join("; ")),
                9.0,
                Face::Regular,
                0.0,
            );
        }
        for line in [
            "Тема занятия: __________________________________________________________________________",
            "______________________________________________________________________________________",
            "Вид работы, номер: ______________________________________________________________",
            "Домашнее задание: ______________________________________________________________",
            "______________________________________________________________________________________",
            "Подпись преподавателя ____________________",
        ] {
            flow.gap(2.0);
            flow.para(line, 9.0, Face::Regular, 0.0);
        }
        flow.gap(3.0);
        flow.para(
            "Записи внести в электронный журнал после восстановления его работы; время ввода фиксируется.",
            SIZE_MIN,
            Face::Regular,
            0.0,
        );
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_are_half_the_pages_rounded_up() {
        assert_eq!(sheet_count(1), 1, "one page needs one sheet");
        assert_eq!(
            sheet_count(2),
            1,
            "two pages share a sheet when printed double-sided"
        );
        assert_eq!(sheet_count(251), 126, "an odd count rounds up");
    }

    #[test]
    fn sheets_word_agrees_with_the_number() {
        assert_eq!(sheets_word(1), "лист");
        assert_eq!(sheets_word(21), "лист");
        assert_eq!(sheets_word(11), "листов");
        assert_eq!(sheets_word(3), "листа");
        assert_eq!(sheets_word(112), "листов");
        assert_eq!(sheets_word(122), "листа");
        assert_eq!(sheets_word(125), "листов");
    }
}
