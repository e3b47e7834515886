/**
 * The forms of built-in actions: which fields each action type shows, where each lives in the
 * action's JSON (a pointer, as the `setField` edit takes it) and how it is edited. Dataverse and
 * other connector steps have their own form (their parameters).
 */
export type FieldKind =
  /** An expression or text with `@{…}`: the expression editor, with dynamic content. A value that is not text is edited as JSON. */
  | { kind: "expression" }
  /** Any JSON value (objects for headers, a condition, a schema). */
  | { kind: "json" }
  /** A Condition's expression: rows of comparisons, or JSON when it is more than one group. */
  | { kind: "condition" }
  | { kind: "text" }
  | { kind: "number" }
  | { kind: "choice"; options: string[] };

export interface FormField {
  label: string;
  pointer: string;
  field: FieldKind;
}

const expression: FieldKind = { kind: "expression" };
const json: FieldKind = { kind: "json" };
const text: FieldKind = { kind: "text" };
const variable = (pointer = "/inputs/name"): FormField => ({ label: "Variable name", pointer, field: text });
/** Set, increment, decrement and append: a variable's name and a value. */
const variableAndValue: FormField[] = [variable(), { label: "Value", pointer: "/inputs/value", field: expression }];

const FORMS: Record<string, FormField[]> = {
  compose: [{ label: "Inputs", pointer: "/inputs", field: expression }],
  if: [{ label: "Condition", pointer: "/expression", field: { kind: "condition" } }],
  switch: [{ label: "On", pointer: "/expression", field: expression }],
  foreach: [{ label: "Select an output from previous steps", pointer: "/foreach", field: expression }],
  until: [
    { label: "Loop until", pointer: "/expression", field: expression },
    { label: "Count limit", pointer: "/limit/count", field: { kind: "number" } },
  ],
  initializevariable: [
    variable("/inputs/variables/0/name"),
    { label: "Type", pointer: "/inputs/variables/0/type", field: { kind: "choice", options: ["string", "integer", "float", "boolean", "array", "object"] } },
    { label: "Value", pointer: "/inputs/variables/0/value", field: expression },
  ],
  setvariable: variableAndValue,
  incrementvariable: variableAndValue,
  decrementvariable: variableAndValue,
  appendtoarrayvariable: variableAndValue,
  appendtostringvariable: variableAndValue,
  http: [
    { label: "Method", pointer: "/inputs/method", field: { kind: "choice", options: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] } },
    { label: "URI", pointer: "/inputs/uri", field: expression },
    { label: "Headers", pointer: "/inputs/headers", field: json },
    { label: "Body", pointer: "/inputs/body", field: expression },
  ],
  terminate: [
    { label: "Status", pointer: "/inputs/runStatus", field: { kind: "choice", options: ["Succeeded", "Failed", "Cancelled"] } },
    { label: "Code", pointer: "/inputs/runError/code", field: text },
    { label: "Message", pointer: "/inputs/runError/message", field: expression },
  ],
  response: [
    { label: "Status code", pointer: "/inputs/statusCode", field: expression },
    { label: "Headers", pointer: "/inputs/headers", field: json },
    { label: "Body", pointer: "/inputs/body", field: expression },
  ],
  query: [
    { label: "From", pointer: "/inputs/from", field: expression },
    { label: "Filter", pointer: "/inputs/where", field: expression },
  ],
  select: [
    { label: "From", pointer: "/inputs/from", field: expression },
    { label: "Map", pointer: "/inputs/select", field: json },
  ],
  join: [
    { label: "From", pointer: "/inputs/from", field: expression },
    { label: "Join with", pointer: "/inputs/joinWith", field: expression },
  ],
  parsejson: [
    { label: "Content", pointer: "/inputs/content", field: expression },
    { label: "Schema", pointer: "/inputs/schema", field: json },
  ],
  wait: [
    { label: "Count", pointer: "/inputs/interval/count", field: { kind: "number" } },
    { label: "Unit", pointer: "/inputs/interval/unit", field: { kind: "choice", options: ["Second", "Minute", "Hour", "Day", "Week", "Month"] } },
  ],
};

/** The form of an action type (matched as the runtime matches types, ignoring case); none for connector steps. */
export function formOf(actionType: string): FormField[] {
  return FORMS[actionType.toLowerCase()] ?? [];
}

/** The value at a pointer in an action's JSON, `undefined` where there is none. */
export function valueAt(action: unknown, pointer: string): unknown {
  let here = action;
  for (const raw of pointer.slice(1).split("/")) {
    const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (here === null || typeof here !== "object") return undefined;
    here = (here as Record<string, unknown>)[token];
  }
  return here;
}

type ActionMap = Record<string, { actions?: ActionMap; else?: { actions?: ActionMap }; cases?: Record<string, { actions?: ActionMap }>; default?: { actions?: ActionMap } }>;

/** An action's JSON, found by name at any depth of a flow's JSON (any of the shapes the app opens). */
export function findAction(flowJson: unknown, name: string): unknown {
  const root = flowJson as { properties?: { definition?: { actions?: ActionMap } }; definition?: { actions?: ActionMap }; actions?: ActionMap };
  const search = (actions: ActionMap | undefined): unknown => {
    if (!actions) return undefined;
    if (name in actions) return actions[name];
    for (const action of Object.values(actions)) {
      const inner = [action.actions, action.else?.actions, action.default?.actions, ...Object.values(action.cases ?? {}).map((c) => c.actions)];
      for (const scope of inner) {
        const found = search(scope);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return search(root.properties?.definition?.actions ?? root.definition?.actions ?? root.actions);
}
