import { OptlabError } from "../util/errors";

/**
 * A linear map A: ℝⁿ → ℝⁿ given by its products v ↦ A·v — a Hessian at a point, a curvature
 * matrix, a sparse or dense matrix. The one operator type solvers (CG, Lanczos, GMRES) and the
 * Hessian analyses share.
 */
export interface LinearOperator {
  /** Dimension n. */
  readonly n: number;
  /** A·v for v of length n: a fresh Float64Array of length n. */
  apply(v: Float64Array): Float64Array;
  /** Products computed so far (each `apply` counts one). */
  readonly count: number;
}

/** A LinearOperator, or a bare product function v ↦ A·v (whose n the caller states). */
export type OperatorLike = LinearOperator | ((v: Float64Array) => Float64Array);

/** A counting LinearOperator from a product function. */
export function linearOperator(n: number, product: (v: Float64Array) => Float64Array): LinearOperator {
  if (!Number.isInteger(n) || n < 1) throw new OptlabError(`linearOperator: n: expected a positive integer, got ${String(n)}`);
  if (typeof product !== "function") throw new OptlabError("linearOperator: product: expected a function v ↦ A·v");
  const op = {
    n,
    count: 0,
    apply(v: Float64Array): Float64Array {
      op.count++;
      return product(v);
    },
  };
  return op;
}

/** Whether `a` is a LinearOperator (an object with `n` and `apply`). */
export function isLinearOperator(a: unknown): a is LinearOperator {
  return typeof a === "object" && a !== null && typeof (a as LinearOperator).apply === "function" && typeof (a as LinearOperator).n === "number";
}

/** The product function of an operator-like argument, checked against the dimension `n` when known. */
export function productOf(a: unknown, argument: string, n?: number): (v: Float64Array) => Float64Array {
  if (typeof a === "function") return a as (v: Float64Array) => Float64Array;
  if (isLinearOperator(a)) {
    if (n !== undefined && a.n !== n) throw new OptlabError(`${argument}: operator has dimension ${a.n}, expected ${n}`);
    return (v) => a.apply(v);
  }
  throw new OptlabError(`${argument}: expected a LinearOperator { n, apply(v) } or a function v ↦ A·v, got ${a === null ? "null" : typeof a}`);
}
