// «Урок»: the roster of the lesson with its cells, the topic (per hour of a paired lesson) and the
// homework, all filled from the keyboard alone.
//
// Keys on a student's cell: 2–5 a mark, н/б/п an absence (also on the Latin layout's Y , G keys),
// «/» then a digit makes a double mark (5/4) where the subject allows it, Backspace/Delete clears,
// ↑ ↓ Enter move, т — the topic, д — the homework, Esc — back to «Сегодня».
// A cell shows what was typed at once and the focus moves on; the entries go to the backend one
// after another (set_cell), and a refused one is put back and its reason shown. The UI holds no
// rules: the backend decides, the UI reports.
//
// Topic: the field is empty and Enter records the suggested КТП topic (the next not given);
// typing filters the КТП (↑ ↓ choose, Enter records); text that is not in the КТП is recorded as
// free text and checked by the rules. Work type, number and make-up (отработка) sit beside it.

import "./journal.css";
import { api, AppError } from "./api";
import { h, longDate, moment, shortDate, time } from "./format";
import { journalCalls, WORK_TYPES, type MakeupCandidate } from "./journal_calls";
import { reopenedBadge } from "./reopen";
import { lessonChangeButton, lessonStateText } from "./lesson_change";
import { setCellAskingReason } from "./correction";
import type { Route } from "./main";
import { dutyBadge } from "./today";
import type { PlanTopicView } from "./bindings/PlanTopicView";
import type { WorkType } from "./bindings/WorkType";
import type { LessonDetail, RosterRow, Session, TopicInput } from "./types";

/** What a key types into a cell, or null when the key is not a cell entry. */
export function cellInput(e: KeyboardEvent): string | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  if (["2", "3", "4", "5"].includes(e.key)) return e.key;
  const key = e.key.toLowerCase();
  if (key === "н" || e.code === "KeyY") return "н";
  if (key === "б" || e.code === "Comma") return "б";
  if (key === "п" || e.code === "KeyG") return "п";
  if (e.key === "Backspace" || e.key === "Delete") return "";
  return null;
}

/** Lower case, ё as е, single spaces: how the КТП search compares. */
export function searchKey(s: string): string {
  return s.toLowerCase().replace(/ё/g, "е").replace(/\s+/g, " ").trim();
}

/** The КТП topics matching `query` (by words of the title, or by the topic's number), in КТП order. */
export function filterPlan(plan: PlanTopicView[], query: string): PlanTopicView[] {
  const q = searchKey(query);
  if (q === "") return plan;
  const words = q.split(" ");
  return plan.filter((p) => {
    const title = searchKey(p.title);
    return String(p.ordinal) === q || words.every((w) => title.includes(w));
  });
}

function cellText(row: RosterRow): string {
  return row.cell.symbol;
}

function errorText(e: unknown): string {
  return e instanceof AppError ? e.message : String(e);
}

function hourLabel(hour: number, hours: number): string {
  return hours > 1 ? `Тема, ${hour}-й час` : "Тема урока";
}

export async function renderLesson(
  main: HTMLElement,
  session: Session,
  lessonId: string,
  navigate: (r: Route) => Promise<void>,
  afterEdit: () => Promise<void>,
): Promise<void> {
  let detail: LessonDetail = await api.lesson(lessonId);
  const candidates: MakeupCandidate[] = await journalCalls.makeupCandidates(lessonId).catch(() => []);
  const s = detail.summary;
  const group = s.subgroup_name ? `${s.group_name}, ${s.subgroup_name}` : s.group_name;
  const editable = detail.read_only_reason === null;
  const hours = Math.max(1, s.hours);

  const work = detail.control_work;
  const pointsTaken = work?.criteria != null;
  const hint =
    "Клавиши: 2–5 — отметка, н / б / п — отсутствие" +
    (detail.double_mark_allowed ? ", / и цифра — двойная отметка (5/4)" : "") +
    (pointsTaken ? ", = и баллы, Enter — отметка по критериям" : "") +
    ", Backspace — очистить, ↑ ↓ — ученик, т — тема, д — домашнее задание, Esc — к списку уроков.";
  const message = h(
    "div",
    { class: "message message-hint", role: "status", "aria-live": "polite", "data-testid": "lesson-message" },
    hint,
  );
  const say = (text: string, kind: "error" | "ok" | "hint") => {
    message.className = `message message-${kind}`;
    message.textContent = text;
  };

  // ----- the roster ---------------------------------------------------------------------------
  const body = h("tbody", {});
  const cells: HTMLTableCellElement[] = [];
  for (const row of detail.students) {
    const cell = h(
      "td",
      {
        class: "cell",
        tabindex: 0,
        "data-testid": "cell",
        "data-student-id": row.student_id,
        "aria-label": `Отметка: ${row.full_name}`,
        "aria-readonly": editable ? null : "true",
      },
      cellText(row),
    );
    cells.push(cell);
    body.append(
      h(
        "tr",
        { class: "student-row", "data-testid": "student-row" },
        h("td", { class: "num" }, String(row.number)),
        h(
          "td",
          { class: "student-name" },
          row.full_name,
          row.individual_plan ? h("span", { class: "tag", title: "Индивидуальный учебный план" }, "ИУП") : null,
        ),
        cell,
      ),
    );
  }

  const focusRow = (i: number) => cells[Math.max(0, Math.min(cells.length - 1, i))]?.focus();

  // Entries go to the backend in order; the screen is re-read once the queue is empty.
  let queue: Promise<void> = Promise.resolve();
  let inFlight = 0;
  const settled = async () => {
    inFlight -= 1;
    if (inFlight > 0) return;
    try {
      detail = await api.lesson(lessonId);
      detail.students.forEach((r, i) => {
        if (cells[i] && !cells[i].classList.contains("pending")) cells[i].textContent = cellText(r);
      });
      showDuties();
      showTopics();
    } catch (e) {
      console.error(e);
    }
    main.dataset.saving = "false";
    await afterEdit();
  };

  function enter(i: number, input: string): void {
    const row = detail.students[i];
    const cell = cells[i];
    const before = cell.textContent ?? "";
    cell.textContent = input;
    cell.classList.add("pending");
    inFlight += 1;
    main.dataset.saving = "true";
    queue = queue.then(async () => {
      try {
        await setCellAskingReason(lessonId, row.student_id, input, row.full_name);
        cell.classList.remove("pending");
        say(input === "" ? `${row.full_name}: отметка удалена` : `${row.full_name}: ${input}`, "ok");
        if (input.startsWith("=")) {
          // The mark the criteria gave is read back with the lesson.
          const back = await api.lesson(lessonId);
          const mark = back.students.find((r) => r.student_id === row.student_id)?.cell.symbol ?? "";
          say(`${row.full_name}: ${input.slice(1)} баллов — отметка «${mark}»`, "ok");
        }
      } catch (e) {
        cell.classList.remove("pending");
        cell.textContent = before;
        say(`${row.full_name}: ${errorText(e)}`, "error");
        cell.classList.add("refused");
        setTimeout(() => cell.classList.remove("refused"), 1500);
      }
      await settled();
    });
  }

  const readOnlySay = () => say(detail.read_only_reason?.message ?? "Урок доступен только для чтения", "error");

  cells.forEach((cell, i) => {
    cell.addEventListener("keydown", (e) => {
      // Points of the day's control work: «=», the digits, Enter; the backend turns them into the
      // mark by the work's criteria.
      const points = cell.dataset.points;
      if (points !== undefined) {
        e.preventDefault();
        if (/^[0-9]$/.test(e.key) && points.length < 4) {
          cell.dataset.points = points + e.key;
          cell.textContent = `=${cell.dataset.points}`;
        } else if (e.key === "Backspace") {
          cell.dataset.points = points.slice(0, -1);
          cell.textContent = `=${cell.dataset.points}`;
        } else if (e.key === "Enter" || e.key === "Tab") {
          delete cell.dataset.points;
          if (points === "") {
            cell.textContent = cellText(detail.students[i]);
            return;
          }
          enter(i, `=${points}`);
          focusRow(i + 1);
        } else if (e.key === "Escape") {
          e.stopPropagation();
          delete cell.dataset.points;
          cell.textContent = cellText(detail.students[i]);
        }
        return;
      }
      if (e.key === "=" && !(e.ctrlKey || e.altKey || e.metaKey)) {
        e.preventDefault();
        if (!editable) return readOnlySay();
        if (!pointsTaken) {
          say("Баллы переводятся в отметку только на уроке контрольной работы графика с критериями оценивания", "error");
          return;
        }
        cell.dataset.points = "";
        cell.textContent = "=";
        say(`Баллы: ${work?.criteria ?? ""}. Введите число и Enter, Esc — отмена`, "hint");
        return;
      }
      const composing = cell.dataset.compose;
      if (composing !== undefined) {
        delete cell.dataset.compose;
        if (["2", "3", "4", "5"].includes(e.key)) {
          e.preventDefault();
          enter(i, `${composing}/${e.key}`);
          focusRow(i + 1);
          return;
        }
        cell.textContent = composing;
        if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          return;
        }
      }
      if (e.key === "ArrowDown" || e.key === "Enter") {
        e.preventDefault();
        if (e.key === "Enter" && i === cells.length - 1) topicInputs[0]?.focus();
        else focusRow(i + 1);
        return;
      }
      if (e.key === "ArrowUp") {
        e.preventDefault();
        focusRow(i - 1);
        return;
      }
      if (e.key === "Home" || e.key === "PageUp") {
        e.preventDefault();
        focusRow(e.key === "Home" ? 0 : i - 5);
        return;
      }
      if (e.key === "End" || e.key === "PageDown") {
        e.preventDefault();
        focusRow(e.key === "End" ? cells.length - 1 : i + 5);
        return;
      }
      if (!(e.ctrlKey || e.altKey || e.metaKey)) {
        const key = e.key.toLowerCase();
        if (key === "т" || e.code === "KeyN") {
          e.preventDefault();
          (topicInputs.find((t) => !t.disabled && t.value === "") ?? topicInputs[0])?.focus();
          return;
        }
        if (key === "д" || e.code === "KeyL") {
          e.preventDefault();
          homeworkInput.focus();
          return;
        }
        if ((e.key === "/" || e.key === "." || e.code === "Slash") && detail.double_mark_allowed) {
          e.preventDefault();
          if (!editable) return readOnlySay();
          const current = (cell.textContent ?? "").trim();
          if (/^[2-5]$/.test(current)) {
            cell.dataset.compose = current;
            cell.textContent = `${current}/`;
          } else {
            say("Двойная отметка: сначала поставьте первую отметку, затем «/» и вторую", "error");
          }
          return;
        }
      }
      const input = cellInput(e);
      if (input === null) return;
      e.preventDefault();
      if (!editable) return readOnlySay();
      enter(i, input);
      if (input !== "") focusRow(i + 1);
    });
  });

  // ----- topic per hour ------------------------------------------------------------------------
  const topicsMessage = h("div", { class: "message message-hint", role: "status", "data-testid": "topic-message" });
  const sayTopic = (text: string, kind: "error" | "ok" | "hint") => {
    topicsMessage.className = `message message-${kind}`;
    topicsMessage.textContent = text;
  };
  const topicInputs: HTMLInputElement[] = [];
  const topicRecorded: HTMLElement[] = [];
  const hourBlocks: HTMLElement[] = [];

  function suggestionFor(hour: number): PlanTopicView | null {
    // Hour 2 of a pair: the topic after hour 1's when hour 1 came from the КТП and is not yet saved
    // as given; otherwise the backend's suggestion (the first КТП topic not given).
    if (hour > 1) {
      const first = detail.topics.find((t) => t.hour === hour - 1);
      if (first?.plan_topic_id) {
        const at = detail.plan.findIndex((p) => p.id === first.plan_topic_id);
        const next = detail.plan.slice(at + 1).find((p) => !p.given);
        if (next) return next;
      }
    }
    return detail.suggested_topic;
  }

  function showTopics(): void {
    for (let hour = 1; hour <= hours; hour++) {
      const t = detail.topics.find((x) => x.hour === hour);
      const box = topicRecorded[hour - 1];
      const made = t?.makeup_of ? candidates.find((c) => c.lesson_id === t.makeup_of) : undefined;
      box.replaceChildren(
        t
          ? h(
              "div",
              { class: "topic-line", "data-testid": "topic-recorded" },
              h("span", { class: "topic-title" }, t.title),
              h("span", { class: "muted" }, ` · ${t.work_type_ru}${t.work_number ? ` № ${t.work_number}` : ""}`),
              t.makeup_of
                ? h("span", { class: "tag" }, made ? `отработка за ${shortDate(made.date)}` : "отработка")
                : null,
            )
          : h("div", { class: "topic-line muted" }, "Тема не записана"),
      );
      const input = topicInputs[hour - 1];
      const sug = suggestionFor(hour);
      input.placeholder = sug
        ? `Enter — по КТП: ${sug.ordinal}. ${sug.title}`
        : "Введите тему или номер темы КТП";
    }
  }

  function topicBlock(hour: number): HTMLElement {
    const input = h("input", {
      class: "topic-input",
      type: "text",
      autocomplete: "off",
      spellcheck: "false",
      "data-testid": "topic-input",
      "data-hour": hour,
      "aria-label": hourLabel(hour, hours),
      disabled: !editable,
    });
    const list = h("ul", { class: "plan-list", role: "listbox", "data-testid": "plan-list", hidden: true });
    const workType = h(
      "select",
      { class: "work-type", "data-testid": "work-type", "aria-label": "Вид занятия", disabled: !editable },
      h("option", { value: "" }, "Вид занятия — по КТП"),
      ...WORK_TYPES.map(([code, name]) => h("option", { value: code }, name)),
    );
    const workNumber = h("input", {
      class: "work-number",
      type: "text",
      inputmode: "numeric",
      placeholder: "№ работы",
      "aria-label": "Номер работы",
      "data-testid": "work-number",
      disabled: !editable,
    });
    const makeup = h(
      "select",
      { class: "makeup", "data-testid": "makeup", "aria-label": "Отработка", disabled: !editable },
      h("option", { value: "" }, candidates.length > 0 ? "Без отработки" : "Пропущенных тем нет"),
      ...candidates.map((c) =>
        h("option", { value: c.lesson_id }, `Отработка: ${shortDate(c.date)}, ${c.bell_number} урок — ${c.reason_ru}`),
      ),
    );
    topicInputs.push(input);
    const recorded = h("div", { class: "topic-recorded" });
    topicRecorded.push(recorded);

    let items: Array<PlanTopicView | null> = []; // null = "record the typed text as it is"
    let active = 0;
    const show = () => {
      const query = input.value;
      const sug = suggestionFor(hour);
      const found = filterPlan(detail.plan, query);
      items = query.trim() === "" ? found : [...found, null];
      if (query.trim() === "") {
        active = Math.max(0, sug ? found.findIndex((p) => p.id === sug.id) : 0);
      } else {
        active = Math.min(active, items.length - 1);
      }
      list.replaceChildren(
        ...items.map((p, k) =>
          h(
            "li",
            {
              class: `plan-item${k === active ? " active" : ""}${p?.given ? " given" : ""}${p === null ? " free" : ""}`,
              role: "option",
              "aria-selected": k === active ? "true" : "false",
              "data-testid": "plan-item",
            },
            p
              ? h("span", { class: "plan-num" }, `${p.ordinal}.`)
              : h("span", { class: "plan-num" }, "✎"),
            p ? p.title : `Записать своей формулировкой: «${query.trim()}»`,
            p
              ? h(
                  "span",
                  { class: "plan-meta" },
                  `${p.work_type_ru}${p.work_number ? ` № ${p.work_number}` : ""}, ${p.hours} ч${p.given ? " · дана" : ""}`,
                )
              : null,
          ),
        ),
      );
      list.hidden = false;
      (list.children[active] as HTMLElement | undefined)?.scrollIntoView({ block: "nearest" });
    };
    const hide = () => {
      list.hidden = true;
    };

    async function record(choice: PlanTopicView | null): Promise<void> {
      const text = input.value.trim();
      const number = workNumber.value.trim();
      const topic: TopicInput = {
        hour,
        plan_topic_id: choice ? choice.id : null,
        title: choice ? null : text,
        work_type: workType.value === "" ? null : (workType.value as WorkType),
        work_number: number === "" ? null : Number(number),
        makeup_of: makeup.value === "" ? null : makeup.value,
      };
      if (number !== "" && !/^\d+$/.test(number)) {
        sayTopic("Номер работы — целое число", "error");
        return;
      }
      inFlight += 1;
      main.dataset.saving = "true";
      let ok = false;
      try {
        await api.setTopic(lessonId, topic);
        input.value = "";
        hide();
        sayTopic(`${hourLabel(hour, hours)}: записано`, "ok");
        ok = true;
      } catch (e) {
        sayTopic(errorText(e), "error");
      }
      // The next hour's suggestion depends on this hour's topic: re-read before moving on.
      await settled();
      if (ok) (topicInputs[hour] ?? homeworkInput).focus();
    }

    input.addEventListener("focus", show);
    input.addEventListener("blur", () => setTimeout(hide, 150));
    input.addEventListener("input", () => {
      active = 0;
      show();
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (list.hidden) show();
        active = Math.max(0, Math.min(items.length - 1, active + (e.key === "ArrowDown" ? 1 : -1)));
        list.querySelectorAll("li").forEach((li, k) => {
          li.classList.toggle("active", k === active);
          li.setAttribute("aria-selected", k === active ? "true" : "false");
        });
        (list.children[active] as HTMLElement | undefined)?.scrollIntoView({ block: "nearest" });
      } else if (e.key === "Enter") {
        e.preventDefault();
        if (!editable) return;
        if (input.value.trim() === "") {
          const chosen = items[active] ?? suggestionFor(hour);
          if (!chosen) {
            sayTopic("В КТП не осталось тем: введите тему", "error");
            return;
          }
          void record(chosen);
        } else {
          void record(items[active] ?? null);
        }
      } else if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        if (input.value !== "") {
          input.value = "";
          show();
        } else {
          hide();
          focusRow(0);
        }
      }
    });
    list.addEventListener("mousedown", (e) => {
      const li = (e.target as HTMLElement).closest("li");
      if (!li) return;
      e.preventDefault();
      const k = Array.from(list.children).indexOf(li);
      void record(items[k] ?? null);
    });

    const block = h(
      "div",
      { class: "topic-hour", "data-testid": "topic-hour" },
      h("div", { class: "field-label" }, hourLabel(hour, hours)),
      recorded,
      h("div", { class: "topic-search" }, input, list),
      h("div", { class: "topic-extra" }, workType, workNumber, makeup),
    );
    hourBlocks.push(block);
    return block;
  }

  const topicSection = h(
    "section",
    { class: "panel topic-panel", "data-testid": "topic-panel" },
    ...Array.from({ length: hours }, (_, k) => topicBlock(k + 1)),
    topicsMessage,
  );

  // ----- homework ------------------------------------------------------------------------------
  const homeworkInput = h("input", {
    class: "homework-input",
    type: "text",
    autocomplete: "off",
    placeholder: "Например: § 12, задачи 1–5; «нет» — не задано; «инд.» — индивидуальные задания",
    "data-testid": "homework-input",
    "aria-label": "Домашнее задание",
    disabled: !editable,
  });
  homeworkInput.value = detail.homework?.text ?? "";
  const homeworkMessage = h("div", { class: "message message-hint", role: "status", "data-testid": "homework-message" });
  homeworkInput.addEventListener("keydown", async (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      focusRow(0);
      return;
    }
    if (e.key !== "Enter" || !editable) return;
    e.preventDefault();
    inFlight += 1;
    main.dataset.saving = "true";
    try {
      await api.setHomework(lessonId, homeworkInput.value);
      homeworkMessage.className = "message message-ok";
      homeworkMessage.textContent = "Домашнее задание записано";
    } catch (err) {
      homeworkMessage.className = "message message-error";
      homeworkMessage.textContent = errorText(err);
    }
    await settled();
    if (!homeworkMessage.classList.contains("message-error")) homeworkInput.value = detail.homework?.text ?? "";
  });
  const homeworkSection = h(
    "section",
    { class: "panel homework-panel" },
    h("div", { class: "field-label" }, "Домашнее задание", h("span", { class: "muted small" }, " · Enter — записать")),
    homeworkInput,
    homeworkMessage,
  );

  // ----- duties, header, layout ---------------------------------------------------------------
  const openDuties = (d: LessonDetail) => d.summary.duties.filter((x) => !x.done || x.state === "done_late");
  const dutyBadges = h("div", { class: "badges", "data-testid": "lesson-duties" });
  const showDuties = () => {
    const open = openDuties(detail);
    dutyBadges.replaceChildren(
      ...(open.length > 0
        ? open.map((d) => dutyBadge(d, session.today))
        : [h("span", { class: "badge badge-done_in_time" }, "Всё заполнено")]),
    );
  };
  showDuties();
  showTopics();

  const back = h("button", { class: "back", type: "button", "data-testid": "back" }, "← Сегодня");
  back.addEventListener("click", () => void navigate({ screen: "today" }));
  const toJournal = h("button", { class: "back", type: "button", "data-testid": "to-journal" }, "Журнал группы");
  toJournal.addEventListener("click", () => void navigate({ screen: "journal", loadId: s.load_id }));

  const content = h(
    "section",
    { class: "screen lesson", "data-testid": "lesson-screen" },
    h(
      "div",
      { class: "toolbar" },
      back,
      toJournal,
      lessonChangeButton(
        detail,
        async () => {
          await afterEdit();
          await renderLesson(main, session, lessonId, navigate, afterEdit);
        },
        say,
      ),
    ),
    h(
      "div",
      { class: "screen-head" },
      h("h1", {}, s.subject_name),
      h(
        "div",
        { class: "screen-sub" },
        `${group} · ${s.bell_number} урок, ${time(s.starts_at)}–${time(s.ends_at)}` +
          (hours > 1 ? ` · пара, ${hours} ч` : ` · ${hours} ч`) +
          (s.room ? ` · каб. ${s.room}` : "") +
          ` · ${longDate(s.date)}`,
      ),
    ),
    s.substitution
      ? h(
          "p",
          { class: "message message-info", "data-testid": "substitution" },
          s.substitution.by_me
            ? `Замена: вы ведёте урок вместо ${s.substitution.replaced_name}`
            : `Замена: урок ведёт ${s.substitution.substitute_name} вместо ${s.substitution.replaced_name}`,
        )
      : null,
    lessonStateText(s) ? h("p", { class: "message message-info", "data-testid": "lesson-state" }, lessonStateText(s)) : null,
    work
      ? h(
          "p",
          { class: "message message-info", "data-testid": "control-work" },
          `${work.vtk ? "ВТК (внутренний контроль) · " : "По графику контрольных работ · "}${work.form_name} «${work.title}»` +
            (work.criteria ? `. Критерии: ${work.criteria}. Баллы: «=», число, Enter.` : ""),
        )
      : null,
    detail.read_only_reason && !["lesson_cancelled", "lesson_postponed"].includes(detail.read_only_reason.code)
      ? h(
          "p",
          { class: "message message-info read-only", "data-testid": "read-only" },
          `Только просмотр: ${detail.read_only_reason.message}`,
        )
      : null,
    reopenedBadge(detail.reopened),
    // A lesson not held or postponed has nothing to fill: its state line above says so.
    s.state === "scheduled"
      ? h("div", { class: "lesson-duties-line" }, h("span", { class: "muted" }, "Не заполнено: "), dutyBadges)
      : null,
    h(
      "div",
      { class: "lesson-layout" },
      h(
        "div",
        { class: "lesson-left" },
        message,
        h(
          "table",
          { class: "table roster", "data-testid": "roster" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { class: "num" }, "№"),
              h("th", {}, "Фамилия, имя, отчество"),
              h("th", { class: "cell-head" }, `${s.date.slice(8, 10)}.${s.date.slice(5, 7)}`),
            ),
          ),
          body,
        ),
        detail.students.length > 0 && detail.summary.filled_cells > 0
          ? h("p", { class: "muted small" }, `Последняя запись: ${lastEntry(detail, session.today)}`)
          : null,
      ),
      h("div", { class: "lesson-right" }, topicSection, homeworkSection),
    ),
  );
  content.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !e.defaultPrevented) {
      e.preventDefault();
      void navigate({ screen: "today" });
    }
  });
  main.dataset.saving = "false";
  main.replaceChildren(content);
  focusRow(0);
}

function lastEntry(detail: LessonDetail, today: string): string {
  const times = detail.students.map((r) => r.cell.entered_at).filter((t): t is string => t !== null);
  if (times.length === 0) return "—";
  return moment(times.sort()[times.length - 1], today);
}
