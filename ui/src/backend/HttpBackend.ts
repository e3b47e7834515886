import type { CommandName } from "../bindings/commands";
import { type Backend, BackendError, type Request, type Response, isApiError } from "./Backend";

type Fetch = (input: string, init: RequestInit) => Promise<globalThis.Response>;

/** Browser mode: `flowbench serve` on loopback, with the per-start secret as a bearer token. */
export class HttpBackend implements Backend {
  readonly kind = "browser" as const;

  constructor(
    private readonly secret: string | null,
    private readonly fetcher: Fetch = (input, init) => fetch(input, init),
    private readonly ask: (question: string) => string | null = (q) => window.prompt(q),
  ) {}

  async pickSavePath(suggested: string): Promise<string | null> {
    const answer = this.ask(`Path to save the flow JSON to (for example ${suggested}):`);
    return answer && answer.trim() ? answer.trim() : null;
  }

  /** A browser cannot hand a page a file's path: ask for it (the server reads it). */
  async pickFlowPath(): Promise<string | null> {
    const answer = this.ask("Path of a flow JSON file, a solution .zip or an unpacked solution folder:");
    return answer && answer.trim() ? answer.trim() : null;
  }

  async call<N extends CommandName>(name: N, request: Request<N>): Promise<Response<N>> {
    if (!this.secret) {
      throw new BackendError({
        code: "unauthorized",
        message: "This page has no session secret: open the address `flowbench serve` printed.",
      });
    }
    let response: globalThis.Response;
    try {
      response = await this.fetcher(`/api/${name}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.secret}` },
        body: JSON.stringify(request ?? {}),
      });
    } catch (error) {
      throw new BackendError({ code: "internal", message: `The Flowbench server cannot be reached: ${String(error)}` });
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) return body as Response<N>;
    if (isApiError(body)) throw new BackendError(body);
    throw new BackendError({ code: "internal", message: `\`${name}\` failed with HTTP ${response.status}` });
  }
}

const STORAGE_KEY = "flowbench.session";

/**
 * Takes the secret from `#token=…` (where `flowbench serve` puts it), keeps it for reloads of this
 * tab only, and removes it from the address bar so it is not bookmarked or shared.
 */
export function takeSessionSecret(location: Location, storage: Storage, history: History): string | null {
  const match = /(?:^#|&)token=([0-9a-f]+)/.exec(location.hash);
  if (match) {
    storage.setItem(STORAGE_KEY, match[1]);
    history.replaceState(null, "", location.pathname + location.search);
    return match[1];
  }
  return storage.getItem(STORAGE_KEY);
}
