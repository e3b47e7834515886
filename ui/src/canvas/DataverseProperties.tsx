import { useCallback, useEffect, useState } from "react";
import type { Backend } from "../backend/Backend";
import { ExpressionEditor } from "../expression/ExpressionEditor";
import type { FlowEdit } from "../bindings/FlowEdit";
import type { StepParameters } from "../bindings/StepParameters";
import type { TableDefinition } from "../bindings/TableDefinition";
import { ChoicePicker, LookupPicker } from "./ColumnValuePickers";
import type { ColumnChoices } from "../bindings/ColumnChoices";
import { addableColumns, columnOfItem, isChoice, itemLabel, needsChoiceLabels, withChoiceLabels } from "./columnPickers";

/** Operations whose `item/<column>` parameters are the row's columns. */
const ROW_WRITES = new Set(["CreateRecord", "UpdateRecord", "UpdateOnlyRecord"]);
/** Operations on one row, named by its id. */
const ROW_BY_ID = new Set(["GetItem", "UpdateRecord", "UpdateOnlyRecord", "DeleteRecord"]);

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
  // Labels the environment's table list left out (a real environment's option sets) are read
  // once per table, when the step's table has choice columns.
  const [choiceLabels, setChoiceLabels] = useState<{ table: string; columns: ColumnChoices[] } | null>(null);
  const stepTable = tables?.find((t) => t.entitySetName === step?.parameters.entityName);
  const labelsFor = stepTable && needsChoiceLabels(stepTable) ? stepTable.logicalName : null;
  useEffect(() => {
    if (!labelsFor) return;
    let cancelled = false;
    backend.call("environment_choices", { table: labelsFor }).then(
      (columns) => !cancelled && setChoiceLabels({ table: labelsFor, columns }),
      () => !cancelled && setChoiceLabels({ table: labelsFor, columns: [] }),
    );
    return () => {
      cancelled = true;
    };
  }, [backend, labelsFor]);
  const dynamicContent = useCallback(() => backend.call("dynamic_content", { flowJson, action }), [backend, flowJson, action]);
  if (!step) return null;
  const set = (parameter: string, value: unknown) => edit({ kind: "setParameter", action, parameter, value });
  const entitySet = typeof step.parameters.entityName === "string" ? step.parameters.entityName : "";
  const listed = tables?.find((t) => t.entitySetName === entitySet);
  const table = listed && choiceLabels?.table === listed.logicalName ? withChoiceLabels(listed, choiceLabels.columns) : listed;
  const items = Object.keys(step.parameters).filter((k) => k.startsWith("item/"));
  const unused = table ? addableColumns(table, items) : [];
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
      {step.operationId && ROW_BY_ID.has(step.operationId) && (
        <div className="step-panel__column">
          <span>Row ID</span>
          <ExpressionEditor
            backend={backend}
            label="Row ID"
            testId="param-recordId"
            value={textOf(step.parameters.recordId)}
            onCommit={(v) => set("recordId", v)}
            dynamicContent={dynamicContent}
          />
        </div>
      )}
      {step.operationId && ROW_WRITES.has(step.operationId) && (
        <>
          {items.map((key) => {
            const column = table ? columnOfItem(table, key) : null;
            const label = itemLabel(key);
            return (
              <div className="step-panel__column" key={key}>
                <span>{key.slice(5)}</span>
                {column && !column.bind && isChoice(column.column) && (
                  <ChoicePicker column={column.column} label={label} value={step.parameters[key]} onPick={(v) => set(key, v)} />
                )}
                {column?.bind && tables && (
                  <LookupPicker
                    key={`${key}:${column.targets.join(",")}`}
                    backend={backend}
                    tables={tables}
                    targets={column.targets}
                    label={label}
                    value={step.parameters[key]}
                    onPick={(v) => set(key, v)}
                  />
                )}
                <ExpressionEditor
                  backend={backend}
                  label={`Column ${key.slice(5)}`}
                  testId={`param-item-${key.slice(5)}`}
                  value={textOf(step.parameters[key])}
                  onCommit={(v) => set(key, v)}
                  dynamicContent={dynamicContent}
                />
                <button type="button" aria-label={`Remove ${key.slice(5)}`} data-testid={`param-remove-${key.slice(5)}`} onClick={() => set(key, null)}>
                  ×
                </button>
              </div>
            );
          })}
          {unused.length > 0 && (
            <label>
              Add a column{" "}
              <select data-testid="param-add-column" value="" onChange={(e) => e.target.value && set(`item/${e.target.value}`, "")}>
                <option value="" />
                {unused.map((c) => (
                  <option key={c.key} value={c.key.slice(5)}>
                    {c.label}
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

/** A parameter as the text its field edits: strings as they are, anything else as JSON. */
function textOf(value: unknown): string {
  if (value == null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}
