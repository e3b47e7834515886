import { HighlightStyle, StreamLanguage, StringStream, syntaxHighlighting } from "@codemirror/language";
import { tags } from "@lezer/highlight";

/**
 * The expression language of flow strings, as a CodeMirror stream language. A string is one of:
 * a whole expression (`@concat('a', 'b')`), text with templates (`Hi @{triggerBody()?['name']}`),
 * or plain text (`@@` at the start escapes the `@`).
 */
export type ExpressionState = {
  /** Nothing read yet: the first characters decide whether the whole string is an expression. */
  start: boolean;
  mode: "text" | "expression";
  /** A whole-string expression (`@…`) rather than a template (`@{…}`). */
  whole: boolean;
  /** Open `(` and `[` inside the current expression. */
  depth: number;
  inString: boolean;
};

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*/;

export const expressionParser = {
  name: "flow-expression",
  startState: (): ExpressionState => ({ start: true, mode: "text", whole: false, depth: 0, inString: false }),
  copyState: (s: ExpressionState): ExpressionState => ({ ...s }),
  token(stream: StringStream, state: ExpressionState): string | null {
    if (state.start) {
      state.start = false;
      if (stream.match("@@")) return "escape";
      if (stream.peek() === "@" && !stream.match("@{", false)) {
        stream.next();
        state.mode = "expression";
        state.whole = true;
        return "meta";
      }
    }
    if (state.mode === "text") {
      if (stream.match("@{")) {
        state.mode = "expression";
        state.depth = 0;
        return "meta";
      }
      // Plain text up to the next template.
      while (!stream.eol() && !stream.match("@{", false)) stream.next();
      return null;
    }
    if (state.inString) return stringBody(stream, state);
    if (stream.eatSpace()) return null;
    const ch = stream.peek() as string;
    if (ch === "'") {
      stream.next();
      state.inString = true;
      return stringBody(stream, state);
    }
    if (ch === "}" && state.depth === 0 && !state.whole) {
      stream.next();
      state.mode = "text";
      return "meta";
    }
    if (stream.match(/^-?\d+(\.\d+)?([eE][+-]?\d+)?/)) return "number";
    const word = stream.match(IDENTIFIER) as RegExpMatchArray | null;
    if (word) {
      const name = word[0];
      if (name === "true" || name === "false") return "bool";
      if (name === "null") return "null";
      // A name followed by `(` is a function call.
      return /^\s*\(/.test(stream.string.slice(stream.pos)) ? "variableName.function" : "variableName";
    }
    stream.next();
    if (ch === "(" || ch === "[") {
      state.depth++;
      return ch === "(" ? "paren" : "squareBracket";
    }
    if (ch === ")" || ch === "]") {
      state.depth = Math.max(0, state.depth - 1);
      return ch === ")" ? "paren" : "squareBracket";
    }
    if (ch === "," ) return "separator";
    if (ch === "?" || ch === ".") return "operator";
    return "invalid";
  },
  // `@{` gets its `}`, calls and indexes their closing brackets, strings their closing quote.
  languageData: { closeBrackets: { brackets: ["(", "[", "{", "'"] } },
};

function stringBody(stream: StringStream, state: ExpressionState): string {
  while (!stream.eol()) {
    const ch = stream.next();
    if (ch === "'") {
      // `''` is a quote inside the string.
      if (stream.peek() === "'") stream.next();
      else {
        state.inString = false;
        break;
      }
    }
  }
  return "string";
}

export const expressionLanguage = StreamLanguage.define(expressionParser);

export const expressionHighlighting = syntaxHighlighting(
  HighlightStyle.define([
    { tag: tags.meta, color: "#7c3aed", fontWeight: "600" },
    { tag: tags.function(tags.variableName), color: "#1d4ed8" },
    { tag: tags.variableName, color: "#0f766e" },
    { tag: tags.string, color: "#b45309" },
    { tag: tags.number, color: "#047857" },
    { tag: [tags.bool, tags.null], color: "#be185d" },
    { tag: tags.escape, color: "#6b7280" },
    { tag: tags.invalid, color: "#dc2626", textDecoration: "underline wavy" },
  ]),
);

/** The text split into tokens with their styles, line by line (for tests and tooling). */
export function tokenize(text: string): Array<[string, string | null]> {
  const state = expressionParser.startState();
  const out: Array<[string, string | null]> = [];
  for (const line of text.split("\n")) {
    const stream = new StringStream(line, 4, 2);
    while (!stream.eol()) {
      const style = expressionParser.token(stream, state);
      out.push([stream.current(), style]);
      stream.start = stream.pos;
    }
  }
  return out;
}

/** An open call or index around a position inside an expression. */
export type Frame = { bracket: "(" | "["; name: string | null; nameFrom: number; argument: number };

export type ExpressionContext = {
  inExpression: boolean;
  inString: boolean;
  /** Innermost last. */
  frames: Frame[];
};

/**
 * Where a position sits: in plain text or in an expression, inside a string literal or not, and
 * inside which calls (with the argument index), for completion, signature help and insertion.
 */
export function expressionContext(text: string, pos: number): ExpressionContext {
  let i = 0;
  let inExpression = false;
  let whole = false;
  let inString = false;
  let frames: Frame[] = [];
  if (text.startsWith("@@")) return { inExpression: false, inString: false, frames: [] };
  if (text.startsWith("@") && !text.startsWith("@{")) {
    inExpression = true;
    whole = true;
    i = 1;
  }
  let lastName: { name: string; from: number; to: number } | null = null;
  while (i < pos && i < text.length) {
    const ch = text[i];
    if (!inExpression) {
      if (text.startsWith("@{", i)) {
        inExpression = true;
        frames = [];
        i += 2;
        continue;
      }
      i++;
      continue;
    }
    if (inString) {
      if (ch === "'") {
        if (text[i + 1] === "'" && i + 1 < pos) i++;
        else inString = false;
      }
      i++;
      continue;
    }
    const word = IDENTIFIER.exec(text.slice(i));
    if (word && !/[A-Za-z0-9_]/.test(text[i - 1] ?? "")) {
      lastName = { name: word[0], from: i, to: i + word[0].length };
      i += word[0].length;
      continue;
    }
    if (ch === "'") inString = true;
    else if (ch === "(" || ch === "[") {
      const named = ch === "(" && lastName && /^\s*$/.test(text.slice(lastName.to, i));
      frames.push({ bracket: ch, name: named && lastName ? lastName.name : null, nameFrom: named && lastName ? lastName.from : i, argument: 0 });
    } else if (ch === ")" || ch === "]") frames.pop();
    else if (ch === "," && frames.length > 0) frames[frames.length - 1].argument++;
    else if (ch === "}" && frames.length === 0 && !whole) inExpression = false;
    if (!/\s/.test(ch)) lastName = null;
    i++;
  }
  return { inExpression, inString: inExpression && inString, frames: inExpression ? frames : [] };
}
