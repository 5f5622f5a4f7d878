import { Tensor } from "../tensor/Tensor";
import { allocate } from "../tensor/dtype";
import { shapeStr, sameShape } from "../tensor/shape";
import { enableGrad } from "./graph";
import { planSweep, runSweep } from "./backward";
import { leaves, withLeaves, type Params } from "./params";
import { OptlabError } from "../util/errors";

/**
 * A scalar function linearized at a point: its value, its gradient, and Hessian–vector products
 * answered from the recorded gradient graph.
 */
export interface TreeLinearization<P extends Params> {
  /** f at the point (no graph). */
  readonly value: Tensor;
  /** ∇f at the point, shaped like the parameters (no graph). */
  readonly grad: P;
  /** H·v for v shaped like the parameters: one reverse sweep over the recorded gradient graph. */
  hvp(v: P): P;
}

/**
 * Linearize scalar `f` at `params` (JAX's `linearize`, to second order): one forward pass and one
 * recorded backward pass build the gradient as a graph; every `hvp(v)` then runs a single reverse
 * sweep of that graph seeded with v, i.e. ∇_θ⟨∇f(θ), v⟩ without re-running f or its first
 * backward pass. The sweep's visiting order is planned once. Exact (no finite differences).
 */
export function linearize<P extends Params>(f: (params: P) => Tensor, params: P): TreeLinearization<P> {
  if (typeof f !== "function") throw new OptlabError("linearize: f: expected a function of a parameter tree returning a scalar Tensor");
  const ls = leaves(params);
  if (ls.length === 0) throw new OptlabError("linearize: params: expected a parameter tree with at least one tensor");
  // Fresh leaves: the linearization owns its graph and is independent of any outer differentiation.
  const xs = ls.map((t) => t.detach().requireGrad());
  const y = enableGrad(() => f(withLeaves(params, xs)));
  if (!(y instanceof Tensor)) throw new OptlabError(`linearize: the function must return a Tensor, got ${typeof y}`);
  if (y.size !== 1) throw new OptlabError(`linearize: the function must return a scalar (one element), got shape ${shapeStr(y.shape)}`);
  const ones = new Tensor(allocate(y.dtype, 1).fill(1), y.shape);
  const gs = runSweep(planSweep([y], xs), [ones], true);
  const zero = (i: number) => new Tensor(allocate(ls[i].dtype, ls[i].size), ls[i].shape);
  const grad = withLeaves(params, gs.map((g, i) => (g ? g.detach() : zero(i))));
  // Only gradient leaves that still depend on θ carry second-order information.
  const live = gs.map((g, i) => (g && g.requiresGrad ? i : -1)).filter((i) => i >= 0);
  const plan = planSweep(live.map((i) => gs[i] as Tensor), xs);
  return {
    value: y.detach(),
    grad,
    hvp(v: P): P {
      const vs = leaves(v);
      if (vs.length !== ls.length) throw new OptlabError(`hvp: v: expected ${ls.length} tensors, got ${vs.length}`);
      vs.forEach((t, i) => {
        if (!(t instanceof Tensor) || !sameShape(t.shape, ls[i].shape)) {
          throw new OptlabError(`hvp: v: leaf ${i} has shape ${t instanceof Tensor ? shapeStr(t.shape) : typeof t}, expected ${shapeStr(ls[i].shape)}`);
        }
      });
      const hs = live.length ? runSweep(plan, live.map((i) => vs[i].detach()), false) : xs.map(() => null);
      return withLeaves(params, hs.map((h, i) => h ?? zero(i)));
    },
  };
}
