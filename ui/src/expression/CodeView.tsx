import { useEffect, useRef, useState } from "react";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { bracketMatching, defaultHighlightStyle, foldGutter, syntaxHighlighting } from "@codemirror/language";
import { setDiagnostics } from "@codemirror/lint";
import { Annotation, EditorState } from "@codemirror/state";
import { EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import type { Backend } from "../backend/Backend";
import { toBackendError } from "../backend/Backend";
import type { FlowDocument } from "../bindings/FlowDocument";
import { lineColumnToIndex, pointerToIndex } from "./text";

/** How long typing must pause before the text is offered to the backend as the flow. */
export const CODE_VIEW_DELAY_MS = 400;

export type CodeDraft = { base: string; text: string };

type Refusal = { message: string; line: number; column: number };

/** Marks the text replaced because the flow changed elsewhere, which needs no checking. */
const fromFlow = Annotation.define<boolean>();

/**
 * The whole flow as JSON, editable. When typing pauses, the text goes to the backend: a flow it
 * accepts replaces the model (the canvas follows); text it refuses is marked where the problem
 * is, and the designer keeps its last good flow while the text stays as typed. Edits made
 * elsewhere (canvas, undo) replace the text.
 */
export function CodeView({
  backend,
  flow,
  draft,
  onDraft,
  onAccepted,
}: {
  backend: Backend;
  flow: FlowDocument;
  /** Text typed here that the flow has not taken (yet), kept while the view is closed. */
  draft: CodeDraft | null;
  onDraft: (draft: CodeDraft | null) => void;
  onAccepted: (document: FlowDocument) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const latest = useRef({ flow, onDraft, onAccepted });
  latest.current = { flow, onDraft, onAccepted };
  // The source of the document this view's own text produced, so it does not overwrite the text.
  const accepted = useRef<string | null>(null);
  // The flow the text was last made from or checked against; a different one came from elsewhere.
  const synced = useRef(flow.source);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let sequence = 0;
    const check = async (editor: EditorView, text: string, asked: number) => {
      const { flow: current } = latest.current;
      let answer;
      try {
        answer = await backend.call("flow_from_text", { name: current.name, path: current.path, text });
      } catch (e) {
        if (asked === sequence) setRefusal({ message: toBackendError(e).message, line: 1, column: 1 });
        return;
      }
      if (asked !== sequence || editor.state.doc.toString() !== text) return;
      if (answer.kind === "accepted") {
        setRefusal(null);
        editor.dispatch(setDiagnostics(editor.state, []));
        accepted.current = answer.document.source;
        latest.current.onDraft(text === answer.document.source ? null : { base: answer.document.source, text });
        if (answer.document.source !== latest.current.flow.source) latest.current.onAccepted(answer.document);
        return;
      }
      const at =
        answer.line != null ? lineColumnToIndex(text, answer.line, answer.column ?? 1) : answer.pointer ? pointerToIndex(text, answer.pointer) : 0;
      const line = editor.state.doc.lineAt(at);
      setRefusal({ message: answer.message, line: line.number, column: at - line.from + 1 });
      editor.dispatch(
        setDiagnostics(editor.state, [{ from: at, to: Math.min(Math.max(at + 1, line.to), text.length), severity: "error", message: answer.message, source: "flow" }]),
      );
    };
    const initial = draft && draft.base === flow.source ? draft.text : flow.source;
    const editor = new EditorView({
      parent: host.current as HTMLDivElement,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          foldGutter(),
          history(),
          bracketMatching(),
          highlightActiveLine(),
          json(),
          syntaxHighlighting(defaultHighlightStyle),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          // An explicit tab stop: axe (and some screen readers) do not count contenteditable as one.
          EditorView.contentAttributes.of({ "aria-label": "Flow JSON", "data-testid": "code-editor", tabindex: "0" }),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged || update.transactions.every((t) => t.annotation(fromFlow))) return;
            const text = update.state.doc.toString();
            const { flow: current } = latest.current;
            latest.current.onDraft({ base: current.source, text });
            clearTimeout(timer);
            const asked = ++sequence;
            timer = setTimeout(() => void check(update.view, text, asked), CODE_VIEW_DELAY_MS);
          }),
        ],
      }),
    });
    view.current = editor;
    // A draft kept from before is checked again, so its error shows.
    if (initial !== flow.source) {
      const asked = ++sequence;
      void check(editor, initial, asked);
    }
    return () => {
      clearTimeout(timer);
      sequence++;
      editor.destroy();
      view.current = null;
    };
    // The editor is made once; later flows arrive through the effect below.
  }, [backend]);

  // The flow changed elsewhere (canvas, undo, redo): the text follows.
  useEffect(() => {
    const editor = view.current;
    if (!editor || flow.source === synced.current) return;
    synced.current = flow.source;
    if (flow.source === accepted.current || editor.state.doc.toString() === flow.source) return;
    setRefusal(null);
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: flow.source }, annotations: fromFlow.of(true) });
    editor.dispatch(setDiagnostics(editor.state, []));
    latest.current.onDraft(null);
  }, [flow.source]);

  return (
    <div className="code-view" data-testid="code-view">
      <div className="code-view__editor" ref={host} />
      {refusal && (
        <p className="code-view__error" role="alert" data-testid="code-error">
          <strong>
            Line {refusal.line}, column {refusal.column}:
          </strong>{" "}
          {refusal.message}. The designer keeps the last flow that was valid until this text is one.
        </p>
      )}
    </div>
  );
}
