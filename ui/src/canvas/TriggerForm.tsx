import { useEffect, useState } from "react";
import type { Backend } from "../backend/Backend";
import type { RowChoice } from "../bindings/RowChoice";
import type { RowMessage } from "../bindings/RowMessage";
import type { TriggerField } from "../bindings/TriggerField";
import type { TriggerInput } from "../bindings/TriggerInput";

/**
 * The trigger's input as a form: the manual trigger's fields from its schema, or for the Dataverse
 * row trigger a row of its table and the message. Every change writes the trigger body (JSON),
 * which stays editable by hand.
 */
export function TriggerForm({
  backend,
  input,
  environment,
  onBody,
}: {
  backend: Backend;
  input: TriggerInput;
  /** Rows are read again when the environment changes. */
  environment: string;
  onBody: (body: unknown) => void;
}) {
  if (input.kind === "fields") return <FieldsForm fields={input.fields} onBody={onBody} />;
  return <RowForm backend={backend} table={input.table} messages={input.messages} environment={environment} onBody={onBody} />;
}

function FieldsForm({ fields, onBody }: { fields: TriggerField[]; onBody: (body: unknown) => void }) {
  const [values, setValues] = useState<Record<string, unknown>>({});
  const set = (name: string, value: unknown) => {
    const next = { ...values };
    if (value === "" || value === undefined) delete next[name];
    else next[name] = value;
    setValues(next);
    onBody(next);
  };
  return (
    <span className="trigger-form" data-testid="trigger-form">
      {fields.map((f) => (
        <label key={f.name} title={f.description ?? undefined}>
          {f.title}
          {f.required ? " *" : ""}{" "}
          <FieldInput field={f} value={values[f.name]} onChange={(v) => set(f.name, v)} />
        </label>
      ))}
    </span>
  );
}

function FieldInput({ field, value, onChange }: { field: TriggerField; value: unknown; onChange: (value: unknown) => void }) {
  const testId = `trigger-field-${field.name}`;
  if (field.options.length > 0)
    return (
      <select data-testid={testId} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)}>
        <option value="" />
        {field.options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    );
  if (field.fieldType === "boolean")
    return <input data-testid={testId} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
  if (field.fieldType === "number" || field.fieldType === "integer")
    return (
      <input
        data-testid={testId}
        type="number"
        step={field.fieldType === "integer" ? 1 : "any"}
        value={value === undefined ? "" : String(value)}
        onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))}
      />
    );
  const type = field.contentHint === "EMAIL" ? "email" : field.contentHint === "DATE" ? "date" : "text";
  return <input data-testid={testId} type={type} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />;
}

function RowForm({
  backend,
  table,
  messages,
  environment,
  onBody,
}: {
  backend: Backend;
  table: string;
  messages: RowMessage[];
  environment: string;
  onBody: (body: unknown) => void;
}) {
  const [rows, setRows] = useState<RowChoice[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rowId, setRowId] = useState("");
  const [message, setMessage] = useState<RowMessage>(messages[0]);
  useEffect(() => {
    let cancelled = false;
    setRows(null);
    backend.call("environment_rows", { table }).then(
      (r) => !cancelled && (setRows(r), setError(null)),
      (e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [backend, table, environment]);
  const choose = (id: string, sdkMessage: RowMessage) => {
    setRowId(id);
    setMessage(sdkMessage);
    const row = rows?.find((r) => r.id === id);
    // The trigger's body is the row as Dataverse gives it, with the message that fired it.
    if (row) onBody({ ...(row.row as Record<string, unknown>), SdkMessage: sdkMessage });
  };
  return (
    <span className="trigger-form" data-testid="trigger-form">
      <label>
        Message{" "}
        <select data-testid="trigger-message" value={message} onChange={(e) => choose(rowId, e.target.value as RowMessage)}>
          {messages.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </label>
      <label>
        Row of {table}{" "}
        <select data-testid="trigger-row" value={rowId} onChange={(e) => choose(e.target.value, message)} disabled={!rows}>
          <option value="">{rows ? "Choose a row" : "Loading rows…"}</option>
          {rows?.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name ?? r.id}
            </option>
          ))}
        </select>
      </label>
      {error && <span className="runbar__error">{error}</span>}
    </span>
  );
}
