export { grad, valueAndGrad, vjp, jvp, hvp, jacobian, hessian as hessianOf, type JacobianOptions } from "./transforms";
export { linearize, type TreeLinearization } from "./linearize";
export { noGrad, isGradEnabled } from "./graph";
export { backward } from "./backward";
export { ravel, paramBlocks, blockAt, flatten, unflatten, flatValues, fromFlatValues, type Raveled, type ParamBlock } from "./ravel";
export { leaves, leafPaths, withLeaves, mapLeaves, numParams, type Params } from "./params";
