import { type Page, expect, test } from "@playwright/test";
import { openFixture, url } from "./designer-page";

/** The sample flow with the follow-up task's panel open; its subject field. */
async function subjectField(page: Page) {
  await page.goto(url());
  await page.locator('[data-step="Create_a_follow-up_task"]').click();
  const subject = page.getByTestId("param-item-subject");
  await expect(subject).toHaveText("Welcome @{triggerOutputs()?['body/fullname']}");
  return subject;
}

/** Scrolls the code view until a line holding `text` is drawn (CodeMirror draws only what is near view). */
async function codeLine(page: Page, text: string) {
  const line = page.getByTestId("code-editor").locator(".cm-line", { hasText: text });
  const scroller = page.getByTestId("code-view").locator(".cm-scroller");
  for (let i = 0; i < 30 && (await line.count()) === 0; i++) {
    await scroller.evaluate((el) => el.scrollBy(0, 200));
    await page.waitForTimeout(20);
  }
  await line.scrollIntoViewIfNeeded();
  return line;
}

/** Closes the panel and opens it again, so the field shows what the flow now holds. */
async function reopen(page: Page, step: string) {
  await page.getByRole("complementary", { name: "Step properties" }).getByRole("button", { name: "Close" }).click();
  await page.locator(`[data-step="${step}"]`).click();
}

test("an expression field completes function names, shows the signature being typed, and keeps what was typed", async ({ page }) => {
  const subject = await subjectField(page);
  await subject.click();
  await page.keyboard.press("Control+a");
  await page.keyboard.type("@{conc");
  const completions = page.getByRole("listbox");
  await expect(completions.getByRole("option", { name: /^concat/ })).toBeVisible();
  await completions.getByRole("option", { name: /^concat/ }).click();
  await expect(subject).toHaveText("@{concat()}");
  // The caret is inside the call: signature help names the function and its parameter.
  const help = page.getByTestId("signature-help");
  await expect(help).toContainText("concat(");
  await expect(help.locator("strong")).toHaveText(/text/);
  await page.keyboard.type("'Hi ', triggerOutputs()?['body/firstname']");
  await expect(subject).toHaveText("@{concat('Hi ', triggerOutputs()?['body/firstname'])}");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("param-item-subject-problems")).toHaveCount(0);

  await reopen(page, "Create_a_follow-up_task");
  await expect(page.getByTestId("param-item-subject")).toHaveText("@{concat('Hi ', triggerOutputs()?['body/firstname'])}");
  // The edit is one step of the flow's history.
  await page.getByTestId("undo").click();
  await reopen(page, "Create_a_follow-up_task");
  await expect(page.getByTestId("param-item-subject")).toHaveText("Welcome @{triggerOutputs()?['body/fullname']}");
});

test("a broken expression is marked where it breaks with the parser's words, and the mark goes when it is fixed", async ({ page }) => {
  const subject = await subjectField(page);
  await subject.click();
  await page.keyboard.press("Control+a");
  await page.keyboard.insertText("Hi @{toUpper(triggerOutputs()?['body/fullname']}");
  const problems = page.getByTestId("param-item-subject-problems");
  await expect(problems).toBeVisible();
  await expect(problems).toContainText(/expected|\)/i);
  await expect(page.locator(".cm-lintRange-error")).toHaveCount(1);

  await page.keyboard.press("Control+a");
  await page.keyboard.insertText("Hi @{shout(triggerOutputs()?['body/fullname'])}");
  await expect(problems).toContainText("shout");
  // The mark sits on the unknown function's name.
  await expect(page.locator(".cm-lintRange-error")).toHaveText(/shout/);

  // Fixed: the mark and the message go; the text was never lost along the way.
  await page.keyboard.press("Control+a");
  await page.keyboard.insertText("Hi @{toUpper(triggerOutputs()?['body/fullname'])}");
  await expect(problems).toHaveCount(0);
  await expect(page.locator(".cm-lintRange-error")).toHaveCount(0);
  await expect(subject).toHaveText("Hi @{toUpper(triggerOutputs()?['body/fullname'])}");
});

test("dynamic content lists the trigger's and earlier steps' outputs with their types, and inserts one at the caret", async ({ page }) => {
  const subject = await subjectField(page);
  await subject.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(" of ");
  await page.getByTestId("param-item-subject-dynamic").click();
  const picker = page.getByRole("dialog", { name: "Dynamic content" });
  await expect(picker).toBeVisible();
  await expect(picker.getByRole("region", { name: "Trigger: When a contact is added" })).toBeVisible();
  await expect(picker.getByRole("region", { name: "Get the parent account" })).toBeVisible();
  // Steps that do not run before this one are not offered.
  await expect(picker).not.toContainText("Make the contact primary");
  await expect(picker).not.toContainText("Summary");
  await expect(picker.getByRole("button", { name: "fullname from Trigger: When a contact is added, string" })).toBeVisible();

  await picker.getByRole("searchbox", { name: "Search dynamic content" }).fill("parent account name");
  await picker.getByRole("button", { name: "name from Get the parent account, string" }).click();
  await expect(picker).toHaveCount(0);
  await expect(subject).toHaveText("Welcome @{triggerOutputs()?['body/fullname']} of @{outputs('Get_the_parent_account')?['body/name']}");
  // The caret stays in the field after the inserted content.
  await page.keyboard.type("!");
  await page.keyboard.press("Enter");

  await reopen(page, "Create_a_follow-up_task");
  await expect(page.getByTestId("param-item-subject")).toHaveText(
    "Welcome @{triggerOutputs()?['body/fullname']} of @{outputs('Get_the_parent_account')?['body/name']}!",
  );
  // Alt+/ opens the picker from the keyboard; Escape closes it.
  await page.getByTestId("param-item-subject").click();
  await page.keyboard.press("Alt+/");
  await expect(picker).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(picker).toHaveCount(0);
});

test("the code view edits the flow: a parameter changed in the JSON changes the card, and canvas edits change the JSON", async ({ page }) => {
  await openFixture(page, "add-contact");
  await page.getByTestId("toggle-code").click();
  const code = page.getByTestId("code-editor");
  await (await codeLine(page, '"entityName": "contacts"')).click();
  await page.keyboard.press("End");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("Shift+Control+ArrowLeft");
  await page.keyboard.type("accounts");
  await expect(code).toContainText('"entityName": "accounts"');
  await expect(page.getByTestId("code-error")).toHaveCount(0);
  // The backend takes the text as the flow once typing pauses.
  await expect(page.getByTestId("undo")).toBeEnabled();

  await page.getByTestId("toggle-code").click();
  await expect(page.locator('[data-step="Add_a_contact"]')).toContainText("CreateRecord · accounts");
  // Undo on the canvas: the code view shows the flow as it is now.
  await page.getByTestId("undo").click();
  await expect(page.locator('[data-step="Add_a_contact"]')).toContainText("CreateRecord · contacts");
  await page.getByTestId("toggle-code").click();
  await expect(await codeLine(page, '"entityName": "contacts"')).toBeVisible();
  await expect(page.getByTestId("code-editor")).not.toContainText('"accounts"');
});

test("broken JSON in the code view is marked at its line and column while the canvas keeps the last good flow", async ({ page }) => {
  await openFixture(page, "add-contact");
  await page.getByTestId("toggle-code").click();
  const code = page.getByTestId("code-editor");
  await (await codeLine(page, '"entityName": "contacts",')).click();
  await page.keyboard.press("End");
  await page.keyboard.type(",");
  const error = page.getByTestId("code-error");
  await expect(error).toContainText(/^Line \d+, column \d+: not valid JSON at line \d+, column \d+/);
  await expect(code.locator(".cm-lintRange-error")).toHaveCount(1);
  // The mark sits on the doubled comma, at the line and column the message gives.
  await expect(code.locator(".cm-line", { has: page.locator(".cm-lintRange-error") })).toContainText('"entityName": "contacts",,');
  await expect(error).toContainText("Line 52, column 40: not valid JSON at line 52, column 40: key must be a string");
  await expect(page.getByTestId("undo")).toBeDisabled();

  // The canvas keeps the flow as it was; the typed text waits in the code view.
  await page.getByTestId("toggle-code").click();
  await expect(page.getByTestId("step-card")).toHaveCount(3);
  await expect(page.locator('[data-step="Add_a_contact"]')).toContainText("CreateRecord · contacts");
  await page.getByTestId("toggle-code").click();
  await expect(await codeLine(page, '"entityName": "contacts",,')).toBeVisible();
  await expect(page.getByTestId("code-error")).toBeVisible();

  // Fixed: the error goes, and nothing changed in the flow.
  await (await codeLine(page, '"entityName": "contacts",,')).click();
  await page.keyboard.press("End");
  await page.keyboard.press("Backspace");
  await expect(page.getByTestId("code-error")).toHaveCount(0);
  await expect(page.getByTestId("code-editor").locator(".cm-lintRange-error")).toHaveCount(0);
  await expect(page.getByTestId("undo")).toBeDisabled();
});
