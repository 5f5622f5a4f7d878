import type { Params } from "../autodiff/params";
import type { FlatBlock } from "./layout";
import type { OptimizerState } from "./state";

export type { OptimizerState } from "./state";

/** What one pure update returns: the new parameters and the new state (both fresh). */
export interface UpdateResult {
  readonly theta: Float64Array;
  readonly state: OptimizerState;
}

/**
 * A first-order optimizer as a pure function pair, in the style of optax:
 *
 *     let s = opt.init(θ, blocks);
 *     ({ theta: θ, state: s } = opt.update(g, s, θ));
 *
 * **Convention**: θ and g are flat float64 vectors over all parameters (θ ∈ ℝᵖ, the leaves of a
 * parameter tree raveled in flat order; `blocks` says where each leaf lies, default one block
 * [p]). `update` returns a new θ and a new state and never writes into `g`, `state` or `theta`.
 * Parameter trees go through the thin adapters `initTree`/`updateTree`, and the in-place
 * `Optimizer.step(params, grads)` is sugar over `update` that also rounds to f32 leaves on
 * write-back.
 */
export interface PureOptimizer {
  readonly name: string;
  /** Hyperparameters, for records/reports (a schedule appears as its description). */
  readonly hyper: Record<string, unknown>;
  /** Names of the state's buffers. */
  readonly slotNames: readonly string[];
  /** Fresh state for parameters θ laid out as `blocks` (default: one block of shape [p]). */
  init(theta: Float64Array, blocks?: readonly FlatBlock[]): OptimizerState;
  /** One step from `state` at θ with gradient g (length p, finite): the new θ and state. */
  update(grads: Float64Array, state: OptimizerState, theta: Float64Array): UpdateResult;
  /**
   * The same update with `theta` and the state's buffers DONATED (as in JAX's `donate_argnums`): it
   * may write into them and return them, so a step allocates nothing. Only for callers that own
   * both, drop them afterwards and have checked g finite themselves (`step` does: it names the
   * leaf); results are bit-identical to `update`.
   */
  updateDonated?(grads: Float64Array, state: OptimizerState, theta: Float64Array): UpdateResult;
}

/**
 * The optimizer contract: the pure `init`/`update` core plus in-place sugar. `step(params, grads)`
 * updates the parameter tensors IN PLACE (their typed arrays) from gradients of the same structure
 * through `update` on the state the optimizer holds. Updates are computed in float64 whatever the
 * leaf dtype and written back rounded to the leaf's storage; the state's buffers stay float64.
 */
export interface Optimizer extends PureOptimizer {
  /** Update `params` IN PLACE (their typed arrays) from `grads` of the same structure; increments the step count. */
  step(params: Params, grads: Params): void;
  /** Number of steps taken. */
  readonly stepCount: number;
  /** The lr used by the last step (NaN before the first). */
  lastLr(): number;
  /** The held state, as a copy (buffers as Float64Array). */
  state(): OptimizerState;
  /** Hold a copy of a state from `state()` or `init`/`update` of an optimizer of the same kind. */
  load(state: OptimizerState): void;
  /** Forget all state: step count 0, buffers cleared. */
  reset(): void;
}
