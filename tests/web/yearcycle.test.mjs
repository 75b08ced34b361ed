// «Учебный план» and a student's ИУП on the demo institution: the administrator types a group's
// hours and forms of аттестация into the grid from the keyboard and saves them, then keeps a
// student's individual plan from the «Студенты» screen; both are read back from the server.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Key, until } from "selenium-webdriver";
import { LOGS, find, freePort, open, screenshot, startBrowser, type } from "./console.mjs";

const SERVER_BIN = process.env.JOURNAL_SERVER_BIN;
let server;
let driver;
let child;

before(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "journal-web-yearcycle-"));
  const db = path.join(dir, "server.db");
  execFileSync(SERVER_BIN, ["--db", db, "init", "--demo"], { stdio: ["ignore", "ignore", "pipe"], timeout: 120000 });
  const port = await freePort();
  mkdirSync(LOGS, { recursive: true });
  const log = openSync(path.join(LOGS, "web-yearcycle-server.log"), "a");
  child = spawn(SERVER_BIN, ["--db", db, "serve", "--addr", `127.0.0.1:${port}`], { stdio: ["ignore", log, log] });
  server = { url: `http://127.0.0.1:${port}` };
  for (let i = 0; i < 300; i++) {
    try {
      await fetch(`${server.url}/api/v1/health`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  driver = await startBrowser(mkdtempSync(path.join(tmpdir(), "journal-web-dl-")));
  await driver.get(server.url);
  await type(driver, "signin-login", "admin");
  await (await type(driver, "signin-password", "demo")).sendKeys(Key.ENTER);
  await find(driver, "header-user", 20000);
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (child && child.exitCode === null) {
      await new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill("SIGTERM");
      });
    }
  }
});

let bearer;
async function api(pathname, init = {}) {
  if (!bearer) {
    const resp = await fetch(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "x-journal-protocol": "6", "content-type": "application/json" },
      body: JSON.stringify({ login: "admin", password: "demo", device_id: "0b5c2f4e-7d1a-4e6b-9c3d-2a1b0c9d8e70" }),
    });
    assert.equal(resp.status, 200, "the administrator signs in over the API");
    bearer = (await resp.json()).token;
  }
  const resp = await fetch(`${server.url}/api/v1${pathname}`, { ...init, headers: { "x-journal-protocol": "6", authorization: `Bearer ${bearer}` } });
  return resp.json();
}

test("a group's plan is typed into the grid and the differences with the loads are listed", async () => {
  await open(driver, "curriculum");
  const grid = await find(driver, "curriculum-grid");
  const first = await grid.findElement({ css: "tbody tr" });
  const subject = await first.getAttribute("data-subject");
  const h0 = await find(driver, `curriculum-hours-${subject}-0`);
  await h0.sendKeys("34");
  // Enter moves down the column, Ctrl+→ to the next period: the grid is typed without the mouse.
  await h0.sendKeys(Key.ENTER);
  const below = await driver.switchTo().activeElement();
  assert.notEqual(await below.getAttribute("data-testid"), `curriculum-hours-${subject}-0`, "Enter moved the focus down");
  const h1 = await find(driver, `curriculum-hours-${subject}-1`);
  await h1.sendKeys("38");
  await (await find(driver, `curriculum-form-${subject}-1`)).sendKeys("Экзамен");
  assert.equal(await (await find(driver, `curriculum-total-${subject}`)).getText(), "72", "the row's total follows the typing");
  await (await find(driver, "curriculum-save")).click();
  await find(driver, "curriculum-saved", 15000);
  await find(driver, "curriculum-differences");
  await screenshot(driver, "curriculum");
  const view = await api("/admin/curriculum");
  const mine = view.lines.filter((l) => l.subject_id === subject);
  assert.deepEqual(mine.map((l) => [l.hours, l.attestation ?? null]), [[34, null], [38, "exam"]], "the two cells are stored with the form");
  assert.ok(view.differences.length > 0, "the differences with the demo's loads are listed");
});

test("a student's individual plan is kept from the students' list", async () => {
  await open(driver, "students");
  const button = await driver.findElement({ css: "[data-testid^='plan-']" });
  const studentId = (await button.getAttribute("data-testid")).slice("plan-".length);
  await button.click();
  const dialog = await find(driver, "plan-dialog");
  const tick = await driver.findElement({ css: "[data-testid^='plan-in-']" });
  const loadId = (await tick.getAttribute("data-testid")).slice("plan-in-".length);
  await tick.click();
  const hours = await find(driver, `plan-hours-${loadId}`);
  await hours.clear();
  await hours.sendKeys("20");
  await screenshot(driver, "individual-plan");
  await (await find(driver, "plan-save")).click();
  // The dialog closes once the server kept the plan.
  await driver.wait(until.stalenessOf(dialog), 15000);
  const plan = await api(`/admin/students/${studentId}/plan`);
  assert.equal(plan.individual, true, "the student now studies by a plan");
  assert.deepEqual(plan.loads.filter((l) => l.in_plan).map((l) => [l.load_id, l.hours]), [[loadId, 20]], "the ticked load with the student's hours");
});

test("a plan file is checked, then loaded into the grid", async () => {
  await open(driver, "curriculum");
  const group = await (await find(driver, "curriculum-group")).findElement({ css: "option:checked" });
  const groupName = await group.getText();
  const row = await (await find(driver, "curriculum-grid")).findElement({ css: "tbody tr:nth-child(2)" });
  const subject = await row.getAttribute("data-subject");
  const subjectName = await (await row.findElement({ css: "th" })).getText();
  const dir = mkdtempSync(path.join(tmpdir(), "journal-web-plan-"));
  const csv = path.join(dir, "plan.csv");
  writeFileSync(csv, `Группа;Дисциплина;Период;Часы;Форма аттестации\n${groupName};${subjectName};1;40;\n${groupName};${subjectName};2;44;экзамен\n`);
  await driver.executeScript("document.querySelector('details').open = true");
  await (await find(driver, "curriculum-file")).sendKeys(csv);
  await (await find(driver, "curriculum-file-check")).click();
  await find(driver, "curriculum-file-checked", 15000);
  await (await find(driver, "curriculum-file-load")).click();
  await find(driver, "curriculum-file-loaded", 15000);
  assert.equal(await (await find(driver, `curriculum-hours-${subject}-1`)).getAttribute("value"), "44", "the grid shows the file's hours");
  await screenshot(driver, "curriculum-file");
  const view = await api("/admin/curriculum");
  assert.deepEqual(view.lines.filter((l) => l.subject_id === subject).map((l) => [l.hours, l.attestation ?? null]), [[40, null], [44, "exam"]], "the file's lines are stored");
});
