import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// `npm run bench` only: UI benchmarks in the same Chromium, against the same real backend.
export default defineConfig({
  ...base,
  testDir: "./bench",
  testMatch: "**/*.bench.ts",
  outputDir: "../artifacts/bench",
  timeout: 120_000,
});
