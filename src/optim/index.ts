/**
 * optim: optimizers and learning-rate schedules.
 * Every first-order optimizer is a pure pair `init(θ) → state`, `update(g, state, θ) → { theta, state }`
 * on flat float64 vectors (`defineOptimizer`); `opt.step(params, grads)` (in place) and `train` are
 * sugar over it, and `initTree`/`updateTree` adapt it to parameter trees.
 */
export type { Optimizer, PureOptimizer, UpdateResult } from "./Optimizer";
export type { OptimizerState } from "./state";
export { makeSchedule, isSchedule, lrAt, type LearningRate, type Schedule } from "./learningRate";
export { matchLeaves, type MatchedLeaves } from "./matchLeaves";
export { defineOptimizer, pureOptimizer, type UpdateRule, type UpdateContext } from "./defineOptimizer";
export { withStep } from "./withStep";
export { initTree, updateTree } from "./treeUpdate";
export { sgd, type SgdOptions } from "./sgd";
export { adam, adamw, type AdamOptions } from "./adam";
export { adagrad, type AdagradOptions } from "./adagrad";
export { rmsprop, type RmspropOptions } from "./rmsprop";
export {
  constant,
  stepDecay,
  exponential,
  cosine,
  linearDecay,
  warmup,
  type StepDecayOptions,
  type ExponentialOptions,
  type CosineOptions,
  type LinearDecayOptions,
  type WarmupOptions,
} from "./schedules";

// ---- optimizer zoo (issue 7) ------------------------------------------------------------------
export { flatBlocks, leafViews, type FlatBlock } from "./layout";
export { lossClosure, flatClosure, type LossClosure, type FlatFunctions } from "./closure";
export {
  closureOptimizer,
  pureClosureOptimizer,
  isClosureOptimizer,
  type PureClosureOptimizer,
  type ClosureOptimizer,
  type ClosureUpdateResult,
  type ClosureStepInfo,
  type ClosureRule,
  type ClosureContext,
} from "./closureOptimizer";
export { minimize, type MinimizeOptions, type MinimizeResult } from "./minimize";
export { lion, lionKappa, type LionOptions, type LionKappaOptions, type KappaGradient } from "./lion";
export { newtonSchulz, newtonSchulzArray, MUON_COEFFICIENTS, type NewtonSchulzOptions } from "./newtonSchulz";
export { muon, type MuonOptions } from "./muon";
export { adamp, sgdp, projectRadial, type AdamPOptions, type SgdPOptions } from "./adamp";
export { diffGrad, diffGradFriction, type DiffGradOptions } from "./diffgrad";
export { hutchinsonDiagonal } from "./hutchinson";
export { adahessian, spatialAverage, type AdaHessianOptions } from "./adahessian";
export { MfacWindow, mfacInverse, mfacSgd, type MfacSgdOptions } from "./mfac";
export { adagradNorm, normTest, type AdaGradNormOptions, type NormTestOptions, type NormTestResult } from "./adagradNorm";
export { exadam, type ExAdamOptions } from "./exadam";
export { exponentiatedGradient, type ExponentiatedGradientOptions } from "./exponentiatedGradient";
export { normalizedMomentum, type NormalizedMomentumOptions } from "./normalizedMomentum";
export { sam, type SamOptions } from "./sam";
export { grNewton, softmaxGaussNewton, denseHessian, solveDense, type GrNewtonOptions } from "./grNewton";
export { lbfgs, strongWolfe, armijo, type LbfgsOptions, type LineSearchResult } from "./lbfgs";
export { cbo, cboStep, consensusPoint, type CboOptions, type CboStepOptions, type Consensus } from "./cbo";
export { cge, rge, zerothOrder, type ZerothOrderOptions } from "./zerothOrder";
export { refinedSchedule, refinedWeights, type RefinedScheduleOptions } from "./refinedSchedule";
export { averaged, type AveragedOptimizer, type AveragingOptions } from "./averaging";

// ---- train loop (owned by the lead; src/optim/train.ts) -------------------------------------
export { train, type TrainOptions, type TrainResult, type StepInfo, type EpochInfo, type Callback } from "./train";
export type { NonFiniteReport } from "./nonFinite";
// ---------------------------------------------------------------------------------------------
export { get, names } from "./registry";
export { fromOptimizer, clipByGlobalNorm, chain, applyUpdates, type GradientTransformation } from "./transformation";
export { perpGrad, type PerpGradOptions } from "./perpGrad";
