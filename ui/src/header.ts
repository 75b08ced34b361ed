// The header: institution, the screens, the signed-in teacher with «Сменить пользователя» and
// «Заблокировать», and the sync state that is always visible (online or not, unsent edits, last
// sync, conflicts and refusals with a link to their screen, «Синхронизировать»).

import { h, moment, plural } from "./format";
import type { Session, SyncState } from "./types";

export interface HeaderActions {
  /** Opens a screen by its route name («today», «conflicts», …). */
  go: (screen: string) => void;
  syncNow: () => void;
  lock: () => void;
  switchUser: () => void;
}

/** Links to the screens in the header; other screens add an entry here. */
export const NAV: Array<{ screen: string; label: string }> = [
  { screen: "today", label: "Сегодня" },
  { screen: "journal", label: "Журналы" },
  { screen: "attendance", label: "Посещаемость" },
  { screen: "remarks", label: "Замечания" },
  { screen: "conflicts", label: "Конфликты и отказы" },
  { screen: "messages", label: "Сообщения" },
  { screen: "notes", label: "Замечания родителям" },
  { screen: "print", label: "Печать" },
  { screen: "settings", label: "Настройки" },
  { screen: "help", label: "Справка" },
];

function syncLine(sync: SyncState, today: string, actions: HeaderActions): HTMLElement {
  const online = sync.online === true;
  const mode = online ? "На связи" : "Автономная работа";
  const title = online
    ? `Сервер ${sync.server_url ?? ""} отвечает`
    : sync.online === false
      ? `Сервер ${sync.server_url ?? ""} не отвечает: изменения сохраняются на этом компьютере`
      : "Связи с сервером ещё не было в этом сеансе";
  const pending = Number(sync.pending);
  const conflicts = Number(sync.conflicts);
  let progress: string | null = null;
  if (sync.running) {
    const n = Number(sync.sending ?? 0);
    progress = n > 0 ? `Синхронизация: отправляется ${n} ${plural(n, "изменение", "изменения", "изменений")}…` : "Синхронизация…";
  } else if (sync.last_report && (sync.last_report.pushed > 0 || sync.last_report.pulled > 0)) {
    const r = sync.last_report;
    progress = `Отправлено ${r.pushed}, получено ${r.pulled}`;
  }
  const button = h(
    "button",
    { type: "button", class: "header-button", "data-testid": "sync-now", disabled: sync.running },
    sync.running ? "Идёт синхронизация…" : "Синхронизировать",
  );
  button.addEventListener("click", () => actions.syncNow());
  const conflictsLink =
    conflicts > 0
      ? h(
          "a",
          { href: "#conflicts", class: "sync-conflicts", "data-testid": "sync-conflicts" },
          `Конфликты и отказы: ${conflicts}`,
        )
      : null;
  conflictsLink?.addEventListener("click", (ev) => {
    ev.preventDefault();
    actions.go("conflicts");
  });
  return h(
    "div",
    { class: "sync", "data-testid": "sync-state" },
    h("span", { class: `sync-dot ${online ? "online" : "offline"}`, title }),
    h("span", { class: "sync-mode", title, "data-testid": "sync-mode" }, mode),
    h(
      "span",
      { class: pending > 0 ? "sync-pending has-pending" : "sync-pending", "data-testid": "sync-pending" },
      pending > 0 ? `Не отправлено: ${pending}` : "Всё отправлено",
    ),
    conflictsLink,
    h(
      "span",
      { class: "sync-last", "data-testid": "sync-last" },
      sync.last_sync ? `Синхронизация: ${moment(sync.last_sync, today)}` : "Синхронизации ещё не было",
    ),
    progress ? h("span", { class: "sync-progress", "data-testid": "sync-progress" }, progress) : null,
    button,
  );
}

/** Renders the header; with no session (sign-in, lock screen) only the title. */
export function renderHeader(
  el: HTMLElement,
  session: Session | null,
  institution: string,
  sync: SyncState | null,
  current: string,
  actions: HeaderActions,
): void {
  const brand = h(
    "div",
    { class: "brand" },
    h("div", { class: "brand-title" }, "Электронный журнал"),
    h("div", { class: "brand-institution", "data-testid": "institution" }, institution),
  );
  if (!session) {
    el.replaceChildren(brand);
    return;
  }
  const nav = h(
    "nav",
    { class: "nav", "aria-label": "Разделы" },
    ...NAV.map((n) => {
      const a = h(
        "a",
        {
          href: `#${n.screen}`,
          class: n.screen === current || (n.screen === "journal" && current === "finals") ? "nav-link current" : "nav-link",
          "aria-current": n.screen === current ? "page" : null,
          "data-testid": `header-nav-${n.screen}`,
        },
        n.label,
        // Unread messages as of the last sync: the teacher sees a parent wrote without opening it.
        n.screen === "messages" && (sync?.unread_messages ?? 0) > 0
          ? h("span", { class: "nav-count", "data-testid": "nav-unread", title: "Непрочитанные сообщения" }, String(sync?.unread_messages))
          : null,
      );
      a.addEventListener("click", (ev) => {
        ev.preventDefault();
        actions.go(n.screen);
      });
      return a;
    }),
  );
  const switchUser = h("button", { type: "button", class: "header-button", "data-testid": "switch-user" }, "Сменить пользователя");
  switchUser.addEventListener("click", () => actions.switchUser());
  const lock = h("button", { type: "button", class: "header-button", "data-testid": "lock" }, "Заблокировать");
  lock.addEventListener("click", () => actions.lock());
  el.replaceChildren(
    brand,
    h(
      "div",
      { class: "who" },
      h(
        "div",
        { class: "who-line" },
        h("span", { class: "who-name", "data-testid": "teacher-name" }, session.full_name),
        switchUser,
        lock,
      ),
      sync ? syncLine(sync, session.today, actions) : null,
    ),
    nav,
  );
}
