import { flatValues, paramBlocks, type ParamBlock } from "../autodiff/ravel";
import { check } from "../util/errors";
import { leaves, type Params } from "../autodiff/params";

/**
 * A parameter leaf's place in the flat vector θ ∈ ℝᵖ: autodiff's `ParamBlock` (`ravel` is the one
 * home of flattening; optim names it by its role in an optimizer's state).
 */
export type FlatBlock = ParamBlock;

/** The blocks of a parameter tree, in flat order (`paramBlocks`). */
export const flatBlocks: (params: Params) => FlatBlock[] = paramBlocks;

/** The layout of a bare flat vector of length p: one block of shape [p] with an empty path. */
export function wholeVector(p: number): FlatBlock[] {
  return [{ path: "", offset: 0, size: p, shape: [p] }];
}

/** Total number of elements laid out by `blocks`. */
export function layoutSize(blocks: readonly FlatBlock[]): number {
  return blocks.reduce((s, b) => s + b.size, 0);
}

export { writeFlat } from "../autodiff/ravel";

/** Views (no copies) of the part of each flat array that belongs to leaf `block`. */
export function leafViews(block: FlatBlock, ...arrays: Float64Array[]): Float64Array[] {
  return arrays.map((a) => a.subarray(block.offset, block.offset + block.size));
}

/** θ of a parameter tree: a float64 copy of its leaves in flat order (autodiff's `flatValues`). */
export function readFlat(params: Params): Float64Array {
  return flatValues(params, "f64") as Float64Array;
}

/** Check θ (a Float64Array) and its layout (default: one block [p]); returns the layout, naming `where`. */
export function layoutFor(theta: unknown, blocks: readonly FlatBlock[] | undefined, where: string): FlatBlock[] {
  check(theta instanceof Float64Array, `${where}: theta`, `expected a Float64Array (flat parameters), got ${theta === null ? "null" : typeof theta}`);
  const layout = blocks ? [...blocks] : wholeVector(theta.length);
  check(layoutSize(layout) === theta.length, `${where}: blocks`, `cover ${layoutSize(layout)} elements but theta has ${theta.length}`);
  return layout;
}
