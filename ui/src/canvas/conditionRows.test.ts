import { describe, expect, it } from "vitest";
import { conditionExpression, conditionRows } from "./conditionRows";

describe("condition rows", () => {
  it("reads a group of comparisons, negated ones included, and writes the same expression back", () => {
    const expression = {
      or: [
        { equals: ["@triggerBody()?['status']", "Active"] },
        { not: { contains: ["@outputs('Get')?['body/name']", "test"] } },
        { greaterOrEquals: ["@variables('count')", 3] },
      ],
    };
    const rows = conditionRows(expression);
    expect(rows).toEqual({
      joiner: "or",
      rows: [
        { left: "@triggerBody()?['status']", operator: "equals", right: "Active" },
        { left: "@outputs('Get')?['body/name']", operator: "not contains", right: "test" },
        { left: "@variables('count')", operator: "greaterOrEquals", right: 3 },
      ],
    });
    expect(conditionExpression(rows!)).toEqual(expression);
  });

  it("takes a lone comparison as a group of one, and writes it in a group", () => {
    expect(conditionRows({ equals: [1, 1] })).toEqual({ joiner: "and", rows: [{ left: 1, operator: "equals", right: 1 }] });
    expect(conditionExpression({ joiner: "and", rows: [{ left: 1, operator: "less", right: 2 }] })).toEqual({ and: [{ less: [1, 2] }] });
  });

  it("has no rows for what the card cannot show: nested groups, string expressions, unknown functions, double negation", () => {
    for (const expression of [
      { and: [{ or: [{ equals: [1, 1] }] }] },
      "@equals(1, 1)",
      { and: [{ matches: ["a", "b"] }] },
      { and: [{ equals: [1] }] },
      { not: { not: { equals: [1, 1] } } },
      { and: [{ not: { greater: [1, 2] } }] },
      null,
    ]) {
      expect(conditionRows(expression), JSON.stringify(expression)).toBeNull();
    }
  });
});
