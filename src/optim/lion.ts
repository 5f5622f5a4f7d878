import { checkOptions, check, OptlabError } from "../util/errors";
import { checkLearningRate, lrRecord, type LearningRate } from "./learningRate";
import { checkNonNegative, checkOptionsObject, checkUnitInterval } from "./validators";
import { defineOptimizer } from "./defineOptimizer";
import { leafViews } from "./layout";
import type { Optimizer } from "./Optimizer";

export interface LionOptions {
  /** Learning rate η (number or schedule; default 1e-4, the paper's usual 3–10× below AdamW's). */
  lr?: LearningRate;
  /** Interpolation factor β1 of the update direction, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Decay β2 of the momentum buffer, in [0, 1) (default 0.99). */
  beta2?: number;
  /** Decoupled weight decay λ ≥ 0 (default 0). With ηλ ≤ 1 the box ‖θ‖∞ ≤ 1/λ is invariant. */
  weightDecay?: number;
}

/**
 * ∇κ of a convex function κ, applied to the interpolated momentum c of one leaf (length n):
 * returns the update direction (length n). Lion is κ(x) = ‖x‖₁ with ∇κ = sign.
 */
export type KappaGradient = (c: Float64Array) => ArrayLike<number>;

export interface LionKappaOptions extends LionOptions {
  /** ∇κ replacing sign (required), e.g. `(c) => c.map(Math.tanh)` or `(c) => c / ‖c‖₂`. */
  kappaGrad: KappaGradient;
}

const LION_OPTIONS = ["lr", "beta1", "beta2", "weightDecay"] as const;

function lionFamily(where: string, o: LionOptions, kappa: KappaGradient | null): Optimizer {
  const { lr = 1e-4, beta1 = 0.9, beta2 = 0.99, weightDecay = 0 } = o;
  checkLearningRate(lr, where);
  checkUnitInterval(beta1, "beta1", where);
  checkUnitInterval(beta2, "beta2", where);
  checkNonNegative(weightDecay, "weightDecay", where);
  const wd = weightDecay;
  const hyper: Record<string, unknown> = { lr: lrRecord(lr), beta1, beta2, weightDecay };
  if (kappa) hyper.kappaGrad = kappa.name || "custom";
  return defineOptimizer(where, hyper, lr, {
    slots: ["expAvg"],
    apply(thetaAll, gAll, [mAll], { lr: eta, blocks }) {
      for (const block of blocks) {
        const [theta, g, m] = leafViews(block, thetaAll, gAll, mAll);
        lionLeaf(theta, g, m, eta, block.path);
      }
    },
  });

  /** One leaf (κ acts on a leaf's interpolated momentum as a whole). */
  function lionLeaf(theta: Float64Array, g: Float64Array, m: Float64Array, eta: number, path: string): void {
    const n = theta.length;
    const c = new Float64Array(n);
    for (let j = 0; j < n; j++) c[j] = beta1 * m[j] + (1 - beta1) * g[j];
    let dir: ArrayLike<number> = c;
    if (kappa) {
      dir = kappa(c);
      if (!dir || dir.length !== n) throw new OptlabError(`${where}: kappaGrad: expected ${n} values for leaf ${path}, got ${dir ? dir.length : String(dir)}`);
    }
    for (let j = 0; j < n; j++) {
      const d = kappa ? dir[j] : Math.sign(c[j]);
      if (kappa && !Number.isFinite(d)) throw new OptlabError(`${where}: kappaGrad: returned non-finite ${d} at index ${j} of leaf ${path}`);
      theta[j] = theta[j] * (1 - eta * wd) - eta * d;
      m[j] = beta2 * m[j] + (1 - beta2) * g[j];
    }
  }
}

/**
 * Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"). At each step:
 *
 *     c ← β1·m + (1 − β1)·g
 *     θ ← θ − η·(sign(c) + λ·θ)
 *     m ← β2·m + (1 − β2)·g
 *
 * Every coordinate moves by exactly η (plus decay), so the box ‖θ‖∞ ≤ 1/λ is invariant when
 * ηλ ≤ 1 and iterates starting outside it are pulled in (Chen, Liu et al., 2023, "Lion secretly
 * solves constrained optimization").
 */
export function lion(opts?: LionOptions): Optimizer {
  const where = "lion";
  checkOptionsObject(opts, where, false);
  checkOptions(opts, LION_OPTIONS, where);
  return lionFamily(where, opts ?? {}, null);
}

/**
 * Lion-κ (Chen, Liu, Liang, Liu, 2023): Lion with sign(c) replaced by ∇κ(c) for a convex κ
 * supplied by the user; it minimises f(θ) + κ*(θ)/λ-type composite objectives (κ = ‖·‖₁ gives
 * Lion and the box constraint).
 */
export function lionKappa(opts: LionKappaOptions): Optimizer {
  const where = "lionKappa";
  checkOptionsObject(opts, where, true);
  checkOptions(opts, [...LION_OPTIONS, "kappaGrad"], where);
  check(typeof opts.kappaGrad === "function", `${where}: kappaGrad`, "required: a function c ↦ ∇κ(c) (Float64Array → values of the same length)");
  return lionFamily(where, opts, opts.kappaGrad);
}
