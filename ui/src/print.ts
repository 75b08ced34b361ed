// «Печать»: a document from the local copy (works offline) saved as PDF to a path shown in a field
// (a default under the user's Documents), and «Проверить распечатку» — whether a printed PDF still
// shows what the journal holds and which pages changed.

import { AppError, call } from "./api";
import { h, shortDate } from "./format";
import type { GroupSummary, LoadSummary, PeriodView, Session } from "./types";
import type { PrintDocument } from "./bindings/PrintDocument";
import type { PrintedFile } from "./bindings/PrintedFile";
import type { ReportView } from "./bindings/ReportView";
import type { VerifyReportDto } from "./bindings/VerifyReportDto";

type Kind = "year_journal" | "subject" | "finals_sheet" | "module_journal" | "extract" | "outage_pages" | "report";

const KINDS: Array<{ kind: Kind; label: string }> = [
  { kind: "year_journal", label: "Журнал группы за учебный год (для архива)" },
  { kind: "subject", label: "Страницы журнала по предмету за период или месяц" },
  { kind: "finals_sheet", label: "Сводная ведомость итоговых оценок" },
  { kind: "module_journal", label: "Журнал учета обучения по профессиональному модулю" },
  { kind: "extract", label: "Выписка для родителей: отметки и посещаемость за период" },
  { kind: "outage_pages", label: "Листы на время сбоя: мои уроки за день" },
  { kind: "report", label: "Отчёт по моим предметам (успеваемость, посещаемость, своевременность…)" },
];

/** journal-reports' kinds, in the regulations' words (the same as on the server). */
const REPORTS: Array<[string, string]> = [
  ["progress", "Успеваемость и качество знаний"],
  ["attendance", "Посещаемость"],
  ["timeliness", "Своевременность и полнота заполнения журнала"],
  ["control", "Контроль ведения журнала"],
  ["marks_count", "Накопляемость отметок по месяцам"],
  ["curriculum", "Выполнение программы (часы по плану и фактически)"],
  ["forecast", "Прогноз итоговых отметок"],
  ["missed_topics", "Пропущенные темы (для отработки)"],
  ["control_works", "Контрольные работы и их результаты"],
  ["activity", "Активность ведения журнала по неделям"],
  ["lesson_changes", "Замены, переносы, непроведённые уроки и расхождения с журналом"],
];

export const printApi = {
  defaultPath: (fileName: string) => call<string>("print_default_path", { fileName }),
  print: (document: PrintDocument, path: string) => call<PrintedFile>("print_document", { document, path }),
  findStudent: (groupId: string, periodId: string, student: string) =>
    call<string>("print_find_student", { groupId, periodId, student }),
  verify: (path: string) => call<VerifyReportDto>("verify_printout", { path }),
  report: (report: string, periodId: string | null) => call<ReportView>("report_view", { report, periodId }),
};

/** A report on screen: its title, what it covers, the regulation, the figures and every table. */
function reportOnScreen(r: ReportView): HTMLElement {
  return h(
    "section",
    { class: "report-view", "data-testid": "report-view" },
    h("h2", { "data-testid": "report-view-title" }, r.title),
    h("p", {}, r.subject_line),
    h("p", { class: "muted small" }, `Основание: ${r.regulation}. Сформировано ${shortDate(r.generated_at)} ${r.generated_at.slice(11, 16)}.`),
    h("dl", { class: "report-figures" }, ...r.figures.flatMap((f) => [h("dt", {}, f.name), h("dd", {}, f.value)])),
    ...r.tables.map((t, i) =>
      h(
        "div",
        { class: "report-table-box" },
        h("h3", {}, t.title),
        t.rows.length === 0
          ? h("p", { class: "muted" }, "Нет данных.")
          : h(
              "table",
              { class: "table report-table", "data-testid": `report-view-table-${i}` },
              h("thead", {}, h("tr", {}, ...t.columns.map((c, ci) => h("th", { class: t.numeric[ci] ? "num" : "" }, c)))),
              h("tbody", {}, ...t.rows.map((row) => h("tr", {}, ...row.map((v, ci) => h("td", { class: t.numeric[ci] ? "num" : "" }, v))))),
            ),
      ),
    ),
  );
}

function errorText(e: unknown): string {
  return e instanceof AppError ? e.message : String(e);
}

function field(label: string, control: HTMLElement, testid: string): HTMLElement {
  return h("label", { class: "field", "data-testid": testid }, h("span", { class: "field-label" }, label), control);
}

function select(testid: string, options: Array<[string, string]>): HTMLSelectElement {
  return h(
    "select",
    { "data-testid": testid },
    ...options.map(([value, label]) => h("option", { value }, label)),
  ) as HTMLSelectElement;
}

function currentPeriod(periods: PeriodView[], today: string): PeriodView | undefined {
  return periods.find((p) => p.starts_on <= today && today <= p.ends_on) ?? periods[periods.length - 1];
}

export async function renderPrint(el: HTMLElement, session: Session): Promise<void> {
  const [groups, loads, periods] = await Promise.all([
    call<GroupSummary[]>("groups"),
    call<LoadSummary[]>("loads"),
    call<PeriodView[]>("periods"),
  ]);

  const kind = select(
    "print-kind",
    KINDS.map((k) => [k.kind, k.label]),
  );
  const group = select(
    "print-group",
    groups.map((g) => [g.id, g.name]),
  );
  const load = select(
    "print-load",
    loads.map((l) => [l.id, `${l.subject_name} — ${l.group_name}${l.subgroup_name ? `, ${l.subgroup_name}` : ""}`]),
  );
  // A group's профессиональный модуль, as «groupId|moduleId».
  const moduleChoices = new Map<string, string>();
  for (const l of loads) {
    if (l.module_id) moduleChoices.set(`${l.group_id}|${l.module_id}`, `${l.module_name ?? "Профессиональный модуль"} — ${l.group_name}`);
  }
  const module = select("print-module", [...moduleChoices]);
  const period = select(
    "print-period",
    [["", "Весь месяц (ниже)"] as [string, string]].concat(periods.map((p) => [p.id, p.name] as [string, string])),
  );
  const current = currentPeriod(periods, session.today);
  if (current) period.value = current.id;
  const extractPeriod = select(
    "print-extract-period",
    periods.map((p) => [p.id, p.name]),
  );
  if (current) extractPeriod.value = current.id;
  const month = h("input", { type: "month", value: session.today.slice(0, 7), "data-testid": "print-month" }) as HTMLInputElement;
  const student = h("input", {
    type: "text",
    placeholder: "Фамилия Имя или номер в списке",
    "data-testid": "print-student",
  }) as HTMLInputElement;
  const date = h("input", { type: "date", value: session.today, "data-testid": "print-date" }) as HTMLInputElement;
  const report = select("print-report", REPORTS);
  const twoSided = h("input", { type: "checkbox", checked: true, "data-testid": "print-double-sided" }) as HTMLInputElement;
  const path = h("input", { type: "text", class: "path", "data-testid": "print-path" }) as HTMLInputElement;
  let pathEdited = false;
  path.addEventListener("input", () => (pathEdited = true));

  const rows: Record<string, HTMLElement> = {
    group: field("Группа", group, "print-group-field"),
    twoSided: h(
      "label",
      { class: "field field-check", "data-testid": "print-double-sided-field" },
      twoSided,
      h("span", {}, " Печать с двух сторон листа (зеркальные поля; листов — вдвое меньше страниц)"),
    ),
    load: field("Предмет", load, "print-load-field"),
    module: field("Профессиональный модуль", module, "print-module-field"),
    period: field("Период", period, "print-period-field"),
    month: field("Месяц (если период не выбран)", month, "print-month-field"),
    extractPeriod: field("Период", extractPeriod, "print-extract-period-field"),
    student: field("Обучающийся", student, "print-student-field"),
    date: field("День", date, "print-date-field"),
    report: field("Отчёт", report, "print-report-field"),
  };
  const visible: Record<Kind, string[]> = {
    year_journal: ["group", "twoSided"],
    subject: ["load", "period", "month"],
    finals_sheet: ["group"],
    module_journal: ["module"],
    extract: ["group", "extractPeriod", "student"],
    outage_pages: ["date"],
    report: ["report", "extractPeriod"],
  };

  /** The file name the document gets by default. */
  const fileName = (): string => {
    const g = groups.find((x) => x.id === group.value)?.name ?? "";
    const l = loads.find((x) => x.id === load.value);
    switch (kind.value as Kind) {
      case "year_journal":
        return `Журнал ${g} за год`;
      case "subject":
        return `${l?.subject_name ?? "Предмет"} ${l?.group_name ?? ""} ${period.value ? periods.find((p) => p.id === period.value)?.name ?? "" : month.value}`;
      case "finals_sheet":
        return `Сводная ведомость ${g}`;
      case "module_journal":
        return `Журнал ${moduleChoices.get(module.value) ?? "модуля"}`;
      case "extract":
        return `Выписка ${student.value.trim() || g} ${periods.find((p) => p.id === extractPeriod.value)?.name ?? ""}`;
      case "outage_pages":
        return `Листы на время сбоя ${shortDate(date.value || session.today)}`;
      case "report":
        return `${REPORTS.find(([k]) => k === report.value)?.[1] ?? "Отчёт"} ${periods.find((p) => p.id === extractPeriod.value)?.name ?? ""}`;
    }
  };
  const refresh = async () => {
    // style, not the hidden attribute: the .field class sets its own display.
    const show = (row: HTMLElement, on: boolean) => (row.style.display = on ? "" : "none");
    for (const [name, row] of Object.entries(rows)) show(row, visible[kind.value as Kind].includes(name));
    if (period.value !== "") show(rows.month, false);
    show(showButton, kind.value === "report");
    if (kind.value !== "report") reportBox.replaceChildren();
    if (!pathEdited) {
      try {
        path.value = await printApi.defaultPath(fileName().replace(/\s+/g, " ").trim());
      } catch (e) {
        console.error(e);
      }
    }
  };
  for (const c of [kind, group, load, module, period, extractPeriod, month, date, report]) c.addEventListener("change", () => void refresh());
  student.addEventListener("change", () => void refresh());

  /** The document the form describes (the extract's student is looked up by name or number). */
  const document_ = async (): Promise<PrintDocument> => {
    switch (kind.value as Kind) {
      case "year_journal":
        return { kind: "year_journal", group_id: group.value, double_sided: twoSided.checked };
      case "subject": {
        if (period.value) return { kind: "subject_period", load_id: load.value, period_id: period.value };
        const [y, m] = month.value.split("-").map(Number);
        if (!y || !m) throw new AppError({ code: "invalid_input", message: "Выберите период или месяц" });
        return { kind: "subject_month", load_id: load.value, year: y, month: m };
      }
      case "finals_sheet":
        return { kind: "finals_sheet", group_id: group.value };
      case "module_journal": {
        const [groupId, moduleId] = module.value.split("|");
        if (!groupId || !moduleId) throw new AppError({ code: "invalid_input", message: "Нет профессиональных модулей среди ваших журналов" });
        return { kind: "module_journal", group_id: groupId, module_id: moduleId };
      }
      case "extract": {
        const id = await printApi.findStudent(group.value, extractPeriod.value, student.value);
        return { kind: "extract", student_id: id, period_id: extractPeriod.value };
      }
      case "outage_pages":
        return { kind: "outage_pages", date: date.value || session.today };
      case "report":
        return { kind: "report", report: report.value, period_id: extractPeriod.value || null };
    }
  };

  const saved = h("p", { class: "message", role: "status", "data-testid": "print-message" });
  const save = h("button", { type: "submit", class: "primary", "data-testid": "print-save" }, "Сохранить PDF") as HTMLButtonElement;
  // A report can also be read on screen, from the same local copy.
  const showButton = h("button", { type: "button", "data-testid": "report-show" }, "Показать на экране") as HTMLButtonElement;
  const reportBox = h("div", { "data-testid": "report-box" });
  showButton.addEventListener("click", () => {
    showButton.disabled = true;
    reportBox.replaceChildren(h("p", { class: "message" }, "Формируется отчёт…"));
    void printApi
      .report(report.value, extractPeriod.value || null)
      .then((r) => reportBox.replaceChildren(reportOnScreen(r)))
      .catch((e) => reportBox.replaceChildren(h("p", { class: "message message-error", "data-testid": "report-error" }, errorText(e))))
      .finally(() => (showButton.disabled = false));
  });
  const verifyPath = h("input", { type: "text", class: "path", "data-testid": "verify-path" }) as HTMLInputElement;
  const verifyButton = h("button", { type: "submit", "data-testid": "verify-run" }, "Проверить распечатку") as HTMLButtonElement;
  const verifyMessage = h("div", { class: "message", role: "status", "data-testid": "verify-message" });

  const form = h(
    "form",
    { class: "print-form", "data-testid": "print-form" },
    field("Документ", kind, "print-kind-field"),
    ...Object.values(rows),
    field("Сохранить в файл", path, "print-path-field"),
    h("div", { class: "form-actions" }, save, " ", showButton),
    saved,
  ) as HTMLFormElement;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    save.disabled = true;
    saved.textContent = "Формируется документ…";
    saved.className = "message";
    void (async () => {
      try {
        const out = await printApi.print(await document_(), path.value);
        saved.replaceChildren(
          `${out.title}: сохранено в `,
          h("code", { "data-testid": "print-saved-path" }, out.path),
          ` (страниц: ${out.pages})`,
        );
        saved.className = "message message-ok";
        verifyPath.value = out.path;
      } catch (e) {
        saved.textContent = errorText(e);
        saved.className = "message message-error";
      } finally {
        save.disabled = false;
      }
    })();
  });

  const verifyForm = h(
    "form",
    { class: "print-form", "data-testid": "verify-form" },
    field("Файл PDF распечатки", verifyPath, "verify-path-field"),
    h("div", { class: "form-actions" }, verifyButton),
    verifyMessage,
  ) as HTMLFormElement;
  verifyForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    verifyButton.disabled = true;
    void printApi
      .verify(verifyPath.value)
      .then((r) => {
        verifyMessage.replaceChildren(
          h("strong", {}, r.message),
          h("div", { class: "muted small" }, `${r.title}, напечатан ${shortDate(r.generated_at)} ${r.generated_at.slice(11, 16)}, страниц: ${r.printed_pages}`),
        );
        verifyMessage.className = r.matches ? "message message-ok" : "message message-error";
      })
      .catch((e) => {
        verifyMessage.textContent = errorText(e);
        verifyMessage.className = "message message-error";
      })
      .finally(() => (verifyButton.disabled = false));
  });

  el.replaceChildren(
    h(
      "section",
      { class: "print", "data-testid": "print-screen" },
      h("div", { class: "screen-head" }, h("h1", {}, "Печать")),
      h(
        "p",
        { class: "muted small" },
        "Документ формируется из локальной копии журнала и работает без сети. На каждой странице — «стр. N из M», время печати и код проверки.",
      ),
      form,
      reportBox,
      h("h2", {}, "Проверить распечатку"),
      h("p", { class: "muted small" }, "Совпадают ли напечатанные данные с журналом и какие страницы изменились после печати."),
      verifyForm,
    ),
  );
  await refresh();
  kind.focus();
}
