import { useEffect, useState } from "react";
import type { Backend } from "../backend/Backend";
import { ExpressionEditor } from "../expression/ExpressionEditor";
import { type ConditionRow, type ConditionRows, OPERATORS, type Operator, conditionExpression } from "./conditionRows";

/**
 * A Condition as Power Automate's card shows it: rows of "value · operator · value" joined by
 * And or Or. Each change writes the whole expression.
 */
export function ConditionBuilder({
  backend,
  rows,
  onSet,
  dynamicContent,
}: {
  backend: Backend;
  rows: ConditionRows;
  onSet: (expression: unknown) => void;
  dynamicContent: Parameters<typeof ExpressionEditor>[0]["dynamicContent"];
}) {
  // Changes build on what was last written here, not on the flow's answer: a quick second change
  // (typed, then an operator picked) must not undo the first while its edit is on the way.
  const [draft, setDraft] = useState(rows);
  const shown = JSON.stringify(rows);
  useEffect(() => setDraft(JSON.parse(shown) as ConditionRows), [shown]);
  const write = (next: ConditionRows) => {
    setDraft(next);
    onSet(conditionExpression(next));
  };
  const change = (index: number, row: Partial<ConditionRow>) => write({ ...draft, rows: draft.rows.map((r, i) => (i === index ? { ...r, ...row } : r)) });
  return (
    <fieldset className="condition" data-testid="condition-builder">
      <legend>Condition</legend>
      <label>
        Join rows with{" "}
        <select data-testid="condition-joiner" value={draft.joiner} onChange={(e) => write({ ...draft, joiner: e.target.value as ConditionRows["joiner"] })}>
          <option value="and">And (all are true)</option>
          <option value="or">Or (any is true)</option>
        </select>
      </label>
      {draft.rows.map((row, i) => (
        // Rows have no identity of their own; a removal re-keys those after it, which is harmless.
        <div className="condition__row" key={i} data-testid="condition-row" role="group" aria-label={`Row ${i + 1}`}>
          <ExpressionEditor
            backend={backend}
            label={`Row ${i + 1} value`}
            testId={`condition-left-${i}`}
            value={operandText(row.left)}
            onCommit={(text) => change(i, { left: operandValue(text, row.left) })}
            dynamicContent={dynamicContent}
          />
          <select aria-label={`Row ${i + 1} operator`} data-testid={`condition-operator-${i}`} value={row.operator} onChange={(e) => change(i, { operator: e.target.value as Operator })}>
            {OPERATORS.map(([op, words]) => (
              <option key={op} value={op}>
                {words}
              </option>
            ))}
          </select>
          <ExpressionEditor
            backend={backend}
            label={`Row ${i + 1} compared with`}
            testId={`condition-right-${i}`}
            value={operandText(row.right)}
            onCommit={(text) => change(i, { right: operandValue(text, row.right) })}
            dynamicContent={dynamicContent}
          />
          <button type="button" aria-label={`Remove row ${i + 1}`} disabled={draft.rows.length === 1} onClick={() => write({ ...draft, rows: draft.rows.filter((_, j) => j !== i) })}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="toolbar__button" data-testid="condition-add" onClick={() => write({ ...draft, rows: [...draft.rows, { left: "", operator: "equals", right: "" }] })}>
        Add a row
      </button>
    </fieldset>
  );
}

/** Text operands are shown as typed; numbers and other JSON as JSON. */
function operandText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? "");
}

/** What was typed: text stays text; an operand that was a number (or other JSON) stays JSON when it still parses. */
function operandValue(text: string, before: unknown): unknown {
  if (typeof before === "string") return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
