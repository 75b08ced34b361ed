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
