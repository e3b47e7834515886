import { describe, expect, it } from "vitest";
import { placeLabel } from "./FlowEdge";
import { filterGroups } from "./Palette";
import type { FlowOutline } from "../bindings/FlowOutline";
import type { StepOutline } from "../bindings/StepOutline";
import { matchingSteps, nextMatch, siblingMove } from "./search";

describe("finding a step", () => {
  const names = ["Get_the_parent_account", "Compose", "Compose_2", "Is_it_a_customer", "Create_a_follow-up_task"];
  it("matches words with spaces for underscores, exact first", () => {
    expect(matchingSteps(names, "compose 2")).toEqual(["Compose_2"]);
    expect(matchingSteps(names, "compose")).toEqual(["Compose", "Compose_2"]);
    expect(matchingSteps(names, "PARENT acc")).toEqual(["Get_the_parent_account"]);
    expect(matchingSteps(names, "  ")).toEqual([]);
    expect(matchingSteps(names, "nothing")).toEqual([]);
  });
  it("Enter again goes to the next match, round to the first", () => {
    const m = ["Compose", "Compose_2"];
    expect(nextMatch(m, null)).toBe("Compose");
    expect(nextMatch(m, "Compose")).toBe("Compose_2");
    expect(nextMatch(m, "Compose_2")).toBe("Compose");
    expect(nextMatch(m, "Other")).toBe("Compose");
    expect(nextMatch([], "Compose")).toBeNull();
  });
});

describe("the palette's search", () => {
  const groups = [
    { title: "Dataverse", items: [["addRow", "Add a new row"], ["listRows", "List rows"]] as Array<[string, string]> },
    { title: "Control", items: [["scope", "Scope"], ["condition", "Condition"]] as Array<[string, string]> },
  ];
  it("keeps items holding every word, in their label or group, and drops empty groups", () => {
    expect(filterGroups(groups, "row").map((g) => g.items.map((i) => i[0]))).toEqual([["addRow", "listRows"]]);
    expect(filterGroups(groups, "dataverse add").map((g) => g.items.map((i) => i[0]))).toEqual([["addRow"]]);
    expect(filterGroups(groups, "CONTROL")).toHaveLength(1);
    expect(filterGroups(groups, "")).toHaveLength(2);
    expect(filterGroups(groups, "xyz")).toEqual([]);
  });
});

describe("moving a step by keyboard", () => {
  const step = (name: string, branches: StepOutline["branches"] = []): StepOutline =>
    ({ name, actionType: "Compose", kind: "data", operationId: null, table: null, runsAs: null, runAfter: [], branches }) as unknown as StepOutline;
  const outline = {
    steps: [step("A"), step("B", [{ slot: { kind: "actions" }, label: "Yes", steps: [step("X"), step("Y")] }] as unknown as StepOutline["branches"]), step("C")],
  } as unknown as FlowOutline;
  it("goes between the neighbours one place up or down, and nowhere past an end", () => {
    expect(siblingMove(outline, "B", -1)).toEqual({ parent: undefined, after: undefined, before: "A" });
    expect(siblingMove(outline, "B", 1)).toEqual({ parent: undefined, after: "C", before: undefined });
    expect(siblingMove(outline, "A", 1)).toEqual({ parent: undefined, after: "B", before: "C" });
    expect(siblingMove(outline, "A", -1)).toBeNull();
    expect(siblingMove(outline, "C", 1)).toBeNull();
    expect(siblingMove(outline, "Y", -1)).toEqual({ parent: { container: "B", slot: { kind: "actions" } }, after: undefined, before: "X" });
    expect(siblingMove(outline, "Nope", 1)).toBeNull();
  });
});

describe("a + says where a step goes", () => {
  it("names the neighbours and the container", () => {
    expect(placeLabel({ after: "Get_a_row", before: "Compose" })).toBe("Add a step between Get a row and Compose");
    expect(placeLabel({ before: "Compose" })).toBe("Add a step before Compose");
    expect(placeLabel({ after: "Compose" })).toBe("Add a step after Compose");
    expect(placeLabel({ parent: { container: "Is_it_new", slot: { kind: "else" } } })).toBe("Add the first step in Is it new");
    expect(placeLabel({})).toBe("Add the first step of the flow");
  });
});
