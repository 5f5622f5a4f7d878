import { Tensor } from "../Tensor";
import { allocate, allocateOutput } from "../dtype";
import { record } from "../../autodiff/graph";
import { shapeStr } from "../shape";
import { OptlabError } from "../../util/errors";
import { describe } from "./util";

/**
 * Geometry of a sliding 2-D window: kernel size, stride, zero padding and dilation, each
 * [along H, along W]. Output size per axis: ⌊(in + 2·pad − dil·(k − 1) − 1) / stride⌋ + 1 (PyTorch's).
 */
export interface WindowSpec {
  kernel: readonly [number, number];
  stride?: readonly [number, number];
  padding?: readonly [number, number];
  dilation?: readonly [number, number];
  /** Value read outside the input (default 0; max pooling uses −∞). Carries no gradient. */
  padValue?: number;
}

interface Geometry {
  N: number; C: number; H: number; W: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  OH: number; OW: number;
  padValue: number;
}

function pair(v: readonly [number, number] | undefined, dflt: number, name: string, min: number): [number, number] {
  const p = v ?? [dflt, dflt];
  if (!Array.isArray(p) || p.length !== 2 || p.some((d) => !Number.isInteger(d) || d < min)) {
    throw new OptlabError(`im2col: ${name}: expected two integers ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  return [p[0], p[1]];
}

/** Validate a window spec against an input shape [N, C, H, W] and compute the output size. */
export function windowGeometry(shape: readonly number[], spec: WindowSpec): Geometry {
  if (shape.length !== 4) throw new OptlabError(`im2col: x: expected shape [N, C, H, W], got ${shapeStr(shape)}`);
  const [N, C, H, W] = shape;
  const [kh, kw] = pair(spec.kernel, 1, "kernel", 1);
  const [sh, sw] = pair(spec.stride, 1, "stride", 1);
  const [ph, pw] = pair(spec.padding, 0, "padding", 0);
  const [dh, dw] = pair(spec.dilation, 1, "dilation", 1);
  const OH = Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  if (OH < 1 || OW < 1) {
    throw new OptlabError(`im2col: the window (kernel [${kh}, ${kw}], dilation [${dh}, ${dw}], padding [${ph}, ${pw}]) does not fit the input ${shapeStr(shape)}`);
  }
  const padValue = spec.padValue ?? 0;
  if (typeof padValue !== "number" || Number.isNaN(padValue)) throw new OptlabError(`im2col: padValue: expected a number, got ${String(padValue)}`);
  return { N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, padValue };
}

/**
 * Visit every (row (c, i, j), output row oh) pair of one sample's column matrix in storage order:
 * `run(dst, src, lo, hi)` for a window row that reads input row h (src = offset of input pixel
 * (c, h, w = lo·sw − pw + j·dw)), valid for output columns [lo, hi) (outside: padding), or
 * `run(dst, −1, 0, 0)` for a row that reads only padding. dst is the offset of (row, oh, 0).
 */
function forEachWindowRow(g: Geometry, run: (dst: number, src: number, lo: number, hi: number) => void): void {
  let dst = 0;
  for (let c = 0; c < g.C; c++) {
    for (let i = 0; i < g.kh; i++) {
      for (let j = 0; j < g.kw; j++) {
        const shift = j * g.dw - g.pw; // input column of output column 0
        // Output columns whose input column shift + ow·sw lies in [0, W).
        const lo = Math.min(g.OW, Math.max(0, Math.ceil(-shift / g.sw)));
        const hi = Math.max(lo, Math.min(g.OW, Math.floor((g.W - 1 - shift) / g.sw) + 1));
        for (let oh = 0; oh < g.OH; oh++, dst += g.OW) {
          const h = oh * g.sh - g.ph + i * g.dh;
          if (h < 0 || h >= g.H || lo >= hi) run(dst, -1, 0, 0);
          else run(dst, (c * g.H + h) * g.W + shift + lo * g.sw, lo, hi);
        }
      }
    }
  }
}

/**
 * Unfold sliding windows into columns: x [N, C, H, W] → cols [N, C·kh·kw, OH·OW], row index
 * (c·kh + i)·kw + j (PyTorch's `unfold` layout), so a convolution is W [O, C·kh·kw] · cols.
 * Its VJP is {@link col2im} (and col2im's is im2col), so derivatives of every order stay exact.
 */
export function im2col(x: Tensor, spec: WindowSpec): Tensor {
  if (!(x instanceof Tensor)) throw new OptlabError(`im2col: argument x: expected a Tensor, got ${describe(x)}`);
  const g = windowGeometry(x.shape, spec);
  const K = g.C * g.kh * g.kw;
  const L = g.OH * g.OW;
  const per = K * L;
  const inSize = g.C * g.H * g.W;
  const out = allocateOutput(x.dtype, g.N * per); // every element is written below
  const src = x.data;
  const { OW, sw, padValue } = g;
  for (let n = 0; n < g.N; n++) {
    const o = n * per;
    const s = n * inSize;
    forEachWindowRow(g, (dst, from, lo, hi) => {
      const d = o + dst;
      if (from < 0) {
        out.fill(padValue, d, d + OW);
        return;
      }
      if (lo > 0) out.fill(padValue, d, d + lo);
      for (let ow = lo, k = s + from; ow < hi; ow++, k += sw) out[d + ow] = src[k];
      if (hi < OW) out.fill(padValue, d + hi, d + OW);
    });
  }
  const y = new Tensor(out, [g.N, K, L]);
  const shape = x.shape;
  return record("im2col", [x], y, (gy) => [col2im(gy, shape, spec)]);
}

/**
 * Fold columns back, summing overlaps: cols [N, C·kh·kw, OH·OW] → [N, C, H, W] for the input
 * shape `shape` (padding positions are dropped). The adjoint of {@link im2col}.
 */
export function col2im(cols: Tensor, shape: readonly number[], spec: WindowSpec): Tensor {
  if (!(cols instanceof Tensor)) throw new OptlabError(`col2im: argument cols: expected a Tensor, got ${describe(cols)}`);
  const g = windowGeometry(shape, spec);
  const K = g.C * g.kh * g.kw;
  const L = g.OH * g.OW;
  if (cols.rank !== 3 || cols.shape[0] !== g.N || cols.shape[1] !== K || cols.shape[2] !== L) {
    throw new OptlabError(`col2im: cols: expected shape [${g.N}, ${K}, ${L}] for input ${shapeStr(shape)}, got ${shapeStr(cols.shape)}`);
  }
  const per = K * L;
  const inSize = g.C * g.H * g.W;
  const out = allocate(cols.dtype, g.N * inSize);
  const src = cols.data;
  const sw = g.sw;
  // Same visiting order as im2col's rows, so overlapping windows sum in a fixed order.
  for (let n = 0; n < g.N; n++) {
    const o = n * inSize;
    const s = n * per;
    forEachWindowRow(g, (dst, to, lo, hi) => {
      if (to < 0) return;
      for (let ow = lo, k = o + to; ow < hi; ow++, k += sw) out[k] += src[s + dst + ow];
    });
  }
  const y = new Tensor(out, [...shape]);
  return record("col2im", [cols], y, (gy) => [im2col(gy, { ...spec, padValue: 0 })]);
}
