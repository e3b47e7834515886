import { useState } from "react";
import type { StepTemplate } from "../bindings/StepTemplate";
import type { TriggerTemplate } from "../bindings/TriggerTemplate";

/** The drag type of a palette item, so drop targets take only steps. */
export const STEP_MIME = "application/x-flowbench-step";

const TRIGGERS: Array<[TriggerTemplate, string]> = [
  ["manual", "Manually trigger a flow"],
  ["dataverseRow", "When a row is added, modified or deleted"],
  ["recurrence", "Recurrence"],
];

export const GROUPS: Array<{ title: string; items: Array<[StepTemplate, string]> }> = [
  {
    title: "Dataverse",
    items: [
      ["addRow", "Add a new row"],
      ["updateRow", "Update a row"],
      ["getRow", "Get a row by ID"],
      ["listRows", "List rows"],
      ["deleteRow", "Delete a row"],
    ],
  },
  {
    title: "Control",
    items: [
      ["condition", "Condition"],
      ["switch", "Switch"],
      ["applyToEach", "Apply to each"],
      ["doUntil", "Do until"],
      ["scope", "Scope"],
      ["terminate", "Terminate"],
    ],
  },
  {
    title: "Data, variables, HTTP",
    items: [
      ["compose", "Compose"],
      ["initializeVariable", "Initialize variable"],
      ["http", "HTTP"],
    ],
  },
];

/**
 * New steps: drag one onto a "+" between steps, or click one to add it where the canvas says
 * (the "+" just picked, after the selected step, or at the end of the flow).
 */
/** The groups and items whose label or group title holds every word of `query`. */
export function filterGroups<T>(groups: Array<{ title: string; items: Array<[T, string]> }>, query: string) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return groups
    .map((group) => ({
      ...group,
      items: group.items.filter(([, label]) => words.every((w) => `${group.title} ${label}`.toLowerCase().includes(w))),
    }))
    .filter((group) => group.items.length > 0);
}

export function Palette({
  target,
  onAdd,
  hasTrigger,
  onSetTrigger,
}: {
  target: string;
  onAdd: (template: StepTemplate) => void;
  /** Without a trigger the palette lists triggers first; with one, behind "Change trigger". */
  hasTrigger: boolean;
  onSetTrigger: (template: TriggerTemplate) => void;
}) {
  const [query, setQuery] = useState("");
  const [changingTrigger, setChangingTrigger] = useState(false);
  const triggers = !hasTrigger || changingTrigger ? filterGroups([{ title: "Triggers", items: TRIGGERS }], query) : [];
  const groups = filterGroups(GROUPS, query);
  return (
    <aside className="palette" data-testid="palette" aria-label="Add a step">
      <input
        type="search"
        className="palette__search"
        data-testid="palette-search"
        placeholder="Search steps"
        aria-label="Search steps"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") setQuery("");
        }}
      />
      <p className="palette__target" data-testid="palette-target">
        {target}
      </p>
      {hasTrigger && (
        <button
          type="button"
          className="palette__change-trigger"
          data-testid="change-trigger"
          aria-expanded={changingTrigger}
          onClick={() => setChangingTrigger((c) => !c)}
        >
          {changingTrigger ? "Keep the trigger" : "Change trigger…"}
        </button>
      )}
      {triggers.map((group) => (
        <section key={group.title} aria-label={group.title}>
          <h5>{hasTrigger ? "Replace the trigger with" : "Start with a trigger"}</h5>
          {group.items.map(([template, label]) => (
            <button
              key={template}
              type="button"
              className="palette__item palette__item--trigger"
              data-testid="palette-trigger"
              data-template={template}
              onClick={() => {
                setChangingTrigger(false);
                onSetTrigger(template);
              }}
            >
              {label}
            </button>
          ))}
        </section>
      ))}
      {groups.length === 0 && triggers.length === 0 && (
        <p className="palette__none" role="status">
          No step matches “{query}”
        </p>
      )}
      {groups.map((group) => (
        <section key={group.title} aria-label={group.title}>
          <h5>{group.title}</h5>
          {group.items.map(([template, label]) => (
            <button
              key={template}
              type="button"
              draggable
              className="palette__item"
              data-testid="palette-item"
              data-template={template}
              onDragStart={(e) => {
                e.dataTransfer.setData(STEP_MIME, template);
                e.dataTransfer.effectAllowed = "copy";
              }}
              onClick={() => onAdd(template)}
            >
              {label}
            </button>
          ))}
        </section>
      ))}
    </aside>
  );
}
