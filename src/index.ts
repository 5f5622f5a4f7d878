/**
 * @optlab/core — the numeric engine of optlab: tensors on float64 (reference), GPU.js and WASM
 * backends, autodiff with exact Hessian–vector products, models, data, optimizers and analyses.
 */
export * from "./tensor";
export * from "./autodiff";
export { Rng, toRng } from "./random/Rng";
export { OptlabError, NonFiniteError } from "./util/errors";
export {
  setBackend, getBackendChoice, withBackend, availableBackends, registerBackend,
  type BackendChoice,
} from "./backend/registry";
export type { Backend, BackendName } from "./backend/Backend";
export * as nn from "./nn";
export * as optim from "./optim";
export * as data from "./data";
export type { Model } from "./nn/Model";
export type { Dataset } from "./data/Dataset";
export * as solvers from "./solvers";
export * as linalg from "./linalg";
export { collapse, hessian, ntk, stability, landscape } from "./analysis";
export { objective, modelObjective, functionsObjective, type Objective, type Linearization, type Batch, type ModelObjectiveOptions, type ObjectiveFunctions } from "./objective";
export { initBackends, backendsInfo, disposeBackends, type InitOptions, type BackendsInfo } from "./backend/init";
export * as testfunctions from "./testfunctions";
export * as io from "./io";
export { requestInterrupt, interruptEpoch, InterruptedError } from "./util/interrupt";
