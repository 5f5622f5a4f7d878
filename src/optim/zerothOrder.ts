import { check, checkOptions } from "../util/errors";
import { toRng, type Rng } from "../random/Rng";
import { checkInteger, checkOptionsObject, checkPositive, checkUnitInterval } from "./validators";
import { checkLearningRate, lrRecord, type LearningRate } from "./learningRate";
import { closureOptimizer, type ClosureOptimizer } from "./closureOptimizer";

/**
 * Coordinate-wise gradient estimate (CGE; DeepZero, Chen et al., 2024): forward differences along
 * each basis vector, ĝ_i = (f(x + μe_i) − f(x))/μ. d + 1 evaluations (f(x) may be given). On a
 * quadratic ½xᵀAx + bᵀx it equals ∇f(x) + (μ/2)·diag(A) exactly.
 */
export function cge(f: (x: Float64Array) => number, x: ArrayLike<number>, opts: { mu?: number; fx?: number } = {}): Float64Array {
  const where = "cge";
  check(typeof f === "function", `${where}: f`, "expected a function of a Float64Array");
  checkOptions(opts, ["mu", "fx"], where);
  const mu = opts.mu ?? 5e-3;
  checkPositive(mu, "mu", where);
  const xv = Float64Array.from(x);
  const f0 = opts.fx ?? f(xv.slice());
  const g = new Float64Array(xv.length);
  for (let i = 0; i < xv.length; i++) {
    const xp = xv.slice();
    xp[i] += mu;
    g[i] = (f(xp) - f0) / mu;
  }
  return g;
}

/**
 * Randomized gradient estimate (RGE; Nesterov & Spokoiny, 2017; Liu et al., 2020; DeepZero):
 * ĝ = (φ/q)·Σ_{j=1..q} (f(x + μu_j) − f(x))/μ · u_j with directions u_j uniform on the unit sphere
 * (φ = d, "sphere") or standard Gaussian (φ = 1, "gaussian"). q + 1 evaluations; unbiased for the
 * gradient of a smoothed f.
 */
export function rge(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  opts: { mu?: number; directions?: number; distribution?: "sphere" | "gaussian"; seed?: number | Rng; fx?: number } = {},
): Float64Array {
  const where = "rge";
  check(typeof f === "function", `${where}: f`, "expected a function of a Float64Array");
  checkOptions(opts, ["mu", "directions", "distribution", "seed", "fx"], where);
  const { mu = 5e-3, directions = 1, distribution = "sphere" } = opts;
  checkPositive(mu, "mu", where);
  checkInteger(directions, "directions", where, 1);
  check(distribution === "sphere" || distribution === "gaussian", `${where}: distribution`, `expected "sphere" or "gaussian", got ${String(distribution)}`);
  const rng = toRng(opts.seed, 0);
  const xv = Float64Array.from(x);
  const d = xv.length;
  const f0 = opts.fx ?? f(xv.slice());
  const g = new Float64Array(d);
  const phi = distribution === "sphere" ? d : 1;
  for (let k = 0; k < directions; k++) {
    const u = rng.normals(d);
    if (distribution === "sphere") {
      let n = 0;
      for (let i = 0; i < d; i++) n += u[i] * u[i];
      n = Math.sqrt(n);
      for (let i = 0; i < d; i++) u[i] /= n;
    }
    const xp = new Float64Array(d);
    for (let i = 0; i < d; i++) xp[i] = xv[i] + mu * u[i];
    const c = (phi * (f(xp) - f0)) / (mu * directions);
    for (let i = 0; i < d; i++) g[i] += c * u[i];
  }
  return g;
}

export interface ZerothOrderOptions {
  /** Learning rate (required). */
  lr: LearningRate;
  /** "cge" (coordinate, default) or "rge" (random directions). */
  estimator?: "cge" | "rge";
  /** Smoothing / difference step μ (default 5e-3). */
  mu?: number;
  /** RGE directions per step q (default 1). */
  directions?: number;
  distribution?: "sphere" | "gaussian";
  /** Momentum on the estimate, in [0, 1) (default 0). */
  momentum?: number;
  seed?: number | Rng;
}

/**
 * Zeroth-order SGD (DeepZero-style): θ ← θ − lr·b with b ← μ_m·b + ĝ, ĝ the CGE or RGE estimate
 * from closure.value only.
 */
export function zerothOrder(opts: ZerothOrderOptions): ClosureOptimizer {
  const where = "zerothOrder";
  checkOptionsObject(opts, where, true);
  checkOptions(opts, ["lr", "estimator", "mu", "directions", "distribution", "momentum", "seed"], where);
  const { lr, estimator = "cge", mu = 5e-3, directions = 1, distribution = "sphere", momentum = 0, seed = 0 } = opts;
  checkLearningRate(lr, where);
  check(estimator === "cge" || estimator === "rge", `${where}: estimator`, `expected "cge" or "rge", got ${String(estimator)}`);
  checkPositive(mu, "mu", where);
  checkInteger(directions, "directions", where, 1);
  checkUnitInterval(momentum, "momentum", where);
  let rng = toRng(seed, 0);
  const hyper = { lr: lrRecord(lr), estimator, mu, directions, distribution, momentum, seed: rng.seed };
  return closureOptimizer(where, hyper, lr, {
    update(theta, closure, slots, { lr: eta }) {
      const f = (x: Float64Array) => closure.value(x);
      const fx = f(theta.slice());
      const g = estimator === "cge" ? cge(f, theta, { mu, fx }) : rge(f, theta, { mu, directions, distribution, seed: rng, fx });
      const b = slots.get("momentumBuffer", theta.length);
      for (let j = 0; j < theta.length; j++) {
        b[j] = momentum * b[j] + g[j];
        theta[j] -= eta * b[j];
      }
      return fx;
    },
    reset() {
      rng = toRng(seed, 0);
    },
  });
}
