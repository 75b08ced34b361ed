// «Замечания по ведению журнала» (issue 14): a deputy, the director, a department head (their
// department's teachers) or the control group writes a remark on a load with a deadline; the
// teacher answers in the desktop app («Устранено»); the author confirms it or returns it with a
// comment. A curator reads their group's remarks.

import { getJson, sendJson } from "./api";
import { button, formView, h, messageOf, notice, openDialog, ruDate, ruDateTime, table, today } from "./dom";
import { snapshot } from "./roster";
import type { Snapshot, SnapshotLesson, Uuid } from "./types";

interface RemarkStep {
  at: string;
  by_name: string;
  status: string;
  text: string;
}

interface Remark {
  id: Uuid;
  load_id: Uuid;
  group: string;
  subject: string;
  teacher: string;
  author: string;
  created_at: string;
  text: string;
  lesson_id: Uuid | null;
  lesson_date: string | null;
  date_from: string | null;
  date_to: string | null;
  deadline: string;
  status: string;
  status_name: string;
  overdue: boolean;
  answer: string | null;
  answered_at: string | null;
  decision_comment: string | null;
  history: RemarkStep[];
  may_decide: boolean;
}

interface RemarkList {
  remarks: Remark[];
  open: number;
  overdue: number;
  may_write: boolean;
  /** The loads the server takes a remark on (a department head: their department's). */
  writable_loads: string[];
  default_deadline_days: number;
}

function plusDays(iso: string, days: number): string {
  const d = new Date(`${iso}T12:00:00`);
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function loadLabel(snap: Snapshot, id: Uuid): string {
  const l = snap.loads.find((x) => x.id === id);
  if (!l) return "";
  const g = snap.groups.find((x) => x.id === l.group_id)?.name || "";
  const s = snap.subjects.find((x) => x.id === l.subject_id)?.name || "";
  const t = snap.users.find((x) => x.id === l.teacher_id)?.full_name || "";
  return `${g} — ${s} — ${t}`;
}

const LESSON_STATUS: Record<string, string> = { postponed: " (перенесён)", cancelled: " (не проведён)" };

/** «дд.мм.гггг, N урок — тема» (a paired lesson's topics joined). */
function lessonLabel(snap: Snapshot, l: SnapshotLesson): string {
  const topics = (snap.lesson_topics ?? [])
    .filter((t) => t.lesson_id === l.id)
    .sort((a, b) => a.hour - b.hour)
    .map((t) => t.title.trim())
    .filter((t, i, all) => t && all.indexOf(t) === i);
  const topic = topics.length ? topics.join("; ") : "тема не записана";
  return `${ruDate(l.date)}, ${l.bell_number} урок${LESSON_STATUS[l.status] ?? ""} — ${topic}`;
}

/** The load's lessons up to today, newest first: what a remark may be about. */
function lessonsOf(snap: Snapshot, loadId: Uuid): SnapshotLesson[] {
  const until = today();
  return snap.lessons
    .filter((l) => l.load_id === loadId && l.date <= until)
    .sort((a, b) => b.date.localeCompare(a.date) || b.bell_number - a.bell_number);
}

function about(r: Remark, snap: Snapshot | null): string {
  const lesson = r.lesson_id ? snap?.lessons.find((l) => l.id === r.lesson_id) : undefined;
  if (lesson && snap) return `Урок: ${lessonLabel(snap, lesson)}`;
  if (r.lesson_date) return `урок ${ruDate(r.lesson_date)}`;
  if (r.date_from || r.date_to) return `${ruDate(r.date_from) || "…"} – ${ruDate(r.date_to) || "…"}`;
  return "";
}

export async function remarksScreen(main: HTMLElement): Promise<void> {
  main.append(
    h("h1", {}, "Замечания по ведению журнала"),
    h(
      "p",
      { class: "lead" },
      "Замечание пишется по нагрузке (группа, дисциплина, преподаватель) со сроком устранения. Преподаватель видит его в приложении журнала после синхронизации, отвечает и отмечает «Устранено»; автор подтверждает устранение или возвращает замечание.",
    ),
  );
  const filters = h("div", { class: "toolbar" });
  const status = h("select", { "data-testid": "remarks-status", "aria-label": "Какие замечания" });
  for (const [v, label] of [
    ["open", "Открытые (не устранены)"],
    ["overdue", "Просроченные"],
    ["fixed", "Устранённые, ждут подтверждения"],
    ["", "Все"],
  ]) status.append(h("option", { value: v }, label));
  filters.append(h("label", {}, "Показать: ", status));
  const listSlot = h("div", { "data-testid": "remarks-list-slot" });
  const formSlot = h("div");
  main.append(formSlot, h("h2", {}, "Замечания"), filters, listSlot);

  let snap: Snapshot | null = null;
  const load = async () => {
    let list: RemarkList;
    try {
      list = await getJson<RemarkList>("/remarks", status.value ? { status: status.value } : undefined);
    } catch (e) {
      listSlot.replaceChildren(notice("error", `Замечания не прочитаны: ${messageOf(e)}`, "remarks-error"));
      return;
    }
    // The snapshot names a remark's lesson (its number and topic), and gives the form its loads.
    if (!snap && (list.may_write || list.remarks.some((r) => r.lesson_id))) {
      try {
        snap = await snapshot();
      } catch (e) {
        if (list.may_write) throw e;
      }
    }
    if (list.may_write && snap && !formSlot.firstChild) {
      formSlot.append(writeForm(snap, new Set(list.writable_loads), list.default_deadline_days, () => void load()));
    }
    listSlot.replaceChildren(
      h("p", { "data-testid": "remarks-counts" }, `Открытых: ${list.open}, из них просроченных: ${list.overdue}.`),
      table(
        list.remarks,
        [
          { title: "Написано", cell: (r) => [ruDateTime(r.created_at), h("br"), h("span", { class: "muted" }, r.author)], cls: "nowrap" },
          { title: "Нагрузка", cell: (r) => [`${r.group}, ${r.subject}`, h("br"), h("span", { class: "muted" }, r.teacher)] },
          { title: "Замечание", cell: (r) => [r.text, about(r, snap) ? h("div", { class: "muted", "data-testid": `remark-about-${r.id}` }, about(r, snap)) : null] },
          { title: "Срок", cell: (r) => h("span", { class: r.overdue ? "todo" : "" }, ruDate(r.deadline) + (r.overdue ? " (просрочено)" : "")), cls: "nowrap" },
          { title: "Состояние", cell: (r) => h("span", { "data-testid": `remark-state-${r.id}` }, r.status_name) },
          { title: "Ответ преподавателя", cell: (r) => (r.answer ? [r.answer, h("div", { class: "muted" }, r.answered_at ? ruDateTime(r.answered_at) : "")] : "—") },
          {
            title: "",
            cell: (r) =>
              r.may_decide && r.status === "fixed"
                ? [
                    button("Подтвердить устранение", () => void decide(r, true, "", () => void load()), `remark-confirm-${r.id}`, "link"),
                    " ",
                    button("Вернуть…", () => returnDialog(r, () => void load()), `remark-return-${r.id}`, "link"),
                  ]
                : null,
          },
        ],
        status.value === "open" ? "Открытых замечаний нет." : "Замечаний нет.",
        "remarks-table",
      ),
    );
  };
  status.addEventListener("change", () => void load());
  await load();
}

function writeForm(snap: Snapshot, writable: Set<string>, deadlineDays: number, written: () => void): HTMLElement {
  const loads = [...snap.loads].filter((l) => !l.to && writable.has(l.id)).sort((a, b) => loadLabel(snap, a.id).localeCompare(loadLabel(snap, b.id), "ru"));
  const f = formView({
    testid: "remark",
    submit: "Записать замечание",
    fields: [
      { name: "load", label: "Нагрузка (группа — дисциплина — преподаватель)", type: "select", required: true, options: loads.map((l) => ({ value: l.id, label: loadLabel(snap, l.id) })) },
      { name: "lesson", label: "Урок (необязательно)", type: "select", options: [] },
      { name: "date_from", label: "Занятия с (необязательно)", type: "date" },
      { name: "date_to", label: "по", type: "date" },
      { name: "deadline", label: "Срок устранения", type: "date", value: plusDays(today(), deadlineDays), required: true },
      { name: "text", label: "Замечание", type: "textarea", required: true },
    ],
    fieldOfCode: {
      remark_text_empty: "text",
      remark_text_too_long: "text",
      remark_text_control_characters: "text",
      forbidden_character: "text",
      remark_deadline_past: "deadline",
      remark_dates_reversed: "date_to",
      unknown_load: "load",
      remark_lesson_not_of_load: "lesson",
    },
    onSubmit: async (v) => {
      await sendJson("POST", "/remarks", {
        load_id: v.value("load"),
        lesson_id: v.value("lesson") || null,
        date_from: v.value("date_from") || null,
        date_to: v.value("date_to") || null,
        deadline: v.value("deadline"),
        text: v.value("text"),
      });
      v.done(`Замечание записано: ${loadLabel(snap, v.value("load"))}. Преподаватель увидит его после синхронизации.`, "remark-written");
      (v.input("text") as HTMLTextAreaElement).value = "";
      v.input("lesson").value = "";
      written();
    },
  });
  // The chosen load's lessons, newest first; «— не выбран —» leaves the remark about dates or the whole load.
  const lessonSelect = f.input("lesson") as HTMLSelectElement;
  const fillLessons = () => {
    const lessons = lessonsOf(snap, f.value("load"));
    lessonSelect.replaceChildren(
      h("option", { value: "" }, lessons.length ? "— не выбран —" : "— уроков ещё не было —"),
      ...lessons.map((l) => h("option", { value: l.id }, lessonLabel(snap, l))),
    );
  };
  f.input("load").addEventListener("change", fillLessons);
  fillLessons();
  return h("section", { class: "card" }, h("h2", {}, "Новое замечание"), f.form);
}

async function decide(r: Remark, confirm: boolean, comment: string, done: () => void): Promise<void> {
  try {
    await sendJson("POST", `/remarks/${r.id}/decision`, { confirm, comment });
    done();
  } catch (e) {
    window.scrollTo(0, 0);
    document.querySelector('[data-testid="remarks-list-slot"]')?.prepend(notice("error", messageOf(e), "remark-decision-error"));
  }
}

function returnDialog(r: Remark, done: () => void): void {
  openDialog("Вернуть замечание преподавателю", "remark-return-dialog", (close) => {
    const f = formView({
      testid: "remark-return",
      submit: "Вернуть",
      fields: [{ name: "comment", label: "Что не устранено", type: "textarea", required: true }],
      fieldOfCode: { remark_text_empty: "comment", remark_text_too_long: "comment", forbidden_character: "comment" },
      onSubmit: async (v) => {
        await sendJson("POST", `/remarks/${r.id}/decision`, { confirm: false, comment: v.value("comment") });
        close();
        done();
      },
    });
    return f.form;
  });
}
