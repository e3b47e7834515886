import { describe, expect, it } from "vitest";
import type { Diagnostic } from "./bindings/Diagnostic";
import { problemsByStep, sortedForPanel } from "./problems";

function diagnostic(severity: Diagnostic["severity"], actionPath: string[], message = "m"): Diagnostic {
  return { rule: "r", severity, message, hint: null, location: { actionPath, pointer: "/x", span: null } };
}

describe("problemsByStep", () => {
  it("pins each diagnostic on the innermost action of its path", () => {
    const byStep = problemsByStep([
      diagnostic("error", ["Scope", "Inner"], "broken"),
      diagnostic("warning", ["Scope", "Inner"]),
      diagnostic("warning", [], "flow-wide"),
    ]);
    expect(byStep.get("Inner")).toEqual({ errors: 1, warnings: 1, messages: ["broken", "m"] });
    expect(byStep.has("Scope")).toBe(false);
    expect(byStep.size).toBe(1);
  });

  it("lists errors before warnings", () => {
    const sorted = sortedForPanel([diagnostic("warning", []), diagnostic("error", ["A"])]);
    expect(sorted.map((d) => d.severity)).toEqual(["error", "warning"]);
  });
});
