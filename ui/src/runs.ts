import type { RunRecord } from "./bindings/RunRecord";
import type { StepRecord } from "./bindings/StepRecord";

/** What a card shows after a run: the step's last status, who it ran as, and its error. */
export interface StepRunResult {
  status: StepRecord["status"];
  user: string | null;
  error: string | null;
}

/**
 * Every step of a run by name. Inside a loop, the pass chosen in `passes` (loop name → index)
 * shows; without a choice a failed pass stays visible over later successful ones.
 */
export function resultsByStep(record: RunRecord, passes: ReadonlyMap<string, number> = new Map()): Map<string, StepRunResult> {
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
      const chosen = passes.get(step.name);
      const iterations = chosen === undefined ? step.iterations : step.iterations.filter((i) => Number(i.index) === chosen);
      for (const iteration of iterations) {
        // A chosen pass shows as it was, failures and all.
        if (chosen !== undefined) for (const s of flatten(iteration.steps)) results.delete(s.name);
        visit(iteration.steps);
      }
    }
  };
  visit(record.steps);
  return results;
}

function flatten(steps: StepRecord[]): StepRecord[] {
  return steps.flatMap((s) => [s, ...flatten(s.steps), ...s.iterations.flatMap((i) => flatten(i.steps))]);
}

/** Loops of a run with their passes: how many, and which failed. */
export function loopPasses(record: RunRecord): Map<string, { count: number; failed: number[] }> {
  const loops = new Map<string, { count: number; failed: number[] }>();
  for (const step of flatten(record.steps)) {
    if (step.iterations.length > 0) {
      loops.set(step.name, {
        count: step.iterations.length,
        failed: step.iterations.filter((i) => i.status === "Failed").map((i) => Number(i.index)),
      });
    }
  }
  return loops;
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
