import { describe, expect, it } from "vitest";
import { explainDataverseError } from "./dataverseErrors";

describe("explainDataverseError", () => {
  it("names the user, the right, the table and the privilege", () => {
    const message =
      "Principal user (Id=0d000000-0000-4000-8000-000000000003, type=8, roleCount=1, privilegeCount=4, accessMode=0), is missing prvCreateContact privilege (Id=a1) on OTC=2 for entity 'contact'. context.Caller=0d00";
    expect(explainDataverseError("0x80040220", message, "nora")).toBe("nora lacks Create on Contact (prvCreateContact)");
    const appendTo = message.replace("prvCreateContact", "prvAppendToAccount").replace("'contact'", "'account'");
    expect(explainDataverseError("0x80040220", appendTo, "sam")).toBe("sam lacks AppendTo on Account (prvAppendToAccount)");
  });

  it("explains depth and delegation failures, and leaves other errors alone", () => {
    expect(explainDataverseError("0x80048306", "SecLib::AccessCheckEx failed. ... AccessRights: WriteAccess", "sam")).toContain("not at a depth that reaches this row (WriteAccess)");
    expect(explainDataverseError("0x8004A110", "…", "svc")).toContain("prvActOnBehalfOfAnotherUser");
    expect(explainDataverseError("0x80040217", "Entity not found", "sam")).toBeNull();
  });
});
