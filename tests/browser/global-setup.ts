import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, "target"), "debug", "flowbench");

/** Starts the real backend (`flowbench serve`) and hands its address, secret included, to the tests. */
export default async function globalSetup() {
  const home = mkdtempSync(path.join(tmpdir(), "flowbench-browser-"));
  const server: ChildProcess = spawn(
    BIN,
    [
      "serve",
      "--port",
      "0",
      "--ui-dir",
      path.join(ROOT, "ui", "dist"),
      "--settings",
      path.join(home, "settings.json"),
      "--sandbox-data",
      path.join(home, "sandbox"),
    ],
    // Its own environment list, so the user's environments and sign-ins are never touched.
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, FLOWBENCH_CONFIG_DIR: home } },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`flowbench serve printed no address in 15 s: ${out}`)), 15_000);
    server.on("error", reject);
    server.on("exit", (code) => reject(new Error(`flowbench serve exited with ${code}: ${out}`)));
    server.stdout!.on("data", (chunk) => {
      out += chunk;
      const match = /(http:\/\/\S+#token=[0-9a-f]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  process.env.FLOWBENCH_URL = url;
  process.env.FLOWBENCH_SETTINGS = path.join(home, "settings.json");
  return async () => {
    server.kill("SIGINT");
    rmSync(home, { recursive: true, force: true });
  };
}
