// «Звонки и режим», «Предметы», «Кабинеты», «Цикловые комиссии»: the reference data the institution
// keeps itself, through /admin/regime, /admin/subjects, /admin/rooms and /admin/departments. A rename
// keeps the id, so the timetable and the journal keep pointing at the same subject, room or
// department.

import { ApiFailure, getJson, sendJson } from "./api";
import { button, formView, h, notice, openDialog, table } from "./dom";
import { go } from "./main";
import { snapshot } from "./roster";
import type { BellLine, Department, Regime, RoomRow, Snapshot, SnapshotUser, SubjectRow, Uuid } from "./types";
import { GRADING_SCALES, SUBJECT_KINDS } from "./words";

/** Loads a screen's data, or shows why not (a server without the route says so in Russian). */
async function load<T>(main: HTMLElement, path: string, what: string, testid: string): Promise<T | null> {
  try {
    return await getJson<T>(path);
  } catch (e) {
    main.append(notice("error", `${what} недоступны: ${(e as Error).message}`, testid));
    return null;
  }
}

function hm(t: string): string {
  return t.slice(0, 5);
}

export async function bellsScreen(main: HTMLElement): Promise<void> {
  main.append(
    h("h1", {}, "Звонки и режим"),
    h("p", { class: "hint" }, "Режим работы учреждения и расписание звонков каждой смены: номер урока (пары), начало и окончание. Уроки идут по порядку и не пересекаются."),
  );
  const regime = await load<Regime>(main, "/admin/regime", "Звонки и режим", "bells-error");
  if (!regime) return;
  const lines = new Map<number, BellLine[]>();
  for (const b of regime.bells) lines.set(b.shift, [...(lines.get(b.shift) || []), { ...b, starts: hm(b.starts), ends: hm(b.ends) }]);

  const shiftsBox = h("div", { class: "bells" });
  const f = formView({
    testid: "regime",
    submit: "Сохранить звонки и режим",
    inline: true,
    fields: [
      { name: "days_per_week", label: "Учебная неделя", type: "select", value: String(regime.days_per_week), options: [{ value: "5", label: "Пятидневная" }, { value: "6", label: "Шестидневная" }] },
      { name: "shifts", label: "Смены", type: "select", value: String(regime.shifts), options: [{ value: "1", label: "Одна смена" }, { value: "2", label: "Две смены" }] },
    ],
    fieldOfCode: { invalid_work_week: "days_per_week", invalid_shifts: "shifts" },
    onSubmit: async (v) => {
      const shifts = Number(v.value("shifts"));
      const bells: BellLine[] = [];
      for (let s = 1; s <= shifts; s++) {
        for (const row of Array.from(shiftsBox.querySelectorAll<HTMLTableRowElement>(`tr[data-shift="${s}"]`))) {
          const [starts, ends] = Array.from(row.querySelectorAll<HTMLInputElement>("input")).map((i) => i.value);
          bells.push({ shift: s, number: Number(row.dataset.number), starts, ends });
        }
      }
      await sendJson<Regime>("PUT", "/admin/regime", { days_per_week: Number(v.value("days_per_week")), shifts, bells });
      v.done("Звонки и режим сохранены", "regime-saved");
    },
  });

  /** One shift's schedule: rows of lesson number, start, end; lessons are numbered in order. */
  function shiftTable(shift: number): HTMLElement {
    const rows = lines.get(shift) || [];
    const body = h("tbody");
    const addRow = (b: { starts: string; ends: string }) => {
      const n = body.children.length + 1;
      const id = `bell-${shift}-${n}`;
      body.append(
        h(
          "tr",
          { "data-shift": shift, "data-number": n },
          h("td", { class: "num" }, `${n}`),
          h("td", {}, h("input", { type: "time", id: `${id}-starts`, value: b.starts, "aria-label": `${shift} смена, ${n} урок: начало`, "data-testid": `${id}-starts`, required: true })),
          h("td", {}, h("input", { type: "time", id: `${id}-ends`, value: b.ends, "aria-label": `${shift} смена, ${n} урок: окончание`, "data-testid": `${id}-ends`, required: true })),
        ),
      );
    };
    for (const b of rows) addRow(b);
    const add = button("Добавить урок", () => {
      const last = body.lastElementChild?.querySelectorAll<HTMLInputElement>("input");
      addRow({ starts: last ? last[1].value : "08:30", ends: "" });
      body.lastElementChild?.querySelector<HTMLInputElement>("input")?.focus();
    }, `bells-${shift}-add`);
    const remove = button("Убрать последний", () => body.lastElementChild?.remove(), `bells-${shift}-remove`, "link");
    return h(
      "section",
      { class: "card", "data-testid": `bells-shift-${shift}` },
      h("h2", {}, `${shift} смена`),
      h("div", { class: "table-wrap" }, h("table", { class: "data bells-table", "data-testid": `bells-${shift}` }, h("thead", {}, h("tr", {}, h("th", { scope: "col", class: "num" }, "Урок"), h("th", { scope: "col" }, "Начало"), h("th", { scope: "col" }, "Окончание"))), body)),
      h("div", { class: "actions" }, add, remove),
    );
  }
  const drawShifts = () => {
    const n = Number(f.value("shifts"));
    // Keep what was typed in a shift that stays.
    for (let s = 1; s <= 2; s++) {
      const rows = Array.from(shiftsBox.querySelectorAll<HTMLTableRowElement>(`tr[data-shift="${s}"]`));
      if (rows.length) lines.set(s, rows.map((r, i) => { const [a, b] = Array.from(r.querySelectorAll<HTMLInputElement>("input")).map((x) => x.value); return { shift: s, number: i + 1, starts: a, ends: b }; }));
    }
    shiftsBox.replaceChildren(...Array.from({ length: n }, (_, i) => shiftTable(i + 1)));
  };
  f.input("shifts").addEventListener("change", drawShifts);
  drawShifts();
  f.form.querySelector(".fields")?.after(shiftsBox);
  main.append(f.form);
}

export async function subjectsScreen(main: HTMLElement): Promise<void> {
  main.append(h("h1", {}, "Предметы"));
  const rows = await load<SubjectRow[]>(main, "/admin/subjects", "Предметы", "subjects-error");
  if (!rows) return;
  main.append(
    table(
      rows,
      [
        { title: "Предмет (дисциплина)", cell: (s) => s.name },
        { title: "Краткое название", cell: (s) => s.short_name },
        { title: "Вид", cell: (s) => SUBJECT_KINDS[s.kind] || s.kind },
        { title: "Итоговая отметка", cell: (s) => GRADING_SCALES[s.grading] || s.grading },
        { title: "Профессиональный модуль", cell: (s) => (s.module_id && rows.find((m) => m.id === s.module_id)?.name) || "" },
        { title: "", cell: (s) => button("Изменить", () => subjectDialog(s, rows), `subject-edit-${s.id}`, "link") },
      ],
      "Предметов пока нет. Добавьте предмет ниже или загрузите нагрузку в разделе «Импорт».",
      "subjects",
    ),
  );
  const f = subjectForm("subject-new", "Добавить предмет", null, rows, async () => go("/subjects"));
  main.append(h("section", { class: "card" }, h("h2", {}, "Новый предмет"), f));
}

/** Kinds of subject that belong to a профессиональный модуль. */
const MODULE_PARTS = ["mdk", "practice"];

function subjectForm(testid: string, submit: string, s: SubjectRow | null, all: SubjectRow[], after: () => Promise<void>): HTMLFormElement {
  const modules = all.filter((m) => m.kind === "module" && m.id !== s?.id);
  const f = formView({
    testid,
    submit,
    inline: !s,
    fields: [
      { name: "name", label: "Название", required: true, value: s?.name, hint: s ? undefined : "Например, Основы философии" },
      { name: "short_name", label: "Краткое название", value: s?.short_name, hint: "Для расписания; пусто — как название" },
      { name: "kind", label: "Вид", type: "select", value: s?.kind || "discipline", options: Object.entries(SUBJECT_KINDS).map(([value, label]) => ({ value, label })) },
      { name: "grading", label: "Итоговая отметка", type: "select", value: s?.grading || "five_point", options: Object.entries(GRADING_SCALES).map(([value, label]) => ({ value, label })) },
      {
        name: "module_id",
        label: "Профессиональный модуль",
        type: "select",
        value: s?.module_id || "",
        options: [{ value: "", label: "— не входит в модуль —" }, ...modules.map((m) => ({ value: m.id, label: m.name }))],
        hint: "Для МДК и практики: ПМ, в журнал которого они входят",
      },
    ],
    fieldOfCode: { invalid_name: "name", forbidden_character: "name", subject_exists: "name", subject_short_name_taken: "short_name", grading_in_use: "grading", module_not_allowed: "module_id", unknown_module: "module_id", module_in_use: "kind" },
    onSubmit: async (v) => {
      const partOfModule = MODULE_PARTS.includes(v.value("kind"));
      const module_id = partOfModule && v.value("module_id") ? v.value("module_id") : null;
      const body = { name: v.value("name"), short_name: v.value("short_name"), kind: v.value("kind"), grading: v.value("grading"), module_id };
      if (s) await sendJson("PUT", `/admin/subjects/${s.id}`, body);
      else await sendJson("POST", "/admin/subjects", body);
      await after();
    },
  });
  // The module is asked only of an МДК or a practice (style, not `hidden`: .field sets display).
  const moduleField = f.input("module_id").closest<HTMLElement>(".field");
  const showModule = () => {
    if (moduleField) moduleField.style.display = MODULE_PARTS.includes(f.value("kind")) ? "" : "none";
  };
  f.input("kind").addEventListener("change", showModule);
  showModule();
  return f.form;
}

function subjectDialog(s: SubjectRow, all: SubjectRow[]) {
  openDialog(`Предмет: ${s.name}`, "subject-dialog", (close) =>
    subjectForm("subject-edit", "Сохранить", s, all, async () => {
      close();
      go("/subjects");
    }),
  );
}

export async function roomsScreen(main: HTMLElement): Promise<void> {
  main.append(h("h1", {}, "Кабинеты"));
  const rows = await load<RoomRow[]>(main, "/admin/rooms", "Кабинеты", "rooms-error");
  if (!rows) return;
  main.append(
    table(
      rows,
      [
        { title: "Кабинет (аудитория)", cell: (r) => r.name },
        { title: "Состояние", cell: (r) => (r.active ? "используется" : h("span", { class: "todo" }, "отключён")) },
        {
          title: "",
          cell: (r) => [
            button("Переименовать", () => roomDialog(r), `room-edit-${r.id}`, "link"),
            " ",
            button(r.active ? "Отключить" : "Включить", async () => {
              try {
                await sendJson("PUT", `/admin/rooms/${r.id}`, { name: r.name, active: !r.active });
                go("/rooms");
              } catch (e) {
                main.prepend(notice("error", (e as Error).message, "rooms-error"));
              }
            }, `room-toggle-${r.id}`, "link"),
          ],
        },
      ],
      "Кабинетов пока нет. Добавьте кабинет ниже.",
      "rooms",
    ),
  );
  const f = formView({
    testid: "room-new",
    submit: "Добавить кабинет",
    inline: true,
    fields: [{ name: "name", label: "Кабинет", required: true, hint: "Например, 204 или Лаборатория информатики" }],
    fieldOfCode: { invalid_name: "name", forbidden_character: "name", room_exists: "name" },
    onSubmit: async (v) => {
      await sendJson("POST", "/admin/rooms", { name: v.value("name") });
      go("/rooms");
    },
  });
  main.append(h("section", { class: "card" }, h("h2", {}, "Новый кабинет"), f.form));
}

function roomDialog(r: RoomRow) {
  openDialog(`Кабинет ${r.name}`, "room-dialog", (close) => {
    const f = formView({
      testid: "room-edit",
      submit: "Сохранить",
      fields: [{ name: "name", label: "Название", required: true, value: r.name }],
      fieldOfCode: { invalid_name: "name", forbidden_character: "name", room_exists: "name" },
      onSubmit: async (v) => {
        await sendJson("PUT", `/admin/rooms/${r.id}`, { name: v.value("name"), active: r.active });
        close();
        go("/rooms");
      },
    });
    return f.form;
  });
}

/** Who may head or belong to a комиссия: the institution's teaching staff, by name. */
function teachingStaff(snap: Snapshot): SnapshotUser[] {
  return snap.users
    .filter((u) => u.grants.some((g) => g.role === "teacher" || g.role === "curator" || g.role === "department_head"))
    .sort((a, b) => a.full_name.localeCompare(b.full_name, "ru"));
}

/** The list as PUT /admin/departments takes it (the whole list replaces the stored one). */
function departmentsInput(list: Department[]) {
  return { departments: list.map((d) => ({ id: d.id || null, name: d.name, head_id: d.head_id, teacher_ids: d.teacher_ids })) };
}

/** PUT the list; a refusal that names «departments[i].field» is given to that field of the form. */
async function saveDepartments(list: Department[]): Promise<void> {
  try {
    await sendJson("PUT", "/admin/departments", departmentsInput(list));
  } catch (e) {
    const m = e instanceof ApiFailure ? /^departments\[\d+\]\.(\w+):\s*(.*)$/s.exec(e.message) : null;
    if (e instanceof ApiFailure && m) {
      const field = { name: "name", head_id: "head", teacher_ids: "teachers" }[m[1]] ?? null;
      const text = m[2].charAt(0).toUpperCase() + m[2].slice(1);
      throw new ApiFailure(e.status, e.code, text, [], field);
    }
    throw e;
  }
}

export async function departmentsScreen(main: HTMLElement): Promise<void> {
  main.append(
    h("h1", {}, "Цикловые комиссии"),
    h(
      "p",
      { class: "hint" },
      "Цикловые (предметные) комиссии и методические объединения: председатель и преподаватели. Председатель с ролью «Заведующий отделением» пишет замечания по ведению журнала и видит отчёты только по преподавателям своей комиссии.",
    ),
  );
  const got = await load<{ departments: Department[] }>(main, "/admin/departments", "Цикловые комиссии", "departments-error");
  if (!got) return;
  const snap = await snapshot();
  const list = got.departments;
  const nameOf = (id: Uuid | null) => (id ? snap.users.find((u) => u.id === id)?.full_name ?? "сотрудник не найден" : "");
  const headsRole = (id: Uuid) => snap.users.find((u) => u.id === id)?.grants.some((g) => g.role === "department_head") ?? false;
  main.append(
    table(
      [...list].sort((a, b) => a.name.localeCompare(b.name, "ru")),
      [
        { title: "Комиссия (объединение)", cell: (d) => h("span", { "data-testid": "department-name" }, d.name) },
        {
          title: "Председатель",
          cell: (d) =>
            d.head_id
              ? [nameOf(d.head_id), headsRole(d.head_id) ? null : h("div", { class: "muted" }, "нет роли «Заведующий отделением» — назначьте её в «Пользователи»")]
              : h("span", { class: "todo" }, "не назначен"),
        },
        {
          title: "Преподаватели",
          cell: (d) =>
            d.teacher_ids.length
              ? h("ul", { class: "plain", "data-testid": `department-teachers-${d.id}` }, ...d.teacher_ids.map((t) => nameOf(t)).sort((a, b) => a.localeCompare(b, "ru")).map((n) => h("li", {}, n)))
              : h("span", { class: "todo" }, "нет"),
        },
        {
          title: "",
          cell: (d) => [
            button("Изменить", () => departmentDialog(snap, list, d), `department-edit-${d.id}`, "link"),
            " ",
            button("Удалить", () => removeDialog(list, d), `department-remove-${d.id}`, "link"),
          ],
          cls: "nowrap",
        },
      ],
      "Комиссий пока нет. Добавьте комиссию ниже.",
      "departments",
    ),
  );
  main.append(h("section", { class: "card" }, h("h2", {}, "Новая комиссия"), departmentForm("department-new", "Добавить комиссию", snap, list, null, async () => go("/departments"))));
}

function departmentForm(testid: string, submit: string, snap: Snapshot, list: Department[], d: Department | null, after: () => Promise<void>): HTMLFormElement {
  const staff = teachingStaff(snap);
  // Where each teacher already is: a teacher may be in one комиссия only in the usual case, so say it.
  const elsewhere = new Map<Uuid, string>();
  for (const other of list) if (other.id !== d?.id) for (const t of other.teacher_ids) elsewhere.set(t, other.name);
  const f = formView({
    testid,
    submit,
    fields: [
      { name: "name", label: "Название", required: true, value: d?.name, hint: d ? undefined : "Например, ПЦК информационных технологий" },
      { name: "head", label: "Председатель", type: "select", value: d?.head_id ?? "", options: [{ value: "", label: "— не назначен —" }, ...staff.map((u) => ({ value: u.id, label: u.full_name }))] },
      { name: "teachers", label: "Преподаватели комиссии" },
    ],
    fieldOfCode: { department_name_invalid: "name", department_name_taken: "name", forbidden_character: "name" },
    onSubmit: async (v) => {
      const chosen = Array.from(box.querySelectorAll<HTMLInputElement>("input:checked")).map((i) => i.value);
      const mine: Department = { id: d?.id ?? "", name: v.value("name"), head_id: v.value("head") || null, teacher_ids: chosen };
      const next = d ? list.map((x) => (x.id === d.id ? mine : x)) : [...list, mine];
      await saveDepartments(next);
      await after();
    },
  });
  // The members: a box of the teaching staff to tick, in place of the text input.
  const holder = f.input("teachers") as HTMLInputElement;
  holder.type = "hidden";
  const box = h("div", { class: "checklist", role: "group", "aria-label": "Преподаватели комиссии", "data-testid": `${testid}-teachers-box` });
  for (const u of staff) {
    const id = `${testid}-teacher-${u.id}`;
    const input = h("input", { type: "checkbox", id, value: u.id, checked: d?.teacher_ids.includes(u.id) ?? false, "data-testid": `${testid}-teacher-${u.login}` });
    const where = elsewhere.get(u.id);
    box.append(h("label", { for: id, class: "check" }, input, h("span", {}, u.full_name, where ? h("span", { class: "muted" }, ` (${where})`) : null)));
  }
  holder.after(box);
  return f.form;
}

function departmentDialog(snap: Snapshot, list: Department[], d: Department) {
  openDialog(`Комиссия: ${d.name}`, "department-dialog", (close) =>
    departmentForm("department-edit", "Сохранить", snap, list, d, async () => {
      close();
      go("/departments");
    }),
  );
}

function removeDialog(list: Department[], d: Department) {
  openDialog(`Удалить комиссию «${d.name}»?`, "department-remove-dialog", (close) => {
    const slot = h("div");
    return h(
      "div",
      {},
      h("p", {}, "Преподаватели и их журналы остаются; председатель перестанет видеть отчёты и писать замечания по ним."),
      slot,
      h(
        "div",
        { class: "actions" },
        button("Удалить", async () => {
          try {
            await saveDepartments(list.filter((x) => x.id !== d.id));
            close();
            go("/departments");
          } catch (e) {
            slot.replaceChildren(notice("error", (e as Error).message, "department-remove-error"));
          }
        }, "department-remove-confirm", "primary"),
        " ",
        button("Отмена", close, "department-remove-cancel"),
      ),
    );
  });
}
