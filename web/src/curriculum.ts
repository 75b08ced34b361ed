// «Учебный план»: a group's hours of each subject in each period, with the form of аттестация, kept
// through GET|PUT /admin/curriculum. The grid is one group at a time (subjects × periods); arrows and
// Enter move between cells like a spreadsheet. Below it: where the plan and the loads disagree.

import { ApiFailure, getJson, sendFile, sendJson } from "./api";
import { h, notice, openDialog, table } from "./dom";
import { snapshot } from "./roster";
import type { Uuid, YearSetup } from "./types";

export interface CurriculumLine {
  group_id: Uuid;
  subject_id: Uuid;
  period_id: Uuid;
  hours: number;
  attestation?: string | null;
}

export interface CurriculumDifference {
  group_id: Uuid;
  group_name: string;
  subject_id: Uuid;
  subject_name: string;
  kind: "no_load" | "not_in_plan" | "hours_differ";
  planned_hours: number;
  load_hours: number;
  message: string;
}

export interface CurriculumView {
  lines: CurriculumLine[];
  differences: CurriculumDifference[];
}

const FORMS: { value: string; label: string }[] = [
  { value: "", label: "—" },
  { value: "exam", label: "Экзамен" },
  { value: "credit", label: "Зачёт" },
  { value: "graded_credit", label: "Диф. зачёт" },
  { value: "other", label: "Другая форма" },
  { value: "qualifying_exam", label: "Квалиф. экзамен" },
];

const DIFFERENCE_KIND: Record<string, string> = {
  no_load: "Нет нагрузки",
  not_in_plan: "Нет в плане",
  hours_differ: "Часы расходятся",
};

/** Moves the focus to the same control of the next (or previous) row or column of the grid. */
function moveFocus(from: HTMLElement, rows: number, cols: number): void {
  const cell = from.closest("td");
  const row = cell?.parentElement as HTMLTableRowElement | null;
  if (!cell || !row) return;
  const tbody = row.parentElement!;
  const r = Array.from(tbody.children).indexOf(row) + rows;
  const c = Array.from(row.children).indexOf(cell) + cols;
  const target = tbody.children[r]?.children[c];
  const same = from.tagName.toLowerCase();
  target?.querySelector<HTMLElement>(same)?.focus();
}

export async function curriculumScreen(main: HTMLElement): Promise<void> {
  main.append(
    h("h1", {}, "Учебный план"),
    h("p", { class: "hint" }, "Часы каждой дисциплины группы по периодам учебного года и форма промежуточной аттестации. Стрелки и Enter переходят между клетками, как в таблице. Ниже — расхождения плана с нагрузкой."),
  );
  let view: CurriculumView;
  let year: YearSetup;
  try {
    [view, year] = await Promise.all([getJson<CurriculumView>("/admin/curriculum"), getJson<YearSetup>("/admin/year")]);
  } catch (e) {
    main.append(notice("error", `Учебный план недоступен: ${(e as Error).message}`, "curriculum-error"));
    return;
  }
  const snap = await snapshot();
  const groups = [...snap.groups].sort((a, b) => a.name.localeCompare(b.name, "ru"));
  const periods = year.periods.filter((p) => p.id);
  if (groups.length === 0 || periods.length === 0 || snap.subjects.length === 0) {
    main.append(notice("info", "Сначала заведите группы, дисциплины и периоды учебного года.", "curriculum-empty"));
    return;
  }
  let lines = view.lines;
  const select = h("select", { id: "curriculum-group", "data-testid": "curriculum-group" }, ...groups.map((g) => h("option", { value: g.id }, g.name)));
  const status = h("div", { "data-testid": "curriculum-status", role: "status" });
  const gridBox = h("div");
  const diffBox = h("div");

  function renderGrid(): void {
    const group = select.value;
    const byKey = new Map(lines.filter((l) => l.group_id === group).map((l) => [`${l.subject_id}:${l.period_id}`, l]));
    const total = (row: HTMLTableRowElement) =>
      Array.from(row.querySelectorAll<HTMLInputElement>("input[type=number]")).reduce((s, i) => s + (Number(i.value) || 0), 0);
    const rows = snap.subjects.map((s) => {
      const tr = h("tr", { "data-subject": s.id }, h("th", { scope: "row" }, s.name));
      const sum = h("td", { class: "num", "data-testid": `curriculum-total-${s.id}` });
      periods.forEach((p, pi) => {
        const line = byKey.get(`${s.id}:${p.id}`);
        const hours = h("input", {
          type: "number", min: "0", max: "2000", step: "1", class: "hours",
          value: line ? String(line.hours) : "",
          "aria-label": `${s.name}, ${p.name}: часы`,
          "data-testid": `curriculum-hours-${s.id}-${pi}`,
          "data-period": p.id!,
        });
        const form = h("select", { "aria-label": `${s.name}, ${p.name}: форма аттестации`, "data-testid": `curriculum-form-${s.id}-${pi}` },
          ...FORMS.map((f) => h("option", { value: f.value, selected: (line?.attestation ?? "") === f.value }, f.label)));
        for (const el of [hours, form] as HTMLElement[]) {
          el.addEventListener("keydown", (e: KeyboardEvent) => {
            if (e.key === "ArrowDown" || (e.key === "Enter" && el === hours)) { e.preventDefault(); moveFocus(el, 1, 0); }
            else if (e.key === "ArrowUp") { e.preventDefault(); moveFocus(el, -1, 0); }
            else if (e.key === "ArrowRight" && e.ctrlKey) { e.preventDefault(); moveFocus(el, 0, 1); }
            else if (e.key === "ArrowLeft" && e.ctrlKey) { e.preventDefault(); moveFocus(el, 0, -1); }
          });
        }
        hours.addEventListener("input", () => { sum.textContent = String(total(tr)); });
        tr.append(h("td", { class: "plan-cell" }, hours, " ", form));
      });
      tr.append(sum);
      sum.textContent = String(total(tr));
      return tr;
    });
    gridBox.replaceChildren(
      h("div", { class: "table-wrap" },
        h("table", { class: "data curriculum", "data-testid": "curriculum-grid" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Дисциплина"), ...periods.map((p) => h("th", { scope: "col" }, p.name)), h("th", { scope: "col", class: "num" }, "Всего, ч"))),
          h("tbody", {}, ...rows))),
    );
  }

  function renderDifferences(d: CurriculumDifference[]): void {
    diffBox.replaceChildren(
      h("h2", {}, "Расхождения с нагрузкой"),
      table(d, [
        { title: "Группа", cell: (x) => x.group_name },
        { title: "Дисциплина", cell: (x) => x.subject_name },
        { title: "Расхождение", cell: (x) => DIFFERENCE_KIND[x.kind] ?? x.kind },
        { title: "По плану, ч", cell: (x) => String(x.planned_hours), cls: "num" },
        { title: "В нагрузке, ч", cell: (x) => String(x.load_hours), cls: "num" },
        { title: "", cell: (x) => x.message },
      ], "План и нагрузка совпадают.", "curriculum-differences"),
    );
  }

  /** This group's lines as the grid shows them; an empty cell with no form is no line. */
  function gridLines(): CurriculumLine[] {
    const group = select.value;
    const out: CurriculumLine[] = [];
    for (const tr of Array.from(gridBox.querySelectorAll<HTMLTableRowElement>("tbody tr"))) {
      for (const td of Array.from(tr.querySelectorAll("td.plan-cell"))) {
        const hours = td.querySelector<HTMLInputElement>("input")!;
        const form = td.querySelector<HTMLSelectElement>("select")!;
        if (hours.value === "" && form.value === "") continue;
        out.push({ group_id: group, subject_id: tr.dataset.subject!, period_id: hours.dataset.period!, hours: Number(hours.value) || 0, attestation: form.value || null });
      }
    }
    return out;
  }

  const save = h("button", { type: "button", class: "primary", "data-testid": "curriculum-save" }, "Сохранить план группы");
  save.addEventListener("click", async () => {
    status.replaceChildren();
    gridBox.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    const group = select.value;
    const next = [...lines.filter((l) => l.group_id !== group), ...gridLines()];
    try {
      const saved = await sendJson<CurriculumView>("PUT", "/admin/curriculum", { lines: next });
      lines = saved.lines;
      renderGrid();
      renderDifferences(saved.differences);
      status.append(notice("ok", "Учебный план группы сохранён", "curriculum-saved"));
    } catch (e) {
      status.append(notice("error", (e as Error).message, "curriculum-refused"));
      // The refusal names `lines[i].field`: mark that cell when it is in this group's grid.
      const m = e instanceof ApiFailure && e.field ? /^lines\[(\d+)\]/.exec(e.field) : null;
      const bad = m ? next[Number(m[1])] : undefined;
      if (bad && bad.group_id === group) {
        const pi = periods.findIndex((p) => p.id === bad.period_id);
        gridBox.querySelector(`[data-testid="curriculum-hours-${bad.subject_id}-${pi}"]`)?.setAttribute("aria-invalid", "true");
      }
    }
  });
  select.addEventListener("change", renderGrid);

  // A plan file: the groups it names get exactly its lines (checked first, then loaded).
  const file = h("input", { type: "file", accept: ".csv,.xlsx,text/csv", "data-testid": "curriculum-file", "aria-label": "Файл учебного плана" });
  const fileStatus = h("div", { role: "status", "data-testid": "curriculum-file-status" });
  const upload = async (dryRun: boolean) => {
    fileStatus.replaceChildren();
    const f = file.files?.[0];
    if (!f) {
      fileStatus.append(notice("error", "Выберите файл учебного плана", "curriculum-file-missing"));
      return;
    }
    try {
      const r = await sendFile<CurriculumView & { applied: boolean }>("/admin/curriculum/import", f, f.type || "text/csv", { file: f.name, dry_run: dryRun ? "true" : "false" });
      if (dryRun) {
        fileStatus.append(notice("info", `Файл прочитан: строк плана после загрузки — ${r.lines.length}, расхождений с нагрузкой — ${r.differences.length}. Нажмите «Загрузить», чтобы применить.`, "curriculum-file-checked"));
      } else {
        lines = r.lines;
        renderGrid();
        renderDifferences(r.differences);
        fileStatus.append(notice("ok", "Учебный план загружен из файла", "curriculum-file-loaded"));
      }
    } catch (e) {
      fileStatus.append(notice("error", (e as Error).message, "curriculum-file-refused"));
    }
  };
  const fileBox = h("details", {},
    h("summary", {}, "Загрузить из файла (CSV, XLSX)"),
    h("p", { class: "hint" }, "Столбцы: «Группа», «Дисциплина», «Период» (название или номер), «Часы», «Форма аттестации» (экзамен, зачёт, дифференцированный зачёт). Группы из файла получают ровно его строки, остальные не меняются."),
    h("div", { class: "toolbar" }, file,
      h("button", { type: "button", onclick: () => void upload(true), "data-testid": "curriculum-file-check" }, "Проверить"),
      h("button", { type: "button", onclick: () => void upload(false), "data-testid": "curriculum-file-load" }, "Загрузить")),
    fileStatus,
  );
  main.append(
    h("div", { class: "toolbar" }, h("label", { for: "curriculum-group" }, "Группа "), select),
    gridBox,
    h("div", { class: "toolbar" }, save),
    status,
    fileBox,
    diffBox,
  );
  renderGrid();
  renderDifferences(view.differences);
}

interface PlanChoice {
  load_id: Uuid;
  group_name: string;
  subject_name: string;
  teacher_name: string;
  load_hours: number;
  in_plan: boolean;
  hours: number;
}

interface PlanView {
  student_id: Uuid;
  student_name: string;
  individual: boolean;
  loads: PlanChoice[];
}

/** «Индивидуальный учебный план» of a student: which loads of the group they study and their hours
 * (GET|PUT /admin/students/{id}/plan). No load ticked removes the plan. */
export async function individualPlanDialog(studentId: Uuid, after: () => void): Promise<void> {
  let plan: PlanView;
  try {
    plan = await getJson<PlanView>(`/admin/students/${studentId}/plan`);
  } catch (e) {
    openDialog("Индивидуальный учебный план", "plan-dialog", () => notice("error", (e as Error).message, "plan-error"));
    return;
  }
  openDialog(`ИУП: ${plan.student_name}`, "plan-dialog", (close) => {
    const status = h("div", { role: "status", "data-testid": "plan-status" });
    const rows = plan.loads.map((l) => {
      const tick = h("input", { type: "checkbox", checked: l.in_plan, "aria-label": `${l.subject_name}: в плане`, "data-testid": `plan-in-${l.load_id}` });
      const hours = h("input", { type: "number", min: "1", max: "2000", value: String(l.hours), class: "hours", "aria-label": `${l.subject_name}: часы студента`, "data-testid": `plan-hours-${l.load_id}` });
      return { l, tick, hours };
    });
    const save = h("button", { type: "button", class: "primary", "data-testid": "plan-save" }, "Сохранить план");
    save.addEventListener("click", async () => {
      status.replaceChildren();
      try {
        await sendJson<PlanView>("PUT", `/admin/students/${studentId}/plan`, {
          loads: rows.filter((r) => r.tick.checked).map((r) => ({ load_id: r.l.load_id, hours: Number(r.hours.value) || 0 })),
        });
        close();
        after();
      } catch (e) {
        status.append(notice("error", (e as Error).message, "plan-refused"));
      }
    });
    return h("div", {},
      h("p", { class: "hint" }, "Отметьте дисциплины, которые студент изучает по индивидуальному учебному плану, и его часы. В журнале и при печати студент будет только на страницах отмеченных дисциплин. Снимите все отметки, чтобы студент учился по плану группы."),
      table(rows, [
        { title: "", cell: (r) => r.tick },
        { title: "Дисциплина", cell: (r) => r.l.subject_name },
        { title: "Группа", cell: (r) => r.l.group_name },
        { title: "Преподаватель", cell: (r) => r.l.teacher_name },
        { title: "Часов у группы", cell: (r) => String(r.l.load_hours), cls: "num" },
        { title: "Часов у студента", cell: (r) => r.hours },
      ], "У групп студента нет нагрузки.", "plan-loads"),
      h("div", { class: "toolbar" }, save),
      status,
    );
  });
}
