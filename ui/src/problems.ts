import type { Diagnostic } from "./bindings/Diagnostic";

export interface StepProblems {
  errors: number;
  warnings: number;
  messages: string[];
}

/** Diagnostics grouped by the action they are pinned on (the last name of their action path). */
export function problemsByStep(diagnostics: Diagnostic[]): Map<string, StepProblems> {
  const byStep = new Map<string, StepProblems>();
  for (const d of diagnostics) {
    const step = d.location.actionPath[d.location.actionPath.length - 1];
    if (!step) continue;
    const entry = byStep.get(step) ?? { errors: 0, warnings: 0, messages: [] };
    if (d.severity === "error") entry.errors += 1;
    else if (d.severity === "warning") entry.warnings += 1;
    entry.messages.push(d.message);
    byStep.set(step, entry);
  }
  return byStep;
}

/** Errors first, then warnings, then notes; stable within each. */
export function sortedForPanel(diagnostics: Diagnostic[]): Diagnostic[] {
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return [...diagnostics].sort((a, b) => rank[a.severity] - rank[b.severity]);
}
