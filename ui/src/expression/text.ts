import { expressionContext } from "./language";

/**
 * What inserting dynamic content writes at `from`: the bare expression inside an expression
 * (`@…` or `@{…}`), a `@{…}` template in text. `cursor` is where the caret goes, relative to `from`.
 */
export function dynamicContentInsertion(text: string, from: number, expression: string): { insert: string; cursor: number } {
  const where = expressionContext(text, from);
  const insert = where.inExpression && !where.inString ? expression : `@{${expression}}`;
  return { insert, cursor: insert.length };
}

/** Byte offsets in the UTF-8 text (as the Rust analysis gives them) to string indices. */
export function byteToIndex(text: string, byteOffset: number): number {
  let bytes = 0;
  let index = 0;
  for (const ch of text) {
    if (bytes >= byteOffset) break;
    const code = ch.codePointAt(0) as number;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    index += ch.length;
  }
  return index;
}

/** The index of a 1-based line and column, clamped to the text. */
export function lineColumnToIndex(text: string, line: number, column: number): number {
  const lines = text.split("\n");
  const l = Math.min(Math.max(line, 1), lines.length);
  let index = 0;
  for (let i = 0; i < l - 1; i++) index += lines[i].length + 1;
  return index + Math.min(Math.max(column - 1, 0), lines[l - 1].length);
}

/**
 * Where the member named by a JSON pointer starts in the text: each token's key is looked for
 * after the previous one, so `/properties/definition/actions/A` lands on `"A":` inside `actions`.
 * The start of the text when a token cannot be found (or the pointer is the whole document).
 */
export function pointerToIndex(text: string, pointer: string): number {
  if (!pointer || pointer === "/") return 0;
  const tokens = pointer
    .split("/")
    .slice(1)
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
  let at = 0;
  for (const token of tokens) {
    const key = new RegExp(`${escapeRegExp(JSON.stringify(token))}\\s*:`, "g");
    key.lastIndex = at;
    const found = key.exec(text);
    if (!found) return at;
    at = found.index;
  }
  return at;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
