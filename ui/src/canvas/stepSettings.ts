import type { RetryPolicy } from "../bindings/RetryPolicy";

/** The Dataverse row trigger's change types (`subscriptionRequest/message`). */
export const CHANGE_TYPES: ReadonlyArray<{ value: number; label: string }> = [
  { value: 1, label: "Added" },
  { value: 2, label: "Deleted" },
  { value: 3, label: "Modified" },
  { value: 4, label: "Added or Modified" },
  { value: 5, label: "Added or Deleted" },
  { value: 6, label: "Modified or Deleted" },
  { value: 7, label: "Added, Modified or Deleted" },
];

/** The row trigger's scopes (`subscriptionRequest/scope`). */
export const SCOPES: ReadonlyArray<{ value: number; label: string }> = [
  { value: 1, label: "User" },
  { value: 2, label: "Business unit" },
  { value: 3, label: "Parent: child business units" },
  { value: 4, label: "Organization" },
];

/** Filtering columns apply to change types that include Modified. */
export function includesModified(message: number | null): boolean {
  return message === null || [3, 4, 6, 7].includes(message);
}

/** `P[nY][nM][nW][nD][T[nH][nM][n[.n]S]]` with at least one amount, as the Rust edit accepts. */
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

export function isIsoDuration(text: string): boolean {
  return ISO_DURATION.test(text);
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

function wholeNumberIn(text: string, min: number, max: number, what: string): Checked<number> {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, error: `${what} must be a whole number from ${min} to ${max}.` };
  const n = Number(trimmed);
  if (n < min || n > max) return { ok: false, error: `${what} must be from ${min} to ${max}, not ${n}.` };
  return { ok: true, value: n };
}

export function checkConcurrency(text: string): Checked<number> {
  return wholeNumberIn(text, 1, 50, "The degree of parallelism");
}

export function checkRetryCount(text: string): Checked<number> {
  return wholeNumberIn(text, 1, 90, "The retry count");
}

/** A duration field: empty is `null` when `optional`, else it must be an ISO 8601 duration. */
export function checkDuration(text: string, what: string, optional: boolean): Checked<string | null> {
  const trimmed = text.trim();
  if (trimmed === "" && optional) return { ok: true, value: null };
  if (!isIsoDuration(trimmed)) return { ok: false, error: `${what} must be an ISO 8601 duration such as PT30S, PT10M or P1D.` };
  return { ok: true, value: trimmed };
}

export type RetryType = "default" | RetryPolicy["type"];

/** The retry policy form as typed. */
export type RetryForm = { type: RetryType; count: string; interval: string; minimumInterval: string; maximumInterval: string };

export type RetryField = Exclude<keyof RetryForm, "type">;

export function retryFormOf(policy: RetryPolicy | null): RetryForm {
  const blank = { count: "4", interval: "PT7S", minimumInterval: "", maximumInterval: "" };
  if (!policy) return { type: "default", ...blank };
  switch (policy.type) {
    case "none":
      return { type: "none", ...blank };
    case "fixed":
      return { type: "fixed", ...blank, count: String(policy.count), interval: policy.interval };
    case "exponential":
      return {
        type: "exponential",
        count: String(policy.count),
        interval: policy.interval,
        minimumInterval: policy.minimumInterval ?? "",
        maximumInterval: policy.maximumInterval ?? "",
      };
  }
}

/** The policy the form describes (`null` = the default policy), or an error per field. */
export function retryPolicyOf(form: RetryForm): { ok: true; policy: RetryPolicy | null } | { ok: false; errors: Partial<Record<RetryField, string>> } {
  if (form.type === "default") return { ok: true, policy: null };
  if (form.type === "none") return { ok: true, policy: { type: "none" } };
  const errors: Partial<Record<RetryField, string>> = {};
  const count = checkRetryCount(form.count);
  if (!count.ok) errors.count = count.error;
  const interval = checkDuration(form.interval, "The interval", false);
  if (!interval.ok) errors.interval = interval.error;
  if (form.type === "fixed") {
    if (!count.ok || !interval.ok) return { ok: false, errors };
    return { ok: true, policy: { type: "fixed", count: count.value, interval: interval.value as string } };
  }
  const min = checkDuration(form.minimumInterval, "The minimum interval", true);
  if (!min.ok) errors.minimumInterval = min.error;
  const max = checkDuration(form.maximumInterval, "The maximum interval", true);
  if (!max.ok) errors.maximumInterval = max.error;
  if (!count.ok || !interval.ok || !min.ok || !max.ok) return { ok: false, errors };
  if (min.value && max.value && seconds(min.value) > seconds(max.value)) {
    return { ok: false, errors: { minimumInterval: "The minimum interval is longer than the maximum interval." } };
  }
  const policy: RetryPolicy = { type: "exponential", count: count.value, interval: interval.value as string };
  if (min.value) policy.minimumInterval = min.value;
  if (max.value) policy.maximumInterval = max.value;
  return { ok: true, policy };
}

/** An ISO 8601 duration in seconds (a month counted as 30 days, a year as 365). */
export function seconds(duration: string): number {
  const m = ISO_DURATION.exec(duration);
  if (!m) return Number.NaN;
  const n = (s: string | undefined) => (s ? Number.parseFloat(s) : 0);
  return n(m[1]) * 365 * 86400 + n(m[2]) * 30 * 86400 + n(m[3]) * 7 * 86400 + n(m[4]) * 86400 + n(m[6]) * 3600 + n(m[7]) * 60 + n(m[8]);
}

/** Filtering columns after ticking or unticking one: the others keep their order, a new one goes last. */
export function toggleColumn(current: readonly string[], column: string, on: boolean): string[] {
  const same = (c: string) => c.toLowerCase() === column.toLowerCase();
  if (on) return current.some(same) ? [...current] : [...current, column];
  return current.filter((c) => !same(c));
}
