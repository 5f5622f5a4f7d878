import type { Params } from "../../autodiff/params";
import type { Dataset } from "../../data/Dataset";
import type { Model } from "../../nn/Model";
import type { Loss, LossName } from "../../nn/losses";
import { modelObjective, type Objective, type Linearization } from "../../objective";
import { isObjective, splitTarget } from "../../objective/target";
import type { ParamBlock } from "../../autodiff/ravel";
import type { LinearOperator } from "../../linalg/LinearOperator";
import { toRng } from "../../random/Rng";
import { OptlabError, checkOptions } from "../../util/errors";
import { checkPositiveInt, checkSeed } from "./util";
import { outputCurvatureOperator } from "./ggn";

/**
 * Which curvature matrix an analysis works on: the Hessian H of the mean loss, the generalized
 * Gauss–Newton GGN = Jᵀ H_out J, the true Fisher (labels sampled from the model, Monte Carlo),
 * the empirical Fisher (1/n) Σ ∇ℓᵢ∇ℓᵢᵀ, or the residual H − GGN (second-order terms of the model).
 */
export type CurvatureKind = "hessian" | "ggn" | "fisher" | "empiricalFisher" | "residual";
export const CURVATURES: readonly CurvatureKind[] = ["hessian", "ggn", "fisher", "empiricalFisher", "residual"];

/**
 * A symmetric curvature operator v ↦ C·v on the flat parameter vector θ ∈ ℝᵖ: a LinearOperator
 * (n = p) that also says which matrix it is and what it was computed on.
 */
export interface CurvatureOperator extends LinearOperator {
  /** Number of parameters p (= n). */
  readonly p: number;
  readonly curvature: CurvatureKind;
  /** Parameter blocks (leaves) in flat order, for per-layer views. */
  readonly blocks: readonly ParamBlock[];
  readonly dtype: "f64" | "f32";
  /** Examples the loss averages over (null for a user function). */
  readonly examples: number | null;
  /** Mini-batch size when the rows were drawn with `batch`, else null. */
  readonly batch: number | null;
  /** Rows used, when a subset (from `indices` or `batch`). */
  readonly indices: number[] | null;
  /** Operator products so far (HVPs for the Hessian; jvp+vjp pairs for GGN/Fisher). */
  count: number;
  /** C·v for v of length p (a fresh array). */
  apply(v: Float64Array): Float64Array;
  /** The objective (Hessian, gradient, value) behind the operator. */
  readonly objective: Objective;
  /** For `fisher`: the targets sampled from the model's predictive distribution, per Monte Carlo sample. */
  readonly sampledTargets?: (Int32Array | Float64Array)[];
}

/** Options every entry point accepts on top of its own. */
export interface TargetOptions {
  /** Loss by name or function (model targets only); default ce for classification, mse for regression. */
  loss?: LossName | Loss;
  /** Rows of the data to use. */
  indices?: ArrayLike<number>;
  /** Draw a mini-batch of B rows without replacement (seeded by `seed`). */
  batch?: number;
  /** Curvature matrix; default "hessian". GGN/Fisher/residual need (model, data). */
  curvature?: CurvatureKind;
  /** Monte Carlo label samples per example for the true Fisher (default 1). */
  fisherSamples?: number;
  seed?: number;
}
export const TARGET_OPTIONS = ["loss", "indices", "batch", "curvature", "fisherSamples", "seed"] as const;

/** The calling conventions (objective, opts) / (model, data, opts), parsed in one place. */
export const splitArgs = splitTarget;

/** Build the curvature operator an analysis runs on. */
export function buildOperator(where: string, target: Objective | { model: Model; data: Dataset }, opts: TargetOptions): CurvatureOperator {
  const curvature = opts.curvature ?? "hessian";
  if (!CURVATURES.includes(curvature)) throw new OptlabError(`${where}: curvature: expected one of ${CURVATURES.join(", ")}, got "${String(curvature)}"`);
  if (opts.fisherSamples !== undefined) checkPositiveInt(opts.fisherSamples, "fisherSamples", where);
  const seed = checkSeed(opts.seed, where);
  if (isObjective(target)) {
    for (const k of ["loss", "indices", "batch"] as const) {
      if (opts[k] !== undefined) throw new OptlabError(`${where}: ${k}: only meaningful for (model, data); the Objective already fixes its loss and rows`);
    }
    if (curvature !== "hessian") throw new OptlabError(`${where}: curvature: "${curvature}" needs (model, data) (Jacobians of the model outputs); an Objective has only its Hessian`);
    return hessianOperator(target, null, null, null);
  }
  const { model, data } = target;
  const nAll = data.x.shape[0];
  let indices: number[] | null = null;
  let batch: number | null = null;
  if (opts.indices !== undefined && opts.batch !== undefined) throw new OptlabError(`${where}: batch: give either indices or batch, not both`);
  if (opts.indices !== undefined) {
    const idx = opts.indices;
    if (typeof idx !== "object" || idx === null || typeof idx.length !== "number" || idx.length < 1) throw new OptlabError(`${where}: indices: expected a non-empty array of row indices`);
    indices = Array.from(idx);
    indices.forEach((i, j) => {
      if (!Number.isInteger(i) || i < 0 || i >= nAll) throw new OptlabError(`${where}: indices: entry ${i} at position ${j} is out of range [0, ${nAll})`);
    });
  }
  if (opts.batch !== undefined) {
    batch = checkPositiveInt(opts.batch, "batch", where, nAll);
    // The batch draw uses its own stream (fork) so probe vectors do not shift with the batch size.
    const perm = toRng(seed).fork().permutation(nAll);
    indices = Array.from(perm.subarray(0, batch)).sort((x, y) => x - y);
  }
  const n = indices ? indices.length : nAll;
  const objective = modelObjective(model, data, { loss: opts.loss, ...(indices ? { indices } : {}) });
  if (curvature === "hessian") return hessianOperator(objective, n, batch, indices);
  return outputCurvatureOperator(where, model, data, objective, { curvature, loss: opts.loss, indices, batch, fisherSamples: opts.fisherSamples ?? 1, seed });
}

function hessianOperator(objective: Objective, examples: number | null, batch: number | null, indices: number[] | null): CurvatureOperator {
  // Linearized lazily, once: building the operator costs nothing; the first product records the
  // gradient graph and every product after it is one reverse sweep of that graph.
  let lin: Linearization | null = null;
  const op: CurvatureOperator = {
    n: objective.p,
    p: objective.p,
    curvature: "hessian",
    blocks: objective.blocks,
    dtype: objective.dtype,
    examples,
    batch,
    indices,
    count: 0,
    objective,
    apply(v) {
      if (!(v instanceof Float64Array) || v.length !== objective.p) throw new OptlabError(`v: expected a Float64Array of length ${objective.p}, got ${v instanceof Float64Array ? `length ${v.length}` : typeof v}`);
      lin ??= objective.linearize();
      op.count++;
      return lin.hvp.apply(v);
    },
  };
  return op;
}

/**
 * The curvature operator of (model, data) or of an Objective, for use with solvers (Lanczos, CG)
 * or custom estimators: `operator(model, data, {curvature: "ggn"}).apply(v)`.
 */
export function operator(model: Model, data: Dataset, opts?: TargetOptions): CurvatureOperator;
export function operator<P extends Params>(objective: Objective<P>, opts?: TargetOptions): CurvatureOperator;
export function operator(a: unknown, b?: unknown, c?: unknown): CurvatureOperator {
  const { target, opts } = splitArgs<TargetOptions>("operator", a, b, c);
  checkOptions(opts, TARGET_OPTIONS, "operator");
  return buildOperator("operator", target, opts);
}
