import { checkOptions } from "../util/errors";
import { checkLearningRate, lrRecord, type LearningRate } from "./learningRate";
import { checkNonNegative, checkOptionsObject, checkPositive } from "./validators";
import { defineOptimizer } from "./defineOptimizer";
import type { Optimizer } from "./Optimizer";

export interface AdagradOptions {
  /** Learning rate (number or schedule; default 1e-2). */
  lr?: LearningRate;
  /** Added to the root of the accumulated squared gradients (default 1e-10). */
  eps?: number;
  /** Starting value of the accumulator (default 0). */
  initialAccumulator?: number;
  /** Coupled L2 penalty, g ← g + wd·θ (default 0). */
  weightDecay?: number;
  /** PyTorch's lr decay: the step uses lr / (1 + (t − 1)·lrDecay) (default 0). */
  lrDecay?: number;
}

const ADAGRAD_OPTIONS = ["lr", "eps", "initialAccumulator", "weightDecay", "lrDecay"] as const;

/**
 * AdaGrad (Duchi et al., 2011) with PyTorch's `torch.optim.Adagrad` formulas. At step t (1-based):
 *
 *     g ← g + wd·θ
 *     s ← s + g²                                  (s starts at initialAccumulator)
 *     θ ← θ − (lr / (1 + (t − 1)·lrDecay)) · g / (√s + eps)
 */
export function adagrad(opts?: AdagradOptions): Optimizer {
  const where = "adagrad";
  checkOptionsObject(opts, where, false);
  checkOptions(opts, ADAGRAD_OPTIONS, where);
  const { lr = 1e-2, eps = 1e-10, initialAccumulator = 0, weightDecay = 0, lrDecay = 0 } = opts ?? {};
  checkLearningRate(lr, where);
  checkPositive(eps, "eps", where);
  checkNonNegative(initialAccumulator, "initialAccumulator", where);
  checkNonNegative(weightDecay, "weightDecay", where);
  checkNonNegative(lrDecay, "lrDecay", where);
  const wd = weightDecay;
  const hyper = { lr: lrRecord(lr), eps, initialAccumulator, weightDecay, lrDecay };
  return defineOptimizer(where, hyper, lr, {
    slots: ["sum"],
    initSlot: (_slot, p) => new Float64Array(p).fill(initialAccumulator),
    apply(theta, g, [sum], { t, lr: eta }) {
      const clr = eta / (1 + (t - 1) * lrDecay);
      for (let j = 0; j < theta.length; j++) {
        const gj = g[j] + wd * theta[j];
        const s = sum[j] + gj * gj;
        sum[j] = s;
        theta[j] -= (clr * gj) / (Math.sqrt(s) + eps);
      }
    },
  });
}
