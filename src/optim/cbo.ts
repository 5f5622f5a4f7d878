import { Tensor } from "../tensor/Tensor";
import { fromStorage, randn } from "../tensor/create";
import { add, mul, sub } from "../tensor/ops/binary";
import { sqrt, square } from "../tensor/ops/unary";
import { logsumexp, min, sum } from "../tensor/ops/reduce";
import { exp } from "../tensor/ops/unary";
import { matmul } from "../tensor/ops/matmul";
import { astype, reshape } from "../tensor/ops/shape";
import { allocate, type DType } from "../tensor/dtype";
import type { BackendChoice } from "../backend/registry";
import { noGrad } from "../autodiff/graph";
import { toRng, type Rng } from "../random/Rng";
import { check, checkOptions, OptlabError } from "../util/errors";
import { checkBoolean, checkInteger, checkNonNegative, checkOptionsObject, checkPositive } from "./validators";
import { checkLearningRate, lrRecord, type LearningRate } from "./learningRate";
import { closureOptimizer, type ClosureOptimizer } from "./closureOptimizer";

/** The consensus point and its weights. */
export interface Consensus {
  /** m_α = Σ_i w_i X_i, shape [d]. */
  point: Tensor;
  /** Normalized weights w_i = exp(−α f_i − logsumexp(−α f)), shape [N]. */
  weights: Tensor;
}

/**
 * The CBO consensus point (Pinnau, Totzeck, Tse & Martin, 2017; the Laplace principle: as α → ∞
 * it tends to the best particle): m_α = Σ_i X_i exp(−α f(X_i)) / Σ_j exp(−α f(X_j)). The weights
 * are formed in the log domain from f shifted by its minimum, w = exp(ℓ − logsumexp(ℓ)) with
 * ℓ = −α(f − f_min), so they stay finite and accurate in float32 even when α·f is 1e4 (a plain
 * exp(−αf) underflows to 0/0, and unshifted f32 logits of size 1e4 lose three digits). X [N, d], f [N] (same dtype as X
 * when a tensor; numbers are converted to X's dtype). The weighted sum is a `matmul`, so f32
 * particles run it on the accelerated backends.
 */
export function consensusPoint(X: Tensor, f: Tensor | ArrayLike<number>, alpha: number, opts: { backend?: BackendChoice } = {}): Consensus {
  const where = "consensusPoint";
  check(X instanceof Tensor && X.rank === 2, `${where}: X`, "expected particles as a matrix [N, d]");
  checkNonNegative(alpha, "alpha", where);
  const N = X.shape[0];
  // Shift by min f before scaling (in float64 for plain numbers): the logits −α(f − f_min) are
  // O(1) where it matters, so float32 keeps its relative precision even when α·f is 1e4.
  let fv: Tensor;
  if (f instanceof Tensor) fv = f.dtype === X.dtype ? f : astype(f, X.dtype);
  else {
    let fmin = Infinity;
    for (let i = 0; i < f.length; i++) fmin = Math.min(fmin, f[i]);
    const shifted = new Float64Array(f.length);
    for (let i = 0; i < f.length; i++) shifted[i] = Number.isFinite(fmin) ? f[i] - fmin : f[i];
    fv = fromStorage(toStorage(shifted, X.dtype), [f.length]);
  }
  check(fv.size === N, `${where}: f`, `expected ${N} values (one per particle), got ${fv.size}`);
  return noGrad(() => {
    const fmin = min(fv);
    const logits = mul(sub(reshape(fv, [N]), Number.isFinite(fmin.item()) ? fmin : 0), -alpha);
    const logw = sub(logits, logsumexp(logits));
    const weights = exp(logw);
    const point = matmul(weights, X, { backend: opts.backend });
    return { point, weights };
  });
}

function toStorage(values: ArrayLike<number>, dtype: DType) {
  const d = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) d[i] = values[i];
  return d;
}

export interface CboStepOptions {
  /** Weight α of the Laplace principle (default 30). */
  alpha?: number;
  /** Drift λ towards the consensus (default 1). */
  lambda?: number;
  /** Noise strength σ (default 0.8 isotropic; anisotropic tolerates larger). */
  sigma?: number;
  /** Time step dt (default 0.05). */
  dt?: number;
  /** Coordinate-wise noise (X_i − m)⊙ξ (Carrillo et al., 2021) instead of ‖X_i − m‖·ξ (default false). */
  anisotropic?: boolean;
  backend?: BackendChoice;
}

/**
 * One Euler–Maruyama step of CBO for all particles at once (tensor ops; f32 runs on the
 * accelerated backends through the registry):
 *
 *     X ← X − λ·dt·(X − m) + σ·√dt·‖X − m‖·ξ          (isotropic)
 *     X ← X − λ·dt·(X − m) + σ·√dt·(X − m)⊙ξ          (anisotropic)
 *
 * with ξ ~ N(0, I) drawn from `rng` in X's dtype. Returns the new particles and the consensus.
 */
export function cboStep(X: Tensor, f: Tensor | ArrayLike<number>, rng: Rng, opts: CboStepOptions = {}): { particles: Tensor; consensus: Consensus } {
  const { alpha = 30, lambda = 1, sigma = 0.8, dt = 0.05, anisotropic = false, backend } = opts;
  const consensus = consensusPoint(X, f, alpha, { backend });
  const particles = noGrad(() => {
    const diff = sub(X, consensus.point);
    const noise = randn(X.shape, rng, 1, X.dtype);
    const scale = anisotropic ? diff : sqrt(sum(square(diff), 1, true));
    return add(sub(X, mul(diff, lambda * dt)), mul(mul(scale, noise), sigma * Math.sqrt(dt)));
  });
  return { particles, consensus };
}

export interface CboOptions {
  /** Number of particles N (default 50). */
  particles?: number;
  alpha?: number;
  lambda?: number;
  sigma?: number;
  /** dt (number or schedule; default 0.05) — plays the role of the learning rate. */
  lr?: LearningRate;
  anisotropic?: boolean;
  /** Std of the initial particles around the starting parameters (default 1). */
  initStd?: number;
  /** Particle dtype (default "f64"; "f32" runs the particle algebra on the accelerated backends). */
  dtype?: DType;
  backend?: BackendChoice;
  /** Seed or Rng of the initial particles and the noise (default 0). */
  seed?: number | Rng;
}

/**
 * Consensus-based optimization as a ClosureOptimizer (derivative free: only closure.value). On
 * the first step N particles are drawn around the parameters (θ + initStd·N(0, I)); each step
 * evaluates f at every particle, moves them by `cboStep` and sets the parameters to the
 * consensus point. Slots: `particles` (N × p, float64 copy). The noise stream is not part of the
 * saved state (a loaded run continues with the current generator).
 */
export function cbo(opts?: CboOptions): ClosureOptimizer {
  const where = "cbo";
  checkOptionsObject(opts, where, false);
  checkOptions(opts, ["particles", "alpha", "lambda", "sigma", "lr", "anisotropic", "initStd", "dtype", "backend", "seed"], where);
  const { particles = 50, alpha = 30, lambda = 1, sigma = 0.8, lr = 0.05, anisotropic = false, initStd = 1, dtype = "f64", backend, seed = 0 } = opts ?? {};
  checkInteger(particles, "particles", where, 2);
  checkNonNegative(alpha, "alpha", where);
  checkNonNegative(lambda, "lambda", where);
  checkNonNegative(sigma, "sigma", where);
  checkLearningRate(lr, where);
  checkBoolean(anisotropic, "anisotropic", where);
  checkPositive(initStd, "initStd", where);
  check(dtype === "f64" || dtype === "f32", `${where}: dtype`, `expected "f64" or "f32", got ${String(dtype)}`);
  let rng = toRng(seed, 0);
  const hyper = { particles, alpha, lambda, sigma, lr: lrRecord(lr), anisotropic, initStd, dtype, seed: rng.seed };
  return closureOptimizer(where, hyper, lr, {
    update(theta, closure, slots, { lr: dt }) {
      const p = theta.length;
      const first = !slots.has("particles");
      const P = slots.get("particles", particles * p);
      if (first) for (let i = 0; i < particles; i++) for (let j = 0; j < p; j++) P[i * p + j] = theta[j] + initStd * rng.normal();
      const loss = closure.value(theta);
      const f = new Float64Array(particles);
      for (let i = 0; i < particles; i++) {
        f[i] = closure.value(P.subarray(i * p, (i + 1) * p).slice());
        if (Number.isNaN(f[i])) throw new OptlabError(`${where}: closure returned NaN at particle ${i}`);
      }
      const X = fromStorage(toStorage(P, dtype), [particles, p]);
      const { particles: next, consensus } = cboStep(X, f, rng, { alpha, lambda, sigma, dt, anisotropic, backend });
      P.set(next.data);
      theta.set(consensus.point.data);
      return loss;
    },
    reset() {
      rng = toRng(seed, 0);
    },
  });
}
