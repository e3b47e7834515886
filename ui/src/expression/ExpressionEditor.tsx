import { useEffect, useRef, useState } from "react";
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { type Diagnostic, linter } from "@codemirror/lint";
import { EditorState, Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import type { Backend } from "../backend/Backend";
import { toBackendError } from "../backend/Backend";
import type { FunctionInfo } from "../bindings/FunctionInfo";
import type { ContentGroup } from "../bindings/ContentGroup";
import { expressionHighlighting, expressionLanguage } from "./language";
import { functionCompletions, signatureHelp } from "./completion";
import { byteToIndex, dynamicContentInsertion } from "./text";
import { DynamicContentPicker } from "./DynamicContentPicker";

const catalogues = new WeakMap<Backend, Promise<FunctionInfo[]>>();

/** The function catalogue, asked for once per backend. */
export function catalogueOf(backend: Backend): Promise<FunctionInfo[]> {
  let found = catalogues.get(backend);
  if (!found) {
    found = backend.call("expression_catalogue", {});
    found.catch(() => catalogues.delete(backend));
    catalogues.set(backend, found);
  }
  return found;
}

/** How long typing must pause before the Rust parser is asked about the text. */
export const ANALYSIS_DELAY_MS = 300;

/**
 * A flow string field with the expression language: highlighting, function completion and
 * signature help from the catalogue, the Rust parser's problems as inline diagnostics, and the
 * dynamic content picker (its button, or Alt+/). The value is committed on Enter or when focus
 * leaves the field; a problem never blocks the commit (validation reports it on the card too).
 */
export function ExpressionEditor({
  backend,
  label,
  testId,
  value,
  onCommit,
  dynamicContent,
}: {
  backend: Backend;
  label: string;
  testId: string;
  value: string;
  onCommit: (text: string) => void;
  /** The outputs the step may use, asked for when the picker opens. */
  dynamicContent: () => Promise<ContentGroup[]>;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const committed = useRef(value);
  const onCommitRef = useRef(onCommit);
  onCommitRef.current = onCommit;
  const catalogue = useRef<readonly FunctionInfo[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [picking, setPicking] = useState(false);
  const pickerButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let cancelled = false;
    catalogueOf(backend).then(
      (c) => {
        if (!cancelled) catalogue.current = c;
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [backend]);

  useEffect(() => {
    const commit = (v: EditorView) => {
      const text = v.state.doc.toString();
      if (text === committed.current) return;
      committed.current = text;
      onCommitRef.current(text);
    };
    const analyse = linter(
      async (v): Promise<Diagnostic[]> => {
        const text = v.state.doc.toString();
        let analysis;
        try {
          analysis = await backend.call("analyze_expression", { text });
        } catch (e) {
          setProblems([toBackendError(e).message]);
          return [];
        }
        // Typing went on while the parser answered: the next pass will see the new text.
        if (v.state.doc.toString() !== text) return [];
        setProblems(analysis.problems.map((p) => p.message));
        return analysis.problems.map((p) => {
          const from = byteToIndex(text, p.span[0]);
          const to = Math.max(from, byteToIndex(text, p.span[1]));
          return { from, to, severity: "error", message: p.message, source: p.kind };
        });
      },
      { delay: ANALYSIS_DELAY_MS },
    );
    const editor = new EditorView({
      parent: host.current as HTMLDivElement,
      state: EditorState.create({
        doc: committed.current,
        extensions: [
          history(),
          closeBrackets(),
          expressionLanguage,
          expressionHighlighting,
          autocompletion({ override: [functionCompletions(() => catalogue.current)], icons: false }),
          signatureHelp(() => catalogue.current),
          analyse,
          EditorView.lineWrapping,
          Prec.high(
            keymap.of([
              { key: "Enter", run: (v) => (commit(v), true) },
              { key: "Alt-/", run: () => (setPicking(true), true) },
            ]),
          ),
          keymap.of([...closeBracketsKeymap, ...completionKeymap, ...defaultKeymap, ...historyKeymap]),
          EditorView.contentAttributes.of({ "aria-label": label, "data-testid": testId, "aria-multiline": "false", tabindex: "0" }),
          EditorView.domEventHandlers({
            blur: (_e, v) => {
              commit(v);
              return false;
            },
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, [backend, label, testId]);

  // A new value from the flow (undo, the code view, another field) replaces the text, unless the
  // maker is typing in it.
  useEffect(() => {
    const v = view.current;
    if (!v || v.hasFocus || value === v.state.doc.toString()) return;
    committed.current = value;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  const insert = (expression: string) => {
    const v = view.current;
    setPicking(false);
    if (!v) return;
    const { from, to } = v.state.selection.main;
    const { insert: text, cursor } = dynamicContentInsertion(v.state.doc.toString(), from, expression);
    v.dispatch({ changes: { from, to, insert: text }, selection: { anchor: from + cursor }, userEvent: "input" });
    v.focus();
  };

  return (
    <div className="expression-field">
      <div className="expression-field__row">
        <div className="expression-editor" ref={host} />
        <button
          type="button"
          ref={pickerButton}
          className="expression-field__picker-button"
          aria-label={`Dynamic content for ${label}`}
          aria-haspopup="dialog"
          aria-expanded={picking}
          title="Dynamic content (Alt+/)"
          data-testid={`${testId}-dynamic`}
          // Keep the caret where it is: the content goes there.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => setPicking((p) => !p)}
        >
          ϟ
        </button>
      </div>
      {problems.length > 0 && (
        <ul className="expression-field__problems" role="alert" data-testid={`${testId}-problems`}>
          {problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      )}
      {picking && (
        <DynamicContentPicker
          load={dynamicContent}
          onPick={insert}
          onClose={() => {
            setPicking(false);
            view.current?.focus();
          }}
        />
      )}
    </div>
  );
}
