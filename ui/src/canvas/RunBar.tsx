import { type ReactNode, useState } from "react";
import type { EnvironmentInfo } from "../bindings/EnvironmentInfo";
import type { RunRecord } from "../bindings/RunRecord";
import type { TriggerInput } from "../bindings/TriggerInput";
import type { Backend } from "../backend/Backend";
import { TriggerForm } from "./TriggerForm";

/** The run-as choice that asks for any user of the environment, reached by impersonation. */
const ANOTHER_USER = "\u0000another";

/**
 * Run the flow as a sandbox persona or a signed-in account (or, in a real environment, any user
 * through the owner's impersonation), with the trigger's input; shows the run's outcome.
 */
export function RunBar({
  backend,
  triggerInput,
  environment,
  running,
  record,
  onRun,
  onCancel,
  children,
}: {
  backend: Backend;
  /** What the trigger needs, when the form can ask for it. */
  triggerInput: TriggerInput | null;
  environment: EnvironmentInfo;
  running: boolean;
  record: RunRecord | null;
  onRun: (persona: string, triggerBody: unknown, impersonate: boolean) => void;
  /** Stops the run in progress. */
  onCancel: () => void;
  /** History and comparison controls. */
  children?: ReactNode;
}) {
  const [choice, setChoice] = useState(environment.personas[0]?.name ?? "");
  const [otherUser, setOtherUser] = useState("");
  const persona = choice === ANOTHER_USER ? otherUser.trim() : choice;
  const [body, setBody] = useState("{}");
  const [bodyError, setBodyError] = useState<string | null>(null);
  if (!environment.url) return null;
  const failed = record ? countFailed(record) : 0;
  return (
    <div className="runbar" data-testid="runbar">
      <label>
        {triggerInput?.kind === "dataverseRow" ? "Run as (modifying user)" : "Run as"}{" "}
        <select data-testid="run-persona" value={choice} onChange={(e) => setChoice(e.target.value)}>
          {environment.personas.map((p) => (
            <option key={p.name} value={p.name} title={p.description ?? undefined}>
              {p.name} — {p.fullName}
            </option>
          ))}
          {!environment.embedded && <option value={ANOTHER_USER}>Another user (impersonated)…</option>}
        </select>
      </label>
      {choice === ANOTHER_USER && (
        <input
          data-testid="run-impersonate"
          placeholder="user@contoso.com"
          title="Runs as this user through the connection owner's token (CallerObjectId); the owner needs prvActOnBehalfOfAnotherUser"
          value={otherUser}
          onChange={(e) => setOtherUser(e.target.value)}
        />
      )}
      {triggerInput && (
        <TriggerForm
          backend={backend}
          input={triggerInput}
          environment={environment.name}
          onBody={(value) => {
            setBody(JSON.stringify(value));
            setBodyError(null);
          }}
        />
      )}
      <label className="runbar__body">
        Trigger body{" "}
        <input data-testid="run-trigger-body" value={body} onChange={(e) => setBody(e.target.value)} spellCheck={false} />
      </label>
      <button
        type="button"
        className="toolbar__button"
        data-testid="run"
        disabled={running || !persona}
        onClick={() => {
          try {
            const parsed: unknown = JSON.parse(body);
            setBodyError(null);
            onRun(persona, parsed, choice === ANOTHER_USER);
          } catch (e) {
            setBodyError(`The trigger body is not JSON: ${String(e)}`);
          }
        }}
      >
        {running ? "Running…" : "Run"}
      </button>
      {running && (
        <button type="button" className="toolbar__button" data-testid="run-cancel" onClick={onCancel}>
          Cancel
        </button>
      )}
      {bodyError && <span className="runbar__error">{bodyError}</span>}
      {children}
      {record && (
        <span className={`runbar__outcome is-${record.status.toLowerCase()}`} data-testid="run-outcome">
          Run {record.status}
          {failed > 0 ? ` · ${failed} failed` : ""}
          {record.error && record.status !== "Cancelled" ? ` · ${record.error.code}` : ""}
        </span>
      )}
    </div>
  );
}

function countFailed(record: RunRecord): number {
  let n = 0;
  const visit = (steps: RunRecord["steps"]) => {
    for (const s of steps) {
      if (s.status === "Failed" && s.steps.length === 0 && s.iterations.length === 0) n += 1;
      visit(s.steps);
      for (const i of s.iterations) visit(i.steps);
    }
  };
  visit(record.steps);
  return n;
}
