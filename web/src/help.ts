// «Справка»: the administrator's first day, in the regulations' words, and the guides of the other
// roles; the «Предложение» form through which anyone writes to the administration, and the
// administrator's list of what was written («Предложения»).

import { getJson, sendJson } from "./api";
import { button, formView, h, notice, ruDateTime, table } from "./dom";
import { everyGuide, guidesFor, type Guide } from "./guides";
import { link } from "./main";
import type { HelpInfo, SupportContact, Suggestion, SuggestionList, UserInfo } from "./types";
import { ROLE_NAMES } from "./words";

export async function helpScreen(main: HTMLElement): Promise<void> {
  const step = (title: string, path: string, screen: string, ...text: string[]) =>
    h("li", {}, h("strong", {}, title), " — ", ...text, " Раздел: ", link(path, screen), ".");
  main.append(
    h("h1", {}, "Справка: первый день администратора"),
    h(
      "p",
      {},
      "Администратор электронного журнала открывает учебный год: вводит в систему перечень групп, сведения о руководителях групп (кураторах), список педагогических работников и режим работы, создаёт логины и пароли всем участникам образовательного процесса. Делайте это в таком порядке:",
    ),
    h(
      "ol",
      { class: "steps" },
      step("Учреждение", "/institution", "«Учреждение»", "проверьте наименование и настройки журнала по положению вашего учреждения: деление года на семестры или четверти, отметки «задним числом», кто выдаёт логины студентам и родителям."),
      step("Учебный год", "/year", "«Учебный год»", "задайте даты учебного года, периоды (семестры, четверти) и каникулы."),
      step("Звонки и режим", "/bells", "«Звонки и режим»", "выберите пятидневную или шестидневную неделю и число смен, задайте время каждого урока (пары) — расписание занятий ссылается на номера уроков."),
      step("Группы", "/import", "«Импорт» (Группы) или «Группы»", "загрузите перечень групп с курсом, специальностью и куратором, или создайте группы по одной."),
      step("Педагогические работники", "/import", "«Импорт» (Педагогические работники)", "загрузите список преподавателей с логинами и ролями."),
      step("Студенты", "/import", "«Импорт» (Студенты) или «Студенты»", "загрузите списки групп; студента, пришедшего позже, зачислите с даты, перевод и отчисление — там же."),
      step("Педагогическая нагрузка", "/import", "«Импорт» (Педагогическая нагрузка) или «Нагрузка»", "кто какую дисциплину ведёт в какой группе и сколько часов по учебному плану."),
      step("Расписание и КТП", "/import", "«Импорт»", "загрузите расписание (таблица, aSc Timetables или FET) — по нему появляются занятия в журнале; календарно-тематические планы (КТП) — темы занятий."),
      step("Логины и пароли", "/users", "«Пользователи»", "выдайте каждому преподавателю первый пароль («Выдать пароль»), для студентов и родителей сформируйте листки с логинами. Первый пароль действует до первого входа: пользователь сразу меняет его на свой."),
      step("Проверка", "/", "«Готовность данных»", "все пункты должны быть отмечены ✓; у незавершённого пункта есть ссылка на раздел, где его исправить."),
      step("Резервная копия", "/backups", "«Резервные копии»", "сделайте копию после ввода данных и проверьте её."),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Как работает импорт"),
      h(
        "p",
        {},
        "Выберите, что загружается, и файл, нажмите «Проверить»: сервер покажет, что будет добавлено и изменено, ничего не меняя. Если в файле есть ошибки, появится таблица: номер строки, столбец и причина. Исправьте файл и проверьте снова. Кнопка «Применить» доступна только после проверки без ошибок; файл загружается целиком или не загружается совсем.",
      ),
      h("h2", {}, "Клавиатура"),
      h("p", {}, "Tab и Shift+Tab — переход между полями, Enter — отправить форму, Esc — закрыть окно."),
    ),
    h(
      "section",
      { class: "card", "data-testid": "help-guides" },
      h("h2", {}, "Что делают другие участники"),
      h("p", { class: "hint" }, "Краткие памятки по положению об электронном журнале: их видит каждый пользователь после входа в консоль."),
      ...everyGuide().map((g) => h("details", {}, h("summary", {}, g.title), guideBody(g))),
    ),
  );
}

function guideBody(g: Guide): HTMLElement {
  return h("div", { class: "guide" }, h("ul", {}, ...g.duties.map((d) => h("li", {}, d))), h("p", { class: "hint" }, g.where));
}

/** «Служба поддержки»: whom to ask (GET /help), filled in when the server answers. */
export function supportCard(): HTMLElement {
  const card = h("section", { class: "card", "data-testid": "support-card" }, h("h2", {}, "Служба поддержки"));
  void getJson<HelpInfo>("/help")
    .then((info) => {
      const c = info.support;
      const rows: [string, string][] = [
        ["Кто отвечает", c.name],
        ["Телефон", c.phone],
        ["Электронная почта", c.email],
        ["Часы и место", c.hours],
      ];
      const given = rows.filter(([, v]) => v);
      card.append(
        given.length
          ? h("dl", { class: "facts", "data-testid": "support" }, ...given.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))
          : h("p", { class: "hint", "data-testid": "support" }, "Контакт службы поддержки ещё не задан: обратитесь к администратору электронного журнала вашего учреждения."),
      );
    })
    .catch(() => card.append(h("p", { class: "hint" }, "Обратитесь к администратору электронного журнала вашего учреждения.")));
  return card;
}

/** The administrator keeps the support contact (PUT /admin/support), on «Учреждение». */
export async function supportEditCard(): Promise<HTMLElement> {
  let current: SupportContact = { name: "", phone: "", email: "", hours: "" };
  try {
    current = (await getJson<HelpInfo>("/help")).support;
  } catch {
    // an older server: the form still shows, and its refusal says so
  }
  const f = formView({
    testid: "support",
    submit: "Сохранить контакт",
    fields: [
      { name: "name", label: "Кто отвечает", value: current.name, hint: "Например: администратор электронного журнала Петров Иван Сергеевич" },
      { name: "phone", label: "Телефон", value: current.phone },
      { name: "email", label: "Электронная почта", value: current.email },
      { name: "hours", label: "Часы и место", value: current.hours, hint: "Например: пн–пт 9:00–17:00, каб. 214" },
    ],
    onSubmit: async (v) => {
      await sendJson("PUT", "/admin/support", { name: v.value("name"), phone: v.value("phone"), email: v.value("email"), hours: v.value("hours") });
      v.done("Контакт службы поддержки сохранён: его видят все пользователи в «Справке».", "support-saved");
    },
  });
  return h("section", { class: "card", "data-testid": "support-edit" }, h("h2", {}, "Служба поддержки"), h("p", { class: "hint" }, "Кому пользователи звонят и пишут с вопросами о журнале: показывается в «Справке» консоли, дневника и приложения."), f.form);
}

/** The «Предложение» form: anyone signed in writes to the administration. */
export function suggestionCard(screen: string): HTMLElement {
  const f = formView({
    testid: "suggestion",
    submit: "Отправить",
    fields: [{ name: "text", label: "Ваше предложение или сообщение о неудобстве", type: "textarea", required: true, hint: "Его прочитает администратор электронного журнала." }],
    fieldOfCode: { suggestion_empty: "text", suggestion_too_long: "text", suggestion_invalid_characters: "text", too_many_suggestions: "text" },
    onSubmit: async (v) => {
      await sendJson("POST", "/suggestions", { text: v.value("text"), screen });
      v.input("text").value = "";
      v.done("Предложение передано администрации. Спасибо!", "suggestion-sent");
    },
  });
  return h("section", { class: "card", "data-testid": "suggestion-card" }, h("h2", {}, "Предложение"), f.form);
}

/** What a user who is not the administrator sees: their role's guide and the «Предложение» form. */
export function roleHelp(user: UserInfo): HTMLElement[] {
  const guides = guidesFor(user.roles);
  return [
    ...guides.map((g) => h("section", { class: "card", "data-testid": "role-guide" }, h("h2", {}, g.title), guideBody(g))),
    supportCard(),
    suggestionCard("Консоль"),
  ];
}

/** «Предложения»: what users wrote, newest first; «Рассмотрено» marks one dealt with. */
export async function suggestionsScreen(main: HTMLElement): Promise<void> {
  const list = await getJson<SuggestionList>("/admin/suggestions");
  const onlyOpen = new URLSearchParams(location.search).get("all") !== "1";
  const rows = onlyOpen ? list.suggestions.filter((s) => !s.done) : list.suggestions;
  const slot = h("div", { "data-testid": "suggestions-action" });
  const mark = async (s: Suggestion) => {
    try {
      await sendJson("POST", `/admin/suggestions/${s.seq}/done`, {});
      main.replaceChildren();
      await suggestionsScreen(main);
    } catch (e) {
      slot.replaceChildren(notice("error", e instanceof Error ? e.message : String(e)));
    }
  };
  main.replaceChildren(
    h("h1", {}, "Предложения пользователей"),
    h("p", {}, `Не рассмотрено: ${list.open}. Всего: ${list.suggestions.length}. `, onlyOpen ? link("/suggestions?all=1", "Показать все", "suggestions-all") : link("/suggestions", "Только нерассмотренные", "suggestions-open")),
    slot,
    table(
      rows,
      [
        { title: "Когда", cell: (s) => ruDateTime(s.at) },
        { title: "От кого", cell: (s) => [s.author_name ?? "—", h("br"), h("small", { class: "hint" }, s.author_roles.map((r) => ROLE_NAMES[r] ?? r).join(", "))] },
        { title: "Раздел", cell: (s) => s.screen || "—" },
        { title: "Текст", cell: (s) => h("div", { class: "pre" }, s.text) },
        {
          title: "Состояние",
          cell: (s) => (s.done ? `рассмотрено ${s.done_at ? ruDateTime(s.done_at) : ""}${s.done_by_name ? `, ${s.done_by_name}` : ""}` : button("Рассмотрено", () => void mark(s), `suggestion-done-${s.seq}`, "link")),
        },
      ],
      onlyOpen ? "Нерассмотренных предложений нет." : "Предложений пока нет.",
      "suggestions",
    ),
  );
}
