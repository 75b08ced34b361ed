// «КТП»: a teacher sends the календарно-тематический план of each of their loads (001 п. 3.1.4,
// 003 п. 5.2.3, 004 п. 3.2.4 — the teacher enters the тематическое планирование) as a file with the
// КТП import's columns; it is in effect at once, or — where the institution's policy asks for
// approval — the deputy reads its topics and approves it or returns it with what to fix.

import { ApiFailure, getJson, sendFile, sendJson } from "./api";
import { button, h, messageOf, notice, ruDateTime, table } from "./dom";
import { contentType } from "./import";

interface DraftTopic {
  ordinal: number;
  title: string;
  hours: number;
}

interface DraftView {
  file_name: string;
  submitted_by: string;
  submitted_at: string;
  topics: DraftTopic[];
  returned_by: string | null;
  returned_at: string | null;
  return_reason: string | null;
}

interface PlanLoad {
  load_id: string;
  group: string;
  subject: string;
  teacher: string;
  topics: number;
  draft: DraftView | null;
  can_submit: boolean;
  can_approve: boolean;
}

interface PlansView {
  approval_required: boolean;
  loads: PlanLoad[];
}

function draftState(d: DraftView | null): string {
  if (!d) return "—";
  if (d.return_reason) return `Возвращён ${ruDateTime(d.returned_at ?? "")}: ${d.return_reason}`;
  return `Ждёт утверждения с ${ruDateTime(d.submitted_at)} (${d.file_name})`;
}

export async function plansScreen(main: HTMLElement): Promise<void> {
  const status = h("div", { "data-testid": "plans-status" });
  const list = h("div", {});
  const render = async () => {
    let view: PlansView;
    try {
      view = await getJson<PlansView>("/plans");
    } catch (e) {
      list.replaceChildren(notice("error", messageOf(e), "plans-error"));
      return;
    }
    const upload = (l: PlanLoad) => {
      const input = h("input", { type: "file", accept: ".csv,.xlsx", "data-testid": `plan-file-${l.load_id}`, "aria-label": `Файл КТП: ${l.group}, ${l.subject}` });
      input.addEventListener("change", async () => {
        const file = input.files?.[0];
        if (!file) return;
        try {
          const r = await sendFile<{ state: string }>(`/plans/${l.load_id}`, file, contentType(file), { file: file.name });
          status.replaceChildren(
            notice("ok", r.state === "applied" ? `КТП «${l.subject}», ${l.group} действует` : `КТП «${l.subject}», ${l.group} отправлен заместителю на утверждение`, "plan-sent"),
          );
        } catch (e) {
          const rows = e instanceof ApiFailure ? e.rows.map((r) => `строка ${r.row}: ${r.reason}`) : [];
          status.replaceChildren(notice("error", [messageOf(e), ...rows].join("; "), "plan-error"));
        }
        await render();
      });
      return input;
    };
    const decide = (l: PlanLoad) => {
      if (!l.can_approve || !l.draft || l.draft.return_reason) return null;
      const approve = button("Утвердить", async () => {
        try {
          await sendJson("POST", `/plans/${l.load_id}/approve`, {});
          status.replaceChildren(notice("ok", `КТП «${l.subject}», ${l.group} утверждён и действует`, "plan-approved"));
        } catch (e) {
          status.replaceChildren(notice("error", messageOf(e), "plan-error"));
        }
        await render();
      }, `plan-approve-${l.load_id}`);
      const why = h("input", { type: "text", placeholder: "Что исправить", "aria-label": "Причина возврата", "data-testid": `plan-reason-${l.load_id}` });
      const back = button("Вернуть", async () => {
        try {
          await sendJson("POST", `/plans/${l.load_id}/return`, { reason: why.value });
          status.replaceChildren(notice("ok", `КТП «${l.subject}», ${l.group} возвращён преподавателю`, "plan-returned"));
        } catch (e) {
          status.replaceChildren(notice("error", messageOf(e), "plan-error"));
        }
        await render();
      }, `plan-return-${l.load_id}`, "secondary");
      return h("div", { class: "plan-decision" }, approve, why, back);
    };
    const topics = (l: PlanLoad) =>
      l.draft && l.draft.topics.length
        ? h(
            "details",
            { "data-testid": `plan-topics-${l.load_id}` },
            h("summary", {}, `Темы (${l.draft.topics.length})`),
            h("ol", {}, ...l.draft.topics.map((t) => h("li", { value: String(t.ordinal) }, `${t.title} — ${t.hours} ч`))),
          )
        : null;
    list.replaceChildren(
      view.approval_required
        ? notice("info", "По положению учреждения КТП действует после утверждения заместителем директора.", "plans-approval")
        : notice("info", "КТП, отправленный преподавателем, действует сразу.", "plans-approval"),
      table(
        view.loads,
        [
          { title: "Группа", cell: (l) => l.group },
          { title: "Дисциплина", cell: (l) => l.subject },
          { title: "Преподаватель", cell: (l) => l.teacher },
          { title: "Тем в КТП", cls: "num", cell: (l) => String(l.topics) },
          { title: "На утверждении", cell: (l) => [h("span", { "data-testid": `plan-state-${l.load_id}` }, draftState(l.draft)), topics(l)] },
          { title: "", cell: (l) => [l.can_submit ? upload(l) : null, decide(l)] },
        ],
        "Нет нагрузок с КТП для вас: преподаватель видит здесь свои нагрузки, заместитель — КТП на утверждении.",
        "plans-table",
      ),
      h("p", { class: "hint" }, "Файл CSV или XLSX со столбцами: Преподаватель; Группа; Подгруппа (если есть); Дисциплина; №; Тема; Часы; Вид занятия; Номер работы — только темы этой нагрузки."),
    );
  };
  main.append(h("h1", {}, "Календарно-тематические планы"), status, list);
  await render();
}
