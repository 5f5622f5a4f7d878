import { checkOptions, check } from "../util/errors";
import { checkLearningRate, lrRecord, type LearningRate } from "./learningRate";
import { checkOptionsObject, checkPositive } from "./validators";
import { defineOptimizer } from "./defineOptimizer";
import type { Optimizer } from "./Optimizer";

export interface AdaGradNormOptions {
  /** Learning rate η (default 1). */
  lr?: LearningRate;
  /** Initial accumulator b₀ > 0 (default 1e-2). */
  b0?: number;
}

/**
 * AdaGrad-Norm (Ward, Wu & Bottou, 2019, "AdaGrad stepsizes: sharp convergence over nonconvex
 * landscapes"): one scalar step size for all parameters,
 *
 *     b² ← b² + ‖g‖²        (b² starts at b₀²)
 *     θ ← θ − (η / b)·g
 *
 * robust to the choice of η and b₀. The slot `bSquared` holds b².
 */
export function adagradNorm(opts?: AdaGradNormOptions): Optimizer {
  const where = "adagradNorm";
  checkOptionsObject(opts, where, false);
  checkOptions(opts, ["lr", "b0"], where);
  const { lr = 1, b0 = 1e-2 } = opts ?? {};
  checkLearningRate(lr, where);
  checkPositive(b0, "b0", where);
  return defineOptimizer(where, { lr: lrRecord(lr), b0 }, lr, {
    slots: ["bSquared"],
    initSlot: () => Float64Array.of(b0 * b0),
    apply(theta, g, [b2], { lr: eta }) {
      let s = 0;
      for (let j = 0; j < g.length; j++) s += g[j] * g[j];
      b2[0] += s;
      const step = eta / Math.sqrt(b2[0]);
      for (let j = 0; j < theta.length; j++) theta[j] -= step * g[j];
    },
  });
}

export interface NormTestOptions {
  /** Tolerance θ of the test (default 0.9 — Byrd et al. use values in (0, 1)). */
  theta?: number;
  /** Cap on the suggested batch size (default: unlimited). */
  maxBatchSize?: number;
}

/** The norm test's verdict on one mini-batch. */
export interface NormTestResult {
  method: "norm-test";
  /** The batch size tested (number of per-example gradients). */
  batchSize: number;
  /** ‖ḡ‖² of the mini-batch mean gradient ḡ. */
  meanGradNormSq: number;
  /** Sample variance (trace) of the per-example gradients, Σ_i ‖g_i − ḡ‖²/(b − 1). */
  variance: number;
  /** variance/b ≤ θ²‖ḡ‖²: the mini-batch gradient is accurate enough for a descent direction. */
  passed: boolean;
  /** The smallest batch size that would pass: ⌈variance/(θ²‖ḡ‖²)⌉ (at least the current one). */
  suggestedBatchSize: number;
  theta: number;
}

/**
 * The norm test for adaptive batch sizes (Byrd, Chin, Nocedal & Wu, 2012, "Sample size selection
 * in optimization methods for machine learning"; with AdaGrad-Norm in Ward et al.'s setting):
 * from the per-example gradients g_i (b of them, each of length p) of one mini-batch, the batch
 * is large enough when the estimated variance of the mean gradient is small relative to its norm,
 *
 *     Var(g_i)/b ≤ θ²·‖ḡ‖²,
 *
 * and otherwise the next batch size is ⌈Var(g_i)/(θ²‖ḡ‖²)⌉.
 */
export function normTest(perExampleGrads: readonly ArrayLike<number>[], opts?: NormTestOptions): NormTestResult {
  const where = "normTest";
  check(Array.isArray(perExampleGrads) && perExampleGrads.length >= 2, `${where}: perExampleGrads`, "expected an array of at least 2 per-example gradients");
  checkOptionsObject(opts, where, false);
  checkOptions(opts, ["theta", "maxBatchSize"], where);
  const { theta = 0.9, maxBatchSize = Infinity } = opts ?? {};
  checkPositive(theta, "theta", where);
  check(maxBatchSize === Infinity || (Number.isInteger(maxBatchSize) && maxBatchSize >= 1), `${where}: maxBatchSize`, `expected an integer >= 1, got ${maxBatchSize}`);
  const b = perExampleGrads.length;
  const p = perExampleGrads[0].length;
  const mean = new Float64Array(p);
  perExampleGrads.forEach((g, i) => {
    check(g.length === p, `${where}: perExampleGrads[${i}]`, `expected length ${p}, got ${g.length}`);
    for (let j = 0; j < p; j++) mean[j] += g[j] / b;
  });
  let var_ = 0;
  for (const g of perExampleGrads) for (let j = 0; j < p; j++) var_ += (g[j] - mean[j]) ** 2;
  var_ /= b - 1;
  let n2 = 0;
  for (let j = 0; j < p; j++) n2 += mean[j] * mean[j];
  const passed = var_ / b <= theta * theta * n2;
  const need = n2 > 0 ? Math.ceil(var_ / (theta * theta * n2)) : Infinity;
  const suggested = Math.min(maxBatchSize, Math.max(b, need));
  return { method: "norm-test", batchSize: b, meanGradNormSq: n2, variance: var_, passed, suggestedBatchSize: suggested, theta };
}
