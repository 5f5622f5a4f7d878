import { OptlabError, checkOptions } from "../../util/errors";
import { modelObjective, type ModelObjectiveOptions } from "../../objective";
import type { Model } from "../../nn/Model";
import type { Dataset } from "../../data/Dataset";
import type { Params } from "../../autodiff/params";
import { backendName } from "../hessian/util";
import { toFlat } from "./directions";

export interface InterpolateOptions extends ModelObjectiveOptions {
  /** Points on [0, 1] including both ends (default 11). */
  steps?: number;
  /** Also interpolate one layer at a time, the others held at θ_A (default false). */
  perLayer?: boolean;
}

/** Loss along a path with its barrier. */
export interface PathLosses {
  losses: number[];
  /** max_a [L(a) − ((1−a) L(0) + a L(1))] over the grid (≥ 0: the endpoints contribute 0). */
  barrier: number;
  /** α where the barrier is attained. */
  barrierAlpha: number;
  maxLoss: number;
}

export interface LayerPath extends PathLosses {
  /** The layer: the parent of its leaves in the parameter tree (e.g. "[0]" for an MLP's first {W, b}). */
  layer: string;
  /** Leaf paths in the layer. */
  paths: string[];
}

export interface InterpolationResult extends PathLosses {
  method: "linear-interpolation";
  alphas: number[];
  lossA: number;
  lossB: number;
  /** ‖θ_B − θ_A‖. */
  distance: number;
  /** Per-layer paths (only with `perLayer`): θ_A with layer ℓ replaced by (1−a)θ_A,ℓ + aθ_B,ℓ. */
  layers: LayerPath[] | null;
  evaluations: number;
  p: number;
  dtype: "f64" | "f32";
  backend: string;
  wallTimeMs: number;
}

/** Group leaves by their parent path: "[0].W" → "[0]", "layers[1].b" → "layers[1]", "H" → "H". */
export function layerOf(path: string): string {
  const m = /^(.*)(\.[^.[\]]+)$/.exec(path);
  return m && m[1] ? m[1] : path;
}

/**
 * Linear mode connectivity: the loss of `model` on `data` along (1−a)θ_A + aθ_B for a on a grid
 * of [0, 1], and the barrier height max_a [L(θ_a) − ((1−a)L(θ_A) + aL(θ_B))] (Frankle et al.;
 * Entezari et al.). With `perLayer`, each layer is interpolated alone (the rest at θ_A), its
 * barrier taken against its own endpoints. θ_A, θ_B: parameter trees shaped like `model.params`
 * or flat Float64Arrays. The model's own parameters are not changed.
 *
 * @throws OptlabError for a missing model/data, parameters of the wrong size or non-finite, or bad steps.
 */
export function interpolate<P extends Params>(model: Model<P>, data: Dataset, paramsA: P | Float64Array, paramsB: P | Float64Array, opts: InterpolateOptions = {}): InterpolationResult {
  const where = "landscape.interpolate";
  const t0 = performance.now();
  checkOptions(opts, ["steps", "perLayer", "loss", "indices"], where);
  if (!model || typeof model.apply !== "function") throw new OptlabError(`${where}: model: expected an optlab Model`);
  if (!data || !data.x) throw new OptlabError(`${where}: data: expected a Dataset`);
  const steps = opts.steps ?? 11;
  if (!Number.isInteger(steps) || steps < 2) throw new OptlabError(`${where}: steps: expected an integer ≥ 2, got ${String(steps)}`);
  const obj = modelObjective(model, data, { loss: opts.loss, indices: opts.indices });
  const A = toFlat(paramsA, obj.p, `${where}: paramsA`);
  const B = toFlat(paramsB, obj.p, `${where}: paramsB`);
  const alphas = Array.from({ length: steps }, (_, i) => (i === steps - 1 ? 1 : i / (steps - 1)));
  let evaluations = 0;
  const path = (mask: (i: number) => boolean): PathLosses => {
    const losses = alphas.map((a) => {
      evaluations++;
      // θ_A + a(θ_B − θ_A), with θ_B itself at a = 1: identical endpoints give identical points.
      return obj.value(Float64Array.from(A, (x, i) => (!mask(i) ? x : a === 1 ? B[i] : x + a * (B[i] - x))));
    });
    return withBarrier(alphas, losses);
  };
  const full = path(() => true);
  let layers: LayerPath[] | null = null;
  if (opts.perLayer) {
    const groups = new Map<string, { paths: string[]; ranges: [number, number][] }>();
    for (const b of obj.blocks) {
      const key = layerOf(b.path);
      const g = groups.get(key) ?? { paths: [], ranges: [] };
      g.paths.push(b.path);
      g.ranges.push([b.offset, b.offset + b.size]);
      groups.set(key, g);
    }
    layers = [...groups].map(([layer, g]) => ({ layer, paths: g.paths, ...path((i) => g.ranges.some(([lo, hi]) => i >= lo && i < hi)) }));
  }
  let dist = 0;
  for (let i = 0; i < obj.p; i++) dist += (B[i] - A[i]) ** 2;
  return {
    method: "linear-interpolation",
    alphas,
    ...full,
    lossA: full.losses[0],
    lossB: full.losses[steps - 1],
    distance: Math.sqrt(dist),
    layers,
    evaluations,
    p: obj.p,
    dtype: obj.dtype,
    backend: backendName(obj.dtype),
    wallTimeMs: performance.now() - t0,
  };
}

function withBarrier(alphas: number[], losses: number[]): PathLosses {
  const l0 = losses[0];
  const l1 = losses[losses.length - 1];
  let barrier = -Infinity;
  let barrierAlpha = 0;
  alphas.forEach((a, i) => {
    const excess = losses[i] - (l0 + a * (l1 - l0));
    if (excess > barrier) {
      barrier = excess;
      barrierAlpha = a;
    }
  });
  return { losses, barrier, barrierAlpha, maxLoss: Math.max(...losses) };
}
