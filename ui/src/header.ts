// The header: institution, signed-in teacher, and the sync state that is always visible.

import { h, moment } from "./format";
import type { Session, Status } from "./types";

export function renderHeader(el: HTMLElement, status: Status | null, session: Session | null): void {
  const today = session?.today ?? "";
  const online = Boolean(session?.server_url);
  const sync = status
    ? h(
        "div",
        { class: "sync", "data-testid": "sync-state" },
        h(
          "span",
          { class: `sync-dot ${online ? "online" : "offline"}`, title: online ? "Есть связь" : "Нет связи" },
        ),
        h("span", { class: "sync-mode" }, online ? "На связи с сервером" : "Автономная работа"),
        h(
          "span",
          { class: Number(status.pending_ops) > 0 ? "sync-pending has-pending" : "sync-pending" },
          Number(status.pending_ops) > 0 ? `Не отправлено: ${status.pending_ops}` : "Всё отправлено",
        ),
        Number(status.conflicts) > 0 ? h("span", { class: "sync-conflicts" }, `Конфликты: ${status.conflicts}`) : null,
        h(
          "span",
          { class: "sync-last" },
          status.last_sync
            ? `Синхронизация: ${moment(status.last_sync, today)}`
            : "Синхронизации ещё не было",
        ),
      )
    : null;
  el.replaceChildren(
    h(
      "div",
      { class: "brand" },
      h("div", { class: "brand-title" }, "Электронный журнал"),
      h("div", { class: "brand-institution", "data-testid": "institution" }, status?.institution_name ?? ""),
    ),
    h(
      "div",
      { class: "who" },
      h("div", { class: "who-name", "data-testid": "teacher-name" }, status?.user.full_name ?? ""),
      sync,
    ),
  );
}
