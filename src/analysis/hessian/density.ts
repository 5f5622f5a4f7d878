import type { Params } from "../../autodiff/params";
import type { Dataset } from "../../data/Dataset";
import type { Model } from "../../nn/Model";
import type { Objective } from "../../objective";
import { lanczos } from "../../solvers/lanczos";
import { toRng } from "../../random/Rng";
import { smoothDensity } from "./gaussianSum";
import { OptlabError, checkOptions } from "../../util/errors";
import { TARGET_OPTIONS, buildOperator, splitArgs, type CurvatureOperator, type TargetOptions } from "./operator";
import { runRecord, type RunRecord } from "./record";
import { checkPositive, checkPositiveInt, checkSeed, meanAndStdError, rademacher, ticker } from "./util";

export interface SmoothOptions {
  /** Gaussian width σ (eigenvalue units). Default 1% of the node range (or 1e-3·max(1, |λ|) if one point). */
  sigma?: number;
  /** Grid: a number of points (default 1000) spanning [min node − 6σ, max node + 6σ], or explicit points (ascending). */
  grid?: number | readonly number[];
}

export interface DensityOptions extends TargetOptions, SmoothOptions {
  /** Random probe vectors n (default 10). */
  probes?: number;
  /** Lanczos steps m per probe (default min(p, 90)). */
  steps?: number;
}

/** A Gaussian-broadened spectral density on a grid. */
export interface SmoothedDensity {
  /** Eigenvalue grid, ascending. */
  grid: number[];
  /** Density φ(t) = (1/n) Σ_probes Σ_j w_j 𝒩(t; θ_j, σ²) on the grid; integrates to 1 over ℝ. */
  density: number[];
  sigma: number;
}

export interface DensityResult extends RunRecord, SmoothedDensity {
  probes: number;
  steps: number;
  /** Ritz nodes θ_j per probe (ascending), kept so a view can re-smooth without new HVPs. */
  nodes: number[][];
  /** Gauss-quadrature weights w_j per probe (each row sums to 1). */
  weights: number[][];
  /** Mean of the density, (1/n) Σ probes zᵀCz/‖z‖² = an estimate of tr(C)/p. */
  mean: number;
  /** Standard error of `mean` over the probes. */
  meanStdError: number;
}

const SMOOTH_OPTIONS = ["sigma", "grid"];

/**
 * Stochastic Lanczos quadrature (Golub–Meurant; Ghorbani, Krishnan & Xiao 2019; PyHessian's
 * `density()`): for each of n Rademacher probes, m Lanczos steps give a Gauss quadrature
 * (nodes θ_j = Ritz values, weights = squared first components of T's eigenvectors) of the
 * spectral measure (1/p) Σ δ(t − λ_i), averaged over probes and broadened by a Gaussian of
 * width σ. Costs n·m HVPs. The raw nodes/weights stay in the result; `smooth(result, {sigma})`
 * re-broadens without new products.
 */
export async function density(model: Model, data: Dataset, opts?: DensityOptions): Promise<DensityResult>;
export async function density<P extends Params>(objective: Objective<P>, opts?: DensityOptions): Promise<DensityResult>;
export async function density(a: unknown, b?: unknown, c?: unknown): Promise<DensityResult> {
  const { target, opts } = splitArgs<DensityOptions>("density", a, b, c);
  checkOptions(opts, [...TARGET_OPTIONS, "probes", "steps", ...SMOOTH_OPTIONS], "density");
  const op = buildOperator("density", target, opts);
  return densityOf(op, opts);
}

export async function densityOf(op: CurvatureOperator, opts: DensityOptions): Promise<DensityResult> {
  const t0 = performance.now();
  const p = op.p;
  const probes = opts.probes === undefined ? 10 : checkPositiveInt(opts.probes, "probes", "density");
  const steps = opts.steps === undefined ? Math.min(p, 90) : checkPositiveInt(opts.steps, "steps", "density", p);
  checkSmooth(opts, "density");
  const seed = checkSeed(opts.seed, "density");
  const rng = toRng(seed);
  const tick = ticker();
  const start = op.count;
  const nodes: number[][] = [];
  const weights: number[][] = [];
  const rayleigh: number[] = [];
  let iterations = 0;
  const apply = async (v: Float64Array) => {
    await tick();
    return op.apply(v);
  };
  for (let l = 0; l < probes; l++) {
    const z = rademacher(rng, p);
    const r = await lanczos(apply, p, { steps, start: z, vectors: false });
    iterations += r.matvecs;
    nodes.push(Array.from(r.values));
    weights.push(Array.from(r.weights));
    rayleigh.push(r.alpha[0]); // α₁ = zᵀCz/‖z‖² = Σ_j w_j θ_j
  }
  const { mean, stdError } = meanAndStdError(rayleigh);
  const smoothed = smoothNodes(nodes, weights, opts, "density");
  return {
    ...runRecord(op, { method: "slq", hvps: op.count - start, iterations, tolerance: null, toleranceReached: null, seed, t0 }),
    probes, steps, nodes, weights, mean, meanStdError: stdError, ...smoothed,
  };
}

/**
 * Re-broaden an SLQ result (its cached Ritz nodes and weights) with another width or grid; no HVPs.
 */
export function smooth(result: Pick<DensityResult, "nodes" | "weights">, opts: SmoothOptions = {}): SmoothedDensity {
  checkOptions(opts, SMOOTH_OPTIONS, "smooth");
  if (!result || !Array.isArray(result.nodes) || !Array.isArray(result.weights) || result.nodes.length !== result.weights.length || result.nodes.length === 0) {
    throw new OptlabError("smooth: result: expected an SLQ result with non-empty nodes and weights of equal length");
  }
  result.nodes.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== result.weights[i]?.length) throw new OptlabError(`smooth: result: nodes[${i}] and weights[${i}] differ in length`);
  });
  checkSmooth(opts, "smooth");
  return smoothNodes(result.nodes, result.weights, opts, "smooth");
}

function checkSmooth(opts: SmoothOptions, where: string): void {
  if (opts.sigma !== undefined) checkPositive(opts.sigma, "sigma", where);
  const g = opts.grid;
  if (g === undefined) return;
  if (typeof g === "number") {
    checkPositiveInt(g, "grid", where);
    if (g < 2) throw new OptlabError(`${where}: grid: expected at least 2 points, got ${g}`);
    return;
  }
  if (!Array.isArray(g) || g.length < 2) throw new OptlabError(`${where}: grid: expected a number of points or an array of ≥ 2 ascending values`);
  for (let i = 0; i < g.length; i++) {
    if (!Number.isFinite(g[i]) || (i > 0 && !(g[i] > g[i - 1]))) throw new OptlabError(`${where}: grid: expected finite ascending values, bad entry ${g[i]} at index ${i}`);
  }
}

function smoothNodes(nodes: number[][], weights: number[][], opts: SmoothOptions, where: string): SmoothedDensity {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of nodes) for (const t of row) {
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  const range = hi - lo;
  const sigma = opts.sigma ?? (range > 0 ? 0.01 * range : 1e-3 * Math.max(1, Math.abs(hi)));
  let grid: number[];
  if (Array.isArray(opts.grid)) grid = opts.grid.slice();
  else {
    const count = (opts.grid as number | undefined) ?? 1000;
    const a = lo - 6 * sigma;
    const b = hi + 6 * sigma;
    grid = Array.from({ length: count }, (_, i) => a + ((b - a) * i) / (count - 1));
  }
  if (!grid.every(Number.isFinite)) throw new OptlabError(`${where}: grid: non-finite points`);
  const dens = smoothDensity(nodes.flat(), weights.flat(), nodes.length, sigma, grid);
  return { grid, density: Array.from(dens), sigma };
}
