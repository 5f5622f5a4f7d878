import { Tensor } from "../Tensor";
import { allocateOutput } from "../dtype";
import { record } from "../../autodiff/graph";
import { broadcastShapes, broadcastStrides, sameShape, shapeStr, sizeOf } from "../shape";
import { OptlabError } from "../../util/errors";
import { sum } from "./reduce";
import { reshape } from "./shape";

/**
 * Gather `src` laid over `outShape` with the given strides (0 = repeat) into a new contiguous
 * array. The innermost dimension runs as a plain loop (a fill for stride 0, a block copy for
 * stride 1) and only the outer dimensions step an odometer: broadcasts, transposes and slices all
 * come through here, and a per-element odometer was a measurable share of an HVP.
 */
export function stridedCopy(src: Tensor, stridesIn: readonly number[], shapeOut: readonly number[]): Tensor {
  const out = allocateOutput(src.dtype, sizeOf(shapeOut));
  // Merge neighbouring axes that walk memory as one (contiguous, or both broadcast): the inner
  // loop then covers whole runs, e.g. a per-channel value over H·W instead of W at a time.
  const outShape: number[] = [];
  const strides: number[] = [];
  shapeOut.forEach((n, d) => {
    const k = outShape.length - 1;
    if (k >= 0 && strides[k] === stridesIn[d] * n) {
      outShape[k] *= n;
      strides[k] = stridesIn[d];
    } else {
      outShape.push(n);
      strides.push(stridesIn[d]);
    }
  });
  const nd = outShape.length;
  const d = src.data;
  if (nd === 0 || out.length === 0) {
    if (out.length) out[0] = d[0];
    return new Tensor(out, shapeOut);
  }
  const inner = outShape[nd - 1];
  const s = strides[nd - 1];
  if (s === 1 && strides.every((st, k) => k === nd - 1 || st === 0)) {
    // One contiguous row repeated (a bias over a batch, the adjoint of a sum over rows): write it
    // once, then double the filled prefix with copyWithin (a native memmove) until out is full.
    out.set(d.subarray(0, inner));
    for (let filled = inner; filled < out.length; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, out.length - filled));
    return new Tensor(out, shapeOut);
  }
  const idx = new Array<number>(nd - 1).fill(0);
  let si = 0;
  for (let o = 0; o < out.length; o += inner) {
    // Short rows (a bias broadcast over a batch): a loop, not a subarray object per row.
    if (s === 1 && inner <= 256) for (let j = 0; j < inner; j++) out[o + j] = d[si + j];
    else if (s === 1) out.set(d.subarray(si, si + inner), o);
    else if (s === 0) out.fill(d[si], o, o + inner);
    else for (let j = 0, k = si; j < inner; j++, k += s) out[o + j] = d[k];
    for (let k = nd - 2; k >= 0; k--) {
      idx[k]++;
      si += strides[k];
      if (idx[k] < outShape[k]) break;
      si -= strides[k] * outShape[k];
      idx[k] = 0;
    }
  }
  return new Tensor(out, shapeOut);
}

/** Repeat `x` along broadcast dimensions to `shape` (NumPy rules). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const target = broadcastShapes(x.shape, shape, "broadcastTo");
  if (!sameShape(target, shape)) {
    throw new OptlabError(`broadcastTo: shape ${shapeStr(x.shape)} cannot be broadcast to ${shapeStr(shape)}`);
  }
  const y = stridedCopy(x, broadcastStrides(x.shape, shape), shape);
  return record("broadcastTo", [x], y, (g) => [sumTo(g, x.shape)]);
}

/** Sum `x` over the dimensions that broadcasting added to reach x.shape from `shape` (adjoint of broadcastTo). */
export function sumTo(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const lead = x.shape.length - shape.length;
  if (lead < 0) throw new OptlabError(`sumTo: cannot reduce shape ${shapeStr(x.shape)} to ${shapeStr(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < x.shape.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
    else if (shape[i - lead] !== x.shape[i]) {
      throw new OptlabError(`sumTo: cannot reduce shape ${shapeStr(x.shape)} to ${shapeStr(shape)}`);
    }
  }
  return reshape(sum(x, axes, true), shape);
}
