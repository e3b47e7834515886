// Accessibility: the designer passes axe's WCAG checks, and a maker can build a flow by keyboard.
import AxeBuilder from "@axe-core/playwright";
import { type Page, expect, test } from "@playwright/test";
import { openFixture } from "./designer-page";

async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}

test("axe finds no WCAG A/AA violations on the canvas, panels, pickers, code view, run results and environments", async ({ page }) => {
  await openFixture(page, "add-contact");
  expect(await violations(page), "canvas").toEqual([]);

  await page.locator('[data-step="Add_a_contact"]').click();
  await expect(page.getByTestId("step-panel")).toBeVisible();
  expect(await violations(page), "step panel, with its column pickers and settings").toEqual([]);
  await page.locator('[data-step="Say_who"]').click();
  await expect(page.getByTestId("action-properties")).toBeVisible();
  expect(await violations(page), "a built-in step's form").toEqual([]);
  await page.locator('[data-step="Add_a_contact"]').click();
  await page.getByTestId("who-can-run-button").click();
  await expect(page.getByTestId("who-can-run")).toBeVisible();
  expect(await violations(page), "who can run").toEqual([]);

  await page.getByRole("searchbox", { name: "Search steps" }).fill("row");
  expect(await violations(page), "palette, filtered").toEqual([]);

  await page.getByTestId("run-persona").selectOption("sam");
  await page.getByTestId("run").click();
  await expect(page.getByTestId("run-outcome")).toBeVisible();
  expect(await violations(page), "run results on the cards and in the panel").toEqual([]);

  await page.getByTestId("toggle-code").click();
  expect(await violations(page), "code view").toEqual([]);
  await page.getByTestId("toggle-code").click();

  await page.getByTestId("environments-open").click();
  await expect(page.getByTestId("environments")).toBeVisible();
  expect(await violations(page), "environments").toEqual([]);
});

/** Presses Tab until `target` has focus: it must be reachable from the keyboard, in fewer than `max` presses. */
async function tabTo(page: Page, target: ReturnType<Page["locator"]>, max = 80) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((e) => e === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`${target} was not reached with ${max} presses of Tab`);
}

test("a flow is built and edited by keyboard alone: a step added on a +, a card selected, moved, deleted, and the delete undone", async ({ page }) => {
  await openFixture(page, "add-contact");
  await page.getByTestId("flow-name").click();
  const between = page.getByRole("button", { name: "Add a step between Add a contact and Say who" });
  await tabTo(page, between);
  await page.keyboard.press("Enter");
  await expect(between).toHaveAttribute("aria-pressed", "true");
  await tabTo(page, page.getByRole("button", { name: "Compose", exact: true }));
  await page.keyboard.press("Enter");
  await expect(page.locator('[data-step="Compose"]')).toBeVisible();

  // Cards are tab stops named for what they are; Enter selects one and opens its panel.
  const card = page.getByRole("group", { name: "Data operation step: Compose" });
  await tabTo(page, card);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("step-panel").getByRole("textbox", { name: "Name" })).toHaveValue("Compose");
  await expect(page.getByRole("group", { name: /^Dataverse step: Add a contact, Runs as/ })).toHaveCount(1);

  // Alt+↑ moves it above Add a contact; Delete removes it; Ctrl+Z brings it back.
  await page.keyboard.press("Alt+ArrowUp");
  await expect(page.getByRole("button", { name: "Add a step between Compose and Add a contact" })).toBeAttached();
  await page.keyboard.press("Delete");
  await expect(page.locator('[data-step="Compose"]')).toHaveCount(0);
  await page.keyboard.press("Control+z");
  await expect(page.locator('[data-step="Compose"]')).toBeVisible();
});
