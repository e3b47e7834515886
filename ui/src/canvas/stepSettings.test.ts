import { describe, expect, it } from "vitest";
import { checkConcurrency, checkDuration, includesModified, isIsoDuration, retryFormOf, retryPolicyOf, seconds, toggleColumn } from "./stepSettings";

describe("step settings", () => {
  it("accepts ISO 8601 durations the way the Rust edit does", () => {
    for (const good of ["PT30S", "PT1H30M", "P1DT2H", "P1W", "PT0.5S", "P1D"]) expect(isIsoDuration(good), good).toBe(true);
    for (const bad of ["", "P", "PT", "30S", "PT30", "PTS", "P1H", "PT1S1M", "PT1.5M", "pt30s", "PT-1S", "10 minutes", "P1DT"]) {
      expect(isIsoDuration(bad), bad).toBe(false);
    }
    expect(seconds("P1DT2H")).toBe(93600);
    expect(seconds("PT1M30.5S")).toBe(90.5);
  });

  it("bounds concurrency to 1–50 and timeouts to durations", () => {
    expect(checkConcurrency("20")).toEqual({ ok: true, value: 20 });
    expect(checkConcurrency("0")).toEqual({ ok: false, error: "The degree of parallelism must be from 1 to 50, not 0." });
    expect(checkConcurrency("51").ok).toBe(false);
    expect(checkConcurrency("2.5").ok).toBe(false);
    expect(checkDuration("", "The timeout", true)).toEqual({ ok: true, value: null });
    expect(checkDuration(" PT5M ", "The timeout", true)).toEqual({ ok: true, value: "PT5M" });
    expect(checkDuration("5 minutes", "The timeout", true).ok).toBe(false);
    expect(checkDuration("", "The interval", false).ok).toBe(false);
  });

  it("turns the retry form into the policy Power Automate writes, or errors per field", () => {
    const form = retryFormOf(null);
    expect(form.type).toBe("default");
    expect(retryPolicyOf(form)).toEqual({ ok: true, policy: null });
    expect(retryPolicyOf({ ...form, type: "none" })).toEqual({ ok: true, policy: { type: "none" } });
    expect(retryPolicyOf({ ...form, type: "fixed", count: "3", interval: "PT20S" })).toEqual({ ok: true, policy: { type: "fixed", count: 3, interval: "PT20S" } });
    expect(retryPolicyOf({ type: "exponential", count: "4", interval: "PT7S", minimumInterval: "PT5S", maximumInterval: "" })).toEqual({
      ok: true,
      policy: { type: "exponential", count: 4, interval: "PT7S", minimumInterval: "PT5S" },
    });
    const bad = retryPolicyOf({ type: "fixed", count: "91", interval: "20s", minimumInterval: "", maximumInterval: "" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors.count).toContain("from 1 to 90");
      expect(bad.errors.interval).toContain("ISO 8601");
    }
    const crossed = retryPolicyOf({ type: "exponential", count: "4", interval: "PT7S", minimumInterval: "PT1M", maximumInterval: "PT10S" });
    expect(crossed).toEqual({ ok: false, errors: { minimumInterval: "The minimum interval is longer than the maximum interval." } });
    expect(retryFormOf({ type: "exponential", count: 2, interval: "PT9S", maximumInterval: "PT1H" })).toEqual({
      type: "exponential",
      count: "2",
      interval: "PT9S",
      minimumInterval: "",
      maximumInterval: "PT1H",
    });
  });

  it("keeps filtering columns in their order and knows which change types take them", () => {
    expect(toggleColumn(["lastname"], "firstname", true)).toEqual(["lastname", "firstname"]);
    expect(toggleColumn(["lastname", "firstname"], "firstname", true)).toEqual(["lastname", "firstname"]);
    expect(toggleColumn(["lastname", "FirstName"], "firstname", false)).toEqual(["lastname"]);
    expect([1, 2, 3, 4, 5, 6, 7].filter(includesModified)).toEqual([3, 4, 6, 7]);
  });
});
