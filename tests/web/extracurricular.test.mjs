// Внеурочная деятельность (003 п. 3.1) in a real Chromium, on the demo institution: the administrator
// creates such a subject «без отметок» in «Предметы»; the server keeps its kind and scale. Screenshot
// target/e2e-screenshots/extracurricular-subjects.png.

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { apiJson, choose, find, open, screenshot, signInAs, startBrowser, startDemoServer, type, waitText } from "./console.mjs";

let server;
let driver;

before(async () => {
  server = await startDemoServer("web-extracurricular-journal-server.log");
  driver = await startBrowser(mkdtempSync(path.join(tmpdir(), "journal-extracurricular-downloads-")));
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

test("the administrator creates a subject of внеурочная деятельность without marks", async () => {
  await signInAs(driver, server.url, "admin", "demo");
  await open(driver, "subjects");
  await type(driver, "subject-new-name", "Шахматный клуб");
  await type(driver, "subject-new-short_name", "Шахматы");
  await choose(driver, "subject-new-kind", "Внеурочная деятельность");
  await choose(driver, "subject-new-grading", "Без отметок");
  await (await find(driver, "subject-new-submit")).click();
  await waitText(driver, "subjects", "Шахматный клуб", 20000);
  await waitText(driver, "subjects", "Внеурочная деятельность", 20000);
  await screenshot(driver, "subjects", "extracurricular");

  const login = await apiJson(server.url, "POST", "/auth/login", null, { login: "admin", password: "demo", device_id: crypto.randomUUID() });
  const { body } = await apiJson(server.url, "GET", "/admin/subjects", login.body.token);
  const club = body.find((s) => s.name === "Шахматный клуб");
  assert.deepEqual([club?.kind, club?.grading], ["extracurricular", "ungraded"], `kept as внеурочная деятельность without marks: ${JSON.stringify(club)}`);
});

// An МДК under its профессиональный модуль (000 пп. 1.5–1.7): the field appears for an МДК or a
// practice only; the new МДК is kept under the demo's ПМ.01 and the list shows it. Screenshot
// console-subjects-module.png.
test("the administrator puts a new МДК under its профессиональный модуль", async () => {
  await open(driver, "subjects");
  await type(driver, "subject-new-name", "МДК.01.02 Поддержка и тестирование программных модулей");
  await type(driver, "subject-new-short_name", "МДК.01.02");
  const moduleShown = async () => (await find(driver, "subject-new-module_id")).isDisplayed();
  assert.equal(await moduleShown(), false, "a discipline has no module field");
  await choose(driver, "subject-new-kind", "МДК");
  assert.equal(await moduleShown(), true, "an МДК asks for its module");
  await choose(driver, "subject-new-module_id", "ПМ.01 Разработка модулей программного обеспечения");
  await (await find(driver, "subject-new-submit")).click();
  await waitText(driver, "subjects", "МДК.01.02 Поддержка", 20000);
  await screenshot(driver, "subjects-module");

  const login = await apiJson(server.url, "POST", "/auth/login", null, { login: "admin", password: "demo", device_id: crypto.randomUUID() });
  const { body } = await apiJson(server.url, "GET", "/admin/subjects", login.body.token);
  const mdk = body.find((s) => s.name.startsWith("МДК.01.02"));
  const module = body.find((s) => s.kind === "module");
  assert.ok(module, "the demo has a профессиональный модуль");
  assert.equal(mdk?.module_id, module.id, `the МДК is kept under ПМ.01: ${JSON.stringify(mdk)}`);
});
