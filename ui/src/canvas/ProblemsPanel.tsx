import type { Diagnostic } from "../bindings/Diagnostic";
import { sortedForPanel } from "../problems";

/** The problems of the flow; choosing one takes you to its step. */
export function ProblemsPanel({ diagnostics, onSelect }: { diagnostics: Diagnostic[]; onSelect: (step: string) => void }) {
  if (diagnostics.length === 0) {
    return (
      <section className="problems problems--empty" data-testid="problems">
        No problems found.
      </section>
    );
  }
  return (
    <section className="problems" data-testid="problems" aria-label="Problems">
      <ul>
        {sortedForPanel(diagnostics).map((d, i) => {
          const step = d.location.actionPath[d.location.actionPath.length - 1];
          return (
            <li key={i} className={`problem problem--${d.severity}`} data-testid="problem" data-rule={d.rule}>
              <button type="button" disabled={!step} onClick={() => step && onSelect(step)}>
                <span className="problem__severity">{d.severity}</span>
                <span className="problem__message">{d.message}</span>
                {step && <span className="problem__where">{step.replace(/_/g, " ")}</span>}
              </button>
              {d.hint && <div className="problem__hint">{d.hint}</div>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
