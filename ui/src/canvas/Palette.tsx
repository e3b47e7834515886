import type { StepTemplate } from "../bindings/StepTemplate";

/** The drag type of a palette item, so drop targets take only steps. */
export const STEP_MIME = "application/x-flowbench-step";

const GROUPS: Array<{ title: string; items: Array<[StepTemplate, string]> }> = [
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
export function Palette({ target, onAdd }: { target: string; onAdd: (template: StepTemplate) => void }) {
  return (
    <aside className="palette" data-testid="palette" aria-label="Add a step">
      <p className="palette__target" data-testid="palette-target">
        {target}
      </p>
      {GROUPS.map((group) => (
        <section key={group.title}>
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
