import { OptlabError } from "../util/errors";

/** Options of the QL eigensolvers. */
export interface QLOptions {
  /** Compute eigenvectors too (default true). Values only is ~3–5× cheaper for dense input. */
  vectors?: boolean;
  /**
   * Only these components (row indices) of every eigenvector, returned in `components`: O(n²·r)
   * instead of O(n³). Lanczos needs just the first (quadrature weights) and last (residuals).
   */
  components?: readonly number[];
}

/** Result of the tridiagonal / Householder–QL eigensolvers. */
export interface QLEig {
  /** Eigenvalues, ascending [n]. */
  values: Float64Array;
  /** Eigenvectors row-major [n, n], column j belongs to values[j]; null when not requested. */
  vectors: Float64Array | null;
  /** Implicit QL iterations (sum over eigenvalues). */
  iterations: number;
  /** With `components` [r]: row-major [r, n], row j = component components[j] of each eigenvector (same order as values). */
  components?: Float64Array;
}

const EPS = 2 ** -52;

/** √(a² + b²) without the cost of Math.hypot; rescales only when squaring could over/underflow. */
function hypot(a: number, b: number): number {
  const m = Math.max(Math.abs(a), Math.abs(b));
  if (m > 1e150 || (m < 1e-150 && m > 0)) {
    const x = a / m;
    const y = b / m;
    return m * Math.sqrt(x * x + y * y);
  }
  return Math.sqrt(a * a + b * b);
}

/**
 * Implicit QL with Wilkinson shifts on a symmetric tridiagonal matrix (EISPACK tql2), in place.
 * `d` [n] diagonal; `e` [n] with e[i] coupling i and i+1 (e[n−1] ignored). `zt`, when given, is
 * an [n, w] row-major matrix whose ROWS receive the rotations (rows stay contiguous, which is
 * why we accumulate into the transpose; w = n for whole eigenvectors, fewer for some of their
 * components). Returns the iteration count; values are unsorted.
 */
function tql(d: Float64Array, e: Float64Array, zt: Float64Array | null, n: number, w = n): number {
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  let iterations = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new OptlabError(`symTridiagonalEig: no convergence after 60 QL iterations at index ${l}`);
        iterations++;
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (zt) {
            const oi = i * w;
            const oj = oi + w;
            for (let k = 0; k < w; k++) {
              const a = zt[oi + k];
              const b = zt[oj + k];
              zt[oj + k] = s * a + c * b;
              zt[oi + k] = c * a - s * b;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  return iterations;
}

/** Sort ascending; `rows` (eigenvectors as rows, or null) becomes column-per-eigenvector output. */
function finish(d: Float64Array, rows: Float64Array | null, n: number, iterations: number): QLEig {
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i] - d[j]);
  const values = Float64Array.from(order, (i) => d[i]);
  let vectors: Float64Array | null = null;
  if (rows) {
    vectors = new Float64Array(n * n);
    for (let c = 0; c < n; c++) {
      const src = order[c] * n;
      for (let r = 0; r < n; r++) vectors[r * n + c] = rows[src + r];
    }
  }
  return { values, vectors, iterations };
}

/**
 * Eigen-decomposition of the symmetric tridiagonal matrix with diagonal `diag` [n] and
 * off-diagonal `offDiag` [n−1] by implicit QL (O(n²) for values, O(n³) with vectors).
 */
export function symTridiagonalEig(diag: ArrayLike<number>, offDiag: ArrayLike<number>, opts: QLOptions = {}): QLEig {
  const n = diag.length;
  if (n < 1) throw new OptlabError("symTridiagonalEig: diag: expected at least one entry");
  if (offDiag.length !== n - 1) throw new OptlabError(`symTridiagonalEig: offDiag: expected length ${n - 1}, got ${offDiag.length}`);
  const d = Float64Array.from(diag);
  const e = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) e[i] = offDiag[i];
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(d[i])) throw new OptlabError(`symTridiagonalEig: diag: non-finite value ${d[i]} at index ${i}`);
    if (i < n - 1 && !Number.isFinite(e[i])) throw new OptlabError(`symTridiagonalEig: offDiag: non-finite value ${e[i]} at index ${i}`);
  }
  if (opts.components) {
    const comp = opts.components;
    comp.forEach((r, j) => {
      if (!Number.isInteger(r) || r < 0 || r >= n) throw new OptlabError(`symTridiagonalEig: components: entry ${j} is ${r}, expected an integer in [0, ${n})`);
    });
    const w = comp.length;
    // Rotations act on the rows of Zᵀ; tracking only columns comp of Zᵀ (start: I restricted).
    const zc = new Float64Array(n * w);
    comp.forEach((r, j) => (zc[r * w + j] = 1));
    const it = tql(d, e, zc, n, w);
    const { values } = finish(d, null, n, it);
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i] - d[j]);
    const components = new Float64Array(w * n);
    for (let c = 0; c < n; c++) for (let j = 0; j < w; j++) components[j * n + c] = zc[order[c] * w + j];
    return { values, vectors: null, iterations: it, components };
  }
  let zt: Float64Array | null = null;
  if (opts.vectors ?? true) {
    zt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) zt[i * n + i] = 1;
  }
  const it = tql(d, e, zt, n);
  return finish(d, zt, n, it);
}

/**
 * Dense symmetric eigensolver: Householder reduction to tridiagonal form, then implicit QL
 * (the LAPACK dsyev path, unblocked). O(n³) once rather than per sweep like Jacobi `symEig`;
 * at n = 1000 it runs in seconds. `a` is row-major [n, n]; only symmetry to 1e-8 is accepted.
 */
export function symEigQL(a: ArrayLike<number>, n: number, opts: QLOptions = {}): QLEig {
  if (!Number.isInteger(n) || n < 1) throw new OptlabError(`symEigQL: n: expected a positive integer, got ${n}`);
  if (a.length !== n * n) throw new OptlabError(`symEigQL: a: expected ${n}×${n} = ${n * n} entries, got ${a.length}`);
  const A = Float64Array.from(a);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = A[i * n + j];
      const y = A[j * n + i];
      if (!Number.isFinite(x)) throw new OptlabError(`symEigQL: a: non-finite entry ${x} at [${i}, ${j}]`);
      if (!Number.isFinite(y)) throw new OptlabError(`symEigQL: a: non-finite entry ${y} at [${j}, ${i}]`);
      if (Math.abs(x - y) > 1e-8 * (1 + Math.abs(x))) throw new OptlabError(`symEigQL: a: not symmetric at [${i}, ${j}] (difference ${Math.abs(x - y)})`);
    }
  }
  const withVectors = opts.vectors ?? true;
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  // Householder vectors are kept in rows of V (V[k, k+1..] = v_k), with their τ_k.
  const tau = new Float64Array(n);
  const V = new Float64Array(n * n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const ok = k * n;
    // x = A[k+1.., k] = A[k, k+1..] (row k, by symmetry: contiguous).
    let sigma = 0;
    for (let i = k + 2; i < n; i++) sigma += A[ok + i] * A[ok + i];
    const x0 = A[ok + k + 1];
    d[k] = A[ok + k];
    if (sigma === 0) {
      e[k] = x0;
      tau[k] = 0;
      continue;
    }
    const mu = Math.sqrt(x0 * x0 + sigma);
    const alpha = x0 <= 0 ? mu : -mu; // reflect onto alpha·e1, sign chosen to avoid cancellation
    const v0 = x0 - alpha;
    // v = x − alpha e1, scaled so v[0] = 1; τ = 2 / (vᵀv).
    V[ok + k + 1] = 1;
    let vv = 1;
    for (let i = k + 2; i < n; i++) {
      const vi = A[ok + i] / v0;
      V[ok + i] = vi;
      vv += vi * vi;
    }
    const t = 2 / vv;
    tau[k] = t;
    e[k] = alpha;
    // Trailing block A22 (rows/cols k+1..n−1): p = τ A22 v; w = p − (τ/2)(pᵀv) v; A22 −= v wᵀ + w vᵀ.
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      const oi = i * n;
      let s = 0;
      for (let j = k + 1; j < n; j++) s += A[oi + j] * V[ok + j];
      p[i] = t * s;
      pv += p[i] * V[ok + i];
    }
    const half = 0.5 * t * pv;
    for (let i = k + 1; i < n; i++) p[i] -= half * V[ok + i];
    for (let i = k + 1; i < n; i++) {
      const oi = i * n;
      const vi = V[ok + i];
      const wi = p[i];
      for (let j = k + 1; j < n; j++) A[oi + j] -= vi * p[j] + wi * V[ok + j];
    }
  }
  if (n >= 2) {
    d[n - 2] = A[(n - 2) * n + n - 2];
    e[n - 2] = A[(n - 2) * n + n - 1];
  }
  d[n - 1] = A[(n - 1) * n + n - 1];
  let zt: Float64Array | null = null;
  if (withVectors) {
    zt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) zt[i * n + i] = 1;
  }
  const it = tql(d, e, zt, n);
  if (zt) {
    // Each row of zt is an eigenvector of T; map it back: y ← H_0 H_1 ⋯ H_{n−3} y.
    for (let r = 0; r < n; r++) {
      const or = r * n;
      for (let k = n - 3; k >= 0; k--) {
        const t = tau[k];
        if (t === 0) continue;
        const ok = k * n;
        let s = 0;
        for (let i = k + 1; i < n; i++) s += V[ok + i] * zt[or + i];
        s *= t;
        for (let i = k + 1; i < n; i++) zt[or + i] -= s * V[ok + i];
      }
    }
  }
  return finish(d, zt, n, it);
}
