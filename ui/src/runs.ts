import type { RunRecord } from "./bindings/RunRecord";
import type { StepRecord } from "./bindings/StepRecord";

/** What a card shows after a run: the step's last status, who it ran as, and its error. */
export interface StepRunResult {
  status: StepRecord["status"];
  user: string | null;
  error: string | null;
}

/** Every step of a run by name, loops included (the last pass wins: "next failed" comes later). */
export function resultsByStep(record: RunRecord): Map<string, StepRunResult> {
  const results = new Map<string, StepRunResult>();
  const visit = (steps: StepRecord[]) => {
    for (const step of steps) {
      const previous = results.get(step.name);
      // A failure in any pass stays visible.
      if (!(previous?.status === "Failed" && step.status !== "Failed")) {
        results.set(step.name, {
          status: step.status,
          user: step.identity?.user ?? null,
          error: step.error ? `${step.error.code}: ${step.error.message}` : null,
        });
      }
      visit(step.steps);
      for (const iteration of step.iterations) visit(iteration.steps);
    }
  };
  visit(record.steps);
  return results;
}

/** The record of one step in a run (the last pass for steps inside loops). */
export function findStepRecord(record: RunRecord, name: string): StepRecord | null {
  let found: StepRecord | null = null;
  const visit = (steps: StepRecord[]) => {
    for (const step of steps) {
      if (step.name === name) found = step;
      visit(step.steps);
      for (const iteration of step.iterations) visit(iteration.steps);
    }
  };
  visit(record.steps);
  return found;
}
