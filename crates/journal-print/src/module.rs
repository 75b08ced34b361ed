//! «Журнал учета обучения по профессиональному модулю» (000 пп. 1.5–1.7, 002 п. 6.5): a title page,
//! the pages of each МДК and practice of the module the group has (a practice's name the master,
//! 001 «Мастер производственного обучения» пп. 16–26), then the module's «Сводная ведомость» —
//! journal-protocol's `module_summary`, the same rows the app shows.

use crate::documents::{date_ru, final_short, group_word, subject_section, Flow};
use crate::fonts::Face;
use crate::layout::{Align, SIZE_MIN};
use crate::model::Model;
use crate::pdf::Doc;
use crate::{PrintContext, PrintError};
use journal_core::{GroupId, SubjectId};
use journal_protocol::{ModuleJournalError, ModuleSummary};

pub(crate) fn module_journal(
    m: &Model,
    group_id: GroupId,
    module_id: SubjectId,
    ctx: &PrintContext,
) -> Result<Doc, PrintError> {
    let year = &m.snap.year;
    let until = year.ends_on.min(ctx.generated_at.date());
    let summary = m
        .snap
        .module_summary(group_id, module_id, year.starts_on, until)
        .map_err(|e| match e {
            ModuleJournalError::ModuleNotFound(id) => PrintError::ModuleNotFound(id),
            ModuleJournalError::GroupNotFound(id) => PrintError::GroupNotFound(id),
        })?;
    if summary.part_loads.is_empty() && summary.module_loads.is_empty() {
        return Err(PrintError::ModuleWithoutLoads);
    }
    let group = m
        .group(group_id)
        .ok_or(PrintError::GroupNotFound(group_id))?;
    let loads: Vec<_> = summary
        .part_loads
        .iter()
        .filter_map(|id| m.snap.loads.iter().find(|l| l.id == *id))
        .collect();
    let mut doc = Doc::new(
        format!(
            "Журнал учета обучения по профессиональному модулю {}, группа {}, {} учебный год",
            summary.module_name, group.name, year.name
        ),
        "Журнал учета обучения по профессиональному модулю — копия на бумажном носителе".into(),
        m.snap.institution.name.clone(),
    );

    // Title page.
    let p = doc.new_page();
    p.centered(40.0, 13.0, Face::Bold, &m.snap.institution.name);
    p.centered(90.0, 26.0, Face::Bold, "ЖУРНАЛ");
    p.centered(
        102.0,
        14.0,
        Face::Regular,
        "учета обучения по профессиональному модулю",
    );
    p.centered(118.0, 15.0, Face::Bold, &summary.module_name);
    p.centered(
        140.0,
        14.0,
        Face::Bold,
        &format!("{} {}", group_word(m), group.name),
    );
    p.centered(
        150.0,
        12.0,
        Face::Regular,
        &format!("Курс {}", group.course),
    );
    p.centered(
        160.0,
        12.0,
        Face::Regular,
        &format!("Специальность (профессия): {}", group.specialty),
    );
    p.centered(
        172.0,
        13.0,
        Face::Regular,
        &format!("{} учебный год", year.name),
    );
    let (l, y) = (p.left + 10.0, 250.0);
    p.text(
        l,
        y,
        11.0,
        Face::Regular,
        &format!("Начат: {}", date_ru(year.starts_on)),
    );
    p.text(
        l,
        y + 8.0,
        11.0,
        Face::Regular,
        "Окончен: «____» ______________ 20____ г.",
    );
    doc.bookmarks.push(("Титульный лист".into(), 1));

    // What the journal holds, with who keeps each part.
    {
        let mut flow = Flow::on_new_page(&mut doc);
        flow.heading("Междисциплинарные курсы и практики профессионального модуля");
        let rows: Vec<Vec<String>> = loads
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let practice = m.is_practice(l);
                vec![
                    format!("{}", i + 1),
                    m.subject_name(l),
                    if practice {
                        "практика".into()
                    } else {
                        "МДК".into()
                    },
                    m.user_name(l.teacher_id),
                    format!("{}", l.planned_hours),
                ]
            })
            .collect();
        flow.table(
            &[
                ("№", 8.0, Align::Center),
                ("Наименование", 70.0, Align::Left),
                ("Вид", 18.0, Align::Center),
                (
                    "Преподаватель, руководитель практики (мастер п/о)",
                    55.0,
                    Align::Left,
                ),
                ("Часов по плану", 18.0, Align::Center),
            ],
            &rows,
            6.0,
        );
        if loads.is_empty() {
            flow.gap(3.0);
            flow.para(
                "МДК и практик этого модуля у группы нет.",
                9.0,
                Face::Regular,
                0.0,
            );
        }
    }

    for load in &loads {
        let first = subject_section(&mut doc, m, load, year.starts_on, until, false, true);
        doc.bookmarks.push((m.section_title(load), first));
    }

    let first = doc.next_number();
    summary_sheet(&mut doc, m, &summary, &group.name);
    doc.bookmarks.push(("Сводная ведомость".into(), first));
    Ok(doc)
}

/// «Сводная ведомость» of the module: one row per student.
fn summary_sheet(doc: &mut Doc, m: &Model, s: &ModuleSummary, group: &str) {
    let mut flow = Flow::on_new_page(doc);
    flow.heading("Сводная ведомость");
    flow.para(
        &format!(
            "по профессиональному модулю {}, {} {group}, {} учебный год",
            s.module_name,
            group_word(m).to_lowercase(),
            m.snap.year.name
        ),
        10.0,
        Face::Regular,
        0.0,
    );
    flow.gap(2.0);
    let headings: Vec<String> = s.columns.iter().map(|c| c.heading_ru()).collect();
    let mut cols: Vec<(&str, f32, Align)> = vec![
        ("№", 6.0, Align::Center),
        ("Фамилия, имя, отчество обучающегося", 42.0, Align::Left),
    ];
    for h in &headings {
        cols.push((h.as_str(), 14.0, Align::Center));
    }
    cols.push(("Квалификационный экзамен", 22.0, Align::Center));
    cols.push(("Вид профессиональной деятельности", 24.0, Align::Center));
    let rows: Vec<Vec<String>> = s
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row = vec![format!("{}", i + 1), r.full_name.clone()];
            row.extend(
                r.finals
                    .iter()
                    .map(|f| f.as_ref().map(final_short).unwrap_or_default()),
            );
            row.push(
                r.qualifying_exam
                    .as_ref()
                    .map(final_short)
                    .unwrap_or_default(),
            );
            row.push(r.mastered_ru().into());
            row
        })
        .collect();
    flow.table(&cols, &rows, 6.0);
    flow.gap(4.0);
    flow.para(
        "Итоговые оценки: 2–5, «зач.» — зачтено, «незач.» — не зачтено, «н/а» — не аттестован, «отср.» — отсрочка. ВПД освоен — квалификационный экзамен сдан на «3» и выше или «зачтено».",
        SIZE_MIN,
        Face::Regular,
        0.0,
    );
    flow.gap(4.0);
    let teachers: Vec<String> = {
        let mut v: Vec<String> = s
            .part_loads
            .iter()
            .chain(&s.module_loads)
            .filter_map(|id| m.snap.loads.iter().find(|l| l.id == *id))
            .map(|l| m.user_name(l.teacher_id))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    for t in teachers {
        flow.para(
            &format!("Подпись ____________________ ({t})"),
            9.0,
            Face::Regular,
            0.0,
        );
    }
}
