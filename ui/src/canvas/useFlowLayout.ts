import { useEffect, useMemo, useRef, useState } from "react";
import type { FlowOutline } from "../bindings/FlowOutline";
import { type Layout, layoutGraph, relabel, structureKey } from "./elkLayout";
import { flowGraph } from "./flowGraph";
import { layoutEngine } from "./layoutEngine";

export type LayoutState =
  | { status: "ready"; layout: Layout }
  | { status: "pending" }
  | { status: "failed"; message: string };

/**
 * The canvas's layout, computed off the main thread. While a new structure is being laid out the
 * last layout of the same document stays on screen; an edit that changes no structure reuses it
 * at once. A newer request always wins over an older one that finishes late.
 */
export function useFlowLayout(outline: FlowOutline, collapsed: ReadonlySet<string>, documentId: string): LayoutState {
  const graph = useMemo(() => flowGraph(outline, collapsed), [outline, collapsed]);
  const key = useMemo(() => structureKey(graph), [graph]);
  const [laid, setLaid] = useState<{ key: string; documentId: string; layout: Layout } | { failed: string } | null>(null);
  const latest = useRef(0);
  const current = laid !== null && "key" in laid ? laid : null;
  const upToDate = current?.key === key && current.documentId === documentId;
  useEffect(() => {
    if (upToDate) return;
    const request = ++latest.current;
    layoutGraph(layoutEngine(), graph).then(
      (layout) => request === latest.current && setLaid({ key, documentId, layout }),
      (error: unknown) => request === latest.current && setLaid({ failed: error instanceof Error ? error.message : String(error) }),
    );
  }, [graph, key, documentId, upToDate]);
  return useMemo((): LayoutState => {
    if (laid !== null && "failed" in laid) return { status: "failed", message: laid.failed };
    if (!current || current.documentId !== documentId) return { status: "pending" };
    return { status: "ready", layout: current.key === key ? relabel(current.layout, graph) : current.layout };
  }, [laid, current, documentId, key, graph]);
}
