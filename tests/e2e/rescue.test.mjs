// A damaged local copy at sign-in, in the real app: the teacher's copy (made by the `journal` CLI on
// this PC's data dir) holds an unsent mark when the beginning of its file is overwritten. Signing in
// with the server up sets the file aside, sends the mark (read from the damaged file) and gets a
// fresh copy showing it: the journal opens with «Локальная копия повреждена. Она сохранена как …;
// получена новая копия с сервера; восстановлено 1 …».

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, openSync, readdirSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { By, until } from "selenium-webdriver";
import { cli as runCli, screenshot, signIn, startApp, startServer } from "./app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";
const NOW = `${TODAY}T13:00`;

const cli = (dir, args) => runCli(dir, "teacher", NOW, args);

test("a damaged copy is set aside at sign-in and its unsent mark rescued", async () => {
  const server = await startServer({ today: TODAY });
  const dataDir = mkdtempSync(path.join(tmpdir(), "journal-e2e-"));
  const journalDir = path.join(dataDir, "journal");
  cli(journalDir, ["--server", server.url, "login"]);
  const lessons = JSON.parse(cli(journalDir, ["--json", "lessons", "--date", TODAY]));
  assert.ok(lessons.length > 0, "the teacher has lessons today");
  cli(journalDir, ["mark", "--lesson", lessons[0].id, "--student", "1", "5"]);
  const status = JSON.parse(cli(journalDir, ["--json", "status"]));
  assert.equal(Number(status.pending_ops), 1, "the mark waits for the server");
  // The copy is closed; its beginning is overwritten.
  const file = path.join(journalDir, "users", "teacher", "journal.db");
  const fd = openSync(file, "r+");
  writeSync(fd, Buffer.alloc(200, 0xa5), 0, 200, 16);
  closeSync(fd);

  const app = await startApp({ JOURNAL_NOW: NOW, JOURNAL_SERVER_URL: server.url }, { dataDir });
  const { driver } = app;
  try {
    await signIn(driver, "teacher", "demo");
    const notice = await driver.wait(until.elementLocated(By.css("[data-testid=rescue-notice]")), 30000,
      "the journal opens with what happened to the copy");
    const text = await notice.getText();
    assert.match(text, /Локальная копия повреждена/, `the damage is named: «${text}»`);
    assert.match(text, /сохранена как journal-damaged-\d{8}-\d{6}\.db/, `the kept file is named: «${text}»`);
    assert.match(text, /получена новая копия с сервера/, `the fresh copy is named: «${text}»`);
    assert.match(text, /восстановлено 1 неотправленное изменение/, `the rescued mark is counted: «${text}»`);
    const kept = readdirSync(path.join(journalDir, "users", "teacher")).filter((n) => n.startsWith("journal-damaged-"));
    assert.ok(kept.some((n) => n.endsWith(".db")), `the damaged file is kept aside: ${kept}`);
    await screenshot(driver, "rescue.png");
    // The rescued mark is on the server and in the fresh copy.
    await driver.wait(async () => {
      const st = JSON.parse(cli(journalDir, ["--json", "status"]));
      return Number(st.pending_ops) === 0;
    }, 60000, "the rescued mark is sent");
  } finally {
    await app.stop();
    await server.stop();
  }
});
