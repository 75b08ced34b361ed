// «Контакты» in a real Chromium, on the demo institution: the curator opens their group, a student's
// card, is refused a phone written as words (beside the field), saves the student's phone and the
// parent's relation and phone; the card shows them again when reopened. Screenshot
// target/e2e-screenshots/console-contacts.png.

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { By, Key } from "selenium-webdriver";
import { find, open, screenshot, startBrowser, startDemoServer, type, waitFilled, waitText } from "./console.mjs";

let server;
let driver;

before(async () => {
  server = await startDemoServer("web-contacts-journal-server.log");
  driver = await startBrowser(mkdtempSync(path.join(tmpdir(), "journal-contacts-downloads-")));
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

test("the curator keeps a student's and a parent's contacts", async () => {
  // The demo parent's child: its card has a parent to fill in.
  const resp = await fetch(`${server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-journal-protocol": "6" },
    body: JSON.stringify({ login: "parent", password: "demo", device_id: "7b1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e60" }),
  });
  const child = (await resp.json()).user.grants.find((g) => g.role === "parent").student_id;

  await driver.get(server.url);
  await find(driver, "signin", 20000);
  await type(driver, "signin-login", "curator");
  await (await type(driver, "signin-password", "demo")).sendKeys(Key.ENTER);
  await find(driver, "header-user", 20000);
  await open(driver, "contacts");
  await (await find(driver, `contacts-student-${child}`)).click();
  await find(driver, "contacts-student", 20000);
  await type(driver, "contacts-student-phone", "позвонить маме");
  await (await find(driver, "contacts-student-submit")).click();
  const refusal = await waitFilled(driver, "contacts-student-phone-error");
  assert.match(refusal, /5–15 цифр/, `a phone written as words is refused beside the field: ${refusal}`);
  await type(driver, "contacts-student-phone", "+7 912 345-67-89");
  await type(driver, "contacts-student-address", "г. Северореченск, ул. Лесная, д. 5");
  await (await find(driver, "contacts-student-submit")).click();
  await waitText(driver, "contacts-saved", "сохранены", 20000);
  await type(driver, "contacts-parent-parent-relation", "отец");
  await type(driver, "contacts-parent-parent-phone", "8 (912) 000-11-22");
  await (await find(driver, "contacts-parent-parent-submit")).click();
  await waitText(driver, "contacts-saved", "родителя", 20000);

  // Reopened from the list: what was saved is there.
  await (await find(driver, `contacts-student-${child}`)).click();
  await driver.wait(async () => (await (await find(driver, "contacts-student-phone")).getAttribute("value")) === "+7 912 345-67-89", 20000, "the student's phone is kept");
  const relation = await (await find(driver, "contacts-parent-parent-relation")).getAttribute("value");
  assert.equal(relation, "отец", "the parent's relation is kept");
  const phone = await (await find(driver, "contacts-parent-parent-phone")).getAttribute("value");
  assert.equal(phone, "8 (912) 000-11-22", "the parent's phone is kept");
  const groups = await driver.findElements(By.css("[data-testid=contacts-group] option"));
  assert.equal(groups.length, 1, "the curator sees only their own group");
  await screenshot(driver, "contacts");
});
