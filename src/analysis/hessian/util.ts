import { getBackendChoice } from "../../backend/registry";
import { OptlabError } from "../../util/errors";
import { positiveInt, positiveNumber } from "../../util/validate";

/** Internal helpers shared by the hessian analyses: vectors, the event-loop yield, the run record. */

export { dot, norm2 as norm } from "../../linalg/vector";

/** The cooperative yield of long analyses (also stops them when a kernel interrupt arrives). */
export { ticker } from "../../util/interrupt";

/** The backend that ran the products: f64 under `auto` always routes to cpu. */
export function backendName(dtype: "f64" | "f32"): string {
  const choice = getBackendChoice();
  if (choice === "auto") return dtype === "f64" ? "cpu" : "auto";
  return choice;
}

export function checkPositiveInt(value: unknown, argument: string, where: string, max?: number): number {
  return positiveInt(value, `${where}: ${argument}`, max);
}

export function checkPositive(value: unknown, argument: string, where: string): number {
  return positiveNumber(value, `${where}: ${argument}`);
}

export function checkSeed(value: unknown, where: string): number {
  const s = value ?? 0;
  if (typeof s !== "number" || !Number.isInteger(s)) throw new OptlabError(`${where}: seed: expected an integer, got ${String(value)}`);
  return s;
}

/** Rademacher vector (±1 entries) of length p. */
export function rademacher(rng: { rademacher(): number }, p: number): Float64Array {
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) z[i] = rng.rademacher();
  return z;
}

/** Sample mean and its standard error (std/√n, n−1 denominator; 0 for n = 1). */
export function meanAndStdError(xs: ArrayLike<number>): { mean: number; stdError: number } {
  const n = xs.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += xs[i];
  m /= n;
  if (n < 2) return { mean: m, stdError: 0 };
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i] - m) ** 2;
  return { mean: m, stdError: Math.sqrt(v / (n - 1) / n) };
}
