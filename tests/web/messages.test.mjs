// «Сообщения» in a real Chromium, on the demo institution: a parent on a phone (390×844) cannot pick
// a teacher who does not teach the child (the list has only the curator and the child's teachers,
// and the API refuses the other), writes to the curator; the curator on a PC (1366×768) sees the
// unread count in the menu, opens the thread and answers; the parent sees the answer and the unread
// count. Screenshots: target/e2e-screenshots/diary-messages-*.png.

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

let server;
let driver;

async function shot(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(path.join(SCREENSHOTS, `diary-messages-${name}.png`), await driver.takeScreenshot(), "base64");
}

const viewport = (width, height) => setViewport(driver, width, height);
const api = (method, route, token, body) => apiJson(server.url, method, route, token, body);
const signIn = (login) => signInAs(driver, server.url, login, PASSWORD);
const signOut = () => signOutOf(driver);

async function openMessages() {
  await (await find(driver, "nav-messages", 20000)).click();
  await find(driver, "messages", 20000);
}

before(async () => {
  server = await startDemoServer("web-messages-journal-server.log");
  driver = await startBrowser(mkdtempSync(path.join(tmpdir(), "journal-messages-downloads-")));
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

test("a parent writes to the curator from a phone, the curator answers from a PC", async () => {
  // Over the API: the parent's token, whom the parent may write to, and a teacher who is not one.
  const signed = await api("POST", "/auth/login", null, { login: "parent", password: PASSWORD, device_id: "6c3d2e1f-4b5a-4c6d-8e9f-1a2b3c4d5e61" });
  assert.equal(signed.status, 200, "the demo parent signs in over the API");
  const parentToken = signed.body.token;
  const curatorLogin = await api("POST", "/auth/login", null, { login: "curator", password: PASSWORD, device_id: "6c3d2e1f-4b5a-4c6d-8e9f-1a2b3c4d5e62" });
  const curatorId = curatorLogin.body.user.id;
  const allowed = (await api("GET", "/messages/recipients", parentToken)).body;
  const allowedIds = new Set(allowed.recipients.map((r) => r.user_id));
  assert.ok(allowedIds.has(curatorId), "the curator is among the parent's recipients");
  const snapshot = (await api("GET", "/sync/snapshot", curatorLogin.body.token)).body.snapshot;
  const stranger = snapshot.users.find((u) => u.grants.some((g) => g.role === "teacher") && !allowedIds.has(u.id));
  assert.ok(stranger, "the demo has a teacher who does not teach the parent's child");
  const refused = await api("POST", "/messages", parentToken, { kind: "message", to: stranger.id, subject: "Вопрос", body: "Здравствуйте" });
  assert.equal(refused.status, 403, "the API refuses a teacher who does not teach the child");
  assert.equal(refused.body.code, "recipient_not_allowed");

  // The phone: the parent writes to the curator.
  await viewport(390, 844);
  await signIn("parent");
  await openMessages();
  await find(driver, "messages-empty");
  await shot("phone-empty");
  await (await find(driver, "messages-new")).click();
  await find(driver, "new-message", 20000);
  const options = await driver.findElements(By.css('[data-testid="new-message-to"] option'));
  const values = await Promise.all(options.map((o) => o.getAttribute("value")));
  assert.ok(values.includes(curatorId), "the curator can be picked");
  assert.ok(!values.includes(stranger.id), `a teacher who does not teach the child cannot be picked: ${stranger.full_name}`);
  const labels = await Promise.all(options.map((o) => o.getText()));
  assert.ok(labels.some((l) => l.includes("Куратор группы")), `the curator's role in words: ${labels.join(" | ")}`);
  await driver.findElement(By.css(`[data-testid="new-message-to"] option[value="${curatorId}"]`)).click();
  await type(driver, "new-message-subject", "Пропуск в пятницу");
  await type(driver, "new-message-body", "Здравствуйте! Сын будет у врача в пятницу, справку принесём.");
  await shot("phone-new");
  let width = await driver.executeScript("return document.documentElement.scrollWidth");
  assert.ok(width <= 392, `nothing sticks out sideways on a phone (page width ${width})`);
  await (await find(driver, "new-message-submit")).click();
  await waitText(driver, "message-sent", "отправлено", 20000);
  await waitText(driver, "message-1", "у врача");
  await shot("phone-sent");
  await signOut();

  // The PC: the curator sees the unread count in the menu, opens the thread and answers.
  await viewport(1366, 768);
  await signIn("curator");
  await waitText(driver, "nav-messages-unread", "1", 20000);
  await openMessages();
  await waitText(driver, "messages-unread", "Непрочитанных: 1");
  const item = await find(driver, "thread-list");
  const itemText = await item.getText();
  assert.ok(itemText.includes("Пропуск в пятницу"), `the curator's list shows the thread: ${itemText}`);
  await shot("pc-list");
  await (await driver.findElement(By.css('[data-testid^="thread-"].thread'))).click();
  await waitText(driver, "message-1", "у врача", 20000);
  await type(driver, "reply-body", "Спасибо, отмечу уважительную причину.");
  await (await find(driver, "reply-submit")).click();
  await waitText(driver, "message-2", "уважительную", 20000);
  await driver.wait(async () => (await driver.findElements(By.css('[data-testid="nav-messages-unread"]'))).length === 0, 10000, "the menu's count goes once read");
  await shot("pc-answered");
  await signOut();

  // The phone again: the parent sees the answer and the unread count.
  await viewport(390, 844);
  await signIn("parent");
  await waitText(driver, "nav-messages-unread", "1", 20000);
  await openMessages();
  await waitText(driver, "messages-unread", "Непрочитанных: 1");
  await shot("phone-unread");
  await (await driver.findElement(By.css('[data-testid^="thread-"].thread'))).click();
  await waitText(driver, "message-2", "уважительную", 20000);
  await shot("phone-answer");
  width = await driver.executeScript("return document.documentElement.scrollWidth");
  assert.ok(width <= 392, `nothing sticks out sideways on a phone (page width ${width})`);
  await (await find(driver, "messages-back")).click();
  await waitText(driver, "messages-unread", "Новых сообщений нет", 20000);
});
