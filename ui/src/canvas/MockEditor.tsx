import { useState } from "react";
import type { StepMock } from "../bindings/StepMock";

const DEFAULT_OUTPUTS = '{ "statusCode": 200, "body": {} }';

/**
 * A canned answer for a step that should not be called for real in test runs (an email, a
 * connector the engine does not run): the run records it as this status with these outputs.
 */
export function MockEditor({ mock, onChange }: { mock: StepMock | undefined; onChange: (mock: StepMock | null) => void }) {
  const [text, setText] = useState(mock ? JSON.stringify(mock.outputs, null, 2) : DEFAULT_OUTPUTS);
  const [status, setStatus] = useState<StepMock["status"]>(mock?.status ?? "Succeeded");
  const [error, setError] = useState<string | null>(null);
  const apply = (enabled: boolean, nextStatus: StepMock["status"], nextText: string) => {
    if (!enabled) return onChange(null);
    try {
      onChange({ status: nextStatus, outputs: JSON.parse(nextText) as unknown });
      setError(null);
    } catch (e) {
      setError(`The outputs are not JSON: ${String(e)}`);
    }
  };
  return (
    <fieldset className="step-panel__mock" data-testid="mock">
      <legend>
        <label>
          <input type="checkbox" data-testid="mock-enabled" checked={mock !== undefined} onChange={(e) => apply(e.target.checked, status, text)} />{" "}
          Mock this step in test runs
        </label>
      </legend>
      {mock !== undefined && (
        <>
          <label>
            Ends{" "}
            <select
              data-testid="mock-status"
              value={status}
              onChange={(e) => {
                const next = e.target.value as StepMock["status"];
                setStatus(next);
                apply(true, next, text);
              }}
            >
              <option>Succeeded</option>
              <option>Failed</option>
            </select>
          </label>
          <textarea
            data-testid="mock-outputs"
            rows={4}
            spellCheck={false}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              apply(true, status, e.target.value);
            }}
          />
          {error && <span className="step-panel__error">{error}</span>}
        </>
      )}
    </fieldset>
  );
}
