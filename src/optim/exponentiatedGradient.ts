import { checkOptions, OptlabError } from "../util/errors";
import { checkLearningRate, lrRecord, type LearningRate } from "./learningRate";
import { checkBoolean, checkOptionsObject } from "./validators";
import { defineOptimizer } from "./defineOptimizer";
import { leafViews } from "./layout";
import type { Optimizer } from "./Optimizer";

export interface ExponentiatedGradientOptions {
  /** Learning rate η (required). */
  lr: LearningRate;
  /** Renormalize each leaf to sum 1 after the step (EG on the simplex; default false: unnormalized EGU). */
  simplex?: boolean;
}

/**
 * Exponentiated gradient (Kivinen & Warmuth, 1997): mirror descent with the entropy mirror map,
 * a multiplicative update for positive weights:
 *
 *     θ ← θ ⊙ exp(−η·g)                      (EGU, unnormalized)
 *     θ ← θ ⊙ exp(−η·g) / Σ θ ⊙ exp(−η·g)    (simplex: per leaf)
 *
 * Parameters must be positive (checked); signs never change and zeros stay zero.
 */
export function exponentiatedGradient(opts: ExponentiatedGradientOptions): Optimizer {
  const where = "exponentiatedGradient";
  checkOptionsObject(opts, where, true);
  checkOptions(opts, ["lr", "simplex"], where);
  const { lr, simplex = false } = opts;
  checkLearningRate(lr, where);
  checkBoolean(simplex, "simplex", where);
  return defineOptimizer(where, { lr: lrRecord(lr), simplex }, lr, {
    slots: [],
    apply(thetaAll, gAll, _slots, { lr: eta, blocks }) {
      for (const block of blocks) {
        const [theta, g] = leafViews(block, thetaAll, gAll);
        let s = 0;
        for (let j = 0; j < theta.length; j++) {
          if (!(theta[j] > 0)) throw new OptlabError(`${where}: params: leaf ${block.path} has a non-positive value ${theta[j]} at index ${j}; exponentiated gradient needs positive weights`);
          theta[j] *= Math.exp(-eta * g[j]);
          s += theta[j];
        }
        if (simplex) for (let j = 0; j < theta.length; j++) theta[j] /= s;
      }
    },
  });
}
