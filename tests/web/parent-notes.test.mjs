// Remarks meant for parents and e-mail in a real Chromium, on the demo institution: the curator on
// a PC (1366×768) writes a remark to the parents of a group's student in «Замечания родителям»; the
// parent on a phone (390×844) sees it in the diary, presses «Ознакомлен» and turns off the letters
// about marks («Извещения»); the curator sees «Ознакомлен(а)» with the parent's name. The
// administrator keeps the curator's e-mail in «Пользователи» (a malformed address refused beside the
// field). Screenshots: target/e2e-screenshots/diary-notes-*.png.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import {
  SCREENSHOTS,
  apiJson,
  find,
  setViewport,
  signInAs,
  signOutOf,
  startBrowser,
  startDemoServer,
  type,
  waitText,
} from "./console.mjs";

const PASSWORD = "demo";
const NOTE = "Опаздывает на первую пару третью неделю подряд. Прошу обсудить дома режим дня.";

let server;
let driver;

async function shot(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(path.join(SCREENSHOTS, `diary-notes-${name}.png`), await driver.takeScreenshot(), "base64");
}

const viewport = (width, height) => setViewport(driver, width, height);
const api = (method, route, token, body) => apiJson(server.url, method, route, token, body);
const signIn = (login) => signInAs(driver, server.url, login, PASSWORD);
const signOut = () => signOutOf(driver);

async function pageWidth() {
  return await driver.executeScript("return document.documentElement.scrollWidth");
}

before(async () => {
  server = await startDemoServer("web-parent-notes-journal-server.log");
  driver = await startBrowser(mkdtempSync(path.join(tmpdir(), "journal-notes-downloads-")));
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

test("the curator writes to the parents, the parent acknowledges on a phone, the curator sees it", async () => {
  const signed = await api("POST", "/auth/login", null, { login: "parent", password: PASSWORD, device_id: "7c3d2e1f-4b5a-4c6d-8e9f-1a2b3c4d5e71" });
  assert.equal(signed.status, 200, "the demo parent signs in over the API");
  const children = await api("GET", "/diary/children", signed.body.token);
  const consent = await api("GET", "/diary/consent", signed.body.token);
  assert.equal((await api("POST", "/diary/consent", signed.body.token, { version: consent.body.version })).status, 200, "the parent consents");
  const child = (await api("GET", "/diary/children", signed.body.token)).body[0];
  assert.ok(child, `the parent has a child: ${JSON.stringify(children.body)}`);

  // The PC: the curator writes the remark.
  await viewport(1366, 768);
  await signIn("curator");
  await (await find(driver, "nav-notes", 20000)).click();
  await find(driver, "note-new", 20000);
  await driver.findElement(By.css(`[data-testid="note-new-student"] option[value="${child.student_id}"]`)).click();
  await type(driver, "note-new-text", NOTE);
  await (await find(driver, "note-new-submit")).click();
  await waitText(driver, "notes-table", "родители ещё не ознакомились", 20000);
  const row = await (await find(driver, "notes-table")).getText();
  assert.ok(row.includes("Опаздывает на первую пару"), `the written remark is listed: ${row}`);
  await shot("pc-written");
  await signOut();

  // The phone: the parent sees the remark in the diary and acknowledges it.
  await viewport(390, 844);
  await signIn("parent");
  await (await find(driver, "nav-diary", 20000)).click();
  await waitText(driver, "diary-notes", "Опаздывает на первую пару", 20000);
  await shot("phone-note");
  let width = await pageWidth();
  assert.ok(width <= 392, `nothing sticks out sideways on a phone (page width ${width})`);
  await (await find(driver, "diary-note-ack")).click();
  const done = await waitText(driver, "note-acknowledged", "Ознакомлен", 20000);
  assert.ok(done.includes(signed.body.user.full_name.split(" ")[0]), `the acknowledgement names the parent: ${done}`);
  assert.equal((await driver.findElements(By.css('[data-testid="diary-note-ack"]'))).length, 0, "the button goes once acknowledged");
  await shot("phone-acknowledged");

  // «Извещения»: letters about marks turned off, kept by the server.
  const box = await find(driver, "diary-notices-marks");
  await driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", box);
  assert.equal(await box.isSelected(), true, "the letters are on by default");
  await box.click();
  await waitText(driver, "diary-notices-saved", "отключены", 20000);
  await shot("phone-notices");
  const kept = await api("GET", "/diary/notices", signed.body.token);
  assert.equal(kept.body.marks, false, "the server keeps the parent's choice");
  width = await pageWidth();
  assert.ok(width <= 392, `nothing sticks out sideways on a phone (page width ${width})`);
  await signOut();

  // The PC: the curator sees that the parent acknowledged.
  await viewport(1366, 768);
  await signIn("curator");
  await (await find(driver, "nav-notes", 20000)).click();
  const seen = await waitText(driver, "notes-table", "Ознакомлен", 20000);
  assert.ok(seen.includes(signed.body.user.full_name), `the curator sees who acknowledged: ${seen}`);
  await shot("pc-acknowledged");
  await signOut();
});

test("the administrator keeps the curator's e-mail in «Пользователи»", async () => {
  await viewport(1366, 768);
  await signIn("admin");
  await (await find(driver, "nav-users", 20000)).click();
  await (await find(driver, "email-edit-curator", 20000)).click();
  await find(driver, "email-dialog");
  await type(driver, "staff-email-email", "kurator.college.ru");
  await (await find(driver, "staff-email-submit")).click();
  await waitText(driver, "staff-email-email-error", "имя@домен.ru", 20000);
  await shot("pc-email-refused");
  await type(driver, "staff-email-email", "kurator@college.example");
  await (await find(driver, "staff-email-submit")).click();
  await waitText(driver, "email-curator", "kurator@college.example", 20000);
  await shot("pc-email-kept");
  await signOut();
});
