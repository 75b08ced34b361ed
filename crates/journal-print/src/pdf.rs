//! From our page model to PDF bytes: footers with page numbers and verification codes, font
//! subsets, printpdf operations, metadata — and reading the verification stamp back.

use crate::fonts::{Face, Fonts, UsedChars, PT_MM};
use crate::layout::{Item, Page, A4_H};
use crate::{PrintContext, PrintError, PrintRequest};
use chrono::{Datelike, NaiveDateTime, Timelike};
use printpdf::{
    Color, Date, DateTime, Greyscale, Line, LinePoint, Mm, Offset, Op, PaintMode, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix, Time,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A document being laid out: its pages and its metadata.
pub(crate) struct Doc {
    pub pages: Vec<Page>,
    pub title: String,
    pub subject: String,
    pub author: String,
    /// Outline entries: title and 1-based page.
    pub bookmarks: Vec<(String, usize)>,
    /// Mirror margins (double-sided printing); otherwise the binding is always on the left.
    pub mirror: bool,
}

impl Doc {
    pub fn new(title: String, subject: String, author: String) -> Self {
        Self {
            pages: Vec::new(),
            title,
            subject,
            author,
            bookmarks: Vec::new(),
            mirror: true,
        }
    }

    /// Starts a new page and returns it.
    pub fn new_page(&mut self) -> &mut Page {
        let n = self.pages.len() + 1;
        self.pages.push(Page::with_binding(n, self.mirror));
        self.last()
    }

    pub fn last(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::with_binding(1, self.mirror));
        }
        let i = self.pages.len() - 1;
        &mut self.pages[i]
    }

    /// Number the next page will get.
    pub fn next_number(&self) -> usize {
        self.pages.len() + 1
    }

    /// A new page of a working list (no verification stamp: the parents' list, the health sheet)
    /// with the institution and the heading; returns where the table starts.
    pub fn list_page(&mut self, institution: &str, heading: &str) -> f32 {
        let page = self.new_page();
        let (x, w) = (page.left, page.content_width());
        let y = page.paragraph(x, crate::layout::TOP, w, institution, 9.0, Face::Regular);
        page.paragraph(x, y + 2.0, w, heading, 12.0, Face::Bold) + 3.0
    }

    /// Says on the last page, below `y`, that a working list has no lines.
    pub fn list_empty(&mut self, y: f32, text: &str) {
        let page = self.last();
        let (x, w) = (page.left, page.content_width());
        page.paragraph(x, y + 4.0, w, text, 10.0, Face::Regular);
    }

    /// A working list's footer on every page: «institution · стр. N из M · сформировано …», and
    /// `note` after it.
    pub fn number_list_pages(&mut self, institution: &str, ctx: &PrintContext, note: Option<&str>) {
        let pages = self.pages.len();
        for page in &mut self.pages {
            let mut text = format!(
                "{institution} · стр. {} из {} · сформировано {}",
                page.number,
                pages,
                ctx.generated_at.format("%d.%m.%Y %H:%M")
            );
            if let Some(note) = note {
                text.push_str(" · ");
                text.push_str(note);
            }
            page.centered(287.0, 7.0, Face::Regular, &text);
        }
    }
}

/// The verification code of a page: from the document id, the page number and the page's printed
/// content (not its footer), shown as «XXXX-XXXX».
pub fn page_code(document_id: uuid::Uuid, page_number: usize, content: &str) -> String {
    let mut h = Sha256::new();
    h.update(document_id.as_bytes());
    h.update((page_number as u64).to_be_bytes());
    h.update(content.as_bytes());
    let d = hex::encode_upper(&h.finalize()[..4]);
    format!("{}-{}", &d[..4], &d[4..])
}

pub(crate) fn codes(pages: &[Page], document_id: uuid::Uuid) -> Vec<String> {
    pages
        .iter()
        .map(|p| page_code(document_id, p.number, &p.content_text()))
        .collect()
}

/// What a printed document carries in its PDF keywords so it can be checked later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub document_id: uuid::Uuid,
    pub generated_at: NaiveDateTime,
    pub request: PrintRequest,
    /// Per page, in order.
    pub codes: Vec<String>,
}

const STAMP_PREFIX: &str = "journal-print-stamp:";

fn fmt_dt(t: NaiveDateTime) -> String {
    t.format("%d.%m.%Y %H:%M").to_string()
}

pub(crate) fn finish(
    mut doc: Doc,
    req: &PrintRequest,
    ctx: &PrintContext,
) -> Result<Vec<u8>, PrintError> {
    let fonts = Fonts::get()?;
    let codes = codes(&doc.pages, ctx.document_id);
    let total = doc.pages.len();
    for (page, code) in doc.pages.iter_mut().zip(&codes) {
        footer(page, total, code, ctx, fonts);
    }
    let stamp = Stamp {
        document_id: ctx.document_id,
        generated_at: ctx.generated_at,
        request: req.clone(),
        codes,
    };
    let stamp_json =
        serde_json::to_string(&stamp).map_err(|e| PrintError::NotJournalPdf(e.to_string()))?;
    // One keyword: printpdf joins several with commas, and the stamp's JSON holds commas.
    save(&doc, ctx, vec![format!("{STAMP_PREFIX}{stamp_json}")])
}

/// The laid-out pages as PDF bytes with the document's metadata and `keywords`.
pub(crate) fn save(
    doc: &Doc,
    ctx: &PrintContext,
    keywords: Vec<String>,
) -> Result<Vec<u8>, PrintError> {
    let fonts = Fonts::get()?;
    let total = doc.pages.len();
    let mut used: UsedChars = UsedChars::new();
    for p in &doc.pages {
        for it in &p.items {
            if let Item::Text { face, text, .. } = it {
                used.entry(*face).or_default().extend(text.chars());
            }
        }
    }
    let mut pdf = PdfDocument::new(&doc.title);
    let mut font_ids = std::collections::BTreeMap::new();
    for (face, chars) in &used {
        let sub = fonts.face(*face).subset(chars)?;
        font_ids.insert(*face, pdf.add_font(&sub));
    }

    let mut pages = Vec::with_capacity(doc.pages.len());
    for p in &doc.pages {
        pages.push(PdfPage::new(
            Mm(p.width),
            Mm(p.height),
            page_ops(p, &font_ids),
        ));
    }

    let info = &mut pdf.metadata.info;
    let when = pdf_date(ctx.generated_at);
    info.creation_date = when;
    info.modification_date = when;
    info.metadata_date = when;
    info.author = doc.author.clone();
    info.subject = doc.subject.clone();
    info.creator = "Электронный журнал (journal-print)".into();
    info.producer = "printpdf".into();
    info.identifier = ctx.document_id.to_string();
    info.keywords = keywords;
    pdf.with_pages(pages);
    for (title, page) in &doc.bookmarks {
        if (1..=total).contains(page) {
            pdf.add_bookmark(title, *page);
        }
    }
    let opts = PdfSaveOptions {
        subset_fonts: false,
        ..Default::default()
    };
    Ok(pdf.save(&opts, &mut Vec::new()))
}

fn footer(page: &mut Page, total: usize, code: &str, ctx: &PrintContext, fonts: &Fonts) {
    let y = 287.0;
    let size = 7.0;
    page.line(page.left, 283.0, page.right, 283.0, 0.2);
    let number = format!("стр. {} из {}", page.number, total);
    let middle = format!("Сформировано {}", fmt_dt(ctx.generated_at));
    let right = format!("Код проверки {code}");
    let f = &fonts.regular;
    // Page number on the outer edge (left on a left-hand page), code on the inner edge.
    let (outer_x, inner_text, inner_x) = if page.number % 2 == 1 {
        let w = f.width_mm(&number, size);
        (page.right - w, right.clone(), page.left)
    } else {
        let w = f.width_mm(&right, size);
        (page.left, right.clone(), page.right - w)
    };
    page.text(outer_x, y, size, Face::Regular, &number);
    page.text(inner_x, y, size, Face::Regular, &inner_text);
    let mw = f.width_mm(&middle, size);
    page.text(
        (page.left + page.right - mw) / 2.0,
        y,
        size,
        Face::Regular,
        &middle,
    );
}

/// Millimetres to points, rounded to 0.01 pt: shorter numbers in the content streams.
fn pt(mm: f32) -> Pt {
    Pt((mm / PT_MM * 100.0).round() / 100.0)
}

/// Quantised coordinate (0.01 mm) for comparing line ends.
fn q(v: f32) -> i32 {
    (v * 100.0).round() as i32
}

/// The page's lines with duplicates removed and touching collinear segments joined: tables drawn
/// cell by cell become one line per row and per column edge (the content stream shrinks ~10×).
fn merged_lines(items: &[Item]) -> Vec<(f32, f32, f32, f32, f32)> {
    use std::collections::BTreeMap;
    // key: (orientation, fixed coordinate, width) -> spans along the other axis
    let mut spans: BTreeMap<(u8, i32, i32), Vec<(i32, i32)>> = BTreeMap::new();
    let mut other = Vec::new();
    for it in items {
        if let Item::Line {
            x1,
            y1,
            x2,
            y2,
            width,
        } = it
        {
            let (qx1, qy1, qx2, qy2) = (q(*x1), q(*y1), q(*x2), q(*y2));
            if qy1 == qy2 {
                spans
                    .entry((0, qy1, q(*width)))
                    .or_default()
                    .push((qx1.min(qx2), qx1.max(qx2)));
            } else if qx1 == qx2 {
                spans
                    .entry((1, qx1, q(*width)))
                    .or_default()
                    .push((qy1.min(qy2), qy1.max(qy2)));
            } else {
                other.push((*x1, *y1, *x2, *y2, *width));
            }
        }
    }
    let mut out = Vec::new();
    for ((orient, fixed, w), mut v) in spans {
        v.sort_unstable();
        let mut cur: Option<(i32, i32)> = None;
        let mut emit = |a: i32, b: i32| {
            let (f, a, b, w) = (
                fixed as f32 / 100.0,
                a as f32 / 100.0,
                b as f32 / 100.0,
                w as f32 / 100.0,
            );
            out.push(if orient == 0 {
                (a, f, b, f, w)
            } else {
                (f, a, f, b, w)
            });
        };
        for (a, b) in v {
            cur = match cur {
                Some((ca, cb)) if a <= cb => Some((ca, cb.max(b))),
                Some((ca, cb)) => {
                    emit(ca, cb);
                    Some((a, b))
                }
                None => Some((a, b)),
            };
        }
        if let Some((a, b)) = cur {
            emit(a, b);
        }
    }
    out.extend(other);
    out
}

fn page_ops(p: &Page, font_ids: &std::collections::BTreeMap<Face, printpdf::FontId>) -> Vec<Op> {
    let mut ops = Vec::with_capacity(p.items.len() * 2 + 16);
    let y = |v: f32| pt(A4_H - v);
    let mut fill_grey = f32::NAN;
    for it in &p.items {
        if let Item::Fill {
            x,
            y: top,
            w,
            h,
            grey,
        } = it
        {
            if *grey != fill_grey {
                ops.push(Op::SetFillColor {
                    col: Color::Greyscale(Greyscale {
                        percent: *grey,
                        icc_profile: None,
                    }),
                });
                fill_grey = *grey;
            }
            ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: pt(*x),
                    y: y(top + h),
                    width: pt(*w),
                    height: pt(*h),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            });
        }
    }
    ops.push(Op::SetOutlineColor {
        col: Color::Greyscale(Greyscale {
            percent: 0.0,
            icc_profile: None,
        }),
    });
    let mut width = f32::NAN;
    for (x1, y1, x2, y2, w) in merged_lines(&p.items) {
        if w != width {
            ops.push(Op::SetOutlineThickness { pt: pt(w) });
            width = w;
        }
        ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point {
                            x: pt(x1),
                            y: y(y1),
                        },
                        bezier: false,
                    },
                    LinePoint {
                        p: Point {
                            x: pt(x2),
                            y: y(y2),
                        },
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }
    ops.push(Op::SetFillColor {
        col: Color::Greyscale(Greyscale {
            percent: 0.0,
            icc_profile: None,
        }),
    });
    ops.push(Op::StartTextSection);
    let mut cur: Option<(Face, f32)> = None;
    for it in &p.items {
        if let Item::Text {
            x,
            y: by,
            size,
            face,
            text,
            vertical,
        } = it
        {
            let Some(id) = font_ids.get(face) else {
                continue;
            };
            if cur != Some((*face, *size)) {
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(id.clone()),
                    size: Pt(*size),
                });
                cur = Some((*face, *size));
            }
            let (px, py) = (pt(*x).0, y(*by).0);
            let matrix = if *vertical {
                [0.0, 1.0, -1.0, 0.0, px, py]
            } else {
                [1.0, 0.0, 0.0, 1.0, px, py]
            };
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Raw(matrix),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::Text(text.clone())],
            });
        }
    }
    ops.push(Op::EndTextSection);
    ops
}

fn pdf_date(t: NaiveDateTime) -> DateTime {
    DateTime::new_in_offset(
        Date {
            year: t.year(),
            month: t.month() as u8,
            day: t.day() as u8,
        },
        Time {
            hour: t.hour() as u8,
            minute: t.minute() as u8,
            second: t.second() as u8,
            millisecond: 0,
        },
        Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    )
}

/// Reads the verification stamp (document id, request, generation time, page codes) from a PDF
/// made by this crate.
pub fn read_stamp(pdf_bytes: &[u8]) -> Result<Stamp, PrintError> {
    let bad = |m: &str| PrintError::NotJournalPdf(m.to_string());
    let doc = lopdf::Document::load_mem(pdf_bytes).map_err(|e| bad(&e.to_string()))?;
    let info_ref = doc
        .trailer
        .get(b"Info")
        .map_err(|_| bad("нет словаря Info"))?;
    let info = match info_ref {
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).map_err(|e| bad(&e.to_string()))?,
        lopdf::Object::Dictionary(d) => d,
        _ => return Err(bad("словарь Info повреждён")),
    };
    let kw = info
        .get(b"Keywords")
        .map_err(|_| bad("нет ключевых слов"))?;
    let bytes = match kw {
        lopdf::Object::String(b, _) => b.clone(),
        _ => return Err(bad("ключевые слова повреждены")),
    };
    let text = decode_pdf_text(&bytes);
    let json = text
        .strip_prefix(STAMP_PREFIX)
        .ok_or_else(|| bad("нет отметки проверки"))?;
    serde_json::from_str(json).map_err(|e| bad(&e.to_string()))
}

fn decode_pdf_text(b: &[u8]) -> String {
    if b.len() >= 2 && b[0] == 0xFE && b[1] == 0xFF {
        let units: Vec<u16> = b[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        b.iter().map(|&c| c as char).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lines_merge_into_one_per_edge() {
        let mut p = Page::new(1);
        for col in 0..3 {
            for row in 0..2 {
                p.rect(
                    10.0 + col as f32 * 5.0,
                    20.0 + row as f32 * 4.0,
                    5.0,
                    4.0,
                    0.3,
                );
            }
        }
        let lines = merged_lines(&p.items);
        // 3 horizontal edges (rows + 1) and 4 vertical edges (columns + 1).
        assert_eq!(lines.len(), 7, "24 cell edges become 7 lines: {lines:?}");
        assert!(
            lines
                .iter()
                .any(|l| l.0 == 10.0 && l.2 == 25.0 && l.1 == 20.0),
            "the top edge spans the whole table"
        );
    }

    #[test]
    fn a_code_depends_on_content_page_and_document() {
        let id = uuid::Uuid::from_u128(7);
        let a = page_code(id, 1, "Иванов 5");
        assert_eq!(a, page_code(id, 1, "Иванов 5"), "same data, same code");
        assert_ne!(
            a,
            page_code(id, 1, "Иванов 4"),
            "a changed mark changes the code"
        );
        assert_ne!(
            a,
            page_code(id, 2, "Иванов 5"),
            "the page number is part of the code"
        );
        assert_ne!(
            a,
            page_code(uuid::Uuid::from_u128(8), 1, "Иванов 5"),
            "so is the document id"
        );
        assert_eq!(a.len(), 9, "shown as XXXX-XXXX");
    }
}
