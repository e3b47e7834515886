// `npm run bench`: every benchmark of the project, then one table of what they measured.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { TARGET_DIR, run, step } from "./lib.mjs";
import { setup } from "./setup.mjs";

setup({ forTests: true });
const started = Date.now();
step("Rust benchmarks (criterion)");
run("cargo", ["bench", "--workspace", "--no-fail-fast", "--bench", "*", "--", "--noplot"]);
step("UI benchmarks (Playwright, Chromium, real backend)");
let uiFailed = false;
try {
  run("npx", ["playwright", "test", "-c", "tests/browser/bench.config.ts"]);
} catch {
  uiFailed = true;
}

/** criterion leaves `<id>/new/{benchmark,estimates}.json` per benchmark. */
function criterionResults(dir) {
  const rows = [];
  const visit = (d) => {
    if (!existsSync(d)) return;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const here = path.join(d, entry.name);
      const estimates = path.join(here, "estimates.json");
      // Only what this run measured: older results of renamed benchmarks stay on disk.
      if (entry.name === "new" && existsSync(estimates) && statSync(estimates).mtimeMs >= started) {
        const meta = JSON.parse(readFileSync(path.join(here, "benchmark.json"), "utf8"));
        const est = JSON.parse(readFileSync(path.join(here, "estimates.json"), "utf8"));
        const bytes = meta.throughput?.Bytes;
        const elements = meta.throughput?.Elements;
        rows.push({ name: meta.full_id, value: est.mean.point_estimate, low: est.mean.confidence_interval.lower_bound, high: est.mean.confidence_interval.upper_bound, bytes, elements });
      } else visit(here);
    }
  };
  visit(dir);
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

function human(ns) {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

const rows = criterionResults(path.join(TARGET_DIR, "criterion"));
console.log("\n benchmark                                         kind        mean        95% interval");
for (const r of rows) {
  const rate = r.bytes
    ? `  ${(r.bytes / (r.value / 1e9) / 1e6).toFixed(1)} MB/s`
    : r.elements
      ? `  ${Math.round(r.elements / (r.value / 1e9))} req/s`
      : "";
  console.log(` ${r.name.padEnd(48)}  criterion  ${human(r.value).padStart(10)}  ${human(r.low)} – ${human(r.high)}${rate}`);
}
if (rows.length === 0) console.log(" (no benchmark results)");
// Playwright benchmarks write `target/bench/ui.json`: name, milliseconds, target.
const uiResults = path.join(TARGET_DIR, "bench", "ui.json");
if (existsSync(uiResults) && statSync(uiResults).mtimeMs >= started) {
  for (const r of JSON.parse(readFileSync(uiResults, "utf8"))) {
    const verdict = r.ms <= r.target ? `target ≤${r.target} ms met` : `target ≤${r.target} ms MISSED`;
    console.log(` ${r.name.padEnd(48)}  playwright ${human(r.ms * 1e6).padStart(10)}  ${verdict}; ${r.detail}`);
  }
} else if (uiFailed) console.log(" (the UI benchmarks failed: see above)");
// The sandbox bench writes each request's p50/p99 latency under 50 concurrent clients.
const sandboxResults = path.join(TARGET_DIR, "bench", "sandbox.json");
if (existsSync(sandboxResults) && statSync(sandboxResults).mtimeMs >= started) {
  for (const r of JSON.parse(readFileSync(sandboxResults, "utf8"))) {
    console.log(` ${r.name.padEnd(48)}  latency    p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms over ${r.requests} requests`);
  }
}
// The engine bench writes its overhead ratios, each with its target.
const engineResults = path.join(TARGET_DIR, "bench", "engine.json");
if (existsSync(engineResults) && statSync(engineResults).mtimeMs >= started) {
  for (const r of JSON.parse(readFileSync(engineResults, "utf8"))) {
    const verdict = r.value <= r.target ? `target ≤${r.target} met` : `target ≤${r.target} MISSED`;
    console.log(` ${r.name.padEnd(48)}  ratio      ${r.value.toFixed(2).padStart(9)}x  ${verdict}; ${r.detail}`);
  }
}
// Pairs measured against a floor (`<group>/flowbench/<input>` vs `<group>/<floor>/<input>`).
for (const r of rows) {
  const m = /^(.*)\/flowbench\/(.*)$/.exec(r.name);
  for (const floorName of ["serde_json", "sqlite", "reqwest"]) {
    const floor = m && rows.find((f) => f.name === `${m[1]}/${floorName}/${m[2]}`);
    if (floor) console.log(` ${`${m[1]}/${m[2]}: flowbench ÷ ${floorName}`.padEnd(48)}  ratio      ${(r.value / floor.value).toFixed(2).padStart(9)}x`);
  }
}
