import { BaseEdge, EdgeLabelRenderer, type EdgeProps } from "@xyflow/react";
import { createContext, type ReactNode, useContext, useMemo, useState } from "react";
import type { Position } from "../bindings/Position";
import type { StepTemplate } from "../bindings/StepTemplate";
import { type Point, roundedPath } from "./elkLayout";
import { STEP_MIME } from "./Palette";

/** The drag type of a card being moved: its step name. */
export const MOVE_MIME = "application/x-flowbench-move";

/** What a "+" on an edge does: picked (the palette then adds there), a new step or a moved card dropped on it. */
export interface Insertion {
  pick: (at: Position) => void;
  drop: (at: Position, template: StepTemplate) => void;
  move: (at: Position, step: string) => void;
  picked: Position | null;
}

export const InsertionContext = createContext<Insertion | null>(null);

export interface FlowEdgeData extends Record<string, unknown> {
  /** Where a step added on the edge goes; absent on edges that take none. */
  insert?: Position;
  /** Where a parallel branch added on the edge starts. */
  parallel?: Position;
  /** The laid-out route and the place of its buttons. */
  points: Point[];
  plus: Point;
}

/**
 * An edge along its laid-out route. Edges that take steps carry a "+" (add or drop a step there)
 * and, into a step, a branch button (start a parallel branch beside that step).
 */
export function FlowEdge({ id, target, data, markerEnd, style }: EdgeProps & { data?: FlowEdgeData }) {
  const insertion = useContext(InsertionContext);
  // The same elements while the edge and the picked place stay the same: when a run's status
  // re-renders the cards an edge joins, React skips its buttons.
  const buttons = useMemo(() => {
    if (!data || !insertion || !(data.insert || data.parallel)) return null;
    const { x, y } = data.plus;
    return (
      <EdgeLabelRenderer>
        {data.insert && (
          <PlaceButton edge={id} at={data.insert} x={x} y={y} insertion={insertion} className="edge-add" label={placeLabel(data.insert)}>
            +
          </PlaceButton>
        )}
        {data.parallel && (
          <PlaceButton edge={id} at={data.parallel} x={x + 24} y={y} insertion={insertion} className="edge-parallel" label={parallelLabel(data.parallel, target)}>
            <BranchIcon />
          </PlaceButton>
        )}
      </EdgeLabelRenderer>
    );
  }, [data, insertion, id, target]);
  const path = useMemo(() => (data ? roundedPath(data.points) : ""), [data]);
  if (!data) return null;
  return (
    <>
      <BaseEdge path={path} markerEnd={markerEnd} style={style} />
      {buttons}
    </>
  );
}

/** Two paths forking from one: the parallel-branch glyph (fonts rarely carry ⑂). */
function BranchIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
      <path d="M6 1 V5 M6 5 L2 10 M6 5 L10 10" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}

/** A place on an edge: click it to have the palette add there, or drop a palette step or a card on it. */
function PlaceButton({
  edge,
  at,
  x,
  y,
  insertion,
  className,
  label,
  children,
}: {
  edge: string;
  at: Position;
  x: number;
  y: number;
  insertion: Insertion;
  className: string;
  label: string;
  children: ReactNode;
}) {
  const [over, setOver] = useState(false);
  const picked = insertion.picked !== null && JSON.stringify(insertion.picked) === JSON.stringify(at);
  return (
    <button
      type="button"
      className={`${className}${over ? " is-over" : ""}${picked ? " is-picked" : ""}`}
      data-testid={className}
      data-edge={edge}
      title={`${label} (or drop a step or a card here)`}
      aria-label={label}
      aria-pressed={picked}
      style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
      onClick={() => insertion.pick(at)}
      onDragOver={(e) => {
        const moving = e.dataTransfer.types.includes(MOVE_MIME);
        if (!moving && !e.dataTransfer.types.includes(STEP_MIME)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = moving ? "move" : "copy";
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const moved = e.dataTransfer.getData(MOVE_MIME);
        if (moved) return insertion.move(at, moved);
        const template = e.dataTransfer.getData(STEP_MIME) as StepTemplate;
        if (template) insertion.drop(at, template);
      }}
    >
      {children}
    </button>
  );
}

/** The accessible name of a parallel-branch button: which step the new branch runs beside. */
export function parallelLabel(at: Position, target: string): string {
  const beside = target.replace(/^step:/, "").replace(/_/g, " ");
  const after = at.after ? `, after ${at.after.replace(/_/g, " ")}` : "";
  return `Add a parallel branch beside ${beside}${after}`;
}

/** The accessible name of a "+": where a step added or moved there goes. */
export function placeLabel(at: Position): string {
  const words = (name: string) => name.replace(/_/g, " ");
  const where = at.parent ? ` in ${at.parent.container.replace(/_/g, " ")}` : "";
  if (at.after && at.before) return `Add a step between ${words(at.after)} and ${words(at.before)}${where}`;
  if (at.before) return `Add a step before ${words(at.before)}${where}`;
  if (at.after) return `Add a step after ${words(at.after)}${where}`;
  return at.parent ? `Add the first step${where}` : "Add the first step of the flow";
}
