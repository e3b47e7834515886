import { describe, expect, it, vi } from "vitest";
import { BackendError } from "./Backend";
import { HttpBackend, takeSessionSecret } from "./HttpBackend";

function jsonResponse(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

describe("HttpBackend", () => {
  it("posts the request with the session secret as a bearer token", async () => {
    const fetcher = vi.fn(async () => jsonResponse(200, { name: "Flowbench", version: "0.1.0", host: "browser" }));
    const backend = new HttpBackend("abc123", fetcher);
    const info = await backend.call("app_info", {});
    expect(info.host).toBe("browser");
    const [url, init] = fetcher.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/app_info");
    expect(init.method).toBe("POST");
    expect((init.headers as Record<string, string>).authorization).toBe("Bearer abc123");
  });

  it("turns the server's coded errors into BackendErrors", async () => {
    const backend = new HttpBackend("abc123", async () =>
      jsonResponse(422, { code: "flow_parse", message: "x.json: not valid JSON at line 3" }),
    );
    const error = await backend.call("open_flow_file", { path: "x.json" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).code).toBe("flow_parse");
    expect((error as BackendError).message).toContain("line 3");
  });

  it("refuses to call without a secret, and says so with a code", async () => {
    const fetcher = vi.fn();
    const error = await new HttpBackend(null, fetcher).call("app_info", {}).catch((e: unknown) => e);
    expect((error as BackendError).code).toBe("unauthorized");
    expect(fetcher).not.toHaveBeenCalled();
  });

  it("reports a server that vanished", async () => {
    const backend = new HttpBackend("abc123", async () => {
      throw new TypeError("Failed to fetch");
    });
    const error = await backend.call("app_info", {}).catch((e: unknown) => e);
    expect((error as BackendError).message).toContain("cannot be reached");
  });
});

describe("takeSessionSecret", () => {
  it("takes the token from the fragment, keeps it for the tab and clears the address bar", () => {
    window.history.replaceState(null, "", "/designer#token=deadbeef");
    sessionStorage.clear();
    expect(takeSessionSecret(window.location, sessionStorage, window.history)).toBe("deadbeef");
    expect(window.location.hash).toBe("");
    // A reload of the same tab still has it.
    expect(takeSessionSecret(window.location, sessionStorage, window.history)).toBe("deadbeef");
  });
});
