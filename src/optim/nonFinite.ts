import { leafPaths, leaves, type Params } from "../autodiff/params";

/** Where training met a value that is not a finite number, and what it was. */
export interface NonFiniteReport {
  /** 0-based index of the step that met it (for "params": the step whose update produced it). */
  step: number;
  epoch: number;
  /**
   * What was non-finite: the inputs `data.x`, the regression targets `data.y`, the mini-batch
   * loss, its gradient, or the parameters right after an update.
   */
  what: "data.x" | "data.y" | "loss" | "gradient" | "params";
  /** The parameter leaf (path) for "gradient" and "params". */
  block: string | null;
  /** Flat index inside the tensor or block (for data: row-major index into x or y). */
  index: number | null;
  /** The offending value (NaN, Infinity or -Infinity). */
  value: number;
}

/** The first non-finite entry of `data`, or null. */
export function firstNonFinite(data: ArrayLike<number>): { index: number; value: number } | null {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return { index: i, value: data[i] };
  return null;
}

/** The first non-finite entry of a parameter tree (leaf path and index), or null. */
export function firstNonFiniteLeaf(tree: Params): { block: string; index: number; value: number } | null {
  const ls = leaves(tree);
  for (let k = 0; k < ls.length; k++) {
    const hit = firstNonFinite(ls[k].data);
    if (hit) return { block: leafPaths(tree)[k], ...hit };
  }
  return null;
}
