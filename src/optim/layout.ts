import { flatValues } from "../autodiff/flat";
import { check } from "../util/errors";
import { leaves, leafPaths, type Params } from "../autodiff/params";

/** A parameter leaf's place in the flat vector θ ∈ ℝᵖ (leaves raveled in flat order). */
export interface FlatBlock {
  readonly path: string;
  readonly offset: number;
  readonly size: number;
  readonly shape: readonly number[];
}

/** The blocks of a parameter tree, in flat order. */
export function flatBlocks(params: Params): FlatBlock[] {
  const ls = leaves(params);
  const paths = leafPaths(params);
  let off = 0;
  return ls.map((t, i) => {
    const b = { path: paths[i], offset: off, size: t.size, shape: [...t.shape] };
    off += t.size;
    return b;
  });
}

/** The layout of a bare flat vector of length p: one block of shape [p] with an empty path. */
export function wholeVector(p: number): FlatBlock[] {
  return [{ path: "", offset: 0, size: p, shape: [p] }];
}

/** Total number of elements laid out by `blocks`. */
export function layoutSize(blocks: readonly FlatBlock[]): number {
  return blocks.reduce((s, b) => s + b.size, 0);
}

/** Write a flat float64 vector back into the leaves' typed arrays IN PLACE (rounded to f32 leaves). */
export function writeFlat(params: Params, theta: ArrayLike<number>): void {
  let off = 0;
  for (const t of leaves(params)) {
    const d = t.data;
    if (ArrayBuffer.isView(theta)) d.set((theta as Float64Array).subarray(off, off + d.length)); // set rounds to f32 like assignment
    else for (let i = 0; i < d.length; i++) d[i] = theta[off + i];
    off += d.length;
  }
}

/** Views (no copies) of the part of each flat array that belongs to leaf `block`. */
export function leafViews(block: FlatBlock, ...arrays: Float64Array[]): Float64Array[] {
  return arrays.map((a) => a.subarray(block.offset, block.offset + block.size));
}

/**
 * θ of a parameter tree: a float64 copy of its leaves in flat order (autodiff's `flatValues`), or
 * copied into `out` when it has the right length (a buffer reused from step to step).
 */
export function readFlat(params: Params, out?: Float64Array): Float64Array {
  if (!out) return flatValues(params, "f64") as Float64Array;
  let off = 0;
  for (const t of leaves(params)) {
    if (off + t.size > out.length) break;
    out.set(t.data, off);
    off += t.size;
  }
  if (off !== out.length) return flatValues(params, "f64") as Float64Array;
  return out;
}

/** Check θ (a Float64Array) and its layout (default: one block [p]); returns the layout, naming `where`. */
export function layoutFor(theta: unknown, blocks: readonly FlatBlock[] | undefined, where: string): FlatBlock[] {
  check(theta instanceof Float64Array, `${where}: theta`, `expected a Float64Array (flat parameters), got ${theta === null ? "null" : typeof theta}`);
  const layout = blocks ? [...blocks] : wholeVector(theta.length);
  check(layoutSize(layout) === theta.length, `${where}: blocks`, `cover ${layoutSize(layout)} elements but theta has ${theta.length}`);
  return layout;
}
