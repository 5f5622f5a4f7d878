import { OptlabError, checkOptions } from "../util/errors";
import type { Preconditioner } from "./preconditioners";
import { checkOperatorOutput, checkPositive, checkPositiveInt, checkVector, dot, nowMs, productOf, type OperatorLike } from "./vector";

export interface GmresOptions {
  x0?: Float64Array;
  /** Stop when ‖b − Ax‖₂ ≤ tol·‖b‖₂; default 1e-10. */
  tol?: number;
  /** Krylov dimension before restart, GMRES(m); default min(n, 30). */
  restart?: number;
  /** Most matvecs in total; default 10·n. */
  maxIter?: number;
  /** Right preconditioner M⁻¹ (solves A M⁻¹ u = b, x = M⁻¹u), so the monitored residual is the true one. */
  preconditioner?: Preconditioner;
}

export interface GmresResult {
  method: "gmres";
  x: Float64Array;
  /** Inner (Arnoldi) iterations = matvecs with A, excluding residual recomputations at restarts. */
  iterations: number;
  restarts: number;
  converged: boolean;
  relativeResidual: number;
  tol: number;
  /** Residual norm after each inner iteration (from the Givens-rotated least-squares problem). */
  residualHistory: number[];
  backend: "cpu";
  dtype: "f64";
  wallTimeMs: number;
}

/**
 * Restarted GMRES(m) (Saad & Schultz 1986) for a general nonsingular A given as v ↦ Av:
 * Arnoldi with modified Gram–Schmidt and Givens rotations; x minimizes ‖b − Ax‖ over x0 + K_m.
 */
export function gmres(a: OperatorLike, b: Float64Array, opts: GmresOptions = {}): GmresResult {
  checkOptions(opts, ["x0", "tol", "restart", "maxIter", "preconditioner"], "gmres");
  if (typeof a !== "function") throw new OptlabError(`gmres: A: expected a function v ↦ Av, got ${typeof a}`);
  b = checkVector(b, "gmres: b");
  const prod = productOf(a, "gmres: a", b.length);
  const n = b.length;
  if (n === 0) throw new OptlabError("gmres: b: expected a non-empty vector");
  const tol = checkPositive(opts.tol ?? 1e-10, "gmres: tol");
  const restart = checkPositiveInt(opts.restart ?? Math.min(n, 30), "gmres: restart");
  const maxIter = checkPositiveInt(opts.maxIter ?? 10 * n, "gmres: maxIter");
  const x = opts.x0 ? Float64Array.from(checkVector(opts.x0, "gmres: x0", n)) : new Float64Array(n);
  const pre = opts.preconditioner ?? null;
  const mApply = (v: Float64Array) => (pre ? checkOperatorOutput(pre.apply(v), n, `gmres: preconditioner ${pre.name}`) : v);
  const A = (v: Float64Array) => checkOperatorOutput(prod(v), n, "gmres: A");
  const t0 = nowMs();
  const bNorm = Math.sqrt(dot(b, b)) || 1;
  const residualHistory: number[] = [];
  let iterations = 0;
  let restarts = 0;
  let converged = false;
  let rel = Infinity;
  while (!converged && iterations < maxIter) {
    const ax = A(x);
    const r = b.map((v, i) => v - ax[i]);
    const beta = Math.sqrt(dot(r, r));
    rel = beta / bNorm;
    if (iterations === 0) residualHistory.push(beta);
    if (rel <= tol) {
      converged = true;
      break;
    }
    const m = Math.min(restart, maxIter - iterations);
    const V: Float64Array[] = [r.map((v) => v / beta)];
    const H: Float64Array[] = []; // H[j] column j, length j+2
    const cs: number[] = [];
    const sn: number[] = [];
    const g = new Float64Array(m + 1);
    g[0] = beta;
    let j = 0;
    for (; j < m; j++) {
      const w = A(mApply(V[j]));
      iterations++;
      const h = new Float64Array(j + 2);
      for (let i = 0; i <= j; i++) {
        const hij = dot(w, V[i]);
        h[i] = hij;
        for (let k = 0; k < n; k++) w[k] -= hij * V[i][k];
      }
      h[j + 1] = Math.sqrt(dot(w, w));
      for (let i = 0; i < j; i++) {
        const t = cs[i] * h[i] + sn[i] * h[i + 1];
        h[i + 1] = -sn[i] * h[i] + cs[i] * h[i + 1];
        h[i] = t;
      }
      const d = Math.hypot(h[j], h[j + 1]);
      const hjj1 = h[j + 1];
      cs.push(d === 0 ? 1 : h[j] / d);
      sn.push(d === 0 ? 0 : h[j + 1] / d);
      h[j] = d;
      h[j + 1] = 0;
      g[j + 1] = -sn[j] * g[j];
      g[j] = cs[j] * g[j];
      H.push(h);
      residualHistory.push(Math.abs(g[j + 1]));
      rel = Math.abs(g[j + 1]) / bNorm;
      if (rel <= tol || hjj1 <= 1e-14 * beta) {
        j++;
        break;
      }
      V.push(w.map((v) => v / hjj1));
    }
    // Back-substitute R y = g and update x += M⁻¹ V y.
    const y = new Float64Array(j);
    for (let i = j - 1; i >= 0; i--) {
      let s = g[i];
      for (let k = i + 1; k < j; k++) s -= H[k][i] * y[k];
      y[i] = s / H[i][i];
    }
    const u = new Float64Array(n);
    for (let i = 0; i < j; i++) for (let k = 0; k < n; k++) u[k] += y[i] * V[i][k];
    const du = mApply(u);
    for (let k = 0; k < n; k++) x[k] += du[k];
    restarts++;
    if (rel <= tol) {
      // Confirm with the true residual (the rotated estimate can drift in floating point).
      const ax2 = A(x);
      let s = 0;
      for (let k = 0; k < n; k++) s += (b[k] - ax2[k]) ** 2;
      rel = Math.sqrt(s) / bNorm;
      converged = rel <= tol * 10;
      if (!converged && iterations >= maxIter) break;
    }
  }
  return {
    method: "gmres", x, iterations, restarts: Math.max(0, restarts - 1), converged, relativeResidual: rel, tol, residualHistory,
    backend: "cpu", dtype: "f64", wallTimeMs: nowMs() - t0,
  };
}
