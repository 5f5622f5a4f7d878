import type { Dataset } from "../../data/Dataset";
import type { Model } from "../../nn/Model";
import type { Params } from "../../autodiff/params";
import type { Objective } from "../../objective";
import { lanczosRun } from "../../solvers/lanczos";
import { toRng } from "../../random/Rng";
import { OptlabError, checkOptions } from "../../util/errors";
import { TARGET_OPTIONS, buildOperator, splitArgs, type CurvatureOperator, type TargetOptions } from "./operator";
import { runRecord, type RunRecord } from "./record";
import { checkFiniteBlocks } from "../../objective/finite";
import { checkPositive, checkPositiveInt, checkSeed, dot, norm, ticker } from "./util";

export type Which = "largest" | "smallest" | "both";
export type EigenMethod = "lanczos" | "power";

export interface TopEigenOptions extends TargetOptions {
  /** Eigenpairs per end (default 1). */
  k?: number;
  /** Which end of the spectrum (algebraic order); default "largest". Power iteration: "largest" only. */
  which?: Which;
  /** "lanczos" (default; full reorthogonalization) or "power" (PyHessian's power iteration with deflation). */
  method?: EigenMethod;
  /**
   * Lanczos: a pair is converged when its Ritz residual ‖Cy − θy‖ ≤ tol·‖C‖ (‖C‖ estimated by the
   * largest |Ritz value|); default 1e-6, which bounds eigenvalue errors by ≈ tol²‖C‖²/gap.
   * Power: relative change of the Rayleigh quotient between iterations (PyHessian), default 1e-3.
   */
  tol?: number;
  /** Lanczos: largest Krylov dimension tried (default min(p, max(30k, 300))). */
  maxSteps?: number;
  /** Power: iterations per eigenpair (default 100, PyHessian's maxIter). */
  maxIter?: number;
  /** Return unit eigenvectors (length p each); default false. */
  vectors?: boolean;
  /**
   * Start vector [p] instead of a seeded Gaussian (Lanczos; power: for the first pair), e.g. the
   * previous top eigenvector to warm-start sharpness tracking during training.
   */
  start?: Float64Array;
}

export interface TopEigenResult extends RunRecord {
  which: Which;
  k: number;
  /** Eigenvalues: the largest end in descending order, then the smallest end in ascending order. */
  eigenvalues: number[];
  /** Which end each eigenvalue belongs to. */
  end: ("largest" | "smallest")[];
  /** Residual norms ‖C v − λ v‖ per pair (absolute). */
  residuals: number[];
  /** Per pair: the stopping criterion (see `tol`) was met. */
  converged: boolean[];
  /** The k largest, descending (empty for which = "smallest"). */
  largest: number[];
  /** The k smallest, ascending (empty for which = "largest"). */
  smallest: number[];
  /** Unit eigenvectors per pair (plain arrays, length p), when `vectors: true`. */
  eigenvectors: number[][] | null;
  /** Lanczos: the Krylov dimension used; power: iterations per pair. */
  steps: number[];
}

const OPTIONS = [...TARGET_OPTIONS, "k", "which", "method", "tol", "maxSteps", "maxIter", "vectors", "start"];

/**
 * The k extreme eigenvalues (and optionally eigenvectors) of the loss Hessian (or GGN / Fisher,
 * see `curvature`), from Hessian–vector products only.
 *
 * `method: "lanczos"` runs Lanczos with full reorthogonalization, growing the Krylov dimension
 * until every wanted Ritz pair has residual ≤ tol·‖H‖ (earlier products are reused, not redone).
 * `method: "power"` is PyHessian's `eigenvalues(top_n)`: power iteration with deflation by
 * Gram–Schmidt against the eigenvectors found, stopping on a relative change < tol; it finds the
 * largest-|λ| eigenvalues, in the order found. Lanczos cannot resolve exact multiplicities (one
 * start vector sees one copy of a repeated eigenvalue).
 */
export async function topEigen(model: Model, data: Dataset, opts?: TopEigenOptions): Promise<TopEigenResult>;
export async function topEigen<P extends Params>(objective: Objective<P>, opts?: TopEigenOptions): Promise<TopEigenResult>;
export async function topEigen(a: unknown, b?: unknown, c?: unknown): Promise<TopEigenResult> {
  const { target, opts } = splitArgs<TopEigenOptions>("topEigen", a, b, c);
  checkOptions(opts, OPTIONS, "topEigen");
  const op = buildOperator("topEigen", target, opts);
  return topEigenOf(op, opts);
}

/** topEigen on an already built operator (used by perLayer, split and minibatch). */
export async function topEigenOf(op: CurvatureOperator, opts: TopEigenOptions): Promise<TopEigenResult> {
  const t0 = performance.now();
  const p = op.p;
  const k = opts.k ?? 1;
  checkPositiveInt(k, "k", "topEigen");
  if (k > p) throw new OptlabError(`topEigen: k: expected at most p = ${p}, got ${k}`);
  const which = opts.which ?? "largest";
  if (which !== "largest" && which !== "smallest" && which !== "both") throw new OptlabError(`topEigen: which: expected "largest", "smallest" or "both", got "${String(which)}"`);
  if (which === "both" && 2 * k > p) throw new OptlabError(`topEigen: k: with which "both" expected 2k ≤ p = ${p}, got k = ${k}`);
  const method = opts.method ?? "lanczos";
  if (method !== "lanczos" && method !== "power") throw new OptlabError(`topEigen: method: expected "lanczos" or "power", got "${String(method)}"`);
  const seed = checkSeed(opts.seed, "topEigen");
  if (opts.tol !== undefined) checkPositive(opts.tol, "tol", "topEigen");
  if (opts.vectors !== undefined && typeof opts.vectors !== "boolean") throw new OptlabError(`topEigen: vectors: expected a boolean, got ${String(opts.vectors)}`);
  if (opts.start !== undefined) {
    if (!(opts.start instanceof Float64Array) || opts.start.length !== p) throw new OptlabError(`topEigen: start: expected a Float64Array of length ${p}`);
    checkFiniteBlocks(opts.start, op.blocks.length ? op.blocks : [{ path: "start", offset: 0, size: p, shape: [p] }], "topEigen: start");
    if (!(norm(opts.start) > 0)) throw new OptlabError("topEigen: start: expected a non-zero vector");
  }
  const start = op.count;
  if (method === "power") {
    if (opts.maxSteps !== undefined) throw new OptlabError(`topEigen: maxSteps: applies to method "lanczos"; power iteration takes maxIter`);
    if (which !== "largest") throw new OptlabError(`topEigen: which: method "power" finds the largest-|λ| eigenvalues (PyHessian); use method "lanczos" for "${which}"`);
    const tol = opts.tol ?? 1e-3;
    const maxIter = opts.maxIter === undefined ? 100 : checkPositiveInt(opts.maxIter, "maxIter", "topEigen");
    const r = await powerIteration(op, k, tol, maxIter, seed, opts.vectors ?? false, opts.start);
    return {
      ...runRecord(op, { method: "power", hvps: op.count - start, iterations: r.steps.reduce((s, x) => s + x, 0), tolerance: tol, toleranceReached: Math.max(...r.changes), seed, t0 }),
      which, k, eigenvalues: r.values, end: r.values.map(() => "largest"), residuals: r.residuals, converged: r.converged,
      largest: r.values.slice(), smallest: [], eigenvectors: r.vectors, steps: r.steps,
    };
  }
  if (opts.maxIter !== undefined) throw new OptlabError(`topEigen: maxIter: applies to method "power"; Lanczos takes maxSteps`);
  const tol = opts.tol ?? 1e-6;
  const want = which === "both" ? 2 * k : k;
  const maxSteps = opts.maxSteps === undefined ? Math.min(p, Math.max(30 * k, 300)) : checkPositiveInt(opts.maxSteps, "maxSteps", "topEigen", p);
  if (maxSteps < want) throw new OptlabError(`topEigen: maxSteps: expected at least ${want} Krylov steps for ${want} eigenpairs, got ${maxSteps}`);
  const startVec = opts.start ? Float64Array.from(opts.start) : toRng(seed).normals(p);
  const tick = ticker();
  // One Lanczos run, grown until every wanted Ritz pair converges: each product and each
  // reorthogonalization is paid once.
  const run = lanczosRun(async (v: Float64Array) => {
    await tick();
    return op.apply(v);
  }, p, { start: startVec });
  let m = Math.min(maxSteps, Math.max(2 * want + 20, 40));
  for (;;) {
    await run.extend(m);
    const res = run.result(false);
    const sel = select(res.values.length, k, which);
    const scale = Math.max(Math.abs(res.values[0]), Math.abs(res.values[res.values.length - 1]), 1e-300);
    const ok = sel.map((j) => res.residuals[j] <= tol * scale);
    const done = res.invariant || ok.every(Boolean) || m >= maxSteps;
    if (done) {
      let vecs: number[][] | null = null;
      if (opts.vectors) {
        const rv = run.result(true);
        vecs = sel.map((j) => Array.from((rv.ritzVectors as Float64Array[])[j]));
      }
      run.release(); // the Ritz vectors above are copies: the basis can serve the next run
      const values = sel.map((j) => res.values[j]);
      const end = sel.map((_, i) => (which === "smallest" || (which === "both" && i >= k) ? "smallest" : "largest") as "largest" | "smallest");
      const residuals = sel.map((j) => res.residuals[j]);
      // An invariant Krylov space (β = 0) makes its Ritz pairs exact.
      const converged = res.invariant ? sel.map(() => true) : ok;
      return {
        ...runRecord(op, { method: "lanczos", hvps: op.count - start, iterations: res.matvecs, tolerance: tol, toleranceReached: Math.max(...residuals) / scale, seed, t0 }),
        which, k, eigenvalues: values, end, residuals, converged,
        largest: values.filter((_, i) => end[i] === "largest"), smallest: values.filter((_, i) => end[i] === "smallest"),
        eigenvectors: vecs, steps: sel.map(() => res.matvecs),
      };
    }
    m = Math.min(maxSteps, Math.ceil(m * 1.6));
  }
}

/** Indices into ascending Ritz values: largest (descending), then smallest (ascending). */
function select(m: number, k: number, which: Which): number[] {
  const kk = Math.min(k, m);
  const top = Array.from({ length: kk }, (_, i) => m - 1 - i);
  const bottom = Array.from({ length: kk }, (_, i) => i);
  if (which === "largest") return top;
  if (which === "smallest") return bottom;
  return [...top, ...bottom];
}

/** PyHessian's power iteration with deflation (hessian.eigenvalues), with residuals recorded. */
async function powerIteration(op: CurvatureOperator, k: number, tol: number, maxIter: number, seed: number, keepVectors: boolean, first?: Float64Array) {
  const p = op.p;
  const rng = toRng(seed);
  const tick = ticker();
  const found: Float64Array[] = [];
  const values: number[] = [];
  const residuals: number[] = [];
  const converged: boolean[] = [];
  const steps: number[] = [];
  const changes: number[] = [];
  for (let e = 0; e < k; e++) {
    let v = e === 0 && first ? Float64Array.from(first) : rng.normals(p);
    let lambda: number | null = null;
    let ok = false;
    let it = 0;
    let res = NaN;
    let change = Infinity;
    let vRayleigh = v;
    for (; it < maxIter; ) {
      // Deflation: keep v orthonormal to the eigenvectors already found (Gram–Schmidt, twice).
      for (let pass = 0; pass < 2; pass++) {
        for (const u of found) {
          const c = dot(v, u);
          for (let i = 0; i < p; i++) v[i] -= c * u[i];
        }
      }
      const nv = norm(v);
      if (!(nv > 0)) throw new OptlabError(`topEigen: power iteration lost its vector (k = ${k} exceeds the rank of the deflated operator?)`);
      for (let i = 0; i < p; i++) v[i] /= nv;
      await tick();
      const hv = op.apply(v);
      it++;
      const tmp = dot(hv, v);
      let r2 = 0;
      for (let i = 0; i < p; i++) r2 += (hv[i] - tmp * v[i]) ** 2;
      res = Math.sqrt(r2);
      vRayleigh = v;
      const nh = norm(hv);
      v = nh > 0 ? Float64Array.from(hv, (x) => x / nh) : v;
      if (lambda !== null) {
        change = Math.abs(lambda - tmp) / (Math.abs(lambda) + 1e-6);
        lambda = tmp;
        if (change < tol) {
          ok = true;
          break;
        }
      } else lambda = tmp;
      if (nh === 0) {
        ok = true; // v is in the null space: λ = 0 exactly
        change = 0;
        break;
      }
    }
    found.push(Float64Array.from(vRayleigh));
    values.push(lambda as number);
    residuals.push(res);
    converged.push(ok);
    steps.push(it);
    changes.push(change);
  }
  return { values, residuals, converged, steps, changes, vectors: keepVectors ? found.map((f) => Array.from(f)) : null };
}
