import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { BackendError } from "../backend/Backend";
import type { EnvironmentList } from "../bindings/EnvironmentList";
import { EnvironmentsPanel } from "./EnvironmentsPanel";
import { recordingBackend } from "../../test/recordingBackend";

afterEach(cleanup);

const environments: EnvironmentList = {
  current: "sandbox",
  environments: [
    { name: "sandbox", url: null, embedded: true, accounts: [] },
    {
      name: "contoso",
      url: "https://contoso.crm.dynamics.com",
      embedded: false,
      accounts: [{ username: "ada@contoso.com", label: "Ada <ada@contoso.com>", application: false, isDefault: true }],
    },
  ],
};


describe("EnvironmentsPanel", () => {
  it("lists environments with who is signed in, and signs an account out", async () => {
    const { backend, calls } = recordingBackend((name) =>
      name === "sign_out" ? { ...environments, environments: [environments.environments[0], { ...environments.environments[1], accounts: [] }] } : environments,
    );
    let changes = 0;
    render(<EnvironmentsPanel backend={backend} onChanged={() => (changes += 1)} onClose={() => {}} />);
    expect((await screen.findByText("Ada <ada@contoso.com>", { exact: false })).textContent).toContain("owns connections");
    fireEvent.click(screen.getByTestId("environment-sign-out"));
    expect((await screen.findByTestId("environments-notice")).textContent).toBe("Signed out ada@contoso.com");
    expect(calls).toContainEqual(["sign_out", { environment: "contoso", username: "ada@contoso.com" }]);
    expect(screen.getByText("Nobody is signed in.")).toBeTruthy();
    expect(changes).toBe(1);
  });

  it("explains a declined sign-in by its code, and the panel stays usable", async () => {
    const { backend } = recordingBackend((name) => {
      if (name === "begin_sign_in") return { signInId: "abc", url: "http://127.0.0.1:1/authorize", opened: true };
      if (name === "finish_sign_in") return new BackendError({ code: "sign_in_cancelled", message: "consent was declined (AADSTS65004)" });
      return environments;
    });
    render(<EnvironmentsPanel backend={backend} onChanged={() => {}} onClose={() => {}} />);
    fireEvent.click(await screen.findByTestId("environment-sign-in"));
    const alert = await screen.findByTestId("environments-error");
    expect(alert.dataset.code).toBe("sign_in_cancelled");
    expect(alert.textContent).toBe("The sign-in did not finish. consent was declined (AADSTS65004)");
    expect(screen.queryByTestId("sign-in-waiting")).toBeNull();
    expect((screen.getByTestId("environment-sign-in") as HTMLButtonElement).disabled).toBe(false);
  });
});
