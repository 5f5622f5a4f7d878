/**
 * `data`: seeded synthetic data sets (among them `cifarLike`, a synthetic stand-in for CIFAR-10),
 * offline MNIST, and the helpers that cut them up. Every generator takes an options object
 * (unknown options are errors), `seed` (number or Rng, default 0) and `dtype` ("f64" default);
 * same seed ⇒ bit-identical data.
 */
export { dataset, sizeOfDataset, PER_ROW } from "./Dataset";
export type { Dataset, DataSplit, DatasetOptions, InputLike, TargetLike } from "./Dataset";
export type { GeneratorCommon } from "./options";
export { gaussianMixture } from "./gaussianMixture";
export type { GaussianMixtureOptions } from "./gaussianMixture";
export { twoMoons } from "./twoMoons";
export type { TwoMoonsOptions } from "./twoMoons";
export { spirals } from "./spirals";
export type { SpiralsOptions } from "./spirals";
export { sphere } from "./sphere";
export type { SphereOptions } from "./sphere";
export { linearTeacher, mlpTeacher } from "./teacherStudent";
export type { TeacherOptions, MlpTeacherOptions, TeacherActivation } from "./teacherStudent";
export { linearRegression } from "./linearRegression";
export type { LinearRegressionOptions } from "./linearRegression";
export { modularArithmetic } from "./modularArithmetic";
export type { ModularArithmeticOptions, ModularOperation } from "./modularArithmetic";
export { matrixSensing } from "./matrixSensing";
export type { MatrixSensingOptions } from "./matrixSensing";
export { mnist } from "./mnist";
export type { MnistOptions } from "./mnist";
export { cifarLike, cifarLikeTemplates } from "./cifarLike";
export type { CifarLikeOptions, CifarLikeTemplate } from "./cifarLike";
export { take, selectClasses } from "./subset";
export { trainTestSplit } from "./split";
export type { TrainTestSplitOptions } from "./split";
export { standardize, featureStats } from "./standardize";
export type { FeatureStats } from "./standardize";
export { randomOrthogonal } from "./randomOrthogonal";
export { whiten } from "./whiten";
export type { Whitening, WhitenOptions } from "./whiten";
