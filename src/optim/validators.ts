import { check } from "../util/errors";
import { describe, positiveNumber } from "../util/validate";

/**
 * Option checks of optim, the one home for them: each names the caller (`where`) and the option,
 * says what was expected and what came, and never clamps. Built on `check` (util/errors).
 */

export { describe } from "../util/validate";

/** A finite number >= `min` (default 0). */
export function checkNonNegative(x: unknown, name: string, where: string, min = 0): asserts x is number {
  check(typeof x === "number" && Number.isFinite(x) && x >= min, `${where}: ${name}`, `expected a finite number >= ${min}, got ${describe(x)}`);
}

/** A finite number > 0 (util/validate's check, in optim's (value, name, where) form). */
export function checkPositive(x: unknown, name: string, where: string): asserts x is number {
  positiveNumber(x, `${where}: ${name}`);
}

/** A number in [0, 1). */
export function checkUnitInterval(x: unknown, name: string, where: string): asserts x is number {
  check(typeof x === "number" && x >= 0 && x < 1, `${where}: ${name}`, `expected a number in [0, 1), got ${describe(x)}`);
}

/** An integer >= `min` (default 1). */
export function checkInteger(x: unknown, name: string, where: string, min = 1): asserts x is number {
  check(typeof x === "number" && Number.isInteger(x) && x >= min, `${where}: ${name}`, `expected an integer >= ${min}, got ${describe(x)}`);
}

/** true or false. */
export function checkBoolean(x: unknown, name: string, where: string): asserts x is boolean {
  check(typeof x === "boolean", `${where}: ${name}`, `expected true or false, got ${describe(x)}`);
}

/** Options must be a plain object when given; `required` says whether it may be omitted. */
export function checkOptionsObject(opts: unknown, where: string, required: boolean): void {
  if (opts === undefined && !required) return;
  check(opts !== null && typeof opts === "object" && !Array.isArray(opts), `${where}: options`, `expected an options object, got ${describe(opts)}`);
}
