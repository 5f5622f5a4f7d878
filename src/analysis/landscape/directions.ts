import { Tensor } from "../../tensor/Tensor";
import { flatValues } from "../../autodiff/ravel";
import { topEigen } from "../hessian/topEigen";
import { toRng } from "../../random/Rng";
import { OptlabError, checkOptions } from "../../util/errors";
import type { Objective } from "../../objective";
import type { ParamBlock } from "../../autodiff/ravel";
import type { Params } from "../../autodiff/params";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any parameter tree
type AnyObjective = Objective<any>;

/**
 * How a random direction is scaled to the parameters (Li et al., Visualizing the Loss Landscape):
 * "filter" rescales each filter of each weight to the norm of the same filter of θ — for our dense
 * W [fan_in, fan_out] a filter is one output neuron's column W[:, j] (a row of PyTorch's
 * [out, in]); a leaf of rank ≥ 2 is read as [·, last] with filters along the last axis. "layer"
 * rescales each leaf to ‖θ_leaf‖; "none" keeps the N(0, 1) draw.
 */
export type Normalization = "filter" | "layer" | "none";
/** Rank-1 leaves (biases): "zero" (default, Li et al.'s `ignore="biasbn"`) or "copy" (d_b = θ_b, their other option). */
export type BiasRule = "zero" | "copy";

export interface DirectionOptions {
  seed?: number;
  normalization?: Normalization;
  bias?: BiasRule;
}

/** Per-block record of a direction: its norm next to the parameter's norm. */
export interface DirectionBlockInfo {
  path: string;
  shape: readonly number[];
  /** Filters rescaled in this block (0 for zeroed/copied biases or without filter normalization). */
  filters: number;
  directionNorm: number;
  paramNorm: number;
}

export interface DirectionInfo {
  kind: "random" | "given";
  normalization: Normalization;
  bias: BiasRule | null;
  seed: number | null;
  /** ‖d‖ over all parameters. */
  norm: number;
  blocks: DirectionBlockInfo[];
}

export interface Direction {
  vector: Float64Array;
  info: DirectionInfo;
}

const OPTIONS = ["seed", "normalization", "bias"] as const;

export function checkNormalization(n: unknown, where: string): Normalization {
  if (n !== "filter" && n !== "layer" && n !== "none") throw new OptlabError(`${where}: normalization: expected "filter", "layer" or "none", got ${String(n)}`);
  return n;
}

function checkBias(b: unknown, where: string): BiasRule {
  if (b !== "zero" && b !== "copy") throw new OptlabError(`${where}: bias: expected "zero" or "copy", got ${String(b)}`);
  return b;
}

/**
 * Scale a direction d (flat, length p) to the parameters θ block by block (see `Normalization`);
 * rank-1 blocks follow `bias`. Filters of θ with zero norm give zero direction filters. In place.
 */
export function normalizeDirection(d: Float64Array, theta: Float64Array, blocks: readonly ParamBlock[], normalization: Normalization, bias: BiasRule): DirectionBlockInfo[] {
  return blocks.map((b) => {
    const isBias = b.shape.length <= 1;
    let filters = 0;
    if (isBias) {
      for (let i = 0; i < b.size; i++) d[b.offset + i] = bias === "zero" ? 0 : theta[b.offset + i];
    } else if (normalization === "filter") {
      const cols = b.shape[b.shape.length - 1];
      const rows = b.size / cols;
      filters = cols;
      for (let j = 0; j < cols; j++) {
        let dn = 0;
        let tn = 0;
        for (let i = 0; i < rows; i++) {
          dn += d[b.offset + i * cols + j] ** 2;
          tn += theta[b.offset + i * cols + j] ** 2;
        }
        const s = dn > 0 ? Math.sqrt(tn / dn) : 0;
        for (let i = 0; i < rows; i++) d[b.offset + i * cols + j] *= s;
      }
    } else if (normalization === "layer") {
      let dn = 0;
      let tn = 0;
      for (let i = 0; i < b.size; i++) {
        dn += d[b.offset + i] ** 2;
        tn += theta[b.offset + i] ** 2;
      }
      const s = dn > 0 ? Math.sqrt(tn / dn) : 0;
      for (let i = 0; i < b.size; i++) d[b.offset + i] *= s;
    }
    return { path: b.path, shape: b.shape, filters, directionNorm: blockNorm(d, b), paramNorm: blockNorm(theta, b) };
  });
}

/**
 * A seeded Gaussian direction in parameter space, filter-normalized by default (Li et al.), for
 * 1-D/2-D loss slices around the objective's centre θ₀.
 *
 * @throws OptlabError for an unknown option, normalization or bias rule, or a non-integer seed.
 */
export function randomDirection(obj: AnyObjective, opts: DirectionOptions = {}): Direction {
  const where = "landscape.randomDirection";
  checkOptions(opts, OPTIONS, where);
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new OptlabError(`${where}: seed: expected an integer, got ${String(seed)}`);
  const normalization = checkNormalization(opts.normalization ?? "filter", where);
  const bias = checkBias(opts.bias ?? "zero", where);
  const v = toRng(seed).normals(obj.p);
  const blocks = normalizeDirection(v, obj.center(), obj.blocks, normalization, bias);
  return { vector: v, info: { kind: "random", normalization, bias, seed, norm: norm(v), blocks } };
}

/**
 * A user direction (flat Float64Array of length p, or a parameter tree shaped like the model's
 * params), optionally normalized like a random one (default "none": used as given, e.g. Hessian
 * eigenvectors).
 */
export function givenDirection(obj: AnyObjective, d: Float64Array | Params, normalization: Normalization = "none", bias: BiasRule = "zero", argument = "direction"): Direction {
  const v = toFlat(d, obj.p, argument);
  const theta = obj.center();
  const blocks = normalization === "none"
    ? obj.blocks.map((b) => ({ path: b.path, shape: b.shape, filters: 0, directionNorm: blockNorm(v, b), paramNorm: blockNorm(theta, b) }))
    : normalizeDirection(v, theta, obj.blocks, normalization, bias);
  return { vector: v, info: { kind: "given", normalization, bias: normalization === "none" ? null : bias, seed: null, norm: norm(v), blocks } };
}

/** A flat copy of a direction or parameter tree, checked against p and for finiteness. */
export function toFlat(d: Float64Array | Params, p: number, argument: string): Float64Array {
  let v: Float64Array;
  if (d instanceof Float64Array) v = Float64Array.from(d);
  else if (d instanceof Tensor || (d && typeof d === "object")) {
    try {
      v = flatValues(d as Params, "f64") as Float64Array;
    } catch {
      throw new OptlabError(`${argument}: expected a Float64Array of length ${p} or a parameter tree`);
    }
  } else throw new OptlabError(`${argument}: expected a Float64Array of length ${p} or a parameter tree`);
  if (v.length !== p) throw new OptlabError(`${argument}: expected ${p} parameters, got ${v.length}`);
  for (let i = 0; i < p; i++) if (!Number.isFinite(v[i])) throw new OptlabError(`${argument}: non-finite value ${v[i]} at index ${i}`);
  return v;
}

export interface HessianDirectionsResult {
  /** Top-k Ritz vectors (unit norm), largest eigenvalue first. */
  vectors: Float64Array[];
  eigenvalues: number[];
  residuals: number[];
  hvps: number;
  steps: number;
  seed: number;
}

/**
 * The top-k Hessian eigenvectors at the objective's centre (`hessian.topEigen`: Lanczos with full
 * reorthogonalization on exact HVPs), as slice directions ("along Hessian eigenvectors").
 */
export async function hessianDirections(obj: AnyObjective, opts: { k?: number; steps?: number; seed?: number } = {}): Promise<HessianDirectionsResult> {
  const where = "landscape.hessianDirections";
  checkOptions(opts, ["k", "steps", "seed"], where);
  const k = opts.k ?? 2;
  if (!Number.isInteger(k) || k < 1 || k > obj.p) throw new OptlabError(`${where}: k: expected an integer in [1, ${obj.p}], got ${String(k)}`);
  const steps = opts.steps ?? Math.min(obj.p, Math.max(30, 3 * k));
  const seed = opts.seed ?? 0;
  const r = await topEigen(obj, { k, maxSteps: steps, seed, vectors: true });
  return {
    vectors: (r.eigenvectors as number[][]).map((v) => Float64Array.from(v)),
    eigenvalues: r.eigenvalues,
    residuals: r.residuals,
    hvps: r.hvps,
    steps: r.steps[0],
    seed,
  };
}

function blockNorm(v: Float64Array, b: ParamBlock): number {
  let s = 0;
  for (let i = 0; i < b.size; i++) s += v[b.offset + i] ** 2;
  return Math.sqrt(s);
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}
