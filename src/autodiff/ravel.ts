import { Tensor } from "../tensor/Tensor";
import { allocate, type DType } from "../tensor/dtype";
import { leaves, leafPaths, withLeaves, type Params } from "./params";
import { concat, reshape, slice } from "../tensor/ops/shape";
import { OptlabError } from "../util/errors";

/**
 * The one home of flattening: a parameter tree seen as a flat vector θ ∈ ℝᵖ, leaves raveled
 * row-major and concatenated in the tree's stable flat order (see `leaves`). JAX's `ravel_pytree`
 * is the model.
 */

/** A parameter block (one leaf of the tree) inside the flat vector θ. */
export interface ParamBlock {
  /** Dotted path of the leaf, e.g. `[0].W`. */
  readonly path: string;
  /** First index of the block in θ. */
  readonly offset: number;
  /** Number of entries (product of `shape`). */
  readonly size: number;
  readonly shape: readonly number[];
}

/** What `ravel` returns: θ (float64, a copy), its layout, and the way back to a tree. */
export interface Raveled<P extends Params> {
  /** The flat parameters θ, float64, length p (a fresh copy; mutating it does not touch the tree). */
  readonly theta: Float64Array;
  /** Number of scalar parameters p. */
  readonly p: number;
  /** The leaves in flat order, with their offsets into θ. */
  readonly blocks: readonly ParamBlock[];
  /** Storage dtype of the tree's leaves (the first leaf's; trees are homogeneous). */
  readonly dtype: DType;
  /** A new tree shaped like the original from a flat vector of length p (no autodiff graph). */
  unravel(theta: ArrayLike<number>): P;
  /**
   * A tree whose float64 leaves are views into `theta` (no copy), for read-only use inside a
   * computation (an HVP's cotangent seeds): writing to a leaf writes to theta. Leaves of another
   * dtype are copies, as in `unravel`.
   */
  unravelView(theta: Float64Array): P;
  /** The flat values of a tree with this layout, into `out` (float64, length p) when given. */
  ravel(tree: P, out?: Float64Array): Float64Array;
}

/** The blocks of a tree in flat order. */
export function paramBlocks(params: Params): ParamBlock[] {
  const ls = leaves(params);
  const paths = leafPaths(params);
  let offset = 0;
  return ls.map((t, i) => {
    const b = { path: paths[i], offset, size: t.size, shape: t.shape };
    offset += t.size;
    return b;
  });
}

/** The block that holds flat index `i` (for messages that name a parameter). */
export function blockAt(blocks: readonly ParamBlock[], i: number): { block: ParamBlock; index: number[] } {
  const block = blocks.find((b) => i >= b.offset && i < b.offset + b.size) ?? blocks[blocks.length - 1];
  let r = i - block.offset;
  const index = new Array<number>(block.shape.length);
  for (let d = block.shape.length - 1; d >= 0; d--) {
    index[d] = r % block.shape[d];
    r = Math.floor(r / block.shape[d]);
  }
  return { block, index };
}

/** Flatten a parameter tree: θ, its blocks, and `unravel`. */
export function ravel<P extends Params>(tree: P): Raveled<P> {
  const ls = leaves(tree);
  if (ls.length === 0) throw new OptlabError("ravel: params: expected a parameter tree with at least one tensor");
  const blocks = paramBlocks(tree);
  const p = blocks.reduce((s, b) => s + b.size, 0);
  const dtype = ls[0].dtype;
  const layout = (t: P, argument: string): Tensor[] => {
    const xs = leaves(t);
    if (xs.length !== blocks.length) throw new OptlabError(`${argument}: expected a tree with ${blocks.length} tensors, got ${xs.length}`);
    xs.forEach((x, i) => {
      if (x.size !== blocks[i].size) throw new OptlabError(`${argument}: leaf ${blocks[i].path} has ${x.size} entries, expected ${blocks[i].size}`);
    });
    return xs;
  };
  const ravelInto = (t: P, out?: Float64Array): Float64Array => {
    const xs = layout(t, "ravel: tree");
    const o = out ?? new Float64Array(p);
    if (o.length !== p) throw new OptlabError(`ravel: out: expected length ${p}, got ${o.length}`);
    xs.forEach((x, i) => o.set(x.data, blocks[i].offset));
    return o;
  };
  const unravel = (theta: ArrayLike<number>, view: boolean): P => {
    if (theta === null || typeof theta !== "object" || typeof theta.length !== "number") {
      throw new OptlabError(`unravel: theta: expected a Float64Array of length ${p}, got ${theta === null ? "null" : typeof theta}`);
    }
    if (theta.length !== p) throw new OptlabError(`unravel: theta: expected length ${p}, got ${theta.length}`);
    return withLeaves(tree, ls.map((t, i) => {
      const off = blocks[i].offset;
      if (view && t.dtype === "f64" && theta instanceof Float64Array) return new Tensor(theta.subarray(off, off + t.size), t.shape);
      const d = allocate(t.dtype, t.size);
      if (ArrayBuffer.isView(theta)) d.set((theta as Float64Array).subarray(off, off + t.size));
      else for (let j = 0; j < t.size; j++) d[j] = theta[off + j];
      return new Tensor(d, t.shape);
    }));
  };
  return {
    theta: ravelInto(tree),
    p,
    blocks,
    dtype,
    ravel: ravelInto,
    unravelView: (theta) => unravel(theta, true),
    unravel: (theta) => unravel(theta, false),
  };
}

/** Copy of the flat parameter vector as a plain typed array (no graph). */
export function flatValues(params: Params, dtype: DType = "f64"): Float64Array | Float32Array {
  const ls = leaves(params);
  const out = allocate(dtype, ls.reduce((s, t) => s + t.size, 0));
  let off = 0;
  for (const t of ls) {
    out.set(t.data, off);
    off += t.size;
  }
  return out;
}

/** Write a flat vector back into the leaves' typed arrays IN PLACE (rounded to f32 leaves). */
export function writeFlat(params: Params, theta: ArrayLike<number>): void {
  let off = 0;
  for (const t of leaves(params)) {
    const d = t.data;
    if (ArrayBuffer.isView(theta)) d.set((theta as Float64Array).subarray(off, off + d.length)); // set rounds to f32 like assignment
    else for (let i = 0; i < d.length; i++) d[i] = theta[off + i];
    off += d.length;
  }
}

/** New tensors shaped like `like` filled from a plain flat array (no graph): `ravel(like).unravel`. */
export function fromFlatValues<P extends Params>(values: ArrayLike<number>, like: P): P {
  return ravel(like).unravel(values);
}

/**
 * Differentiable flatten: θ as a Tensor [p] (so f∘unflatten is a function of a flat vector that
 * autodiff sees through).
 */
export function flatten(params: Params): Tensor {
  const ls = leaves(params);
  if (ls.length === 0) throw new OptlabError("flatten: params has no tensors");
  return ls.length === 1 ? reshape(ls[0], [-1]) : concat(ls.map((t) => reshape(t, [-1])), 0);
}

/** Differentiable inverse of `flatten`: split a flat vector [p] into tensors shaped like `like`'s leaves. */
export function unflatten<P extends Params>(flat: Tensor, like: P): P {
  const ls = leaves(like);
  const p = ls.reduce((s, t) => s + t.size, 0);
  if (!(flat instanceof Tensor) || flat.rank !== 1 || flat.size !== p) {
    throw new OptlabError(`unflatten: flat: expected a 1-D tensor of length ${p}, got ${flat instanceof Tensor ? `shape [${flat.shape}]` : typeof flat}`);
  }
  let off = 0;
  const parts = ls.map((t) => {
    const part = reshape(slice(flat, [off], [off + t.size]), t.shape);
    off += t.size;
    return part;
  });
  return withLeaves(like, parts);
}
