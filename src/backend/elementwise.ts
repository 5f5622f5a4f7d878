import type { BinaryKernel, BroadcastSpec, UnaryKernel } from "./Backend";
import type { Storage } from "../tensor/dtype";
import { loadNativeBlas, NATIVE_BINARY_OPS, type NativeElementwise } from "./gemm/nativeBlas";

/**
 * From this length on, equal-shape float64 kernels run in the native addon when it loaded: below
 * it the call's fixed cost (~0.2 µs) is comparable to the JS loop. The addon's loops are the same
 * IEEE operations in the same order, so which side runs never changes a result.
 */
const NATIVE_MIN_LENGTH = 2048;
const NATIVE_CODE = new Map<BinaryKernel, number>(NATIVE_BINARY_OPS.map((op, i) => [op, i]));

let native: NativeElementwise | null | undefined;
/** The addon's elementwise kernels when it loaded (and has them), else null. */
export function nativeElementwise(): NativeElementwise | null {
  if (native === undefined) {
    const n = loadNativeBlas();
    native = n.ok ? n.elementwise : null;
  }
  return native;
}

/** NATIVE_MIN_LENGTH, for callers that route other float64 loops the same way. */
export const NATIVE_ELEMENTWISE_MIN = NATIVE_MIN_LENGTH;

/** p += x elementwise (equal lengths and types), in the native addon when it pays. */
export function accumulateInto(p: Storage, x: Storage): void {
  if (p.length >= NATIVE_MIN_LENGTH && p instanceof Float64Array && x instanceof Float64Array) {
    const n = nativeElementwise();
    if (n) {
      n.accumulate(p, x);
      return;
    }
  }
  for (let i = 0; i < p.length; i++) p[i] += x[i];
}

// Specialized loops for the elementwise kernels the HVP spends its time in. The generic loops
// in cpu.ts call the scalar kernel through a table (`f(a[i], b[i])`); that call site sees every
// op, goes megamorphic and is never inlined, which cost ~10 ns per element. Here each op has its
// own loop with the arithmetic written inline: the same IEEE operations in the same order as the
// scalar definitions in cpu.ts, so results are bit-identical to them.

/** Fills out = op(x) and returns true for the ops specialized here; false: use the table. */
export function unaryFast(op: UnaryKernel, x: Storage, out: Storage): boolean {
  const n = x.length;
  switch (op) {
    case "neg":
      for (let i = 0; i < n; i++) out[i] = -x[i];
      return true;
    case "square":
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = v * v;
      }
      return true;
    case "tanh":
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
      return true;
    case "exp":
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      return true;
    case "log":
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
      return true;
    case "sqrt":
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
      return true;
    case "abs":
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
      return true;
    case "reciprocal":
      for (let i = 0; i < n; i++) out[i] = 1 / x[i];
      return true;
    default:
      return false;
  }
}

/**
 * How a broadcast binary op lays out its operands, when it is one of the cheap cases:
 * `same` (both full and alike), `bScalar`/`aScalar` (one operand a single value, the other full
 * and contiguous), `bRow`/`aRow` (one operand a trailing block repeated over the leading axes, e.g.
 * a bias row), `bCol`/`aCol` (one operand constant along the trailing axes, e.g. keepDims sums).
 * `inner` is the repeated block's length (row) or the run each value covers (col).
 */
export type BinaryLayout =
  | { kind: "same" | "bScalar" | "aScalar" }
  | { kind: "bRow" | "aRow" | "bCol" | "aCol"; inner: number };

/** The cheap layout of this broadcast, or null (the general strided walk). */
export function binaryLayout(aLen: number, bLen: number, s: BroadcastSpec, total: number): BinaryLayout | null {
  const { outShape, aStrides, bStrides } = s;
  if (aLen === total && bLen === total && sameStrides(aStrides, bStrides)) return { kind: "same" };
  const c = contiguousStrides(outShape);
  const aFull = aLen === total && sameStrides(aStrides, c);
  const bFull = bLen === total && sameStrides(bStrides, c);
  if (bLen === 1 && aLen === total) return { kind: "bScalar" };
  if (aLen === 1 && bFull) return { kind: "aScalar" };
  if (aFull) {
    if (isTrailingBlock(bStrides, outShape, bLen)) return { kind: "bRow", inner: bLen };
    if (isLeadingBlock(bStrides, outShape, bLen)) return { kind: "bCol", inner: total / bLen };
  }
  if (bFull) {
    if (isTrailingBlock(aStrides, outShape, aLen)) return { kind: "aRow", inner: aLen };
    if (isLeadingBlock(aStrides, outShape, aLen)) return { kind: "aCol", inner: total / aLen };
  }
  return null;
}

/**
 * Fills out = a op b for add/sub/mul/div in one of the cheap layouts; false for other ops (the
 * caller uses the scalar table, in the same layouts).
 */
export function binaryFast(op: BinaryKernel, a: Storage, b: Storage, L: BinaryLayout, out: Storage): boolean {
  if (L.kind === "same" && out.length >= NATIVE_MIN_LENGTH && out instanceof Float64Array && a instanceof Float64Array && b instanceof Float64Array) {
    const native = nativeElementwise();
    const code = NATIVE_CODE.get(op);
    if (native && code !== undefined) {
      native.binary(code, a, b, out);
      return true;
    }
  }
  switch (op) {
    case "add":
      return add(a, b, L, out);
    case "sub":
      return sub(a, b, L, out);
    case "mul":
      return mul(a, b, L, out);
    case "div":
      return div(a, b, L, out);
    case "tanhGrad":
    case "sigmoidGrad":
    case "sigmoidGradY":
    case "mulNeg2":
    case "reluGrad":
      return L.kind === "same" && activationGrad(op, a, b, out);
    default:
      return false;
  }
}

// One function per op, each with its loops for every layout, so each loop's arithmetic is inline.

function add(a: Storage, b: Storage, L: BinaryLayout, out: Storage): boolean {
  const t = out.length;
  switch (L.kind) {
    case "same": for (let i = 0; i < t; i++) out[i] = a[i] + b[i]; return true;
    case "bScalar": { const v = b[0]; for (let i = 0; i < t; i++) out[i] = a[i] + v; return true; }
    case "aScalar": { const v = a[0]; for (let i = 0; i < t; i++) out[i] = v + b[i]; return true; }
    case "bRow": { const w = L.inner; for (let o = 0; o < t; o += w) for (let j = 0; j < w; j++) out[o + j] = a[o + j] + b[j]; return true; }
    case "aRow": { const w = L.inner; for (let o = 0; o < t; o += w) for (let j = 0; j < w; j++) out[o + j] = a[j] + b[o + j]; return true; }
    case "bCol": { const w = L.inner; for (let r = 0, o = 0; o < t; r++) { const v = b[r]; for (let e = o + w; o < e; o++) out[o] = a[o] + v; } return true; }
    case "aCol": { const w = L.inner; for (let r = 0, o = 0; o < t; r++) { const v = a[r]; for (let e = o + w; o < e; o++) out[o] = v + b[o]; } return true; }
  }
}

function sub(a: Storage, b: Storage, L: BinaryLayout, out: Storage): boolean {
  const t = out.length;
  switch (L.kind) {
    case "same": for (let i = 0; i < t; i++) out[i] = a[i] - b[i]; return true;
    case "bScalar": { const v = b[0]; for (let i = 0; i < t; i++) out[i] = a[i] - v; return true; }
    case "aScalar": { const v = a[0]; for (let i = 0; i < t; i++) out[i] = v - b[i]; return true; }
    case "bRow": { const w = L.inner; for (let o = 0; o < t; o += w) for (let j = 0; j < w; j++) out[o + j] = a[o + j] - b[j]; return true; }
    case "aRow": { const w = L.inner; for (let o = 0; o < t; o += w) for (let j = 0; j < w; j++) out[o + j] = a[j] - b[o + j]; return true; }
    case "bCol": { const w = L.inner; for (let r = 0, o = 0; o < t; r++) { const v = b[r]; for (let e = o + w; o < e; o++) out[o] = a[o] - v; } return true; }
    case "aCol": { const w = L.inner; for (let r = 0, o = 0; o < t; r++) { const v = a[r]; for (let e = o + w; o < e; o++) out[o] = v - b[o]; } return true; }
  }
}

function mul(a: Storage, b: Storage, L: BinaryLayout, out: Storage): boolean {
  const t = out.length;
  switch (L.kind) {
    case "same": for (let i = 0; i < t; i++) out[i] = a[i] * b[i]; return true;
    case "bScalar": { const v = b[0]; for (let i = 0; i < t; i++) out[i] = a[i] * v; return true; }
    case "aScalar": { const v = a[0]; for (let i = 0; i < t; i++) out[i] = v * b[i]; return true; }
    case "bRow": { const w = L.inner; for (let o = 0; o < t; o += w) for (let j = 0; j < w; j++) out[o + j] = a[o + j] * b[j]; return true; }
    case "aRow": { const w = L.inner; for (let o = 0; o < t; o += w) for (let j = 0; j < w; j++) out[o + j] = a[j] * b[o + j]; return true; }
    case "bCol": { const w = L.inner; for (let r = 0, o = 0; o < t; r++) { const v = b[r]; for (let e = o + w; o < e; o++) out[o] = a[o] * v; } return true; }
    case "aCol": { const w = L.inner; for (let r = 0, o = 0; o < t; r++) { const v = a[r]; for (let e = o + w; o < e; o++) out[o] = v * b[o]; } return true; }
  }
}

function div(a: Storage, b: Storage, L: BinaryLayout, out: Storage): boolean {
  const t = out.length;
  switch (L.kind) {
    case "same": for (let i = 0; i < t; i++) out[i] = a[i] / b[i]; return true;
    case "bScalar": { const v = b[0]; for (let i = 0; i < t; i++) out[i] = a[i] / v; return true; }
    case "aScalar": { const v = a[0]; for (let i = 0; i < t; i++) out[i] = v / b[i]; return true; }
    case "bRow": { const w = L.inner; for (let o = 0; o < t; o += w) for (let j = 0; j < w; j++) out[o + j] = a[o + j] / b[j]; return true; }
    case "aRow": { const w = L.inner; for (let o = 0; o < t; o += w) for (let j = 0; j < w; j++) out[o + j] = a[j] / b[o + j]; return true; }
    case "bCol": { const w = L.inner; for (let r = 0, o = 0; o < t; r++) { const v = b[r]; for (let e = o + w; o < e; o++) out[o] = a[o] / v; } return true; }
    case "aCol": { const w = L.inner; for (let r = 0, o = 0; o < t; r++) { const v = a[r]; for (let e = o + w; o < e; o++) out[o] = v / b[o]; } return true; }
  }
}

/** The same cheap layouts for any op through its scalar definition `f`. */
export function binaryTable(f: (x: number, y: number) => number, a: Storage, b: Storage, L: BinaryLayout, out: Storage): void {
  const t = out.length;
  switch (L.kind) {
    case "same": for (let i = 0; i < t; i++) out[i] = f(a[i], b[i]); return;
    case "bScalar": { const v = b[0]; for (let i = 0; i < t; i++) out[i] = f(a[i], v); return; }
    case "aScalar": { const v = a[0]; for (let i = 0; i < t; i++) out[i] = f(v, b[i]); return; }
    case "bRow": { const w = L.inner; for (let o = 0; o < t; o += w) for (let j = 0; j < w; j++) out[o + j] = f(a[o + j], b[j]); return; }
    case "aRow": { const w = L.inner; for (let o = 0; o < t; o += w) for (let j = 0; j < w; j++) out[o + j] = f(a[j], b[o + j]); return; }
    case "bCol": { const w = L.inner; for (let r = 0, o = 0; o < t; r++) { const v = b[r]; for (let e = o + w; o < e; o++) out[o] = f(a[o], v); } return; }
    case "aCol": { const w = L.inner; for (let r = 0, o = 0; o < t; r++) { const v = a[r]; for (let e = o + w; o < e; o++) out[o] = f(v, b[o]); } return; }
  }
}

export function contiguousStrides(shape: readonly number[]): number[] {
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

/**
 * A broadcast where one operand (`side`) is a contiguous block over middle axes, repeated over the
 * leading axes (`outer` times) and constant along the trailing ones (runs of `inner`), the other
 * full and contiguous: per-channel scales and shifts of [N, C, H, W] maps (batch norm, per-channel
 * biases). Each of the `outer` slices is then a column broadcast.
 */
export interface MidLayout {
  side: "a" | "b";
  outer: number;
  inner: number;
}

export function midLayout(aLen: number, bLen: number, s: BroadcastSpec, total: number): MidLayout | null {
  const c = contiguousStrides(s.outShape);
  const probe = (strides: readonly number[], len: number): { outer: number; inner: number } | null => {
    const shape = s.outShape;
    let d = shape.length - 1;
    let inner = 1;
    for (; d >= 0 && (strides[d] === 0 || shape[d] === 1); d--) inner *= shape[d];
    let acc = 1;
    for (; d >= 0 && acc < len; d--) {
      if (strides[d] !== acc && shape[d] !== 1) return null;
      acc *= shape[d];
    }
    if (acc !== len) return null;
    let outer = 1;
    for (; d >= 0; d--) {
      if (strides[d] !== 0 && shape[d] !== 1) return null;
      outer *= shape[d];
    }
    return outer > 1 && inner > 1 ? { outer, inner } : null;
  };
  if (aLen === total && sameStrides(s.aStrides, c)) {
    const m = probe(s.bStrides, bLen);
    if (m) return { side: "b", ...m };
  }
  if (bLen === total && sameStrides(s.bStrides, c)) {
    const m = probe(s.aStrides, aLen);
    if (m) return { side: "a", ...m };
  }
  return null;
}

/** out = a op b in a mid layout: one column-broadcast pass per outer slice. */
export function binaryMid(op: BinaryKernel, f: (x: number, y: number) => number, a: Storage, b: Storage, M: MidLayout, out: Storage): void {
  const slice = out.length / M.outer;
  const L: BinaryLayout = { kind: M.side === "b" ? "bCol" : "aCol", inner: M.inner };
  for (let o = 0; o < M.outer; o++) {
    const full = (x: Storage) => x.subarray(o * slice, (o + 1) * slice);
    const A = M.side === "b" ? full(a) : a;
    const B = M.side === "b" ? b : full(b);
    const dst = full(out);
    if (!binaryFast(op, A, B, L, dst)) binaryTable(f, A, B, L, dst);
  }
}

function sameStrides(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The fused activation-derivative kernels on equal-shaped operands (the only layout they meet). */
function activationGrad(op: BinaryKernel, a: Storage, b: Storage, out: Storage): boolean {
  const t = out.length;
  switch (op) {
    case "tanhGrad": for (let i = 0; i < t; i++) { const y = b[i]; out[i] = a[i] * (1 - y * y); } return true;
    case "sigmoidGrad": for (let i = 0; i < t; i++) { const y = b[i]; out[i] = a[i] * (y * (1 - y)); } return true;
    case "sigmoidGradY": for (let i = 0; i < t; i++) out[i] = a[i] * (1 - 2 * b[i]); return true;
    case "mulNeg2": for (let i = 0; i < t; i++) out[i] = -(a[i] * (b[i] * 2)); return true;
    case "reluGrad": for (let i = 0; i < t; i++) out[i] = a[i] * (b[i] > 0 ? 1 : 0); return true;
    default: return false;
  }
}
