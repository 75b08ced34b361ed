// «Листок здоровья» (001 п. 4.12): the social pedagogue hands the paper sheet to the curator, who
// enters it here for the group — группа здоровья, медицинская группа для занятий физической
// культурой, recommendations, the medical note's dates. The administrator enters any group's; the
// teachers of the group, the deputies and the director read it. The server decides who sees and
// changes which line (journal-core's KeepHealthSheet / ReadHealthSheet); this screen shows its answer.
// Keyboard: Tab moves along a line, a change is saved when the field is left, Enter saves the line
// and goes to the same field of the next student.

import { ApiFailure, download, getJson, sendJson, currentUser } from "./api";
import { h, messageOf, notice, ruDate, ruDateTime, saveBlob, today } from "./dom";
import type { Uuid } from "./types";

type PeGroup = "main" | "preparatory" | "special_a" | "special_b" | "exempt";

export interface HealthLine {
  student_id: Uuid;
  full_name: string;
  health_group: number | null;
  pe_group: PeGroup | null;
  recommendation: string;
  note_date: string | null;
  valid_until: string | null;
  expired: boolean;
  updated_at: string | null;
  updated_by: string | null;
  may_edit: boolean;
}

interface HealthSheet {
  group_id: Uuid;
  group: string;
  students: HealthLine[];
}

interface SnapshotPart {
  snapshot: {
    groups: { id: Uuid; name: string }[];
    loads: { teacher_id: Uuid; group_id: Uuid; from: string; to: string | null }[];
  };
}

const HEALTH_GROUPS: [string, string][] = [
  ["", "—"],
  ["1", "I"],
  ["2", "II"],
  ["3", "III"],
  ["4", "IV"],
  ["5", "V"],
];

export const PE_GROUPS: [PeGroup | "", string][] = [
  ["", "—"],
  ["main", "основная"],
  ["preparatory", "подготовительная"],
  ["special_a", "специальная «А»"],
  ["special_b", "специальная «Б»"],
  ["exempt", "освобождён"],
];

/** Who reads every group's sheet (the administration); others see their curated and taught groups. */
const READS_ALL = ["admin", "deputy", "director", "department_head"];

const COLUMNS = ["health_group", "pe_group", "recommendation", "note_date", "valid_until"] as const;
type Column = (typeof COLUMNS)[number];

/** The column a refusal concerns, to show it beside that field. */
const FIELD_OF_CODE: Record<string, Column> = {
  invalid_health_group: "health_group",
  invalid_pe_group: "pe_group",
  invalid_recommendation: "recommendation",
  forbidden_character: "recommendation",
  invalid_health_date: "note_date",
  health_dates_reversed: "valid_until",
};

function romanOf(n: number | null): string {
  return HEALTH_GROUPS.find(([v]) => v === String(n ?? ""))?.[1] ?? "—";
}

function peName(g: PeGroup | null): string {
  return PE_GROUPS.find(([v]) => v === (g ?? ""))?.[1] ?? "—";
}

export async function healthScreen(main: HTMLElement): Promise<void> {
  const user = await currentUser();
  main.append(
    h("h1", {}, "Листок здоровья"),
    h(
      "p",
      { class: "hint" },
      "Социальный педагог заполняет «Листок здоровья» на бумаге и передаёт куратору, куратор вносит сведения сюда. Их видят куратор, преподаватели группы (физкультура — медицинскую группу), администрация и родители — только своего ребёнка. Сведения о здоровье хранятся только на сервере учреждения.",
    ),
  );
  const { snapshot } = await getJson<SnapshotPart>("/sync/snapshot");
  const day = today();
  const curated = new Set(user.grants.filter((g) => g.role === "curator" && g.group_id).map((g) => g.group_id as string));
  const taught = new Set(snapshot.loads.filter((l) => l.teacher_id === user.id && l.from <= day && (!l.to || day <= l.to)).map((l) => l.group_id));
  const all = user.roles.some((r) => READS_ALL.includes(r));
  const groups = snapshot.groups
    .filter((g) => all || curated.has(g.id) || taught.has(g.id))
    .sort((a, b) => Number(curated.has(b.id)) - Number(curated.has(a.id)) || a.name.localeCompare(b.name, "ru"));
  if (groups.length === 0) {
    main.append(notice("info", "«Листок здоровья» ведёт куратор своей группы; преподаватели видят листки групп, в которых ведут занятия.", "health-no-group"));
    return;
  }
  const select = h("select", { id: "health-group", "data-testid": "health-group" });
  for (const g of groups) select.append(h("option", { value: g.id }, curated.has(g.id) ? `${g.name} (куратор)` : g.name));
  const box = h("div", { class: "health-sheet", "data-testid": "health-sheet" });
  const load = async () => {
    box.replaceChildren(h("p", { class: "loading" }, "Загрузка…"));
    try {
      renderSheet(box, await getJson<HealthSheet>(`/groups/${select.value}/health`));
    } catch (e) {
      box.replaceChildren(notice("error", messageOf(e), "health-error"));
    }
  };
  select.addEventListener("change", () => void load());
  main.append(h("div", { class: "field health-group-field" }, h("label", { for: "health-group" }, "Группа"), select), box);
  await load();
}

function renderSheet(box: HTMLElement, sheet: HealthSheet): void {
  const editable = sheet.students.some((s) => s.may_edit);
  const rows = sheet.students.map((line, i) => (line.may_edit ? editRow(line, i) : readRow(line, i, !editable)));
  const expired = sheet.students.filter((s) => s.expired).length;
  const printError = h("span", { class: "field-error", role: "alert", "data-testid": "health-print-error" });
  const print = h("button", { type: "button", "data-testid": "health-print" }, "Печать (PDF)");
  print.addEventListener("click", async () => {
    printError.textContent = "";
    print.disabled = true;
    try {
      saveBlob(await download("GET", `/groups/${sheet.group_id}/health?format=pdf`), "listok-zdorovya.pdf");
    } catch (e) {
      printError.textContent = messageOf(e);
    } finally {
      print.disabled = false;
    }
  });
  const parts: (HTMLElement | null)[] = [
    h("div", { class: "health-head" }, h("h2", {}, `Группа ${sheet.group}`, h("small", { class: "muted" }, ` · обучающихся: ${sheet.students.length}`)), print, printError),
    expired ? notice("info", `Срок справки истёк: ${expired} — попросите новые сведения у социального педагога.`, "health-expired") : null,
    editable ? h("p", { class: "hint" }, "Изменение сохраняется, когда вы переходите к следующему полю (Tab); Enter сохраняет строку и переходит к следующему обучающемуся.") : null,
    sheet.students.length === 0
      ? h("p", { class: "empty", "data-testid": "health-empty" }, "В группе нет обучающихся.")
      : h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "data health-table", "data-testid": "health-table" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col", class: "num" }, "№"),
                h("th", { scope: "col" }, "Обучающийся"),
                h("th", { scope: "col" }, "Группа здоровья"),
                h("th", { scope: "col" }, "Медицинская группа (физкультура)"),
                h("th", { scope: "col" }, "Рекомендации"),
                h("th", { scope: "col" }, "Дата справки"),
                h("th", { scope: "col" }, "Действует до"),
                editable ? null : h("th", { scope: "col" }, "Изменено"),
              ),
            ),
            h("tbody", {}, ...rows),
          ),
        ),
  ];
  box.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
}

function readRow(line: HealthLine, i: number, withChanged: boolean): HTMLTableRowElement {
  return h(
    "tr",
    { "data-testid": `health-row-${line.student_id}`, class: line.expired ? "is-expired" : null },
    h("td", { class: "num" }, String(i + 1)),
    h("th", { scope: "row", class: "health-name" }, line.full_name),
    h("td", { "data-label": "Группа здоровья" }, romanOf(line.health_group)),
    h("td", { "data-label": "Медицинская группа" }, peName(line.pe_group)),
    h("td", { "data-label": "Рекомендации", class: "health-rec" }, line.recommendation || "—"),
    h("td", { "data-label": "Дата справки" }, ruDate(line.note_date) || "—"),
    h("td", { "data-label": "Действует до" }, ruDate(line.valid_until) || "—", line.expired ? " " : null, line.expired ? h("span", { class: "badge badge-bad" }, "истёк") : null),
    withChanged ? h("td", { "data-label": "Изменено", class: "muted", title: line.updated_by ?? "" }, line.updated_at ? ruDate(line.updated_at) : "—") : null,
  );
}

function editRow(line: HealthLine, i: number): HTMLTableRowElement {
  const id = line.student_id;
  const tid = (c: Column) => `health-${c}-${id}`;
  const label = (text: string) => `${text}: ${line.full_name}`;
  const options = (pairs: [string, string][], value: string) => pairs.map(([v, t]) => h("option", { value: v, selected: v === value }, t));
  const inputs: Record<Column, HTMLInputElement | HTMLSelectElement> = {
    health_group: h("select", { "data-testid": tid("health_group"), "data-col": "health_group", "aria-label": label("группа здоровья") }, ...options(HEALTH_GROUPS, String(line.health_group ?? ""))),
    pe_group: h("select", { "data-testid": tid("pe_group"), "data-col": "pe_group", "aria-label": label("медицинская группа") }, ...options(PE_GROUPS, line.pe_group ?? "")),
    recommendation: h("input", { type: "text", value: line.recommendation, maxlength: 500, "data-testid": tid("recommendation"), "data-col": "recommendation", "aria-label": label("рекомендации"), autocomplete: "off" }),
    note_date: h("input", { type: "date", value: line.note_date ?? "", max: today(), "data-testid": tid("note_date"), "data-col": "note_date", "aria-label": label("дата справки") }),
    valid_until: h("input", { type: "date", value: line.valid_until ?? "", "data-testid": tid("valid_until"), "data-col": "valid_until", "aria-label": label("действует до") }),
  };
  const status = h("span", { class: "health-status", role: "status", "data-testid": `health-status-${id}` }, line.updated_at ? `изменено ${ruDateTime(line.updated_at)}` : "");
  const errors = h("span", { class: "field-error", role: "alert", "data-testid": `health-error-${id}` });
  const tr = h(
    "tr",
    { "data-testid": `health-row-${id}`, class: line.expired ? "is-expired" : null },
    h("td", { class: "num" }, String(i + 1)),
    h("th", { scope: "row", class: "health-name" }, line.full_name, status, errors),
    h("td", { "data-label": "Группа здоровья" }, inputs.health_group),
    h("td", { "data-label": "Медицинская группа" }, inputs.pe_group),
    h("td", { "data-label": "Рекомендации", class: "health-rec" }, inputs.recommendation),
    h("td", { "data-label": "Дата справки" }, inputs.note_date),
    h("td", { "data-label": "Действует до" }, inputs.valid_until),
  );
  /** What the server holds for the row (sent values are compared with it, so nothing unchanged is sent). */
  let saved = valuesOf(inputs);
  // One save at a time per line: a second change waits for the first answer.
  let pending: Promise<void> = Promise.resolve();
  const save = () => {
    pending = pending.then(async () => {
      const now = valuesOf(inputs);
      if (JSON.stringify(now) === JSON.stringify(saved)) return;
      for (const c of COLUMNS) inputs[c].removeAttribute("aria-invalid");
      errors.textContent = "";
      status.textContent = "Сохранение…";
      try {
        const back = await sendJson<HealthLine>("PUT", `/students/${id}/health`, {
          health_group: now.health_group ? Number(now.health_group) : null,
          pe_group: now.pe_group || null,
          recommendation: now.recommendation,
          note_date: now.note_date || null,
          valid_until: now.valid_until || null,
        });
        saved = now;
        status.textContent = "Сохранено";
        tr.classList.toggle("is-expired", back.expired);
      } catch (e) {
        status.textContent = "Не сохранено";
        errors.textContent = messageOf(e);
        const col = e instanceof ApiFailure ? FIELD_OF_CODE[e.code] : undefined;
        if (col) inputs[col].setAttribute("aria-invalid", "true");
      }
    });
    return pending;
  };
  for (const c of COLUMNS) {
    const input = inputs[c];
    input.addEventListener("change", () => void save());
    input.addEventListener("keydown", (ev) => {
      const e = ev as KeyboardEvent;
      if (e.key !== "Enter") return;
      e.preventDefault();
      void save();
      // Like a paper list: down the same column to the next student.
      const next = tr.nextElementSibling?.querySelector<HTMLElement>(`[data-col="${c}"]`);
      next?.focus();
    });
  }
  return tr;
}

function valuesOf(inputs: Record<Column, HTMLInputElement | HTMLSelectElement>): Record<Column, string> {
  return {
    health_group: inputs.health_group.value,
    pe_group: inputs.pe_group.value,
    recommendation: inputs.recommendation.value.trim(),
    note_date: inputs.note_date.value,
    valid_until: inputs.valid_until.value,
  };
}

/**
 * The parent's card of their child's line («Успеваемость»), read-only; nothing when the curator has
 * entered nothing, or the server does not show it.
 */
export async function healthCard(student: Uuid): Promise<HTMLElement | null> {
  let line: HealthLine;
  try {
    line = await getJson<HealthLine>(`/students/${student}/health`);
  } catch {
    return null;
  }
  const entered = line.health_group !== null || line.pe_group !== null || line.recommendation || line.note_date || line.valid_until;
  if (!entered) return null;
  const row = (label: string, value: string, testid: string) => h("p", { "data-testid": testid }, h("span", { class: "muted" }, `${label}: `), value);
  const note = [line.note_date ? `от ${ruDate(line.note_date)}` : "", line.valid_until ? `действует до ${ruDate(line.valid_until)}` : ""].filter(Boolean).join(", ");
  return h(
    "section",
    { class: "card diary-health", "data-testid": "diary-health" },
    h("h2", {}, "Листок здоровья"),
    row("Группа здоровья", romanOf(line.health_group), "diary-health-group"),
    row("Медицинская группа для занятий физической культурой", peName(line.pe_group), "diary-health-pe"),
    line.recommendation ? row("Рекомендации", line.recommendation, "diary-health-rec") : null,
    note ? row("Справка", line.expired ? `${note} — срок истёк` : note, "diary-health-note") : null,
    h("p", { class: "hint" }, "Сведения вносит куратор группы по листку здоровья социального педагога; если они изменились, сообщите куратору."),
  );
}
