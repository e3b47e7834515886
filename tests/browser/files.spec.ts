// Files: a new flow, autosave while editing, and the edit offered back after the backend is
// killed mid-edit and started again; a save (or a discard) removes the autosave.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { serve, stop } from "./backend";

const autosaves = (home: string) => {
  const dir = path.join(home, "autosave");
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
};

test("a new flow's edit survives a killed backend: offered back, restored, then saved", async ({ page }) => {
  const home = mkdtempSync(path.join(tmpdir(), "flowbench-files-"));
  let { server, url } = await serve(home);
  try {
    await page.goto(url);
    await expect(page.getByTestId("flow-name")).toHaveText("New contact follow-up");
    await expect(page.getByTestId("recovery")).toHaveCount(0);
    // Ctrl+N: a blank flow with a manual trigger.
    await page.getByTestId("canvas").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("Control+n");
    await expect(page.getByTestId("flow-name")).toHaveText("Untitled flow");
    await expect(page.getByTestId("step-card")).toHaveCount(1);
    await expect(page.locator('[data-step="manual"]')).toBeVisible();
    await expect(page.getByTestId("modified")).toHaveCount(0);
    expect(autosaves(home)).toEqual([]);

    await page.getByRole("button", { name: "Compose" }).click();
    await expect(page.getByTestId("step-card")).toHaveCount(2);
    await expect(page.getByTestId("modified")).toBeVisible();
    await expect.poll(() => autosaves(home).length).toBe(1);

    // Killed mid-edit: nothing was saved, and the page goes with it.
    await stop(server, "SIGKILL");
    ({ server, url } = await serve(home));
    await page.goto(url);
    await expect(page.getByTestId("recovery-question")).toHaveText("Recover unsaved changes to Untitled flow?");
    await expect(page.getByRole("group", { name: "Recover unsaved changes" })).toContainText("never saved");
    await page.getByRole("button", { name: "Restore" }).click();
    await expect(page.getByTestId("recovery")).toHaveCount(0);
    await expect(page.getByTestId("flow-name")).toHaveText("Untitled flow");
    await expect(page.locator('[data-step="Compose"]')).toBeVisible();
    await expect(page.getByTestId("modified")).toBeVisible();

    // A clean save removes the autosave and adds the file to the recent files.
    const saved = path.join(home, "recovered.json");
    page.once("dialog", (dialog) => dialog.accept(saved));
    await page.getByTestId("save").click();
    await expect(page.getByTestId("saved")).toContainText(saved);
    await expect(page.getByTestId("modified")).toHaveCount(0);
    await expect.poll(() => autosaves(home).length).toBe(0);
    await expect(page.getByTestId("recent").locator("option", { hasText: saved })).toHaveCount(1);

    // An edit of the saved file, then a restart: offered under the file's name; discard removes it.
    await page.getByRole("button", { name: "Terminate" }).click();
    await expect(page.getByTestId("modified")).toBeVisible();
    await expect.poll(() => autosaves(home).length).toBe(1);
    await stop(server, "SIGKILL");
    ({ server, url } = await serve(home));
    await page.goto(url);
    await expect(page.getByTestId("recovery-question")).toHaveText("Recover unsaved changes to recovered?");
    await page.getByRole("button", { name: "Discard" }).click();
    await expect(page.getByTestId("recovery")).toHaveCount(0);
    await expect.poll(() => autosaves(home).length).toBe(0);
    // The file itself is as saved: one Compose, no Terminate.
    page.once("dialog", (dialog) => dialog.accept(saved));
    await page.getByTestId("open").click();
    await expect(page.getByTestId("flow-name")).toHaveText("recovered");
    await expect(page.getByTestId("step-card")).toHaveCount(2);
    await expect(page.locator('[data-step="Terminate"]')).toHaveCount(0);
  } finally {
    await stop(server);
    rmSync(home, { recursive: true, force: true });
  }
});
