import type { StepOutline } from "../bindings/StepOutline";
import type { FlowOutline } from "../bindings/FlowOutline";
import type { BranchRef } from "../bindings/BranchRef";
import type { Position } from "../bindings/Position";

/** Card and spacing sizes, in canvas pixels. */
export const CARD = { width: 280, height: 76 } as const;
export const LABEL = { width: 120, height: 28 } as const;
const GAP_Y = 40;
const GAP_X = 40;
const END = "end";

export type LaidOutNode =
  | { id: string; kind: "step"; x: number; y: number; step: StepOutline; isTrigger: boolean }
  | { id: string; kind: "branch"; x: number; y: number; label: string; empty: boolean }
  /** Below the last step: the edge into it is where a step goes at the end of the flow. */
  | { id: string; kind: "end"; x: number; y: number };

export interface LaidOutEdge {
  id: string;
  source: string;
  target: string;
  /** Where a step dropped on this edge goes; absent on edges that take no step. */
  insert?: Position;
}

export interface Layout {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  width: number;
  height: number;
}

interface Size {
  width: number;
  height: number;
}

/**
 * Power Automate's top-down tree: steps in run order, each container's branches side by side
 * beneath it, and the flow continuing below the widest branch. Pure, so it is easy to test; an
 * ELK layout can replace it behind the same shape.
 */
export function layoutFlow(outline: FlowOutline, collapsed: ReadonlySet<string> = new Set()): Layout {
  const nodes: LaidOutNode[] = [];
  const edges: LaidOutEdge[] = [];
  const fold = (steps: StepOutline[]): StepOutline[] =>
    steps.map((s) => (collapsed.has(s.name) ? { ...s, branches: [] } : { ...s, branches: s.branches.map((b) => ({ ...b, steps: fold(b.steps) })) }));
  const sequence = fold(outline.trigger ? [outline.trigger, ...outline.steps] : outline.steps);
  const size = sequenceSize(sequence);
  const exits = placeSequence(sequence, 0, 0, size.width, nodes, edges, [], undefined);
  if (exits.length === 0) return { nodes, edges, width: size.width, height: size.height };
  const last = outline.steps[outline.steps.length - 1]?.name;
  const top = size.height + GAP_Y;
  nodes.push({ id: END, kind: "end", x: (size.width - LABEL.width) / 2, y: top });
  exits.forEach((source, i) => edges.push({ id: `${source}->${END}`, source, target: END, insert: i === 0 ? { after: last } : undefined }));
  return { nodes, edges, width: size.width, height: top + LABEL.height };
}

function stepSize(step: StepOutline): Size {
  if (step.branches.length === 0) return { ...CARD };
  const branches = step.branches.map(branchSize);
  const width = Math.max(CARD.width, branches.reduce((sum, b) => sum + b.width, 0) + GAP_X * (branches.length - 1));
  const height = CARD.height + GAP_Y + Math.max(...branches.map((b) => b.height));
  return { width, height };
}

function branchSize(branch: { steps: StepOutline[] }): Size {
  const steps = sequenceSize(branch.steps);
  const width = Math.max(LABEL.width, steps.width);
  return { width, height: LABEL.height + (branch.steps.length ? GAP_Y + steps.height : 0) };
}

function sequenceSize(steps: StepOutline[]): Size {
  if (steps.length === 0) return { width: 0, height: 0 };
  const sizes = steps.map(stepSize);
  return {
    width: Math.max(...sizes.map((s) => s.width)),
    height: sizes.reduce((sum, s) => sum + s.height, 0) + GAP_Y * (steps.length - 1),
  };
}

/**
 * Places steps centred in a column `width` wide. `entering` are the nodes the first step follows;
 * returns the nodes the next step follows: the step itself, or for a container the end of each
 * of its branches, so branches visibly join again below it.
 */
function placeSequence(
  steps: StepOutline[],
  left: number,
  top: number,
  width: number,
  nodes: LaidOutNode[],
  edges: LaidOutEdge[],
  entering: string[],
  parent: BranchRef | undefined,
): string[] {
  let y = top;
  let previous = entering;
  // The step before, in this scope: a new step on the edge goes after it (the trigger is none).
  let before: string | undefined;
  for (const step of steps) {
    const size = stepSize(step);
    const id = `step:${step.name}`;
    nodes.push({ id, kind: "step", x: left + (width - CARD.width) / 2, y, step, isTrigger: step.kind === "trigger" });
    // One place to insert per gap, even where several branches join into this step.
    previous.forEach((source, i) =>
      edges.push({ id: `${source}->${id}`, source, target: id, insert: i === 0 ? { parent, after: before, before: step.name } : undefined }),
    );
    previous = step.branches.length
      ? placeBranches(step, left + (width - size.width) / 2, y + CARD.height + GAP_Y, size.width, nodes, edges)
      : [id];
    before = step.kind === "trigger" ? undefined : step.name;
    y += size.height + GAP_Y;
  }
  return previous;
}

function placeBranches(
  step: StepOutline,
  left: number,
  top: number,
  width: number,
  nodes: LaidOutNode[],
  edges: LaidOutEdge[],
): string[] {
  const sizes = step.branches.map(branchSize);
  const used = sizes.reduce((sum, s) => sum + s.width, 0) + GAP_X * (sizes.length - 1);
  let x = left + (width - used) / 2;
  const exits: string[] = [];
  step.branches.forEach((branch, i) => {
    const id = `branch:${step.name}:${branch.label}`;
    const w = sizes[i].width;
    const into: BranchRef = { container: step.name, slot: branch.slot };
    nodes.push({ id, kind: "branch", x: x + (w - LABEL.width) / 2, y: top, label: branch.label, empty: branch.steps.length === 0 });
    // An empty branch takes its first step on the edge to its label.
    edges.push({ id: `step:${step.name}->${id}`, source: `step:${step.name}`, target: id, insert: branch.steps.length ? undefined : { parent: into } });
    exits.push(...placeSequence(branch.steps, x, top + LABEL.height + GAP_Y, w, nodes, edges, [id], into));
    x += w + GAP_X;
  });
  return exits;
}
