import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "./App";
import { type Backend, BackendError } from "./backend/Backend";
import type { CommandName } from "./bindings/commands";

afterEach(cleanup);

/** A Backend for tests only: answers from a table, never bundled. */
function tableBackend(answers: Partial<Record<CommandName, unknown>>): Backend {
  return {
    kind: "browser",
    async pickFlowPath() {
      return null;
    },
    async pickSavePath() {
      return null;
    },
    async call(name) {
      const answer = answers[name];
      if (answer instanceof BackendError) throw answer;
      if (answer === undefined) throw new BackendError({ code: "unknown_command", message: name });
      return answer as never;
    },
  };
}

const flow = {
  name: "New contact follow-up",
  path: null,
  outline: {
    displayName: null,
    trigger: { name: "When_a_contact_is_added", actionType: "OpenApiConnectionWebhook", kind: "trigger", operationId: "SubscribeWebhookTrigger", table: "contact", runsAs: null, runAfter: [], branches: [] },
    steps: [
      { name: "Get_the_parent_account", actionType: "OpenApiConnection", kind: "dataverse", operationId: "GetItem", table: "accounts", runsAs: { kind: "connectionReference", logicalName: "fb_DataverseService" }, runAfter: [], branches: [] },
    ],
    stepCount: 1,
    triggerInput: null,
  },
  diagnostics: [
    {
      rule: "expression/unknown-function",
      severity: "error",
      message: "The template function 'nope' is not defined or not valid.",
      hint: null,
      location: { actionPath: ["Get_the_parent_account"], pointer: "/x", span: [1, 5] },
    },
  ],
};

describe("App", () => {
  it("shows the flow, the environment and the host", async () => {
    render(
      <App
        backend={tableBackend({
          app_info: { name: "Flowbench", version: "0.1.0", host: "browser" },
          sample_flow: flow,
          get_settings: { window: null, recentFiles: [], lastEnvironment: null },
          current_environment: { name: "Embedded sandbox", embedded: true, url: "http://127.0.0.1:5555", personas: [] },
          list_autosaves: { entries: [], setAside: [] },
        })}
      />,
    );
    expect(await screen.findByTestId("flow-name")).toHaveProperty("textContent", "New contact follow-up");
    expect(screen.getByTestId("environment").textContent).toBe("Environment: Embedded sandbox");
    expect(screen.getByTestId("environment-url").textContent).toBe("http://127.0.0.1:5555 · 0 personas");
    expect(screen.getByTestId("host-kind").textContent).toContain("Browser mode");
    expect(screen.getByTestId("problem-count").textContent).toBe("1 errors · 0 warnings");
    expect(screen.getByTestId("problem").textContent).toContain("'nope' is not defined");
    // The error is pinned on its card too.
    expect((await screen.findByTestId("step-problems")).textContent).toBe("1 error");
  });

  it("maps a failure's code to words and keeps the detail", async () => {
    render(
      <App
        backend={tableBackend({
          app_info: new BackendError({ code: "unauthorized", message: "the session secret is missing" }),
        })}
      />,
    );
    const alert = await screen.findByTestId("fatal-error");
    expect(alert.dataset.code).toBe("unauthorized");
    expect(alert.textContent).toContain("not connected to a Flowbench server");
    expect(alert.textContent).toContain("the session secret is missing");
  });
});
