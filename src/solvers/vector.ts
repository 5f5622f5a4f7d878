import { OptlabError } from "../util/errors";

/**
 * What the solvers accept as A: a LinearOperator { n, apply } (a Hessian linearization, a curvature
 * operator) or a bare product function v ↦ A·v. One type, shared with the analyses.
 */
export type { OperatorLike, LinearOperator } from "../linalg/LinearOperator";
export { productOf } from "../linalg/LinearOperator";
export { dot, norm2, axpy, sub } from "../linalg/vector";

/**
 * Validate a vector argument: a Float64Array (or number array, copied) of length `n` (when given)
 * with finite entries. Throws an OptlabError naming `argument` otherwise.
 */
export function checkVector(v: unknown, argument: string, n?: number): Float64Array {
  let out: Float64Array;
  if (v instanceof Float64Array) out = v;
  else if (Array.isArray(v) || v instanceof Float32Array) out = Float64Array.from(v as ArrayLike<number>);
  else throw new OptlabError(`${argument}: expected a Float64Array, got ${v === null ? "null" : typeof v}`);
  if (n !== undefined && out.length !== n) throw new OptlabError(`${argument}: expected length ${n}, got ${out.length}`);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new OptlabError(`${argument}: non-finite value ${out[i]} at index ${i}`);
  }
  return out;
}

/** Validate an operator's output (length n, finite), naming the operator and the step. */
export function checkOperatorOutput(y: unknown, n: number, where: string): Float64Array {
  if (!(y instanceof Float64Array)) throw new OptlabError(`${where}: the operator must return a Float64Array, got ${typeof y}`);
  if (y.length !== n) throw new OptlabError(`${where}: the operator returned length ${y.length}, expected ${n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) throw new OptlabError(`${where}: the operator returned non-finite value ${y[i]} at index ${i}`);
  }
  return y;
}

/** Check a positive integer argument (`argument` names it, e.g. "cg: maxIter"). */
export { positiveInt as checkPositiveInt, positiveNumber as checkPositive } from "../util/validate";

/** Milliseconds since an arbitrary origin, high resolution. */
export function nowMs(): number {
  return performance.now();
}
