import { Handle, type NodeProps, Position } from "@xyflow/react";
import type { StepKind } from "../bindings/StepKind";
import type { StepOutline } from "../bindings/StepOutline";
import type { StepProblems } from "../problems";
import { formatDuration } from "../runs";
import { useLiveStatus } from "./liveStatus";
import { runsAsLabel } from "./runsAs";
import { MOVE_MIME } from "./FlowEdge";

export const KIND_LABEL: Record<StepKind, string> = {
  trigger: "Trigger",
  dataverse: "Dataverse",
  connector: "Connector",
  condition: "Condition",
  switch: "Switch",
  foreach: "Apply to each",
  until: "Do until",
  scope: "Scope",
  terminate: "Terminate",
  variable: "Variable",
  data: "Data operation",
  http: "HTTP",
  childFlow: "Child flow",
  other: "Action",
};

export type StepNodeData = {
  step: StepOutline;
  isTrigger: boolean;
  problems?: StepProblems;
  focused?: boolean;
  /** Containers only: whether their branches are hidden, and how to toggle that. */
  collapsed?: boolean;
  hiddenSteps?: number;
  onToggle?: (step: string) => void;
  /** Loops after a run: which pass shows on the cards inside, and the way to another. */
  pager?: { index: number; count: number; failed: number[]; show: (index: number) => void };
  /** Test runs answer this step with a mock instead of calling out. */
  mocked?: boolean;
};

/** What a screen reader says for a card: kind, name, who it runs as, and its problems. */
export function cardLabel(step: StepOutline, isTrigger: boolean, problems: StepProblems | undefined): string {
  const parts = [`${KIND_LABEL[step.kind]}${isTrigger ? "" : " step"}: ${displayName(step.name)}`];
  if (step.runsAs) parts.push(runsAsLabel(step.runsAs).text);
  if (problems?.errors) parts.push(`${problems.errors} error${problems.errors > 1 ? "s" : ""}`);
  else if (problems?.warnings) parts.push(`${problems.warnings} warning${problems.warnings > 1 ? "s" : ""}`);
  return parts.join(", ");
}

/** Power Automate shows action names with underscores for spaces. */
export function displayName(name: string): string {
  return name.replace(/_/g, " ");
}

export function StepCard({ data }: NodeProps & { data: StepNodeData }) {
  const { step, isTrigger, problems, focused, collapsed, hiddenSteps, onToggle, pager, mocked } = data;
  const identity = step.runsAs ? runsAsLabel(step.runsAs) : null;
  const detail = [step.operationId, step.table].filter(Boolean).join(" · ");
  return (
    <div
      className={`step-card kind-${step.kind}${problems?.errors ? " has-errors" : problems?.warnings ? " has-warnings" : ""}${focused ? " is-focused" : ""}${isTrigger ? "" : " nopan"}`}
      data-testid="step-card"
      data-step={step.name}
      // A step (not the trigger) is moved by dragging it onto a "+" (Alt+↑/↓ moves it by keyboard).
      draggable={!isTrigger}
      aria-roledescription={isTrigger ? "trigger" : "step, draggable"}
      onDragStart={
        isTrigger
          ? undefined
          : (e) => {
              e.dataTransfer.setData(MOVE_MIME, step.name);
              e.dataTransfer.effectAllowed = "move";
            }
      }
    >
      {!isTrigger && <Handle type="target" position={Position.Top} isConnectable={false} />}
      <div className="step-card__kind">
        {onToggle && (
          <button
            type="button"
            className="step-card__toggle nodrag"
            data-testid="toggle-container"
            aria-label={collapsed ? "Expand" : "Collapse"}
            onClick={(e) => {
              e.stopPropagation();
              onToggle(step.name);
            }}
          >
            {collapsed ? "▸" : "▾"}
          </button>
        )}
        {KIND_LABEL[step.kind]}
        {collapsed && hiddenSteps ? <span className="step-card__hidden"> · {hiddenSteps} steps hidden</span> : null}
        {mocked && (
          <span className="step-card__mocked" data-testid="mocked" title="Test runs answer this step with its mock">
            mocked
          </span>
        )}
        {problems && (problems.errors > 0 || problems.warnings > 0) && (
          <span
            className={`step-card__problems${problems.errors ? " is-error" : ""}`}
            data-testid="step-problems"
            title={problems.messages.join("\n")}
          >
            {problems.errors > 0 ? `${problems.errors} error${problems.errors > 1 ? "s" : ""}` : `${problems.warnings} warning${problems.warnings > 1 ? "s" : ""}`}
          </span>
        )}
      </div>
      <div className="step-card__name" title={step.name}>
        {displayName(step.name)}
      </div>
      {detail && <div className="step-card__detail">{detail}</div>}
      {identity && (
        <div
          className={`step-card__identity${identity.problem ? " is-problem" : ""}`}
          data-testid="runs-as"
          title={identity.title}
        >
          {identity.text}
        </div>
      )}
      <RunStatus step={step.name} />
      {pager && <Pager {...pager} />}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

/**
 * What the run shows of this step, live or finished (see liveStatus.ts). Its own component, so a
 * streamed status re-renders these few lines and not the card.
 */
/**
 * What the step did in the run on the canvas, on one line at the card's foot: status, who it ran
 * as, the error (cut short; whole in the tooltip and the panel) and the time it took. One line,
 * so a card keeps its laid-out height while a run streams in.
 */
function RunStatus({ step }: { step: string }) {
  const run = useLiveStatus(step);
  if (!run) return null;
  return (
    <div className={`step-card__run is-${run.status.toLowerCase()}`} title={run.error ?? undefined}>
      <span className="step-card__run-status" data-testid="run-status">
        {run.status === "Running" ? "Running…" : run.status}
        {run.user ? ` · ran as ${run.user}` : ""}
        {run.error && run.status === "Failed" && <span className="step-card__run-error"> · {run.error}</span>}
      </span>
      {run.durationMs !== null && (
        <span className="step-card__duration" data-testid="run-duration">
          {formatDuration(run.durationMs)}
        </span>
      )}
    </div>
  );
}

function Pager({ index, count, failed, show }: NonNullable<StepNodeData["pager"]>) {
  const nextFailed = failed.find((f) => f > index) ?? failed[0];
  return (
    <div className="step-card__pager nodrag" data-testid="pager">
      <button type="button" aria-label="Previous pass" disabled={index <= 0} onClick={() => show(index - 1)}>
        ◀
      </button>
      <span data-testid="pager-position">
        pass {index + 1} of {count}
      </span>
      <button type="button" aria-label="Next pass" disabled={index >= count - 1} onClick={() => show(index + 1)}>
        ▶
      </button>
      {nextFailed !== undefined && (
        <button type="button" data-testid="next-failed" onClick={() => show(nextFailed)}>
          next failed
        </button>
      )}
    </div>
  );
}

export type BranchNodeData = { label: string; empty: boolean };

export function BranchLabel({ data }: NodeProps & { data: BranchNodeData }) {
  return (
    <div className={`branch-label${data.empty ? " is-empty" : ""}`} data-testid="branch-label">
      <Handle type="target" position={Position.Top} isConnectable={false} />
      {data.label}
      {data.empty && <span className="branch-label__empty"> · empty</span>}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

/** Where a container's branches meet again, before the flow goes on. */
export function BranchJoin() {
  return (
    <div className="branch-join" aria-hidden="true">
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

/** The end of the flow: a step dropped on the "+" above it goes last. */
export function FlowEnd() {
  return (
    <div className="flow-end" data-testid="flow-end">
      <Handle type="target" position={Position.Top} isConnectable={false} />
      End
    </div>
  );
}
