import { useEffect, useState } from "react";
import type { Backend } from "../backend/Backend";
import { toBackendError } from "../backend/Backend";
import type { ConnectionOption } from "../bindings/ConnectionOption";
import type { FlowDocument } from "../bindings/FlowDocument";
import type { FlowEdit } from "../bindings/FlowEdit";
import type { StepOutline } from "../bindings/StepOutline";
import type { StepRecord } from "../bindings/StepRecord";
import { describeError } from "../errors";
import { explainDataverseError } from "../dataverseErrors";
import type { StepMock } from "../bindings/StepMock";
import type { EditDone } from "../edits";
import { MockEditor } from "./MockEditor";
import { ActionProperties } from "./ActionProperties";
import { DataverseProperties } from "./DataverseProperties";
import { StepSettingsForm } from "./StepSettingsForm";
import { runsAsLabel } from "./runsAs";

/** The selected step: its name (rename), who it runs as (the connection picker), delete. */
export function StepPanel({
  backend,
  flow,
  step,
  runEdit,
  onEdited,
  onClose,
  onWhoCanRun,
  onRerunFrom,
  record,
  mock,
}: {
  backend: Backend;
  flow: FlowDocument;
  step: StepOutline;
  /** Runs an edit after any still on the way, on the newest document. */
  runEdit: (edit: FlowEdit) => Promise<EditDone>;
  onEdited: (flow: FlowDocument, selected: string | null, before: FlowDocument) => void;
  onClose: () => void;
  onWhoCanRun: () => void;
  /** Present when a run is on the canvas and this step is at the top level. */
  onRerunFrom?: () => void;
  /** What this step did in the run on the canvas. */
  record: StepRecord | null;
  /** The step's mock for test runs, and how to change it; absent for steps that cannot be mocked. */
  mock?: { current: StepMock | undefined; set: (mock: StepMock | null) => void };
}) {
  const [name, setName] = useState(step.name);
  const [options, setOptions] = useState<ConnectionOption[]>([]);
  const [error, setError] = useState<string | null>(null);
  const explained = record?.error ? explainDataverseError(record.error.code, record.error.message, record.identity?.user ?? null) : null;

  useEffect(() => {
    setName(step.name);
    setError(null);
    let cancelled = false;
    if (step.kind !== "dataverse") {
      setOptions([]);
      return;
    }
    backend
      .call("connection_options", { flowJson: flow.source, action: step.name, openedFrom: flow.path ?? undefined })
      .then((o) => !cancelled && setOptions(o))
      .catch((e: unknown) => !cancelled && setError(toBackendError(e).message));
    return () => {
      cancelled = true;
    };
  }, [backend, flow.source, flow.path, step.name, step.kind]);

  const edit = async (change: FlowEdit, selectedAfter: string | null) => {
    try {
      const { before, after } = await runEdit(change);
      setError(null);
      onEdited(after, selectedAfter, before);
    } catch (e) {
      const err = toBackendError(e);
      setError(`${describeError(err).headline} ${err.message}`);
    }
  };

  const identity = step.runsAs ? runsAsLabel(step.runsAs) : null;
  return (
    <aside className="step-panel" data-testid="step-panel" aria-label="Step properties">
      <header>
        <strong>{step.actionType}</strong>
        <button type="button" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const to = name.trim().replace(/ /g, "_");
          if (to && to !== step.name) void edit({ kind: "rename", from: step.name, to }, to);
        }}
      >
        <label>
          Name
          <input data-testid="rename-input" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" className="toolbar__button" data-testid="rename">
          Rename
        </button>
      </form>
      {identity && (
        <p className="step-panel__identity" data-testid="panel-runs-as">
          {identity.text}
        </p>
      )}
      {options.length > 0 && (
        <fieldset className="step-panel__connection" data-testid="connection-picker">
          <legend>Connection</legend>
          {options.map((o) => (
            <label key={o.label} className={o.disabledReason ? "is-disabled" : ""} title={o.disabledReason ?? undefined}>
              <input
                type="radio"
                name="connection"
                checked={o.selected}
                disabled={!!o.disabledReason}
                onChange={() => void edit({ kind: "setConnectionChoice", action: step.name, choice: o.choice }, step.name)}
              />
              {o.label}
              {o.disabledReason && <small data-testid="disabled-reason">{o.disabledReason}</small>}
            </label>
          ))}
          <button type="button" className="toolbar__button" data-testid="who-can-run-button" onClick={onWhoCanRun}>
            Who can run this?
          </button>
        </fieldset>
      )}
      {record && (
        <section className="step-panel__run" data-testid="step-run">
          <h4>
            {record.status}
            {record.identity ? ` · ran as ${record.identity.user} (${describeSource(record.identity.source)})` : ""}
          </h4>
          {record.error && (
            <>
              {explained && (
                <p className="step-panel__explained" data-testid="step-run-explained">
                  {explained}
                </p>
              )}
              <p className="step-panel__error" data-testid="step-run-error">
                <strong>{record.error.code}</strong> {record.error.message}
              </p>
            </>
          )}
          {record.inputs != null && (
            <details open>
              <summary>Inputs</summary>
              <pre data-testid="step-run-inputs">{JSON.stringify(record.inputs, null, 2)}</pre>
            </details>
          )}
          {record.outputs != null && (
            <details>
              <summary>Outputs</summary>
              <pre data-testid="step-run-outputs">{JSON.stringify(record.outputs, null, 2)}</pre>
            </details>
          )}
        </section>
      )}
      {step.kind === "dataverse" && (
        <DataverseProperties backend={backend} flowJson={flow.source} action={step.name} edit={(change) => void edit(change, step.name)} />
      )}
      <ActionProperties backend={backend} flowJson={flow.source} action={step.name} actionType={step.actionType} edit={(change) => void edit(change, step.name)} />
      <StepSettingsForm key={`settings:${step.name}`} backend={backend} flowJson={flow.source} step={step.name} edit={(change) => void edit(change, step.name)} />
      {mock && <MockEditor key={step.name} mock={mock.current} onChange={mock.set} />}
      {onRerunFrom && (
        <button type="button" className="toolbar__button" data-testid="rerun-from" onClick={onRerunFrom} title="Reuse the earlier run's outputs for the steps before this one">
          Re-run from here
        </button>
      )}
      {step.kind !== "trigger" && (
        <button type="button" className="toolbar__button step-panel__delete" data-testid="delete-step" onClick={() => void edit({ kind: "delete", action: step.name }, null)}>
          Delete step
        </button>
      )}
      {error && (
        <p className="step-panel__error" role="alert" data-testid="panel-error">
          {error}
        </p>
      )}
    </aside>
  );
}

function describeSource(source: NonNullable<StepRecord["identity"]>["source"]): string {
  switch (source.kind) {
    case "connectionReference":
      return `owner of ${source.logicalName}`;
    case "runOnlyUser":
      return "invoker's connection";
    case "impersonation":
      return `impersonated through ${source.logicalName}`;
    case "mock":
      return "reused or mocked";
  }
}
