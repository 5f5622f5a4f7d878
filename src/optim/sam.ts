import { check, checkOptions } from "../util/errors";
import { checkBoolean, checkOptionsObject, checkPositive } from "./validators";
import type { Optimizer } from "./Optimizer";
import { countingClosure } from "./closure";
import { ClosureStepper, checkClosureUpdate, type ClosureOptimizer } from "./closureOptimizer";

export interface SamOptions {
  /** The optimizer that takes the step with the sharpness-aware gradient (required), e.g. sgd({ lr: 0.1 }). */
  base: Optimizer;
  /** Neighbourhood radius ρ > 0 (default 0.05, the paper's). */
  rho?: number;
  /** ASAM-style element-wise adaptive radius ε = ρ·θ²⊙g/‖θ⊙g‖ (Kwon et al., 2021; default false). */
  adaptive?: boolean;
  /** Guard in the normalization (default 1e-12). */
  eps?: number;
}

/**
 * Sharpness-Aware Minimization (Foret et al., 2021): the gradient is taken at the worst point of a
 * ρ-ball, to first order,
 *
 *     ε = ρ·g/‖g‖,     g_SAM = ∇f(θ + ε),     base.step(θ, g_SAM)
 *
 * Closure-based (two gradients per step). SAM's state is the base optimizer's state (renamed):
 * `update` runs the base's pure `update` with g_SAM, so the base object itself is never stepped.
 */
export function sam(opts: SamOptions): ClosureOptimizer {
  const where = "sam";
  checkOptionsObject(opts, where, true);
  checkOptions(opts, ["base", "rho", "adaptive", "eps"], where);
  const { base, rho = 0.05, adaptive = false, eps = 1e-12 } = opts;
  check(
    base !== null && typeof base === "object" && typeof base.update === "function" && !(base as { usesClosure?: unknown }).usesClosure,
    `${where}: base`,
    "expected a gradient optimizer (e.g. optim.sgd({ lr: 0.1 }))",
  );
  checkPositive(rho, "rho", where);
  checkBoolean(adaptive, "adaptive", where);
  checkPositive(eps, "eps", where);
  const hyper = Object.freeze({ rho, adaptive, eps, base: base.name, baseHyper: base.hyper });
  return new ClosureStepper({
    name: where,
    hyper,
    needsHvp: false,
    init: (theta, blocks) => ({ ...base.init(theta, blocks), name: where, hyper }),
    update(closure, state, theta) {
      checkClosureUpdate(closure, state, theta, where, false, `${where}.update`);
      const c = countingClosure(closure);
      const { value, grad } = c.valueAndGrad(theta);
      const e = new Float64Array(theta.length);
      let n = 0;
      for (let j = 0; j < e.length; j++) {
        e[j] = adaptive ? theta[j] * theta[j] * grad[j] : grad[j];
        n += adaptive ? (theta[j] * grad[j]) ** 2 : grad[j] * grad[j];
      }
      const s = rho / Math.max(Math.sqrt(n), eps);
      const perturbed = new Float64Array(theta.length);
      for (let j = 0; j < e.length; j++) perturbed[j] = theta[j] + s * e[j];
      const gSam = c.valueAndGrad(perturbed).grad;
      const r = base.update(gSam, { ...state, name: base.name, hyper: base.hyper }, theta);
      return {
        theta: r.theta,
        state: { ...r.state, name: where, hyper },
        info: { loss: value, values: c.values, gradients: c.gradients, hvps: c.hvps },
      };
    },
  });
}
