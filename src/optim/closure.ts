import type { Objective } from "../objective/Objective";
import { objective } from "../objective/fromFunction";
import { functionsObjective, type ObjectiveFunctions } from "../objective/functionsObjective";

/**
 * What a closure optimizer needs of the loss as a function of θ ∈ ℝᵖ (float64): the part of an
 * `Objective` it calls (SAM, line searches, AdaHessian's HVPs, Newton, CBO's particles,
 * zeroth-order estimators evaluate it away from the current iterate). Every Objective is a
 * LossClosure — pass `modelObjective(model, data)`, `objective(f, params)` or
 * `functionsObjective({...})` directly; `hvp` is optional for closures built by hand.
 */
export type LossClosure = Pick<Objective, "p" | "value" | "valueAndGrad"> & { hvp?(theta: Float64Array, v: Float64Array): Float64Array; readonly hasHvp?: boolean };

/** `objective(f, params)` under the closure optimizers' name (exact gradients and HVPs by autodiff). */
export const lossClosure = objective;

/** Plain number functions of a flat vector (the fields of `functionsObjective` without θ₀). */
export type FlatFunctions = Omit<ObjectiveFunctions, "theta0">;

/** `functionsObjective(fns)` under the closure optimizers' name. */
export const flatClosure = (fns: FlatFunctions) => functionsObjective(fns);

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
