import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Backend } from "../backend/Backend";
import type { FlowEdit } from "../bindings/FlowEdit";
import type { StepSettings } from "../bindings/StepSettings";
import { recordingBackend } from "../../test/recordingBackend";
import { StepSettingsForm } from "./StepSettingsForm";

afterEach(cleanup);

const base: StepSettings = {
  concurrencyApplies: false,
  concurrency: null,
  secureInputs: false,
  secureOutputs: false,
  retryApplies: false,
  retryPolicy: null,
  retryPolicyUnreadable: null,
  timeoutApplies: true,
  timeout: null,
  rowTrigger: null,
};

function backendWith(settings: StepSettings, columns: string[] = []): Backend {
  return recordingBackend((name) => {
    if (name === "step_settings") return settings;
    if (name === "environment_tables") {
      const table = { logicalName: "contact", entitySetName: "contacts", primaryId: "contactid", primaryName: "fullname" };
      const cols = columns.map((c) => ({ logicalName: c, attributeType: "String", maxLength: 100, targets: [], options: null, choices: [], navigation: [] }));
      return { environment: "sandbox", fetchedAt: null, tables: [{ ...table, columns: cols }] };
    }
    throw new Error(`unexpected ${name}`);
  }).backend;
}

function renderForm(settings: StepSettings, columns: string[] = []) {
  const edits: FlowEdit[] = [];
  render(<StepSettingsForm backend={backendWith(settings, columns)} flowJson="{}" step="Step" edit={(e) => edits.push(e)} />);
  return edits;
}

describe("StepSettingsForm", () => {
  it("refuses a timeout that is not an ISO 8601 duration inline, and sends a good one", async () => {
    const edits = renderForm(base);
    const field = await screen.findByTestId("setting-timeout");
    fireEvent.change(field, { target: { value: "10 minutes" } });
    fireEvent.click(screen.getByTestId("setting-timeout-apply"));
    expect(screen.getByTestId("setting-timeout-error").textContent).toContain("ISO 8601");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(edits).toEqual([]);
    fireEvent.change(field, { target: { value: "PT10M" } });
    fireEvent.click(screen.getByTestId("setting-timeout-apply"));
    expect(screen.queryByTestId("setting-timeout-error")).toBeNull();
    expect(edits).toEqual([{ kind: "setSetting", action: "Step", setting: { setting: "timeout", timeout: "PT10M" } }]);
  });

  it("turns loop concurrency on with 20 and refuses a degree outside 1–50", async () => {
    const edits = renderForm({ ...base, concurrencyApplies: true });
    fireEvent.click(await screen.findByRole("checkbox", { name: "Concurrency control" }));
    expect(edits).toEqual([{ kind: "setSetting", action: "Step", setting: { setting: "concurrency", repetitions: 20 } }]);
    cleanup();
    const more = renderForm({ ...base, concurrencyApplies: true, concurrency: 5 });
    const degree = await screen.findByRole("spinbutton", { name: "Degree of parallelism (1–50)" });
    fireEvent.change(degree, { target: { value: "60" } });
    fireEvent.click(screen.getByTestId("setting-concurrency-apply"));
    expect(screen.getByRole("alert").textContent).toBe("The degree of parallelism must be from 1 to 50, not 60.");
    expect(more).toEqual([]);
  });

  it("shows only the retry fields of the chosen type and sends the policy", async () => {
    const edits = renderForm({ ...base, retryApplies: true });
    fireEvent.change(await screen.findByRole("combobox", { name: "Retry policy" }), { target: { value: "fixed" } });
    expect(screen.queryByTestId("setting-retry-minimumInterval")).toBeNull();
    fireEvent.change(screen.getByTestId("setting-retry-count"), { target: { value: "0" } });
    fireEvent.click(screen.getByTestId("setting-retry-apply"));
    expect(screen.getByTestId("setting-retry-count-error").textContent).toContain("from 1 to 90");
    expect(edits).toEqual([]);
    fireEvent.change(screen.getByTestId("setting-retry-count"), { target: { value: "3" } });
    fireEvent.change(screen.getByTestId("setting-retry-interval"), { target: { value: "PT20S" } });
    fireEvent.click(screen.getByTestId("setting-retry-apply"));
    expect(edits).toEqual([{ kind: "setSetting", action: "Step", setting: { setting: "retryPolicy", policy: { type: "fixed", count: 3, interval: "PT20S" } } }]);
  });

  it("finds a filtering column by name in a long table, keeping the chosen ones in view", async () => {
    const many = Array.from({ length: 20 }, (_, i) => `col${i}`).concat(["emailaddress1"]);
    const row = { table: "contact", message: 3, scope: 4, filteringColumns: ["col3"], runAs: [] };
    renderForm({ ...base, timeoutApplies: false, rowTrigger: row }, many);
    const find = await screen.findByRole("searchbox", { name: "Find a column" });
    expect(screen.getAllByRole("checkbox").length).toBe(21 + 2);
    fireEvent.change(find, { target: { value: "EMAIL" } });
    const shown = screen.getAllByRole("checkbox").map((c) => c.getAttribute("data-testid"));
    expect(shown).toEqual(["setting-trigger-column-col3", "setting-trigger-column-emailaddress1", "setting-secure-inputs", "setting-secure-outputs"]);
  });

  it("shows each field once as the flow changes under it", async () => {
    let answer: StepSettings = { ...base, concurrencyApplies: true, retryApplies: true };
    const backend: Backend = { ...backendWith(base), call: async () => answer as never };
    const { rerender } = render(<StepSettingsForm backend={backend} flowJson="1" step="Loop" edit={() => {}} />);
    await screen.findByTestId("setting-timeout");
    answer = { ...answer, concurrency: 4, timeout: "PT1M", retryPolicy: { type: "none" } };
    rerender(<StepSettingsForm backend={backend} flowJson="2" step="Loop" edit={() => {}} />);
    expect(((await screen.findByTestId("setting-concurrency-degree")) as HTMLInputElement).value).toBe("4");
    for (const id of ["setting-concurrency", "setting-retry-type", "setting-timeout"]) expect(screen.getAllByTestId(id)).toHaveLength(1);
    expect((screen.getByTestId("setting-timeout") as HTMLInputElement).value).toBe("PT1M");
  });

  it("offers the row trigger's settings, with the flow owner ruled out and why", async () => {
    const edits = renderForm(
      {
        ...base,
        timeoutApplies: false,
        rowTrigger: {
          table: "contact",
          message: 3,
          scope: 4,
          filteringColumns: ["lastname"],
          runAs: [
            { value: 1, label: "Modifying user", selected: true, disabledReason: null },
            { value: 2, label: "Row owner", selected: false, disabledReason: null },
            { value: 3, label: "Flow owner", selected: false, disabledReason: "`Task` uses the invoker's connection" },
          ],
        },
      },
      ["firstname", "lastname"],
    );
    expect(screen.queryByTestId("setting-timeout")).toBeNull();
    expect(screen.queryByRole("searchbox", { name: "Find a column" })).toBeNull();
    fireEvent.change(await screen.findByRole("combobox", { name: "Change type" }), { target: { value: "4" } });
    fireEvent.click(await screen.findByRole("checkbox", { name: "firstname" }));
    const owner = screen.getByRole("radio", { name: /Flow owner/ }) as HTMLInputElement;
    expect(owner.disabled).toBe(true);
    expect(screen.getByTestId("setting-trigger-run-as-reason").textContent).toContain("invoker's connection");
    fireEvent.click(screen.getByRole("radio", { name: "Row owner" }));
    expect(edits.map((e) => (e.kind === "setSetting" ? e.setting : null))).toEqual([
      { setting: "triggerMessage", message: 4 },
      { setting: "triggerFilteringColumns", columns: ["lastname", "firstname"] },
      { setting: "triggerRunAs", runAs: 2 },
    ]);
  });
});
