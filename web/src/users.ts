// «Пользователи»: accounts with roles and state, a new account, a password reset (the generated
// password shown once), deactivation, and the login slips (PDF) for a group's students and parents.

import { ApiFailure, download, getJson, sendJson, currentUser } from "./api";
import { button, formView, h, notice, openDialog, saveBlob, table } from "./dom";
import { go } from "./main";
import type { Role, RoleGrant, UserGrants, UserListItem } from "./types";
import { ROLE_NAMES, STAFF_ROLES } from "./words";

/** A first password the administrator hands over (the user changes it at the first sign-in). */
function generatedPassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** «01.09.2026» from «2026-09-01». */
function ruDate(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}.${m}.${y}`;
}

/** A role in words with its days: «Куратор (ИС-21) с 01.09.2026 по 31.12.2026». */
export function grantWords(g: RoleGrant, groups: Map<string, string>): string {
  let words = g.role === "curator" && g.group_id ? `${ROLE_NAMES.curator} (${groups.get(g.group_id) || "группа"})` : ROLE_NAMES[g.role] || g.role;
  if (g.from) words += ` с ${ruDate(g.from)}`;
  if (g.until) words += ` по ${ruDate(g.until)}`;
  return words;
}

function roleList(u: UserListItem, groups: Map<string, string>): HTMLElement {
  const lines = u.grants.map((g) => grantWords(g, groups)).filter((x, i, all) => all.indexOf(x) === i);
  return h("span", { "data-testid": `roles-${u.login}` }, ...lines.flatMap((l, i) => (i ? [h("br"), l] : [l])));
}

export async function usersScreen(main: HTMLElement): Promise<void> {
  // The list names the groups (HR reads no journal, so has no snapshot of them).
  const [list, me] = await Promise.all([getJson<{ users: UserListItem[]; groups?: { id: string; name: string }[] }>("/admin/users"), currentUser()]);
  const groupList = list.groups ?? [];
  const groups = new Map(groupList.map((g) => [g.id, g.name]));
  const groupOptions = groupList.map((g) => ({ value: g.id, label: g.name }));
  // Staff addresses for notices are the administrator's to keep.
  const isAdmin = me.roles.includes("admin");
  const keepsStaff = me.roles.some((r) => r === "admin" || r === "hr_officer" || r === "director");
  // A curator keeps their group's students' and parents' accounts: those are their list.
  const staff = keepsStaff ? list.users.filter((u) => !u.roles.every((r) => r === "student" || r === "parent")) : list.users;
  const diary = list.users.length - staff.length;
  main.append(h("h1", {}, "Пользователи"));
  main.append(
    table(
      [...staff].sort((a, b) => a.full_name.localeCompare(b.full_name, "ru")),
      [
        { title: "ФИО", cell: (u) => u.full_name },
        { title: "Логин", cell: (u) => h("code", {}, u.login) },
        { title: "Роли", cell: (u) => roleList(u, groups) },
        { title: "Эл. почта", cell: (u) => (u.email ? h("span", { "data-testid": `email-${u.login}` }, u.email) : "") },
        {
          title: "Состояние",
          cell: (u) =>
            !u.active
              ? h("span", { class: "todo" }, "отключён")
              : !u.has_password
                ? h("span", { class: "todo" }, "пароль не выдан")
                : u.must_change_password
                  ? "ждёт смены пароля"
                  : "работает",
        },
        {
          title: "",
          cell: (u) => [
            button(u.has_password ? "Сбросить пароль" : "Выдать пароль", () => passwordDialog(u), `password-${u.login}`, "link"),
            " ",
            button("Роли", () => grantsDialog(u, groups, groupOptions), `grants-${u.login}`, "link"),
            ...(isAdmin ? [" ", button("Почта", () => emailDialog(u), `email-edit-${u.login}`, "link")] : []),
            " ",
            u.active ? button("Отключить", () => void setActive(u, false), `deactivate-${u.login}`, "link") : button("Включить", () => void setActive(u, true), `reactivate-${u.login}`, "link"),
          ],
        },
      ],
      "Пользователей пока нет.",
      "users",
    ),
  );
  if (diary > 0) main.append(h("p", { class: "hint" }, `Учётных записей студентов и родителей: ${diary}.`));
  // Staff accounts are the administrator's, HR's and (for the administration) the director's.
  if (keepsStaff) main.append(newUserCard(groupOptions));
  // Slips are the administrator's and the curators' (HR and the director keep staff, not logins).
  if (me.roles.some((r) => r === "admin" || r === "curator" || r === "department_head")) main.append(slipsCard(groupOptions));
}

async function setActive(u: UserListItem, active: boolean) {
  const slot = document.querySelector("[data-testid=users-action]") ?? h("div", { "data-testid": "users-action" });
  try {
    await sendJson("POST", `/admin/users/${u.id}/${active ? "reactivate" : "deactivate"}`, {});
    go("/users");
  } catch (e) {
    slot.replaceChildren(notice("error", `${u.full_name}: ${(e as Error).message}`));
    document.querySelector("[data-testid=screen-users] h1")?.after(slot);
  }
}

function newUserCard(groups: { value: string; label: string }[]): HTMLElement {
  const f = formView({
    testid: "user-new",
    submit: "Создать учётную запись",
    inline: true,
    fields: [
      { name: "full_name", label: "ФИО полностью", required: true, hint: "Например, Иванова Мария Петровна" },
      { name: "login", label: "Логин", required: true },
      { name: "role", label: "Роль", type: "select", value: "teacher", options: STAFF_ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] })) },
      { name: "group", label: "Группа куратора", type: "select", options: [{ value: "", label: "— для куратора —" }, ...groups] },
      { name: "from", label: "Роль с", type: "date", hint: "Пусто — без даты начала и без срока" },
      { name: "password", label: "Первый пароль", hint: "Пусто — придумает консоль; пользователь сменит его при первом входе" },
    ],
    fieldOfCode: { invalid_full_name: "full_name", invalid_login: "login", login_taken: "login", no_roles: "role", password_too_short: "password", unknown_group: "group", curator_group_required: "group", grant_not_allowed: "role", grant_group_id_required: "group", grant_group_id_unknown: "group", curator_overlap: "group" },
    onSubmit: async (v) => {
      const role = v.value("role") as Role;
      if (role === "curator" && !v.value("group")) throw new ApiFailure(400, "curator_group_required", "Укажите группу куратора");
      const from = v.value("from") || null;
      const grants: RoleGrant[] = [{ role, group_id: role === "curator" ? v.value("group") : null, student_id: null, from }];
      if (role === "curator") grants.push({ role: "teacher", group_id: null, student_id: null });
      const password = v.input("password").value || generatedPassword();
      await sendJson("POST", "/admin/users", { login: v.value("login"), full_name: v.value("full_name"), grants, password });
      shownOnce(`Учётная запись «${v.value("login")}» создана`, v.value("login"), password, () => go("/users"));
    },
  });
  return h("section", { class: "card" }, h("h2", {}, "Новая учётная запись"), f.form);
}

/** The password, shown once: the administrator hands it over; it is not shown again. */
function shownOnce(title: string, login: string, password: string, after: () => void) {
  openDialog(title, "password-shown", (close) => {
    const done = h("button", { type: "button", class: "primary", "data-testid": "password-shown-done", onclick: close }, "Пароль записан");
    const dialogBody = h(
      "div",
      {},
      h("p", {}, "Передайте пользователю логин и пароль. Пароль показывается один раз; при первом входе пользователь сменит его на свой."),
      h("dl", { class: "facts" }, h("dt", {}, "Логин"), h("dd", {}, h("code", { "data-testid": "shown-login" }, login)), h("dt", {}, "Пароль"), h("dd", {}, h("code", { class: "secret", "data-testid": "shown-password" }, password))),
      h("div", { class: "actions" }, done),
    );
    setTimeout(() => done.focus(), 0);
    return dialogBody;
    // The list behind the dialog shows the new state once the dialog closes.
  }, after);
}

/** A staff member's e-mail for notices of new messages; empty removes it. */
function emailDialog(u: UserListItem) {
  openDialog(`Эл. почта: ${u.full_name}`, "email-dialog", (close) => {
    const f = formView({
      testid: "staff-email",
      submit: "Сохранить",
      fields: [{ name: "email", label: "Электронная почта", value: u.email ?? "", hint: "На этот адрес придут извещения о новых сообщениях в журнале. Пусто — не присылать" }],
      fieldOfCode: { invalid_email: "email", forbidden_character: "email" },
      onSubmit: async (v) => {
        await sendJson("PUT", `/admin/users/${u.id}/email`, { email: v.value("email") });
        close();
        go("/users");
      },
    });
    return f.form;
  });
}

function passwordDialog(u: UserListItem) {
  openDialog(`Пароль: ${u.full_name}`, "reset-dialog", (close) => {
    const f = formView({
      testid: "reset",
      submit: "Сбросить пароль",
      fields: [{ name: "password", label: "Новый пароль", hint: "Пусто — сервер придумает пароль сам" }],
      fieldOfCode: { password_too_short: "password", own_password_via_admin: "password" },
      onSubmit: async (v) => {
        const given = v.input("password").value;
        const r = await sendJson<{ password?: string } | null>("POST", `/admin/users/${u.id}/password`, given ? { new_password: given } : {});
        close();
        shownOnce(`Новый пароль: ${u.full_name}`, u.login, r?.password || given, () => go("/users"));
      },
    });
    return f.form;
  });
}

function slipsCard(groups: { value: string; label: string }[]): HTMLElement {
  const result = h("div", { "data-testid": "slips-result" });
  const f = formView({
    testid: "slips",
    submit: "Сформировать листки (PDF)",
    inline: true,
    fields: [
      { name: "group", label: "Группа", type: "select", required: true, options: groups },
      { name: "who", label: "Для кого", type: "select", value: "both", options: [{ value: "students", label: "Студенты" }, { value: "parents", label: "Родители" }, { value: "both", label: "Студенты и родители" }] },
    ],
    fieldOfCode: { unknown_group: "group", forbidden: "group" },
    onSubmit: async (v) => {
      const pdf = await download("POST", "/admin/logins/slips", { group_id: v.value("group"), who: v.value("who") });
      const name = `логины-${groups.find((g) => g.value === v.value("group"))?.label || "группа"}.pdf`;
      const url = URL.createObjectURL(pdf);
      result.replaceChildren(
        notice("ok", "Листки сформированы. В каждом — логин и первый пароль; при первом входе пароль меняется.", "slips-ok"),
        h("a", { href: url, target: "_blank", rel: "noopener", "data-testid": "slips-open" }, "Открыть PDF"),
        " ",
        button("Сохранить PDF", () => saveBlob(pdf, name), "slips-save"),
      );
    },
  });
  return h(
    "section",
    { class: "card" },
    h("h2", {}, "Логины для студентов и родителей"),
    h("p", { class: "hint" }, groups.length ? "Листки с логином и первым паролем для каждого студента и родителя группы; недостающие учётные записи создаются." : "Сначала создайте группы и зачислите студентов."),
    groups.length ? f.form : null,
    result,
  );
}

/** «Роли»: the user's roles with their days; a role is given from a date and ended on a last
 * day (never deleted: the audit and old journals keep who held it). The server decides who may
 * give which role; its refusal appears beside the field it concerns. */
function grantsDialog(u: UserListItem, groups: Map<string, string>, groupOptions: { value: string; label: string }[]) {
  openDialog(`Роли: ${u.full_name}`, "grants-dialog", () => {
    const body = h("div", { "data-testid": "grants-body" }, h("p", {}, "Загрузка…"));
    void (async () => {
      let current: UserGrants;
      try {
        current = await getJson<UserGrants>(`/admin/users/${u.id}/grants`);
      } catch (e) {
        body.replaceChildren(notice("error", (e as Error).message, "grants-error"));
        return;
      }
      const plain = (): RoleGrant[] => current.grants.map(({ role, group_id, student_id, from, until }) => ({ role, group_id, student_id, from, until }));
      const save = async (grants: RoleGrant[]) => {
        current = await sendJson<UserGrants>("PUT", `/admin/users/${u.id}/grants`, { grants });
        render();
      };
      const render = () => {
        const state = (g: UserGrants["grants"][number]) =>
          g.in_force ? "действует" : g.until && g.until < current.today ? h("span", { class: "todo" }, "завершена") : "ещё не началась";
        const list = table(
          current.grants,
          [
            { title: "Роль и срок", cell: (g) => grantWords(g, groups) },
            { title: "Сегодня", cell: (g) => state(g) },
          ],
          "Ролей нет.",
          "grants",
        );
        const endForm = formView({
          testid: "grant-end",
          submit: "Завершить роль",
          inline: true,
          fields: [
            { name: "grant", label: "Роль", type: "select", options: current.grants.map((g, i) => ({ value: String(i), label: grantWords(g, groups) })) },
            { name: "until", label: "Последний день", type: "date", required: true, value: current.today },
          ],
          fieldOfCode: { grant_term_reversed: "until", grant_not_allowed: "grant", no_roles: "grant" },
          onSubmit: async (v) => {
            const grants = plain();
            const i = Number(v.value("grant"));
            grants[i] = { ...grants[i], until: v.value("until") };
            await save(grants);
          },
        });
        const addForm = formView({
          testid: "grant-add",
          submit: "Назначить роль",
          inline: true,
          fields: [
            { name: "role", label: "Роль", type: "select", value: "curator", options: STAFF_ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] })) },
            { name: "group", label: "Группа куратора", type: "select", options: [{ value: "", label: "— для куратора —" }, ...groupOptions] },
            { name: "from", label: "С", type: "date", value: current.today },
            { name: "until", label: "По", type: "date", hint: "Пусто — без срока" },
          ],
          fieldOfCode: { grant_term_reversed: "until", grant_not_allowed: "role", grant_group_id_required: "group", grant_group_id_unknown: "group", curator_overlap: "group" },
          onSubmit: async (v) => {
            const role = v.value("role") as Role;
            const grant: RoleGrant = { role, group_id: role === "curator" ? v.value("group") || null : null, student_id: null, from: v.value("from") || null, until: v.value("until") || null };
            await save([...plain(), grant]);
          },
        });
        body.replaceChildren(
          h("p", { class: "hint" }, `Сегодня ${ruDate(current.today)}. Роль не удаляется, а завершается: в журнале действий и в журналах остаётся, кто её исполнял.`),
          list,
          ...(current.grants.length ? [h("section", { class: "card" }, h("h3", {}, "Завершить роль"), endForm.form)] : []),
          h("section", { class: "card" }, h("h3", {}, "Назначить роль"), addForm.form),
        );
      };
      render();
    })();
    return body;
  }, () => go("/users"));
}
