// Reads each test runner's closing lines into counts, so `npm test` can end on one total line.
import { stripAnsi } from "./lib.mjs";

const last = (text, re) => {
  const matches = [...text.matchAll(re)];
  return matches.length ? matches[matches.length - 1] : null;
};
const n = (m, i = 1) => (m ? Number(m[i]) : 0);

/** Each returns { passed, failed, skipped } or null when the runner printed no summary. */
export const parsers = {
  nextest(text) {
    const m = last(stripAnsi(text), /Summary \[[^\]]*\]\s+(\d+) tests? run: (\d+) passed(?:[^,\n]*)?(?:, (\d+) failed)?[^\n]*?(?:, (\d+) skipped)?\s*$/gm);
    if (!m) return null;
    const total = Number(m[1]);
    const passed = Number(m[2]);
    return { passed, failed: m[3] ? Number(m[3]) : total - passed, skipped: n(m, 4) };
  },
  vitest(text) {
    const m = last(stripAnsi(text), /^\s*Tests\s+(.*)\((\d+)\)\s*$/gm);
    if (!m) return null;
    const part = (word) => Number((m[1].match(new RegExp(`(\\d+) ${word}`)) ?? [0, 0])[1]);
    return { passed: part("passed"), failed: part("failed"), skipped: part("skipped") + part("todo") };
  },
  playwright(text) {
    const clean = stripAnsi(text);
    const passed = last(clean, /^\s+(\d+) passed\b/gm);
    const failed = last(clean, /^\s+(\d+) failed\b/gm);
    const flaky = last(clean, /^\s+(\d+) flaky\b/gm);
    const skipped = last(clean, /^\s+(\d+) skipped\b/gm);
    if (!passed && !failed) return null;
    return { passed: n(passed) + n(flaky), failed: n(failed), skipped: n(skipped) };
  },
  nodeTest(text) {
    const clean = stripAnsi(text);
    const pass = last(clean, /^[#ℹ] pass (\d+)$/gm);
    const fail = last(clean, /^[#ℹ] fail (\d+)$/gm);
    if (!pass && !fail) return null;
    return { passed: n(pass), failed: n(fail), skipped: n(last(clean, /^[#ℹ] skipped (\d+)$/gm)) };
  },
};
