import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getSmoothStepPath } from "@xyflow/react";
import { createContext, useContext, useState } from "react";
import type { Position } from "../bindings/Position";
import type { StepTemplate } from "../bindings/StepTemplate";
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

/** An edge between two steps with a "+" in its middle: the place a new step goes. */
export function InsertableEdge(props: EdgeProps & { data?: { insert?: Position } }) {
  const [path, x, y] = getSmoothStepPath(props);
  const insertion = useContext(InsertionContext);
  const [over, setOver] = useState(false);
  const at = props.data?.insert;
  const picked = at !== undefined && insertion?.picked !== null && JSON.stringify(insertion?.picked) === JSON.stringify(at);
  return (
    <>
      <BaseEdge path={path} markerEnd={props.markerEnd} style={props.style} />
      {at && insertion && (
        <EdgeLabelRenderer>
          <button
            type="button"
            className={`edge-add${over ? " is-over" : ""}${picked ? " is-picked" : ""}`}
            data-testid="edge-add"
            data-edge={props.id}
            title="Add a step here (or drop a step or a card)"
            aria-label={placeLabel(at)}
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
            +
          </button>
        </EdgeLabelRenderer>
      )}
    </>
  );
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
