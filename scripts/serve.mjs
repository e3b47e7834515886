// `npm run serve`: browser mode. Sets up, then serves the designer on loopback and opens it.
import { spawn } from "node:child_process";
import { CLI_BIN, ROOT } from "./lib.mjs";
import { setup } from "./setup.mjs";

try {
  setup();
} catch (error) {
  console.error(`\nnpm run serve: ${error.message}`);
  process.exit(1);
}
const child = spawn(CLI_BIN, ["serve", "--open", ...process.argv.slice(2)], { cwd: ROOT, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
