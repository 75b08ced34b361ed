// Teachers' own КТП in a real Chromium (issue 13 item 4), where the institution's policy asks for
// the deputy's approval: the teacher sends their load's КТП file in «КТП»; the deputy reads its
// topics and approves it; the plan is in effect. Screenshots: target/e2e-screenshots/plans-*.png.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { SCREENSHOTS, apiJson, find, setViewport, signInAs, signOutOf, startBrowser, startDemoServer, waitText } from "./console.mjs";

const PASSWORD = "demo";
const FIRST = "Введение. Роль дисциплины в профессиональной деятельности";

let server;
let driver;

async function shot(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(path.join(SCREENSHOTS, `plans-${name}.png`), await driver.takeScreenshot(), "base64");
}

const api = (method, route, token, body) => apiJson(server.url, method, route, token, body);

before(async () => {
  server = await startDemoServer("web-plans-journal-server.log");
  driver = await startBrowser(mkdtempSync(path.join(tmpdir(), "journal-plans-downloads-")));
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

test("the teacher sends a КТП and the deputy approves it", async () => {
  const admin = await api("POST", "/auth/login", null, { login: "admin", password: PASSWORD, device_id: "6b1f0e2d-3c4a-4b5c-9d6e-7f8a9b0c1d21" });
  assert.equal(admin.status, 200, "the administrator signs in over the API");
  const policy = await api("GET", "/admin/policy", admin.body.token);
  const put = await api("PUT", "/admin/policy", admin.body.token, { ...policy.body, plan_approval: true });
  assert.equal(put.status, 200, `the policy asks for approval: ${JSON.stringify(put.body)}`);
  const snap = (await api("GET", "/sync/snapshot", admin.body.token)).body.snapshot;
  const teacher = snap.users.find((u) => u.login === "teacher");
  const load = snap.loads.find((l) => l.teacher_id === teacher.id && l.subgroup_id === null);
  const group = snap.groups.find((g) => g.id === load.group_id).name;
  const subject = snap.subjects.find((s) => s.id === load.subject_id).name;
  const dir = mkdtempSync(path.join(tmpdir(), "journal-plans-"));
  const file = path.join(dir, "ktp.csv");
  writeFileSync(
    file,
    "Преподаватель;Группа;Дисциплина;№;Тема;Часы\n" +
      `${teacher.full_name};${group};${subject};1;${FIRST};2\n` +
      `${teacher.full_name};${group};${subject};2;Контрольная работа по разделу «Введение»;2\n`,
  );

  await setViewport(driver, 1366, 768);
  await signInAs(driver, server.url, "teacher", PASSWORD);
  await (await find(driver, "nav-plans", 20000)).click();
  await (await find(driver, `plan-file-${load.id}`, 20000)).sendKeys(file);
  await waitText(driver, "plan-sent", "отправлен заместителю", 20000);
  await waitText(driver, `plan-state-${load.id}`, "Ждёт утверждения", 20000);
  await shot("teacher-sent");
  await signOutOf(driver);

  await signInAs(driver, server.url, "deputy", PASSWORD);
  await (await find(driver, "nav-plans", 20000)).click();
  await (await find(driver, `plan-topics-${load.id}`, 20000)).click();
  await waitText(driver, `plan-topics-${load.id}`, FIRST, 20000);
  await shot("deputy-draft");
  await (await find(driver, `plan-approve-${load.id}`)).click();
  await waitText(driver, "plan-approved", "утверждён", 20000);
  await shot("deputy-approved");
  const after = (await api("GET", "/sync/snapshot", admin.body.token)).body.snapshot;
  const first = after.plan_topics.find((t) => t.load_id === load.id && t.ordinal === 1);
  assert.equal(first?.title, FIRST, "the approved КТП is in effect");
  await signOutOf(driver);
});
