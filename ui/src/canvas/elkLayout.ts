import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import type { FlowGraph, GraphEdge, GraphNode } from "./flowGraph";

export interface Point {
  x: number;
  y: number;
}

export type LaidOutNode = GraphNode & Point;

export interface LaidOutEdge extends GraphEdge {
  /** The route, from the source's bottom to the target's top, with right-angled bends. */
  points: Point[];
  /** Where the edge's "+" sits: just below its source, or just above its target where the source fans out. */
  plus: Point;
}

export interface Layout {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  width: number;
  height: number;
}

/** What lays a graph out: ELK in a worker in the app, ELK in-thread in unit tests. */
export interface Elk {
  layout(graph: ElkNode): Promise<ElkNode>;
}

/**
 * ELK's layered algorithm, set to draw Power Automate's tree: top-down, branches hanging from the
 * top (longest path from the source), in the order the flow lists them (no crossing
 * minimisation: the model order is the order a maker reads), parents centred over their branches.
 */
const GAP = 40;
const OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.spacing.nodeNode": String(GAP),
  "elk.layered.spacing.nodeNodeBetweenLayers": String(GAP),
  // Where branches fan out or meet, the bends keep half a gap from the cards: room for a "+".
  "elk.layered.spacing.edgeNodeBetweenLayers": String(GAP / 2),
  "elk.layered.layering.strategy": "LONGEST_PATH_SOURCE",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.layered.crossingMinimization.forceNodeModelOrder": "true",
  "elk.layered.crossingMinimization.strategy": "NONE",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.layered.nodePlacement.bk.fixedAlignment": "BALANCED",
  "elk.edgeRouting": "ORTHOGONAL",
};

/**
 * ELK's input for a graph. Every node has one port at the middle of its top and one at the middle
 * of its bottom, where the canvas draws its handles, so routes start and end where cards connect.
 * A run of cards that simply follow one another goes in as one tall node (see `chainsOf`).
 */
export function elkInput(graph: FlowGraph): ElkNode {
  const { blocks, blockOf } = chainsOf(graph);
  return {
    id: "flow",
    layoutOptions: OPTIONS,
    children: blocks.map(({ id, width, height }) => ({
      id,
      width,
      height,
      // Top-aligned in their row: a run of cards stacked into one node starts level with a single card beside it.
      layoutOptions: { "elk.portConstraints": "FIXED_POS", "elk.alignment": "TOP" },
      ports: [
        { id: `${id}:in`, x: width / 2, y: 0, width: 0, height: 0, layoutOptions: { "elk.port.side": "NORTH" } },
        { id: `${id}:out`, x: width / 2, y: height, width: 0, height: 0, layoutOptions: { "elk.port.side": "SOUTH" } },
      ],
    })),
    edges: graph.edges
      .filter((e) => blockOf.get(e.source)!.block !== blockOf.get(e.target)!.block)
      .map((e): ElkExtendedEdge => ({ id: e.id, sources: [`${blockOf.get(e.source)!.block}:out`], targets: [`${e.target}:in`] })),
  };
}

interface Block {
  id: string;
  width: number;
  height: number;
}

/**
 * Runs of cards where each has one way out, into a card with one way in: they stack straight
 * down, as ELK would stack them, so ELK gets each run as one node the height of the stack. A
 * 500-step chain is then one node, not 500 layers. A run is named after its first card, so edges
 * into it keep their port.
 */
function chainsOf(graph: FlowGraph): { blocks: Block[]; blockOf: Map<string, { block: string; offset: number }> } {
  const outgoing = new Map<string, string[]>();
  const incoming = new Map<string, number>();
  for (const e of graph.edges) {
    outgoing.set(e.source, [...(outgoing.get(e.source) ?? []), e.target]);
    incoming.set(e.target, (incoming.get(e.target) ?? 0) + 1);
  }
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const next = (n: GraphNode): GraphNode | undefined => {
    const out = outgoing.get(n.id);
    const m = out?.length === 1 ? byId.get(out[0]) : undefined;
    return n.kind === "step" && m?.kind === "step" && incoming.get(m.id) === 1 && m.width === n.width ? m : undefined;
  };
  const continued = new Set(graph.nodes.flatMap((n) => next(n)?.id ?? []));
  const blocks: Block[] = [];
  const blockOf = new Map<string, { block: string; offset: number }>();
  for (const head of graph.nodes) {
    if (continued.has(head.id)) continue;
    let offset = 0;
    for (let n: GraphNode | undefined = head; n; n = next(n)) {
      if (n !== head) offset += GAP;
      blockOf.set(n.id, { block: head.id, offset });
      offset += n.height;
    }
    blocks.push({ id: head.id, width: head.width, height: offset });
  }
  return { blocks, blockOf };
}

/** Joins ELK's positions and routes to the graph they were computed for. */
export function fromElk(graph: FlowGraph, laid: ElkNode): Layout {
  const { blockOf } = chainsOf(graph);
  const positions = new Map((laid.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
  const routes = new Map((laid.edges ?? []).map((e) => [e.id, e as ElkExtendedEdge]));
  const nodes = graph.nodes.map((n): LaidOutNode => {
    const { block, offset } = blockOf.get(n.id)!;
    const at = positions.get(block) ?? { x: 0, y: 0 };
    return { ...n, x: at.x, y: at.y + offset };
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const fanOut = new Map<string, number>();
  for (const e of graph.edges) fanOut.set(e.source, (fanOut.get(e.source) ?? 0) + 1);
  const edges = graph.edges.map((e): LaidOutEdge => {
    const section = routes.get(e.id)?.sections?.[0];
    const [s, t] = [byId.get(e.source)!, byId.get(e.target)!];
    const points = section
      ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(({ x, y }) => ({ x, y }))
      : // Within a run of cards: straight down, from one card's handle to the next.
        [{ x: s.x + s.width / 2, y: s.y + s.height }, { x: t.x + t.width / 2, y: t.y }];
    return { ...e, points, plus: plusPoint(points, fanOut.get(e.source) === 1) };
  });
  return { nodes, edges, width: laid.width ?? 0, height: laid.height ?? 0 };
}

/**
 * The "+" goes on the route's first vertical stretch, at most half a gap below the source, so it
 * reads as "after this step" even on a long edge. Edges that fan out from one source share that
 * stretch, so theirs go on the last stretch, just above each target.
 */
export function plusPoint(points: Point[], nearSource: boolean): Point {
  const [from, to] = nearSource ? [points[0], points[1]] : [points[points.length - 1], points[points.length - 2]];
  const step = Math.min(20, Math.abs(to.y - from.y) / 2);
  return { x: from.x, y: from.y + (nearSource ? step : -step) };
}

/** An SVG path along right-angled points, with its corners rounded. */
export function roundedPath(points: Point[], radius = 8): string {
  let path = `M ${points[0].x} ${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [a, b, c] = [points[i - 1], points[i], points[i + 1]];
    const r = Math.min(radius, distance(a, b) / 2, distance(b, c) / 2);
    const before = towards(b, a, r);
    const after = towards(b, c, r);
    path += ` L ${before.x} ${before.y} Q ${b.x} ${b.y} ${after.x} ${after.y}`;
  }
  const last = points[points.length - 1];
  return `${path} L ${last.x} ${last.y}`;
}

function distance(a: Point, b: Point): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

function towards(from: Point, to: Point, by: number): Point {
  const d = distance(from, to);
  return d === 0 ? from : { x: from.x + ((to.x - from.x) * by) / d, y: from.y + ((to.y - from.y) * by) / d };
}

/** Lays a graph out. */
export async function layoutGraph(elk: Elk, graph: FlowGraph): Promise<Layout> {
  return fromElk(graph, await elk.layout(elkInput(graph)));
}

/**
 * A string that changes exactly when the layout would: the nodes, their sizes and the edges. An
 * edit that changes no structure (a parameter, a setting, a connection) keeps the layout and only
 * refreshes what the cards show.
 */
export function structureKey(graph: FlowGraph): string {
  return `${graph.nodes.map((n) => `${n.id}/${n.width}x${n.height}`).join("|")}#${graph.edges.map((e) => e.id).join("|")}`;
}

/** The same layout with the new graph's node and edge data (same structure, see `structureKey`). */
export function relabel(layout: Layout, graph: FlowGraph): Layout {
  return {
    ...layout,
    nodes: graph.nodes.map((n, i) => ({ ...n, x: layout.nodes[i].x, y: layout.nodes[i].y })),
    edges: graph.edges.map((e, i) => ({ ...e, points: layout.edges[i].points, plus: layout.edges[i].plus })),
  };
}
