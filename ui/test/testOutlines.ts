import type { FlowOutline } from "../src/bindings/FlowOutline";
import type { StepOutline } from "../src/bindings/StepOutline";

/** A step for canvas tests, running after the steps named in `after`. */
export function step(name: string, after: string[] = [], branches: StepOutline["branches"] = [], kind: StepOutline["kind"] = "data"): StepOutline {
  return {
    name,
    actionType: "Compose",
    kind,
    operationId: null,
    table: null,
    runsAs: null,
    runAfter: after.map((action) => ({ action, statuses: ["Succeeded"] })),
    branches,
  };
}

/** Trigger, First, a condition with two steps under Yes and none under No, then Last. */
export const conditionFlow: FlowOutline = {
  displayName: null,
  trigger: step("manual", [], [], "trigger"),
  steps: [
    step("First"),
    step(
      "Check",
      ["First"],
      [
        { label: "Yes", slot: { kind: "actions" }, steps: [step("Yes_1"), step("Yes_2", ["Yes_1"])] },
        { label: "No", slot: { kind: "else" }, steps: [] },
      ],
      "condition",
    ),
    step("Last", ["Check"]),
  ],
  stepCount: 5,
  triggerInput: null,
};

/** Trigger, then A; B and C both run after A (parallel branches); D runs after both. */
export const parallelFlow: FlowOutline = {
  displayName: null,
  trigger: step("manual", [], [], "trigger"),
  steps: [step("A"), step("B", ["A"]), step("C", ["A"]), step("D", ["B", "C"])],
  stepCount: 4,
  triggerInput: null,
};
