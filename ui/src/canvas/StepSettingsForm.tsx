import { useEffect, useId, useState } from "react";
import type { Backend } from "../backend/Backend";
import type { FlowEdit } from "../bindings/FlowEdit";
import type { RowTriggerSettings } from "../bindings/RowTriggerSettings";
import type { StepSetting } from "../bindings/StepSetting";
import type { StepSettings } from "../bindings/StepSettings";
import type { TableDefinition } from "../bindings/TableDefinition";
import {
  CHANGE_TYPES,
  SCOPES,
  checkConcurrency,
  checkDuration,
  includesModified,
  retryFormOf,
  retryPolicyOf,
  toggleColumn,
  type RetryField,
  type RetryForm,
} from "./stepSettings";

/** Apply to each's degree of parallelism when concurrency control is first turned on. */
const DEFAULT_DEGREE = 20;

/**
 * A step's Settings: what applies to its kind (loop concurrency, retry policy, timeout, secure
 * inputs and outputs; the Dataverse row trigger's change type, scope, filtering columns and run
 * as). Each change is one `setSetting` edit; input the edit would refuse is shown as an inline
 * error and sends nothing.
 */
export function StepSettingsForm({
  backend,
  flowJson,
  step,
  edit,
}: {
  backend: Backend;
  flowJson: string;
  step: string;
  edit: (change: FlowEdit) => void;
}) {
  const [settings, setSettings] = useState<StepSettings | null>(null);
  useEffect(() => {
    let cancelled = false;
    backend.call("step_settings", { flowJson, step }).then(
      (s) => !cancelled && setSettings(s),
      () => !cancelled && setSettings(null),
    );
    return () => {
      cancelled = true;
    };
  }, [backend, flowJson, step]);
  if (!settings) return null;
  const set = (setting: StepSetting) => edit({ kind: "setSetting", action: step, setting });
  return (
    <fieldset className="step-settings" data-testid="step-settings">
      <legend>Settings</legend>
      {settings.rowTrigger && <RowTriggerFields backend={backend} row={settings.rowTrigger} set={set} />}
      {settings.concurrencyApplies && <ConcurrencyFields key={`concurrency:${step}:${settings.concurrency}`} current={settings.concurrency} set={set} />}
      {settings.retryApplies && <RetryFields key={`retry:${step}:${JSON.stringify(settings.retryPolicy)}`} settings={settings} set={set} />}
      {settings.timeoutApplies && <TimeoutField key={`timeout:${step}:${settings.timeout}`} current={settings.timeout} set={set} />}
      <div className="step-settings__group" role="group" aria-label="Security">
        <label className="step-settings__check">
          <input
            type="checkbox"
            data-testid="setting-secure-inputs"
            checked={settings.secureInputs}
            onChange={(e) => set({ setting: "secureData", inputs: e.target.checked, outputs: settings.secureOutputs })}
          />
          Secure inputs
        </label>
        <label className="step-settings__check">
          <input
            type="checkbox"
            data-testid="setting-secure-outputs"
            checked={settings.secureOutputs}
            onChange={(e) => set({ setting: "secureData", inputs: settings.secureInputs, outputs: e.target.checked })}
          />
          Secure outputs
        </label>
      </div>
    </fieldset>
  );
}

/** An inline error under a field, tied to it by `aria-describedby`. */
function FieldError({ id, error, testId }: { id: string; error: string | null | undefined; testId: string }) {
  if (!error) return null;
  return (
    <small id={id} className="step-settings__error" role="alert" data-testid={testId}>
      {error}
    </small>
  );
}

function ConcurrencyFields({ current, set }: { current: number | null; set: (s: StepSetting) => void }) {
  const [degree, setDegree] = useState(String(current ?? DEFAULT_DEGREE));
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const apply = () => {
    const checked = checkConcurrency(degree);
    if (!checked.ok) return setError(checked.error);
    setError(null);
    if (checked.value !== current) set({ setting: "concurrency", repetitions: checked.value });
  };
  return (
    <div className="step-settings__group" role="group" aria-label="Concurrency control">
      <label className="step-settings__check">
        <input
          type="checkbox"
          data-testid="setting-concurrency"
          checked={current !== null}
          onChange={(e) => {
            setError(null);
            if (!e.target.checked) return set({ setting: "concurrency", repetitions: null });
            const checked = checkConcurrency(degree);
            set({ setting: "concurrency", repetitions: checked.ok ? checked.value : DEFAULT_DEGREE });
          }}
        />
        Concurrency control
      </label>
      {current !== null && (
        <form
          className="step-settings__row"
          // Our own inline error says what is wrong, not the browser's bubble.
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            apply();
          }}
        >
          <label>
            Degree of parallelism (1–50)
            <input
              type="number"
              min={1}
              max={50}
              data-testid="setting-concurrency-degree"
              value={degree}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              onChange={(e) => setDegree(e.target.value)}
            />
          </label>
          <button type="submit" className="toolbar__button" data-testid="setting-concurrency-apply">
            Apply
          </button>
          <FieldError id={errorId} error={error} testId="setting-concurrency-error" />
        </form>
      )}
    </div>
  );
}

const RETRY_TYPES: ReadonlyArray<{ value: RetryForm["type"]; label: string }> = [
  { value: "default", label: "Default" },
  { value: "none", label: "None" },
  { value: "fixed", label: "Fixed interval" },
  { value: "exponential", label: "Exponential interval" },
];

const RETRY_FIELDS: ReadonlyArray<{ field: RetryField; label: string; types: ReadonlyArray<RetryForm["type"]> }> = [
  { field: "count", label: "Count (1–90)", types: ["fixed", "exponential"] },
  { field: "interval", label: "Interval (ISO 8601, e.g. PT20S)", types: ["fixed", "exponential"] },
  { field: "minimumInterval", label: "Minimum interval (optional)", types: ["exponential"] },
  { field: "maximumInterval", label: "Maximum interval (optional)", types: ["exponential"] },
];

function RetryFields({ settings, set }: { settings: StepSettings; set: (s: StepSetting) => void }) {
  const [form, setForm] = useState<RetryForm>(() => retryFormOf(settings.retryPolicy));
  const [errors, setErrors] = useState<Partial<Record<RetryField, string>>>({});
  const baseId = useId();
  return (
    <form
      className="step-settings__group"
      aria-label="Retry policy"
      data-testid="setting-retry"
      onSubmit={(e) => {
        e.preventDefault();
        const result = retryPolicyOf(form);
        if (!result.ok) return setErrors(result.errors);
        setErrors({});
        set({ setting: "retryPolicy", policy: result.policy });
      }}
    >
      <label>
        Retry policy
        <select
          data-testid="setting-retry-type"
          value={form.type}
          onChange={(e) => {
            setErrors({});
            setForm({ ...form, type: e.target.value as RetryForm["type"] });
          }}
        >
          {RETRY_TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      {settings.retryPolicyUnreadable && form.type === "default" && (
        <small data-testid="setting-retry-unreadable">Written as {settings.retryPolicyUnreadable}; applying replaces it.</small>
      )}
      {RETRY_FIELDS.filter((f) => f.types.includes(form.type)).map(({ field, label }) => (
        <label key={field}>
          {label}
          <input
            data-testid={`setting-retry-${field}`}
            value={form[field]}
            inputMode={field === "count" ? "numeric" : undefined}
            aria-invalid={errors[field] ? true : undefined}
            aria-describedby={errors[field] ? `${baseId}-${field}` : undefined}
            onChange={(e) => setForm({ ...form, [field]: e.target.value })}
          />
          <FieldError id={`${baseId}-${field}`} error={errors[field]} testId={`setting-retry-${field}-error`} />
        </label>
      ))}
      <button type="submit" className="toolbar__button" data-testid="setting-retry-apply">
        Apply retry policy
      </button>
    </form>
  );
}

function TimeoutField({ current, set }: { current: string | null; set: (s: StepSetting) => void }) {
  const [text, setText] = useState(current ?? "");
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  return (
    <form
      className="step-settings__group step-settings__row"
      aria-label="Timeout"
      onSubmit={(e) => {
        e.preventDefault();
        const checked = checkDuration(text, "The timeout", true);
        if (!checked.ok) return setError(checked.error);
        setError(null);
        if (checked.value !== current) set({ setting: "timeout", timeout: checked.value });
      }}
    >
      <label>
        Timeout (ISO 8601 duration, empty for the default)
        <input
          data-testid="setting-timeout"
          value={text}
          placeholder="PT1H"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <button type="submit" className="toolbar__button" data-testid="setting-timeout-apply">
        Apply
      </button>
      <FieldError id={errorId} error={error} testId="setting-timeout-error" />
    </form>
  );
}

function RowTriggerFields({ backend, row, set }: { backend: Backend; row: RowTriggerSettings; set: (s: StepSetting) => void }) {
  const [table, setTable] = useState<TableDefinition | null>(null);
  useEffect(() => {
    let cancelled = false;
    backend.call("environment_tables", { refresh: false }).then(
      (t) => !cancelled && setTable(t.tables.find((d) => d.logicalName === row.table) ?? null),
      () => !cancelled && setTable(null),
    );
    return () => {
      cancelled = true;
    };
  }, [backend, row.table]);
  const [find, setFind] = useState("");
  const filtering = includesModified(row.message);
  const known = new Set((table?.columns ?? []).map((c) => c.logicalName.toLowerCase()));
  // Columns written in the flow that the table does not list stay visible, so they can be removed.
  const columns = [...(table?.columns.map((c) => c.logicalName) ?? []), ...row.filteringColumns.filter((c) => !known.has(c.toLowerCase()))];
  return (
    <>
      <label>
        Change type
        <select
          data-testid="setting-trigger-message"
          value={row.message ?? ""}
          onChange={(e) => set({ setting: "triggerMessage", message: e.target.value === "" ? null : Number(e.target.value) })}
        >
          {row.message === null && <option value="">Choose a change type</option>}
          {CHANGE_TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Scope
        <select
          data-testid="setting-trigger-scope"
          value={row.scope ?? ""}
          onChange={(e) => set({ setting: "triggerScope", scope: e.target.value === "" ? null : Number(e.target.value) })}
        >
          {row.scope === null && <option value="">Choose a scope</option>}
          {SCOPES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="step-settings__columns" data-testid="setting-trigger-columns">
        <legend>Select columns{row.filteringColumns.length > 0 ? ` (${row.filteringColumns.join(", ")})` : " (any column)"}</legend>
        {!filtering && (
          <small data-testid="setting-trigger-columns-reason">
            Filtering columns apply when the change type includes Modified.
            {row.filteringColumns.length > 0 ? " Untick them to remove them." : ""}
          </small>
        )}
        {columns.length === 0 && <small>{row.table ? `No columns known for ${row.table}.` : "The trigger names no table."}</small>}
        {columns.length > 12 && (
          <input type="search" aria-label="Find a column" data-testid="setting-trigger-columns-find" placeholder="Find a column" value={find} onChange={(e) => setFind(e.target.value)} />
        )}
        <div className="step-settings__column-list">
          {columns
            .filter((c) => !find.trim() || c.toLowerCase().includes(find.trim().toLowerCase()) || row.filteringColumns.some((f) => f.toLowerCase() === c.toLowerCase()))
            .map((c) => {
              const on = row.filteringColumns.some((f) => f.toLowerCase() === c.toLowerCase());
              return (
                <label key={c} className="step-settings__check">
                  <input
                    type="checkbox"
                    data-testid={`setting-trigger-column-${c}`}
                    checked={on}
                    disabled={!filtering && !on}
                    // Under a change type without Modified the columns can only go, all at once.
                    onChange={(e) =>
                      set({ setting: "triggerFilteringColumns", columns: filtering ? toggleColumn(row.filteringColumns, c, e.target.checked) : [] })
                    }
                  />
                  {c}
                </label>
              );
            })}
        </div>
      </fieldset>
      <fieldset className="step-settings__run-as" data-testid="setting-trigger-run-as">
        <legend>Run as</legend>
        {row.runAs.map((o) => (
          <label key={o.value} className={`step-settings__check${o.disabledReason ? " is-disabled" : ""}`} title={o.disabledReason ?? undefined}>
            <input
              type="radio"
              name="trigger-run-as"
              data-testid={`setting-trigger-run-as-${o.value}`}
              checked={o.selected}
              disabled={!!o.disabledReason}
              // Flow owner is the default: choosing it removes the parameter.
              onChange={() => set({ setting: "triggerRunAs", runAs: o.value === 3 ? null : o.value })}
            />
            {o.label}
            {o.disabledReason && <small data-testid="setting-trigger-run-as-reason">{o.disabledReason}</small>}
          </label>
        ))}
      </fieldset>
    </>
  );
}
