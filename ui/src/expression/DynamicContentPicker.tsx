import { useEffect, useMemo, useState } from "react";
import type { ContentGroup } from "../bindings/ContentGroup";
import { toBackendError } from "../backend/Backend";
import { filterContent, groupTitle } from "./dynamicContent";

/**
 * The outputs of the trigger and of the steps that run before this one, with their types; a
 * search narrows them, and picking one inserts it where the caret was in the field.
 */
export function DynamicContentPicker({
  load,
  onPick,
  onClose,
}: {
  load: () => Promise<ContentGroup[]>;
  onPick: (expression: string) => void;
  onClose: () => void;
}) {
  const [groups, setGroups] = useState<ContentGroup[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  useEffect(() => {
    let cancelled = false;
    load().then(
      (g) => !cancelled && setGroups(g),
      (e: unknown) => !cancelled && setError(toBackendError(e).message),
    );
    return () => {
      cancelled = true;
    };
  }, [load]);
  const shown = useMemo(() => (groups ? filterContent(groups, search) : []), [groups, search]);
  return (
    <div
      className="dynamic-content"
      role="dialog"
      aria-label="Dynamic content"
      data-testid="dynamic-content"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <input
        className="dynamic-content__search"
        type="search"
        placeholder="Search dynamic content"
        aria-label="Search dynamic content"
        data-testid="dynamic-content-search"
        value={search}
        autoFocus
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => {
          const first = shown[0]?.items[0];
          if (e.key === "Enter" && first) {
            e.preventDefault();
            onPick(first.expression);
          }
        }}
      />
      {error && <p role="alert">{error}</p>}
      {groups && shown.length === 0 && <p className="dynamic-content__empty">Nothing before this step matches.</p>}
      {shown.map((g) => (
        <section key={`${g.source}:${g.step}`} className="dynamic-content__group" aria-label={groupTitle(g)}>
          <h5>{groupTitle(g)}</h5>
          <ul>
            {g.items.map((item) => (
              <li key={item.expression}>
                <button
                  type="button"
                  data-testid="dynamic-item"
                  title={item.expression}
                  aria-label={`${item.label} from ${groupTitle(g)}, ${item.valueType}`}
                  onClick={() => onPick(item.expression)}
                >
                  <span>{item.label}</span>
                  <small>{item.valueType}</small>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
