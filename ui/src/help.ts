// «Справка» (F1 from any screen): what the teacher does in the journal, in the regulations' words,
// the keys of the lesson screen, what the header's sync line means, and the «Предложение» form to
// the administration (kept in the copy and sent with the next sync when the server is out of reach).

import { api, AppError } from "./api";
import { h } from "./format";

const KEYS: Array<[string, string]> = [
  ["2, 3, 4, 5", "отметка выбранному студенту"],
  ["н, б, п", "отсутствие: не был, болезнь, уважительная причина"],
  ["5 / 4", "двойная отметка (по русскому языку и литературе): отметка, «/», вторая отметка"],
  ["Delete, Backspace", "удалить отметку"],
  ["↓, Enter / ↑", "следующий / предыдущий студент"],
  ["Home, End / PgUp, PgDn", "первый, последний студент / на пять строк"],
  ["т", "перейти к теме занятия"],
  ["д", "перейти к домашнему заданию"],
  ["Esc", "закрыть окно"],
  ["F1", "эта справка"],
];

const DUTIES = [
  "Заполнять электронный журнал в день проведения учебного занятия: тему по КТП, домашнее задание, отметки и отсутствующих.",
  "Замещая коллегу, заполнять журнал за проведённое занятие: факт замены отражается в момент записи.",
  "Выставлять итоговые отметки за период по срокам учреждения; после выставления итогов период закрывается, исправление — только через заместителя директора с указанием причины.",
  "Еженедельно устранять «Замечания по ведению журнала» (раздел «Замечания») и отмечать их устранёнными.",
  "Куратору: отражать причины отсутствия студентов своей группы («б», «п») по сведениям родителей; журнал группы по всем дисциплинам открыт для просмотра.",
];

const SYNC = [
  "«На связи» — сервер учреждения отвечает, записи отправляются в фоне; «Автономная работа» — связи нет, записи сохраняются на этом компьютере и уйдут на сервер, когда связь появится.",
  "«Не отправлено» — сколько записей ещё не принято сервером. Ничего из введённого не теряется.",
  "«Конфликты и отказы» — записи, которые сервер не принял (период закрыт, отметка уже выставлена с другого устройства), и ваши значения, заменённые потом с другого устройства (там сказано, кто, когда и почему заменил): откройте раздел и решите, что оставить.",
  "Журнал блокируется после бездействия (время — в «Настройках»); «Сменить пользователя» закрывает ваш журнал на общем компьютере.",
];

/** «Служба поддержки»: asked of the server when it answers; otherwise who to turn to. */
function supportSection(): HTMLElement {
  const box = h("div", { class: "help-support", "data-testid": "help-support" }, h("p", { class: "message-hint" }, "Загрузка…"));
  void api
    .supportContact()
    .then((c) => {
      const rows: Array<[string, string]> = c
        ? [
            ["Кто отвечает", c.name],
            ["Телефон", c.phone],
            ["Электронная почта", c.email],
            ["Часы и место", c.hours],
          ].filter(([, v]) => v) as Array<[string, string]>
        : [];
      box.replaceChildren(
        rows.length
          ? h("dl", { class: "lesson-facts" }, ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))
          : h("p", {}, c ? "Контакт службы поддержки ещё не задан: обратитесь к администратору электронного журнала." : "Сервер сейчас недоступен: с вопросами обращайтесь к администратору электронного журнала учреждения."),
      );
    })
    .catch(() => box.replaceChildren(h("p", {}, "Обратитесь к администратору электронного журнала учреждения.")));
  return box;
}

export async function renderHelp(el: HTMLElement): Promise<void> {
  const waiting = await api.waitingSuggestions().catch(() => 0);
  const text = h("textarea", { id: "suggestion-text", rows: 5, "data-testid": "suggestion-text", "aria-describedby": "suggestion-message" }) as HTMLTextAreaElement;
  const message = h("p", { class: "message", role: "status", id: "suggestion-message", "data-testid": "suggestion-message" });
  if (waiting > 0) {
    message.textContent = `Ожидают отправки: ${waiting}. Они уйдут на сервер при следующей синхронизации.`;
    message.className = "message message-hint";
  }
  const send = h("button", { type: "submit", class: "primary", "data-testid": "suggestion-send" }, "Отправить");
  const form = h(
    "form",
    { class: "suggestion-form", "data-testid": "suggestion-form" },
    h("label", { class: "field", for: "suggestion-text" }, h("span", { class: "field-label" }, "Ваше предложение или сообщение о неудобстве — его прочитает администратор журнала")),
    text,
    h("div", { class: "form-actions" }, send),
    message,
  ) as HTMLFormElement;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    send.disabled = true;
    void api
      .suggest(text.value, "Приложение: справка")
      .then((r) => {
        text.value = "";
        message.textContent = r.sent
          ? "Предложение передано администрации. Спасибо!"
          : `Сервер сейчас недоступен: предложение сохранено на этом компьютере и будет отправлено при следующей синхронизации (ожидают отправки: ${r.waiting}).`;
        message.className = r.sent ? "message message-ok" : "message message-info";
        message.scrollIntoView({ block: "nearest" });
      })
      .catch((e) => {
        message.textContent = e instanceof AppError ? e.message : String(e);
        message.className = "message message-error";
        text.focus();
      })
      .finally(() => (send.disabled = false));
  });
  el.replaceChildren(
    h(
      "section",
      { class: "help", "data-testid": "help-screen" },
      h("div", { class: "screen-head" }, h("h1", {}, "Справка")),
      h("h2", {}, "Что делает преподаватель в электронном журнале"),
      h("ul", { class: "help-list" }, ...DUTIES.map((d) => h("li", {}, d))),
      h("h2", {}, "Клавиши на странице занятия"),
      h(
        "table",
        { class: "help-keys", "data-testid": "help-keys" },
        h("tbody", {}, ...KEYS.map(([k, what]) => h("tr", {}, h("th", { scope: "row" }, h("kbd", {}, k)), h("td", {}, what)))),
      ),
      h("h2", {}, "Строка синхронизации вверху"),
      h("ul", { class: "help-list" }, ...SYNC.map((d) => h("li", {}, d))),
      h("h2", {}, "Служба поддержки"),
      supportSection(),
      h("h2", {}, "Предложение"),
      form,
    ),
  );
}
