import { symTridiagonalEig } from "../linalg/symTridiagonalEig";
import { toRng, type Rng } from "../random/Rng";
import { OptlabError, checkOptions } from "../util/errors";
import { isLinearOperator, type LinearOperator } from "../linalg/LinearOperator";

/** A symmetric linear operator on ℝᵖ given by its matrix–vector product. */
/**
 * A symmetric operator for Lanczos: a LinearOperator { n, apply } or a product function that may
 * be async (so long runs can yield to the event loop between products).
 */
export type SymmetricOperator = LinearOperator | ((v: Float64Array) => Float64Array | Promise<Float64Array>);

export interface LanczosOptions {
  /** Krylov steps m (≤ p); default min(p, 80). */
  steps?: number;
  /** Starting vector (default: seeded Gaussian). */
  start?: Float64Array;
  seed?: number | Rng;
  /** Keep the Lanczos basis to return Ritz vectors (memory m·p). Default true. */
  vectors?: boolean;
}

export interface LanczosResult {
  /** Ritz values θ_j, ascending [m']. */
  values: Float64Array;
  /** Ritz residual norms ‖A y_j − θ_j y_j‖ = β_m |s_{m,j}| [m']. */
  residuals: Float64Array;
  /** Ritz vectors y_j (unit norm, length p) when requested, same order as values. */
  ritzVectors: Float64Array[] | null;
  /** Squared first components of the eigenvectors of T: the Gauss-quadrature weights used by SLQ. */
  weights: Float64Array;
  /** Tridiagonal coefficients: α [m'], β [m'−1]. */
  alpha: Float64Array;
  beta: Float64Array;
  /** Matrix–vector products used. */
  matvecs: number;
  /** True when the Krylov space became invariant before `steps` (β ≈ 0): the Ritz values are exact. */
  invariant: boolean;
}

/**
 * Lanczos with full reorthogonalization (two Gram–Schmidt passes per step) on a symmetric
 * operator: m steps give a tridiagonal T whose eigenvalues (Ritz values) approximate the extreme
 * eigenvalues of A first. Async so operators may yield (HVPs in a kernel).
 */
export async function lanczos(op: SymmetricOperator, p: number, opts: LanczosOptions = {}): Promise<LanczosResult> {
  checkOptions(opts, ["steps", "start", "seed", "vectors"], "lanczos");
  if (!Number.isInteger(p) || p < 1) throw new OptlabError(`lanczos: p: expected a positive integer, got ${p}`);
  const m = opts.steps ?? Math.min(p, 80);
  if (!Number.isInteger(m) || m < 1 || m > p) throw new OptlabError(`lanczos: steps: expected an integer in [1, ${p}], got ${m}`);
  let q: Float64Array;
  if (opts.start) {
    if (opts.start.length !== p) throw new OptlabError(`lanczos: start: expected length ${p}, got ${opts.start.length}`);
    q = Float64Array.from(opts.start);
  } else q = toRng(opts.seed, 0).normals(p);
  normalize(q, "start");
  if (isLinearOperator(op) && op.n !== p) throw new OptlabError(`lanczos: op: operator has dimension ${op.n}, expected p = ${p}`);
  const product = isLinearOperator(op) ? (v: Float64Array) => op.apply(v) : op;
  const Q: Float64Array[] = [q];
  const alpha: number[] = [];
  const beta: number[] = [];
  let matvecs = 0;
  let invariant = false;
  for (let j = 0; j < m; j++) {
    const w = Float64Array.from(await product(Q[j]));
    matvecs++;
    if (w.length !== p) throw new OptlabError(`lanczos: the operator returned length ${w.length}, expected ${p}`);
    const a = dot(w, Q[j]);
    alpha.push(a);
    // Full reorthogonalization against every basis vector, twice ("twice is enough").
    for (let pass = 0; pass < 2; pass++) {
      for (const qi of Q) {
        const c = dot(w, qi);
        for (let i = 0; i < p; i++) w[i] -= c * qi[i];
      }
    }
    if (j === m - 1) {
      beta.push(Math.sqrt(dot(w, w)));
      break;
    }
    const b = Math.sqrt(dot(w, w));
    const scale = Math.max(...alpha.map(Math.abs), ...beta, 1e-300);
    if (b <= 1e-12 * scale) {
      invariant = true;
      beta.push(0);
      break;
    }
    beta.push(b);
    for (let i = 0; i < p; i++) w[i] /= b;
    Q.push(w);
  }
  const k = alpha.length;
  // T is tridiagonal: implicit QL is O(k²) with vectors, far cheaper than a dense solver per call.
  const eig = symTridiagonalEig(alpha, beta.slice(0, k - 1));
  const values = eig.values;
  const vectors = eig.vectors as Float64Array;
  const bLast = beta[k - 1] ?? 0;
  const residuals = Float64Array.from({ length: k }, (_, j) => Math.abs(bLast * vectors[(k - 1) * k + j]));
  const weights = Float64Array.from({ length: k }, (_, j) => vectors[j] ** 2);
  let ritzVectors: Float64Array[] | null = null;
  if (opts.vectors ?? true) {
    ritzVectors = Array.from({ length: k }, (_, j) => {
      const y = new Float64Array(p);
      for (let i = 0; i < k; i++) {
        const s = vectors[i * k + j];
        for (let t = 0; t < p; t++) y[t] += s * Q[i][t];
      }
      return y;
    });
  }
  return { values, residuals, ritzVectors, weights, alpha: Float64Array.from(alpha), beta: Float64Array.from(beta.slice(0, k - 1)), matvecs, invariant };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function normalize(v: Float64Array, what: string): void {
  const n = Math.sqrt(dot(v, v));
  if (!(n > 0) || !Number.isFinite(n)) throw new OptlabError(`lanczos: ${what}: expected a non-zero finite vector`);
  for (let i = 0; i < v.length; i++) v[i] /= n;
}
