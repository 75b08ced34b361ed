// Sign-in on a shared PC, in the real app: a wrong password is refused in Russian; with no
// server and no local copy the teacher is told why; the inactivity lock hides the journal and
// only the same teacher's password opens it again; another teacher may sign in from the lock
// screen; «Сменить пользователя» returns to «Вход» with both teachers offered for a quick choice;
// offline sign-in opens a teacher's own copy when the server is down.

import { test } from "node:test";
import assert from "node:assert/strict";
import { By, Key, until } from "selenium-webdriver";
import { screenshot, signIn, startApp, startServer } from "./app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";
const NOW = `${TODAY}T13:00`;

// A finishing background sync redraws the header, so an element found a moment ago may be gone:
// it is looked up again.
async function text(driver, css) {
  for (let attempt = 0; ; attempt++) {
    try {
      const els = await driver.findElements(By.css(css));
      return els.length ? (await els[0].getText()).trim() : "";
    } catch (e) {
      if (e.name !== "StaleElementReferenceError" || attempt >= 10) throw e;
    }
  }
}

async function refusal(driver, testid) {
  await driver.wait(async () => (await text(driver, `[data-testid=${testid}].message-error`)).length > 0, 60000,
    "a refusal is shown");
  return text(driver, `[data-testid=${testid}]`);
}

test("sign-in refusals, the inactivity lock, another teacher, switching user, offline sign-in", async () => {
  const server = await startServer({ today: TODAY });
  // 0.1 min = 6 s of inactivity locks the app.
  const app = await startApp({ JOURNAL_NOW: NOW, JOURNAL_SERVER_URL: server.url, JOURNAL_LOCK_MINUTES: "0.1" });
  const { driver } = app;
  try {
    // A wrong password against the server: refused, nothing opened.
    const form = await driver.wait(until.elementLocated(By.css("[data-testid=signin-form]")), 60000);
    await form.findElement(By.css("[data-testid=signin-login]")).sendKeys("teacher");
    await form.findElement(By.css("[data-testid=signin-password]")).sendKeys("не тот", Key.ENTER);
    const wrong = await refusal(driver, "signin-error");
    assert.match(wrong, /Неверный логин или пароль/, `the server's refusal is shown in Russian: «${wrong}»`);
    assert.equal((await driver.findElements(By.css("[data-testid=teacher-name]"))).length, 0,
      "no journal is open after a refused sign-in");
    await screenshot(driver, "signin-refused.png");

    await signIn(driver, "teacher", "demo");
    const name = await text(driver, "[data-testid=teacher-name]");
    assert.ok(name.split(/\s+/).length >= 2, `the header names the teacher: «${name}»`);
    await driver.wait(until.elementLocated(By.css("[data-testid=today-lessons]")), 30000, "«Сегодня» opens");

    // Inactivity: the lock screen replaces the journal.
    const lock = await driver.wait(until.elementLocated(By.css("[data-testid=lock-screen]")), 30000,
      "after 6 s without keyboard or mouse the app locks");
    const locked = await driver.findElement(By.css("body")).getText();
    assert.ok(!locked.includes(name.split(/\s+/)[1] ?? "§") || locked.includes("заблокирован"),
      "the lock screen shows who locked it");
    assert.equal((await driver.findElements(By.css("[data-testid=today-lessons], [data-testid=roster]"))).length, 0,
      "the lock screen shows no journal data");
    assert.match(await text(driver, "[data-testid=locked-user]"), /teacher/, "the lock screen names the login");
    await screenshot(driver, "lock.png");

    // The wrong password does not unlock; the right one does.
    await lock.findElement(By.css("[data-testid=unlock-password]")).sendKeys("demo2", Key.ENTER);
    const bad = await refusal(driver, "unlock-error");
    assert.match(bad, /[Пп]ароль/, `a wrong password is refused: «${bad}»`);
    const pw = await driver.findElement(By.css("[data-testid=unlock-password]"));
    await pw.clear();
    await pw.sendKeys("demo", Key.ENTER);
    await driver.wait(until.elementLocated(By.css("[data-testid=today-lessons]")), 30000,
      "the same teacher's password unlocks the journal");

    // Locked again; another teacher signs in from the lock screen.
    await driver.findElement(By.css("[data-testid=lock]")).click();
    await driver.wait(until.elementLocated(By.css("[data-testid=lock-screen]")), 10000, "«Заблокировать» locks at once");
    await driver.findElement(By.css("[data-testid=lock-other-user]")).click();
    await signIn(driver, "teacher2", "demo");
    const other = await text(driver, "[data-testid=teacher-name]");
    assert.notEqual(other, name, `another teacher's journal is open: «${other}»`);

    // «Сменить пользователя»: back to «Вход», both teachers offered.
    await driver.findElement(By.css("[data-testid=switch-user]")).click();
    await driver.wait(until.elementLocated(By.css("[data-testid=signin-form]")), 10000);
    const users = await Promise.all(
      (await driver.findElements(By.css("[data-testid=local-user]"))).map((e) => e.getText()));
    assert.deepEqual(users.sort(), ["teacher", "teacher2"], "both local copies are offered for a quick choice");
    await screenshot(driver, "signin-local-users.png");

    // The server goes down: teacher signs in offline with their own copy; a stranger cannot.
    await server.stop();
    const form2 = await driver.findElement(By.css("[data-testid=signin-form]"));
    const login = await form2.findElement(By.css("[data-testid=signin-login]"));
    await login.clear();
    await login.sendKeys("curator");
    await form2.findElement(By.css("[data-testid=signin-password]")).sendKeys("demo", Key.ENTER);
    const none = await refusal(driver, "signin-error");
    assert.match(none, /Нет связи с сервером.*нет/, `no network and no local copy is explained: «${none}»`);

    (await driver.findElement(By.css("[data-testid=local-user]"))).click();
    await driver.findElement(By.css("[data-testid=signin-password]")).sendKeys("demo", Key.ENTER);
    await driver.wait(until.elementLocated(By.css("[data-testid=signin-notice]")), 60000,
      "an offline sign-in says why it is offline");
    const mode = await text(driver, "[data-testid=sync-mode]");
    assert.equal(mode, "Автономная работа", "the header shows the offline mode");
    await screenshot(driver, "today-offline.png");
  } finally {
    await app.stop();
    await server.stop();
  }
});
