import { checkOptions } from "../util/errors";
import { norm2 } from "../linalg/vector";
import { checkLearningRate, lrRecord, type LearningRate } from "./learningRate";
import { checkOptionsObject, checkPositive, checkUnitInterval } from "./validators";
import { defineOptimizer } from "./defineOptimizer";
import type { Optimizer } from "./Optimizer";

export interface NormalizedMomentumOptions {
  /** Learning rate η: the length of every step (required). */
  lr: LearningRate;
  /** Momentum β in [0, 1) (default 0.9). */
  beta?: number;
  /** Guard for a zero momentum (default 1e-12). */
  eps?: number;
}

/**
 * Normalized SGD with momentum (Cutkosky & Mehta, 2020, "Momentum Improves Normalized SGD"):
 *
 *     m ← β·m + (1 − β)·g      (m starts at 0)
 *     θ ← θ − η·m/‖m‖          (‖·‖ the Euclidean norm over all parameters)
 */
export function normalizedMomentum(opts: NormalizedMomentumOptions): Optimizer {
  const where = "normalizedMomentum";
  checkOptionsObject(opts, where, true);
  checkOptions(opts, ["lr", "beta", "eps"], where);
  const { lr, beta = 0.9, eps = 1e-12 } = opts;
  checkLearningRate(lr, where);
  checkUnitInterval(beta, "beta", where);
  checkPositive(eps, "eps", where);
  return defineOptimizer(where, { lr: lrRecord(lr), beta, eps }, lr, {
    slots: ["momentum"],
    apply(theta, g, [m], { lr: eta }) {
      for (let j = 0; j < m.length; j++) m[j] = beta * m[j] + (1 - beta) * g[j];
      const s = eta / Math.max(norm2(m), eps);
      for (let j = 0; j < m.length; j++) theta[j] -= s * m[j];
    },
  });
}
