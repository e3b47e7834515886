import { createContext, useContext, useSyncExternalStore } from "react";
import type { ProgressEvent } from "../bindings/ProgressEvent";
import { applyProgress, sameResult, type StepRunResult } from "../runs";

/**
 * What the cards show of a run, outside React state: the statuses streaming in while a run goes,
 * then the finished record's. Each card subscribes to its own step, so an event re-renders that
 * card alone, the canvas (500 nodes) is never rebuilt for a status, and when the record arrives
 * only the cards whose result differs from what streamed in change.
 */
export class LiveStatusStore {
  private statuses = new Map<string, StepRunResult>();
  private listeners = new Map<string, Set<() => void>>();

  get(step: string): StepRunResult | undefined {
    return this.statuses.get(step);
  }

  apply(events: ProgressEvent[]) {
    const next = applyProgress(this.statuses, events);
    const changed = new Set(events.map((e) => e.step).filter((step) => next.get(step) !== this.statuses.get(step)));
    this.statuses = next;
    for (const step of changed) this.listeners.get(step)?.forEach((notify) => notify());
  }

  clear() {
    this.replace(null);
  }

  /** Shows `results` (a finished run's), telling only the cards whose result changed. */
  replace(results: ReadonlyMap<string, StepRunResult> | null) {
    const next = new Map(results ?? []);
    const steps = new Set([...this.statuses.keys(), ...next.keys()]);
    const changed = [...steps].filter((step) => !sameResult(this.statuses.get(step), next.get(step)));
    // Unchanged entries keep their identity, so their cards do not render again.
    for (const step of steps) if (!changed.includes(step) && next.has(step)) next.set(step, this.statuses.get(step)!);
    this.statuses = next;
    for (const step of changed) this.listeners.get(step)?.forEach((notify) => notify());
  }

  subscribe(step: string, notify: () => void): () => void {
    let set = this.listeners.get(step);
    if (!set) this.listeners.set(step, (set = new Set()));
    set.add(notify);
    return () => set.delete(notify);
  }
}

export const LiveStatusContext = createContext<LiveStatusStore | null>(null);

/** The live status of `step` while a run goes; undefined otherwise. */
export function useLiveStatus(step: string): StepRunResult | undefined {
  const store = useContext(LiveStatusContext);
  return useSyncExternalStore(
    (notify) => (store ? store.subscribe(step, notify) : () => {}),
    () => store?.get(step),
  );
}
