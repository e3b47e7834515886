import { describe, expect, it } from "vitest";
import type { FlowOutline } from "../bindings/FlowOutline";
import type { StepOutline } from "../bindings/StepOutline";
import { CARD, LABEL, layoutFlow } from "./layout";

function step(name: string, branches: StepOutline["branches"] = [], kind: StepOutline["kind"] = "data"): StepOutline {
  return { name, actionType: "Compose", kind, operationId: null, table: null, runsAs: null, runAfter: [], branches };
}

const outline: FlowOutline = {
  displayName: null,
  trigger: step("manual", [], "trigger"),
  steps: [
    step("First"),
    step("Check", [
      { label: "Yes", slot: { kind: "actions" }, steps: [step("Yes_1"), step("Yes_2")] },
      { label: "No", slot: { kind: "else" }, steps: [] },
    ], "condition"),
    step("Last"),
  ],
  stepCount: 5,
  triggerInput: null,
};

function box(n: { x: number; y: number; kind: string }) {
  const size = n.kind === "step" ? CARD : LABEL;
  return { left: n.x, top: n.y, right: n.x + size.width, bottom: n.y + size.height };
}

describe("layoutFlow", () => {
  const layout = layoutFlow(outline);
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));

  it("places every step and branch exactly once", () => {
    expect(layout.nodes.map((n) => n.id)).toEqual([
      "step:manual",
      "step:First",
      "step:Check",
      "branch:Check:Yes",
      "step:Yes_1",
      "step:Yes_2",
      "branch:Check:No",
      "step:Last",
      "end",
    ]);
    expect(byId.get("step:manual")).toMatchObject({ isTrigger: true });
  });

  it("runs top-down: each step below the one it follows", () => {
    for (const edge of layout.edges) {
      expect(byId.get(edge.target)!.y).toBeGreaterThan(byId.get(edge.source)!.y);
    }
    expect(byId.get("step:Last")!.y).toBeGreaterThan(byId.get("step:Yes_2")!.y);
  });

  it("puts branches side by side, Yes on the left", () => {
    const yes = byId.get("branch:Check:Yes")!;
    const no = byId.get("branch:Check:No")!;
    expect(yes.y).toBe(no.y);
    expect(yes.x).toBeLessThan(no.x);
    expect(no).toMatchObject({ empty: true });
  });

  it("never overlaps two nodes", () => {
    const boxes = layout.nodes.map(box);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        expect(overlap, `${layout.nodes[i].id} overlaps ${layout.nodes[j].id}`).toBe(false);
      }
    }
  });

  it("hides the branches of a collapsed container and joins the step after it directly", () => {
    const folded = layoutFlow(outline, new Set(["Check"]));
    expect(folded.nodes.map((n) => n.id)).toEqual(["step:manual", "step:First", "step:Check", "step:Last", "end"]);
    expect(folded.edges.map((e) => `${e.source}->${e.target}`)).toContain("step:Check->step:Last");
  });

  it("joins every branch's end to the step after the container", () => {
    const into = layout.edges.filter((e) => e.target === "step:Last").map((e) => e.source);
    expect(into).toEqual(["step:Yes_2", "branch:Check:No"]);
  });

  it("marks one place per gap to insert a step: between steps, first in a branch, into an empty branch", () => {
    const layout = layoutFlow(outline);
    const places = layout.edges.filter((e) => e.insert).map((e) => `${e.source}->${e.target} ${JSON.stringify(e.insert)}`);
    expect(places).toEqual([
      'step:manual->step:First {"before":"First"}',
      'step:First->step:Check {"after":"First","before":"Check"}',
      'branch:Check:Yes->step:Yes_1 {"parent":{"container":"Check","slot":{"kind":"actions"}},"before":"Yes_1"}',
      'step:Yes_1->step:Yes_2 {"parent":{"container":"Check","slot":{"kind":"actions"}},"after":"Yes_1","before":"Yes_2"}',
      'step:Check->branch:Check:No {"parent":{"container":"Check","slot":{"kind":"else"}}}',
      'step:Yes_2->step:Last {"after":"Check","before":"Last"}',
      'step:Last->end {"after":"Last"}',
    ]);
  });

  it("gives a flow with only its trigger a place for its first step, and an empty flow none", () => {
    const blank = layoutFlow({ ...outline, steps: [], stepCount: 0 });
    expect(blank.edges.map((e) => `${e.source}->${e.target} ${JSON.stringify(e.insert)}`)).toEqual(["step:manual->end {}"]);
    expect(layoutFlow({ ...outline, trigger: null, steps: [], stepCount: 0 }).nodes).toEqual([]);
  });
});
