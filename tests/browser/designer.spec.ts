import { type Page, expect, test } from "@playwright/test";
import { browserFixture, openFixture, url } from "./designer-page";

const base = () => url().split("#")[0];
const secret = () => url().split("#token=")[1];

test("the designer shows the sample flow from the real Rust backend", async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId("flow-name")).toHaveText("New contact follow-up");
  // The trigger and five steps, with the condition's two branches.
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  await expect(page.getByTestId("branch-label")).toHaveText(["Yes", "No"]);
  await expect(page.locator('[data-step="When_a_contact_is_added"]')).toContainText("SubscribeWebhookTrigger · contact");
  await expect(page.getByTestId("host-kind")).toContainText("Browser mode");
  await expect(page.getByTestId("environment")).toHaveText("Environment: Embedded sandbox");
  // The sandbox runs in-process, on loopback, with its personas.
  await expect(page.getByTestId("environment-url")).toHaveText(/^http:\/\/127\.0\.0\.1:\d+ · 5 personas$/);
});

test("every Dataverse card says who the step runs as", async ({ page }) => {
  await page.goto(url());
  const badge = (step: string) => page.locator(`[data-step="${step}"] [data-testid="runs-as"]`);
  await expect(badge("Get_the_parent_account")).toHaveText("Runs as fb_DataverseService's owner");
  await expect(badge("Make_the_contact_primary")).toHaveText("Runs as fb_DataverseService's owner");
  await expect(badge("Create_a_follow-up_task")).toHaveText("Runs as the modifying user");
  await expect(page.locator('[data-step="Summary"] [data-testid="runs-as"]')).toHaveCount(0);
});

test("the secret leaves the address bar and survives a reload of the tab", async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  expect(page.url()).not.toContain("token=");
  await page.reload();
  await expect(page.getByTestId("step-card")).toHaveCount(6);
});

test("a page opened without the secret says how to connect", async ({ page }) => {
  await page.goto(base());
  const alert = page.getByTestId("fatal-error");
  await expect(alert).toHaveAttribute("data-code", "unauthorized");
  await expect(alert).toContainText("not connected to a Flowbench server");
});

test("the server refuses commands from another origin and without the secret", async ({ request }) => {
  const headers = { authorization: `Bearer ${secret()}`, "content-type": "application/json" };
  const ok = await request.post(`${base()}api/app_info`, { headers, data: {} });
  expect(ok.status()).toBe(200);

  const crossSite = await request.post(`${base()}api/app_info`, {
    headers: { ...headers, origin: "http://evil.example" },
    data: {},
  });
  expect(crossSite.status()).toBe(403);
  expect((await crossSite.json()).code).toBe("forbidden_origin");

  const noSecret = await request.post(`${base()}api/app_info`, { headers: { "content-type": "application/json" }, data: {} });
  expect(noSecret.status()).toBe(401);
  expect((await noSecret.json()).code).toBe("unauthorized");
});

test("a page on another origin cannot call the server from the browser", async ({ page }) => {
  await page.goto("about:blank");
  const outcome = await page.evaluate(
    async ({ target, token }) => {
      try {
        const r = await fetch(`${target}api/get_settings`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: "{}",
        });
        return `status ${r.status}`;
      } catch (e) {
        return `blocked: ${String(e)}`;
      }
    },
    { target: base(), token: secret() },
  );
  expect(outcome).toMatch(/^blocked/);
});

test("the problems panel lists what validation found, with its reason", async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId("problem-count")).toHaveText("0 errors · 1 warnings");
  const problem = page.getByTestId("problem");
  await expect(problem).toHaveCount(1);
  await expect(problem).toHaveAttribute("data-rule", "connection/delegate-privilege");
  await expect(problem).toContainText("prvActOnBehalfOfAnotherUser");
});

const fixture = (name: string) =>
  new URL(`../../crates/validate/tests/fixtures/broken/${name}`, import.meta.url).pathname;

test("opening a broken flow pins its errors on the card, and it joins the recent files", async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  page.once("dialog", (dialog) => dialog.accept(fixture("expression-unknown-function.json")));
  await page.getByTestId("open").click();
  await expect(page.getByTestId("flow-name")).toHaveText("expression-unknown-function");
  await expect(page.getByTestId("problem-count")).toHaveText("1 errors · 0 warnings");
  const card = page.locator('[data-step="Bad"]');
  await expect(card.getByTestId("step-problems")).toHaveText("1 error");
  await expect(page.getByTestId("problem")).toContainText("'frobnicate' is not defined");
  await expect(page.getByTestId("recent").locator("option")).toContainText([fixture("expression-unknown-function.json")]);
});

test("a path that cannot be opened says why and keeps the flow on screen", async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  page.once("dialog", (dialog) => dialog.accept("/nowhere/missing-flow.json"));
  await page.getByTestId("open").click();
  await expect(page.getByTestId("open-error")).toHaveAttribute("data-code", "io");
  await expect(page.getByTestId("open-error")).toContainText("missing-flow.json");
  await expect(page.getByTestId("step-card")).toHaveCount(6);
});

/**
 * The whole text of the code view, as a maker gets it: select all and copy (the editor draws only
 * the lines near view, so the page never holds all of it).
 */
async function codeText(page: Page): Promise<string> {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByTestId("code-editor").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Control+c");
  return page.evaluate(() => navigator.clipboard.readText());
}

test("a test run as a persona who holds the privilege is all green, and as one who does not names it", async ({ page }) => {
  await openFixture(page, "add-contact");
  await page.getByTestId("run-trigger-body").fill('{"text": "Lovelace"}');

  await page.getByTestId("run-persona").selectOption("sam");
  await page.getByTestId("run").click();
  await expect(page.getByTestId("run-outcome")).toHaveText("Run Succeeded");
  await expect(page.locator('[data-step="Add_a_contact"] [data-testid="run-status"]')).toHaveText("Succeeded · ran as sam");
  await expect(page.locator('[data-step="Say_who"] [data-testid="run-status"]')).toHaveText("Succeeded");
  await expect(page.locator('[data-step="Add_a_contact"] [data-testid="run-duration"]')).toHaveText(/^\d+ ms$|^\d+\.\d s$/);

  await page.getByTestId("run-persona").selectOption("nora");
  await page.getByTestId("run").click();
  await expect(page.getByTestId("run-outcome")).toHaveText("Run Failed · 1 failed · 0x80040220");
  const failing = page.locator('[data-step="Add_a_contact"] [data-testid="run-status"]');
  await expect(failing).toContainText("Failed · ran as nora");
  await expect(failing).toContainText("0x80040220");
  await expect(failing).toContainText("prvCreateContact");
  await expect(page.locator('[data-step="Say_who"] [data-testid="run-status"]')).toHaveText("Skipped");
});

test("containers collapse and expand, a step can be found, and the code view shows the flow JSON", async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  const condition = page.locator('[data-step="Account_has_a_primary_contact"]');
  await condition.getByTestId("toggle-container").click();
  await expect(page.getByTestId("step-card")).toHaveCount(4);
  await expect(page.getByTestId("branch-label")).toHaveCount(0);
  await expect(condition).toContainText("2 steps hidden");
  await condition.getByTestId("toggle-container").click();
  await expect(page.getByTestId("step-card")).toHaveCount(6);

  await page.getByTestId("find-step").fill("make the contact");
  await page.getByTestId("find-step").press("Enter");
  await expect(page.locator('[data-step="Make_the_contact_primary"]')).toHaveClass(/is-focused/);

  await page.getByTestId("toggle-code").click();
  await expect(page.getByTestId("code-editor")).toContainText('"connectionReferenceLogicalName": "fb_DataverseService"');
  expect(await codeText(page)).toContain('"operationId": "SubscribeWebhookTrigger"');
  await page.getByTestId("toggle-code").click();
  await expect(page.getByTestId("step-card")).toHaveCount(6);
});

test("the connection picker changes who a step runs as; steps can be renamed and deleted", async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  await page.locator('[data-step="Get_the_parent_account"]').click();
  const picker = page.getByTestId("connection-picker");
  // The flow's reference, the environment's other Dataverse reference, and the invoker.
  await expect(picker.locator("label")).toHaveText([
    "fb_DataverseService (connection reference)",
    "Dataverse · fb_Dataverse (in the environment)",
    "Invoker's connection",
  ]);
  await picker.getByLabel("Dataverse · fb_Dataverse (in the environment)").click();
  await expect(page.locator('[data-step="Get_the_parent_account"] [data-testid="runs-as"]')).toHaveText("Runs as fb_Dataverse's owner");
  // Now the flow's own reference too.
  await expect(picker.getByLabel("fb_Dataverse (connection reference)")).toBeChecked();
  await picker.getByLabel("Invoker's connection").click();
  await expect(page.locator('[data-step="Get_the_parent_account"] [data-testid="runs-as"]')).toHaveText("Runs as the modifying user");

  await page.getByTestId("rename-input").fill("Get account");
  await page.getByTestId("rename").click();
  await expect(page.locator('[data-step="Get_account"]')).toBeVisible();
  await page.getByTestId("toggle-code").click();
  const code = await codeText(page);
  expect(code).toContain("outputs('Get_account')");
  expect(code).not.toContain("Get_the_parent_account");
  await page.getByTestId("toggle-code").click();

  await page.locator('[data-step="Summary"]').click();
  await page.getByTestId("delete-step").click();
  await expect(page.getByTestId("step-card")).toHaveCount(5);

  // Delete on the keyboard removes the selected step.
  await page.locator('[data-step="Make_the_contact_primary"]').click();
  await page.keyboard.press("Delete");
  await expect(page.getByTestId("step-card")).toHaveCount(4);
});

test("who can run this flow: every persona, team and role by every Dataverse step, with the missing privilege named", async ({ page }) => {
  await openFixture(page, "add-contact");
  await page.locator('[data-step="Add_a_contact"]').click();
  await page.getByTestId("who-can-run-button").click();
  const matrix = page.getByTestId("who-can-run");
  // Five personas, the Sales Team and six roles.
  await expect(matrix.getByTestId("who-row")).toHaveCount(12);
  await expect(matrix.locator('[data-user="sam"] [data-step="Add_a_contact"]')).toHaveText("✓");
  await expect(matrix.locator('[data-user="nora"] [data-step="Add_a_contact"]')).toHaveText("✗ prvCreateContact");
  await expect(matrix.locator('[data-user="role:Salesperson"] [data-step="Add_a_contact"]')).toHaveText("✓");
  await expect(matrix.locator('[data-user="team:Sales Team"]')).toContainText("any member of this team");
  await expect(matrix.locator('[data-user="team:Sales Team"] [data-step="Add_a_contact"]')).toHaveText("✗ prvCreateContact");
});

test("edits undo and redo, and Save as writes a flow that opens again", async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  await page.locator('[data-step="Summary"]').click();
  await page.getByTestId("delete-step").click();
  await expect(page.getByTestId("step-card")).toHaveCount(5);
  await page.getByTestId("undo").click();
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  await page.getByTestId("redo").click();
  await expect(page.getByTestId("step-card")).toHaveCount(5);
  await page.locator('[data-step="Get_the_parent_account"]').click();
  await page.keyboard.press("Control+z");
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  await page.keyboard.press("Control+y");
  await expect(page.getByTestId("step-card")).toHaveCount(5);

  const target = `/tmp/flowbench-saved-${Date.now()}.json`;
  page.once("dialog", (dialog) => dialog.accept(target));
  await page.getByTestId("save-as").click();
  await expect(page.getByTestId("saved")).toHaveText(`Saved to ${target}`);

  page.once("dialog", (dialog) => dialog.accept(target));
  await page.getByTestId("open").click();
  await expect(page.getByTestId("flow-name")).toHaveText(/^flowbench-saved-/);
  await expect(page.getByTestId("step-card")).toHaveCount(5);
  await expect(page.locator('[data-step="Summary"]')).toHaveCount(0);
});

test("runs are kept in the history, reopen on the canvas, and two runs compare", async ({ page }) => {
  await openFixture(page, "add-contact");
  await page.getByTestId("run-trigger-body").fill('{"text": "Hopper"}');
  for (const persona of ["sam", "nora"]) {
    await page.getByTestId("run-persona").selectOption(persona);
    await page.getByTestId("run").click();
    await expect(page.getByTestId("run-outcome")).toContainText("Run ");
  }
  // After a reload (the backend keeps the history in SQLite), the runs are still there.
  await page.reload();
  page.once("dialog", (dialog) => dialog.accept(browserFixture("add-contact.json")));
  await page.getByTestId("open").click();
  const history = page.getByTestId("run-history");
  await expect(history.locator("option")).not.toHaveCount(1);
  const samRun = history.locator("option", { hasText: "sam · Succeeded" }).first();
  await history.selectOption(await samRun.getAttribute("value") as string);
  await expect(page.locator('[data-step="Add_a_contact"] [data-testid="run-status"]')).toHaveText("Succeeded · ran as sam");

  const compare = page.getByTestId("run-compare");
  const noraRun = compare.locator("option", { hasText: "nora · Failed" }).first();
  await compare.selectOption(await noraRun.getAttribute("value") as string);
  const difference = page.locator('[data-testid="difference"][data-step="Add_a_contact"]');
  await expect(difference).toContainText("Succeeded as sam");
  await expect(difference).toContainText("Failed as nora");
});

test("re-run from a step reuses the earlier run's outputs for the steps before it", async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  page.once("dialog", (dialog) => dialog.accept(browserFixture("add-contact.json")));
  await page.getByTestId("open").click();
  await page.getByTestId("run-trigger-body").fill('{"text": "Turing"}');
  await page.getByTestId("run-persona").selectOption("sam");
  await page.getByTestId("run").click();
  await expect(page.getByTestId("run-outcome")).toHaveText("Run Succeeded");

  await page.locator('[data-step="Say_who"]').click();
  await page.getByTestId("rerun-from").click();
  await expect(page.getByTestId("run-outcome")).toHaveText("Run Succeeded");
  // The create was not done again: its earlier outputs were reused.
  await expect(page.locator('[data-step="Add_a_contact"] [data-testid="run-status"]')).toHaveText("Succeeded · ran as mock");
  await expect(page.locator('[data-step="Say_who"] [data-testid="run-status"]')).toHaveText("Succeeded");
});

test("selecting a card after a run shows its inputs, outputs, error and the identity it used", async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  page.once("dialog", (dialog) => dialog.accept(browserFixture("add-contact.json")));
  await page.getByTestId("open").click();
  await page.getByTestId("run-trigger-body").fill('{"text": "Lamarr"}');
  await page.getByTestId("run-persona").selectOption("nora");
  await page.getByTestId("run").click();
  await expect(page.getByTestId("run-outcome")).toContainText("Run Failed");
  await page.locator('[data-step="Add_a_contact"]').click();
  const run = page.getByTestId("step-run");
  await expect(run.locator("h4")).toHaveText("Failed · ran as nora (invoker's connection)");
  await expect(page.getByTestId("step-run-explained")).toHaveText("nora lacks Create on Contact (prvCreateContact)");
  await expect(page.getByTestId("step-run-error")).toContainText("0x80040220");
  await expect(page.getByTestId("step-run-inputs")).toContainText("Lamarr");
});

test("a loop's passes page on its card, with next failed", async ({ page }) => {
  await openFixture(page, "loop");
  await page.getByTestId("run").click();
  await expect(page.getByTestId("run-outcome")).toContainText("Run Failed");
  const loop = page.locator('[data-step="Each_value"]');
  const inner = page.locator('[data-step="Parse_number"] [data-testid="run-status"]');
  // The first failed pass shows first.
  await expect(loop.getByTestId("pager-position")).toHaveText("pass 2 of 3");
  await expect(inner).toContainText("Failed");
  await loop.getByLabel("Previous pass").click();
  await expect(loop.getByTestId("pager-position")).toHaveText("pass 1 of 3");
  await expect(inner).toHaveText("Succeeded");
  await loop.getByTestId("next-failed").click();
  await expect(loop.getByTestId("pager-position")).toHaveText("pass 2 of 3");
  await expect(inner).toContainText("Failed");
});

test("statuses stream onto the cards while a run goes, and a running run can be cancelled", async ({ page }) => {
  await openFixture(page, "spin");
  await page.getByTestId("run-persona").selectOption("sam");
  await page.getByTestId("run").click();

  // The loop is still going: its card and the step inside it say so, before the run has ended.
  await expect(page.locator('[data-step="Keep_listing"] [data-testid="run-status"]')).toHaveText("Running…");
  await expect(page.locator('[data-step="List_contacts"] [data-testid="run-status"]')).toHaveText(/Running…|Succeeded · ran as sam/);
  await expect(page.getByTestId("run-outcome")).toHaveCount(0);

  await page.getByTestId("run-cancel").click();
  await expect(page.getByTestId("run-outcome")).toHaveText("Run Cancelled");
  await expect(page.locator('[data-step="Keep_listing"] [data-testid="run-status"]')).toHaveText("Cancelled");
  await expect(page.locator('[data-step="After"] [data-testid="run-status"]')).toHaveText("Cancelled");
  await expect(page.getByTestId("run-cancel")).toHaveCount(0);
  await expect(page.getByTestId("run-history").locator("option").nth(1)).toContainText("sam · Cancelled");
});

test("the run form asks for the trigger's fields, and for a Dataverse trigger a row and the message", async ({ page }) => {
  await page.goto(url());
  // The sample flow starts when a contact is added: pick the contact, run as the modifying user.
  await expect(page.getByTestId("step-card")).toHaveCount(6);
  await expect(page.getByTestId("trigger-message")).toHaveValue("Create");
  await expect(page.getByTestId("trigger-row").locator("option", { hasText: "Maria Campbell" })).toHaveCount(1);
  await page.getByTestId("trigger-row").selectOption({ label: "Maria Campbell" });
  await expect(page.getByTestId("run-trigger-body")).toHaveValue(/"contactid":"c0000000-0000-4000-8000-000000000001".*"SdkMessage":"Create"/);
  await page.getByTestId("run-persona").selectOption("admin");
  await page.getByTestId("run").click();
  await expect(page.getByTestId("run-outcome")).toBeVisible();
  await page.locator('[data-step="Summary"]').click();
  await expect(page.getByTestId("step-run-outputs")).toContainText("Maria Campbell joined");

  // A manual trigger: one field per schema property; the JSON follows the form.
  page.once("dialog", (dialog) => dialog.accept(browserFixture("add-contact.json")));
  await page.getByTestId("open").click();
  await expect(page.getByTestId("flow-name")).toHaveText("add-contact");
  await page.getByTestId("trigger-field-text").fill("Hopper");
  await expect(page.getByTestId("run-trigger-body")).toHaveValue('{"text":"Hopper"}');
  await page.getByTestId("run-persona").selectOption("sam");
  await page.getByTestId("run").click();
  await expect(page.getByTestId("run-outcome")).toHaveText("Run Succeeded");
});

test("a step that should not be called for real is mocked, and the run uses its outputs", async ({ page }) => {
  await openFixture(page, "send-email");
  await page.getByTestId("run").click();
  await expect(page.getByTestId("run-outcome")).toHaveText("Run Failed · 1 failed · NotImplemented");

  await page.locator('[data-step="Send_an_email"]').click();
  await page.getByTestId("mock-enabled").check();
  await page.getByTestId("mock-outputs").fill('{ "statusCode": 200, "body": { "id": "message-42" } }');
  await expect(page.locator('[data-step="Send_an_email"] [data-testid="mocked"]')).toBeVisible();
  await page.getByTestId("run").click();
  await expect(page.getByTestId("run-outcome")).toHaveText("Run Succeeded");
  await expect(page.locator('[data-step="Send_an_email"] [data-testid="run-status"]')).toHaveText("Succeeded · ran as mock");
  await page.locator('[data-step="Message_id"]').click();
  await expect(page.getByTestId("step-run-outputs")).toHaveText('"message-42"');
});

test("a Dataverse step's table and columns are picked from the environment's tables", async ({ page }) => {
  await openFixture(page, "add-contact");
  await page.locator('[data-step="Add_a_contact"]').click();
  const table = page.getByTestId("param-table");
  await expect(table).toHaveValue("contacts");
  await expect(page.getByTestId("param-item-lastname")).toHaveText("@triggerBody()?['text']");

  // Another table: the card follows, the old column goes, the table's own columns are offered.
  await table.selectOption("accounts");
  await expect(page.locator('[data-step="Add_a_contact"]')).toContainText("CreateRecord · accounts");
  await page.getByTestId("param-remove-lastname").click();
  await expect(page.getByTestId("param-item-lastname")).toHaveCount(0);
  await page.getByTestId("param-add-column").selectOption("name");
  await page.getByTestId("param-item-name").fill("@{triggerBody()?['text']} Ltd");
  await page.getByTestId("param-item-name").press("Enter");
  await expect(page.getByTestId("param-item-name")).toHaveText("@{triggerBody()?['text']} Ltd");

  await page.getByTestId("trigger-field-text").fill("Northwind");
  await page.getByTestId("run-persona").selectOption("sam");
  await page.getByTestId("run").click();
  await expect(page.getByTestId("run-outcome")).toHaveText("Run Succeeded");
  await page.locator('[data-step="Add_a_contact"]').click();
  await expect(page.getByTestId("step-run-outputs")).toContainText('"name": "Northwind Ltd"');
});

test("steps are added from the palette: on a + between steps, dragged onto one, and into an empty branch", async ({ page }) => {
  await openFixture(page, "add-contact");
  const plus = (edge: string) => page.locator(`[data-testid="edge-add"][data-edge="${edge}"]`);
  const item = (template: string) => page.locator(`[data-testid="palette-item"][data-template="${template}"]`);

  // Pick the + between two steps, then the step to put there.
  await plus("step:Add_a_contact->step:Say_who").click();
  await expect(page.getByTestId("palette-target")).toHaveText("Click a step to add it at the + you picked");
  await item("compose").click();
  await expect(page.locator('[data-step="Compose"]')).toBeVisible();
  await expect(page.getByTestId("step-panel")).toContainText("Compose");
  await expect(plus("step:Compose->step:Say_who")).toBeVisible();

  // Drag a Condition onto the + before the first step.
  await item("condition").dragTo(plus("step:manual->step:Add_a_contact"));
  await expect(page.locator('[data-step="Condition"]')).toBeVisible();
  await expect(page.getByTestId("branch-label")).toHaveText(["Yes · empty", "No · empty"]);

  // Its empty "No" branch takes a Dataverse step on the edge to its label.
  await plus("branch:Condition:No->join:Condition").click();
  await item("listRows").click();
  await expect(page.locator('[data-step="List_rows"]')).toContainText("ListRecords");
  await page.getByTestId("toggle-code").click();
  const definition = JSON.parse(await codeText(page)).properties.definition.actions;
  expect(definition.Condition.else.actions.List_rows.inputs.host.connectionName).toBe("shared_commondataserviceforapps");
  expect(definition.Add_a_contact.runAfter).toEqual({ Condition: ["Succeeded"] });
  expect(definition.Say_who.runAfter).toEqual({ Compose: ["Succeeded"] });
});

test.describe("with the system clipboard", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  test("a step is copied with Ctrl+C and pasted with Ctrl+V into another flow, renamed when its name is taken", async ({ page }) => {
    await openFixture(page, "add-contact");
    await page.locator('[data-step="Say_who"]').click();
    await page.keyboard.press("Control+c");
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain('"Say_who"');

    page.once("dialog", (dialog) => dialog.accept(browserFixture("loop.json")));
    await page.getByTestId("open").click();
    await expect(page.getByTestId("flow-name")).toHaveText("loop");
    await page.locator('[data-step="Each_value"]').click();
    await page.keyboard.press("Control+v");
    await expect(page.locator('[data-step="Say_who"]')).toBeVisible();
    await page.keyboard.press("Control+v");
    await expect(page.locator('[data-step="Say_who_2"]')).toBeVisible();

    // JSON from elsewhere pastes too; text that is not steps is refused with a reason.
    await page.evaluate(() => navigator.clipboard.writeText("not steps"));
    await page.keyboard.press("Control+v");
    await expect(page.getByTestId("open-error")).toHaveAttribute("data-code", "edit_refused");
  });
});
