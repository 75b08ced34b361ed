// «Почтовый сервер» in a real Chromium: the demo's administrator keeps the institution's own mail
// server (an SMTP sink on 127.0.0.1 in this test), «Проверить» sends a test letter that the sink
// takes; with the server down «Проверить» says why in Russian. The password is never shown back.
// Screenshots target/e2e-screenshots/console-mail.png, console-mail-refused.png.

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { apiJson, choose, find, open, screenshot, signInAs, startBrowser, startDemoServer, type, waitText } from "./console.mjs";

let server;
let driver;
let sink;
const letters = [];

/** A small SMTP server: takes every letter and keeps its recipient and data. */
function startSink() {
  return new Promise((resolve) => {
    const s = net.createServer((socket) => {
      let rcpt = "";
      let data = null;
      let buffer = "";
      socket.write("220 sink\r\n");
      socket.on("data", (chunk) => {
        buffer += chunk.toString("utf8");
        let i;
        while ((i = buffer.indexOf("\r\n")) >= 0) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          if (data !== null) {
            if (line === ".") {
              letters.push({ rcpt, data });
              data = null;
              socket.write("250 kept\r\n");
            } else data += `${line}\n`;
            continue;
          }
          const upper = line.toUpperCase();
          if (upper.startsWith("EHLO")) socket.write("250-sink\r\n250 8BITMIME\r\n");
          else if (upper.startsWith("DATA")) {
            data = "";
            socket.write("354 go on\r\n");
          } else if (upper.startsWith("QUIT")) {
            socket.end("221 bye\r\n");
          } else {
            if (upper.startsWith("RCPT TO:")) rcpt = line.slice(8).trim().replace(/[<>]/g, "");
            socket.write("250 ok\r\n");
          }
        }
      });
      socket.on("error", () => {});
    });
    s.listen(0, "127.0.0.1", () => resolve(s));
  });
}

before(async () => {
  sink = await startSink();
  server = await startDemoServer("web-mail-journal-server.log");
  driver = await startBrowser(mkdtempSync(path.join(tmpdir(), "journal-mail-downloads-")));
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
    sink?.close();
  }
});

test("the administrator keeps the institution's mail server and checks it", async () => {
  await signInAs(driver, server.url, "admin", "demo");
  await open(driver, "mail");
  await waitText(driver, "smtp-state", "не задан", 20000);
  await type(driver, "smtp-host", "127.0.0.1");
  await type(driver, "smtp-port", String(sink.address().port));
  await choose(driver, "smtp-security", "Без шифрования (только внутри сети учреждения)");
  await type(driver, "smtp-login", "journal");
  await type(driver, "smtp-password", "секрет-почты");
  await type(driver, "smtp-sender", "journal@college.example");
  await (await find(driver, "smtp-submit")).click();
  await waitText(driver, "smtp-saved", "сохранён", 20000);
  await waitText(driver, "smtp-state", "через его почтовый сервер 127.0.0.1", 20000);
  assert.equal(await (await find(driver, "smtp-password")).getAttribute("value"), "", "the password field is emptied after saving");
  await waitText(driver, "screen-mail", "Пароль сохранён", 20000);

  const login = await apiJson(server.url, "POST", "/auth/login", null, { login: "admin", password: "demo", device_id: crypto.randomUUID() });
  const kept = await apiJson(server.url, "GET", "/admin/smtp", login.body.token);
  assert.equal(kept.body.password_set, true, `the server says a password is kept: ${JSON.stringify(kept.body)}`);
  assert.ok(!JSON.stringify(kept.body).includes("секрет-почты"), "and never answers it");

  // The sink takes letters without signing in: the login goes, the kept password stays unused.
  await type(driver, "smtp-login", "");
  await (await find(driver, "smtp-submit")).click();
  await waitText(driver, "smtp-saved", "сохранён", 20000);
  await type(driver, "smtp-test-to", "director@college.example");
  await (await find(driver, "smtp-test")).click();
  await waitText(driver, "smtp-test-ok", "Письмо отправлено на director@college.example", 20000);
  assert.ok(letters.some((l) => l.rcpt === "director@college.example" && l.data.includes("journal@college.example")), `the sink took the test letter: ${JSON.stringify(letters).slice(0, 300)}`);
  await driver.executeScript("window.scrollTo(0, 0)");
  await screenshot(driver, "mail");

  // A mail server that is down: the refusal in Russian.
  const closed = await new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
  await type(driver, "smtp-port", String(closed));
  await (await find(driver, "smtp-submit")).click();
  await waitText(driver, "smtp-saved", "сохранён", 20000);
  await (await find(driver, "smtp-test")).click();
  await waitText(driver, "smtp-test-error", "Тестовое письмо не отправлено: Почтовый сервер не отвечает", 30000);
  await driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", await find(driver, "smtp-test-error"));
  await screenshot(driver, "mail-refused");
});
