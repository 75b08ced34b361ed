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
  /** The axes' titles; the server's charts get the value axis's from their unit. */
  axes?: { labels?: string; values: string };
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

/** The axes' titles of the server's charts (journal-reports), by the chart's title. */
const SERVER_AXES: Record<string, { labels?: string; values: string }> = {
  "Пропуски по месяцам, часов": { labels: "Месяц", values: "Пропущено часов" },
  "Просрочено по преподавателям": { labels: "Преподаватель", values: "Просрочено записей" },
  "Своевременность и полнота по преподавателям": { labels: "Преподаватель", values: "Процент" },
  "Успеваемость и качество по предметам": { labels: "Группа и предмет", values: "Процент обучающихся" },
  "Средний балл по месяцам": { labels: "Месяц", values: "Средний балл" },
  "Отметок на обучающегося по месяцам": { labels: "Месяц", values: "Отметок на обучающегося" },
  "Часы по плану и фактически": { labels: "Группа и предмет", values: "Часов" },
  "Распределение прогноза": { labels: "Прогноз итоговой отметки", values: "Прогнозов (обучающийся и предмет)" },
  "Записей за неделю: в день занятия и позже": { labels: "Неделя (с понедельника)", values: "Записей" },
  "Пропуски по группам, часов": { labels: "Группа", values: "Пропущено часов" },
  "Пропуски по предметам, часов": { labels: "Группа — предмет", values: "Пропущено часов" },
  "Успеваемость и качество по группам": { labels: "Группа", values: "Процент обучающихся" },
  "Родители и обучающиеся, входившие за неделю": { labels: "Неделя (с понедельника)", values: "Человек" },
};
/** Otherwise the value axis's title by the chart's unit. */
const UNIT_AXIS: Record<string, string> = { "%": "Процент", ч: "Часов", балл: "Средний балл", "шт.": "Количество" };
const MONTH = /^(январь|февраль|март|апрель|май|июнь|июль|август|сентябрь|октябрь|ноябрь|декабрь) \d{4}$/;

function axesOf(c: ReportChart): { labels?: string; values: string } {
  if (c.axes) return c.axes;
  if (SERVER_AXES[c.title]) return SERVER_AXES[c.title];
  return { labels: c.labels.length > 0 && c.labels.every((l) => MONTH.test(l)) ? "Месяц" : undefined, values: UNIT_AXIS[c.unit] ?? c.unit };
}

/** The top of the value axis: 1, 2 or 5 × 10ⁿ at or above the largest value (100 for percents). */
function niceMax(max: number, unit: string): number {
  if (unit === "%") return 100;
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** Cuts a label to `chars`, with «…»; the whole label stays in the bar's tooltip. */
function cut(label: string, chars: number): string {
  return label.length > chars ? `${label.slice(0, Math.max(1, chars - 1))}…` : label;
}

/** The width a chart may take: the screen's, less the menu on a wide screen; 720 at most. */
function chartWidth(): number {
  const w = window.innerWidth;
  return Math.round(Math.max(260, Math.min(720, w <= 700 ? w - 50 : w - 290)));
}

/**
 * A grouped bar chart with its axes titled: vertical bars for a few short labels (months, groups)
 * where they fit the screen, horizontal bars otherwise — on a narrow screen each label on its own
 * line above its bars, so that no label overlaps another.
 */
export function barChart(c: ReportChart, testid: string): HTMLElement {
  const top = niceMax(Math.max(0, ...c.series.flatMap((s) => s.values)), c.unit);
  const wrap = h("figure", { class: "chart", "data-testid": testid }, h("figcaption", {}, `${c.title} (${c.unit})`));
  // Nothing to draw: no labels, or only zeros of a count (a percent of 0 is a result to show).
  if (c.labels.length === 0 || (c.unit !== "%" && c.series.every((s) => s.values.every((v) => !v)))) {
    wrap.append(h("p", { class: "empty" }, "Нет данных для диаграммы."));
    return wrap;
  }
  const legend = h("div", { class: "chart-legend" });
  c.series.forEach((s, i) => legend.append(h("span", {}, h("i", { style: `background:${COLOURS[i % COLOURS.length]}` }), s.name)));
  if (c.series.length > 1) wrap.append(legend);
  const axes = axesOf(c);
  // One decimal for all when any value has one (averages), whole numbers otherwise (counts).
  const fractional = c.series.some((s) => s.values.some((v) => !Number.isInteger(v)));
  const fmt = (v: number) => (fractional ? v.toFixed(1).replace(".", ",") : String(v));
  const tick = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1).replace(".", ","));
  const avail = chartWidth();
  const n = c.series.length;
  const longest = Math.max(...c.labels.map((l) => l.length));
  const left = 58;
  const slot = Math.max(48, n * 22 + 14, longest * 7 + 12);
  const vertical = c.labels.length <= 12 && longest <= 16 && left + slot * c.labels.length + 8 <= avail;
  let root: SVGElement;
  if (vertical) {
    const W = left + slot * c.labels.length + 8;
    const y0 = 18;
    const plot = 160;
    const H = y0 + plot + (axes.labels ? 44 : 26);
    root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", "aria-label": c.title });
    // The value axis: 0, half and the top, with light grid lines; its title turned along it.
    for (const v of [0, top / 2, top]) {
      const y = y0 + plot - (v / top) * plot;
      root.append(svg("line", { x1: left - 4, y1: y, x2: W, y2: y, stroke: v === 0 ? "#999" : "#e3e7ee" }));
      root.append(svg("text", { x: left - 7, y: y + 4, "text-anchor": "end", "font-size": 10, fill: "#5a6473" }, tick(v)));
    }
    root.append(svg("text", { x: -(y0 + plot / 2), y: 13, transform: "rotate(-90)", "text-anchor": "middle", "font-size": 11, fill: "#5a6473", "data-axis": "values" }, axes.values));
    c.labels.forEach((label, li) => {
      const x0 = left + li * slot + (slot - n * 22) / 2;
      c.series.forEach((s, si) => {
        const v = s.values[li] ?? 0;
        const bh = (v / top) * plot;
        const x = x0 + si * 22;
        const bar = svg("rect", { x, y: y0 + plot - bh, width: 18, height: bh, fill: COLOURS[si % COLOURS.length] });
        bar.append(svg("title", {}, `${label}, ${s.name}: ${fmt(v)} ${c.unit}`));
        root.append(bar);
        root.append(svg("text", { x: x + 9, y: y0 + plot - bh - 4, "text-anchor": "middle", "font-size": 10 }, fmt(v)));
      });
      root.append(svg("text", { x: left + li * slot + slot / 2, y: y0 + plot + 16, "text-anchor": "middle", "font-size": 11, "data-label": "" }, label));
    });
    if (axes.labels) root.append(svg("text", { x: left + (W - left) / 2, y: H - 4, "text-anchor": "middle", "font-size": 11, fill: "#5a6473", "data-axis": "labels" }, axes.labels));
  } else {
    const W = avail;
    // A wide screen: the labels in a column on the left; a narrow one: each above its bars.
    const wide = W >= 520;
    const labelW = wide ? Math.min(230, Math.round(W * 0.32)) : 0;
    const chars = Math.floor((wide ? labelW - 8 : W - 8) / 6.6);
    const barsW = W - labelW - 44;
    const head = axes.labels ? 18 : 4;
    const rowH = (wide ? 0 : 15) + n * 14 + 8;
    const H = head + rowH * c.labels.length + 40;
    root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", "aria-label": c.title });
    if (axes.labels) root.append(svg("text", { x: 0, y: 12, "font-size": 11, "font-weight": 600, fill: "#5a6473", "data-axis": "labels" }, axes.labels));
    const plotBottom = head + rowH * c.labels.length;
    for (const v of [0, top / 2, top]) {
      const x = labelW + (v / top) * barsW;
      root.append(svg("line", { x1: x, y1: head, x2: x, y2: plotBottom + 4, stroke: v === 0 ? "#999" : "#e3e7ee" }));
      root.append(svg("text", { x, y: plotBottom + 16, "text-anchor": v === 0 ? "start" : "middle", "font-size": 10, fill: "#5a6473" }, tick(v)));
    }
    root.append(svg("text", { x: labelW + barsW / 2, y: H - 4, "text-anchor": "middle", "font-size": 11, fill: "#5a6473", "data-axis": "values" }, axes.values));
    c.labels.forEach((label, li) => {
      const y0 = head + li * rowH + 4;
      const name = svg("text", { x: 0, y: wide ? y0 + (n * 14) / 2 + 3 : y0 + 9, "font-size": 12, "data-label": "" }, cut(label, chars));
      name.append(svg("title", {}, label));
      root.append(name);
      const barsTop = wide ? y0 : y0 + 15;
      c.series.forEach((s, si) => {
        const v = s.values[li] ?? 0;
        const w = (v / top) * barsW;
        const y = barsTop + si * 14;
        const bar = svg("rect", { x: labelW, y, width: Math.max(w, 0), height: 12, fill: COLOURS[si % COLOURS.length] });
        bar.append(svg("title", {}, `${label}, ${s.name}: ${fmt(v)} ${c.unit}`));
        root.append(bar);
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
