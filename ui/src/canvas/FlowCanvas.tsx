import { Background, Controls, type Edge, MiniMap, type Node, ReactFlow } from "@xyflow/react";
import { useMemo } from "react";
import type { FlowOutline } from "../bindings/FlowOutline";
import { CARD, LABEL, layoutFlow } from "./layout";
import { BranchLabel, StepCard } from "./StepCard";

const nodeTypes = { step: StepCard, branch: BranchLabel };

/** The canvas is derived from the outline; it holds no state of its own. */
export function FlowCanvas({ outline }: { outline: FlowOutline }) {
  const { nodes, edges } = useMemo(() => {
    const layout = layoutFlow(outline);
    const nodes: Node[] = layout.nodes.map((n) =>
      n.kind === "step"
        ? { id: n.id, type: "step", position: { x: n.x, y: n.y }, ...CARD, data: { step: n.step, isTrigger: n.isTrigger } }
        : { id: n.id, type: "branch", position: { x: n.x, y: n.y }, ...LABEL, data: { label: n.label, empty: n.empty } },
    );
    const edges: Edge[] = layout.edges.map((e) => ({ ...e, type: "smoothstep" }));
    return { nodes, edges };
  }, [outline]);

  return (
    <ReactFlow
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
    </ReactFlow>
  );
}
