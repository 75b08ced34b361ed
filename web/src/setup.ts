// «Готовность данных», «Учреждение» (with its policy) and «Учебный год»: what the administrator
// sets first when opening the year.

import { ApiFailure, getJson, sendJson } from "./api";
import { button, formView, h, notice, ruDate, table } from "./dom";
import { supportEditCard } from "./help";
import { link, refreshInstitutionName } from "./main";
import type { Institution, Policy, Readiness, ReadinessItem, YearHoliday, YearPeriod, YearSetup } from "./types";
import { INSTITUTION_KINDS, PERIOD_KINDS, POLICY_FIELDS } from "./words";

/** The screen that fixes a readiness item, by words in its key. */
function fixFor(item: ReadinessItem): { path: string; title: string } {
  const k = item.key.toLowerCase();
  if (k.includes("year") || k.includes("period")) return { path: "/year", title: "Учебный год" };
  if (k.includes("curator")) return { path: "/groups", title: "Группы" };
  if (k.includes("group")) return { path: "/groups", title: "Группы" };
  if (k.includes("student")) return { path: "/students", title: "Студенты" };
  if (k.includes("teacher") || k.includes("user")) return { path: "/users", title: "Пользователи" };
  if (k.includes("load")) return { path: "/loads", title: "Нагрузка" };
  return { path: "/import", title: "Импорт" };
}

export async function readinessScreen(main: HTMLElement): Promise<void> {
  main.append(h("h1", {}, "Готовность данных"), h("p", {}, "Что нужно внести, чтобы преподаватели могли вести журнал. Порядок работы первого дня — в разделе ", link("/help", "Справка"), "."));
  let r: Readiness;
  try {
    r = await getJson<Readiness>("/admin/readiness");
  } catch (e) {
    main.append(notice("error", `Перечень готовности недоступен: ${(e as Error).message}`, "readiness-error"));
    return;
  }
  const done = r.items.filter((i) => i.done).length;
  main.append(
    h("p", { class: "summary", "data-testid": "readiness-summary" }, `Готово ${done} из ${r.items.length}.`),
    table(
      r.items,
      [
        { title: "", cls: "state", cell: (i) => h("span", { class: i.done ? "ok" : "todo", "aria-label": i.done ? "готово" : "не готово" }, i.done ? "✓" : "✗") },
        { title: "Что", cell: (i) => i.label },
        { title: "Состояние", cell: (i) => i.detail },
        { title: "", cell: (i) => (i.done ? null : link(fixFor(i).path, `Открыть «${fixFor(i).title}»`, `readiness-fix-${i.key}`)) },
      ],
      "Сервер не прислал перечень.",
      "readiness",
    ),
  );
}

export async function institutionScreen(main: HTMLElement): Promise<void> {
  main.append(h("h1", {}, "Учреждение"));
  const inst = h("section", { class: "card" }, h("h2", {}, "Образовательная организация"));
  main.append(inst);
  /** What the snapshot says of the institution, for a server without /admin/institution or /admin/policy. */
  let fromSnapshot: { institution: Institution; policy: Policy } | null = null;
  const snapshotInstitution = async () => {
    if (!fromSnapshot) {
      const i = (await getJson<{ snapshot: { institution: Institution & { policy: Policy } } }>("/sync/snapshot")).snapshot.institution;
      fromSnapshot = { institution: i, policy: i.policy };
    }
    return fromSnapshot;
  };
  const missing = (e: unknown) => e instanceof ApiFailure && e.status === 404;
  try {
    let i: Institution;
    try {
      i = await getJson<Institution>("/admin/institution");
    } catch (e) {
      if (!missing(e)) throw e;
      i = (await snapshotInstitution()).institution;
    }
    refreshInstitutionName(i.name);
    inst.append(
      h(
        "dl",
        { class: "facts", "data-testid": "institution" },
        h("dt", {}, "Полное наименование"),
        h("dd", {}, i.name),
        h("dt", {}, "Краткое наименование"),
        h("dd", {}, i.short_name || "не задано"),
        h("dt", {}, "Тип"),
        h("dd", {}, (i.kind && INSTITUTION_KINDS[i.kind]) || i.kind || "не указан"),
        i.timezone ? h("dt", {}, "Часовой пояс") : null,
        i.timezone ? h("dd", {}, i.timezone) : null,
      ),
    );
  } catch (e) {
    inst.append(notice("error", `Сведения об учреждении недоступны: ${(e as Error).message}`, "institution-error"));
  }

  main.append(await supportEditCard());

  const pol = h("section", { class: "card" }, h("h2", {}, "Положение учреждения: настройки журнала"), h("p", { class: "hint" }, "Там, где положения учреждений расходятся, учреждение выбирает своё правило. По умолчанию — самое строгое прочтение."));
  main.append(pol);
  let policy: Policy;
  let readOnly = false;
  try {
    policy = await getJson<Policy>("/admin/policy");
  } catch (e) {
    try {
      if (!missing(e)) throw e;
      policy = (await snapshotInstitution()).policy;
      readOnly = true;
      pol.append(notice("info", "Этот сервер показывает настройки, но не даёт их изменить: обновите journal-server.", "policy-read-only"));
    } catch (e2) {
      pol.append(notice("error", `Настройки недоступны: ${(e2 as Error).message}`, "policy-error"));
      return;
    }
  }
  const known = POLICY_FIELDS.filter((f) => f.key in policy);
  const f = formView({
    testid: "policy",
    submit: "Сохранить настройки",
    fields: known.map((p) => {
      const v = policy[p.key];
      if (p.choices) return { name: p.key, label: p.label, type: "select" as const, value: String(v), options: Object.entries(p.choices).map(([value, label]) => ({ value, label })) };
      if (Array.isArray(v)) return { name: p.key, label: p.label, type: "textarea" as const, value: (v as string[]).join("\n") };
      if (p.days) return { name: p.key, label: p.label, type: "number" as const, value: String(v), min: 0 };
      return { name: p.key, label: p.label, type: "checkbox" as const, checked: !!v };
    }),
    fieldOfCode: { policy_change_closed_periods: "period_kind" },
    onSubmit: async (v) => {
      const next: Policy = { ...policy };
      for (const p of known) {
        const old = policy[p.key];
        if (p.choices) next[p.key] = v.value(p.key);
        else if (Array.isArray(old)) next[p.key] = v.input(p.key).value.split("\n").map((s) => s.trim()).filter(Boolean);
        // A number the server checks; what is not a whole number goes as typed and is refused there, by field.
        else if (p.days) next[p.key] = /^\d+$/.test(v.value(p.key).trim()) ? Number(v.value(p.key).trim()) : v.value(p.key);
        else next[p.key] = v.checked(p.key);
      }
      policy = await sendJson<Policy>("PUT", "/admin/policy", next) ?? next;
      v.done("Настройки сохранены", "policy-saved");
    },
  });
  if (readOnly) {
    for (const el of Array.from(f.form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | HTMLButtonElement>("input, select, textarea, button"))) el.disabled = true;
  }
  pol.append(f.form);
}

function periodLabel(kind: string): string {
  return (PERIOD_KINDS[kind] || "Период").toLowerCase();
}

export async function yearScreen(main: HTMLElement): Promise<void> {
  main.append(h("h1", {}, "Учебный год"));
  let year: YearSetup | null = null;
  try {
    year = await getJson<YearSetup>("/admin/year");
  } catch (e) {
    main.append(notice("error", `Учебный год не прочитан: ${(e as Error).message}`, "year-error"));
  }
  const kind = year?.period_kind || "semester";
  const periods: YearPeriod[] = year?.periods.map((p) => ({ ...p })) ?? [];
  const holidays: YearHoliday[] = year?.holidays.map((x) => ({ ...x })) ?? [];

  const f = formView({
    testid: "year",
    submit: "Сохранить учебный год",
    fields: [
      { name: "name", label: "Учебный год", value: year?.name || "", required: true, hint: "Например, 2026/2027" },
      { name: "starts_on", label: "Начало учебного года", type: "date", value: year?.starts_on || "", required: true },
      { name: "ends_on", label: "Окончание учебного года", type: "date", value: year?.ends_on || "", required: true },
    ],
    fieldOfCode: { invalid_year_name: "name", invalid_year_dates: "ends_on" },
    onSubmit: async (v) => {
      const body = {
        name: v.value("name"),
        starts_on: v.value("starts_on"),
        ends_on: v.value("ends_on"),
        periods: readRows(periodRows).map((r) => ({ ...(r.id ? { id: r.id } : {}), name: r.name || null, starts_on: r.starts_on, ends_on: r.ends_on })),
        holidays: readRows(holidayRows).map((r) => ({ name: r.name, starts_on: r.starts_on, ends_on: r.ends_on })),
      };
      const saved = await sendJson<YearSetup>("PUT", "/admin/year", body);
      v.done(`Учебный год сохранён: ${saved.name}, периодов — ${saved.periods.length}`, "year-saved");
    },
  });

  const periodRows = h("tbody", { "data-testid": "year-periods" });
  const holidayRows = h("tbody", { "data-testid": "year-holidays" });
  const addRow = (body: HTMLElement, what: "period" | "holiday", row: { id?: string | null; name: string; starts_on: string; ends_on: string }) => {
    const n = body.children.length + 1;
    const tr = h(
      "tr",
      { "data-id": row.id || "" },
      h("td", {}, h("input", { type: "text", value: row.name, "aria-label": `${what === "period" ? "Период" : "Каникулы"} ${n}: название`, "data-testid": `${what}-${n}-name`, placeholder: what === "period" ? `${n} ${periodLabel(kind)}` : "Зимние каникулы" })),
      h("td", {}, h("input", { type: "date", value: row.starts_on, "aria-label": `${n}: начало`, "data-testid": `${what}-${n}-starts` })),
      h("td", {}, h("input", { type: "date", value: row.ends_on, "aria-label": `${n}: окончание`, "data-testid": `${what}-${n}-ends` })),
      h("td", {}, button("Убрать", () => tr.remove(), `${what}-${n}-remove`, "link")),
    );
    body.append(tr);
  };
  for (const p of periods) addRow(periodRows, "period", p);
  for (const x of holidays) addRow(holidayRows, "holiday", x);

  const grid = (title: string, body: HTMLElement, what: "period" | "holiday", addLabel: string) =>
    h(
      "fieldset",
      { class: "rows" },
      h("legend", {}, title),
      h("table", { class: "data" }, h("thead", {}, h("tr", {}, h("th", {}, "Название"), h("th", {}, "Начало"), h("th", {}, "Окончание"), h("th", {}, ""))), body),
      button(addLabel, () => addRow(body, what, { name: "", starts_on: "", ends_on: "" }), `${what}-add`),
    );
  f.form.querySelector(".fields")!.after(
    grid(`Периоды (${PERIOD_KINDS[kind] || kind}; деление задаётся в настройках учреждения)`, periodRows, "period", "Добавить период"),
    grid("Каникулы", holidayRows, "holiday", "Добавить каникулы"),
  );
  main.append(h("section", { class: "card" }, f.form));
  if (year && year.periods.length > 0) {
    main.append(
      h("section", { class: "card" }, h("h2", {}, "Сейчас задано"), table(year.periods, [{ title: "Период", cell: (p) => p.name }, { title: "С", cell: (p) => ruDate(p.starts_on) }, { title: "По", cell: (p) => ruDate(p.ends_on) }], "Периоды не заданы.")),
    );
  }
}

function readRows(body: HTMLElement): { id: string | null; name: string; starts_on: string; ends_on: string }[] {
  return Array.from(body.querySelectorAll("tr")).map((tr) => {
    const inputs = tr.querySelectorAll("input");
    return { id: tr.getAttribute("data-id") || null, name: inputs[0].value.trim(), starts_on: inputs[1].value, ends_on: inputs[2].value };
  });
}
