import { checkOptions } from "../util/errors";
import { checkLearningRate, lrRecord, type LearningRate } from "./learningRate";
import { checkBoolean, checkNonNegative, checkOptionsObject, checkPositive, checkUnitInterval } from "./validators";
import { defineOptimizer } from "./defineOptimizer";
import type { Optimizer } from "./Optimizer";

export interface RmspropOptions {
  /** Learning rate (number or schedule; default 1e-2). */
  lr?: LearningRate;
  /** Smoothing constant of the squared-gradient average, in [0, 1) (default 0.99). */
  alpha?: number;
  /** Added to the root of the (centered) average (default 1e-8). */
  eps?: number;
  /** Momentum factor μ >= 0 applied to the normalised step (default 0). */
  momentum?: number;
  /** Normalise by an estimate of the gradient's variance instead of its second moment (default false). */
  centered?: boolean;
  /** Coupled L2 penalty, g ← g + wd·θ (default 0). */
  weightDecay?: number;
}

const RMSPROP_OPTIONS = ["lr", "alpha", "eps", "momentum", "centered", "weightDecay"] as const;

/**
 * RMSProp (Tieleman & Hinton, 2012) with PyTorch's `torch.optim.RMSprop` formulas. At each step:
 *
 *     g ← g + wd·θ
 *     v ← α·v + (1 − α)·g²
 *     centered:  ḡ ← α·ḡ + (1 − α)·g,   D = √(v − ḡ²) + eps    otherwise  D = √v + eps
 *     μ > 0:     b ← μ·b + g / D,   θ ← θ − lr·b                otherwise  θ ← θ − lr·g / D
 *
 * eps is added outside the square root, as in PyTorch (no bias correction). In the centered form,
 * v − ḡ² (≥ 0 in exact arithmetic) is clamped at 0 against rounding.
 */
export function rmsprop(opts?: RmspropOptions): Optimizer {
  const where = "rmsprop";
  checkOptionsObject(opts, where, false);
  checkOptions(opts, RMSPROP_OPTIONS, where);
  const { lr = 1e-2, alpha = 0.99, eps = 1e-8, momentum = 0, centered = false, weightDecay = 0 } = opts ?? {};
  checkLearningRate(lr, where);
  checkUnitInterval(alpha, "alpha", where);
  checkPositive(eps, "eps", where);
  checkNonNegative(momentum, "momentum", where);
  checkBoolean(centered, "centered", where);
  checkNonNegative(weightDecay, "weightDecay", where);
  const wd = weightDecay;
  const mu = momentum;
  const slots = ["squareAvg"];
  if (centered) slots.push("gradAvg");
  if (mu > 0) slots.push("momentumBuffer");
  const hyper = { lr: lrRecord(lr), alpha, eps, momentum, centered, weightDecay };
  return defineOptimizer(where, hyper, lr, {
    slots,
    apply(theta, g, bufs, { lr: eta }) {
      const sq = bufs[0];
      const ga = centered ? bufs[1] : null;
      const mb = mu > 0 ? bufs[bufs.length - 1] : null;
      for (let j = 0; j < theta.length; j++) {
        const gj = g[j] + wd * theta[j];
        const v = alpha * sq[j] + (1 - alpha) * gj * gj;
        sq[j] = v;
        let D: number;
        if (ga) {
          const a = alpha * ga[j] + (1 - alpha) * gj;
          ga[j] = a;
          D = Math.sqrt(Math.max(0, v - a * a)) + eps;
        } else {
          D = Math.sqrt(v) + eps;
        }
        if (mb) {
          const b = mu * mb[j] + gj / D;
          mb[j] = b;
          theta[j] -= eta * b;
        } else {
          theta[j] -= (eta * gj) / D;
        }
      }
    },
  });
}
