// The console's screens over the administrator's service endpoints (readiness, policy, backups,
// audit, login slips): where the server has the endpoint, the screen does its work; where an older
// server has not, the screen says so in Russian instead of breaking. Each case asks the server first.

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { By, Key, until } from "selenium-webdriver";
import { choose, find, open, screenshot, startBrowser, startFirstDayServer, type, waitFilled } from "./console.mjs";

let server;
let driver;
let token;

const PROTOCOL = { "x-journal-protocol": "6" };

async function api(method, route, body) {
  const resp = await fetch(`${server.url}/api/v1${route}`, {
    method,
    headers: { ...PROTOCOL, authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return resp;
}

/** Whether this server has the route (an unknown one is a JSON 404 `not_found`). */
async function has(method, route, body) {
  const resp = await api(method, route, body);
  if (resp.status !== 404) return true;
  const err = await resp.json().catch(() => ({}));
  return err.code !== "not_found";
}

before(async () => {
  server = await startFirstDayServer({ institution: "ГБПОУ «Тестовый колледж сервиса»", adminPassword: "Admin-screens-2026" });
  const resp = await fetch(`${server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { ...PROTOCOL, "content-type": "application/json" },
    body: JSON.stringify({ login: "admin", password: server.adminPassword, device_id: "6f1c1e3a-5a2b-4c7d-9e8f-0a1b2c3d4e5f" }),
  });
  assert.equal(resp.status, 200, "the administrator signs in over the API");
  token = (await resp.json()).token;
  driver = await startBrowser(mkdtempSync(path.join(tmpdir(), "journal-web-dl-")));
  await driver.get(server.url);
  await type(driver, "signin-login", "admin");
  await (await type(driver, "signin-password", server.adminPassword)).sendKeys(Key.ENTER);
  await find(driver, "header-user", 20000);
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

const MISSING = /нет этой функции/;

test("«Готовность данных» lists what is done and links each open item to its screen", async () => {
  await open(driver, "readiness");
  if (!(await has("GET", "/admin/readiness"))) {
    assert.match(await waitFilled(driver, "readiness-error"), MISSING);
    return;
  }
  const rows = await (await find(driver, "readiness")).findElements(By.css("tbody tr"));
  assert.ok(rows.length >= 5, `the checklist has its items: ${rows.length}`);
  await screenshot(driver, "readiness-items");
  const fixes = await driver.findElements(By.css('[data-testid^="readiness-fix-"]'));
  if (fixes.length > 0) {
    await fixes[0].click();
    await driver.wait(until.elementLocated(By.css('[data-testid^="screen-"]:not([data-testid="screen-readiness"])')), 15000, "the link opens the screen that fixes the item");
  }
});

test("«Учреждение»: the policy is shown with Russian labels and saved", async () => {
  await open(driver, "institution");
  if (!(await has("GET", "/admin/policy"))) {
    await find(driver, "policy-read-only");
    assert.ok(await (await find(driver, "policy-submit")).getAttribute("disabled"), "an older server's policy is read only");
    return;
  }
  const box = await find(driver, "policy-diary_shows_homework");
  const was = await box.isSelected();
  await box.click();
  await (await find(driver, "policy-submit")).click();
  await find(driver, "policy-saved", 15000);
  await screenshot(driver, "institution-policy-saved");
  await driver.navigate().refresh();
  await find(driver, "screen-institution", 20000);
  assert.equal(await (await find(driver, "policy-diary_shows_homework")).isSelected(), !was, "the saved policy is read back");

  // The checking norms are days: a window over 30 is refused at its field, a good one is kept.
  const days = async (value) => {
    const input = await find(driver, "policy-control_work_days");
    await input.clear();
    await input.sendKeys(value);
    await (await find(driver, "policy-submit")).click();
  };
  assert.equal(await (await find(driver, "policy-control_work_days")).getAttribute("value"), "3",
    "001 «Преподаватель» п. 9: 3 days by default");
  await days("45");
  assert.match(await waitFilled(driver, "policy-control_work_days-error"), /не больше 30 дней/,
    "the refusal is shown at its field");
  await days("5");
  await find(driver, "policy-saved", 15000);
  await driver.navigate().refresh();
  await find(driver, "screen-institution", 20000);
  assert.equal(await (await find(driver, "policy-control_work_days")).getAttribute("value"), "5",
    "the institution's norm is read back");
  await driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", await find(driver, "policy-control_work_days"));
  await screenshot(driver, "institution-policy-days");
  await days("3");
  await find(driver, "policy-saved", 15000);
});

test("«Резервные копии»: make one now, verify it", async () => {
  await open(driver, "backups");
  if (!(await has("GET", "/admin/backups"))) {
    assert.match(await waitFilled(driver, "backups-error"), MISSING);
    return;
  }
  await (await find(driver, "backup-make")).click();
  await find(driver, "backup-made", 30000);
  const verify = await driver.wait(until.elementLocated(By.css('[data-testid^="backup-verify-"]')), 15000, "the new copy is listed");
  await verify.click();
  const checked = await waitFilled(driver, "backup-verified", 30000);
  assert.ok(checked.length > 0, "the check's answer is shown");
  await screenshot(driver, "backups-made");
});

test("«Журнал действий»: the administrator's actions, filtered by person", async () => {
  await open(driver, "audit");
  if (!(await has("GET", "/admin/audit?limit=1"))) {
    assert.match(await waitFilled(driver, "audit-filter-error"), MISSING);
    return;
  }
  await find(driver, "audit-total");
  await choose(driver, "audit-filter-author", (await (await find(driver, "header-user")).getText()).trim());
  await (await find(driver, "audit-filter-submit")).click();
  await driver.wait(async () => (await driver.getCurrentUrl()).includes("author="), 15000, "the filter is in the address");
  await find(driver, "screen-audit");
  await screenshot(driver, "audit-filtered");
});

test("«Пользователи»: login slips for a group's students come as a PDF", async () => {
  // A new institution has no group yet: the slips form appears only once there is one.
  const made = await api("POST", "/admin/groups", { name: "ТО-11", course: 1, specialty: "23.02.07 Техническое обслуживание и ремонт автотранспортных средств" });
  assert.ok([200, 201].includes(made.status), `a group is created for the slips: ${made.status} ${await made.text()}`);
  await open(driver, "users");
  const groups = await (await find(driver, "slips-group")).findElements(By.css("option"));
  assert.ok(groups.length > 0, "the groups are offered");
  await choose(driver, "slips-who", "Студенты");
  await (await find(driver, "slips-submit")).click();
  const outcome = await driver.wait(until.elementLocated(By.css('[data-testid="slips-ok"], [data-testid="slips-error"]')), 30000, "the slips are made or refused");
  if ((await outcome.getAttribute("data-testid")) === "slips-error") {
    assert.match(await outcome.getText(), MISSING, "an older server has no slips");
    return;
  }
  const href = await (await find(driver, "slips-open")).getAttribute("href");
  assert.ok(href.startsWith("blob:"), `the PDF is offered to open: ${href}`);
  await screenshot(driver, "users-slips");
});

test("«Предложение»: a teacher writes from the console, the administrator reads it and marks it «Рассмотрено»", async () => {
  const made = await api("POST", "/admin/users", { login: "sidorova", full_name: "Сидорова Елена Викторовна", grants: [{ role: "teacher" }], password: "Perv-parol-2026" });
  assert.ok([200, 201].includes(made.status), `the teacher's account is created: ${made.status} ${await made.text()}`);

  // «Учреждение»: the administrator gives the support contact that every user's «Справка» shows.
  await open(driver, "institution");
  await type(driver, "support-name", "Администратор журнала Петров Иван Сергеевич");
  await type(driver, "support-phone", "+7 (812) 555-01-02");
  await type(driver, "support-email", "не почта");
  await (await find(driver, "support-submit")).click();
  assert.match(await waitFilled(driver, "support-error"), /Электронная почта/, "a malformed address is refused, saying which field");
  await type(driver, "support-email", "journal@college.ru");
  await (await find(driver, "support-submit")).click();
  await find(driver, "support-saved", 20000);
  await screenshot(driver, "institution-support");

  // The teacher: the first password is changed, then the page shows the teacher's guide and the form.
  await (await find(driver, "sign-out")).click();
  await type(driver, "signin-login", "sidorova");
  await (await type(driver, "signin-password", "Perv-parol-2026")).sendKeys(Key.ENTER);
  await find(driver, "screen-password", 20000);
  await type(driver, "password-old", "Perv-parol-2026");
  await type(driver, "password-new", "Sidorova-svoy-2026");
  await (await type(driver, "password-repeat", "Sidorova-svoy-2026")).sendKeys(Key.ENTER);
  const guide = await waitFilled(driver, "role-guide", 20000);
  assert.match(guide, /Преподавателю/, `the teacher's guide is shown: ${guide}`);
  assert.match(guide, /в день проведения учебного занятия/, "in the regulations' words");
  assert.match(await waitFilled(driver, "support", 20000), /555-01-02/, "the support contact is shown to the teacher");
  await (await find(driver, "suggestion-submit")).click();
  assert.match(await waitFilled(driver, "suggestion-text-error"), /Заполните/, "an empty suggestion is refused beside the field");
  await type(driver, "suggestion-text", "Прошу добавить печать журнала по подгруппам.");
  await (await find(driver, "suggestion-submit")).click();
  await find(driver, "suggestion-sent", 20000);
  await screenshot(driver, "help-teacher");

  // The administrator: «Предложения» lists it; «Рассмотрено» takes it off the open list.
  await (await find(driver, "sign-out")).click();
  await type(driver, "signin-login", "admin");
  await (await type(driver, "signin-password", server.adminPassword)).sendKeys(Key.ENTER);
  await find(driver, "header-user", 20000);
  await open(driver, "suggestions");
  const rows = await waitFilled(driver, "suggestions", 20000);
  assert.match(rows, /по подгруппам/, `the suggestion is listed: ${rows}`);
  assert.match(rows, /Сидорова Елена Викторовна/, "with its author");
  await screenshot(driver, "suggestions");
  await (await driver.findElement(By.css('[data-testid^="suggestion-done-"]'))).click();
  await find(driver, "suggestions-empty", 20000);
  await (await find(driver, "suggestions-all")).click();
  assert.match(await waitFilled(driver, "suggestions", 20000), /рассмотрено/, "the full list shows it dealt with");
});
