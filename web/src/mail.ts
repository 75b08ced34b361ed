// «Почтовый сервер»: the institution's own mail server for its notices (messages, parents' digests of marks),
// kept by the administrator. In a region one server serves many institutions; an institution
// without its own sends through the server's default, when there is one. The password is never
// shown: the server only says whether one is kept, and an empty field keeps it. «Проверить» sends
// a test letter and shows the mail server's refusal in Russian.

import { getJson, sendDelete, sendJson } from "./api";
import { button, formView, h, messageOf, notice } from "./dom";

interface SmtpView {
  own: boolean;
  default_set: boolean;
  host: string;
  port: number;
  security: string;
  login: string;
  password_set: boolean;
  sender: string;
}

const SECURITY = [
  { value: "starttls", label: "STARTTLS (обычно порт 587)" },
  { value: "tls", label: "TLS с первого байта (обычно порт 465)" },
  { value: "none", label: "Без шифрования (только внутри сети учреждения)" },
];

function stateText(v: SmtpView): string {
  if (v.own) return `Письма учреждения уходят через его почтовый сервер ${v.host}:${v.port}.`;
  if (v.default_set) return "Своего почтового сервера нет: письма уходят через почтовый сервер, заданный для всего сервера журнала.";
  return "Почтовый сервер не задан: письма (о новых сообщениях, отметках и пропусках) не отправляются.";
}

export async function mailScreen(main: HTMLElement): Promise<void> {
  main.append(h("h1", {}, "Почтовый сервер"));
  const card = h("section", { class: "card" }, h("h2", {}, "Почтовый сервер учреждения"));
  main.append(card);
  let v: SmtpView;
  try {
    v = await getJson<SmtpView>("/admin/smtp");
  } catch (e) {
    card.append(notice("error", `Настройка почты недоступна: ${(e as Error).message}`, "smtp-error"));
    return;
  }
  const state = h("p", { "data-testid": "smtp-state" }, stateText(v));
  const f = formView({
    testid: "smtp",
    submit: "Сохранить",
    fields: [
      { name: "host", label: "Адрес сервера (SMTP)", required: true, value: v.host, hint: "Например, smtp.college.ru" },
      { name: "port", label: "Порт", type: "number", required: true, value: String(v.port), min: 1 },
      { name: "security", label: "Защита соединения", type: "select", value: v.security, options: SECURITY },
      { name: "login", label: "Логин", value: v.login, hint: "Пусто — сервер принимает письма без входа" },
      { name: "password", label: "Пароль", type: "password", autocomplete: "new-password", hint: "Пароль не сохранён" },
      { name: "sender", label: "Адрес отправителя", required: true, value: v.sender, hint: "От чьего имени уходят письма, например journal@college.ru" },
    ],
    fieldOfCode: {
      smtp_bad_host: "host",
      smtp_bad_port: "port",
      smtp_bad_security: "security",
      smtp_bad_sender: "sender",
      smtp_bad_credentials: "login",
      smtp_password_missing: "password",
    },
    onSubmit: async (form) => {
      const password = form.input("password").value;
      const port = form.value("port");
      v = await sendJson<SmtpView>("PUT", "/admin/smtp", {
        host: form.value("host"),
        // What is not a whole number goes as typed and is refused by the server, by field.
        port: /^\d+$/.test(port) ? Number(port) : port,
        security: form.value("security"),
        login: form.value("login"),
        ...(password ? { password } : {}),
        sender: form.value("sender"),
      });
      form.input("password").value = "";
      passwordHint();
      state.textContent = stateText(v);
      form.done("Почтовый сервер сохранён", "smtp-saved");
    },
    extraButtons: [
      button(
        "Использовать почту по умолчанию",
        () =>
          void (async () => {
            try {
              await sendDelete("/admin/smtp");
              v = await getJson<SmtpView>("/admin/smtp");
              passwordHint();
              state.textContent = stateText(v);
              f.done("Своя почта учреждения удалена", "smtp-removed");
            } catch (e) {
              f.showError(e);
            }
          })(),
        "smtp-remove",
      ),
    ],
  });

  /** The password field's hint says whether one is kept, after each save too. */
  const passwordHint = () => {
    const hint = f.input("password").parentElement?.querySelector("small.hint");
    if (hint) hint.textContent = v.password_set ? "Пароль сохранён; оставьте поле пустым, чтобы его не менять" : "Пароль не сохранён";
  };

  const to = h("input", { type: "email", id: "smtp-test-to", "data-testid": "smtp-test-to", autocomplete: "email" }) as HTMLInputElement;
  const result = h("div", { "data-testid": "smtp-test-result" });
  const check = h("button", { type: "submit", class: "primary", "data-testid": "smtp-test" }, "Проверить") as HTMLButtonElement;
  const testForm = h(
    "form",
    { class: "form form-inline", "data-testid": "smtp-test-form", novalidate: true },
    h("div", { class: "field" }, h("label", { for: "smtp-test-to" }, "Отправить проверочное письмо на адрес"), to),
    h("div", { class: "actions" }, check),
    result,
  ) as HTMLFormElement;
  testForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    check.disabled = true;
    result.replaceChildren(notice("info", "Письмо отправляется…"));
    void (async () => {
      try {
        const sent = await sendJson<{ to: string; own: boolean }>("POST", "/admin/smtp/test", { to: to.value.trim() });
        result.replaceChildren(
          notice("ok", `Письмо отправлено на ${sent.to} через ${sent.own ? "почтовый сервер учреждения" : "почтовый сервер по умолчанию"}. Проверьте, что оно пришло.`, "smtp-test-ok"),
        );
      } catch (e) {
        result.replaceChildren(notice("error", messageOf(e), "smtp-test-error"));
      } finally {
        check.disabled = false;
      }
    })();
  });

  passwordHint();
  card.append(state, f.form);
  main.append(h("section", { class: "card" }, h("h2", {}, "Проверка"), testForm));
}
