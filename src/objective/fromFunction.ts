import type { Tensor } from "../tensor/Tensor";
import type { Params } from "../autodiff/params";
import { OptlabError } from "../util/errors";
import type { Objective } from "./Objective";
import { treeObjective } from "./treeObjective";

/**
 * The Objective of any differentiable scalar function of a parameter tree, centred at `params`
 * (exact gradients and Hessian–vector products by autodiff).
 *
 * ```ts
 * const obj = objective((p) => nn.mse(net.apply(p, x), y), net.params);
 * const { grad, hvp } = obj.linearize();   // at θ₀
 * ```
 */
export function objective<P extends Params>(f: (params: P) => Tensor, params: P): Objective<P> {
  if (typeof f !== "function") throw new OptlabError("objective: f: expected a function of a parameter tree returning a scalar Tensor");
  return treeObjective({ params, evaluate: (tree) => f(tree), n: null, rows: null, where: "objective" });
}
