import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Page, expect, test } from "@playwright/test";
import { browserFixture, flowJson, openFixture, url } from "./designer-page";

// A step's Settings and the column value pickers, against the real backend: what the maker sets
// lands in the flow JSON exactly as Power Automate writes it, and bad input changes nothing.

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

/** The flow's definition as the code view holds it. */
const definition = async (page: Page) => (await flowJson(page)).properties.definition;

test("a loop's concurrency is set in its Settings and written under runtimeConfiguration", async ({ page }) => {
  await openFixture(page, "loop");
  await page.locator('[data-step="Each_value"]').click();
  const settings = page.getByTestId("step-settings");
  await settings.getByRole("checkbox", { name: "Concurrency control" }).click();
  await expect(settings.getByRole("checkbox", { name: "Concurrency control" })).toBeChecked();
  const degree = settings.getByRole("spinbutton", { name: "Degree of parallelism (1–50)" });
  await expect(degree).toHaveValue("20");
  expect((await definition(page)).actions.Each_value.runtimeConfiguration).toEqual({ concurrency: { repetitions: 20 } });

  // Out of range: said inline, and the flow keeps 20.
  await page.locator('[data-step="Each_value"]').click();
  await degree.fill("60");
  await degree.press("Enter");
  await expect(page.getByTestId("setting-concurrency-error")).toHaveText("The degree of parallelism must be from 1 to 50, not 60.");
  await expect(degree).toHaveAttribute("aria-invalid", "true");
  expect((await definition(page)).actions.Each_value.runtimeConfiguration).toEqual({ concurrency: { repetitions: 20 } });

  await page.locator('[data-step="Each_value"]').click();
  await degree.fill("5");
  await page.getByTestId("setting-concurrency-apply").click();
  await expect(degree).toHaveValue("5");
  await expect(page.getByTestId("setting-concurrency-error")).toHaveCount(0);
  expect((await definition(page)).actions.Each_value.runtimeConfiguration).toEqual({ concurrency: { repetitions: 5 } });

  // Each setting is one undo step.
  await page.locator('[data-step="Each_value"]').click();
  await page.getByTestId("undo").click();
  await expect(degree).toHaveValue("20");
  await page.getByTestId("redo").click();
  await expect(degree).toHaveValue("5");

  // Off again: the key goes, and the loop's JSON is as it was opened.
  await page.locator('[data-step="Each_value"]').click();
  await settings.getByRole("checkbox", { name: "Concurrency control" }).click();
  await expect(settings.getByRole("checkbox", { name: "Concurrency control" })).not.toBeChecked();
  await expect(degree).toHaveCount(0);
  const loop = (await definition(page)).actions.Each_value;
  expect(loop.runtimeConfiguration).toBeUndefined();
  expect(Object.keys(loop)).toEqual(["type", "foreach", "actions", "runAfter"]);
});

test("a retry policy is written to the step's inputs; a timeout that is not a duration is refused inline", async ({ page }) => {
  await openFixture(page, "add-contact");
  await page.locator('[data-step="Add_a_contact"]').click();
  const retry = page.getByRole("form", { name: "Retry policy" });
  await retry.getByRole("combobox", { name: "Retry policy" }).selectOption({ label: "Exponential interval" });
  await retry.getByLabel("Count (1–90)").fill("5");
  await retry.getByLabel("Interval (ISO 8601, e.g. PT20S)").fill("PT10S");
  await retry.getByLabel("Maximum interval (optional)").fill("PT1H");
  await retry.getByRole("button", { name: "Apply retry policy" }).click();
  await expect(page.getByTestId("panel-error")).toHaveCount(0);
  const timeout = page.getByTestId("setting-timeout");
  await timeout.fill("ten minutes");
  await timeout.press("Enter");
  await expect(page.getByTestId("setting-timeout-error")).toContainText("must be an ISO 8601 duration");
  await page.getByTestId("setting-secure-outputs").click();
  await expect(page.getByTestId("setting-secure-outputs")).toBeChecked();

  const step = (await definition(page)).actions.Add_a_contact;
  expect(step.inputs.retryPolicy).toEqual({ type: "exponential", count: 5, interval: "PT10S", maximumInterval: "PT1H" });
  expect(step.limit).toBeUndefined();
  expect(step.runtimeConfiguration).toEqual({ secureData: { properties: ["outputs"] } });

  // A retry count out of range is refused the same way.
  await page.locator('[data-step="Add_a_contact"]').click();
  await expect(retry.getByLabel("Count (1–90)")).toHaveValue("5");
  await retry.getByLabel("Count (1–90)").fill("91");
  await retry.getByRole("button", { name: "Apply retry policy" }).click();
  await expect(page.getByTestId("setting-retry-count-error")).toHaveText("The retry count must be from 1 to 90, not 91.");
  await page.getByTestId("setting-timeout").fill("PT2M");
  await page.getByTestId("setting-timeout-apply").click();
  const after = (await definition(page)).actions.Add_a_contact;
  expect(after.inputs.retryPolicy.count).toBe(5);
  expect(after.limit).toEqual({ timeout: "PT2M" });
});

test("the Dataverse trigger's change type, filtering columns and run as are set from its Settings", async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  await page.locator('[data-step="When_a_contact_is_added"]').click();
  const settings = page.getByTestId("step-settings");
  const changeType = settings.getByRole("combobox", { name: "Change type" });
  await expect(changeType).toHaveValue("1");
  // Added only: no filtering columns; the flow owner cannot be chosen while a step uses the invoker's connection.
  await expect(page.getByTestId("setting-trigger-columns-reason")).toHaveText("Filtering columns apply when the change type includes Modified.");
  await expect(settings.getByRole("checkbox", { name: "firstname", exact: true })).toBeDisabled();
  await expect(settings.getByRole("radio", { name: /Flow owner/ })).toBeDisabled();
  await expect(page.getByTestId("setting-trigger-run-as-reason")).toContainText("`Create_a_follow-up_task` uses the invoker's connection");

  await changeType.selectOption({ label: "Added or Modified" });
  await expect(page.getByTestId("setting-trigger-columns-reason")).toHaveCount(0);
  await settings.getByRole("checkbox", { name: "firstname", exact: true }).click();
  await expect(settings.getByRole("checkbox", { name: "firstname", exact: true })).toBeChecked();
  await settings.getByRole("checkbox", { name: "lastname", exact: true }).click();
  await expect(settings.getByRole("group", { name: /Select columns/ })).toContainText("(firstname, lastname)");
  await settings.getByRole("combobox", { name: "Scope" }).selectOption({ label: "Business unit" });
  await settings.getByRole("radio", { name: "Row owner", exact: true }).click();
  await expect(settings.getByRole("radio", { name: "Row owner", exact: true })).toBeChecked();

  const trigger = (await definition(page)).triggers.When_a_contact_is_added.inputs.parameters;
  expect(trigger).toEqual({
    "subscriptionRequest/message": 4,
    "subscriptionRequest/entityname": "contact",
    "subscriptionRequest/scope": 2,
    "subscriptionRequest/runas": 2,
    "subscriptionRequest/filteringattributes": "firstname,lastname",
  });
  await expect(page.locator('[data-step="When_a_contact_is_added"] [data-testid="step-problems"]')).toHaveCount(0);
});

test("a choice column is picked by its label and a lookup by a row of its table", async ({ page }) => {
  await openFixture(page, "add-contact");
  await page.locator('[data-step="Add_a_contact"]').click();
  await page.getByTestId("param-add-column").selectOption({ label: "preferredcontactmethodcode · Choice" });
  const choice = page.getByRole("combobox", { name: "preferredcontactmethodcode: choose an option" });
  await expect(choice.locator("option")).toHaveText(["Choose an option", "Any (1)", "Email (2)", "Phone (3)", "Fax (4)", "Mail (5)"]);
  await choice.selectOption({ label: "Email (2)" });
  await expect(choice).toHaveValue("2");

  // parentcustomerid points at accounts or contacts: each is its own navigation property.
  await page.getByTestId("param-add-column").selectOption({ label: "parentcustomerid · lookup to account" });
  const row = page.getByRole("combobox", { name: "parentcustomerid_account: row" });
  await expect(row).toBeEnabled();
  await row.selectOption({ label: "Contoso Ltd (a0000000…)" });
  await expect(row).toHaveValue("accounts(a0000000-0000-4000-8000-000000000001)");

  const parameters = (await definition(page)).actions.Add_a_contact.inputs.parameters;
  expect(parameters).toEqual({
    entityName: "contacts",
    "item/lastname": "@triggerBody()?['text']",
    "item/preferredcontactmethodcode": 2,
    "item/parentcustomerid_account@odata.bind": "accounts(a0000000-0000-4000-8000-000000000001)",
  });
  // The environment's tables agree: no problem on the card.
  await expect(page.locator('[data-step="Add_a_contact"] [data-testid="step-problems"]')).toHaveCount(0);

  // And the sandbox takes it: the contact is created with its parent account.
  await page.getByTestId("trigger-field-text").fill("Hopper");
  await page.getByTestId("run-persona").selectOption("admin");
  await page.getByTestId("run").click();
  await expect(page.getByTestId("run-outcome")).toHaveText("Run Succeeded");
});

test("a setting the runtime would refuse shows on the card, and fixing it in Settings clears it", async ({ page }) => {
  // The loop fixture as another tool might have written it: 60 iterations at once, a timeout in words.
  const flow = JSON.parse(readFileSync(browserFixture("loop.json"), "utf8"));
  const loop = flow.properties.definition.actions.Each_value;
  loop.runtimeConfiguration = { concurrency: { repetitions: 60 } };
  loop.actions.Parse_number.limit = { timeout: "one minute" };
  const file = path.join(mkdtempSync(path.join(tmpdir(), "flowbench-settings-")), "too-wide.json");
  writeFileSync(file, JSON.stringify(flow, null, 2));
  await page.goto(url());
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  page.once("dialog", (dialog) => dialog.accept(file));
  await page.getByTestId("open").click();
  await expect(page.getByTestId("flow-name")).toHaveText("too-wide");

  const problems = (step: string) => page.locator(`[data-step="${step}"] [data-testid="step-problems"]`);
  await expect(problems("Each_value")).toHaveText("1 error");
  await expect(problems("Each_value")).toHaveAttribute("title", /concurrency control takes a whole number from 1 to 50/);
  await expect(problems("Parse_number")).toHaveAttribute("title", /not an ISO 8601 duration/);

  await page.locator('[data-step="Each_value"]').click();
  const degree = page.getByRole("spinbutton", { name: "Degree of parallelism (1–50)" });
  await expect(degree).toHaveValue("60");
  await degree.fill("10");
  await degree.press("Enter");
  await expect(problems("Each_value")).toHaveCount(0);

  await page.locator('[data-step="Parse_number"]').click();
  await expect(page.getByTestId("setting-timeout")).toHaveValue("one minute");
  await page.getByTestId("setting-timeout").fill("PT1M");
  await page.getByTestId("setting-timeout-apply").click();
  await expect(problems("Parse_number")).toHaveCount(0);
  await expect(page.getByTestId("problem-count")).toHaveText("0 errors · 0 warnings");
});
