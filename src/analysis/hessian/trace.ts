import type { Params } from "../../autodiff/params";
import type { Dataset } from "../../data/Dataset";
import type { Model } from "../../nn/Model";
import type { Objective } from "../../objective";
import { toRng } from "../../random/Rng";
import { OptlabError, checkOptions } from "../../util/errors";
import { TARGET_OPTIONS, buildOperator, splitArgs, type CurvatureOperator, type TargetOptions } from "./operator";
import { runRecord, type RunRecord } from "./record";
import { checkPositive, checkPositiveInt, checkSeed, dot, meanAndStdError, rademacher, ticker } from "./util";

export interface TraceOptions extends TargetOptions {
  /** Curvature–vector products to spend (default 100). Hutch++ splits them ⅓ sketch, ⅓ sketch products, ⅓ residual probes. */
  probes?: number;
  /** "hutchinson" (default) or "hutch++" (Meyer, Musco, Musco & Woodruff 2021). */
  method?: "hutchinson" | "hutch++";
  /** Hutchinson only: stop early once stdError ≤ tol·|trace| (checked from the 10th probe on). */
  tol?: number;
}

export interface TraceResult extends RunRecord {
  /** Estimate of tr(C). */
  trace: number;
  /** Its standard error (sample std of the probe values / √probes); Hutch++: of the residual part. */
  stdError: number;
  /** Rademacher probes averaged (for Hutch++: residual probes). */
  probes: number;
  /** Per-probe values zᵀCz (Hutch++: of the deflated operator), for views and resampling. */
  samples: number[];
  /** Hutch++: tr(QᵀCQ) of the sketched range (exact part), else null. */
  sketchTrace: number | null;
  /** Hutch++: rank of the sketch Q, else null. */
  sketchRank: number | null;
}

/**
 * Hutchinson's trace estimator tr(C) ≈ (1/N) Σ zᵀCz with Rademacher z (E zzᵀ = I), with its
 * standard error — PyHessian's `trace()` plus error bars. `method: "hutch++"` first takes the
 * trace exactly on a sketched dominant subspace Q = orth(C S) and applies Hutchinson only to
 * (I − QQᵀ)C(I − QQᵀ), which cuts the variance when a few outliers dominate.
 */
export async function trace(model: Model, data: Dataset, opts?: TraceOptions): Promise<TraceResult>;
export async function trace<P extends Params>(objective: Objective<P>, opts?: TraceOptions): Promise<TraceResult>;
export async function trace(a: unknown, b?: unknown, c?: unknown): Promise<TraceResult> {
  const { target, opts } = splitArgs<TraceOptions>("trace", a, b, c);
  checkOptions(opts, [...TARGET_OPTIONS, "probes", "method", "tol"], "trace");
  const op = buildOperator("trace", target, opts);
  return traceOf(op, opts);
}

export async function traceOf(op: CurvatureOperator, opts: TraceOptions): Promise<TraceResult> {
  const t0 = performance.now();
  const probes = opts.probes === undefined ? 100 : checkPositiveInt(opts.probes, "probes", "trace");
  const method = opts.method ?? "hutchinson";
  if (method !== "hutchinson" && method !== "hutch++") throw new OptlabError(`trace: method: expected "hutchinson" or "hutch++", got "${String(method)}"`);
  const seed = checkSeed(opts.seed, "trace");
  const tol = opts.tol === undefined ? null : checkPositive(opts.tol, "tol", "trace");
  const rng = toRng(seed);
  const tick = ticker();
  const p = op.p;
  const start = op.count;
  if (method === "hutchinson") {
    const samples: number[] = [];
    let est = meanAndStdError([0]);
    for (let i = 0; i < probes; i++) {
      const z = rademacher(rng, p);
      samples.push(dot(z, op.apply(z)));
      await tick();
      if (tol !== null && samples.length >= 10) {
        est = meanAndStdError(samples);
        if (est.stdError <= tol * Math.abs(est.mean)) break;
      }
    }
    est = meanAndStdError(samples);
    return {
      ...runRecord(op, { method, hvps: op.count - start, iterations: samples.length, tolerance: tol, toleranceReached: est.mean !== 0 ? est.stdError / Math.abs(est.mean) : null, seed, t0 }),
      trace: est.mean, stdError: est.stdError, probes: samples.length, samples, sketchTrace: null, sketchRank: null,
    };
  }
  if (tol !== null) throw new OptlabError(`trace: tol: early stopping applies to method "hutchinson"; Hutch++ spends exactly \`probes\` products`);
  if (probes < 3) throw new OptlabError(`trace: probes: Hutch++ needs at least 3 products (sketch, its products, one residual probe), got ${probes}`);
  const s = Math.min(Math.floor(probes / 3), p);
  const Y: Float64Array[] = [];
  for (let i = 0; i < s; i++) {
    Y.push(op.apply(rademacher(rng, p)));
    await tick();
  }
  const Q = orthonormalBasis(Y);
  let sketchTrace = 0;
  for (const q of Q) {
    sketchTrace += dot(q, op.apply(q));
    await tick();
  }
  const samples: number[] = [];
  const rest = probes - s - Q.length;
  for (let i = 0; i < rest; i++) {
    const z = rademacher(rng, p);
    project(z, Q);
    samples.push(dot(z, op.apply(z)));
    await tick();
  }
  const est = samples.length > 0 ? meanAndStdError(samples) : { mean: 0, stdError: 0 };
  const total = sketchTrace + est.mean;
  return {
    ...runRecord(op, { method, hvps: op.count - start, iterations: probes, tolerance: null, toleranceReached: total !== 0 ? est.stdError / Math.abs(total) : null, seed, t0 }),
    trace: total, stdError: est.stdError, probes: samples.length, samples, sketchTrace, sketchRank: Q.length,
  };
}

/** Orthonormal basis of span(Y) by Gram–Schmidt twice, dropping numerically dependent columns. */
export function orthonormalBasis(Y: Float64Array[]): Float64Array[] {
  const Q: Float64Array[] = [];
  for (const y of Y) {
    const v = Float64Array.from(y);
    const n0 = Math.sqrt(dot(v, v));
    if (!(n0 > 0)) continue;
    project(v, Q);
    project(v, Q);
    const n1 = Math.sqrt(dot(v, v));
    if (n1 <= 1e-10 * n0) continue;
    for (let i = 0; i < v.length; i++) v[i] /= n1;
    Q.push(v);
  }
  return Q;
}

/** z ← (I − QQᵀ) z. */
function project(z: Float64Array, Q: Float64Array[]): void {
  for (const q of Q) {
    const c = dot(z, q);
    for (let i = 0; i < z.length; i++) z[i] -= c * q[i];
  }
}
