import type { MatmulSpec } from "../Backend";
import type { Storage } from "../../tensor/dtype";

/**
 * The portable GEMM: plain TypeScript, any storage (f64 or f32), accumulating in float64 and
 * rounding once on store — so for f32 storage it is also the float32 reference.
 * C[b] = op(A[b]) · op(B[b]) for the batched spec of {@link MatmulSpec}.
 */
export function jsMatmul(a: Storage, b: Storage, s: MatmulSpec, out: Storage): void {
  const { batch, m, k, n, transA, transB } = s;
  const aStride = s.batchA ? m * k : 0;
  const bStride = s.batchB ? k * n : 0;
  // Transposed operands are copied to row-major first (O(mk + kn), small next to O(mnk)), so a
  // single cache-friendly kernel runs: strided inner loops were the HVP bottleneck.
  const at = transA ? new Float64Array(m * k) : null;
  const bt = transB ? new Float64Array(k * n) : null;
  let lastA = -1;
  let lastB = -1;
  for (let t = 0; t < batch; t++) {
    const ao = t * aStride;
    const bo = t * bStride;
    let A: Storage = a;
    let aOff = ao;
    if (at) {
      if (ao !== lastA) transposeInto(a, ao, k, m, at);
      lastA = ao;
      A = at;
      aOff = 0;
    }
    let B: Storage = b;
    let bOff = bo;
    if (bt) {
      if (bo !== lastB) transposeInto(b, bo, n, k, bt);
      lastB = bo;
      B = bt;
      bOff = 0;
    }
    gemmRowMajor(A, aOff, B, bOff, m, k, n, out, t * m * n);
  }
}

/** dst (cols × rows) = transpose of the rows × cols block of src starting at off. */
function transposeInto(src: Storage, off: number, rows: number, cols: number, dst: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const base = off + r * cols;
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[base + c];
  }
}

let PANEL = new Float64Array(0);

/**
 * C = A·B for row-major A (m×k) and B (k×n) with a 4×4 register-blocked micro-kernel: B is packed
 * into contiguous panels of four columns, and each (4 rows × 4 columns) block of C accumulates in
 * sixteen locals over the whole k — 8 loads per 32 flops instead of an accumulator row per product.
 */
function gemmRowMajor(A: Storage, ao: number, B: Storage, bo: number, m: number, k: number, n: number, C: Storage, co: number): void {
  const nb = (n + 3) >> 2;
  if (PANEL.length < nb * k * 4) PANEL = new Float64Array(nb * k * 4);
  const P = PANEL;
  for (let jb = 0; jb < nb; jb++) {
    const j0 = jb * 4;
    const base = jb * k * 4;
    for (let p = 0; p < k; p++) {
      const src = bo + p * n + j0;
      const dst = base + p * 4;
      P[dst] = B[src];
      P[dst + 1] = j0 + 1 < n ? B[src + 1] : 0;
      P[dst + 2] = j0 + 2 < n ? B[src + 2] : 0;
      P[dst + 3] = j0 + 3 < n ? B[src + 3] : 0;
    }
  }
  for (let i = 0; i < m; i += 4) {
    const rows = Math.min(4, m - i);
    const r0 = ao + i * k;
    // Short last block: repeat row 0 in the unused slots and drop those results on store.
    const r1 = rows > 1 ? r0 + k : r0;
    const r2 = rows > 2 ? r0 + 2 * k : r0;
    const r3 = rows > 3 ? r0 + 3 * k : r0;
    for (let jb = 0; jb < nb; jb++) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let q = jb * k * 4;
      for (let p = 0; p < k; p++, q += 4) {
        const b0 = P[q];
        const b1 = P[q + 1];
        const b2 = P[q + 2];
        const b3 = P[q + 3];
        const a0 = A[r0 + p];
        const a1 = A[r1 + p];
        const a2 = A[r2 + p];
        const a3 = A[r3 + p];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const j0 = jb * 4;
      const cols = Math.min(4, n - j0);
      if (rows === 4 && cols === 4) {
        let c = co + i * n + j0;
        C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03;
        c += n;
        C[c] = c10; C[c + 1] = c11; C[c + 2] = c12; C[c + 3] = c13;
        c += n;
        C[c] = c20; C[c + 1] = c21; C[c + 2] = c22; C[c + 3] = c23;
        c += n;
        C[c] = c30; C[c + 1] = c31; C[c + 2] = c32; C[c + 3] = c33;
        continue;
      }
      const out = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
      for (let r = 0; r < rows; r++) {
        const c = co + (i + r) * n + j0;
        for (let t = 0; t < cols; t++) C[c + t] = out[r * 4 + t];
      }
    }
  }
}
