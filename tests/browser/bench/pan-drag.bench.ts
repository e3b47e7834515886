// Frame times on a generated 500-action flow while the maker pans the canvas (dragging the pane
// and scrolling) and while they drag a card onto a "+" to move it (the move's re-layout included).
// Frames are timed in the page with requestAnimationFrame; the target is a p95 under 20 ms.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { percentile, startFrames, stopFrames } from "./frames";
import { record } from "./results";

const STEPS = 500;
const name = (i: number) => `Step_${String(i).padStart(3, "0")}`;

/** A chain of 500 actions with a Condition every 25 (one step in each branch). */
function generatedFlow(): string {
  const actions: Record<string, unknown> = {};
  for (let i = 1; i <= STEPS; i++) {
    const runAfter = i === 1 ? {} : { [name(i - 1)]: ["Succeeded"] };
    actions[name(i)] =
      i % 25 === 0
        ? {
            type: "If",
            expression: { equals: [i, i] },
            actions: { [`${name(i)}_yes`]: { type: "Compose", inputs: "yes", runAfter: {} } },
            else: { actions: { [`${name(i)}_no`]: { type: "Compose", inputs: "no", runAfter: {} } } },
            runAfter,
          }
        : { type: "Compose", inputs: `step ${i}`, runAfter };
  }
  return JSON.stringify({ properties: { connectionReferences: {}, definition: { triggers: { manual: { type: "Request", kind: "Button", inputs: {} } }, actions } } });
}

const summary = (frames: number[]) => `${frames.length} frames, p50 ${percentile(frames, 50).toFixed(1)} ms, worst ${Math.max(...frames).toFixed(1)} ms`;

test("frame times while panning and while dragging a card on a 500-action flow", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const file = path.join(mkdtempSync(path.join(tmpdir(), "flowbench-bench-")), "generated-500-actions.json");
  writeFileSync(file, generatedFlow());
  await page.goto(process.env.FLOWBENCH_URL!);
  await expect(page.getByTestId("step-card").first()).toBeVisible();
  page.once("dialog", (dialog) => dialog.accept(file));
  await page.getByTestId("open").click();
  await expect(page.getByTestId("flow-name")).toHaveText("generated-500-actions");

  // Bring the middle of the flow into view at 100 %.
  const find = page.getByTestId("find-step");
  await find.fill("Step 240");
  await find.press("Enter");
  await expect(page.locator(`[data-step="${name(240)}"]`)).toBeInViewport();
  await page.getByRole("button", { name: "Close" }).click();
  await page.waitForTimeout(500);

  // Panning: the pane dragged up and down, then scrolled.
  const canvas = (await page.getByTestId("canvas").boundingBox())!;
  const x = canvas.x + canvas.width - 220;
  const y = canvas.y + 120;
  await startFrames(page);
  for (let pass = 0; pass < 6; pass++) {
    const dy = pass % 2 === 0 ? -1 : 1;
    await page.mouse.move(x, pass % 2 === 0 ? y + 500 : y);
    await page.mouse.down();
    for (let i = 1; i <= 50; i++) await page.mouse.move(x - i * 2, (pass % 2 === 0 ? y + 500 : y) + dy * i * 10);
    await page.mouse.up();
  }
  await page.mouse.move(x, y + 200);
  for (let i = 0; i < 60; i++) await page.mouse.wheel(0, i < 30 ? 120 : -120);
  const panning = await stopFrames(page);

  // Dragging: a card carried down over the cards below onto a "+", five times (each a move).
  const dragFrames: number[] = [];
  const dropFrames: number[] = [];
  for (let move = 0; move < 5; move++) {
    // Centre the card to carry (Find a step), outside the measured time.
    await find.fill("Step 240");
    await find.press("Enter");
    await page.getByRole("button", { name: "Close" }).click();
    const moving = page.locator(`[data-step="${name(240)}"]`);
    await expect(moving).toBeInViewport();
    // The + two places below it: after the step that follows the next one.
    const next = name(241 + move + 1);
    const after = name(241 + move);
    const plus = page.locator(`[data-testid="edge-add"][data-edge="step:${after}->step:${next}"]`);
    await expect(plus).toBeInViewport();
    await page.waitForTimeout(300);
    const from = (await moving.boundingBox())!;
    const to = (await plus.boundingBox())!;
    await startFrames(page);
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    const steps = 40;
    for (let i = 1; i <= steps; i++) {
      // One pointer move per frame, as a hand gives them.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
      await page.mouse.move(from.x + from.width / 2 + ((to.x + to.width / 2 - from.x - from.width / 2) * i) / steps, from.y + from.height / 2 + ((to.y + to.height / 2 - from.y - from.height / 2) * i) / steps);
    }
    dragFrames.push(...(await stopFrames(page)));
    // The drop: the move edit, the re-laid canvas and the view brought to the moved card.
    await startFrames(page);
    await page.mouse.up();
    // A fixed wait, not an expect: Playwright's polling runs in the page and would cost frames.
    await page.waitForTimeout(800);
    dropFrames.push(...(await stopFrames(page)));
    await expect(page.locator(`[data-testid="edge-add"][data-edge="step:${after}->step:${name(240)}"]`)).toBeAttached();
  }

  const results = [
    { name: "ui/pan 500-action flow: p95 frame", ms: percentile(panning, 95), target: 20, detail: `pane dragged 6×, 60 scroll steps; ${summary(panning)}` },
    { name: "ui/drag a card, 500-action flow: p95 frame", ms: percentile(dragFrames, 95), target: 20, detail: `5 cards carried onto a +; ${summary(dragFrames)}` },
    { name: "ui/drop a card, 500-action flow: p95 frame", ms: percentile(dropFrames, 95), target: 20, detail: `the 5 drops: move edit and re-laid canvas; ${summary(dropFrames)}` },
  ];
  record(results);
});
