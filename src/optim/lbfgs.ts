import { check, checkOptions, OptlabError } from "../util/errors";
import { checkInteger, checkOptionsObject, checkPositive } from "./validators";
import { checkLearningRate, lrRecord, type LearningRate } from "./learningRate";
import type { LossClosure } from "./closure";
import { closureOptimizer, type ClosureOptimizer } from "./closureOptimizer";
import { dot } from "../linalg/vector";

/** Result of a line search along d from θ: step α, and f and ∇f at θ + αd. */
export interface LineSearchResult {
  alpha: number;
  value: number;
  grad: Float64Array;
  evaluations: number;
  /** Whether the conditions were met (false: the best point found within the budget). */
  satisfied: boolean;
}

function axpy(theta: Float64Array, alpha: number, d: Float64Array): Float64Array {
  const x = new Float64Array(theta.length);
  for (let j = 0; j < x.length; j++) x[j] = theta[j] + alpha * d[j];
  return x;
}

/** Minimizer of the cubic interpolating φ, φ' at a and b, safeguarded into [lo + 0.1w, hi − 0.1w]. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const lo = Math.min(a, b), hi = Math.max(a, b), w = hi - lo;
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const sq = d1 * d1 - da * db;
  let x = (lo + hi) / 2;
  if (sq >= 0) {
    const d2 = Math.sign(b - a) * Math.sqrt(sq);
    const c = b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2));
    if (Number.isFinite(c)) x = c;
  }
  return Math.min(Math.max(x, lo + 0.1 * w), hi - 0.1 * w);
}

/**
 * Line search satisfying the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5–3.6:
 * bracketing then zoom with safeguarded cubic interpolation):
 *     f(θ+αd) ≤ f(θ) + c1·α·∇fᵀd   and   |∇f(θ+αd)ᵀd| ≤ c2·|∇fᵀd|.
 * `d` must be a descent direction (∇fᵀd < 0).
 */
export function strongWolfe(closure: LossClosure, theta: Float64Array, f0: number, g0: Float64Array, d: Float64Array, alpha0: number, opts: { c1?: number; c2?: number; maxEvals?: number } = {}): LineSearchResult {
  const { c1 = 1e-4, c2 = 0.9, maxEvals = 25 } = opts;
  const dphi0 = dot(g0, d);
  if (!(dphi0 < 0)) throw new OptlabError(`strongWolfe: d is not a descent direction (∇fᵀd = ${dphi0})`);
  let evals = 0;
  const phi = (a: number) => {
    evals++;
    const r = closure.valueAndGrad(axpy(theta, a, d));
    return { a, f: r.value, g: r.grad, dp: dot(r.grad, d) };
  };
  let prev = { a: 0, f: f0, g: g0, dp: dphi0 };
  let alpha = alpha0;
  let best = prev;
  const zoom = (lo: typeof prev, hi: typeof prev): LineSearchResult => {
    while (evals < maxEvals) {
      const a = cubicMin(lo.a, lo.f, lo.dp, hi.a, hi.f, hi.dp);
      const cur = phi(a);
      if (cur.f < best.f) best = cur;
      if (cur.f > f0 + c1 * a * dphi0 || cur.f >= lo.f) hi = cur;
      else {
        if (Math.abs(cur.dp) <= -c2 * dphi0) return { alpha: a, value: cur.f, grad: cur.g, evaluations: evals, satisfied: true };
        if (cur.dp * (hi.a - lo.a) >= 0) hi = lo;
        lo = cur;
      }
      if (Math.abs(hi.a - lo.a) < 1e-16 * Math.max(1, lo.a)) break;
    }
    return { alpha: best.a, value: best.f, grad: best.g, evaluations: evals, satisfied: false };
  };
  for (let i = 0; evals < maxEvals; i++) {
    const cur = phi(alpha);
    if (!Number.isFinite(cur.f)) {
      alpha = (prev.a + alpha) / 2;
      continue;
    }
    if (cur.f < best.f) best = cur;
    if (cur.f > f0 + c1 * alpha * dphi0 || (i > 0 && cur.f >= prev.f)) return zoom(prev, cur);
    if (Math.abs(cur.dp) <= -c2 * dphi0) return { alpha, value: cur.f, grad: cur.g, evaluations: evals, satisfied: true };
    if (cur.dp >= 0) return zoom(cur, prev);
    prev = cur;
    alpha *= 2;
  }
  return { alpha: best.a, value: best.f, grad: best.g, evaluations: evals, satisfied: false };
}

/** Backtracking (Armijo) line search: α ← ρα until f(θ+αd) ≤ f(θ) + c1·α·∇fᵀd. */
export function armijo(closure: LossClosure, theta: Float64Array, f0: number, g0: Float64Array, d: Float64Array, alpha0: number, opts: { c1?: number; shrink?: number; maxEvals?: number } = {}): LineSearchResult {
  const { c1 = 1e-4, shrink = 0.5, maxEvals = 40 } = opts;
  const dphi0 = dot(g0, d);
  if (!(dphi0 < 0)) throw new OptlabError(`armijo: d is not a descent direction (∇fᵀd = ${dphi0})`);
  let alpha = alpha0;
  for (let k = 1; k <= maxEvals; k++) {
    const r = closure.valueAndGrad(axpy(theta, alpha, d));
    if (r.value <= f0 + c1 * alpha * dphi0) return { alpha, value: r.value, grad: r.grad, evaluations: k, satisfied: true };
    alpha *= shrink;
  }
  return { alpha: 0, value: f0, grad: g0, evaluations: maxEvals, satisfied: false };
}

export interface LbfgsOptions {
  /** Initial trial step of the line search, or the fixed step with lineSearch "none" (default 1). */
  lr?: LearningRate;
  /** Number of curvature pairs kept (default 10). */
  history?: number;
  /** "strong-wolfe" (default), "armijo" (backtracking) or "none" (fixed step lr). */
  lineSearch?: "strong-wolfe" | "armijo" | "none";
  c1?: number;
  c2?: number;
  /** Evaluation budget of one line search (default 25). */
  maxEvals?: number;
}

/**
 * L-BFGS (Nocedal, 1980; Liu & Nocedal, 1989) with the two-loop recursion and initial scaling
 * H₀ = (sᵀy/yᵀy)·I from the newest pair: d = −H·∇f, then a line search. One step = one
 * quasi-Newton iteration. Pairs (s, y) = (θ_k − θ_{k−1}, ∇f_k − ∇f_{k−1}) are formed at the start
 * of each step from the previous step's start, and skipped unless sᵀy > 1e-10·‖s‖‖y‖
 * (curvature condition; guaranteed by strong Wolfe — with Armijo or no line search a failed pair
 * also clears the memory, restarting from steepest descent). Slots: `s`, `y` (history × p rings), `meta` [count, head], `prevTheta`, `prevGrad`.
 */
export function lbfgs(opts?: LbfgsOptions): ClosureOptimizer {
  const where = "lbfgs";
  checkOptionsObject(opts, where, false);
  checkOptions(opts, ["lr", "history", "lineSearch", "c1", "c2", "maxEvals"], where);
  const { lr = 1, history = 10, lineSearch = "strong-wolfe", c1 = 1e-4, c2 = 0.9, maxEvals = 25 } = opts ?? {};
  checkLearningRate(lr, where);
  checkInteger(history, "history", where, 1);
  check(["strong-wolfe", "armijo", "none"].includes(lineSearch), `${where}: lineSearch`, `expected "strong-wolfe", "armijo" or "none", got ${String(lineSearch)}`);
  checkPositive(c1, "c1", where);
  checkPositive(c2, "c2", where);
  check(c1 < c2 && c2 < 1, `${where}: c2`, `expected c1 < c2 < 1, got c1 = ${c1}, c2 = ${c2}`);
  checkInteger(maxEvals, "maxEvals", where, 1);
  const hyper = { lr: lrRecord(lr), history, lineSearch, c1, c2, maxEvals };
  return closureOptimizer(where, hyper, lr, {
    update(theta, closure, slots, { lr: eta }) {
      const p = theta.length;
      const S = slots.get("s", history * p);
      const Y = slots.get("y", history * p);
      const meta = slots.get("meta", 3); // [count, head, started]
      const prevTheta = slots.get("prevTheta", p);
      const prevGrad = slots.get("prevGrad", p);
      const { value: f0, grad: g0 } = closure.valueAndGrad(theta);
      if (meta[2] === 1) {
        const s = new Float64Array(p), y = new Float64Array(p);
        for (let j = 0; j < p; j++) {
          s[j] = theta[j] - prevTheta[j];
          y[j] = g0[j] - prevGrad[j];
        }
        const sy = dot(s, y);
        if (sy > 1e-10 * Math.sqrt(dot(s, s) * dot(y, y))) {
          let [count, head] = meta;
          let slot: number;
          if (count < history) {
            slot = (head + count) % history;
            count++;
          } else {
            slot = head;
            head = (head + 1) % history;
          }
          S.set(s, slot * p);
          Y.set(y, slot * p);
          meta[0] = count;
          meta[1] = head;
        } else if (lineSearch !== "strong-wolfe") {
          // Negative curvature along the step (possible without the Wolfe curvature condition):
          // the stored pairs no longer describe the local geometry; restart from H₀ = I.
          meta[0] = 0;
          meta[1] = 0;
        }
      }
      prevTheta.set(theta);
      prevGrad.set(g0);
      meta[2] = 1;
      // Two-loop recursion, newest pair first.
      const count = meta[0], head = meta[1];
      const order = Array.from({ length: count }, (_, i) => (head + i) % history);
      const q = Float64Array.from(g0);
      const alphas = new Float64Array(count);
      const rhos = new Float64Array(count);
      for (let k = count - 1; k >= 0; k--) {
        const sl = order[k];
        const s = S.subarray(sl * p, (sl + 1) * p), y = Y.subarray(sl * p, (sl + 1) * p);
        rhos[k] = 1 / dot(y, s);
        alphas[k] = rhos[k] * dot(s, q);
        for (let j = 0; j < p; j++) q[j] -= alphas[k] * y[j];
      }
      if (count > 0) {
        const sl = order[count - 1];
        const s = S.subarray(sl * p, (sl + 1) * p), y = Y.subarray(sl * p, (sl + 1) * p);
        const gamma = dot(s, y) / dot(y, y);
        for (let j = 0; j < p; j++) q[j] *= gamma;
      }
      for (let k = 0; k < count; k++) {
        const sl = order[k];
        const s = S.subarray(sl * p, (sl + 1) * p), y = Y.subarray(sl * p, (sl + 1) * p);
        const beta = rhos[k] * dot(y, q);
        for (let j = 0; j < p; j++) q[j] += (alphas[k] - beta) * s[j];
      }
      const d = q.map((v) => -v);
      if (dot(g0, g0) === 0) return f0;
      let alpha = eta;
      if (lineSearch !== "none") {
        const r = lineSearch === "armijo" ? armijo(closure, theta, f0, g0, d, eta, { c1, maxEvals }) : strongWolfe(closure, theta, f0, g0, d, eta, { c1, c2, maxEvals });
        alpha = r.alpha;
      }
      for (let j = 0; j < p; j++) theta[j] += alpha * d[j];
      return f0;
    },
  });
}
