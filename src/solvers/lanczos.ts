import { symTridiagonalEig } from "../linalg/symTridiagonalEig";
import { toRng, type Rng } from "../random/Rng";
import { OptlabError, checkOptions } from "../util/errors";
import { isLinearOperator, type LinearOperator } from "../linalg/LinearOperator";
import { gemmPathFor } from "../backend/gemm/f64Matmul";
import { loadNativeBlas } from "../backend/gemm/nativeBlas";
import { dot } from "../linalg/vector";

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
 * A Lanczos run that can be extended step by step: `extend(m)` grows the Krylov space to m
 * vectors (or until it becomes invariant) and `result()` reads Ritz pairs at the current size.
 * Callers that grow the space until their pairs converge (topEigen) pay each product and each
 * reorthogonalization once, never a rerun.
 */
export interface LanczosRun {
  /** Krylov dimension reached so far. */
  readonly size: number;
  /** True once β ≈ 0: the space is invariant and its Ritz values are exact. */
  readonly invariant: boolean;
  /** Products computed so far. */
  readonly matvecs: number;
  /** Grow to `m` steps (≤ p), stopping early on invariance. */
  extend(m: number): Promise<void>;
  /** Ritz values, residuals, quadrature weights and optionally Ritz vectors at the current size. */
  result(vectors: boolean): LanczosResult;
  /**
   * Hand the basis's memory back for the next run to reuse (fresh multi-MB buffers cost a GC for
   * external memory and page faults each time). The run cannot be extended or read afterwards.
   */
  release(): void;
}

/** Start a Lanczos run (full reorthogonalization) from `start` or a seeded Gaussian. */
export function lanczosRun(op: SymmetricOperator, p: number, opts: { start?: Float64Array; seed?: number | Rng } = {}): LanczosRun {
  if (!Number.isInteger(p) || p < 1) throw new OptlabError(`lanczos: p: expected a positive integer, got ${p}`);
  let q: Float64Array;
  if (opts.start) {
    if (opts.start.length !== p) throw new OptlabError(`lanczos: start: expected length ${p}, got ${opts.start.length}`);
    q = Float64Array.from(opts.start);
  } else q = toRng(opts.seed, 0).normals(p);
  normalize(q, "start");
  if (isLinearOperator(op) && op.n !== p) throw new OptlabError(`lanczos: op: operator has dimension ${op.n}, expected p = ${p}`);
  const product = isLinearOperator(op) ? (v: Float64Array) => op.apply(v) : op;
  const basis = new KrylovBasis(p);
  // Products land here: the residual is divided in place and copied into the basis, so one
  // buffer serves every step (a fresh length-p array per step costs more than the copy).
  const work = new Float64Array(p);
  basis.push(q);
  const Q = basis.vectors;
  const alpha: number[] = [];
  const beta: number[] = [];
  // The residual vector of the last step, kept so a later `extend` continues from it.
  let pending: Float64Array | null = null;
  let matvecs = 0;
  let invariant = false;
  let maxAbs = 1e-300;
  const run: LanczosRun = {
    get size() {
      return alpha.length;
    },
    get invariant() {
      return invariant;
    },
    get matvecs() {
      return matvecs;
    },
    async extend(m: number) {
      basis.checkLive();
      if (!Number.isInteger(m) || m < 1 || m > p) throw new OptlabError(`lanczos: steps: expected an integer in [1, ${p}], got ${m}`);
      while (alpha.length < m && !invariant) {
        if (pending) {
          // Continue: the previous residual becomes the next basis vector.
          const b = beta[beta.length - 1];
          if (b <= 1e-12 * maxAbs) {
            invariant = true;
            beta[beta.length - 1] = 0;
            break;
          }
          for (let i = 0; i < p; i++) pending[i] /= b;
          basis.push(pending);
          pending = null;
        }
        const j = alpha.length;
        const out = await product(Q[j]);
        matvecs++;
        if (out.length !== p) throw new OptlabError(`lanczos: the operator returned length ${out.length}, expected ${p}`);
        const w = work;
        w.set(out);
        const a = dot(w, Q[j]);
        alpha.push(a);
        maxAbs = Math.max(maxAbs, Math.abs(a));
        // Three-term recurrence first, then full reorthogonalization against the whole basis.
        const qj = Q[j];
        for (let i = 0; i < p; i++) w[i] -= a * qj[i];
        if (j > 0) {
          const bPrev = beta[j - 1];
          const qPrev = Q[j - 1];
          for (let i = 0; i < p; i++) w[i] -= bPrev * qPrev[i];
        }
        basis.reorthogonalize(w);
        const b = Math.sqrt(dot(w, w));
        beta.push(b);
        maxAbs = Math.max(maxAbs, b);
        pending = w;
      }
    },
    result(vectors: boolean) {
      basis.checkLive();
      const k = alpha.length;
      // T is tridiagonal: implicit QL. Residuals and quadrature weights need only the last and
      // first components of T's eigenvectors (O(k²)); Ritz vectors need all of them (O(k³)).
      const eig = vectors
        ? symTridiagonalEig(alpha, beta.slice(0, k - 1))
        : symTridiagonalEig(alpha, beta.slice(0, k - 1), { components: [0, k - 1] });
      const values = eig.values;
      const V = eig.vectors as Float64Array;
      const first = (j: number) => (vectors ? V[j] : (eig.components as Float64Array)[j]);
      const last = (j: number) => (vectors ? V[(k - 1) * k + j] : (eig.components as Float64Array)[k + j]);
      const bLast = invariant ? 0 : (beta[k - 1] ?? 0);
      const residuals = Float64Array.from({ length: k }, (_, j) => Math.abs(bLast * last(j)));
      const weights = Float64Array.from({ length: k }, (_, j) => first(j) ** 2);
      let ritzVectors: Float64Array[] | null = null;
      if (vectors) {
        ritzVectors = Array.from({ length: k }, (_, j) => {
          const y = new Float64Array(p);
          for (let i = 0; i < k; i++) {
            const s = V[i * k + j];
            const qi = Q[i];
            for (let t = 0; t < p; t++) y[t] += s * qi[t];
          }
          return y;
        });
      }
      return { values, residuals, ritzVectors, weights, alpha: Float64Array.from(alpha), beta: Float64Array.from(beta.slice(0, k - 1)), matvecs, invariant };
    },
    release() {
      basis.release();
    },
  };
  return run;
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
  const run = lanczosRun(op, p, { start: opts.start, seed: opts.seed });
  await run.extend(m);
  const r = run.result(opts.vectors ?? true);
  run.release();
  return r;
}

/**
 * The Lanczos vectors q_0 … q_{m−1}, stored in blocks of contiguous rows (row i = q_i) so that
 * reorthogonalizing against all of them is a few matrix–vector products (dgemv) on the system BLAS
 * when it is loaded. Blocks, not one growing array: growing would copy the whole basis each time.
 */
class KrylovBasis {
  /** Each block holds `rows` vectors of length p. */
  private blocks: Float64Array[] = [];
  private released = false;
  private readonly rows: number;
  readonly vectors: Float64Array[] = [];

  constructor(private readonly p: number) {
    // ~4 MiB per block: few BLAS calls per step, little memory beyond what the run uses.
    this.rows = Math.max(1, Math.min(64, Math.floor((4 << 20) / (8 * p))));
  }

  push(q: Float64Array): void {
    const p = this.p;
    const m = this.vectors.length;
    const r = m % this.rows;
    if (r === 0) this.blocks.push(takeBlock(this.rows * p));
    const row = this.blocks[this.blocks.length - 1].subarray(r * p, (r + 1) * p);
    row.set(q);
    this.vectors.push(row);
  }

  checkLive(): void {
    if (this.released) throw new OptlabError("lanczos: this run was released; start a new one");
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.blocks.forEach(giveBlock);
    this.blocks = [];
    this.vectors.length = 0;
  }

  /**
   * w ← (I − QQᵀ)w by classical Gram–Schmidt, each pass c = Qw then w −= Qᵀc. A second pass runs
   * when the first removed more than 1 − 1/√2 of ‖w‖ (the DGKS criterion: "twice is enough", and
   * once is enough when little was cancelled), which halves the memory traffic over the basis — the
   * cost of full reorthogonalization — in the usual case.
   */
  reorthogonalize(w: Float64Array): void {
    const p = this.p;
    const m = this.vectors.length;
    const c = new Float64Array(m);
    const gemv = blasGemv(Math.min(m, this.rows), p);
    for (let pass = 0; pass < 2; pass++) {
      const before = Math.sqrt(dot(w, w));
      if (gemv) {
        // Classical Gram–Schmidt: every coefficient from the same w, then one update.
        for (let b = 0, off = 0; off < m; b++, off += this.rows) {
          const r = Math.min(this.rows, m - off);
          gemv(this.blocks[b], w, c.subarray(off, off + r), r, p, false, 1, 0); // c_b = Q_b w
        }
        for (let b = 0, off = 0; off < m; b++, off += this.rows) {
          const r = Math.min(this.rows, m - off);
          gemv(this.blocks[b], c.subarray(off, off + r), w, r, p, true, -1, 1); // w −= Q_bᵀ c_b
        }
      } else {
        for (let i = 0; i < m; i++) c[i] = dot(w, this.vectors[i]);
        for (let i = 0; i < m; i++) {
          const qi = this.vectors[i];
          const ci = c[i];
          for (let t = 0; t < p; t++) w[t] -= ci * qi[t];
        }
      }
      if (Math.sqrt(dot(w, w)) >= Math.SQRT1_2 * before) break;
    }
  }
}

/**
 * Basis blocks of released runs, for the next run to reuse (its old contents are overwritten row by
 * row before they are read). At most POOL_BYTES are kept.
 */
const blockPool: Float64Array[] = [];
const POOL_BYTES = 64 << 20;

function takeBlock(length: number): Float64Array {
  const i = blockPool.findIndex((b) => b.length === length);
  return i >= 0 ? blockPool.splice(i, 1)[0] : new Float64Array(length);
}

function giveBlock(b: Float64Array): void {
  const pooled = blockPool.reduce((s, x) => s + x.byteLength, 0);
  if (pooled + b.byteLength <= POOL_BYTES) blockPool.push(b);
}

/**
 * The system BLAS's matrix–vector product when float64 products of this size are routed to it
 * (it reads the basis in place; the wasm path would copy the whole basis every call), else null.
 */
function blasGemv(m: number, p: number) {
  const spec = { batch: 1, m, k: p, n: 1, transA: false, transB: false, batchA: false, batchB: false };
  if (gemmPathFor(spec) !== "native") return null;
  const blas = loadNativeBlas();
  return blas.ok ? blas.gemv : null;
}

function normalize(v: Float64Array, what: string): void {
  const n = Math.sqrt(dot(v, v));
  if (!(n > 0) || !Number.isFinite(n)) throw new OptlabError(`lanczos: ${what}: expected a non-zero finite vector`);
  for (let i = 0; i < v.length; i++) v[i] /= n;
}
