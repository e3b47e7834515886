// Sign-in end to end with real parts: a certified OpenID Connect provider shaped like Entra ID,
// the real `flowbench` binary, the sandbox trusting that provider's keys, and a real Secret
// Service (gnome-keyring, started by tests/signin/run.sh) holding the tokens.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startIdentityProvider, APP_CLIENT_ID, PUBLIC_CLIENT_ID } from "../oidc/identity-provider.mjs";
import { signInThroughBrowser } from "../oidc/scripted-browser.mjs";
import { chromium } from "@playwright/test";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, "target"), "debug", "flowbench");
const FLOW = path.join(ROOT, "tests/browser/fixtures/add-contact.json");

const work = mkdtempSync(path.join(tmpdir(), "flowbench-signin-"));
const configDir = path.join(work, "config");
const sandboxDir = path.join(work, "sandbox");
const env = { ...process.env, FLOWBENCH_CONFIG_DIR: configDir, FLOWBENCH_CACHE_DIR: path.join(work, "cache"), RUST_BACKTRACE: "0" };

/** Runs flowbench; `onStderr` sees stderr as it arrives (the sign-in address comes that way). */
function flowbench(args, { input, onStderr } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => {
      stderr += d;
      onStderr?.(stderr);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

/** Starts `flowbench login`, waits for the address it prints, and hands it to `browse`. */
async function login(args, browse) {
  let seen = false;
  let browsing;
  const done = flowbench(["login", "--env", "test", ...args], {
    onStderr: (text) => {
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(text);
      if (match && !seen) {
        seen = true;
        browsing = browse(match[1]);
      }
    },
  });
  const result = await done;
  return { ...result, page: await browsing };
}

const issued = { access: [], refresh: [] };
let idp;
let sandbox;
let sandboxUrl;
let samsFirstRefreshToken;

async function adminGet(pathAndQuery) {
  const token = (await flowbench(["sandbox", "token", "admin", "--data", sandboxDir])).stdout.trim();
  const response = await fetch(`${sandboxUrl}/api/data/v9.2/${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

async function userId(upn) {
  const users = await adminGet(`systemusers?$select=systemuserid&$filter=domainname eq '${upn}'`);
  return users.value[0].systemuserid.toLowerCase();
}

async function contactNamed(lastname) {
  const rows = await adminGet(`contacts?$select=_createdby_value,_createdonbehalfby_value&$filter=lastname eq '${lastname}'`);
  assert.equal(rows.value.length, 1, `one contact named ${lastname}`);
  return rows.value[0];
}

before(async () => {
  // Access tokens live 60 s: under Flowbench's 2-minute margin every use refreshes, so
  // rotation is exercised by every command below.
  idp = await startIdentityProvider({ accessTokenTtl: 60 });
  idp.provider.on("grant.success", (ctx) => {
    if (ctx.body?.access_token) issued.access.push(ctx.body.access_token);
    if (ctx.body?.refresh_token) issued.refresh.push(ctx.body.refresh_token);
  });
  sandbox = spawn(BIN, ["sandbox", "serve", "--data", sandboxDir, "--trust-issuer", idp.issuer], { env, stdio: ["ignore", "pipe", "inherit"] });
  sandboxUrl = await new Promise((resolve, reject) => {
    sandbox.stdout.once("data", (d) => resolve(String(d).trim().split("\n")[0]));
    sandbox.once("exit", (code) => reject(new Error(`the sandbox exited with ${code}`)));
  });
  const added = await flowbench(["env", "add", "test", sandboxUrl, "--authority", idp.authority]);
  assert.equal(added.code, 0, added.stderr);
});

after(async () => {
  sandbox?.kill();
  await idp?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("sign-in against an OpenID Connect provider", () => {
  test("runs as another user through impersonation, with an application user's connection", async () => {
    const app = await flowbench(["login", "--env", "test", "--application", APP_CLIENT_ID], { input: `${idp.appSecret}\n` });
    assert.equal(app.code, 0, app.stderr);
    assert.match(app.stdout, new RegExp(`signed in to test as application ${APP_CLIENT_ID}`));
    const who = await flowbench(["whoami", "--env", "test", "--account", APP_CLIENT_ID]);
    assert.match(who.stdout, /svc-flows@flowbench\.test> \(application user\)/);

    const run = await flowbench([
      "run", FLOW, "--env", "test", "--owner", APP_CLIENT_ID, "--as", "nora@flowbench.test", "--trigger-body", '{"text":"For-Nora"}',
    ]);
    // Nora lacks prvCreateContact: impersonation intersects privileges, so the step fails as her.
    assert.equal(run.code, 1);
    assert.match(run.stdout, /\| Add_a_contact \| Failed\s+\| nora@flowbench\.test \(impersonated by a0000000/);
    assert.match(run.stdout, /prvCreateContact/);

    const asSam = await flowbench([
      "run", FLOW, "--env", "test", "--owner", APP_CLIENT_ID, "--as", "sam@flowbench.test", "--trigger-body", '{"text":"For-Sam"}',
    ]);
    assert.equal(asSam.code, 0, asSam.stdout + asSam.stderr);
    const row = await contactNamed("For-Sam");
    assert.equal(row._createdby_value.toLowerCase(), await userId("sam@flowbench.test"));
    assert.equal(row._createdonbehalfby_value.toLowerCase(), await userId("svc-flows@flowbench.test"));

    const wrong = await flowbench(["login", "--env", "test", "--application", APP_CLIENT_ID], { input: "not-the-secret\n" });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /error\[signin_refused\]/);
  });

  test("signs in through the browser with PKCE and runs a flow as the signed-in user", async () => {
    const result = await login(["--no-browser"], (url) =>
      signInThroughBrowser(url, { login: "sam@flowbench.test", password: "sam-pass" }),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /signed in to test as Sam Seller <sam@flowbench\.test>/);
    samsFirstRefreshToken = issued.refresh.at(-1);
    assert.match(result.page.body, /Signed in to Flowbench/);

    const who = await flowbench(["whoami", "--env", "test"]);
    assert.equal(who.code, 0, who.stderr);
    assert.match(who.stdout, /Sam Seller <sam@flowbench\.test> \(user\)/);
    assert.match(who.stdout, new RegExp(`systemuserid ${await userId("sam@flowbench.test")}`, "i"));

    const run = await flowbench(["run", FLOW, "--env", "test", "--trigger-body", '{"text":"Signed-In-Sam"}']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /\| Add_a_contact \| Succeeded \| sam@flowbench\.test\s+\|/);
    const row = await contactNamed("Signed-In-Sam");
    assert.equal(row._createdby_value.toLowerCase(), await userId("sam@flowbench.test"));
  });

  test("keeps tokens only in the credential store and rotates the refresh token", async () => {
    assert.ok(issued.refresh.length >= 2, "the commands above refreshed at least once");
    const files = [];
    const walk = (dir) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else files.push(full);
      }
    };
    walk(work);
    assert.ok(files.some((f) => f.endsWith("environments.json")));
    for (const file of files) {
      const text = readFileSync(file, "latin1");
      for (const token of [...issued.access, ...issued.refresh]) {
        assert.ok(!text.includes(token), `${file} holds a token in plain text`);
      }
    }
    // Each refresh brought a new refresh token, and Flowbench kept the newest (the commands went on working).
    assert.equal(new Set(issued.refresh).size, issued.refresh.length, "every refresh token is new");
  });

  test("declined consent and a wrong password end the sign-in with a clear message", async () => {
    const declined = await login(["--no-browser"], (url) =>
      signInThroughBrowser(url, { login: "nora@flowbench.test", password: "nora-pass", consent: "deny" }),
    );
    assert.equal(declined.code, 1);
    assert.match(declined.stderr, /error\[signin_cancelled\]: consent was declined/);
    assert.match(declined.page.body, /Sign-in failed/);

    const wrong = await login(["--no-browser", "--timeout", "3"], (url) =>
      signInThroughBrowser(url, { login: "nora@flowbench.test", password: "guess" }),
    );
    assert.match(wrong.page.body, /AADSTS50126/);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /error\[signin_cancelled\]: the browser did not come back within 3 s/);
    const list = await flowbench(["env", "list"]);
    assert.doesNotMatch(list.stdout, /nora/);
  });

  test("signs in with a device code", async () => {
    let browsing;
    const result = await flowbench(["login", "--env", "test", "--device-code"], {
      onStderr: (text) => {
        const match = /open (\S+) in a browser on any device and enter the code (\S+)/.exec(text);
        if (match && !browsing) {
          browsing = signInThroughBrowser(match[1], { userCode: match[2], login: "admin@flowbench.test", password: "admin-pass" });
        }
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /signed in to test as Ada Admin <admin@flowbench\.test>/);
    const who = await flowbench(["whoami", "--env", "test", "--account", "admin@flowbench.test"]);
    assert.match(who.stdout, /Ada Admin <admin@flowbench\.test>/);

    // The environment's tables and connection references, read as the default account (Ada).
    const tables = await flowbench(["env", "tables", "--env", "test", "--table", "contact"]);
    assert.equal(tables.code, 0, tables.stderr);
    assert.match(tables.stdout, /parentcustomerid\s+Lookup → account, contact/);
    const cached = readdirSync(path.join(work, "cache", "metadata"));
    assert.deepEqual(cached, ["test.json"]);
    const references = await flowbench(["env", "references", "--env", "test"]);
    assert.equal(references.code, 0, references.stderr);
    assert.match(references.stdout, /fb_Dataverse\s+Dataverse\s+runs as admin@flowbench\.test \(default\)/);
    const bound = await flowbench(["env", "bind", "fb_Dataverse", APP_CLIENT_ID, "--env", "test"]);
    assert.equal(bound.code, 0, bound.stderr);
    assert.match((await flowbench(["env", "references", "--env", "test"])).stdout, new RegExp(`fb_Dataverse\\s+Dataverse\\s+runs as ${APP_CLIENT_ID}\\n`));

    // A flow on the reference's own connection now runs as the application user bound to it.
    const embedded = JSON.parse(readFileSync(FLOW, "utf8"));
    embedded.properties.connectionReferences.shared_commondataserviceforapps.runtimeSource = "embedded";
    const embeddedFlow = path.join(work, "embedded-connection.json");
    writeFileSync(embeddedFlow, JSON.stringify(embedded));
    const run = await flowbench(["run", embeddedFlow, "--env", "test", "--trigger-body", '{"text":"Bound-Reference"}']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`\\| Add_a_contact \\| Succeeded \\| ${APP_CLIENT_ID}\\s+\\|`));
    const row = await contactNamed("Bound-Reference");
    assert.equal(row._createdby_value.toLowerCase(), await userId("svc-flows@flowbench.test"));
  });

  test("the designer signs in through a real browser and runs the flow as the signed-in user", async (t) => {
    const server = spawn(BIN, ["serve", "--no-sandbox", "--ui-dir", path.join(ROOT, "ui/dist"), "--settings", path.join(work, "browser-settings.json")], {
      env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    t.after(() => server.kill());
    const designer = await new Promise((resolve, reject) => {
      let out = "";
      server.stdout.on("data", (d) => {
        out += d;
        const match = /(http:\/\/\S+#token=[0-9a-f]+)/.exec(out);
        if (match) resolve(match[1]);
      });
      server.once("exit", (code) => reject(new Error(`flowbench serve exited with ${code}`)));
    });
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
    t.after(() => browser.close());
    const page = await browser.newPage();
    await page.goto(designer);
    page.once("dialog", (dialog) => dialog.accept(FLOW));
    await page.getByTestId("open").click();
    await page.getByTestId("flow-name").filter({ hasText: "add-contact" }).waitFor();
    await page.getByTestId("environments-open").click();
    const row = page.locator('[data-testid="environment-row"][data-name="test"]');
    await row.getByTestId("environment-use").click();
    await page.getByTestId("environment").filter({ hasText: "Environment: test" }).waitFor();

    // Browser mode opens the identity provider's page in a new tab: a real login form.
    const [signInTab] = await Promise.all([page.waitForEvent("popup"), row.getByTestId("environment-sign-in").click()]);
    await page.getByTestId("sign-in-waiting").waitFor();
    await signInTab.locator('input[name="login"]').fill("nora@flowbench.test");
    await signInTab.locator('input[name="password"]').fill("nora-pass");
    await signInTab.getByRole("button", { name: "Sign in" }).click();
    await signInTab.getByRole("button", { name: "Accept" }).click();
    await signInTab.getByText("Signed in to Flowbench").waitFor();

    const notice = page.getByTestId("environments-notice");
    await notice.waitFor();
    assert.equal(await notice.textContent(), "Signed in to test as Nora Tasks <nora@flowbench.test>");
    assert.ok(await row.locator('[data-testid="environment-account"][data-username="nora@flowbench.test"]').isVisible());

    // The run bar now offers the environment's signed-in accounts; Nora lacks prvCreateContact.
    await page.getByRole("button", { name: "Close" }).click();
    await page.getByTestId("run-persona").selectOption("nora@flowbench.test");
    await page.getByTestId("run-trigger-body").fill('{"text":"From-the-designer"}');
    await page.getByTestId("run").click();
    const outcome = page.getByTestId("run-outcome");
    await outcome.waitFor();
    assert.equal(await outcome.textContent(), "Run Failed · 1 failed · 0x80040220");
    const status = page.locator('[data-step="Add_a_contact"] [data-testid="run-status"]');
    assert.match(await status.textContent(), /ran as nora@flowbench\.test/);

    // A user reached through the connection owner's token, not their own sign-in. The owner is the
    // latest sign-in, Nora, who may not act on behalf of others: Dataverse says so.
    await page.getByTestId("run-persona").selectOption({ label: "Another user (impersonated)…" });
    await page.getByTestId("run-impersonate").fill("sam@flowbench.test");
    await page.getByTestId("run").click();
    await page.getByTestId("run-outcome").filter({ hasText: "0x8004A110" }).waitFor();
    assert.match(await status.textContent(), /Failed · ran as sam@flowbench\.test/);
  });

  test("a revoked sign-in is reported, forgotten, and stops a run cleanly", async () => {
    // Presenting a refresh token that rotation already replaced makes the provider revoke the
    // whole grant (reuse detection), as a stolen token would: Sam's sign-in is over.
    const reused = await fetch(`${idp.authority}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: samsFirstRefreshToken, client_id: PUBLIC_CLIENT_ID }),
    });
    assert.equal(reused.status, 400);
    assert.equal((await reused.json()).error, "invalid_grant");
    const who = await flowbench(["whoami", "--env", "test", "--account", "sam@flowbench.test"]);
    assert.equal(who.code, 1);
    assert.match(who.stderr, /error\[signin_expired\]: the sign-in has expired or was revoked .*; sign in again/);
    const run = await flowbench(["run", FLOW, "--env", "test", "--owner", "sam@flowbench.test", "--trigger-body", '{"text":"Never"}']);
    assert.equal(run.code, 2, "a run that cannot start exits 2");
    assert.match(run.stderr, /error\[not_signed_in\]: sam@flowbench\.test has no stored sign-in for 'test'/);

    const out = await flowbench(["logout", "--env", "test", "sam@flowbench.test"]);
    assert.equal(out.code, 0, out.stderr);
    const list = await flowbench(["env", "list"]);
    assert.doesNotMatch(list.stdout, /sam@flowbench\.test/);
    assert.match(list.stdout, /admin@flowbench\.test/);
    const owner = await flowbench(["env", "default", "ADMIN@flowbench.test", "--env", "test"]);
    assert.equal(owner.code, 0, owner.stderr);
    assert.match(owner.stdout, /Ada Admin <admin@flowbench\.test> now owns the connections of unbound references in test/);
    assert.match((await flowbench(["env", "list"])).stdout, /Ada Admin <admin@flowbench\.test> \(default\)/);

    const removed = await flowbench(["env", "remove", "test"]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /removed test and signed out of its \d+ account\(s\)/);
    const gone = await flowbench(["whoami", "--env", "test"]);
    assert.match(gone.stderr, /error\[environment\]: there is no environment 'test' \(known: sandbox\)/);
  });
});
