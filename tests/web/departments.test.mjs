// «Цикловые комиссии» on the demo institution: the administrator makes «ПЦК информационных
// технологий» with its председатель and two teachers (a repeated name refused beside its field),
// reloads and sees it, renames and removes another комиссия; then the председатель, given the role
// «Заведующий отделением», signs in and the reports screen offers and shows only the teachers of
// their комиссия (and their own loads). Screenshots target/e2e-screenshots/console-departments*.png.

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { By, Key } from "selenium-webdriver";
import { byTestId, choose, find, open, screenshot, startBrowser, startDemoServer, type, waitFilled, waitText } from "./console.mjs";

const PROTOCOL = { "x-journal-protocol": "6" };
const NAME = "ПЦК информационных технологий";
// The demo's teachers (logins teacher3, teacher4, teacher7; password «demo»).
const HEAD = { login: "teacher7", name: "Ершова Татьяна Геннадьевна" };
const MEMBERS = [
  { login: "teacher3", name: "Морозова Ольга Дмитриевна" },
  { login: "teacher4", name: "Лебедева Анна Павловна" },
];

let server;
let driver;

before(async () => {
  server = await startDemoServer("web-departments-journal-server.log");
  driver = await startBrowser(mkdtempSync(path.join(tmpdir(), "journal-departments-dl-")));
  await driver.get(server.url);
  await signIn("admin");
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

async function signIn(login) {
  await find(driver, "signin", 20000);
  await type(driver, "signin-login", login);
  await (await type(driver, "signin-password", "demo")).sendKeys(Key.ENTER);
  await find(driver, "header-user", 20000);
}

async function token(login) {
  const resp = await fetch(`${server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { ...PROTOCOL, "content-type": "application/json" },
    body: JSON.stringify({ login, password: "demo", device_id: crypto.randomUUID() }),
  });
  assert.equal(resp.status, 200, `${login} signs in over the API`);
  return (await resp.json()).token;
}

async function api(tok, method, route, body) {
  const resp = await fetch(`${server.url}/api/v1${route}`, {
    method,
    headers: { ...PROTOCOL, authorization: `Bearer ${tok}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await resp.text();
  assert.ok(resp.ok, `${method} ${route}: ${resp.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** The visible names of the options of a select. */
async function optionNames(id) {
  const select = await find(driver, id);
  return Promise.all((await select.findElements(By.css("option"))).map(async (o) => (await o.getText()).trim()));
}

test("the administrator makes a комиссия with its председатель and teachers", async () => {
  await open(driver, "departments");
  await find(driver, "departments-empty");
  await type(driver, "department-new-name", NAME);
  await choose(driver, "department-new-head", HEAD.name);
  for (const m of MEMBERS) await (await find(driver, `department-new-teacher-${m.login}`)).click();
  await screenshot(driver, "departments-new");
  await (await find(driver, "department-new-submit")).click();
  await waitText(driver, "departments", NAME, 20000);

  // The same name again (in other letters' case) is refused beside the name.
  await type(driver, "department-new-name", NAME.toLowerCase());
  await (await find(driver, "department-new-submit")).click();
  const refusal = await waitFilled(driver, "department-new-name-error");
  assert.match(refusal, /уже есть/, `a repeated name is refused beside its field: «${refusal}»`);

  // After a reload the list still shows it with its председатель and teachers.
  await driver.navigate().refresh();
  await find(driver, "screen-departments", 20000);
  const list = await waitText(driver, "departments", NAME, 20000);
  for (const who of [HEAD, ...MEMBERS]) assert.ok(list.includes(who.name), `the list names ${who.name}: «${list}»`);
  assert.match(list, /нет роли «Заведующий отделением»/, `the председатель's missing role is pointed out: «${list}»`);
  await screenshot(driver, "departments");

  const admin = await token("admin");
  const stored = (await api(admin, "GET", "/admin/departments")).departments;
  assert.equal(stored.length, 1, "one комиссия is stored");
  const users = (await api(admin, "GET", "/sync/snapshot")).snapshot.users;
  const id = (login) => users.find((u) => u.login === login).id;
  assert.equal(stored[0].head_id, id(HEAD.login), "its председатель is stored");
  assert.deepEqual([...stored[0].teacher_ids].sort(), MEMBERS.map((m) => id(m.login)).sort(), "its two teachers are stored");
});

test("a комиссия is renamed in a dialog and removed", async () => {
  await type(driver, "department-new-name", "МО общеобразовательных дисциплин");
  await (await find(driver, "department-new-submit")).click();
  await waitText(driver, "departments", "МО общеобразовательных дисциплин", 20000);
  const admin = await token("admin");
  const other = (await api(admin, "GET", "/admin/departments")).departments.find((d) => d.name.startsWith("МО "));
  await (await find(driver, `department-edit-${other.id}`)).click();
  await find(driver, "department-dialog");
  // Renamed to the first one's name: refused beside the field, in the dialog.
  await type(driver, "department-edit-name", NAME);
  await (await find(driver, "department-edit-submit")).click();
  const refusal = await waitFilled(driver, "department-edit-name-error");
  assert.match(refusal, /уже есть/, `the rename to a taken name is refused beside its field: «${refusal}»`);
  await type(driver, "department-edit-name", "ПЦК общеобразовательных дисциплин");
  await (await find(driver, "department-edit-submit")).click();
  await waitText(driver, "departments", "ПЦК общеобразовательных дисциплин", 20000);
  const renamed = (await api(admin, "GET", "/admin/departments")).departments;
  assert.ok(renamed.some((d) => d.id === other.id && d.name === "ПЦК общеобразовательных дисциплин"), "the rename keeps the id");

  await (await find(driver, `department-remove-${other.id}`)).click();
  await (await find(driver, "department-remove-confirm")).click();
  await driver.wait(
    async () => {
      try {
        return !(await (await driver.findElement(byTestId("departments"))).getText()).includes("общеобразовательных");
      } catch {
        return false; // the screen is being drawn again
      }
    },
    20000,
    "the removed комиссия leaves the list",
  );
  const left = (await api(admin, "GET", "/admin/departments")).departments;
  assert.deepEqual(left.map((d) => d.name), [NAME], "only the first комиссия is left");
});

test("the председатель's reports offer and show only the teachers of the комиссия", async () => {
  // The role comes from «Пользователи» (its own browser test); here over the API.
  const admin = await token("admin");
  const users = (await api(admin, "GET", "/sync/snapshot")).snapshot.users;
  const headId = users.find((u) => u.login === HEAD.login).id;
  const { grants } = await api(admin, "GET", `/admin/users/${headId}/grants`);
  await api(admin, "PUT", `/admin/users/${headId}/grants`, {
    grants: [...grants.map(({ role, group_id, student_id, from, until }) => ({ role, group_id, student_id, from, until })), { role: "department_head" }],
  });
  await driver.navigate().refresh();
  await find(driver, "screen-departments", 20000);
  const list = await (await find(driver, "departments")).getText();
  assert.doesNotMatch(list, /нет роли/, `with the role given the list stops pointing it out: «${list}»`);

  await (await find(driver, "sign-out")).click();
  await signIn(HEAD.login);
  await open(driver, "reports");
  const allowed = new Set([HEAD.name, ...MEMBERS.map((m) => m.name)]);
  const offered = (await optionNames("report-filter-teacher")).filter((n) => n !== "— все —");
  for (const m of MEMBERS) assert.ok(offered.includes(m.name), `the filter offers ${m.name}: ${offered.join(", ")}`);
  assert.ok(offered.every((n) => allowed.has(n)), `the filter offers only the комиссия's teachers: ${offered.join(", ")}`);

  await choose(driver, "report-filter-kind", "Успеваемость и качество знаний");
  await (await find(driver, "report-filter-submit")).click();
  await waitText(driver, "report-title", "Успеваемость и качество знаний", 20000);
  const byTeacher = await driver.executeScript(
    "const s = Array.from(document.querySelectorAll('.report-table')).find((x) => x.querySelector('h2')?.textContent === 'По преподавателям'); return s ? Array.from(s.querySelectorAll('tbody tr td:first-child')).map((td) => td.textContent.trim()) : null",
  );
  assert.ok(byTeacher && byTeacher.length > 0, "the report has rows by teacher");
  assert.ok(byTeacher.every((n) => allowed.has(n)), `the report shows only the комиссия's teachers: ${byTeacher.join(", ")}`);
  assert.ok(MEMBERS.some((m) => byTeacher.includes(m.name)), `the report shows the комиссия's teachers: ${byTeacher.join(", ")}`);

  // A teacher outside the комиссия is refused over the API too.
  const head = await token(HEAD.login);
  const outsider = users.find((u) => u.login === "teacher").id;
  const resp = await fetch(`${server.url}/api/v1/reports/progress?teacher=${outsider}`, { headers: { ...PROTOCOL, authorization: `Bearer ${head}` } });
  assert.equal(resp.status, 403, "the председатель may not read another teacher's report");
  await driver.executeScript(
    "Array.from(document.querySelectorAll('.report-table h2')).find((x) => x.textContent === 'По преподавателям').scrollIntoView({ block: 'start' })",
  );
  await screenshot(driver, "departments-head-reports");

  // «Замечания»: the form offers only the комиссия's teachers' loads (the server takes no other).
  await open(driver, "remarks");
  const loads = (await optionNames("remark-load")).filter((n) => n.trim() !== "");
  assert.ok(loads.length > 0, "the председатель may write remarks on their комиссия's loads");
  assert.ok(loads.every((n) => [...allowed].some((name) => n.endsWith(name))),
    `only the комиссия's teachers' loads are offered: ${loads.join("; ")}`);
});
