import type { Params } from "../../autodiff/params";
import type { Dataset } from "../../data/Dataset";
import type { Model } from "../../nn/Model";
import type { Objective } from "../../objective";
import { toRng } from "../../random/Rng";
import { checkOptions } from "../../util/errors";
import { TARGET_OPTIONS, buildOperator, splitArgs, type TargetOptions } from "./operator";
import { runRecord, type RunRecord } from "./record";
import { checkPositiveInt, checkSeed, rademacher, ticker } from "./util";

export interface DiagonalOptions extends TargetOptions {
  /** Rademacher probes (default 100). */
  probes?: number;
}

export interface DiagonalResult extends RunRecord {
  /** Estimate of diag(C) [p]. */
  diagonal: number[];
  /** Per-entry standard error [p] (sample std of zᵢ(Cz)ᵢ / √probes). */
  stdError: number[];
  /** Σ diagonal (= the Hutchinson trace estimate from the same probes). */
  trace: number;
  probes: number;
}

/**
 * Hutchinson's diagonal estimator diag(C) ≈ (1/N) Σ z ⊙ Cz with Rademacher z (Bekas et al.;
 * AdaHessian's curvature), with a standard error per entry. Entry i has variance
 * Σ_{j≠i} C_ij² per probe, so weakly coupled parameters converge fastest.
 */
export async function diagonal(model: Model, data: Dataset, opts?: DiagonalOptions): Promise<DiagonalResult>;
export async function diagonal<P extends Params>(objective: Objective<P>, opts?: DiagonalOptions): Promise<DiagonalResult>;
export async function diagonal(a: unknown, b?: unknown, c?: unknown): Promise<DiagonalResult> {
  const t0 = performance.now();
  const { target, opts } = splitArgs<DiagonalOptions>("diagonal", a, b, c);
  checkOptions(opts, [...TARGET_OPTIONS, "probes"], "diagonal");
  const op = buildOperator("diagonal", target, opts);
  const probes = opts.probes === undefined ? 100 : checkPositiveInt(opts.probes, "probes", "diagonal");
  const seed = checkSeed(opts.seed, "diagonal");
  const rng = toRng(seed);
  const tick = ticker();
  const p = op.p;
  const sum = new Float64Array(p);
  const sumSq = new Float64Array(p);
  const start = op.count;
  for (let s = 0; s < probes; s++) {
    const z = rademacher(rng, p);
    const hz = op.apply(z);
    for (let i = 0; i < p; i++) {
      const x = z[i] * hz[i];
      sum[i] += x;
      sumSq[i] += x * x;
    }
    await tick();
  }
  const diag: number[] = new Array(p);
  const se: number[] = new Array(p);
  let tr = 0;
  for (let i = 0; i < p; i++) {
    const m = sum[i] / probes;
    diag[i] = m;
    tr += m;
    // Unbiased variance; clamp the tiny negative values rounding can produce.
    se[i] = probes > 1 ? Math.sqrt(Math.max(0, (sumSq[i] - probes * m * m) / (probes - 1)) / probes) : 0;
  }
  const maxRel = se.reduce((acc, s, i) => (diag[i] !== 0 ? Math.max(acc, s / Math.abs(diag[i])) : acc), 0);
  return {
    ...runRecord(op, { method: "hutchinson-diagonal", hvps: op.count - start, iterations: probes, tolerance: null, toleranceReached: maxRel, seed, t0 }),
    diagonal: diag, stdError: se, trace: tr, probes,
  };
}
