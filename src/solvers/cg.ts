import { OptlabError, checkOptions } from "../util/errors";
import { NonPositiveCurvatureError, PreconditionerError } from "./errors";
import type { Preconditioner } from "./preconditioners";
import { checkOperatorOutput, checkPositive, checkPositiveInt, checkVector, dot, nowMs, productOf, type OperatorLike } from "./vector";

export interface CgOptions {
  /** Initial guess (default 0). */
  x0?: Float64Array;
  /** Stop when ‖r_k‖₂ ≤ tol·‖b‖₂ (relative residual); default 1e-10. */
  tol?: number;
  /** Most iterations; default 10·n. */
  maxIter?: number;
  /** Preconditioner M⁻¹ (SPD); default none (plain CG). */
  preconditioner?: Preconditioner;
  /** The exact solution, if known: the A-norm error ‖x_k − x*‖_A is recorded (one extra matvec per step, not counted). */
  xStar?: Float64Array;
  /** Keep every iterate x_k (memory n per step). Default false. */
  recordIterates?: boolean;
}

export interface CgResult {
  method: "cg" | "pcg";
  preconditioner: string | null;
  x: Float64Array;
  /** Iterations done (= matvecs with A, excluding the initial residual). */
  iterations: number;
  matvecs: number;
  converged: boolean;
  /** Relative residual ‖r‖/‖b‖ reached. */
  relativeResidual: number;
  tol: number;
  /** ‖r_k‖₂ for k = 0..iterations (recursively updated residual). */
  residualHistory: number[];
  /** ‖x_k − x*‖_A for k = 0..iterations when xStar was given, else null. */
  aNormErrorHistory: number[] | null;
  /** x_0..x_k when recordIterates. */
  iterates: Float64Array[] | null;
  backend: "cpu";
  dtype: "f64";
  wallTimeMs: number;
}

/**
 * Conjugate gradient (Hestenes–Stiefel 1952) for SPD A given as v ↦ Av, optionally
 * preconditioned (PCG with z = M⁻¹r). Minimizes ‖x − x*‖_A over x0 + K_k, so the A-norm error is
 * non-increasing and, in exact arithmetic, x* is reached in ≤ n steps. Detects non-SPD A by
 * non-positive curvature pᵀAp ≤ 0 and throws NonPositiveCurvatureError.
 */
export function cg(a: OperatorLike, b: Float64Array, opts: CgOptions = {}): CgResult {
  checkOptions(opts, ["x0", "tol", "maxIter", "preconditioner", "xStar", "recordIterates"], "cg");
  if (typeof a !== "function") throw new OptlabError(`cg: A: expected a function v ↦ Av, got ${typeof a}`);
  b = checkVector(b, "cg: b");
  const A = productOf(a, "cg: a", b.length);
  const n = b.length;
  if (n === 0) throw new OptlabError("cg: b: expected a non-empty vector");
  const tol = checkPositive(opts.tol ?? 1e-10, "cg: tol");
  const maxIter = checkPositiveInt(opts.maxIter ?? 10 * n, "cg: maxIter");
  const x = opts.x0 ? Float64Array.from(checkVector(opts.x0, "cg: x0", n)) : new Float64Array(n);
  const xStar = opts.xStar ? checkVector(opts.xStar, "cg: xStar", n) : null;
  const pre = opts.preconditioner ?? null;
  if (pre !== null && (typeof pre !== "object" || typeof pre.apply !== "function")) throw new OptlabError("cg: preconditioner: expected {name, apply(r)}");
  const t0 = nowMs();
  const aNorm = (xk: Float64Array): number => {
    const e = new Float64Array(n);
    for (let i = 0; i < n; i++) e[i] = xk[i] - xStar![i];
    const ae = checkOperatorOutput(A(e), n, "cg: A");
    return Math.sqrt(Math.max(0, dot(e, ae)));
  };
  let matvecs = 0;
  const r = Float64Array.from(b);
  if (opts.x0) {
    const ax = checkOperatorOutput(A(x), n, "cg: A");
    matvecs++;
    for (let i = 0; i < n; i++) r[i] -= ax[i];
  }
  const applyPre = (v: Float64Array): Float64Array => (pre ? checkOperatorOutput(pre.apply(v), n, `cg: preconditioner ${pre.name}`) : v);
  let z = applyPre(r);
  const p = Float64Array.from(z);
  let rz = dot(r, z);
  const bNorm = Math.sqrt(dot(b, b)) || 1;
  let rNorm = Math.sqrt(dot(r, r));
  const residualHistory = [rNorm];
  const aNormErrorHistory = xStar ? [aNorm(x)] : null;
  const iterates = opts.recordIterates ? [Float64Array.from(x)] : null;
  let k = 0;
  let converged = rNorm <= tol * bNorm;
  while (!converged && k < maxIter) {
    if (pre && !(rz > 0)) throw new PreconditionerError(`cg: preconditioner ${pre.name}: not SPD, rᵀM⁻¹r = ${rz} at iteration ${k}`);
    const ap = checkOperatorOutput(A(p), n, "cg: A");
    matvecs++;
    const curv = dot(p, ap);
    if (!(curv > 0)) throw new NonPositiveCurvatureError("cg", k, curv);
    const alpha = rz / curv;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * ap[i];
    }
    k++;
    rNorm = Math.sqrt(dot(r, r));
    residualHistory.push(rNorm);
    if (aNormErrorHistory) aNormErrorHistory.push(aNorm(x));
    if (iterates) iterates.push(Float64Array.from(x));
    converged = rNorm <= tol * bNorm;
    if (converged) break;
    z = applyPre(r);
    const rzNew = dot(r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }
  return {
    method: pre ? "pcg" : "cg",
    preconditioner: pre ? pre.name : null,
    x,
    iterations: k,
    matvecs,
    converged,
    relativeResidual: rNorm / bNorm,
    tol,
    residualHistory,
    aNormErrorHistory,
    iterates,
    backend: "cpu",
    dtype: "f64",
    wallTimeMs: nowMs() - t0,
  };
}
