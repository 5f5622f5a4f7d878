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
 * For each row (c, i, j) of a column matrix and each output position (oh, ow), the offset of the
 * input pixel it reads within one sample, or −1 where the window reads padding.
 */
function indexMap(g: Geometry): Int32Array {
  // A network reuses a few geometries in every forward and sweep: build each map once.
  const key = [g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw].join(",");
  let map = MAPS.get(key);
  if (!map) {
    if (MAPS.size >= 64) MAPS.clear();
    MAPS.set(key, (map = buildIndexMap(g)));
  }
  return map;
}

const MAPS = new Map<string, Int32Array>();

function buildIndexMap(g: Geometry): Int32Array {
  const L = g.OH * g.OW;
  const map = new Int32Array(g.C * g.kh * g.kw * L);
  let r = 0;
  for (let c = 0; c < g.C; c++) {
    for (let i = 0; i < g.kh; i++) {
      for (let j = 0; j < g.kw; j++) {
        for (let oh = 0; oh < g.OH; oh++) {
          const h = oh * g.sh - g.ph + i * g.dh;
          for (let ow = 0; ow < g.OW; ow++) {
            const w = ow * g.sw - g.pw + j * g.dw;
            map[r++] = h >= 0 && h < g.H && w >= 0 && w < g.W ? (c * g.H + h) * g.W + w : -1;
          }
        }
      }
    }
  }
  return map;
}

/**
 * Unfold sliding windows into columns: x [N, C, H, W] → cols [N, C·kh·kw, OH·OW], row index
 * (c·kh + i)·kw + j (PyTorch's `unfold` layout), so a convolution is W [O, C·kh·kw] · cols.
 * Its VJP is {@link col2im} (and col2im's is im2col), so derivatives of every order stay exact.
 */
export function im2col(x: Tensor, spec: WindowSpec): Tensor {
  if (!(x instanceof Tensor)) throw new OptlabError(`im2col: argument x: expected a Tensor, got ${describe(x)}`);
  const g = windowGeometry(x.shape, spec);
  const map = indexMap(g);
  const K = g.C * g.kh * g.kw;
  const L = g.OH * g.OW;
  const per = K * L;
  const inSize = g.C * g.H * g.W;
  const out = allocateOutput(x.dtype, g.N * per); // every element is written below
  const src = x.data;
  for (let n = 0; n < g.N; n++) {
    const o = n * per;
    const s = n * inSize;
    for (let t = 0; t < per; t++) {
      const m = map[t];
      out[o + t] = m >= 0 ? src[s + m] : g.padValue;
    }
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
  const map = indexMap(g);
  const per = K * L;
  const inSize = g.C * g.H * g.W;
  const out = allocate(cols.dtype, g.N * inSize);
  const src = cols.data;
  for (let n = 0; n < g.N; n++) {
    const o = n * inSize;
    const s = n * per;
    for (let t = 0; t < per; t++) {
      const m = map[t];
      if (m >= 0) out[o + m] += src[s + t];
    }
  }
  const y = new Tensor(out, [...shape]);
  return record("col2im", [cols], y, (gy) => [im2col(gy, { ...spec, padValue: 0 })]);
}
