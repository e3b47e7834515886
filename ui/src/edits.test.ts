import { describe, expect, it } from "vitest";
import type { FlowDocument } from "./bindings/FlowDocument";
import type { FlowEdit } from "./bindings/FlowEdit";
import { EditQueue } from "./edits";

const doc = (source: string) => ({ name: "f", path: null, source }) as unknown as FlowDocument;

/** A backend that appends the edit's kind to the source, answering the first call last. */
function slowFirst() {
  const sent: string[] = [];
  let calls = 0;
  const apply = (document: FlowDocument, edit: FlowEdit) => {
    sent.push(document.source);
    const delay = calls++ === 0 ? 30 : 0;
    return new Promise<FlowDocument>((resolve, reject) =>
      setTimeout(() => (edit.kind === "delete" ? reject(new Error("refused")) : resolve(doc(`${document.source}+${edit.kind}`))), delay),
    );
  };
  return { sent, apply };
}

describe("the edit queue", () => {
  it("runs a second edit on what the first gave, even when it is asked for before the first answers", async () => {
    const backend = slowFirst();
    const queue = new EditQueue(backend.apply);
    queue.current = doc("v0");
    const [first, second] = await Promise.all([
      queue.run({ kind: "rename", from: "a", to: "b" }),
      queue.run({ kind: "setField", action: "a", field: "/inputs", value: 1 }),
    ]);
    expect(backend.sent).toEqual(["v0", "v0+rename"]);
    expect(first.after.source).toBe("v0+rename");
    expect(second).toMatchObject({ before: { source: "v0+rename" }, after: { source: "v0+rename+setField" } });
    expect(queue.current?.source).toBe("v0+rename+setField");
  });

  it("leaves the document as it was after a refused edit, and goes on with the next", async () => {
    const queue = new EditQueue(slowFirst().apply);
    queue.current = doc("v0");
    const refused = queue.run({ kind: "delete", action: "x" });
    const next = queue.run({ kind: "rename", from: "a", to: "b" });
    await expect(refused).rejects.toThrow("refused");
    expect((await next).after.source).toBe("v0+rename");
  });
});
