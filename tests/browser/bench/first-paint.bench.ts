// Time from opening a flow to its laid-out canvas: the largest real flow in ../shared/flows and a
// generated 500-action flow (target under 1.5 s each). Results join target/bench/ui.json.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { type BenchResult, record } from "./results";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const SHARED = process.env.FLOWBENCH_SHARED ?? path.resolve(ROOT, "../shared");
const LARGEST = path.join(SHARED, "flows", "BACoreRuntime-StartNode-D0CCBEBF-D08C-EC11-8D20-000D3A09D351.json");
const TIMES = 5;

function generated500(): string {
  const actions: Record<string, unknown> = {};
  const name = (i: number) => `Step_${String(i).padStart(3, "0")}`;
  for (let i = 1; i <= 500; i++) actions[name(i)] = { type: "Compose", inputs: `@concat('step ', '${i}')`, runAfter: i === 1 ? {} : { [name(i - 1)]: ["Succeeded"] } };
  return JSON.stringify({ properties: { definition: { triggers: { manual: { type: "Request", kind: "Button", inputs: {} } }, actions } } });
}

/** Opens `file` through the Open dialog; milliseconds until the cards are laid out and painted. */
async function openTimed(page: import("@playwright/test").Page, file: string, flowName: string): Promise<number> {
  await page.goto(process.env.FLOWBENCH_URL!);
  await expect(page.getByTestId("step-card").first()).toBeVisible();
  page.once("dialog", (dialog) => dialog.accept(file));
  const started = Date.now();
  await page.getByTestId("open").click();
  await expect(page.getByTestId("flow-name")).toHaveText(flowName);
  await expect(page.getByTestId("step-card").first()).toBeVisible();
  // One more frame: the cards are painted, not just in the DOM.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  return Date.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

test("laid-out first paint of large flows", async ({ page }) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "flowbench-bench-")), "generated-500-actions.json");
  writeFileSync(file, generated500());
  const results: BenchResult[] = [];
  const inputs: Array<[string, string, string]> = [[file, "generated-500-actions", "ui/first paint: generated 500 actions"]];
  if (existsSync(LARGEST)) inputs.unshift([LARGEST, "BACoreRuntime-StartNode", "ui/first paint: largest shared flow"]);
  else console.log(`SKIPPED: ${LARGEST} is absent (no ../shared)`);
  for (const [flow, flowName, benchName] of inputs) {
    const times: number[] = [];
    for (let i = 0; i < TIMES; i++) times.push(await openTimed(page, flow, flowName));
    results.push({ name: benchName, ms: median(times), target: 1500, detail: `median of ${TIMES}: ${times.join(", ")} ms` });
  }
  record(results);
});
