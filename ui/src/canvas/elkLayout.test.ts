import ElkBundled from "elkjs/lib/elk.bundled.js";
import { describe, expect, it } from "vitest";
import { type Layout, layoutGraph, plusPoint, relabel, roundedPath, structureKey } from "./elkLayout";
import { flowGraph } from "./flowGraph";
import { conditionFlow, parallelFlow, step } from "../../test/testOutlines";

const elk = new ElkBundled();
const lay = (outline = conditionFlow) => layoutGraph(elk, flowGraph(outline));
const at = (layout: Layout, id: string) => layout.nodes.find((n) => n.id === id)!;
const centre = (layout: Layout, id: string) => at(layout, id).x + at(layout, id).width / 2;

function expectNoOverlaps(layout: Layout) {
  for (const [i, a] of layout.nodes.entries()) {
    for (const b of layout.nodes.slice(i + 1)) {
      const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
    }
  }
}

describe("the ELK layout", () => {
  it("runs top-down: every edge goes down, and the step after a container comes below its longest branch", async () => {
    const layout = await lay();
    for (const edge of layout.edges) expect(at(layout, edge.target).y, edge.id).toBeGreaterThan(at(layout, edge.source).y);
    expect(at(layout, "step:Last").y).toBeGreaterThan(at(layout, "step:Yes_2").y + 76);
    expectNoOverlaps(layout);
  });

  it("hangs branches side by side from one row, Yes on the left, under a centred container", async () => {
    const layout = await lay();
    const [yes, no] = [at(layout, "branch:Check:Yes"), at(layout, "branch:Check:No")];
    expect(yes.y).toBe(no.y);
    expect(yes.x).toBeLessThan(no.x);
    expect(centre(layout, "step:Check")).toBeGreaterThan(centre(layout, "branch:Check:Yes"));
    expect(centre(layout, "step:Check")).toBeLessThan(centre(layout, "branch:Check:No"));
    // The flow goes on in the container's column.
    expect(centre(layout, "step:Last")).toBe(centre(layout, "step:Check"));
  });

  it("puts parallel branches side by side on one row, in the flow's order, even when one is longer", async () => {
    const layout = await lay({ ...parallelFlow, steps: [...parallelFlow.steps.slice(0, 3), step("B2", ["B"]), step("D", ["B2", "C"])] });
    const [b, c] = [at(layout, "step:B"), at(layout, "step:C")];
    expect(b.y).toBe(c.y);
    expect(b.x + b.width).toBeLessThan(c.x);
    expect(at(layout, "step:D").y).toBeGreaterThan(b.y);
    expectNoOverlaps(layout);
  });

  it("routes each edge from the middle of its source's bottom to the middle of its target's top, at right angles", async () => {
    const layout = await lay(parallelFlow);
    for (const edge of layout.edges) {
      const [s, t] = [at(layout, edge.source), at(layout, edge.target)];
      expect(edge.points[0]).toEqual({ x: s.x + s.width / 2, y: s.y + s.height });
      expect(edge.points.at(-1)).toEqual({ x: t.x + t.width / 2, y: t.y });
      for (let i = 1; i < edge.points.length; i++) {
        const [p, q] = [edge.points[i - 1], edge.points[i]];
        expect(p.x === q.x || p.y === q.y, `${edge.id} has a slanted segment`).toBe(true);
      }
    }
  });

  it("puts a '+' below a step with one successor, and above each target where a step fans out", async () => {
    const layout = await lay(parallelFlow);
    const ab = layout.edges.find((e) => e.id === "step:A->step:B")!;
    const ac = layout.edges.find((e) => e.id === "step:A->step:C")!;
    expect(ab.plus.x).toBe(centre(layout, "step:B"));
    expect(ac.plus.x).toBe(centre(layout, "step:C"));
    expect(ab.plus.y).toBeLessThan(at(layout, "step:B").y);
    const bd = layout.edges.find((e) => e.id === "step:B->step:D")!;
    expect(bd.plus.x).toBe(centre(layout, "step:B"));
    expect(bd.plus.y).toBeGreaterThan(at(layout, "step:B").y + 76);
    expect(bd.plus.y).toBeLessThanOrEqual(at(layout, "step:B").y + 76 + 20);
  });

  it("stacks 500 steps in one column, a gap apart, joined by straight edges", async () => {
    const steps = Array.from({ length: 500 }, (_, i) => step(`S${i}`, i ? [`S${i - 1}`] : []));
    const layout = await lay({ ...conditionFlow, steps, stepCount: 500 });
    expect(layout.nodes).toHaveLength(502);
    for (let i = 1; i < 500; i++) {
      expect(at(layout, `step:S${i}`).y - at(layout, `step:S${i - 1}`).y).toBe(76 + 40);
      expect(at(layout, `step:S${i}`).x).toBe(at(layout, "step:manual").x);
    }
    const edge = layout.edges.find((e) => e.id === "step:S10->step:S11")!;
    expect(edge.points).toEqual([
      { x: centre(layout, "step:S10"), y: at(layout, "step:S10").y + 76 },
      { x: centre(layout, "step:S11"), y: at(layout, "step:S11").y },
    ]);
    expect(at(layout, "end").y).toBeGreaterThan(at(layout, "step:S499").y + 76);
  });

  it("reuses a layout for an edit that changes no structure, and not for one that does", async () => {
    const withTable = (table: string) => ({ ...conditionFlow, steps: conditionFlow.steps.map((s) => (s.name === "First" ? { ...s, table } : s)) });
    const before = flowGraph(withTable("contacts"));
    const renamedTable = flowGraph(withTable("accounts"));
    const inserted = flowGraph({ ...withTable("contacts"), steps: [...withTable("contacts").steps, step("After", ["Last"])] });
    expect(structureKey(renamedTable)).toBe(structureKey(before));
    expect(structureKey(inserted)).not.toBe(structureKey(before));
    const layout = relabel(await layoutGraph(elk, before), renamedTable);
    expect(at(layout, "step:First")).toMatchObject({ step: { table: "accounts" } });
  });
});

describe("edge drawing", () => {
  it("rounds the corners of a right-angled route", () => {
    expect(roundedPath([{ x: 0, y: 0 }, { x: 0, y: 20 }, { x: 40, y: 20 }])).toBe("M 0 0 L 0 12 Q 0 20 8 20 L 40 20");
    expect(roundedPath([{ x: 5, y: 0 }, { x: 5, y: 40 }])).toBe("M 5 0 L 5 40");
  });

  it("keeps a '+' within half of a short stretch", () => {
    expect(plusPoint([{ x: 0, y: 0 }, { x: 0, y: 10 }], true)).toEqual({ x: 0, y: 5 });
    expect(plusPoint([{ x: 0, y: 0 }, { x: 0, y: 10 }, { x: 30, y: 10 }, { x: 30, y: 100 }], false)).toEqual({ x: 30, y: 80 });
  });
});
