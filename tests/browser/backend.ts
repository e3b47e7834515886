// A backend of a spec's own (`flowbench serve` on a private folder), for specs that restart it.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, "target"), "debug", "flowbench");

/** Starts `flowbench serve` on `home`'s data (settings, sandbox, autosave); resolves with its address. */
export async function serve(home: string): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(
    BIN,
    ["serve", "--ui-dir", path.join(ROOT, "ui", "dist"), "--settings", path.join(home, "settings.json"), "--sandbox-data", path.join(home, "sandbox")],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, FLOWBENCH_CONFIG_DIR: home } },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    server.on("exit", (code) => reject(new Error(`flowbench serve exited with ${code}`)));
    server.stdout!.on("data", (chunk) => {
      out += chunk;
      const match = /(http:\/\/\S+#token=[0-9a-f]+)/.exec(out);
      if (match) resolve(match[1]);
    });
  });
  return { server, url };
}

/** Stops it: SIGINT shuts down cleanly, SIGKILL is a crash. */
export function stop(server: ChildProcess, signal: NodeJS.Signals = "SIGINT"): Promise<void> {
  return new Promise((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolve();
    server.once("exit", () => resolve());
    server.kill(signal);
  });
}
