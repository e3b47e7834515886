import { useEffect, useState } from "react";
import type { Backend } from "../backend/Backend";
import type { FlowEdit } from "../bindings/FlowEdit";
import type { StepParameters } from "../bindings/StepParameters";
import type { TableDefinition } from "../bindings/TableDefinition";

/** Operations whose `item/<column>` parameters are the row's columns. */
const ROW_WRITES = new Set(["CreateRecord", "UpdateRecord", "UpdateOnlyRecord"]);

/**
 * A Dataverse step's table and columns, picked from the environment's own tables. Values are
 * written on Enter or when the field loses focus, each change one edit of the flow.
 */
export function DataverseProperties({
  backend,
  flowJson,
  action,
  edit,
}: {
  backend: Backend;
  flowJson: string;
  action: string;
  edit: (change: FlowEdit) => void;
}) {
  const [tables, setTables] = useState<TableDefinition[] | null>(null);
  const [step, setStep] = useState<StepParameters | null>(null);
  useEffect(() => {
    backend.call("environment_tables", { refresh: false }).then((t) => setTables(t.tables), () => setTables([]));
  }, [backend]);
  useEffect(() => {
    backend.call("step_parameters", { flowJson, action }).then(setStep, () => setStep(null));
  }, [backend, flowJson, action]);
  if (!step) return null;
  const set = (parameter: string, value: unknown) => edit({ kind: "setParameter", action, parameter, value });
  const entitySet = typeof step.parameters.entityName === "string" ? step.parameters.entityName : "";
  const table = tables?.find((t) => t.entitySetName === entitySet);
  const items = Object.keys(step.parameters).filter((k) => k.startsWith("item/"));
  const unused = table?.columns.filter((c) => !items.includes(`item/${c.logicalName}`)) ?? [];
  return (
    <fieldset className="step-panel__properties" data-testid="dataverse-properties">
      <legend>Table and columns</legend>
      <label>
        Table{" "}
        <select data-testid="param-table" value={entitySet} onChange={(e) => set("entityName", e.target.value)}>
          {!table && <option value={entitySet}>{entitySet || "Choose a table"}</option>}
          {tables?.map((t) => (
            <option key={t.entitySetName} value={t.entitySetName}>
              {t.logicalName} ({t.entitySetName})
            </option>
          ))}
        </select>
      </label>
      {step.operationId && ROW_WRITES.has(step.operationId) && (
        <>
          {items.map((key) => (
            <ColumnValue
              key={`${key}=${String(step.parameters[key])}`}
              column={key.slice(5)}
              value={step.parameters[key]}
              onCommit={(v) => set(key, v)}
              onRemove={() => set(key, null)}
            />
          ))}
          {unused.length > 0 && (
            <label>
              Add a column{" "}
              <select data-testid="param-add-column" value="" onChange={(e) => e.target.value && set(`item/${e.target.value}`, "")}>
                <option value="" />
                {unused.map((c) => (
                  <option key={c.logicalName} value={c.logicalName}>
                    {c.logicalName} · {c.attributeType}
                  </option>
                ))}
              </select>
            </label>
          )}
        </>
      )}
    </fieldset>
  );
}

function ColumnValue({ column, value, onCommit, onRemove }: { column: string; value: unknown; onCommit: (v: string) => void; onRemove: () => void }) {
  const initial = typeof value === "string" ? value : JSON.stringify(value);
  const [text, setText] = useState(initial);
  const commit = () => text !== initial && onCommit(text);
  return (
    <label className="step-panel__column">
      {column}{" "}
      <input
        data-testid={`param-item-${column}`}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === "Enter" && commit()}
        spellCheck={false}
      />
      <button type="button" aria-label={`Remove ${column}`} data-testid={`param-remove-${column}`} onClick={onRemove}>
        ×
      </button>
    </label>
  );
}
