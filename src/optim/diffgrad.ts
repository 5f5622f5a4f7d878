import { checkOptions } from "../util/errors";
import { lrRecord, type LearningRate } from "./learningRate";
import { checkOptionsObject } from "./validators";
import { adamHyper } from "./adamHyper";
import { defineOptimizer } from "./defineOptimizer";
import type { Optimizer } from "./Optimizer";

export interface DiffGradOptions {
  /** Learning rate (default 1e-3). */
  lr?: LearningRate;
  beta1?: number;
  beta2?: number;
  /** Added to √v (not bias corrected, as in the official code; default 1e-8). */
  eps?: number;
  /** Coupled L2 penalty g ← g + wd·θ (default 0). */
  weightDecay?: number;
}

/**
 * diffGrad's friction coefficient ξ = 1/(1 + exp(−|g_prev − g|)) = sigmoid(|Δg|) ∈ [0.5, 1):
 * 0.5 when the gradient did not change, towards 1 when it changes fast. Capped at the largest
 * double below 1 (the sigmoid would round to exactly 1 in float64 once |Δg| > ~36.7), so ξ < 1
 * holds in floating point too.
 */
export function diffGradFriction(gPrev: number, g: number): number {
  return Math.min(1 / (1 + Math.exp(-Math.abs(gPrev - g))), ONE_MINUS_ULP);
}

const ONE_MINUS_ULP = 1 - Number.EPSILON / 2;

/**
 * diffGrad (Dubey et al., 2019, "diffGrad: An Optimization Method for Convolutional Neural
 * Networks"): Adam whose first moment is damped per coordinate by the friction ξ of the change
 * of gradient (g_prev = 0 at the first step):
 *
 *     m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,   ξ = sigmoid(|g_prev − g|)
 *     θ ← θ − lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · ξ·m / (√v + eps)
 *
 * The slot `friction` keeps the last ξ per coordinate (for inspection).
 */
export function diffGrad(opts?: DiffGradOptions): Optimizer {
  const where = "diffGrad";
  checkOptionsObject(opts, where, false);
  checkOptions(opts, ["lr", "beta1", "beta2", "eps", "weightDecay"], where);
  const { lr, beta1, beta2, eps, weightDecay } = adamHyper(opts ?? {}, where);
  const hyper = { lr: lrRecord(lr), beta1, beta2, eps, weightDecay };
  return defineOptimizer(where, hyper, lr, {
    slots: ["expAvg", "expAvgSq", "previousGrad", "friction"],
    apply(theta, g, [m, v, prev, xi], { t, lr: eta }) {
      const stepSize = (eta * Math.sqrt(1 - Math.pow(beta2, t))) / (1 - Math.pow(beta1, t));
      for (let j = 0; j < theta.length; j++) {
        const gj = g[j] + weightDecay * theta[j];
        m[j] = beta1 * m[j] + (1 - beta1) * gj;
        v[j] = beta2 * v[j] + (1 - beta2) * gj * gj;
        xi[j] = diffGradFriction(prev[j], gj);
        prev[j] = gj;
        theta[j] -= (stepSize * xi[j] * m[j]) / (Math.sqrt(v[j]) + eps);
      }
    },
  });
}
