export { symEig, type SymEig } from "./symEig";
export { symTridiagonalEig, symEigQL, type QLEig, type QLOptions } from "./symTridiagonalEig";
export { dot, norm2, axpy, sub } from "./vector";
export { linearOperator, isLinearOperator, productOf, type LinearOperator, type OperatorLike } from "./LinearOperator";
