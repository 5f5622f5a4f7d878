import type { Params } from "../autodiff/params";
import { OptlabError, check, checkFinite } from "../util/errors";
import { countingClosure, type LossClosure } from "./closure";
import { FlatSlots } from "./flatSlots";
import { lrAt, type LearningRate } from "./learningRate";
import { flatBlocks, layoutFor, readFlat, writeFlat, type FlatBlock } from "./layout";
import { HeldState } from "./heldState";
import { checkStateHeader, cloneState, type OptimizerState } from "./state";

/** What one closure step reports. */
export interface ClosureStepInfo {
  /** Loss at the parameters the step started from (NaN if the method never evaluated it there). */
  loss: number;
  /** Closure calls made by this step. */
  values: number;
  gradients: number;
  hvps: number;
}

/** What one closure update returns: new θ, new state (both fresh) and the step's report. */
export interface ClosureUpdateResult {
  readonly theta: Float64Array;
  readonly state: OptimizerState;
  readonly info: ClosureStepInfo;
}

/**
 * The pure core of an optimizer that needs the loss, not only a gradient: the same state shape as
 * a first-order optimizer and `update(closure, state, θ)` in place of `update(g, state, θ)`, on flat
 * float64 θ. It never writes into `state` or `theta`. Stochastic methods (CBO, zeroth-order,
 * AdaHessian) draw from a random stream the optimizer holds, which advances with each update.
 */
export interface PureClosureOptimizer {
  readonly name: string;
  readonly hyper: Record<string, unknown>;
  /** Whether `update` calls closure.hvp (checked before each step). */
  readonly needsHvp: boolean;
  init(theta: Float64Array, blocks?: readonly FlatBlock[]): OptimizerState;
  update(closure: LossClosure, state: OptimizerState, theta: Float64Array): ClosureUpdateResult;
  /** Restart the random stream (called by `reset`). */
  restart?(): void;
}

/**
 * Optimizers that need the loss, not only a gradient: `step(params, closure)` updates the leaves
 * of `params` IN PLACE (float64 arithmetic, written back rounded to f32 leaves) using a closure of
 * the loss over the flat parameter vector; it is sugar over `update` on the held state. Same
 * bookkeeping as `Optimizer` (stepCount, lastLr, state/load/reset). `usesClosure` tells a driver
 * (`optim.minimize`) which contract applies.
 *
 * Driving one by hand:
 *
 *     const closure = optim.lossClosure((p) => loss(model.apply(p, x), y), model.params);
 *     for (let k = 0; k < 100; k++) opt.step(model.params, closure);
 */
export interface ClosureOptimizer extends PureClosureOptimizer {
  readonly usesClosure: true;
  step(params: Params, closure: LossClosure): ClosureStepInfo;
  readonly stepCount: number;
  lastLr(): number;
  state(): OptimizerState;
  load(state: OptimizerState): void;
  reset(): void;
}

/** What a closure rule sees. */
export interface ClosureContext {
  readonly t: number;
  readonly lr: number;
  readonly blocks: readonly FlatBlock[];
}

/** A closure-based rule: update θ (flat float64, in place, the caller's copy); return the loss at the starting θ (or NaN). */
export interface ClosureRule {
  /** Whether the rule calls closure.hvp (checked before the first step). */
  readonly needsHvp?: boolean;
  /** `slots` hands out named buffers (copies owned by this update), allocated on first use. */
  update(theta: Float64Array, closure: LossClosure, slots: FlatSlots, ctx: ClosureContext): number;
  /** Restart whatever the rule keeps outside the state (its random stream). */
  reset?(): void;
}

/** Check that `closure` is a LossClosure over p parameters (with HVPs when needed), naming `where`. */
export function checkClosure(closure: unknown, p: number, name: string, needsHvp: boolean, where: string): asserts closure is LossClosure {
  const c = closure as LossClosure;
  check(
    c !== null && typeof c === "object" && typeof c.value === "function" && typeof c.valueAndGrad === "function",
    `${where}: closure`,
    "expected a LossClosure: an Objective (modelObjective(model, data), objective(f, params), functionsObjective({...})) or { p, value, valueAndGrad, hvp? }",
  );
  if (c.p !== p) throw new OptlabError(`${where}: closure: it has p = ${c.p} but params has ${p} elements`);
  if (needsHvp && (typeof c.hvp !== "function" || c.hasHvp === false)) {
    throw new OptlabError(`${where}: closure: ${name} needs Hessian–vector products; the closure has no hvp (pass an autodiff Objective such as modelObjective or objective(f, params), or give functionsObjective an hvp or hessian)`);
  }
}

/** Check the arguments of a closure update (state header, θ finite and of the state's length, the closure); returns the layout. */
export function checkClosureUpdate(closure: unknown, state: OptimizerState, theta: unknown, name: string, needsHvp: boolean, where: string): readonly FlatBlock[] {
  checkStateHeader(state, name, where);
  const blocks = layoutFor(theta, state.blocks, where);
  checkClosure(closure, (theta as Float64Array).length, name, needsHvp, where);
  checkFinite(theta as Float64Array, `${where}: theta`);
  return blocks;
}

/** The pure core of a closure rule: buffers restored from the state into copies, the rule run on a copy of θ. */
export function pureClosureOptimizer(name: string, hyper: Record<string, unknown>, lr: LearningRate, rule: ClosureRule): PureClosureOptimizer {
  const frozen = Object.freeze({ ...hyper });
  const needsHvp = rule.needsHvp === true;
  return {
    name,
    hyper: frozen,
    needsHvp,
    init: (theta, blocks) => ({ name, stepCount: 0, lastLr: NaN, slots: {}, hyper: frozen, blocks: layoutFor(theta, blocks, `${name}.init`) }),
    update(closure, state, theta) {
      const where = `${name}.update`;
      const blocks = checkClosureUpdate(closure, state, theta, name, needsHvp, where);
      const slots = new FlatSlots();
      slots.restore(state.slots, where); // copies: the given state stays as it was
      const eta = lrAt(lr, state.stepCount, name);
      const th = theta.slice();
      const counted = countingClosure(closure);
      const t = state.stepCount + 1;
      const loss = rule.update(th, counted, slots, { t, lr: eta, blocks });
      const out: Record<string, Float64Array[]> = {};
      for (const [k, v] of Object.entries(slots.buffers)) out[k] = [v];
      return {
        theta: th,
        state: { name, stepCount: t, lastLr: eta, slots: out, hyper: state.hyper, blocks },
        info: { loss, values: counted.values, gradients: counted.gradients, hvps: counted.hvps },
      };
    },
    restart: rule.reset,
  };
}

/** Build a ClosureOptimizer from a rule (flat θ, named float64 buffers, lr schedule, state/load/reset). */
export function closureOptimizer(name: string, hyper: Record<string, unknown>, lr: LearningRate, rule: ClosureRule): ClosureOptimizer {
  return new ClosureStepper(pureClosureOptimizer(name, hyper, lr, rule));
}

/** In-place sugar over a pure closure optimizer: holds one state; `step` = `update` + write-back. */
export class ClosureStepper extends HeldState<PureClosureOptimizer> implements ClosureOptimizer {
  readonly usesClosure = true as const;

  protected fresh(): OptimizerState {
    return { name: this.core.name, stepCount: 0, lastLr: NaN, slots: {}, hyper: this.core.hyper };
  }

  get needsHvp(): boolean {
    return this.core.needsHvp;
  }

  update(closure: LossClosure, state: OptimizerState, theta: Float64Array): ClosureUpdateResult {
    return this.core.update(closure, state, theta);
  }

  step(params: Params, closure: LossClosure): ClosureStepInfo {
    const where = `${this.name}.step`;
    const theta = readFlat(params);
    checkClosure(closure, theta.length, this.name, this.core.needsHvp, where);
    checkFinite(theta, `${where}: params`);
    const blocks = flatBlocks(params);
    const s = this.current.blocks ? { ...this.current, blocks } : { ...this.core.init(theta, blocks), stepCount: this.current.stepCount, lastLr: this.current.lastLr };
    const r = this.core.update(closure, s, theta);
    writeFlat(params, r.theta);
    this.current = r.state;
    return r.info;
  }

  load(state: OptimizerState): void {
    const where = `${this.name}.load`;
    checkStateHeader(state, this.name, where);
    new FlatSlots().restore(state.slots, where); // validates the buffers
    this.current = cloneState(state);
  }

  override reset(): void {
    super.reset();
    this.core.restart?.();
  }
}

/** Whether `opt` follows the closure contract. */
export function isClosureOptimizer(opt: unknown): opt is ClosureOptimizer {
  return opt !== null && typeof opt === "object" && (opt as { usesClosure?: unknown }).usesClosure === true;
}
