import { startTransition, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { type Backend, type BackendError, toBackendError } from "./backend/Backend";
import type { AppInfo } from "./bindings/AppInfo";
import type { EnvironmentInfo } from "./bindings/EnvironmentInfo";
import type { FlowDocument } from "./bindings/FlowDocument";
import { FlowCanvas } from "./canvas/FlowCanvas";
import { ProblemsPanel } from "./canvas/ProblemsPanel";
import { RunBar } from "./canvas/RunBar";
import { StepPanel } from "./canvas/StepPanel";
import { WhoCanRun } from "./canvas/WhoCanRun";
import { RunComparison, RunHistory } from "./canvas/RunHistory";
import type { RunSummary } from "./bindings/RunSummary";
import type { Matrix } from "./bindings/Matrix";
import type { StepOutline } from "./bindings/StepOutline";
import type { RunRecord } from "./bindings/RunRecord";
import { findStepRecord, loopPasses, resultsByStep } from "./runs";
import { LiveStatusContext, LiveStatusStore } from "./canvas/liveStatus";
import type { StepMock } from "./bindings/StepMock";
import type { BranchRef } from "./bindings/BranchRef";
import type { Position } from "./bindings/Position";
import type { StepTemplate } from "./bindings/StepTemplate";
import type { FlowEdit } from "./bindings/FlowEdit";
import { InsertionContext, type Insertion } from "./canvas/FlowEdge";
import { EditQueue } from "./edits";
import { Palette } from "./canvas/Palette";
import { matchingSteps, nextMatch, siblingMove } from "./canvas/search";
import { describeError } from "./errors";
import { problemsByStep } from "./problems";
import { EnvironmentsPanel } from "./environments/EnvironmentsPanel";
import { type CodeDraft, CodeView } from "./expression/CodeView";
import { untitledKey, useAutosave } from "./files/autosave";
import { RecoveryOffer } from "./files/RecoveryOffer";

type State =
  | { status: "loading" }
  | { status: "ready"; info: AppInfo; flow: FlowDocument; environment: EnvironmentInfo; recentFiles: string[] }
  | { status: "failed"; error: BackendError };

/** The run on the canvas: one in progress (its statuses are in the live store) or a finished record. */
type RunView = { running: boolean; runId: string | null; record: RunRecord | null };
const IDLE_RUN: RunView = { running: false, runId: null, record: null };
/** Steps that call out, and so may be mocked in test runs. */
const MOCKABLE = new Set(["dataverse", "connector"]);

export function App({ backend }: { backend: Backend }) {
  const [state, setState] = useState<State>({ status: "loading" });
  const [focus, setFocus] = useState<{ step: string; request: number } | null>(null);
  const [openError, setOpenError] = useState<BackendError | null>(null);
  const [run, setRun] = useState<RunView>(IDLE_RUN);
  const [passes, setPasses] = useState<ReadonlyMap<string, number>>(new Map());
  const runResults = useMemo(() => (run.record ? resultsByStep(run.record, passes) : null), [run.record, passes]);
  const [live] = useState(() => new LiveStatusStore());
  // The cards read run statuses from the store: a finished record's replace what streamed in.
  useEffect(() => live.replace(runResults), [live, runResults]);
  const loops = useMemo(() => (run.record ? loopPasses(run.record) : null), [run.record]);
  const showPass = useCallback((loop: string, index: number) => setPasses((p) => new Map(p).set(loop, index)), []);
  useEffect(() => setPasses(new Map()), [run.record]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [view, setView] = useState<"canvas" | "code">("canvas");
  // Text typed in the code view that is not (yet) a flow, kept while the canvas shows.
  const [codeDraft, setCodeDraft] = useState<CodeDraft | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [whoCanRun, setWhoCanRun] = useState<Matrix | null>(null);
  const [showEnvironments, setShowEnvironments] = useState(false);
  // The latest keyboard handler, read by one window listener.
  const keyHandler = useRef<(e: KeyboardEvent) => void>(() => {});
  useEffect(() => {
    const listener = (e: KeyboardEvent) => keyHandler.current(e);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);
  // What Ctrl+C copied, for when the page may not read the system clipboard.
  const clipboard = useRef<string | null>(null);
  const findBox = useRef<HTMLInputElement>(null);
  // The "+" between steps that the palette adds to next, when one was picked.
  const [insertAt, setInsertAt] = useState<Position | null>(null);
  // What the edges' buttons do. The context changes only with the picked place, so a run's
  // streamed statuses do not re-render every edge; the actions read the latest flow through a ref.
  const insertActions = useRef<Pick<Insertion, "drop" | "move">>({ drop: () => {}, move: () => {} });
  // Edits run one at a time on the newest document (see EditQueue).
  const [edits] = useState(
    () => new EditQueue((document, edit) => backend.call("edit_flow", { name: document.name, path: document.path, flowJson: document.source, edit })),
  );
  const runEdit = useCallback((edit: FlowEdit) => edits.run(edit), [edits]);
  const insertion = useMemo<Insertion>(
    () => ({ picked: insertAt, pick: setInsertAt, drop: (at, template) => insertActions.current.drop(at, template), move: (at, step) => insertActions.current.move(at, step) }),
    [insertAt],
  );
  // Canned answers for steps in test runs, by step name; kept while the flow is open.
  const [mocks, setMocks] = useState<Map<string, StepMock>>(new Map());
  const mockedSteps = useMemo(() => new Set(mocks.keys()), [mocks]);
  const refreshEnvironment = useCallback(async () => {
    try {
      const environment = await backend.call("current_environment", {});
      setState((s) => (s.status === "ready" ? { ...s, environment } : s));
    } catch (error) {
      setOpenError(toBackendError(error));
    }
  }, [backend]);
  // Undo and redo: whole documents, since every edit returns one.
  const [history, setHistory] = useState<{ past: FlowDocument[]; future: FlowDocument[] }>({ past: [], future: [] });
  const [saved, setSaved] = useState<string | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  // The flow's autosave key (its file, or an id while it has none) and the text last opened or saved.
  const [file, setFile] = useState<{ key: string; clean: string | null }>({ key: "sample", clean: null });
  // Counts documents shown, so the canvas fits each newly shown flow into view once.
  const [shown, setShown] = useState(0);
  // The sample's autosave key is new each session, so an edit never overwrites what a crash left.
  const [sampleKey] = useState(() => `sample-${untitledKey()}`);
  const readyFlow = state.status === "ready" ? state.flow : null;
  const forgetAutosave = useAutosave(
    backend,
    readyFlow && { key: file.key, name: readyFlow.name, path: readyFlow.path, source: readyFlow.source, clean: file.clean },
    (error) => setOpenError(toBackendError(error)),
  );
  const [runHistory, setRunHistory] = useState<RunSummary[]>([]);
  const [comparison, setComparison] = useState<RunRecord | null>(null);
  // The run on the canvas: its id in the history and how it was started, for re-runs.
  const [runContext, setRunContext] = useState<{ id: number | null; persona: string; triggerBody: unknown } | null>(null);
  // The flows of the solution the flow was opened from (edits return documents without them).
  const [solutionFlows, setSolutionFlows] = useState<string[]>([]);
  const flowKey = state.status === "ready" ? historyKey(state.flow, solutionFlows) : null;
  useEffect(() => {
    if (!flowKey) return;
    let cancelled = false;
    backend
      .call("run_history", { flowKey })
      .then((h) => !cancelled && setRunHistory(h))
      .catch(() => !cancelled && setRunHistory([]));
    return () => {
      cancelled = true;
    };
  }, [backend, flowKey]);
  const toggle = useCallback(
    (step: string) =>
      setCollapsed((c) => {
        const next = new Set(c);
        if (!next.delete(step)) next.add(step);
        return next;
      }),
    [],
  );
  const stepNames = useMemo(() => (state.status === "ready" ? allStepNames(state.flow.outline.steps) : []), [state]);
  const diagnostics = state.status === "ready" ? state.flow.diagnostics : null;
  const problems = useMemo(() => problemsByStep(diagnostics ?? []), [diagnostics]);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const [info, flow, settings, environment] = await Promise.all([
          backend.call("app_info", {}),
          backend.call("sample_flow", {}),
          backend.call("get_settings", {}),
          backend.call("current_environment", {}),
        ]);
        if (!cancelled) setFile({ key: sampleKey, clean: flow.source });
        if (!cancelled) edits.current = flow;
        if (!cancelled)
          setState({
            status: "ready",
            info,
            flow,
            environment,
            recentFiles: settings.recentFiles,
          });
      } catch (error) {
        if (!cancelled) setState({ status: "failed", error: toBackendError(error) });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [backend, sampleKey]);

  /** Shows another flow: a file opened, a new flow, an autosave restored (clean: null, still unsaved). */
  const showDocument = useCallback((flow: FlowDocument, key: string, clean: string | null, recentFiles?: string[]) => {
    setOpenError(null);
    setFocus(null);
    setRun(IDLE_RUN);
    setCollapsed(new Set());
    setMocks(new Map());
    setSelected(null);
    setHistory({ past: [], future: [] });
    setSaved(null);
    setCodeDraft(null);
    setFile({ key, clean });
    setSolutionFlows(flow.solutionFlows);
    edits.current = flow;
    setShown((n) => n + 1);
    setState((s) => (s.status === "ready" ? { ...s, flow, recentFiles: recentFiles ?? s.recentFiles } : s));
  }, []);
  const newFlow = useCallback(async () => {
    try {
      const flow = await backend.call("new_flow", {});
      showDocument(flow, untitledKey(), flow.source);
    } catch (error) {
      setOpenError(toBackendError(error));
    }
  }, [backend, showDocument]);
  const openPath = useCallback(
    async (path: string | null, chosen?: string) => {
      if (!path) return;
      try {
        const flow = await backend.call("open_flow_file", { path, flow: chosen });
        const settings = await backend.call("get_settings", {});
        showDocument(flow, historyKey(flow, flow.solutionFlows), flow.source, settings.recentFiles);
      } catch (error) {
        setOpenError(toBackendError(error));
      }
    },
    [backend, showDocument],
  );

  if (state.status === "loading") return <div className="splash">Loading Flowbench…</div>;
  if (state.status === "failed") {
    const { headline, detail } = describeError(state.error);
    return (
      <div className="splash splash--error" role="alert" data-testid="fatal-error" data-code={state.error.code}>
        <h1>{headline}</h1>
        <p>{detail}</p>
      </div>
    );
  }
  const { info, flow, environment, recentFiles } = state;
  const selectedStep = selected ? findStep(flow, selected) : null;
  const showWhoCanRun = async () => {
    try {
      setWhoCanRun(await backend.call("preflight_flow", { flowJson: flow.source }));
    } catch (error) {
      setOpenError(toBackendError(error));
    }
  };
  const replaceFlow = (next: FlowDocument) => {
    edits.current = next;
    setState((s) => (s.status === "ready" ? { ...s, flow: next } : s));
  };
  const undo = () => {
    const previous = history.past[history.past.length - 1];
    if (!previous) return;
    setHistory({ past: history.past.slice(0, -1), future: [flow, ...history.future] });
    replaceFlow(previous);
  };
  const redo = () => {
    const next = history.future[0];
    if (!next) return;
    setHistory({ past: [...history.past, flow], future: history.future.slice(1) });
    replaceFlow(next);
  };
  const saveAs = async (path: string | null) => {
    if (!path) return;
    try {
      await backend.call("save_flow", { path, flowJson: flow.source });
      // A clean save: the autosave goes, under the old key too (a new flow's id).
      forgetAutosave(file.key);
      if (file.key !== path) forgetAutosave(path);
      setFile({ key: path, clean: flow.source });
      const settings = await backend.call("get_settings", {});
      // A flow that had no file takes the file's name, as opening it would give.
      const name = flow.path === null && !file.key.startsWith("sample") ? (path.split(/[\\/]/).pop() ?? path).replace(/\.json$/i, "") : flow.name;
      if (edits.current) edits.current = { ...edits.current, path, name };
      setState((s) => (s.status === "ready" ? { ...s, flow: { ...s.flow, path, name }, recentFiles: settings.recentFiles } : s));
      setSaved(path);
    } catch (error) {
      setOpenError(toBackendError(error));
    }
  };
  /** Shows an edited document; `before` (the document the edit was made on) becomes an undo step. */
  const applyEdit = (edited: FlowDocument, selectAfter: string | null, before: FlowDocument = flow) => {
    setWhoCanRun(null);
    setSaved(null);
    setHistory((h) => ({ past: [...h.past, before].slice(-100), future: [] }));
    setState((s) => (s.status === "ready" ? { ...s, flow: edited } : s));
    setRun(IDLE_RUN);
    setSelected(selectAfter);
  };
  /** Selects the step an edit added and brings it into view. */
  const showAdded = (before: FlowDocument, after: FlowDocument) => {
    const known = new Set(allStepNames(before.outline.steps));
    const added = allStepNames(after.outline.steps).find((n) => !known.has(n)) ?? null;
    setInsertAt(null);
    applyEdit(after, added, before);
    if (added) setFocus({ step: added, request: Date.now() });
  };
  const insertStep = async (template: StepTemplate, position: Position) => {
    try {
      const { before, after } = await runEdit({ kind: "insert", template, position });
      showAdded(before, after);
    } catch (error) {
      setOpenError(toBackendError(error));
    }
  };
  /** Any edit of the model; the document it gives becomes the flow (one undo step). */
  const editFlow = async (edit: FlowEdit, selectAfter: string | null) => {
    try {
      const { before, after } = await runEdit(edit);
      applyEdit(after, selectAfter, before);
      return true;
    } catch (error) {
      setOpenError(toBackendError(error));
      return false;
    }
  };
  const copyStep = async (name: string) => {
    try {
      const text = await backend.call("copy_steps", { flowJson: flow.source, names: [name] });
      clipboard.current = text;
      await navigator.clipboard?.writeText(text).catch(() => undefined);
    } catch (error) {
      setOpenError(toBackendError(error));
    }
  };
  const pasteSteps = async () => {
    // The system clipboard when the page may read it, else what was copied in this window.
    const text = (await navigator.clipboard?.readText().catch(() => null)) || clipboard.current;
    if (!text) return;
    try {
      const position = insertAt ?? positionAfter(flow.outline, selected);
      const { before, after } = await runEdit({ kind: "paste", clipboard: text, position });
      showAdded(before, after);
    } catch (error) {
      setOpenError(toBackendError(error));
    }
  };
  // The canvas's shortcuts work wherever focus is on the page, except while typing in a field.
  const onKey = (e: KeyboardEvent) => {
    // The expression fields and the code view are editors too (contenteditable).
    const typing =
      e.target instanceof HTMLInputElement ||
      e.target instanceof HTMLTextAreaElement ||
      e.target instanceof HTMLSelectElement ||
      (e.target instanceof HTMLElement && e.target.isContentEditable);
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "f") {
      e.preventDefault();
      findBox.current?.focus();
      findBox.current?.select();
      return;
    }
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "n") {
      e.preventDefault();
      void newFlow();
      return;
    }
    if ((e.ctrlKey || e.metaKey) && !typing && e.key.toLowerCase() === "z") {
      e.preventDefault();
      if (e.shiftKey) redo();
      else undo();
      return;
    }
    if ((e.ctrlKey || e.metaKey) && !typing && e.key.toLowerCase() === "y") {
      e.preventDefault();
      redo();
      return;
    }
    // Copy and paste steps as JSON through the system clipboard (also between flows).
    if ((e.ctrlKey || e.metaKey) && !typing && e.key.toLowerCase() === "c" && selectedStep && selectedStep.kind !== "trigger") {
      e.preventDefault();
      void copyStep(selectedStep.name);
      return;
    }
    if ((e.ctrlKey || e.metaKey) && !typing && e.key.toLowerCase() === "v") {
      e.preventDefault();
      void pasteSteps();
      return;
    }
    // Alt+↑ / Alt+↓ move the selected step before its previous or after its next sibling.
    if (e.altKey && !typing && (e.key === "ArrowUp" || e.key === "ArrowDown") && selectedStep && selectedStep.kind !== "trigger") {
      e.preventDefault();
      const at = siblingMove(flow.outline, selectedStep.name, e.key === "ArrowUp" ? -1 : 1);
      if (at) moveStep(at, selectedStep.name);
      return;
    }
    // Delete removes the selected step, unless the user is typing.
    if (e.key === "Delete" && selectedStep && selectedStep.kind !== "trigger" && !typing) {
      void editFlow({ kind: "delete", action: selectedStep.name }, null);
    }
  };
  keyHandler.current = onKey;
  /** Moves a step to a "+" (a drop next to itself is no move); runAfter follows in the model. */
  const moveStep = (at: Position, step: string) => {
    if (at.after === step || at.before === step) return;
    // The selection stays as it was, and the view too: the card lands where it was dropped, in view.
    void editFlow({ kind: "move", action: step, position: at }, selected);
  };
  insertActions.current = { drop: (at, template) => void insertStep(template, at), move: moveStep };
  const key = historyKey(flow, solutionFlows);
  const startRun = async (persona: string, triggerBody: unknown, impersonate: boolean, rerunFrom?: { runId: number; step: string }) => {
    live.clear();
    // A transition: on a 500-step flow the app's re-render is time-sliced, not one long frame
    // under the click (the cards' statuses go through the live store, not this render).
    startTransition(() => {
      setRun({ ...IDLE_RUN, running: true });
      setComparison(null);
    });
    try {
      const { runId } = await backend.call("start_run", {
        flowJson: flow.source,
        persona,
        triggerBody,
        flowKey: key,
        rerunFrom,
        impersonate,
        mocks: Object.fromEntries(mocks),
        // A flow from a solution calls its sibling flows as child flows.
        openedFrom: flow.path ?? undefined,
      });
      setRun((r) => ({ ...r, runId }));
      // Statuses stream in as the steps run: each poll returns what happened since the last one.
      let after = 0;
      for (;;) {
        const progress = await backend.call("poll_run", { runId, after });
        after = progress.next;
        const { events, record } = progress;
        live.apply(events);
        if (record) {
          // The record's results replace the streamed ones (an effect below): only the cards
          // whose result differs render again.
          const history = await backend.call("run_history", { flowKey: key });
          startTransition(() => {
            setRun({ ...IDLE_RUN, record });
            setRunHistory(history);
            setRunContext({ id: progress.storedId, persona, triggerBody });
          });
          return;
        }
      }
    } catch (error) {
      setRun(IDLE_RUN);
      live.clear();
      setOpenError(toBackendError(error));
    }
  };
  const cancelRun = () => {
    if (run.runId) void backend.call("cancel_run", { runId: run.runId }).catch((error: unknown) => setOpenError(toBackendError(error)));
  };
  return (
    <div className="app">
      <header className="toolbar">
        <span className="toolbar__brand">Flowbench</span>
        <button type="button" className="toolbar__button" data-testid="new-flow" onClick={() => void newFlow()} title="New flow (Ctrl+N)">
          New flow
        </button>
        <button type="button" className="toolbar__button" data-testid="open" onClick={async () => openPath(await backend.pickFlowPath())}>
          Open…
        </button>
        {recentFiles.length > 0 && (
          <select
            className="toolbar__recent"
            data-testid="recent"
            value=""
            onChange={(e) => void openPath(e.target.value || null)}
            aria-label="Recent files"
          >
            <option value="">Recent</option>
            {recentFiles.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        )}
        {solutionFlows.length > 1 && flow.path && (
          <select
            className="toolbar__recent"
            data-testid="solution-flow"
            value={flow.name}
            onChange={(e) => void openPath(flow.path, e.target.value)}
            aria-label="Flow in this solution"
            title="The solution's other flows: the flow open here calls them as child flows in test runs"
          >
            {solutionFlows.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        )}
        <button
          type="button"
          className="toolbar__button"
          data-testid="save"
          onClick={async () =>
            void saveAs(flow.path?.endsWith(".json") ? flow.path : await backend.pickSavePath(`${flow.name.replace(/[^\w.-]+/g, "_")}.json`))
          }
        >
          Save
        </button>
        <button
          type="button"
          className="toolbar__button"
          data-testid="save-as"
          onClick={async () => void saveAs(await backend.pickSavePath(`${flow.name.replace(/[^\w.-]+/g, "_")}.json`))}
        >
          Save as…
        </button>
        <button
          type="button"
          className="toolbar__button"
          data-testid="export"
          title="Export a solution .zip (or, named .json, the flow JSON)"
          onClick={async () => {
            const path = await backend.pickSavePath(`${flow.name.replace(/[^\w.-]+/g, "_")}.zip`);
            if (!path) return;
            try {
              await backend.call("export_flow", { flowJson: flow.source, name: flow.name, to: /\.json$/i.test(path) ? "flow" : "solution", path });
              setSaved(null);
              setExported(path);
            } catch (error) {
              setOpenError(toBackendError(error));
            }
          }}
        >
          Export…
        </button>
        <button type="button" className="toolbar__button" data-testid="undo" disabled={history.past.length === 0} onClick={undo} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button type="button" className="toolbar__button" data-testid="redo" disabled={history.future.length === 0} onClick={redo} title="Redo (Ctrl+Y)">
          Redo
        </button>
        <span className="toolbar__flow" data-testid="flow-name" title={flow.path ?? undefined}>
          {flow.name}
        </span>
        {flow.source !== file.clean && (
          <span className="toolbar__modified" data-testid="modified" title="Changes not saved (autosaved)" aria-label="Changes not saved">
            ●
          </span>
        )}
        <span className="toolbar__spacer" />
        <input
          ref={findBox}
          type="search"
          className="toolbar__search"
          data-testid="find-step"
          list="step-names"
          placeholder="Find a step (Ctrl+F)"
          aria-label="Find a step"
          aria-keyshortcuts="Control+F"
          onKeyDown={(e) => {
            if (e.key !== "Enter") return;
            // The first match, then the next one at each Enter: selected and brought into view.
            const found = nextMatch(matchingSteps(stepNames, e.currentTarget.value), selected);
            if (found) {
              setView("canvas");
              setSelected(found);
              setFocus({ step: found, request: Date.now() });
            }
          }}
        />
        <datalist id="step-names">
          {stepNames.map((n) => (
            <option key={n} value={n.replace(/_/g, " ")} />
          ))}
        </datalist>
        <button
          type="button"
          className="toolbar__button"
          data-testid="toggle-code"
          aria-pressed={view === "code"}
          onClick={() => setView((v) => (v === "code" ? "canvas" : "code"))}
        >
          {view === "code" ? "Canvas" : "Code"}
        </button>
        <span className="toolbar__meta" data-testid="problem-count">
          {flow.diagnostics.filter((d) => d.severity === "error").length} errors ·{" "}
          {flow.diagnostics.filter((d) => d.severity === "warning").length} warnings
        </span>
        <span className="toolbar__meta">{flow.outline.stepCount} steps</span>
      </header>
      <RunBar key={`${environment.name}:${environment.personas.map((p) => p.name).join(",")}`} backend={backend} triggerInput={flow.outline.triggerInput} environment={environment} running={run.running} record={run.record} onRun={startRun} onCancel={cancelRun}>
        <RunHistory
          history={runHistory}
          onOpen={(id) =>
            void backend
              .call("get_run", { id })
              .then((record) => {
                setComparison(null);
                setRun({ ...IDLE_RUN, record });
                const summary = runHistory.find((r) => r.id === id);
                setRunContext({ id, persona: summary?.persona ?? "admin", triggerBody: runContext?.triggerBody ?? {} });
              })
              .catch((error: unknown) => setOpenError(toBackendError(error)))
          }
          onCompare={(id) =>
            void backend
              .call("get_run", { id })
              .then(setComparison)
              .catch((error: unknown) => setOpenError(toBackendError(error)))
          }
        />
      </RunBar>
      {/* Always present, so the grid rows stay in place when there is nothing to say. */}
      <div className="banner-slot">
        <RecoveryOffer backend={backend} onRestore={(restored, key) => showDocument(restored, key, null)} onError={(error) => setOpenError(toBackendError(error))} />
        {exported && (
          <div className="banner banner--ok" role="status" data-testid="exported">
            Exported to {exported}
            <button type="button" onClick={() => setExported(null)} aria-label="Dismiss">
              ×
            </button>
          </div>
        )}
        {saved && (
          <div className="banner banner--ok" role="status" data-testid="saved">
            Saved to {saved}
          </div>
        )}
        {openError && (
          <div className="banner banner--error" role="alert" data-testid="open-error" data-code={openError.code}>
            <strong>{describeError(openError).headline}</strong> {openError.message}
            <button type="button" onClick={() => setOpenError(null)} aria-label="Dismiss">
              ×
            </button>
          </div>
        )}
      </div>
      <main
        className={`canvas${selectedStep ? " has-panel" : ""}`}
        data-testid="canvas"
      >
        {view === "code" ? (
          <CodeView backend={backend} flow={flow} draft={codeDraft} onDraft={setCodeDraft} onAccepted={(document) => {
              edits.current = document;
              applyEdit(document, selected);
            }}
          />
        ) : (
          <LiveStatusContext.Provider value={live}>
            <InsertionContext.Provider value={insertion}>
              <FlowCanvas
                outline={flow.outline}
                problems={problems}
                collapsed={collapsed}
                onToggle={toggle}
                onSelect={setSelected}
                loops={loops}
                passes={passes}
                onShowPass={showPass}
                focus={focus}
                mocked={mockedSteps}
                documentId={shown}
              />
            </InsertionContext.Provider>
            <Palette
              target={insertAt ? "Click a step to add it at the + you picked" : selected ? `Adds after ${selected.replace(/_/g, " ")}` : "Adds at the end of the flow"}
              onAdd={(template) => void insertStep(template, insertAt ?? positionAfter(flow.outline, selected))}
              hasTrigger={flow.outline.trigger !== null}
              onSetTrigger={(template) => void editFlow({ kind: "setTrigger", template }, selected)}
            />
          </LiveStatusContext.Provider>
        )}
        {selectedStep && view === "canvas" && (
          <StepPanel
            backend={backend}
            flow={flow}
            step={selectedStep}
            runEdit={runEdit}
            onEdited={applyEdit}
            onClose={() => setSelected(null)}
            onWhoCanRun={() => void showWhoCanRun()}
            record={run.record ? findStepRecord(run.record, selectedStep.name) : null}
            mock={
              MOCKABLE.has(selectedStep.kind)
                ? {
                    current: mocks.get(selectedStep.name),
                    set: (m) =>
                      setMocks((all) => {
                        const next = new Map(all);
                        if (m) next.set(selectedStep.name, m);
                        else next.delete(selectedStep.name);
                        return next;
                      }),
                  }
                : undefined
            }
            onRerunFrom={
              run.record && runContext?.id != null && flow.outline.steps.some((s) => s.name === selectedStep.name)
                ? () => void startRun(runContext.persona, runContext.triggerBody, false, { runId: runContext.id as number, step: selectedStep.name })
                : undefined
            }
          />
        )}
        {whoCanRun && <WhoCanRun matrix={whoCanRun} onClose={() => setWhoCanRun(null)} />}
        {showEnvironments && (
          <EnvironmentsPanel backend={backend} onChanged={() => void refreshEnvironment()} onClose={() => setShowEnvironments(false)} />
        )}
        {comparison && run.record && <RunComparison left={run.record} right={comparison} onClose={() => setComparison(null)} />}
      </main>
      <ProblemsPanel diagnostics={flow.diagnostics} onSelect={(step) => setFocus({ step, request: Date.now() })} />
      <footer className="statusbar">
        <span data-testid="environment" title={environment.url ?? "not running"}>
          Environment: {environment.name}
        </span>
        <button type="button" className="statusbar__button" data-testid="environments-open" onClick={() => setShowEnvironments(true)}>
          Environments…
        </button>
        {environment.url && (
          <span className="statusbar__detail" data-testid="environment-url">
            {environment.url} · {environment.personas.length} {environment.embedded ? "personas" : "signed in"}
          </span>
        )}
        <span className="toolbar__spacer" />
        <span data-testid="host-kind">
          {info.host === "desktop" ? "Desktop" : "Browser mode"} · v{info.version}
        </span>
      </footer>
    </div>
  );
}

/** After `name` in its own scope (before its next sibling), or at the end of the flow. */
function positionAfter(outline: FlowDocument["outline"], name: string | null): Position {
  const search = (steps: StepOutline[], parent: BranchRef | undefined): Position | null => {
    for (const [i, s] of steps.entries()) {
      if (s.name === name) return { parent, after: s.name, before: steps[i + 1]?.name };
      for (const b of s.branches) {
        const found = search(b.steps, { container: s.name, slot: b.slot });
        if (found) return found;
      }
    }
    return null;
  };
  return (name ? search(outline.steps, undefined) : null) ?? { after: outline.steps[outline.steps.length - 1]?.name };
}

function allStepNames(steps: FlowDocument["outline"]["steps"]): string[] {
  return steps.flatMap((s) => [s.name, ...allStepNames(s.branches.flatMap((b) => b.steps))]);
}

function findStep(flow: FlowDocument, name: string): StepOutline | null {
  if (flow.outline.trigger?.name === name) return flow.outline.trigger;
  const search = (steps: StepOutline[]): StepOutline | null => {
    for (const s of steps) {
      if (s.name === name) return s;
      const inner = search(s.branches.flatMap((b) => b.steps));
      if (inner) return inner;
    }
    return null;
  };
  return search(flow.outline.steps);
}

/** The key a flow's run history and autosave go under: its file, one per flow of a solution, or its name. */
function historyKey(flow: FlowDocument, solutionFlows: string[]): string {
  if (!flow.path) return flow.name;
  return solutionFlows.length > 1 ? `${flow.path}#${flow.name}` : flow.path;
}
