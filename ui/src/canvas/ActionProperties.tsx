import { useCallback, useEffect, useMemo, useState } from "react";
import type { Backend } from "../backend/Backend";
import type { FlowEdit } from "../bindings/FlowEdit";
import { ExpressionEditor } from "../expression/ExpressionEditor";
import { type FormField, findAction, formOf, valueAt } from "./actionForms";
import { ConditionBuilder } from "./ConditionBuilder";
import { conditionRows } from "./conditionRows";

/**
 * The form of a built-in action (Compose, Condition, loops, variables, HTTP, Terminate…): one
 * editor per field, each committing a `setField` edit. Expressions get the expression editor
 * with dynamic content; objects are edited as JSON.
 */
export function ActionProperties({
  backend,
  flowJson,
  action,
  actionType,
  edit,
}: {
  backend: Backend;
  flowJson: string;
  action: string;
  actionType: string;
  edit: (change: FlowEdit) => void;
}) {
  const form = formOf(actionType);
  // Parsed once per version of the flow, not per field.
  const body = useMemo(() => (form.length ? findAction(JSON.parse(flowJson), action) : undefined), [flowJson, action, form.length]);
  const dynamicContent = useCallback(() => backend.call("dynamic_content", { flowJson, action }), [backend, flowJson, action]);
  if (!form.length || body === undefined) return null;
  const set = (field: string, value: unknown) => edit({ kind: "setField", action, field, value });
  return (
    <fieldset className="step-panel__properties" data-testid="action-properties">
      <legend>Properties</legend>
      {form.map((f) => (
        <Field key={`${action}:${f.pointer}`} backend={backend} field={f} value={valueAt(body, f.pointer)} onSet={(v) => set(f.pointer, v)} dynamicContent={dynamicContent} />
      ))}
    </fieldset>
  );
}

function Field({
  backend,
  field,
  value,
  onSet,
  dynamicContent,
}: {
  backend: Backend;
  field: FormField;
  value: unknown;
  onSet: (value: unknown) => void;
  dynamicContent: Parameters<typeof ExpressionEditor>[0]["dynamicContent"];
}) {
  const id = `field${field.pointer.replace(/\W+/g, "-")}`;
  const kind = field.field;
  // An expression field holding an object or a number (a Compose of JSON) is edited as JSON.
  if (kind.kind === "expression" && (value === undefined || value === null || typeof value === "string")) {
    return (
      <div className="step-panel__column">
        <span>{field.label}</span>
        <ExpressionEditor backend={backend} label={field.label} testId={id} value={(value as string | undefined) ?? ""} onCommit={(v) => onSet(v === "" ? null : v)} dynamicContent={dynamicContent} />
      </div>
    );
  }
  if (kind.kind === "condition") {
    const rows = conditionRows(value);
    if (rows) return <ConditionBuilder backend={backend} rows={rows} onSet={onSet} dynamicContent={dynamicContent} />;
    // Nested groups and string expressions: the whole expression as JSON.
    return <JsonField id={id} label={`${field.label} (as JSON: it has more than one group)`} value={value} onSet={onSet} />;
  }
  if (kind.kind === "choice") {
    const current = typeof value === "string" ? value : "";
    return (
      <label>
        {field.label}{" "}
        <select data-testid={id} value={current} onChange={(e) => onSet(e.target.value)}>
          {!kind.options.includes(current) && <option value={current}>{current || "Choose…"}</option>}
          {kind.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
    );
  }
  if (kind.kind === "text" || kind.kind === "number") {
    return <TextField id={id} label={field.label} number={kind.kind === "number"} value={value} onSet={onSet} />;
  }
  return <JsonField id={id} label={field.label} value={value} onSet={onSet} />;
}

/** A line of text or a number, committed on Enter or when it loses focus. */
function TextField({ id, label, number, value, onSet }: { id: string; label: string; number: boolean; value: unknown; onSet: (value: unknown) => void }) {
  const shown = value === undefined || value === null ? "" : String(value);
  const [draft, setDraft] = useState(shown);
  useEffect(() => setDraft(shown), [shown]);
  const commit = () => {
    if (draft === shown) return;
    if (draft.trim() === "") return onSet(null);
    // A number field keeps an expression (`@variables('n')`) as text.
    onSet(number && Number.isFinite(Number(draft)) ? Number(draft) : draft);
  };
  return (
    <label>
      {label}{" "}
      <input data-testid={id} inputMode={number ? "numeric" : undefined} value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === "Enter" && commit()} />
    </label>
  );
}

/** Any JSON value; text that is not JSON is refused inline and changes nothing. */
function JsonField({ id, label, value, onSet }: { id: string; label: string; value: unknown; onSet: (value: unknown) => void }) {
  const shown = value === undefined ? "" : JSON.stringify(value, null, 2);
  const [draft, setDraft] = useState(shown);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setDraft(shown);
    setProblem(null);
  }, [shown]);
  const commit = () => {
    if (draft === shown) return;
    if (draft.trim() === "") return onSet(null);
    try {
      onSet(JSON.parse(draft));
      setProblem(null);
    } catch (e) {
      setProblem(`Not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <label className="step-panel__json">
      {label}
      <textarea
        data-testid={id}
        rows={Math.min(8, Math.max(2, draft.split("\n").length))}
        spellCheck={false}
        value={draft}
        aria-invalid={problem !== null}
        aria-describedby={problem ? `${id}-problem` : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
      />
      {problem && (
        <small id={`${id}-problem`} className="step-settings__error" role="alert">
          {problem}
        </small>
      )}
    </label>
  );
}
