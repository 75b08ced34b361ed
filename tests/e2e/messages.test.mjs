// «Сообщения» in the real app: the teacher writes to the curator (the recipients in the server's
// words), sees «Отправлено», finds the thread in the list and opens it; the curator's answer (sent
// over the API) is counted on the menu after the next sync and shows in the thread. Screenshots:
// target/e2e-screenshots/messages.png, messages-unread.png.

import { test } from "node:test";
import assert from "node:assert/strict";
import { By, until } from "selenium-webdriver";
import { click, screenshot, signIn, startApp, startServer } from "./app.mjs";

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

test("the teacher writes to the curator and reads the answer in the app", async () => {
  const server = await startServer({ today: TODAY });
  const app = await startApp({ JOURNAL_NOW: NOW, JOURNAL_SERVER_URL: server.url });
  const { driver } = app;
  try {
    await signIn(driver, "teacher", "demo");
    await click(driver, "header-nav-messages");
    await driver.wait(until.elementLocated(By.css("[data-testid=messages-screen]")), 30000, "«Сообщения» opens");
    await (await driver.wait(until.elementLocated(By.css("[data-testid=message-new]")), 30000, "«Написать»")).click();
    const to = await driver.wait(until.elementLocated(By.css("[data-testid=message-to]")), 30000, "the recipients");
    const options = await to.findElements(By.css("option"));
    let curator = null;
    for (const o of options) if ((await o.getText()).includes("Куратор")) curator = o;
    assert.ok(curator, "the curator is among the recipients, named by their role");
    await curator.click();
    await driver.findElement(By.css("[data-testid=message-subject]")).sendKeys("Замена в четверг");
    await driver.findElement(By.css("[data-testid=message-body]")).sendKeys("Прошу заменить мой урок в четверг");
    await click(driver, "message-send");
    await driver.wait(async () => (await driver.findElement(By.css("[data-testid=message-result]")).getText()).includes("Отправлено"), 30000, "sent");

    // The curator answers over the API; the teacher opens the thread and reads it.
    const login = await api(server, null, "POST", "/auth/login", { login: "curator", password: "demo", device_id: "1b5c2f4e-7d1a-4e6b-9c3d-2a1b0c9d8e71" });
    assert.equal(login.status, 200, "the curator signs in");
    const threads = await api(server, login.json.token, "GET", "/messages");
    const thread = threads.json.threads.find((t) => t.subject === "Замена в четверг");
    assert.ok(thread, `the curator got the thread: ${JSON.stringify(threads.json).slice(0, 300)}`);
    const replied = await api(server, login.json.token, "POST", `/messages/${thread.id}/replies`, { body: "Заменит Петров" });
    assert.ok(replied.status < 300, `the curator answers: ${JSON.stringify(replied.json)}`);

    // The next sync brings the count: the menu shows «Сообщения 1» without opening the screen.
    await click(driver, "sync-now");
    await driver.wait(async () => {
      const badges = await driver.findElements(By.css("[data-testid=nav-unread]"));
      return badges.length > 0 && (await badges[0].getText()).trim() === "1";
    }, 60000, "the menu counts the unread answer after a sync");
    await screenshot(driver, "messages-unread.png");

    await click(driver, "header-nav-messages");
    const link = await driver.wait(until.elementLocated(By.css("[data-testid=thread-link]")), 30000, "the thread is listed");
    await link.click();
    const messages = await driver.wait(until.elementLocated(By.css("[data-testid=thread-messages]")), 30000, "the thread opens");
    await driver.wait(async () => (await messages.getText()).includes("Заменит Петров"), 30000, "the answer is shown");
    const text = await messages.getText();
    assert.ok(text.includes("Прошу заменить мой урок в четверг"), `the teacher's own message too: ${text}`);
    await screenshot(driver, "messages.png");
    // Read: the list looked at again clears the count.
    await click(driver, "header-nav-messages");
    await driver.wait(async () => (await driver.findElements(By.css("[data-testid=nav-unread]"))).length === 0, 30000,
      "the count is gone once the answer is read");
  } finally {
    await app.stop();
    await server.stop();
  }
});
