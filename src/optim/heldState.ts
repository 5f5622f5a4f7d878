import type { FlatBlock } from "./layout";
import { cloneState, type OptimizerState } from "./state";

/** What both kinds of pure core share. */
interface Core {
  readonly name: string;
  readonly hyper: Record<string, unknown>;
  init(theta: Float64Array, blocks?: readonly FlatBlock[]): OptimizerState;
}

/**
 * What the in-place sugar of every optimizer shares: one held state (replaced, never mutated, by
 * each step), read through `stepCount`, `lastLr()` and `state()` (a copy), and `reset()`.
 */
export abstract class HeldState<C extends Core> {
  protected current: OptimizerState;

  constructor(protected readonly core: C) {
    this.current = this.fresh();
  }

  /** The state before any step (no layout yet). */
  protected abstract fresh(): OptimizerState;

  get name(): string {
    return this.core.name;
  }

  get hyper(): Record<string, unknown> {
    return this.core.hyper;
  }

  /** The core's fresh state for θ laid out as `blocks` (pure; the held state is not touched). */
  init(theta: Float64Array, blocks?: readonly FlatBlock[]): OptimizerState {
    return this.core.init(theta, blocks);
  }

  get stepCount(): number {
    return this.current.stepCount;
  }

  lastLr(): number {
    return this.current.lastLr;
  }

  state(): OptimizerState {
    return cloneState(this.current);
  }

  reset(): void {
    this.current = this.fresh();
  }
}
