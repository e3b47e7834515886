// The forms of built-in steps: each field edits the action's JSON where the runtime reads it.
import { type Page, expect, test } from "@playwright/test";
import { flowJson, openFixture } from "./designer-page";

const properties = (page: Page) => page.getByTestId("action-properties");

async function select(page: Page, step: string) {
  await page.locator(`[data-step="${step}"]`).click();
  await expect(page.getByTestId("step-panel").getByRole("textbox", { name: "Name", exact: true })).toHaveValue(step);
}

test("built-in steps are edited in their forms: an expression, a choice, a name, JSON that is refused and then taken", async ({ page }) => {
  await openFixture(page, "built-ins");

  // Compose: the expression editor, committed with Enter.
  await select(page, "Compose");
  const inputs = properties(page).getByTestId("field-inputs");
  await expect(inputs).toHaveText("a");
  await inputs.click();
  await page.keyboard.press("Control+a");
  await page.keyboard.type("@{variables('count')}");
  await page.keyboard.press("Enter");

  // Initialize variable: its type from a list, its name as text.
  await select(page, "Initialize_count");
  await properties(page).getByRole("combobox", { name: "Type" }).selectOption("float");
  const name = properties(page).getByRole("textbox", { name: "Variable name" });
  await expect(name).toHaveValue("count");
  await name.fill("total");
  await name.press("Enter");

  // HTTP: headers as JSON; text that is not JSON is refused where it was typed.
  await select(page, "Call_the_API");
  await expect(properties(page).getByRole("combobox", { name: "Method" })).toHaveValue("GET");
  // Two edits back to back: both land (the edit queue's own tests cover the race).
  await properties(page).getByRole("combobox", { name: "Method" }).selectOption("POST");
  const uri = properties(page).getByTestId("field-inputs-uri");
  await uri.click();
  await page.keyboard.press("Control+a");
  await page.keyboard.type("https://example.com/api/items");
  await page.keyboard.press("Enter");
  const headers = properties(page).getByRole("textbox", { name: "Headers" });
  await headers.fill("{ Accept: json");
  await headers.blur();
  await expect(properties(page).getByRole("alert")).toContainText("Not JSON");
  await expect(headers).toHaveAttribute("aria-invalid", "true");
  await headers.fill('{ "Accept": "application/json" }');
  await headers.blur();
  await expect(properties(page).getByRole("alert")).toHaveCount(0);

  const actions = (await flowJson(page)).properties.definition.actions;
  expect(actions.Compose.inputs).toBe("@{variables('count')}");
  expect(actions.Initialize_count.inputs.variables).toEqual([{ name: "total", type: "float", value: 1 }]);
  expect(actions.Call_the_API.inputs).toEqual({ method: "POST", uri: "https://example.com/api/items", headers: { Accept: "application/json" } });

  // Each commit is one step of the history.
  await page.getByTestId("undo").click();
  expect((await flowJson(page)).properties.definition.actions.Call_the_API.inputs.headers).toBeUndefined();
});

test("a Condition is edited as rows: an operator picked, a row added and filled, the rows joined with Or", async ({ page }) => {
  await openFixture(page, "built-ins");
  await select(page, "Check");
  const builder = page.getByTestId("condition-builder");
  await expect(builder.getByTestId("condition-row")).toHaveCount(1);
  await expect(builder.getByTestId("condition-left-0")).toHaveText("@variables('count')");
  await builder.getByRole("combobox", { name: "Row 1 operator" }).selectOption({ label: "is greater than" });

  await builder.getByTestId("condition-add").click();
  await expect(builder.getByTestId("condition-row")).toHaveCount(2);
  await builder.getByTestId("condition-left-1").click();
  await page.keyboard.type("@triggerBody()?['text']");
  await page.keyboard.press("Enter");
  await builder.getByRole("combobox", { name: "Row 2 operator" }).selectOption({ label: "does not contain" });
  await builder.getByTestId("condition-right-1").click();
  await page.keyboard.type("test");
  await page.keyboard.press("Enter");
  await builder.getByRole("combobox", { name: "Join rows with" }).selectOption("or");

  const expression = (await flowJson(page)).properties.definition.actions.Check.expression;
  expect(expression).toEqual({
    or: [{ greater: ["@variables('count')", 1] }, { not: { contains: ["@triggerBody()?['text']", "test"] } }],
  });
});
