import { Background, Controls, type Edge, MiniMap, type Node, ReactFlow, useReactFlow, useStore } from "@xyflow/react";
import { memo, useEffect, useMemo, useRef } from "react";
import type { FlowOutline } from "../bindings/FlowOutline";
import type { StepProblems } from "../problems";
import { type Layout } from "./elkLayout";
import { CARD } from "./flowGraph";
import { BranchLabel, BranchJoin, FlowEnd, StepCard, type StepNodeData, cardLabel } from "./StepCard";
import { FlowEdge, type FlowEdgeData } from "./FlowEdge";
import { useFlowLayout } from "./useFlowLayout";

const nodeTypes = { step: StepCard, branch: BranchLabel, join: BranchJoin, end: FlowEnd };
const edgeTypes = { flow: FlowEdge };
const NO_LAYOUT: Layout = { nodes: [], edges: [], width: 0, height: 0 };

/**
 * The canvas is derived from the outline; it holds no state of its own. Memoised: the app's other
 * state (the run bar, a run's progress) must not re-render 500 nodes and their minimap.
 */
export const FlowCanvas = memo(function FlowCanvas({
  outline,
  problems,
  collapsed,
  onToggle,
  onSelect,
  loops,
  passes,
  onShowPass,
  focus,
  mocked,
  documentId,
}: {
  outline: FlowOutline;
  problems: Map<string, StepProblems>;
  collapsed: ReadonlySet<string>;
  onToggle: (step: string) => void;
  onSelect: (step: string | null) => void;
  /** Loops of the run on the canvas, the pass each shows, and how to change it. */
  loops: Map<string, { count: number; failed: number[] }> | null;
  passes: ReadonlyMap<string, number>;
  onShowPass: (loop: string, index: number) => void;
  /** A step to bring into view, with a counter so the same step can be asked for twice. */
  focus: { step: string; request: number } | null;
  /** Steps that test runs answer with a mock. */
  mocked: ReadonlySet<string>;
  /** Which document is shown: a new one is fitted into view once laid out. */
  documentId: number;
}) {
  // Steps inside each container (all depths): containers get a collapse button.
  const hidden = useMemo(() => containerSizes(outline.steps), [outline]);
  const pagerFor = (name: string) => {
    const loop = loops?.get(name);
    if (!loop) return undefined;
    const index = passes.get(name) ?? loop.failed[0] ?? loop.count - 1;
    return { index, count: loop.count, failed: loop.failed, show: (i: number) => onShowPass(name, i) };
  };
  // The layout moves only with the outline or a collapse; run statuses never re-lay the canvas.
  const laid = useFlowLayout(outline, collapsed, String(documentId));
  const layout = laid.status === "ready" ? laid.layout : NO_LAYOUT;
  // An edge that did not change keeps its object too: after a move or an insert only the edges
  // around it are new, and React Flow redraws those alone.
  const previousEdges = useRef(new Map<string, Edge>());
  const edges = useMemo(() => {
    const kept = new Map<string, Edge>();
    const list = layout.edges.map((e): Edge => {
      const old = previousEdges.current.get(e.id);
      const data: FlowEdgeData = { insert: e.insert, parallel: e.parallel, points: e.points, plus: e.plus };
      const same = old !== undefined && JSON.stringify(old.data) === JSON.stringify(data);
      const edge: Edge = same ? old : { id: e.id, source: e.source, target: e.target, type: "flow", data };
      kept.set(e.id, edge);
      return edge;
    });
    previousEdges.current = kept;
    return list;
  }, [layout]);
  // A card whose data did not change keeps its node object, so React Flow re-renders only the
  // cards a streamed status touched (a 500-step run stays smooth).
  const previous = useRef(new Map<string, Node>());
  const previousList = useRef<Node[]>([]);
  const nodes = useMemo(() => {
    const kept = new Map<string, Node>();
    const list = layout.nodes.map((n): Node => {
      const old = previous.current.get(n.id);
      const node: Node =
        n.kind === "step"
          ? { id: n.id, type: "step", position: { x: n.x, y: n.y }, width: n.width, height: n.height, ariaLabel: cardLabel(n.step, n.isTrigger, problems.get(n.step.name)), data: {
                step: n.step,
                isTrigger: n.isTrigger,
                problems: problems.get(n.step.name),
                focused: focus?.step === n.step.name,
                collapsed: collapsed.has(n.step.name),
                hiddenSteps: hidden.get(n.step.name),
                onToggle: hidden.has(n.step.name) ? onToggle : undefined,
                pager: pagerFor(n.step.name),
                mocked: mocked.has(n.step.name),
              } satisfies StepNodeData,
            }
          : n.kind === "branch"
            ? { id: n.id, type: "branch", position: { x: n.x, y: n.y }, width: n.width, height: n.height, data: { label: n.label, empty: n.empty }, focusable: false }
            : // Not tab stops: the "+" above the end and around a join are where the work is.
              { id: n.id, type: n.kind, position: { x: n.x, y: n.y }, width: n.width, height: n.height, data: {}, selectable: false, focusable: false };
      const same =
        old !== undefined && old.position.x === node.position.x && old.position.y === node.position.y && old.ariaLabel === node.ariaLabel && sameData(old.data, node.data);
      kept.set(n.id, same ? old : node);
      return same ? old : node;
    });
    previous.current = kept;
    // Nothing changed (a run started or ended without touching a card): the same array, so React
    // Flow does not walk 500 nodes again.
    const before = previousList.current;
    if (list.length === before.length && list.every((node, i) => node === before[i])) return before;
    previousList.current = list;
    return list;
    // pagerFor reads loops, passes and onShowPass, listed here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout, problems, collapsed, onToggle, focus, hidden, loops, passes, onShowPass, mocked]);

  if (laid.status === "failed") return <p className="canvas-message" role="alert">The flow could not be laid out: {laid.message}</p>;
  // Nothing is drawn before the first layout, so the view fits the flow it shows.
  if (laid.status === "pending") return <p className="canvas-message" aria-busy="true">Laying out the flow…</p>;
  return (
    <ReactFlow
      // Keyed so a newly shown flow fits the view again.
      key={documentId}
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      nodesDraggable={false}
      onNodeClick={(_, node) => onSelect(node.id.startsWith("step:") ? node.id.slice(5) : null)}
      // Enter or Space on a focused card selects it, as a click does. Deselections are left out:
      // they come with every selection of another card, in no set order.
      onNodesChange={(changes) => {
        for (const change of changes) {
          if (change.type === "select" && change.selected && change.id.startsWith("step:")) onSelect(change.id.slice(5));
        }
      }}
      // Edges are not tab stops: their "+" and branch buttons are.
      edgesFocusable={false}
      onPaneClick={() => onSelect(null)}
      nodesConnectable={false}
      panOnScroll
      onlyRenderVisibleElements
      fitView
      fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
      minZoom={0.1}
      proOptions={{ hideAttribution: true }}
    >
      <Background gap={24} />
      <Controls showInteractive={false} />
      <MiniMap pannable zoomable nodeColor="#cbd5e1" maskColor="rgb(243 244 246 / 0.7)" />
      <FocusStep focus={focus} nodes={nodes} />
    </ReactFlow>
  );
});

/** Shallow equality of card data; a pager is the same when it shows the same pass of the same passes. */
function sameData(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(b);
  if (keys.length !== Object.keys(a).length) return false;
  return keys.every((k) => {
    if (k !== "pager") return a[k] === b[k];
    const [p, q] = [a[k] as StepNodeData["pager"], b[k] as StepNodeData["pager"]];
    return p === q || (p !== undefined && q !== undefined && p.index === q.index && p.count === q.count && p.failed === q.failed);
  });
}

function containerSizes(steps: FlowOutline["steps"], into = new Map<string, number>()): Map<string, number> {
  for (const step of steps) {
    if (step.branches.length === 0) continue;
    const inner = step.branches.flatMap((b) => b.steps);
    const count = (list: FlowOutline["steps"]): number => list.reduce((n, s) => n + 1 + count(s.branches.flatMap((b) => b.steps)), 0);
    into.set(step.name, count(inner));
    containerSizes(inner, into);
  }
  return into;
}

function FocusStep({ focus, nodes }: { focus: { step: string; request: number } | null; nodes: Node[] }) {
  const { setCenter } = useReactFlow();
  // A newly shown flow is first fitted into view; a step asked for meanwhile is shown after that.
  const fitting = useStore((s) => s.fitViewQueued);
  // Each request is honoured once, as soon as its step is laid out: a step just added appears
  // only when the new layout arrives from the worker.
  const honoured = useRef<number | null>(null);
  useEffect(() => {
    if (fitting || !focus || honoured.current === focus.request) return;
    const node = nodes.find((n) => n.id === `step:${focus.step}`);
    if (!node) return;
    honoured.current = focus.request;
    void setCenter(node.position.x + CARD.width / 2, node.position.y + CARD.height / 2, { zoom: 1, duration: 300 });
  }, [fitting, focus, nodes, setCenter]);
  return null;
}
