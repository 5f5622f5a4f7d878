export type { Model } from "./Model";
export { predict } from "./Model";
export { mlp, twoLayerRelu, type MlpOptions, type DenseParams } from "./mlp";
export { deepLinear, alignedDeepLinear, endToEnd, type DeepLinearOptions } from "./deepLinear";
export { unconstrainedFeatures, type UfmOptions, type UfmParams } from "./unconstrainedFeatures";
export { diagonalLinear, diagonalWeights, type DiagonalLinearOptions, type DiagonalLinearParams } from "./diagonalLinear";
export { features } from "./features";
export { ACTIVATIONS, activation, type ActivationName } from "./activations";
export { PARAMETRIZATIONS, type Parametrization } from "./parametrization";
export { gaussian, orthogonal } from "./init";
export {
  mse, crossEntropy, logistic, hinge, stablemax, stablemaxCrossEntropy, accuracy, getLoss, classIds, LOSSES,
  type Loss, type LossName, type LossOptions, type Reduction,
} from "./losses";
export { mlpFromWeights, type LinearWeights, type MlpFromWeightsOptions } from "./fromWeights";
export * from "./layers";
export { network, type Network, type NetworkOptions } from "./network";
export * from "./models";
