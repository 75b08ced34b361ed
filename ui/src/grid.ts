// «Журнал»: the loads the user reads (own, and for a curator every subject of their group), and a
// load's page for a period as on the paper journal — students × dates on the left page, finals with
// the suggested final, the lock state and the finals deadline; the right page (date, hours, topic,
// homework) below.
//
// Keys in the grid: arrows move, Home/End go to the row's first/last date, 2–5 н б п Backspace set
// the cell (the same set_cell as on «Урок»), in the «Итог» column Enter accepts the suggested final.
// Cells are editable only in the user's own load of an open period; the backend decides anyway.

import "./journal.css";
import { api, AppError } from "./api";
import { h, shortDate } from "./format";
import { finalInput } from "./finals";
import { WORK_TYPE_SHORT } from "./journal_calls";
import { cellInput } from "./lesson";
import { reopenButton, reopenedBadge } from "./reopen";
import { setCellAskingReason } from "./correction";
import type { Route } from "./main";
import { dutyBadge } from "./today";
import type { FinalColumn, Grid, GridRow, GroupSummary, LoadSummary, Session } from "./types";

/** One of the page's finals' columns: the exam's (where the plan ends the period with one), the
 *  period's «Итог», the year's (the last period, where the policy keeps year finals). */
export interface FinalCol {
  column: FinalColumn;
  head: string;
  title: string;
  value: (r: GridRow) => string | null;
  suggested: (r: GridRow) => string | null;
}

export function finalColumns(grid: Grid): FinalCol[] {
  const cols: FinalCol[] = [];
  if (grid.exam_column !== null) {
    cols.push({ column: "exam", head: "Экз.", title: `${grid.exam_column}: отметка`, value: (r) => r.exam_value, suggested: () => null });
  }
  cols.push({
    column: "period",
    head: "Итог",
    title: "Итоговая отметка за период (предлагаемая — серым)",
    value: (r) => r.final_value,
    suggested: (r) => r.suggested_final,
  });
  if (grid.year_column) {
    cols.push({ column: "year", head: "Год", title: "Годовая отметка (предлагаемая по итогам периодов — серым)", value: (r) => r.year_value, suggested: (r) => r.suggested_year });
  }
  return cols;
}

function errorText(e: unknown): string {
  return e instanceof AppError ? e.message : String(e);
}

export function loadTitle(l: LoadSummary): string {
  return `${l.group_name}${l.subgroup_name ? `, ${l.subgroup_name}` : ""} · ${l.subject_name}`;
}

export function average(a: number | null): string {
  return a === null ? "" : a.toFixed(2).replace(".", ",");
}

/** «Период закрыт 12.01.2027» / «Период открыт». */
export function lockBadge(grid: Grid): HTMLElement {
  return grid.locked
    ? h(
        "span",
        { class: "badge badge-locked", "data-testid": "lock-state" },
        `Период закрыт${grid.locked_at ? ` ${shortDate(grid.locked_at)}` : ""}`,
      )
    : h("span", { class: "badge badge-open", "data-testid": "lock-state" }, "Период открыт");
}

/** Why the grid cannot be edited by this user, or null. */
export function readOnlyReason(grid: Grid): string | null {
  if (grid.locked) return "Период закрыт: отметки, темы и итоговые отметки изменить нельзя";
  if (!grid.load.own) return `Только просмотр: журнал ведёт ${grid.load.teacher_name}`;
  return null;
}

/** «Журналы»: every load the user reads, by group — the curator's view of their group. */
export async function renderJournals(
  main: HTMLElement,
  navigate: (r: Route) => Promise<void>,
): Promise<void> {
  const groups: GroupSummary[] = await api.groups();
  const rows: HTMLTableRowElement[] = [];
  const content = h(
    "section",
    { class: "screen journals", "data-testid": "journals-screen" },
    h("div", { class: "screen-head" }, h("h1", {}, "Журналы")),
    groups.length === 0 ? h("p", { class: "summary" }, "Нет журналов, доступных для просмотра.") : null,
  );
  /** ↑ ↓ between the focusable rows, Enter opens. */
  const rowKeys = (row: HTMLTableRowElement, open: () => void) => {
    row.addEventListener("click", open);
    row.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        open();
      } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const k = rows.indexOf(row) + (e.key === "ArrowDown" ? 1 : -1);
        rows[Math.max(0, Math.min(rows.length - 1, k))]?.focus();
      }
    });
    rows.push(row);
  };
  for (const g of groups) {
    const body = h("tbody", {});
    const loadRow = (l: LoadSummary) => {
      const row = h(
        "tr",
        {
          class: `lesson-row load-row${l.module_id ? " module-part" : ""}`,
          tabindex: 0,
          "data-testid": "load-row",
          "data-load-id": l.id,
          "aria-label": loadTitle(l),
        },
        h("td", { class: "subject-name" }, l.subject_name, l.subgroup_name ? h("span", { class: "muted" }, ` · ${l.subgroup_name}`) : null),
        h("td", {}, l.teacher_name),
        h("td", { class: "filled" }, `${l.given_hours} из ${l.planned_hours} ч`),
        h(
          "td",
          {},
          l.own
            ? h("span", { class: "badge badge-open" }, "Ведёте вы")
            : h("span", { class: "badge badge-not_due" }, "Только просмотр"),
        ),
      ) as HTMLTableRowElement;
      rowKeys(row, () => void navigate({ screen: "journal", loadId: l.id }));
      body.append(row);
    };
    // Subjects first; then each профессиональный модуль under its own heading with its МДК and
    // practices and the module's «Сводная ведомость».
    for (const l of g.loads.filter((x) => !x.module_id)) loadRow(l);
    const modules = new Map<string, string>();
    for (const l of g.loads) if (l.module_id && !modules.has(l.module_id)) modules.set(l.module_id, l.module_name ?? "Профессиональный модуль");
    for (const [moduleId, moduleName] of [...modules].sort((a, b) => a[1].localeCompare(b[1], "ru"))) {
      body.append(
        h("tr", { class: "module-head", "data-testid": "module-head" }, h("th", { colspan: 4, scope: "rowgroup" }, moduleName)),
      );
      for (const l of g.loads.filter((x) => x.module_id === moduleId)) loadRow(l);
      const summary = h(
        "tr",
        {
          class: "lesson-row module-part module-summary-row",
          tabindex: 0,
          "data-testid": "module-summary-row",
          "data-module-id": moduleId,
          "aria-label": `Сводная ведомость: ${moduleName}, группа ${g.name}`,
        },
        h("td", { colspan: 4 }, "Сводная ведомость модуля (итоговые оценки, квалификационный экзамен)"),
      ) as HTMLTableRowElement;
      rowKeys(summary, () => void navigate({ screen: "journal", module: { groupId: g.id, moduleId } }));
      body.append(summary);
    }
    content.append(
      h(
        "div",
        { class: "group-block", "data-testid": "group-block" },
        h(
          "h2",
          {},
          `Группа ${g.name}`,
          h(
            "span",
            { class: "muted small" },
            ` · ${g.course} курс · ${g.specialty}` +
              (g.curator_name ? ` · куратор ${g.curator_name}` : "") +
              ` · учащихся: ${g.student_count}`,
          ),
        ),
        h(
          "table",
          { class: "table loads" },
          h(
            "thead",
            {},
            h("tr", {}, h("th", {}, "Предмет"), h("th", {}, "Преподаватель"), h("th", {}, "Часы"), h("th", {}, "")),
          ),
          body,
        ),
      ),
    );
  }
  content.append(h("p", { class: "hint muted small" }, "↑ ↓ — выбор, Enter — открыть журнал предмета или сводную ведомость модуля."));
  main.replaceChildren(content);
  rows[0]?.focus();
}

/** A load's page for a period. */
export async function renderGrid(
  main: HTMLElement,
  session: Session,
  loadId: string,
  periodId: string | null,
  navigate: (r: Route) => Promise<void>,
  afterEdit: () => Promise<void>,
): Promise<void> {
  let grid: Grid = await api.grid(loadId, periodId);
  const message = h("div", { class: "message message-hint", role: "status", "data-testid": "grid-message" });
  const say = (text: string, kind: "error" | "ok" | "hint") => {
    message.className = `message message-${kind}`;
    message.textContent = text;
  };
  const tableBox = h("div", { class: "grid-scroll", "data-testid": "grid-scroll" });
  const rightPage = h("div", { class: "right-page" });
  const head = h("div", {});
  const upToToday = grid.columns.filter((c) => c.date <= session.today).length;
  let focus: [number, number] = [0, Math.max(0, upToToday - 1)];
  let firstDraw = true;

  const periodButtons = () =>
    h(
      "div",
      { class: "period-tabs", role: "tablist" },
      ...grid.periods.map((p) => {
        const b = h(
          "button",
          {
            class: `period-tab${p.id === grid.period.id ? " current" : ""}`,
            type: "button",
            role: "tab",
            "aria-selected": p.id === grid.period.id ? "true" : "false",
            "data-testid": "period-tab",
          },
          p.name,
        );
        b.addEventListener("click", () => void navigate({ screen: "journal", loadId, periodId: p.id }));
        return b;
      }),
    );

  // After a deputy reopened the period: the page again, focus on the journal.
  const reopened = async () => {
    grid = await api.grid(loadId, grid.period.id);
    drawHead();
    drawTable();
    await afterEdit();
  };

  function drawHead(): void {
    const reason = readOnlyReason(grid);
    const finals = h("button", { class: "action", type: "button", "data-testid": "open-finals" }, "Итоговые отметки и закрытие периода");
    finals.addEventListener("click", () => void navigate({ screen: "finals", loadId, periodId: grid.period.id }));
    head.replaceChildren(
      h(
        "div",
        { class: "screen-head" },
        h("h1", { "data-testid": "grid-title" }, grid.load.subject_name),
        h(
          "div",
          { class: "screen-sub" },
          `Группа ${grid.load.group_name}${grid.load.subgroup_name ? `, ${grid.load.subgroup_name}` : ""} · ${grid.load.teacher_name} · ` +
            `${shortDate(grid.period.starts_on)}–${shortDate(grid.period.ends_on)}`,
        ),
      ),
      h(
        "div",
        { class: "grid-bar" },
        periodButtons(),
        lockBadge(grid),
        reopenedBadge(grid.reopened),
        dutyBadge(grid.finals_deadline, session.today),
        grid.load.own ? finals : null,
        reopenButton(grid, reopened, say),
      ),
      ...(reason ? [h("p", { class: "message message-info read-only", "data-testid": "read-only" }, reason)] : []),
    );
  }

  function drawTable(): void {
    const finalCols = finalColumns(grid);
    const headRow = h(
      "tr",
      {},
      h("th", { class: "num sticky-1" }, "№"),
      h("th", { class: "student-name sticky-2" }, "Фамилия, имя"),
      ...grid.columns.map((c) =>
        h(
          "th",
          {
            class: c.control_work ? "date-head control-work-head" : "date-head",
            title:
              `${shortDate(c.date)}${c.topic ? ` — ${c.topic}` : ""}` +
              (c.control_work
                ? `\n${c.control_work.vtk ? "ВТК: " : ""}${c.control_work.form_name} «${c.control_work.title}»${c.control_work.criteria ? `. Критерии: ${c.control_work.criteria}` : ""}`
                : ""),
            "data-testid": c.control_work ? "grid-control-work" : null,
          },
          h("div", {}, `${c.date.slice(8, 10)}.${c.date.slice(5, 7)}`),
          h(
            "div",
            { class: "wt" },
            `${c.control_work ? (c.control_work.vtk ? "ВТК" : "К/р") : c.work_type ? WORK_TYPE_SHORT[c.work_type] : ""}${c.hours > 1 ? ` ${c.hours}ч` : ""}`,
          ),
        ),
      ),
      h("th", { class: "avg-head" }, "Ср."),
      ...finalCols.map((f) => h("th", { class: "final-head", title: f.title, "data-testid": `final-head-${f.column}` }, f.head)),
    );
    const tbody = h("tbody", {});
    const nCols = grid.columns.length + finalCols.length; // the finals' columns come last
    grid.rows.forEach((r, ri) => {
      const tds = r.cells.map((c, ci) =>
        h(
          "td",
          {
            class: `gcell${c === null ? " not-member" : ""}${c && /^[н]/.test(c) ? " absent" : ""}${c && /^[бп]/.test(c) ? " excused" : ""}`,
            tabindex: -1,
            "data-testid": "grid-cell",
            "data-row": ri,
            "data-col": ci,
          },
          c ?? "",
        ),
      );
      const fins = finalCols.map((f, fi) => {
        const value = f.value(r);
        const suggested = f.suggested(r);
        return h(
          "td",
          {
            class: `gcell final${value ? "" : " suggested"}`,
            tabindex: -1,
            "data-testid": f.column === "period" ? "grid-final" : `grid-final-${f.column}`,
            "data-row": ri,
            "data-col": grid.columns.length + fi,
            title: suggested ? `Предлагается: ${suggested}` : "",
          },
          value ?? suggested ?? "",
        );
      });
      tbody.append(
        h(
          "tr",
          { "data-testid": "grid-row" },
          h("td", { class: "num sticky-1" }, String(r.number)),
          h("td", { class: "student-name sticky-2" }, r.full_name, r.individual_plan ? h("span", { class: "tag" }, "ИУП") : null),
          ...tds,
          h("td", { class: "avg" }, average(r.average)),
          ...fins,
        ),
      );
    });
    const table = h("table", { class: "table journal-grid", "data-testid": "journal-grid" }, h("thead", {}, headRow), tbody);
    const cellAt = (ri: number, ci: number): HTMLElement | null =>
      table.querySelector(`[data-row="${ri}"][data-col="${ci}"]`);
    const move = (ri: number, ci: number) => {
      ri = Math.max(0, Math.min(grid.rows.length - 1, ri));
      ci = Math.max(0, Math.min(nCols - 1, ci));
      const prev = cellAt(focus[0], focus[1]);
      if (prev) prev.tabIndex = -1;
      focus = [ri, ci];
      const el = cellAt(ri, ci);
      if (el) {
        el.tabIndex = 0;
        el.focus();
        const col = grid.columns[ci];
        const fin = finalCols[ci - grid.columns.length];
        const suggested = fin ? fin.suggested(grid.rows[ri]) : null;
        say(
          col
            ? `${grid.rows[ri].full_name} · ${shortDate(col.date)}${col.topic ? ` · ${col.topic}` : ""}`
            : `${grid.rows[ri].full_name} · ${fin?.title.toLowerCase() ?? ""}${suggested ? ` (предлагается ${suggested})` : ""}`,
          "hint",
        );
      }
    };
    table.addEventListener("keydown", async (e) => {
      const target = e.target as HTMLElement;
      if (!target.classList.contains("gcell")) return;
      const ri = Number(target.dataset.row);
      const ci = Number(target.dataset.col);
      const moves: Record<string, [number, number]> = {
        ArrowUp: [-1, 0],
        ArrowDown: [1, 0],
        ArrowLeft: [0, -1],
        ArrowRight: [0, 1],
      };
      if (moves[e.key]) {
        e.preventDefault();
        move(ri + moves[e.key][0], ci + moves[e.key][1]);
        return;
      }
      if (e.key === "Home" || e.key === "End") {
        e.preventDefault();
        move(ri, e.key === "Home" ? 0 : nCols - 1);
        return;
      }
      const fin = finalCols[ci - grid.columns.length];
      const isFinal = fin !== undefined;
      const row = grid.rows[ri];
      const input = fin ? finalInput(e, fin.suggested(row)) : cellInput(e);
      if (input === null) return;
      e.preventDefault();
      const reason = readOnlyReason(grid);
      if (reason) return say(reason, "error");
      if (!isFinal && row.cells[ci] === null) return say("Учащийся в этот день не числился в группе", "error");
      try {
        if (fin) await api.setFinal(loadId, grid.period.id, row.student_id, input, fin.column);
        else await setCellAskingReason(grid.columns[ci].lesson_id, row.student_id, input, row.full_name);
        grid = await api.grid(loadId, grid.period.id);
        drawTable();
        drawHead();
        move(isFinal && input !== "" ? ri + 1 : ri, ci);
        say(`${row.full_name}: ${input === "" ? "удалено" : input}`, "ok");
        await afterEdit();
      } catch (err) {
        say(`${row.full_name}: ${errorText(err)}`, "error");
      }
    });
    table.addEventListener("click", (e) => {
      const td = (e.target as HTMLElement).closest(".gcell") as HTMLElement | null;
      if (td) move(Number(td.dataset.row), Number(td.dataset.col));
    });
    tableBox.replaceChildren(table);
    rightPage.replaceChildren(
      h("h2", {}, "Дата, часы, тема урока, домашнее задание"),
      h(
        "table",
        { class: "table right-page-table", "data-testid": "right-page" },
        h(
          "thead",
          {},
          h("tr", {}, h("th", {}, "Дата"), h("th", {}, "Часы"), h("th", {}, "Тема урока"), h("th", {}, "Домашнее задание")),
        ),
        h(
          "tbody",
          {},
          ...grid.columns.map((c) =>
            h(
              "tr",
              {},
              h("td", { class: "date" }, shortDate(c.date)),
              h("td", { class: "hours" }, String(c.hours)),
              h("td", {}, c.topic ?? h("span", { class: "muted" }, "не записана")),
              h("td", {}, c.homework ?? h("span", { class: "muted" }, "—")),
            ),
          ),
        ),
      ),
    );
    const first = cellAt(focus[0], focus[1]);
    if (first) first.tabIndex = 0;
    // First view: today's page, as a paper journal opens where the teacher writes.
    if (firstDraw) {
      firstDraw = false;
      requestAnimationFrame(() => {
        const cell = cellAt(focus[0], focus[1]);
        if (cell) tableBox.scrollLeft = Math.max(0, cell.offsetLeft - tableBox.clientWidth + 160);
      });
    }
  }

  const back = h("button", { class: "back", type: "button", "data-testid": "back" }, "← Журналы");
  back.addEventListener("click", () => void navigate({ screen: "journal" }));
  drawHead();
  drawTable();
  const content = h(
    "section",
    { class: "screen grid-screen", "data-testid": "grid-screen" },
    h("div", { class: "toolbar" }, back),
    head,
    message,
    tableBox,
    h(
      "p",
      { class: "hint muted small" },
      "Стрелки — перемещение, 2–5 н б п — отметка, Backspace — очистить; в столбце «Итог» Enter — принять предлагаемую отметку. Esc — к списку журналов.",
    ),
    rightPage,
  );
  content.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      void navigate({ screen: "journal" });
    }
  });
  main.replaceChildren(content);
  const start = tableBox.querySelector(`[data-row="${focus[0]}"][data-col="${focus[1]}"]`) as HTMLElement | null;
  start?.focus();
}
