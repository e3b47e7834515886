import { useEffect, useState } from "react";
import type { Backend } from "../backend/Backend";
import type { ColumnDefinition } from "../bindings/ColumnDefinition";
import type { RowChoice } from "../bindings/RowChoice";
import type { TableDefinition } from "../bindings/TableDefinition";
import { choiceOptions, parseBinding } from "./columnPickers";

/** A choice column's options by label; picking one writes its value (a number, as Power Automate does). */
export function ChoicePicker({
  column,
  label,
  value,
  onPick,
}: {
  column: ColumnDefinition;
  label: string;
  value: unknown;
  onPick: (value: number) => void;
}) {
  const options = choiceOptions(column);
  const current = typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value)) ? Number(value) : null;
  const known = current !== null && options.some((o) => o.value === current);
  return (
    <select
      aria-label={`${label}: choose an option`}
      data-testid={`param-choice-${label}`}
      value={known ? String(current) : ""}
      onChange={(e) => e.target.value !== "" && onPick(Number(e.target.value))}
    >
      <option value="">{value === "" || value == null ? "Choose an option" : "Custom value (below)"}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label === String(o.value) ? o.label : `${o.label} (${o.value})`}
        </option>
      ))}
    </select>
  );
}

/**
 * A lookup's row picker: the table (when the lookup may point at several) and one of its rows
 * from the environment; picking writes `<entity set>(<id>)`.
 */
export function LookupPicker({
  backend,
  tables,
  targets,
  label,
  value,
  onPick,
}: {
  backend: Backend;
  tables: readonly TableDefinition[];
  targets: readonly string[];
  label: string;
  value: unknown;
  onPick: (value: string) => void;
}) {
  const bound = parseBinding(value);
  const boundTarget = bound ? tables.find((t) => t.entitySetName === bound.set)?.logicalName : undefined;
  const [target, setTarget] = useState<string>(boundTarget && targets.includes(boundTarget) ? boundTarget : (targets[0] ?? ""));
  const [rows, setRows] = useState<RowChoice[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const set = tables.find((t) => t.logicalName === target)?.entitySetName ?? null;
  useEffect(() => {
    let cancelled = false;
    setRows(null);
    setError(null);
    if (!target) return;
    backend.call("environment_rows", { table: target, top: 50 }).then(
      (r) => !cancelled && setRows(r),
      (e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [backend, target]);
  const current = bound && set && bound.set === set ? `${set}(${bound.id})` : "";
  const listed = rows?.some((r) => `${set}(${r.id})` === current) ?? false;
  return (
    <div className="step-panel__lookup" role="group" aria-label={`${label}: choose a row`}>
      {targets.length > 1 && (
        <select aria-label={`${label}: table`} data-testid={`param-lookup-table-${label}`} value={target} onChange={(e) => setTarget(e.target.value)}>
          {targets.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      )}
      <select
        aria-label={`${label}: row`}
        data-testid={`param-lookup-${label}`}
        value={listed ? current : ""}
        disabled={!set || rows === null}
        onChange={(e) => e.target.value !== "" && onPick(e.target.value)}
      >
        <option value="">{rows === null ? (error ? "Rows could not be read" : "Reading rows…") : current && !listed ? "Another row (below)" : `Choose a row of ${target}`}</option>
        {set &&
          rows?.map((r) => (
            <option key={r.id} value={`${set}(${r.id})`}>
              {r.name ? `${r.name} (${r.id.slice(0, 8)}…)` : r.id}
            </option>
          ))}
      </select>
      {error && <small className="step-panel__error">{error}</small>}
    </div>
  );
}
