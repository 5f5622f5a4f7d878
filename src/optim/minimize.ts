import { fromFlatValues } from "../autodiff/ravel";
import type { Params } from "../autodiff/params";
import { check, checkOptions } from "../util/errors";
import { checkInteger, checkOptionsObject } from "./validators";
import type { Optimizer } from "./Optimizer";
import type { LossClosure } from "./closure";
import { isClosureOptimizer, type ClosureOptimizer } from "./closureOptimizer";
import { readFlat } from "./layout";

export interface MinimizeOptions {
  /** Number of steps (required). */
  steps: number;
  /** Record the iterate (flat) after every step (default false; for trajectories on test functions). */
  trajectory?: boolean;
  /** Called after each step with the 0-based step and the loss at the start of that step; return false to stop. */
  onStep?: (step: number, loss: number) => void | boolean;
}

/** A minimization run: losses (at the start of each step) and, optionally, the iterates. */
export interface MinimizeResult {
  kind: "minimize";
  method: string;
  /** The optimizer's learning rate (a number, or a schedule's description; a wrapper such as SAM reports its base's), null when it has none. */
  lr: number | string | null;
  /** The optimizer's hyperparameters (its `hyper` record: momentum, betas, …), to tell runs apart. */
  hyper: Record<string, unknown>;
  steps: number;
  /** Loss at the start of each step, then the final loss (length steps + 1). */
  losses: number[];
  /** Flat iterates θ_0..θ_steps when `trajectory` was set. */
  trajectory: Float64Array[] | null;
  finalLoss: number;
  wallTimeMs: number;
}

/**
 * Drive either optimizer contract on a closure: a gradient `Optimizer` gets ∇f from
 * `closure.valueAndGrad`; a `ClosureOptimizer` gets the closure. Updates `params` in place.
 * For racing optimizers on test functions and small problems (`optim.train` drives gradient
 * optimizers on models and data).
 */
export function minimize(optimizer: Optimizer | ClosureOptimizer, params: Params, closure: LossClosure, opts: MinimizeOptions): MinimizeResult {
  const where = "minimize";
  check(optimizer !== null && typeof optimizer === "object" && typeof optimizer.step === "function", `${where}: optimizer`, "expected an optimizer");
  checkOptionsObject(opts, where, true);
  checkOptions(opts, ["steps", "trajectory", "onStep"], where);
  checkInteger(opts.steps, "steps", where, 0);
  const start = performance.now();
  const losses: number[] = [];
  const traj: Float64Array[] | null = opts.trajectory ? [readFlat(params)] : null;
  let k = 0;
  for (; k < opts.steps; k++) {
    let loss: number;
    if (isClosureOptimizer(optimizer)) {
      loss = optimizer.step(params, closure).loss;
    } else {
      const { value, grad } = closure.valueAndGrad(readFlat(params));
      loss = value;
      optimizer.step(params, fromFlatValues(grad, params));
    }
    losses.push(loss);
    traj?.push(readFlat(params));
    if (opts.onStep && opts.onStep(k, loss) === false) {
      k++;
      break;
    }
  }
  const finalLoss = closure.value(readFlat(params));
  losses.push(finalLoss);
  return { kind: "minimize", method: optimizer.name, lr: learningRateOf(optimizer.hyper), hyper: { ...optimizer.hyper }, steps: k, losses, trajectory: traj, finalLoss, wallTimeMs: performance.now() - start };
}

/** The lr an optimizer's `hyper` record holds (its own, else its base's for wrappers like SAM). */
function learningRateOf(hyper: Record<string, unknown> | undefined): number | string | null {
  const lr = hyper?.lr;
  if (typeof lr === "number" || typeof lr === "string") return lr;
  const base = hyper?.baseHyper;
  return base && typeof base === "object" ? learningRateOf(base as Record<string, unknown>) : null;
}
