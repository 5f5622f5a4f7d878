import type { Tensor } from "../tensor/Tensor";
import type { Params } from "../autodiff/params";
import type { ParamBlock } from "../autodiff/ravel";
import type { LinearOperator } from "../linalg/LinearOperator";

/** Rows of the data a model objective averages over for one call (indices into the dataset). */
export type Batch = ArrayLike<number>;

/** An objective linearized at θ: value, gradient and the Hessian at θ as a LinearOperator. */
export interface Linearization {
  /** The point θ (a copy). */
  readonly theta: Float64Array;
  /** f(θ). */
  readonly value: number;
  /** ∇f(θ), float64, length p. */
  readonly grad: Float64Array;
  /**
   * v ↦ H(θ)·v, float64 length p in and out. Each product is one reverse sweep of the recorded
   * gradient graph; a non-finite result raises a NonFiniteError naming the parameter block.
   */
  readonly hvp: LinearOperator;
}

/**
 * A scalar loss as a function of the flat parameter vector θ ∈ ℝᵖ (float64 in and out, whatever
 * the storage dtype), with a centre θ₀ (the model's current parameters). Every θ-space tool meets
 * on this type: Hessian analyses, stability, landscapes, solvers and closure optimizers. Methods
 * take θ first; θ omitted means θ₀. Build one with `objective(f, params)` (autodiff),
 * `modelObjective(model, data)` (mean loss on a dataset) or `functionsObjective({...})` (plain
 * number functions, e.g. test functions).
 */
export interface Objective<P extends Params = Params> {
  /** Number of parameters p. */
  readonly p: number;
  /** Parameter blocks (leaves) in flat order, for per-layer views and error messages. */
  readonly blocks: readonly ParamBlock[];
  /** Storage dtype of the parameters (computations run in it; θ is always float64). */
  readonly dtype: "f64" | "f32";
  /** θ₀ as a parameter tree. */
  readonly params: P;
  /** The loss as a differentiable function of a parameter tree (absent for plain-function objectives). */
  readonly f?: (params: P) => Tensor;
  /** Rows the loss averages over (model objectives), else null. */
  readonly n: number | null;
  /** θ₀, flat (a copy). */
  center(): Float64Array;
  /** A parameter tree from θ. */
  unravel(theta: Float64Array): P;
  /** f(θ); on `batch` rows when given (model objectives). NaN is returned, not thrown. */
  value(theta?: Float64Array, batch?: Batch): number;
  /** ∇f(θ), length p. */
  grad(theta?: Float64Array, batch?: Batch): Float64Array;
  /** f(θ) and ∇f(θ) from one forward and one backward pass. */
  valueAndGrad(theta?: Float64Array, batch?: Batch): { value: number; grad: Float64Array };
  /**
   * H(θ)·v. Reuses the last linearization when θ (and batch) are unchanged, so repeated products
   * at one point cost one reverse sweep each.
   */
  hvp(theta: Float64Array | undefined, v: Float64Array, batch?: Batch): Float64Array;
  /** Value, gradient and Hessian operator at θ (records the gradient graph once). */
  linearize(theta?: Float64Array, batch?: Batch): Linearization;
  /** Hessian–vector products computed so far through this objective (all linearizations). */
  readonly hvps: number;
  /** Whether `hvp`/`linearize` can give Hessian products (false for plain functions without hvp/hessian). */
  readonly hasHvp: boolean;
}
