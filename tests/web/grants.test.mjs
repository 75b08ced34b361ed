// Dated roles in «Пользователи» (issue 11 item 3) in a real Chromium, on the demo institution: the
// administrator is refused a second curator for a group (beside the group field), ends the old
// curator's role today, gives a teacher the group's curator role from tomorrow and ends it a month
// later; the list shows the roles with their days. An HR officer sees the staff only, creates a
// teacher and is refused making an administrator (beside the role field). A curator makes the login
// slips of their own group and is refused another group's (beside the group field).
// Screenshots target/e2e-screenshots/console-grants-*.png.

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Key } from "selenium-webdriver";
import { byTestId, choose, find, institutionDay, isoDate, open, screenshot, startBrowser, startDemoServer, type, waitFilled, waitText } from "./console.mjs";

const PROTOCOL = { "x-journal-protocol": "6" };
let server;
let driver;

before(async () => {
  server = await startDemoServer("web-grants-journal-server.log");
  driver = await startBrowser(mkdtempSync(path.join(tmpdir(), "journal-grants-downloads-")));
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

async function signIn(login, password) {
  const resp = await fetch(`${server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { ...PROTOCOL, "content-type": "application/json" },
    body: JSON.stringify({ login, password, device_id: crypto.randomUUID() }),
  });
  assert.equal(resp.status, 200, `${login} signs in`);
  return (await resp.json()).token;
}

async function api(token, method, route, body) {
  const resp = await fetch(`${server.url}/api/v1${route}`, {
    method,
    headers: { ...PROTOCOL, authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return resp;
}

/** A date field set as the browser's own picker would (its typed form depends on the locale). */
async function setDate(id, iso) {
  const el = await find(driver, id);
  await driver.executeScript("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', { bubbles: true }));", el, iso);
}

function ru(iso) {
  const [y, m, d] = iso.split("-");
  return `${d}.${m}.${y}`;
}

async function consoleSignIn(login, password) {
  await driver.get(server.url);
  await find(driver, "signin", 20000);
  await type(driver, "signin-login", login);
  await (await type(driver, "signin-password", password)).sendKeys(Key.ENTER);
  await find(driver, "header-user", 20000);
}

async function closeDialog() {
  await (await find(driver, "grants-dialog-close")).click();
  await driver.wait(async () => (await driver.findElements(byTestId("grants-dialog"))).length === 0, 10000, "the dialog closes");
  // The list is drawn again after the dialog: wait for the new one before clicking in it.
  await driver.sleep(500);
  await find(driver, "screen-users", 20000);
}

test("the administrator gives a curator's role from a date and ends it", async () => {
  const admin = await signIn("admin", "demo");
  const snap = (await (await api(admin, "GET", "/sync/snapshot")).json()).snapshot;
  const curator = snap.users.find((u) => u.login === "curator");
  const group = snap.groups.find((g) => g.curator_id === curator.id);
  assert.ok(group, "the demo curator has a group");
  const today = await institutionDay(server.url, "admin", "demo");
  const tomorrow = new Date(today.getTime() + 86400000);
  const monthOn = new Date(today.getTime() + 31 * 86400000);

  await consoleSignIn("admin", "demo");
  await open(driver, "users");

  // A second curator for the group is refused beside the group field.
  await (await find(driver, "grants-teacher3")).click();
  await find(driver, "grant-add", 20000);
  await choose(driver, "grant-add-role", "Куратор");
  await choose(driver, "grant-add-group", group.name);
  await setDate("grant-add-from", isoDate(tomorrow));
  await (await find(driver, "grant-add-submit")).click();
  const refusal = await waitFilled(driver, "grant-add-group-error");
  assert.match(refusal, /уже есть куратор/, `the overlap is refused beside the group: ${refusal}`);
  await screenshot(driver, "grants-refused");
  await closeDialog();

  // The old curator's role ends today.
  await (await find(driver, "grants-curator")).click();
  await find(driver, "grant-end", 20000);
  await choose(driver, "grant-end-grant", `Куратор (${group.name})`);
  await setDate("grant-end-until", isoDate(today));
  await (await find(driver, "grant-end-submit")).click();
  await waitText(driver, "grants", `по ${ru(isoDate(today))}`, 20000);
  await closeDialog();

  // teacher3 is the group's curator from tomorrow…
  await (await find(driver, "grants-teacher3")).click();
  await find(driver, "grant-add", 20000);
  await choose(driver, "grant-add-role", "Куратор");
  await choose(driver, "grant-add-group", group.name);
  await setDate("grant-add-from", isoDate(tomorrow));
  await (await find(driver, "grant-add-submit")).click();
  await waitText(driver, "grants", `Куратор (${group.name}) с ${ru(isoDate(tomorrow))}`, 20000);
  await waitText(driver, "grants", "ещё не началась");
  await screenshot(driver, "grants-given");

  // … and the role ends a month later.
  await choose(driver, "grant-end-grant", `Куратор (${group.name}) с ${ru(isoDate(tomorrow))}`);
  await setDate("grant-end-until", isoDate(monthOn));
  await (await find(driver, "grant-end-submit")).click();
  await waitText(driver, "grants", `с ${ru(isoDate(tomorrow))} по ${ru(isoDate(monthOn))}`, 20000);
  await screenshot(driver, "grants-ended");
  await closeDialog();
  await waitText(driver, "roles-teacher3", `по ${ru(isoDate(monthOn))}`, 20000);
  await screenshot(driver, "grants-list");

  // The server kept it, with the audit entries.
  const stored = await (await api(admin, "GET", `/admin/users/${snap.users.find((u) => u.login === "teacher3").id}/grants`)).json();
  assert.ok(
    stored.grants.some((g) => g.role === "curator" && g.from === isoDate(tomorrow) && g.until === isoDate(monthOn)),
    `the dated role is stored: ${JSON.stringify(stored)}`,
  );
  const audit = await (await api(admin, "GET", "/admin/audit?kind=user_grants_changed")).json();
  assert.equal(audit.total, 3, `three changes audited: ${JSON.stringify(audit)}`);
});

test("an HR officer keeps the staff list and is refused making an administrator", async () => {
  const admin = await signIn("admin", "demo");
  const created = await api(admin, "POST", "/admin/users", {
    login: "kadry",
    full_name: "Кадрова Анна Сергеевна",
    grants: [{ role: "hr_officer" }],
    password: "Pervyi-parol-2026",
  });
  assert.equal(created.status, 201, "the administrator creates the HR officer");
  const first = await signIn("kadry", "Pervyi-parol-2026");
  const changed = await api(first, "POST", "/auth/password", { old_password: "Pervyi-parol-2026", new_password: "Svoi-parol-2026" });
  assert.equal(changed.status, 204, "the HR officer sets their own password");

  await driver.manage().deleteAllCookies();
  await driver.get(`${server.url}/`);
  await driver.executeScript("localStorage.clear(); sessionStorage.clear();");
  await consoleSignIn("kadry", "Svoi-parol-2026");
  await open(driver, "users");
  await find(driver, "roles-teacher", 20000);
  assert.equal((await driver.findElements(byTestId("roles-admin"))).length, 0, "HR does not see the administrator");
  assert.equal((await driver.findElements(byTestId("roles-deputy"))).length, 0, "HR does not see the deputy");

  await type(driver, "user-new-full_name", "Новикова Вера Андреевна");
  await type(driver, "user-new-login", "novikova");
  await choose(driver, "user-new-role", "Преподаватель");
  await (await find(driver, "user-new-submit")).click();
  await find(driver, "password-shown", 20000);
  await (await find(driver, "password-shown-done")).click();
  await find(driver, "roles-novikova", 20000);

  await type(driver, "user-new-full_name", "Лишний Иван Иванович");
  await type(driver, "user-new-login", "lishnii");
  await choose(driver, "user-new-role", "Администратор");
  await (await find(driver, "user-new-submit")).click();
  const refusal = await waitFilled(driver, "user-new-role-error");
  assert.match(refusal, /назначает директор или администратор/, `refused beside the role: ${refusal}`);
  await screenshot(driver, "grants-hr");
  const list = await (await api(admin, "GET", "/admin/users")).json();
  assert.ok(!list.users.some((u) => u.login === "lishnii"), "the refused account was not created");
});

test("a curator makes their own group's login slips, not another group's", async () => {
  const admin = await signIn("admin", "demo");
  const snap = (await (await api(admin, "GET", "/sync/snapshot")).json()).snapshot;
  const curator = snap.users.find((u) => u.login === "teacher2");
  const own = snap.groups.find((g) => g.curator_id === curator.id);
  const other = snap.groups.find((g) => g.id !== own.id);

  await driver.get(`${server.url}/`);
  await driver.executeScript("localStorage.clear(); sessionStorage.clear();");
  await consoleSignIn("teacher2", "demo");
  await open(driver, "users");
  assert.equal((await driver.findElements(byTestId("user-new"))).length, 0, "a curator creates no staff accounts");
  await choose(driver, "slips-group", other.name);
  await choose(driver, "slips-who", "Студенты");
  await (await find(driver, "slips-submit")).click();
  const refusal = await waitFilled(driver, "slips-group-error");
  assert.match(refusal, /куратор этой группы/, `another group's slips are refused: ${refusal}`);
  await choose(driver, "slips-group", own.name);
  await (await find(driver, "slips-submit")).click();
  // Each slip's password is hashed on the server (slow on purpose): a whole group takes a while.
  await find(driver, "slips-ok", 200000);
  await screenshot(driver, "grants-curator-slips");
  await driver.navigate().refresh();
  await find(driver, "screen-users", 20000);
  await find(driver, "users", 20000);
  const list = await (await find(driver, "users")).getText();
  assert.ok(!list.includes("admin") && !list.includes("teacher3"), `a curator lists only their group's students and parents: ${list}`);
});
