import { OptlabError } from "../util/errors";
import type { CsrMatrix } from "./csr";
/** A matrix–vector product function (one form of `OperatorLike`). */
type LinearOperator = (v: Float64Array) => Float64Array;

/**
 * The 2-D Poisson model problem −Δu = f on the unit square with zero Dirichlet boundary,
 * 5-point stencil on an m×m interior grid, h = 1/(m+1), unknowns ordered row-major (k = i·m + j).
 * Scaled as the stencil [−1; −1 4 −1; −1] (i.e. h²·(−Δ_h)), so eigenvalues are
 * λ_{pq} = 4 − 2cos(pπh) − 2cos(qπh), p, q = 1..m (in (0, 8)), and ω_opt(SOR) = 2/(1 + sin πh).
 */
export interface Poisson2d {
  /** Grid size per side. */
  m: number;
  /** Unknowns n = m². */
  n: number;
  /** Mesh width 1/(m+1). */
  h: number;
  /** Matrix-free stencil application v ↦ Av. */
  operator: LinearOperator;
  /** The same matrix in CSR (rows sorted by column). */
  csr: CsrMatrix;
  /** Smallest and largest eigenvalue (closed form). */
  lambdaMin: number;
  lambdaMax: number;
  /** Optimal SOR relaxation 2/(1 + sin πh) (Young 1950). */
  omegaOpt: number;
}

/** Build the m×m 2-D Poisson model problem (operator and CSR). */
export function poisson2d(m: number): Poisson2d {
  if (!Number.isInteger(m) || m < 1) throw new OptlabError(`poisson2d: m: expected a positive integer, got ${m}`);
  const n = m * m;
  const h = 1 / (m + 1);
  const c = Math.cos(Math.PI * h);
  return {
    m,
    n,
    h,
    operator: (v) => poissonStencil(m, v),
    csr: poissonCsr(m),
    lambdaMin: 4 - 4 * c,
    lambdaMax: 4 + 4 * c,
    omegaOpt: 2 / (1 + Math.sin(Math.PI * h)),
  };
}

/** Apply the 5-point stencil: (Av)_{ij} = 4v_{ij} − v_{i±1,j} − v_{i,j±1} (zero outside the grid). */
export function poissonStencil(m: number, v: ArrayLike<number>, out = new Float64Array(m * m)): Float64Array {
  if (v.length !== m * m) throw new OptlabError(`poissonStencil: v: expected length ${m * m}, got ${v.length}`);
  for (let i = 0; i < m; i++) {
    const row = i * m;
    for (let j = 0; j < m; j++) {
      const k = row + j;
      let s = 4 * v[k];
      if (i > 0) s -= v[k - m];
      if (i < m - 1) s -= v[k + m];
      if (j > 0) s -= v[k - 1];
      if (j < m - 1) s -= v[k + 1];
      out[k] = s;
    }
  }
  return out;
}

function poissonCsr(m: number): CsrMatrix {
  const n = m * m;
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const k = i * m + j;
      if (i > 0) { indices.push(k - m); values.push(-1); }
      if (j > 0) { indices.push(k - 1); values.push(-1); }
      indices.push(k); values.push(4);
      if (j < m - 1) { indices.push(k + 1); values.push(-1); }
      if (i < m - 1) { indices.push(k + m); values.push(-1); }
      indptr[k + 1] = indices.length;
    }
  }
  return { rows: n, cols: n, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
}
