import { OptlabError } from "../util/errors";
/** A matrix–vector product function (one form of `OperatorLike`). */
type LinearOperator = (v: Float64Array) => Float64Array;

/**
 * A sparse matrix in compressed sparse row form: row i holds entries
 * `values[indptr[i] .. indptr[i+1])` at columns `indices[…]` (sorted within a row).
 */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/** A dense row-major matrix: entry (i, j) at `data[i·cols + j]`. */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Validate a CSR matrix's structure (shapes, monotone indptr, column range) and finiteness. */
export function checkCsr(a: unknown, argument: string, square = true): CsrMatrix {
  const m = a as CsrMatrix;
  if (!m || typeof m !== "object" || !(m.indptr instanceof Int32Array) || !(m.indices instanceof Int32Array) || !(m.values instanceof Float64Array)) {
    throw new OptlabError(`${argument}: expected a CsrMatrix {rows, cols, indptr: Int32Array, indices: Int32Array, values: Float64Array}`);
  }
  if (m.indptr.length !== m.rows + 1 || m.indices.length !== m.values.length || m.indptr[m.rows] !== m.values.length) {
    throw new OptlabError(`${argument}: inconsistent CSR arrays (indptr length ${m.indptr.length} for ${m.rows} rows, ${m.indices.length} indices, ${m.values.length} values)`);
  }
  if (square && m.rows !== m.cols) throw new OptlabError(`${argument}: expected a square matrix, got ${m.rows}×${m.cols}`);
  for (let k = 0; k < m.values.length; k++) {
    if (!Number.isFinite(m.values[k])) throw new OptlabError(`${argument}: non-finite value ${m.values[k]} at entry ${k}`);
    if (m.indices[k] < 0 || m.indices[k] >= m.cols) throw new OptlabError(`${argument}: column index ${m.indices[k]} out of range [0, ${m.cols})`);
  }
  return m;
}

/** Validate a dense matrix. */
export function checkDense(a: unknown, argument: string): DenseMatrix {
  const m = a as DenseMatrix;
  if (!m || typeof m !== "object" || !(m.data instanceof Float64Array) || !Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.data.length !== m.rows * m.cols || m.rows < 1 || m.cols < 1) {
    throw new OptlabError(`${argument}: expected a DenseMatrix {rows, cols, data: Float64Array of length rows·cols}`);
  }
  for (let k = 0; k < m.data.length; k++) {
    if (!Number.isFinite(m.data[k])) throw new OptlabError(`${argument}: non-finite value ${m.data[k]} at index ${k}`);
  }
  return m;
}

/** y = A x for CSR A. */
export function csrMatvec(a: CsrMatrix, x: ArrayLike<number>, out = new Float64Array(a.rows)): Float64Array {
  const { indptr, indices, values } = a;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let k = indptr[i]; k < indptr[i + 1]; k++) s += values[k] * x[indices[k]];
    out[i] = s;
  }
  return out;
}

/** The operator v ↦ Av of a CSR matrix. */
export function csrOperator(a: CsrMatrix): LinearOperator {
  return (v) => csrMatvec(a, v);
}

/** The operator v ↦ Av of a dense square matrix. */
export function denseOperator(a: DenseMatrix): LinearOperator {
  return (v) => denseMatvec(a, v);
}

/** y = A x for dense A. */
export function denseMatvec(a: DenseMatrix, x: ArrayLike<number>, out = new Float64Array(a.rows)): Float64Array {
  const { rows, cols, data } = a;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const o = i * cols;
    for (let j = 0; j < cols; j++) s += data[o + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** Dense → CSR, dropping exact zeros. */
export function csrFromDense(a: DenseMatrix): CsrMatrix {
  const indptr = new Int32Array(a.rows + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      const v = a.data[i * a.cols + j];
      if (v !== 0) {
        idx.push(j);
        val.push(v);
      }
    }
    indptr[i + 1] = idx.length;
  }
  return { rows: a.rows, cols: a.cols, indptr, indices: Int32Array.from(idx), values: Float64Array.from(val) };
}

/** CSR → dense. */
export function csrToDense(a: CsrMatrix): DenseMatrix {
  const data = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = a.indptr[i]; k < a.indptr[i + 1]; k++) data[i * a.cols + a.indices[k]] += a.values[k];
  }
  return { rows: a.rows, cols: a.cols, data };
}

/** Diagonal of a square CSR matrix (zeros where absent). */
export function csrDiagonal(a: CsrMatrix): Float64Array {
  const d = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let k = a.indptr[i]; k < a.indptr[i + 1]; k++) if (a.indices[k] === i) d[i] += a.values[k];
  }
  return d;
}
