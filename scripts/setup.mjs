// Installs what is missing and builds what changed, so `npm start` and `npm test` work on a fresh
// Debian/Ubuntu machine and are quick on a warm one.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { CLI_BIN, DESKTOP_BIN, ROOT, TOOLS_BIN, commandExists, newestMtime, run, step } from "./lib.mjs";

/** What the desktop build needs (Tauri v2 on WebKitGTK 4.1). */
const BUILD_PACKAGES = [
  "build-essential", "pkg-config", "curl", "wget", "file", "libssl-dev", "libxdo-dev",
  "libwebkit2gtk-4.1-dev", "libayatana-appindicator3-dev", "librsvg2-dev", "libdbus-1-dev",
];
/**
 * What the test suites add: a virtual display, the webview's WebDriver, Chromium, and a real
 * Secret Service (gnome-keyring in a private D-Bus session) for the sign-in suite.
 */
const TEST_PACKAGES = [
  "xvfb", "xauth", "x11-utils", "imagemagick", "fonts-dejavu-core", "webkit2gtk-driver", "chromium",
  "gnome-keyring", "dbus-daemon",
];
const TAURI_DRIVER_VERSION = "2.1.0";

export function setup({ forTests = false } = {}) {
  checkToolchains();
  ensureSystemPackages(forTests ? [...BUILD_PACKAGES, ...TEST_PACKAGES] : BUILD_PACKAGES);
  ensureNodeModules();
  buildUi();
  buildRust();
  if (forTests) ensureTauriDriver();
}

function checkToolchains() {
  const [major] = process.versions.node.split(".").map(Number);
  if (major < 20) throw new Error(`Node.js ${process.versions.node} is too old: Flowbench needs Node.js 20 or newer.`);
  if (!commandExists("cargo")) {
    throw new Error("Rust is missing: install it with rustup (https://rustup.rs), then run this command again.");
  }
}

function missingPackages(packages) {
  const result = spawnSync("dpkg-query", ["-W", "-f=${Package} ${db:Status-Abbrev}\\n", ...packages], { encoding: "utf8" });
  const installed = new Set(
    (result.stdout ?? "")
      .split("\n")
      .filter((line) => /\sii\s*$/.test(line))
      .map((line) => line.split(/[\s:]/)[0]),
  );
  return packages.filter((p) => !installed.has(p));
}

function ensureSystemPackages(packages) {
  if (!commandExists("dpkg-query") || !commandExists("apt-get")) {
    console.warn(`Not a Debian/Ubuntu system: make sure these are installed: ${packages.join(" ")}`);
    return;
  }
  const missing = missingPackages(packages);
  if (missing.length === 0) return;
  step(`Installing system packages: ${missing.join(" ")}`);
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && !commandExists("sudo")) throw new Error(`Installing packages needs root or sudo: ${missing.join(" ")}`);
  const apt = (args) =>
    asRoot
      ? run("apt-get", args, { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } })
      : run("sudo", ["DEBIAN_FRONTEND=noninteractive", "apt-get", ...args]);
  apt(["update", "-qq"]);
  apt(["install", "-y", "--no-install-recommends", ...missing]);
}

function ensureNodeModules() {
  const lock = readFileSync(path.join(ROOT, "package-lock.json"));
  const hash = createHash("sha256").update(lock).digest("hex");
  const stamp = path.join(ROOT, "node_modules", ".flowbench-lock.sha256");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash) return;
  step("Installing npm packages (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
  writeFileSync(stamp, hash);
}

function buildUi() {
  const dist = path.join(ROOT, "ui", "dist", "index.html");
  const sources = ["src", "index.html", "vite.config.ts", "tsconfig.json", "package.json"].map((p) => path.join(ROOT, "ui", p));
  const built = existsSync(dist) ? newestMtime([dist]) : 0;
  if (built > newestMtime([...sources, path.join(ROOT, "package-lock.json")])) return;
  step("Building the UI");
  run("npm", ["run", "build", "--workspace", "ui"]);
}

function buildRust() {
  step("Building Flowbench (cargo build)");
  run("cargo", ["build", "--workspace", "--bins"]);
  for (const bin of [DESKTOP_BIN, CLI_BIN]) {
    if (!existsSync(bin)) throw new Error(`cargo build finished but ${bin} is missing`);
  }
}

function ensureTauriDriver() {
  if (existsSync(path.join(TOOLS_BIN, "tauri-driver"))) return;
  step(`Installing tauri-driver ${TAURI_DRIVER_VERSION} into .tools`);
  mkdirSync(TOOLS_BIN, { recursive: true });
  run("cargo", ["install", "tauri-driver", "--locked", "--version", TAURI_DRIVER_VERSION, "--root", path.join(ROOT, ".tools")]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    setup({ forTests: process.argv.includes("--tests") });
  } catch (error) {
    console.error(`\nsetup failed: ${error.message}`);
    process.exit(1);
  }
}
