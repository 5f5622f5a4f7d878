import { checkOptions, check } from "../util/errors";
import { checkLearningRate, lrRecord, type LearningRate } from "./learningRate";
import { checkBoolean, checkNonNegative, checkOptionsObject } from "./validators";
import { defineOptimizer } from "./defineOptimizer";
import type { Optimizer } from "./Optimizer";

export interface SgdOptions {
  /** Learning rate (number or schedule). Required. */
  lr: LearningRate;
  /** Momentum factor μ >= 0 (default 0: plain gradient descent). */
  momentum?: number;
  /** Dampening of the momentum buffer's gradient term, in [0, 1] (default 0). */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
  /** L2 penalty coefficient added to the gradient: g ← g + wd·θ (default 0). */
  weightDecay?: number;
}

const SGD_OPTIONS = ["lr", "momentum", "dampening", "nesterov", "weightDecay"] as const;

/**
 * Stochastic gradient descent with PyTorch's `torch.optim.SGD` formulas. At step t (1-based),
 * with gradient g of the parameter θ:
 *
 *     g ← g + wd·θ                                  (weightDecay, coupled L2)
 *     b ← g                          if t = 1        (momentum buffer starts at the first gradient)
 *     b ← μ·b + (1 − dampening)·g    otherwise
 *     d ← g + μ·b  (nesterov)   or   d ← b          (μ > 0);   d ← g  (μ = 0)
 *     θ ← θ − lr·d
 *
 * Like PyTorch, the first momentum step sets b = g without dampening.
 */
export function sgd(opts: SgdOptions): Optimizer {
  const where = "sgd";
  checkOptionsObject(opts, where, true);
  checkOptions(opts, SGD_OPTIONS, where);
  const { lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 } = opts;
  check(lr !== undefined, `${where}: lr`, "required (a number or a schedule)");
  checkLearningRate(lr, where);
  checkNonNegative(momentum, "momentum", where);
  checkNonNegative(dampening, "dampening", where);
  check(dampening <= 1, `${where}: dampening`, `expected a number in [0, 1], got ${dampening}`);
  checkBoolean(nesterov, "nesterov", where);
  checkNonNegative(weightDecay, "weightDecay", where);
  if (nesterov) {
    check(momentum > 0, `${where}: nesterov`, "Nesterov momentum needs momentum > 0");
    check(dampening === 0, `${where}: nesterov`, `Nesterov momentum needs dampening 0, got ${dampening}`);
  }
  const mu = momentum;
  const wd = weightDecay;
  const hyper = { lr: lrRecord(lr), momentum, dampening, nesterov, weightDecay };
  return defineOptimizer(where, hyper, lr, {
    slots: mu > 0 ? ["momentumBuffer"] : [],
    apply(theta, g, slots, { t, lr: eta }) {
      const n = theta.length;
      if (mu === 0) {
        for (let j = 0; j < n; j++) theta[j] -= eta * (g[j] + wd * theta[j]);
        return;
      }
      const buf = slots[0];
      for (let j = 0; j < n; j++) {
        const d = g[j] + wd * theta[j];
        const b = t === 1 ? d : mu * buf[j] + (1 - dampening) * d;
        buf[j] = b;
        theta[j] -= eta * (nesterov ? d + mu * b : b);
      }
    },
  });
}
