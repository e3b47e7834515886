import { describe, expect, it } from "vitest";
import { flowGraph } from "./flowGraph";
import { conditionFlow, parallelFlow, step } from "../../test/testOutlines";

const places = (graph: ReturnType<typeof flowGraph>) =>
  graph.edges.filter((e) => e.insert).map((e) => `${e.id} ${JSON.stringify(e.insert)}`);

describe("flowGraph", () => {
  it("lists every step, branch label and join once, in reading order", () => {
    expect(flowGraph(conditionFlow).nodes.map((n) => n.id)).toEqual([
      "step:manual",
      "step:First",
      "step:Check",
      "branch:Check:Yes",
      "step:Yes_1",
      "step:Yes_2",
      "branch:Check:No",
      "join:Check",
      "step:Last",
      "end",
    ]);
  });

  it("marks the places a step goes: between steps, first in a branch, into an empty branch, at a branch's end, after a container", () => {
    const yes = '{"container":"Check","slot":{"kind":"actions"}}';
    expect(places(flowGraph(conditionFlow))).toEqual([
      `branch:Check:Yes->step:Yes_1 {"parent":${yes},"before":"Yes_1"}`,
      `step:Yes_1->step:Yes_2 {"parent":${yes},"after":"Yes_1","before":"Yes_2"}`,
      `step:Yes_2->join:Check {"parent":${yes},"after":"Yes_2"}`,
      'branch:Check:No->join:Check {"parent":{"container":"Check","slot":{"kind":"else"}}}',
      'step:manual->step:First {"before":"First"}',
      'step:First->step:Check {"after":"First","before":"Check"}',
      'join:Check->step:Last {"after":"Check","before":"Last"}',
      'step:Last->end {"after":"Last"}',
    ]);
  });

  it("draws steps that run after the same step as parallel branches, joined where a step runs after both", () => {
    const graph = flowGraph(parallelFlow);
    const edges = graph.edges.map((e) => e.id);
    expect(edges).toEqual(expect.arrayContaining(["step:A->step:B", "step:A->step:C", "step:B->step:D", "step:C->step:D", "step:D->end"]));
    expect(edges).not.toContain("step:B->step:C");
    // A new branch beside B or C runs after A, with no step before which it must go.
    expect(graph.edges.find((e) => e.id === "step:A->step:C")).toMatchObject({ insert: { after: "A", before: "C" }, parallel: { after: "A" } });
  });

  it("lists each parallel branch whole, in the flow's order, before the step where they meet", () => {
    const outline = {
      ...parallelFlow,
      // X comes before C in the document, but it belongs to C's branch.
      steps: [step("A"), step("B", ["A"]), step("X", ["C"]), step("C", ["A"]), step("D", ["B", "X"]), step("Loop", ["Loop"])],
    };
    expect(flowGraph(outline).nodes.map((n) => n.id)).toEqual(["step:manual", "step:A", "step:B", "step:C", "step:X", "step:D", "step:Loop", "end"]);
  });

  it("gives every end of parallel branches at the end of the flow its own place", () => {
    const graph = flowGraph({ ...parallelFlow, steps: parallelFlow.steps.slice(0, 3) });
    expect(places(graph).filter((p) => p.includes("->end"))).toEqual(['step:B->end {"after":"B"}', 'step:C->end {"after":"C"}']);
  });

  it("draws a collapsed container as one card that the next step follows", () => {
    const folded = flowGraph(conditionFlow, new Set(["Check"]));
    expect(folded.nodes.map((n) => n.id)).toEqual(["step:manual", "step:First", "step:Check", "step:Last", "end"]);
    expect(folded.edges.map((e) => e.id)).toContain("step:Check->step:Last");
  });

  it("ignores run-after names outside the scope: such a step starts its scope", () => {
    const graph = flowGraph({ ...parallelFlow, steps: [step("A", ["Elsewhere"])] });
    expect(graph.edges.map((e) => e.id)).toEqual(["step:manual->step:A", "step:A->end"]);
  });

  it("makes a card as tall as what it shows, with a line kept for a run's status", () => {
    const heights = new Map(
      flowGraph({
        ...parallelFlow,
        steps: [
          step("A"),
          { ...step("B", ["A"]), kind: "dataverse", operationId: "CreateRecord", table: "contacts", runsAs: { kind: "connectionReference", logicalName: "x" } },
          { ...step("C", ["A"]), kind: "foreach" },
        ],
      }).nodes.map((n) => [n.id, n.height]),
    );
    expect(heights.get("step:A")).toBe(76);
    expect(heights.get("step:B")).toBe(18 + 34 + 15 + 22 + 17);
    expect(heights.get("step:C")).toBe(18 + 34 + 22 + 17);
  });

  it("gives a flow with only its trigger a place for its first step, and an empty flow nothing", () => {
    expect(places(flowGraph({ ...conditionFlow, steps: [], stepCount: 0 }))).toEqual(["step:manual->end {}"]);
    expect(flowGraph({ ...conditionFlow, trigger: null, steps: [], stepCount: 0 }).nodes).toEqual([]);
  });
});
