import { blockAt, type ParamBlock } from "../autodiff/ravel";
import { NonFiniteError } from "../util/errors";

/** The first non-finite entry of `x`, or -1. */
export function firstNonFinite(x: ArrayLike<number>): number {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    // v - v is NaN exactly when v is NaN or ±Infinity (cheaper than Number.isFinite in hot loops).
    if (v - v !== 0) return i;
  }
  return -1;
}

/**
 * Throw a NonFiniteError naming the parameter block and entry of the first NaN/±Infinity in a
 * θ-shaped vector: "`what`: NaN in parameter [1].W[3,4]".
 */
export function checkFiniteBlocks(x: ArrayLike<number>, blocks: readonly ParamBlock[], what: string): void {
  const i = firstNonFinite(x);
  if (i < 0) return;
  const { block, index } = blockAt(blocks, i);
  const name = `${block.path}${index.length ? `[${index.join(",")}]` : ""}`;
  throw new NonFiniteError(`${what}: ${x[i]} in parameter ${name} (flat index ${i})`, x[i], i, name);
}
