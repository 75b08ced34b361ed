// The control reports (journal-reports on the server): «Контроль ведения журнала» — what is overdue
// today, by teacher, with a click through to the teacher's list — and «Отчёты» with a kind, the
// filters, the tables, bar charts drawn here as inline SVG, and the files (CSV, XLSX, PDF).

import { download, getJson } from "./api";
import { button, formView, h, messageOf, notice, saveBlob, table } from "./dom";
import { go, link } from "./main";

/** What `GET /api/v1/reports` answers: the kinds and what the user may filter by. */
export interface ReportChoice {
  id: string;
  name: string;
}
export interface ReportChoices {
  kinds: ReportChoice[];
  groups: ReportChoice[];
  teachers: ReportChoice[];
  subjects: ReportChoice[];
  /** Цикловые комиссии (методические объединения) with loads the user may report on. */
  departments: ReportChoice[];
  periods: ReportChoice[];
  year_starts_on: string;
  year_ends_on: string;
}

type Value = number | string | null;
export interface ReportTable {
  title: string;
  columns: string[];
  rows: Value[][];
}
export interface ReportChart {
  title: string;
  unit: string;
  labels: string[];
  series: { name: string; values: number[] }[];
}
/** `GET /api/v1/reports/{kind}` as JSON. */
export interface ReportBody {
  kind: string;
  title: string;
  regulation: string;
  subject_line: string;
  generated_at: string;
  figures: { name: string; value: Value }[];
  tables: ReportTable[];
  charts: ReportChart[];
}

const FILTERS = ["group", "teacher", "subject", "department", "period", "from", "to"] as const;

function text(v: Value): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(1).replace(".", ",");
  return v;
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag: string, attrs: Record<string, string | number>, content?: string): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (content !== undefined) el.textContent = content;
  return el;
}

const COLOURS = ["#2f6db3", "#e08a2c", "#7aa95c"];

/** A grouped bar chart: vertical bars for a few short labels (months), horizontal bars otherwise. */
export function barChart(c: ReportChart, testid: string): HTMLElement {
  const max = Math.max(c.unit === "%" ? 100 : 0, ...c.series.flatMap((s) => s.values), 0);
  const wrap = h("figure", { class: "chart", "data-testid": testid }, h("figcaption", {}, `${c.title} (${c.unit})`));
  if (max <= 0 || c.labels.length === 0) {
    wrap.append(h("p", { class: "empty" }, "Нет данных для диаграммы."));
    return wrap;
  }
  const legend = h("div", { class: "chart-legend" });
  c.series.forEach((s, i) => legend.append(h("span", {}, h("i", { style: `background:${COLOURS[i % COLOURS.length]}` }), s.name)));
  if (c.series.length > 1) wrap.append(legend);
  // One decimal for all when any value has one (averages), whole numbers otherwise (counts).
  const fractional = c.series.some((s) => s.values.some((v) => !Number.isInteger(v)));
  const fmt = (v: number) => (fractional ? v.toFixed(1).replace(".", ",") : String(v));
  const vertical = c.labels.length <= 12 && c.labels.every((l) => l.length <= 16);
  let root: SVGElement;
  if (vertical) {
    const longest = Math.max(...c.labels.map((l) => l.length));
    const slot = Math.max(48, c.series.length * 22 + 14, longest * 7 + 10);
    const W = 40 + slot * c.labels.length;
    const top = 16;
    const H = 200 + top;
    const plot = 160;
    root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", "aria-label": c.title });
    root.append(svg("line", { x1: 36, y1: top + plot, x2: W, y2: top + plot, stroke: "#999" }));
    c.labels.forEach((label, li) => {
      const x0 = 40 + li * slot + (slot - c.series.length * 22) / 2;
      c.series.forEach((s, si) => {
        const v = s.values[li] ?? 0;
        const bh = (v / max) * plot;
        const x = x0 + si * 22;
        root.append(svg("rect", { x, y: top + plot - bh, width: 18, height: bh, fill: COLOURS[si % COLOURS.length] }));
        root.append(svg("text", { x: x + 9, y: top + plot - bh - 4, "text-anchor": "middle", "font-size": 10 }, fmt(v)));
      });
      root.append(svg("text", { x: 40 + li * slot + slot / 2, y: top + plot + 16, "text-anchor": "middle", "font-size": 11 }, label));
    });
  } else {
    const rowH = c.series.length * 14 + 8;
    const W = 720;
    const labelW = 230;
    const H = rowH * c.labels.length + 6;
    root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", height: H, role: "img", "aria-label": c.title, preserveAspectRatio: "xMinYMin meet" });
    c.labels.forEach((label, li) => {
      const y0 = li * rowH + 4;
      const short = label.length > 34 ? `${label.slice(0, 33)}…` : label;
      root.append(svg("text", { x: 0, y: y0 + rowH / 2 + 2, "font-size": 12 }, short));
      c.series.forEach((s, si) => {
        const v = s.values[li] ?? 0;
        const w = (v / max) * (W - labelW - 50);
        const y = y0 + si * 14;
        root.append(svg("rect", { x: labelW, y, width: Math.max(w, 0), height: 12, fill: COLOURS[si % COLOURS.length] }));
        root.append(svg("text", { x: labelW + w + 4, y: y + 10, "font-size": 10 }, fmt(v)));
      });
    });
  }
  wrap.append(root);
  return wrap;
}

function reportTable(t: ReportTable, testid: string): HTMLElement {
  const numeric = t.columns.map((_, i) => t.rows.every((r) => typeof r[i] !== "string"));
  return h(
    "section",
    { class: "report-table" },
    h("h2", {}, t.title),
    table(
      t.rows,
      t.columns.map((title, i) => ({ title, cell: (r: Value[]) => text(r[i] ?? null), cls: numeric[i] ? "num" : undefined })),
      "Нет данных.",
      testid,
    ),
  );
}

function figures(r: ReportBody): HTMLElement {
  return h("dl", { class: "figures", "data-testid": "report-figures" }, ...r.figures.flatMap((f) => [h("dt", {}, f.name), h("dd", {}, text(f.value))]));
}

/** The query of the current address's filters. */
function filtersOf(q: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FILTERS) {
    const v = q.get(k);
    if (v) out[k] = v;
  }
  return out;
}

function exportButtons(kind: string, query: Record<string, string>): HTMLElement {
  const one = (format: string, label: string) =>
    button(
      label,
      () =>
        void (async () => {
          const p = new URLSearchParams({ ...query, format });
          try {
            saveBlob(await download("GET", `/reports/${kind}?${p}`), `report-${kind}.${format}`);
          } catch (e) {
            bar.append(notice("error", messageOf(e), "report-export-error"));
          }
        })(),
      `report-export-${format}`,
    );
  const bar: HTMLElement = h("div", { class: "actions" }, h("span", { class: "hint" }, "Выгрузить: "), one("csv", "CSV"), one("xlsx", "XLSX"), one("pdf", "PDF"));
  return bar;
}

async function loadChoices(main: HTMLElement): Promise<ReportChoices | null> {
  try {
    return await getJson<ReportChoices>("/reports");
  } catch (e) {
    main.append(notice("error", messageOf(e), "reports-error"));
    return null;
  }
}

function filterForm(c: ReportChoices, q: URLSearchParams, base: string, kinds: boolean): HTMLElement {
  const opts = (list: ReportChoice[], all: string) => [{ value: "", label: all }, ...list.map((x) => ({ value: x.id, label: x.name }))];
  const f = formView({
    testid: "report-filter",
    submit: "Показать",
    inline: true,
    fields: [
      ...(kinds ? [{ name: "kind", label: "Отчёт", type: "select" as const, value: q.get("kind") || "progress", options: c.kinds.map((k) => ({ value: k.id, label: k.name })) }] : []),
      { name: "group", label: "Группа", type: "select", value: q.get("group") || "", options: opts(c.groups, "— все —") },
      { name: "teacher", label: "Преподаватель", type: "select", value: q.get("teacher") || "", options: opts(c.teachers, "— все —") },
      { name: "subject", label: "Предмет", type: "select", value: q.get("subject") || "", options: opts(c.subjects, "— все —") },
      // Only where the institution keeps departments: an empty choice is clutter.
      ...(c.departments.length > 0
        ? [{ name: "department", label: "Цикловая комиссия", type: "select" as const, value: q.get("department") || "", options: opts(c.departments, "— все —") }]
        : []),
      { name: "period", label: "Период", type: "select", value: q.get("period") || "", options: opts(c.periods, "— текущий —") },
      { name: "from", label: "С", type: "date", value: q.get("from") || "" },
      { name: "to", label: "По", type: "date", value: q.get("to") || "" },
    ],
    onSubmit: async (v) => {
      const p = new URLSearchParams();
      for (const k of ["kind", ...FILTERS]) if (v.value(k)) p.set(k, v.value(k));
      go(`${base}${p.toString() ? `?${p}` : ""}`);
    },
  });
  return f.form;
}

/** «Контроль ведения журнала»: the overdue list by teacher, the teachers' and groups' figures. */
export async function controlScreen(main: HTMLElement): Promise<void> {
  main.append(
    h("h1", {}, "Контроль ведения журнала"),
    h("p", { class: "hint" }, "Что не заполнено в срок на сегодня — по преподавателям; заполнение в день урока, темы, домашние задания, накопляемость отметок, выполнение программы и замены."),
  );
  const choices = await loadChoices(main);
  if (!choices) return;
  const q = new URLSearchParams(location.search);
  main.append(filterForm(choices, q, "/control", false));
  const query = filtersOf(q);
  let r: ReportBody;
  try {
    r = await getJson<ReportBody>("/reports/control", query);
  } catch (e) {
    main.append(notice("error", messageOf(e), "control-error"));
    return;
  }
  const overdue = r.tables.find((t) => t.title === "Просрочено на сегодня");
  const byTeacher = new Map<string, number>();
  for (const row of overdue?.rows ?? []) byTeacher.set(String(row[0]), (byTeacher.get(String(row[0])) ?? 0) + 1);
  const teacherId = (name: string) => choices.teachers.find((t) => t.name === name)?.id;
  const chosen = q.get("teacher");
  main.append(
    h("p", { class: "summary" }, r.subject_line),
    figures(r),
    exportButtons("control", query),
    h("h2", {}, "Просрочено по преподавателям"),
    table(
      [...byTeacher.entries()].sort((a, b) => b[1] - a[1]),
      [
        {
          title: "Преподаватель",
          cell: ([name]) => {
            const id = teacherId(name);
            if (!id || id === chosen) return name;
            const p = new URLSearchParams(query);
            p.set("teacher", id);
            return link(`/control?${p}`, name, "control-teacher");
          },
        },
        { title: "Просрочено", cell: ([, n]) => String(n), cls: "num" },
      ],
      "Просроченного нет: журнал заполнен в срок.",
      "control-by-teacher",
    ),
  );
  if (chosen) main.append(h("p", {}, link("/control", "← все преподаватели", "control-all")));
  for (const c of r.charts) main.append(barChart(c, "control-chart"));
  r.tables.forEach((t, i) => main.append(reportTable(t, i === 0 ? "control-overdue" : `control-table-${i}`)));
  main.append(h("p", { class: "hint" }, `Основание: ${r.regulation}`));
}

/** «Отчёты»: any kind with its filters, figures, charts and tables, and the files. */
export async function reportsScreen(main: HTMLElement): Promise<void> {
  main.append(h("h1", {}, "Отчёты"));
  const choices = await loadChoices(main);
  if (!choices) return;
  const q = new URLSearchParams(location.search);
  main.append(filterForm(choices, q, "/reports", true));
  const kind = q.get("kind");
  if (!kind) {
    main.append(h("p", { class: "hint", "data-testid": "reports-pick" }, "Выберите отчёт и условия и нажмите «Показать»."));
    return;
  }
  const query = filtersOf(q);
  let r: ReportBody;
  try {
    r = await getJson<ReportBody>(`/reports/${encodeURIComponent(kind)}`, query);
  } catch (e) {
    main.append(notice("error", messageOf(e), "report-error"));
    return;
  }
  main.append(
    h("h2", { "data-testid": "report-title" }, r.title),
    h("p", { class: "summary" }, r.subject_line),
    h("p", { class: "hint" }, `Основание: ${r.regulation}`),
    figures(r),
    exportButtons(kind, query),
  );
  const charts = h("div", { class: "charts" });
  r.charts.forEach((c, i) => charts.append(barChart(c, `report-chart-${i}`)));
  main.append(charts);
  r.tables.forEach((t, i) => main.append(reportTable(t, `report-table-${i}`)));
}
