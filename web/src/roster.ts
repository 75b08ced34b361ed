// «Группы», «Студенты», «Нагрузка»: read from the administrator's snapshot (the whole institution)
// and changed through /admin/groups, /admin/students, /admin/loads.

import { getJson, sendJson } from "./api";
import { button, formView, h, notice, openDialog, ruDate, table, today } from "./dom";
import { go, link } from "./main";
import { individualPlanDialog } from "./curriculum";
import type { Group, Load, Snapshot, SnapshotResponse, Student } from "./types";

export async function snapshot(): Promise<Snapshot> {
  return (await getJson<SnapshotResponse>("/sync/snapshot")).snapshot;
}

export function studentName(s: Student): string {
  return [s.last_name, s.first_name, s.patronymic].filter(Boolean).join(" ");
}

function teachers(snap: Snapshot) {
  return snap.users.filter((u) => u.grants.some((g) => g.role === "teacher" || g.role === "curator")).sort((a, b) => a.full_name.localeCompare(b.full_name, "ru"));
}

function byName<T extends { name: string }>(xs: T[]): T[] {
  return [...xs].sort((a, b) => a.name.localeCompare(b.name, "ru"));
}

/** Members of a group on a date (inclusive memberships). */
function members(snap: Snapshot, groupId: string, on: string) {
  return snap.memberships.filter((m) => m.group_id === groupId && m.from <= on && (m.to === null || m.to >= on));
}

export async function groupsScreen(main: HTMLElement): Promise<void> {
  const snap = await snapshot();
  const users = new Map(snap.users.map((u) => [u.id, u.full_name]));
  const now = today();
  main.append(h("h1", {}, "Группы"));
  const f = formView({
    testid: "group-new",
    submit: "Создать группу",
    inline: true,
    fields: [
      { name: "name", label: "Группа", required: true, hint: "Например, ИС-21" },
      { name: "course", label: "Курс", type: "number", value: "1", required: true, min: 1 },
      { name: "specialty", label: "Специальность (профессия)" },
      { name: "curator", label: "Куратор", type: "select", options: [{ value: "", label: "— не назначен —" }, ...teachers(snap).map((u) => ({ value: u.id, label: u.full_name }))] },
    ],
    fieldOfCode: { invalid_group_name: "name", group_exists: "name", invalid_course: "course", unknown_user: "curator", unknown_teacher: "curator" },
    onSubmit: async (v) => {
      await sendJson("POST", "/admin/groups", { name: v.value("name"), course: Number(v.value("course")), specialty: v.value("specialty"), curator_id: v.value("curator") || null });
      go("/groups");
    },
  });
  main.append(
    table(
      byName(snap.groups),
      [
        { title: "Группа", cell: (g) => g.name },
        { title: "Курс", cell: (g) => String(g.course), cls: "num" },
        { title: "Специальность", cell: (g) => g.specialty || "—" },
        { title: "Куратор", cell: (g) => (g.curator_id ? users.get(g.curator_id) || "—" : h("span", { class: "todo" }, "не назначен")) },
        { title: "Подгруппы", cell: (g) => snap.subgroups.filter((s) => s.group_id === g.id).map((s) => s.name).join(", ") || "—" },
        { title: "Студентов", cell: (g) => link(`/students?group=${g.id}`, String(members(snap, g.id, now).length)), cls: "num" },
      ],
      "Групп пока нет. Создайте группу ниже или загрузите перечень групп в разделе «Импорт».",
      "groups",
    ),
    h("section", { class: "card" }, h("h2", {}, "Новая группа"), f.form),
  );
}

export async function studentsScreen(main: HTMLElement): Promise<void> {
  const snap = await snapshot();
  main.append(h("h1", {}, "Студенты"));
  const groups = byName(snap.groups);
  if (groups.length === 0) {
    main.append(notice("info", "Сначала создайте группы: студенты зачисляются в группу.", "students-no-groups"), link("/groups", "Открыть «Группы»"));
    return;
  }
  const params = new URLSearchParams(location.search);
  const group: Group = groups.find((g) => g.id === params.get("group")) ?? groups[0];
  const pick = h("select", { id: "students-group", "data-testid": "students-group" }, ...groups.map((g) => h("option", { value: g.id }, g.name)));
  pick.value = group.id;
  pick.addEventListener("change", () => go(`/students?group=${pick.value}`));
  // The enrolment form is below a long list: one key press away.
  const toForm = button("Зачислить студента ↓", () => {
    const first = main.querySelector<HTMLInputElement>("[data-testid=enrol-last_name]");
    first?.scrollIntoView({ block: "center" });
    first?.focus();
  }, "students-to-enrol");
  main.append(h("div", { class: "toolbar" }, h("label", { for: "students-group" }, "Группа"), pick, toForm));

  const students = new Map(snap.students.map((s) => [s.id, s]));
  const subgroups = snap.subgroups.filter((s) => s.group_id === group.id);
  const subName = new Map(snap.subgroups.map((s) => [s.id, s.name]));
  const rows = snap.memberships
    .filter((m) => m.group_id === group.id)
    .map((m) => ({ m, s: students.get(m.student_id) }))
    .filter((r): r is { m: (typeof r)["m"]; s: Student } => !!r.s)
    .sort((a, b) => studentName(a.s).localeCompare(studentName(b.s), "ru"));
  main.append(
    table(
      rows,
      [
        { title: "ФИО", cell: (r) => studentName(r.s) },
        { title: "Подгруппа", cell: (r) => (r.m.subgroup_id ? subName.get(r.m.subgroup_id) || "" : "—") },
        { title: "В группе с", cell: (r) => ruDate(r.m.from) },
        { title: "по", cell: (r) => (r.m.to ? ruDate(r.m.to) : "обучается") },
        { title: "ИУП", cell: (r) => (r.m.individual_plan ? "да" : "") },
        {
          title: "",
          cell: (r) =>
            r.m.to
              ? null
              : [
                  button("Перевести", () => transferDialog(snap, r.s, group.id), `transfer-${r.s.id}`, "link"),
                  " ",
                  button("Отчислить", () => withdrawDialog(r.s, group.id), `withdraw-${r.s.id}`, "link"),
                  " ",
                  button("ИУП", () => void individualPlanDialog(r.s.id, () => go(`/students?group=${group.id}`)), `plan-${r.s.id}`, "link"),
                ],
        },
      ],
      `В группе ${group.name} пока нет студентов. Зачислите студента ниже или загрузите список в разделе «Импорт».`,
      "students",
    ),
  );
  const f = formView({
    testid: "enrol",
    submit: "Зачислить",
    inline: true,
    fields: [
      { name: "last_name", label: "Фамилия", required: true },
      { name: "first_name", label: "Имя", required: true },
      { name: "patronymic", label: "Отчество" },
      { name: "birth_date", label: "Дата рождения", type: "date" },
      ...(subgroups.length ? [{ name: "subgroup", label: "Подгруппа", type: "select" as const, options: [{ value: "", label: "— без подгруппы —" }, ...subgroups.map((s) => ({ value: s.id, label: s.name }))] }] : []),
      { name: "from", label: "Зачислен с", type: "date", value: today(), required: true },
      { name: "iup", label: "Индивидуальный учебный план (ИУП)", type: "checkbox" },
    ],
    fieldOfCode: { invalid_student_name: "last_name", date_outside_year: "from", unknown_subgroup: "subgroup" },
    onSubmit: async (v) => {
      await sendJson("POST", "/admin/students", {
        last_name: v.value("last_name"),
        first_name: v.value("first_name"),
        patronymic: v.value("patronymic") || null,
        birth_date: v.value("birth_date") || null,
        group_id: group.id,
        subgroup_id: subgroups.length ? v.value("subgroup") || null : null,
        from: v.value("from"),
        individual_plan: v.checked("iup"),
      });
      go(`/students?group=${group.id}`);
    },
  });
  main.append(h("section", { class: "card" }, h("h2", {}, `Зачислить в группу ${group.name}`), f.form));
}

function transferDialog(snap: Snapshot, s: Student, from: string) {
  openDialog(`Перевод: ${studentName(s)}`, "transfer-dialog", (close) => {
    const f = formView({
      testid: "transfer",
      submit: "Перевести",
      fields: [
        { name: "group", label: "В группу", type: "select", required: true, options: byName(snap.groups).filter((g) => g.id !== from).map((g) => ({ value: g.id, label: g.name })) },
        { name: "on", label: "Первый день в новой группе", type: "date", value: today(), required: true },
      ],
      fieldOfCode: { same_group: "group", unknown_group: "group", date_outside_year: "on", date_before_enrolment: "on", entries_after_date: "on" },
      onSubmit: async (v) => {
        await sendJson("POST", `/admin/students/${s.id}/transfer`, { group_id: v.value("group"), on: v.value("on") });
        close();
        go(`/students?group=${from}`);
      },
    });
    return f.form;
  });
}

function withdrawDialog(s: Student, group: string) {
  openDialog(`Отчисление: ${studentName(s)}`, "withdraw-dialog", (close) => {
    const f = formView({
      testid: "withdraw",
      submit: "Отчислить",
      fields: [{ name: "last_day", label: "Последний день в группе", type: "date", value: today(), required: true }],
      fieldOfCode: { date_outside_year: "last_day", date_before_enrolment: "last_day", entries_after_date: "last_day", not_enrolled: "last_day" },
      onSubmit: async (v) => {
        await sendJson("POST", `/admin/students/${s.id}/withdraw`, { last_day: v.value("last_day") });
        close();
        go(`/students?group=${group}`);
      },
    });
    return f.form;
  });
}

export async function loadsScreen(main: HTMLElement): Promise<void> {
  const snap = await snapshot();
  const users = new Map(snap.users.map((u) => [u.id, u.full_name]));
  const groups = new Map(snap.groups.map((g) => [g.id, g.name]));
  const subjects = new Map(snap.subjects.map((s) => [s.id, s.name]));
  const subName = new Map(snap.subgroups.map((s) => [s.id, s.name]));
  main.append(
    h("h1", {}, "Педагогическая нагрузка"),
    h(
      "div",
      { class: "toolbar" },
      button("Добавить нагрузку ↓", () => {
        const first = main.querySelector<HTMLSelectElement>("[data-testid=load-new-group]");
        first?.scrollIntoView({ block: "center" });
        first?.focus();
      }, "loads-to-new"),
    ),
  );
  const loads = [...snap.loads].sort((a, b) => (groups.get(a.group_id) || "").localeCompare(groups.get(b.group_id) || "", "ru") || (subjects.get(a.subject_id) || "").localeCompare(subjects.get(b.subject_id) || "", "ru"));
  main.append(
    table(
      loads,
      [
        { title: "Группа", cell: (l) => groups.get(l.group_id) || "" },
        { title: "Подгруппа", cell: (l) => (l.subgroup_id ? subName.get(l.subgroup_id) || "" : "—"), cls: "nowrap" },
        { title: "Дисциплина", cell: (l) => subjects.get(l.subject_id) || "" },
        { title: "Преподаватель", cell: (l) => users.get(l.teacher_id) || h("span", { class: "todo" }, "не назначен") },
        { title: "Часов", cell: (l) => String(l.planned_hours), cls: "num" },
        { title: "Период", cell: (l) => `с ${ruDate(l.from)}${l.to ? ` по ${ruDate(l.to)}` : ""}`, cls: "nowrap" },
        { title: "", cell: (l) => (l.to ? null : button("Сменить преподавателя", () => reassignDialog(snap, l), `reassign-${l.id}`, "link")), cls: "nowrap" },
      ],
      "Нагрузки пока нет. Добавьте её ниже или загрузите в разделе «Импорт» (Педагогическая нагрузка).",
      "loads",
    ),
  );
  if (snap.groups.length === 0 || snap.subjects.length === 0 || teachers(snap).length === 0) {
    main.append(notice("info", "Чтобы добавить нагрузку вручную, нужны группы, преподаватели и дисциплины. Дисциплины появляются при импорте нагрузки или КТП.", "loads-missing"));
    return;
  }
  const f = formView({
    testid: "load-new",
    submit: "Добавить нагрузку",
    inline: true,
    fields: [
      { name: "group", label: "Группа", type: "select", required: true, options: byName(snap.groups).map((g) => ({ value: g.id, label: g.name })) },
      { name: "subject", label: "Дисциплина", type: "select", required: true, options: byName(snap.subjects).map((s) => ({ value: s.id, label: s.name })) },
      { name: "teacher", label: "Преподаватель", type: "select", required: true, options: teachers(snap).map((u) => ({ value: u.id, label: u.full_name })) },
      { name: "hours", label: "Часов по учебному плану", type: "number", value: "72", required: true, min: 1 },
      { name: "from", label: "С", type: "date", value: today(), required: true },
    ],
    fieldOfCode: { load_exists: "subject", unknown_teacher: "teacher", unknown_subject: "subject", unknown_group: "group", date_outside_year: "from" },
    onSubmit: async (v) => {
      await sendJson("POST", "/admin/loads", { teacher_id: v.value("teacher"), group_id: v.value("group"), subject_id: v.value("subject"), subgroup_id: null, from: v.value("from"), planned_hours: Number(v.value("hours")) });
      go("/loads");
    },
  });
  main.append(h("section", { class: "card" }, h("h2", {}, "Новая нагрузка"), f.form));
}

function reassignDialog(snap: Snapshot, l: Load) {
  openDialog("Смена преподавателя", "reassign-dialog", (close) => {
    const f = formView({
      testid: "reassign",
      submit: "Назначить",
      fields: [{ name: "teacher", label: "Новый преподаватель", type: "select", required: true, options: teachers(snap).filter((u) => u.id !== l.teacher_id).map((u) => ({ value: u.id, label: u.full_name })) }],
      fieldOfCode: { same_teacher: "teacher", unknown_teacher: "teacher" },
      onSubmit: async (v) => {
        await sendJson("POST", `/admin/loads/${l.id}/teacher`, { teacher_id: v.value("teacher") });
        close();
        go("/loads");
      },
    });
    return h("div", {}, h("p", { class: "hint" }, "Прежний преподаватель остаётся автором уже сделанных записей."), f.form);
  });
}
