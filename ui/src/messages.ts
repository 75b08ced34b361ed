// «Сообщения» in the teacher's app (issue 12): threads with parents, students, the curator and
// colleagues, read from the server when online; a new message or a reply is kept in the encrypted
// copy first and sent at once online or by the next sync, so nothing typed offline is lost.

import { AppError, call } from "./api";
import { h, shortDate } from "./format";
import type { MessageReceipt } from "./bindings/MessageReceipt";
import type { MessageRecipient } from "./bindings/MessageRecipient";
import type { MessagesView } from "./bindings/MessagesView";
import type { ThreadDetail } from "./bindings/ThreadDetail";

const messagesApi = {
  list: () => call<MessagesView>("messages"),
  waiting: () => call<number>("waiting_messages"),
  thread: (threadId: string) => call<ThreadDetail>("message_thread", { threadId }),
  recipients: () => call<MessageRecipient[]>("message_recipients"),
  write: (to: string, subject: string, body: string) => call<MessageReceipt>("write_message", { to, subject, body }),
  reply: (threadId: string, body: string) => call<MessageReceipt>("reply_message", { threadId, body }),
};

function errorText(e: unknown): string {
  return e instanceof AppError ? e.message : String(e);
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${shortDate(iso.slice(0, 10))} ${d.toLocaleTimeString("ru-RU", { hour: "2-digit", minute: "2-digit" })}`;
}

/** What happened to a message just kept: sent, waiting for the network, or refused for good. */
function receiptText(r: MessageReceipt): string {
  if (r.refused.length) return `Сервер не принял: ${r.refused.join("; ")}`;
  if (r.sent) return "Отправлено";
  return `Сохранено в журнале и будет отправлено при следующей синхронизации (ждут отправки: ${r.waiting})`;
}

export async function renderMessages(el: HTMLElement, refreshHeader: () => Promise<void>): Promise<void> {
  const status = h("p", { class: "message", role: "status", "data-testid": "messages-status" });
  const list = h("div", { class: "threads", "data-testid": "messages-threads" });
  const pane = h("div", { class: "thread-pane", "data-testid": "messages-pane" });
  el.replaceChildren(
    h("section", { class: "messages", "data-testid": "messages-screen" }, h("h1", {}, "Сообщения"), status, h("div", { class: "messages-layout" }, list, pane)),
  );

  const showNew = async (): Promise<void> => {
    let recipients: MessageRecipient[] = [];
    try {
      recipients = await messagesApi.recipients();
    } catch (e) {
      pane.replaceChildren(h("p", { class: "message message-error" }, `Список адресатов не получен: ${errorText(e)}`));
      return;
    }
    const to = h(
      "select",
      { "data-testid": "message-to", "aria-label": "Кому" },
      ...recipients.map((r) => h("option", { value: r.user_id }, `${r.full_name} — ${r.role}`)),
    ) as HTMLSelectElement;
    const subject = h("input", { type: "text", "data-testid": "message-subject", "aria-label": "Тема", maxlength: 200 }) as HTMLInputElement;
    const body = h("textarea", { rows: 5, "data-testid": "message-body", "aria-label": "Сообщение" }) as HTMLTextAreaElement;
    const result = h("p", { class: "message", role: "status", "data-testid": "message-result" });
    const send = h("button", { type: "submit", class: "primary", "data-testid": "message-send" }, "Отправить") as HTMLButtonElement;
    const form = h(
      "form",
      { class: "message-form" },
      h("h2", {}, "Новое сообщение"),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Кому"), to),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Тема"), subject),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Сообщение"), body),
      h("div", { class: "form-actions" }, send),
      result,
    ) as HTMLFormElement;
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      send.disabled = true;
      void (async () => {
        try {
          const r = await messagesApi.write(to.value, subject.value, body.value);
          result.textContent = receiptText(r);
          result.className = r.refused.length ? "message message-error" : "message message-ok";
          if (!r.refused.length) body.value = "";
          await refreshHeader();
          await loadList();
        } catch (e) {
          result.textContent = errorText(e);
          result.className = "message message-error";
        } finally {
          send.disabled = false;
        }
      })();
    });
    pane.replaceChildren(form);
    to.focus();
  };

  const showThread = async (id: string): Promise<void> => {
    let t: ThreadDetail;
    try {
      t = await messagesApi.thread(id);
    } catch (e) {
      pane.replaceChildren(h("p", { class: "message message-error" }, errorText(e)));
      return;
    }
    const body = h("textarea", { rows: 3, "data-testid": "reply-body", "aria-label": "Ответ" }) as HTMLTextAreaElement;
    const result = h("p", { class: "message", role: "status", "data-testid": "reply-result" });
    const send = h("button", { type: "submit", class: "primary", "data-testid": "reply-send" }, "Ответить") as HTMLButtonElement;
    const form = h("form", { class: "reply-form" }, body, h("div", { class: "form-actions" }, send), result) as HTMLFormElement;
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      send.disabled = true;
      void (async () => {
        try {
          const r = await messagesApi.reply(t.id, body.value);
          result.textContent = receiptText(r);
          result.className = r.refused.length ? "message message-error" : "message message-ok";
          if (r.sent) await showThread(t.id);
          else body.value = "";
          await refreshHeader();
        } catch (e) {
          result.textContent = errorText(e);
          result.className = "message message-error";
        } finally {
          send.disabled = false;
        }
      })();
    });
    pane.replaceChildren(
      h("h2", { "data-testid": "thread-subject" }, t.subject),
      h("p", { class: "muted" }, t.with),
      h(
        "ol",
        { class: "thread", "data-testid": "thread-messages" },
        ...t.messages.map((m) =>
          h("li", { class: m.mine ? "mine" : "theirs" }, h("div", { class: "small muted" }, `${m.author}, ${when(m.at)}`), h("div", { class: "body" }, m.body)),
        ),
      ),
      t.may_reply ? form : h("p", { class: "muted" }, "На объявление не отвечают."),
    );
    body.focus();
    await loadList();
  };

  const loadList = async (): Promise<void> => {
    try {
      const v = await messagesApi.list();
      // The menu's count follows what this list says.
      void refreshHeader();
      status.textContent = `Непрочитанных: ${v.unread}${v.waiting ? `. Ждут отправки: ${v.waiting}` : ""}`;
      status.className = "message";
      const newButton = h("button", { type: "button", class: "primary", "data-testid": "message-new" }, "Написать");
      newButton.addEventListener("click", () => void showNew());
      list.replaceChildren(
        newButton,
        v.threads.length
          ? h(
              "ul",
              { class: "thread-list" },
              ...v.threads.map((t) => {
                const a = h(
                  "a",
                  { href: `#thread-${t.id}`, class: t.unread ? "thread-link unread" : "thread-link", "data-testid": "thread-link" },
                  h("div", {}, t.subject, t.unread ? h("span", { class: "badge" }, ` ${t.unread}`) : null),
                  h("div", { class: "small muted" }, `${t.with} · ${when(t.last_at)}`),
                );
                a.addEventListener("click", (ev) => {
                  ev.preventDefault();
                  void showThread(t.id);
                });
                return h("li", {}, a);
              }),
            )
          : h("p", { class: "muted" }, "Сообщений пока нет."),
      );
    } catch (e) {
      // Offline: threads live on the server, but what was written here is kept and counted.
      const waiting = await messagesApi.waiting().catch(() => 0);
      status.textContent = `Сообщения читаются с сервера, а он сейчас недоступен: ${errorText(e)}. Написанное сохраняется в журнале и уйдёт при синхронизации${waiting ? ` (ждут отправки: ${waiting})` : ""}.`;
      status.className = "message message-error";
      list.replaceChildren();
    }
  };
  await loadList();
}
