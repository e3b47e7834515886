// A maker's whole path, in one go against the real backend: a new flow, "Add a new row" dragged
// from the palette, its table and columns, the Invoker's connection and the badge saying so, a
// validation error seen on the card and fixed, undo and redo, then a solution .zip exported and
// opened again: the same flow.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { flowJson, url } from "./designer-page";

test("new flow → Add a new row → table, columns, Invoker's connection, badge → an error fixed → undo, redo → solution zip out and in again", async ({ page }) => {
  const dir = mkdtempSync(path.join(tmpdir(), "flowbench-maker-"));
  try {
    await page.goto(url());
    await expect(page.getByTestId("flow-name")).toHaveText("New contact follow-up");
    await page.getByRole("button", { name: "New flow" }).click();
    await expect(page.getByTestId("flow-name")).toHaveText("Untitled flow");
    await expect(page.getByTestId("step-card")).toHaveCount(1);

    // Drag "Add a new row" onto the + below the trigger.
    const addRow = page.getByRole("complementary", { name: "Add a step" }).getByRole("button", { name: "Add a new row" });
    await addRow.dragTo(page.getByRole("button", { name: "Add the first step of the flow" }));
    const card = page.locator('[data-step="Add_a_new_row"]');
    await expect(card).toContainText("CreateRecord");
    await expect(page.getByTestId("step-panel").getByRole("textbox", { name: "Name" })).toHaveValue("Add_a_new_row");

    // The table and a column.
    await page.getByTestId("param-table").selectOption("contacts");
    await expect(card).toContainText("CreateRecord · contacts");
    await page.getByTestId("param-add-column").selectOption("lastname");
    // A broken expression: the card says so…
    await page.getByTestId("param-item-lastname").fill("@{nope()}");
    await page.getByTestId("param-item-lastname").press("Enter");
    await expect(card.getByTestId("step-problems")).toHaveText("1 error");
    await expect(page.getByTestId("problem-count")).toHaveText(/^1 errors/);
    // …and the fix clears it.
    await page.getByTestId("param-item-lastname").fill("Lovelace");
    await page.getByTestId("param-item-lastname").press("Enter");
    await expect(card.getByTestId("step-problems")).toHaveCount(0);
    await expect(page.getByTestId("problem-count")).toHaveText(/^0 errors/);

    // The Invoker's connection, and the badge.
    const badge = card.getByTestId("runs-as");
    const before = await badge.textContent();
    const picker = page.getByTestId("connection-picker");
    await expect(picker.getByLabel("Invoker's connection")).toBeEnabled();
    await picker.getByLabel("Invoker's connection").click();
    await expect(badge).toHaveText("Runs as the invoker");
    expect(before).not.toBe("Runs as the invoker");

    // Undo and redo, with the buttons and the keys.
    await page.getByTestId("undo").click();
    await expect(badge).toHaveText(before!);
    await page.getByTestId("redo").click();
    await expect(badge).toHaveText("Runs as the invoker");
    await page.getByTestId("canvas").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("Control+z");
    await expect(badge).toHaveText(before!);
    await page.keyboard.press("Control+y");
    await expect(badge).toHaveText("Runs as the invoker");
    const designed = await flowJson(page);

    // Export a solution .zip, then open it again.
    const zip = path.join(dir, "Maker path.zip");
    page.once("dialog", (dialog) => dialog.accept(zip));
    await page.getByRole("button", { name: "Export…" }).click();
    await expect(page.getByTestId("exported")).toContainText(zip);
    expect(statSync(zip).size).toBeGreaterThan(0);
    page.once("dialog", (dialog) => dialog.accept(zip));
    await page.getByTestId("open").click();
    await expect(page.getByTestId("flow-name")).toHaveText("Untitled flow");
    await expect(page.getByTestId("step-card")).toHaveCount(2);
    await expect(card).toContainText("CreateRecord · contacts");
    await expect(card.getByTestId("runs-as")).toHaveText("Runs as the invoker");
    await expect(page.getByTestId("problem-count")).toHaveText(/^0 errors/);
    const reopened = await flowJson(page);
    expect(reopened.properties.definition.triggers).toEqual(designed.properties.definition.triggers);
    expect(reopened.properties.definition.actions).toEqual(designed.properties.definition.actions);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
