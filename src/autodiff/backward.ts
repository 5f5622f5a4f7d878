import { Tensor } from "../tensor/Tensor";
import { enableGrad, noGrad } from "./graph";
import { add } from "../tensor/ops/binary";
import { OptlabError } from "../util/errors";
import { sameShape, shapeStr } from "../tensor/shape";

/**
 * The part of a reverse sweep that depends only on the graph: which recorded tensors lie between
 * `outputs` and `wrt`, in the order the sweep visits them. Computing it once lets a caller that
 * sweeps the same graph many times (a linearization answering HVPs) skip the graph walk.
 */
export interface SweepPlan {
  readonly outputs: readonly Tensor[];
  readonly wrt: readonly Tensor[];
  /** Recorded tensors in post-order (inputs before the tensors computed from them). */
  readonly order: readonly Tensor[];
  /** Tensors at or above some `wrt` tensor: cotangent flowing into them is needed. */
  readonly reaches: ReadonlySet<Tensor>;
}

/** Walk the graph below `outputs` once and keep what a sweep to `wrt` needs. */
export function planSweep(outputs: readonly Tensor[], wrt: readonly Tensor[]): SweepPlan {
  const targets = new Set(wrt);
  const seen = new Map<Tensor, boolean>();
  const order: Tensor[] = [];
  const visit = (root: Tensor) => {
    const stack: [Tensor, number][] = [[root, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [t, i] = top;
      if (i === 0 && seen.has(t)) {
        stack.pop();
        continue;
      }
      const inputs = t.node ? t.node.inputs : [];
      if (i < inputs.length) {
        top[1]++;
        if (!seen.has(inputs[i])) stack.push([inputs[i], 0]);
        continue;
      }
      stack.pop();
      if (seen.has(t)) continue;
      const r = targets.has(t) || inputs.some((x) => seen.get(x) === true);
      seen.set(t, r);
      if (r && t.node) order.push(t);
    }
  };
  outputs.forEach(visit);
  const reaches = new Set<Tensor>();
  for (const [t, r] of seen) if (r) reaches.add(t);
  return { outputs, wrt, order, reaches };
}

/**
 * Run a planned reverse sweep: cotangents of `plan.wrt` given cotangents `seeds` of `plan.outputs`
 * (a `null` seed means zero). With `createGraph` the sweep itself is recorded, so its results can
 * be differentiated again. `null` marks a `wrt` the outputs do not depend on.
 */
export function runSweep(plan: SweepPlan, seeds: readonly (Tensor | null)[], createGraph: boolean): (Tensor | null)[] {
  const { outputs, wrt, order, reaches } = plan;
  const grads = new Map<Tensor, Tensor>();
  const accumulate = (t: Tensor, g: Tensor) => {
    const prev = grads.get(t);
    grads.set(t, prev ? add(prev, g) : g);
  };
  const sweep = () => {
    outputs.forEach((o, i) => {
      const s = seeds[i];
      if (s === null) return;
      if (!sameShape(o.shape, s.shape)) {
        throw new OptlabError(`cotangent: expected shape ${shapeStr(o.shape)}, got ${shapeStr(s.shape)}`);
      }
      accumulate(o, s);
    });
    for (let j = order.length - 1; j >= 0; j--) {
      const t = order[j];
      const g = grads.get(t);
      const node = t.node;
      if (!g || !node) continue;
      // Cotangents are consumed once: dropping them lets intermediate buffers be collected early.
      if (!wrtSet(plan).has(t)) grads.delete(t);
      const cts = node.vjp(g);
      node.inputs.forEach((x, k) => {
        const c = cts[k];
        if (c && reaches.has(x)) accumulate(x, c);
      });
    }
  };
  if (createGraph) enableGrad(sweep);
  else noGrad(sweep);
  return wrt.map((w) => grads.get(w) ?? null);
}

const wrtSets = new WeakMap<SweepPlan, Set<Tensor>>();
function wrtSet(plan: SweepPlan): Set<Tensor> {
  let s = wrtSets.get(plan);
  if (!s) wrtSets.set(plan, (s = new Set(plan.wrt)));
  return s;
}

/**
 * Reverse-mode sweep: cotangents of `wrt` given cotangents `seeds` of `outputs`.
 * With `createGraph` the sweep itself is recorded, so its results can be differentiated again
 * (grad of grad, exact Hessian-vector products). `null` marks a `wrt` the outputs do not depend on.
 */
export function backward(
  outputs: readonly Tensor[],
  seeds: readonly Tensor[],
  wrt: readonly Tensor[],
  createGraph: boolean,
): (Tensor | null)[] {
  outputs.forEach((o, i) => {
    if (!sameShape(o.shape, seeds[i].shape)) {
      throw new OptlabError(`cotangent: expected shape ${shapeStr(o.shape)}, got ${shapeStr(seeds[i].shape)}`);
    }
  });
  return runSweep(planSweep(outputs, wrt), seeds, createGraph);
}
