import { checkOptions } from "../util/errors";
import { lrRecord, type LearningRate } from "./learningRate";
import { checkOptionsObject } from "./validators";
import { adamHyper } from "./adamHyper";
import { defineOptimizer } from "./defineOptimizer";
import type { Optimizer } from "./Optimizer";

export interface ExAdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: LearningRate;
  beta1?: number;
  beta2?: number;
  /** Used in the debiasing ratios and the denominator (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay θ ← θ − lr·wd·θ before the step (default 0). */
  weightDecay?: number;
}

/**
 * EXAdam (Adly, 2024, "EXAdam: The Power of Adaptive Cross-Moments"), following the official
 * implementation. With Adam's m, v and bias corrections B1 = 1 − β1ᵗ, B2 = 1 − β2ᵗ:
 *
 *     d1 = 1 + v/(v + eps)·β2ᵗ,       d2 = 1 + m²/(m² + eps)·β1ᵗ     (cross-moment debiasing)
 *     m̃ = m/B1·d1,   ṽ = v/B2·d2,   g̃ = g/B1·d1                      (gradient acceleration)
 *     θ ← θ − lr·(m̃ + g̃)/(√ṽ + eps)
 *
 * (The paper also describes a growing step size α·ln(√2·√(t+1)); the official code does not use
 * it and neither does this — pass a schedule as lr for that.)
 */
export function exadam(opts?: ExAdamOptions): Optimizer {
  const where = "exadam";
  checkOptionsObject(opts, where, false);
  checkOptions(opts, ["lr", "beta1", "beta2", "eps", "weightDecay"], where);
  const { lr, beta1, beta2, eps, weightDecay } = adamHyper(opts ?? {}, where);
  const hyper = { lr: lrRecord(lr), beta1, beta2, eps, weightDecay };
  return defineOptimizer(where, hyper, lr, {
    slots: ["expAvg", "expAvgSq"],
    apply(theta, g, [m, v], { t, lr: eta }) {
      const b1t = Math.pow(beta1, t);
      const b2t = Math.pow(beta2, t);
      const B1 = 1 - b1t;
      const B2 = 1 - b2t;
      for (let j = 0; j < theta.length; j++) {
        const th = theta[j] * (1 - eta * weightDecay);
        m[j] = beta1 * m[j] + (1 - beta1) * g[j];
        v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
        const d1 = 1 + (v[j] / (v[j] + eps)) * b2t;
        const d2 = 1 + ((m[j] * m[j]) / (m[j] * m[j] + eps)) * b1t;
        const mt = (m[j] / B1) * d1;
        const vt = (v[j] / B2) * d2;
        const gt = (g[j] / B1) * d1;
        theta[j] = th - (eta * (mt + gt)) / (Math.sqrt(vt) + eps);
      }
    },
  });
}
