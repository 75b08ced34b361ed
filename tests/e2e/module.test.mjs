// The профессиональный модуль's journal in the app (issue 13, item 4): the demo's master of
// МДК.01.01 and УП.01 sees both under «ПМ.01 …» in «Журналы», opens the module's «Сводная
// ведомость» from the keyboard (read-only, the same rows as the printed sheet) and saves the module
// journal as PDF from the local copy with P.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { By, Key, until } from "selenium-webdriver";
import { act, screenshot, signIn, startApp, startServer, textOf } from "./app.mjs";

// After the first semester: its finals are in the demo's history.
const TODAY = process.env.E2E_TODAY || "2027-02-10";
const NOW = `${TODAY}T16:00`;

test("МДК and practice are shown under their ПМ, the module's summary is read from the keyboard and printed", async () => {
  const server = await startServer({ today: TODAY });
  const documents = mkdtempSync(path.join(tmpdir(), "journal-e2e-module-docs-"));
  const app = await startApp({
    JOURNAL_NOW: NOW,
    JOURNAL_SERVER_URL: server.url,
    JOURNAL_SYNC_SECONDS: "3600",
    XDG_DOCUMENTS_DIR: documents,
  });
  const { driver } = app;
  try {
    await signIn(driver, "teacher7", "demo", { server: server.url });
    await act(driver, "[data-testid=header-nav-journal]", (el) => el.click(), "the «Журналы» tab");
    await driver.wait(until.elementLocated(By.css("[data-testid=module-head]")), 30000,
      "«Журналы» has a профессиональный модуль's heading");
    const heading = await textOf(driver, "[data-testid=module-head]", "the module's heading");
    assert.match(heading, /^ПМ\.01 /, `the heading names the module: ${heading}`);
    // The МДК and the practice rows come right after the heading, before its summary row.
    const order = await driver.executeScript(`
      const body = document.querySelector("[data-testid=module-head]").closest("tbody");
      return [...body.children].map((tr) => tr.dataset.testid + ":" + tr.textContent.slice(0, 40));`);
    const at = order.findIndex((x) => x.startsWith("module-head"));
    const under = order.slice(at + 1, at + 4);
    assert.ok(under[0].includes("МДК.01.01") && under[1].includes("практика") && under[2].startsWith("module-summary-row"),
      `the МДК and the practice are under the heading, then the summary: ${JSON.stringify(order)}`);
    await screenshot(driver, "module-journals.png");

    // From the first row (focused when «Журналы» opens), ↓ to the summary row and Enter.
    const steps = order.filter((x) => x.startsWith("load-row") || x.startsWith("module-summary-row"))
      .findIndex((x) => x.startsWith("module-summary-row"));
    await driver.executeScript(`document.querySelector("[data-testid=load-row]").focus()`);
    for (let i = 0; i < steps; i++) await driver.switchTo().activeElement().sendKeys(Key.ARROW_DOWN);
    const focused = await driver.switchTo().activeElement().getAttribute("data-testid");
    assert.equal(focused, "module-summary-row", "↓ reaches the module's summary row");
    await driver.switchTo().activeElement().sendKeys(Key.ENTER);
    await driver.wait(until.elementLocated(By.css("[data-testid=module-summary-table]")), 30000,
      "Enter opens the module's «Сводная ведомость»");
    const heads = await driver.executeScript(
      `return [...document.querySelectorAll("[data-testid=module-summary-table] th")].map((th) => th.textContent)`);
    assert.ok(heads.some((x) => x.startsWith("МДК.01.01, 1 семестр")), `the МДК's first-semester final has its column: ${heads}`);
    assert.ok(heads.includes("Квалификационный экзамен") && heads.includes("Вид профессиональной деятельности"),
      `the qualifying exam and the ВПД have theirs: ${heads}`);
    const filled = await driver.executeScript(`
      const col = [...document.querySelectorAll("[data-testid=module-summary-table] th")].findIndex((th) => th.textContent.startsWith("МДК.01.01, 1 семестр"));
      return [...document.querySelectorAll("[data-testid=module-summary-line]")].filter((tr) => tr.children[col].textContent.trim() !== "").length;`);
    assert.ok(filled > 0, "the МДК's first-semester finals from the journal are shown");
    assert.equal((await driver.findElements(By.css("[data-testid=module-summary-table] input"))).length, 0,
      "the summary is read-only");
    await screenshot(driver, "module-summary.png");

    // P saves the module journal as PDF from the local copy.
    await driver.switchTo().activeElement().sendKeys("p");
    await driver.wait(async () => (await textOf(driver, "[data-testid=module-print-message]", "the print message")).includes("сохранено в"),
      60000, "P prints the module journal");
    const files = readdirSync(documents).filter((f) => f.endsWith(".pdf"));
    assert.equal(files.length, 1, `one PDF in the Documents folder: ${files}`);
    const pdf = path.join(documents, files[0]);
    assert.ok(existsSync(pdf));
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    assert.match(text, /учета обучения по профессиональному модулю/, "the PDF is the module journal");
    assert.match(text, /Сводная ведомость/, "with its summary sheet");
    await screenshot(driver, "module-summary-printed.png");

    // Esc goes back to «Журналы».
    await driver.switchTo().activeElement().sendKeys(Key.ESCAPE);
    await driver.wait(until.elementLocated(By.css("[data-testid=journals-screen]")), 20000, "Esc goes back to «Журналы»");
  } finally {
    await app.stop();
    await server.stop();
  }
});
