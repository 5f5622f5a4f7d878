import type { Backend, BinaryKernel, BroadcastSpec, MatmulSpec, ReduceSpec, UnaryKernel } from "./Backend";
import type { Storage } from "../tensor/dtype";
import { erf } from "../util/special";

/**
 * The reference backend: plain TypeScript loops in float64. For f32 tensors it computes each
 * element in double precision and rounds once on store, so it is also the float32 reference.
 */
export const cpu: Backend = {
  name: "cpu",
  dtypes: ["f64", "f32"],
  available: () => true,

  matmul(a: Storage, b: Storage, s: MatmulSpec, out: Storage): void {
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
  },

  unary(op: UnaryKernel, x: Storage, out: Storage): void {
    const f = UNARY[op];
    for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  },

  binary(op: BinaryKernel, a: Storage, b: Storage, s: BroadcastSpec, out: Storage): void {
    const f = BINARY[op];
    const { outShape, aStrides, bStrides } = s;
    const nd = outShape.length;
    const total = out.length;
    if (a.length === total && b.length === total && sameContiguous(aStrides, bStrides)) {
      for (let i = 0; i < total; i++) out[i] = f(a[i], b[i]);
      return;
    }
    if (b.length === 1) {
      const bv = b[0];
      if (a.length === total) {
        for (let i = 0; i < total; i++) out[i] = f(a[i], bv);
        return;
      }
    }
    // Row and column broadcasts (bias adds, keepDims reductions) without the odometer.
    if (a.length === total && sameContiguous(aStrides, contiguousStrides(outShape))) {
      if (isTrailingBlock(bStrides, outShape, b.length)) {
        const inner = b.length;
        for (let o = 0; o < total; o += inner) for (let j = 0; j < inner; j++) out[o + j] = f(a[o + j], b[j]);
        return;
      }
      if (isLeadingBlock(bStrides, outShape, b.length)) {
        const inner = total / b.length;
        for (let r = 0, o = 0; r < b.length; r++) {
          const bv = b[r];
          for (let j = 0; j < inner; j++, o++) out[o] = f(a[o], bv);
        }
        return;
      }
    }
    if (b.length === total && sameContiguous(bStrides, contiguousStrides(outShape)) && isTrailingBlock(aStrides, outShape, a.length)) {
      const inner = a.length;
      for (let o = 0; o < total; o += inner) for (let j = 0; j < inner; j++) out[o + j] = f(a[j], b[o + j]);
      return;
    }
    // General strided walk with an odometer over the output index.
    const idx = new Array<number>(nd).fill(0);
    let ai = 0;
    let bi = 0;
    for (let o = 0; o < total; o++) {
      out[o] = f(a[ai], b[bi]);
      for (let d = nd - 1; d >= 0; d--) {
        idx[d]++;
        ai += aStrides[d];
        bi += bStrides[d];
        if (idx[d] < outShape[d]) break;
        ai -= aStrides[d] * outShape[d];
        bi -= bStrides[d] * outShape[d];
        idx[d] = 0;
      }
    }
  },

  reduceSum(x: Storage, { outer, len, inner }: ReduceSpec, out: Storage): void {
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(0);
      const base = o * len * inner;
      for (let r = 0; r < len; r++) {
        const off = base + r * inner;
        for (let i = 0; i < inner; i++) acc[i] += x[off + i];
      }
      for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i];
    }
  },

  reduceMax(x: Storage, { outer, len, inner }: ReduceSpec, out: Storage): void {
    for (let o = 0; o < outer; o++) {
      const base = o * len * inner;
      for (let i = 0; i < inner; i++) {
        let m = -Infinity;
        for (let r = 0; r < len; r++) {
          const v = x[base + r * inner + i];
          if (v > m || Number.isNaN(v)) m = v;
          if (Number.isNaN(m)) break;
        }
        out[o * inner + i] = m;
      }
    }
  },

  gram(x: Storage, n: number, d: number, out: Storage): void {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let p = 0; p < d; p++) s += x[i * d + p] * x[j * d + p];
        out[i * n + j] = s;
        out[j * n + i] = s;
      }
    }
  },
};

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
 * Accumulates in float64 and rounds once on store (so f32 storage gets one rounding).
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

function contiguousStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= shape[i];
  }
  return st;
}

/** Strides that are 0 on leading axes and contiguous over trailing axes holding `len` elements. */
function isTrailingBlock(strides: readonly number[], shape: readonly number[], len: number): boolean {
  let acc = 1;
  let d = shape.length - 1;
  for (; d >= 0 && acc < len; d--) {
    if (strides[d] !== acc && shape[d] !== 1) return false;
    acc *= shape[d];
  }
  if (acc !== len) return false;
  for (; d >= 0; d--) if (strides[d] !== 0 && shape[d] !== 1) return false;
  return true;
}

/** Strides contiguous over leading axes holding `len` elements and 0 on the trailing ones. */
function isLeadingBlock(strides: readonly number[], shape: readonly number[], len: number): boolean {
  let inner = 1;
  let d = shape.length - 1;
  for (; d >= 0 && strides[d] === 0; d--) inner *= shape[d];
  let acc = 1;
  for (; d >= 0; d--) {
    if (strides[d] !== acc && shape[d] !== 1) return false;
    acc *= shape[d];
  }
  return acc === len && inner > 1;
}

function sameContiguous(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Scalar definitions of the unary kernels (float64). */
export const UNARY: Record<UnaryKernel, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  // NaN propagates (as in PyTorch): `x > 0` is false for NaN, so test for it explicitly.
  relu: (x) => (x > 0 || x !== x ? x : 0),
  step: (x) => (x > 0 ? 1 : 0),
  sqrt: Math.sqrt,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  erf,
  square: (x) => x * x,
  // log(1 + e^x) without overflow: max(x, 0) + log1p(e^{-|x|}).
  softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  reciprocal: (x) => 1 / x,
  cos: Math.cos,
  sin: Math.sin,
};

/** Scalar definitions of the binary kernels (float64). */
export const BINARY: Record<BinaryKernel, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a >= b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a <= b || Number.isNaN(a) ? a : b),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  eq: (a, b) => (a === b ? 1 : 0),
};
