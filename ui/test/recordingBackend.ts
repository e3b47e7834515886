import { type Backend, BackendError } from "../src/backend/Backend";

/** A backend for unit tests: records each call, and answers with `answer` (a BackendError is thrown). */
export function recordingBackend(answer: (name: string, request: unknown) => unknown) {
  const calls: Array<[string, unknown]> = [];
  const backend: Backend = {
    kind: "browser",
    pickFlowPath: async () => null,
    pickSavePath: async () => null,
    async call(name, request) {
      calls.push([name, request]);
      const result = answer(name, request);
      if (result instanceof BackendError) throw result;
      return result as never;
    },
  };
  return { backend, calls };
}
