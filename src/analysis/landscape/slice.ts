import { OptlabError, checkOptions } from "../../util/errors";
import type { Dataset } from "../../data/Dataset";
import type { Params } from "../../autodiff/params";
import type { ModelObjectiveOptions, Objective } from "../../objective";
import { resolveObjective, type Target as StabilityTarget } from "../../objective/target";
import { backendName } from "../hessian/util";
import { givenDirection, randomDirection, checkNormalization, type BiasRule, type Direction, type DirectionInfo, type Normalization } from "./directions";

export interface SliceOptions {
  /** Directions to use (flat Float64Array of length p or parameter trees); default: seeded random ones. */
  directions?: readonly (Float64Array | Params)[];
  /** Normalization of random directions (default "filter") or of given ones (default "none"). */
  normalization?: Normalization;
  /** Rank-1 leaves of random/normalized directions: "zero" (default) or "copy". */
  bias?: BiasRule;
  /** Seed of the first random direction; the second uses seed + 1 (default 0). */
  seed?: number;
  /** Coordinates: explicit values, or a [lo, hi] range with `steps` points (default [−1, 1]). */
  alphas?: readonly number[];
  betas?: readonly number[];
  range?: readonly [number, number];
  /** Grid points per axis for `range` (default 21 for 1-D, 11 for 2-D). */
  steps?: number;
}

export interface Slice1d {
  method: "slice-1d";
  alphas: number[];
  /** L(θ₀ + α d) for each α. */
  losses: number[];
  /** L(θ₀). */
  centerLoss: number;
  directions: DirectionInfo[];
  evaluations: number;
  p: number;
  seed: number;
  dtype: "f64" | "f32";
  backend: string;
  wallTimeMs: number;
}

export interface Slice2d extends Omit<Slice1d, "method" | "losses"> {
  method: "slice-2d";
  betas: number[];
  /** losses[i][j] = L(θ₀ + α_i d₁ + β_j d₂). */
  losses: number[][];
  /** cos(d₁, d₂) (random filter-normalized directions in high dimension are nearly orthogonal). */
  cosine: number;
}

const OPTIONS = ["directions", "normalization", "bias", "seed", "alphas", "betas", "range", "steps"] as const;

function grid(where: string, name: string, given: readonly number[] | undefined, range: readonly [number, number] | undefined, steps: number): number[] {
  if (given !== undefined) {
    if (!Array.isArray(given) || given.length === 0 || given.some((v) => typeof v !== "number" || !Number.isFinite(v))) {
      throw new OptlabError(`${where}: ${name}: expected a non-empty array of finite numbers`);
    }
    return [...given];
  }
  if (range !== undefined && (!Array.isArray(range) || range.length !== 2)) throw new OptlabError(`${where}: range: expected [lo, hi], got ${String(range)}`);
  const [lo, hi] = range ?? [-1, 1];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) {
    throw new OptlabError(`${where}: range: expected [lo, hi] with finite lo < hi, got [${String(range)}]`);
  }
  if (!Number.isInteger(steps) || steps < 2) throw new OptlabError(`${where}: steps: expected an integer ≥ 2, got ${String(steps)}`);
  return Array.from({ length: steps }, (_, i) => (i === steps - 1 ? hi : lo + ((hi - lo) * i) / (steps - 1)));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any parameter tree
function directionsFor(where: string, obj: Objective<any>, opts: SliceOptions, count: number): Direction[] {
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new OptlabError(`${where}: seed: expected an integer, got ${String(seed)}`);
  if (opts.directions !== undefined) {
    if (!Array.isArray(opts.directions) || opts.directions.length !== count) {
      throw new OptlabError(`${where}: directions: expected ${count} direction${count > 1 ? "s" : ""}, got ${Array.isArray(opts.directions) ? opts.directions.length : typeof opts.directions}`);
    }
    const norm = checkNormalization(opts.normalization ?? "none", where);
    return opts.directions.map((d, i) => givenDirection(obj, d, norm, opts.bias ?? "zero", `${where}: directions[${i}]`));
  }
  return Array.from({ length: count }, (_, i) => randomDirection(obj, { seed: seed + i, normalization: opts.normalization, bias: opts.bias }));
}

/**
 * 1-D loss slice L(θ₀ + α d) along a filter-normalized random direction (Li et al.) or a given one
 * (e.g. a Hessian eigenvector from `hessianDirections`): `slice1d(objective, opts)` or
 * `slice1d(model, data, {loss, ...})`.
 *
 * @throws OptlabError for bad directions (count, length, non-finite), grids, seeds or options.
 */
export function slice1d(target: StabilityTarget, data?: Dataset | SliceOptions, options?: SliceOptions & ModelObjectiveOptions): Slice1d {
  const where = "landscape.slice1d";
  const t0 = performance.now();
  const { obj, opts } = resolveObjective<SliceOptions>(where, target, data, options, OPTIONS);
  if (opts.betas !== undefined) throw new OptlabError(`${where}: betas: a 1-D slice has no second axis (use slice2d)`);
  const alphas = grid(where, "alphas", opts.alphas, opts.range, opts.steps ?? 21);
  const [d] = directionsFor(where, obj, opts, 1);
  const theta0 = obj.center();
  const at = (a: number) => obj.value(Float64Array.from(theta0, (t, i) => t + a * d.vector[i]));
  const losses = alphas.map(at);
  return {
    method: "slice-1d",
    alphas,
    losses,
    centerLoss: obj.value(),
    directions: [d.info],
    evaluations: alphas.length + 1,
    p: obj.p,
    seed: opts.seed ?? 0,
    dtype: obj.dtype,
    backend: backendName(obj.dtype),
    wallTimeMs: performance.now() - t0,
  };
}

/**
 * 2-D loss slice L(θ₀ + α d₁ + β d₂) on an α × β grid, along two filter-normalized random
 * directions (seeds seed, seed + 1) or two given ones.
 */
export function slice2d(target: StabilityTarget, data?: Dataset | SliceOptions, options?: SliceOptions & ModelObjectiveOptions): Slice2d {
  const where = "landscape.slice2d";
  const t0 = performance.now();
  const { obj, opts } = resolveObjective<SliceOptions>(where, target, data, options, OPTIONS);
  const steps = opts.steps ?? 11;
  const alphas = grid(where, "alphas", opts.alphas, opts.range, steps);
  const betas = grid(where, "betas", opts.betas, opts.range, steps);
  const [d1, d2] = directionsFor(where, obj, opts, 2);
  const theta0 = obj.center();
  const losses = alphas.map((a) => betas.map((b) => obj.value(Float64Array.from(theta0, (t, i) => t + a * d1.vector[i] + b * d2.vector[i]))));
  let dot = 0;
  for (let i = 0; i < obj.p; i++) dot += d1.vector[i] * d2.vector[i];
  return {
    method: "slice-2d",
    alphas,
    betas,
    losses,
    centerLoss: obj.value(),
    cosine: d1.info.norm > 0 && d2.info.norm > 0 ? dot / (d1.info.norm * d2.info.norm) : NaN,
    directions: [d1.info, d2.info],
    evaluations: alphas.length * betas.length + 1,
    p: obj.p,
    seed: opts.seed ?? 0,
    dtype: obj.dtype,
    backend: backendName(obj.dtype),
    wallTimeMs: performance.now() - t0,
  };
}
