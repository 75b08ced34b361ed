//! «Родители, не открывавшие электронный дневник»: the curator's list of a group's parents who have
//! not looked at the diary for a number of days, with each one's last view, to call them (the
//! regulations ask parents to look at least weekly). Like the login slips it carries no
//! verification stamp: it is a working list, not a page of the journal.

use crate::fonts::Face;
use crate::layout::{line_h, Align, BOTTOM};
use crate::pdf::{save, Doc};
use crate::{PrintContext, PrintError};

/// One parent on the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnseenParentLine {
    pub full_name: String,
    /// The children in the group, by name.
    pub children: String,
    /// «05.12.2026 14:30» or «ни разу».
    pub last_view: String,
}

const ROW_H: f32 = 7.0;

/// The list as a PDF for `group` and `days`.
pub fn unseen_parents(
    institution: &str,
    group: &str,
    days: u32,
    lines: &[UnseenParentLine],
    ctx: &PrintContext,
) -> Result<Vec<u8>, PrintError> {
    let mut doc = Doc::new(
        format!("Родители группы {group}, не открывавшие дневник"),
        "Просмотры электронного дневника".into(),
        institution.to_string(),
    );
    doc.mirror = false;
    let heading = format!(
        "Родители (законные представители) группы {group}, не открывавшие электронный дневник {days} дн. и более"
    );
    let mut y = new_sheet(&mut doc, institution, &heading);
    if lines.is_empty() {
        doc.list_empty(y, "Все родители группы открывали дневник за этот срок.");
    }
    for (i, line) in lines.iter().enumerate() {
        if y + ROW_H > BOTTOM - 6.0 {
            y = new_sheet(&mut doc, institution, &heading);
        }
        let page = doc.last();
        let x = page.left;
        let w = page.content_width();
        let cols = [8.0, w * 0.38, w * 0.34, w - 8.0 - w * 0.38 - w * 0.34];
        let texts = [
            (i + 1).to_string(),
            line.full_name.clone(),
            line.children.clone(),
            line.last_view.clone(),
        ];
        let mut cx = x;
        for (cw, text) in cols.iter().zip(texts.iter()) {
            page.cell(cx, y, *cw, ROW_H, text, Align::Left, Face::Regular);
            cx += cw;
        }
        y += ROW_H;
    }
    doc.number_list_pages(institution, ctx, None);
    save(&doc, ctx, Vec::new())
}

/// A new page with the heading and the table's header row; returns where rows start.
fn new_sheet(doc: &mut Doc, institution: &str, heading: &str) -> f32 {
    let y = doc.list_page(institution, heading);
    let page = doc.last();
    let (x, w) = (page.left, page.content_width());
    let cols = [8.0, w * 0.38, w * 0.34, w - 8.0 - w * 0.38 - w * 0.34];
    let mut cx = x;
    for (cw, text) in cols
        .iter()
        .zip(["№", "Родитель", "Ребёнок", "Последний просмотр"])
    {
        page.cell(cx, y, *cw, ROW_H, text, Align::Left, Face::Bold);
        cx += cw;
    }
    y + ROW_H.max(line_h(8.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_renders_with_every_parent_and_the_footer() {
        let lines: Vec<UnseenParentLine> = (0..60)
            .map(|i| UnseenParentLine {
                full_name: format!("Петров Пётр Петрович {i}"),
                children: "Петров Иван".into(),
                last_view: if i % 2 == 0 {
                    "ни разу".into()
                } else {
                    "01.12.2026 18:05".into()
                },
            })
            .collect();
        let ctx = PrintContext {
            generated_at: chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
                .and_then(|d| d.and_hms_opt(10, 0, 0))
                .unwrap_or_default(),
            document_id: uuid::Uuid::from_u128(1),
        };
        let pdf = unseen_parents("Колледж", "ИС-21", 7, &lines, &ctx).expect("renders");
        assert!(pdf.starts_with(b"%PDF"), "a PDF document");
        let empty = unseen_parents("Колледж", "ИС-21", 7, &[], &ctx).expect("renders empty");
        assert!(empty.starts_with(b"%PDF"), "an empty list is a PDF too");
        assert!(pdf.len() > empty.len(), "sixty rows take more than none");
    }
}
