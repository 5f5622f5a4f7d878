import { OptlabError } from "../util/errors";
import { checkCsr, csrDiagonal, type CsrMatrix } from "./csr";
import { PreconditionerError } from "./errors";
import { checkVector } from "./vector";

/** A preconditioner: z = M⁻¹ r for an SPD M ≈ A. `name` is recorded in solver results. */
export interface Preconditioner {
  readonly name: string;
  apply(r: Float64Array): Float64Array;
}

/** Jacobi (diagonal) preconditioner M = diag(A), from a diagonal vector or a CSR matrix. */
export function jacobi(a: CsrMatrix | Float64Array): Preconditioner {
  const d = a instanceof Float64Array ? checkVector(a, "jacobi: diagonal") : csrDiagonal(checkCsr(a, "jacobi: A"));
  for (let i = 0; i < d.length; i++) {
    if (!(d[i] > 0)) throw new PreconditionerError(`jacobi: diagonal: expected positive entries (SPD A), got ${d[i]} at index ${i}`);
  }
  const inv = d.map((v) => 1 / v);
  return {
    name: "jacobi",
    apply(r) {
      const z = new Float64Array(r.length);
      for (let i = 0; i < r.length; i++) z[i] = inv[i] * r[i];
      return z;
    },
  };
}

/** Multiply a preconditioner by a constant: M' = c·M, so M'⁻¹r = M⁻¹r / c. */
export function scaledPreconditioner(p: Preconditioner, c: number): Preconditioner {
  if (!(Number.isFinite(c) && c > 0)) throw new OptlabError(`scaledPreconditioner: c: expected a finite number > 0, got ${c}`);
  return {
    name: `${p.name}×${c}`,
    apply(r) {
      const z = p.apply(r);
      const out = new Float64Array(z.length);
      for (let i = 0; i < z.length; i++) out[i] = z[i] / c;
      return out;
    },
  };
}

/**
 * Incomplete Cholesky IC(0): A ≈ L Lᵀ with L restricted to the sparsity pattern of tril(A)
 * (no fill-in). Apply solves L y = r, Lᵀ z = y. Throws PreconditionerError if a pivot is ≤ 0
 * (IC(0) exists for M-matrices such as the Poisson matrix, not for every SPD matrix).
 * A must be symmetric with sorted column indices per row.
 */
export function incompleteCholesky(a: CsrMatrix): Preconditioner {
  checkCsr(a, "incompleteCholesky: A");
  const n = a.rows;
  // Lower-triangular pattern (including diagonal), row-wise.
  const lp = new Int32Array(n + 1);
  const li: number[] = [];
  const lv: number[] = [];
  const diagPos = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let k = a.indptr[i]; k < a.indptr[i + 1]; k++) {
      const j = a.indices[k];
      if (j <= i) {
        if (li.length > lp[i] && li[li.length - 1] >= j) throw new OptlabError("incompleteCholesky: A: column indices must be sorted within each row");
        if (j === i) diagPos[i] = li.length;
        li.push(j);
        lv.push(a.values[k]);
      }
    }
    lp[i + 1] = li.length;
    if (diagPos[i] < 0) throw new PreconditionerError(`incompleteCholesky: A: missing diagonal entry in row ${i}`);
  }
  const idx = Int32Array.from(li);
  const val = Float64Array.from(lv);
  // Row-oriented IC(0): for each row i and each pattern column j < i,
  // L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj; then L_ii = sqrt(A_ii − Σ_{k<i} L_ik²).
  const pos = new Int32Array(n).fill(-1); // scatter map of row j's pattern
  for (let i = 0; i < n; i++) {
    for (let p = lp[i]; p < lp[i + 1]; p++) {
      const j = idx[p];
      if (j === i) break;
      for (let q = lp[j]; q < lp[j + 1]; q++) pos[idx[q]] = q;
      let s = val[p];
      for (let r = lp[i]; r < p; r++) {
        const q = pos[idx[r]];
        if (q >= 0) s -= val[r] * val[q];
      }
      for (let q = lp[j]; q < lp[j + 1]; q++) pos[idx[q]] = -1;
      val[p] = s / val[diagPos[j]];
    }
    let d = val[diagPos[i]];
    for (let r = lp[i]; r < diagPos[i]; r++) d -= val[r] * val[r];
    if (!(d > 0)) throw new PreconditionerError(`incompleteCholesky: breakdown, non-positive pivot ${d} in row ${i} (IC(0) needs e.g. an M-matrix)`);
    val[diagPos[i]] = Math.sqrt(d);
  }
  return {
    name: "ic0",
    apply(r) {
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = r[i];
        for (let p = lp[i]; p < diagPos[i]; p++) s -= val[p] * y[idx[p]];
        y[i] = s / val[diagPos[i]];
      }
      // Lᵀ z = y: column-oriented back substitution over the rows of L.
      const z = y;
      for (let i = n - 1; i >= 0; i--) {
        z[i] /= val[diagPos[i]];
        const zi = z[i];
        for (let p = lp[i]; p < diagPos[i]; p++) z[idx[p]] -= val[p] * zi;
      }
      return z;
    },
  };
}
