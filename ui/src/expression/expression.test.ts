import { describe, expect, it } from "vitest";
import { CompletionContext, type Completion, type CompletionResult } from "@codemirror/autocomplete";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import type { FunctionInfo } from "../bindings/FunctionInfo";
import type { ContentGroup } from "../bindings/ContentGroup";
import { expressionContext, tokenize } from "./language";
import { functionCompletions, parameterIndex, signature, signatureAt } from "./completion";
import { byteToIndex, dynamicContentInsertion, lineColumnToIndex, pointerToIndex } from "./text";
import { filterContent, groupTitle } from "./dynamicContent";

const fn = (name: string, parameters: Array<[string, string, boolean?, boolean?]>, returns = "string"): FunctionInfo => ({
  name,
  group: "string",
  parameters: parameters.map(([n, type, optional = false, variadic = false]) => ({ name: n, type, optional, variadic })),
  returns,
  description: `${name} does things`,
});
const CATALOGUE = [
  fn("concat", [["text", "string", false, true]]),
  fn("contains", [["collection", "any"], ["value", "any"]], "boolean"),
  fn("substring", [["text", "string"], ["startIndex", "integer"], ["length", "integer", true]]),
  fn("utcNow", [["format", "string", true]]),
  fn("guid", []),
];

describe("highlighting", () => {
  it("marks templates, functions, strings, numbers and keywords, and leaves text plain", () => {
    expect(tokenize("Hi @{concat('a''b', 3, true)} there")).toEqual([
      ["Hi ", null],
      ["@{", "meta"],
      ["concat", "variableName.function"],
      ["(", "paren"],
      ["'a''b'", "string"],
      [",", "separator"],
      [" ", null],
      ["3", "number"],
      [",", "separator"],
      [" ", null],
      ["true", "bool"],
      [")", "paren"],
      ["}", "meta"],
      [" there", null],
    ]);
  });

  it("reads a whole-string expression with property access, and `@@` as an escaped @", () => {
    expect(tokenize("@triggerBody()?['name']").map(([, style]) => style)).toEqual([
      "meta",
      "variableName.function",
      "paren",
      "paren",
      "operator",
      "squareBracket",
      "string",
      "squareBracket",
    ]);
    expect(tokenize("@@mention")).toEqual([
      ["@@", "escape"],
      ["mention", null],
    ]);
  });

  it("does not end a template at a `}` inside a string or a call", () => {
    const styles = tokenize("@{concat('}', x)}!");
    expect(styles.filter(([, s]) => s === "meta").map(([t]) => t)).toEqual(["@{", "}"]);
    expect(styles[styles.length - 1]).toEqual(["!", null]);
  });

  it("flags a character the language does not have", () => {
    expect(tokenize("@{a ; b}").find(([t]) => t === ";")).toEqual([";", "invalid"]);
  });
});

describe("where the caret is", () => {
  it("tells text from expression, and strings inside expressions", () => {
    const text = "Hi @{concat('x', ";
    expect(expressionContext(text, 2).inExpression).toBe(false);
    expect(expressionContext(text, 6).inExpression).toBe(true);
    expect(expressionContext(text, 13).inString).toBe(true);
    expect(expressionContext("@{a} b", 6).inExpression).toBe(false);
    expect(expressionContext("@@{a", 4).inExpression).toBe(false);
  });

  it("knows the call and the argument being typed, through nesting", () => {
    const text = "@concat('a', substring('b', 1";
    const { frames } = expressionContext(text, text.length);
    expect(frames.map((f) => [f.name, f.argument])).toEqual([
      ["concat", 1],
      ["substring", 1],
    ]);
    expect(frames[1].nameFrom).toBe(text.indexOf("substring"));
    // A comma inside a string is no argument separator.
    expect(expressionContext("@concat('a,b', ", 15).frames[0].argument).toBe(1);
  });
});

describe("signature help", () => {
  it("shows the innermost known call with the parameter being typed", () => {
    const text = "@{concat('a', substring('b', 1, ";
    const at = signatureAt(text, text.length, CATALOGUE);
    expect(at?.fn.name).toBe("substring");
    expect(at?.parameter).toBe(2);
    expect(signature(CATALOGUE[2])).toBe("substring(text: string, startIndex: integer, [length: integer]): string");
    expect(signature(CATALOGUE[0])).toBe("concat(…text: string): string");
  });

  it("keeps a variadic parameter for every later argument, and shows nothing outside calls", () => {
    expect(parameterIndex(CATALOGUE[0], 7)).toBe(0);
    expect(parameterIndex(CATALOGUE[1], 2)).toBeNull();
    expect(signatureAt("@{concat('a')} ", 15, CATALOGUE)).toBeNull();
    expect(signatureAt("@{nope(1, ", 10, CATALOGUE)).toBeNull();
  });
});

describe("function completion", () => {
  const complete = (text: string, pos = text.length, explicit = false) => {
    const state = EditorState.create({ doc: text });
    return functionCompletions(() => CATALOGUE)(new CompletionContext(state, pos, explicit)) as CompletionResult | null;
  };

  it("offers the catalogue inside expressions, from the word being typed", () => {
    const result = complete("Hi @{con");
    expect(result?.from).toBe(5);
    const options = result?.options ?? [];
    expect(options.map((o) => o.label)).toContain("concat");
    expect(options.find((o) => o.label === "contains")?.info).toBe("contains(collection: any, value: any): boolean\ncontains does things");
  });

  it("offers nothing in plain text, inside a string literal or after a property access", () => {
    expect(complete("Hi con")).toBeNull();
    expect(complete("@{concat('con")).toBeNull();
    expect(complete("@{triggerBody().con")).toBeNull();
    expect(complete("@{concat(")).toBeNull();
    expect(complete("@{concat(", 9, true)).not.toBeNull();
  });

  it("accepting writes the call and puts the caret between its parentheses", () => {
    const view = new EditorView({ state: EditorState.create({ doc: "@{sub}" }) });
    const result = complete("@{sub", 5) as CompletionResult;
    const option = result.options.find((o) => o.label === "substring") as Completion;
    (option.apply as (v: EditorView, c: Completion, from: number, to: number) => void)(view, option, result.from, 5);
    expect(view.state.doc.toString()).toBe("@{substring()}");
    expect(view.state.selection.main.head).toBe("@{substring(".length);
    const guid = result.options.find((o) => o.label === "guid") as Completion;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: "@gu" } });
    (guid.apply as (v: EditorView, c: Completion, from: number, to: number) => void)(view, guid, 1, 3);
    expect(view.state.doc.toString()).toBe("@guid()");
    expect(view.state.selection.main.head).toBe(7);
    view.destroy();
  });
});

describe("dynamic content", () => {
  const groups: ContentGroup[] = [
    { step: "manual", source: "trigger", items: [{ label: "Name", expression: "triggerBody()?['text']", valueType: "string" }] },
    {
      step: "Get_the_parent_account",
      source: "step",
      items: [
        { label: "name", expression: "outputs('Get_the_parent_account')?['body/name']", valueType: "string" },
        { label: "numberofemployees", expression: "outputs('Get_the_parent_account')?['body/numberofemployees']", valueType: "integer" },
      ],
    },
    { step: "Loop", source: "loop", items: [{ label: "Current item", expression: "items('Loop')", valueType: "any" }] },
  ];

  it("inserts a template in text and the bare expression inside an expression", () => {
    expect(dynamicContentInsertion("Welcome ", 8, "triggerBody()?['text']").insert).toBe("@{triggerBody()?['text']}");
    expect(dynamicContentInsertion("", 0, "items('Loop')")).toEqual({ insert: "@{items('Loop')}", cursor: 16 });
    expect(dynamicContentInsertion("@{concat('a', )}", 14, "items('Loop')").insert).toBe("items('Loop')");
    expect(dynamicContentInsertion("@concat(", 8, "items('Loop')").insert).toBe("items('Loop')");
    expect(dynamicContentInsertion("@{a} and ", 9, "x()").insert).toBe("@{x()}");
  });

  it("filters by every word over step, label and type, and titles the groups", () => {
    expect(filterContent(groups, "parent integer").map((g) => g.items.map((i) => i.label))).toEqual([["numberofemployees"]]);
    expect(filterContent(groups, "name").map((g) => g.step)).toEqual(["manual", "Get_the_parent_account"]);
    expect(filterContent(groups, "  ")).toHaveLength(3);
    expect(filterContent(groups, "nothing")).toEqual([]);
    expect(groups.map(groupTitle)).toEqual(["Trigger: manual", "Get the parent account", "Loop: Loop"]);
  });
});

describe("positions", () => {
  it("turns the analysis's byte offsets into string indices past non-ASCII text", () => {
    const text = "Grüße @{nope()}";
    const bytes = new TextEncoder().encode(text.slice(0, text.indexOf("nope"))).length;
    expect(byteToIndex(text, bytes)).toBe(text.indexOf("nope"));
    expect(byteToIndex("😀x", 4)).toBe(2);
    expect(byteToIndex("abc", 99)).toBe(3);
  });

  it("finds a JSON error's line and column and a refused member's pointer in the text", () => {
    const text = '{\n  "actions": {\n    "A": 3\n  }\n}';
    expect(lineColumnToIndex(text, 3, 10)).toBe(text.indexOf("3\n"));
    expect(lineColumnToIndex(text, 99, 99)).toBe(text.length);
    expect(pointerToIndex(text, "/actions/A")).toBe(text.indexOf('"A"'));
    // A key with the same name earlier in the text does not fool it.
    const nested = '{"A": 1, "actions": {"a~b/c": 2, "A": 3}}';
    expect(pointerToIndex(nested, "/actions/A")).toBe(nested.lastIndexOf('"A"'));
    expect(pointerToIndex(nested, "/actions/a~0b~1c")).toBe(nested.indexOf('"a~b/c"'));
    expect(pointerToIndex(nested, "/missing")).toBe(0);
  });
});
