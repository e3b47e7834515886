import { describe, expect, it } from "vitest";
import type { RunRecord } from "./bindings/RunRecord";
import type { StepRecord } from "./bindings/StepRecord";
import { applyProgress, formatDuration, resultsByStep } from "./runs";

function step(name: string, status: StepRecord["status"], extra: Partial<StepRecord> = {}): StepRecord {
  return {
    name, actionType: "Compose", status, code: null, startTime: null, endTime: null, inputs: null, outputs: null,
    error: null, identity: null, steps: [], iterations: [], retryHistory: [], ...extra,
  };
}

describe("resultsByStep", () => {
  it("flattens nested steps and keeps a failed pass visible", () => {
    const record = {
      status: "Failed", error: null, startTime: null, endTime: null,
      steps: [
        step("Scope", "Failed", { steps: [step("Inner", "Succeeded")] }),
        step("Loop", "Failed", {
          iterations: [
            { index: 0, status: "Failed", steps: [step("Create", "Failed", { error: { code: "0x80040220", message: "missing prvCreateContact" } })] },
            { index: 1, status: "Succeeded", steps: [step("Create", "Succeeded")] },
          ],
        }),
      ],
    } as unknown as RunRecord;
    const results = resultsByStep(record);
    expect(results.get("Inner")?.status).toBe("Succeeded");
    expect(results.get("Create")).toEqual({ status: "Failed", user: null, error: "0x80040220: missing prvCreateContact", durationMs: null });
  });
});

import { differences } from "./canvas/RunHistory";

describe("differences", () => {
  it("lists the steps whose status or identity differ between two runs", () => {
    const run = (status: StepRecord["status"], user: string) =>
      ({
        status: "Succeeded", error: null, startTime: "", endTime: "",
        steps: [
          step("Same", "Succeeded"),
          step("Create", status, { identity: { user, objectId: null, caller: null, source: { kind: "mock" } } }),
        ],
      }) as unknown as RunRecord;
    expect(differences(run("Succeeded", "sam"), run("Failed", "nora"))).toEqual([
      { step: "Create", left: "Succeeded as sam", right: "Failed as nora" },
    ]);
    expect(differences(run("Succeeded", "sam"), run("Succeeded", "sam"))).toEqual([]);
  });
});

import { loopPasses } from "./runs";

describe("loop passes", () => {
  const record = {
    status: "Failed", error: null, startTime: "", endTime: "",
    steps: [
      step("Loop", "Failed", {
        iterations: [
          { index: 0, status: "Succeeded", steps: [step("Parse", "Succeeded")] },
          { index: 1, status: "Failed", steps: [step("Parse", "Failed")] },
          { index: 2, status: "Succeeded", steps: [step("Parse", "Succeeded")] },
        ],
      }),
    ],
  } as unknown as RunRecord;

  it("counts passes and names the failed ones", () => {
    expect(loopPasses(record).get("Loop")).toEqual({ count: 3, failed: [1] });
  });

  it("shows the chosen pass", () => {
    expect(resultsByStep(record, new Map([["Loop", 2]])).get("Parse")?.status).toBe("Succeeded");
    expect(resultsByStep(record, new Map([["Loop", 1]])).get("Parse")?.status).toBe("Failed");
    expect(resultsByStep(record).get("Parse")?.status).toBe("Failed");
  });
});

describe("applyProgress", () => {
  it("shows a step running, then how it ended and how long it took, keeping untouched entries", () => {
    const first = applyProgress(new Map(), [{ step: "Create", iteration: null, progress: { state: "running" } }]);
    expect(first.get("Create")).toEqual({ status: "Running", user: null, error: null, durationMs: null });
    const untouched = { status: "Succeeded" as const, user: null, error: null, durationMs: 1 };
    const before = new Map(first).set("Other", untouched);
    const after = applyProgress(before, [
      { step: "Create", iteration: null, progress: { state: "ended", status: "Failed", durationMs: 12, ranAs: "nora", error: "0x80040220: missing prvCreateContact" } },
    ]);
    expect(after.get("Create")).toEqual({ status: "Failed", user: "nora", error: "0x80040220: missing prvCreateContact", durationMs: 12 });
    expect(after.get("Other")).toBe(untouched);
    // A later pass of a loop does not hide the failure of an earlier one.
    const later = applyProgress(after, [
      { step: "Create", iteration: 1, progress: { state: "running" } },
      { step: "Create", iteration: 1, progress: { state: "ended", status: "Succeeded", durationMs: 3, ranAs: "nora", error: null } },
    ]);
    expect(later.get("Create")?.status).toBe("Failed");
  });

  it("formats durations for people", () => {
    expect([formatDuration(4), formatDuration(1234), formatDuration(125_000)]).toEqual(["4 ms", "1.2 s", "2 min 5 s"]);
  });
});
