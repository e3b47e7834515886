// `npm run bindings`: regenerate ui/src/bindings from the Rust command registry.
import { run } from "./lib.mjs";

run("cargo", ["test", "-p", "flowbench-api", "--lib", "bindings::tests::committed_bindings_are_fresh"], {
  env: { ...process.env, UPDATE_BINDINGS: "1" },
});
console.log("ui/src/bindings is up to date.");
