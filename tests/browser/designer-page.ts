// What the designer specs share: the served designer's address, the fixtures, opening a fixture
// flow through the Open dialog, and reading the flow JSON back from the code view.
import { type Page, expect } from "@playwright/test";

export const url = () => process.env.FLOWBENCH_URL!;

export const browserFixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

/** Opens the designer (the sample flow, six cards), then a fixture flow through the Open dialog. */
export async function openFixture(page: Page, name: string) {
  await page.goto(url());
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  page.once("dialog", (dialog) => dialog.accept(browserFixture(`${name}.json`)));
  await page.getByTestId("open").click();
  await expect(page.getByTestId("flow-name")).toHaveText(name);
}

/** The whole flow JSON as the code view holds it (select all, copy), with the canvas back afterwards. */
export async function flowJson(page: Page) {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByTestId("toggle-code").click();
  await page.getByTestId("code-editor").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Control+c");
  const text = await page.evaluate(() => navigator.clipboard.readText());
  await page.getByTestId("toggle-code").click();
  await expect(page.getByTestId("code-editor")).toHaveCount(0);
  return JSON.parse(text);
}
