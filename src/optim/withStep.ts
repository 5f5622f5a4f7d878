import type { Params } from "../autodiff/params";
import { OptlabError } from "../util/errors";
import { ravel, type Raveled } from "../autodiff/ravel";
import { flatBlocks, writeFlat, type FlatBlock } from "./layout";
import { matchLeaves } from "./matchLeaves";
import type { Optimizer, PureOptimizer, UpdateResult } from "./Optimizer";
import { HeldState } from "./heldState";
import { checkSlots, cloneState, emptyState, type OptimizerState } from "./state";

/**
 * The in-place sugar over a pure optimizer: it holds one state and `step(params, grads)` is
 *
 *     ({ theta, state } = core.update(flat(grads), state, flat(params)));  write theta into params
 *
 * so stepping and calling `update` give bit-identical trajectories on float64 leaves (it uses
 * `updateDonated`, the same arithmetic without copies, when the core has it). The first step makes
 * the state with `init` for the params' layout; a later step on params of another layout keeps the
 * state only when every buffer keeps its size (else a named error). If an update throws midway (a
 * rule rejecting a parameter), the parameters are untouched but the held buffers may be partly
 * advanced: `reset()` or `load()` a saved state.
 */
export class Stepper extends HeldState<PureOptimizer> implements Optimizer {
  protected fresh(): OptimizerState {
    return emptyState(this.core.name, this.core.slotNames, this.core.hyper);
  }

  get slotNames(): readonly string[] {
    return this.core.slotNames;
  }

  update(grads: Float64Array, state: OptimizerState, theta: Float64Array): UpdateResult {
    return this.core.update(grads, state, theta);
  }

  /** The params' raveling and scratch copies of θ and g, reused while the layout stays (a step allocates nothing). */
  private scratch: { raveled: Raveled<Params>; theta: Float64Array; grads: Float64Array } | null = null;

  step(params: Params, grads: Params): void {
    const where = `${this.name}.step`;
    matchLeaves(params, grads, where);
    const blocks = flatBlocks(params);
    if (!this.scratch || !sameLayout(this.scratch.raveled.blocks, blocks)) {
      const raveled = ravel(params);
      this.scratch = { raveled, theta: raveled.theta, grads: new Float64Array(raveled.p) };
    }
    const { raveled } = this.scratch;
    const theta = raveled.ravel(params, this.scratch.theta);
    const g = raveled.ravel(grads, this.scratch.grads);
    const state = this.stateFor(theta, blocks, where);
    // θ is our scratch copy and the held buffers are ours alone: donate them
    const r = this.core.updateDonated ? this.core.updateDonated(g, state, theta) : this.core.update(g, state, theta);
    writeFlat(params, r.theta);
    this.current = r.state;
  }

  /** The held state, made or re-laid out for params of layout `blocks` (not stored until the step succeeds). */
  private stateFor(theta: Float64Array, blocks: FlatBlock[], where: string): OptimizerState {
    const s = this.current;
    if (!s.blocks) return { ...this.core.init(theta, blocks), stepCount: s.stepCount, lastLr: s.lastLr };
    if (sameLayout(s.blocks, blocks)) return s;
    const fresh = this.core.init(theta, blocks);
    for (const name of this.core.slotNames) {
      const have = s.slots[name][0].length;
      const want = fresh.slots[name][0].length;
      if (have !== want) {
        throw new OptlabError(`${where}: params: ${layoutChange(s.blocks, blocks)}: the optimizer's "${name}" buffer has ${have} elements, expected ${want} for these params (call reset() to start over with new params)`);
      }
    }
    return { ...s, blocks }; // every buffer fits (e.g. a scalar accumulator): carry on
  }

  load(state: OptimizerState): void {
    checkSlots(state, this.name, this.core.slotNames, `${this.name}.load`);
    this.current = cloneState(state);
  }
}

/** In-place sugar over a pure optimizer (see `Stepper`). */
export function withStep(core: PureOptimizer): Optimizer {
  return new Stepper(core);
}

function sameLayout(a: readonly FlatBlock[], b: readonly FlatBlock[]): boolean {
  return a.length === b.length && a.every((x, i) => x.size === b[i].size && x.shape.length === b[i].shape.length && x.shape.every((d, k) => d === b[i].shape[k]));
}

/** Which leaf changed, in words. */
function layoutChange(old: readonly FlatBlock[], now: readonly FlatBlock[]): string {
  const n = Math.min(old.length, now.length);
  for (let i = 0; i < n; i++) {
    if (old[i].size !== now[i].size) return `leaf ${i} (${now[i].path}) has ${now[i].size} elements but the optimizer's state for it has ${old[i].size}`;
  }
  return `params has ${now.length} leaves but the optimizer's state holds ${old.length}`;
}
