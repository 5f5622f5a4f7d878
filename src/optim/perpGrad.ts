import { Tensor } from "../tensor/Tensor";
import { allocate } from "../tensor/dtype";
import { leaves, withLeaves, type Params } from "../autodiff/params";
import { OptlabError } from "../util/errors";
import { dot } from "../linalg/vector";
import type { GradientTransformation } from "./transformation";

export interface PerpGradOptions {
  /**
   * "leaf" (default): project each parameter tensor's gradient off that tensor; "global": project
   * the whole gradient off the whole parameter vector θ.
   */
  scope?: "leaf" | "global";
}

/**
 * ⊥Grad (Prieto et al., "Grokking at the edge of numerical stability"): keep only the part of the
 * gradient orthogonal to the weights, g⊥ = g − (⟨g, w⟩/‖w‖²) w. Scaling the weights up along
 * themselves (naive loss minimisation: a larger logit norm with the same decision) is what drives
 * softmax towards float32 collapse; g⊥ cannot do that to first order. A leaf (or θ) that is all
 * zeros passes its gradient through unchanged. Stateless; compose before an optimizer:
 * `chain(perpGrad(), fromOptimizer(optim.adamw(…)))`.
 */
export function perpGrad(opts: PerpGradOptions = {}): GradientTransformation<null> {
  if (opts === null || typeof opts !== "object") throw new OptlabError("perpGrad: options: expected an object { scope? }");
  for (const k of Object.keys(opts)) if (k !== "scope") throw new OptlabError(`perpGrad: unknown option "${k}" (expected scope)`);
  const scope = opts.scope ?? "leaf";
  if (scope !== "leaf" && scope !== "global") throw new OptlabError(`perpGrad: scope: expected "leaf" or "global", got ${JSON.stringify(scope)}`);
  return {
    name: `perpGrad(${scope})`,
    init: () => null,
    update(grads: Params, _state: null, params: Params) {
      const g = leaves(grads);
      const w = leaves(params);
      if (g.length !== w.length) throw new OptlabError(`perpGrad: grads: expected ${w.length} leaves like params, got ${g.length}`);
      g.forEach((gi, i) => {
        if (gi.size !== w[i].size) throw new OptlabError(`perpGrad: grads: leaf ${i} has ${gi.size} entries, its parameter ${w[i].size}`);
      });
      const gw = (i: number) => dot(g[i].data, w[i].data);
      const sq = (i: number) => dot(w[i].data, w[i].data);
      let coef: number[];
      if (scope === "leaf") {
        coef = g.map((_, i) => { const n = sq(i); return n > 0 ? gw(i) / n : 0; });
      } else {
        let num = 0, den = 0;
        g.forEach((_, i) => { num += gw(i); den += sq(i); });
        coef = g.map(() => (den > 0 ? num / den : 0));
      }
      const out = g.map((gi, i) => {
        const d = allocate(gi.dtype, gi.size);
        for (let k = 0; k < gi.size; k++) d[k] = gi.data[k] - coef[i] * w[i].data[k];
        return new Tensor(d, gi.shape);
      });
      return { updates: withLeaves(grads, out), state: null };
    },
  };
}
