import { Tensor } from "../tensor/Tensor";
import { enableGrad, noGrad } from "./graph";
import { add } from "../tensor/ops/binary";
import { OptlabError } from "../util/errors";
import { sameShape, shapeStr } from "../tensor/shape";
import { recycle, withScratch, type ScratchScope } from "../tensor/scratch";
import { accumulateInto } from "../backend/elementwise";

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
  let scope: ScratchScope | null = null;
  // The cotangents being distributed right now (one node's vjp results, or the seeds).
  let pending: readonly (Tensor | null)[] = seeds;
  const accumulate = (t: Tensor, g: Tensor) => {
    const prev = grads.get(t);
    if (!prev) grads.set(t, g);
    else if (!(scope && addInto(scope, grads, pending, prev, g))) grads.set(t, add(prev, g));
  };
  const sweep = (s: ScratchScope | null) => {
    scope = s;
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
      pending = cts;
      node.inputs.forEach((x, k) => {
        const c = cts[k];
        if (c && reaches.has(x)) accumulate(x, c);
      });
      // Unrecorded, nothing outside `grads` can hold this sweep's buffers: reuse the rest.
      if (scope) recycle(scope, liveBuffers(grads));
    }
  };
  if (createGraph) enableGrad(() => sweep(null));
  else noGrad(() => withScratch(sweep));
  return wrt.map((w) => grads.get(w) ?? null);
}

/**
 * prev += g in place when prev's buffer belongs to this sweep and nothing else holds it (no other
 * cotangent, no result of the vjp being distributed): the same
 * additions as `add(prev, g)`, without a fresh output. False when that is not safe.
 */
function addInto(
  scope: ScratchScope,
  grads: Map<Tensor, Tensor>,
  pending: readonly (Tensor | null)[],
  prev: Tensor,
  g: Tensor,
): boolean {
  const p = prev.data;
  const x = g.data;
  if (p.length !== x.length || !sameShape(prev.shape, g.shape) || p.constructor !== x.constructor) return false;
  if (p.buffer === x.buffer || !scope.owned.includes(p)) return false;
  let holders = 0;
  for (const h of grads.values()) if (h.data.buffer === p.buffer) holders++;
  if (holders !== 1 || pending.some((c) => c !== null && c !== undefined && c.data.buffer === p.buffer)) return false;
  accumulateInto(p, x);
  return true;
}

function liveBuffers(grads: Map<Tensor, Tensor>): Set<ArrayBufferLike> {
  const live = new Set<ArrayBufferLike>();
  for (const g of grads.values()) live.add(g.data.buffer);
  return live;
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
