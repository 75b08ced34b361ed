// «Пользователи»: accounts with roles and state, a new account, a password reset (the generated
// password shown once), deactivation, and the login slips (PDF) for a group's students and parents.

import { ApiFailure, download, getJson, sendJson } from "./api";
import { button, formView, h, notice, openDialog, saveBlob, table } from "./dom";
import { go } from "./main";
import { snapshot } from "./roster";
import type { Role, RoleGrant, UserListItem } from "./types";
import { ROLE_NAMES, STAFF_ROLES } from "./words";

/** A first password the administrator hands over (the user changes it at the first sign-in). */
function generatedPassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

function roleList(u: UserListItem, groups: Map<string, string>): string {
  return u.grants
    .map((g) => (g.role === "curator" && g.group_id ? `${ROLE_NAMES.curator} (${groups.get(g.group_id) || "группа"})` : ROLE_NAMES[g.role] || g.role))
    .filter((x, i, all) => all.indexOf(x) === i)
    .join(", ");
}

export async function usersScreen(main: HTMLElement): Promise<void> {
  const [list, snap] = await Promise.all([getJson<{ users: UserListItem[] }>("/admin/users"), snapshot()]);
  const groups = new Map(snap.groups.map((g) => [g.id, g.name]));
  const staff = list.users.filter((u) => !u.roles.every((r) => r === "student" || r === "parent"));
  const diary = list.users.length - staff.length;
  main.append(h("h1", {}, "Пользователи"));
  main.append(
    table(
      [...staff].sort((a, b) => a.full_name.localeCompare(b.full_name, "ru")),
      [
        { title: "ФИО", cell: (u) => u.full_name },
        { title: "Логин", cell: (u) => h("code", {}, u.login) },
        { title: "Роли", cell: (u) => roleList(u, groups) },
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
            u.active ? button("Отключить", () => void setActive(u, false), `deactivate-${u.login}`, "link") : button("Включить", () => void setActive(u, true), `reactivate-${u.login}`, "link"),
          ],
        },
      ],
      "Пользователей пока нет.",
      "users",
    ),
  );
  if (diary > 0) main.append(h("p", { class: "hint" }, `Учётных записей студентов и родителей: ${diary}.`));
  main.append(newUserCard(snap.groups.map((g) => ({ value: g.id, label: g.name }))));
  main.append(slipsCard(snap.groups.map((g) => ({ value: g.id, label: g.name }))));
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
      { name: "password", label: "Первый пароль", hint: "Пусто — придумает консоль; пользователь сменит его при первом входе" },
    ],
    fieldOfCode: { invalid_full_name: "full_name", invalid_login: "login", login_taken: "login", no_roles: "role", password_too_short: "password", unknown_group: "group", curator_group_required: "group" },
    onSubmit: async (v) => {
      const role = v.value("role") as Role;
      if (role === "curator" && !v.value("group")) throw new ApiFailure(400, "curator_group_required", "Укажите группу куратора");
      const grants: RoleGrant[] = [{ role, group_id: role === "curator" ? v.value("group") : null, student_id: null }];
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
    fieldOfCode: { unknown_group: "group" },
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
