// «Замечания родителям» in the real app: the teacher picks a student of their loads and writes a
// note from the keyboard (Ctrl+Enter sends); the parent acknowledges it over the API and the app
// shows «Ознакомлен(а)» with the parent's name and time; with the server down a second note is
// kept on this PC («Ждёт отправки») and the next sync delivers it. Screenshots:
// target/e2e-screenshots/parent-notes-offline.png, parent-notes.png.

import { test } from "node:test";
import assert from "node:assert/strict";
import { By, Key, until } from "selenium-webdriver";
import { click, screenshot, signIn, startApp, startServer, textOf, waitSynced } from "./app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";
const NOW = `${TODAY}T13:00`;
const PROTOCOL = { "x-journal-protocol": "6", "content-type": "application/json" };

async function api(server, token, method, pathname, body) {
  const resp = await fetch(`${server.url}/api/v1${pathname}`, {
    method,
    headers: { ...PROTOCOL, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: resp.status, json: await resp.json().catch(() => null) };
}

async function openNotes(driver) {
  await click(driver, "header-nav-notes");
  await driver.wait(until.elementLocated(By.css("[data-testid=notes-screen]")), 30000, "«Замечания родителям» opens");
}

async function waitList(driver, predicate, what) {
  await driver.wait(async () => {
    try {
      return predicate(await driver.findElement(By.css("[data-testid=notes-list]")).getText());
    } catch {
      return false;
    }
  }, 30000, what);
  return textOf(driver, "[data-testid=notes-list]", what);
}

test("the teacher writes to a student's parents, sees the acknowledgement, and a note written offline goes with the sync", async () => {
  const server = await startServer({ today: TODAY });
  const app = await startApp({ JOURNAL_NOW: NOW, JOURNAL_SERVER_URL: server.url, JOURNAL_SYNC_SECONDS: "3600" });
  const { driver } = app;
  try {
    const parent = await api(server, null, "POST", "/auth/login", { login: "parent", password: "demo", device_id: "5d6e7f80-1a2b-4c3d-9e4f-5a6b7c8d9e01" });
    assert.equal(parent.status, 200, "the demo parent signs in over the API");
    const token = parent.json.token;
    const consent = await api(server, token, "GET", "/diary/consent");
    assert.equal((await api(server, token, "POST", "/diary/consent", { version: consent.json.version })).status, 200, "the parent consents");
    const child = (await api(server, token, "GET", "/diary/children")).json[0];
    assert.ok(child, "the demo parent has a child");

    await signIn(driver, "teacher", "demo");
    await openNotes(driver);
    // The student list has the focus: the teacher picks the child, Tab to the text, Ctrl+Enter.
    const select = await driver.wait(until.elementLocated(By.css("[data-testid=note-student]")), 30000, "the students");
    const option = await select.findElements(By.css(`option[value="${child.student_id}"]`));
    assert.equal(option.length, 1, "the parent's child is among the teacher's students");
    await option[0].click();
    const active = await driver.switchTo().activeElement();
    assert.equal(await active.getAttribute("data-testid"), "note-student", "the student list has the focus");
    await active.sendKeys(Key.TAB);
    await driver.switchTo().activeElement().sendKeys("Не готов к лабораторной работе", Key.chord(Key.CONTROL, Key.ENTER));
    await driver.wait(async () => (await textOf(driver, "[data-testid=note-result]", "the receipt")).includes("Отправлено"), 30000, "sent at once online");
    await waitList(driver, (t) => t.includes("Не готов к лабораторной работе") && t.includes("Родители ещё не ознакомились"), "the note is listed, not yet acknowledged");

    // The parent acknowledges in the diary (over the API); the app shows who and when.
    const notes = await api(server, token, "GET", `/diary/notes?student=${child.student_id}`);
    const note = notes.json.find((n) => n.text === "Не готов к лабораторной работе");
    assert.ok(note, `the parent sees the note: ${JSON.stringify(notes.json).slice(0, 300)}`);
    const ack = await api(server, token, "POST", `/diary/notes/${note.id}/acknowledgement`);
    assert.equal(ack.status, 200, `the parent acknowledges: ${JSON.stringify(ack.json)}`);
    await openNotes(driver);
    const surname = parent.json.user.full_name.split(" ")[0];
    const acknowledged = await waitList(driver, (t) => t.includes("Ознакомлен(а)"), "the acknowledgement is shown");
    assert.ok(acknowledged.includes(surname), `it names the parent: ${acknowledged}`);

    // The server goes down: the next note is kept on this PC.
    await server.stop();
    await openNotes(driver);
    await driver.wait(async () => (await textOf(driver, "[data-testid=notes-status]", "the status")).includes("недоступен"), 30000, "offline the screen says the server is unavailable");
    // The header follows the screen's failed call at once, not at the next sync.
    await driver.wait(async () => /Автономная работа/.test(await textOf(driver, "[data-testid=sync-mode]", "the header")), 10000,
      "the header says the server does not answer");
    const status = await textOf(driver, "[data-testid=notes-status]", "the status");
    assert.doesNotMatch(status, /error|request|connect/i, `the status is in Russian only: ${status}`);
    const text = await driver.findElement(By.css("[data-testid=note-text]"));
    await text.sendKeys("Пропустил две пары без уважительной причины", Key.chord(Key.CONTROL, Key.ENTER));
    await driver.wait(async () => (await textOf(driver, "[data-testid=note-result]", "the receipt")).includes("при следующей синхронизации"), 30000, "kept for the next sync");
    await waitList(driver, (t) => t.includes("Пропустил две пары") && t.includes("Ждёт отправки"), "the kept note is listed as waiting");
    await screenshot(driver, "parent-notes-offline.png");

    // The server is back: the sync delivers it, once.
    await server.start();
    await waitSynced(driver);
    await openNotes(driver);
    const after = await waitList(driver, (t) => t.includes("Пропустил две пары") && !t.includes("Ждёт отправки"), "the note was delivered by the sync");
    assert.ok(after.includes("Ознакомлен(а)"), `the first note keeps its acknowledgement: ${after}`);
    const seen = await api(server, token, "GET", `/diary/notes?student=${child.student_id}`);
    assert.equal(seen.json.filter((n) => n.text.startsWith("Пропустил две пары")).length, 1, `the parent has the offline note, once: ${after}`);
    await screenshot(driver, "parent-notes.png");
  } finally {
    await app.stop();
    await server.stop();
  }
});
