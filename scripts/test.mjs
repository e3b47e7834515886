// `npm test`: set up, then run every suite and end on one line CI reads: `N passed, N failed`.
// `npm test -- rust ui browser signin window` runs the named suites only.
import path from "node:path";
import { ROOT, TOOLS_BIN, commandExists, runCapturing } from "./lib.mjs";
import { setup } from "./setup.mjs";
import { parsers } from "./summary.mjs";

const headless = !process.env.DISPLAY;
const suites = [
  {
    id: "rust",
    name: "Rust crates (cargo nextest)",
    command: "cargo",
    args: ["nextest", "run", "--workspace", "--no-fail-fast"],
    parse: parsers.nextest,
  },
  { id: "ui", name: "UI units (Vitest)", command: "npx", args: ["vitest", "run"], cwd: path.join(ROOT, "ui"), parse: parsers.vitest },
  {
    id: "browser",
    name: "Browser end-to-end (Playwright, Chromium, real backend)",
    command: "npx",
    args: ["playwright", "test", "-c", "tests/browser/playwright.config.ts"],
    parse: parsers.playwright,
  },
  {
    id: "signin",
    name: "Sign-in (OpenID Connect provider, gnome-keyring, CLI)",
    command: "dbus-run-session",
    args: ["--", "sh", "tests/signin/run.sh"],
    parse: parsers.nodeTest,
  },
  {
    id: "window",
    name: "Real window (tauri-driver, WebKitWebDriver)",
    command: headless ? "xvfb-run" : "node",
    args: [...(headless ? ["-a", "-s", "-screen 0 1280x800x24", "node"] : []), "--test", "--test-reporter=tap", "tests/window/"],
    parse: parsers.nodeTest,
  },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((id) => !suites.some((s) => s.id === id));
if (unknown.length) {
  console.error(`Unknown suite ${unknown.join(", ")}: choose from ${suites.map((s) => s.id).join(", ")}`);
  process.exit(2);
}
const selected = wanted.length ? suites.filter((s) => wanted.includes(s.id)) : suites;

try {
  setup({ forTests: true });
} catch (error) {
  console.error(`\nnpm test: setup failed: ${error.message}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
if (headless && selected.some((s) => s.id === "window") && !commandExists("xvfb-run")) {
  console.error("xvfb-run is missing: the real-window suite needs it without a display");
}

const env = { ...process.env, PATH: `${TOOLS_BIN}${path.delimiter}${process.env.PATH}`, CI: process.env.CI ?? "" };
const results = [];
for (const suite of selected) {
  console.log(`\n━━ ${suite.name} ━━`);
  const started = Date.now();
  const { code, output } = await runCapturing(suite.command, suite.args, { cwd: suite.cwd ?? ROOT, env });
  const counts = suite.parse(output) ?? { passed: 0, failed: 0, skipped: 0 };
  // A runner that failed without reporting a failed test still fails the run.
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  results.push({ ...suite, ...counts, code, seconds: (Date.now() - started) / 1000 });
}

const total = { passed: 0, failed: 0, skipped: 0 };
console.log("\n suite                                                     passed  failed  skipped  time");
for (const r of results) {
  for (const k of Object.keys(total)) total[k] += r[k];
  console.log(
    ` ${r.name.padEnd(56)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}  ${r.seconds.toFixed(1)}s`,
  );
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
