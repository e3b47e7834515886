import { useEffect, useState } from "react";
import type { Backend } from "../backend/Backend";
import type { AutosaveEntry } from "../bindings/AutosaveEntry";
import type { FlowDocument } from "../bindings/FlowDocument";

/**
 * At start-up: the edits an earlier session did not save (the app was killed, the tab closed),
 * offered back one at a time, newest first; and any autosave file that could not be read, which
 * the backend has set aside.
 */
export function RecoveryOffer({
  backend,
  onRestore,
  onError,
}: {
  backend: Backend;
  onRestore: (flow: FlowDocument, key: string) => void;
  onError: (error: unknown) => void;
}) {
  const [entries, setEntries] = useState<AutosaveEntry[]>([]);
  const [setAside, setSetAside] = useState<string[]>([]);
  useEffect(() => {
    let cancelled = false;
    backend
      .call("list_autosaves", {})
      .then((list) => {
        if (cancelled) return;
        setEntries(list.entries);
        setSetAside(list.setAside);
      })
      .catch((error: unknown) => !cancelled && onError(error));
    return () => {
      cancelled = true;
    };
    // Once per start.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [backend]);
  const entry = entries[0];
  const next = () => setEntries((e) => e.slice(1));
  return (
    <>
      {entry && (
        <div className="banner banner--recover" role="group" aria-label="Recover unsaved changes" data-testid="recovery" data-key={entry.key}>
          <span data-testid="recovery-question">
            Recover unsaved changes to <strong>{entry.name}</strong>?
          </span>
          <span className="banner__detail">
            {entry.path ?? "never saved"} · autosaved {new Date(entry.savedAt).toLocaleString()}
            {entry.secretsLeftOut.length > 0 && ` · ${entry.secretsLeftOut.length} secret value(s) were not kept and must be entered again`}
            {entries.length > 1 && ` · ${entries.length - 1} more`}
          </span>
          <span className="banner__actions">
            <button
              type="button"
              className="banner__action"
              data-testid="recovery-restore"
              onClick={async () => {
                try {
                  onRestore(await backend.call("recover_autosave", { key: entry.key }), entry.key);
                  next();
                } catch (error) {
                  onError(error);
                  next();
                }
              }}
            >
              Restore
            </button>
            <button
              type="button"
              className="banner__action"
              data-testid="recovery-discard"
              onClick={async () => {
                try {
                  await backend.call("discard_autosave", { key: entry.key });
                } catch (error) {
                  onError(error);
                }
                next();
              }}
            >
              Discard
            </button>
          </span>
        </div>
      )}
      {setAside.length > 0 && (
        <div className="banner banner--error" role="alert" data-testid="autosave-set-aside">
          <span>
            <strong>An autosave could not be read.</strong> {setAside.join("; ")}
          </span>
          <button type="button" onClick={() => setSetAside([])} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
    </>
  );
}
