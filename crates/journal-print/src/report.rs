//! A control report (journal-reports) on paper: the institution, the title with the regulation point,
//! the filter in words, the headline figures, the bar charts and every table — with the footer and
//! verification codes of every document. The report is computed from the snapshot at the generation
//! time, so [`crate::verify`] computes the same pages again from the same data.

use crate::documents::Flow;
use crate::fonts::Face;
use crate::layout::{Align, SIZE_MIN};
use crate::pdf::Doc;
use crate::{PrintContext, PrintError};
use journal_protocol::Snapshot;
use journal_reports::{Chart, Filter, ReportKind};

/// Greys of the series' bars (the page is printed black and white).
const GREYS: [f32; 3] = [0.25, 0.55, 0.8];

pub(crate) fn report_doc(
    snap: &Snapshot,
    kind: ReportKind,
    filter: &Filter,
    ctx: &PrintContext,
) -> Result<Doc, PrintError> {
    let report =
        journal_reports::build(kind, snap, filter, ctx.generated_at).map_err(PrintError::Report)?;
    let mut doc = Doc::new(
        report.title.clone(),
        format!("{} — {}", report.title, report.subject_line),
        snap.institution.name.clone(),
    );
    doc.mirror = false;
    let mut flow = Flow::on_new_page(&mut doc);
    flow.para(&snap.institution.name, 10.0, Face::Bold, 0.0);
    flow.heading(&report.title);
    flow.para(&report.subject_line, 9.0, Face::Regular, 0.0);
    flow.para(
        &format!("Основание: {}", report.regulation),
        SIZE_MIN,
        Face::Regular,
        0.0,
    );
    flow.gap(2.0);
    for f in &report.figures {
        flow.para(
            &format!("{}: {}", f.name, f.value.text()),
            9.0,
            Face::Bold,
            0.0,
        );
    }
    for chart in &report.charts {
        if chart.labels.is_empty()
            || chart
                .series
                .iter()
                .all(|s| s.values.iter().all(|v| *v == 0.0))
        {
            continue;
        }
        flow.gap(3.0);
        bars(&mut flow, chart);
    }
    for table in &report.tables {
        flow.gap(4.0);
        flow.para(&table.title, 10.0, Face::Bold, 0.0);
        flow.gap(1.0);
        if table.rows.is_empty() {
            flow.para("Нет данных.", 9.0, Face::Regular, 0.0);
            continue;
        }
        let cols: Vec<(&str, f32, Align)> = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                // Names get more room than figures.
                let numeric = table
                    .rows
                    .iter()
                    .all(|r| !matches!(r.get(i), Some(journal_reports::Value::Text(_))));
                if numeric {
                    (c.as_str(), 1.0, Align::Center)
                } else {
                    (c.as_str(), 2.2, Align::Left)
                }
            })
            .collect();
        let rows: Vec<Vec<String>> = table
            .rows
            .iter()
            .map(|r| r.iter().map(|v| v.text()).collect())
            .collect();
        flow.table(&cols, &rows, 5.0);
    }
    Ok(doc)
}

/// A horizontal bar chart: a row per label, a bar per series, the value at the bar's end.
fn bars(flow: &mut Flow, chart: &Chart) {
    let max = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0f64, f64::max)
        .max(if chart.unit == "%" { 100.0 } else { 0.0 });
    if max <= 0.0 {
        return;
    }
    flow.need(14.0);
    flow.para(
        &format!("{} ({})", chart.title, chart.unit),
        9.0,
        Face::Bold,
        0.0,
    );
    // Legend.
    {
        let y = flow.y;
        let p = flow.page();
        let mut x = p.left;
        for (i, s) in chart.series.iter().enumerate() {
            p.fill(x, y + 0.5, 4.0, 2.5, GREYS[i % GREYS.len()]);
            p.text(x + 5.0, y + 2.8, 7.0, Face::Regular, &s.name);
            x += 8.0 + s.name.chars().count() as f32 * 1.6;
        }
        flow.y += 5.0;
    }
    let bar_h = 2.8;
    let row_h = bar_h * chart.series.len() as f32 + 2.0;
    for (li, label) in chart.labels.iter().enumerate() {
        flow.need(row_h);
        let y = flow.y;
        let p = flow.page();
        let label_w = 55.0;
        let width = p.content_width() - label_w - 14.0;
        let short: String = if label.chars().count() > 38 {
            label.chars().take(37).chain(['…']).collect()
        } else {
            label.clone()
        };
        p.text(p.left, y + row_h / 2.0 + 1.0, 7.0, Face::Regular, &short);
        for (si, s) in chart.series.iter().enumerate() {
            let v = s.values.get(li).copied().unwrap_or(0.0);
            let w = (v / max) as f32 * width;
            let by = y + si as f32 * bar_h + 1.0;
            let x0 = p.left + label_w;
            if w > 0.0 {
                p.fill(x0, by, w, bar_h - 0.4, GREYS[si % GREYS.len()]);
            }
            let text = if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}").replace('.', ",")
            };
            p.text(x0 + w + 1.0, by + bar_h - 0.6, 6.0, Face::Regular, &text);
        }
        flow.y += row_h;
    }
}

#[cfg(test)]
mod tests {
    use crate::{render, PrintContext, PrintRequest};
    use journal_reports::{Filter, ReportKind};

    #[test]
    fn every_report_prints_and_verifies() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 16).expect("date");
        let snap = journal_demo::generate(7, today);
        let ctx = PrintContext {
            generated_at: today.and_hms_opt(12, 0, 0).expect("time"),
            document_id: uuid::Uuid::from_u128(42),
        };
        for kind in ReportKind::ALL {
            let req = PrintRequest::Report {
                report: kind,
                filter: Filter {
                    group_id: Some(snap.groups[0].id),
                    ..Filter::default()
                },
            };
            let pdf = render(&snap, &req, &ctx).expect("the report renders");
            assert!(pdf.starts_with(b"%PDF"), "{kind:?} is a PDF");
            let report = crate::verify(&pdf, &snap).expect("the stamp reads back");
            assert!(
                report.matches(),
                "{kind:?}: the same data gives the same pages"
            );
        }
    }
}
