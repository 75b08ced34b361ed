// The family diary (электронный дневник) for students and parents, phone first: «Дневник» (the
// week by days: timetable with changes, topics and homework where the institution's policy shows
// them, marks, attendance), «Успеваемость» (the period's marks per subject, averages, finals and
// the parent's «Ознакомлен»), a switcher between a parent's children and the consent to
// personal-data processing before the first use. The curator's «Родители»: parents of the group
// who have not opened the diary lately, with a printable list.

import { ApiFailure, download, getJson, sendJson, currentUser } from "./api";
import { button, h, notice, ruDate, ruDateTime, saveBlob, table } from "./dom";
import type { IsoDate, Role, UserInfo, Uuid } from "./types";
import { acknowledgedWords, type ParentNote } from "./notes";
import { healthCard } from "./health";

// ---- the server's diary DTOs (journal_protocol::diary, journal_server::diary_routes)

interface DiaryChild {
  student_id: Uuid;
  full_name: string;
  groups: string[];
}

interface DiaryMark {
  symbol: string;
  date: IsoDate;
  work_type: string | null;
  work_type_name: string | null;
}

interface DiaryLesson {
  lesson_id: Uuid;
  bell_number: number;
  starts: string | null;
  ends: string | null;
  hours: number;
  subject: string;
  teacher: string;
  substitution: boolean;
  room: string | null;
  status: "scheduled" | "postponed" | "cancelled";
  /** Why the lesson was not held (an older server sends none). */
  change_reason?: string | null;
  moved_to: IsoDate | null;
  topics: string[];
  homework: string | null;
  individual_homework: boolean;
  control_work?: string | null;
  marks: DiaryMark[];
  attendance: string;
}

interface DiaryDay {
  date: IsoDate;
  weekday: string;
  working: boolean;
  holiday: string | null;
  lessons: DiaryLesson[];
  /** Events of the group and the institution that day (an older server sends none). */
  events?: DiaryEvent[];
}

interface DiaryEvent {
  id: Uuid;
  time: string | null;
  title: string;
  place: string;
  group: string | null;
}

interface DiaryFinal {
  period_id: Uuid;
  /** The period's name; «1 семестр, экзамен» for an exam's mark, «Год» for the year final. */
  period: string;
  column: "period" | "exam" | "year";
  value: string;
}

interface DiarySubject {
  load_id: Uuid;
  subject: string;
  teacher: string;
  marks: DiaryMark[];
  average: number | null;
  absences: number;
  final_value: string | null;
  finals: DiaryFinal[];
}

interface DiaryAcknowledgement {
  period_id: Uuid;
  parent_id: Uuid;
  parent_name: string;
  at: string;
}

interface DiaryResults {
  period_id: Uuid;
  period: string;
  starts_on: IsoDate;
  ends_on: IsoDate;
  subjects: DiarySubject[];
  has_finals: boolean;
  acknowledgements: DiaryAcknowledgement[];
}

interface DiaryWeek {
  student_id: Uuid;
  student_name: string;
  group: string | null;
  week_start: IsoDate;
  week_end: IsoDate;
  today: IsoDate;
  shows_topics: boolean;
  shows_homework: boolean;
  days: DiaryDay[];
  results: DiaryResults | null;
}

interface ConsentState {
  required: boolean;
  version: string;
  text: string;
  given_at: string | null;
}

interface UnseenParent {
  user_id: Uuid;
  full_name: string;
  login: string;
  children: string[];
  last_view: string | null;
}

interface UnseenParents {
  group_id: Uuid;
  group: string;
  days: number;
  since: string;
  parents_total: number;
  unseen: UnseenParent[];
}

// ---- what the diary remembers between its screens in this visit

const CHILD_KEY = "journal-diary-child";
/** The day whose week «Дневник» shows (and whose period «Успеваемость» shows); null: today. */
let shownDate: IsoDate | null = null;
let shownPeriodDate: IsoDate | null = null;

const MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];

function parseIso(d: IsoDate): Date {
  const [y, m, day] = d.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, day));
}

function iso(d: Date): IsoDate {
  return d.toISOString().slice(0, 10);
}

function addDays(d: IsoDate, n: number): IsoDate {
  const x = parseIso(d);
  x.setUTCDate(x.getUTCDate() + n);
  return iso(x);
}

/** «3 марта». */
function dayMonth(d: IsoDate): string {
  const x = parseIso(d);
  return `${x.getUTCDate()} ${MONTHS[x.getUTCMonth()]}`;
}

/** «2–8 марта 2027» or «28 февраля – 6 марта 2027». */
function weekLabel(from: IsoDate, to: IsoDate): string {
  const a = parseIso(from);
  const b = parseIso(to);
  const year = b.getUTCFullYear();
  if (a.getUTCMonth() === b.getUTCMonth()) return `${a.getUTCDate()}–${b.getUTCDate()} ${MONTHS[b.getUTCMonth()]} ${year}`;
  return `${dayMonth(from)} – ${dayMonth(to)} ${year}`;
}

const SHORT_WEEKDAYS = ["Вс", "Пн", "Вт", "Ср", "Чт", "Пт", "Сб"];

/** «Пн» … «Вс». */
function shortWeekday(d: IsoDate): string {
  return SHORT_WEEKDAYS[parseIso(d).getUTCDay()];
}

function time(t: string | null): string {
  return t ? t.slice(0, 5) : "";
}

/** The class of a mark's chip by its first digit (5 best … 2 worst). */
function markClass(symbol: string): string {
  const first = symbol.trim()[0];
  return ["2", "3", "4", "5"].includes(first) ? `mark mark-${first}` : "mark";
}

function isParent(u: UserInfo): boolean {
  return u.roles.includes("parent");
}

/**
 * Consent first: until the user has consented to the current text, the diary shows the text and
 * the consent button, and `then` runs once the consent is recorded.
 */
async function withConsent(main: HTMLElement, title: string, then: () => Promise<void>): Promise<boolean> {
  const state = await getJson<ConsentState>("/diary/consent");
  if (!state.required) return true;
  const agree = h("input", { type: "checkbox", id: "consent-agree", "data-testid": "consent-agree" });
  const error = h("div", { class: "form-error-slot" });
  const submit = button(
    "Даю согласие",
    () => {
      if (!agree.checked) {
        error.replaceChildren(notice("error", "Отметьте, что вы прочитали текст согласия", "consent-error"));
        return;
      }
      submit.disabled = true;
      sendJson("POST", "/diary/consent", { version: state.version })
        .then(async () => {
          main.replaceChildren();
          await then();
        })
        .catch((e: unknown) => {
          submit.disabled = false;
          error.replaceChildren(notice("error", e instanceof ApiFailure ? e.message : "Согласие не записано: повторите", "consent-error"));
        });
    },
    "consent-submit",
    "primary",
  );
  main.append(
    h("h1", {}, title),
    h(
      "section",
      { class: "card diary-consent", "data-testid": "diary-consent" },
      h("h2", {}, "Согласие на обработку персональных данных"),
      h("p", { class: "hint" }, "Перед первым использованием электронного дневника нужно дать согласие (Федеральный закон № 152-ФЗ)."),
      h("p", { class: "consent-text", "data-testid": "consent-text" }, state.text),
      h("p", { class: "hint" }, `Редакция текста: ${state.version}`),
      error,
      h("div", { class: "field field-check" }, agree, h("label", { for: "consent-agree" }, "Я прочитал(а) текст и даю согласие")),
      h("div", { class: "actions" }, submit),
    ),
  );
  return false;
}

/** The children whose diary the user opens, and the chosen one (remembered in this visit). */
async function childChoice(): Promise<{ children: DiaryChild[]; child: DiaryChild | null }> {
  const children = await getJson<DiaryChild[]>("/diary/children");
  const saved = sessionStorage.getItem(CHILD_KEY);
  const child = children.find((c) => c.student_id === saved) ?? children[0] ?? null;
  return { children, child };
}

/** A parent with several children switches between them; one child is just named. */
function childSwitcher(children: DiaryChild[], child: DiaryChild, rerender: () => void): HTMLElement {
  const groups = child.groups.length ? `, группа ${child.groups[0]}` : "";
  if (children.length < 2) {
    return h("p", { class: "diary-child", "data-testid": "diary-child" }, `${child.full_name}${groups}`);
  }
  const select = h("select", { id: "diary-child-select", "data-testid": "diary-child-select", "aria-label": "Ребёнок" });
  for (const c of children) select.append(h("option", { value: c.student_id }, `${c.full_name}${c.groups.length ? ` (${c.groups[0]})` : ""}`));
  select.value = child.student_id;
  select.addEventListener("change", () => {
    sessionStorage.setItem(CHILD_KEY, select.value);
    rerender();
  });
  return h("div", { class: "diary-child field" }, h("label", { for: "diary-child-select" }, "Ребёнок"), select);
}

/** The screen's arrow-key handler: one at a time, so a re-rendered screen does not move twice. */
let keyHandler: ((e: KeyboardEvent) => void) | null = null;

/** Arrow keys move the shown week (or period) while the screen is on the page. */
function arrowKeys(screen: HTMLElement, move: (step: number) => void): void {
  if (keyHandler) document.removeEventListener("keydown", keyHandler);
  const onKey = (e: KeyboardEvent) => {
    if (!screen.isConnected) {
      document.removeEventListener("keydown", onKey);
      if (keyHandler === onKey) keyHandler = null;
      return;
    }
    const target = e.target as HTMLElement | null;
    if (target && ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName)) return;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "ArrowLeft") {
      e.preventDefault();
      move(-1);
    } else if (e.key === "ArrowRight") {
      e.preventDefault();
      move(1);
    }
  };
  keyHandler = onKey;
  document.addEventListener("keydown", onKey);
}

// ---- «Дневник»

export async function diaryScreen(main: HTMLElement): Promise<void> {
  const render = async () => {
    main.replaceChildren();
    if (!(await withConsent(main, "Дневник", render))) return;
    const { children, child } = await childChoice();
    main.append(h("h1", {}, "Дневник"));
    if (!child) {
      main.append(notice("info", "К вашей учётной записи не привязан ни один обучающийся: обратитесь к куратору группы.", "diary-no-child"));
      return;
    }
    main.append(childSwitcher(children, child, () => void render()));
    const user = await currentUser();
    if (isParent(user)) {
      const notes = await notesCard(user, child, () => void render());
      if (notes) main.append(notes);
    }
    const week = await getJson<DiaryWeek>("/diary/week", { student: child.student_id, date: shownDate });
    const move = (step: number) => {
      shownDate = addDays(week.week_start, 7 * step);
      void render();
    };
    const nav = h(
      "div",
      { class: "diary-nav", role: "group", "aria-label": "Неделя" },
      h("button", { type: "button", class: "diary-arrow", "aria-label": "Предыдущая неделя", title: "Предыдущая неделя (←)", "data-testid": "diary-prev", onclick: () => move(-1) }, "‹"),
      h("span", { class: "diary-week-label", "data-testid": "diary-week-label" }, weekLabel(week.week_start, week.week_end)),
      h("button", { type: "button", class: "diary-arrow", "aria-label": "Следующая неделя", title: "Следующая неделя (→)", "data-testid": "diary-next", onclick: () => move(1) }, "›"),
      week.today < week.week_start || week.today > week.week_end
        ? button(
            "Сегодня",
            () => {
              shownDate = null;
              void render();
            },
            "diary-today",
          )
        : null,
    );
    main.append(nav);
    // A day off is shown when something happens on it: a meeting on a Sunday is still in the diary.
    const visible = week.days.filter((d) => d.working || d.lessons.length > 0 || (d.events?.length ?? 0) > 0);
    // On a phone the days scroll sideways, one per screen; the tabs jump to a day.
    const tabs = h("div", { class: "diary-tabs", role: "group", "aria-label": "Дни недели" });
    const days = h("div", { class: "diary-week", "data-testid": "diary-week" });
    for (const d of visible) {
      const section = daySection(d, week);
      days.append(section);
      tabs.append(
        h(
          "button",
          {
            type: "button",
            class: d.date === week.today ? "diary-tab is-today" : "diary-tab",
            "aria-label": `${d.weekday}, ${dayMonth(d.date)}`,
            onclick: () => section.scrollIntoView({ behavior: "smooth", block: "nearest", inline: "start" }),
          },
          shortWeekday(d.date),
          h("small", {}, String(parseIso(d.date).getUTCDate())),
        ),
      );
    }
    const policy: string[] = [];
    if (!week.shows_topics) policy.push("темы уроков");
    if (!week.shows_homework) policy.push("домашние задания");
    main.append(tabs, days);
    if (policy.length) main.append(h("p", { class: "hint diary-policy" }, `По положению учреждения в дневнике не показываются ${policy.join(" и ")}.`));
    arrowKeys(main, move);
    if (isParent(user)) main.append(await noticesCard());
    // Today's day in view (on a phone: the day shown first).
    requestAnimationFrame(() => {
      const t = days.querySelector<HTMLElement>(".diary-day.is-today");
      if (t) days.scrollLeft = t.offsetLeft - days.offsetLeft;
    });
  };
  await render();
}

function daySection(d: DiaryDay, week: DiaryWeek): HTMLElement {
  const isToday = d.date === week.today;
  const section = h(
    "section",
    { class: isToday ? "diary-day is-today" : "diary-day", "data-testid": `diary-day-${d.date}`, "aria-current": isToday ? "date" : null },
    h("h2", {}, `${d.weekday}, ${dayMonth(d.date)}`, isToday ? h("span", { class: "badge badge-today" }, "сегодня") : null),
  );
  if (d.holiday) section.append(h("p", { class: "diary-holiday" }, d.holiday));
  if (d.events?.length) {
    section.append(
      h(
        "ul",
        { class: "diary-events", "aria-label": "События" },
        ...d.events.map((e) =>
          h(
            "li",
            { class: "diary-event", "data-testid": "diary-event" },
            h("strong", {}, e.time ? `${e.time} ` : "", e.title),
            e.place ? h("span", {}, ` · ${e.place}`) : null,
            h("small", {}, e.group ? ` · группа ${e.group}` : " · для всего учреждения"),
          ),
        ),
      ),
    );
  }
  if (d.lessons.length === 0) {
    section.append(h("p", { class: "empty" }, d.holiday ? "Занятий нет" : "Занятий нет"));
    return section;
  }
  const list = h("ol", { class: "diary-lessons" });
  for (const l of d.lessons) list.append(lessonItem(l));
  section.append(list);
  return section;
}

function lessonItem(l: DiaryLesson): HTMLElement {
  const state =
    l.status === "cancelled"
      ? h("span", { class: "badge badge-bad" }, l.change_reason ? `не проведён: ${l.change_reason}` : "не проведён")
      : l.status === "postponed"
        ? h("span", { class: "badge badge-warn" }, l.moved_to ? `перенесён на ${ruDate(l.moved_to)}` : "перенесён")
        : null;
  const when = l.starts ? [h("small", {}, time(l.starts)), h("small", {}, time(l.ends))] : [];
  const marks = h(
    "div",
    { class: "diary-marks" },
    ...l.marks.map((m) => h("span", { class: markClass(m.symbol), title: m.work_type_name ?? "Отметка", "data-testid": "diary-mark" }, m.symbol)),
    l.attendance ? h("span", { class: "mark mark-absent", title: "Посещаемость", "data-testid": "diary-attendance" }, l.attendance) : null,
  );
  const info = h(
    "div",
    { class: "diary-lesson-info" },
    h("div", { class: "diary-subject" }, l.subject, state),
    h(
      "div",
      { class: "diary-meta" },
      l.teacher,
      l.substitution ? h("span", { class: "badge badge-warn" }, "замена") : null,
      l.room ? ` · каб. ${l.room}` : null,
    ),
    l.control_work ? h("div", { class: "diary-control-work", "data-testid": "diary-control-work" }, h("span", { class: "badge badge-warn" }, "Контрольная"), ` ${l.control_work}`) : null,
    ...l.topics.map((t) => h("div", { class: "diary-topic" }, `Тема: ${t}`)),
    l.marks.some((m) => m.work_type_name && m.work_type !== "lesson")
      ? h("div", { class: "diary-worktype" }, l.marks.map((m) => m.work_type_name).filter(Boolean)[0] ?? "")
      : null,
    l.homework
      ? h("div", { class: "diary-homework", "data-testid": "diary-homework" }, h("strong", {}, l.individual_homework ? "Д/з (индивидуальное): " : "Д/з: "), l.homework)
      : null,
  );
  return h(
    "li",
    { class: l.status === "cancelled" ? "diary-lesson is-cancelled" : "diary-lesson", "data-testid": "diary-lesson" },
    h("div", { class: "diary-bell", title: `${l.bell_number}-й урок` }, h("span", { class: "diary-bell-no" }, String(l.bell_number)), ...when),
    info,
    marks,
  );
}

// ---- «Успеваемость»

/**
 * «Замечания»: the curator's and teachers' remarks meant for the parents, newest first; one not yet
 * acknowledged by this parent has «Ознакомлен». Nothing when there are none.
 */
async function notesCard(user: UserInfo, child: DiaryChild, rerender: () => void): Promise<HTMLElement | null> {
  let notes: ParentNote[];
  try {
    notes = await getJson<ParentNote[]>("/diary/notes", { student: child.student_id });
  } catch (e) {
    return notice("error", e instanceof ApiFailure ? e.message : "Замечания не загрузились");
  }
  if (notes.length === 0) return null;
  const box = h("section", { class: "card diary-notes", "data-testid": "diary-notes" }, h("h2", {}, "Замечания родителям"));
  for (const n of notes) {
    const mine = n.acknowledgements.some((a) => a.parent_id === user.id);
    const item = h(
      "article",
      { class: mine ? "diary-note" : "diary-note is-new", "data-testid": "diary-note" },
      h("p", { class: "diary-note-head" }, h("strong", {}, n.author), " · ", ruDateTime(n.created_at)),
      h("p", { class: "diary-note-text" }, n.text),
    );
    if (mine) {
      item.append(acknowledgedWords(n));
    } else {
      const error = h("div");
      const btn = button(
        "Ознакомлен",
        () => {
          btn.disabled = true;
          sendJson("POST", `/diary/notes/${n.id}/acknowledgement`, {})
            .then(rerender)
            .catch((e: unknown) => {
              btn.disabled = false;
              error.replaceChildren(notice("error", e instanceof ApiFailure ? e.message : "Не записано: повторите"));
            });
        },
        "diary-note-ack",
        "primary",
      );
      item.append(error, btn);
    }
    box.append(item);
  }
  return box;
}

/** «Извещения»: the parent's letters with new marks and absences (kept by the server). */
async function noticesCard(): Promise<HTMLElement> {
  const box = h("section", { class: "card diary-notices", "data-testid": "diary-notices" }, h("h2", {}, "Извещения"));
  try {
    const n = await getJson<{ marks: boolean; email_kept: boolean; interval_minutes?: number }>("/diary/notices");
    const status = h("div", { role: "status" });
    const box2 = h("input", { type: "checkbox", id: "diary-notices-marks", "data-testid": "diary-notices-marks" }) as HTMLInputElement;
    box2.checked = n.marks;
    box2.onchange = () => {
      box2.disabled = true;
      sendJson<{ marks: boolean }>("PUT", "/diary/notices", { marks: box2.checked })
        .then((r) => {
          box2.checked = r.marks;
          status.replaceChildren(h("p", { class: "ok", "data-testid": "diary-notices-saved" }, r.marks ? "Письма об отметках включены" : "Письма об отметках отключены"));
        })
        .catch((e: unknown) => {
          box2.checked = !box2.checked;
          status.replaceChildren(notice("error", e instanceof ApiFailure ? e.message : "Не сохранено: повторите"));
        })
        .finally(() => (box2.disabled = false));
    };
    box.append(
      h("label", { class: "check", for: "diary-notices-marks" }, box2, ` Присылать на электронную почту новые отметки и пропуски (не чаще одного письма в ${n.interval_minutes || 15} мин.)`),
      n.email_kept ? "" : h("p", { class: "hint" }, "Адрес электронной почты не указан: его вносит куратор группы в контакты."),
      status,
    );
  } catch (e) {
    box.append(notice("error", e instanceof ApiFailure ? e.message : "Настройки извещений не загрузились"));
  }
  return box;
}

export async function resultsScreen(main: HTMLElement): Promise<void> {
  const user = await currentUser();
  const render = async () => {
    main.replaceChildren();
    if (!(await withConsent(main, "Успеваемость", render))) return;
    const { children, child } = await childChoice();
    main.append(h("h1", {}, "Успеваемость"));
    if (!child) {
      main.append(notice("info", "К вашей учётной записи не привязан ни один обучающийся: обратитесь к куратору группы.", "diary-no-child"));
      return;
    }
    main.append(childSwitcher(children, child, () => void render()));
    const week = await getJson<DiaryWeek>("/diary/week", { student: child.student_id, date: shownPeriodDate });
    const r = week.results;
    if (!r) {
      main.append(notice("info", "Учебный период ещё не начался.", "results-none"));
      return;
    }
    const move = (step: number) => {
      shownPeriodDate = step < 0 ? addDays(r.starts_on, -1) : addDays(r.ends_on, 1);
      void render();
    };
    main.append(
      h(
        "div",
        { class: "diary-nav", role: "group", "aria-label": "Учебный период" },
        h("button", { type: "button", class: "diary-arrow", "aria-label": "Предыдущий период", title: "Предыдущий период (←)", "data-testid": "results-prev", onclick: () => move(-1) }, "‹"),
        h("span", { class: "diary-week-label", "data-testid": "results-period" }, `${r.period}: ${ruDate(r.starts_on)} – ${ruDate(r.ends_on)}`),
        h("button", { type: "button", class: "diary-arrow", "aria-label": "Следующий период", title: "Следующий период (→)", "data-testid": "results-next", onclick: () => move(1) }, "›"),
      ),
    );
    arrowKeys(main, move);
    main.append(acknowledgement(user, child, r, () => void render()));
    main.append(
      h(
        "div",
        { class: "diary-results", "data-testid": "results" },
        table(
          r.subjects,
          [
            { title: "Предмет", cell: (s) => [h("strong", {}, s.subject), h("div", { class: "hint" }, s.teacher)] },
            {
              title: "Отметки",
              cls: "diary-results-marks",
              cell: (s) =>
                s.marks.length
                  ? h("div", { class: "diary-marks" }, ...s.marks.map((m) => h("span", { class: markClass(m.symbol), title: `${ruDate(m.date)}${m.work_type_name ? `, ${m.work_type_name}` : ""}` }, m.symbol)))
                  : h("span", { class: "hint" }, "нет"),
            },
            { title: "Средний балл", cls: "num", cell: (s) => (s.average === null ? "—" : s.average.toFixed(2).replace(".", ",")) },
            { title: "Пропуски", cls: "num", cell: (s) => String(s.absences) },
            { title: "Итог за период", cls: "num", cell: (s) => (s.final_value ? h("span", { class: `${markClass(s.final_value)} mark-final`, "data-testid": "results-final" }, s.final_value) : "—") },
            {
              title: "Итоговые за год",
              cell: (s) =>
                s.finals.length
                  ? h("span", { "data-testid": "results-finals" }, s.finals.map((f) => `${f.period}: ${f.value}`).join("; "))
                  : "—",
            },
          ],
          "В этом периоде у обучающегося нет предметов.",
          "results-table",
        ),
      ),
    );
    // The child's «Листок здоровья», for the parent (the server shows it to nobody else here).
    if (isParent(user)) {
      const health = await healthCard(child.student_id);
      if (health) main.append(health);
    }
  };
  await render();
}

/** The parent's «Ознакомлен» with the period's finals, or who has acknowledged them. */
function acknowledgement(user: UserInfo, child: DiaryChild, r: DiaryResults, rerender: () => void): HTMLElement {
  const box = h("section", { class: "card diary-ack", "data-testid": "results-ack" });
  if (!r.has_finals) {
    box.append(h("p", { class: "hint" }, "Итоговые отметки за этот период ещё не выставлены."));
    return box;
  }
  const mine = r.acknowledgements.find((a) => a.parent_id === user.id);
  for (const a of r.acknowledgements) {
    box.append(h("p", { class: "ok", "data-testid": a.parent_id === user.id ? "results-acknowledged" : null }, `✓ Ознакомлен(а): ${a.parent_name}, ${ruDateTime(a.at)}`));
  }
  if (isParent(user) && !mine) {
    const error = h("div");
    const btn = button(
      "Ознакомлен",
      () => {
        btn.disabled = true;
        sendJson("POST", "/diary/acknowledgements", { student_id: child.student_id, period_id: r.period_id })
          .then(rerender)
          .catch((e: unknown) => {
            btn.disabled = false;
            error.replaceChildren(notice("error", e instanceof ApiFailure ? e.message : "Не записано: повторите", "results-ack-error"));
          });
      },
      "results-ack-button",
      "primary",
    );
    box.prepend(h("p", {}, `Итоговые отметки за ${r.period.toLowerCase()} выставлены. Подтвердите, что вы с ними ознакомились.`));
    box.append(error, btn);
  } else if (!isParent(user) && r.acknowledgements.length === 0) {
    box.append(h("p", { class: "hint" }, "Родители ещё не подтвердили ознакомление с итоговыми отметками."));
  }
  return box;
}

// ---- «Родители» (the curator's)

const READS_ALL: Role[] = ["deputy", "director", "admin"];

export async function parentsScreen(main: HTMLElement): Promise<void> {
  const user = await currentUser();
  main.append(
    h("h1", {}, "Родители"),
    h("p", { class: "hint" }, "Родители (законные представители), которые не открывали электронный дневник указанное число дней: куратор следит, чтобы родители знакомились со сведениями дневника, и может распечатать список, чтобы связаться с ними."),
  );
  // The groups to choose from: the curator's own; the administration's, every group.
  const snapshot = await getJson<{ snapshot: { groups: { id: Uuid; name: string }[] } }>("/sync/snapshot");
  const curated = new Set(user.grants.filter((g) => g.role === "curator" && g.group_id).map((g) => g.group_id as string));
  const groups = snapshot.snapshot.groups.filter((g) => curated.has(g.id) || user.roles.some((r) => READS_ALL.includes(r))).sort((a, b) => a.name.localeCompare(b.name, "ru"));
  if (groups.length === 0) {
    main.append(notice("info", "У вас нет группы, родителей которой можно посмотреть.", "parents-no-group"));
    return;
  }
  const select = h("select", { id: "parents-group", "data-testid": "parents-group" });
  for (const g of groups) select.append(h("option", { value: g.id }, g.name));
  const days = h("input", { id: "parents-days", type: "number", min: 1, max: 365, value: 7, "data-testid": "parents-days" });
  const out = h("div", { "data-testid": "parents-result" });
  const query = () => `/curator/unseen-parents?group=${encodeURIComponent(select.value)}&days=${encodeURIComponent(days.value || "7")}`;
  const show = async () => {
    out.replaceChildren(h("p", { class: "loading" }, "Загрузка…"));
    try {
      const r = await getJson<UnseenParents>(query());
      out.replaceChildren(
        h("p", { class: "summary", "data-testid": "parents-summary" }, `Не открывали дневник ${r.days} дн. и более: ${r.unseen.length} из ${r.parents_total}`),
        table(
          r.unseen,
          [
            { title: "Родитель", cell: (p) => p.full_name },
            { title: "Логин", cell: (p) => p.login },
            { title: "Ребёнок", cell: (p) => p.children.join(", ") },
            { title: "Последний просмотр", cls: "nowrap", cell: (p) => (p.last_view ? ruDateTime(p.last_view) : h("span", { class: "todo" }, "ни разу")) },
          ],
          "Все родители группы открывали дневник за этот срок.",
          "parents-table",
        ),
      );
    } catch (e) {
      out.replaceChildren(notice("error", e instanceof ApiFailure ? e.message : "Список не получен: повторите", "parents-error"));
    }
  };
  const print = async () => {
    try {
      saveBlob(await download("GET", `${query()}&format=pdf`), "roditeli-ne-otkryvavshie-dnevnik.pdf");
    } catch (e) {
      out.prepend(notice("error", e instanceof ApiFailure ? e.message : "Не удалось сформировать PDF", "parents-print-error"));
    }
  };
  select.addEventListener("change", () => void show());
  main.append(
    h(
      "div",
      { class: "toolbar diary-toolbar" },
      h("div", { class: "field" }, h("label", { for: "parents-group" }, "Группа"), select),
      h("div", { class: "field" }, h("label", { for: "parents-days" }, "Дней без просмотра"), days),
      button("Показать", () => void show(), "parents-show", "primary"),
      button("Печать", () => void print(), "parents-print"),
    ),
    out,
  );
  await show();
}
