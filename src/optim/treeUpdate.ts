import { fromFlatValues } from "../autodiff/ravel";
import type { Params } from "../autodiff/params";
import { flatBlocks, readFlat } from "./layout";
import { matchLeaves } from "./matchLeaves";
import type { PureOptimizer } from "./Optimizer";
import type { OptimizerState } from "./state";

/** `opt.init` for a parameter tree: θ = the leaves raveled in flat order, blocks = the leaves. */
export function initTree(opt: PureOptimizer, params: Params): OptimizerState {
  return opt.init(readFlat(params), flatBlocks(params));
}

/**
 * `opt.update` for parameter trees: the new parameters as NEW tensors shaped like `params` (in each
 * leaf's dtype, so f32 leaves are rounded exactly as `step` rounds them) and the new state. Nothing
 * passed in is modified. Leaf shapes and finiteness are checked as in `step`, naming the leaf.
 */
export function updateTree<P extends Params>(opt: PureOptimizer, grads: Params, state: OptimizerState, params: P): { params: P; state: OptimizerState } {
  matchLeaves(params, grads, `${opt.name}.update`);
  const r = opt.update(readFlat(grads), state, readFlat(params));
  return { params: fromFlatValues(r.theta, params), state: r.state };
}
