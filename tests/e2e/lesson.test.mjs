// The lesson, the journal and the finals of the real app, driven from the keyboard alone.
//
// 1. Cold start on a fresh copy, then a whole lesson of the largest group: attendance, five marks,
//    the topic accepted from the КТП with one key (a topic per hour of a pair), homework — counting
//    keystrokes and seconds. Reopening the lesson shows everything recorded.
// 2. «Журнал»: the lesson's marks are in the grid; arrows move; the right page has the topic.
// 3. «Итоговые отметки»: the suggested finals accepted with Enter, «н/а» where there are no marks,
//    the last one closes the period (the policy locks after finals, told beforehand); the locked grid
//    and lesson refuse entries.
// 4. A year's copy (the end of the second semester): cold start, the grid open, RSS of the app.
// Figures go to stdout as `name value`; nothing asserts on time.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { By, Key, until } from "selenium-webdriver";
import * as harness from "./app.mjs";

const { SCREENSHOTS, startApp, textOf } = harness;

// A Thursday of the first semester at 13:00: the demo teacher's lessons of the day are given.
const TODAY = process.env.E2E_TODAY || "2026-10-08";
const NOW = `${TODAY}T13:00`;
// The last week of the year: the whole year's journal is in the copy.
const YEAR_END_NOW = process.env.E2E_YEAR_END_NOW || "2027-06-24T15:00";

async function screenshot(driver, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await driver.sleep(400);
  const file = path.join(SCREENSHOTS, name);
  execFileSync("import", ["-window", "root", file], { env: process.env, timeout: 20000 });
  return file;
}

// ----- processes: the app's pid, its start time, the RSS of its tree --------------------------

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`);
  } catch {
    return null;
  }
}

/** The journal-app process started for `dataDir` (its environment names the data dir). */
function appPid(dataDir) {
  const want = `JOURNAL_DATA_DIR=${path.join(dataDir, "journal")}`;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const cmd = readProc(name, "cmdline");
    if (!cmd || !cmd.toString().split("\0")[0].endsWith("journal-app")) continue;
    const env = readProc(name, "environ");
    if (env && env.toString().split("\0").includes(want)) return Number(name);
  }
  return null;
}

function children(pid) {
  const out = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProc(name, "stat");
    if (!stat) continue;
    const fields = stat.toString().slice(stat.toString().lastIndexOf(")") + 2).split(" ");
    if (Number(fields[1]) === pid) out.push(Number(name));
  }
  return out;
}

function tree(pid) {
  return [pid, ...children(pid).flatMap(tree)];
}

/** Sum of VmRSS (kB) over the process and its descendants (WebKit's web and network processes). */
function rssKb(pid) {
  let sum = 0;
  for (const p of tree(pid)) {
    const status = readProc(p, "status");
    const m = status && /VmRSS:\s+(\d+) kB/.exec(status.toString());
    if (m) sum += Number(m[1]);
  }
  return sum;
}

/** When the process started, in epoch ms (jiffies since boot, boot from /proc/uptime). */
function startedAtMs(pid) {
  const stat = readProc(pid, "stat").toString();
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const startJiffies = Number(fields[19]);
  const hz = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  const uptimeS = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  const bootMs = Date.now() - uptimeS * 1000;
  return bootMs + (startJiffies / hz) * 1000;
}

/** ms from the app's process start until «Сегодня» was first usable (set by the page). */
async function coldStartMs(driver, dataDir) {
  const readyAt = Number(await driver.executeScript("return document.body.dataset.readyAt || ''"));
  const pid = appPid(dataDir);
  assert.ok(pid, "the app's process is found by its data dir");
  assert.ok(readyAt > 0, "the page records when «Сегодня» became usable");
  return { pid, ms: Math.round(readyAt - startedAtMs(pid)) };
}

// ----- the keyboard, counted ------------------------------------------------------------------

function keyboard(driver) {
  let keys = 0;
  let textKeys = 0;
  return {
    /** One key to the focused element. */
    async press(key) {
      keys += 1;
      await driver.actions().sendKeys(key).perform();
    },
    /** Text typed into a field (counted apart: the topic's or homework's wording). */
    async type(text) {
      textKeys += [...text].length;
      await driver.actions().sendKeys(text).perform();
    },
    get keys() {
      return keys;
    },
    get textKeys() {
      return textKeys;
    },
  };
}

async function activeTestId(driver) {
  return driver.executeScript("return document.activeElement && document.activeElement.dataset.testid || ''");
}

async function waitSaved(driver) {
  await driver.wait(
    async () =>
      driver.executeScript(
        "const m = document.getElementById('app-main');" +
          "return m.dataset.saving === 'false' && document.querySelectorAll('.cell.pending').length === 0;",
      ),
    30000,
    "every entry reached the backend",
  );
}

async function openTodayLesson(driver, lessonId) {
  const row = await driver.wait(
    until.elementLocated(By.css(`[data-testid=lesson-row][data-lesson-id="${lessonId}"]`)),
    20000,
    "the lesson is listed on «Сегодня»",
  );
  await row.sendKeys(Key.ENTER);
  await driver.wait(until.elementLocated(By.css("[data-testid=roster]")), 20000, "the lesson opens");
}

/**
 * Starts the demo server (when the harness has one) and the app at `now`, signs `login` in when
 * the app asks, and waits for «Сегодня». Prints how long the first screen and the journal took.
 * Returns { app, server, pid }.
 */
async function launch(now, login, figure, policy = undefined) {
  const server = harness.startServer ? await harness.startServer({ today: now.slice(0, 10), policy }) : null;
  const env = { JOURNAL_NOW: now };
  if (server) env.JOURNAL_SERVER_URL = server.url;
  let app;
  try {
    app = await startApp(env);
  } catch (e) {
    if (server) await server.stop();
    throw e;
  }
  const { driver } = app;
  const first = await driver.wait(async () => {
    if ((await driver.findElements(By.css("[data-testid=signin-form]"))).length) return "signin";
    if ((await driver.findElements(By.css("[data-testid=today-screen]"))).length) return "today";
    return false;
  }, 120000, "the app shows its first screen");
  const firstAt = Date.now();
  const pid = appPid(app.dataDir);
  assert.ok(pid, "the app's process is found by its data dir");
  console.log(`${figure}_first_screen_ms ${Math.round(firstAt - startedAtMs(pid))}`);
  if (first === "signin") {
    assert.ok(harness.signIn && server, "the app asks for sign-in: the harness signs in against the demo server");
    const typedAt = Date.now();
    try {
      await harness.signIn(driver, login, "demo", { server: server.url, timeout: 120000 });
    } catch (e) {
      // The «Вход» form may be drawn again right after it first appears: sign in on the new one.
      if (e.name !== "StaleElementReferenceError") throw e;
      await driver.sleep(500);
      await harness.signIn(driver, login, "demo", { server: server.url, timeout: 120000 });
    }
    await driver.wait(until.elementLocated(By.css("[data-testid=today-screen]")), 60000, "«Сегодня» after sign-in");
    const readyAt = Number(await driver.executeScript("return document.body.dataset.readyAt || ''"));
    console.log(`${figure}_signin_to_today_ms ${Math.round(readyAt - typedAt)}`);
  } else {
    const cold = await coldStartMs(driver, app.dataDir);
    console.log(`${figure}_cold_start_ms ${cold.ms}`);
  }
  return {
    app,
    server,
    pid,
    stop: async () => {
      await app.stop();
      if (server) await server.stop();
    },
  };
}

test("a whole lesson, the journal and the finals from the keyboard", async () => {
  const run = await launch(NOW, "teacher", "lesson_day");
  const { app } = run;
  const { driver } = app;
  try {
    const table = await driver.wait(
      until.elementLocated(By.css("[data-testid=today-lessons]")),
      90000,
      "«Сегодня» lists the day's lessons",
    );

    // The largest group's lesson that the teacher gives and that has nothing entered yet.
    const rows = await table.findElements(By.css("[data-testid=lesson-row]"));
    let best = null;
    for (const r of rows) {
      const filled = await r.findElement(By.css(".filled")).getText();
      const m = /(\d+) из (\d+)/.exec(filled);
      const cls = await r.getAttribute("class");
      const text = await r.getText();
      const ends = /\d\d:\d\d–(\d\d:\d\d)/.exec(text);
      // Only a lesson already given by this teacher is editable now (no substitute, ended by 13:00).
      if (!m || !cls.includes("state-scheduled") || /Замена: ведёт/.test(text) || !ends || ends[1] > "13:00") continue;
      const [done, total] = [Number(m[1]), Number(m[2])];
      if (done === 0 && (!best || total > best.total)) best = { id: await r.getAttribute("data-lesson-id"), total };
    }
    assert.ok(best, `a held lesson with an empty roster exists on ${TODAY}`);
    await screenshot(driver, "today-lessons.png");

    // ---- 1. the lesson ----------------------------------------------------------------------
    const kb = keyboard(driver);
    await openTodayLesson(driver, best.id);
    const started = Date.now();
    const cells = await driver.findElements(By.css("[data-testid=cell]"));
    const n = cells.length;
    assert.equal(n, best.total, "the roster has the students «Сегодня» counted");
    const hours = (await driver.findElements(By.css("[data-testid=topic-input]"))).length;
    const suggestion = await driver.findElement(By.css("[data-testid=topic-input]")).getAttribute("placeholder");
    assert.match(suggestion, /^Enter — по КТП: \d+\. /, "the next КТП topic is suggested in the topic field");
    assert.equal(await activeTestId(driver), "cell", "the first student's cell has the focus on opening");

    // Absent: three students; marks: five students (spread over the list).
    const plan = new Map([
      [1, "5"],
      [3, "н"],
      [6, "4"],
      [Math.floor(n / 2), "н"],
      [Math.floor(n / 2) + 2, "5"],
      [n - 6, "3"],
      [n - 4, "п"],
      [n - 2, "4"],
    ]);
    assert.equal(plan.size, 8, "eight distinct students get an entry");
    const last = Math.max(...plan.keys());
    for (let i = 0; i <= last; i++) {
      // An entry moves to the next student by itself; ↓ passes a student who is present.
      await kb.press(plan.get(i) ?? Key.ARROW_DOWN);
    }
    // т: to the topic; Enter accepts the suggested КТП topic (per hour of a pair).
    await kb.press("т");
    assert.equal(await activeTestId(driver), "topic-input", "т moves to the topic field");
    for (let h = 0; h < hours; h++) {
      await driver.wait(
        async () => (await driver.executeScript("return document.activeElement.dataset.hour || ''")) === String(h + 1),
        10000,
        `the topic field of hour ${h + 1} has the focus`,
      );
      await kb.press(Key.ENTER);
      await driver.wait(
        async () => (await driver.findElements(By.css("[data-testid=topic-recorded]"))).length >= h + 1,
        15000,
        `the topic of hour ${h + 1} is recorded`,
      );
    }
    await driver.wait(async () => (await activeTestId(driver)) === "homework-input", 10000,
      "after the last hour's topic the homework field has the focus");
    await kb.type("§ 5, № 1–4");
    await kb.press(Key.ENTER);
    await driver.wait(
      async () => /записано/.test(await driver.findElement(By.css("[data-testid=homework-message]")).getText()),
      15000,
      "the homework is recorded",
    );
    await waitSaved(driver);
    const seconds = (Date.now() - started) / 1000;
    console.log(`lesson_students ${n}`);
    console.log(`lesson_hours ${hours}`);
    console.log(`lesson_keystrokes ${kb.keys}`);
    console.log(`lesson_text_keystrokes ${kb.textKeys}`);
    console.log(`lesson_seconds ${seconds.toFixed(1)}`);
    await screenshot(driver, "lesson-filled.png");

    // The record survives leaving and reopening the lesson.
    // Esc leaves the homework field for the list, a second Esc goes back to «Сегодня».
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await openTodayLesson(driver, best.id);
    const after = await driver.findElements(By.css("[data-testid=cell]"));
    for (let i = 0; i < n; i++) {
      const want = plan.get(i) ?? "";
      assert.equal((await after[i].getText()).trim(), want, `student ${i + 1}'s cell after reopening`);
    }
    const recorded = await driver.findElements(By.css("[data-testid=topic-recorded] .topic-title"));
    assert.equal(recorded.length, hours, "a topic for every hour is recorded");
    assert.ok(
      suggestion.includes((await recorded[0].getText()).trim()),
      "the first hour's topic is the suggested КТП topic",
    );
    assert.equal(
      await driver.findElement(By.css("[data-testid=homework-input]")).getAttribute("value"),
      "§ 5, № 1–4",
      "the homework is recorded as typed",
    );
    // Free text is checked by the rules: a topic not in Russian is refused, shown in Russian, and
    // the recorded topic stays.
    const firstTitle = (await recorded[0].getText()).trim();
    await harness.click(driver, "topic-input");
    await driver.actions().sendKeys("Present Simple", Key.ENTER).perform();
    const topicMessage = await driver.findElement(By.css("[data-testid=topic-message]"));
    await driver.wait(async () => (await topicMessage.getAttribute("class")).includes("message-error"), 10000,
      "free text that breaks the rules is refused");
    assert.match(await topicMessage.getText(), /[а-яё]{4,}/i, "the refusal is explained in Russian");
    await screenshot(driver, "lesson-topic-refused.png");
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    assert.equal(
      (await driver.findElement(By.css("[data-testid=topic-recorded] .topic-title")).getText()).trim(),
      firstTitle,
      "the refused topic changed nothing",
    );

    // ---- 2. the journal ---------------------------------------------------------------------
    await harness.click(driver, "to-journal");
    const grid = await driver.wait(until.elementLocated(By.css("[data-testid=journal-grid]")), 20000,
      "«Журнал группы» opens the load's grid");
    const dayHead = `${TODAY.slice(8, 10)}.${TODAY.slice(5, 7)}`;
    const heads = await grid.findElements(By.css("th.date-head"));
    let col = -1;
    for (let k = 0; k < heads.length; k++) {
      if ((await heads[k].getText()).startsWith(dayHead)) col = k;
    }
    assert.ok(col >= 0, `the grid has a column for ${dayHead}`);
    const gridRows = await grid.findElements(By.css("[data-testid=grid-row]"));
    assert.equal(gridRows.length, n, "the grid lists the lesson's students");
    for (const [i, v] of plan) {
      const cell = await grid.findElement(By.css(`[data-row="${i}"][data-col="${col}"]`));
      assert.equal((await cell.getText()).trim(), v, `the grid shows student ${i + 1}'s entry of the lesson`);
    }
    const rightPage = await driver.findElement(By.css("[data-testid=right-page]")).getText();
    assert.ok(rightPage.includes("§ 5, № 1–4"), "the right page has the lesson's homework");
    // Arrow keys move through the grid.
    await driver.findElement(By.css(`[data-row="0"][data-col="${col}"]`)).click();
    await driver.actions().sendKeys(Key.ARROW_DOWN, Key.ARROW_DOWN).perform();
    assert.equal(
      await driver.executeScript("return document.activeElement.dataset.row + ':' + document.activeElement.dataset.col"),
      `2:${col}`,
      "↓ ↓ moves two students down in the same column",
    );
    await screenshot(driver, "journal.png");

    // ---- 3. finals and the lock -------------------------------------------------------------
    await harness.click(driver, "open-finals");
    await driver.wait(until.elementLocated(By.css("[data-testid=finals-table]")), 20000, "the finals screen opens");
    const inputs = await driver.findElements(By.css("[data-testid=final-input]"));
    assert.equal(inputs.length, n, "a final for each student");
    assert.match(await textOf(driver, "[data-testid=finals-rule]", "the policy's note"), /период закроется/,
      "the screen says beforehand that the period closes once every final is set");
    let finalsKeys = 0;
    for (let i = 0; i < inputs.length; i++) {
      const last = i === inputs.length - 1;
      if (last) {
        assert.match(await textOf(driver, "[data-testid=finals-rule]", "the policy's note"), /последняя итоговая/,
          "before the last final the teacher is told it closes the period");
        await screenshot(driver, "finals-last.png");
      }
      const suggested = await inputs[i].getAttribute("placeholder");
      if (!suggested) {
        await driver.actions().sendKeys("н/а").perform();
      }
      await driver.actions().sendKeys(Key.ENTER).perform();
      finalsKeys += 1;
      if (last) break; // the screen is redrawn read-only: the lock below is the check
      await driver.wait(
        async () => (await inputs[i].getAttribute("class")).includes("set"),
        15000,
        `student ${i + 1}'s final is recorded`,
      );
    }
    console.log(`finals_keystrokes ${finalsKeys}`);
    // 001 «Преподаватель» п. 5: the final that completes the list closes the period, no further step.
    await driver.wait(
      async () => /закрыт/.test(await textOf(driver, "[data-testid=lock-state]", "the lock state")),
      15000,
      "the last final closes the period",
    );
    assert.match(await textOf(driver, "[data-testid=finals-missing]", "the count"), /выставлены всем/,
      "every student has a final");
    assert.match(await textOf(driver, "[data-testid=finals-message]", "the message"), /период .* закрыт/,
      "the message says the period was closed");
    await screenshot(driver, "finals.png");
    const disabled = await driver.findElement(By.css("[data-testid=final-input]")).getAttribute("disabled");
    assert.ok(disabled !== null, "finals of a locked period are read-only");

    // The locked grid refuses an entry and keeps the cell.
    await harness.click(driver, "back");
    await driver.wait(until.elementLocated(By.css("[data-testid=read-only]")), 20000, "the grid says it is locked");
    const target = await driver.findElement(By.css(`[data-row="0"][data-col="${col}"]`));
    const before = await target.getText();
    await target.click();
    await driver.actions().sendKeys("2").perform();
    const gridMessage = await driver.findElement(By.css("[data-testid=grid-message]")).getText();
    assert.match(gridMessage, /Период закрыт/, "the grid explains the refusal in Russian");
    assert.equal(await target.getText(), before, "the locked cell is unchanged");
    await screenshot(driver, "journal-locked.png");

    // …and so does the lesson.
    await harness.click(driver, "header-nav-today");
    await openTodayLesson(driver, best.id);
    const readOnly = await driver.findElement(By.css("[data-testid=read-only]")).getText();
    assert.match(readOnly, /закрыт/i, `the lesson of a locked period says why it is read-only: «${readOnly}»`);
    assert.ok(
      (await driver.findElement(By.css("[data-testid=homework-input]")).getAttribute("disabled")) !== null,
      "the homework field is disabled in a locked period",
    );
  } finally {
    await run.stop();
  }
});

test("where the policy does not lock after finals, «Закрыть период» asks first", { skip: !harness.startServer }, async () => {
  const run = await launch(NOW, "teacher", "lock_dialog", { lock_after_finals: false });
  const { driver } = run.app;
  try {
    await harness.click(driver, "header-nav-journal");
    const load = await driver.wait(until.elementLocated(By.css("[data-testid=load-row]")), 20000, "«Журналы» lists loads");
    await load.sendKeys(Key.ENTER);
    await driver.wait(until.elementLocated(By.css("[data-testid=journal-grid]")), 20000, "the load's grid opens");
    await harness.click(driver, "open-finals");
    await driver.wait(until.elementLocated(By.css("[data-testid=finals-table]")), 20000, "the finals screen opens");
    assert.equal((await driver.findElements(By.css("[data-testid=finals-rule]"))).length, 0,
      "no note of a closing: this policy does not lock after finals");
    const inputs = await driver.findElements(By.css("[data-testid=final-input]"));
    for (let i = 0; i < inputs.length; i++) {
      if ((await inputs[i].getAttribute("class")).includes("set")) continue;
      await inputs[i].click();
      if (!(await inputs[i].getAttribute("placeholder"))) await driver.actions().sendKeys("н/а").perform();
      await driver.actions().sendKeys(Key.ENTER).perform();
      await driver.wait(async () => (await inputs[i].getAttribute("class")).includes("set"), 15000,
        `student ${i + 1}'s final is recorded`);
    }
    assert.match(await textOf(driver, "[data-testid=lock-state]", "the lock state"), /открыт/,
      "every final set, the period stays open until the teacher closes it");
    await harness.click(driver, "lock-period");
    const dialog = await driver.wait(until.elementLocated(By.css("[data-testid=lock-dialog]")), 10000,
      "closing the period asks first");
    assert.match(await dialog.getText(), /Будут закрыты для изменений/, "the dialog names what will be locked");
    await screenshot(driver, "lock-dialog.png");
    // Esc cancels: nothing is locked.
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    assert.match(await textOf(driver, "[data-testid=lock-state]", "the lock state"), /открыт/,
      "a cancelled dialog leaves the period open");
    await harness.click(driver, "lock-period");
    await driver.wait(until.elementLocated(By.css("[data-testid=lock-dialog]")), 10000, "asked again");
    await driver.actions().sendKeys(Key.ENTER).perform(); // the confirm button has the focus
    await driver.wait(
      async () => /закрыт/.test(await textOf(driver, "[data-testid=lock-state]", "the lock state")),
      15000,
      "confirming locks the period",
    );
  } finally {
    await run.stop();
  }
});

test("a year's journal: cold start and memory with the grid open", async () => {
  const run = await launch(YEAR_END_NOW, "teacher", "year_copy");
  const { driver } = run.app;
  try {
    await harness.click(driver, "header-nav-journal");
    const load = await driver.wait(until.elementLocated(By.css("[data-testid=load-row]")), 20000,
      "«Журналы» lists the teacher's loads");
    await screenshot(driver, "journals.png");
    await load.sendKeys(Key.ENTER);
    const grid = await driver.wait(until.elementLocated(By.css("[data-testid=journal-grid]")), 20000,
      "the load's grid opens");
    const columns = (await grid.findElements(By.css("th.date-head"))).length;
    assert.ok(columns > 10, `a semester's grid has many lessons (${columns})`);
    await driver.sleep(1000);
    console.log(`grid_columns ${columns}`);
    console.log(`app_rss_kb ${rssKb(run.pid)}`);
    console.log(`app_processes ${tree(run.pid).length}`);
    await screenshot(driver, "journal-year.png");
  } finally {
    await run.stop();
  }
});

test("the curator reads every subject of their group, and cannot edit", { skip: !harness.signIn }, async () => {
  const run = await launch(NOW, "curator", "curator");
  const { driver } = run.app;
  try {
    await harness.click(driver, "header-nav-journal");
    await driver.wait(until.elementLocated(By.css("[data-testid=load-row]")), 20000, "«Журналы» lists loads");
    const rows = await driver.findElements(By.css("[data-testid=load-row]"));
    assert.ok(rows.length >= 3, `the curator sees the subjects of the group (${rows.length})`);
    const text = await driver.findElement(By.css("[data-testid=journals-screen]")).getText();
    assert.match(text, /Только просмотр/, "loads of other teachers are marked read-only");
    await screenshot(driver, "curator.png");
    let other = null;
    for (const r of rows) if (/Только просмотр/.test(await r.getText())) other = other ?? r;
    assert.ok(other, "a subject taught by another teacher is listed");
    await other.sendKeys(Key.ENTER);
    await driver.wait(until.elementLocated(By.css("[data-testid=journal-grid]")), 20000, "a subject's grid opens");
    const reason = await driver.findElement(By.css("[data-testid=read-only]")).getText();
    assert.match(reason, /Только просмотр|закрыт/, `the grid says why it is read-only: «${reason}»`);
    await screenshot(driver, "curator-grid.png");
  } finally {
    await run.stop();
  }
});
