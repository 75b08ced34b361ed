// «Сообщения»: the user's threads with unread badges, a thread with its replies, «Новое сообщение»
// to whom the server allows (GET /messages/recipients: a parent the curator and the child's
// teachers, staff each other), a parent's request to correct personal data (to the curator),
// announcements for the administration and curators. Phone-first: one column, the list or a thread.
// The menu's «Сообщения» shows the unread count.

import { getJson, sendJson } from "./api";
import { formView, h, messageOf, notice, ruDateTime } from "./dom";
import type { Uuid } from "./types";

type ThreadKind = "message" | "correction_request" | "announcement";

interface ThreadItem {
  id: Uuid;
  kind: ThreadKind;
  subject: string;
  with: string;
  author: string;
  mine: boolean;
  messages: number;
  unread: number;
  last_at: string;
}

interface ThreadList {
  threads: ThreadItem[];
  unread: number;
}

interface RecipientView {
  user_id: Uuid;
  full_name: string;
  role: string;
}

interface RecipientList {
  recipients: RecipientView[];
  audiences: { key: string; label: string }[];
  correction_to: RecipientView[];
}

interface MessageView {
  seq: number;
  author_id: Uuid;
  author: string;
  mine: boolean;
  body: string;
  at: string;
}

interface ThreadView {
  id: Uuid;
  kind: ThreadKind;
  subject: string;
  with: string;
  messages: MessageView[];
  may_reply: boolean;
}

const KIND_WORDS: Record<ThreadKind, string> = {
  message: "Сообщение",
  correction_request: "Запрос на исправление персональных данных",
  announcement: "Объявление",
};

/** Puts the unread count on the menu's «Сообщения» (called by the menu and after reading). */
export async function showUnread(link?: HTMLElement | null): Promise<void> {
  const a = link ?? document.querySelector<HTMLElement>('[data-testid="nav-messages"]');
  if (!a) return;
  let n = 0;
  try {
    n = (await getJson<{ unread: number }>("/messages/unread")).unread;
  } catch {
    return; // the menu works without the count
  }
  a.querySelector(".nav-unread")?.remove();
  if (n > 0) {
    a.append(" ", h("span", { class: "badge nav-unread", "data-testid": "nav-messages-unread", "aria-label": `непрочитанных: ${n}` }, String(n)));
  }
}

export async function messagesScreen(main: HTMLElement): Promise<void> {
  const area = h("div", { class: "messages", "data-testid": "messages" });
  main.append(h("h1", {}, "Сообщения"), area);
  await listView(area);
}

async function listView(area: HTMLElement): Promise<void> {
  area.replaceChildren(h("p", { class: "loading" }, "Загрузка…"));
  let list: ThreadList;
  try {
    list = await getJson<ThreadList>("/messages");
  } catch (e) {
    area.replaceChildren(notice("error", messageOf(e), "messages-error"));
    return;
  }
  void showUnread();
  const items = list.threads.map((t) =>
    h(
      "li",
      {},
      h(
        "button",
        { type: "button", class: t.unread > 0 ? "thread unread" : "thread", "data-testid": `thread-${t.id}`, onclick: () => void threadView(area, t.id) },
        h(
          "span",
          { class: "thread-top" },
          h("span", { class: "thread-with" }, t.with),
          h("span", { class: "thread-at" }, ruDateTime(t.last_at)),
        ),
        h(
          "span",
          { class: "thread-subject" },
          t.kind !== "message" ? h("span", { class: t.kind === "correction_request" ? "badge badge-warn" : "badge", "data-testid": `thread-kind-${t.id}` }, KIND_WORDS[t.kind]) : null,
          t.kind !== "message" ? " " : null,
          t.subject,
          t.unread > 0 ? h("span", { class: "badge badge-today", "data-testid": `thread-unread-${t.id}` }, String(t.unread)) : null,
        ),
      ),
    ),
  );
  area.replaceChildren(
    h(
      "div",
      { class: "messages-bar" },
      h("p", { "data-testid": "messages-unread" }, list.unread > 0 ? `Непрочитанных: ${list.unread}` : "Новых сообщений нет"),
      h("button", { type: "button", class: "primary", "data-testid": "messages-new", onclick: () => void newView(area) }, "Новое сообщение"),
    ),
    items.length > 0 ? h("ul", { class: "thread-list", "data-testid": "thread-list" }, ...items) : h("p", { class: "hint", "data-testid": "messages-empty" }, "Переписки пока нет."),
  );
}

function back(area: HTMLElement): HTMLElement {
  return h("button", { type: "button", class: "link", "data-testid": "messages-back", onclick: () => void listView(area) }, "← Все сообщения");
}

async function threadView(area: HTMLElement, id: Uuid, done?: string): Promise<void> {
  area.replaceChildren(h("p", { class: "loading" }, "Загрузка…"));
  let t: ThreadView;
  try {
    t = await getJson<ThreadView>(`/messages/${id}`);
  } catch (e) {
    area.replaceChildren(back(area), notice("error", messageOf(e), "thread-error"));
    return;
  }
  void showUnread();
  const messages = t.messages.map((m) =>
    h(
      "li",
      { class: m.mine ? "msg mine" : "msg", "data-testid": `message-${m.seq}` },
      h("span", { class: "msg-meta" }, `${m.mine ? "Вы" : m.author}, ${ruDateTime(m.at)}`),
      h("span", { class: "msg-body" }, m.body),
    ),
  );
  area.replaceChildren(
    back(area),
    h("h2", { "data-testid": "thread-subject" }, t.subject),
    h("p", { class: "hint" }, t.kind === "message" ? t.with : `${KIND_WORDS[t.kind]} · ${t.with}`),
    h("ul", { class: "msg-list", "data-testid": "message-list" }, ...messages),
  );
  if (done) area.prepend(notice("ok", done, "message-sent"));
  if (t.may_reply) {
    const f = formView({
      testid: "reply",
      submit: "Ответить",
      fields: [{ name: "body", label: "Ответ", type: "textarea", required: true }],
      fieldOfCode: { empty_message: "body", message_too_long: "body", forbidden_character: "body" },
      onSubmit: async (v) => {
        await sendJson<ThreadView>("POST", `/messages/${t.id}/replies`, { body: v.value("body") });
        await threadView(area, t.id, "Ответ отправлен");
      },
    });
    area.append(f.form);
  } else if (t.kind === "announcement") {
    area.append(h("p", { class: "hint" }, "На объявление не отвечают в нём: напишите автору отдельное сообщение."));
  }
}

async function newView(area: HTMLElement): Promise<void> {
  area.replaceChildren(h("p", { class: "loading" }, "Загрузка…"));
  let r: RecipientList;
  try {
    r = await getJson<RecipientList>("/messages/recipients");
  } catch (e) {
    area.replaceChildren(back(area), notice("error", messageOf(e), "new-error"));
    return;
  }
  const kinds = [
    ...(r.recipients.length > 0 ? [{ value: "message", label: KIND_WORDS.message }] : []),
    ...(r.correction_to.length > 0 ? [{ value: "correction_request", label: KIND_WORDS.correction_request }] : []),
    ...(r.audiences.length > 0 ? [{ value: "announcement", label: KIND_WORDS.announcement }] : []),
  ];
  if (kinds.length === 0) {
    area.replaceChildren(back(area), notice("info", "Вам некому писать: адресатов нет.", "new-nobody"));
    return;
  }
  const people = (list: RecipientView[]) => list.map((p) => ({ value: p.user_id, label: `${p.full_name} — ${p.role}` }));
  const f = formView({
    testid: "new-message",
    submit: "Отправить",
    fields: [
      { name: "kind", label: "Что", type: "select", options: kinds, value: kinds[0].value },
      { name: "to", label: "Кому", type: "select", options: people(r.recipients) },
      { name: "curator", label: "Куратору", type: "select", options: people(r.correction_to) },
      { name: "audience", label: "Кому объявление", type: "select", options: r.audiences.map((a) => ({ value: a.key, label: a.label })) },
      { name: "subject", label: "Тема" },
      { name: "body", label: "Текст", type: "textarea", required: true },
    ],
    fieldOfCode: {
      recipient_not_allowed: "to",
      recipient_required: "to",
      correction_not_to_curator: "curator",
      audience_not_allowed: "audience",
      audience_required: "audience",
      empty_subject: "subject",
      subject_too_long: "subject",
      empty_message: "body",
      message_too_long: "body",
      forbidden_character: "body",
    },
    onSubmit: async (v) => {
      const kind = v.value("kind") as ThreadKind;
      const created = await sendJson<ThreadView>("POST", "/messages", {
        kind,
        to: kind === "message" ? v.value("to") : kind === "correction_request" ? v.value("curator") : undefined,
        audience: kind === "announcement" ? v.value("audience") : undefined,
        subject: v.value("subject"),
        body: v.value("body"),
      });
      await threadView(area, created.id, kind === "announcement" ? "Объявление отправлено" : "Сообщение отправлено");
    },
  });
  // Only the fields of the chosen kind are shown.
  const row = (name: string) => f.input(name).closest<HTMLElement>(".field");
  const arrange = () => {
    const kind = f.value("kind");
    row("to")!.hidden = kind !== "message";
    row("curator")!.hidden = kind !== "correction_request";
    row("audience")!.hidden = kind !== "announcement";
    row("subject")!.hidden = kind === "correction_request";
  };
  f.input("kind").addEventListener("change", arrange);
  arrange();
  area.replaceChildren(back(area), h("h2", {}, "Новое сообщение"), f.form);
  f.input("kind").focus();
}
