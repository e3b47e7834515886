/**
 * A Condition's expression as the rows Power Automate's condition card shows: one group joined by
 * And or Or, each row "value · operator · value". Negated operators are written as `not` around
 * the positive one, as the designer writes them. Anything else (nested groups, a string
 * expression) has no rows and is edited as JSON.
 */
export type Joiner = "and" | "or";

export interface ConditionRow {
  left: unknown;
  operator: Operator;
  right: unknown;
}

export interface ConditionRows {
  joiner: Joiner;
  rows: ConditionRow[];
}

export const OPERATORS = [
  ["equals", "is equal to"],
  ["not equals", "is not equal to"],
  ["greater", "is greater than"],
  ["greaterOrEquals", "is greater than or equal to"],
  ["less", "is less than"],
  ["lessOrEquals", "is less than or equal to"],
  ["contains", "contains"],
  ["not contains", "does not contain"],
  ["startsWith", "starts with"],
  ["not startsWith", "does not start with"],
  ["endsWith", "ends with"],
  ["not endsWith", "does not end with"],
] as const;

export type Operator = (typeof OPERATORS)[number][0];

const KNOWN = new Set<string>(OPERATORS.map(([op]) => op));

/** The rows of an expression, or `null` when it is not one group of simple comparisons. */
export function conditionRows(expression: unknown): ConditionRows | null {
  if (!isObject(expression)) return null;
  const keys = Object.keys(expression);
  if (keys.length !== 1) return null;
  const [key] = keys;
  if (key === "and" || key === "or") {
    const items = expression[key];
    if (!Array.isArray(items)) return null;
    const rows = items.map(rowOf);
    return rows.every((r): r is ConditionRow => r !== null) ? { joiner: key, rows } : null;
  }
  const row = rowOf(expression);
  return row ? { joiner: "and", rows: [row] } : null;
}

function rowOf(item: unknown): ConditionRow | null {
  if (!isObject(item)) return null;
  const keys = Object.keys(item);
  if (keys.length !== 1) return null;
  const [key] = keys;
  if (key === "not") {
    const inner = rowOf(item.not);
    if (!inner || inner.operator.startsWith("not ")) return null;
    const negated = `not ${inner.operator}`;
    return KNOWN.has(negated) ? { ...inner, operator: negated as Operator } : null;
  }
  const operands = item[key];
  if (!KNOWN.has(key) || !Array.isArray(operands) || operands.length !== 2) return null;
  return { left: operands[0], operator: key as Operator, right: operands[1] };
}

/** The expression the rows stand for, as the runtime reads it. */
export function conditionExpression({ joiner, rows }: ConditionRows): unknown {
  return {
    [joiner]: rows.map(({ left, operator, right }) => {
      const positive = operator.startsWith("not ") ? operator.slice(4) : operator;
      const comparison = { [positive]: [left, right] };
      return positive === operator ? comparison : { not: comparison };
    }),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
