import type { FlowDocument } from "./bindings/FlowDocument";
import type { FlowEdit } from "./bindings/FlowEdit";

/** An edit done: the document it was made on (an undo step) and the one it gave. */
export interface EditDone {
  before: FlowDocument;
  after: FlowDocument;
}

/**
 * Runs edits one at a time, each on the document the one before it left, so two quick edits (a
 * field committed, then an operator picked) never lose the first. `current` is that document;
 * whatever else replaces the flow (opening, undo, the code view) sets it too. A refused edit
 * leaves the document as it was and does not stop the edits after it.
 */
export class EditQueue {
  current: FlowDocument | null = null;
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly apply: (document: FlowDocument, edit: FlowEdit) => Promise<FlowDocument>) {}

  run(edit: FlowEdit): Promise<EditDone> {
    const next = this.last.then(async () => {
      const before = this.current;
      if (!before) throw new Error("there is no flow to edit");
      const after = await this.apply(before, edit);
      this.current = after;
      return { before, after };
    });
    this.last = next.catch(() => undefined);
    return next;
  }
}
