export { grad, valueAndGrad, vjp, jvp, hvp, jacobian, type JacobianOptions } from "./transforms";
export { noGrad, isGradEnabled } from "./graph";
export { backward } from "./backward";
export { ravel, paramBlocks, blockAt, flatten, unflatten, flatValues, fromFlatValues, type Raveled, type ParamBlock } from "./ravel";
export { leaves, leafPaths, withLeaves, mapLeaves, numParams, type Params } from "./params";
