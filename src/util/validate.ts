import { OptlabError } from "./errors";

/**
 * The one home of scalar argument checks. `argument` is the full name the message starts with,
 * e.g. "topEigen: k" or "cg: tol"; the value is returned so a check can sit in an expression.
 */

/** A value as it should appear in an error message (strings quoted, functions named as such). */
export function describe(x: unknown): string {
  if (typeof x === "function") return "a function without a description";
  if (typeof x === "string") return JSON.stringify(x);
  return String(x);
}

/** An integer ≥ 1 (and ≤ `max` when given). */
export function positiveInt(value: unknown, argument: string, max?: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new OptlabError(`${argument}: expected a positive integer, got ${describe(value)}`);
  }
  if (max !== undefined && value > max) throw new OptlabError(`${argument}: expected at most ${max}, got ${value}`);
  return value;
}

/** A finite number > 0. */
export function positiveNumber(value: unknown, argument: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new OptlabError(`${argument}: expected a finite number > 0, got ${describe(value)}`);
  }
  return value;
}
