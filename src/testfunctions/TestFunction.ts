import { Tensor } from "../tensor/Tensor";
import { tensor } from "../tensor/create";
import { reshape, slice } from "../tensor/ops/shape";
import { OptlabError, check } from "../util/errors";
import type { Objective } from "../objective/Objective";
import { objective } from "../objective/fromFunction";
import { functionsObjective } from "../objective/functionsObjective";

/** A known stationary point: a global minimum, a saddle, or a min-max equilibrium. */
export interface KnownPoint {
  x: readonly number[];
  value: number;
}

/**
 * A teaching test function f: ℝᵈ → ℝ with closed-form value, gradient and Hessian, a
 * differentiable Tensor version for autodiff, its known minima (or the saddle/equilibrium for
 * `kind` "saddle"/"min-max"), a plotting box and a standard start.
 */
export interface TestFunction {
  readonly name: string;
  readonly dim: number;
  /** "minimum": minimize; "saddle": a degenerate stationary point to escape; "min-max": min over the first half of x, max over the second. */
  readonly kind: "minimum" | "saddle" | "min-max";
  value(x: ArrayLike<number>): number;
  /** ∇f (length d). */
  gradient(x: ArrayLike<number>): Float64Array;
  /** ∇²f, row-major d×d. */
  hessian(x: ArrayLike<number>): Float64Array;
  /** f on a Tensor x of shape [d], built from differentiable ops (grad/hvp work; dtype follows x). */
  tensor(x: Tensor): Tensor;
  /** Known global minima (or the stationary point of a saddle / min-max problem). */
  readonly minima: readonly KnownPoint[];
  /** Plot box [[lo, hi], ...] per coordinate. */
  readonly domain: readonly (readonly [number, number])[];
  /** The standard starting point. */
  readonly start: readonly number[];
  /** Parameters of the instance (e.g. a, b of Rosenbrock), for records. */
  readonly params: Record<string, unknown>;
}

/** Element i of a 1-D tensor as a scalar tensor (differentiable). */
export function el(x: Tensor, i: number): Tensor {
  return reshape(slice(x, [i], [i + 1]), []);
}

/** Check a point's length. */
export function checkPoint(x: ArrayLike<number>, d: number, where: string): void {
  if (x === null || typeof x !== "object" || typeof x.length !== "number") throw new OptlabError(`${where}: x: expected an array of ${d} numbers`);
  check(x.length === d, `${where}: x`, `expected ${d} coordinates, got ${x.length}`);
}

export function checkTensorPoint(x: Tensor, d: number, where: string): void {
  check(x instanceof Tensor, `${where}: x`, "expected a Tensor");
  check(x.rank === 1 && x.size === d, `${where}: x`, `expected shape [${d}], got [${x.shape}]`);
}

/**
 * A LossClosure (an Objective) for optimizers (optim.minimize, closure optimizers) from the closed
 * forms: value, gradient and Hessian of `fn` (no autodiff involved), centred at its start.
 */
export function closureOf(fn: TestFunction): Objective<Tensor> {
  return functionsObjective({ p: fn.dim, value: (x) => fn.value(x), gradient: (x) => fn.gradient(x), hessian: (x) => fn.hessian(x), theta0: fn.start });
}

/** The same closure through autodiff of `fn.tensor` (for comparing the two routes). */
export function autodiffClosureOf(fn: TestFunction, dtype: "f64" | "f32" = "f64"): Objective<Tensor> {
  return objective((p: Tensor) => fn.tensor(p), tensor(Array.from(fn.start), [fn.dim], dtype));
}
