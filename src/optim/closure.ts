import type { Tensor } from "../tensor/Tensor";
import { hvp as autodiffHvp, valueAndGrad } from "../autodiff/transforms";
import { fromFlatValues } from "../autodiff/ravel";
import { leaves, type Params } from "../autodiff/params";
import { noGrad } from "../autodiff/graph";
import { OptlabError, check } from "../util/errors";
import { readFlat } from "./layout";
import { checkInteger } from "./validators";

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
  checkInteger(p, "p", "flatClosure", 1);
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
