// «Вход» and the lock screen. Sign-in goes through the server when it answers and otherwise opens
// the teacher's own encrypted copy on this PC; the lock screen shows no journal data at all.

import { api, AppError } from "./api";
import { h, plural } from "./format";
import type { RescueReport, SignInOutcome, SignInState } from "./types";

function errorText(e: unknown): string {
  return e instanceof AppError ? e.message : String(e);
}

function field(
  label: string,
  input: HTMLInputElement,
  hint: string | null = null,
): HTMLElement {
  return h(
    "label",
    { class: "field" },
    h("span", { class: "field-label" }, label),
    input,
    hint ? h("span", { class: "field-hint muted small" }, hint) : null,
  );
}

/** A form whose Enter submits; the button shows the work in progress and errors go to `alert`. */
function wireForm(
  form: HTMLFormElement,
  submit: HTMLButtonElement,
  alert: HTMLElement,
  work: () => Promise<void>,
  busyText: string,
): void {
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    const label = submit.textContent;
    submit.disabled = true;
    submit.textContent = busyText;
    alert.textContent = "";
    alert.className = "message";
    void work()
      .catch((e) => {
        alert.textContent = errorText(e);
        alert.className = "message message-error";
        // A refused password is typed again from scratch.
        for (const pw of form.querySelectorAll<HTMLInputElement>("input[type=password]")) pw.value = "";
      })
      .finally(() => {
        submit.disabled = false;
        submit.textContent = label;
      });
  });
}

/** The sign-in screen. `onSignedIn` opens the journal. */
export function renderSignIn(
  el: HTMLElement,
  state: SignInState,
  onSignedIn: (outcome: SignInOutcome) => Promise<void>,
  presetLogin: string | null = null,
): void {
  const login = h("input", {
    type: "text",
    name: "login",
    autocomplete: "username",
    autocapitalize: "off",
    spellcheck: "false",
    "data-testid": "signin-login",
  }) as HTMLInputElement;
  const password = h("input", {
    type: "password",
    name: "password",
    autocomplete: "current-password",
    "data-testid": "signin-password",
  }) as HTMLInputElement;
  const server = h("input", {
    type: "text",
    name: "server",
    spellcheck: "false",
    placeholder: "http://сервер:8080",
    "data-testid": "signin-server",
  }) as HTMLInputElement;
  server.value = state.server_url ?? "";
  if (presetLogin) login.value = presetLogin;
  const submit = h("button", { type: "submit", class: "primary", "data-testid": "signin-submit" }, "Войти");
  const alert = h("p", { class: "message", role: "alert", "data-testid": "signin-error" });
  if (state.startup_error) {
    alert.textContent = state.startup_error.message;
    alert.className = "message message-error";
  }

  const users = state.local_users.length
    ? h(
        "div",
        { class: "local-users" },
        h("p", { class: "muted small" }, "Уже работали на этом компьютере:"),
        h(
          "div",
          { class: "local-user-list" },
          ...state.local_users.map((u) => {
            const b = h("button", { type: "button", class: "local-user", "data-testid": "local-user" }, u);
            b.addEventListener("click", () => {
              login.value = u;
              password.focus();
            });
            return b;
          }),
        ),
      )
    : null;

  const form = h(
    "form",
    { class: "signin-form", "data-testid": "signin-form" },
    h("h1", {}, "Вход"),
    h(
      "p",
      { class: "muted" },
      "Каждый преподаватель работает со своей зашифрованной копией журнала на этом компьютере. Без связи с сервером вход возможен, если вы уже входили здесь.",
    ),
    users,
    field("Логин", login),
    field("Пароль", password),
    field("Адрес сервера журнала", server, "Если сервер не отвечает, откроется локальная копия"),
    h("div", { class: "form-actions" }, submit),
    alert,
  ) as HTMLFormElement;

  wireForm(
    form,
    submit,
    alert,
    async () => {
      const outcome = await api.signIn(login.value, password.value, server.value.trim() || null);
      password.value = "";
      await onSignedIn(outcome);
    },
    "Вход…",
  );

  el.replaceChildren(h("section", { class: "signin", "data-testid": "signin-screen" }, form));
  (login.value ? password : login).focus();
}

/** The lock screen: the same teacher unlocks with the password; another teacher may sign in. */
export function renderLockScreen(
  el: HTMLElement,
  state: SignInState,
  onSignedIn: (outcome: SignInOutcome) => Promise<void>,
): void {
  const password = h("input", {
    type: "password",
    name: "password",
    autocomplete: "current-password",
    "data-testid": "unlock-password",
  }) as HTMLInputElement;
  const submit = h("button", { type: "submit", class: "primary", "data-testid": "unlock-submit" }, "Разблокировать");
  const other = h(
    "button",
    { type: "button", class: "link-button", "data-testid": "lock-other-user" },
    "Войти под другим пользователем",
  );
  const alert = h("p", { class: "message", role: "alert", "data-testid": "unlock-error" });
  const who = state.locked_name ? `${state.locked_name} (${state.locked_login})` : (state.locked_login ?? "");
  const form = h(
    "form",
    { class: "signin-form", "data-testid": "lock-screen" },
    h("h1", {}, "Журнал заблокирован"),
    h("p", {}, "Работа с журналом приостановлена: ", h("strong", { "data-testid": "locked-user" }, who), "."),
    h("p", { class: "muted" }, "Чтобы продолжить, введите пароль. Данные журнала скрыты и закрыты в памяти."),
    field("Пароль", password),
    h("div", { class: "form-actions" }, submit, other),
    alert,
  ) as HTMLFormElement;
  wireForm(
    form,
    submit,
    alert,
    async () => {
      const outcome = await api.unlock(password.value);
      password.value = "";
      await onSignedIn(outcome);
    },
    "Проверка…",
  );
  other.addEventListener("click", () => renderSignIn(el, state, onSignedIn));
  el.replaceChildren(h("section", { class: "signin" }, form));
  password.focus();
}

/** What the sign-in did with a damaged copy: where the file was kept, what came back, what was lost.
 *  Shown above the first screen; unlike the offline notice, a sync does not take it away. */
export function rescueNotice(r: RescueReport): HTMLElement {
  const rescued = Number(r.rescued);
  const lost = r.lost.length;
  const close = h("button", { type: "button", class: "link-button", "data-testid": "rescue-close" }, "Закрыть");
  const box = h(
    "div",
    // Red when something was lost or refused; otherwise the teacher is told, not alarmed.
    { class: lost || r.refused.length ? "message message-error" : "message message-info", role: "alert", "data-testid": "rescue-notice" },
    h(
      "p",
      { style: "margin-top: 0" },
      `Локальная копия повреждена (${r.damage}). Она сохранена как ${r.kept_as}; получена новая копия с сервера; ` +
        `восстановлено ${rescued} ${plural(rescued, "неотправленное изменение", "неотправленных изменения", "неотправленных изменений")}` +
        (lost ? `, не удалось прочитать ${lost}.` : ", потерянных нет.") +
        (Number(r.queued)
          ? ` Из них ${Number(r.queued)} будут отправлены при ближайшей синхронизации, остальные уже на сервере.`
          : rescued
            ? " Всё восстановленное уже на сервере."
            : ""),
    ),
    lost
      ? h(
          "ul",
          { "data-testid": "rescue-lost" },
          ...r.lost.map((l) => h("li", {}, l.description)),
        )
      : null,
    r.refused.length
      ? h(
          "div",
          {},
          h("p", {}, "Сервер не принял:"),
          h("ul", { "data-testid": "rescue-refused" }, ...r.refused.map((l) => h("li", {}, l.description))),
        )
      : null,
    lost
      ? h(
          "p",
          { class: "small" },
          "Проверьте эти записи в журнале и внесите их заново, если их нет. Повреждённый файл не удалён: передайте его администратору журнала, если нужно.",
        )
      : null,
    close,
  );
  close.addEventListener("click", () => box.remove());
  return box;
}
