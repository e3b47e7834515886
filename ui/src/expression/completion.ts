import type { Completion, CompletionContext, CompletionResult, CompletionSource } from "@codemirror/autocomplete";
import { type EditorState, StateField } from "@codemirror/state";
import { type Tooltip, showTooltip } from "@codemirror/view";
import type { FunctionInfo } from "../bindings/FunctionInfo";
import { expressionContext } from "./language";

/** `concat(text_1: string, …text_n)` → the function's signature as the catalogue gives it. */
export function signature(f: FunctionInfo): string {
  return `${f.name}(${f.parameters.map(parameterText).join(", ")}): ${f.returns}`;
}

function parameterText(p: FunctionInfo["parameters"][number]): string {
  const text = `${p.variadic ? "…" : ""}${p.name}: ${p.type}`;
  return p.optional ? `[${text}]` : text;
}

/** Which parameter an argument index fills; variadic parameters take every later argument. */
export function parameterIndex(f: FunctionInfo, argument: number): number | null {
  if (argument < f.parameters.length) return argument;
  const last = f.parameters.length - 1;
  return last >= 0 && f.parameters[last].variadic ? last : null;
}

/**
 * Function names from the catalogue, offered inside expressions (never in plain text or inside a
 * string literal, and not after `.` or `?` where a property is expected). Accepting one writes
 * `name(` and leaves the cursor between the parentheses.
 */
export function functionCompletions(catalogue: () => readonly FunctionInfo[]): CompletionSource {
  return (context: CompletionContext): CompletionResult | null => {
    const text = context.state.doc.toString();
    const where = expressionContext(text, context.pos);
    if (!where.inExpression || where.inString) return null;
    const word = context.matchBefore(/[A-Za-z_][A-Za-z0-9_]*/);
    if (!word && !context.explicit) return null;
    const from = word ? word.from : context.pos;
    if (/[.?\]]\s*$/.test(text.slice(0, from))) return null;
    const options: Completion[] = catalogue().map((f) => ({
      label: f.name,
      type: "function",
      detail: `${f.parameters.length === 0 ? "()" : "(…)"} → ${f.returns}`,
      info: `${signature(f)}\n${f.description}`,
      apply: (view, _completion, applyFrom, applyTo) => {
        const hasParen = view.state.doc.sliceString(applyTo, applyTo + 1) === "(";
        const insert = hasParen ? f.name : `${f.name}()`;
        // Inside the parentheses, or after them when the function takes nothing.
        const cursor = applyFrom + f.name.length + (!hasParen && f.parameters.length === 0 ? 2 : 1);
        view.dispatch({ changes: { from: applyFrom, to: applyTo, insert }, selection: { anchor: cursor }, userEvent: "input.complete" });
      },
    }));
    return { from, options, validFor: /^[A-Za-z0-9_]*$/ };
  };
}

/** What signature help shows at a position: the call's function and the parameter being typed. */
export function signatureAt(text: string, pos: number, catalogue: readonly FunctionInfo[]): { fn: FunctionInfo; parameter: number | null; from: number } | null {
  const where = expressionContext(text, pos);
  if (!where.inExpression) return null;
  for (let i = where.frames.length - 1; i >= 0; i--) {
    const frame = where.frames[i];
    if (frame.bracket !== "(") continue;
    const fn = frame.name ? catalogue.find((f) => f.name.toLowerCase() === frame.name?.toLowerCase()) : undefined;
    if (!fn) return null;
    return { fn, parameter: parameterIndex(fn, frame.argument), from: frame.nameFrom };
  }
  return null;
}

/** A tooltip over the call being typed: its signature with the current parameter in bold. */
export function signatureHelp(catalogue: () => readonly FunctionInfo[]) {
  const compute = (state: EditorState): Tooltip | null => {
    const range = state.selection.main;
    if (!range.empty) return null;
    const found = signatureAt(state.doc.toString(), range.head, catalogue());
    if (!found) return null;
    const { fn, parameter } = found;
    return {
      pos: found.from,
      above: true,
      arrow: false,
      create: () => {
        const dom = document.createElement("div");
        dom.className = "cm-signature-help";
        dom.setAttribute("role", "status");
        dom.setAttribute("data-testid", "signature-help");
        dom.append(`${fn.name}(`);
        fn.parameters.forEach((p, i) => {
          if (i > 0) dom.append(", ");
          const part = document.createElement(i === parameter ? "strong" : "span");
          part.textContent = parameterText(p);
          dom.append(part);
        });
        dom.append(`): ${fn.returns}`);
        const description = document.createElement("div");
        description.className = "cm-signature-help__description";
        description.textContent = fn.description;
        dom.append(description);
        return { dom };
      },
    };
  };
  return StateField.define<Tooltip | null>({
    create: compute,
    update: (value, tr) => (tr.docChanged || tr.selection ? compute(tr.state) : value),
    provide: (field) => showTooltip.from(field),
  });
}
