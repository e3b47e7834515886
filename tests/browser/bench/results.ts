// The UI benchmarks' results, gathered in target/bench/ui.json for `npm run bench`'s table.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const FILE = path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, "target"), "bench", "ui.json");

export interface BenchResult {
  name: string;
  ms: number;
  /** The target, in milliseconds. */
  target: number;
  detail: string;
}

/** Adds `results` to the file, replacing earlier results of the same names. */
export function record(results: BenchResult[]) {
  mkdirSync(path.dirname(FILE), { recursive: true });
  const names = new Set(results.map((r) => r.name));
  const kept = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, "utf8")) as BenchResult[]).filter((r) => !names.has(r.name)) : [];
  writeFileSync(FILE, JSON.stringify([...kept, ...results], null, 2));
  console.log(JSON.stringify(results, null, 2));
}
