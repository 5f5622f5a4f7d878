import type { Params } from "../../autodiff/params";
import type { Dataset } from "../../data/Dataset";
import type { Model } from "../../nn/Model";
import type { Objective } from "../../objective";
import { toRng } from "../../random/Rng";
import { OptlabError, checkOptions } from "../../util/errors";
import { TARGET_OPTIONS, buildOperator, splitArgs, type CurvatureOperator, type TargetOptions } from "./operator";
import { runRecord, type RunRecord } from "./record";
import { topEigenOf, type Which } from "./topEigen";
import { checkPositiveInt, checkSeed, meanAndStdError, rademacher, ticker } from "./util";

export interface PerLayerOptions extends TargetOptions {
  /** "leaf" (default: each tensor, e.g. `[0].W`, `[0].b`) or "layer" (leaves sharing the path before the first dot: `[0]`). */
  groups?: "leaf" | "layer";
  /** Eigenvalues per block (default 3; 0 skips spectra). */
  k?: number;
  which?: Which;
  /** Lanczos residual tolerance per block (see topEigen), default 1e-6. */
  tol?: number;
  /** Rademacher probes shared by all block traces (default 100). */
  probes?: number;
}

export interface BlockCurvature {
  /** Group name (leaf path or layer prefix). */
  name: string;
  /** Leaf paths in the group. */
  paths: string[];
  size: number;
  /** Hutchinson estimate of tr(C_bb), the diagonal block. */
  trace: number;
  stdError: number;
  /** Extreme eigenvalues of the diagonal block C_bb (see `which`). */
  eigenvalues: number[];
  residuals: number[];
  converged: boolean[];
  hvps: number;
}

export interface PerLayerResult extends RunRecord {
  blocks: BlockCurvature[];
  /** Σ block traces = the Hutchinson estimate of tr(C) from the same probes. */
  trace: number;
  traceStdError: number;
  probes: number;
}

/**
 * Per parameter block curvature: traces of the diagonal blocks C_bb (all from the same Rademacher
 * probes, since E[z_bᵀ(Cz)_b] = tr(C_bb); they sum to the full Hutchinson estimate) and the extreme
 * eigenvalues of each C_bb by Lanczos on v_b ↦ (C [v_b; 0])_b.
 */
export async function perLayer(model: Model, data: Dataset, opts?: PerLayerOptions): Promise<PerLayerResult>;
export async function perLayer<P extends Params>(objective: Objective<P>, opts?: PerLayerOptions): Promise<PerLayerResult>;
export async function perLayer(a: unknown, b?: unknown, c?: unknown): Promise<PerLayerResult> {
  const t0 = performance.now();
  const { target, opts } = splitArgs<PerLayerOptions>("perLayer", a, b, c);
  checkOptions(opts, [...TARGET_OPTIONS, "groups", "k", "which", "tol", "probes"], "perLayer");
  const op = buildOperator("perLayer", target, opts);
  const mode = opts.groups ?? "leaf";
  if (mode !== "leaf" && mode !== "layer") throw new OptlabError(`perLayer: groups: expected "leaf" or "layer", got "${String(mode)}"`);
  const k = opts.k ?? 3;
  if (!Number.isInteger(k) || k < 0) throw new OptlabError(`perLayer: k: expected an integer ≥ 0, got ${String(k)}`);
  const probes = opts.probes === undefined ? 100 : checkPositiveInt(opts.probes, "probes", "perLayer");
  const seed = checkSeed(opts.seed, "perLayer");
  const groups = groupBlocks(op, mode);
  const start = op.count;
  const rng = toRng(seed);
  const tick = ticker();
  const samples: number[][] = groups.map(() => []);
  const total: number[] = [];
  for (let s = 0; s < probes; s++) {
    const z = rademacher(rng, op.p);
    const hz = op.apply(z);
    let all = 0;
    groups.forEach((g, gi) => {
      let t = 0;
      for (const i of g.index) t += z[i] * hz[i];
      samples[gi].push(t);
      all += t;
    });
    total.push(all);
    await tick();
  }
  const blocks: BlockCurvature[] = [];
  for (let gi = 0; gi < groups.length; gi++) {
    const g = groups[gi];
    const est = meanAndStdError(samples[gi]);
    const before = op.count;
    let eig = { eigenvalues: [] as number[], residuals: [] as number[], converged: [] as boolean[] };
    const kk = Math.min(k, opts.which === "both" ? Math.floor(g.index.length / 2) : g.index.length);
    if (kk > 0) {
      const r = await topEigenOf(restrict(op, g.index), { k: kk, which: opts.which, tol: opts.tol, seed });
      eig = { eigenvalues: r.eigenvalues, residuals: r.residuals, converged: r.converged };
    }
    blocks.push({ name: g.name, paths: g.paths, size: g.index.length, trace: est.mean, stdError: est.stdError, ...eig, hvps: op.count - before });
  }
  const tot = meanAndStdError(total);
  return {
    ...runRecord(op, { method: "per-block hutchinson + lanczos", hvps: op.count - start, iterations: probes, tolerance: opts.tol ?? (k > 0 ? 1e-6 : null), toleranceReached: null, seed, t0 }),
    blocks, trace: tot.mean, traceStdError: tot.stdError, probes,
  };
}

function groupBlocks(op: CurvatureOperator, mode: "leaf" | "layer") {
  const groups: { name: string; paths: string[]; index: number[] }[] = [];
  const byName = new Map<string, (typeof groups)[number]>();
  for (const b of op.blocks) {
    const dot = b.path.indexOf(".");
    const name = mode === "leaf" || dot < 0 ? b.path : b.path.slice(0, dot);
    let g = byName.get(name);
    if (!g) {
      g = { name, paths: [], index: [] };
      byName.set(name, g);
      groups.push(g);
    }
    g.paths.push(b.path);
    for (let i = 0; i < b.size; i++) g.index.push(b.offset + i);
  }
  return groups;
}

/** The diagonal block C_bb as an operator on ℝ^|b| (products counted on the parent). */
function restrict(op: CurvatureOperator, index: number[]): CurvatureOperator {
  const full = new Float64Array(op.p);
  const sub: CurvatureOperator = {
    ...op,
    p: index.length,
    blocks: [],
    get count() {
      return op.count;
    },
    set count(_v: number) {
      /* counted on the parent */
    },
    apply(v: Float64Array) {
      if (v.length !== index.length) throw new OptlabError(`v: expected length ${index.length}, got ${v.length}`);
      full.fill(0);
      for (let i = 0; i < index.length; i++) full[index[i]] = v[i];
      const w = op.apply(full);
      return Float64Array.from(index, (i) => w[i]);
    },
  };
  return sub;
}
