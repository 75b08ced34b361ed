// The administrator's console: sign-in, the forced first-password change, the header (institution
// and user), the sections' menu and the screens by path (journal-server answers every non-API path
// with this page, so a screen's address can be opened or reloaded directly).

import { remarksScreen } from "./remarks";
import { notesScreen } from "./notes";
import { archiveScreen, rolloverScreen } from "./rollover";
import "./style.css";
import { ApiFailure, getJson, login, onSessionEvents, sendJson, setToken, token, currentUser } from "./api";
import { formView, h, notice } from "./dom";
import type { Institution, Role, UserInfo } from "./types";
import { readinessScreen, institutionScreen, yearScreen } from "./setup";
import { mailScreen } from "./mail";
import { groupsScreen, studentsScreen, loadsScreen } from "./roster";
import { usersScreen } from "./users";
import { importScreen } from "./import";
import { auditScreen, backupsScreen } from "./service";
import { helpScreen, roleHelp, suggestionsScreen } from "./help";
import { bellsScreen, departmentsScreen, roomsScreen, subjectsScreen } from "./reference";
import { curriculumScreen } from "./curriculum";
import { controlScreen, reportsScreen } from "./reports";
import { diaryScreen, parentsScreen, resultsScreen } from "./diary";
import { eventsScreen } from "./events";
import { controlWorksScreen } from "./controlworks";
import { contactsScreen } from "./contacts";
import { healthScreen } from "./health";
import { messagesScreen, showUnread } from "./messages";
import { plansScreen } from "./plans";

export interface Screen {
  path: string;
  title: string;
  render: (main: HTMLElement) => Promise<void>;
  /** Who sees the screen in the menu and may open it; absent means the administrator only. */
  roles?: Role[];
}

/** Every role: the screens everybody has (their own password, their role's guide). */
const EVERYONE: Role[] = ["director", "deputy", "department_head", "curator", "teacher", "social_pedagogue", "hr_officer", "admin", "inspector", "control_group", "student", "parent"];

/** Who reads the control reports in the console (journal-core's ReadReports decides what each sees). */
const REPORT_READERS: Role[] = ["deputy", "director", "admin", "department_head", "curator", "control_group"];

const SCREENS: Screen[] = [
  { path: "/", title: "Готовность данных", render: readinessScreen },
  { path: "/institution", title: "Учреждение", render: institutionScreen },
  { path: "/year", title: "Учебный год", render: yearScreen },
  { path: "/rollover", title: "Новый учебный год", render: rolloverScreen },
  { path: "/bells", title: "Звонки и режим", render: bellsScreen },
  { path: "/subjects", title: "Предметы", render: subjectsScreen },
  { path: "/rooms", title: "Кабинеты", render: roomsScreen },
  { path: "/departments", title: "Цикловые комиссии", render: departmentsScreen },
  { path: "/groups", title: "Группы", render: groupsScreen },
  { path: "/students", title: "Студенты", render: studentsScreen },
  { path: "/loads", title: "Нагрузка", render: loadsScreen },
  { path: "/curriculum", title: "Учебный план", render: curriculumScreen },
  // HR keeps the staff list here (the server lists and lets them change staff only).
  { path: "/users", title: "Пользователи", render: usersScreen, roles: ["admin", "hr_officer"] },
  { path: "/import", title: "Импорт", render: importScreen },
  { path: "/backups", title: "Резервные копии", render: backupsScreen },
  { path: "/mail", title: "Почтовый сервер", render: mailScreen },
  { path: "/audit", title: "Журнал действий", render: auditScreen },
  { path: "/suggestions", title: "Предложения", render: suggestionsScreen },
  { path: "/help", title: "Справка", render: helpScreen },
  { path: "/control", title: "Контроль ведения журнала", render: controlScreen, roles: REPORT_READERS },
  { path: "/reports", title: "Отчёты", render: reportsScreen, roles: REPORT_READERS },
  { path: "/control-works", title: "График контрольных работ", render: controlWorksScreen, roles: ["admin", "deputy", "director", "department_head", "curator"] },
  { path: "/remarks", title: "Замечания", render: remarksScreen, roles: ["deputy", "director", "department_head", "control_group", "curator"] },
  { path: "/archive", title: "Архив учебных лет", render: archiveScreen, roles: ["admin", "deputy", "director"] },
  { path: "/diary", title: "Дневник", render: diaryScreen, roles: ["student", "parent"] },
  { path: "/results", title: "Успеваемость", render: resultsScreen, roles: ["student", "parent"] },
  { path: "/parents", title: "Родители", render: parentsScreen, roles: ["curator", "deputy", "director", "admin"] },
  { path: "/events", title: "События", render: eventsScreen, roles: ["curator", "deputy", "director", "admin"] },
  { path: "/contacts", title: "Контакты", render: contactsScreen, roles: ["curator", "deputy", "admin"] },
  { path: "/health", title: "Листок здоровья", render: healthScreen, roles: ["curator", "deputy", "director", "department_head", "admin"] },
  // The director assigns the administrator (and the administration) in «Пользователи», a curator
  // gives their group's students and parents logins there; their start page stays the control, so
  // the line comes after it.
  { path: "/users", title: "Пользователи", render: usersScreen, roles: ["director", "curator"] },
  // A user's first allowed screen is their start page: «Пароль и справка» (the role's guide) for a
  // role with no screen of its own, such as a teacher; «Сообщения», everyone's, comes after it.
  { path: "/me", title: "Пароль и справка", render: ownScreen, roles: EVERYONE.filter((r) => r !== "admin") },
  // After «Пароль и справка»: a teacher's start page stays the guide.
  { path: "/notes", title: "Замечания родителям", render: notesScreen, roles: ["curator", "teacher"] },
  // A teacher reads the sheets of the groups they teach (a PE teacher the medical groups).
  { path: "/health", title: "Листок здоровья", render: healthScreen, roles: ["teacher"] },
  { path: "/plans", title: "КТП", render: plansScreen, roles: ["teacher", "deputy", "director"] },
  // A teacher reads the works scheduled for their loads (after their start page, the guide).
  { path: "/control-works", title: "График контрольных работ", render: controlWorksScreen, roles: ["teacher"] },
  { path: "/messages", title: "Сообщения", render: messagesScreen, roles: EVERYONE },
];

/** The screens `u` may open, in the menu's order. */
function screensOf(u: UserInfo): Screen[] {
  // A screen listed twice (at two places in the order, for different roles) shows once, at the
  // first place one of the user's roles gives it.
  const seen = new Set<string>();
  return SCREENS.filter((s) => (s.roles ?? ["admin"]).some((r) => u.roles.includes(r))).filter((s) => {
    if (seen.has(s.path)) return false;
    seen.add(s.path);
    return true;
  });
}

/** «Пароль и справка»: what every user who is not the administrator has in the console. */
async function ownScreen(body: HTMLElement): Promise<void> {
  body.append(
    h("h1", {}, "Пароль и справка"),
    notice("info", "Журнал ведётся в приложении преподавателя; здесь можно сменить свой пароль, прочитать памятку своей роли и написать администрации.", "not-admin"),
    h("button", { type: "button", "data-testid": "own-password", onclick: () => passwordScreen() }, "Сменить пароль"),
    ...(user ? roleHelp(user) : []),
  );
}

const header = document.getElementById("app-header")!;
const nav = document.getElementById("app-nav")!;
const main = document.getElementById("app-main")!;

let user: UserInfo | null = null;
let institutionName = "";
let mustChangePassword = false;
/** The user changed the password in this visit (shown once on the next screen). */
let passwordChanged = false;

function isAdmin(u: UserInfo): boolean {
  return u.roles.includes("admin");
}

/** Opens the screen at `path` (a console path or "/"), adding it to the browser's history. */
export function go(path: string): void {
  if (location.pathname + location.search !== path) history.pushState(null, "", path);
  void route();
}

/** A link to a console screen that opens without reloading the page. */
export function link(path: string, text: string, testid?: string): HTMLAnchorElement {
  const a = h("a", { href: path, "data-testid": testid }, text);
  a.addEventListener("click", (e) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    go(path);
  });
  return a;
}

function renderHeader(): void {
  header.replaceChildren();
  const brand = h("div", { class: "brand" }, h("span", { class: "brand-title" }, consoleTitle()), institutionName ? h("span", { class: "brand-inst", "data-testid": "header-institution" }, institutionName) : null);
  header.append(brand);
  if (user) {
    header.append(
      h(
        "div",
        { class: "who" },
        h("span", { "data-testid": "header-user" }, user.full_name),
        h("button", { type: "button", class: "link", "data-testid": "sign-out", onclick: () => void signOut() }, "Выйти"),
      ),
    );
  }
}

/** The console's name in the header and the window title: the administrator's, or the journal's. */
function consoleTitle(): string {
  // Before sign-in it may be anyone (a parent on a phone too): the journal's name.
  return user && isAdmin(user) ? "Консоль администратора" : "Электронный журнал";
}

function renderNav(current: string): void {
  nav.replaceChildren();
  if (!user || mustChangePassword) return;
  const screens = screensOf(user);
  if (screens.length < 2) return;
  const list = h("ul");
  for (const s of screens) {
    const a = link(s.path, s.title, `nav-${s.path === "/" ? "readiness" : s.path.slice(1)}`);
    if (s.path === current) a.setAttribute("aria-current", "page");
    if (s.path === "/messages") void showUnread(a);
    list.append(h("li", {}, a));
  }
  nav.append(list);
}

/** Counts route() calls: a screen still loading when another is opened is not shown. */
let routeGeneration = 0;

async function route(): Promise<void> {
  const generation = ++routeGeneration;
  renderHeader();
  if (!user) {
    renderNav("");
    return signInScreen();
  }
  if (mustChangePassword) {
    renderNav("");
    return passwordScreen();
  }
  const allowed = screensOf(user);
  const screen = allowed.find((s) => s.path === location.pathname) ?? allowed[0];
  if (!screen) {
    main.replaceChildren(notice("error", "Для вашей роли в консоли нет разделов.", "no-screens"));
    return;
  }
  renderNav(screen.path);
  document.title = `${screen.title} — ${consoleTitle().toLowerCase()}`;
  main.replaceChildren(h("p", { class: "loading" }, "Загрузка…"));
  const body = h("div", { class: "screen", "data-testid": `screen-${screen.path === "/" ? "readiness" : screen.path.slice(1)}` });
  if (passwordChanged) {
    body.append(notice("ok", "Пароль изменён.", "password-changed"));
    passwordChanged = false;
  }
  try {
    await screen.render(body);
  } catch (e) {
    body.replaceChildren(h("h1", {}, screen.title), notice("error", e instanceof ApiFailure ? e.message : "Экран не открылся: обновите страницу", "screen-error"));
  }
  if (generation !== routeGeneration) return;
  main.replaceChildren(body);
  // Without scrolling: on a phone the header and the menu stay in view above the screen.
  main.focus({ preventScroll: true });
}

function signInScreen(): void {
  document.title = "Вход — электронный журнал";
  const f = formView({
    testid: "signin",
    submit: "Войти",
    fields: [
      { name: "login", label: "Логин", required: true, autocomplete: "username" },
      { name: "password", label: "Пароль", type: "password", required: true, autocomplete: "current-password" },
    ],
    fieldOfCode: { bad_credentials: "password", login_locked: "login", user_deactivated: "login" },
    onSubmit: async (v) => {
      const r = await login(v.value("login"), v.input("password").value);
      setToken(r.token);
      user = r.user;
      mustChangePassword = !!(r.user.must_change_password ?? r.must_change_password);
      await loadInstitution();
      await route();
    },
  });
  main.replaceChildren(h("section", { class: "card narrow" }, h("h1", {}, "Вход"), h("p", {}, "Войдите под своей учётной записью электронного журнала: администратор, сотрудник, студент или родитель."), f.form));
  f.input("login").focus();
}

function passwordScreen(): void {
  document.title = "Смена пароля — консоль администратора";
  const f = formView({
    testid: "password",
    submit: "Сменить пароль",
    fields: [
      { name: "old", label: mustChangePassword ? "Выданный пароль" : "Текущий пароль", type: "password", required: true, autocomplete: "current-password" },
      { name: "new", label: "Новый пароль", type: "password", required: true, autocomplete: "new-password" },
      { name: "repeat", label: "Новый пароль ещё раз", type: "password", required: true, autocomplete: "new-password" },
    ],
    fieldOfCode: { bad_old_password: "old", password_too_short: "new", password_mismatch: "repeat" },
    onSubmit: async (v) => {
      if (v.input("new").value !== v.input("repeat").value) {
        throw new ApiFailure(400, "password_mismatch", "Новый пароль и повтор не совпадают");
      }
      await sendJson("POST", "/auth/password", { old_password: v.input("old").value, new_password: v.input("new").value });
      mustChangePassword = false;
      passwordChanged = true;
      await route();
    },
  });
  main.replaceChildren(
    h(
      "section",
      { class: "card narrow", "data-testid": "screen-password" },
      h("h1", {}, "Смена пароля"),
      h(
        "p",
        {},
        mustChangePassword
          ? "Пароль выдан администратором и действует только для первого входа. Придумайте свой пароль: без этого работа в журнале недоступна."
          : "Введите текущий пароль и новый; другие входы под вашей учётной записью будут завершены.",
      ),
      f.form,
    ),
  );
  f.input("old").focus();
}

async function loadInstitution(): Promise<void> {
  if (!user || !isAdmin(user) || mustChangePassword) return;
  try {
    institutionName = (await getJson<Institution>("/admin/institution")).name;
  } catch {
    // An older server without /admin/institution: the snapshot names the institution.
    try {
      institutionName = (await getJson<{ snapshot: { institution: { name: string } } }>("/sync/snapshot")).snapshot.institution.name;
    } catch {
      institutionName = "";
    }
  }
}

async function signOut(): Promise<void> {
  try {
    if (token()) await sendJson("POST", "/auth/logout", {});
  } catch {
    // the session may already be over on the server
  }
  setToken(null);
  user = null;
  institutionName = "";
  mustChangePassword = false;
  history.replaceState(null, "", "/");
  await route();
}

/** The header's institution name after the administrator renames it. */
export function refreshInstitutionName(name: string): void {
  institutionName = name;
  renderHeader();
}

// Whenever the server says the password must change, that screen comes before anything else.
onSessionEvents({
  passwordChange: () => {
    if (!mustChangePassword) {
      mustChangePassword = true;
      void route();
    }
  },
  signedOut: () => {
    setToken(null);
    user = null;
    void route();
  },
});

window.addEventListener("popstate", () => void route());

async function start(): Promise<void> {
  if (token()) {
    try {
      const me = await currentUser();
      user = me;
      mustChangePassword = !!me.must_change_password;
      await loadInstitution();
    } catch (e) {
      if (!(e instanceof ApiFailure && e.code === "password_change_required")) setToken(null);
    }
  }
  await route();
}

void start();
