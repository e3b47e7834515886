// A solution with several flows: the flow no other calls opens first, the others are a pick away,
// and a test run of the parent calls its sibling as a child flow.
import { expect, test } from "@playwright/test";
import { browserFixture, url } from "./designer-page";

test("a solution opens on its parent flow, another flow is picked from the toolbar, and a run calls the child flow", async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  page.once("dialog", (dialog) => dialog.accept(browserFixture("parent-and-child")));
  await page.getByTestId("open").click();
  await expect(page.getByTestId("flow-name")).toHaveText("Parent");

  const pick = page.getByRole("combobox", { name: "Flow in this solution" });
  await expect(pick.locator("option")).toHaveText(["Greeter", "Parent"]);
  await pick.selectOption("Greeter");
  await expect(page.getByTestId("flow-name")).toHaveText("Greeter");
  await expect(page.locator('[data-step="Respond_to_a_PowerApp_or_flow"]')).toBeVisible();
  await pick.selectOption("Parent");
  await expect(page.getByTestId("flow-name")).toHaveText("Parent");

  await page.getByTestId("trigger-field-text").fill("Ada");
  await page.getByTestId("run").click();
  await expect(page.getByTestId("run-outcome")).toHaveText("Run Succeeded");
  await page.locator('[data-step="Answer"]').click();
  await expect(page.getByTestId("step-run-outputs")).toHaveText('"Hello Ada"');
});
