import type { RunRecord } from "../bindings/RunRecord";
import type { RunSummary } from "../bindings/RunSummary";
import { resultsByStep } from "../runs";

/** Past runs of this flow (kept across restarts): reopen one on the canvas, or compare two. */
export function RunHistory({
  history,
  onOpen,
  onCompare,
}: {
  history: RunSummary[];
  onOpen: (id: number) => void;
  onCompare: (id: number) => void;
}) {
  if (history.length === 0) return null;
  const label = (r: RunSummary) => `#${r.id} ${r.persona} · ${r.status} · ${r.startedAt.slice(11, 19)}`;
  return (
    <>
      <select data-testid="run-history" value="" onChange={(e) => e.target.value && onOpen(Number(e.target.value))} aria-label="Past runs">
        <option value="">History ({history.length})</option>
        {history.map((r) => (
          <option key={r.id} value={r.id}>
            {label(r)}
          </option>
        ))}
      </select>
      <select data-testid="run-compare" value="" onChange={(e) => e.target.value && onCompare(Number(e.target.value))} aria-label="Compare with">
        <option value="">Compare with…</option>
        {history.map((r) => (
          <option key={r.id} value={r.id}>
            {label(r)}
          </option>
        ))}
      </select>
    </>
  );
}

export interface StepDifference {
  step: string;
  left: string;
  right: string;
}

/** Steps whose status or identity differ between two runs. */
export function differences(left: RunRecord, right: RunRecord): StepDifference[] {
  const a = resultsByStep(left);
  const b = resultsByStep(right);
  const names = [...new Set([...a.keys(), ...b.keys()])];
  const show = (r: ReturnType<typeof a.get>) => (r ? `${r.status}${r.user ? ` as ${r.user}` : ""}` : "did not run");
  return names
    .filter((n) => show(a.get(n)) !== show(b.get(n)))
    .map((n) => ({ step: n, left: show(a.get(n)), right: show(b.get(n)) }));
}

export function RunComparison({ left, right, onClose }: { left: RunRecord; right: RunRecord; onClose: () => void }) {
  const rows = differences(left, right);
  return (
    <section className="who-can-run run-compare" data-testid="run-comparison" aria-label="Two runs compared">
      <header>
        <strong>Two runs compared</strong>
        <button type="button" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      {rows.length === 0 ? (
        <p>Every step has the same status and identity.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Step</th>
              <th>This run</th>
              <th>The other run</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.step} data-testid="difference" data-step={r.step}>
                <th>{r.step.replace(/_/g, " ")}</th>
                <td>{r.left}</td>
                <td>{r.right}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
