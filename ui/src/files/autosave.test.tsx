import { act, cleanup, fireEvent, render, renderHook, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BackendError } from "../backend/Backend";
import { AUTOSAVE_DELAY_MS, type AutosaveSubject, untitledKey, useAutosave } from "./autosave";
import { RecoveryOffer } from "./RecoveryOffer";
import { recordingBackend as recording } from "../../test/recordingBackend";

/** Records every call; answers from a table (an empty list for anything else). */
const recordingBackend = (answers: Record<string, unknown> = {}) => recording((name) => answers[name] ?? []);

const flush = async () => {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS + 10);
  });
};

describe("useAutosave", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    cleanup();
  });

  it("writes the latest text once edits pause, and removes it when the flow is clean again", async () => {
    const { backend, calls } = recordingBackend();
    const subject = (source: string): AutosaveSubject => ({ key: "/f.json", name: "f", path: "/f.json", source, clean: "v0" });
    const { rerender } = renderHook(({ s }) => useAutosave(backend, s, () => undefined), { initialProps: { s: subject("v0") } });
    await flush();
    expect(calls).toEqual([]);
    rerender({ s: subject("v1") });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS / 2);
    });
    rerender({ s: subject("v2") });
    await flush();
    expect(calls).toEqual([["write_autosave", { key: "/f.json", name: "f", path: "/f.json", flowJson: "v2" }]]);
    // Undone back to what was opened: the autosave goes.
    rerender({ s: subject("v0") });
    await flush();
    expect(calls.at(-1)).toEqual(["discard_autosave", { key: "/f.json" }]);
    expect(calls).toHaveLength(2);
  });

  it("never removes an autosave this session did not write (a crash's, waiting to be offered)", async () => {
    const { backend, calls } = recordingBackend();
    const { rerender } = renderHook(({ s }) => useAutosave(backend, s, () => undefined), {
      initialProps: { s: { key: "a", name: "a", path: null, source: "x", clean: "x" } as AutosaveSubject },
    });
    rerender({ s: { key: "b", name: "b", path: "b", source: "y", clean: "y" } });
    await flush();
    expect(calls).toEqual([]);
  });

  it("a restored flow (never clean) is written, and forgetting it after a save removes it", async () => {
    const { backend, calls } = recordingBackend();
    const { result } = renderHook(() => useAutosave(backend, { key: "untitled-1", name: "U", path: null, source: "z", clean: null }, () => undefined));
    await flush();
    expect(calls.map((c) => c[0])).toEqual(["write_autosave"]);
    act(() => result.current("untitled-1"));
    await flush();
    expect(calls.at(-1)).toEqual(["discard_autosave", { key: "untitled-1" }]);
  });

  it("reports a failed write", async () => {
    const { backend } = recordingBackend({ write_autosave: new BackendError({ code: "io", message: "disk full" }) });
    const errors: unknown[] = [];
    renderHook(() => useAutosave(backend, { key: "k", name: "k", path: null, source: "a", clean: "b" }, (e) => errors.push(e)));
    await flush();
    expect(errors).toHaveLength(1);
    expect((errors[0] as BackendError).code).toBe("io");
  });

  it("makes a different key for each new flow", () => {
    expect(untitledKey()).not.toBe(untitledKey());
  });
});

describe("RecoveryOffer", () => {
  afterEach(cleanup);

  const entry = (key: string, name: string) => ({ key, name, path: null, savedAt: 1_700_000_000_000, secretsLeftOut: [] });

  it("offers the newest first; restore hands the flow over, discard removes it and shows the next", async () => {
    const doc = { name: "Untitled flow" };
    const { backend, calls } = recordingBackend({
      list_autosaves: { entries: [entry("k1", "First"), entry("k2", "Second")], setAside: [] },
      recover_autosave: doc,
      discard_autosave: true,
    });
    const restored: unknown[] = [];
    render(<RecoveryOffer backend={backend} onRestore={(flow, key) => restored.push([flow, key])} onError={() => undefined} />);
    expect((await screen.findByTestId("recovery-question")).textContent).toBe("Recover unsaved changes to First?");
    fireEvent.click(screen.getByRole("button", { name: "Discard" }));
    expect((await screen.findByText("Second")).tagName).toBe("STRONG");
    expect(calls).toContainEqual(["discard_autosave", { key: "k1" }]);
    fireEvent.click(screen.getByRole("button", { name: "Restore" }));
    await vi.waitFor(() => expect(restored).toEqual([[doc, "k2"]]));
    expect(screen.queryByTestId("recovery")).toBeNull();
  });

  it("reports autosave files set aside as unreadable", async () => {
    const { backend } = recordingBackend({ list_autosaves: { entries: [], setAside: ["/d/autosave/1.json.corrupt could not be read (EOF) and was set aside"] } });
    render(<RecoveryOffer backend={backend} onRestore={() => undefined} onError={() => undefined} />);
    expect((await screen.findByRole("alert")).textContent).toContain("1.json.corrupt could not be read");
    expect(screen.queryByTestId("recovery")).toBeNull();
  });
});
