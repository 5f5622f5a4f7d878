import type { Backend, BinaryKernel, BroadcastSpec, MatmulSpec, ReduceSpec, UnaryKernel } from "./Backend";
import type { Storage } from "../tensor/dtype";
import { erf } from "../util/special";
import { jsMatmul } from "./gemm/jsGemm";
import { matmulF64 } from "./gemm/f64Matmul";
import { binaryFast, binaryLayout, binaryMid, binaryTable, midLayout, nativeElementwise, NATIVE_ELEMENTWISE_MIN, unaryFast } from "./elementwise";

/**
 * The reference backend: float64 arithmetic in plain TypeScript loops, except the f64 matrix
 * product, which is routed by size to a WebAssembly SIMD GEMM or the system BLAS (gemm/); those
 * differ from the naive loop only in the order of the float64 additions. For f32 tensors it
 * computes each element in double precision and rounds once on store, so it is also the float32
 * reference.
 */
export const cpu: Backend = {
  name: "cpu",
  dtypes: ["f64", "f32"],
  available: () => true,

  matmul(a: Storage, b: Storage, s: MatmulSpec, out: Storage): void {
    // float64 storage: the measured GEMM router (JS / wasm SIMD / system BLAS, see gemm/). Any
    // f32 operand: the JS loop, which rounds once on store (the float32 reference).
    if (a instanceof Float64Array && b instanceof Float64Array && out instanceof Float64Array) matmulF64(a, b, s, out);
    else jsMatmul(a, b, s, out);
  },

  unary(op: UnaryKernel, x: Storage, out: Storage): void {
    if (unaryFast(op, x, out)) return;
    const f = UNARY[op];
    for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  },

  binary(op: BinaryKernel, a: Storage, b: Storage, s: BroadcastSpec, out: Storage): void {
    const total = out.length;
    // Same shape, scalar, row (bias) and column (keepDims) broadcasts without the odometer.
    const layout = binaryLayout(a.length, b.length, s, total);
    if (layout) {
      if (!binaryFast(op, a, b, layout, out)) binaryTable(BINARY[op], a, b, layout, out);
      return;
    }
    const mid = midLayout(a.length, b.length, s, total);
    if (mid) return binaryMid(op, BINARY[op], a, b, mid, out);
    // General strided walk with an odometer over the output index.
    const f = BINARY[op];
    const { outShape, aStrides, bStrides } = s;
    const nd = outShape.length;
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
    if (x.length >= NATIVE_ELEMENTWISE_MIN && x instanceof Float64Array && out instanceof Float64Array) {
      const native = nativeElementwise();
      if (native) return native.reduceSum(x, outer, len, inner, out);
    }
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
    if (x instanceof Float64Array && out instanceof Float64Array) {
      // X·Xᵀ through the routed f64 GEMM, then the lower triangle mirrored so G is exactly symmetric.
      matmulF64(x, x, { batch: 1, m: n, k: d, n, transA: false, transB: true, batchA: true, batchB: true }, out);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[j * n + i] = out[i * n + j];
      return;
    }
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
  tanhGrad: (a, b) => a * (1 - b * b),
  sigmoidGrad: (a, b) => a * (b * (1 - b)),
  sigmoidGradY: (a, b) => a * (1 - 2 * b),
  mulNeg2: (a, b) => -(a * (b * 2)),
  reluGrad: (a, b) => a * (b > 0 ? 1 : 0),
};
