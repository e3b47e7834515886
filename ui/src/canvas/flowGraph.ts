import type { BranchRef } from "../bindings/BranchRef";
import type { FlowOutline } from "../bindings/FlowOutline";
import type { Position } from "../bindings/Position";
import type { StepOutline } from "../bindings/StepOutline";

/** Card and spacing sizes, in canvas pixels. */
export const CARD = { width: 280, height: 76 } as const;

/**
 * A card's height for what it shows: its kind and name, the operation and table, who it runs as,
 * a loop's pass pager, and one line for a run's status, kept free so a streaming run never moves
 * the layout. The sizes are the stylesheet's (11 px labels, 19 px names, 22 px chips).
 */
export function cardHeight(step: StepOutline): number {
  const frame = 16 + 2;
  const kindAndName = 15 + 19;
  const runLine = 17;
  const detail = step.operationId || step.table ? 15 : 0;
  const identity = step.runsAs ? 22 : 0;
  const pager = step.kind === "foreach" || step.kind === "until" ? 22 : 0;
  return Math.max(CARD.height, frame + kindAndName + detail + identity + pager + runLine);
}
export const LABEL = { width: 120, height: 28 } as const;
/** Where a container's branches meet again before the flow goes on. */
export const JOIN = { width: 10, height: 10 } as const;
export const END = "end";

export type GraphNode = { id: string; width: number; height: number } & (
  | { kind: "step"; step: StepOutline; isTrigger: boolean }
  | { kind: "branch"; label: string; empty: boolean }
  | { kind: "join"; container: string }
  /** Below the last steps: the edges into it are where a step goes at the end of the flow. */
  | { kind: "end" }
);

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** Where a step dropped on this edge goes; absent on edges that take no step. */
  insert?: Position;
  /** Where a new parallel branch starts: beside the edge's target, after the same step. */
  parallel?: Position;
}

/** The canvas as a graph, before layout: nodes in the order they should read, left to right. */
export interface FlowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/**
 * Power Automate's top-down tree, as a graph. Within each scope steps follow their `runAfter`
 * edges, so two steps after the same one are parallel branches side by side; a container's
 * branches hang beneath it and meet at a join below, where the flow goes on. A collapsed
 * container is drawn as one card.
 */
export function flowGraph(outline: FlowOutline, collapsed: ReadonlySet<string> = new Set()): FlowGraph {
  const graph: FlowGraph = { nodes: [], edges: [] };
  const entry = outline.trigger ? stepNode(outline.trigger, graph) : undefined;
  if (!entry && outline.steps.length === 0) return graph;
  const end: GraphNode = { id: END, kind: "end", ...LABEL };
  placeScope(outline.steps, undefined, entry, END, graph, collapsed);
  graph.nodes.push(end);
  return graph;
}

function stepNode(step: StepOutline, graph: FlowGraph): string {
  const id = `step:${step.name}`;
  graph.nodes.push({ id, kind: "step", width: CARD.width, height: cardHeight(step), step, isTrigger: step.kind === "trigger" });
  return id;
}

/**
 * Draws one scope's steps between `entry` (the trigger or a branch label; none for a flow without
 * a trigger) and `exit` (a join, or the end of the flow).
 */
function placeScope(
  steps: StepOutline[],
  parent: BranchRef | undefined,
  entry: string | undefined,
  exit: string,
  graph: FlowGraph,
  collapsed: ReadonlySet<string>,
): void {
  const edge = (source: string, target: string, insert?: Position, parallel?: Position) =>
    graph.edges.push({ id: `${source}->${target}`, source, target, ...(insert && { insert }), ...(parallel && { parallel }) });
  if (steps.length === 0) {
    if (entry) edge(entry, exit, parent ? { parent } : {});
    return;
  }
  const inScope = new Set(steps.map((s) => s.name));
  const predecessors = (step: StepOutline) => step.runAfter.map((r) => r.action).filter((a) => a !== step.name && inScope.has(a));
  steps = readingOrder(steps, predecessors);
  // The node a step's successors hang from: the step itself, or the join below its branches.
  const exits = new Map<string, string>();
  for (const step of steps) {
    const id = stepNode(step, graph);
    const open = step.branches.length > 0 && !collapsed.has(step.name);
    if (open) {
      const join = `join:${step.name}`;
      step.branches.forEach((branch) => {
        const label = `branch:${step.name}:${branch.label}`;
        graph.nodes.push({ id: label, kind: "branch", ...LABEL, label: branch.label, empty: branch.steps.length === 0 });
        edge(id, label);
        placeScope(branch.steps, { container: step.name, slot: branch.slot }, label, join, graph, collapsed);
      });
      graph.nodes.push({ id: join, kind: "join", ...JOIN, container: step.name });
      exits.set(step.name, join);
    } else {
      exits.set(step.name, id);
    }
  }
  const followed = new Set<string>();
  for (const step of steps) {
    const target = `step:${step.name}`;
    const before = predecessors(step);
    before.forEach((after) => followed.add(after));
    if (before.length === 0) {
      if (entry) edge(entry, target, { parent, before: step.name }, { parent });
      continue;
    }
    for (const after of before) edge(exits.get(after)!, target, { parent, after, before: step.name }, { parent, after });
  }
  // Steps nothing runs after end a branch of the scope: a step added below one runs after it.
  for (const step of steps) {
    if (!followed.has(step.name)) edge(exits.get(step.name)!, exit, { parent, after: step.name });
  }
}

/**
 * Steps in the order a maker reads them: each parallel branch whole, left to right, before the
 * step where they meet. The layout keeps this order within each row, so branches never cross.
 */
function readingOrder(steps: StepOutline[], predecessors: (step: StepOutline) => string[]): StepOutline[] {
  const index = new Map(steps.map((s, i) => [s.name, i]));
  const waiting = steps.map((s) => predecessors(s).length);
  const successors: number[][] = steps.map(() => []);
  steps.forEach((s, i) => predecessors(s).forEach((p) => successors[index.get(p)!].push(i)));
  // Depth first: the first ready branch is followed to its end before the next one starts.
  const stack = steps.flatMap((_, i) => (waiting[i] === 0 ? [i] : [])).reverse();
  const order: StepOutline[] = [];
  while (stack.length > 0) {
    const i = stack.pop()!;
    order.push(steps[i]);
    stack.push(...successors[i].filter((j) => --waiting[j] === 0).reverse());
  }
  // Steps in a run-after cycle (validation reports it) are still drawn, last.
  return order.length === steps.length ? order : [...order, ...steps.filter((s) => !order.includes(s))];
}
