import { useCallback, useEffect, useRef } from "react";
import type { Backend } from "../backend/Backend";

/** How long typing must pause before the flow is written; short, so a kill loses almost nothing. */
export const AUTOSAVE_DELAY_MS = 400;

/** The flow being edited, as autosave sees it. `clean` is the text last opened or saved (null: never saved as is). */
export type AutosaveSubject = { key: string; name: string; path: string | null; source: string; clean: string | null };

/** An id for a flow that has no file yet. */
export function untitledKey(): string {
  return `untitled-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Writes the flow to its autosave whenever it differs from what was opened or saved, once edits
 * pause; when it is clean again (saved, or undone back) the autosave this session wrote goes.
 * Writes go one at a time and the latest text always wins.
 */
export function useAutosave(backend: Backend, subject: AutosaveSubject | null, onError: (error: unknown) => void): (key: string) => void {
  // Keys this session wrote, so opening a file never removes an autosave a crash left of it.
  const written = useRef(new Set<string>());
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const errors = useRef(onError);
  errors.current = onError;
  const dirty = subject !== null && subject.source !== subject.clean;
  const key = subject?.key;
  const source = subject?.source;
  useEffect(() => {
    if (!subject) return;
    const { key, name, path, source } = subject;
    const enqueue = (job: () => Promise<unknown>) => {
      queue.current = queue.current.then(job).catch((error: unknown) => errors.current(error));
    };
    if (!dirty) {
      if (written.current.delete(key)) enqueue(() => backend.call("discard_autosave", { key }));
      return;
    }
    const timer = setTimeout(() => {
      written.current.add(key);
      enqueue(() => backend.call("write_autosave", { key, name, path, flowJson: source }));
    }, AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
    // The subject's other fields travel with its key and source.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [backend, key, source, dirty]);
  // Removes an autosave (a flow just saved, under its old key too), after any write in flight.
  return useCallback(
    (key: string) => {
      written.current.delete(key);
      queue.current = queue.current.then(() => backend.call("discard_autosave", { key })).catch((error: unknown) => errors.current(error));
    },
    [backend],
  );
}
