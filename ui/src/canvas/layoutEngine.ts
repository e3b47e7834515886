import ElkApi from "elkjs/lib/elk-api";
import workerUrl from "elkjs/lib/elk-worker.min.js?url";
import type { Elk } from "./elkLayout";

let engine: Elk | undefined;

/**
 * The one ELK the app lays flows out with. It runs in a Web Worker, so laying out a 500-step flow
 * never holds up a frame; where there are no workers (unit tests under jsdom) it runs in-thread.
 */
export function layoutEngine(): Elk {
  engine ??= typeof Worker === "undefined" ? inThread() : new ElkApi({ workerUrl });
  return engine;
}

function inThread(): Elk {
  const loaded = import("elkjs/lib/elk.bundled.js").then(({ default: ElkBundled }) => new ElkBundled());
  return { layout: async (graph) => (await loaded).layout(graph) };
}
