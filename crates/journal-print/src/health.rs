//! «Листок здоровья» of a group (001 п. 4.12): each student's группа здоровья, медицинская группа
//! для занятий физической культурой, recommendations and the medical note's dates, as the curator
//! entered them from the social pedagogue's paper sheet. Like the parents' list it carries no
//! verification stamp: it is a working list for the teachers, not a page of the journal.

use crate::fonts::Face;
use crate::layout::{line_h, Align, BOTTOM};
use crate::pdf::{save, Doc};
use crate::{PrintContext, PrintError};

/// One student's line, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthSheetLine {
    pub full_name: String,
    /// «III»; empty: not entered.
    pub health_group: String,
    /// «специальная «А»»; empty: not entered.
    pub pe_group: String,
    pub recommendation: String,
    /// «06.12.2026 — 04.06.2027», «истёк 01.09.2026»…; empty: no note.
    pub note: String,
}

const ROW_H: f32 = 9.0;
const HEAD_H: f32 = 11.0;

/// The column widths for a content width `w`: №, student, health group, PE group, recommendation,
/// note.
fn columns(w: f32) -> [f32; 6] {
    let fixed = [8.0, w * 0.27, 17.0, w * 0.16, 0.0, w * 0.17];
    let rest = w - fixed.iter().sum::<f32>();
    [fixed[0], fixed[1], fixed[2], fixed[3], rest, fixed[5]]
}

/// The sheet of `group` as a PDF.
pub fn health_sheet(
    institution: &str,
    group: &str,
    lines: &[HealthSheetLine],
    ctx: &PrintContext,
) -> Result<Vec<u8>, PrintError> {
    let mut doc = Doc::new(
        format!("Листок здоровья группы {group}"),
        "Листок здоровья".into(),
        institution.to_string(),
    );
    doc.mirror = false;
    let heading = format!("Листок здоровья группы {group}");
    let mut y = new_sheet(&mut doc, institution, &heading);
    if lines.is_empty() {
        doc.list_empty(y, "В группе нет обучающихся.");
    }
    for (i, line) in lines.iter().enumerate() {
        if y + ROW_H > BOTTOM - 6.0 {
            y = new_sheet(&mut doc, institution, &heading);
        }
        let page = doc.last();
        let x = page.left;
        let cols = columns(page.content_width());
        let dash = |s: &str| {
            if s.is_empty() {
                "—".to_string()
            } else {
                s.to_string()
            }
        };
        let texts = [
            (i + 1).to_string(),
            line.full_name.clone(),
            dash(&line.health_group),
            dash(&line.pe_group),
            line.recommendation.clone(),
            line.note.clone(),
        ];
        let mut cx = x;
        for (cw, text) in cols.iter().zip(texts.iter()) {
            page.rect(cx, y, *cw, ROW_H, 0.2);
            page.cell(
                cx + 1.0,
                y,
                cw - 2.0,
                ROW_H,
                text,
                Align::Left,
                Face::Regular,
            );
            cx += cw;
        }
        y += ROW_H;
    }
    doc.number_list_pages(
        institution,
        ctx,
        Some("сведения о здоровье — только для работы с группой"),
    );
    save(&doc, ctx, Vec::new())
}

/// A new page with the heading and the table's header row; returns where rows start.
fn new_sheet(doc: &mut Doc, institution: &str, heading: &str) -> f32 {
    let y = doc.list_page(institution, heading);
    let page = doc.last();
    let (x, w) = (page.left, page.content_width());
    let mut cx = x;
    for (cw, text) in columns(w).iter().zip([
        "№",
        "Обучающийся",
        "Группа здоровья",
        "Медицинская группа (физкультура)",
        "Рекомендации",
        "Справка",
    ]) {
        page.fill(cx, y, *cw, HEAD_H, 0.92);
        page.rect(cx, y, *cw, HEAD_H, 0.3);
        page.cell(cx + 1.0, y, cw - 2.0, HEAD_H, text, Align::Left, Face::Bold);
        cx += cw;
    }
    y + HEAD_H.max(line_h(8.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sheet_renders_every_student_over_pages() {
        let lines: Vec<HealthSheetLine> = (0..40)
            .map(|i| HealthSheetLine {
                full_name: format!("Петров Пётр Петрович {i}"),
                health_group: if i % 3 == 0 {
                    String::new()
                } else {
                    "II".into()
                },
                pe_group: "специальная «А»".into(),
                recommendation: "Не сидеть у окна; очки при работе с доской".into(),
                note: "06.12.2026 — 04.06.2027".into(),
            })
            .collect();
        let ctx = PrintContext {
            generated_at: chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
                .and_then(|d| d.and_hms_opt(10, 0, 0))
                .unwrap_or_default(),
            document_id: uuid::Uuid::from_u128(1),
        };
        let pdf = health_sheet("Колледж", "ИС-21", &lines, &ctx).expect("renders");
        assert!(pdf.starts_with(b"%PDF"), "a PDF document");
        let empty = health_sheet("Колледж", "ИС-21", &[], &ctx).expect("renders empty");
        assert!(empty.starts_with(b"%PDF"), "an empty sheet is a PDF too");
        assert!(pdf.len() > empty.len(), "forty lines take more than none");
    }
}
