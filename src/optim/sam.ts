import { fromFlatValues } from "../autodiff/flat";
import type { Params } from "../autodiff/params";
import { check, checkOptions, checkFinite, OptlabError } from "../util/errors";
import { checkBoolean, checkOptionsObject, checkPositive } from "./validators";
import type { Optimizer } from "./Optimizer";
import type { OptimizerState } from "./state";
import { countingClosure, type ClosureOptimizer, type ClosureStepInfo, type LossClosure } from "./closure";
import { readFlat } from "./layout";

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
 * Closure-based (two gradients per step); the base optimizer's state is SAM's state.
 */
export function sam(opts: SamOptions): ClosureOptimizer {
  const where = "sam";
  checkOptionsObject(opts, where, true);
  checkOptions(opts, ["base", "rho", "adaptive", "eps"], where);
  const { base, rho = 0.05, adaptive = false, eps = 1e-12 } = opts;
  check(base !== null && typeof base === "object" && typeof base.step === "function" && !(base as { usesClosure?: unknown }).usesClosure, `${where}: base`, "expected a gradient optimizer (e.g. optim.sgd({ lr: 0.1 }))");
  checkPositive(rho, "rho", where);
  checkBoolean(adaptive, "adaptive", where);
  checkPositive(eps, "eps", where);
  return {
    name: where,
    usesClosure: true,
    get hyper() {
      return { rho, adaptive, eps, base: base.name, baseHyper: base.hyper };
    },
    get stepCount() {
      return base.stepCount;
    },
    lastLr: () => base.lastLr(),
    step(params: Params, closure: LossClosure): ClosureStepInfo {
      check(closure !== null && typeof closure === "object" && typeof closure.valueAndGrad === "function", `${where}.step: closure`, "expected a LossClosure");
      const theta = readFlat(params);
      if (closure.p !== theta.length) throw new OptlabError(`${where}.step: closure: it has p = ${closure.p} but params has ${theta.length} elements`);
      checkFinite(theta, `${where}.step: params`);
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
      base.step(params, fromFlatValues(gSam, params));
      return { loss: value, values: c.values, gradients: c.gradients, hvps: c.hvps };
    },
    state: (): OptimizerState => ({ ...base.state(), name: where, hyper: { rho, adaptive, eps, base: base.name } }),
    load(state: OptimizerState) {
      check(state !== null && typeof state === "object" && state.name === where, `${where}.load: state.name`, `state was saved by "${String(state?.name)}", not "${where}"`);
      base.load({ ...state, name: base.name });
    },
    reset: () => base.reset(),
  };
}
