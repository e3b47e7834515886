import { createContext, useContext, useSyncExternalStore } from "react";
import type { ProgressEvent } from "../bindings/ProgressEvent";
import { applyProgress, sameResult, type StepRunResult } from "../runs";

/**
 * What the cards show of a run, outside React state: the statuses streaming in while a run goes,
 * then the finished record's. Each card subscribes to its own step, so an event re-renders that
 * card alone, the canvas (500 nodes) is never rebuilt for a status, and when the record arrives
 * only the cards whose result differs from what streamed in change.
 */
/**
 * Cards told of a change per frame: a fast run sends hundreds of statuses in one poll. Only cards
 * on screen count: a step whose card is not drawn has nobody to tell.
 */
const CARDS_PER_FRAME = 12;

const nextFrame = (work: () => void) =>
  typeof requestAnimationFrame === "function" ? requestAnimationFrame(() => work()) : setTimeout(work, 0);

export class LiveStatusStore {
  private statuses = new Map<string, StepRunResult>();
  private listeners = new Map<string, Set<() => void>>();
  /** Steps whose cards have yet to hear of their change, told a frame's worth at a time. */
  private pending = new Set<string>();
  private scheduled = false;

  get(step: string): StepRunResult | undefined {
    return this.statuses.get(step);
  }

  apply(events: ProgressEvent[]) {
    const next = applyProgress(this.statuses, events);
    const changed = new Set(events.map((e) => e.step).filter((step) => next.get(step) !== this.statuses.get(step)));
    this.statuses = next;
    this.tell(changed);
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
    this.tell(changed);
  }

  /** A card reads the newest status whenever it renders; only the telling is spread over frames. */
  private tell(steps: Iterable<string>) {
    for (const step of steps) this.pending.add(step);
    if (this.pending.size > 0 && !this.scheduled) {
      this.scheduled = true;
      nextFrame(() => this.flush());
    }
  }

  private flush() {
    this.scheduled = false;
    let told = 0;
    for (const step of this.pending) {
      if (told === CARDS_PER_FRAME) break;
      this.pending.delete(step);
      const cards = this.listeners.get(step);
      if (!cards?.size) continue;
      cards.forEach((notify) => notify());
      told++;
    }
    this.tell([]);
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
