import type { Tensor } from "../tensor/Tensor";
import { leafPaths, leaves, type Params } from "../autodiff/params";
import { shapeStr, sameShape } from "../tensor/shape";
import { OptlabError } from "../util/errors";

/** Params and grads matched leaf by leaf. */
export interface MatchedLeaves {
  readonly params: Tensor[];
  readonly grads: Tensor[];
  readonly paths: string[];
}

/**
 * Check that `grads` has the same leaves as `params` (count and shapes) and that every gradient
 * is finite; the error names the leaf index and path and the shapes involved.
 */
export function matchLeaves(params: Params, grads: Params, where: string): MatchedLeaves {
  const p = leaves(params);
  const g = leaves(grads);
  const paths = leafPaths(params);
  if (p.length !== g.length) {
    throw new OptlabError(`${where}: grads: expected ${p.length} gradient tensors (one per parameter leaf), got ${g.length}`);
  }
  for (let i = 0; i < p.length; i++) {
    if (!sameShape(p[i].shape, g[i].shape)) {
      throw new OptlabError(
        `${where}: grads: leaf ${i} (${paths[i]}) has shape ${shapeStr(g[i].shape)} but the parameter has shape ${shapeStr(p[i].shape)}`,
      );
    }
  }
  for (let i = 0; i < g.length; i++) {
    const d = g[i].data;
    for (let j = 0; j < d.length; j++) {
      if (!Number.isFinite(d[j])) {
        throw new OptlabError(`${where}: grads: leaf ${i} (${paths[i]}) has non-finite value ${d[j]} at index ${j}`);
      }
    }
  }
  return { params: p, grads: g, paths };
}
