import { checkOptions, check } from "../util/errors";
import { toRng, type Rng } from "../random/Rng";
import { adamHyper } from "./adamHyper";
import { checkInteger, checkOptionsObject, checkPositive, checkBoolean } from "./validators";
import { lrRecord, type LearningRate } from "./learningRate";
import { closureOptimizer, type ClosureOptimizer } from "./closureOptimizer";
import { hutchinsonDiagonal } from "./hutchinson";
import type { FlatBlock } from "./layout";

export interface AdaHessianOptions {
  /** Learning rate (default 0.15, the paper's). */
  lr?: LearningRate;
  beta1?: number;
  beta2?: number;
  /** Added to the denominator (default 1e-4). */
  eps?: number;
  /** Decoupled weight decay θ ← θ − lr·wd·θ (default 0). */
  weightDecay?: number;
  /** Hessian power k in (0, 1] applied to √v (default 1). */
  hessianPower?: number;
  /** Rademacher probes per step (default 1). */
  probes?: number;
  /** Spatial averaging of |D| over the trailing axes of rank ≥ 3 leaves (conv kernels; default true). */
  spatialAveraging?: boolean;
  /** Seed or Rng of the probes (default 0). */
  seed?: number | Rng;
}

/**
 * Spatial averaging of AdaHessian: for a leaf of rank ≥ 3 (e.g. a conv kernel [out, in, kh, kw]),
 * each entry of the diagonal estimate is replaced by the mean of |D| over the trailing axes
 * (all but the first two); lower-rank leaves keep D. In place on `diag`.
 */
export function spatialAverage(diag: Float64Array, blocks: readonly FlatBlock[]): void {
  for (const b of blocks) {
    if (b.shape.length < 3) continue;
    const inner = b.shape.slice(2).reduce((x, y) => x * y, 1);
    for (let off = b.offset; off < b.offset + b.size; off += inner) {
      let s = 0;
      for (let j = 0; j < inner; j++) s += Math.abs(diag[off + j]);
      for (let j = 0; j < inner; j++) diag[off + j] = s / inner;
    }
  }
}

/**
 * AdaHessian (Yao et al., 2021, "ADAHESSIAN: An Adaptive Second Order Optimizer for Machine
 * Learning"): Adam with the second moment of the Hutchinson Hessian diagonal D instead of g²,
 *
 *     D = z ⊙ (H z)  (Rademacher z; exact HVPs from the closure; spatially averaged)
 *     m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·D²
 *     θ ← θ − lr·( (m/(1 − β1ᵗ)) / ((√v/√(1 − β2ᵗ))ᵏ + eps) + wd·θ )
 *
 * Closure-based: one gradient and `probes` HVPs per step. The slot `hessianDiag` keeps the last D.
 */
export function adahessian(opts?: AdaHessianOptions): ClosureOptimizer {
  const where = "adahessian";
  checkOptionsObject(opts, where, false);
  checkOptions(opts, ["lr", "beta1", "beta2", "eps", "weightDecay", "hessianPower", "probes", "spatialAveraging", "seed"], where);
  const { lr, beta1, beta2, eps, weightDecay } = adamHyper(opts ?? {}, where, { lr: 0.15, beta1: 0.9, beta2: 0.999, eps: 1e-4, weightDecay: 0 });
  const { hessianPower = 1, probes = 1, spatialAveraging = true, seed = 0 } = opts ?? {};
  checkPositive(hessianPower, "hessianPower", where);
  check(hessianPower <= 1, `${where}: hessianPower`, `expected a number in (0, 1], got ${hessianPower}`);
  checkInteger(probes, "probes", where, 1);
  checkBoolean(spatialAveraging, "spatialAveraging", where);
  let rng = toRng(seed, 0);
  const hyper = { lr: lrRecord(lr), beta1, beta2, eps, weightDecay, hessianPower, probes, spatialAveraging, seed: rng.seed };
  return closureOptimizer(where, hyper, lr, {
    needsHvp: true,
    update(theta, closure, slots, { t, lr: eta, blocks }) {
      const p = theta.length;
      const { value, grad } = closure.valueAndGrad(theta);
      const D = hutchinsonDiagonal((v) => closure.hvp!(theta, v), p, { probes, seed: rng });
      if (spatialAveraging) spatialAverage(D, blocks);
      const m = slots.get("expAvg", p);
      const v = slots.get("expHessianDiagSq", p);
      slots.get("hessianDiag", p).set(D);
      const bc1 = 1 - Math.pow(beta1, t);
      const sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, t));
      for (let j = 0; j < p; j++) {
        m[j] = beta1 * m[j] + (1 - beta1) * grad[j];
        v[j] = beta2 * v[j] + (1 - beta2) * D[j] * D[j];
        const denom = Math.pow(Math.sqrt(v[j]) / sqrtBc2, hessianPower) + eps;
        theta[j] -= eta * (m[j] / bc1 / denom + weightDecay * theta[j]);
      }
      return value;
    },
    reset() {
      rng = toRng(seed, 0);
    },
  });
}
