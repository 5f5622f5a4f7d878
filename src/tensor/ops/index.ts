export * from "./unary";
export * from "./binary";
export * from "./reduce";
export * from "./shape";
export * from "./matmul";
export { broadcastTo, sumTo } from "./broadcast";
export type { TensorLike } from "./util";
export { im2col, col2im, type WindowSpec } from "./im2col";
