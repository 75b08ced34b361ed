// An exam recorded from the app and shown everywhere (issue «The whole journal», item 4): the
// administrator's учебный план ends the teacher's period with an exam; the teacher's journal page
// gets an «Экз.» column beside «Итог», the mark is typed from the keyboard, synced and taken by
// the server; the parent's diary shows it as the period's exam, and the printed journal page has
// the exam's column.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { By, Key, until } from "selenium-webdriver";
import { act, cli as runCli, screenshot, signIn, startApp, startServer, textOf, waitSynced } from "./app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";
const NOW = `${TODAY}T13:00`;
const PROTOCOL = { "x-journal-protocol": "6" };

async function tokenOf(serverUrl, login) {
  const resp = await fetch(`${serverUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { ...PROTOCOL, "content-type": "application/json" },
    body: JSON.stringify({ login, password: "demo", device_id: crypto.randomUUID() }),
  });
  assert.equal(resp.status, 200, `${login} signs in`);
  return resp.json();
}

async function call(serverUrl, token, method, route, body) {
  const resp = await fetch(`${serverUrl}/api/v1${route}`, {
    method,
    headers: { ...PROTOCOL, authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await resp.text();
  assert.ok(resp.ok, `${method} ${route}: ${resp.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

test("an exam in the plan is recorded in the app, synced, and shown in the diary and the print", async () => {
  const server = await startServer({ today: TODAY });
  // The parent's child and the teacher's load that teaches the child's group.
  const parent = await tokenOf(server.url, "parent");
  const child = parent.user.grants.find((g) => g.role === "parent").student_id;
  const admin = await tokenOf(server.url, "admin");
  const { snapshot: snap } = await call(server.url, admin.token, "GET", "/sync/snapshot");
  const teacher = snap.users.find((u) => u.login === "teacher").id;
  const groupsOfChild = new Set(snap.memberships.filter((m) => m.student_id === child).map((m) => m.group_id));
  const load = snap.loads.find((l) => l.teacher_id === teacher && groupsOfChild.has(l.group_id) && l.subgroup_id === null);
  assert.ok(load, "the demo teacher teaches the demo parent's child");
  const period = snap.periods.find((p) => p.starts_on <= TODAY && TODAY <= p.ends_on);
  const plan = await call(server.url, admin.token, "GET", "/admin/curriculum");
  const lines = plan.lines.filter((l) => !(l.group_id === load.group_id && l.subject_id === load.subject_id && l.period_id === period.id));
  lines.push({ group_id: load.group_id, subject_id: load.subject_id, period_id: period.id, hours: 36, attestation: "exam" });
  await call(server.url, admin.token, "PUT", "/admin/curriculum", { lines });

  const app = await startApp({ JOURNAL_NOW: NOW, JOURNAL_SERVER_URL: server.url, JOURNAL_SYNC_SECONDS: "3600" });
  const { driver } = app;
  try {
    await signIn(driver, "teacher", "demo", { server: server.url });
    await act(driver, "[data-testid=header-nav-journal]", (el) => el.click(), "the «Журналы» tab");
    await act(driver, `[data-testid=load-row][data-load-id="${load.id}"]`, (el) => el.sendKeys(Key.ENTER),
      "«Журналы» lists the load");
    await driver.wait(until.elementLocated(By.css("[data-testid=final-head-exam]")), 30000,
      "the plan's exam gives the page its column");
    const child_name = snap.students.find((s) => s.id === child);
    const row = await driver.executeScript(`
      const rows = [...document.querySelectorAll("[data-testid=grid-row] .student-name")];
      return rows.findIndex((td) => td.textContent.includes(arguments[0]));`, child_name.last_name);
    assert.ok(row >= 0, "the child is on the page");
    const cell = `[data-testid=grid-final-exam][data-row="${row}"]`;
    await act(driver, cell, (el) => el.click(), "the child's exam cell");
    await driver.actions().sendKeys("4").perform();
    await driver.wait(async () => (await textOf(driver, cell, "the exam cell")).trim() === "4", 15000,
      "the exam's mark is shown in its column");
    await screenshot(driver, "exam-column.png");
    await waitSynced(driver);
    assert.equal((await driver.findElements(By.css("[data-testid=sync-conflicts]"))).length, 0,
      "the server took the exam's mark: no conflict or refusal");

    // The server keeps it in the exam's column.
    const { snapshot: after } = await call(server.url, admin.token, "GET", "/sync/snapshot");
    const kept = after.finals.find((f) => f.load_id === load.id && f.student_id === child && f.column === "exam");
    assert.ok(kept, "the server keeps the mark in the exam's column");
    assert.deepEqual(kept.value, { kind: "mark", value: 4 });

    // The parent's diary names it as the period's exam.
    const consent = await call(server.url, parent.token, "GET", "/diary/consent");
    if (consent.required) await call(server.url, parent.token, "POST", "/diary/consent", { version: consent.version });
    const week = await call(server.url, parent.token, "GET", `/diary/week?student=${child}&date=${TODAY}`);
    const subject = week.results.subjects.find((s) => s.load_id === load.id);
    assert.ok(subject, "the diary's results list the subject");
    assert.ok(subject.finals.some((f) => f.column === "exam" && f.value === "4" && f.period.includes("экзамен")),
      `the diary shows the exam: ${JSON.stringify(subject.finals)}`);

    // The printed page of the load has the exam's column with the mark.
    const dir = mkdtempSync(path.join(tmpdir(), "journal-e2e-exam-"));
    runCli(dir, "teacher", NOW, ["--server", server.url, "login"]);
    const pdf = path.join(dir, "journal.pdf");
    const group = snap.groups.find((g) => g.id === load.group_id).name;
    const subject_name = snap.subjects.find((x) => x.id === load.subject_id).name;
    runCli(dir, "teacher", NOW, ["print", "subject", "--group", group, "--subject", subject_name, "--period", period.id, "--out", pdf]);
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    assert.match(text, /Экз\.:/, "the printed page has the exam's column");
  } finally {
    await app.stop();
    await server.stop();
  }
});
