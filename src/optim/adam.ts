import { checkOptions } from "../util/errors";
import { lrRecord, type LearningRate } from "./learningRate";
import { checkBoolean, checkOptionsObject } from "./validators";
import { adamHyper } from "./adamHyper";
import { defineOptimizer } from "./defineOptimizer";
import type { Optimizer } from "./Optimizer";

export interface AdamOptions {
  /** Learning rate (number or schedule; default 1e-3). */
  lr?: LearningRate;
  /** Decay of the first-moment average, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1) (default 0.999). */
  beta2?: number;
  /** Added to the bias-corrected root second moment (default 1e-8). */
  eps?: number;
  /**
   * Adam: coupled L2 penalty, g ← g + wd·θ (default 0).
   * AdamW: decoupled decay, θ ← θ − lr·wd·θ before the Adam step (default 0.01).
   */
  weightDecay?: number;
  /** Use the running maximum of the second moment (Reddi et al., 2018) (default false). */
  amsgrad?: boolean;
}

const ADAM_OPTIONS = ["lr", "beta1", "beta2", "eps", "weightDecay", "amsgrad"] as const;

function adamFamily(where: "adam" | "adamw", opts: AdamOptions | undefined, decoupled: boolean): Optimizer {
  checkOptionsObject(opts, where, false);
  checkOptions(opts, ADAM_OPTIONS, where);
  const o = opts ?? {};
  const { lr, beta1, beta2, eps, weightDecay } = adamHyper(o, where, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: decoupled ? 0.01 : 0 });
  const { amsgrad = false } = o;
  checkBoolean(amsgrad, "amsgrad", where);
  const wd = weightDecay;
  const hyper = { lr: lrRecord(lr), beta1, beta2, eps, weightDecay, amsgrad };
  return defineOptimizer(where, hyper, lr, {
    slots: amsgrad ? ["expAvg", "expAvgSq", "maxExpAvgSq"] : ["expAvg", "expAvgSq"],
    apply(theta, g, slots, { t, lr: eta }) {
      const [m, v, vmax] = slots;
      const bc1 = 1 - Math.pow(beta1, t);
      const sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, t));
      const stepSize = eta / bc1;
      const shrink = decoupled ? 1 - eta * wd : 1;
      const l2 = decoupled ? 0 : wd;
      for (let j = 0; j < theta.length; j++) {
        let th = theta[j];
        const gj = g[j] + l2 * th;
        th *= shrink;
        const mj = beta1 * m[j] + (1 - beta1) * gj;
        const vj = beta2 * v[j] + (1 - beta2) * gj * gj;
        m[j] = mj;
        v[j] = vj;
        let second = vj;
        if (amsgrad) {
          second = Math.max(vmax[j], vj);
          vmax[j] = second;
        }
        const denom = Math.sqrt(second) / sqrtBc2 + eps;
        theta[j] = th - (stepSize * mj) / denom;
      }
    },
  });
}

/**
 * Adam (Kingma & Ba, 2015) with PyTorch's `torch.optim.Adam` formulas. At step t (1-based):
 *
 *     g ← g + wd·θ                            (weightDecay: coupled L2, default 0)
 *     m ← β1·m + (1 − β1)·g
 *     v ← β2·v + (1 − β2)·g²                  (amsgrad: v̂max ← max(v̂max, v), used in place of v)
 *     θ ← θ − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
 *
 * eps is added after the bias correction of √v, as in PyTorch.
 */
export function adam(opts?: AdamOptions): Optimizer {
  return adamFamily("adam", opts, false);
}

/**
 * AdamW (Loshchilov & Hutter, 2019) with PyTorch's `torch.optim.AdamW` formulas: decoupled weight
 * decay θ ← θ·(1 − lr·wd) (default wd = 0.01), then the Adam step above without the L2 term.
 * Note PyTorch's convention: the decay is scaled by lr (including a scheduled lr).
 */
export function adamw(opts?: AdamOptions): Optimizer {
  return adamFamily("adamw", opts, true);
}
