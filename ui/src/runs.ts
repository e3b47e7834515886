import type { ProgressEvent } from "./bindings/ProgressEvent";
import type { RunRecord } from "./bindings/RunRecord";
import type { StepRecord } from "./bindings/StepRecord";

/** What a card shows during and after a run: the step's status, who it ran as, its error, and how long it took. */
export interface StepRunResult {
  status: StepRecord["status"] | "Running";
  user: string | null;
  error: string | null;
  durationMs: number | null;
}

/** Whether two results show the same on a card. */
export function sameResult(a: StepRunResult | undefined, b: StepRunResult | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.status === b.status && a.user === b.user && a.error === b.error && a.durationMs === b.durationMs);
}

/**
 * Applies streamed progress to the live results. Entries that did not change keep their identity,
 * so the canvas re-renders only the cards whose status moved.
 */
export function applyProgress(live: ReadonlyMap<string, StepRunResult>, events: ProgressEvent[]): Map<string, StepRunResult> {
  const next = new Map(live);
  for (const event of events) {
    const previous = next.get(event.step);
    if (event.progress.state === "running") {
      // A later pass of a loop starts: a failure seen in an earlier pass stays visible.
      if (previous?.status !== "Failed") next.set(event.step, { status: "Running", user: previous?.user ?? null, error: null, durationMs: null });
    } else if (!(previous?.status === "Failed" && event.progress.status !== "Failed")) {
      const { status, ranAs, error, durationMs } = event.progress;
      next.set(event.step, { status, user: ranAs, error, durationMs });
    }
  }
  return next;
}

function duration(step: StepRecord): number | null {
  if (!step.startTime || !step.endTime) return null;
  const ms = Date.parse(step.endTime) - Date.parse(step.startTime);
  return Number.isFinite(ms) ? ms : null;
}

/** "3 ms", "1.2 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
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
          durationMs: duration(step),
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
