import { checkLearningRate, type LearningRate } from "./learningRate";
import { checkNonNegative, checkPositive, checkUnitInterval } from "./validators";

/** The validated hyperparameters every Adam-style method shares. */
export interface AdamHyper {
  lr: LearningRate;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/**
 * Defaults and validation of lr, β1, β2, eps and weight decay for the Adam family (Adam, AdamW,
 * AdamP, diffGrad, EXAdam, AdaHessian), so each factory checks only what it adds.
 */
export function adamHyper(
  o: Partial<Record<keyof AdamHyper, unknown>>,
  where: string,
  defaults: AdamHyper = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
): AdamHyper {
  const { lr = defaults.lr, beta1 = defaults.beta1, beta2 = defaults.beta2, eps = defaults.eps, weightDecay = defaults.weightDecay } = o;
  checkLearningRate(lr, where);
  checkUnitInterval(beta1, "beta1", where);
  checkUnitInterval(beta2, "beta2", where);
  checkPositive(eps, "eps", where);
  checkNonNegative(weightDecay, "weightDecay", where);
  return { lr, beta1, beta2, eps, weightDecay };
}
