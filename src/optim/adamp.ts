import { checkOptions } from "../util/errors";
import { checkLearningRate, lrRecord, type LearningRate } from "./learningRate";
import { checkBoolean, checkNonNegative, checkOptionsObject, checkPositive, checkUnitInterval } from "./validators";
import { adamHyper } from "./adamHyper";
import { defineOptimizer } from "./defineOptimizer";
import { leafViews } from "./layout";
import type { Optimizer } from "./Optimizer";

/**
 * The projection of AdamP/SGDP (Heo et al., 2021, "AdamP: Slowing Down the Slowdown for Momentum
 * Optimizers on Scale-invariant Weights"). For a leaf of rank > 1, try two views of the weight w:
 * per channel (rows of w reshaped [shape[0], −1], PyTorch's output-channel axis) and the whole
 * layer. In the first view where every |cos(w, g)| < δ/√(view dim) the weight is deemed scale
 * invariant: the radial component is removed from the update, p ← p − ŵ⟨ŵ, p⟩ (ŵ = w/‖w‖ per
 * view), and the weight decay is scaled by `wdRatio`. Returns the weight-decay factor used
 * (1 when not projected). `update` is modified in place.
 */
export function projectRadial(
  w: Float64Array,
  grad: ArrayLike<number>,
  update: Float64Array,
  shape: readonly number[],
  delta: number,
  wdRatio: number,
  eps: number,
): { projected: "channel" | "layer" | null; wdFactor: number } {
  if (shape.length <= 1) return { projected: null, wdFactor: 1 };
  const n = w.length;
  const views: Array<["channel" | "layer", number]> = [["channel", shape[0]], ["layer", 1]];
  for (const [kind, groups] of views) {
    const len = n / groups;
    let maxCos = 0;
    for (let r = 0; r < groups; r++) {
      let wg = 0, ww = 0, gg = 0;
      for (let j = r * len; j < (r + 1) * len; j++) {
        wg += w[j] * grad[j];
        ww += w[j] * w[j];
        gg += grad[j] * grad[j];
      }
      const cos = Math.abs(wg) / ((Math.sqrt(ww) + eps) * (Math.sqrt(gg) + eps));
      maxCos = Math.max(maxCos, cos);
    }
    if (maxCos < delta / Math.sqrt(len)) {
      for (let r = 0; r < groups; r++) {
        let ww = 0;
        for (let j = r * len; j < (r + 1) * len; j++) ww += w[j] * w[j];
        const inv = 1 / (Math.sqrt(ww) + eps);
        let wp = 0;
        for (let j = r * len; j < (r + 1) * len; j++) wp += w[j] * inv * update[j];
        for (let j = r * len; j < (r + 1) * len; j++) update[j] -= w[j] * inv * wp;
      }
      return { projected: kind, wdFactor: wdRatio };
    }
  }
  return { projected: null, wdFactor: 1 };
}

export interface AdamPOptions {
  /** Learning rate (default 1e-3). */
  lr?: LearningRate;
  beta1?: number;
  beta2?: number;
  /** Added to the bias-corrected root second moment and to norms (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay (default 0), scaled by `wdRatio` on projected leaves. */
  weightDecay?: number;
  /** Cosine threshold δ: a view is scale invariant when max |cos(w, g)| < δ/√dim (default 0.1). */
  delta?: number;
  /** Weight-decay factor on projected leaves (default 0.1). */
  wdRatio?: number;
  /** Nesterov-style first moment (default false). */
  nesterov?: boolean;
}

/**
 * AdamP (Heo et al., 2021). Adam's direction p = m̂/(√v̂ + eps) (m̂ = m/(1−β1ᵗ) or, with nesterov,
 * (β1·m + (1−β1)·g)/(1−β1ᵗ)); on leaves of rank > 1, `projectRadial` removes p's radial component
 * when the weight looks scale invariant; then θ ← θ·(1 − lr·wd·wdFactor) − lr·p.
 * (Equivalent to the official code: step size lr/(1−β1ᵗ), denominator √v/√(1−β2ᵗ) + eps.)
 */
export function adamp(opts?: AdamPOptions): Optimizer {
  const where = "adamp";
  checkOptionsObject(opts, where, false);
  checkOptions(opts, ["lr", "beta1", "beta2", "eps", "weightDecay", "delta", "wdRatio", "nesterov"], where);
  const { lr, beta1, beta2, eps, weightDecay } = adamHyper(opts ?? {}, where);
  const { delta = 0.1, wdRatio = 0.1, nesterov = false } = opts ?? {};
  checkPositive(delta, "delta", where);
  checkNonNegative(wdRatio, "wdRatio", where);
  checkBoolean(nesterov, "nesterov", where);
  const hyper = { lr: lrRecord(lr), beta1, beta2, eps, weightDecay, delta, wdRatio, nesterov };
  return defineOptimizer(where, hyper, lr, {
    slots: ["expAvg", "expAvgSq"],
    apply(thetaAll, gAll, slots, { t, lr: eta, blocks }) {
      const bc1 = 1 - Math.pow(beta1, t);
      const sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, t));
      for (const block of blocks) {
        const [theta, g, m, v] = leafViews(block, thetaAll, gAll, ...slots);
        const n = theta.length;
        const p = new Float64Array(n);
        for (let j = 0; j < n; j++) {
          m[j] = beta1 * m[j] + (1 - beta1) * g[j];
          v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
          const denom = Math.sqrt(v[j]) / sqrtBc2 + eps;
          const num = nesterov ? beta1 * m[j] + (1 - beta1) * g[j] : m[j];
          p[j] = num / bc1 / denom;
        }
        const { wdFactor } = projectRadial(theta, g, p, block.shape, delta, wdRatio, eps);
        const shrink = 1 - eta * weightDecay * wdFactor;
        for (let j = 0; j < n; j++) theta[j] = theta[j] * shrink - eta * p[j];
      }
    },
  });
}

export interface SgdPOptions {
  /** Learning rate (required). */
  lr: LearningRate;
  /** Momentum μ in [0, 1) (default 0.9). */
  momentum?: number;
  /** Dampening in [0, 1) (default 0). */
  dampening?: number;
  /** Nesterov (default false). */
  nesterov?: boolean;
  /** Decoupled weight decay (default 0), applied as θ·(1 − lr·wd·wdFactor/(1 − μ)) like the official code. */
  weightDecay?: number;
  eps?: number;
  delta?: number;
  wdRatio?: number;
}

/**
 * SGDP (Heo et al., 2021): SGD with momentum b ← μ·b + (1 − dampening)·g (b starts at 0),
 * direction p = g + μ·b (nesterov) or b, `projectRadial` on leaves of rank > 1, then
 * θ ← θ·(1 − lr·wd·wdFactor/(1 − μ)) − lr·p.
 */
export function sgdp(opts: SgdPOptions): Optimizer {
  const where = "sgdp";
  checkOptionsObject(opts, where, true);
  checkOptions(opts, ["lr", "momentum", "dampening", "nesterov", "weightDecay", "eps", "delta", "wdRatio"], where);
  const { lr, momentum = 0.9, dampening = 0, nesterov = false, weightDecay = 0, eps = 1e-8, delta = 0.1, wdRatio = 0.1 } = opts;
  checkLearningRate(lr, where);
  checkUnitInterval(momentum, "momentum", where);
  checkUnitInterval(dampening, "dampening", where);
  checkBoolean(nesterov, "nesterov", where);
  checkNonNegative(weightDecay, "weightDecay", where);
  checkPositive(eps, "eps", where);
  checkPositive(delta, "delta", where);
  checkNonNegative(wdRatio, "wdRatio", where);
  const hyper = { lr: lrRecord(lr), momentum, dampening, nesterov, weightDecay, eps, delta, wdRatio };
  return defineOptimizer(where, hyper, lr, {
    slots: ["momentumBuffer"],
    apply(thetaAll, gAll, slots, { lr: eta, blocks }) {
      for (const block of blocks) {
        const [theta, g, b] = leafViews(block, thetaAll, gAll, ...slots);
        const n = theta.length;
        const p = new Float64Array(n);
        for (let j = 0; j < n; j++) {
          b[j] = momentum * b[j] + (1 - dampening) * g[j];
          p[j] = nesterov ? g[j] + momentum * b[j] : b[j];
        }
        const { wdFactor } = projectRadial(theta, g, p, block.shape, delta, wdRatio, eps);
        const shrink = 1 - (eta * weightDecay * wdFactor) / (1 - momentum);
        for (let j = 0; j < n; j++) theta[j] = theta[j] * shrink - eta * p[j];
      }
    },
  });
}
