import { describe, expect, it } from "vitest";
import { findAction, formOf, valueAt } from "./actionForms";

const flow = {
  properties: {
    definition: {
      actions: {
        Init: { type: "InitializeVariable", inputs: { variables: [{ name: "count", type: "integer", value: 1 }] } },
        Check: {
          type: "If",
          expression: { equals: [1, 1] },
          actions: { Call: { type: "Http", inputs: { method: "GET", uri: "https://a/b" } } },
          else: { actions: { Stop: { type: "Terminate", inputs: { runStatus: "Failed" } } } },
        },
        Route: { type: "Switch", cases: { One: { actions: { Say: { type: "Compose", inputs: "one" } } } }, default: { actions: {} } },
      },
    },
  },
};

describe("action forms", () => {
  it("finds an action at any depth: condition branches, switch cases", () => {
    expect(findAction(flow, "Call")).toMatchObject({ type: "Http" });
    expect(findAction(flow, "Stop")).toMatchObject({ type: "Terminate" });
    expect(findAction(flow, "Say")).toMatchObject({ inputs: "one" });
    expect(findAction(flow, "Nope")).toBeUndefined();
  });

  it("reads each field of a form where the runtime keeps it", () => {
    const init = findAction(flow, "Init");
    expect(formOf("InitializeVariable").map((f) => [f.label, valueAt(init, f.pointer)])).toEqual([
      ["Variable name", "count"],
      ["Type", "integer"],
      ["Value", 1],
    ]);
    expect(formOf("http").map((f) => valueAt(findAction(flow, "Call"), f.pointer))).toEqual(["GET", "https://a/b", undefined, undefined]);
  });

  it("has no form for connector steps, which edit their parameters instead", () => {
    expect(formOf("OpenApiConnection")).toEqual([]);
  });
});
