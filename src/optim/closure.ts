import type { Tensor } from "../tensor/Tensor";
import { hvp as autodiffHvp, valueAndGrad } from "../autodiff/transforms";
import { fromFlatValues } from "../autodiff/flat";
import { leaves, type Params } from "../autodiff/params";
import { noGrad } from "../autodiff/graph";
import { OptlabError, check, checkFinite } from "../util/errors";
import { lrAt, type LearningRate } from "./learningRate";
import type { OptimizerState } from "./state";
import { FlatSlots } from "./flatSlots";
import { checkStateHeader } from "./state";
import { flatBlocks, readFlat, writeFlat, type FlatBlock } from "./layout";

/**
 * The loss as a function of the flat parameter vector θ ∈ ℝᵖ (float64), for optimizers that must
 * evaluate it away from the current iterate (SAM, line searches, AdaHessian's HVPs, Newton,
 * CBO's particles, zeroth-order estimators). Build one with `lossClosure(f, params)` from a
 * differentiable function of a parameter tree, or `flatClosure({ value, gradient, hvp })` from
 * plain number functions (e.g. a test function).
 */
export interface LossClosure {
  /** Number of parameters p. */
  readonly p: number;
  /** f(θ). */
  value(theta: Float64Array): number;
  /** f(θ) and ∇f(θ) (length p). */
  valueAndGrad(theta: Float64Array): { value: number; grad: Float64Array };
  /** Exact Hessian–vector product H(θ)·v (optional: needed by AdaHessian and Newton-type methods). */
  hvp?(theta: Float64Array, v: Float64Array): Float64Array;
}

/** The closure of a differentiable function of a parameter tree shaped like `like` (autodiff: exact gradients and HVPs). */
export function lossClosure<P extends Params>(f: (params: P) => Tensor, like: P): LossClosure {
  check(typeof f === "function", "lossClosure: f", "expected a function of a parameter tree returning a scalar Tensor");
  const ls = leaves(like);
  check(ls.length > 0, "lossClosure: params", "expected a parameter tree with at least one tensor");
  const p = ls.reduce((s, t) => s + t.size, 0);
  const tree = (theta: Float64Array, argument: string): P => {
    if (!(theta instanceof Float64Array) || theta.length !== p) throw new OptlabError(`${argument}: expected a Float64Array of length ${p}`);
    return fromFlatValues(theta, like);
  };
  return {
    p,
    value: (theta) => noGrad(() => f(tree(theta, "closure.value: theta")).item()),
    valueAndGrad: (theta) => {
      const { value, grad } = valueAndGrad(f)(tree(theta, "closure.valueAndGrad: theta"));
      return { value: value.item(), grad: readFlat(grad) };
    },
    hvp: (theta, v) => readFlat(autodiffHvp(f, tree(theta, "closure.hvp: theta"), tree(v, "closure.hvp: v"))),
  };
}

/** Plain number functions of a flat vector. */
export interface FlatFunctions {
  /** Number of parameters p. */
  p: number;
  value(x: Float64Array): number;
  gradient?(x: Float64Array): ArrayLike<number>;
  /** H(x)·v; or give `hessian` (dense, row-major p×p) and it is multiplied here. */
  hvp?(x: Float64Array, v: Float64Array): ArrayLike<number>;
  hessian?(x: Float64Array): ArrayLike<number>;
}

/** A closure from plain functions (gradient required for gradient-based optimizers; checked when called). */
export function flatClosure(fns: FlatFunctions): LossClosure {
  check(fns !== null && typeof fns === "object" && typeof fns.value === "function", "flatClosure: fns", "expected { p, value, gradient?, hvp?, hessian? }");
  const p = fns.p;
  check(Number.isInteger(p) && p >= 1, "flatClosure: p", `expected an integer >= 1, got ${String(p)}`);
  const closure: LossClosure = {
    p,
    value: (x) => fns.value(x),
    valueAndGrad: (x) => {
      if (!fns.gradient) throw new OptlabError("closure.valueAndGrad: this closure has no gradient (give flatClosure a gradient function)");
      return { value: fns.value(x), grad: Float64Array.from(fns.gradient(x)) };
    },
  };
  if (fns.hvp) {
    const h = fns.hvp;
    closure.hvp = (x, v) => Float64Array.from(h(x, v));
  } else if (fns.hessian) {
    const hess = fns.hessian;
    closure.hvp = (x, v) => {
      const H = hess(x);
      const out = new Float64Array(p);
      for (let i = 0; i < p; i++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += H[i * p + j] * v[j];
        out[i] = s;
      }
      return out;
    };
  }
  return closure;
}

/** What one closure step reports. */
export interface ClosureStepInfo {
  /** Loss at the parameters the step started from (NaN if the method never evaluated it there). */
  loss: number;
  /** Closure calls made by this step. */
  values: number;
  gradients: number;
  hvps: number;
}

/**
 * Optimizers that need the loss, not only a gradient: `step(params, closure)` updates the leaves
 * of `params` IN PLACE (float64 arithmetic, written back rounded to f32 leaves) using a closure of
 * the loss over the flat parameter vector. Same bookkeeping as `Optimizer` (stepCount, lastLr,
 * state/load/reset). `usesClosure` tells a driver (`optim.minimize`) which contract applies.
 *
 * Driving one by hand:
 *
 *     const closure = optim.lossClosure((p) => loss(model.apply(p, x), y), model.params);
 *     for (let k = 0; k < 100; k++) opt.step(model.params, closure);
 */
export interface ClosureOptimizer {
  readonly name: string;
  readonly hyper: Record<string, unknown>;
  readonly usesClosure: true;
  step(params: Params, closure: LossClosure): ClosureStepInfo;
  readonly stepCount: number;
  lastLr(): number;
  state(): OptimizerState;
  load(state: OptimizerState): void;
  reset(): void;
}

/** A closure that counts its calls. */
export interface CountingClosure extends LossClosure {
  values: number;
  gradients: number;
  hvps: number;
}

export function countingClosure(c: LossClosure): CountingClosure {
  const counted: CountingClosure = {
    p: c.p,
    values: 0,
    gradients: 0,
    hvps: 0,
    value(theta) {
      counted.values++;
      return c.value(theta);
    },
    valueAndGrad(theta) {
      counted.gradients++;
      return c.valueAndGrad(theta);
    },
  };
  if (c.hvp) {
    const h = c.hvp.bind(c);
    counted.hvp = (theta, v) => {
      counted.hvps++;
      return h(theta, v);
    };
  }
  return counted;
}

/** What a closure rule sees. */
export interface ClosureContext {
  readonly t: number;
  readonly lr: number;
  readonly blocks: readonly FlatBlock[];
}

/** A closure-based rule: update θ (flat float64, in place); return the loss at the starting θ (or NaN). */
export interface ClosureRule {
  /** Whether the rule calls closure.hvp (checked before the first step). */
  readonly needsHvp?: boolean;
  update(theta: Float64Array, closure: LossClosure, slots: FlatSlots, ctx: ClosureContext): number;
  /** Extra reset work (e.g. particles kept outside the slots). */
  reset?(): void;
}

/** Build a ClosureOptimizer from a rule (flat θ, named float64 buffers, lr schedule, state/load/reset). */
export function closureOptimizer(name: string, hyper: Record<string, unknown>, lr: LearningRate, rule: ClosureRule): ClosureOptimizer {
  return new ClosureOptimizerImpl(name, Object.freeze({ ...hyper }), lr, rule);
}

class ClosureOptimizerImpl implements ClosureOptimizer {
  readonly usesClosure = true as const;
  private t = 0;
  private last = NaN;
  private readonly slots = new FlatSlots();

  constructor(
    readonly name: string,
    readonly hyper: Record<string, unknown>,
    private readonly lr: LearningRate,
    private readonly rule: ClosureRule,
  ) {}

  get stepCount(): number {
    return this.t;
  }

  lastLr(): number {
    return this.last;
  }

  step(params: Params, closure: LossClosure): ClosureStepInfo {
    const where = `${this.name}.step`;
    check(
      closure !== null && typeof closure === "object" && typeof closure.value === "function" && typeof closure.valueAndGrad === "function",
      `${where}: closure`,
      "expected a LossClosure (optim.lossClosure(f, params) or optim.flatClosure({...}))",
    );
    const theta = readFlat(params);
    if (closure.p !== theta.length) throw new OptlabError(`${where}: closure: it has p = ${closure.p} but params has ${theta.length} elements`);
    if (this.rule.needsHvp && typeof closure.hvp !== "function") {
      throw new OptlabError(`${where}: closure: ${this.name} needs Hessian–vector products; the closure has no hvp (use optim.lossClosure, or give flatClosure an hvp or hessian)`);
    }
    checkFinite(theta, `${where}: params`);
    const lr = lrAt(this.lr, this.t, this.name);
    const counted = countingClosure(closure);
    const t = this.t + 1;
    const loss = this.rule.update(theta, counted, this.slots, { t, lr, blocks: flatBlocks(params) });
    writeFlat(params, theta);
    this.t = t;
    this.last = lr;
    return { loss, values: counted.values, gradients: counted.gradients, hvps: counted.hvps };
  }

  state(): OptimizerState {
    return { name: this.name, stepCount: this.t, lastLr: this.last, slots: this.slots.snapshot(), hyper: { ...this.hyper } };
  }

  load(state: OptimizerState): void {
    const where = `${this.name}.load`;
    checkStateHeader(state, this.name, where);
    this.slots.restore(state.slots, where);
    this.t = state.stepCount;
    this.last = state.lastLr;
  }

  reset(): void {
    this.t = 0;
    this.last = NaN;
    this.slots.clear();
    this.rule.reset?.();
  }
}

/** Whether `opt` follows the closure contract. */
export function isClosureOptimizer(opt: unknown): opt is ClosureOptimizer {
  return opt !== null && typeof opt === "object" && (opt as { usesClosure?: unknown }).usesClosure === true;
}
