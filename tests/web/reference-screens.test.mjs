// «Звонки и режим» and «Предметы» on a fresh institution: the administrator types a bell schedule
// and a subject with its grading scale through the screens, and both are read back from the server.

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Key } from "selenium-webdriver";
import { choose, find, open, screenshot, startBrowser, startFirstDayServer, type, waitText } from "./console.mjs";

let server;
let driver;

before(async () => {
  server = await startFirstDayServer({ institution: "ГБПОУ «Колледж справочников»", adminPassword: "Reference-2026" });
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

/** Types a time into a time field from the keyboard, as hours then minutes. */
async function typeTime(id, hhmm) {
  const el = await find(driver, id);
  await el.sendKeys(hhmm.replace(":", ""));
  assert.equal(await el.getAttribute("value"), hhmm, `«${id}» holds ${hhmm}`);
}

test("a bell schedule and a subject are made through the screens", async () => {
  await open(driver, "bells");
  await choose(driver, "regime-days_per_week", "Шестидневная");
  for (const [n, starts, ends] of [[1, "08:30", "10:00"], [2, "10:10", "11:40"], [3, "12:20", "13:50"]]) {
    await (await find(driver, "bells-1-add")).click();
    await typeTime(`bell-1-${n}-starts`, starts);
    await typeTime(`bell-1-${n}-ends`, ends);
  }
  await (await find(driver, "regime-submit")).click();
  await find(driver, "regime-saved", 15000);
  await screenshot(driver, "bells");
  const regime = await (await fetch(`${server.url}/api/v1/admin/regime`, { headers: await auth() })).json();
  assert.equal(regime.days_per_week, 6, "the six-day week is stored");
  assert.deepEqual(regime.bells.map((b) => b.starts.slice(0, 5)), ["08:30", "10:10", "12:20"], "the three lessons are stored in order");

  await open(driver, "subjects");
  await type(driver, "subject-new-name", "Основы философии");
  await type(driver, "subject-new-short_name", "Философия");
  await choose(driver, "subject-new-grading", "Зачёт / незачёт");
  await (await find(driver, "subject-new-submit")).click();
  await waitText(driver, "subjects", "Основы философии");
  // A clash is refused beside the field, in Russian, naming the subject.
  await type(driver, "subject-new-name", "основы  философии");
  await (await find(driver, "subject-new-submit")).click();
  await waitText(driver, "subject-new-name-error", "«Основы философии» уже есть");
  await screenshot(driver, "subjects");
  const subjects = await (await fetch(`${server.url}/api/v1/admin/subjects`, { headers: await auth() })).json();
  assert.deepEqual(subjects.map((s) => [s.name, s.short_name, s.grading]), [["Основы философии", "Философия", "pass_fail"]], "one subject, pass/fail");
});

let bearer;
async function auth() {
  if (!bearer) {
    const resp = await fetch(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "x-journal-protocol": "6", "content-type": "application/json" },
      body: JSON.stringify({ login: "admin", password: server.adminPassword, device_id: "0b5c2f4e-7d1a-4e6b-9c3d-2a1b0c9d8e7f" }),
    });
    assert.equal(resp.status, 200, "the administrator signs in over the API");
    bearer = (await resp.json()).token;
  }
  return { "x-journal-protocol": "6", authorization: `Bearer ${bearer}` };
}
