import { describe, expect, it } from "vitest";
import { runsAsLabel } from "./runsAs";

describe("runsAsLabel", () => {
  it("names the connection reference whose owner the step runs as", () => {
    expect(runsAsLabel({ kind: "connectionReference", logicalName: "fb_DataverseService" }).text).toBe(
      "Runs as fb_DataverseService's owner",
    );
  });

  it("names the trigger's run-as user for the invoker's connection", () => {
    expect(runsAsLabel({ kind: "triggerRunAs", user: "modifyingUser", logicalName: "x" }).text).toBe(
      "Runs as the modifying user",
    );
    expect(runsAsLabel({ kind: "runOnlyUser", logicalName: "x" }).text).toBe("Runs as the invoker");
  });

  it("flags an identity that cannot be known, with the reason", () => {
    const label = runsAsLabel({ kind: "unresolved", reason: "the connection `x` is not declared" });
    expect(label.problem).toBe(true);
    expect(label.title).toContain("not declared");
  });
});
