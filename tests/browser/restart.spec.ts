// Run history across a restart of the backend: a run made before `flowbench serve` stops is in the
// history after it starts again on the same data, and reopens on the canvas with its statuses.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, "target"), "debug", "flowbench");
const FLOW = path.join(import.meta.dirname, "fixtures", "add-contact.json");

/** Starts `flowbench serve` on `home`'s data; resolves with the server and its address. */
async function serve(home: string): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(
    BIN,
    ["serve", "--ui-dir", path.join(ROOT, "ui", "dist"), "--settings", path.join(home, "settings.json"), "--sandbox-data", path.join(home, "sandbox")],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, FLOWBENCH_CONFIG_DIR: home } },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    server.on("exit", (code) => reject(new Error(`flowbench serve exited with ${code}`)));
    server.stdout!.on("data", (chunk) => {
      out += chunk;
      const match = /(http:\/\/\S+#token=[0-9a-f]+)/.exec(out);
      if (match) resolve(match[1]);
    });
  });
  return { server, url };
}

function stop(server: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    server.once("exit", () => resolve());
    server.kill("SIGINT");
  });
}

test("a run is in the history after the backend restarts, and reopens on the canvas", async ({ page }) => {
  const home = mkdtempSync(path.join(tmpdir(), "flowbench-restart-"));
  try {
    let { server, url } = await serve(home);
    await page.goto(url);
    page.once("dialog", (dialog) => dialog.accept(FLOW));
    await page.getByTestId("open").click();
    await expect(page.getByTestId("flow-name")).toHaveText("add-contact");
    await page.getByTestId("trigger-field-text").fill("Before restart");
    await page.getByTestId("run-persona").selectOption("nora");
    await page.getByTestId("run").click();
    await expect(page.getByTestId("run-outcome")).toHaveText("Run Failed · 1 failed · 0x80040220");
    await stop(server);

    ({ server, url } = await serve(home));
    try {
      await page.goto(url);
      page.once("dialog", (dialog) => dialog.accept(FLOW));
      await page.getByTestId("open").click();
      const history = page.getByTestId("run-history");
      await expect(history.locator("option")).toHaveCount(2);
      await expect(history.locator("option").nth(1)).toContainText("nora · Failed");
      await history.selectOption({ index: 1 });
      await expect(page.getByTestId("run-outcome")).toHaveText("Run Failed · 1 failed · 0x80040220");
      await expect(page.locator('[data-step="Add_a_contact"] [data-testid="run-status"]')).toContainText("Failed · ran as nora");
      await page.locator('[data-step="Add_a_contact"]').click();
      await expect(page.getByTestId("step-run-explained")).toHaveText("nora lacks Create on Contact (prvCreateContact)");
      await expect(page.getByTestId("step-run-inputs")).toContainText("Before restart");
    } finally {
      await stop(server);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
