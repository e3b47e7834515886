import { Background, Controls, type Edge, MiniMap, type Node, ReactFlow, useReactFlow } from "@xyflow/react";
import { useEffect, useMemo } from "react";
import type { FlowOutline } from "../bindings/FlowOutline";
import type { StepProblems } from "../problems";
import type { StepRunResult } from "../runs";
import { CARD, LABEL, layoutFlow } from "./layout";
import { BranchLabel, StepCard } from "./StepCard";

const nodeTypes = { step: StepCard, branch: BranchLabel };

/** The canvas is derived from the outline; it holds no state of its own. */
export function FlowCanvas({
  outline,
  problems,
  runResults,
  focus,
}: {
  outline: FlowOutline;
  problems: Map<string, StepProblems>;
  runResults: Map<string, StepRunResult> | null;
  /** A step to bring into view, with a counter so the same step can be asked for twice. */
  focus: { step: string; request: number } | null;
}) {
  const { nodes, edges } = useMemo(() => {
    const layout = layoutFlow(outline);
    const nodes: Node[] = layout.nodes.map((n) =>
      n.kind === "step"
        ? { id: n.id, type: "step", position: { x: n.x, y: n.y }, ...CARD, data: { step: n.step, isTrigger: n.isTrigger, problems: problems.get(n.step.name), run: runResults?.get(n.step.name) } }
        : { id: n.id, type: "branch", position: { x: n.x, y: n.y }, ...LABEL, data: { label: n.label, empty: n.empty } },
    );
    const edges: Edge[] = layout.edges.map((e) => ({ ...e, type: "smoothstep" }));
    return { nodes, edges };
  }, [outline, problems, runResults]);

  return (
    <ReactFlow
      // Keyed so a newly opened flow fits the view again.
      key={outline.trigger?.name ?? "flow"}
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      nodesDraggable={false}
      nodesConnectable={false}
      panOnScroll
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
}

function FocusStep({ focus, nodes }: { focus: { step: string; request: number } | null; nodes: Node[] }) {
  const { setCenter } = useReactFlow();
  useEffect(() => {
    if (!focus) return;
    const node = nodes.find((n) => n.id === `step:${focus.step}`);
    if (node) void setCenter(node.position.x + CARD.width / 2, node.position.y + CARD.height / 2, { zoom: 1, duration: 300 });
  }, [focus, nodes, setCenter]);
  return null;
}
