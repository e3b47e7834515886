// The real desktop window: the built app in WebKitGTK, driven through tauri-driver and
// WebKitWebDriver (under Xvfb when there is no display).
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { remote } from "webdriverio";

const ROOT = path.resolve(import.meta.dirname, "../..");
const APP = path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, "target"), "debug", "flowbench-desktop");
const ARTIFACTS = path.join(ROOT, "tests", "artifacts");
const DRIVER_PORT = 4444;

let driver;
let configDir;

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => socket.end(() => resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

async function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on ${port} within ${ms} ms`);
}

/** A fresh app session; each one starts a new process of the app. */
function openApp() {
  return remote({
    hostname: "127.0.0.1",
    port: DRIVER_PORT,
    logLevel: "error",
    capabilities: {
      browserName: "wry",
      "tauri:options": { application: APP },
      "wdio:enforceWebDriverClassic": true,
    },
  });
}

before(async () => {
  assert.ok(existsSync(APP), `${APP} is missing: run npm test (it builds the app first)`);
  configDir = mkdtempSync(path.join(tmpdir(), "flowbench-window-"));
  // The app inherits this through tauri-driver and WebKitWebDriver: tests never touch real settings.
  driver = spawn("tauri-driver", ["--port", String(DRIVER_PORT), "--native-port", "4445"], {
    stdio: ["ignore", "ignore", "ignore"],
    env: { ...process.env, FLOWBENCH_CONFIG_DIR: configDir, FLOWBENCH_DATA_DIR: configDir },
  });
  await waitForPort(DRIVER_PORT, 15_000);
});

after(() => {
  driver?.kill();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe("the desktop window", () => {
  test("renders the sample flow on the canvas, with identities, and saves a screenshot", async () => {
    const app = await openApp();
    try {
      await app.waitUntil(async () => (await app.$$('[data-testid="step-card"]').length) === 6, {
        timeout: 20_000,
        timeoutMsg: "the canvas did not show the sample flow's 6 cards",
      });
      const trigger = await app.$('[data-step="When_a_contact_is_added"] .step-card__name').getProperty("textContent");
      assert.equal(trigger, "When a contact is added");
      const badge = await app.$('[data-step="Create_a_follow-up_task"] [data-testid="runs-as"]').getProperty("textContent");
      assert.equal(badge, "Runs as the modifying user");
      const host = await app.$('[data-testid="host-kind"]').getText();
      assert.match(host, /^Desktop/, "the window talks to Rust over Tauri IPC, not HTTP");
      const sandbox = await app.$('[data-testid="environment-url"]').getProperty("textContent");
      assert.match(sandbox, /^http:\/\/127\.0\.0\.1:\d+ · 5 personas$/, "the embedded sandbox runs in the app");
      mkdirSync(ARTIFACTS, { recursive: true });
      await app.saveScreenshot(path.join(ARTIFACTS, "window.png"));
      if (process.env.UPDATE_SCREENSHOT === "1") copyFileSync(path.join(ARTIFACTS, "window.png"), path.join(ROOT, "docs", "window.png"));
    } finally {
      await app.deleteSession();
    }
  });

  test("keeps settings in the store across restarts, and no secret in them", async () => {
    let app = await openApp();
    try {
      await app.$('[data-testid="environment"]').waitForExist({ timeout: 20_000 });
      const saved = await app.executeAsync((done) => {
        window.__TAURI_INTERNALS__
          .invoke("call", { command: "update_settings", request: { lastEnvironment: "Contoso Dev" } })
          .then((s) => done(JSON.stringify(s)), (e) => done(`error ${JSON.stringify(e)}`));
      });
      assert.match(saved, /"lastEnvironment":"Contoso Dev"/);
    } finally {
      await app.deleteSession();
    }
    const stored = readFileSync(path.join(configDir, "settings.json"), "utf8");
    assert.match(stored, /Contoso Dev/);
    assert.doesNotMatch(stored, /token|secret|password/i);

    app = await openApp();
    try {
      const environment = await app.$('[data-testid="environment"]');
      await environment.waitForExist({ timeout: 20_000 });
      assert.equal(await environment.getText(), "Environment: Contoso Dev");
    } finally {
      await app.deleteSession();
    }
  });

  test("a test run in the embedded sandbox is kept in the history across a restart of the app", async () => {
    const flowJson = readFileSync(path.join(ROOT, "tests", "browser", "fixtures", "add-contact.json"), "utf8");
    const call = (app, command, request) =>
      app.executeAsync(
        (command, request, done) => {
          window.__TAURI_INTERNALS__.invoke("call", { command, request }).then(
            (r) => done(JSON.stringify({ ok: r })),
            (e) => done(JSON.stringify({ error: e })),
          );
        },
        command,
        request,
      ).then((text) => JSON.parse(text));
    let app = await openApp();
    try {
      await app.$('[data-testid="canvas"]').waitForExist({ timeout: 20_000 });
      // The test before left "Contoso Dev" in use, an environment nobody added: choose the sandbox.
      const chosen = await call(app, "use_environment", { name: "sandbox" });
      assert.equal(chosen.ok?.current, "sandbox", JSON.stringify(chosen));
      const run = await call(app, "run_flow", { flowJson, persona: "nora", triggerBody: { text: "Curie" }, flowKey: "window-test" });
      assert.equal(run.ok?.status, "Failed", JSON.stringify(run));
      assert.match(JSON.stringify(run.ok.steps[0].error), /prvCreateContact/);
    } finally {
      await app.deleteSession();
    }
    app = await openApp();
    try {
      await app.$('[data-testid="canvas"]').waitForExist({ timeout: 20_000 });
      const history = await call(app, "run_history", { flowKey: "window-test" });
      assert.equal(history.ok?.length, 1, JSON.stringify(history));
      assert.equal(history.ok[0].persona, "nora");
      const reopened = await call(app, "get_run", { id: history.ok[0].id });
      assert.equal(reopened.ok?.steps[0].identity.user, "nora");
    } finally {
      await app.deleteSession();
    }
  });

  test("opens a flow from the recent files, deletes a step and saves it to its file", async () => {
    // The native Open dialog is the desktop's own; the recent-files list opens the same way.
    const file = path.join(configDir, "window-open.json");
    copyFileSync(path.join(ROOT, "tests", "browser", "fixtures", "add-contact.json"), file);
    const settingsFile = path.join(configDir, "settings.json");
    const settings = existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, "utf8")) : {};
    writeFileSync(settingsFile, JSON.stringify({ ...settings, recentFiles: [file] }));
    const app = await openApp();
    try {
      const recent = await app.$('[data-testid="recent"]');
      await recent.waitForExist({ timeout: 20_000 });
      await recent.selectByAttribute("value", file);
      await app.waitUntil(async () => (await app.$('[data-testid="flow-name"]').getText()) === "window-open", {
        timeout: 10_000,
        timeoutMsg: "the recent file did not open",
      });
      const card = await app.$('[data-step="Say_who"]');
      await card.waitForExist({ timeout: 10_000 });
      await card.click();
      await app.keys("Delete");
      await app.$('[data-step="Say_who"]').waitForExist({ reverse: true, timeout: 10_000 });
      await app.$('[data-testid="save"]').click();
      await app.waitUntil(async () => !JSON.parse(readFileSync(file, "utf8")).properties.definition.actions.Say_who, {
        timeout: 10_000,
        timeoutMsg: "the file on disk still has the deleted step",
      });
      const actions = JSON.parse(readFileSync(file, "utf8")).properties.definition.actions;
      assert.deepEqual(Object.keys(actions), ["Add_a_contact"]);
    } finally {
      await app.deleteSession();
    }
  });

  test("an unknown command comes back with its stable code", async () => {
    const app = await openApp();
    try {
      await app.$('[data-testid="canvas"]').waitForExist({ timeout: 20_000 });
      const result = await app.executeAsync((done) => {
        window.__TAURI_INTERNALS__
          .invoke("call", { command: "format_disk", request: {} })
          .then(() => done("resolved"), (e) => done(JSON.stringify(e)));
      });
      assert.equal(JSON.parse(result).code, "unknown_command");
    } finally {
      await app.deleteSession();
    }
  });
});
