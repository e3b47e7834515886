// The canvas: a searchable palette (with triggers), finding a step, the minimap, and moving a
// step by dragging its card onto a "+" (and by keyboard), with undo.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Page, expect, test } from "@playwright/test";
import { browserFixture, flowJson, openFixture, url } from "./designer-page";

const plus = (page: Page, edge: string) => page.locator(`[data-testid="edge-add"][data-edge="${edge}"]`);
const card = (page: Page, step: string) => page.locator(`[data-step="${step}"]`);

/** The flow's definition, read back from the code view. */
const codeJson = async (page: Page) => (await flowJson(page)).properties.definition;

/** Opens a flow written to a temporary file through the Open dialog. */
async function openFlow(page: Page, name: string, definition: object) {
  const file = path.join(tmpdir(), `${name}.json`);
  writeFileSync(file, JSON.stringify({ properties: { connectionReferences: {}, definition }, schemaVersion: "1.0.0.0" }));
  await page.goto(url());
  await expect(page.getByTestId("flow-name")).toHaveText("New contact follow-up");
  page.once("dialog", (dialog) => dialog.accept(file));
  await page.getByTestId("open").click();
  await expect(page.getByTestId("flow-name")).toHaveText(name);
}

const composes = {
  A: { type: "Compose", inputs: "a", runAfter: {} },
  B: { type: "Compose", inputs: "@outputs('A')", runAfter: { A: ["Succeeded"] } },
  C: { type: "Compose", inputs: "c", runAfter: { B: ["Succeeded"] } },
};

test("the palette filters as you type, and offers triggers to a flow without one or to change it", async ({ page }) => {
  await openFlow(page, "no-trigger", { actions: { Compose: { type: "Compose", inputs: "x", runAfter: {} } } });
  const search = page.getByRole("searchbox", { name: "Search steps" });
  const palette = page.getByRole("complementary", { name: "Add a step" });
  // No trigger yet: triggers come first.
  await expect(palette.getByRole("region", { name: "Triggers" })).toContainText("Start with a trigger");
  await search.fill("row");
  await expect(palette.getByTestId("palette-item")).toHaveText(["Add a new row", "Update a row", "Get a row by ID", "List rows", "Delete a row"]);
  await expect(palette.getByTestId("palette-trigger")).toHaveText(["When a row is added, modified or deleted"]);
  await search.fill("dataverse delete");
  await expect(palette.getByTestId("palette-item")).toHaveText(["Delete a row"]);
  await search.fill("nothing like this");
  await expect(palette.getByRole("status")).toHaveText("No step matches “nothing like this”");
  await search.press("Escape");
  await expect(palette.getByTestId("palette-item")).toHaveCount(14);

  await palette.getByRole("button", { name: "Manually trigger a flow" }).click();
  await expect(card(page, "manual")).toContainText("Trigger");
  await expect(palette.getByTestId("palette-trigger")).toHaveCount(0);
  // Change it: behind "Change trigger…", then a Dataverse row trigger; undo brings the manual one back.
  await palette.getByRole("button", { name: "Change trigger…" }).click();
  await palette.getByRole("button", { name: "When a row is added, modified or deleted" }).click();
  await expect(card(page, "When_a_row_is_added,_modified_or_deleted")).toContainText("SubscribeWebhookTrigger · contact");
  await expect(card(page, "manual")).toHaveCount(0);
  await page.getByTestId("undo").click();
  await expect(card(page, "manual")).toBeVisible();
});

test("Ctrl+F finds a step: selected and brought into view; Enter again goes to the next; the minimap is there", async ({ page }) => {
  await openFlow(page, "many", {
    triggers: { manual: { type: "Request", kind: "Button", inputs: {} } },
    actions: Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`Step_${i}`, { type: "Compose", inputs: `${i}`, runAfter: i ? { [`Step_${i - 1}`]: ["Succeeded"] } : {} }]),
    ),
  });
  await expect(page.locator(".react-flow__minimap")).toBeVisible();
  await page.getByTestId("canvas").click({ position: { x: 400, y: 5 } });
  await page.keyboard.press("Control+f");
  await expect(page.getByRole("combobox", { name: "Find a step" })).toBeFocused();
  await page.keyboard.type("step 3");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("step-panel").getByRole("textbox", { name: "Name" })).toHaveValue("Step_3");
  await expect(card(page, "Step_3")).toHaveClass(/is-focused/);
  await expect(card(page, "Step_3")).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(card(page, "Step_30")).toHaveClass(/is-focused/);
  await expect(card(page, "Step_30")).toBeInViewport();
  await expect(page.getByTestId("step-panel").getByRole("textbox", { name: "Name" })).toHaveValue("Step_30");
});

test("a card dragged onto a + moves there with runAfter rewired, a move that breaks a reference is refused, and undo puts it back", async ({ page }) => {
  await openFlow(page, "moves", { triggers: { manual: { type: "Request", kind: "Button", inputs: {} } }, actions: composes });
  // C to the top: dragged onto the + between the trigger and A.
  await card(page, "C").dragTo(plus(page, "step:manual->step:A"));
  await expect(plus(page, "step:C->step:A")).toBeVisible();
  let actions = (await codeJson(page)).actions;
  expect(actions.C.runAfter).toEqual({});
  expect(actions.A.runAfter).toEqual({ C: ["Succeeded"] });
  expect(actions.B.runAfter).toEqual({ A: ["Succeeded"] });
  expect(Object.keys(actions).sort()).toEqual(["A", "B", "C"]);

  // B before A would read A before it ran: refused, saying why; nothing moved.
  await card(page, "B").dragTo(plus(page, "step:C->step:A"));
  await expect(page.getByTestId("open-error")).toHaveAttribute("data-code", "edit_refused");
  await expect(page.getByTestId("open-error")).toContainText("`B` cannot move there");
  await expect(page.getByTestId("open-error")).toContainText("refers to `A`");
  await expect(plus(page, "step:C->step:A")).toBeVisible();

  // Undo puts C back at the end.
  await page.getByTestId("undo").click();
  await expect(plus(page, "step:B->step:C")).toBeVisible();
  await expect(plus(page, "step:manual->step:A")).toBeVisible();

  // By keyboard: Alt+↑ moves the selected step up one place.
  await card(page, "C").click();
  await page.getByTestId("canvas").press("Alt+ArrowUp");
  await expect(plus(page, "step:A->step:C")).toBeVisible();
  await expect(plus(page, "step:C->step:B")).toBeVisible();
  actions = (await codeJson(page)).actions;
  expect(actions.C.runAfter).toEqual({ A: ["Succeeded"] });
  expect(actions.B.runAfter).toEqual({ C: ["Succeeded"] });
});

test("a parallel branch is added beside a step, drawn on the same row, and each branch's end takes steps of its own", async ({ page }) => {
  await openFlow(page, "parallel", { triggers: { manual: { type: "Request", kind: "Button", inputs: {} } }, actions: composes });
  const parallel = (edge: string) => page.locator(`[data-testid="edge-parallel"][data-edge="${edge}"]`);
  const palette = page.getByRole("complementary", { name: "Add a step" });

  // The branch button on the edge into B, then a step from the palette: it runs after A, beside B.
  await expect(parallel("step:A->step:B")).toHaveAccessibleName("Add a parallel branch beside B, after A");
  await parallel("step:A->step:B").click();
  await palette.locator('[data-testid="palette-item"][data-template="compose"]').click();
  await expect(card(page, "Compose")).toBeVisible();
  // Both boxes in one frame: the view is still gliding to the new step.
  const [b, beside] = await page.evaluate(() =>
    ["B", "Compose"].map((s) => document.querySelector(`[data-step="${s}"]`)!.getBoundingClientRect().toJSON() as DOMRect),
  );
  expect(beside.y).toBeCloseTo(b.y, 0);
  expect(beside.x).toBeGreaterThan(b.x + b.width);
  let actions = (await codeJson(page)).actions;
  expect(actions.Compose.runAfter).toEqual({ A: ["Succeeded"] });
  expect(actions.B.runAfter).toEqual({ A: ["Succeeded"] });

  // The new branch ends at the end of the flow, with its own "+"; a step dropped there follows it only.
  // The view glides to a new step: drop once the "+" stands still.
  const target = plus(page, "step:Compose->end");
  let last = "";
  await expect.poll(async () => {
    const now = JSON.stringify(await target.boundingBox());
    const still = now === last;
    last = now;
    return still;
  }).toBe(true);
  await palette.locator('[data-testid="palette-item"][data-template="condition"]').dragTo(target);
  await expect(card(page, "Condition")).toBeVisible();
  actions = (await codeJson(page)).actions;
  expect(actions.Condition.runAfter).toEqual({ Compose: ["Succeeded"] });
  expect(actions.C.runAfter).toEqual({ B: ["Succeeded"] });

  // Undo takes the branch away again, one step at a time.
  await page.getByTestId("undo").click();
  await page.getByTestId("undo").click();
  await expect(card(page, "Compose")).toHaveCount(0);
  await expect(plus(page, "step:A->step:B")).toBeVisible();
});

test("each card holds what it shows within the height the layout gave it, before and after a run, a failed one and a loop's pager included", async ({ page }) => {
  // Cards whose content is taller than their laid-out node: they would cover the "+" below.
  const spilled = () =>
    page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="step-card"]')]
        .filter((c) => c.scrollHeight > c.closest<HTMLElement>(".react-flow__node")!.clientHeight + 1)
        .map((c) => c.dataset.step),
    );
  await page.goto(url());
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  expect(await spilled()).toEqual([]);
  await page.getByTestId("trigger-row").selectOption({ index: 1 });
  await page.getByTestId("run").click();
  await expect(page.getByTestId("run-outcome")).toContainText("Run Succeeded");
  await expect(card(page, "Get_the_parent_account").getByTestId("run-status")).toBeVisible();
  expect(await spilled()).toEqual([]);

  // A failed step: its error shares the status line.
  await openFixture(page, "add-contact");
  await page.getByTestId("run-trigger-body").fill('{"text": "Lovelace"}');
  await page.getByTestId("run-persona").selectOption("nora");
  await page.getByTestId("run").click();
  await expect(card(page, "Add_a_contact").getByTestId("run-status")).toContainText("prvCreateContact");
  expect(await spilled()).toEqual([]);

  page.once("dialog", (dialog) => dialog.accept(browserFixture("loop.json")));
  await page.getByTestId("open").click();
  await expect(page.getByTestId("flow-name")).toHaveText("loop");
  await page.getByTestId("run").click();
  await expect(card(page, "Each_value").getByTestId("pager")).toBeVisible();
  expect(await spilled()).toEqual([]);
});
