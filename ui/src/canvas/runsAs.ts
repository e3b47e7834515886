import type { RunsAs } from "../bindings/RunsAs";
import type { TriggerRunAs } from "../bindings/TriggerRunAs";

const TRIGGER_USER: Record<TriggerRunAs, string> = {
  modifyingUser: "the modifying user",
  rowOwner: "the row owner",
  flowOwner: "the flow owner",
};

/** What a card's identity badge says, and whether it is a problem. */
export function runsAsLabel(runsAs: RunsAs): { text: string; title: string; problem: boolean } {
  switch (runsAs.kind) {
    case "connectionReference":
      return {
        text: `Runs as ${runsAs.logicalName ?? "the connection"}'s owner`,
        title: `Connection reference ${runsAs.logicalName ?? "(no logical name)"}: the step runs as the owner of the bound connection.`,
        problem: false,
      };
    case "runOnlyUser":
      return {
        text: "Runs as the invoker",
        title: "Invoker's connection: the user who runs the flow supplies the connection (run-only user).",
        problem: false,
      };
    case "triggerRunAs":
      return {
        text: `Runs as ${TRIGGER_USER[runsAs.user]}`,
        title: `Invoker's connection through the trigger's "Run as": ${TRIGGER_USER[runsAs.user]}.`,
        problem: false,
      };
    case "unresolved":
      return { text: "Identity unknown", title: runsAs.reason, problem: true };
  }
}
