// `npm start`: set up what is missing, then open the designer window on the embedded sandbox
// with the sample flow. Without a display, serve the same designer to a browser instead.
import { spawn } from "node:child_process";
import { CLI_BIN, DESKTOP_BIN, ROOT } from "./lib.mjs";
import { setup } from "./setup.mjs";

try {
  setup();
} catch (error) {
  console.error(`\nnpm start: ${error.message}`);
  process.exit(1);
}

const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const [command, args] = hasDisplay ? [DESKTOP_BIN, []] : [CLI_BIN, ["serve", "--open"]];
if (!hasDisplay) console.log("\nNo display found (DISPLAY and WAYLAND_DISPLAY are unset): starting browser mode instead.");
const child = spawn(command, args, { cwd: ROOT, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
