/**
 * Dataverse's security errors in a maker's words: "sam lacks Create on Contact
 * (prvCreateContact)" instead of the platform's "Principal user (Id=…) is missing … privilege".
 * Only codes whose text is documented are read (see the reference, security model §2.5).
 */

const RIGHTS = ["AppendTo", "Append", "Assign", "Create", "Delete", "Read", "Share", "Write"];

/** "contact" → "Contact", "connectionreference" stays as written past the first letter. */
function tableWords(logicalName: string): string {
  return logicalName.charAt(0).toUpperCase() + logicalName.slice(1);
}

export function explainDataverseError(code: string, message: string, user: string | null): string | null {
  const who = user ?? "The user";
  if (code === "0x80040220") {
    const missing = /is missing (prv\w+) privilege/.exec(message)?.[1];
    if (!missing) return null;
    const right = RIGHTS.find((r) => missing.startsWith(`prv${r}`));
    const entity = /for entity '(\w+)'/.exec(message)?.[1];
    return right && entity ? `${who} lacks ${right} on ${tableWords(entity)} (${missing})` : `${who} lacks ${missing}`;
  }
  if (code === "0x80048306") {
    const rights = /AccessRights: (\w+)/.exec(message)?.[1];
    return `${who} holds the privilege, but not at a depth that reaches this row${rights ? ` (${rights})` : ""}: it belongs to someone outside their reach`;
  }
  if (code === "0x8004A110") {
    return `${who} may not act on behalf of another user: they need prvActOnBehalfOfAnotherUser (the Delegate role)`;
  }
  return null;
}
