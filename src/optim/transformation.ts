import { Tensor } from "../tensor/Tensor";
import { allocate } from "../tensor/dtype";
import { leaves, mapLeaves, withLeaves, type Params } from "../autodiff/params";
import { OptlabError } from "../util/errors";
import { norm2 } from "../linalg/vector";
import { readFlat } from "./layout";
import type { PureOptimizer } from "./Optimizer";
import { checkPositive } from "./validators";
import { initTree, updateTree } from "./treeUpdate";
import type { OptimizerState } from "./state";

/**
 * A gradient transformation in the optax style: a pure `init`/`update` pair that maps incoming
 * gradients (or the previous transformation's output) to updates, with explicit state. Compose
 * with `chain`; apply with `applyUpdates`. Any optimizer becomes one with `fromOptimizer`.
 */
export interface GradientTransformation<S = unknown> {
  readonly name: string;
  init(params: Params): S;
  update(grads: Params, state: S, params: Params): { updates: Params; state: S };
}

/**
 * An optimizer's pure update as a transformation: updates = θ_after − θ (in each leaf's dtype),
 * state = the optimizer's state (`initTree`/`updateTree`), so one optimizer serves any number of
 * independent states.
 */
export function fromOptimizer(opt: PureOptimizer): GradientTransformation<OptimizerState> {
  return {
    name: opt.name,
    init: (params) => initTree(opt, params),
    update(grads, state, params) {
      const r = updateTree(opt, grads, state, params);
      const before = leaves(params);
      const updates = withLeaves(params, leaves(r.params).map((t, i) => {
        const d = allocate(t.dtype, t.size);
        for (let k = 0; k < t.size; k++) d[k] = t.data[k] - before[i].data[k];
        return new Tensor(d, t.shape);
      }));
      return { updates, state: r.state };
    },
  };
}

/** Rescale the whole gradient so its global ℓ2 norm is at most `maxNorm` (stateless). */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<null> {
  checkPositive(maxNorm, "maxNorm", "clipByGlobalNorm");
  return {
    name: `clipByGlobalNorm(${maxNorm})`,
    init: () => null,
    update(grads) {
      const norm = norm2(readFlat(grads));
      const f = norm > maxNorm ? maxNorm / norm : 1;
      return { updates: f === 1 ? grads : mapLeaves(grads, (t) => new Tensor(t.data.map((v) => v * f), t.shape)), state: null };
    },
  };
}

/** Run transformations in sequence: each one's updates are the next one's input. */
export function chain(...ts: GradientTransformation<unknown>[]): GradientTransformation<unknown[]> {
  if (ts.length === 0) throw new OptlabError("chain: expected at least one transformation");
  return {
    name: ts.map((t) => t.name).join(" → "),
    init: (params) => ts.map((t) => t.init(params)),
    update(grads, state, params) {
      let u = grads;
      const next = ts.map((t, i) => {
        const r = t.update(u, state[i], params);
        u = r.updates;
        return r.state;
      });
      return { updates: u, state: next };
    },
  };
}

/** θ + updates, as new tensors (the inputs are not modified). */
export function applyUpdates<P extends Params>(params: P, updates: Params): P {
  const u = leaves(updates);
  return mapLeaves(params, (t, i) => {
    if (!u[i] || u[i].size !== t.size) throw new OptlabError(`applyUpdates: updates: leaf ${i} does not match the params`);
    const d = allocate(t.dtype, t.size);
    for (let k = 0; k < t.size; k++) d[k] = t.data[k] + u[i].data[k];
    return new Tensor(d, t.shape);
  });
}
