import { OptlabError, check } from "../util/errors";
import { lrAt, type LearningRate } from "./learningRate";
import { layoutFor, layoutSize, type FlatBlock } from "./layout";
import type { Optimizer, PureOptimizer, UpdateResult } from "./Optimizer";
import { checkSlots, type OptimizerState } from "./state";
import { withStep } from "./withStep";

/** What an update rule sees besides θ, g and its buffers. */
export interface UpdateContext {
  /** 1-based number of the step being taken (for bias corrections). */
  readonly t: number;
  /** Learning rate of this step. */
  readonly lr: number;
  /** The leaves' places in θ (for per-leaf math: matrix shapes, per-leaf normalisations). */
  readonly blocks: readonly FlatBlock[];
}

/**
 * The math of one first-order optimizer, the one way to define one: named float64 buffers and an
 * update of θ. `apply` works IN PLACE on arrays the caller owns (fresh copies made by `update`), so
 * the rule can be written as the textbook loop while `update` stays pure.
 */
export interface UpdateRule {
  /** Names of the buffers, in the order `apply` receives them, e.g. ["expAvg", "expAvgSq"]. */
  readonly slots: readonly string[];
  /** The initial buffer of a slot for p parameters laid out as `blocks` (default: p zeros). */
  initSlot?(slot: string, p: number, blocks: readonly FlatBlock[]): Float64Array;
  /** θ ← θ' and the buffers' new values, in place; g is read only (length p, finite). */
  apply(theta: Float64Array, g: Float64Array, slots: Float64Array[], ctx: UpdateContext): void;
}

/**
 * The pure core of a rule: `init` allocates the buffers, `update` copies θ and the buffers, applies
 * the rule to the copies and returns them in a new state (step count + 1, the lr used).
 */
export function pureOptimizer(name: string, hyper: Record<string, unknown>, lr: LearningRate, rule: UpdateRule): PureOptimizer {
  const frozen = Object.freeze({ ...hyper });
  const slotNames = Object.freeze([...rule.slots]);
  return {
    name,
    hyper: frozen,
    slotNames,
    init(theta, blocks) {
      const layout = layoutFor(theta, blocks, `${name}.init`);
      const p = theta.length;
      const slots: Record<string, Float64Array[]> = {};
      for (const s of slotNames) slots[s] = [rule.initSlot?.(s, p, layout) ?? new Float64Array(p)];
      return { name, stepCount: 0, lastLr: NaN, slots, hyper: frozen, blocks: layout };
    },
    update: (grads, state, theta) => advance(grads, state, theta, true),
    updateDonated: (grads, state, theta) => advance(grads, state, theta, false),
  };

  /** One step; with `copy` false θ and the buffers are donated (written in place) and g was checked finite by the owner. */
  function advance(grads: Float64Array, state: OptimizerState, theta: Float64Array, copy: boolean): UpdateResult {
    const where = `${name}.update`;
    const blocks = checkUpdateArguments(where, name, slotNames, grads, state, theta, copy);
    const eta = lrAt(lr, state.stepCount, name);
    const th = copy ? theta.slice() : theta;
    const bufs = slotNames.map((s) => (copy ? state.slots[s][0].slice() : state.slots[s][0]));
    const t = state.stepCount + 1;
    rule.apply(th, grads, bufs, { t, lr: eta, blocks });
    const slots: Record<string, Float64Array[]> = {};
    slotNames.forEach((s, k) => (slots[s] = [bufs[k]]));
    return { theta: th, state: { name, stepCount: t, lastLr: eta, slots, hyper: state.hyper, blocks } };
  }
}

/** An optimizer (pure `init`/`update` plus in-place `step`) from its update rule. */
export function defineOptimizer(name: string, hyper: Record<string, unknown>, lr: LearningRate, rule: UpdateRule): Optimizer {
  return withStep(pureOptimizer(name, hyper, lr, rule));
}

/**
 * Check the arguments of a pure update: θ and g Float64Arrays of the state's length p, g finite
 * (naming the leaf block), the state this optimizer's with its buffers. Returns the layout.
 */
export function checkUpdateArguments(
  where: string,
  name: string,
  slotNames: readonly string[],
  grads: unknown,
  state: OptimizerState,
  theta: unknown,
  checkGradsFinite = true,
): readonly FlatBlock[] {
  const has = checkSlots(state, name, slotNames, where);
  if (!has) throw new OptlabError(`${where}: state: it has no buffers yet; start from ${name}.init(theta) (or the state of a stepped optimizer)`);
  const blocks = state.blocks!;
  const p = layoutSize(blocks);
  check(theta instanceof Float64Array && theta.length === p, `${where}: theta`, `expected a Float64Array of length ${p} (the state's layout), got ${describeArray(theta)}`);
  check(grads instanceof Float64Array && grads.length === p, `${where}: grads`, `expected a Float64Array of length ${p}, got ${describeArray(grads)}`);
  for (let i = 0; checkGradsFinite && i < blocks.length; i++) {
    const { offset, size, path } = blocks[i];
    for (let j = 0; j < size; j++) {
      const v = grads[offset + j];
      if (!Number.isFinite(v)) throw new OptlabError(`${where}: grads: block ${i} (${path}) has non-finite value ${v} at index ${j}`);
    }
  }
  return blocks;
}

function describeArray(x: unknown): string {
  if (ArrayBuffer.isView(x)) return `${x.constructor.name} of length ${(x as unknown as ArrayLike<number>).length}`;
  return x === null ? "null" : typeof x;
}
