// Run history across a restart of the backend: a run made before `flowbench serve` stops is in the
// history after it starts again on the same data, and reopens on the canvas with its statuses.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { serve, stop } from "./backend";

const FLOW = path.join(import.meta.dirname, "fixtures", "add-contact.json");

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
